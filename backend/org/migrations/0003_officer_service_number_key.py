"""One person, one service number (insider review F1): the normalized key is unique. Existing duplicates are
not merged by guesswork: the migration stops and names them, for an administrator to correct first."""
from __future__ import annotations

from typing import Any

from django.db import migrations, models
from django.db.models import F, Value
from django.db.models.functions import Lower, Replace


def _key_0003() -> Any:
    """The key as this migration indexed it (frozen: org 0004 adds the letter O read as the digit 0)."""
    expr: Any = F("service_number")
    for sign in (" ", "-", ".", "/", "_"):
        expr = Replace(expr, Value(sign), Value(""))
    return Lower(expr)


def service_number_key(number: str) -> str:
    import unicodedata

    return "".join(ch for ch in unicodedata.normalize("NFKC", number or "").strip().casefold() if ch.isalnum())


def refuse_duplicates(apps: Any, schema_editor: Any) -> None:
    officer = apps.get_model("org", "Officer")
    seen: dict[str, list[str]] = {}
    for pk, number, name in officer.objects.order_by("pk").values_list("pk", "service_number", "full_name"):
        seen.setdefault(service_number_key(number), []).append(f"#{pk} {number} {name}")
    clashes = [rows for rows in seen.values() if len(rows) > 1]
    if clashes:
        listed = "; ".join(" = ".join(rows) for rows in clashes)
        raise RuntimeError(
            "Có cán bộ trùng số hiệu khi bỏ qua chữ hoa/thường, dấu cách, gạch ngang, dấu chấm (cùng một người?): "
            f"{listed}. Hãy sửa số hiệu hoặc gộp hồ sơ trước khi nâng cấp. / Officers share a service number once "
            "case, spaces, dashes and dots are ignored: correct them before migrating.")


class Migration(migrations.Migration):
    dependencies = [("org", "0002_field_of_charge")]

    operations = [
        migrations.RunPython(refuse_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="officer",
            constraint=models.UniqueConstraint(_key_0003(), name="officer_service_number_key"),
        ),
    ]
