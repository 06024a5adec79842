"""The draw schedules people, not only units (issue 13, lead's walk of the full province): checks are
led across the whole team, nobody is on two checks at once, a day has a capacity, a window that
cannot hold n checks says so instead of double-booking, a team smaller than asked says so, and the
whole draw can be cancelled as one action with a reason that is published. Small factory worlds."""
from __future__ import annotations

from collections import Counter as Tally
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from backend.accounts.models import Role
from inspection import services_criteria, services_draw_inputs, services_draws
from inspection.draw import plan_draw
from inspection.models import Draw, SurpriseCheck
from tests.inspection.factories import CounterFactory, UnitFactory, UserFactory

HOURS = {"mon-fri": [["07:30", "11:30"], ["13:30", "17:00"]]}
DAYS = [(date(2027, 3, 1) + timedelta(days=i)).isoformat() for i in range(14)
        if (date(2027, 3, 1) + timedelta(days=i)).weekday() < 5]


def _inputs(units: int, *, n: int, pool=(1, 2, 3, 4), team_size=2, days=DAYS, per_day=2, travel=60,
            conflicted=None):
    conflicted = conflicted or {}
    candidates = [{"unit_id": u, "score": float(u % 7 + 1), "snapshot_id": u, "forced": False,
                   "counters": [{"id": 100 + u, "hours": HOURS}], "conflicted": sorted(conflicted.get(u, []))}
                  for u in range(1, units + 1)]
    params = {"n": n, "proportional_share": 0.75, "team_size": team_size, "check_minutes": 120, "days": list(days),
              "pool": list(pool), "lead": pool[0], "per_person_per_day": per_day, "travel_minutes": travel,
              "algorithm": 3}
    return {"params": params, "candidates": candidates}


def _overlapping_pairs(result, travel=0):
    by_person: dict[int, list[tuple[datetime, datetime]]] = {}
    for item in result:
        start = datetime.fromisoformat(item["slot"]["window_start"])
        end = datetime.fromisoformat(item["slot"]["window_end"])
        for person in item["team"]:
            by_person.setdefault(person, []).append((start, end))
    pairs = 0
    gap = timedelta(minutes=travel)
    for spans in by_person.values():
        spans.sort()
        for i, (_start, b) in enumerate(spans):
            pairs += sum(1 for c, _ in spans[i + 1:] if c < b + gap)
    return pairs


def test_leads_are_spread_and_nobody_is_double_booked():
    result = plan_draw("province-walk", _inputs(30, n=20))["result"]
    assert len(result) == 20
    assert _overlapping_pairs(result, travel=60) == 0
    leads = Tally(item["team"][0] for item in result)
    assert set(leads) == {1, 2, 3, 4}  # the drawing lead (1) does not lead every check
    assert max(leads.values()) - min(leads.values()) <= 1
    per_day = Tally((p, item["slot"]["window_start"][:10]) for item in result for p in item["team"])
    assert max(per_day.values()) <= 2


def test_a_window_that_cannot_hold_n_says_so_instead_of_double_booking():
    # two people, teams of two, one check a day each, three working days: three checks fit, not five
    planned = plan_draw("tight", _inputs(8, n=5, pool=(1, 2), days=DAYS[:3], per_day=1))
    assert len(planned["result"]) == 3 and _overlapping_pairs(planned["result"]) == 0
    assert [s["reason"] for s in planned["shortfall"]] == ["no_free_team_in_window"] * 2


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 25), st.integers(1, 25), st.integers(1, 5), st.integers(1, 3), st.integers(1, 3),
       st.integers(0, 120), st.text(min_size=1, max_size=10))
def test_no_overlap_and_every_unit_is_placed_or_accounted_for(units, n, pool_size, team_size, per_day, travel, seed):
    pool = tuple(range(1, pool_size + 1))
    inputs = _inputs(units, n=n, pool=pool, team_size=team_size, days=DAYS[:4], per_day=per_day, travel=travel,
                     conflicted={u: {1 + u % pool_size} for u in range(1, units + 1, 3)})
    planned = plan_draw(seed, inputs)
    result = planned["result"]
    assert _overlapping_pairs(result, travel=travel) == 0
    assert len(result) + len(planned["shortfall"]) == min(n, units)
    per_day_count = Tally((p, item["slot"]["window_start"][:10]) for item in result for p in item["team"])
    assert not per_day_count or max(per_day_count.values()) <= per_day
    for item in result:
        conflicted = set(next(c for c in inputs["candidates"] if c["unit_id"] == item["unit_id"])["conflicted"])
        assert not set(item["team"]) & conflicted
        assert len(item["team"]) == len(set(item["team"])) == min(team_size, pool_size - len(conflicted))


@pytest.fixture
def world():
    lead = UserFactory(role=Role.INSPECTION_LEAD)
    inspectors = [UserFactory(role=Role.INSPECTOR) for _ in range(3)]
    units = []
    for _ in range(12):
        unit = UnitFactory()
        CounterFactory(unit=unit)
        units.append(unit)
    services_criteria.criteria_set_seed_default(by="test", year=timezone.localdate().year)
    return lead, inspectors, units


def _window(days: int = 20) -> tuple[date, date]:
    start = timezone.localdate() + timedelta(days=3)
    return start, start + timedelta(days=days)


