"""Sealed preservation copies (issue 15, insider review S1-1): footage held only by findings outsiders
may not know of (an unpublished finding: a draft) must not stay visibly, or the admin learns the draft's
counter and time by comparing the retention report with what the job kept. Retention copies such a
clip's exact footage version and what is needed to play and see it into the app's own store under
opaque keys, then expires the clip as any other (services_retention._clip_expire). The copy's custody
entries name the findings it was made for, so they are withheld like the rest of a draft's custody
(review.selectors_custody.sealed_findings) and appear with their original time once it is published.
A later run deletes the copy once nothing holds the clip (selectors.clip_hold_reasons, the one owner)."""
from __future__ import annotations

import hashlib
import logging
import secrets
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import transaction

from backend.core.actors import Actor
from backend.core.store import ObjectMissing, StoreError, get_footage_store, get_store, guess_content_type
from media_ingest.models import Clip

log = logging.getLogger(__name__)

# a namespace of the app's store shared by every kept copy, naming neither the clip nor why it is kept
PRESERVED_PREFIX = "evidence/sealed"

# what a failed copy tells the run's record: the same words whatever went wrong, none about a finding
COPY_FAILED = "kho lưu trữ không thực hiện được thao tác / the store could not complete the operation"


def _sha256(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _copy_objects(clip: Clip, workdir: Path) -> dict[str, dict[str, Any]]:
    """Copy the clip's exact footage version (its sha256 checked) and its proxy and poster into the app's
    store under one random folder. Raises StoreError (nothing left behind) when any copy fails."""
    footage, app = get_footage_store(), get_store()
    folder = f"{PRESERVED_PREFIX}/{secrets.token_hex(16)}"
    written: list[str] = []
    objects: dict[str, dict[str, Any]] = {}
    try:
        source = workdir / "source"
        footage.download(clip.key, source, version=clip.version_id, etag=clip.etag)
        sha, size = _sha256(source)
        if not clip.sha256 or sha != clip.sha256:
            raise StoreError(f"clip {clip.pk}: the stored footage is not the indexed version (sha256 {sha[:12]}…)")
        parts = [("source", source, Path(clip.key).suffix or ".mp4", sha, size)]
        for name, key in (("proxy", clip.proxy_key), ("poster", clip.poster_key)):
            if not key:
                continue
            dest = workdir / name
            app.download(key, dest)
            parts.append((name, dest, Path(key).suffix, *_sha256(dest)))
        for name, path, suffix, digest, length in parts:
            key = f"{folder}/{secrets.token_hex(8)}{suffix}"
            app.put_file(key, path, guess_content_type(key))
            written.append(key)
            objects[name] = {"key": key, "sha256": digest, "size": length}
    except (StoreError, OSError) as exc:
        for key in written:
            _delete_all_versions(app, key)
        raise StoreError(str(exc)) from exc
    return objects


def _delete_all_versions(store: Any, key: str) -> int:
    from media_ingest.services_retention import _purge_versions

    try:
        return len(_purge_versions(store, key, remove=lambda v: True)[0])
    except ObjectMissing:
        return 0


def preservation_make(*, clip: Clip, findings: list[Any], by: Actor, now: datetime) -> Any:
    """Keep a sealed copy of a clip about to expire for `findings` (its holders outsiders may not know
    of: selectors.clip_sealed_holders), with one custody entry per finding. Call inside the caller's
    transaction, the clip's row locked. A failed copy raises StoreError with words that name no finding."""
    from media_ingest.review.models import AccessLog, ClipPreservation
    from media_ingest.review.services import access_log_add

    with tempfile.TemporaryDirectory(prefix="cw-keep-") as tmp:
        try:
            objects = _copy_objects(clip, Path(tmp))
        except StoreError as exc:
            # the server's log may be read outside the team: it names neither the copy nor the clip
            log.warning("retention: a store operation failed (%s)", type(exc.__cause__ or exc).__name__)
            raise StoreError(COPY_FAILED) from exc
    keys = {name: o["key"] for name, o in objects.items()}
    preservation = ClipPreservation.objects.create(clip=clip, keys=keys, sha256=objects["source"]["sha256"],
                                                   size_bytes=objects["source"]["size"], created_at=now)
    preservation.findings.set(findings)
    for finding in findings:
        # tied to the finding: withheld from readers who may not know of it (selectors_custody.sealed_findings),
        # and its audit event hidden where the finding is (inspection.audit_hidden)
        access_log_add(user=by, action=AccessLog.Action.PRESERVE, clip=clip, finding=finding,
                       object_key=keys["source"],
                       reason="giữ bản sao đoạn video cho vi phạm khi hết thời hạn lưu trữ / footage copy kept "
                              "for the finding when its retention period ended",
                       detail={"preservation": preservation.pk, "clip_sha256": clip.sha256,
                               "clip_version_id": clip.version_id, "objects": objects})
    return preservation


def preservation_discard(*, preservation: Any) -> None:
    """Delete a copy's objects whose row is being rolled back (the clip could not be expired after all)."""
    app = get_store()
    for key in preservation.keys.values():
        try:
            _delete_all_versions(app, key)
        except StoreError:
            log.warning("retention: a store operation failed while undoing an expiry")


def preservations_release(*, by: Actor, now: datetime) -> int:
    """Delete every live copy (its objects, all versions) whose clip nothing holds any more by the full
    rule (selectors.clip_hold_reasons, the clip's expiry ignored): e.g. the draft was dismissed. Logged
    in custody under each finding it was kept for (withheld like the rest). Returns how many went."""
    from media_ingest import selectors
    from media_ingest.review.models import AccessLog, ClipPreservation
    from media_ingest.review.services import access_log_add

    released = 0
    for pk in ClipPreservation.objects.filter(released_at__isnull=True).values_list("pk", flat=True):
        with transaction.atomic():
            preservation = (ClipPreservation.objects.select_for_update(of=("self",))
                            .select_related("clip__camera__counter").get(pk=pk))
            if preservation.released_at is not None or selectors.clip_hold_reasons(preservation.clip):
                continue
            app = get_store()
            removed = {name: _delete_all_versions(app, key) for name, key in preservation.keys.items()}
            preservation.released_at = now
            preservation.save(update_fields=["released_at"])
            for finding in preservation.findings.order_by("created_at", "pk"):
                access_log_add(user=by, action=AccessLog.Action.PRESERVE_RELEASE, clip=preservation.clip,
                               finding=finding, object_key=preservation.keys.get("source", ""),
                               reason="không còn gì giữ đoạn video: bản sao đã xóa / nothing holds the clip any "
                                      "more: the copy was deleted",
                               detail={"preservation": preservation.pk, "versions_deleted": removed})
            released += 1
    return released
