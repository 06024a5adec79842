"""Writes of surprise checks: planning (team, conflicts, double booking), starting, cancelling and
completing a check.

Secrecy: nothing about a planned check is broadcast, and its audit payloads are sealed (only a
SHA-256 of the details is recorded) until the lead starts it."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from backend.accounts.models import User
from backend.accounts.selectors import distinct_persons, require_role, same_person_refused, user_title
from backend.audit.services import audit_record
from backend.core.errors import Conflict, DomainError, Forbidden
from backend.core.events import broadcast_on_commit
from backend.org.models import Counter, Unit
from backend.org.services_units import require_unit_existed
from inspection.draw import MIN_TEAM_SIZE
from inspection.models import CheckReport, CriteriaSet, SurpriseCheck
from inspection.secrecy import TEAM_UNFIT_REASONS, conflict_unit_ids, on_check_team, team_unfit_reason
from inspection.services_common import (
    LEAD,
    TEAM,
    _aware,
    _check_locked,
    _event,
    _invalid,
    _require_reason,
    _seal,
)
from inspection.services_draw_inputs import HORIZON_DAYS, _add_months
from inspection.services_draws import _check_reference


def _validate_team(team: list[User], unit: Unit, on: date, conflict_years: int = 3) -> None:
    since = _add_months(on, -12 * conflict_years)
    for user in team:
        unfit = team_unfit_reason(user)
        if unfit is not None:
            vi, en = TEAM_UNFIT_REASONS[unfit]
            raise _invalid(f"Không thể đưa đồng chí {user_title(user)} vào tổ kiểm tra: {vi}.",
                           f"{user_title(user)} cannot be put on the check's team: {en}.", "team_ids",
                           code=f"team_member_{unfit}")
        if unit.pk in conflict_unit_ids(officer_id=user.officer_id, since=since):
            # named as a person, not by login ("inspector từng công tác…": insider re-check of stop 26)
            raise _invalid(f"Đồng chí {user_title(user)} từng công tác tại đơn vị được kiểm tra trong {conflict_years} "
                           "năm gần đây (xung đột lợi ích).",
                           f"{user_title(user)} served in the target unit within {conflict_years} years "
                           "(conflict of interest).", "team_ids", )


def _refuse_team_of_one(members: list[User]) -> None:
    """The two-person rule: a surprise check is carried out by two people at least (issue 15); the
    figure's one owner is inspection.draw.MIN_TEAM_SIZE, which the draw keeps too."""
    if len(members) < MIN_TEAM_SIZE:
        raise _invalid(f"Tổ kiểm tra phải có ít nhất {MIN_TEAM_SIZE} người (kể cả người lập kế hoạch): kiểm tra "
                       "đột xuất không do một người thực hiện một mình. Hãy chọn thêm thành viên.",
                       f"A check team needs at least {MIN_TEAM_SIZE} people (the planner included): a surprise "
                       "check is never carried out by one person alone. Add a member.", "team_ids",
                       code="team_too_small")


def _refuse_one_person_twice(members: list[User]) -> None:
    """A team of N is N different persons: two accounts of one person are one member (insider review F1)."""
    persons = distinct_persons(members)
    if len(persons) != len(members):
        twice = [u.get_username() for u in members if u not in persons]
        raise same_person_refused(f"Tổ kiểm tra có người được đưa vào hai lần dưới hai tài khoản ({', '.join(twice)}).",
                                  f"The team holds one person twice under two accounts ({', '.join(twice)}).")


# How far ahead a check or a draw window may start (days), and the grace for a check planned on the spot.
PAST_GRACE_MINUTES = 15


