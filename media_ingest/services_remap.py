"""Correcting a clip mapped to the wrong camera or start time: the two-person rule (issue 15, insider review).

`clip_assign_camera` maps only clips that lack a camera or a start time; one that has both is never moved by an
administrator alone (moving it could take footage out from under the holds that protect it by time, a draft's
included, which he may not know of). A correction is a request (`ClipRemapRequest`) with a worded reason, decided
by an inspection lead other than the requester: the lead is allowed to know every hold and is shown them
(`selectors.clip_holds_for_lead`) when he decides. Only an approval moves the clip and queues it for indexing again.

Nothing the requester reads depends on drafts: the request is accepted or refused on its own input (never on the
clip's holds), and the outcome is the lead's decision and the lead's words. Every step is a custody entry on the
clip (and so an audit event) and an audit event on the request, as `backend.accounts.services_grants` does for the
team's powers.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from backend.accounts.models import Role, User
from backend.accounts.selectors import require_role, same_person, same_person_refused
from backend.audit.services import audit_record
from backend.core.errors import Conflict, DomainError, Forbidden, NotFound
from backend.org.models import Camera
from inspection.services_common import require_worded_reason
from media_ingest.models import Clip, ClipRemapRequest
from media_ingest.review.models import AccessLog
from media_ingest.review.services import access_log_add
from media_ingest.selectors import REMAP_ROLES
from media_ingest.services_admin import _requeue

# who may ask (the administrator maps clips; a lead may ask too, and then another lead decides)
REQUESTER_ROLES = REMAP_ROLES
REASON_WORDS, REASON_LETTERS = 3, 12  # "Camera tải lên nhầm quầy": 14 letters in Vietnamese words
FUTURE_SKEW = timedelta(minutes=5)  # a camera clock a little ahead is not a clip from the future


def _invalid(vi: str, en: str, field: str, code: str) -> DomainError:
    return DomainError(vi, en, code=code, fields={field: [en]})


def _local(at: datetime | None) -> str | None:
    return timezone.localtime(at).isoformat() if at is not None else None


@transaction.atomic
def clip_remap_request(*, by: User, clip: Clip, camera: Camera, started_at: datetime | None,
                       reason: str) -> ClipRemapRequest:
    """Ask that a mapped clip be moved to another camera and/or start time (None keeps the start time).

    Checked on the input alone, never on the clip's holds, so the answer is the same whether or not a draft
    holds the clip: a naive time, an inactive camera, no change, a clip not yet mapped (use the assignment),
    an expired clip, or a request already pending are refused in words."""
    require_role(by, *REQUESTER_ROLES)
    clip = Clip.objects.select_for_update(of=("self",)).select_related("camera__counter").get(pk=clip.pk)
    if started_at is not None and timezone.is_naive(started_at):
        raise _invalid("Thời điểm bắt đầu phải có múi giờ.", "started_at must include a time zone.",
                       "started_at", "naive_datetime")
    if clip.camera_id is None or clip.started_at is None:
        raise Conflict("Đoạn video chưa có camera hoặc thời điểm bắt đầu: hãy gán camera trực tiếp, không cần đề nghị.",
                       "The clip has no camera or start time yet: assign it directly, no request is needed.",
                       code="not_assigned")
    if clip.state == Clip.State.EXPIRED:
        raise Conflict("Đoạn video đã bị xóa khi hết thời hạn lưu trữ.",
                       "The clip's footage has expired and was deleted.", code="expired")
    if not camera.active:
        raise _invalid("Camera đã ngừng hoạt động.", "The camera is inactive.", "camera_id", "camera_inactive")
    if started_at is not None and started_at > timezone.now() + FUTURE_SKEW:
        raise _invalid("Thời điểm bắt đầu không được ở tương lai.", "started_at may not be in the future.",
                       "started_at", "in_future")
    new_start = started_at if started_at is not None else clip.started_at
    if camera.pk == clip.camera_id and new_start == clip.started_at:
        raise _invalid("Camera và thời điểm đề nghị trùng với hiện tại: không có gì để sửa.",
                       "The camera and start time asked for are the clip's own: nothing to correct.",
                       "camera_id", "no_change")
    reason = require_worded_reason(reason, "reason", "lý do đề nghị sửa", words=REASON_WORDS, letters=REASON_LETTERS)
    pending = Conflict("Đoạn video đã có một đề nghị sửa đang chờ tổ trưởng phê duyệt.",
                       "A correction of this clip is already waiting for a lead's decision.", code="remap_pending")
    if ClipRemapRequest.objects.filter(clip=clip, state=ClipRemapRequest.State.PENDING).exists():
        raise pending
    try:
        with transaction.atomic():  # two requests at once (SQLite does not lock the clip row): one pending wins
            request = ClipRemapRequest.objects.create(
                clip=clip, camera=camera, started_at=new_start, previous_camera=clip.camera,
                previous_started_at=clip.started_at, reason=reason, requested_by=by, requested_at=timezone.now())
    except IntegrityError:
        raise pending from None
    detail = {"request": request.pk, "from": {"camera": clip.camera.code if clip.camera else None,
                                              "started_at": _local(clip.started_at)},
              "to": {"camera": camera.code, "started_at": _local(new_start)}}
    access_log_add(user=by, action=AccessLog.Action.REMAP_REQUEST, clip=clip, reason=reason, detail=detail)
    audit_record(actor=by, verb="clip_remap.request", obj=request, payload={"clip": clip.pk, **detail,
                                                                            "reason": reason})
    return request


def remap_requests_for(user: User) -> QuerySet[ClipRemapRequest]:
    """Every request, for each role that may ask (the administrators and the leads); nobody else reads any. What a
    reader sees of a clip's pending correction never depends on who asked (F8): an administrator read only his own,
    so the 409 `remap_pending` he got for a clip whose listed requests were all decided said that the team had
    asked for one, its interest in the clip. Every reader of the list now sees the request the 409 is about."""
    require_role(user, *REQUESTER_ROLES)
    return ClipRemapRequest.objects.select_related("clip", "camera__counter", "previous_camera__counter",
                                                   "requested_by__officer", "decided_by__officer")


def remap_request_get_for(*, user: User, pk: int) -> ClipRemapRequest:
    request = remap_requests_for(user).filter(pk=pk).first()
    if request is None:
        raise NotFound("Không tìm thấy đề nghị sửa.", "Correction request not found.")
    return request


def may_decide(user: User, request: ClipRemapRequest) -> bool:
    return bool(getattr(user, "role", None) == Role.INSPECTION_LEAD and user.is_active
                and request.state == ClipRemapRequest.State.PENDING and not same_person(user, request.requested_by))


def _decidable(*, by: User, pk: int) -> ClipRemapRequest:
    if getattr(by, "role", None) != Role.INSPECTION_LEAD:
        raise Forbidden("Chỉ tổ trưởng tổ kiểm tra mới phê duyệt hoặc từ chối đề nghị sửa camera/thời điểm.",
                        "Only an inspection lead approves or refuses a correction of a clip's camera or time.")
    request = ClipRemapRequest.objects.select_for_update(of=("self",)).select_related("requested_by__officer").filter(
        pk=pk).first()
    if request is None:
        raise NotFound("Không tìm thấy đề nghị sửa.", "Correction request not found.")
    if same_person(by, request.requested_by):  # another account of the requester is the requester (F1)
        raise same_person_refused("Người phê duyệt phải là một tổ trưởng khác người đề nghị.",
                                  "The approver must be a lead other than the requester.")
    if request.state != ClipRemapRequest.State.PENDING:
        raise Conflict("Đề nghị này đã được xử lý.", "This request was already decided.", code="remap_decided")
    return request


@transaction.atomic
def clip_remap_approve(*, by: User, pk: int, reason: str = "") -> ClipRemapRequest:
    """A lead other than the requester approves: the clip takes the camera and start time asked for and is queued
    for indexing again (the assignment's requeue). The lead has been shown the holds (clip_holds_for_lead);
    approving is his decision."""
    request = _decidable(by=by, pk=pk)
    clip = Clip.objects.select_for_update(of=("self",)).select_related("camera__counter").get(pk=request.clip_id)
    if clip.state == Clip.State.INDEXING:
        raise Conflict("Đoạn video đang được lập chỉ mục, hãy thử lại sau.",
                       "The clip is being indexed; try again shortly.", code="busy")
    if clip.state == Clip.State.EXPIRED:
        raise Conflict("Đoạn video đã bị xóa khi hết thời hạn lưu trữ.",
                       "The clip's footage has expired and was deleted.", code="expired")
    camera = Camera.objects.get(pk=request.camera_id)
    if not camera.active:
        raise Conflict("Camera đề nghị đã ngừng hoạt động: hãy từ chối đề nghị này.",
                       "The camera asked for is inactive: refuse this request.", code="camera_inactive")
    # The approval moves evidence: it is given in words, like a refusal (insider review S3-2: "ok" moved a clip).
    reason = require_worded_reason(reason, "reason", "lý do phê duyệt", words=REASON_WORDS, letters=REASON_LETTERS)
    now = timezone.now()
    request.state, request.decided_by, request.decided_at, request.decision_reason = (
        ClipRemapRequest.State.APPROVED, by, now, reason)
    request.save(update_fields=["state", "decided_by", "decided_at", "decision_reason"])
    previous = {"camera": clip.camera.code if clip.camera else None, "started_at": _local(clip.started_at)}
    to = {"camera": camera.code, "started_at": _local(request.started_at)}
    access_log_add(user=by, action=AccessLog.Action.REMAP_APPROVE, clip=clip, reason=reason,
                   detail={"request": request.pk})
    audit_record(actor=by, verb="clip_remap.approve", obj=request,
                 payload={"clip": clip.pk, "reason": reason, "requested_by": request.requested_by_id})
    clip.camera = camera
    clip.started_at = request.started_at
    clip.unassigned_reason = ""
    access_log_add(user=by, action=AccessLog.Action.REMAP_APPLY, clip=clip, reason=request.reason,
                   detail={"request": request.pk, "from": previous, "to": to})
    _requeue(clip, by=by, verb="clip.remapped", payload={"request": request.pk, "previous": previous, **to})
    return request


@transaction.atomic
def clip_remap_refuse(*, by: User, pk: int, reason: str) -> ClipRemapRequest:
    """A lead other than the requester refuses, in words: nothing of the request applies. The requester reads
    the lead's words, nothing else (the lead may refuse because a draft needs the clip where it is)."""
    request = _decidable(by=by, pk=pk)  # who may decide first: others learn nothing of the input rules
    reason = require_worded_reason(reason, "reason", "lý do từ chối", words=REASON_WORDS, letters=REASON_LETTERS)
    request.state, request.decided_by, request.decided_at, request.decision_reason = (
        ClipRemapRequest.State.REFUSED, by, timezone.now(), reason)
    request.save(update_fields=["state", "decided_by", "decided_at", "decision_reason"])
    clip = Clip.objects.get(pk=request.clip_id)
    access_log_add(user=by, action=AccessLog.Action.REMAP_REFUSE, clip=clip, reason=reason,
                   detail={"request": request.pk})
    audit_record(actor=by, verb="clip_remap.refuse", obj=request,
                 payload={"clip": clip.pk, "reason": reason, "requested_by": request.requested_by_id})
    return request
