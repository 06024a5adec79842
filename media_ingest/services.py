"""Writes of the clip index: discovery, indexing (worker side), admin actions, reconcile.

Every state change is audited in its own transaction; jobs and broadcasts go out after commit
with ids only. The decode never happens inside a transaction: `clip_index` claims the clip
(short transaction), analyses the file outside any transaction, then writes the results in one.
"""
from __future__ import annotations

import logging
import re
import shutil
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from backend.audit.services import audit_record
from backend.core import actors
from backend.core.errors import Conflict, DomainError
from backend.core.events import broadcast_on_commit
from backend.core.jobs import enqueue_on_commit
from backend.core.store import (
    ObjectChanged,
    ObjectInfo,
    ObjectMissing,
    StoreError,
    derived_key,
    get_footage_store,
    get_store,
    guess_content_type,
    object_version,
    validate_key,
)
from backend.org.models import Camera
from media_ingest import discovery
from media_ingest.discovery import ObjectRef
from media_ingest.models import CameraAnalysis, Clip, ClipEvent, ReconcileCursor

log = logging.getLogger(__name__)

SYSTEM = actors.SYSTEM  # kept as a name here: callers import it from this module
# An `indexing` clip whose worker has said nothing for this long is taken back (worker lost).
STALE_INDEXING = timedelta(hours=3)
RECONCILE_BATCH = 2000
PROGRESS_STEP = 0.1


class TransientStoreError(Exception):
    """The store failed in a way worth retrying (the clip was released back to `discovered`)."""


# --- messages ------------------------------------------------------------------------------------
def clip_message(clip: Clip) -> dict[str, Any]:
    """The `clip` part of websocket messages (ids and plain values only)."""
    camera = clip.camera
    return {
        "id": clip.pk,
        "key": clip.key,
        "camera": camera.code if camera else None,
        "camera_id": clip.camera_id,
        "state": clip.state,
        "progress": round(clip.progress, 3),
        "started_at": clip.started_at.isoformat() if clip.started_at else None,
        "duration_s": clip.duration_s,
        "error": clip.error,
        "error_en": clip.error_en,
        "unassigned_reason": clip.unassigned_reason,
        "analysis_version": clip.analysis_version,
        "events": clip.event_count,
    }


def clip_topics(clip: Clip) -> list[str]:
    topics = [f"clip:{clip.pk}"]
    if clip.camera is not None:
        topics.append(f"camera:{clip.camera.code}")
        topics.append(f"unit:{clip.camera.counter.unit_id}")
    return topics


def _broadcast(clip: Clip, kind: str) -> None:
    broadcast_on_commit(clip_topics(clip), {"type": kind, "clip": clip_message(clip)})


def _load(clip_id: int) -> Clip:
    return Clip.objects.select_related("camera__counter").get(pk=clip_id)


# --- human reasons ---------------------------------------------------------------------------------
_REASONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^empty file"), "Tệp rỗng (0 byte), không có gì để xem"),
    (re.compile(r"^incomplete MP4"), "Tệp MP4 chưa hoàn chỉnh: thiếu phần chỉ mục (moov), "
                                     "việc ghi hình có lẽ bị ngắt giữa chừng"),
    (re.compile(r"^damaged Matroska"), "Tệp Matroska/WebM bị hỏng phần đầu, không đọc được"),
    (re.compile(r"^not a video file \(it contains text\)"), "Không phải tệp video (đây là tệp văn bản)"),
    (re.compile(r"^not a video file"), "Không phải tệp video (không nhận ra định dạng)"),
    (re.compile(r"^no video stream"), "Tệp không có hình (không có luồng video)"),
    (re.compile(r"contains no video"), "Tệp không có hình: không có khung hình nào được ghi"),
    (re.compile(r"codec of this file is not supported"), "Định dạng nén video của tệp không được hỗ trợ"),
    (re.compile(r"no picture size"), "Phần đầu luồng video bị hỏng (không có kích thước khung hình)"),
    (re.compile(r"no frame could be decoded"), "Dữ liệu video bị hỏng: không giải mã được khung hình nào"),
    (re.compile(r"video stream but no frames"), "Tệp có luồng video nhưng không có khung hình nào"),
    (re.compile(r"^file ends early: video decoded up to (?P<a>[\d.]+) s of (?P<b>[\d.]+) s"),
     "Tệp bị cắt cụt: chỉ đọc được {a} s trên {b} s"),
    (re.compile(r"^(?P<n>\d+) damaged video packet\(s\) skipped between (?P<a>[\d.]+) s and (?P<b>[\d.]+) s"),
     "Bỏ qua {n} gói dữ liệu video bị hỏng trong khoảng {a}–{b} s"),
    (re.compile(r"^(?P<n>\d+) damaged frame\(s\)"), "Có {n} khung hình bị hỏng không phân tích được"),
    (re.compile(r"^reading stopped at (?P<a>[\d.]+) s"), "Việc đọc tệp dừng ở giây {a} do dữ liệu hỏng"),
    (re.compile(r"^cannot open the file"), "Không mở được tệp video"),
]


def translate_reason(reason_en: str) -> str:
    """Vietnamese for the vision package's one-line English reasons (numbers kept)."""
    for pattern, text in _REASONS:
        match = pattern.search(reason_en)
        if match:
            return text.format(**match.groupdict())
    return "Không lập chỉ mục được tệp video"


# --- discovery -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Discovered:
    clip: Clip | None
    created: bool


def _camera_for(key: str) -> tuple[Camera | None, datetime | None, str]:
    parsed = discovery.parse_key(key)
    if parsed.camera_code is None:
        return None, None, parsed.reason
    camera = Camera.objects.select_related("counter").filter(code=parsed.camera_code).first()
    if camera is None:
        return None, parsed.started_at, (f"Không có camera mã {parsed.camera_code} / "
                                          f"no camera with code {parsed.camera_code}")
    return camera, parsed.started_at, ""


