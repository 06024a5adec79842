"""Writes of satisfaction ratings: device posts, CSV backfill (inline or queued), import records,
the review of held ratings."""
from __future__ import annotations

import csv
import re
from datetime import datetime, timedelta
from typing import Any, BinaryIO

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from backend.accounts.models import ApiToken, Role, User
from backend.accounts.selectors import require_role
from backend.audit.services import audit_record
from backend.core.actors import SYSTEM, Actor, actor_user
from backend.core.errors import Conflict, DomainError, Forbidden
from backend.core.params import parse_datetime
from backend.core.store import get_store
from backend.org.models import Counter
from inspection import defaults
from inspection.models import CounterVolume, CsvImport, RatingDevice, SatisfactionRating
from inspection.services_common import TEAM, _invalid, _require_text

_ASCII_WHOLE = re.compile(r"[0-9]{1,9}")


def _parse_when(value: Any) -> datetime | None:
    """A rating's time (device item or CSV row) by the API's one date parser (ISO 8601, naive = local
    time, within params.EARLIEST..LATEST); None when absent or not one."""
    try:
        return parse_datetime(value.isoformat() if isinstance(value, datetime) else value, "rated_at")
    except DomainError:
        return None


RATING_MAX_AGE_DAYS = 730  # a backfill reaches two years back at most


def _counter_earliest(counter: Counter) -> datetime:
    """When the counter's unit came into being (a rating before it is not of this counter)."""
    day = counter.unit.valid_from
    return datetime(day.year, day.month, day.day, tzinfo=timezone.get_current_timezone())


def _rating_item(item: Any, now: datetime,
                 earliest: datetime | None = None) -> tuple[dict[str, Any] | None, list[dict[str, str]]]:
    """Validate one device item; return clean values or errors (field, vi, en)."""
    errors = []
    if not isinstance(item, dict):
        return None, [{"field": "", "vi": "Phải là một đối tượng.", "en": "Must be an object."}]
    rid = str(item.get("id", "") or "").strip()
    if not rid or len(rid) > 80:
        errors.append({"field": "id", "vi": "Thiếu mã đánh giá của thiết bị (tối đa 80 ký tự).",
                       "en": "The device's rating id is required (max 80 chars)."})
    when = _parse_when(item.get("rated_at"))
    if when is None:
        errors.append({"field": "rated_at", "vi": "Thời điểm không hợp lệ (ISO 8601).",
                       "en": "rated_at must be an ISO 8601 date-time."})
    elif when > now + timedelta(minutes=5):
        errors.append({"field": "rated_at", "vi": "Thời điểm đánh giá ở tương lai.", "en": "rated_at is in the future."})
    elif when < now - timedelta(days=RATING_MAX_AGE_DAYS) or (earliest is not None and when < earliest):
        errors.append({"field": "rated_at",
                       "vi": "Thời điểm đánh giá trước khi quầy hoạt động hoặc quá xa trong quá khứ "
                             f"(tối đa {RATING_MAX_AGE_DAYS} ngày).",
                       "en": f"rated_at is before the counter existed or too far back ({RATING_MAX_AGE_DAYS} days "
                             "at most)."})
    score = item.get("score")
    # ASCII digits only: str.isdigit() accepts "²" and other Unicode digits that int() refuses
    if isinstance(score, bool) or not isinstance(score, int) and not (
            isinstance(score, str) and _ASCII_WHOLE.fullmatch(score.strip())):
        errors.append({"field": "score", "vi": "Điểm phải là số nguyên 1–5.", "en": "score must be an integer 1-5."})
    elif not 1 <= int(str(score).strip()) <= 5:
        errors.append({"field": "score", "vi": "Điểm phải từ 1 đến 5.", "en": "score must be between 1 and 5."})
    if errors:
        return None, errors
    return {"device_rating_id": rid, "rated_at": when, "score": int(str(score).strip()),
            "comment": str(item.get("comment", "") or "")[:2000]}, []


MAX_BATCH = 500


