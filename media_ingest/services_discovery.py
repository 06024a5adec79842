"""Discovery: an object key becomes a clip (camera and local start time from the key), or a refused
key with its reason."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from backend.audit.services import audit_record
from backend.core.actors import Actor
from backend.core.errors import DomainError
from backend.core.jobs import enqueue_on_commit
from backend.core.store import ObjectInfo, StoreError, get_footage_store, guess_content_type, validate_key
from backend.org.models import Camera
from media_ingest import discovery
from media_ingest.discovery import ObjectRef
from media_ingest.models import Clip
from media_ingest.services_common import SYSTEM
from media_ingest.services_messages import _broadcast


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
def clip_discover(*, ref: ObjectRef, source: str, by: Actor = SYSTEM) -> Discovered:
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
    same = _same_content_as_latest(ref, by)
    if same is not None:
        return Discovered(same, False)
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


def _same_content_as_latest(ref: ObjectRef, by: Actor) -> Clip | None:
    """The key's latest clip, now named by `ref`'s version, when `ref` holds the very content it indexed.

    A folder store (embedded mode) names a version by its size and modification time: a footage store
    restored or copied without its file times made every file look like a new version, and every clip
    showed twice (issue 15). When the latest clip of the key was indexed (its SHA-256 is known), has the
    same size, and the file hashes the same, the key was not changed: the clip's stored version follows
    the file, and no clip is added. Other content at the key (a real overwrite) stays a new clip. A store
    that names its versions itself (a versioned bucket) is trusted as it is."""
    if ref.version and ref.version != "null":
        return None
    latest = Clip.objects.filter(bucket=ref.bucket, key=ref.key).order_by("-discovered_at", "-pk").first()
    if latest is None or not latest.sha256 or latest.size_bytes != ref.size:
        return None
    store = get_footage_store()
    local_path = getattr(store, "local_path", None)
    if store.bucket != ref.bucket or local_path is None:
        return None
    from media_ingest.vision import sha256_file

    try:
        digest, size = sha256_file(local_path(ref.key))
        now = store.stat(ref.key)
    except (OSError, StoreError):
        return None
    if digest != latest.sha256 or size != ref.size or now.etag != ref.etag:  # changed while hashed: not sure
        return None
    was = latest.version_id
    try:
        with transaction.atomic():
            Clip.objects.filter(pk=latest.pk).update(version_id=ref.identity, etag=ref.etag)
    except IntegrityError:
        return None
    latest.refresh_from_db()
    audit_record(actor=by, verb="clip.version_followed", obj=latest,
                 payload={"bucket": ref.bucket, "key": ref.key, "from": was, "to": ref.identity,
                          "sha256": latest.sha256, "why": "same content, new file time"})
    return latest


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


def clips_discover(*, refs: Iterable[ObjectRef], source: str, by: Actor = SYSTEM) -> list[Discovered]:
    return [clip_discover(ref=ref, source=source, by=by) for ref in refs]


def ref_from_info(bucket: str, info: ObjectInfo) -> ObjectRef:
    return ObjectRef(bucket=bucket, key=info.key, size=info.size, etag=info.etag, version=info.version,
                     content_type=info.content_type)