@transaction.atomic
def clip_discover(*, ref: ObjectRef, source: str, by: Any = SYSTEM) -> Discovered:
    """Record one object version as a clip (once) and queue its indexing.

    Idempotent on (bucket, key, version): the same notification twice, or a notification and
    the reconcile scan, give one clip. A new version of the same key gives a new clip.
    """
    if discovery.is_ignorable_key(ref.key):
        return Discovered(None, False)
    version = ref.identity
    existing = Clip.objects.filter(bucket=ref.bucket, key=ref.key, version_id=version).first()
    if existing is not None:
        return Discovered(existing, False)
    if source not in Clip.Source.values:
        raise ValueError(f"unknown source {source!r}")
    refused = refused_key_reason(ref.key)
    if refused and len(ref.key) > (Clip._meta.get_field("key").max_length or 0):
        # too long even to record as a clip: audited, nothing queued
        audit_record(actor=by, verb="clip.key_refused", object_type="media_ingest.clip",
                     payload={"bucket": ref.bucket, "key": ref.key[:300] + "…", "length": len(ref.key),
                              "source": source})
        return Discovered(None, False)
    camera, started_at, reason = _camera_for(ref.key) if not refused else (
        None, None, "Tên tệp bị kho lưu trữ từ chối / the store refuses this key")
    clip = Clip(bucket=ref.bucket, key=ref.key, version_id=version, etag=ref.etag,
                size_bytes=ref.size, content_type=ref.content_type or guess_content_type(ref.key),
                source=source, camera=camera, started_at=started_at, unassigned_reason=reason)
    if refused:
        # the store adapter would refuse every read of this key: failed at once, never queued (an
        # admin sees it among the failed, unassigned clips and renames the object)
        clip.state = Clip.State.FAILED
        clip.error, clip.error_en = refused
        clip.progress = 1.0
        clip.indexed_at = timezone.now()
    try:
        with transaction.atomic():  # a concurrent discoverer may win the unique constraint
            clip.save()
    except IntegrityError:
        return Discovered(Clip.objects.get(bucket=ref.bucket, key=ref.key, version_id=version), False)
    audit_record(actor=by, verb="clip.discovered", obj=clip,
                 payload={"bucket": ref.bucket, "key": ref.key, "version": version, "size": ref.size,
                          "source": source, "camera": camera.code if camera else None,
                          "unassigned_reason": reason})
    if refused:
        audit_record(actor=SYSTEM, verb="clip.failed", obj=clip, payload={"reason": clip.error_en})
        _broadcast(clip, "clip.failed")
        return Discovered(clip, True)
    from media_ingest.tasks import index_clip

    enqueue_on_commit(index_clip, clip.pk)
    _broadcast(clip, "clip.discovered")
    return Discovered(clip, True)


def refused_key_reason(key: str) -> tuple[str, str] | None:
    """(Vietnamese, English) when the store adapter refuses the key (empty or `.`/`..` segments, a
    leading slash, a backslash, over 900 characters), else None."""
    try:
        validate_key(key)
    except DomainError:
        return ("Tên tệp không hợp lệ với kho lưu trữ (đoạn rỗng, '.', '..', '/' ở đầu, '\\' hoặc quá dài): "
                "cần đổi tên tệp trong MinIO rồi quét lại",
                "the object key is one the store adapter refuses (an empty, '.' or '..' segment, a leading "
                "'/', a backslash, or over 900 characters): rename the object in MinIO and rescan")
    return None


def clips_discover(*, refs: Iterable[ObjectRef], source: str, by: Any = SYSTEM) -> list[Discovered]:
    return [clip_discover(ref=ref, source=source, by=by) for ref in refs]


def ref_from_info(bucket: str, info: ObjectInfo) -> ObjectRef:
    return ObjectRef(bucket=bucket, key=info.key, size=info.size, etag=info.etag, version=info.version,
                     content_type=info.content_type)


# --- reconcile -----------------------------------------------------------------------------------
@dataclass
class ReconcileReport:
    scanned: int = 0
    created: int = 0
    requeued: int = 0
    wrapped: bool = False
    errors: list[str] | None = None


def _scan(cursor: ReconcileCursor, *, limit: int, wrap: bool) -> ReconcileReport:
    """List up to `limit` objects after the cursor; create clips for versions not yet known.

    Only the footage bucket is listed: documents and derivatives are in the app's own store."""
    store = get_footage_store()
    report = ReconcileReport()
    batch: list[ObjectInfo] = []
    reached_end = True
    for info in store.list(prefix=cursor.prefix, start_after=cursor.last_key):
        batch.append(info)
        if len(batch) >= limit:
            reached_end = False
            break
    known: set[tuple[str, str]] = set()
    keys = [i.key for i in batch if not discovery.is_ignorable_key(i.key)]
    for start in range(0, len(keys), 500):
        known.update(Clip.objects.filter(bucket=store.bucket, key__in=keys[start:start + 500])
                     .values_list("key", "version_id"))
    for info in batch:
        report.scanned += 1
        if discovery.is_ignorable_key(info.key):
            continue
        if (info.key, object_version(info.version, info.etag)) in known:
            continue
        if clip_discover(ref=ref_from_info(store.bucket, info), source=Clip.Source.RECONCILE).created:
            report.created += 1
    now = timezone.now()
    with transaction.atomic():
        cur = ReconcileCursor.objects.select_for_update().get(pk=cursor.pk)
        if batch:
            cur.last_key, cur.last_etag = batch[-1].key, batch[-1].etag
        if reached_end and wrap:
            cur.last_key, cur.last_etag = "", ""
            cur.last_full_pass_at = now
            report.wrapped = True
        cur.passes += 1
        cur.objects_seen += report.scanned
        cur.clips_created += report.created
        cur.last_run_at = now
        cur.last_error = ""
        cur.save()
        if report.created:
            audit_record(actor=SYSTEM, verb="media.reconcile", obj=cur,
                         payload={"prefix": cur.prefix, "scanned": report.scanned,
                                  "created": report.created})
    return report


def _cursor(bucket: str, prefix: str) -> ReconcileCursor:
    cursor, _ = ReconcileCursor.objects.get_or_create(bucket=bucket, prefix=prefix)
    return cursor


def reconcile_run(*, full_batch: int = RECONCILE_BATCH, cameras: bool = True) -> ReconcileReport:
    """One pass of the always-on scan.

    1. per camera prefix (`CAM-01/`): only keys after the last one seen. Keys are chronological
       within a camera, so this finds new clips without listing old ones;
    2. one batch of a sweep over the whole bucket that wraps around: it finds what the camera
       cursors cannot (keys off the convention, late uploads with old times, overwritten keys);
    3. clips stuck in `indexing` by a lost worker are queued again.
    """
    store = get_footage_store()
    total = ReconcileReport(errors=[])
    assert total.errors is not None
    prefixes = []
    if cameras:
        prefixes = [f"{code}/" for code in Camera.objects.filter(active=True).values_list("code", flat=True)]
    for prefix in prefixes:
        cursor = _cursor(store.bucket, prefix)
        try:
            part = _scan(cursor, limit=full_batch, wrap=False)
        except StoreError as exc:
            ReconcileCursor.objects.filter(pk=cursor.pk).update(last_error=str(exc)[:500],
                                                                last_run_at=timezone.now())
            total.errors.append(f"{prefix}: {exc}")
            continue
        total.scanned += part.scanned
        total.created += part.created
    sweep = _cursor(store.bucket, "")
    try:
        part = _scan(sweep, limit=full_batch, wrap=True)
        total.scanned += part.scanned
        total.created += part.created
        total.wrapped = part.wrapped
    except StoreError as exc:
        ReconcileCursor.objects.filter(pk=sweep.pk).update(last_error=str(exc)[:500],
                                                           last_run_at=timezone.now())
        total.errors.append(f"(bucket): {exc}")
    # a pass that could not reach the store does not spend the store failures' attempts
    total.requeued = clips_requeue_stale(store_failures=not total.errors)
    return total


