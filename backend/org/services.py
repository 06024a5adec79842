"""Writes to the organisation. Each one audited, each one validated before anything is saved."""
from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q

from backend.audit.services import audit_record
from backend.core.errors import DomainError
from backend.core.text import fold
from backend.org.models import Assignment, Camera, Counter, FieldOfCharge, Officer, Unit, UnitLink
from media_ingest.vision.zones import validate_zones as vision_validate_zones

CAMERA_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{1,39}$")


def _check_range(valid_from: date, valid_to: date | None) -> None:
    if valid_to is not None and valid_to < valid_from:
        raise DomainError("Ngày kết thúc phải sau ngày bắt đầu.",
                          "valid_to must not be before valid_from.", code="invalid_period",
                          fields={"valid_to": ["before valid_from"]})


def validate_zones(zones: Any) -> list[dict[str, Any]]:
    try:
        parsed = vision_validate_zones(zones)
    except ValueError as exc:
        raise DomainError(f"Vùng camera không hợp lệ: {exc}", f"Invalid camera zones: {exc}",
                          code="invalid_zones", fields={"zones": [str(exc)]}) from exc
    return [z.to_dict() for z in parsed]


@transaction.atomic
def unit_create(*, by: Any, code: str, name: str, level: str, parent: Unit | None,
                valid_from: date, valid_to: date | None = None) -> Unit:
    _check_range(valid_from, valid_to)
    if level not in Unit.Level.values:
        raise DomainError("Cấp đơn vị không hợp lệ.", f"Unknown level {level!r}.", code="invalid_level")
    if Unit.objects.filter(code=code).exists():
        raise DomainError("Mã đơn vị đã tồn tại.", "Unit code already exists.", code="duplicate",
                          fields={"code": ["exists"]})
    unit = Unit.objects.create(code=code, name=name, search_name=fold(name), level=level,
                               parent=parent, valid_from=valid_from, valid_to=valid_to)
    if parent is not None:
        UnitLink.objects.create(unit=unit, parent=parent, valid_from=valid_from, valid_to=valid_to)
    audit_record(actor=by, verb="unit.create", obj=unit,
                 payload={"code": code, "name": name, "level": level,
                          "parent": parent.pk if parent else None})
    return unit


@transaction.atomic
def unit_reparent(*, by: Any, unit: Unit, parent: Unit | None, on: date) -> Unit:
    """From `on`, `unit` sits under `parent` (e.g. when district-level police were abolished)."""
    if parent is not None and parent.pk == unit.pk:
        raise DomainError("Đơn vị không thể trực thuộc chính nó.", "A unit cannot be its own parent.")
    current = UnitLink.objects.filter(unit=unit, valid_to__isnull=True).first()
    if current is not None:
        if on <= current.valid_from:
            raise DomainError("Ngày thay đổi phải sau ngày bắt đầu trực thuộc hiện tại.",
                              "The change date must be after the current link started.")
        current.valid_to = on - timedelta(days=1)
        current.save(update_fields=["valid_to"])
    if parent is not None:
        UnitLink.objects.create(unit=unit, parent=parent, valid_from=on)
    unit.parent = parent
    unit.save(update_fields=["parent"])
    audit_record(actor=by, verb="unit.reparent", obj=unit,
                 payload={"parent": parent.pk if parent else None, "on": on})
    return unit


@transaction.atomic
def unit_merge(*, by: Any, units: list[Unit], into: Unit, on: date) -> None:
    """Units cease to exist the day before `on`; `into` succeeds them."""
    for unit in units:
        if unit.pk == into.pk:
            raise DomainError("Không thể sáp nhập đơn vị vào chính nó.", "Cannot merge a unit into itself.")
        if unit.valid_to is not None and unit.valid_to < on - timedelta(days=1):
            raise DomainError(f"Đơn vị {unit.name} đã giải thể trước đó.",
                              f"Unit {unit.code} had already ended.")
    for unit in units:
        unit.valid_to = on - timedelta(days=1)
        unit.successor = into
        unit.save(update_fields=["valid_to", "successor"])
        UnitLink.objects.filter(unit=unit, valid_to__isnull=True).update(valid_to=unit.valid_to)
        Assignment.objects.filter(unit=unit).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=unit.valid_to)
        ).update(valid_to=unit.valid_to)
        audit_record(actor=by, verb="unit.merge", obj=unit, payload={"into": into.pk, "on": on})


