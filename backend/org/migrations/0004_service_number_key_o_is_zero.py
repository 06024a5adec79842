"""The service-number key reads the letter O as the digit 0 ("NA-1OO2" is "NA-1002", reviewer, issue 15): the
unique expression index is rebuilt on the new key. Officers whose numbers become one key are not merged by
guesswork: the migration stops and names them, for an administrator to correct first."""
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
            "Có cán bộ trùng số hiệu khi đọc chữ O là số 0 (cùng một người?): "
            f"{listed}. Hãy sửa số hiệu hoặc gộp hồ sơ trước khi nâng cấp. / Officers share a service number once "
            "the letter O is read as the digit 0: correct them before migrating.")


class Migration(migrations.Migration):
    dependencies = [("org", "0003_officer_service_number_key")]

    operations = [
        migrations.RunPython(refuse_duplicates, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="officer", name="officer_service_number_key"),
        migrations.AddConstraint(
            model_name="officer",
            constraint=models.UniqueConstraint(SERVICE_NUMBER_KEY, name="officer_service_number_key"),
        ),
    ]