@transaction.atomic
def rating_device_register(*, by: Actor, counter: Counter, serial: str, token: ApiToken | None = None) -> RatingDevice:
    """Record a counter's rating device by its serial (and the token it posts with): its posts and its
    CSV exports then share one identity, device:<serial>. Only registered devices are imported from CSV."""
    if getattr(by, "pk", None) is not None:
        require_role(by, Role.ADMIN)
    serial = (serial or "").strip()
    if not serial or len(serial) > 80:
        raise _invalid("Thiếu số hiệu thiết bị (tối đa 80 ký tự).", "A device serial is required (max 80 chars).",
                       "serial")
    if token is not None and (token.kind != ApiToken.Kind.RATING_DEVICE or token.counter_id != counter.pk):
        raise _invalid("Mã truy cập không phải của thiết bị đánh giá tại quầy này.",
                       "The token is not a rating-device token of this counter.", "token")
    if RatingDevice.objects.filter(serial=serial).exists():
        raise Conflict(f"Thiết bị {serial} đã được đăng ký.", f"Device {serial} is already registered.",
                       code="duplicate_device")
    if token is not None and RatingDevice.objects.filter(token=token).exists():
        raise Conflict("Mã truy cập này đã gắn với một thiết bị khác.", "The token is tied to another device.",
                       code="duplicate_device")
    device = RatingDevice.objects.create(serial=serial, counter=counter, token=token)
    rekeyed = 0
    if token is not None:
        # what the device posted before it was registered joins its serial's identity: one key per rating
        code = device_code_for_serial(serial)
        for rating in SatisfactionRating.objects.filter(device_code=f"token:{token.pk}"):
            clash = SatisfactionRating.objects.filter(device_code=code).filter(
                models.Q(device_rating_id=rating.device_rating_id) | models.Q(rated_at=rating.rated_at)).exists()
            if clash:  # already imported from the device's CSV: the device post was the double
                rating.held, rating.hold_reason = True, "duplicate"
                rating.save(update_fields=["held", "hold_reason"])
            else:
                rating.device_code = code
                rating.save(update_fields=["device_code"])
                rekeyed += 1
    audit_record(actor=by, verb="ratings.device_register", obj=device,
                 payload={"serial": serial, "counter": counter.pk, "token": token.pk if token else None,
                          "rekeyed": rekeyed})
    return device


def device_code_for_serial(serial: str) -> str:
    """The one device identity of a rating, whatever channel brought it."""
    return f"device:{serial}"


def _token_device_code(token: ApiToken) -> str:
    device = RatingDevice.objects.filter(token=token).first()
    return device_code_for_serial(device.serial) if device else f"token:{token.pk}"


def _natural_duplicates(keys: set[tuple[int, str, datetime]]) -> dict[tuple[int, str, datetime], int]:
    """Ratings already stored under the natural key (counter, device, time) -> their score."""
    if not keys:
        return {}
    rows = SatisfactionRating.objects.filter(device_code__in={k[1] for k in keys},
                                             rated_at__in={k[2] for k in keys})
    return {(r.counter_id, r.device_code, r.rated_at): r.score for r in rows
            if (r.counter_id, r.device_code, r.rated_at) in keys}


def _hold_bursts(device_codes: set[str], lo: datetime, hi: datetime) -> int:
    """Hold every rating of a device that falls in a window of RATING_BURST_SECONDS holding more than
    RATING_BURST_MAX of them (a button pressed again and again, not citizens served): kept for review,
    not counted. Returns how many were newly held."""
    window = timedelta(seconds=defaults.RATING_BURST_SECONDS)
    limit = defaults.RATING_BURST_MAX
    held: set[int] = set()
    for code in device_codes:
        rows = list(SatisfactionRating.objects.filter(device_code=code, rated_at__gte=lo - window,
                                                      rated_at__lte=hi + window)
                    .order_by("rated_at", "id").values_list("id", "rated_at"))
        first = 0
        for last in range(len(rows)):
            while rows[last][1] - rows[first][1] > window:
                first += 1
            if last - first + 1 > limit:
                held.update(pk for pk, _ in rows[first:last + 1])
    if not held:
        return 0
    # a rating the team already reviewed keeps its decision
    return SatisfactionRating.objects.filter(pk__in=held, held=False, review="").update(held=True, hold_reason="burst")


def _hold_over_volume(counter_ids: set[int], days: set[Any]) -> int:
    """Ratings cannot outnumber the transactions served: on a counter-day with a recorded volume, the
    ratings beyond it (the latest received) are held for review (hold_reason over_volume), not counted."""
    held = 0
    for volume in CounterVolume.objects.filter(counter_id__in=counter_ids, day__in=days):
        lo = datetime(volume.day.year, volume.day.month, volume.day.day, tzinfo=timezone.get_current_timezone())
        counted = list(SatisfactionRating.objects.filter(counter_id=volume.counter_id, rated_at__gte=lo,
                                                         rated_at__lt=lo + timedelta(days=1), held=False)
                       .exclude(review="accepted").order_by("received_at", "id").values_list("pk", flat=True))
        excess = counted[volume.transactions:]
        if excess:
            held += SatisfactionRating.objects.filter(pk__in=excess).update(held=True, hold_reason="over_volume")
    return held


