"""Who may know that a surprise check exists: the one owner of the secrecy rule.

A check that was never started (planned, or cancelled while still planned) is a secret. It exists
only for the people planning or carrying it out: its team lead, the members of its team and the
lead who planned it. Holding an inspection role is not enough: an inspector the draw kept off the
team (a conflict of interest with the unit) must not learn of it. Once the lead starts it on site
it exists for every reader of checks within their unit scope.

Everything else calls these functions: the check list and detail, reports, findings, evidence and
documents linked to a check, counts, exports, the audit view and the accountability engine.
"""
from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from backend.accounts.models import INSPECTION_TEAM, Role
from backend.accounts.selectors import user_unit_ids
from inspection.models import SurpriseCheck

# Roles that may read started checks (within their unit scope).
CHECK_READERS = frozenset({*INSPECTION_TEAM, Role.ADMIN, Role.REVIEWER, Role.DISCIPLINARY, Role.UNIT_HEAD})


def _active(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active)


def started_q(prefix: str = "") -> Q:
    """Checks that were started: known to every reader of checks in scope (aggregates use this)."""
    return Q(**{f"{prefix}started_at__isnull": False})


def _secret_checks_known_to(user: Any) -> QuerySet[SurpriseCheck]:
    """Never-started checks this user plans or carries out (ids only, for subqueries)."""
    if not _active(user) or user.role not in INSPECTION_TEAM:
        return SurpriseCheck.objects.none()
    return (SurpriseCheck.objects.filter(started_at__isnull=True)
            .filter(Q(lead=user) | Q(created_by=user) | Q(team=user)).values("pk"))


def checks_visible_to(user: Any) -> QuerySet[SurpriseCheck]:
    """Every check the user may know exists (unit scope applied to started checks)."""
    if not _active(user) or user.role not in CHECK_READERS:
        return SurpriseCheck.objects.none()
    started = SurpriseCheck.objects.filter(started_q())
    ids = user_unit_ids(user)
    if ids is not None:
        started = started.filter(unit_id__in=list(ids))
    if user.role not in INSPECTION_TEAM:
        return started
    return SurpriseCheck.objects.filter(Q(pk__in=started.values("pk")) | Q(pk__in=_secret_checks_known_to(user)))


def public_check_link_q(prefix: str = "surprise_check") -> Q:
    """Rows with no check or a started one: what aggregates shown to every reader may count."""
    return Q(**{f"{prefix}__isnull": True}) | started_q(f"{prefix}__")


def check_link_visible_q(user: Any, prefix: str = "surprise_check") -> Q:
    """A filter for rows linked to a check (findings, evidence, events): keep rows with no check, or
    whose check the user may know exists. Unit scope of the row itself is the caller's business."""
    if not _active(user):
        return Q(pk__in=[])
    return public_check_link_q(prefix) | Q(**{f"{prefix}__in": _secret_checks_known_to(user)})


def may_know_check(user: Any, check: SurpriseCheck) -> bool:
    """The same rule for one check already in hand."""
    return checks_visible_to(user).filter(pk=check.pk).exists()


def on_check_team(user: Any, check: SurpriseCheck) -> bool:
    """The user plans or carries out this check (lead, team member or planner): sees its internal notes."""
    if not _active(user) or user.role not in INSPECTION_TEAM:
        return False
    return user.pk in (check.lead_id, check.created_by_id) or check.team.filter(pk=user.pk).exists()
