"""Rankings that say what they know (issue 13, observation 6): a unit with no check in the period has
no score ("chưa có dữ liệu") and no rank, an empty quarter is a gap, and the trend compares with the
ranking the previous period really had. Small factory worlds."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from backend.accounts.models import Role
from inspection.accountability.models import CchcTask
from inspection.accountability.scoring import compute_rankings, quarter, year_period
from inspection.accountability.services_rulesets import scoring_policy_seed_default
from inspection.models import CheckReport, CriteriaSet, SurpriseCheck
from tests.inspection.factories import CheckFactory, UnitFactory, UserFactory


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


def _signed(unit, day: date, percent: float) -> None:
    cs, _ = CriteriaSet.objects.get_or_create(code="T-RANK", year=day.year, version=1, defaults={"name": "Thử"})
    check = CheckFactory.create(unit=unit, state=SurpriseCheck.State.SIGNED, started_at=_at(day, 8),
                         window_start=_at(day, 8), window_end=_at(day, 10), criteria_set=cs)
    CheckReport.objects.create(surprise_check=check, criteria_set=cs, score=percent, max_score=100, percent=percent,
                               signed_at=_at(day, 16), signed_by=check.lead)


def _task(unit, due: date, delivered: date | None) -> None:
    CchcTask.objects.create(unit=unit, year=due.year, title="Số hóa hồ sơ", target="100%", due_date=due,
                            registered_by=UserFactory.create(role=Role.ADMIN), registered_at=_at(due, 9) - timedelta(days=90),
                            delivered_on=delivered)


@pytest.fixture
def policy():
    return scoring_policy_seed_default(by="test")


def _rows(result):
    return {r["unit"]["code"]: r for r in result["rows"]}


@pytest.mark.django_db
def test_a_unit_never_checked_has_no_data_and_no_rank(policy):
    checked = UnitFactory.create(code="A-CHECKED")
    never = UnitFactory.create(code="B-NEVER")
    _signed(checked, date(2026, 3, 10), 80)
    _task(never, date(2026, 6, 30), date(2026, 6, 1))  # delivered on time: 100% of its tasks
    rows = _rows(compute_rankings(level="commune", period=year_period(2026), policy=policy,
                                  today=date(2026, 11, 25)))
    assert rows["A-CHECKED"]["rank"] == 1 and rows["A-CHECKED"]["score"] is not None
    assert rows["B-NEVER"]["score"] is None and rows["B-NEVER"]["rank"] is None
    assert rows["B-NEVER"]["note_vi"].startswith("Chưa có dữ liệu")
    assert rows["B-NEVER"]["components"]["tasks"]["percent"] == 100.0  # the component is still shown


@pytest.mark.django_db
def test_an_empty_quarter_is_a_gap_not_zero(policy):
    unit = UnitFactory.create(code="A-UNIT")
    _signed(unit, date(2026, 2, 10), 85)
    _task(unit, date(2026, 5, 15), None)  # missed, and no check in Q2
    q1 = _rows(compute_rankings(level="commune", period=quarter(2026, 1), policy=policy, today=date(2026, 11, 25)))
    q2 = _rows(compute_rankings(level="commune", period=quarter(2026, 2), policy=policy, today=date(2026, 11, 25)))
    assert q1["A-UNIT"]["score"] == 85.0
    assert q2["A-UNIT"]["score"] is None and q2["A-UNIT"]["rank"] is None


@pytest.mark.django_db
def test_trend_compares_like_with_like_across_a_merger(policy):
    """Issue 13 review, 6: the trend compared ranks of different populations (3 units then, 2 now):
    X-STAYS went from 3rd of 3 to 2nd of 2 and showed "up" although it stayed behind the same commune,
    and the merged commune showed "new" though its predecessors had a year of data."""
    merged_on = date(2026, 1, 1)
    successor = UnitFactory.create(code="S-NEW", valid_from=merged_on)
    first = UnitFactory.create(code="P-FIRST", valid_from=date(2020, 1, 1), valid_to=merged_on - timedelta(days=1),
                        successor=successor)
    second = UnitFactory.create(code="P-SECOND", valid_from=date(2020, 1, 1), valid_to=merged_on - timedelta(days=1),
                         successor=successor)
    stays = UnitFactory.create(code="X-STAYS", valid_from=date(2020, 1, 1))
    # 2025 as it was ranked then: P-FIRST 90 (1st), P-SECOND 80 (2nd), X-STAYS 70 (3rd)
    _signed(first, date(2025, 5, 1), 90)
    _signed(second, date(2025, 5, 2), 80)
    _signed(stays, date(2025, 5, 3), 70)
    # 2026: the merged commune 95, X-STAYS 85
    _signed(successor, date(2026, 5, 1), 95)
    _signed(stays, date(2026, 5, 2), 85)
    result = compute_rankings(level="commune", period=year_period(2026), policy=policy, today=date(2026, 11, 25))
    rows = _rows(result)
    # like with like: in 2025 the same two units (S-NEW through its predecessors, 85) ranked S-NEW 1st,
    # X-STAYS 2nd; both kept their place
    assert rows["X-STAYS"]["rank"] == 2 and rows["X-STAYS"]["previous"]["rank"] == 2
    assert rows["X-STAYS"]["trend"] == "same" and rows["X-STAYS"]["score_change"] == 15.0
    assert rows["S-NEW"]["rank"] == 1 and rows["S-NEW"]["previous"]["rank"] == 1
    assert rows["S-NEW"]["previous"]["score"] == 85.0 and rows["S-NEW"]["trend"] == "same"
    assert rows["S-NEW"]["previous"]["basis"] == "same_units_and_predecessors"
    assert {"P-FIRST", "P-SECOND"}.isdisjoint(rows)  # merged away: not ranked in 2026


@pytest.mark.django_db
def test_trend_of_a_unit_without_history_is_new(policy):
    fresh = UnitFactory.create(code="F-FRESH", valid_from=date(2026, 1, 1))
    old = UnitFactory.create(code="O-OLD", valid_from=date(2020, 1, 1))
    _signed(old, date(2025, 5, 1), 60)
    _signed(old, date(2026, 5, 1), 70)
    _signed(fresh, date(2026, 5, 2), 90)
    rows = _rows(compute_rankings(level="commune", period=year_period(2026), policy=policy, today=date(2026, 11, 25)))
    assert rows["F-FRESH"]["trend"] == "new" and rows["F-FRESH"]["previous"]["rank"] is None
    # passed by a unit that has no previous rank: O-OLD lost no place to a unit it can be compared with
    assert rows["O-OLD"]["rank"] == 2 and rows["O-OLD"]["previous"]["rank"] == 1 and rows["O-OLD"]["trend"] == "same"
    assert rows["O-OLD"]["rank_change"] == 0 and rows["O-OLD"]["comparable"] == 1
    assert rows["F-FRESH"]["rank_change"] is None


@pytest.mark.django_db
def test_the_trend_counts_places_among_units_ranked_in_both_periods_not_points(policy):
    """Issue 13, the lead's month (4): "▲ Tăng hạng +4" showed a points change, and 76th of 77 against
    41st of 41 read as a rise. The move is in places among the units ranked in both periods."""
    units = {code: UnitFactory.create(code=code, valid_from=date(2020, 1, 1)) for code in ("A", "B", "C", "D", "E")}
    for code, points in (("A", 95), ("B", 90), ("C", 80), ("D", 50), ("E", 40)):
        _signed(units[code], date(2025, 5, 1), points)
    # 2026: D is last of the ranked two, as it was behind B in 2025 (4th of 5 then, 2nd of 2 now)
    _signed(units["B"], date(2026, 5, 1), 70)
    _signed(units["D"], date(2026, 5, 2), 30)
    rows = _rows(compute_rankings(level="commune", period=year_period(2026), policy=policy, today=date(2026, 11, 25)))
    assert rows["D"]["rank"] == 2 and rows["D"]["previous"]["rank"] == 4 and rows["D"]["previous"]["ranked"] == 5
    assert rows["D"]["trend"] == "same" and rows["D"]["rank_change"] == 0 and rows["D"]["comparable"] == 2
    assert rows["B"]["trend"] == "same" and rows["B"]["score_change"] == -20.0


@pytest.mark.django_db
def test_the_move_is_in_places_while_the_points_change_stays_points(policy):
    units = {code: UnitFactory.create(code=code, valid_from=date(2020, 1, 1)) for code in ("A", "B", "C", "D")}
    for code, points in (("A", 90), ("B", 80), ("C", 70), ("D", 60)):
        _signed(units[code], date(2025, 5, 1), points)
    for code, points in (("A", 85), ("B", 80), ("C", 70), ("D", 64)):
        _signed(units[code], date(2026, 5, 1), points)
    _signed(units["D"], date(2026, 6, 1), 100)  # D averages 82: from 4th to 2nd
    rows = _rows(compute_rankings(level="commune", period=year_period(2026), policy=policy, today=date(2026, 11, 25)))
    assert rows["D"]["rank"] == 2 and rows["D"]["trend"] == "up" and rows["D"]["rank_change"] == 2
    assert rows["D"]["score_change"] == 22.0
    assert rows["B"]["trend"] == "down" and rows["B"]["rank_change"] == -1


@pytest.mark.django_db
def test_a_period_not_yet_over_is_provisional(policy):
    unit = UnitFactory.create(code="A-UNIT")
    _signed(unit, date(2026, 3, 10), 80)
    now = compute_rankings(level="commune", period=year_period(2026), policy=policy, today=date(2026, 11, 25))
    done = compute_rankings(level="commune", period=year_period(2026), policy=policy, today=date(2027, 1, 5))
    assert now["period"]["provisional"] is True and done["period"]["provisional"] is False
