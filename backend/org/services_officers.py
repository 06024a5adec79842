"""Writes of officers, fields of charge and postings (appointments): create, change of a deputy's
field, ending a posting, and the records a change would cut. Each one audited, each one validated
before anything is saved."""
from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from backend.audit.services import audit_record
from backend.core.actors import Actor
from backend.core.errors import Conflict, DomainError
from backend.core.text import fold
from backend.org.identity import (
    clean_service_number,
    lookalike_words,
    officer_label,
    officers_like,
    officers_with_service_number,
    require_vietnamese_name,
)
from backend.org.models import Assignment, FieldOfCharge, Officer, Unit, UnitLink
from backend.org.selectors import IDENTITY_FIELDS, overlaps
from backend.org.services_common import (
    _clean_reason,
    _d,
    _day_start,
    _findings_naming,
    _recorded_findings,
    _require_correction_reason,
    _require_reason,
    _require_reason_if_named,
)

DISTINCT_REASON_WORDS, DISTINCT_REASON_LETTERS = 3, 12  # as a clip correction: "Hai cán bộ khác nhau, cùng tên"


def _duplicate_number(existing: Officer) -> DomainError:
    return DomainError(
        f"Số hiệu đã tồn tại: trùng với cán bộ {officer_label(existing)} khi bỏ qua chữ hoa/thường, dấu cách, gạch "
        "ngang và dấu chấm. Một người chỉ có một hồ sơ cán bộ.",
        f"Service number already exists: it is {existing.full_name}'s ({existing.service_number}, #{existing.pk}) "
        "once case, spaces, dashes and dots are ignored. One person has one officer record.",
        code="duplicate", fields={"service_number": ["exists"]},
        detail={"existing": {"id": existing.pk, "service_number": existing.service_number,
                             "full_name": existing.full_name}})


def _check_identity(*, officer_pk: int | None, service_number: str, full_name: str, date_of_birth: date | None,
                    distinct_reason: str) -> dict[str, Any]:
    """One person, one officer record (insider review F1): the service number's key is unique (400 `duplicate`,
    as every field refusal), and a look-alike (an alike name: the same words without marks in any order, a middle
    name dropped or added; same birth date, or one unknown: backend/org/identity.py names_alike) is
    refused with 409 `officer_lookalike` naming it, unless `distinct_reason` says in words that they are different
    people. Returns what the audit records (the look-alikes and the reason), {} when there is none."""
    existing = officers_with_service_number(service_number).exclude(pk=officer_pk).first()
    if existing is not None:
        raise _duplicate_number(existing)
    like = list(officers_like(full_name=full_name, date_of_birth=date_of_birth).exclude(pk=officer_pk)[:5])
    from backend.accounts.services_identity import guarded_lookalikes

    # a guarded person's look-alike is asked for the reason whatever the birth dates (insider review S1-1)
    guarded, guarded_officers = guarded_lookalikes([full_name], officer_ids=(officer_pk,))
    like += [o for o in guarded_officers if o.pk not in {x.pk for x in like}][:5]
    accounts = [u for u in guarded if not u.officer_id]
    if not like and not accounts:
        return {}
    if not (distinct_reason or "").strip():
        said = [lookalike_words(full_name=full_name, date_of_birth=date_of_birth, other=o) for o in like]
        shown = "; ".join([*(f"{officer_label(o)}: {vi}" for o, (vi, _) in zip(like, said, strict=True)),
                           *(f"tài khoản {u.username} ({u.get_full_name()}, {u.get_role_display()})" for u in accounts)])
        shown_en = "; ".join([*(f"{o.full_name} ({o.service_number}, #{o.pk}): {en}"
                                for o, (_, en) in zip(like, said, strict=True)),
                              *(f"account {u.username} ({u.get_full_name()}, {u.role})" for u in accounts)])
        raise Conflict(
            f"Có thể đây là một người đã có hồ sơ cán bộ: {shown}. Một người chỉ có một hồ sơ. Nếu đây là hai "
            "người khác nhau, hãy ghi rõ lý do đây là hai người khác nhau; lý do được ghi vào nhật ký.",
            f"This may be a person who already has an officer record: {shown_en}. One person has one record. If "
            "these are two different people, say why they are different; the reason is audited.",
            code="officer_lookalike", fields={"distinct_reason": ["required"]},
            detail={"lookalikes": [{"id": o.pk, "service_number": o.service_number, "full_name": o.full_name,
                                    "date_of_birth": o.date_of_birth.isoformat() if o.date_of_birth else None}
                                   for o in like],
                    "accounts": [{"id": u.pk, "username": u.username, "full_name": u.get_full_name()}
                                 for u in accounts]})
    from inspection.services_common import require_worded_reason

    reason = require_worded_reason(distinct_reason, "distinct_reason", "lý do đây là hai người khác nhau",
                                   words=DISTINCT_REASON_WORDS, letters=DISTINCT_REASON_LETTERS)
    return {"lookalikes": [o.pk for o in like], **({"lookalike_accounts": [u.pk for u in accounts]} if accounts else {}),
            "distinct_reason": reason}