@transaction.atomic
def officer_create(*, by: Any, service_number: str, full_name: str, rank: str = "",
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
def fields_of_charge_seed(*, by: Any) -> int:
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
def field_of_charge_create(*, by: Any, code: str, name_vi: str, name_en: str, description: str = "",
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
def field_of_charge_update(*, by: Any, field: FieldOfCharge, name_vi: str | None = None,
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


@transaction.atomic
def assignment_create(*, by: Any, officer: Officer, unit: Unit, position: str,
                      valid_from: date, valid_to: date | None = None, is_head: bool = False,
                      is_deputy: bool = False, is_acting: bool = False, in_charge_of: str = "",
                      decision_ref: str = "", field: FieldOfCharge | None = None) -> Assignment:
    _check_range(valid_from, valid_to)
    if is_head and is_deputy:
        raise DomainError("Một chức vụ không thể vừa là trưởng vừa là phó.",
                          "An assignment cannot be both head and deputy.")
    _check_field(field, is_deputy=is_deputy)
    if valid_from < unit.valid_from or (unit.valid_to and (valid_to is None or valid_to > unit.valid_to)):
        raise DomainError("Thời gian giữ chức vụ nằm ngoài thời gian tồn tại của đơn vị.",
                          "The assignment falls outside the unit's existence.", code="invalid_period")
    if is_head and not is_acting:
        clash = Assignment.objects.filter(unit=unit, is_head=True, is_acting=False).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from)
        )
        if valid_to is not None:
            clash = clash.filter(valid_from__lte=valid_to)
        other = clash.select_related("officer").first()
        if other is not None:
            raise DomainError(
                f"Đơn vị đã có thủ trưởng trong thời gian này ({other.officer.full_name}, "
                f"từ {other.valid_from:%d/%m/%Y}). Hãy kết thúc nhiệm kỳ đó trước.",
                f"The unit already has a head in that period ({other.officer.full_name}). "
                "End that tenure first.", code="head_overlap")
    assignment = Assignment.objects.create(
        officer=officer, unit=unit, position=position, valid_from=valid_from, valid_to=valid_to,
        is_head=is_head, is_deputy=is_deputy, is_acting=is_acting, in_charge_of=in_charge_of,
        decision_ref=decision_ref, field=field,
    )
    audit_record(actor=by, verb="assignment.create", obj=assignment,
                 payload={"officer": officer.pk, "unit": unit.pk, "position": position,
                          "is_head": is_head, "is_deputy": is_deputy, "is_acting": is_acting,
                          "field": field.code if field else None,
                          "valid_from": valid_from, "valid_to": valid_to})
    return assignment


_KEEP: Any = object()


@transaction.atomic
def assignment_set_field(*, by: Any, assignment: Assignment, field: FieldOfCharge | None = _KEEP,
                         in_charge_of: str | None = None) -> Assignment:
    """Record (or change) a deputy's field of charge and the free-text description of the post.
    Changing the field changes what the deputy answers for in traces made from now on; the audit
    trail keeps the old value."""
    changes: dict[str, Any] = {}
    if field is not _KEEP:
        _check_field(field, is_deputy=assignment.is_deputy)
        changes["field"] = {"from": assignment.field.code if assignment.field is not None else None,
                            "to": field.code if field else None}
        assignment.field = field
    if in_charge_of is not None:
        changes["in_charge_of"] = {"from": assignment.in_charge_of, "to": in_charge_of}
        assignment.in_charge_of = in_charge_of
    assignment.save(update_fields=["field", "in_charge_of"])
    audit_record(actor=by, verb="assignment.set_field", obj=assignment, payload=changes)
    return assignment


@transaction.atomic
def assignment_end(*, by: Any, assignment: Assignment, on: date) -> Assignment:
    if on < assignment.valid_from:
        raise DomainError("Ngày kết thúc trước ngày bắt đầu.", "End date before start date.",
                          code="invalid_period")
    assignment.valid_to = on
    assignment.save(update_fields=["valid_to"])
    audit_record(actor=by, verb="assignment.end", obj=assignment, payload={"on": on})
    return assignment


@transaction.atomic
def counter_create(*, by: Any, unit: Unit, code: str, name: str,
                   opening_hours: dict[str, Any] | None = None) -> Counter:
    if Counter.objects.filter(code=code).exists():
        raise DomainError("Mã quầy đã tồn tại.", "Counter code already exists.", code="duplicate")
    counter = Counter.objects.create(unit=unit, code=code, name=name, opening_hours=opening_hours or {})
    audit_record(actor=by, verb="counter.create", obj=counter, payload={"code": code, "unit": unit.pk})
    return counter


@transaction.atomic
def camera_create(*, by: Any, counter: Counter, code: str, name: str = "",
                  zones: Any = None) -> Camera:
    if not CAMERA_CODE.match(code):
        raise DomainError("Mã camera chỉ gồm chữ, số, '-' và '_' (2–40 ký tự).",
                          "Camera code: letters, digits, '-' and '_' only (2–40 chars).",
                          code="invalid_code", fields={"code": ["invalid"]})
    if Camera.objects.filter(code=code).exists():
        raise DomainError("Mã camera đã tồn tại.", "Camera code already exists.", code="duplicate")
    camera = Camera.objects.create(counter=counter, code=code, name=name,
                                   zones=validate_zones(zones or []))
    audit_record(actor=by, verb="camera.create", obj=camera,
                 payload={"code": code, "counter": counter.pk, "zones": camera.zones})
    return camera


@transaction.atomic
def camera_update(*, by: Any, camera: Camera, name: str | None = None, zones: Any = None,
                  active: bool | None = None) -> Camera:
    changes: dict[str, Any] = {}
    if name is not None:
        camera.name = name
        changes["name"] = name
    if zones is not None:
        camera.zones = validate_zones(zones)
        changes["zones"] = camera.zones
    if active is not None:
        camera.active = active
        changes["active"] = active
    camera.save()
    audit_record(actor=by, verb="camera.update", obj=camera, payload=changes)
    return camera
