"""Writes of the inspection app. Every function validates first, then writes in one transaction
with its audit record; side effects (broadcasts, jobs) go out only after commit.

Secrecy: nothing about a planned check is broadcast, and its audit payloads are sealed (only a
SHA-256 of the details is recorded) until the lead starts it.
"""
from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, BinaryIO

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from backend.accounts.models import INSPECTION_TEAM, Role, User
from backend.accounts.scope import unit_in_scope
from backend.accounts.selectors import require_role
from backend.audit.services import audit_record
from backend.core.errors import Conflict, DomainError, Forbidden, NotFound
from backend.core.events import broadcast_on_commit
from backend.core.params import parse_int
from backend.core.store import ObjectMissing, get_store
from backend.core.uploads import store_upload
from backend.org.models import Counter, FieldOfCharge, Officer, Unit
from backend.org.selectors import unit_ancestor_ids_at, unit_heads_between, unit_served_ids
from backend.org.services import require_unit_existed
from inspection import defaults
from inspection.models import (
    CheckReport,
    Complaint,
    CriteriaSet,
    Criterion,
    Finding,
    FindingCategory,
    FindingEvidence,
    FindingExplanation,
    FindingSubject,
    FindingTransition,
    ReportEvidence,
    SatisfactionRating,
    Severity,
    SurpriseCheck,
)
from inspection.secrecy import on_check_team

# Subdomains moved to their own modules (issue 17); re-exported so `from inspection.services import X`
# and `services.X` keep working for every caller.
from inspection.services_absences import absence_create, absence_withdraw  # noqa: F401
from inspection.services_common import (
    LEAD,
    TEAM,
    _aware,
    _check_locked,
    _decimal,
    _event,
    _invalid,
    _require_reason,
    _require_team_member,
    _require_text,
    _seal,
)
from inspection.services_draws import (  # noqa: F401
    HORIZON_DAYS,
    _add_months,
    _check_reference,
    _latest_snapshots,
    _team_conflicts,
    conflict_unit_ids,
    draw_cancel,
    draw_close,
    draw_create,
    draw_inputs,
    draw_split,
    draw_verify,
    working_days,
)
from inspection.services_ratings import (  # noqa: F401
    CSV_CHUNK,
    CSV_REQUIRED,
    MAX_BATCH,
    VOLUME_WRITERS,
    _csv_reader,
    _parse_when,
    _rating_item,
    csv_import_queue,
    csv_import_run,
    csv_import_start,
    device_code_for_serial,
    rating_device_register,
    ratings_import_csv,
    ratings_import_upload,
    ratings_record,
    ratings_review,
    volumes_import_csv,
    volumes_record,
)
from inspection.services_reports import (  # noqa: F401
    MAX_EVIDENCE_BYTES,
    content_hash,
    report_amend,
    report_content,
    report_evidence_add,
    report_update,
)
from inspection.services_risk import (  # noqa: F401
    risk_candidate_units,
    risk_compute,
    risk_config,
    risk_weights_set,
)
from inspection.services_signoff import (  # noqa: F401
    report_handover_end,
    report_handover_start,
    report_representative_sign,
    report_sign,
)

# --- catalogue and criteria -------------------------------------------------------------------------


@transaction.atomic
def catalogue_seed(*, by: Any) -> int:
    """Create or refresh the finding categories from defaults (idempotent)."""
    created = 0
    fields = {f.code: f for f in FieldOfCharge.objects.all()}
    for code, name_vi, name_en, severity, deduction in defaults.DEFAULT_CATEGORIES:
        category, was_created = FindingCategory.objects.update_or_create(
            code=code, defaults={"name_vi": name_vi, "name_en": name_en, "default_severity": severity,
                                 "deduction_points": Decimal(str(deduction))})
        if was_created:  # a category's fields, once set, are the admin's: a re-seed does not undo them
            category.fields.set([fields[f] for f in defaults.CATEGORY_FIELDS.get(code, []) if f in fields])
        created += was_created
    audit_record(actor=by, verb="inspection.catalogue_seed", object_type="inspection.findingcategory",
                 payload={"created": created, "total": len(defaults.DEFAULT_CATEGORIES)})
    return created


@transaction.atomic
def category_fields_set(*, by: Any, category: FindingCategory, field_ids: list[int]) -> FindingCategory:
    """Which fields of charge a kind of violation belongs to: the deputy in charge of one of them answers
    for findings of it. Traces made from now on use the new list; the audit trail keeps the old one."""
    wanted = list(dict.fromkeys(field_ids))
    fields = list(FieldOfCharge.objects.filter(pk__in=wanted))
    missing = sorted(set(wanted) - {f.pk for f in fields})
    if missing:
        raise DomainError(f"Lĩnh vực phụ trách không tồn tại: {missing}.", f"Unknown field(s) of charge: {missing}.",
                          code="unknown_field", fields={"field_ids": [str(m) for m in missing]})
    inactive = [f.name_vi for f in fields if not f.active]
    if inactive:
        raise DomainError(f"Lĩnh vực đã ngừng sử dụng: {', '.join(inactive)}.", "A field is no longer in use.",
                          code="field_inactive", fields={"field_ids": ["inactive"]})
    before = sorted(category.fields.values_list("code", flat=True))
    category.fields.set(fields)
    audit_record(actor=by, verb="inspection.category_fields_set", obj=category,
                 payload={"from": before, "to": sorted(f.code for f in fields)})
    return category