def clips_requeue_stale(*, older_than: timedelta = STALE_INDEXING, store_failures: bool = True) -> int:
    """Put clips whose indexing worker vanished back in the queue."""
    cutoff = timezone.now() - older_than
    stale = Q(indexing_started_at__lt=cutoff) | Q(indexing_started_at__isnull=True)
    leased = _lease_supported()
    # with leases every `indexing` clip is looked at: a free lease means its worker is gone
    ids = list(Clip.objects.filter(Q(state=Clip.State.INDEXING) & (Q() if leased else stale))
               .values_list("pk", flat=True)[:500])
    count = 0
    for clip_id in ids:
        if not _lease_take(clip_id):
            continue  # a live worker is indexing it
        try:
            count += _requeue_lost(clip_id)
        finally:
            _lease_drop(clip_id)
    return count + _requeue_never_started() + (_requeue_store_failures() if store_failures else 0)


def _requeue_store_failures() -> int:
    """A clip that failed only because the store stayed unreachable through all its retries is not
    lost: once MEDIA_RETRY_FAILED_AFTER_SECONDS have passed it is queued again, up to
    MEDIA_MAX_ATTEMPTS claims in all (then it stays failed for an admin to retry by hand)."""
    waited = timezone.now() - timedelta(seconds=int(settings.MEDIA_RETRY_FAILED_AFTER_SECONDS))
    still = Q(state=Clip.State.FAILED, failure_transient=True)
    return _requeue_each(
        still & Q(indexed_at__lt=waited, attempts__lt=int(settings.MEDIA_MAX_ATTEMPTS)), still,
        {"state": Clip.State.DISCOVERED, "progress": 0.0, "error": "", "error_en": "", "failure_transient": False},
        reason="store was unreachable; trying again")


def _requeue_never_started() -> int:
    """A clip left `discovered` for long was never picked up: its message went down with a worker
    that had reserved it (acks_late keeps it unacked in the broker until the visibility timeout).
    Queue it again, at most once per wait period. While a clip is `discovered`, `indexing_started_at`
    holds when it was last handed back to the queue (requeue, release for a retry), or is empty
    when it never left it; a duplicate message is a no-op (lease + conditional claim)."""
    waited = timezone.now() - timedelta(seconds=int(settings.MEDIA_REQUEUE_QUEUED_AFTER_SECONDS))
    still = Q(state=Clip.State.DISCOVERED)
    return _requeue_each(
        still & (Q(indexing_started_at__isnull=True, discovered_at__lt=waited) | Q(indexing_started_at__lt=waited)),
        still, {}, reason="queued but never picked up")


def _requeue_each(candidates: Q, still: Q, changes: dict[str, Any], *, reason: str) -> int:
    """Queue the clips matching `candidates` again, each in its own transaction and only if it
    still matches `still` (another pass or a worker may have moved it meanwhile)."""
    from media_ingest.tasks import index_clip

    count = 0
    for clip_id in list(Clip.objects.filter(candidates).values_list("pk", flat=True)[:500]):
        with transaction.atomic():
            if not Clip.objects.filter(still, pk=clip_id).update(**changes, indexing_started_at=timezone.now()):
                continue
            audit_record(actor=SYSTEM, verb="clip.requeued", object_type="media_ingest.clip", object_id=clip_id,
                         payload={"reason": reason})
            if changes:  # its state changed: open pages learn it is queued again
                _broadcast(_load(clip_id), "clip.discovered")
            enqueue_on_commit(index_clip, clip_id)
            count += 1
    return count


def _requeue_lost(clip_id: int) -> int:
    with transaction.atomic():
        updated = Clip.objects.filter(pk=clip_id, state=Clip.State.INDEXING).update(
            state=Clip.State.DISCOVERED, progress=0.0, indexing_started_at=timezone.now())
        if not updated:
            return 0
        clip = _load(clip_id)
        audit_record(actor=SYSTEM, verb="clip.requeued", obj=clip, payload={"reason": "indexing worker lost"})
        from media_ingest.tasks import index_clip

        enqueue_on_commit(index_clip, clip_id)
    return 1


# --- indexing (worker) -----------------------------------------------------------------------------
# --- worker lease: on PostgreSQL the indexing run holds a session advisory lock on the clip, so a
# worker that dies (kill -9, lost machine, broken DB connection) frees it at once and its clip can
# be taken over, instead of waiting STALE_INDEXING. Other databases keep the age rule only.
_LEASE_NS = 0x43570001


def _lease_supported() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def _lease_take(clip_id: int) -> bool:
    if not _lease_supported():
        return True
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_LEASE_NS, clip_id])
        return bool(cursor.fetchone()[0])


def _lease_drop(clip_id: int) -> None:
    if not _lease_supported():
        return
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_LEASE_NS, clip_id])
    except Exception:  # noqa: BLE001 - a dead connection already released the lock
        log.warning("could not release the lease of clip %s (connection lost?)", clip_id)


def _claim(clip_id: int) -> Clip | None:
    """discovered -> indexing, atomically. None when another run has it or there is nothing to do.

    With a lease (PostgreSQL), an `indexing` clip is taken over too: holding its lease proves the
    run that claimed it is gone (killed worker, redelivered message)."""
    now = timezone.now()
    states = [Clip.State.DISCOVERED]
    if _lease_supported():
        states.append(Clip.State.INDEXING)
    with transaction.atomic():
        updated = Clip.objects.filter(pk=clip_id, state__in=states).update(
            state=Clip.State.INDEXING, progress=0.0, attempts=F("attempts") + 1, indexing_started_at=now)
        if not updated:
            return None
        clip = _load(clip_id)
        _broadcast(clip, "clip.progress")
    return clip