# Long on purpose: one transaction that sorts every item into created / duplicate / conflict / invalid.
@transaction.atomic
def ratings_record(*, token: ApiToken, items: list[Any]) -> list[dict[str, Any]]:
    """Ratings from a device; idempotent on the device's own id. Per item: created, duplicate
    (same id and same content: nothing changes), conflict (same id, different content) or invalid."""
    if token.kind != ApiToken.Kind.RATING_DEVICE or token.counter_id is None:
        raise Forbidden("Cần mã truy cập của thiết bị đánh giá.", "A rating device token is required.")
    if not isinstance(items, list) or not items:
        raise _invalid("Không có lượt đánh giá nào.", "No ratings given.", "ratings")
    if len(items) > MAX_BATCH:
        raise _invalid(f"Tối đa {MAX_BATCH} lượt đánh giá mỗi lần gửi.", f"At most {MAX_BATCH} ratings per request.",
                       "ratings")
    now = timezone.now()
    device = _token_device_code(token)
    earliest = _counter_earliest(Counter.objects.select_related("unit").get(pk=token.counter_id))
    cleaned = [_rating_item(item, now, earliest) for item in items]
    ids = [c["device_rating_id"] for c, _ in cleaned if c]
    existing = {r.device_rating_id: r for r in SatisfactionRating.objects.filter(device_code=device,
                                                                                  device_rating_id__in=ids)}
    natural = _natural_duplicates({(token.counter_id, device, c["rated_at"]) for c, _ in cleaned if c})
    results: list[dict[str, Any]] = []
    created = 0
    batch_seen: dict[str, dict[str, Any]] = {}
    for index, (clean, errors) in enumerate(cleaned):
        if errors:
            results.append({"index": index, "status": "invalid", "errors": errors})
            continue
        assert clean is not None
        rid = clean["device_rating_id"]
        prior = existing.get(rid)
        if prior is not None or rid in batch_seen:
            same = (prior.rated_at == clean["rated_at"] and prior.score == clean["score"]) if prior else (
                batch_seen[rid]["rated_at"] == clean["rated_at"] and batch_seen[rid]["score"] == clean["score"])
            results.append({"index": index, "id": rid, "status": "duplicate" if same else "conflict",
                            "rating_id": prior.pk if prior else None,
                            **({} if same else {"errors": [{"field": "id", "vi": "Mã đánh giá đã dùng cho lượt khác.",
                                                            "en": "This id was already used for a different rating."}]})})
            continue
        key = (token.counter_id, device, clean["rated_at"])
        if key in natural:
            # the same rating under another id (e.g. imported from the device's CSV export first)
            same = natural[key] == clean["score"]
            results.append({"index": index, "id": rid, "status": "duplicate" if same else "conflict",
                            "rating_id": None,
                            **({} if same else {"errors": [{"field": "rated_at",
                                                            "vi": "Thiết bị đã có lượt đánh giá khác vào đúng thời điểm này.",
                                                            "en": "The device already has a different rating at this time."}]})})
            continue
        try:
            with transaction.atomic():  # a concurrent post of the same id loses here, not with a 500
                rating = SatisfactionRating.objects.create(counter_id=token.counter_id, device_token=token,
                                                           device_code=device, source=SatisfactionRating.Source.DEVICE,
                                                           **clean)
        except IntegrityError:
            results.append({"index": index, "id": rid, "status": "duplicate", "rating_id": None})
            continue
        batch_seen[rid] = clean
        natural[key] = clean["score"]
        created += 1
        results.append({"index": index, "id": rid, "status": "created", "rating_id": rating.pk})
    held = 0
    if created:
        times = [c["rated_at"] for c in batch_seen.values()]
        held = _hold_bursts({device}, min(times), max(times))
        held += _hold_over_volume({token.counter_id}, {timezone.localtime(t).date() for t in times})
        audit_record(actor=token.user, verb="ratings.record", object_type="inspection.satisfactionrating",
                     payload={"token": token.pk, "counter": token.counter_id, "device": device, "created": created,
                              "held": held})
    if held:
        held_ids = set(SatisfactionRating.objects.filter(
            pk__in=[r["rating_id"] for r in results if r["status"] == "created"], held=True).values_list("pk", flat=True))
        for r in results:
            if r.get("rating_id") in held_ids:
                r["held"] = True
    return results