def _validate_tree(nodes: Any, path: str, seen: set[str], out: list[dict[str, Any]], parent: str | None) -> None:
    if not isinstance(nodes, list):
        raise _invalid(f"{path}: phải là danh sách tiêu chí.", f"{path}: must be a list of criteria.", path)
    for index, node in enumerate(nodes):
        where = f"{path}[{index}]"
        if not isinstance(node, dict):
            raise _invalid(f"{where}: phải là một đối tượng.", f"{where}: must be an object.", where)
        code = str(node.get("code", "")).strip()
        text = str(node.get("text", "")).strip()
        if not code or len(code) > 40:
            raise _invalid(f"{where}.code: thiếu mã tiêu chí (tối đa 40 ký tự).",
                           f"{where}.code: a criterion code (max 40 chars) is required.", f"{where}.code")
        if code in seen:
            raise _invalid(f"Mã tiêu chí {code} bị trùng.", f"Duplicate criterion code {code}.", f"{where}.code",
                           code="duplicate_code")
        if not text:
            raise _invalid(f"{where}.text: thiếu nội dung tiêu chí.", f"{where}.text: text is required.",
                           f"{where}.text")
        seen.add(code)
        children = node.get("children") or []
        weight = _decimal(node.get("weight", 1), f"{where}.weight", minimum=Decimal(0))
        max_points = _decimal(node.get("max_points", 0), f"{where}.max_points", minimum=Decimal(0))
        if not children and max_points <= 0:
            raise _invalid(f"{where}: tiêu chí lá phải có điểm tối đa lớn hơn 0.",
                           f"{where}: a leaf criterion needs max_points > 0.", f"{where}.max_points")
        if max_points > 1000 or weight > 100:
            raise _invalid(f"{where}: điểm hoặc trọng số quá lớn.", f"{where}: points or weight too large.", where)
        out.append({"code": code, "text": text, "text_en": str(node.get("text_en", "")),
                    "guidance": str(node.get("guidance", "")), "max_points": max_points, "weight": weight,
                    "critical": bool(node.get("critical", False)), "parent": parent})
        if children:
            _validate_tree(children, f"{where}.children", seen, out, code)


@transaction.atomic
def criteria_set_import(*, by: Any, data: dict[str, Any]) -> CriteriaSet:
    """Create a criteria set from the JSON export shape. Validates the whole tree first."""
    if not isinstance(data, dict):
        raise _invalid("Dữ liệu bộ tiêu chí phải là một đối tượng JSON.", "Criteria set must be a JSON object.")
    code = str(data.get("code", "")).strip()
    name = str(data.get("name", "")).strip()
    if not code or len(code) > 60:
        raise _invalid("Thiếu mã bộ tiêu chí.", "code is required (max 60 chars).", "code")
    if not name:
        raise _invalid("Thiếu tên bộ tiêu chí.", "name is required.", "name")
    try:
        year = int(data.get("year") or 0)
    except (TypeError, ValueError):
        year = 0
    if not 2000 <= year <= 2100:
        raise _invalid("Năm áp dụng không hợp lệ.", "year must be between 2000 and 2100.", "year")
    nodes: list[dict[str, Any]] = []
    _validate_tree(data.get("criteria"), "criteria", set(), nodes, None)
    if not nodes:
        raise _invalid("Bộ tiêu chí phải có ít nhất một tiêu chí.", "At least one criterion is required.", "criteria")
    current = CriteriaSet.objects.filter(code=code, year=year).aggregate(v=Max("version"))["v"] or 0
    version = data.get("version")
    if version in (None, ""):
        version = current + 1
    else:
        version = parse_int(version, "version", lo=1, hi=2**31 - 1) or current + 1
        if version <= current:
            raise Conflict(f"Bộ tiêu chí {code} năm {year} đã có phiên bản {current}; phiên bản mới phải lớn hơn.",
                           f"Criteria set {code}/{year} already has version {current}; use a higher version.",
                           code="version_exists")
    cs = CriteriaSet.objects.create(code=code, year=year, version=version, name=name,
                                    description=str(data.get("description", "")),
                                    is_active=bool(data.get("is_active", True)),
                                    created_by=by if getattr(by, "pk", None) else None)
    created: dict[str, Criterion] = {}
    for position, node in enumerate(nodes):
        parent = created[node.pop("parent")] if node.get("parent") else None
        node.pop("parent", None)
        created[node["code"]] = Criterion.objects.create(criteria_set=cs, parent=parent, position=position, **node)
    # a group's max is the sum of its children
    for crit in sorted(created.values(), key=lambda c: -c.position):
        kids = [c for c in created.values() if c.parent_id == crit.pk]
        if kids:
            crit.max_points = sum((k.max_points for k in kids), Decimal(0))
            crit.save(update_fields=["max_points"])
    audit_record(actor=by, verb="criteria_set.import", obj=cs,
                 payload={"code": code, "year": year, "version": version, "criteria": len(nodes)})
    return cs


@transaction.atomic
def criteria_set_activate(*, by: Any, criteria_set: CriteriaSet, active: bool) -> CriteriaSet:
    require_role(by, *LEAD)
    criteria_set.is_active = active
    criteria_set.save(update_fields=["is_active"])
    audit_record(actor=by, verb="criteria_set.activate" if active else "criteria_set.deactivate", obj=criteria_set)
    return criteria_set


def criteria_set_seed_default(*, by: Any, year: int) -> CriteriaSet:
    existing = CriteriaSet.objects.filter(code=defaults.DEFAULT_CRITERIA_CODE, year=year).first()
    if existing is not None:
        return existing
    return criteria_set_import(by=by, data={**defaults.DEFAULT_CRITERIA, "year": year, "version": 1})