def _release(clip_id: int) -> None:
    """Back to `discovered` so the retry of the same task can claim it again."""
    Clip.objects.filter(pk=clip_id, state=Clip.State.INDEXING).update(state=Clip.State.DISCOVERED,
                                                                      progress=0.0,
                                                                      indexing_started_at=timezone.now())


class _Progress:
    """Analysis progress -> the clip row and a broadcast, at most every 10 %."""

    def __init__(self, clip: Clip, low: float, high: float) -> None:
        self.clip, self.low, self.high = clip, low, high
        self.sent = -1.0

    def __call__(self, fraction: float) -> None:
        value = round(self.low + (self.high - self.low) * max(0.0, min(1.0, fraction)), 3)
        if value - self.sent < PROGRESS_STEP and fraction < 1.0:
            return
        self.sent = value
        Clip.objects.filter(pk=self.clip.pk, state=Clip.State.INDEXING).update(progress=value)
        self.clip.progress = value
        _broadcast(self.clip, "clip.progress")  # autocommit here: goes out at once


def _zones_of(clip: Clip) -> Any:
    return clip.camera.zones if clip.camera is not None and clip.camera.zones else None


# --- analysis settings -----------------------------------------------------------------------------
def analysis_overrides_for(camera: Camera | None) -> dict[str, Any]:
    """Deployment defaults (settings.MEDIA_ANALYSIS_DEFAULTS) overlaid with the camera's own."""
    merged = dict(getattr(settings, "MEDIA_ANALYSIS_DEFAULTS", {}) or {})
    if camera is not None:
        own = CameraAnalysis.objects.filter(camera=camera).values_list("overrides", flat=True).first()
        merged.update(own or {})
    return merged


def _config_errors(overrides: dict[str, Any]) -> dict[str, list[str]]:
    from pydantic import ValidationError

    from media_ingest.vision import AnalysisConfig

    try:
        AnalysisConfig(**overrides)
    except ValidationError as exc:
        errors: dict[str, list[str]] = {}
        for err in exc.errors():
            field = ".".join(str(p) for p in err.get("loc", ())) or "non_field_errors"
            errors.setdefault(field, []).append(err.get("msg", "invalid"))
        return errors
    return {}


@transaction.atomic
def camera_analysis_set(*, camera: Camera, overrides: dict[str, Any], by: Any) -> CameraAnalysis:
    """Replace a camera's analysis overrides (validated against AnalysisConfig's bounds).

    Clips already indexed keep their events; use retry/reindex to apply the new settings to them.
    """
    if not isinstance(overrides, dict):
        raise DomainError("Cấu hình phân tích phải là một đối tượng JSON.", "overrides must be a JSON object.",
                          code="invalid", fields={"overrides": ["object expected"]})
    merged = {**(getattr(settings, "MEDIA_ANALYSIS_DEFAULTS", {}) or {}), **overrides}
    errors = _config_errors(merged)
    if errors:
        first = next(iter(errors.items()))
        raise DomainError(f"Cấu hình phân tích không hợp lệ — {first[0]}: {first[1][0]}",
                          f"Invalid analysis settings — {first[0]}: {first[1][0]}", code="invalid",
                          fields=errors)
    row, _ = CameraAnalysis.objects.select_for_update().get_or_create(camera=camera)
    previous = dict(row.overrides)
    row.overrides = overrides
    row.save()
    audit_record(actor=by, verb="camera.analysis_settings", obj=camera,
                 payload={"previous": previous, "overrides": overrides})
    return row


def clip_index(*, clip_id: int, final_attempt: bool = False) -> str:
    """Index one clip. Returns what happened: indexed | partial | failed | skipped.

    Idempotent: a clip already indexed (at the current analysis version) or being indexed by
    another run is left alone. Store trouble raises TransientStoreError (clip released) unless
    this is the final attempt, which marks the clip failed.
    """
    if not _lease_take(clip_id):
        return "skipped"  # a live run holds this clip
    try:
        return _clip_index_leased(clip_id=clip_id, final_attempt=final_attempt)
    finally:
        _lease_drop(clip_id)


def _clip_index_leased(*, clip_id: int, final_attempt: bool) -> str:
    from media_ingest.vision import ANALYSIS_VERSION, AnalysisConfig, VisionError, analyze, sha256_file

    clip = _claim(clip_id)
    if clip is None:
        return "skipped"
    store = get_footage_store()
    workdir = Path(tempfile.mkdtemp(prefix=f"cw-clip-{clip_id}-"))
    try:
        # 1. the exact version, never whole in memory
        try:
            local = getattr(store, "local_path", None)
            if local is not None:
                info = store.stat(clip.key)
                if object_version(info.version, info.etag) != clip.version_id:
                    raise ObjectChanged(clip.key)
                source = local(clip.key)
            else:
                source = workdir / "source"
                real_version = clip.version_id if clip.version_id != clip.etag else ""
                store.download(clip.key, source, version=real_version,
                               etag="" if real_version else clip.etag)
        except ObjectChanged:
            return clip_fail(clip_id=clip_id,
                             reason_en="this version of the file was replaced in the store before it "
                                       "was indexed; the new version is indexed as its own clip",
                             reason_vi="Phiên bản tệp này đã bị ghi đè trước khi lập chỉ mục; "
                                       "phiên bản mới được lập chỉ mục riêng")
        except ObjectMissing:
            return clip_fail(clip_id=clip_id, reason_en="the file is no longer in the store (deleted)",
                             reason_vi="Tệp không còn trong kho lưu trữ (đã bị xóa)")
        except StoreError as exc:
            return _store_trouble(clip_id, exc, final_attempt)
        except DomainError:  # a key the adapter refuses (recorded before discovery checked keys)
            vi, en = refused_key_reason(clip.key) or ("Kho lưu trữ từ chối tên tệp này", "the store refused this key")
            return clip_fail(clip_id=clip_id, reason_en=en, reason_vi=vi)
        _Progress(clip, 0.0, 0.05)(1.0)

        # 2. hash + one decode pass
        sha256, size = sha256_file(source)
        outputs = workdir / "derived"
        overrides = analysis_overrides_for(clip.camera)
        if _config_errors(overrides):
            return clip_fail(clip_id=clip_id, reason_en=f"the analysis settings are invalid: {_config_errors(overrides)}",
                             reason_vi="Cấu hình phân tích của camera không hợp lệ, cần sửa lại",
                             sha256=sha256, size=size)
        previous, background = _previous_background(clip)
        try:
            result = analyze(source, zones=_zones_of(clip), config=AnalysisConfig(**overrides), outputs=outputs,
                             progress=_Progress(clip, 0.05, 0.9), background=background)
        except VisionError as exc:
            return clip_fail(clip_id=clip_id, reason_en=exc.reason, sha256=sha256, size=size)
        except ValueError as exc:  # the camera's zones are invalid
            return clip_fail(clip_id=clip_id, reason_en=f"the camera's zones are invalid: {exc}",
                             reason_vi="Vùng giám sát của camera không hợp lệ, cần sửa lại cấu hình camera",
                             sha256=sha256, size=size)

        # 3. derivatives beside the clip, keyed by clip and kind
        try:
            uploaded = _upload_derivatives(clip, result, outputs)
        except StoreError as exc:
            return _store_trouble(clip_id, exc, final_attempt)
        params = dict(overrides)
        if previous is not None and background is not None:
            params["background_from_clip"] = previous
        return clip_index_finish(clip_id=clip_id, result=result, sha256=sha256, size=size,
                                 derived=uploaded, analysis_version=ANALYSIS_VERSION, params=params)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _store_trouble(clip_id: int, exc: Exception, final_attempt: bool) -> str:
    if final_attempt:
        return clip_fail(clip_id=clip_id,
                         reason_en=f"the object store could not be reached after several attempts; "
                                   f"it will be retried later ({exc})",
                         reason_vi="Không kết nối được kho lưu trữ sau nhiều lần thử; sẽ tự thử lại sau",
                         transient=True)
    _release(clip_id)
    raise TransientStoreError(str(exc)) from exc


