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
    3. the team is scheduled, not just named: each check's lead is any member of the inspection
       team (lead or inspector) free of conflict with the unit, chosen among those free at the slot
       with the fewest checks led so far, then the least loaded, the drawing lead first on a tie
       (leads are spread, the drawing lead does not lead every check); members are the least loaded free, non-conflicted people. No person is on two checks
       whose times overlap or come closer than params["travel_minutes"] (default 60), and nobody has
       more than params["per_person_per_day"] (default 2) checks a day. A unit for which no slot in
       the window has its team free is not double-booked: it is returned in `shortfall` with its
       reason; a check whose team is smaller than asked (fewer people free of conflict) says so in its
       `notes` ("team_short"), as does a check whose lead was moved off the drawing lead
       ("drawing_lead_conflicted") and a floor unit that only fitted after its floor date ("after_due").
       params["booked"] ({user id: [[day, start minute, end minute], ...]}, absent on older draws) holds
       the checks people were already on before the draw: they count as busy from the start.
    4. room for risk, and risk as the lead sees it. The floor may take at most
       params["floor_share"] (default 0.75) of n, the most overdue first; the rest of n is drawn by
       risk and at random even when more units are overdue (they are proposed for the next draw,
       most overdue first: `floor_overflow`), so a floor backlog never crowds risk out. The risk
       picks are drawn with probability proportional to score ** params["risk_exponent"] (default
       3), so the units with the highest total score (the score the risk page shows) are picked
       clearly more often than the rest (bench/draw.py: >= 1.5x for the top quarter). A floor unit
       is noted "after_due" exactly when its day falls after its floor date (an already overdue unit
       always is, with the days it is late), not when it missed the first days of the window.
    5. the team lead is in charge, and nobody checks alone (issue 15). When a check's team holds a
       member of params["leads"] (the inspection leads), one of them leads the check (the fewest led,
       then the least loaded, the drawing lead first on a tie), never an inspector beside him. A unit
       for which fewer than MIN_TEAM_SIZE people are free of conflict is not given a team of one: it
       is not drawn at all: it is returned in `unfit` ("team_of_one", or "no_member_without_conflict"),
       so it takes no place of n; a slot needs MIN_TEAM_SIZE people free at once.
