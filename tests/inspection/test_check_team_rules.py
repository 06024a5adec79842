"""A check team: the team lead on a drawn team is the one in charge, and no check is carried out by one person alone.

Where these came from:
A check team (user review, issue 15): the team lead on a drawn team is the one in charge, not an inspector
beside him (draw algorithm 5); and no check is carried out by one person alone (the two-person rule): a
hand-made check of one person, a draw asked for teams of one, and a drawn team of one are refused."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from backend.accounts.models import Role
from backend.core.errors import DomainError
from inspection import services_checks, services_draws
from inspection.draw import plan_draw
from inspection.models import SurpriseCheck
from tests.inspection.draw_helpers import weekday_from
from tests.inspection.factories import CounterFactory, OfficerFactory, UnitFactory, UserFactory

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
HOURS = {"mon-fri": [["07:30", "11:30"], ["13:30", "17:00"]]}
DAYS = [(date(2027, 3, 1) + timedelta(days=i)).isoformat() for i in range(10)
        if (date(2027, 3, 1) + timedelta(days=i)).weekday() < 5]


def _inputs(units: int, *, pool: list[int], leads: list[int], algorithm: int = 5,
            conflicted: dict[int, list[int]] | None = None) -> dict[str, Any]:
    conflicted = conflicted or {}
    candidates = [{"unit_id": u, "score": float(u + 1), "snapshot_id": u, "forced": False,
                   "counters": [{"id": 100 + u, "hours": HOURS}], "conflicted": conflicted.get(u, [])}
                  for u in range(1, units + 1)]
    params = {"n": units, "proportional_share": 0.75, "team_size": 2, "check_minutes": 120, "days": DAYS,
              "pool": pool, "leads": leads, "lead": leads[0], "per_person_per_day": 2, "travel_minutes": 60,
              "algorithm": algorithm}
    return {"params": params, "candidates": candidates}


def test_the_team_lead_on_a_drawn_team_is_the_one_in_charge() -> None:
    # one lead (1) and one inspector (2): every check has both; algorithm 3/4 spread the leading, so the
    # inspector led a check with the team lead beside him (the user's finding)
    inputs = _inputs(4, pool=[1, 2], leads=[1], algorithm=4)
    old = plan_draw("doi-to-15", inputs)["result"]
    assert any(item["team"][0] == 2 and 1 in item["team"] for item in old)
    inputs["params"]["algorithm"] = 5
    result = plan_draw("doi-to-15", inputs)["result"]
    assert len(result) == 4
    assert all(item["team"][0] == 1 and sorted(item["team"]) == [1, 2] for item in result)


def test_an_inspector_leads_a_drawn_check_only_when_no_team_lead_is_on_it() -> None:
    result = plan_draw("doi-to-15b", _inputs(6, pool=[1, 2, 3, 4], leads=[1]))["result"]
    for item in result:
        if 1 in item["team"]:
            assert item["team"][0] == 1
    assert any(1 not in item["team"] for item in result)  # the lead is not put on every check


def test_a_draw_gives_no_unit_a_team_of_one() -> None:
    # everyone but the inspector 3 served in unit 1: it is not drawn at all (no team of one, and it takes no
    # place of n), and is said unfit with its reason
    planned = plan_draw("mot-nguoi", _inputs(2, pool=[1, 2, 3], leads=[1], conflicted={1: [1, 2]}))
    assert [item["unit_id"] for item in planned["result"]] == [2]
    assert planned["unfit"] == [{"unit_id": 1, "free": 1, "reason": "team_of_one"}]
    assert planned["shortfall"] == []
    assert "không đủ tổ hai người" in services_draws.SHORTFALL_REASONS["team_of_one"][0]
    assert all(len(item["team"]) >= 2 for item in planned["result"])


@pytest.mark.django_db
def test_a_check_of_one_person_is_refused_with_the_two_person_rule() -> None:
    unit: Any = UnitFactory()
    CounterFactory(unit=unit)
    lead: Any = UserFactory(role=Role.INSPECTION_LEAD, officer=OfficerFactory())
    day = weekday_from(timezone.localdate() + timedelta(days=5))
    start = datetime.combine(day, time(8), tzinfo=LOCAL)
    for team in ([], [lead]):
        with pytest.raises(DomainError) as refused:
            services_checks.check_create(by=lead, mode="dot_xuat", unit=unit, window_start=start,
                                         window_end=start + timedelta(hours=2), team=team)
        assert refused.value.code == "team_too_small"
        assert "ít nhất 2 người" in str(refused.value.message)
        assert "không do một người thực hiện một mình" in str(refused.value.message)
    assert not SurpriseCheck.objects.exists()
    other: Any = UserFactory(role=Role.INSPECTOR, officer=OfficerFactory())
    check = services_checks.check_create(by=lead, mode="dot_xuat", unit=unit, window_start=start,
                                         window_end=start + timedelta(hours=2), team=[other])
    assert set(check.team.values_list("pk", flat=True)) == {lead.pk, other.pk}


@pytest.mark.django_db
def test_a_draw_asked_for_teams_of_one_is_refused() -> None:
    unit = UnitFactory()
    CounterFactory(unit=unit)
    lead: Any = UserFactory(role=Role.INSPECTION_LEAD, officer=OfficerFactory())
    UserFactory(role=Role.INSPECTOR, officer=OfficerFactory())
    start = weekday_from(timezone.localdate() + timedelta(days=5))
    with pytest.raises(DomainError) as refused:
        services_draws.draw_create(by=lead, n=1, start=start, end=start + timedelta(days=10), team_size=1,
                                   reason="Thử quy mô tổ một người")
    assert refused.value.code == "team_too_small"
    assert "Tổ kiểm tra phải có từ 2 đến 10 người" in str(refused.value.message)


@pytest.mark.django_db
def test_a_conflicted_member_is_named_as_a_person_not_by_login() -> None:
    """Insider re-check of stop 26: "inspector từng công tác tại đơn vị…" named the member by his login."""
    from tests.inspection.factories import AssignmentFactory

    unit: Any = UnitFactory()
    CounterFactory(unit=unit)
    lead: Any = UserFactory(role=Role.INSPECTION_LEAD, officer=OfficerFactory())
    served: Any = UserFactory(role=Role.INSPECTOR, username="canbo7", officer=OfficerFactory(rank="Đại úy"))
    AssignmentFactory(officer=served.officer, unit=unit, valid_from=timezone.localdate() - timedelta(days=400))
    day = weekday_from(timezone.localdate() + timedelta(days=5))
    start = datetime.combine(day, time(8), tzinfo=LOCAL)
    with pytest.raises(DomainError) as refused:
        services_checks.check_create(by=lead, mode="dot_xuat", unit=unit, window_start=start,
                                     window_end=start + timedelta(hours=2), team=[served])
    message = str(refused.value.message)
    assert message.startswith(f"Đồng chí Đại úy {served.officer.full_name} từng công tác tại đơn vị"), message
    assert "canbo7" not in message
    assert not SurpriseCheck.objects.exists()