def _save_officer(officer: Officer) -> None:
    try:
        with transaction.atomic():
            officer.save()
    except IntegrityError:  # the same key written at the same moment: the database's constraint answers
        existing = officers_with_service_number(officer.service_number).exclude(pk=officer.pk).first()
        if existing is None:
            raise
        raise _duplicate_number(existing) from None


@transaction.atomic
def officer_create(*, by: Actor, service_number: str, full_name: str, rank: str = "",
                   date_of_birth: date | None = None, distinct_reason: str = "") -> Officer:
    service_number = clean_service_number(service_number)
    require_vietnamese_name(full_name)
    identity = _check_identity(officer_pk=None, service_number=service_number, full_name=full_name,
                               date_of_birth=date_of_birth, distinct_reason=distinct_reason)
    officer = Officer(service_number=service_number, full_name=full_name, search_name=fold(full_name), rank=rank,
                      date_of_birth=date_of_birth)
    _save_officer(officer)
    audit_record(actor=by, verb="officer.create", obj=officer,
                 payload={"service_number": service_number, "full_name": full_name, "rank": rank, **identity})
    return officer


def _require_unguarded(*, by: Actor, officer: Officer, changes: dict[str, Any]) -> None:
    """The name, birth date or service number of an officer linked to an account with legal powers or secrets (now
    or within TEAM_RECENT: services_grants.guarded_accounts) is not changed by one person (insider review S1-1: an
    administrator set a lead's officer's birth date, and an officer of the lead's very name born on another day was
    then another person; the account's own rename is a two-person request). Refused (409 `officer_guarded`), saying
    how to do it with a second person; system actors (the seed, `manage.py`) act directly."""
    from backend.accounts.models import User
    from backend.accounts.services_grants import guarded_accounts

    fields = [k for k in ("full_name", "date_of_birth", "service_number") if k in changes]
    if not fields or not isinstance(by, User):
        return
    holder = guarded_accounts().filter(officer_id=officer.pk).first()
    if holder is None:
        return
    raise Conflict(
        f"Cán bộ này gắn với tài khoản {holder.username} ({holder.get_role_display()}), tài khoản có thẩm quyền hoặc "
        "được biết bí mật: họ tên, ngày sinh và số hiệu của cán bộ không do một người sửa. Hãy yêu cầu đổi cán bộ gắn "
        "với tài khoản (bỏ gắn, hoặc gắn với một hồ sơ cán bộ có nhân thân đúng): người thứ hai phê duyệt. Khi cán "
        "bộ đã được bỏ gắn, sửa hồ sơ rồi yêu cầu gắn lại; người phê duyệt thấy họ tên, số hiệu và ngày sinh mới.",
        f"This officer is linked to account {holder.username} ({holder.role}), an account with legal powers or "
        "secrets: the officer's name, birth date and service number are not changed by one person. Request a change "
        "of the account's officer link (unlinked, or linked to an officer record with the right identity): a second "
        "person approves it. Once unlinked, correct the record, then request the link again; the approver sees the "
        "new name, service number and birth date.",
        code="officer_guarded", fields={f: ["guarded account's officer"] for f in fields},
        detail={"account": {"id": holder.pk, "username": holder.username, "role": holder.role}})