# --- checks -----------------------------------------------------------------------------------------


def _validate_team(team: list[User], unit: Unit, on: date, conflict_years: int = 3) -> None:
    since = _add_months(on, -12 * conflict_years)
    for user in team:
        if user.role not in INSPECTION_TEAM or not user.is_active:
            raise _invalid(f"{user.get_username()} không thuộc tổ kiểm tra.",
                           f"{user.get_username()} is not a member of the inspection team.", "team_ids")
        if unit.pk in conflict_unit_ids(officer_id=user.officer_id, since=since):
            raise _invalid(f"{user.get_username()} từng công tác tại đơn vị được kiểm tra trong {conflict_years} "
                           "năm gần đây (xung đột lợi ích).",
                           f"{user.get_username()} served in the target unit within {conflict_years} years "
                           "(conflict of interest).", "team_ids", )


# How far ahead a check or a draw window may start (days), and the grace for a check planned on the spot.
PAST_GRACE_MINUTES = 15


def _hidden_span(check: SurpriseCheck) -> tuple[datetime, datetime]:
    """The stretch of time a check hidden from the planner blocks its people for him: the whole window
    of its draw (which the planner can read anyway), or the whole week of a hand-made check. Refusing
    over the exact hour would tell him the hidden check's hour (rev13adv F1b)."""
    tz = timezone.get_current_timezone()
    params = check.draw.params if check.draw_id else {}
    if params.get("start") and params.get("end"):
        first, last = date.fromisoformat(params["start"]), date.fromisoformat(params["end"])
    else:
        day = timezone.localtime(check.window_start).date()
        first = day - timedelta(days=day.weekday())
        last = first + timedelta(days=6)
    start = timezone.make_aware(datetime.combine(first, datetime.min.time()), tz)
    end = timezone.make_aware(datetime.combine(last + timedelta(days=1), datetime.min.time()), tz)
    return min(start, check.window_start), max(end, check.window_end)


def _refuse_hidden_booking(by: Any, members: list[User], window_start: datetime, window_end: datetime) -> None:
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


