"""Writes of officers, fields of charge and postings (appointments): create, change of a deputy's
field, ending a posting, and the records a change would cut. Each one audited, each one validated
before anything is saved."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from backend.audit.services import audit_record
from backend.core.actors import Actor
from backend.core.errors import Conflict, DomainError
from backend.core.text import fold
from backend.org.models import Assignment, FieldOfCharge, Officer, Unit
from backend.org.selectors import overlaps
from backend.org.services_common import _clean_reason, _d, _day_start, _local_day, _require_reason


@transaction.atomic
def officer_create(*, by: Actor, service_number: str, full_name: str, rank: str = "",
                   date_of_birth: date | None = None) -> Officer:
    if Officer.objects.filter(service_number=service_number).exists():
        raise DomainError("Số hiệu đã tồn tại.", "Service number already exists.", code="duplicate",
                          fields={"service_number": ["exists"]})
    officer = Officer.objects.create(service_number=service_number, full_name=full_name,
                                     search_name=fold(full_name), rank=rank,
                                     date_of_birth=date_of_birth)
    audit_record(actor=by, verb="officer.create", obj=officer,
                 payload={"service_number": service_number, "full_name": full_name, "rank": rank})
    return officer


@transaction.atomic
def officer_update(*, by: Actor, officer: Officer, full_name: str | None = None, rank: str | None = None,
                   date_of_birth: date | None = None, service_number: str | None = None) -> Officer:
    officer = Officer.objects.select_for_update().get(pk=officer.pk)
    changes: dict[str, Any] = {}
    if service_number is not None and service_number != officer.service_number:
        if Officer.objects.filter(service_number=service_number).exclude(pk=officer.pk).exists():
            raise DomainError("Số hiệu đã tồn tại.", "Service number already exists.", code="duplicate",
                              fields={"service_number": ["exists"]})
        changes["service_number"] = [officer.service_number, service_number]
        officer.service_number = service_number
    if full_name is not None:
        full_name = full_name.strip()
        if not full_name:
            raise DomainError("Cần nhập họ tên.", "full_name is required.", code="required",
                              fields={"full_name": ["required"]})
        if full_name != officer.full_name:
            changes["full_name"] = [officer.full_name, full_name]
            officer.full_name = full_name
            officer.search_name = fold(full_name)
    if rank is not None and rank.strip() != officer.rank:
        changes["rank"] = [officer.rank, rank.strip()]
        officer.rank = rank.strip()
    if date_of_birth is not None and date_of_birth != officer.date_of_birth:
        changes["date_of_birth"] = [officer.date_of_birth, date_of_birth]
        officer.date_of_birth = date_of_birth
    officer.save()
    audit_record(actor=by, verb="officer.update", obj=officer, payload={"changes": changes})
    return officer


FIELD_CODE = re.compile(r"^[A-Z0-9_]{2,40}$")


def _check_field(field: FieldOfCharge | None, *, is_deputy: bool) -> None:
    """The one rule for which posts carry a field of charge: a deputy's, and only an active field."""
    if field is None:
        return
    if not is_deputy:
        raise DomainError("Chỉ cấp phó mới được phân công lĩnh vực phụ trách (người đứng đầu phụ trách toàn bộ).",
                          "Only a deputy is assigned a field of charge (the head is in charge of everything).",
                          code="field_not_deputy", fields={"field_id": ["deputy only"]})
    if not field.active:
        raise DomainError(f"Lĩnh vực “{field.name_vi}” đã ngừng sử dụng.", f"Field {field.code} is no longer in use.",
                          code="field_inactive", fields={"field_id": ["inactive"]})


@transaction.atomic
def fields_of_charge_seed(*, by: Actor) -> int:
    """The default fields of charge (backend/org/defaults.py) where missing; the migration seeds them too,
    this is for a database emptied since (tests that flush, a fresh demo). Existing rows are kept as edited."""
    from backend.org.defaults import FIELDS_OF_CHARGE

    created = 0
    for position, (code, name_vi, name_en, description) in enumerate(FIELDS_OF_CHARGE, start=1):
        _, was_created = FieldOfCharge.objects.get_or_create(code=code, defaults={
            "name_vi": name_vi, "name_en": name_en, "description": description, "position": position})
        created += was_created
    if created:
        audit_record(actor=by, verb="field_of_charge.seed", object_type="org.fieldofcharge",
                     payload={"created": created})
    return created