"""
from __future__ import annotations

import hashlib
import random
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# A surprise check is carried out by two people at least (the two-person rule): the one owner of the
# figure, read by the draw (version 5) and by the planning of a hand-made check (services_checks).
MIN_TEAM_SIZE = 2
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


def _weight(c: dict[str, Any], exponent: float) -> float:
    score = max(float(c["score"]), 0.0)
    return score if exponent == 1 else score ** exponent


def _weighted_pick(rng: random.Random, items: list[dict[str, Any]], exponent: float = 1.0) -> int:
    total = sum(_weight(c, exponent) for c in items)
    if total <= 0:
        return rng.randrange(len(items))
    x = rng.random() * total
    acc = 0.0
    for index, c in enumerate(items):
        acc += _weight(c, exponent)
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


DEFAULT_FLOOR_SHARE = 0.75  # version 4: the most of n the coverage floor may take
DEFAULT_RISK_EXPONENT = 3.0  # version 4: risk picks weigh score ** 3 (bench/draw.py: 2 gave 1.50x, 3 gives 1.60x)


def floor_room(params: dict[str, Any]) -> int:
    """How many of n the coverage floor may take: all of n before version 4; from version 4 at most
    floor_share of n (at least one place when n > 1 is left for risk)."""
    n = int(params["n"])
    if int(params.get("algorithm", 1)) < 4:
        return n
    share = float(params.get("floor_share", DEFAULT_FLOOR_SHARE))
    room = int(n * share)
    return max(min(room, n - 1 if n > 1 else n), 1 if n >= 1 else 0)


def floor_overflow(inputs: dict[str, Any]) -> list[dict[str, Any]]:
    """Units the coverage floor forces but the draw cannot fit in the floor's part of n (all of n
    in versions 2-3), most overdue first: proposed for the next draw."""
    params = inputs["params"]
    if int(params.get("algorithm", 1)) < 2:
        return []
    forced = _overdue_first([c for c in inputs["candidates"] if c.get("forced")])
    return [{"unit_id": c["unit_id"], "last_checked": c.get("last_checked"), "due": c.get("due")}
            for c in forced[floor_room(params):]]


def _select(rng: random.Random, candidates: list[dict[str, Any]], n: int, share: float,
            version: int, params: dict[str, Any] | None = None) -> list[tuple[dict[str, Any], str]]:
    params = params or {"n": n}
    exponent = float(params.get("risk_exponent", DEFAULT_RISK_EXPONENT)) if version >= 4 else 1.0
    forced = [c for c in candidates if c.get("forced")]
    if version >= 2:
        forced = _overdue_first(forced)[:floor_room({**params, "n": n, "algorithm": version})]
    chosen: list[tuple[dict[str, Any], str]] = [(c, "floor") for c in forced]
    taken = {c["unit_id"] for c in forced}
    # version 4: overdue units the floor's part could not hold stay candidates for risk and chance
    rest = [c for c in candidates if (version >= 4 or not c.get("forced")) and c["unit_id"] not in taken]
    k = max(n - len(chosen), 0)
    k = min(k, len(rest))
    n_prop = min(int(round(k * share)), k)
    n_unif = k - n_prop
    for _ in range(n_prop):
        index = _weighted_pick(rng, rest, exponent)
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


SLOT_STEP_MINUTES = 15


def _starts(hours: dict[str, Any], day: str, check_minutes: int, min_minutes: int = 30) -> list[tuple[int, int]]:
    """Every (start, end) in minutes on `day`, on a 15-minute grid, inside one opening interval; a
    check lasts `check_minutes`, or the whole interval when that is shorter (at least 30 minutes)."""
    options: list[tuple[int, int]] = []
    for a, b in hours_for_weekday(hours or {}, date.fromisoformat(day).weekday()):
        if b - a < min_minutes:
            continue
        length = min(check_minutes, b - a)
        options.extend((s, s + length) for s in range(a, b - length + 1, SLOT_STEP_MINUTES))
    return options


def _iso(day: str, minute: int) -> str:
    return datetime.combine(date.fromisoformat(day), time(minute // 60, minute % 60), tzinfo=LOCAL_TZ).isoformat()


# Long on purpose: the scheduling loop and the state it shares (busy, led, load) with the free() rule beside it.
def _schedule(rng: random.Random, chosen: list[tuple[dict[str, Any], str]], params: dict[str, Any],
              version: int) -> dict[str, Any]:
    """Version 3: slots and teams such that no person is on two overlapping checks (see module doc)."""
    pool = sorted(int(u) for u in params.get("pool", []))
    drawing_lead = int(params["lead"])
    team_size = max(int(params.get("team_size", 2)), 1)
    check_minutes = int(params.get("check_minutes", 120))
    per_day = max(int(params.get("per_person_per_day", 2)), 1)
    travel = max(int(params.get("travel_minutes", 60)), 0)
    days = list(params["days"])
    busy: dict[tuple[int, str], list[tuple[int, int]]] = {}
    # checks the people were already booked on before this draw (params["booked"], absent on older draws)
    for person, slots in sorted((params.get("booked") or {}).items()):
        for day, start, end in slots:
            busy.setdefault((int(person), str(day)), []).append((int(start), int(end)))
    led = dict.fromkeys(pool, 0)
    load = dict.fromkeys(pool, 0)
    leads = {int(u) for u in params.get("leads", [])}

    def free(person: int, day: str, start: int, end: int) -> bool:
        taken = busy.get((person, day), [])
        return len(taken) < per_day and all(end + travel <= a or b + travel <= start for a, b in taken)

    result: list[dict[str, Any]] = []
    shortfall: list[dict[str, Any]] = []
    for cand, reason in chosen:
        conflicted = set(int(u) for u in cand.get("conflicted", []))
        eligible = [u for u in pool if u not in conflicted]
        if not eligible:
            shortfall.append({"unit_id": cand["unit_id"], "reason": "no_member_without_conflict"})
            continue
        if version >= 5 and len(eligible) < MIN_TEAM_SIZE:
            shortfall.append({"unit_id": cand["unit_id"], "reason": "team_of_one"})
            continue
        want = max(min(team_size, len(eligible)), MIN_TEAM_SIZE if version >= 5 else 1)
        preferred = _days_for(cand, reason, days, version)
        first = list(preferred)
        rng.shuffle(first)
        later = [d for d in days if d not in set(preferred)]
        rng.shuffle(later)
        counters = sorted(cand.get("counters") or [], key=lambda c: c["id"])
        rng.shuffle(counters)
        found = None
        for day in first + later:
            for counter in counters:
                starts = _starts(counter.get("hours") or {}, day, check_minutes)
                rng.shuffle(starts)
                for start, end in starts:
                    available = [u for u in eligible if free(u, day, start, end)]
                    if len(available) >= want:
                        found = (day, counter, start, end, available)
                        break
                if found:
                    break
            if found:
                break
        if found is None:
            shortfall.append({"unit_id": cand["unit_id"], "reason": "no_free_team_in_window"})
            continue
        day, counter, start, end, available = found
        ties = {u: rng.random() for u in available}
        # the fewest checks led so far, then the least loaded; on a tie the drawing lead leads
        check_lead = min(available, key=lambda u: (led[u], load[u], u != drawing_lead, ties[u]))
        others = sorted((u for u in available if u != check_lead), key=lambda u: (load[u], ties[u]))
        team = [check_lead, *sorted(others[:want - 1])]
        leads_on_team = [u for u in team if u in leads]
        if version >= 5 and leads_on_team and check_lead not in leads:
            # a team lead on the team is in charge of it, not an inspector beside him (issue 15)
            check_lead = min(leads_on_team, key=lambda u: (led[u], load[u], u != drawing_lead, ties[u]))
            team = [check_lead, *sorted(u for u in team if u != check_lead)]
        for person in team:
            busy.setdefault((person, day), []).append((start, end))
            load[person] += 1
        led[check_lead] += 1
        notes: list[dict[str, Any]] = []
        if drawing_lead in conflicted:
            notes.append({"code": "drawing_lead_conflicted"})
        if want < team_size:
            notes.append({"code": "team_short", "asked": team_size, "free": len(eligible)})
        if version >= 4:
            due = cand.get("due")
            if reason == "floor" and due and day > due:
                late_days = (date.fromisoformat(day) - date.fromisoformat(due)).days
                note = {"code": "after_due", "due": due, "days_late": late_days}
                if cand.get("never_checked"):
                    note["never_checked"] = True  # its floor date counts from when the unit began
                notes.append(note)
        elif day not in set(preferred):
            notes.append({"code": "after_due", "due": cand.get("due")})
        result.append({"order": len(result) + 1, "unit_id": cand["unit_id"], "reason": reason,
                       "score": cand["score"], "team": team,
                       "slot": {"counter_id": counter["id"], "window_start": _iso(day, start),
                                "window_end": _iso(day, end)},
                       "notes": notes})
    return {"result": result, "shortfall": shortfall}


def plan_draw(seed: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """The draw with what it could not place: {"result": [...], "shortfall": [{unit_id, reason}]}
    (the shortfall is always empty before version 3, which never double-books)."""
    params = inputs["params"]
    candidates = sorted(inputs["candidates"], key=lambda c: c["unit_id"])
    rng = random.Random(seed)
    version = int(params.get("algorithm", 1))
    unfit: list[dict[str, Any]] = []
    if version >= 5 and len(params.get("pool", [])) >= MIN_TEAM_SIZE:
        # a unit for which fewer than MIN_TEAM_SIZE members are free of conflict is not drawn: it would take a
        # place of n and then get no team (a draw of one unit gave no check while others could be checked).
        # When the team itself is short (absences), no unit is: the shortfall says so, as before.
        candidates, unfit = _fit_for_a_team(candidates, params)
    chosen = _select(rng, candidates, int(params["n"]), float(params["proportional_share"]), version, params)
    if version >= 3:
        return {**_schedule(rng, chosen, params, version), "unfit": unfit}
    return {"result": _assign_v2(rng, chosen, params, version), "shortfall": [], "unfit": unfit}


def _fit_for_a_team(candidates: list[dict[str, Any]], params: dict[str, Any]) -> tuple[list[dict[str, Any]],
                                                                                         list[dict[str, Any]]]:
    """Version 5: the candidates a team of MIN_TEAM_SIZE free of conflict can check, and the others as
    {unit_id, reason: "team_of_one" or "no_member_without_conflict", free: how many are free}."""
    pool = {int(u) for u in params.get("pool", [])}
    fit: list[dict[str, Any]] = []
    unfit: list[dict[str, Any]] = []
    for cand in candidates:
        free = len(pool - {int(u) for u in cand.get("conflicted", [])})
        if free >= MIN_TEAM_SIZE:
            fit.append(cand)
        else:
            unfit.append({"unit_id": cand["unit_id"], "free": free,
                          "reason": "team_of_one" if free else "no_member_without_conflict"})
    return fit, unfit


def run_draw(seed: str, inputs: dict[str, Any]) -> list[dict[str, Any]]:
    return list(plan_draw(seed, inputs)["result"])


def _assign_v2(rng: random.Random, chosen: list[tuple[dict[str, Any], str]], params: dict[str, Any],
               version: int) -> list[dict[str, Any]]:
    """Versions 1 and 2: the drawing lead leads (v2: another lead when conflicted); slots are drawn
    independently per check (overlaps possible; kept so stored draws still verify)."""
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
