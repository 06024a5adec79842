"""The draw: selection frequencies follow the risk weights, the coverage floor and the conflict
exclusion always hold, slots fall in opening hours on working days, and a draw is reproducible."""
from __future__ import annotations

import itertools
import json
import math
from datetime import date, datetime, timedelta

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspection.draw import LOCAL_TZ, hours_for_weekday, run_draw, seed_hash

HOURS = {"mon-fri": [["07:30", "11:30"], ["13:30", "17:00"]], "sat": [["07:30", "11:30"]]}
DAYS = [(date(2027, 3, 1) + timedelta(days=i)).isoformat() for i in range(12)
        if (date(2027, 3, 1) + timedelta(days=i)).weekday() < 5]


def make_inputs(scores, *, n, share, forced=(), conflicted=None, pool=(1, 2, 3, 4, 5), lead=1, team_size=3):
    conflicted = conflicted or {}
    candidates = [{"unit_id": i + 1, "score": s, "snapshot_id": 100 + i, "forced": (i + 1) in forced,
                   "counters": [{"id": 10 * (i + 1), "hours": HOURS}],
                   "conflicted": sorted(conflicted.get(i + 1, []))} for i, s in enumerate(scores)]
    params = {"n": n, "proportional_share": share, "team_size": team_size, "check_minutes": 120,
              "days": DAYS, "pool": list(pool), "lead": lead}
    return {"params": params, "candidates": candidates}


def frequencies(inputs, runs):
    counts: dict[int, int] = {}
    for i in range(runs):
        for item in run_draw(f"seed-{i}", inputs):
            counts[item["unit_id"]] = counts.get(item["unit_id"], 0) + 1
    return {u: c / runs for u, c in counts.items()}


def assert_close(observed, expected, runs):
    for unit, p in expected.items():
        sigma = math.sqrt(p * (1 - p) / runs)
        assert abs(observed.get(unit, 0.0) - p) <= 4.5 * sigma + 1e-9, (unit, observed.get(unit), p)


def test_single_risk_pick_is_proportional_to_score():
    scores = [1.0, 2.0, 3.0, 6.0, 8.0]
    runs = 4000
    observed = frequencies(make_inputs(scores, n=1, share=1.0), runs)
    total = sum(scores)
    assert_close(observed, {i + 1: s / total for i, s in enumerate(scores)}, runs)


def exact_inclusion(scores, n_prop, n_unif):
    """Inclusion probabilities of successive weighted sampling then uniform, by enumeration."""
    units = list(range(1, len(scores) + 1))
    weight = dict(zip(units, scores, strict=True))
    incl = dict.fromkeys(units, 0.0)
    for order in itertools.permutations(units, n_prop):
        p, left = 1.0, sum(scores)
        for u in order:
            p *= weight[u] / left
            left -= weight[u]
        rest = [u for u in units if u not in order]
        for u in order:
            incl[u] += p
        for u in rest:
            incl[u] += p * n_unif / len(rest)
    return incl


def test_three_quarters_by_risk_one_quarter_uniform_matches_exact_probabilities():
    scores = [1.0, 1.0, 2.0, 4.0, 8.0, 16.0]
    inputs = make_inputs(scores, n=4, share=0.75)  # 3 by risk, 1 uniform
    runs = 3000
    observed = frequencies(inputs, runs)
    expected = exact_inclusion(scores, 3, 1)
    assert sum(expected.values()) == pytest.approx(4.0)
    assert_close(observed, expected, runs)
    # and the weights matter: the riskiest unit is picked far more often than the safest
    assert observed[6] > 0.9 and observed[1] < 0.6


def test_uniform_share_ignores_scores():
    runs = 3000
    observed = frequencies(make_inputs([1.0, 50.0, 1.0, 1.0], n=1, share=0.0), runs)
    assert_close(observed, {u: 0.25 for u in range(1, 5)}, runs)


candidate_sets = st.integers(min_value=1, max_value=9).flatmap(lambda size: st.tuples(
    st.lists(st.floats(min_value=0.01, max_value=50), min_size=size, max_size=size),
    st.sets(st.integers(min_value=1, max_value=size)),
    st.dictionaries(st.integers(min_value=1, max_value=size), st.sets(st.integers(min_value=2, max_value=6)),
                    max_size=size),
    st.integers(min_value=1, max_value=size + 2),
    st.floats(min_value=0, max_value=1),
    st.text(min_size=1, max_size=20),
))