@transaction.atomic
def officer_update(*, by: Actor, officer: Officer, full_name: str | None = None, rank: str | None = None,
                   date_of_birth: date | None = None, service_number: str | None = None,
                   reason: str = "", distinct_reason: str = "") -> Officer:
    """Edit an officer. The identity (name, service number, date of birth) is not dated: changing it makes
    every record print the new one for the past, so when a recorded finding names the officer it is a
    correction that needs a reason, audited with it (the trace notes it: org.selectors.org_corrections)."""
    officer = Officer.objects.select_for_update().get(pk=officer.pk)
    reason = _clean_reason(reason)
    changes: dict[str, Any] = {}
    if service_number is not None:
        service_number = clean_service_number(service_number)
    if service_number is not None and service_number != officer.service_number:
        changes["service_number"] = [officer.service_number, service_number]
        officer.service_number = service_number
    if full_name is not None:
        full_name = full_name.strip()
        if not full_name:
            raise DomainError("Cần nhập họ tên.", "full_name is required.", code="required",
                              fields={"full_name": ["required"]})
        require_vietnamese_name(full_name)
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
    _require_unguarded(by=by, officer=officer, changes=changes)
    payload: dict[str, Any] = {"changes": changes}
    if any(k in changes for k in ("service_number", "full_name", "date_of_birth")):
        payload.update(_check_identity(officer_pk=officer.pk, service_number=officer.service_number,
                                       full_name=officer.full_name, date_of_birth=officer.date_of_birth,
                                       distinct_reason=distinct_reason))
    if any(k in changes for k in IDENTITY_FIELDS):
        touched = _require_reason_if_named(
            viewer=by, findings=_findings_naming(officer_id=officer.pk), reason=reason,
            vi="Đính chính nhân thân cán bộ", en="Correcting the officer's identity")
        if touched is not None:
            payload.update(correction=True, reason=reason, findings=touched)
    if reason and "reason" not in payload:
        payload["reason"] = reason
    _save_officer(officer)
    audit_record(actor=by, verb="officer.update", obj=officer, payload=payload)
    if "full_name" in changes:
        from backend.accounts.services_grants import sessions_end_for_officer_rename

        sessions_end_for_officer_rename(by=by, officer_id=officer.pk, names=changes["full_name"])
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
    """One head at a time: a substantive head, or an acting one (quyền / phụ trách) while the post has none;
    never two of them on the same day (each of them would answer for the unit in the trace)."""
    clash = Assignment.objects.filter(overlaps(valid_from, valid_to), unit=unit, is_head=True)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    other = clash.select_related("officer").order_by("valid_from").first()
    if other is not None:
        until = _d(other.valid_to) if other.valid_to else "nay"
        kind_vi = "quyền thủ trưởng / phụ trách" if other.is_acting else "thủ trưởng"
        raise DomainError(
            f"Đơn vị đã có {kind_vi} trong thời gian này ({other.officer.full_name}, "
            f"từ {_d(other.valid_from)} đến {until}). Mỗi ngày đơn vị chỉ có một người đứng đầu "
            "(thủ trưởng hoặc người được giao quyền / phụ trách khi khuyết thủ trưởng). "
            "Hãy kết thúc nhiệm kỳ đó trước.",
            f"The unit already has {'an acting' if other.is_acting else 'a'} head in that period "
            f"({other.officer.full_name}, from {other.valid_from.isoformat()}). One head at a time "
            "(substantive, or acting while the post is vacant). End that tenure first.",
            code="head_overlap", fields={"valid_from": ["head overlap"]})


def _touching_q(start: date, end: date | None) -> Q:
    """Findings whose violation (an instant, or occurred_from..occurred_to) meets the days [start, end]."""
    q = Q(occurred_to__gte=_day_start(start)) | Q(occurred_to__isnull=True, occurred_from__gte=_day_start(start))
    if end is not None:
        q &= Q(occurred_from__lt=_day_start(end + timedelta(days=1)))
    return q


