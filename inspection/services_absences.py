"""Taking a member of the inspection team out of the draw's pool (leave, illness, conflict of interest)
for some days, and the one rule of who is away when, which the draw reads."""
from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from backend.accounts.models import INSPECTION_TEAM, Role, User
from backend.accounts.selectors import require_role
from backend.audit.services import audit_record
from backend.core.errors import Conflict
from inspection.models import InspectorAbsence
from inspection.services_common import _invalid, _require_reason

ABSENCE_WRITERS = (Role.ADMIN, Role.INSPECTION_LEAD)
MAX_ABSENCE_DAYS = 366


@transaction.atomic
def absence_create(*, by: User, user: User, kind: str, start: date, end: date, reason: str) -> InspectorAbsence:
    """An administrator or an inspection lead takes a member of the team out of the pool from `start`
    to `end` (both included), with a reason; draws over those days skip the person."""
    require_role(by, *ABSENCE_WRITERS)
    if user.role not in INSPECTION_TEAM or not user.is_active:
        raise _invalid("Chỉ thành viên đang hoạt động của tổ kiểm tra mới được đưa ra khỏi danh sách rút thăm.",
                       "Only an active member of the inspection team can be taken out of the draw's pool.", "user")
    if kind not in InspectorAbsence.Kind.values:
        raise _invalid("Loại vắng mặt không hợp lệ (nghỉ phép, ốm đau, xung đột lợi ích, lý do khác).",
                       f"Unknown kind {kind!r} (leave, illness, conflict, other).", "kind")
    if end < start:
        raise _invalid("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.", "end must not be before start.", "end")
    if (end - start).days >= MAX_ABSENCE_DAYS:
        raise _invalid("Mỗi lần vắng mặt tối đa một năm.", "An absence may span at most one year.", "end")
    reason = _require_reason(reason, "reason", "lý do vắng mặt")
    _refuse_overlap(user=user, start=start, end=end)
    absence = InspectorAbsence.objects.create(user=user, kind=kind, start=start, end=end, reason=reason,
                                              created_at=timezone.now(), created_by=by)
    audit_record(actor=by, verb="absence.create", obj=absence,
                 payload={"user": user.pk, "kind": kind, "start": start.isoformat(), "end": end.isoformat(),
                          "reason": reason})
    return absence


def _refuse_overlap(*, user: User, start: date, end: date) -> None:
    """One absence a day per person: a second over days he is already away (the same absence entered twice, insider
    S3) is refused, naming the first; the person row is locked so two at once do not both pass."""
    User.objects.select_for_update().filter(pk=user.pk).first()
    first = InspectorAbsence.objects.filter(user=user, withdrawn_at__isnull=True, start__lte=end,
                                            end__gte=start).order_by("start").first()
    if first is not None:
        raise Conflict(f"Cán bộ này đã có lần vắng mặt từ {first.start:%d/%m/%Y} đến {first.end:%d/%m/%Y}, trùng với "
                       "những ngày vừa nhập: không ghi vắng mặt hai lần. Nếu cần sửa, hãy hủy lần trước rồi nhập lại.",
                       f"This person is already away from {first.start.isoformat()} to {first.end.isoformat()}, "
                       "overlapping these days: an absence is not recorded twice. Withdraw the first to change it.",
                       code="absence_duplicate")


@transaction.atomic
def absence_withdraw(*, by: User, absence: InspectorAbsence, reason: str) -> InspectorAbsence:
    """Put the person back in the pool (the absence is kept, marked withdrawn, with the reason)."""
    require_role(by, *ABSENCE_WRITERS)
    reason = _require_reason(reason, "reason", "lý do hủy vắng mặt")
    absence = InspectorAbsence.objects.select_for_update().get(pk=absence.pk)
    if absence.withdrawn_at is not None:
        raise Conflict("Lần vắng mặt này đã được hủy.", "This absence was already withdrawn.", code="already_withdrawn")
    absence.withdrawn_at = timezone.now()
    absence.withdrawn_by = by
    absence.withdraw_reason = reason
    absence.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
    audit_record(actor=by, verb="absence.withdraw", obj=absence, payload={"reason": reason})
    return absence


def absences_in_window(*, user_ids: list[int], days: list[str]) -> tuple[list[int], dict[int, list[str]]]:
    """Who is away in a draw's window: (people away on every working day of it, who then leave the pool;
    {person: the working days he is away} for the others, which the draw treats as fully booked)."""
    if not days or not user_ids:
        return [], {}
    first, last = date.fromisoformat(days[0]), date.fromisoformat(days[-1])
    away: dict[int, set[str]] = {}
    rows = InspectorAbsence.objects.filter(user_id__in=user_ids, withdrawn_at__isnull=True, start__lte=last,
                                           end__gte=first).order_by("id")
    for a in rows:
        d = max(a.start, first)
        while d <= min(a.end, last):
            away.setdefault(a.user_id, set()).add(d.isoformat())
            d += timedelta(days=1)
    wanted = set(days)
    whole = sorted(uid for uid, on in away.items() if wanted <= on)
    partly = {uid: sorted(on & wanted) for uid, on in sorted(away.items()) if uid not in whole and on & wanted}
    return whole, partly

