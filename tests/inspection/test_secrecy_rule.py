"""The secrecy rule itself (inspection.secrecy), on a small factory-built world: who may know that a
check exists, for every kind of reader and every state of a check. The API-level tests of the same
promise are in test_secrecy.py and test_secrecy_team.py; this file is fast enough to run per mutant."""
from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from backend.accounts.models import Role
from inspection import secrecy
from inspection.models import Finding, SurpriseCheck
from tests.inspection.factories import CheckFactory, FindingFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, Any]:
    home, away = UnitFactory(), UnitFactory()
    lead = UserFactory(role=Role.INSPECTION_LEAD)
    member = UserFactory(role=Role.INSPECTOR)
    planner = UserFactory(role=Role.INSPECTION_LEAD)
    planned = CheckFactory(unit=home, lead=lead, created_by=planner, team=[member])
    started = CheckFactory(unit=home, lead=lead, team=[member], state=SurpriseCheck.State.IN_PROGRESS,
                           started_at=timezone.now())
    started_away = CheckFactory(unit=away, lead=lead, state=SurpriseCheck.State.SIGNED, started_at=timezone.now())
    cancelled_unstarted = CheckFactory(unit=home, lead=lead, team=[member], state=SurpriseCheck.State.CANCELLED)
    users = {
        "lead": lead, "member": member, "planner": planner,
        "other_inspector": UserFactory(role=Role.INSPECTOR),
        "other_lead": UserFactory(role=Role.INSPECTION_LEAD),
        "admin": UserFactory(role=Role.ADMIN),
        "reviewer": UserFactory(role=Role.REVIEWER),
        "discipline": UserFactory(role=Role.DISCIPLINARY),
        "head": UserFactory(role=Role.UNIT_HEAD, scope_unit=home),
        "service": UserFactory(role=Role.SERVICE),
        "inactive_member": UserFactory(role=Role.INSPECTOR, is_active=False),
    }
    planned.team.add(users["inactive_member"])
    findings = {
        "planned": FindingFactory(unit=home, surprise_check=planned),
        "started": FindingFactory(unit=home, surprise_check=started),
        "none": FindingFactory(unit=home, source=Finding.Source.FOOTAGE),
    }
    return {"users": users, "checks": {"planned": planned, "started": started, "started_away": started_away,
                                       "cancelled_unstarted": cancelled_unstarted}, "findings": findings}


# who knows which check exists (True = visible)
EXPECTED = {
    #                  planned, started, started_away, cancelled_unstarted
    "lead":            (True, True, True, True),
    "member":          (True, True, True, True),
    "planner":         (True, True, True, False),
    "other_inspector": (False, True, True, False),
    "other_lead":      (False, True, True, False),
    "admin":           (False, True, True, False),
    "reviewer":        (False, True, True, False),
    "discipline":      (False, True, True, False),
    "head":            (False, True, False, False),
    "service":         (False, False, False, False),
    "inactive_member": (False, False, False, False),
}
CHECK_ORDER = ("planned", "started", "started_away", "cancelled_unstarted")


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_who_knows_which_check_exists(world, who):
    user = world["users"][who]
    visible = set(secrecy.checks_visible_to(user).values_list("pk", flat=True))
    for name, expected in zip(CHECK_ORDER, EXPECTED[who], strict=True):
        check = world["checks"][name]
        assert (check.pk in visible) is expected, (who, name)
        assert secrecy.may_know_check(user, check) is expected, (who, name)
    assert secrecy.checks_visible_to(user).count() == len(visible)  # no duplicate rows from the team join


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_rows_linked_to_a_check_follow_the_same_rule(world, who):
    user = world["users"][who]
    kept = set(Finding.objects.filter(secrecy.check_link_visible_q(user)).values_list("pk", flat=True))
    f = world["findings"]
    knows_planned = EXPECTED[who][0]
    assert (f["planned"].pk in kept) is knows_planned, who
    active = who not in ("inactive_member",)
    assert (f["started"].pk in kept) is active, who
    assert (f["none"].pk in kept) is active, who
    assert Finding.objects.filter(secrecy.check_link_visible_q(user)).count() == len(kept)


def test_the_anonymous_user_knows_nothing(world):
    anon = AnonymousUser()
    assert secrecy.checks_visible_to(anon).count() == 0
    assert Finding.objects.filter(secrecy.check_link_visible_q(anon)).count() == 0
    assert secrecy.on_check_team(anon, world["checks"]["planned"]) is False


def test_public_rows_are_those_with_no_check_or_a_started_one(world):
    kept = set(Finding.objects.filter(secrecy.public_check_link_q()).values_list("pk", flat=True))
    f = world["findings"]
    assert kept == {f["started"].pk, f["none"].pk}
    started = set(SurpriseCheck.objects.filter(secrecy.started_q()).values_list("pk", flat=True))
    assert started == {world["checks"]["started"].pk, world["checks"]["started_away"].pk}


@pytest.mark.parametrize("who,expected", [("lead", True), ("member", True), ("planner", True),
                                          ("other_inspector", False), ("other_lead", False), ("admin", False),
                                          ("inactive_member", False), ("head", False)])
def test_who_is_on_the_check_team(world, who, expected):
    assert secrecy.on_check_team(world["users"][who], world["checks"]["planned"]) is expected


def test_a_started_check_is_known_once_started_even_to_a_team_outsider(world):
    check = world["checks"]["planned"]
    outsider = world["users"]["other_inspector"]
    assert not secrecy.may_know_check(outsider, check)
    SurpriseCheck.objects.filter(pk=check.pk).update(started_at=timezone.now(), state="in_progress")
    assert secrecy.may_know_check(outsider, check)


@pytest.mark.parametrize("new_role", [Role.REVIEWER, Role.ADMIN, Role.DISCIPLINARY])
def test_a_team_member_who_changes_role_stops_knowing_the_plan(world, new_role):
    """Still listed on the planned team, but no longer in the inspection team: the plan is gone for him."""
    member = world["users"]["member"]
    member.role = new_role
    member.save(update_fields=["role"])
    planned = world["checks"]["planned"]
    assert not secrecy.may_know_check(member, planned)
    assert not Finding.objects.filter(secrecy.check_link_visible_q(member), pk=world["findings"]["planned"].pk).exists()
    assert not secrecy.on_check_team(member, planned)
    assert secrecy.may_know_check(member, world["checks"]["started"])