def posting_findings(*, unit_id: int, is_head: bool, start: date, end: date | None,
                     assignment_id: int | None = None) -> Any:
    """Recorded findings whose trace may read a posting of `unit_id` on the days [start, end]: every finding
    of the unit in that period (who served there decides who may be a violator, the head and the deputy in
    charge), for a head also of the units under it then (the head one level up answers through them), and
    any finding with a leader's liability resting on the posting itself. The rule is per unit, not per
    officer. Visibility is the caller's business (see _only_visible: findings the caller may not see are
    not looked at)."""
    scope = Q(unit_id=unit_id)
    if is_head:
        below = UnitLink.objects.filter(overlaps(start, end), parent_id=unit_id).values("unit_id")
        scope |= Q(unit_id__in=below)
    if assignment_id is not None:
        liability = apps.get_model("accountability", "LeaderLiability")
        scope |= Q(pk__in=liability.objects.filter(assignment_id=assignment_id)
                   .exclude(state__in=["rejected", "superseded"]).values("finding_id"))
    ids = _recorded_findings().filter(_touching_q(start, end)).filter(scope).values("pk")
    return _recorded_findings().filter(pk__in=ids)


def _require_reason_under_findings(*, viewer: Actor, findings: Any, reason: str, vi: str, en: str,
                                   code: str) -> list[str] | None:
    """An org change that reaches into the period of a recorded finding the caller may see corrects the
    record the accountability trace reads (_require_correction_reason)."""
    return _require_correction_reason(
        viewer=viewer, findings=findings, reason=reason, vi=vi, en=en, code=code,
        named_vi="trùng thời gian vi phạm {shown} đã ghi nhận", named_en="it meets findings {refs}",
        effect_vi="Thay đổi này sửa hồ sơ mà việc xác định trách nhiệm dựa vào",
        effect_en="This corrects the record the accountability trace reads")


def _check_no_inspection_team(officer: Officer, *, is_head: bool, is_deputy: bool) -> None:
    """A member of the special inspection team (an active inspector / lead account) is not made head or
    deputy of a unit while in the team: it would put an inspector in the chain the team checks."""
    if not (is_head or is_deputy):
        return
    from backend.accounts.models import INSPECTION_TEAM, User

    user = User.objects.filter(officer=officer, is_active=True, role__in=list(INSPECTION_TEAM)).first()
    if user is not None:
        raise DomainError(
            f"Cán bộ {officer.full_name} đang là thành viên Tổ kiểm tra (tài khoản {user.get_role_display()}): "
            "không thể giao chức vụ trưởng / phó (kể cả quyền, phụ trách) của đơn vị. Nếu cán bộ đã được điều "
            "động khỏi Tổ kiểm tra, hãy đổi vai trò tài khoản trước.",
            f"{officer.full_name} is a member of the inspection team (role {user.role}): cannot be made head or "
            "deputy of a unit. Change the account's role first if the officer has left the team.",
            code="inspection_team_member", fields={"officer_id": ["inspection team"]})


@transaction.atomic
def assignment_create(*, by: Actor, officer: Officer, unit: Unit, position: str,
                      valid_from: date, valid_to: date | None = None, is_head: bool = False,
                      is_deputy: bool = False, is_acting: bool = False, in_charge_of: str = "",
                      decision_ref: str = "", field: FieldOfCharge | None = None, reason: str = "") -> Assignment:
    """Appoint an officer. One head at a time (acting included); no inspection-team member as head or deputy;
    an appointment reaching into a recorded finding's period is a correction of history: it needs a reason."""
    _check_assignment_period(valid_from, valid_to)
    reason = _clean_reason(reason)
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
    _check_no_inspection_team(officer, is_head=is_head, is_deputy=is_deputy)
    Unit.objects.select_for_update().filter(pk=unit.pk).first()  # serialise head appointments per unit
    if is_head:
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
    touched = _require_reason_under_findings(
        viewer=by, reason=reason, code="records_in_period",
        findings=posting_findings(unit_id=unit.pk, is_head=is_head,
                                  start=valid_from, end=valid_to),
        vi=f"Chức vụ của {officer.full_name} tại {unit.name} từ {_d(valid_from)}",
        en=f"{officer.full_name}'s post in {unit.code} from {valid_from.isoformat()}")
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
                          "valid_from": valid_from, "valid_to": valid_to,
                          **({"correction": True, "reason": reason, "findings": touched,
                              "days": [valid_from, valid_to]} if touched is not None
                             else ({"reason": reason} if reason else {}))})
    return assignment


