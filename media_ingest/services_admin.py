"""Admin actions on clips and cameras: analysis settings, retry, assigning a camera, reindexing clips
of an older analysis version."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from backend.audit.services import audit_record
from backend.core.actors import Actor
from backend.core.errors import Conflict, DomainError
from backend.core.jobs import enqueue_on_commit
from backend.org.models import Camera
from media_ingest.models import CameraAnalysis, Clip
from media_ingest.services_common import SYSTEM
from media_ingest.services_indexing import _config_errors
from media_ingest.services_messages import _broadcast


@transaction.atomic
def camera_analysis_set(*, camera: Camera, overrides: dict[str, Any], by: Actor) -> CameraAnalysis:
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



def _requeue(clip: Clip, *, by: Actor, verb: str, payload: dict[str, Any]) -> Clip:
    clip.state = Clip.State.DISCOVERED
    clip.progress = 0.0
    clip.error = clip.error_en = clip.error_code = ""
    clip.error_params = {}
    clip.failure_transient = False
    clip.save()
    audit_record(actor=by, verb=verb, obj=clip, payload=payload)
    from media_ingest.tasks import index_clip

    enqueue_on_commit(index_clip, clip.pk)
    _broadcast(clip, "clip.discovered")
    return clip


@transaction.atomic
def clip_retry(*, clip: Clip, by: Actor) -> Clip:
    """Index a failed or partial clip again (e.g. after the store came back or the file was fixed)."""
    clip = Clip.objects.select_for_update(of=("self",)).select_related("camera__counter").get(pk=clip.pk)
    if clip.state in (Clip.State.DISCOVERED, Clip.State.INDEXING):
        raise Conflict("Đoạn video đang chờ hoặc đang được lập chỉ mục.",
                       "The clip is already queued or being indexed.", code="already_queued")
    if clip.state == Clip.State.EXPIRED:
        raise Conflict("Đoạn video đã bị xóa khi hết thời hạn lưu trữ.", "The clip's footage has expired and "
                       "was deleted.", code="expired")
    return _requeue(clip, by=by, verb="clip.retry", payload={"previous_state": clip.state,
                                                             "previous_error": clip.error_en,
                                                             "previous_error_code": clip.error_code})


@transaction.atomic
def clip_assign_camera(*, clip: Clip, camera: Camera, started_at: datetime | None, by: Actor) -> Clip:
    """Map an unassigned clip (no camera or no start time) to a camera and a start time, then index
    it again.

    A clip that has both is never moved (409 already_assigned, whatever holds it): moving footage to
    another counter or time would take it out from under the holds that protect it by time (an open
    finding: a draft's silently), or make it look older than it is, and a refusal that depended on
    those holds told an admin where a draft lies (issue 15, insider review S1-1). Holds bound to the
    clip itself (a tag, evidence, a manual hold) refuse as before, named only as far as the admin may
    know them (selectors.clip_hold_reasons, shown=True). A mis-mapped clip is corrected under the two-person
    rule instead (services_remap: the admin asks, an inspection lead other than him decides)."""
    clip = Clip.objects.select_for_update(of=("self",)).select_related("camera__counter").get(pk=clip.pk)
    if started_at is not None and timezone.is_naive(started_at):
        raise DomainError("Thời điểm bắt đầu phải có múi giờ.", "started_at must include a time zone.",
                          code="naive_datetime", fields={"started_at": ["timezone required"]})
    if started_at is not None and started_at > timezone.now() + timedelta(minutes=5):
        # a start time ahead of now would keep the footage past its retention (counted from the later of
        # recording and ingestion): insider review S2-3
        raise DomainError("Thời điểm bắt đầu không được ở tương lai.", "started_at may not be in the future.",
                          code="in_future", fields={"started_at": ["in the future"]})
    if clip.camera_id is not None and clip.started_at is not None:
        raise Conflict("Đoạn video đã có camera và thời điểm bắt đầu; không thể chuyển trực tiếp sang camera hay "
                       "thời điểm khác: hãy gửi đề nghị sửa camera/thời điểm để một tổ trưởng tổ kiểm tra phê duyệt.",
                       "The clip already has a camera and a start time; it cannot be moved directly: ask for a "
                       "correction, which an inspection lead approves.", code="already_assigned")
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

    held = clip_hold_reasons(clip, shown=True)
    if held:
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


def clips_reindex_outdated(*, current_version: str, by: Actor = SYSTEM, limit: int | None = None) -> list[int]:
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
