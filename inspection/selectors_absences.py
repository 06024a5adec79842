"""Reads of the inspection team's absences (who is out of the draw's pool) and its members."""
from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet

from backend.accounts.models import Role, User
from backend.accounts.selectors import require_role
from backend.core.errors import NotFound
from inspection.models import InspectorAbsence
from inspection.selectors_common import TEAM


def absences_list(*, user: User, on_or_after: date | None = None) -> QuerySet[InspectorAbsence]:
    """Who of the inspection team is out of the draw's pool, when and why: for the team and the
    administrators (it names no unit and no check)."""
    require_role(user, *TEAM, Role.ADMIN)
    qs = InspectorAbsence.objects.select_related("user", "created_by", "withdrawn_by")
    if on_or_after is not None:
        qs = qs.filter(end__gte=on_or_after)
    return qs.order_by("-start", "-id")


def absence_details_visible(*, user: User, absence: InspectorAbsence) -> bool:
    """Why someone is away (the kind: illness, leave...; the reason; why it was withdrawn) is personal:
    the inspection lead, who plans the teams, and the person himself read it; others (the other
    inspectors, the administrator who may record it) see only that he is unavailable on those days
    (user review, issue 15)."""
    return bool(user.role == Role.INSPECTION_LEAD or absence.user_id == user.pk)


def team_members(*, user: User) -> list[Any]:
    require_role(user, *TEAM, Role.ADMIN)
    return list(User.objects.filter(role__in=TEAM, is_active=True).order_by("username"))


def absence_get(*, user: User, pk: int) -> InspectorAbsence:
    require_role(user, *TEAM, Role.ADMIN)
    absence = InspectorAbsence.objects.filter(pk=pk).first()
    if absence is None:
        raise NotFound("Không tìm thấy lần vắng mặt.", "Absence not found.")
    return absence

