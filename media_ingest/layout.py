"""The store layout split (issue 14): what earlier installs wrote into the footage bucket moves to
the app's own store, and the documents the reconcile scan had indexed as "clips" leave the index.

Before the split, derivatives (`<clip key>.derived/...`), minutes PDFs and report evidence
(`inspection/...`), case documents (`accountability/...`) and evidence files and packages
(`evidence/...`) were written into the footage bucket. The rule for "written by the app" lives in
`written_by_app`; migration media_ingest 0007 and `manage.py store_layout` both run `split`, which is
idempotent (an object already copied is only removed from the footage bucket).

The index part works on historical models (`apps.get_model`) so that it runs inside a migration
whatever later migrations add to these tables.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from backend.core.store import ObjectMissing, Store, StoreError, guess_content_type
from media_ingest import discovery

log = logging.getLogger(__name__)

# Key prefixes the app itself used in the footage bucket before the split.
APP_PREFIXES = ("inspection/", "accountability/", "evidence/")


def written_by_app(key: str) -> bool:
    """A key in the footage bucket that the app wrote: a derivative, or a document under one of the
    app's prefixes. A key following the camera convention is footage even under such a prefix (a
    camera may be coded `evidence`)."""
    if discovery.is_derived_key(key):
        return True
    return key.startswith(APP_PREFIXES) and discovery.parse_key(key).camera_code is None


@dataclass
class SplitReport:
    moved: list[str] = field(default_factory=list)
    clips_removed: list[int] = field(default_factory=list)
    clips_kept: list[int] = field(default_factory=list)  # a document "clip" someone tagged: left for an admin
    custody_entries_kept: int = 0

    def summary(self) -> str:
        return (f"{len(self.moved)} object(s) moved to the app store, {len(self.clips_removed)} document "
                f"clip(s) removed from the index ({self.custody_entries_kept} custody entries kept), "
                f"{len(self.clips_kept)} kept because they are tagged or evidence")


def move_objects(*, footage: Store, app: Store, report: SplitReport) -> None:
    """Copy every object the app wrote from the footage bucket to the app store (checked by size),
    then delete it from the footage bucket. A store error stops the move (run it again later)."""
    if footage.bucket == app.bucket:
        raise StoreError("the footage and app stores are the same bucket")
    app.ensure_bucket()
    keys = [(info.key, info.size, info.content_type) for info in footage.list() if written_by_app(info.key)]
    for key, size, content_type in keys:
        try:
            already = app.stat(key).size == size
        except ObjectMissing:
            already = False
        if not already:
            with footage.open(key) as src:
                kind = content_type if content_type != "application/octet-stream" else guess_content_type(key)
                app.put(key, src, size, kind)
            copied = app.stat(key)
            if copied.size != size:
                raise StoreError(f"copy of {key} has {copied.size} bytes, the original {size}")
        footage.delete(key)
        report.moved.append(key)


def _audit(apps: Any, *, verb: str, object_type: str, object_id: Any, payload: dict[str, Any]) -> None:
    """Append one event to the audit chain with the migration's models (backend.audit.services'
    audit_record uses the current models, which a migration may not)."""
    from backend.audit.services import GENESIS, compute_hash

    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditHead = apps.get_model("audit", "AuditHead")
    head, _ = AuditHead.objects.select_for_update().get_or_create(id=1, defaults={"last_hash": GENESIS, "count": 0})
    event = AuditEvent(at=timezone.now(), actor=None, actor_label="system", verb=verb, object_type=object_type,
                       object_id=str(object_id),
                       payload=json.loads(json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False)),
                       prev_hash=head.last_hash)
    event.hash = compute_hash(event)
    event.save()
    head.last_hash = event.hash
    head.count += 1
    head.save(update_fields=["last_hash", "count"])


def remove_document_clips(apps: Any, *, footage_bucket: str, report: SplitReport) -> None:
    """Drop the clips the reconcile scan made of the app's documents. Their custody entries stay:
    each loses the link to the row and keeps, in its detail, what the row was."""
    Clip = apps.get_model("media_ingest", "Clip")
    AccessLog = apps.get_model("review", "AccessLog")
    Tag = apps.get_model("review", "Tag")
    EvidenceItem = apps.get_model("review", "EvidenceItem")
    candidates = [c for c in Clip.objects.filter(bucket=footage_bucket).order_by("pk").iterator()
                  if written_by_app(c.key)]
    for clip in candidates:
        with transaction.atomic():
            if Tag.objects.filter(clip_id=clip.pk).exists() or EvidenceItem.objects.filter(clip_id=clip.pk).exists():
                report.clips_kept.append(clip.pk)
                log.warning("document clip %s (%s) is tagged or evidence: left in the index", clip.pk, clip.key)
                continue
            record = {"id": clip.pk, "bucket": clip.bucket, "key": clip.key, "version_id": clip.version_id,
                      "sha256": clip.sha256, "size_bytes": clip.size_bytes, "state": clip.state}
            kept = 0
            for entry in AccessLog.objects.filter(clip_id=clip.pk):
                entry.detail = {**(entry.detail or {}), "removed_clip": record}
                entry.object_key = entry.object_key or clip.key
                entry.clip = None
                entry.save(update_fields=["detail", "object_key", "clip"])
                kept += 1
            clip.delete()  # events and coverage go with it
            _audit(apps, verb="clip.removed_not_footage", object_type="media_ingest.clip", object_id=record["id"],
                   payload={**record, "reason": "a document the app wrote into the footage bucket before the "
                                                "store layout split", "custody_entries_kept": kept})
            report.clips_removed.append(record["id"])
            report.custody_entries_kept += kept


def split(apps: Any) -> SplitReport:
    """Objects first (so derivative keys stay valid), then the index."""
    from backend.core.store import get_footage_store, get_store

    report = SplitReport()
    footage = get_footage_store()
    move_objects(footage=footage, app=get_store(), report=report)
    remove_document_clips(apps, footage_bucket=footage.bucket, report=report)
    return report