CSV_REQUIRED = ["counter_code", "device_id", "rating_id", "rated_at", "score"]
CSV_CHUNK = 1000


def _no_repeated_columns(header: list[str]) -> None:
    """A column named twice is refused (which of two scores is the rating?), not "the last one wins"."""
    repeated = sorted({h for h in header if h and header.count(h) > 1})
    if repeated:
        raise _invalid(f"Tệp CSV có cột trùng tên: {', '.join(repeated)}.",
                       f"The CSV names a column more than once: {', '.join(repeated)}.", "file", code="csv_header")


def _csv_reader(text_stream: Any) -> Any:
    first = text_stream.readline()
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        header = next(csv.reader([first], delimiter=delimiter), [])
    except csv.Error as exc:
        raise _csv_broken(exc, 1) from None
    header = [h.strip().lower().lstrip("\ufeff") for h in header]
    _no_repeated_columns(header)
    missing = [c for c in CSV_REQUIRED if c not in header]
    if missing:
        raise _invalid(f"Tệp CSV thiếu cột: {', '.join(missing)}.", f"CSV is missing columns: {', '.join(missing)}.",
                       "file", code="csv_header")
    return header, csv.reader(text_stream, delimiter=delimiter)


def _csv_broken(exc: Exception, line: int) -> DomainError:
    """A file the csv module cannot read (a field over its size limit, a broken quote): a 400, never a 500."""
    too_big = "field larger than field limit" in str(exc)
    vi = (f"Tệp CSV có trường quá dài ở dòng {line} (tối đa {csv.field_size_limit():,} ký tự)."
          if too_big else f"Tệp CSV không đọc được ở dòng {line}.")
    en = (f"The CSV has a field over {csv.field_size_limit():,} characters at line {line}."
          if too_big else f"The CSV cannot be read at line {line}.")
    return DomainError(f"{vi} Không dòng nào được nhập.", f"{en} Nothing was imported.", code="csv_unreadable",
                       fields={"file": [f"line {line}: {exc}"]})


def ratings_import_csv(*, by: Actor, text_stream: Any, csv_import: CsvImport,
                       progress: Any = None) -> CsvImport:
    """Backfill ratings from CSV, all or nothing: valid rows are imported (idempotent on device + rating
    id) and invalid rows reported with row number, column and reason, in one transaction; a file that
    cannot be read (or any failure) writes no rating and leaves the import record `failed` with the reason."""
    line = 1
    try:
        with transaction.atomic():
            return _ratings_import_rows(by=by, text_stream=text_stream, csv_import=csv_import, progress=progress)
    except csv.Error as exc:
        line = getattr(exc, "line", 0) or line
        error = _csv_broken(exc, line)
    except DomainError as exc:
        error = exc
    except Exception:
        _import_failed(csv_import, "Lỗi máy chủ khi nhập; không dòng nào được nhập. / Server error during the "
                                   "import; nothing was imported.")
        raise
    _import_failed(csv_import, f"{error.message} / {error.message_en}")
    raise error


def _import_failed(csv_import: CsvImport, failure: str) -> None:
    CsvImport.objects.filter(pk=csv_import.pk).update(state=CsvImport.State.FAILED, failure=failure[:2000],
                                                      imported=0, duplicates=0, finished_at=timezone.now())


