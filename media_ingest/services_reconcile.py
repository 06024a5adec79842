"""The reconcile pass: scan the store for objects the webhook missed, and queue again the clips whose
indexing was lost, never started or failed for a transient reason."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from backend.audit.services import audit_record
from backend.core.jobs import enqueue_on_commit
from backend.core.store import ObjectInfo, StoreError, get_footage_store, object_version
from backend.org.models import Camera
from media_ingest import discovery
from media_ingest.models import Clip, ReconcileCursor
from media_ingest.services_common import SYSTEM, _load
from media_ingest.services_discovery import clip_discover, ref_from_info
from media_ingest.services_lease import _lease_drop, _lease_supported, _lease_take
from media_ingest.services_messages import _broadcast

# An `indexing` clip whose worker has said nothing for this long is taken back (worker lost).
STALE_INDEXING = timedelta(hours=3)
RECONCILE_BATCH = 2000


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
        {"state": Clip.State.DISCOVERED, "progress": 0.0, "error": "", "error_en": "",
         "error_code": "", "error_params": {}, "failure_transient": False},
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
