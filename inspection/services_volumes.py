"""Writes of the transactions served per counter and day (the volumes ratings are read against)."""
from __future__ import annotations

import csv
from typing import Any

from django.db import transaction
from django.utils import timezone

from backend.accounts.models import Role
from backend.accounts.selectors import require_role
from backend.audit.services import audit_record
from backend.core.actors import Actor, actor_user
from backend.core.errors import DomainError, Forbidden
from backend.org.models import Counter
from inspection.models import CounterVolume
from inspection.services_common import TEAM, _invalid
from inspection.services_ratings import _ASCII_WHOLE, _csv_broken, _no_repeated_columns

VOLUME_MAX = 5000  # a commune counter serves tens to a few hundred a day; more is a typing error
VOLUME_WRITERS = (*TEAM, Role.ADMIN)


def _volume_row(item: Any, counters: dict[str, Counter], today: Any) -> tuple[dict[str, Any] | None, list[str]]:
    from backend.core.params import parse_date

    if not isinstance(item, dict):
        return None, ["Phải là một đối tượng. / Must be an object."]
    errors = []
    code = str(item.get("counter", item.get("counter_code", "")) or "").strip()
    counter = counters.get(code)
    if counter is None:
        errors.append(f"Không có quầy mã {code!r}. / No counter with code {code!r}.")
    try:
        day = parse_date(str(item.get("day", "") or ""), "day")
    except DomainError:
        day = None
        errors.append("Ngày không hợp lệ (YYYY-MM-DD). / day must be YYYY-MM-DD.")
    if day is not None and day > today:
        errors.append("Ngày ở tương lai. / day is in the future.")
    raw = item.get("transactions")
    if isinstance(raw, bool) or not (isinstance(raw, int) and raw >= 0
                                     or isinstance(raw, str) and _ASCII_WHOLE.fullmatch(raw.strip())):
        errors.append("Số giao dịch phải là số nguyên không âm. / transactions must be a whole number >= 0.")
    elif int(raw) > VOLUME_MAX:
        errors.append(f"Số giao dịch vượt {VOLUME_MAX}/ngày. / transactions exceed {VOLUME_MAX} a day.")
    if errors:
        return None, errors
    return {"counter": counter, "day": day, "transactions": int(str(raw).strip())}, []


def _storable(codes: set[str]) -> set[str]:
    """The codes a query may carry: one holding a NUL byte is no counter's (PostgreSQL refuses NUL in text,
    the schema fuzz's 500), so its item is reported unknown with the others."""
    return {c for c in codes if "\x00" not in c}


@transaction.atomic
def volumes_record(*, by: Actor, items: list[Any], source: str = CounterVolume.Source.API,
                   reason: str = "") -> dict[str, int]:
    """Record transactions served per counter per day (one row per counter and day). A later entry that
    changes a recorded figure is a correction of the risk denominator: only the inspection team makes
    it, with a reason, and the audit keeps each old -> new figure. Every item is checked before anything
    is written: one bad item refuses the batch with each error's item number."""
    require_role(by, *VOLUME_WRITERS)
    if not isinstance(items, list) or not 1 <= len(items) <= 5000:
        raise _invalid("Cần từ 1 đến 5.000 dòng.", "Give 1 to 5,000 items.", "items")
    codes = {str(i.get("counter", i.get("counter_code", "")) or "").strip() for i in items if isinstance(i, dict)}
    counters = {c.code: c for c in Counter.objects.filter(code__in=_storable(codes))}
    today = timezone.localdate()
    clean: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    for number, item in enumerate(items, start=1):
        row, problems = _volume_row(item, counters, today)
        errors.extend({"item": number, "message": p} for p in problems)
        if row is not None:
            clean.append(row)
    if errors:
        raise DomainError("Dữ liệu giao dịch có lỗi; không dòng nào được ghi.", "Volume data has errors; nothing "
                          "was written.", code="invalid", fields={"items": [f"#{e['item']}: {e['message']}"
                                                                            for e in errors[:50]]})
    keys = {(r["counter"].pk, r["day"]) for r in clean}
    existing = {(v.counter_id, v.day): v for v in CounterVolume.objects.select_for_update().filter(
        counter_id__in={k[0] for k in keys}, day__in={k[1] for k in keys})}
    new_rows, changed = [], []
    corrections: list[dict[str, Any]] = []
    for r in {(r["counter"].pk, r["day"]): r for r in clean}.values():
        current = existing.get((r["counter"].pk, r["day"]))
        if current is None:
            new_rows.append(CounterVolume(counter=r["counter"], day=r["day"], transactions=r["transactions"],
                                          source=source, recorded_by=actor_user(by)))
        elif current.transactions != r["transactions"]:
            corrections.append({"counter": current.counter_id, "day": current.day.isoformat(), "before": current.transactions,
                                "after": r["transactions"]})
            current.transactions, current.source = r["transactions"], source
            current.recorded_by = actor_user(by)
            changed.append(current)
    if changed:
        from inspection.services_common import is_a_reason

        if getattr(by, "role", None) not in TEAM:
            raise Forbidden("Chỉ tổ kiểm tra mới được sửa số giao dịch đã ghi "
                            f"({len(changed)} ngày đã có số liệu khác).",
                            f"Only the inspection team may change recorded figures ({len(changed)} days "
                            "already have a different figure).")
        if not is_a_reason(reason, 10):
            raise _invalid(f"Sửa số giao dịch đã ghi ({len(changed)} ngày) phải nêu lý do (ít nhất 10 ký tự).",
                           f"Changing recorded figures ({len(changed)} days) needs a reason (10 letters at least).",
                           "reason")
    CounterVolume.objects.bulk_create(new_rows)
    CounterVolume.objects.bulk_update(changed, ["transactions", "source", "recorded_by", "recorded_at"])
    created, updated = len(new_rows), len(changed)
    audit_record(actor=by, verb="volumes.record", object_type="inspection.countervolume",
                 payload={"created": created, "updated": updated, "unchanged": len(keys) - created - updated,
                          "source": source, "reason": reason.strip() if changed else "",
                          "corrections": corrections[:5000]})
    return {"created": created, "updated": updated, "unchanged": len(keys) - created - updated}


def volumes_import_csv(*, by: Actor, text: str, reason: str = "") -> dict[str, int]:
    """CSV with columns counter (or counter_code), day, transactions; ',' or ';' separated."""
    import io

    stream = io.StringIO(text.lstrip("\ufeff"))
    first = stream.readline()
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        header = [h.strip().lower() for h in next(csv.reader([first], delimiter=delimiter), [])]
    except csv.Error as exc:
        raise _csv_broken(exc, 1) from None
    _no_repeated_columns(header)
    if not {"day", "transactions"} <= set(header) or not {"counter", "counter_code"} & set(header):
        raise _invalid("Tệp CSV cần các cột counter, day, transactions.",
                       "The CSV needs the columns counter, day, transactions.", "file", code="csv_header")
    reader = csv.reader(stream, delimiter=delimiter)
    try:
        items = [dict(zip(header, (v.strip() for v in row), strict=False)) for row in reader
                 if any(v.strip() for v in row)]
    except csv.Error as exc:
        raise _csv_broken(exc, reader.line_num + 1) from None
    return volumes_record(by=by, items=items, source=CounterVolume.Source.CSV, reason=reason)
