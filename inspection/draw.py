"""The draw itself: a pure, deterministic function of (seed, inputs). No Django, no clock.

`run_draw(seed, inputs)` is called at draw time and again by verification with the revealed seed
and the inputs stored on the Draw; the same inputs and seed always give the same result.

Inputs (plain JSON, stored on the Draw):
    params: n, proportional_share (0..1), team_size, check_minutes, days (ISO dates: working days
            of the window, holidays already removed), pool (user ids of the inspection team,
            eligible as members), lead (user id of the drawing lead)
    candidates: [{unit_id, score, forced, counters: [{id, hours}], conflicted: [user ids]}]
            sorted by unit_id; units the lead is conflicted with are not candidates at all.

Selection: forced units (coverage floor) first; of the remaining k places, round(k * share)
are drawn one by one with probability proportional to risk score (without replacement), the
rest uniformly from the units not yet chosen.

Algorithm versions (params["algorithm"], absent = 1; a stored draw is always recomputed with its own):
    1. every forced unit is drawn even past n; units the drawing lead is conflicted with are not
       candidates.
    2. n is a promise: forced units count within n, the most overdue first (oldest `last_checked`,
       then unit id), and when the floor alone exceeds n only n of them are drawn
       (`floor_overflow` names the rest for the next draw). A unit the drawing lead is conflicted
       with stays a candidate: its check gets another lead (params["leads"], drawn at random among
       those not conflicted with it), and the drawing lead is not on its team. A floor unit's slot falls on or before its floor date (`due`), or
       within the first working days when it is already overdue.
"""
from __future__ import annotations

