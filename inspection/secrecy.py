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

from datetime import date, timedelta
from typing import Any

from django.db.models import IntegerField, Q, QuerySet, Value
from django.utils import timezone

from backend.accounts.models import INSPECTION_TEAM, Role, User
from backend.accounts.selectors import user_unit_ids
from backend.org.models import Assignment, Unit
from inspection.models import SurpriseCheck

# The conflict-of-interest look-back the policy sets (years): a person who served in a unit within it
# may not check it, and may not know or act on a secret check of it (see `_secret_checks_known_to`).
POLICY_CONFLICT_YEARS = 3

# Roles that may read started checks (within their unit scope).
CHECK_READERS = frozenset({*INSPECTION_TEAM, Role.ADMIN, Role.REVIEWER, Role.DISCIPLINARY, Role.UNIT_HEAD})


def conflict_unit_ids(*, officer_id: int | None, since: date) -> set[int]:
    """Units the officer served in on or after `since`, plus what they merged into (successors)."""
    if officer_id is None:
        return set()
    # one query: the units served (no successor column) and every unit that merged into another (the
    # chains); a UNION of two plain reads (every request of an inspector reads this: an Exists per unit
    # cost more to build and plan than to run, issue 18)
    served_there = (Assignment.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=since), officer_id=officer_id)
                    .order_by().values_list("unit_id", Value(None, output_field=IntegerField())))
    merged = Unit.objects.filter(successor__isnull=False).order_by().values_list("id", "successor_id")
    served: set[int] = set()
    successors: dict[int, int] = {}
    for unit_id, successor_id in served_there.union(merged, all=True):
        if successor_id is None:
            served.add(unit_id)
        else:
            successors[unit_id] = successor_id
    result = set(served)
    for unit_id in served:
        seen = {unit_id}
        nxt = successors.get(unit_id)
        while nxt is not None and nxt not in seen:
            result.add(nxt)
            seen.add(nxt)
            nxt = successors.get(nxt)
    return result


def conflicted_unit_ids(user: User) -> set[int]:
    """Units the user is conflicted with now: served there within the policy look-back (counted from
    today, which reaches at least as far back as from any future check window)."""
    since = timezone.localdate() - timedelta(days=366 * POLICY_CONFLICT_YEARS)
    return conflict_unit_ids(officer_id=getattr(user, "officer_id", None), since=since)


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def started_q(prefix: str = "") -> Q:
    """Checks that were started: known to every reader of checks in scope (aggregates use this)."""
    return Q(**{f"{prefix}started_at__isnull": False})


def _secret_checks_known_to(user: User) -> QuerySet[SurpriseCheck, Any]:
    """Never-started checks this user plans or carries out (ids only, for subqueries)."""
    if not _active(user) or user.role not in INSPECTION_TEAM:
        return SurpriseCheck.objects.none()
    # The planner knows the checks he planned, except those of a unit he is conflicted with: the draw
    # moved him off that check, and he must neither learn its slot nor cancel it (issue 13, F17).
    planned_by = Q(created_by=user)
    conflicted = conflicted_unit_ids(user)
    if conflicted:
        planned_by &= ~Q(unit_id__in=sorted(conflicted))
    return (SurpriseCheck.objects.filter(started_at__isnull=True)
            .filter(Q(lead=user) | planned_by | Q(team=user)).values("pk"))


def checks_visible_to(user: User) -> QuerySet[SurpriseCheck]:
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


def check_link_visible_q(user: User, prefix: str = "surprise_check") -> Q:
    """A filter for rows linked to a check (findings, evidence, events): keep rows with no check, or
    whose check the user may know exists. Unit scope of the row itself is the caller's business."""
    if not _active(user):
        return Q(pk__in=[])
    return public_check_link_q(prefix) | Q(**{f"{prefix}__in": _secret_checks_known_to(user)})


def may_know_check(user: User, check: SurpriseCheck) -> bool:
    """The same rule for one check already in hand."""
    return checks_visible_to(user).filter(pk=check.pk).exists()


def on_check_team(user: User, check: SurpriseCheck) -> bool:
    """The user plans or carries out this check (lead, team member or planner): sees its internal notes."""
    if not _active(user) or user.role not in INSPECTION_TEAM:
        return False
    if user.pk == check.lead_id or check.team.filter(pk=user.pk).exists():
        return True
    return user.pk == check.created_by_id and check.unit_id not in conflicted_unit_ids(user)


# Why a person may not be put on a check's team (by a draw or by hand): the conflict-of-interest rule reads
# the officer the account is linked to, so an account without one is never conflicted and would be put on any
# unit, even the one the person served in (insider review, issue 15, S3); a deactivated account is nobody who
# can carry the check out. (An account waiting for its activation code stays fit once linked: its conflicts are
# known, and a team member whose credentials were reset is not taken off the calendar for it.)
TEAM_UNFIT_REASONS: dict[str, tuple[str, str]] = {
    "not_team_member": ("không thuộc tổ kiểm tra", "not a member of the inspection team"),
    "inactive": ("tài khoản đã bị khóa", "the account is deactivated"),
    "no_officer": ("tài khoản chưa liên kết với cán bộ nên không xét được xung đột lợi ích",
                   "the account is not linked to an officer, so its conflicts of interest cannot be checked"),
    # a draw's pool: another account of a person already in it (backend.accounts.selectors.same_person, F1)
    "same_person": ("là tài khoản thứ hai của một người đã có trong danh sách (cùng cán bộ, cùng số hiệu hoặc trùng "
                    "họ tên và ngày sinh)", "a second account of a person already in the pool (same officer, service "
                    "number, or name and birth date)"),
}


def team_unfit_reason(user: User) -> str | None:
    """The one rule of who may be put on a check's team: None if he may, else a TEAM_UNFIT_REASONS code."""
    if user.role not in INSPECTION_TEAM:
        return "not_team_member"
    if not user.is_active:
        return "inactive"
    if user.officer_id is None:
        return "no_officer"
    return None