def _client(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_api_draw_spreads_leads_and_an_inspector_leads_and_starts_his_check(world):
    lead, inspectors, _ = world
    start, end = _window()
    response = _client(lead).post("/api/inspection/draws/", {"n": 8, "start": start.isoformat(),
                                                             "end": end.isoformat()}, format="json")
    assert response.status_code == 201, response.content
    draw = Draw.objects.get(pk=response.json()["id"])
    checks = list(draw.checks.prefetch_related("team"))
    assert len(checks) == 8
    assert len({c.lead_id for c in checks}) >= 3
    spans = [(p.pk, c.window_start, c.window_end) for c in checks for p in c.team.all()]
    for person, a, b in spans:
        assert not [1 for q, c, d in spans if q == person and (c, d) != (a, b) and c < b and a < d]
    led_by_inspector = next(c for c in checks if c.lead_id in {i.pk for i in inspectors})
    started = _client(led_by_inspector.lead).post(f"/api/inspection/checks/{led_by_inspector.uid}/start/")
    assert started.status_code == 200, started.content
    assert SurpriseCheck.objects.get(pk=led_by_inspector.pk).state == SurpriseCheck.State.IN_PROGRESS


@pytest.mark.django_db
def test_api_draw_reports_shortfall_and_a_short_team(world):
    lead, inspectors, _ = world
    start = timezone.localdate() + timedelta(days=3)
    while start.weekday() >= 5 or services_draw_inputs.working_days(start, start) == []:
        start += timedelta(days=1)
    response = _client(lead).post("/api/inspection/draws/", {
        "n": 10, "start": start.isoformat(), "end": start.isoformat(), "team_size": 6,
        "per_person_per_day": 1}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    warnings = {w["code"]: w for w in body["warnings"]}
    # four people, each once a day, teams of all four: one check fits on one day
    assert len(body["result"]) == 1
    assert warnings["schedule_shortfall"]["missing"] == 9 and "1/10" in warnings["schedule_shortfall"]["vi"]
    assert warnings["team_larger_than_pool"]["pool"] == 4
    assert warnings["team_short"]["checks"][0]["free"] == 4


@pytest.mark.django_db
def test_cancel_the_whole_draw_needs_a_reason_and_is_published(world):
    lead, inspectors, units = world
    start, end = _window()
    draw = services_draws.draw_create(by=lead, n=4, start=start, end=end)
    client = _client(lead)
    refused = client.post(f"/api/inspection/draws/{draw.pk}/cancel/", {"reason": "  "}, format="json")
    assert refused.status_code == 400, refused.content
    assert not draw.checks.filter(state=SurpriseCheck.State.CANCELLED).exists()
    # another lead may not cancel a draw he did not make
    other = _client(UserFactory(role=Role.INSPECTION_LEAD))
    assert other.post(f"/api/inspection/draws/{draw.pk}/cancel/", {"reason": "x"}, format="json").status_code in (403, 404)
    done = client.post(f"/api/inspection/draws/{draw.pk}/cancel/", {"reason": "Bão số 3, hoãn cả đợt"}, format="json")
    assert done.status_code == 200, done.content
    assert done.json()["state"] == "closed" and done.json()["seed"]
    assert set(draw.checks.values_list("state", flat=True)) == {SurpriseCheck.State.CANCELLED}
    again = client.post(f"/api/inspection/draws/{draw.pk}/cancel/", {"reason": "lần hai"}, format="json")
    assert again.status_code == 409
    for role in (Role.DISCIPLINARY, Role.ADMIN):
        rows = {r["id"]: r for r in _client(UserFactory(role=role)).get("/api/inspection/draws/commitments/").json()}
        flags = {f["code"]: f for f in rows[draw.pk]["flags"]}
        assert flags["draw_cancelled"]["reason"] == "Bão số 3, hoãn cả đợt" and flags["draw_cancelled"]["cancelled"] == 4
        assert "all_checks_cancelled" in flags and rows[draw.pk]["close_reason"] == "Bão số 3, hoãn cả đợt"
    # a redraw over the window needs a reason and is flagged as after a voided draw
    redraw = client.post("/api/inspection/draws/", {"n": 4, "start": start.isoformat(), "end": end.isoformat(),
                                                    "reason": "Bốc lại sau bão"}, format="json")
    assert redraw.status_code == 201, redraw.content
    assert {f["code"] for f in redraw.json()["flags"]} == {"overlapping_window", "after_voided_draw"}


@pytest.mark.django_db
def test_api_closing_a_draw_whose_checks_were_all_cancelled_needs_a_reason(world):
    lead, inspectors, _ = world
    start, end = _window()
    draw = services_draws.draw_create(by=lead, n=2, start=start, end=end)
    client = _client(lead)
    for check in draw.checks.all():
        assert client.post(f"/api/inspection/checks/{check.uid}/cancel/", {"reason": "Trùng lịch"},
                           format="json").status_code == 200
    refused = client.post(f"/api/inspection/draws/{draw.pk}/close/", {}, format="json")
    assert refused.status_code == 400, refused.content
    assert Draw.objects.get(pk=draw.pk).state == Draw.State.OPEN
    closed = client.post(f"/api/inspection/draws/{draw.pk}/close/", {"reason": "Trùng đợt diễn tập"}, format="json")
    assert closed.status_code == 200
    row = {r["id"]: r for r in _client(UserFactory(role=Role.DISCIPLINARY)).get(
        "/api/inspection/draws/commitments/").json()}[draw.pk]
    assert row["close_reason"] == "Trùng đợt diễn tập"
    assert {"code": "all_checks_cancelled", "reason": "Trùng đợt diễn tập"} in row["flags"]


def test_on_a_tie_the_drawing_lead_leads_unless_conflicted():
    for seed in ("a", "b", "c", "d"):
        [item] = plan_draw(seed, _inputs(1, n=1, pool=(7, 3, 5)))["result"]
        assert item["team"][0] == 7  # params["lead"] is pool[0]
        [other] = plan_draw(seed, _inputs(1, n=1, pool=(7, 3, 5), conflicted={1: {7}}))["result"]
        assert other["team"][0] != 7 and 7 not in other["team"]