def _hidden_span(check: SurpriseCheck) -> tuple[datetime, datetime]:
    """The stretch of time a check hidden from the planner blocks its people for him: the whole window
    of its draw (which the planner can read anyway), or the whole week of a hand-made check. Refusing
    over the exact hour would tell him the hidden check's hour (rev13adv F1b)."""
    tz = timezone.get_current_timezone()
    params = check.draw.params if check.draw is not None else {}
    if params.get("start") and params.get("end"):
        first, last = date.fromisoformat(params["start"]), date.fromisoformat(params["end"])
    else:
        day = timezone.localtime(check.window_start).date()
        first = day - timedelta(days=day.weekday())
        last = first + timedelta(days=6)
    start = timezone.make_aware(datetime.combine(first, datetime.min.time()), tz)
    end = timezone.make_aware(datetime.combine(last + timedelta(days=1), datetime.min.time()), tz)
    return min(start, check.window_start), max(end, check.window_end)


def _refuse_hidden_booking(by: User, members: list[User], window_start: datetime, window_end: datetime) -> None:
    """People on a planned check the planner may not know (a unit he is conflicted with, or another
    lead's check he is not on) are kept off his hand-made checks for the whole span of that check
    (its draw's window, or its week), with a message that says neither when nor where."""
    from inspection.secrecy import checks_visible_to

    ids = [u.pk for u in members]
    hidden = (SurpriseCheck.objects.filter(state=SurpriseCheck.State.PLANNED)
              .filter(Q(lead_id__in=ids) | Q(team__in=ids))
              .exclude(pk__in=checks_visible_to(by).values("pk"))
              .select_related("draw").prefetch_related("team").distinct())
    busy: list[User] = []
    for other in hidden:
        start, end = _hidden_span(other)
        if not (start < window_end and window_start < end):
            continue
        people = {u.pk for u in other.team.all()} | {other.lead_id}
        busy.extend(u for u in members if u.pk in people and u not in busy)
    if busy:
        names = ", ".join(u.get_username() for u in busy)
        raise Conflict(f"Không thể lập cuộc kiểm tra: {names} không thể được xếp vào khoảng thời gian này. "
                       "Chọn người khác hoặc một tuần khác.",
                       f"Cannot plan the check: {names} cannot be booked in this period. Pick other people or "
                       "another week.", code="double_booked")


