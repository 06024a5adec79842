"""Draw benchmark: 24 monthly draws on the full province (inspection/province.py).

    .venv/bin/python bench/draw.py [--n 40] [--floor-months 6] [--months 24] [--seed 13]

Builds a throwaway SQLite database, migrates it and seeds the province of the real size (460
communes merged into 130 on 1 July 2025, a year of ratings, complaints, checks and findings). Risk
is computed once by the project's risk model; then 24 monthly draws are run with the project's own
inputs rules (coverage floor through `floor_due`, merged predecessors' check history) and its draw
algorithm (`inspection.draw.plan_draw`, the version new draws use: `DRAW_ALGORITHM`; from version 4
the floor takes at most its part of n and risk picks weigh score ** risk_exponent). Between draws time passes: each drawn unit
counts as checked on its slot day, and the months-since-check part of every unit's risk is
recomputed with the configured weight; the other features stay as computed.

Prints, per run: checks per draw against n (max, mean), the pick rate of the high-risk quarter of
units against the others (target >= 1.5x) where "high risk" is the total risk score the risk and draw
pages show: at each draw the quarter of units with the highest total score that draw (the target),
and the quarter with the highest score when the simulation starts; the quarter by evidence of
trouble alone (the score without months since check) is printed for comparison only; and the longest gap any unit went unchecked during the
simulated months (target <= the floor), overlapping pairs of checks sharing a person (target 0),
checks per person and checks led per person, and any shortfall (units the window could not hold),
each as one line. Units already past the floor when the
simulation starts (the seeded history's backlog) have their gap counted from the first draw, and
the draw by which the backlog is cleared is printed.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET_RATIO = 1.5


def _month_start(d: date, months: int) -> date:
    index = d.year * 12 + d.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


# Long on purpose: one simulated run, month by month, with the running state (last checks, forced counts) its measures read.
def simulate(*, n: int, floor_months: int, months: int, seed: int, risk_exponent: float | None = None) -> dict[str, Any]:
    from django.utils import timezone

    from backend.accounts.models import Role, User
    from backend.core.actors import SystemActor
    from backend.org.models import Counter
    from inspection import draw as drawing
    from inspection import risk
    from inspection.services_draw_inputs import DRAW_ALGORITHM, floor_due, working_days
    from inspection.services_draw_inputs import _add_months as floor_date
    from inspection.services_risk import risk_candidate_units, risk_compute, risk_config

    today = timezone.localdate()
    first = _month_start(today, 1)
    units = risk_candidate_units(on=first)
    snaps = {s.unit_id: s for s in risk_compute(by=SystemActor("bench_draw"), units=units)}
    weights, params = risk_config()
    cap = float(params["months_since_check_cap"])
    static = {u.pk: snaps[u.pk].score - snaps[u.pk].contributions.get("months_since_check", 0.0) for u in units}
    ranked = sorted(units, key=lambda u: -snaps[u.pk].score)
    high = {u.pk for u in ranked[: max(1, len(ranked) // 4)]}
    # the quarter with the most evidence of trouble (complaints, ratings per transaction, findings,
    # footage): the risk without the months-since-check part, which every check resets
    by_evidence = sorted(units, key=lambda u: -static[u.pk])
    evident = {u.pk for u in by_evidence[: max(1, len(by_evidence) // 4)]}
    lineage = risk.predecessors([u.pk for u in units])
    checked = {uid: timezone.localdate(at) for uid, at in risk.last_checked([u.pk for u in units], lineage).items()}
    since = risk.lineage_start(units, lineage)
    last = {u.pk: checked.get(u.pk, since[u.pk]) for u in units}
    counters = {c.unit_id: {"id": c.pk, "hours": c.opening_hours} for c in Counter.objects.filter(unit__in=units)}
    team = list(User.objects.filter(role__in=[Role.INSPECTION_LEAD, Role.INSPECTOR]).order_by("id"))
    lead = next(u.pk for u in team if u.role == Role.INSPECTION_LEAD)

    floor_days = (floor_months * 365) // 12
    # units already past the floor when the simulation starts (the seed's backlog): their clock starts
    # with the simulation; everyone else's runs from their real last check
    backlog = {uid for uid, d in last.items() if (first - d).days > floor_days}
    clock = {uid: (first if uid in backlog else d) for uid, d in last.items()}
    backlog_cleared: int | None = None if backlog else 0
    backlog_size = len(backlog)
    picks = dict.fromkeys(last, 0)
    led: dict[int, int] = {}
    per_person: dict[int, int] = {}
    per_day: dict[tuple[int, str], int] = {}
    overlaps = shortfall = 0
    sizes: list[int] = []
    forced_counts: list[int] = []
    seen_top, seen_rest = [0, 0], [0, 0]  # [picks, unit-draws]
    splits: list[dict[str, int]] = []
    longest = steady = breaches = steady_breaches = 0
    steady_from: date | None = first if not backlog else None
    for m in range(months):
        start = _month_start(first, m)
        end = _month_start(first, m + 1) - timedelta(days=1)
        candidates = []
        for u in units:
            months_since = min(max((start - last[u.pk]).days, 0) / 30.0, cap)
            score = round(static[u.pk] + weights.get("months_since_check", 0.0) * months_since, 6)
            candidates.append({"unit_id": u.pk, "score": score, "snapshot_id": snaps[u.pk].pk,
                               "forced": floor_due(last[u.pk], floor_months=floor_months, end=end),
                               "last_checked": last[u.pk].isoformat(), "counters": [counters[u.pk]],
                               "due": floor_date(last[u.pk], floor_months).isoformat(), "conflicted": []})
        inputs = {"params": {"n": n, "proportional_share": 0.75, "team_size": 2, "check_minutes": 120,
                             "days": working_days(start, end), "pool": [u.pk for u in team], "leads": [lead],
                             "lead": lead, "per_person_per_day": 2, "travel_minutes": 60,
                             "algorithm": DRAW_ALGORITHM, "floor_share": drawing.DEFAULT_FLOOR_SHARE,
                             "risk_exponent": (drawing.DEFAULT_RISK_EXPONENT if risk_exponent is None
                                               else risk_exponent)},
                  "candidates": candidates}
        planned = drawing.plan_draw(f"bench-{seed}-{m}", inputs)
        result = planned["result"]
        # the risk the lead sees at this draw: the top quarter of the total scores on the page
        by_score = sorted(candidates, key=lambda c: (-c["score"], c["unit_id"]))
        top = {c["unit_id"] for c in by_score[: max(1, len(by_score) // 4)]}
        chosen_ids = {item["unit_id"] for item in result}
        seen_top[0] += len(top & chosen_ids)
        seen_top[1] += len(top)
        seen_rest[0] += len(chosen_ids - top)
        seen_rest[1] += len(candidates) - len(top)
        splits.append({k: sum(1 for item in result if item["reason"] == k) for k in ("floor", "risk", "uniform")})
        shortfall += len(planned["shortfall"])
        overlaps += overlapping_pairs(result)
        for item in result:
            led[item["team"][0]] = led.get(item["team"][0], 0) + 1
            for person in item["team"]:
                per_person[person] = per_person.get(person, 0) + 1
                per_day[(person, item["slot"]["window_start"][:10])] = per_day.get(
                    (person, item["slot"]["window_start"][:10]), 0) + 1
        sizes.append(len(result))
        forced_counts.append(sum(1 for c in candidates if c["forced"]))
        for item in result:
            uid = item["unit_id"]
            day = datetime.fromisoformat(item["slot"]["window_start"]).date()
            longest = max(longest, (day - clock[uid]).days)
            late = day > floor_date(clock[uid], floor_months)
            breaches += late
            steady_breaches += late and steady_from is not None and clock[uid] >= steady_from
            if steady_from is not None and clock[uid] >= steady_from:
                steady = max(steady, (day - clock[uid]).days)
            last[uid] = clock[uid] = day
            picks[uid] += 1
            backlog.discard(uid)
        if not backlog and backlog_cleared is None:
            backlog_cleared = m + 1
            steady_from = _month_start(first, m + 1)
    horizon = _month_start(first, months) - timedelta(days=1)
    longest = max(longest, max((horizon - d).days for d in clock.values()))
    steady = max(steady, max((horizon - d).days for d in clock.values()))
    open_late = sum(1 for d in clock.values() if horizon > floor_date(d, floor_months))
    breaches += open_late
    steady_breaches += open_late
    rate_evident = sum(picks[u] for u in evident) / (months * len(evident))
    rest = [u for u in picks if u not in evident]
    rate_rest = sum(picks[u] for u in rest) / (months * len(rest))
    rate_high = sum(picks[u] for u in high) / (months * len(high))
    others = [u for u in picks if u not in high]
    rate_other = sum(picks[u] for u in others) / (months * len(others))
    rate_seen = seen_top[0] / seen_top[1] if seen_top[1] else 0.0
    rate_unseen = seen_rest[0] / seen_rest[1] if seen_rest[1] else 0.0
    return {"units": len(units), "high": len(high), "rate_seen": rate_seen, "rate_unseen": rate_unseen,
            "splits": splits, "max_size": max(sizes), "mean_size": sum(sizes) / len(sizes),
            "rate_high": rate_high, "rate_other": rate_other, "rate_evident": rate_evident, "rate_rest": rate_rest, "longest_gap_days": longest,
            "floor_days": floor_days, "backlog": backlog_size, "backlog_cleared": backlog_cleared,
            "steady_gap_days": steady, "forced": forced_counts,
            "breaches": breaches, "steady_breaches": steady_breaches, "overlaps": overlaps, "shortfall": shortfall,
            "per_person": {u.username: per_person.get(u.pk, 0) for u in team},
            "led": {u.username: led.get(u.pk, 0) for u in team},
            "max_per_day": max(per_day.values()) if per_day else 0}


def overlapping_pairs(result: list[dict]) -> int:
    """Pairs of checks of one draw that share a person and whose times overlap."""
    spans: dict[int, list[tuple[str, str]]] = {}
    for item in result:
        for person in item["team"]:
            spans.setdefault(person, []).append((item["slot"]["window_start"], item["slot"]["window_end"]))
    pairs = 0
    for items in spans.values():
        parsed = sorted((datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in items)
        for i, (_, end) in enumerate(parsed):
            pairs += sum(1 for start, _ in parsed[i + 1:] if start < end)
    return pairs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--floor-months", type=int, default=6)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--risk-exponent", type=float, default=None,
                        help="weigh risk picks by score ** this (default: the draw's own default)")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="cw-bench-draw-")
    os.environ["COUNTERWATCH_VAR_DIR"] = tmp
    os.environ.setdefault("COUNTERWATCH_BACKGROUND", "0")
    os.environ["DJANGO_SETTINGS_MODULE"] = "backend.settings"
    os.environ.pop("DATABASE_URL", None)  # always a throwaway SQLite file
    import django

    django.setup()
    from django.core.management import call_command

    from inspection.province import seed_province, summary

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    seeded = time.perf_counter()
    province = seed_province(seed=args.seed)
    print(f"province: {summary(province)} (seeded in {time.perf_counter() - seeded:.1f} s; "
          f"setup {time.perf_counter() - started:.1f} s)", flush=True)
    r = simulate(n=args.n, floor_months=args.floor_months, months=args.months, seed=args.seed,
                 risk_exponent=args.risk_exponent)
    ratio = r["rate_high"] / r["rate_other"] if r["rate_other"] else float("inf")
    seen_ratio = r["rate_seen"] / r["rate_unseen"] if r["rate_unseen"] else float("inf")
    evident_ratio = r["rate_evident"] / r["rate_rest"] if r["rate_rest"] else float("inf")
    print(f"{args.months} monthly draws over {r['units']} communes, n = {args.n}, floor {args.floor_months} months")
    print(f"checks per draw: max {r['max_size']}, mean {r['mean_size']:.1f} (n = {args.n}; max/n = "
          f"{r['max_size'] / args.n:.2f})")
    split = r["splits"]
    print("split per draw (floor/risk/random): " + ", ".join(f"{s['floor']}/{s['risk']}/{s['uniform']}" for s in split))
    print(f"pick rate per draw, high risk = top quarter of the total risk score at each draw (what the lead sees): "
          f"{r['rate_seen']:.3f}, others {r['rate_unseen']:.3f}: {seen_ratio:.2f}x (target >= {TARGET_RATIO}x)")
    print(f"pick rate per draw, high risk = top quarter of the total risk score at the start ({r['high']} units): "
          f"{r['rate_high']:.3f}, others {r['rate_other']:.3f}: {ratio:.2f}x (target >= {TARGET_RATIO}x)")
    print(f"for comparison only, quarter with the most evidence of trouble (score without months since check): "
          f"{r['rate_evident']:.3f}, others {r['rate_rest']:.3f}: {evident_ratio:.2f}x")
    print(f"longest unchecked gap: {r['longest_gap_days']} days (floor {r['floor_days']} days; gap/floor = "
          f"{r['longest_gap_days'] / r['floor_days']:.2f}); {r['backlog']} units already past the floor at the "
          f"start (gap counted from the first draw), all checked by draw {r['backlog_cleared']}")
    print(f"units the floor forced per draw: {r['forced']}")
    print(f"longest gap that began after the backlog was cleared: {r['steady_gap_days']} days (gap/floor = "
          f"{r['steady_gap_days'] / r['floor_days']:.2f}); checks later than last check + {args.floor_months} "
          f"months: {r['steady_breaches']} (all draws: {r['breaches']}, while the floor alone exceeded n)")
    print(f"overlapping pairs (one person on two checks at once): {r['overlaps']} (target 0); most checks of one "
          f"person on one day: {r['max_per_day']}; units the windows could not hold: {r['shortfall']}")
    print("checks per person over the run: " + ", ".join(f"{k} {v}" for k, v in r["per_person"].items()))
    print("checks led per person over the run: " + ", ".join(f"{k} {v}" for k, v in r["led"].items()))
    ok = (r["overlaps"] == 0 and r["max_size"] <= args.n and seen_ratio >= TARGET_RATIO and ratio >= TARGET_RATIO
          and r["steady_breaches"] == 0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