# Long on purpose: one streaming pass over the CSV rows with its running counters and batch writes (bounded memory).
def _ratings_import_rows(*, by: Actor, text_stream: Any, csv_import: CsvImport, progress: Any = None) -> CsvImport:
    header, reader = _csv_reader(text_stream)
    counter_rows = list(Counter.objects.select_related("unit"))
    counters = {c.code: c.pk for c in counter_rows}
    earliest_of = {c.pk: _counter_earliest(c) for c in counter_rows}
    device_counter = dict(RatingDevice.objects.values_list("serial", "counter_id"))
    held_total = 0
    now = timezone.now()
    errors: list[dict[str, Any]] = []
    imported = duplicates = total = 0
    pending: list[tuple[int, SatisfactionRating]] = []
    seen: set[tuple[str, str]] = set()
    seen_natural: set[tuple[int, str, datetime]] = set()

    def flush() -> None:
        nonlocal imported, duplicates, held_total
        if not pending:
            return
        with transaction.atomic():
            keys = {(r.device_code, r.device_rating_id) for _, r in pending}
            existing = set(SatisfactionRating.objects.filter(
                device_code__in={k[0] for k in keys}, device_rating_id__in={k[1] for k in keys}
            ).values_list("device_code", "device_rating_id"))
            natural = _natural_duplicates({(r.counter_id, r.device_code, r.rated_at) for _, r in pending})
            fresh = [r for _, r in pending if (r.device_code, r.device_rating_id) not in existing
                     and (r.counter_id, r.device_code, r.rated_at) not in natural]
            duplicates += len(pending) - len(fresh)
            SatisfactionRating.objects.bulk_create(fresh)
            imported += len(fresh)
            if fresh:
                held_total += _hold_bursts({r.device_code for r in fresh}, min(r.rated_at for r in fresh),
                                           max(r.rated_at for r in fresh))
                held_total += _hold_over_volume({r.counter_id for r in fresh},
                                                {timezone.localtime(r.rated_at).date() for r in fresh})
            CsvImport.objects.filter(pk=csv_import.pk).update(processed_rows=total, imported=imported,
                                                              duplicates=duplicates)
        pending.clear()

    def err(row: int, column: str, vi: str, en: str) -> None:
        if len(errors) < 5000:
            errors.append({"row": row, "column": column, "reason": vi, "reason_en": en})

    def rows() -> Any:
        while True:
            try:
                raw = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                exc.line = reader.line_num + 1  # type: ignore[attr-defined]
                raise
            yield raw

    for line_no, raw in enumerate(rows(), start=2):
        if not any(cell.strip() for cell in raw):
            continue
        total += 1
        if progress is not None:
            progress(1)
        if len(raw) != len(header):
            err(line_no, "", f"Dòng có {len(raw)} cột, cần {len(header)}.",
                f"Row has {len(raw)} columns, expected {len(header)}.")
            continue
        row = {h: v.strip() for h, v in zip(header, raw, strict=True)}
        counter_id = counters.get(row["counter_code"])
        if counter_id is None:
            err(line_no, "counter_code", f"Không có quầy mã {row['counter_code']!r}.",
                f"Unknown counter {row['counter_code']!r}.")
            continue
        device = row["device_id"]
        if not device or len(device) > 80:
            err(line_no, "device_id", "Thiếu mã thiết bị.", "device_id is required (max 80 chars).")
            continue
        if device not in device_counter:
            err(line_no, "device_id", f"Thiết bị {device} chưa được đăng ký (quản trị viên đăng ký thiết bị trước).",
                f"Device {device} is not registered (the administrator registers devices first).")
            continue
        if device_counter[device] != counter_id:
            err(line_no, "device_id", f"Thiết bị {device} được đăng ký ở quầy khác.",
                f"Device {device} is registered at another counter.")
            continue
        clean, item_errors = _rating_item({"id": row["rating_id"], "rated_at": row["rated_at"],
                                           "score": row["score"], "comment": row.get("comment", "")}, now,
                                          earliest_of[counter_id])
        if item_errors:
            e = item_errors[0]
            column = {"id": "rating_id"}.get(e["field"], e["field"])
            err(line_no, column, e["vi"], e["en"])
            continue
        assert clean is not None
        key = (device_code_for_serial(device), clean["device_rating_id"])
        natural_key = (counter_id, key[0], clean["rated_at"])
        if key in seen or natural_key in seen_natural:
            duplicates += 1
            continue
        seen.add(key)
        seen_natural.add(natural_key)
        pending.append((line_no, SatisfactionRating(counter_id=counter_id, device_code=key[0],
                                                    source=SatisfactionRating.Source.CSV, **clean)))
        if len(pending) >= CSV_CHUNK:
            flush()
    flush()
    with transaction.atomic():
        csv_import.refresh_from_db()
        csv_import.total_rows = total
        csv_import.processed_rows = total
        csv_import.imported = imported
        csv_import.duplicates = duplicates
        csv_import.errors = errors
        csv_import.state = CsvImport.State.DONE
        csv_import.finished_at = timezone.now()
        csv_import.save()
        audit_record(actor=by, verb="ratings.import_csv", obj=csv_import,
                     payload={"filename": csv_import.filename, "sha256": csv_import.sha256, "rows": total,
                              "imported": imported, "duplicates": duplicates, "errors": len(errors),
                              "held": held_total})
    return csv_import


