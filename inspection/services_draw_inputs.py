"""Everything a draw depends on, gathered before it runs: the working days of the window, the team's
pool (absences and conflicts of interest), the candidate units with their risk snapshot, coverage floor
and open counters, and what the team is already booked on."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import holidays
from django.utils import timezone

from backend.accounts.models import Role, User
from backend.core.actors import Actor
from backend.org.models import Counter, Unit
from inspection import draw as drawing
from inspection import risk
from inspection.models import RiskSnapshot, SurpriseCheck
from inspection.secrecy import checks_visible_to, conflict_unit_ids, team_unfit_reason
from inspection.services_absences import absences_in_window
from inspection.services_common import TEAM, _invalid
from inspection.services_risk import risk_candidate_units, risk_compute


def _add_months(d: date, months: int) -> date:
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    return date(year, month, 28)


def _team_conflicts(users: list[User], since: date) -> dict[int, set[int]]:
    return {u.pk: conflict_unit_ids(officer_id=u.officer_id, since=since) for u in users}




DRAW_ALGORITHM = 5  # see inspection/draw.py: the team lead on a team leads it; no team of one (issue 15)


FLOOR_MARGIN_DAYS = 7  # the next window may open with a week of holidays (Tết)


# How far ahead a draw's window (or a hand-made check) may start: a year, as long as a window may last.
HORIZON_DAYS = 366


def _one_account_a_person(pool_ids: list[int], *, by: User, unfit: dict[int, str]) -> list[int]:
    """A team of N is N different persons: of two accounts of one person (same_person) only the first stays in
    the pool (the drawing lead's own, else the older one); the other is left out as `same_person` (insider F1)."""
    from backend.accounts.selectors import distinct_persons

    users = {u.pk: u for u in User.objects.filter(pk__in=pool_ids).select_related("officer")}
    order = sorted(users.values(), key=lambda u: (u.pk != by.pk, u.pk))
    kept = {u.pk for u in distinct_persons(order)}
    unfit.update({uid: "same_person" for uid in users if uid not in kept})
    return [uid for uid in pool_ids if uid in kept]


def floor_due(last_checked: date, *, floor_months: int, end: date) -> bool:
    """The coverage floor: a unit whose floor date (last check + floor) falls on or before the end of
    the window, or in the first week after it, must be drawn in it (the draw gives it a day on or
    before that date), so no unit goes longer than the floor unchecked."""
    return _add_months(last_checked, floor_months) <= end + timedelta(days=FLOOR_MARGIN_DAYS)


def working_days(start: date, end: date, *, include_weekends: bool = False) -> list[str]:
    vn = holidays.country_holidays("VN", years=range(start.year, end.year + 1))
    days = []
    d = start
    while d <= end:
        if d not in vn and (include_weekends or d.weekday() < 5):
            days.append(d.isoformat())
        d += timedelta(days=1)
    return days


# Long on purpose: every bound of the draw's parameters, then each unit sorted into candidate or excluded (with
# why), all into the one JSON the draw is verified against.
def draw_inputs(*, by: User, n: int, start: date, end: date, proportional_share: float = 0.75,
                floor_months: int = 6, conflict_years: int = 3, team_size: int = 2, check_minutes: int = 120,
                include_weekends: bool = False, pool: list[User] | None = None,
                per_person_per_day: int = 2, travel_minutes: int = 60,
                floor_share: float = drawing.DEFAULT_FLOOR_SHARE,
                snapshots: dict[int, RiskSnapshot] | None = None) -> dict[str, Any]:
    """Everything the draw depends on, as plain JSON (stored on the Draw for verification)."""
    today = timezone.localdate()
    if not 1 <= n <= 200:
        raise _invalid("Số đơn vị cần chọn phải từ 1 đến 200.", "n must be between 1 and 200.", "n")
    if start > end:
        raise _invalid("Ngày bắt đầu phải trước ngày kết thúc.", "start must not be after end.", "start")
    if start < today:
        raise _invalid("Không thể xếp lịch kiểm tra vào ngày đã qua.", "The window cannot start in the past.", "start")
    if (start - today).days > HORIZON_DAYS:
        raise _invalid(f"Khoảng thời gian rút thăm phải bắt đầu trong vòng {HORIZON_DAYS} ngày tới.",
                       f"The window must start within {HORIZON_DAYS} days from today.", "start")
    if (end - start).days > 366:
        raise _invalid("Khoảng thời gian tối đa một năm.", "The window may span at most one year.", "end")
    if not 0 <= proportional_share <= 1:
        raise _invalid("Tỷ lệ chọn theo rủi ro phải từ 0 đến 1.", "proportional_share must be within 0..1.",
                       "proportional_share")
    if not drawing.MIN_TEAM_SIZE <= team_size <= 10:
        # the two-person rule: a surprise check is never carried out by one person alone (issue 15)
        raise _invalid(f"Tổ kiểm tra phải có từ {drawing.MIN_TEAM_SIZE} đến 10 người: kiểm tra đột xuất không do "
                       "một người thực hiện một mình.",
                       f"A check team has {drawing.MIN_TEAM_SIZE} to 10 people: a surprise check is never carried "
                       "out by one person alone.", "team_size", code="team_too_small")
    if not 30 <= check_minutes <= 600:
        raise _invalid("Thời lượng một cuộc kiểm tra phải từ 30 đến 600 phút.",
                       "check_minutes must be 30..600.", "check_minutes")
    if not 1 <= per_person_per_day <= 4 or not 0 <= travel_minutes <= 240:
        raise _invalid("Mỗi người tối đa 1–4 cuộc kiểm tra/ngày; thời gian di chuyển giữa hai cuộc 0–240 phút.",
                       "per_person_per_day must be 1..4 and travel_minutes 0..240.", "per_person_per_day")
    if not 0.5 <= floor_share <= 0.9:
        raise _invalid("Phần n dành cho sàn bao phủ phải từ 0,5 đến 0,9 (phần còn lại để chọn theo rủi ro).",
                       "floor_share must be within 0.5..0.9 (the rest of n is kept for risk).", "floor_share")
    if floor_months < 1 or conflict_years < 0:
        raise _invalid("Tham số sàn bao phủ hoặc xung đột lợi ích không hợp lệ.",
                       "floor_months must be >= 1 and conflict_years >= 0.", "floor_months")
    days = working_days(start, end, include_weekends=include_weekends)
    if not days:
        raise _invalid("Không có ngày làm việc nào trong khoảng đã chọn (trừ ngày lễ).",
                       "No working day in the window (public holidays excluded).", "start")
    if pool is None:
        pool = list(User.objects.filter(role__in=TEAM, is_active=True).order_by("id"))
    # people who may not be put on a team at all (no officer to check conflicts against, deactivated):
    # left out of the pool, and said to the lead with why (secrecy.team_unfit_reason)
    unfit = {u.pk: reason for u in [*pool, by] if (reason := team_unfit_reason(u)) is not None}
    pool_ids = sorted(({u.pk for u in pool} | {by.pk}) - set(unfit))
    # people taken out of the pool (leave, illness, conflict): out for the whole window, or busy on
    # the days they are away (inspection/services_absences.py)
    away, away_days = absences_in_window(user_ids=pool_ids, days=days)
    pool_ids = [uid for uid in pool_ids if uid not in away]
    pool_ids = _one_account_a_person(pool_ids, by=by, unfit=unfit)
    if not pool_ids:
        raise _invalid("Mọi thành viên tổ kiểm tra đều vắng mặt (nghỉ phép, ốm, xung đột) trong khoảng thời gian này "
                       "hoặc không thể được đưa vào tổ kiểm tra (chưa liên kết cán bộ).",
                       "Every member of the inspection team is away (leave, illness, conflict) in this window or "
                       "cannot be put on a team (no linked officer).",
                       "start", code="pool_empty")
    pool_users = list(User.objects.filter(pk__in=pool_ids))
    lead_ids = sorted(u.pk for u in pool_users if u.role == Role.INSPECTION_LEAD and u.is_active)
    conflict_since = _add_months(start, -12 * conflict_years)
    conflicts = _team_conflicts(pool_users, conflict_since)

    units = risk_candidate_units(on=start)
    lineage = risk.predecessors(u.pk for u in units)
    last = risk.last_checked([u.pk for u in units], lineage)  # a merged unit's checks count for its successor
    since_start = risk.lineage_start(units, lineage)
    # Units with a planned check are left out only when the drawing lead may know of that check:
    # another team's plan is a secret, and leaving its unit out (or saying why) would reveal it.
    # Only a real upcoming check counts: not ended yet, and starting before the window's end plus the
    # floor (it still checks the unit within the floor). A planned check dated in the past never starts
    # and one dated years ahead checks nothing soon: neither keeps the unit out (rev13adv F5).
    pending_checks: dict[int, list[SurpriseCheck]] = {}
    horizon = timezone.make_aware(datetime.combine(_add_months(end, floor_months) + timedelta(days=1),
                                                   datetime.min.time()))
    upcoming = checks_visible_to(by).filter(state=SurpriseCheck.State.PLANNED, window_end__gt=timezone.now(),
                                            window_start__lt=horizon)
    for check in upcoming.order_by("id"):
        pending_checks.setdefault(check.unit_id, []).append(check)
    pending = set(pending_checks)
    counters_by_unit: dict[int, list[dict[str, Any]]] = {}
    for counter in Counter.objects.filter(unit__in=units, active=True).order_by("id"):
        # a slot needs at least 30 open minutes in one stretch (see draw._slot)
        open_days = [d for d in days
                     if any(b - a >= 30 for a, b in
                            drawing.hours_for_weekday(counter.opening_hours, date.fromisoformat(d).weekday()))]
        if open_days:
            counters_by_unit.setdefault(counter.unit_id, []).append({"id": counter.pk, "hours": counter.opening_hours})
    snapshots = dict(snapshots or {})
    candidates, excluded = [], []
    floor_info: dict[int, dict[str, Any]] = {}
    for unit in units:
        last_at = last.get(unit.pk)
        reference = timezone.localdate(last_at) if last_at else since_start[unit.pk]
        if floor_due(reference, floor_months=floor_months, end=end):
            floor_info[unit.pk] = {"past_floor": True, "due": _add_months(reference, floor_months).isoformat(),
                                   "never_checked": last_at is None}
        if unit.pk in pending:
            # which checks excluded it, and whether they were drawn or hand-made: a hand-made check
            # cancelled after the draw is published as such with the commitment (F1)
            excluded.append({"unit_id": unit.pk, "reason": "planned_check_pending",
                             "checks": [str(c.uid) for c in pending_checks[unit.pk]],
                             "manual": sum(1 for c in pending_checks[unit.pk] if c.draw_id is None)})
            continue
        if all(unit.pk in conflicts.get(uid, set()) for uid in pool_ids):
            # every member of the team served there: nobody may check it
            excluded.append({"unit_id": unit.pk, "reason": "no_member_without_conflict"})
            continue
        if unit.pk not in counters_by_unit:
            excluded.append({"unit_id": unit.pk, "reason": "no_opening_hours_in_window"})
            continue
        snap = snapshots.get(unit.pk)
        if snap is None:
            excluded.append({"unit_id": unit.pk, "reason": "no_risk_snapshot"})
            continue
        forced = floor_due(reference, floor_months=floor_months, end=end)
        candidates.append({
            "unit_id": unit.pk, "score": snap.score, "snapshot_id": snap.pk, "forced": forced,
            "last_checked": reference.isoformat(), "due": _add_months(reference, floor_months).isoformat(),
            "never_checked": last_at is None,
            "counters": counters_by_unit[unit.pk],
            "conflicted": sorted(uid for uid, units_ in conflicts.items() if unit.pk in units_),
        })
    for entry in excluded:
        # a floor unit left out is said (to the team by unit, published as a count): _exclusion_notes
        entry.update(floor_info.get(entry["unit_id"], {}))  # type: ignore[call-overload]  # entry is a dict of mixed values; unit_id is an int
    if not candidates:
        raise _invalid("Không có đơn vị nào đủ điều kiện để rút thăm.", "No unit is eligible for the draw.", "n")
    params = {"n": n, "start": start.isoformat(), "end": end.isoformat(), "proportional_share": proportional_share,
              "floor_months": floor_months, "conflict_years": conflict_years, "team_size": team_size,
              "check_minutes": check_minutes, "include_weekends": include_weekends, "days": days,
              "pool": pool_ids, "leads": lead_ids, "lead": by.pk, "excluded": excluded,
              "per_person_per_day": per_person_per_day, "travel_minutes": travel_minutes,
              "algorithm": DRAW_ALGORITHM, "floor_share": floor_share,
              "risk_exponent": drawing.DEFAULT_RISK_EXPONENT, "away": away,
              "unfit": [{"user_id": uid, "reason": reason} for uid, reason in sorted(unfit.items())],
              "booked": _booked(pool_ids, days, away_days)}
    return {"params": params, "candidates": candidates}


def _booked(pool_ids: list[int], days: list[str],
            away_days: dict[int, list[str]] | None = None) -> dict[str, list[list[Any]]]:
    """What the team is already booked on in the window (planned or running checks, drawn or not), so
    the draw schedules around it instead of against an empty calendar (F3), and the days a person is
    away (the whole day). Times only, no units."""
    if not days:
        return {}
    first, last = date.fromisoformat(days[0]), date.fromisoformat(days[-1]) + timedelta(days=1)
    booked: dict[str, list[list[Any]]] = {}
    for person, away_on in sorted((away_days or {}).items()):
        if person in pool_ids:
            for day in away_on:
                booked.setdefault(str(person), []).append([day, 0, 24 * 60])
    checks = (SurpriseCheck.objects.filter(state__in=[SurpriseCheck.State.PLANNED, SurpriseCheck.State.IN_PROGRESS],
                                           window_start__date__gte=first - timedelta(days=1),
                                           window_start__date__lte=last)
              .prefetch_related("team").order_by("window_start", "id"))
    wanted = set(pool_ids)
    for check in checks:
        start, end = timezone.localtime(check.window_start), timezone.localtime(check.window_end)
        day = start.date().isoformat()
        end_minute = end.hour * 60 + end.minute if end.date() == start.date() else 24 * 60
        people = {u.pk for u in check.team.all()} | {check.lead_id}
        for person in sorted(people & wanted):
            booked.setdefault(str(person), []).append([day, start.hour * 60 + start.minute, end_minute])
    return booked


def _latest_snapshots(by: Actor, units: list[Unit]) -> dict[int, RiskSnapshot]:
    fresh_after = timezone.now() - timedelta(days=7)
    latest: dict[int, RiskSnapshot] = {}
    for snap in RiskSnapshot.objects.filter(unit__in=units, computed_at__gte=fresh_after).order_by(
            "unit_id", "-computed_at", "-id"):
        latest.setdefault(snap.unit_id, snap)
    missing = [u for u in units if u.pk not in latest]
    if missing:
        for snap in risk_compute(by=by, units=missing):
            latest[snap.unit_id] = snap
    return latest


def unfit_warning(params: dict[str, Any]) -> list[dict[str, Any]]:
    """For the drawing lead: the people the draw did not put on any team because they may not be on one
    (secrecy.team_unfit_reason), each named with why, so an account without an officer is seen and fixed."""
    from backend.accounts.selectors import user_title
    from inspection.secrecy import TEAM_UNFIT_REASONS

    unfit = params.get("unfit") or []
    if not unfit:
        return []
    users = {u.pk: u for u in User.objects.filter(pk__in=[e["user_id"] for e in unfit]).select_related("officer")}
    people = [{"user_id": e["user_id"], "name": user_title(users[e["user_id"]]) if e["user_id"] in users else "",
               "reason": e["reason"], "vi": TEAM_UNFIT_REASONS[e["reason"]][0], "en": TEAM_UNFIT_REASONS[e["reason"]][1]}
              for e in unfit]
    return [{"code": "members_left_out_of_teams", "count": len(people), "people": people,
             "vi": f"{len(people)} thành viên không được xếp vào tổ kiểm tra nào: "
                   + "; ".join(f"{p['name'] or p['user_id']} — {p['vi']}" for p in people) + ".",
             "en": f"{len(people)} member(s) were not put on any check team: "
                   + "; ".join(f"{p['name'] or p['user_id']} — {p['en']}" for p in people) + "."}]