@settings(max_examples=300, deadline=None)
@given(candidate_sets)
def test_floor_conflicts_slots_always_hold(case):
    scores, forced, conflicted, n, share, seed = case
    inputs = make_inputs(scores, n=n, share=share, forced=forced, conflicted=conflicted, pool=(1, 2, 3, 4, 5, 6))
    result = run_draw(seed, inputs)
    chosen = [r["unit_id"] for r in result]
    assert len(chosen) == len(set(chosen))
    assert forced <= set(chosen)  # the coverage floor always holds
    assert len(chosen) == min(len(scores), max(n, len(forced)))
    for item in result:
        assert item["team"][0] == 1  # the lead
        assert not set(item["team"]) & conflicted.get(item["unit_id"], set())  # never a conflicted inspector
        assert len(item["team"]) <= 3
        start = datetime.fromisoformat(item["slot"]["window_start"])
        end = datetime.fromisoformat(item["slot"]["window_end"])
        assert start.date().isoformat() in DAYS and end > start
        minutes = start.hour * 60 + start.minute
        intervals = hours_for_weekday(HOURS, start.weekday())
        assert any(a <= minutes and end.hour * 60 + end.minute <= b for a, b in intervals)


def test_reproducible_from_seed_and_stored_json():
    inputs = make_inputs([3.0, 1.0, 7.0, 2.0, 5.0], n=3, share=0.75, forced={2}, conflicted={3: {2, 3}})
    first = run_draw("a" * 64, inputs)
    assert run_draw("a" * 64, json.loads(json.dumps(inputs))) == first
    assert any(run_draw(f"other-{i}", inputs) != first for i in range(5))
    assert seed_hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


@pytest.mark.django_db
def test_service_inputs_exclude_holidays_and_conflicts(insp):
    from backend.accounts.services import user_create
    from backend.org import services_officers
    from inspection import services_draw_inputs, services_risk

    # an inspector who served in Thanh Chương town (merged into CAX-TC in July 2025)
    officer = services_officers.officer_create(by="test", service_number="NA-3001", full_name="Lê Văn Khoa", rank="Đại úy")
    services_officers.assignment_create(by="test", officer=officer, unit=insp.units["CAX-TTTC"], position="Cán bộ",
                                        valid_from=date(2023, 1, 1), valid_to=date(2025, 6, 30))
    khoa = user_create(by="test", username="khoa", password="Demo@12345", role="inspector", officer=officer)
    services_risk.risk_compute(by="test")
    start, end = date(2027, 2, 1), date(2027, 2, 28)  # Tết 2027 falls in this window
    snaps = services_draw_inputs._latest_snapshots(insp.users["lead"], services_risk.risk_candidate_units(on=start))
    inputs = services_draw_inputs.draw_inputs(by=insp.users["lead"], n=2, start=start, end=end, snapshots=snaps, floor_months=12,
                                              conflict_years=4)
    three = services_draw_inputs.draw_inputs(by=insp.users["lead"], n=2, start=start, end=end, snapshots=snaps, conflict_years=3)
    vn = holidays.country_holidays("VN", years=2027)
    holiday_days = [d for d in vn if start <= d <= end]
    assert holiday_days, "expected Tết in February 2027"
    assert not {d.isoformat() for d in holiday_days} & set(inputs["params"]["days"])
    assert all(date.fromisoformat(d).weekday() < 5 for d in inputs["params"]["days"])
    by_unit = {c["unit_id"]: c for c in inputs["candidates"]}
    tc, kl = insp.units["CAX-TC"].pk, insp.units["CAX-KL"].pk
    assert khoa.pk in by_unit[tc]["conflicted"]  # through the merger
    # the inspector left Kim Liên at the end of 2023: inside a 4-year window, outside a 3-year one
    assert insp.users["inspector"].pk in by_unit[kl]["conflicted"]
    assert insp.users["inspector"].pk not in {c["unit_id"]: c for c in three["candidates"]}[kl]["conflicted"]
    # floor 12 months: Kim Liên was never checked, Thanh Chương was checked in April 2026
    assert by_unit[kl]["forced"] and not by_unit[tc]["forced"]
    for i in range(300):
        result = run_draw(f"s{i}", inputs)
        assert kl in {r["unit_id"] for r in result}
        for item in result:
            assert not set(item["team"]) & set(by_unit[item["unit_id"]]["conflicted"])
            start_at = datetime.fromisoformat(item["slot"]["window_start"]).astimezone(LOCAL_TZ)
            assert start_at.date() not in vn and start_at.weekday() < 5


@pytest.mark.django_db
def test_counters_without_usable_hours_are_not_candidates(insp):
    from backend.org.models import Counter
    from inspection import services_draw_inputs, services_risk

    Counter.objects.filter(code="Q-CAX-KL").update(opening_hours={"mon-fri": [["07:30", "07:50"]]})
    services_risk.risk_compute(by="test")
    start = date(2027, 3, 1)
    snaps = services_draw_inputs._latest_snapshots(insp.users["lead"], services_risk.risk_candidate_units(on=start))
    inputs = services_draw_inputs.draw_inputs(by=insp.users["lead"], n=3, start=start, end=date(2027, 3, 12), snapshots=snaps)
    excluded = {e["unit_id"]: e["reason"] for e in inputs["params"]["excluded"]}
    assert excluded[insp.units["CAX-KL"].pk] == "no_opening_hours_in_window"
    assert all(item["slot"] for item in run_draw("x", inputs))