def _refuse_unit_clash(by: Any, unit: Unit, window_start: datetime,
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
                           by: Any = None) -> None:
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
def check_create(*, by: Any, mode: str, unit: Unit, window_start: datetime, window_end: datetime,
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


@transaction.atomic
def check_start(*, by: Any, check: SurpriseCheck) -> SurpriseCheck:
    """The team lead starts the check on site: from now on the check exists for the unit."""
    require_role(by, *TEAM)  # the check's own lead: an inspector may lead a drawn check
    check = _check_locked(check.pk)
    if check.lead_id != by.pk:
        raise Forbidden("Chỉ tổ trưởng của cuộc kiểm tra mới được bắt đầu.", "Only the check's team lead may start it.")
    if check.state != SurpriseCheck.State.PLANNED:
        raise Conflict("Cuộc kiểm tra không ở trạng thái kế hoạch.", "Only a planned check can be started.",
                       code="invalid_state")
    criteria_set = check.criteria_set or CriteriaSet.objects.filter(is_active=True).order_by(
        "-year", "-version", "-id").first()
    if criteria_set is None:
        raise Conflict("Chưa có bộ tiêu chí đang áp dụng.", "No active criteria set exists.", code="no_criteria")
    now = timezone.now()
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
def check_cancel(*, by: Any, check: SurpriseCheck, reason: str) -> SurpriseCheck:
    require_role(by, *TEAM)  # the check's own lead: an inspector may lead a drawn check
    reason = _require_reason(reason, "reason", "lý do hủy")
    check = _check_locked(check.pk)
    if by.pk not in (check.lead_id, check.created_by_id):
        raise Forbidden("Chỉ tổ trưởng của cuộc kiểm tra (hoặc người lập kế hoạch) mới được hủy.",
                        "Only the check's team lead (or the lead who planned it) may cancel it.")
    if not on_check_team(by, check):
        # the planner conflicted with the unit (moved off its check by the draw) may not act on it (F17)
        raise Forbidden("Bạn có xung đột lợi ích với đơn vị này nên không được thao tác trên cuộc kiểm tra.",
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
def check_complete(*, by: Any, check: SurpriseCheck) -> SurpriseCheck:
    require_role(by, *TEAM)  # the check's own lead: an inspector may lead a drawn check
    check = _check_locked(check.pk)
    if check.lead_id != by.pk:
        raise Forbidden("Chỉ tổ trưởng của cuộc kiểm tra mới được kết thúc.", "Only the check's team lead may complete it.")
    if check.state != SurpriseCheck.State.IN_PROGRESS:
        raise Conflict("Cuộc kiểm tra không đang diễn ra.", "Only a running check can be completed.", code="invalid_state")
    report = CheckReport.objects.get(surprise_check=check)
    from inspection.selectors import criteria_leaves

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


# --- findings ------------------------------------------------------------------------------------------

FINDING_FLOW = {
    (Finding.State.DRAFT, Finding.State.CONFIRMED): LEAD,
    (Finding.State.DRAFT, Finding.State.DISMISSED): LEAD,
    (Finding.State.CONFIRMED, Finding.State.DISMISSED): LEAD,
    (Finding.State.CONFIRMED, Finding.State.ACTIONED): (Role.INSPECTION_LEAD, Role.DISCIPLINARY),
}


def _clean_subjects(subjects: Any) -> list[dict[str, Any]]:
    if subjects is None:
        return []
    if not isinstance(subjects, list):
        raise _invalid("subjects phải là danh sách.", "subjects must be a list.", "subjects")
    ids = [s.get("officer_id") for s in subjects if isinstance(s, dict)]
    officers = {o.pk: o for o in Officer.objects.filter(pk__in=[i for i in ids if isinstance(i, int)])}
    clean, seen = [], set()
    for index, s in enumerate(subjects):
        key = f"subjects[{index}]"
        if not isinstance(s, dict):
            raise _invalid(f"{key}: phải là đối tượng.", f"{key}: must be an object.", key)
        officer = officers.get(s.get("officer_id"))  # type: ignore[arg-type]
        if officer is None:
            raise _invalid(f"{key}: không tìm thấy cán bộ.", f"{key}: unknown officer.", f"{key}.officer_id")
        role = s.get("role")
        if role not in FindingSubject.Role.values:
            raise _invalid(f"{key}: vai trò không hợp lệ.", f"{key}: role must be one of {FindingSubject.Role.values}.",
                           f"{key}.role")
        if (officer.pk, role) in seen:
            raise _invalid(f"{key}: cán bộ bị lặp với cùng vai trò.", f"{key}: officer listed twice with that role.", key)
        seen.add((officer.pk, role))
        clean.append({"officer": officer, "role": role, "knew_and_did_not_act": bool(s.get("knew_and_did_not_act")),
                      "covered_up": bool(s.get("covered_up")), "note": str(s.get("note", "") or "")[:2000]})
    return clean


def _check_subjects_served(subjects: list[dict[str, Any]], *, unit: Unit, occurred_from: datetime,
                           occurred_to: datetime | None) -> None:
    """A violator served in the finding's unit when it happened; a responsible head served in that
    unit or a unit above it. Anyone else is refused: the trace would blame the wrong person."""
    if not subjects:
        return
    start = timezone.localtime(occurred_from).date()
    end = timezone.localtime(occurred_to).date() if occurred_to else start
    in_unit = unit_served_ids(unit=unit, start=start, end=end)
    above: set[int] | None = None
    heads: set[int] | None = None
    when = f"{start:%d/%m/%Y}" if end == start else f"{start:%d/%m/%Y} – {end:%d/%m/%Y}"
    for index, s in enumerate(subjects):
        officer = s["officer"]
        if s["role"] != FindingSubject.Role.RESPONSIBLE_HEAD:
            if officer.pk in in_unit:
                continue
        else:
            # the responsible head headed (or acted as head of) the unit or a unit above it then
            chain = unit_ancestor_ids_at(unit=unit, at=start)
            if heads is None:
                heads = {a.officer_id for unit_id in chain
                         for a in unit_heads_between(unit=Unit(pk=unit_id), start=start, end=end)}
            if officer.pk in heads:
                continue
            if above is None:
                above = set().union(*(unit_served_ids(unit=Unit(pk=unit_id), start=start, end=end)
                                      for unit_id in chain[1:]))
            if officer.pk in in_unit or officer.pk in above:
                raise _invalid(
                    f"Cán bộ {officer.full_name} ({officer.service_number}) không giữ chức vụ người đứng đầu "
                    f"{unit.name} hay đơn vị cấp trên vào thời điểm vi phạm ({when}), nên không thể là người "
                    f"đứng đầu chịu trách nhiệm.",
                    f"Officer {officer.service_number} did not head {unit.code} or a unit above it when the "
                    f"violation happened ({start.isoformat()}{'' if end == start else '..' + end.isoformat()}), "
                    f"so cannot be the responsible head.",
                    f"subjects[{index}].role", code="subject_not_head")
        raise _invalid(
            f"Cán bộ {officer.full_name} ({officer.service_number}) không công tác tại {unit.name} "
            f"vào thời điểm vi phạm ({when}).",
            f"Officer {officer.service_number} did not serve in {unit.code} when the violation happened "
            f"({start.isoformat()}{'' if end == start else '..' + end.isoformat()}).",
            f"subjects[{index}].officer_id", code="subject_not_in_unit")


def _check_violation_period(start: datetime, end: datetime | None) -> None:
    """When a violation happened, on creation and on every edit: it has happened (neither end is in the
    future: an edited draft moved to 2027 was confirmed and traced) and it ends after it starts."""
    if end is not None and end < start:
        raise _invalid("Thời điểm kết thúc vi phạm phải sau thời điểm bắt đầu.",
                       "occurred_to must not be before occurred_from.", "occurred_to")
    latest = timezone.now() + timedelta(minutes=5)
    if start > latest:
        raise _invalid("Thời điểm vi phạm không thể ở tương lai.", "occurred_from cannot be in the future.",
                       "occurred_from")
    if end is not None and end > latest:
        raise _invalid("Thời điểm kết thúc vi phạm không thể ở tương lai; nếu vi phạm còn tiếp diễn, để trống.",
                       "occurred_to cannot be in the future; leave it empty while the violation goes on.",
                       "occurred_to")


def _finding_reference() -> str:
    year = timezone.localdate().year
    while True:
        ref = f"VP-{year}-{secrets.token_hex(3).upper()}"
        if not Finding.objects.filter(reference=ref).exists():
            return ref


@transaction.atomic
def finding_create(*, by: Any, source: str, category: FindingCategory, title: str, unit: Unit | None,
                   occurred_from: datetime, occurred_to: datetime | None = None, severity: str | None = None,
                   description: str = "", counter: Counter | None = None, surprise_check: SurpriseCheck | None = None,
                   complaint: Complaint | None = None, rating: SatisfactionRating | None = None,
                   criterion_code: str = "", subjects: list[dict[str, Any]] | None = None) -> Finding:
    if source == Finding.Source.FOOTAGE:
        require_role(by, *TEAM, Role.REVIEWER)
    else:
        require_role(by, *TEAM)
    if source not in Finding.Source.values:
        raise _invalid("Nguồn phát hiện không hợp lệ.", f"Unknown source {source!r}.", "source")
    title = _require_text(title, "title", "tiêu đề")[:300]
    severity = severity or category.default_severity
    if severity not in Severity.values:
        raise _invalid("Mức độ vi phạm không hợp lệ.", f"severity must be one of {Severity.values}.", "severity")
    _aware(occurred_from, "occurred_from")
    if occurred_to is not None:
        _aware(occurred_to, "occurred_to")
    _check_violation_period(occurred_from, occurred_to)
    criterion = None
    if surprise_check is not None:
        surprise_check = SurpriseCheck.objects.select_related("unit", "counter").get(pk=surprise_check.pk)
    if source == Finding.Source.CHECK:
        if surprise_check is None:
            raise _invalid("Vi phạm từ kiểm tra phải gắn với một cuộc kiểm tra.", "A check finding needs a check.",
                           "check")
        if surprise_check.started_at is None or surprise_check.state == SurpriseCheck.State.CANCELLED:
            raise Conflict("Cuộc kiểm tra chưa bắt đầu hoặc đã hủy.", "The check has not started or was cancelled.",
                           code="invalid_state")
        _require_team_member(by, surprise_check)
        unit = unit or surprise_check.unit
        if unit.pk != surprise_check.unit_id:
            raise _invalid("Đơn vị phải là đơn vị được kiểm tra.", "The unit must be the checked unit.", "unit_id")
        counter = counter or surprise_check.counter
        if criterion_code:
            criterion = Criterion.objects.filter(criteria_set_id=surprise_check.criteria_set_id,
                                                 code=criterion_code).first()
            if criterion is None:
                raise _invalid(f"Tiêu chí {criterion_code} không có trong bộ tiêu chí của cuộc kiểm tra.",
                               f"Criterion {criterion_code} is not in the check's criteria set.", "criterion")
    elif surprise_check is not None:
        raise _invalid("Chỉ vi phạm nguồn kiểm tra mới gắn với cuộc kiểm tra.", "Only check findings link a check.",
                       "check")
    if source == Finding.Source.COMPLAINT and complaint is None:
        raise _invalid("Vi phạm từ phản ánh phải gắn với một phản ánh.", "A complaint finding needs a complaint.",
                       "complaint_id")
    if source == Finding.Source.RATING and rating is None:
        raise _invalid("Vi phạm từ đánh giá phải gắn với một lượt đánh giá.", "A rating finding needs a rating.",
                       "rating_id")
    if rating is not None:
        counter = counter or rating.counter
        unit = unit or rating.counter.unit
    if complaint is not None:
        counter = counter or complaint.counter
        unit = unit or complaint.unit or (complaint.counter.unit if complaint.counter_id else None)
    if unit is None:
        raise _invalid("Cần chỉ rõ đơn vị.", "unit_id is required.", "unit_id")
    if not unit_in_scope(by, unit.pk):  # nothing is written for a unit the author may not see
        raise NotFound("Không tìm thấy đơn vị.", "Unit not found.")
    if counter is not None and counter.unit_id != unit.pk:
        raise _invalid("Quầy không thuộc đơn vị.", "The counter does not belong to the unit.", "counter_id")
    # a violation may run past its unit's merger: the trace follows it into the successor
    require_unit_existed(unit=unit, start=timezone.localtime(occurred_from).date(),
                         end=timezone.localtime(occurred_to).date() if occurred_to else None, into_successor=True)
    clean_subjects = _clean_subjects(subjects)
    _check_subjects_served(clean_subjects, unit=unit, occurred_from=occurred_from, occurred_to=occurred_to)
    finding = Finding.objects.create(
        reference=_finding_reference(), source=source, surprise_check=surprise_check, complaint=complaint,
        rating=rating, criterion=criterion, category=category, severity=severity, title=title,
        description=description.strip(), unit=unit, counter=counter, occurred_from=occurred_from,
        occurred_to=occurred_to, created_by=by)
    for s in clean_subjects:
        FindingSubject.objects.create(finding=finding, **s)
    FindingTransition.objects.create(finding=finding, from_state="", to_state=Finding.State.DRAFT, actor=by,
                                     reason="", at=timezone.now())  # the UI names it
    audit_record(actor=by, verb="finding.create", obj=finding,
                 payload={"source": source, "category": category.code, "severity": severity, "unit": unit.pk,
                          "check": str(surprise_check.uid) if surprise_check else None,
                          "subjects": [(s["officer"].pk, s["role"]) for s in clean_subjects]})
    return finding


@transaction.atomic
def finding_update(*, by: Any, finding: Finding, data: dict[str, Any]) -> Finding:
    """Edit a draft. Confirmed findings are frozen (accountability is computed from them)."""
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if by.role not in INSPECTION_TEAM and finding.created_by_id != by.pk:
        raise Forbidden()
    if finding.state != Finding.State.DRAFT:
        raise Conflict("Chỉ sửa được vi phạm ở trạng thái dự thảo.", "Only a draft finding can be edited.",
                       code="invalid_state")
    changes: dict[str, Any] = {}
    if "category" in data:
        finding.category = data["category"]
        changes["category"] = finding.category.code
    for field in ("title", "description"):
        if field in data:
            value = str(data[field] or "").strip()
            if field == "title" and not value:
                raise _invalid("Cần nhập tiêu đề.", "title is required.", "title")
            setattr(finding, field, value)
            changes[field] = value
    if "severity" in data:
        if data["severity"] not in Severity.values:
            raise _invalid("Mức độ vi phạm không hợp lệ.", f"severity must be one of {Severity.values}.", "severity")
        finding.severity = data["severity"]
        changes["severity"] = finding.severity
    if "occurred_from" in data:
        finding.occurred_from = _aware(data["occurred_from"], "occurred_from")
    if "occurred_to" in data:
        finding.occurred_to = _aware(data["occurred_to"], "occurred_to") if data["occurred_to"] else None
    if "occurred_from" in data or "occurred_to" in data:
        _check_violation_period(finding.occurred_from, finding.occurred_to)
        require_unit_existed(unit=finding.unit, start=timezone.localtime(finding.occurred_from).date(),
                             end=timezone.localtime(finding.occurred_to).date() if finding.occurred_to else None,
                             field="occurred_from", into_successor=True)
    subjects = _clean_subjects(data["subjects"]) if "subjects" in data else None
    if subjects is not None or "occurred_from" in data or "occurred_to" in data:
        current = subjects if subjects is not None else [
            {"officer": s.officer, "role": s.role} for s in finding.subjects.select_related("officer")]
        _check_subjects_served(current, unit=finding.unit, occurred_from=finding.occurred_from,
                               occurred_to=finding.occurred_to)
    finding.save()
    if subjects is not None:
        finding.subjects.all().delete()
        for s in subjects:
            FindingSubject.objects.create(finding=finding, **s)
        changes["subjects"] = [(s["officer"].pk, s["role"]) for s in subjects]
    audit_record(actor=by, verb="finding.update", obj=finding, payload={"changes": changes})
    return finding


@transaction.atomic
def finding_transition(*, by: Any, finding: Finding, to_state: str, reason: str) -> Finding:
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    roles = FINDING_FLOW.get((finding.state, to_state))
    if roles is None:
        raise Conflict(f"Không thể chuyển vi phạm từ '{finding.state}' sang '{to_state}'.",
                       f"A finding cannot go from {finding.state} to {to_state}.", code="invalid_transition")
    require_role(by, *roles)
    reason = _require_text(reason, "reason", "lý do")
    if to_state == Finding.State.DISMISSED:
        _refuse_dismissing_what_discipline_rests_on(finding)
    from inspection.services_common import is_a_reason
    from inspection.services_reports import _recompute_score, uncovered_critical

    report = (CheckReport.objects.select_for_update().filter(surprise_check_id=finding.surprise_check_id).first()
              if finding.surprise_check_id else None)
    signed = report is not None and report.is_signed
    before = set(uncovered_critical(report)) if signed else set()
    now = timezone.now()
    from_state = finding.state
    finding.state = to_state
    if to_state == Finding.State.CONFIRMED:
        finding.confirmed_at = now
        finding.confirmed_by = by
    finding.save()
    if signed:
        newly_uncovered = set(uncovered_critical(report)) - before
        if newly_uncovered and not is_a_reason(reason, 20):
            raise _invalid("Bác bỏ vi phạm mà biên bản đã ký dựa vào (tiêu chí trọng yếu "
                           f"{', '.join(sorted(newly_uncovered))} không đạt) phải nêu lý do cụ thể (ít nhất 20 ký tự).",
                           "Dismissing the finding a signed report's failed critical criterion rests on needs a "
                           "real reason (20 letters at least).", "reason")
        _recompute_score(report)  # flags the report while a failed critical criterion has no confirmed finding
        report.save(update_fields=["flags"])
    FindingTransition.objects.create(finding=finding, from_state=from_state, to_state=to_state, actor=by,
                                     reason=reason, at=now)
    audit_record(actor=by, verb=f"finding.{to_state}", obj=finding,
                 payload={"from": from_state, "to": to_state, "reason": reason})
    return finding


def _refuse_dismissing_what_discipline_rests_on(finding: Finding) -> None:
    from inspection.accountability.selectors import finding_dismissal_blockers

    cases, liabilities = finding_dismissal_blockers(finding)
    if not cases and not liabilities:
        return
    what_vi = "; ".join(filter(None, [f"hồ sơ kỷ luật {', '.join(cases)}" if cases else "",
                                      f"trách nhiệm người đứng đầu đã xác nhận {', '.join(liabilities)}"
                                      if liabilities else ""]))
    what_en = "; ".join(filter(None, [f"disciplinary case(s) {', '.join(cases)}" if cases else "",
                                      f"confirmed head/deputy liabilities {', '.join(liabilities)}"
                                      if liabilities else ""]))
    raise Conflict(f"Không thể bác bỏ vi phạm: đang là căn cứ của {what_vi}. Cán bộ kỷ luật phải xử lý "
                   "trước (không xử lý hồ sơ, hủy quyết định theo khiếu nại hoặc bác trách nhiệm).",
                   f"The finding cannot be dismissed: {what_en} rest on it. The disciplinary officer must undo "
                   "those first (drop the case, annul the decision on complaint, or reject the liability).",
                   code="finding_in_discipline")


EXPLANATION_MIN_LETTERS = 20
MAX_EXPLANATIONS = 20  # a hundred identical self-reviews were accepted (insider review, issue 15)


@transaction.atomic
def finding_explain(*, by: Any, finding: Finding, kind: str, text: str) -> FindingExplanation:
    """The unit head answers a finding on his unit: an explanation (giải trình) or the unit's
    self-review (tự kiểm điểm). Only the head of a unit in whose scope the finding lies (the caller
    reached it through findings_visible_to), only once it is confirmed; kept with the finding and audited."""
    require_role(by, Role.UNIT_HEAD)
    if kind not in FindingExplanation.Kind.values:
        raise _invalid("Loại văn bản không hợp lệ (giải trình hoặc tự kiểm điểm).",
                       "kind must be explanation or self_review.", "kind")
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if finding.state not in (Finding.State.CONFIRMED, Finding.State.ACTIONED):
        raise Conflict("Chỉ giải trình, tự kiểm điểm đối với vi phạm đã được xác nhận.",
                       "Only a confirmed finding can be explained.", code="invalid_state")
    from inspection.services_common import is_a_reason, plain_text

    text = plain_text(text).strip()
    if not is_a_reason(text, EXPLANATION_MIN_LETTERS):
        raise _invalid(f"Nội dung giải trình cần nêu cụ thể (ít nhất {EXPLANATION_MIN_LETTERS} chữ cái hoặc chữ số).",
                       f"Say what happened ({EXPLANATION_MIN_LETTERS} letters or digits at least).", "text",
                       code="reason_required")
    if FindingExplanation.objects.filter(finding=finding, kind=kind, text=text).exists():
        raise Conflict("Văn bản này đã được gửi cho vi phạm này.", "This text was already sent for this finding.",
                       code="duplicate")
    if FindingExplanation.objects.filter(finding=finding).count() >= MAX_EXPLANATIONS:
        raise Conflict(f"Mỗi vi phạm nhận tối đa {MAX_EXPLANATIONS} văn bản giải trình, tự kiểm điểm.",
                       f"A finding takes at most {MAX_EXPLANATIONS} explanations.", code="too_many")
    explanation = FindingExplanation.objects.create(finding=finding, kind=kind, text=text, author=by,
                                                    at=timezone.now())
    audit_record(actor=by, verb=f"finding.{kind}", obj=finding,
                 payload={"explanation": explanation.pk, "kind": kind, "text": text})
    return explanation


def finding_evidence_add(*, by: Any, finding: Finding, fileobj: BinaryIO | None = None, filename: str = "",
                         content_type: str = "", report_evidence_id: int | None = None, media_ref: str = "",
                         description: str = "") -> FindingEvidence:
    require_role(by, *TEAM, Role.REVIEWER)
    if finding.state in (Finding.State.DISMISSED, Finding.State.ACTIONED):
        raise Conflict("Vi phạm đã đóng, không bổ sung chứng cứ.", "The finding is closed.", code="invalid_state")
    kinds = sum(x is not None and x != "" for x in (fileobj, report_evidence_id, media_ref))
    if kinds != 1:
        raise _invalid("Chọn đúng một loại chứng cứ: tệp, tệp biên bản hoặc hình ảnh camera.",
                       "Give exactly one of: file, report_evidence_id, media_ref.", "file")
    values: dict[str, Any] = {"description": description.strip()}
    if fileobj is not None:
        stored = store_upload(fileobj=fileobj, filename=filename, content_type=content_type,
                              prefix=f"inspection/findings/{finding.pk}/evidence", max_bytes=MAX_EVIDENCE_BYTES)
        values.update(kind="file", key=stored.key, filename=stored.filename, size=stored.size, sha256=stored.sha256)
    elif report_evidence_id is not None:
        item = ReportEvidence.objects.filter(pk=report_evidence_id,
                                             report__surprise_check_id=finding.surprise_check_id).first()
        if item is None or finding.surprise_check_id is None:
            raise _invalid("Tệp biên bản không thuộc cuộc kiểm tra của vi phạm này.",
                           "That report evidence does not belong to this finding's check.", "report_evidence_id")
        values.update(kind="report_evidence", report_evidence=item, key=item.key, filename=item.filename,
                      size=item.size, sha256=item.sha256)
    else:
        values.update(kind="media", media_ref=str(media_ref)[:120])
    with transaction.atomic():
        evidence = FindingEvidence.objects.create(finding=finding, added_by=by, **values)
        audit_record(actor=by, verb="finding.evidence_add", obj=evidence,
                     payload={"finding": finding.pk, "kind": values["kind"], "sha256": values.get("sha256", ""),
                              "media_ref": values.get("media_ref", "")})
    return evidence


def finding_evidence_open(*, by: Any, finding: Finding, evidence_id: int) -> tuple[FindingEvidence, BinaryIO]:
    """Open an evidence file of a finding the caller may read, and log who fetched it. Evidence
    files are often stills or cuts of footage: unit heads, who see findings but no footage, do not
    download them."""
    require_role(by, *TEAM, Role.ADMIN, Role.REVIEWER, Role.DISCIPLINARY)
    item = finding.evidence_items.filter(pk=evidence_id).exclude(key="").first()
    if item is None:
        raise NotFound("Không tìm thấy tệp chứng cứ.", "Evidence file not found.")
    try:
        handle = get_store().open(item.key)
    except ObjectMissing as exc:
        raise NotFound("Tệp chứng cứ không còn trong kho lưu trữ.",
                       "The evidence file is missing from the store.") from exc
    with transaction.atomic():
        audit_record(actor=by, verb="finding.evidence_download", obj=item,
                     payload={"finding": finding.pk, "sha256": item.sha256})
    return item, handle


# --- complaints -------------------------------------------------------------------------------------


def _complaint_reference() -> str:
    year = timezone.localdate().year
    while True:
        ref = f"PA-{year}-{secrets.token_hex(3).upper()}"
        if not Complaint.objects.filter(reference=ref).exists():
            return ref


@transaction.atomic
def complaint_create(*, by: Any, channel: str, received_at: datetime, summary: str, unit: Unit | None = None,
                     counter: Counter | None = None, officer: Officer | None = None,
                     occurred_at: datetime | None = None, details: str = "", complainant_name: str = "",
                     complainant_phone: str = "") -> Complaint:
    require_role(by, *TEAM, Role.ADMIN)
    if channel not in Complaint.Channel.values:
        raise _invalid("Kênh tiếp nhận không hợp lệ.", f"channel must be one of {Complaint.Channel.values}.", "channel")
    summary = _require_text(summary, "summary", "nội dung tóm tắt")
    _aware(received_at, "received_at")
    now = timezone.now()
    if received_at > now + timedelta(minutes=5):
        raise _invalid("Thời điểm tiếp nhận ở tương lai.", "received_at is in the future.", "received_at")
    if occurred_at is not None and _aware(occurred_at, "occurred_at") > received_at:
        raise _invalid("Sự việc không thể xảy ra sau khi tiếp nhận phản ánh.",
                       "occurred_at cannot be after received_at.", "occurred_at")
    if counter is not None:
        if unit is not None and counter.unit_id != unit.pk:
            raise _invalid("Quầy không thuộc đơn vị.", "The counter does not belong to the unit.", "counter_id")
        unit = unit or counter.unit
    complaint = Complaint.objects.create(reference=_complaint_reference(), channel=channel, received_at=received_at,
                                         unit=unit, counter=counter, officer=officer, occurred_at=occurred_at,
                                         summary=summary, details=details.strip(),
                                         complainant_name=complainant_name.strip()[:120],
                                         complainant_phone=complainant_phone.strip()[:30], received_by=by)
    audit_record(actor=by, verb="complaint.create", obj=complaint,
                 payload={"channel": channel, "unit": unit.pk if unit else None})
    return complaint


@transaction.atomic
def complaint_triage(*, by: Any, complaint: Complaint, category: FindingCategory | None, priority: str,
                     unit: Unit | None = None, counter: Counter | None = None, officer: Officer | None = None,
                     note: str = "") -> Complaint:
    require_role(by, *TEAM)
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.state not in (Complaint.State.RECEIVED, Complaint.State.TRIAGED):
        raise Conflict("Phản ánh đã qua bước phân loại.", "The complaint is past triage.", code="invalid_state")
    if priority not in ("low", "normal", "high"):
        raise _invalid("Mức ưu tiên không hợp lệ.", "priority must be low, normal or high.", "priority")
    unit = unit or complaint.unit
    counter = counter or complaint.counter
    if counter is not None:
        if unit is not None and counter.unit_id != unit.pk:
            raise _invalid("Quầy không thuộc đơn vị.", "The counter does not belong to the unit.", "counter_id")
        unit = unit or counter.unit
    if unit is None:
        raise _invalid("Phân loại phải xác định đơn vị bị phản ánh.", "Triage must name the unit concerned.", "unit_id")
    complaint.category = category
    complaint.priority = priority
    complaint.unit = unit
    complaint.counter = counter
    complaint.officer = officer or complaint.officer
    complaint.state = Complaint.State.TRIAGED
    complaint.triaged_by = by
    complaint.triaged_at = timezone.now()
    if note.strip():
        complaint.resolution = note.strip()
    complaint.save()
    audit_record(actor=by, verb="complaint.triage", obj=complaint,
                 payload={"category": category.code if category else None, "priority": priority, "unit": unit.pk})
    return complaint


COMPLAINT_FLOW = {
    (Complaint.State.TRIAGED, Complaint.State.INVESTIGATING),
    (Complaint.State.INVESTIGATING, Complaint.State.RESOLVED),
    (Complaint.State.INVESTIGATING, Complaint.State.REJECTED),
    (Complaint.State.TRIAGED, Complaint.State.RESOLVED),
    (Complaint.State.TRIAGED, Complaint.State.REJECTED),
    (Complaint.State.RECEIVED, Complaint.State.REJECTED),
}


@transaction.atomic
def complaint_transition(*, by: Any, complaint: Complaint, to_state: str, note: str = "") -> Complaint:
    require_role(by, *TEAM)
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if (complaint.state, to_state) not in COMPLAINT_FLOW:
        raise Conflict(f"Không thể chuyển phản ánh từ '{complaint.state}' sang '{to_state}'.",
                       f"A complaint cannot go from {complaint.state} to {to_state}.", code="invalid_transition")
    if to_state in (Complaint.State.RESOLVED, Complaint.State.REJECTED):
        complaint.resolution = _require_text(note, "note", "kết quả giải quyết / lý do")
        complaint.closed_at = timezone.now()
    from_state = complaint.state
    complaint.state = to_state
    complaint.save()
    audit_record(actor=by, verb=f"complaint.{to_state}", obj=complaint, payload={"from": from_state, "note": note})
    return complaint


@transaction.atomic
def complaint_link_finding(*, by: Any, complaint: Complaint, finding: Finding) -> Finding:
    require_role(by, *TEAM)
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if finding.complaint_id not in (None, complaint.pk):
        raise Conflict("Vi phạm đã gắn với phản ánh khác.", "The finding is linked to another complaint.",
                       code="already_linked")
    finding.complaint = complaint
    finding.save(update_fields=["complaint"])
    audit_record(actor=by, verb="complaint.link_finding", obj=complaint, payload={"finding": finding.pk})
    return finding

