"""Retention and legal hold: expiring clips past their camera's retention, purging footage and its
versions, holds, and the retention setting of a camera."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from backend.accounts.models import User
from backend.audit.services import audit_record
from backend.core.actors import Actor
from backend.core.errors import Conflict, DomainError
from backend.core.store import StoreError, get_footage_store, get_store, object_version
from backend.org.models import Camera
from media_ingest.models import Clip
from media_ingest.services_common import SYSTEM
from media_ingest.services_messages import _broadcast
from media_ingest.services_preservation import preservation_discard, preservation_make, preservations_release


@dataclass
class RetentionResult:
    dry_run: bool
    deleted: list[int]
    held: dict[int, list[str]]
    errors: dict[int, str]
    bytes_freed: int = 0
    versions_deleted: int = 0  # stored versions and delete markers removed, footage and derivatives
    versions_kept: dict[int, list[str]] = field(default_factory=dict)  # other versions of a deleted clip's key


def retention_run(*, dry_run: bool = False, by: Actor = SYSTEM, now: datetime | None = None) -> RetentionResult:
    """Delete the footage and derivatives of clips past their camera's retention period, except
    those on legal hold (selectors.clip_hold_reasons). Each clip: its row locked and its holds
    checked again, its objects deleted, then it is marked `expired` (the row stays, so the custody log
    keeps the record of the clip) with a custody entry and its audit event. A clip held only by findings
    outsiders may not know of (a draft) expires the same way after a sealed copy is kept for their readers
    (services_preservation); copies nothing holds any more are deleted. A dry run changes nothing and
    reports what would go."""
    from media_ingest import selectors

    now = now or timezone.now()
    report = selectors.retention_report(now=now)
    result = RetentionResult(dry_run=dry_run, deleted=[], held=dict(report.held), errors={})
    if dry_run:
        result.deleted = [c.pk for c in report.deletable]
        result.bytes_freed = report.expired_bytes
        return result
    # copies kept for findings that no longer hold their clip go first (services_preservation); the run's
    # record says nothing of them: they exist only for readers of those findings
    preservations_release(by=by, now=now)
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


def _clip_expire(*, clip_id: int, by: Actor, now: datetime, result: RetentionResult) -> int | None:
    from media_ingest import selectors
    from media_ingest.review.models import AccessLog
    from media_ingest.review.services import access_log_add

    with transaction.atomic():
        clip = Clip.objects.select_for_update(of=("self",)).select_related("camera__counter").get(pk=clip_id)
        if clip.state == Clip.State.EXPIRED:
            return None
        if shown := selectors.clip_hold_reasons(clip, shown=True):  # a tag or hold may have arrived since
            result.held[clip.pk] = shown
            return None
        if selectors.clip_hold_reasons(clip):
            # held only by findings outsiders may not know of (a draft): a sealed copy is kept for them and
            # the clip expires below exactly as any other, so nothing an outsider sees depends on the draft
            # (issue 15, insider review S1-1; services_preservation)
            kept = preservation_make(clip=clip, findings=selectors.clip_sealed_holders(clip), by=by, now=now)
        else:
            kept = None
        derived = [k for k in (clip.proxy_key, clip.poster_key, clip.sprite_key, clip.vtt_key, clip.background_key) if k]
        derived += [k for k in clip.events.exclude(thumbnail_key="").values_list("thumbnail_key", flat=True)]
        days = selectors.retention_days_for(clip.camera_id)
        app = get_store()
        try:
            footage_removed, footage_kept = _footage_purge(clip, cutoff=now - timedelta(days=days))
            derived_removed = 0
            for key in derived:  # derivative keys are the clip's own (they carry its id): every version goes
                derived_removed += len(_purge_versions(app, key, remove=lambda v: True)[0])
        except StoreError:
            if kept is not None:  # the row goes with the transaction: its objects must not stay behind
                preservation_discard(preservation=kept)
            raise
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
                       reason=f"hết thời hạn lưu trữ {days} ngày / retention period of {days} day{'' if days == 1 else 's'} ended",
                       detail={"sha256": clip.sha256, "version_id": clip.version_id, "size_bytes": clip.size_bytes,
                               "started_at": clip.started_at.isoformat() if clip.started_at else None,
                               "retention_days": days, "derivatives_deleted": derived,
                               "footage_versions_deleted": footage_removed,
                               "footage_versions_kept": footage_kept,
                               "derivative_versions_deleted": derived_removed})
        _broadcast(clip, "clip.expired")
    return int(clip.size_bytes or 0)


# a legal hold's reasons have legal weight: releasing one lets retention delete the footage ("aaaaa" released a
# hold: insider re-check, issue 15); written in words like a clip correction's (services_remap)
HOLD_REASON_WORDS, HOLD_REASON_LETTERS = 3, 12


def _hold_reason(reason: str, vi_name: str) -> str:
    from inspection.services_common import require_worded_reason

    return require_worded_reason(reason, "reason", vi_name, words=HOLD_REASON_WORDS, letters=HOLD_REASON_LETTERS)


@transaction.atomic
def clip_hold_add(*, clip: Clip, reason: str, by: User) -> Any:
    """A manual legal hold with its reason: retention never deletes the clip while it stands."""
    from media_ingest.models import ClipHold

    reason = _hold_reason(reason, "lý do giữ lại")
    clip = Clip.objects.select_for_update(of=("self",)).get(pk=clip.pk)
    if clip.state == Clip.State.EXPIRED:
        raise Conflict("Đoạn video đã bị xóa khi hết thời hạn lưu trữ.", "The clip's footage has already expired.",
                       code="expired")
    hold = ClipHold.objects.create(clip=clip, reason=reason, by=by, created_at=timezone.now())
    audit_record(actor=by, verb="clip.hold", obj=hold, payload={"clip": clip.pk, "reason": reason})
    return hold


@transaction.atomic
def clip_hold_release(*, hold: Any, reason: str, by: Actor) -> Any:
    reason = _hold_reason(reason, "lý do bỏ giữ lại")
    if hold.released_at is not None:
        raise Conflict("Lệnh giữ lại này đã được bỏ.", "This hold was already released.", code="released")
    hold.released_at, hold.released_by, hold.release_reason = timezone.now(), by, reason
    hold.save(update_fields=["released_at", "released_by", "release_reason"])
    audit_record(actor=by, verb="clip.hold_release", obj=hold, payload={"clip": hold.clip_id, "reason": reason})
    return hold


@transaction.atomic
def camera_retention_set(*, camera: Camera, days: int | None, by: Actor) -> int:
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