_DERIVED_TYPES = {".jpg": "image/jpeg", ".vtt": "text/vtt", ".mp4": "video/mp4", ".png": "image/png"}


BACKGROUND_NAME = "background.png"
# a clip continues the previous one of its camera when it starts at most this long after its end
CHAIN_GAP = timedelta(minutes=2)


def _previous_background(clip: Clip) -> tuple[int | None, Any]:
    """The background model at the end of the camera's previous clip, when this clip follows it
    closely: people already standing still when this clip starts are then seen as present."""
    import cv2
    import numpy as np

    if clip.camera_id is None or clip.started_at is None:
        return None, None
    prev = (Clip.objects.filter(camera_id=clip.camera_id, started_at__lt=clip.started_at,
                                started_at__gte=clip.started_at - timedelta(hours=6),
                                state__in=[Clip.State.INDEXED, Clip.State.PARTIAL])
            .exclude(background_key="").exclude(pk=clip.pk).order_by("-started_at")
            .only("pk", "started_at", "duration_s", "background_key").first())
    if prev is None or prev.started_at is None:
        return None, None
    end = prev.started_at + timedelta(seconds=prev.duration_s or 0.0)
    if clip.started_at - end > CHAIN_GAP:
        return None, None
    try:
        with get_store().open(prev.background_key) as fh:
            data = fh.read(8 * 1024 * 1024)  # a small grey PNG (analysis size), never a video
    except StoreError:
        return None, None  # only a help: the clip is analysed on its own
    image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_GRAYSCALE)
    return (prev.pk, image) if image is not None else (None, None)


def _upload_derivatives(clip: Clip, result: Any, outputs: Path) -> dict[str, str]:
    """Upload what analyze wrote (and the final background model); returns local name -> store key."""
    import cv2

    store = get_store()
    d = result.derivatives
    names: list[str] = []
    if d is not None:
        names = [n for n in (d.poster, d.sprite, d.sprite_vtt, d.proxy) if n] + list(d.thumbnails)
    if result.background is not None:
        ok, png = cv2.imencode(".png", result.background)
        if ok:
            (outputs / BACKGROUND_NAME).write_bytes(png.tobytes())
            names.append(BACKGROUND_NAME)
    keys: dict[str, str] = {}
    for name in names:
        path = outputs / name
        if not path.is_file():
            continue
        key = derived_key(clip.key, f"{clip.pk}/{name}")
        store.put_file(key, path, _DERIVED_TYPES.get(path.suffix, "application/octet-stream"))
        keys[name] = key
    return keys


def clip_index_finish(*, clip_id: int, result: Any, sha256: str, size: int, derived: dict[str, str],
                      analysis_version: str, params: dict[str, Any]) -> str:
    """Write events, activity, derivatives and the final state in one transaction."""
    d = result.derivatives
    info = result.file
    with transaction.atomic():
        clip = Clip.objects.select_for_update(of=("self",)).select_related("camera__counter").get(pk=clip_id)
        if clip.state != Clip.State.INDEXING:
            return "skipped"  # taken back (e.g. stale) and finished by another run meanwhile
        ClipEvent.objects.filter(clip=clip).delete()
        ClipEvent.objects.bulk_create([
            ClipEvent(clip=clip, kind=e.kind, zone=e.zone, start_s=e.start, end_s=e.end,
                      score=e.score, detail={"subtype": e.detail} if e.detail else {},
                      thumbnail_key=derived.get(e.thumbnail or "", ""))
            for e in result.events
        ])
        clip.sha256 = sha256
        clip.size_bytes = size
        clip.duration_s = result.duration
        clip.fps = info.fps or None
        clip.width = info.width or None
        clip.height = info.height or None
        clip.codec = info.codec or ""
        clip.container = info.container or ""
        clip.activity = [round(float(v), 4) for v in result.activity]
        clip.warnings = list(result.warnings)
        clip.zones_used = [z.to_dict() for z in result.zones]
        clip.analysis_version = analysis_version
        clip.analysis_params = params
        clip.poster_key = derived.get(d.poster or "", "") if d else ""
        clip.sprite_key = derived.get(d.sprite or "", "") if d else ""
        clip.vtt_key = derived.get(d.sprite_vtt or "", "") if d else ""
        clip.proxy_key = derived.get(d.proxy or "", "") if d else ""
        clip.background_key = derived.get(BACKGROUND_NAME, "")
        clip.progress = 1.0
        clip.indexed_at = timezone.now()
        clip.event_count = len(result.events)
        if result.partial:
            clip.state = Clip.State.PARTIAL
            first = result.warnings[0] if result.warnings else "part of the file could not be read"
            clip.error_en = first
            clip.error = f"{translate_reason(first)}; đã lập chỉ mục phần đọc được"
        else:
            clip.state = Clip.State.INDEXED
            clip.error = clip.error_en = ""
        clip.save()
        audit_record(actor=SYSTEM, verb=f"clip.{clip.state}", obj=clip,
                     payload={"sha256": sha256, "size": size, "duration_s": clip.duration_s,
                              "events": clip.event_count, "analysis_version": analysis_version,
                              "warnings": clip.warnings})
        _broadcast(clip, "clip.indexed")
    return clip.state