import hashlib
import random
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
WEEKDAY_KEYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def seed_hash(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()


def _parse_hhmm(value: str) -> int:
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


def hours_for_weekday(hours: dict[str, Any], weekday: int) -> list[tuple[int, int]]:
    """Opening intervals (minutes from midnight) for a weekday (0 = Monday).

    Keys are day names or ranges: {"mon-fri": [["07:30","11:30"], ...], "sat": [...]}.
    """
    result: list[tuple[int, int]] = []
    for key, intervals in sorted((hours or {}).items()):
        key = key.strip().lower()
        if "-" in key:
            first, last = key.split("-", 1)
            if first not in WEEKDAY_KEYS or last not in WEEKDAY_KEYS:
                continue
            days = range(WEEKDAY_KEYS.index(first), WEEKDAY_KEYS.index(last) + 1)
        elif key in WEEKDAY_KEYS:
            days = range(WEEKDAY_KEYS.index(key), WEEKDAY_KEYS.index(key) + 1)
        else:
            continue
        if weekday in days:
            for start, end in intervals:
                a, b = _parse_hhmm(start), _parse_hhmm(end)
                if b > a:
                    result.append((a, b))
    return sorted(result)


def _weighted_pick(rng: random.Random, items: list[dict[str, Any]]) -> int:
    total = sum(max(float(c["score"]), 0.0) for c in items)
    if total <= 0:
        return rng.randrange(len(items))
    x = rng.random() * total
    acc = 0.0
    for index, c in enumerate(items):
        acc += max(float(c["score"]), 0.0)
        if x < acc:
            return index
    return len(items) - 1


def _slot(rng: random.Random, counter: dict[str, Any], days: list[str], check_minutes: int,
          min_minutes: int = 30) -> dict[str, Any] | None:
    """A random start within opening hours on one of `days`, uniform over open minutes."""
    options: list[tuple[str, int, int]] = []  # (day, first start minute, last start minute)
    for day in days:
        for a, b in hours_for_weekday(counter.get("hours") or {}, date.fromisoformat(day).weekday()):
            if b - a >= min_minutes:
                options.append((day, a, b - min_minutes))
    if not options:
        return None
    total = sum(last - first + 1 for _, first, last in options)
    x = rng.randrange(total)
    for day, first, last in options:
        width = last - first + 1
        if x < width:
            start_minute = first + x
            # the interval end this start belongs to
            end_limit = last + min_minutes
            d = date.fromisoformat(day)
            start = datetime.combine(d, time(start_minute // 60, start_minute % 60), tzinfo=LOCAL_TZ)
            end = start + timedelta(minutes=min(check_minutes, end_limit - start_minute))
            return {"counter_id": counter["id"], "window_start": start.isoformat(),
                    "window_end": end.isoformat()}
        x -= width
    return None  # unreachable


def _overdue_first(forced: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(forced, key=lambda c: (str(c.get("last_checked") or ""), c["unit_id"]))


def floor_overflow(inputs: dict[str, Any]) -> list[dict[str, Any]]:
    """Units the coverage floor forces but a version-2 draw cannot fit within n, most overdue first."""
    params = inputs["params"]
    if int(params.get("algorithm", 1)) < 2:
        return []
    forced = _overdue_first([c for c in inputs["candidates"] if c.get("forced")])
    return [{"unit_id": c["unit_id"], "last_checked": c.get("last_checked")} for c in forced[int(params["n"]):]]


def _select(rng: random.Random, candidates: list[dict[str, Any]], n: int, share: float,
            version: int) -> list[tuple[dict[str, Any], str]]:
    forced = [c for c in candidates if c.get("forced")]
    if version >= 2:
        forced = _overdue_first(forced)[:n]
    chosen: list[tuple[dict[str, Any], str]] = [(c, "floor") for c in forced]
    taken = {c["unit_id"] for c in forced}
    rest = [c for c in candidates if not c.get("forced") and c["unit_id"] not in taken]
    k = max(n - len(chosen), 0)
    k = min(k, len(rest))
    n_prop = min(int(round(k * share)), k)
    n_unif = k - n_prop
    for _ in range(n_prop):
        index = _weighted_pick(rng, rest)
        chosen.append((rest.pop(index), "risk"))
    for _ in range(n_unif):
        index = rng.randrange(len(rest))
        chosen.append((rest.pop(index), "uniform"))
    return chosen


OVERDUE_DAYS = 5  # an already overdue unit is checked within the window's first working days


def _days_for(cand: dict[str, Any], reason: str, days: list[str], version: int) -> list[str]:
    """Version 2: a unit drawn by the floor gets a day on or before its floor date (`due`), so no
    unit goes longer than the floor unchecked; if it is already overdue, one of the first days."""
    due = cand.get("due")
    if version < 2 or reason != "floor" or not due:
        return days
    return [d for d in days if d <= due] or days[:OVERDUE_DAYS]


def run_draw(seed: str, inputs: dict[str, Any]) -> list[dict[str, Any]]:
    params = inputs["params"]
    candidates = sorted(inputs["candidates"], key=lambda c: c["unit_id"])
    rng = random.Random(seed)
    version = int(params.get("algorithm", 1))
    chosen = _select(rng, candidates, int(params["n"]), float(params["proportional_share"]), version)

    pool = sorted(int(u) for u in params.get("pool", []))
    leads = sorted(int(u) for u in params.get("leads", []))
    lead = int(params["lead"])
    team_size = max(int(params.get("team_size", 2)), 1)
    days = list(params["days"])
    result: list[dict[str, Any]] = []
    for order, (cand, reason) in enumerate(chosen, start=1):
        counters = sorted(cand.get("counters") or [], key=lambda c: c["id"])
        conflicted = set(int(u) for u in cand.get("conflicted", []))
        check_lead = lead
        if version >= 2 and lead in conflicted:
            # the drawing lead served there: another lead, not conflicted, leads this check
            options = [u for u in leads if u != lead and u not in conflicted]
            check_lead = options[rng.randrange(len(options))]
        eligible = [u for u in pool if u not in (lead, check_lead) and u not in conflicted]
        members = sorted(rng.sample(eligible, min(team_size - 1, len(eligible))))
        slot = None
        if counters:
            counter = counters[rng.randrange(len(counters))]
            slot = _slot(rng, counter, _days_for(cand, reason, days, version), int(params.get("check_minutes", 120)))
        result.append({"order": order, "unit_id": cand["unit_id"], "reason": reason,
                       "score": cand["score"], "team": [check_lead, *members], "slot": slot})
    return result