_KEEP: Any = object()


# Long on purpose: a field change split or written in place, and the reason it needs across a recorded finding.
@transaction.atomic
def assignment_set_field(*, by: Actor, assignment: Assignment, field: FieldOfCharge | None = _KEEP,
                         in_charge_of: str | None = None, effective_from: date | None = None,
                         reason: str = "") -> Assignment:
    """Record (or change) a deputy's field of charge and the free-text description of the post.

    The field is part of the post's history: who answered for a violation is read as of its date. So
    changing a field the deputy already had takes effect from a day (`effective_from`, default today):
    when the post started before that day it is ended the day before and a new post with the new field
    starts on it, so a trace of an earlier violation still reads the field held then. Only a field
    recorded for a deputy who had none, or a change dated from the post's first day (a correction of
    the appointment record), is written in place. Either way, when the days that change meet a recorded
    finding's period, the field the trace reads for that finding changes: that needs a reason, audited with
    the findings the caller may see. Stored liabilities are not touched (see docs/architecture.md).
    Returns the post that holds the new field."""
    reason = _clean_reason(reason)
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
        if new_id != assignment.field_id:
            start = split_on or assignment.valid_from
            touched = _require_reason_under_findings(
                viewer=by, reason=reason, code="records_in_period",
                findings=posting_findings(unit_id=assignment.unit_id, is_head=assignment.is_head,
                                          start=start, end=assignment.valid_to, assignment_id=assignment.pk),
                vi=f"Đổi lĩnh vực phụ trách từ {_d(start)}",
                en=f"Changing the field of charge from {start.isoformat()}")
            if touched is not None:
                changes.update(correction=True, reason=reason, findings=touched, unit=assignment.unit_id,
                               days=[start, assignment.valid_to])
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


# Long on purpose: the rules of ending a posting in the order the docstring gives them, all before the write.
@transaction.atomic
def assignment_end(*, by: Actor, assignment: Assignment, on: date, reason: str = "") -> Assignment:
    """End a posting on `on` (its last day). Org history carries the accountability trace, so:
    - an end date later than the recorded one reopens an ended tenure: only as a correction with a reason,
      and with the checks of a new appointment (one head at a time, same post not twice);
    - an end date that takes the posting away from any day of a recorded finding's period (for a head or
      deputy: any finding of the unit, or of a unit under a head; for others: a finding naming the officer;
      or a leader's liability resting on it) is refused unless a reason for the correction is given; only the
      findings the caller may see count (a draft is not looked at: confirming it re-checks the postings).
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
        if assignment.is_head:
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
        payload.update(correction=True, reason=reason, unit=assignment.unit_id, days=[added_from, on])
    elif old_to is None or on < old_to:
        touched = _require_reason_under_findings(
            viewer=by, reason=reason, code="posting_has_findings",
            findings=posting_findings(unit_id=assignment.unit_id, is_head=assignment.is_head,
                                      start=on + timedelta(days=1), end=old_to, assignment_id=assignment.pk),
            vi=f"Không thể kết thúc chức vụ của {assignment.officer.full_name} tại {assignment.unit.name} "
               f"ngày {_d(on)}",
            en=f"Cannot end {assignment.officer.full_name}'s posting on {on.isoformat()}")
        if touched is not None:
            payload.update(correction=True, reason=reason, findings=touched, unit=assignment.unit_id,
                           days=[on + timedelta(days=1), old_to])
        elif reason:
            payload["reason"] = reason
    assignment.valid_to = on
    assignment.save(update_fields=["valid_to"])
    audit_record(actor=by, verb="assignment.end", obj=assignment, payload=payload)
    return assignment