def clip_fail(*, clip_id: int, reason_en: str, reason_vi: str = "", sha256: str = "",
              size: int | None = None, transient: bool = False) -> str:
    reason_en = " ".join(reason_en.split())[:500]
    with transaction.atomic():
        clip = Clip.objects.select_for_update(of=("self",)).select_related("camera__counter").get(pk=clip_id)
        if clip.state != Clip.State.INDEXING:
            return "skipped"
        clip.state = Clip.State.FAILED
        clip.failure_transient = transient
        clip.error_en = reason_en
        clip.error = reason_vi or translate_reason(reason_en)
        clip.progress = 1.0
        clip.indexed_at = timezone.now()
        if sha256:
            clip.sha256 = sha256
        if size is not None:
            clip.size_bytes = size
        clip.save()
        audit_record(actor=SYSTEM, verb="clip.failed", obj=clip, payload={"reason": reason_en})
        _broadcast(clip, "clip.failed")
    return Clip.State.FAILED



# --- admin actions ---------------------------------------------------------------------------------
def _requeue(clip: Clip, *, by: Any, verb: str, payload: dict[str, Any]) -> Clip:
    clip.state = Clip.State.DISCOVERED
    clip.progress = 0.0
    clip.error = clip.error_en = ""
    clip.failure_transient = False
    clip.save()
    audit_record(actor=by, verb=verb, obj=clip, payload=payload)
    from media_ingest.tasks import index_clip

    enqueue_on_commit(index_clip, clip.pk)
    _broadcast(clip, "clip.discovered")
    return clip


@transaction.atomic
def clip_retry(*, clip: Clip, by: Any) -> Clip:
    """Index a failed or partial clip again (e.g. after the store came back or the file was fixed)."""
    clip = Clip.objects.select_for_update(of=("self",)).select_related("camera__counter").get(pk=clip.pk)
    if clip.state in (Clip.State.DISCOVERED, Clip.State.INDEXING):
        raise Conflict("Đoạn video đang chờ hoặc đang được lập chỉ mục.",
                       "The clip is already queued or being indexed.", code="already_queued")
    if clip.state == Clip.State.EXPIRED:
        raise Conflict("Đoạn video đã bị xóa khi hết thời hạn lưu trữ.", "The clip's footage has expired and "
                       "was deleted.", code="expired")
    return _requeue(clip, by=by, verb="clip.retry", payload={"previous_state": clip.state,
                                                             "previous_error": clip.error_en})


@transaction.atomic
def clip_assign_camera(*, clip: Clip, camera: Camera, started_at: datetime | None, by: Any) -> Clip:
    """Map a clip (usually unassigned) to a camera and a start time, then index it again."""
    clip = Clip.objects.select_for_update(of=("self",)).select_related("camera__counter").get(pk=clip.pk)
    if started_at is not None and timezone.is_naive(started_at):
        raise DomainError("Thời điểm bắt đầu phải có múi giờ.", "started_at must include a time zone.",
                          code="naive_datetime", fields={"started_at": ["timezone required"]})
    if started_at is None and clip.started_at is None:
        raise DomainError("Tên tệp không cho biết thời điểm bắt đầu; hãy nhập thời điểm bắt đầu.",
                          "The key does not give the start time; enter started_at.",
                          code="started_at_required", fields={"started_at": ["required"]})
    if not camera.active:
        raise DomainError("Camera đã ngừng hoạt động.", "The camera is inactive.", code="camera_inactive",
                          fields={"camera_id": ["inactive"]})
    if clip.state == Clip.State.INDEXING:
        raise Conflict("Đoạn video đang được lập chỉ mục, hãy thử lại sau.",
                       "The clip is being indexed; try again shortly.", code="busy")
    from media_ingest.selectors import clip_hold_reasons

    held = clip_hold_reasons(clip)
    if held:  # moving it would move it out from under its hold (an open finding is held by time)
        raise Conflict("Đoạn video đang được giữ lại làm chứng cứ; không thể đổi camera hay thời điểm.",
                       "The clip is on legal hold; its camera and time cannot be changed.", code="on_hold",
                       fields={"hold": [str(r) for r in held]})
    previous = {"camera": clip.camera.code if clip.camera else None,
                "started_at": clip.started_at.isoformat() if clip.started_at else None,
                "unassigned_reason": clip.unassigned_reason}
    clip.camera = camera
    if started_at is not None:
        clip.started_at = started_at
    clip.unassigned_reason = ""
    return _requeue(clip, by=by, verb="clip.assigned",
                    payload={"previous": previous, "camera": camera.code,
                             "started_at": clip.started_at.isoformat() if clip.started_at else None})


def clips_reindex_outdated(*, current_version: str, by: Any = SYSTEM, limit: int | None = None) -> list[int]:
    """Queue clips analysed by an older analysis version (indexed/partial) again; returns ids."""
    qs = (Clip.objects.filter(state__in=[Clip.State.INDEXED, Clip.State.PARTIAL])
          .exclude(analysis_version=current_version).order_by("pk").values_list("pk", flat=True))
    ids = list(qs[:limit] if limit else qs)
    queued = []
    for clip_id in ids:
        with transaction.atomic():
            clip = Clip.objects.select_for_update(of=("self",)).select_related("camera__counter").get(pk=clip_id)
            if clip.state not in (Clip.State.INDEXED, Clip.State.PARTIAL) or clip.analysis_version == current_version:
                continue
            _requeue(clip, by=by, verb="clip.reindex",
                     payload={"from_version": clip.analysis_version, "to_version": current_version})
            queued.append(clip_id)
    return queued


# --- uploads by reviewers --------------------------------------------------------------------------
UPLOAD_URL_TTL_SECONDS = 3600
ALLOWED_UPLOAD_EXTENSIONS = ("mp4", "mkv", "mov", "webm", "avi", "m4v", "ts")


@dataclass(frozen=True)
class UploadTicket:
    key: str
    url: str
    method: str
    headers: dict[str, str]
    expires_at: datetime


