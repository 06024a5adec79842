"""The service-number key also reads the letters I and l as the digit 1 and drops the leading zeros of a run of
digits ("NA-01002", "NAl002", "NA-I002" are "NA-1002": insider review S2-1): the unique expression index is
rebuilt on the new key. Officers whose numbers become one key are not merged by guesswork: the migration stops and
names them, for an administrator to correct first."""
from __future__ import annotations

from typing import Any

from django.db import migrations, models

from backend.org.identity import SERVICE_NUMBER_KEY, service_number_key


def refuse_duplicates(apps: Any, schema_editor: Any) -> None:
    officer = apps.get_model("org", "Officer")
    seen: dict[str, list[str]] = {}
    for pk, number, name in officer.objects.order_by("pk").values_list("pk", "service_number", "full_name"):
        seen.setdefault(service_number_key(number), []).append(f"#{pk} {number} {name}")
    clashes = [rows for rows in seen.values() if len(rows) > 1]
    if clashes:
        listed = "; ".join(" = ".join(rows) for rows in clashes)
        raise RuntimeError(
            "Có cán bộ trùng số hiệu khi đọc chữ I, l là số 1 và bỏ các số 0 đứng đầu một dãy số (cùng một người?): "
            f"{listed}. Hãy sửa số hiệu hoặc gộp hồ sơ trước khi nâng cấp. / Officers share a service number once "
            "the letters I and l are read as the digit 1 and leading zeros are dropped: correct them before "
            "migrating.")


class Migration(migrations.Migration):
    dependencies = [("org", "0004_service_number_key_o_is_zero")]

    operations = [
        migrations.RunPython(refuse_duplicates, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="officer", name="officer_service_number_key"),
        migrations.AddConstraint(
            model_name="officer",
            constraint=models.UniqueConstraint(SERVICE_NUMBER_KEY, name="officer_service_number_key"),
        ),
    ]