def _refuse_absent(members: list[User], window_start: datetime, window_end: datetime) -> None:
    """A hand-made check puts nobody on a day he is recorded away (leave, illness, conflict), as the
    draw does not (rev13adv F7)."""
    from inspection.services_absences import absences_in_window

    first, last = timezone.localdate(window_start), timezone.localdate(window_end)
    days = [(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]
    whole, partly = absences_in_window(user_ids=[u.pk for u in members], days=days)
    away = set(whole) | set(partly)
    if away:
        names = ", ".join(u.get_username() for u in members if u.pk in away)
        raise Conflict(f"Không thể lập cuộc kiểm tra: {names} được ghi nhận vắng mặt (nghỉ phép, ốm, xung đột "
                       "lợi ích) vào ngày kiểm tra; chọn ngày khác hoặc người khác.",
                       f"Cannot plan the check: {names} is recorded away (leave, illness, conflict) on that day; "
                       "pick another day or other people.", code="member_absent")


def _refuse_unit_clash(by: User, unit: Unit, window_start: datetime,
                       window_end: datetime) -> None:
    """A unit is never on two planned or running checks at overlapping times (rev13adv F7). Against a
    check the planner may not know, the refusal covers that check's whole span (draw window or week)
    and says no time, so it tells him no hour."""
    from inspection.secrecy import checks_visible_to

    others = (SurpriseCheck.objects.select_for_update(of=("self",))  # the draw is a nullable join
              .filter(unit=unit, state__in=[SurpriseCheck.State.PLANNED, SurpriseCheck.State.IN_PROGRESS])
              .select_related("draw").order_by("window_start", "id"))
    visible = set(checks_visible_to(by).filter(unit=unit).values_list("pk", flat=True))
    for other in others:
        if other.pk in visible:
            if other.window_start < window_end and window_start < other.window_end:
                raise Conflict(f"Không thể lập cuộc kiểm tra: đơn vị đã có cuộc kiểm tra {other.reference} trùng giờ "
                               f"({timezone.localtime(other.window_start):%d/%m/%Y %H:%M}–"
                               f"{timezone.localtime(other.window_end):%H:%M}). Một đơn vị không bị kiểm tra hai lần "
                               "cùng lúc.",
                               f"Cannot plan the check: the unit already has check {other.reference} at an "
                               "overlapping time. A unit is not checked twice at once.", code="unit_double_booked")
            continue
        start, end = _hidden_span(other)
        if start < window_end and window_start < end:
            raise Conflict("Không thể lập cuộc kiểm tra cho đơn vị này trong khoảng thời gian này; chọn một tuần "
                           "khác.", "The unit cannot take a check in this period; pick another week.",
                           code="unit_double_booked")


def _refuse_double_booking(members: list[User], window_start: datetime, window_end: datetime,
                           by: User | None = None) -> None:
    """Nobody is on two checks at once: a check overlapping a planned or running check of one of its
    people is refused (F3). The message names the person and the time, never the other check's unit.
    Checks hidden from the planner are refused first, without a time (_refuse_hidden_booking)."""
    if by is not None:
        _refuse_hidden_booking(by, members, window_start, window_end)
    clashes = (SurpriseCheck.objects.select_for_update()
               .filter(state__in=[SurpriseCheck.State.PLANNED, SurpriseCheck.State.IN_PROGRESS],
                       window_start__lt=window_end, window_end__gt=window_start)
               .order_by("window_start", "id"))
    busy = []
    for other in clashes.prefetch_related("team"):
        people = {u.pk for u in other.team.all()} | {other.lead_id}
        for user in members:
            if user.pk in people and user not in busy:
                busy.append(user)
    if busy:
        names = ", ".join(u.get_full_name() or u.get_username() for u in busy)  # the person, not the login
        raise Conflict(f"Không thể lập cuộc kiểm tra: {names} đã có cuộc kiểm tra khác trùng giờ "
                       f"({timezone.localtime(window_start):%d/%m/%Y %H:%M}–{timezone.localtime(window_end):%H:%M}). "
                       "Một người không được ở hai cuộc kiểm tra cùng lúc; chọn giờ khác hoặc người khác.",
                       f"Cannot plan the check: {names} already on another check at that time. Nobody may be on "
                       "two checks at once; pick another time or other people.", code="double_booked")


@transaction.atomic
def check_create(*, by: User, mode: str, unit: Unit, window_start: datetime, window_end: datetime,
                 team: list[User], counter: Counter | None = None, criteria_set: CriteriaSet | None = None,
                 notes: str = "", record_past: bool = False) -> SurpriseCheck:
    """Plan a hand-made check. It starts no earlier than now (a few minutes' grace for a check planned
    on the spot) and no later than the draws' horizon: a check dated in the past never starts, and one
    dated far ahead would keep its unit out of the draws (rev13adv F5). `record_past` is for the
    seeders' history only; the API never sets it."""
    require_role(by, *LEAD)
    if mode not in SurpriseCheck.Mode.values:
        raise _invalid("Hình thức kiểm tra không hợp lệ.", f"Unknown mode {mode!r}.", "mode")
    _aware(window_start, "window_start")
    _aware(window_end, "window_end")
    if window_end <= window_start:
        raise _invalid("Thời điểm kết thúc phải sau thời điểm bắt đầu.", "window_end must be after window_start.",
                       "window_end")
    now = timezone.now()
    if not record_past and window_start < now - timedelta(minutes=PAST_GRACE_MINUTES):
        raise _invalid("Không thể lập kế hoạch kiểm tra bắt đầu trong quá khứ.",
                       "A planned check cannot start in the past.", "window_start")
    if window_start > now + timedelta(days=HORIZON_DAYS):
        raise _invalid(f"Chỉ lập kế hoạch kiểm tra trong vòng {HORIZON_DAYS} ngày tới.",
                       f"A check can be planned at most {HORIZON_DAYS} days ahead.", "window_start")
    if counter is not None and counter.unit_id != unit.pk:
        raise _invalid("Quầy không thuộc đơn vị được kiểm tra.", "The counter does not belong to the unit.",
                       "counter_id")
    # the unit exists on the check's day: not yet created (insider review, issue 15) is refused like ended
    require_unit_existed(unit=unit, start=timezone.localdate(window_start), field="unit_id")
    members = list({u.pk: u for u in [by, *team]}.values())
    _refuse_team_of_one(members)
    _refuse_one_person_twice(members)
    _validate_team(members, unit, timezone.localdate(window_start))
    _refuse_absent(members, window_start, window_end)
    _refuse_unit_clash(by, unit, window_start, window_end)
    _refuse_double_booking(members, window_start, window_end, by=by)
    if criteria_set is None:
        criteria_set = CriteriaSet.objects.filter(is_active=True, year__lte=timezone.localdate(window_start).year
                                                  ).order_by("-year", "-version", "-id").first()
    check = SurpriseCheck.objects.create(reference=_check_reference(), mode=mode, unit=unit, counter=counter,
                                         window_start=window_start, window_end=window_end, lead=by,
                                         criteria_set=criteria_set, notes=notes, created_by=by)
    check.team.set(members)
    audit_record(actor=by, verb="check.plan", object_type="inspection.sealed",
                 payload=_seal({"uid": str(check.uid), "unit": unit.pk, "window_start": window_start,
                                "team": [u.pk for u in members]}))
    return check


def _refuse_unit_gone(check: SurpriseCheck, day: date) -> None:
    """A check is carried out on a unit that exists on the day it starts (the rule findings and planning
    follow, org.services_units.require_unit_existed). An org change never looks at a planned check (it is a
    secret, docs/architecture.md), so its unit may have been ended, merged or abolished since it was planned:
    the lead learns it here (and on the check list / home) and cancels or re-plans the check."""
    try:
        require_unit_existed(unit=check.unit, start=day, field="unit_id")
    except DomainError as exc:
        raise Conflict(
            f"Không thể bắt đầu cuộc kiểm tra {check.reference}: {exc.message} "
            "Hãy hủy cuộc kiểm tra này và lập kế hoạch cho đơn vị đang tồn tại.",
            f"Cannot start check {check.reference}: {exc.message_en} Cancel it and plan one for a unit that "
            "exists.", code="unit_not_active", fields=exc.fields) from exc


@transaction.atomic
def check_start(*, by: User, check: SurpriseCheck) -> SurpriseCheck:
    """The team lead starts the check on site: from now on the check exists for the unit."""
    require_role(by, *TEAM)  # the check's own lead: an inspector may lead a drawn check
    check = _check_locked(check.pk)
    if check.lead_id != by.pk:
        raise Forbidden("Chỉ tổ trưởng của cuộc kiểm tra mới được bắt đầu.", "Only the check's team lead may start it.")
    if check.state != SurpriseCheck.State.PLANNED:
        raise Conflict("Cuộc kiểm tra không ở trạng thái kế hoạch.", "Only a planned check can be started.",
                       code="invalid_state")
    now = timezone.now()
    _refuse_unit_gone(check, timezone.localdate(now))
    criteria_set = check.criteria_set or CriteriaSet.objects.filter(is_active=True).order_by(
        "-year", "-version", "-id").first()
    if criteria_set is None:
        raise Conflict("Chưa có bộ tiêu chí đang áp dụng.", "No active criteria set exists.", code="no_criteria")
    check.state = SurpriseCheck.State.IN_PROGRESS
    check.started_at = now
    check.criteria_set = criteria_set
    check.save(update_fields=["state", "started_at", "criteria_set"])
    CheckReport.objects.create(surprise_check=check, criteria_set=criteria_set)
    audit_record(actor=by, verb="check.start", obj=check,
                 payload={"uid": str(check.uid), "reference": check.reference, "unit": check.unit_id,
                          "counter": check.counter_id, "mode": check.mode, "planned_at": check.created_at,
                          "window_start": check.window_start, "team": sorted(check.team.values_list("id", flat=True))})
    broadcast_on_commit([f"unit:{check.unit_id}"], _event(check, "check.started"))
    return check


@transaction.atomic
def check_cancel(*, by: User, check: SurpriseCheck, reason: str) -> SurpriseCheck:
    require_role(by, *TEAM)  # the check's own lead: an inspector may lead a drawn check
    # a published reason: _require_reason refuses greetings and filler too ("xin chào" cancelled a check, S2-2)
    reason = _require_reason(reason, "reason", "lý do hủy")
    check = _check_locked(check.pk)
    if by.pk not in (check.lead_id, check.created_by_id):
        raise Forbidden("Chỉ tổ trưởng của cuộc kiểm tra (hoặc người lập kế hoạch) mới được hủy.",
                        "Only the check's team lead (or the lead who planned it) may cancel it.")
    if not on_check_team(by, check):
        # the planner conflicted with the unit (moved off its check by the draw) may not act on it (F17)
        raise Forbidden("Đồng chí có xung đột lợi ích với đơn vị này nên không được thao tác trên cuộc kiểm tra.",
                        "You have a conflict of interest with this unit and may not act on its check.")
    if check.state not in (SurpriseCheck.State.PLANNED, SurpriseCheck.State.IN_PROGRESS):
        raise Conflict("Chỉ hủy được cuộc kiểm tra chưa kết thúc.", "Only a planned or running check can be cancelled.",
                       code="invalid_state")
    was_started = check.started_at is not None
    check.state = SurpriseCheck.State.CANCELLED
    check.cancelled_at = timezone.now()
    check.cancel_reason = reason
    check.save(update_fields=["state", "cancelled_at", "cancel_reason"])
    if was_started:
        audit_record(actor=by, verb="check.cancel", obj=check, payload={"reason": reason})
        broadcast_on_commit([f"unit:{check.unit_id}"], _event(check, "check.cancelled"))
    else:
        # never started: it stays a secret, the record is sealed
        audit_record(actor=by, verb="check.cancel", object_type="inspection.sealed",
                     payload=_seal({"uid": str(check.uid), "reason": reason}))
    return check


@transaction.atomic
def check_complete(*, by: User, check: SurpriseCheck) -> SurpriseCheck:
    require_role(by, *TEAM)  # the check's own lead: an inspector may lead a drawn check
    check = _check_locked(check.pk)
    if check.lead_id != by.pk:
        raise Forbidden("Chỉ tổ trưởng của cuộc kiểm tra mới được kết thúc.", "Only the check's team lead may complete it.")
    if check.state != SurpriseCheck.State.IN_PROGRESS:
        raise Conflict("Cuộc kiểm tra không đang diễn ra.", "Only a running check can be completed.", code="invalid_state")
    report = CheckReport.objects.get(surprise_check=check)
    from inspection.selectors_criteria import criteria_leaves

    answered = set(report.results.values_list("criterion_id", flat=True))
    missing = [c.code for c in criteria_leaves(criteria_set=report.criteria_set) if c.pk not in answered]
    if missing:
        raise DomainError(f"Chưa chấm các tiêu chí: {', '.join(missing)}.",
                          f"Criteria without a result: {', '.join(missing)}.", code="incomplete",
                          fields={"results": missing})
    check.state = SurpriseCheck.State.COMPLETED
    check.completed_at = timezone.now()
    check.save(update_fields=["state", "completed_at"])
    audit_record(actor=by, verb="check.complete", obj=check, payload={"score": report.score})
    broadcast_on_commit([f"unit:{check.unit_id}"], _event(check, "check.completed"))
    return check