def upload_ticket_create(*, camera: Camera, started_at: datetime, filename: str, content_type: str,
                         by: Any) -> UploadTicket:
    """A presigned PUT for one clip under the camera's conventional key."""
    content_type = (content_type or "").strip().lower()
    errors: dict[str, list[str]] = {}
    if not re.fullmatch(r"video/[a-z0-9.+-]+", content_type):
        errors["content_type"] = ["must be video/*"]
    ext = Path(filename or "").suffix.lower().lstrip(".")
    if ext not in ALLOWED_UPLOAD_EXTENSIONS:
        errors["filename"] = [f"extension must be one of {', '.join(ALLOWED_UPLOAD_EXTENSIONS)}"]
    if timezone.is_naive(started_at):
        errors["started_at"] = ["timezone required"]
    elif started_at > timezone.now() + timedelta(minutes=5):
        errors["started_at"] = ["in the future"]
    if not camera.active:
        errors["camera_id"] = ["inactive"]
    if errors:
        raise DomainError(
            "Không tạo được liên kết tải lên: chỉ nhận tệp video (video/*, đuôi "
            f"{', '.join(ALLOWED_UPLOAD_EXTENSIONS)}), thời điểm có múi giờ và không ở tương lai, camera đang hoạt động.",
            "Cannot create an upload link: " + "; ".join(f"{k}: {', '.join(v)}" for k, v in errors.items()) + ".",
            code="invalid_upload", fields=errors)
    key = discovery.build_key(camera.code, started_at, ext)
    store = get_footage_store()
    try:
        store.stat(key)
    except ObjectMissing:
        pass
    except StoreError as exc:
        raise DomainError("Kho lưu trữ đang không truy cập được, hãy thử lại sau.",
                          f"The object store is unavailable, try again later ({exc}).",
                          code="store_unavailable", status=503) from exc
    else:
        raise Conflict("Camera này đã có đoạn video bắt đầu đúng thời điểm đó.",
                       "This camera already has a clip starting at that time.", code="key_exists",
                       fields={"started_at": ["a clip with this start time exists"]})
    seconds = UPLOAD_URL_TTL_SECONDS
    url = store.upload_url(key, seconds=seconds, content_type=content_type)
    with transaction.atomic():
        audit_record(actor=by, verb="clip.upload_url", obj=camera,
                     payload={"key": key, "content_type": content_type, "filename": filename})
    return UploadTicket(key=key, url=url, method="PUT", headers={"Content-Type": content_type},
                        expires_at=timezone.now() + timedelta(seconds=seconds))


def object_put_signed(*, key: str, data: Any, length: int, content_type: str) -> Discovered:
    """Store an upload that came through a signed local PUT URL, then discover it at once (the
    local folder has no notifications; the reconcile scan would find it too)."""
    store = get_footage_store()
    info = store.put(key, data, length, content_type)
    if 0 <= length != info.size:
        store.delete(key)
        raise DomainError("Tải lên không trọn vẹn.", f"Incomplete upload: got {info.size} of {length} bytes.",
                          code="incomplete_upload")
    ref = ObjectRef(bucket=store.bucket, key=key, size=info.size, etag=info.etag, version=info.version,
                    content_type=content_type)
    return clip_discover(ref=ref, source=Clip.Source.UPLOAD, by=SYSTEM)


def wait_for_index(clip_ids: Iterable[int], *, timeout: float = 120.0) -> None:
    """Block until none of the clips is queued or indexing (seeding and commands)."""
    from backend.core.jobs import wait_idle

    deadline = time.monotonic() + timeout
    wait_idle(timeout=timeout)
    ids = list(clip_ids)
    while Clip.objects.filter(pk__in=ids, state__in=[Clip.State.DISCOVERED, Clip.State.INDEXING]).exists():
        if time.monotonic() > deadline:
            raise TimeoutError("clips still being indexed")
        wait_idle(timeout=max(0.1, deadline - time.monotonic()))
        time.sleep(0.05)


# --- retention and legal hold ----------------------------------------------------------------------
@dataclass
class RetentionResult:
    dry_run: bool
    deleted: list[int]
    held: dict[int, list[str]]
    errors: dict[int, str]
    bytes_freed: int = 0
    versions_deleted: int = 0  # stored versions and delete markers removed, footage and derivatives
    versions_kept: dict[int, list[str]] = field(default_factory=dict)  # other versions of a deleted clip's key


def retention_run(*, dry_run: bool = False, by: Any = SYSTEM, now: datetime | None = None) -> RetentionResult:
    """Delete the footage and derivatives of clips past their camera's retention period, except
    those on legal hold (selectors.clip_hold_reasons). Each clip: its row locked and its holds
    checked again, its objects deleted, then it is marked `expired` (the row stays, so the custody log
    keeps the record of the clip) with a custody entry and its audit event. A dry run changes
    nothing and reports what would go."""
    from media_ingest import selectors

    now = now or timezone.now()
    report = selectors.retention_report(now=now)
    result = RetentionResult(dry_run=dry_run, deleted=[], held=dict(report.held), errors={})
    if dry_run:
        result.deleted = [c.pk for c in report.deletable]
        result.bytes_freed = report.expired_bytes
        return result
    for candidate in report.deletable:
        try:
            freed = _clip_expire(clip_id=candidate.pk, by=by, now=now, result=result)
        except StoreError as exc:
            result.errors[candidate.pk] = str(exc)[:300]
            continue
        if freed is not None:
            result.deleted.append(candidate.pk)
            result.bytes_freed += freed
    with transaction.atomic():
        audit_record(actor=by, verb="media.retention", object_type="media_ingest.clip",
                     payload={"deleted": result.deleted, "held": {str(k): v for k, v in result.held.items()},
                              "errors": {str(k): v for k, v in result.errors.items()},
                              "bytes_freed": result.bytes_freed, "versions_deleted": result.versions_deleted,
                              "versions_kept": {str(k): v for k, v in result.versions_kept.items()}})
    return result


def _purge_versions(store: Any, key: str, *, remove: Any) -> tuple[list[str], list[str]]:
    """Remove the versions of `key` that `remove(version)` picks, for real: in a versioned bucket a
    plain delete only adds a delete marker and keeps the bytes. Delete markers go too once no
    version is kept (with one kept, removing a marker would bring that version back as the latest).
    Returns the removed and the kept version ids (what an unversioned store holds is named "")."""
    removed: list[str] = []
    kept: list[str] = []
    versions = store.versions(key)
    for v in versions:
        if v.is_delete_marker:
            continue
        if remove(v):
            store.delete(key, version=v.version)
            removed.append(v.version)
        else:
            kept.append(v.version)
    if not kept:
        for v in versions:
            if v.is_delete_marker:
                store.delete(key, version=v.version)
                removed.append(f"delete-marker:{v.version}")
    return removed, kept