@transaction.atomic
def field_of_charge_create(*, by: Actor, code: str, name_vi: str, name_en: str, description: str = "",
                           position: int | None = None) -> FieldOfCharge:
    code = code.strip().upper()
    if not FIELD_CODE.match(code):
        raise DomainError("Mã lĩnh vực chỉ gồm chữ in hoa, số và '_' (2–40 ký tự).",
                          "Field code: capital letters, digits and '_' only (2–40 chars).",
                          code="invalid_code", fields={"code": ["invalid"]})
    if not name_vi.strip() or not name_en.strip():
        raise DomainError("Cần tên lĩnh vực bằng tiếng Việt và tiếng Anh.", "Both names are required.",
                          fields={"name_vi": ["required"]})
    if FieldOfCharge.objects.filter(code=code).exists():
        raise DomainError("Mã lĩnh vực đã tồn tại.", "Field code already exists.", code="duplicate",
                          fields={"code": ["exists"]})
    if position is None:
        position = (FieldOfCharge.objects.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    field = FieldOfCharge.objects.create(code=code, name_vi=name_vi.strip(), name_en=name_en.strip(),
                                         description=description.strip(), position=position)
    audit_record(actor=by, verb="field_of_charge.create", obj=field,
                 payload={"code": code, "name_vi": field.name_vi, "name_en": field.name_en})
    return field


@transaction.atomic
def field_of_charge_update(*, by: Actor, field: FieldOfCharge, name_vi: str | None = None,
                           name_en: str | None = None, description: str | None = None,
                           active: bool | None = None) -> FieldOfCharge:
    changes: dict[str, Any] = {}
    for name, value in (("name_vi", name_vi), ("name_en", name_en), ("description", description)):
        if value is None:
            continue
        if name != "description" and not value.strip():
            raise DomainError("Tên lĩnh vực không được để trống.", "A field's name cannot be empty.",
                              fields={name: ["required"]})
        setattr(field, name, value.strip())
        changes[name] = value.strip()
    if active is not None:
        field.active = active
        changes["active"] = active
    field.save()
    audit_record(actor=by, verb="field_of_charge.update", obj=field, payload=changes)
    return field


def _unit_alive_during(unit: Unit, valid_from: date, valid_to: date | None) -> None:
    """An appointment lies inside the unit's existence (it cannot start before the unit was set up
    nor run past its abolition or merger)."""
    until = _d(unit.valid_to) if unit.valid_to else "nay"
    until_en = unit.valid_to.isoformat() if unit.valid_to else "now"
    if valid_from < unit.valid_from or (unit.valid_to and valid_from > unit.valid_to):
        raise DomainError(
            f"Đơn vị {unit.name} không tồn tại vào ngày {_d(valid_from)} "
            f"(đơn vị tồn tại từ {_d(unit.valid_from)} đến {until}).",
            f"Unit {unit.code} did not exist on {valid_from.isoformat()} "
            f"(it existed {unit.valid_from.isoformat()}..{until_en}).",
            code="unit_not_active", fields={"valid_from": ["unit did not exist"]})
    if unit.valid_to and (valid_to is None or valid_to > unit.valid_to):
        raise DomainError(
            f"Đơn vị {unit.name} chấm dứt hoạt động ngày {_d(unit.valid_to)}; "
            "chức vụ phải kết thúc chậm nhất vào ngày đó.",
            f"Unit {unit.code} ended on {unit.valid_to.isoformat()}; the appointment must end by then.",
            code="unit_not_active", fields={"valid_to": ["after the unit ended"]})


def _check_assignment_period(valid_from: date, valid_to: date | None) -> None:
    if valid_to is not None and valid_to < valid_from:
        raise DomainError(
            f"Ngày kết thúc ({_d(valid_to)}) trước ngày bắt đầu ({_d(valid_from)}).",
            f"The end date ({valid_to.isoformat()}) is before the start date ({valid_from.isoformat()}).",
            code="invalid_period", fields={"valid_to": ["before valid_from"]})


def _check_head_overlap(*, unit: Unit, valid_from: date, valid_to: date | None,
                        exclude_pk: int | None = None) -> None:
    clash = Assignment.objects.filter(overlaps(valid_from, valid_to), unit=unit, is_head=True, is_acting=False)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    other = clash.select_related("officer").order_by("valid_from").first()
    if other is not None:
        until = _d(other.valid_to) if other.valid_to else "nay"
        raise DomainError(
            f"Đơn vị đã có thủ trưởng trong thời gian này ({other.officer.full_name}, "
            f"từ {_d(other.valid_from)} đến {until}). Hãy kết thúc nhiệm kỳ đó trước.",
            f"The unit already has a head in that period ({other.officer.full_name}, "
            f"from {other.valid_from.isoformat()}). End that tenure first.",
            code="head_overlap", fields={"valid_from": ["head overlap"]})


@transaction.atomic
def assignment_create(*, by: Actor, officer: Officer, unit: Unit, position: str,
                      valid_from: date, valid_to: date | None = None, is_head: bool = False,
                      is_deputy: bool = False, is_acting: bool = False, in_charge_of: str = "",
                      decision_ref: str = "", field: FieldOfCharge | None = None) -> Assignment:
    _check_assignment_period(valid_from, valid_to)
    position = position.strip()
    if not position:
        raise DomainError("Cần nhập chức vụ.", "position is required.", code="required",
                          fields={"position": ["required"]})
    if is_head and is_deputy:
        raise DomainError("Một chức vụ không thể vừa là trưởng vừa là phó.",
                          "An assignment cannot be both head and deputy.", code="invalid",
                          fields={"is_deputy": ["head and deputy"]})
    if is_acting and not (is_head or is_deputy):
        raise DomainError("Chỉ chức trưởng hoặc phó mới có thể là quyền / phụ trách.",
                          "Only a head or deputy appointment can be acting.", code="invalid",
                          fields={"is_acting": ["acting needs head or deputy"]})
    _check_field(field, is_deputy=is_deputy)
    _unit_alive_during(unit, valid_from, valid_to)
    Unit.objects.select_for_update().filter(pk=unit.pk).first()  # serialise head appointments per unit
    if is_head and not is_acting:
        _check_head_overlap(unit=unit, valid_from=valid_from, valid_to=valid_to)
    # the same post twice at once is a typing mistake; a deputy who is also acting head holds two posts
    same = (Assignment.objects.filter(overlaps(valid_from, valid_to), officer=officer, unit=unit,
                                      is_head=is_head, is_deputy=is_deputy, is_acting=is_acting)
            .order_by("valid_from").first())
    if same is not None:
        raise DomainError(
            f"Cán bộ {officer.full_name} đã có chức vụ \"{same.position}\" tại {unit.name} "
            f"trong thời gian này (từ {_d(same.valid_from)}). Hãy kết thúc chức vụ đó trước.",
            f"{officer.full_name} already holds \"{same.position}\" in {unit.code} in that period.",
            code="assignment_overlap", fields={"valid_from": ["overlap"]})
    assignment = Assignment.objects.create(
        officer=officer, unit=unit, position=position, valid_from=valid_from, valid_to=valid_to,
        is_head=is_head, is_deputy=is_deputy, is_acting=is_acting,
        in_charge_of=in_charge_of.strip() if is_deputy else "",
        decision_ref=decision_ref.strip(), field=field,
    )
    audit_record(actor=by, verb="assignment.create", obj=assignment,
                 payload={"officer": officer.pk, "unit": unit.pk, "position": position,
                          "is_head": is_head, "is_deputy": is_deputy, "is_acting": is_acting,
                          "in_charge_of": assignment.in_charge_of, "decision_ref": assignment.decision_ref,
                          "field": field.code if field else None,
                          "valid_from": valid_from, "valid_to": valid_to})
    return assignment


_KEEP: Any = object()


@transaction.atomic
def assignment_set_field(*, by: Actor, assignment: Assignment, field: FieldOfCharge | None = _KEEP,
                         in_charge_of: str | None = None, effective_from: date | None = None) -> Assignment:
    """Record (or change) a deputy's field of charge and the free-text description of the post.

    The field is part of the post's history: who answered for a violation is read as of its date. So
    changing a field the deputy already had takes effect from a day (`effective_from`, default today):
    when the post started before that day it is ended the day before and a new post with the new field
    starts on it, so a trace of an earlier violation still reads the field held then. Only a field
    recorded for a deputy who had none, or a change dated from the post's first day (a correction of
    the appointment record), is written in place. Returns the post that holds the new field."""
    assignment = Assignment.objects.select_for_update(of=("self",)).select_related("field", "unit").get(pk=assignment.pk)
    changes: dict[str, Any] = {}
    split_on: date | None = None
    if field is not _KEEP:
        _check_field(field, is_deputy=assignment.is_deputy)
        new_id = field.pk if field is not None else None
        if new_id != assignment.field_id and (assignment.field_id is not None or effective_from is not None):
            on = effective_from or timezone.localdate()
            if on < assignment.valid_from or (assignment.valid_to is not None and on > assignment.valid_to):
                held = (f"từ {_d(assignment.valid_from)}" if assignment.valid_to is None
                        else f"từ {_d(assignment.valid_from)} đến {_d(assignment.valid_to)}")
                raise DomainError(
                    f"Ngày áp dụng lĩnh vực mới ({_d(on)}) phải nằm trong thời gian giữ chức ({held}).",
                    f"The new field's effective date ({on.isoformat()}) must fall within the post "
                    f"({assignment.valid_from.isoformat()}..{assignment.valid_to or ''}).",
                    code="invalid_period", fields={"effective_from": ["outside the post"]})
            if on > assignment.valid_from:
                split_on = on
            changes["effective_from"] = on
        changes["field"] = {"from": assignment.field.code if assignment.field is not None else None,
                            "to": field.code if field else None}
    if split_on is not None:
        old_end = assignment.valid_to
        assignment.valid_to = split_on - timedelta(days=1)
        assignment.save(update_fields=["valid_to"])
        audit_record(actor=by, verb="assignment.end", obj=assignment,
                     payload={"on": assignment.valid_to, "reason": "field_changed"})
        previous = assignment.pk
        assignment = Assignment.objects.create(
            officer_id=assignment.officer_id, unit_id=assignment.unit_id, position=assignment.position,
            is_head=assignment.is_head, is_deputy=assignment.is_deputy, is_acting=assignment.is_acting,
            field=field, in_charge_of=assignment.in_charge_of if in_charge_of is None else in_charge_of,
            valid_from=split_on, valid_to=old_end, decision_ref=assignment.decision_ref)
        changes["previous_assignment"] = previous
    else:
        if field is not _KEEP:
            assignment.field = field
        if in_charge_of is not None:
            assignment.in_charge_of = in_charge_of
        assignment.save(update_fields=["field", "in_charge_of"])
    if in_charge_of is not None:
        changes["in_charge_of"] = {"to": in_charge_of}
    audit_record(actor=by, verb="assignment.set_field", obj=assignment, payload=changes)
    return Assignment.objects.select_related("officer", "unit", "field").get(pk=assignment.pk)


def assignment_records_cut(*, assignment: Assignment, on: date) -> list[str]:
    """References of recorded findings that lean on `assignment` after `on`: a finding of its unit dated
    after `on` (up to the current end) naming the officer as a subject, with no other posting of his in
    that unit at the time, or a leader's liability resting on this very assignment. Dismissed findings and
    rejected / superseded liabilities do not count."""
    finding_subject = apps.get_model("inspection", "FindingSubject")
    liability = apps.get_model("accountability", "LeaderLiability")
    old_to = assignment.valid_to
    after = _day_start(on + timedelta(days=1))
    until = _day_start(old_to + timedelta(days=1)) if old_to else None

    def in_cut(moment: datetime) -> bool:
        return moment >= after and (until is None or moment < until)

    refs: dict[str, None] = {}
    subjects = (finding_subject.objects.filter(officer_id=assignment.officer_id, finding__unit_id=assignment.unit_id,
                                               finding__occurred_from__gte=after)
                .exclude(finding__state="dismissed").select_related("finding"))
    others = list(Assignment.objects.filter(officer_id=assignment.officer_id, unit_id=assignment.unit_id)
                  .exclude(pk=assignment.pk))
    for s in subjects:
        f = s.finding
        if not in_cut(f.occurred_from):
            continue
        start = _local_day(f.occurred_from)
        end = _local_day(f.occurred_to) if f.occurred_to else start
        if any(o.valid_from <= end and (o.valid_to is None or o.valid_to >= start) for o in others):
            continue
        refs[f.reference] = None
    for item in (liability.objects.filter(assignment=assignment, finding__occurred_from__gte=after)
                 .exclude(state__in=["rejected", "superseded"]).select_related("finding")):
        if in_cut(item.finding.occurred_from):
            refs[item.finding.reference] = None
    return sorted(refs)


# Long on purpose: the rules of ending a posting in the order the docstring gives them, all before the write.
@transaction.atomic
def assignment_end(*, by: Actor, assignment: Assignment, on: date, reason: str = "") -> Assignment:
    """End a posting on `on` (its last day). Org history carries the accountability trace, so:
    - an end date later than the recorded one reopens an ended tenure: only as a correction with a reason,
      and with the checks of a new appointment (one head at a time, same post not twice);
    - an end date that takes the posting away from under a recorded finding (its subject, or a leader's
      liability resting on it) is refused, naming the findings, unless a reason for the correction is given.
    Both corrections are audited with their reason and what they touched."""
    assignment = Assignment.objects.select_for_update().select_related("unit", "officer").get(pk=assignment.pk)
    reason = _clean_reason(reason)
    if on < assignment.valid_from:
        raise DomainError(
            f"Ngày kết thúc ({_d(on)}) trước ngày bắt đầu ({_d(assignment.valid_from)}).",
            f"The end date ({on.isoformat()}) is before the start date ({assignment.valid_from.isoformat()}).",
            code="invalid_period", fields={"on": ["before valid_from"]})
    if assignment.unit.valid_to and on > assignment.unit.valid_to:
        raise DomainError(
            f"Đơn vị đã chấm dứt hoạt động ngày {_d(assignment.unit.valid_to)}.",
            f"The unit ended on {assignment.unit.valid_to.isoformat()}.",
            code="unit_not_active", fields={"on": ["after the unit ended"]})
    old_to = assignment.valid_to
    payload: dict[str, Any] = {"on": on, "from": old_to}
    if old_to is not None and on > old_to:
        # reopening an ended tenure: the same checks as appointing him for the added days
        Unit.objects.select_for_update().filter(pk=assignment.unit_id).first()
        added_from = old_to + timedelta(days=1)
        if assignment.is_head and not assignment.is_acting:
            _check_head_overlap(unit=assignment.unit, valid_from=added_from, valid_to=on, exclude_pk=assignment.pk)
        same = (Assignment.objects.filter(overlaps(added_from, on), officer_id=assignment.officer_id,
                                          unit_id=assignment.unit_id, is_head=assignment.is_head,
                                          is_deputy=assignment.is_deputy, is_acting=assignment.is_acting)
                .exclude(pk=assignment.pk).first())
        if same is not None:
            raise DomainError(
                f"Cán bộ {assignment.officer.full_name} đã có chức vụ \"{same.position}\" tại {assignment.unit.name} "
                f"từ {_d(same.valid_from)}; không thể kéo dài chức vụ này chồng lên.",
                f"{assignment.officer.full_name} already holds that post from {same.valid_from.isoformat()}.",
                code="assignment_overlap", fields={"on": ["overlap"]})
        _require_reason(
            reason,
            vi=f"Chức vụ này đã kết thúc ngày {_d(old_to)}; kéo dài đến {_d(on)} là đính chính lịch sử.",
            en=f"This posting ended on {old_to.isoformat()}; extending it to {on.isoformat()} corrects history.")
        payload.update(correction=True, reason=reason)
    elif old_to is None or on < old_to:
        cut = assignment_records_cut(assignment=assignment, on=on)
        if cut:
            if not reason:
                shown = ", ".join(cut[:10]) + (f" … (+{len(cut) - 10})" if len(cut) > 10 else "")
                raise Conflict(
                    f"Không thể kết thúc chức vụ của {assignment.officer.full_name} ngày {_d(on)}: "
                    f"vi phạm {shown} ghi nhận cán bộ này công tác tại {assignment.unit.name} sau ngày đó. "
                    "Nếu ngày kết thúc đã ghi trước đây sai, hãy nêu lý do đính chính.",
                    f"Cannot end {assignment.officer.full_name}'s posting on {on.isoformat()}: findings "
                    f"{', '.join(cut)} rely on it after that day. Give a reason to correct it.",
                    code="posting_has_findings")
            _require_reason(reason, vi="Đính chính ngày kết thúc chức vụ.", en="Correcting the end of a posting.")
            payload.update(correction=True, reason=reason, findings=cut)
        elif reason:
            payload["reason"] = reason
    assignment.valid_to = on
    assignment.save(update_fields=["valid_to"])
    audit_record(actor=by, verb="assignment.end", obj=assignment, payload=payload)
    return assignment