def ratings_import_upload(*, by: Actor, fileobj: BinaryIO, filename: str, sha256: str) -> CsvImport:
    """Import a small uploaded CSV now. The header is checked before any record is written."""
    import io

    text = io.TextIOWrapper(fileobj, encoding="utf-8-sig", errors="replace", newline="")
    _csv_reader(io.StringIO(text.readline()))
    text.seek(0)
    record = csv_import_start(by=by, filename=filename, sha256=sha256)
    return ratings_import_csv(by=by, text_stream=text, csv_import=record)


def csv_import_queue(*, by: Actor, filename: str, sha256: str, key: str, task: Any) -> CsvImport:
    """Record a queued import of a CSV already in the store; the task runs after commit."""
    from backend.core.jobs import enqueue_on_commit

    with transaction.atomic():
        record = csv_import_start(by=by, filename=filename, sha256=sha256, key=key)
        audit_record(actor=by, verb="ratings.import_queued", obj=record, payload={"filename": filename, "sha256": sha256})
        enqueue_on_commit(task, record.pk)
    return record


def csv_import_run(*, csv_import_id: int) -> CsvImport | None:
    """Task body: import a queued CSV from the store. Idempotent: a finished import is left alone,
    and rows already imported are skipped as duplicates on a retry."""
    import io

    record = CsvImport.objects.filter(pk=csv_import_id).first()
    if record is None or record.state == CsvImport.State.DONE:
        return record
    CsvImport.objects.filter(pk=record.pk).update(state=CsvImport.State.RUNNING)
    try:
        with get_store().open(record.key) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
            total = sum(1 for _ in text) - 1
            CsvImport.objects.filter(pk=record.pk).update(total_rows=max(total, 0))
        with get_store().open(record.key) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
            return ratings_import_csv(by=record.uploaded_by or SYSTEM, text_stream=text, csv_import=record)
    except DomainError as exc:
        CsvImport.objects.filter(pk=record.pk).update(state=CsvImport.State.FAILED,
                                                      failure=f"{exc.message} / {exc.message_en}",
                                                      finished_at=timezone.now())
        return CsvImport.objects.get(pk=record.pk)


@transaction.atomic
def csv_import_start(*, by: Actor, filename: str, sha256: str, key: str = "") -> CsvImport:
    return CsvImport.objects.create(uploaded_by=actor_user(by), filename=filename[:255],
                                    sha256=sha256, key=key, started_at=timezone.now(),
                                    state=CsvImport.State.RUNNING if not key else CsvImport.State.QUEUED)





@transaction.atomic
def ratings_review(*, by: User, ids: list[int], decision: str, note: str = "") -> int:
    """The inspection team decides on held ratings (a burst from one device): `accepted` counts them
    again (e.g. a queue of citizens who really rated one after another), `rejected` keeps them out for
    good. A rejection needs a note. Returns how many were decided."""
    require_role(by, *TEAM)
    if decision not in ("accepted", "rejected"):
        raise _invalid("Quyết định phải là chấp nhận (accepted) hoặc loại bỏ (rejected).",
                       "decision must be 'accepted' or 'rejected'.", "decision")
    note = (note or "").strip()
    if decision == "rejected":
        note = _require_text(note, "note", "lý do loại bỏ")
    ids = sorted({int(i) for i in ids})
    if not ids or len(ids) > MAX_BATCH:
        raise _invalid(f"Chọn từ 1 đến {MAX_BATCH} đánh giá.", f"Give 1 to {MAX_BATCH} rating ids.", "ids")
    rows = list(SatisfactionRating.objects.select_for_update().filter(pk__in=ids))
    found = {r.pk for r in rows}
    missing = [i for i in ids if i not in found]
    not_held = [r.pk for r in rows if not r.held and not r.review]
    if missing or not_held:
        raise _invalid(f"Không tìm thấy hoặc không bị tạm giữ: {', '.join(map(str, missing + not_held))}.",
                       f"Not found or not held for review: {missing + not_held}.", "ids")
    now = timezone.now()
    for r in rows:
        r.review, r.review_note, r.reviewed_by, r.reviewed_at = decision, note, by, now
        r.held = decision == "rejected"
    SatisfactionRating.objects.bulk_update(rows, ["review", "review_note", "reviewed_by", "reviewed_at", "held"])
    audit_record(actor=by, verb=f"ratings.review_{decision}", object_type="inspection.satisfactionrating",
                 payload={"ids": ids, "note": note})
    return len(rows)