def _footage_purge(clip: Clip, *, cutoff: datetime) -> tuple[list[str], list[str]]:
    """Every stored version of the clip's key except those another clip still stands on (versions
    of one key are separate clips, and one of them may be held) and those written after `cutoff`
    (an upload newer than the retention period may not be indexed yet)."""
    live = (Clip.objects.filter(bucket=clip.bucket, key=clip.key).exclude(pk=clip.pk)
            .exclude(state=Clip.State.EXPIRED).values_list("version_id", "etag"))
    # a clip indexed without a real version id (an unversioned bucket, or before versioning was
    # enabled) is known by its etag
    claimed = {object_version(v, e) for v, e in live}
    claimed_etags = {e for v, e in live if object_version(v, e) == e.strip().strip('"')}
    own = object_version(clip.version_id, clip.etag)
    own_by_etag = own == clip.etag.strip().strip('"')

    def remove(v: Any) -> bool:
        ident = object_version(v.version, v.etag)
        if ident in claimed or v.etag in claimed_etags:
            return False
        return ident == own or (own_by_etag and v.etag == own) or v.last_modified <= cutoff

    return _purge_versions(get_footage_store(), clip.key, remove=remove)


def _clip_expire(*, clip_id: int, by: Any, now: datetime, result: RetentionResult) -> int | None:
    from media_ingest import selectors
    from media_ingest.review.models import AccessLog
    from media_ingest.review.services import access_log_add

    with transaction.atomic():
        clip = Clip.objects.select_for_update(of=("self",)).select_related("camera__counter").get(pk=clip_id)
        if clip.state == Clip.State.EXPIRED:
            return None
        reasons = selectors.clip_hold_reasons(clip)  # a tag or hold may have arrived since the report
        if reasons:
            result.held[clip.pk] = reasons
            return None
        derived = [k for k in (clip.proxy_key, clip.poster_key, clip.sprite_key, clip.vtt_key, clip.background_key) if k]
        derived += [k for k in clip.events.exclude(thumbnail_key="").values_list("thumbnail_key", flat=True)]
        days = selectors.retention_days_for(clip.camera_id)
        footage_removed, footage_kept = _footage_purge(clip, cutoff=now - timedelta(days=days))
        app = get_store()
        derived_removed = 0
        for key in derived:  # derivative keys are the clip's own (they carry its id): every version goes
            derived_removed += len(_purge_versions(app, key, remove=lambda v: True)[0])
        result.versions_deleted += len(footage_removed) + derived_removed
        if footage_kept:
            result.versions_kept[clip.pk] = footage_kept
        clip.state = Clip.State.EXPIRED
        clip.expired_at = now
        clip.proxy_key = clip.poster_key = clip.sprite_key = clip.vtt_key = clip.background_key = ""
        clip.save(update_fields=["state", "expired_at", "proxy_key", "poster_key", "sprite_key", "vtt_key",
                                 "background_key"])
        clip.events.update(thumbnail_key="")
        access_log_add(user=by, action=AccessLog.Action.EXPIRE, clip=clip, object_key=clip.key,
                       reason=f"hết thời hạn lưu trữ {days} ngày / retention period of {days} days ended",
                       detail={"sha256": clip.sha256, "version_id": clip.version_id, "size_bytes": clip.size_bytes,
                               "started_at": clip.started_at.isoformat() if clip.started_at else None,
                               "retention_days": days, "derivatives_deleted": derived,
                               "footage_versions_deleted": footage_removed,
                               "footage_versions_kept": footage_kept,
                               "derivative_versions_deleted": derived_removed})
        _broadcast(clip, "clip.expired")
    return int(clip.size_bytes or 0)


HOLD_REASON_MIN = 5


@transaction.atomic
def clip_hold_add(*, clip: Clip, reason: str, by: Any) -> Any:
    """A manual legal hold with its reason: retention never deletes the clip while it stands."""
    from media_ingest.models import ClipHold

    reason = (reason or "").strip()
    if len(reason) < HOLD_REASON_MIN or len(reason) > 1000:
        raise DomainError(f"Cần nêu lý do giữ lại (từ {HOLD_REASON_MIN} đến 1000 ký tự).",
                          f"A reason of {HOLD_REASON_MIN} to 1000 characters is required.", code="reason_required",
                          fields={"reason": ["required"]})
    clip = Clip.objects.select_for_update(of=("self",)).get(pk=clip.pk)
    if clip.state == Clip.State.EXPIRED:
        raise Conflict("Đoạn video đã bị xóa khi hết thời hạn lưu trữ.", "The clip's footage has already expired.",
                       code="expired")
    hold = ClipHold.objects.create(clip=clip, reason=reason, by=by, created_at=timezone.now())
    audit_record(actor=by, verb="clip.hold", obj=hold, payload={"clip": clip.pk, "reason": reason})
    return hold


@transaction.atomic
def clip_hold_release(*, hold: Any, reason: str, by: Any) -> Any:
    reason = (reason or "").strip()
    if len(reason) < HOLD_REASON_MIN or len(reason) > 1000:
        raise DomainError(f"Cần nêu lý do bỏ giữ lại (từ {HOLD_REASON_MIN} đến 1000 ký tự).",
                          f"A reason of {HOLD_REASON_MIN} to 1000 characters is required.", code="reason_required",
                          fields={"reason": ["required"]})
    if hold.released_at is not None:
        raise Conflict("Lệnh giữ lại này đã được bỏ.", "This hold was already released.", code="released")
    hold.released_at, hold.released_by, hold.release_reason = timezone.now(), by, reason
    hold.save(update_fields=["released_at", "released_by", "release_reason"])
    audit_record(actor=by, verb="clip.hold_release", obj=hold, payload={"clip": hold.clip_id, "reason": reason})
    return hold


@transaction.atomic
def camera_retention_set(*, camera: Camera, days: int | None, by: Any) -> int:
    """Set (or, with None, reset to the default) how many days the camera's footage is kept."""
    from media_ingest import selectors
    from media_ingest.models import CameraRetention

    previous = selectors.retention_days_for(camera.pk)
    if days is None:
        CameraRetention.objects.filter(camera=camera).delete()
    else:
        if not 1 <= int(days) <= 3650:
            raise DomainError("Thời hạn lưu trữ từ 1 đến 3650 ngày.", "Retention is 1 to 3650 days.",
                              code="invalid", fields={"days": ["1..3650"]})
        CameraRetention.objects.update_or_create(camera=camera, defaults={"days": int(days)})
    current = selectors.retention_days_for(camera.pk)
    audit_record(actor=by, verb="camera.retention", obj=camera, payload={"previous": previous, "days": current})
    return current
