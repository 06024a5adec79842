"""Writes to the organisation. Each one audited, each one validated before anything is saved."""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from backend.audit.services import audit_record
from backend.core.errors import Conflict, DomainError
from backend.core.text import fold
from backend.org.models import Assignment, Camera, Counter, FieldOfCharge, Officer, Unit, UnitLink
from backend.org.selectors import overlaps, unit_ancestor_ids_at, unit_children_at, unit_existence_problem
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
    if parent is not None:
        _check_parent_alive(parent, valid_from, valid_to)
    unit = Unit.objects.create(code=code, name=name, search_name=fold(name), level=level,
                               parent=parent, valid_from=valid_from, valid_to=valid_to)
    if parent is not None:
        link_to = valid_to
        if parent.valid_to is not None and (link_to is None or link_to > parent.valid_to):
            link_to = parent.valid_to  # no parent after the parent ended (until the unit is re-parented)
        UnitLink.objects.create(unit=unit, parent=parent, valid_from=valid_from, valid_to=link_to)
    audit_record(actor=by, verb="unit.create", obj=unit,
                 payload={"code": code, "name": name, "level": level,
                          "parent": parent.pk if parent else None})
    return unit


def _check_parent_alive(parent: Unit, valid_from: date, valid_to: date | None) -> None:
    """A new unit is placed under a parent that exists on the unit's first day (the link ends when the
    parent ends: see unit_create)."""
    until = f"{parent.valid_to:%d/%m/%Y}" if parent.valid_to else "nay"
    if parent.valid_from > valid_from or (parent.valid_to is not None and parent.valid_to < valid_from):
        raise DomainError(
            f"Đơn vị cấp trên {parent.name} không tồn tại vào ngày {valid_from:%d/%m/%Y} "
            f"(đơn vị tồn tại từ {parent.valid_from:%d/%m/%Y} đến {until}).",
            f"The parent {parent.code} does not exist on {valid_from.isoformat()}.",
            code="parent_not_active", fields={"parent_id": ["parent did not exist"]})


def require_unit_existed(*, unit: Unit, start: date, end: date | None = None, field: str = "unit_id",
                         into_successor: bool = False) -> None:
    """Refuse a record (a finding, ...) dated when `unit` did not exist: the one rule, see
    selectors.unit_existence_problem, for every app that files records against a unit."""
    problem = unit_existence_problem(unit=unit, start=start, end=end, into_successor=into_successor)
    if problem is not None:
        raise DomainError(problem[0], problem[1], code="unit_not_active", fields={field: ["unit did not exist"]})


@transaction.atomic
def unit_reparent(*, by: Any, unit: Unit, parent: Unit | None, on: date) -> Unit:
    """From `on`, `unit` sits under `parent` (e.g. when district-level police were abolished)."""
    if parent is not None and parent.pk == unit.pk:
        raise DomainError("Đơn vị không thể trực thuộc chính nó.", "A unit cannot be its own parent.")
    current = UnitLink.objects.filter(unit=unit, valid_to__isnull=True).first()
    if current is None and unit.parent_id is not None and not UnitLink.objects.filter(unit=unit).exists():
        # a unit created before links were kept: record its parent up to now, so history stays true
        current = UnitLink.objects.create(unit=unit, parent_id=unit.parent_id, valid_from=unit.valid_from)
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
def unit_rename(*, by: Any, unit: Unit, name: str) -> Unit:
    """Correct or change a unit's name (the name is not temporal: a new unit is created by a merger)."""
    name = name.strip()
    if not name:
        raise DomainError("Cần nhập tên đơn vị.", "name is required.", code="required", fields={"name": ["required"]})
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    old = unit.name
    unit.name = name
    unit.search_name = fold(name)
    unit.save(update_fields=["name", "search_name"])
    audit_record(actor=by, verb="unit.rename", obj=unit, payload={"from": old, "to": name})
    return unit


def _end_unit(*, unit: Unit, last_day: date, successor: Unit | None) -> None:
    unit.valid_to = last_day
    unit.successor = successor
    unit.save(update_fields=["valid_to", "successor"])
    UnitLink.objects.filter(unit=unit, valid_to__isnull=True).update(valid_to=last_day)
    Assignment.objects.filter(unit=unit).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=last_day)
    ).update(valid_to=last_day)


def _check_unit_can_end(unit: Unit, on: date) -> None:
    if unit.valid_to is not None:
        # an ended (merged / abolished) unit is history: ending it again would re-point its successor
        raise DomainError(f"Đơn vị {unit.name} đã chấm dứt hoạt động từ {unit.valid_to:%d/%m/%Y}.",
                          f"Unit {unit.code} had already ended on {unit.valid_to.isoformat()}.",
                          code="unit_not_active", fields={"on": ["unit already ended"]})
    if on <= unit.valid_from:
        raise DomainError(f"Ngày hiệu lực phải sau ngày thành lập đơn vị {unit.name} ({unit.valid_from:%d/%m/%Y}).",
                          f"The date must be after {unit.code} was set up ({unit.valid_from.isoformat()}).",
                          code="invalid_period", fields={"on": ["before the unit started"]})
    last_day = on - timedelta(days=1)
    late = (Assignment.objects.filter(unit=unit, valid_from__gt=last_day).select_related("officer")
            .order_by("valid_from").first())
    if late is not None:
        raise DomainError(
            f"Cán bộ {late.officer.full_name} giữ chức vụ \"{late.position}\" tại {unit.name} từ "
            f"{late.valid_from:%d/%m/%Y}, sau ngày đơn vị chấm dứt ({last_day:%d/%m/%Y}). Sửa chức vụ đó trước.",
            f"{late.officer.full_name} holds a post in {unit.code} from {late.valid_from.isoformat()}, after the "
            f"unit's last day ({last_day.isoformat()}). Correct that appointment first.",
            code="assignment_after_end", fields={"on": ["appointment after the last day"]})
    if UnitLink.objects.filter(unit=unit, valid_from__gt=last_day).exists():
        raise DomainError(f"Đơn vị {unit.name} có thay đổi trực thuộc sau ngày {last_day:%d/%m/%Y}.",
                          f"Unit {unit.code} changes parent after {last_day.isoformat()}.",
                          code="invalid_period", fields={"on": ["parent change after the last day"]})


REASON_MIN = 5


def _clean_reason(reason: str | None) -> str:
    return " ".join((reason or "").split())


def _require_reason(reason: str, *, vi: str, en: str) -> None:
    if len(reason) < REASON_MIN:
        raise DomainError(f"{vi} Cần nêu lý do (ít nhất {REASON_MIN} ký tự).",
                          f"{en} A reason is required (at least {REASON_MIN} characters).",
                          code="reason_required", fields={"reason": ["required"]})


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _viewer_findings(viewer: Any) -> Any:
    """Findings `viewer` may know of: the inspection app's one owner (secret checks, drafts, scope)."""
    from inspection.selectors import findings_visible_to

    return findings_visible_to(viewer)


def _viewer_checks(viewer: Any) -> Any:
    """Checks `viewer` may know exist: inspection/secrecy.py, the one owner of the secrecy rule."""
    from inspection.secrecy import checks_visible_to

    if not hasattr(viewer, "is_authenticated"):
        return apps.get_model("inspection", "SurpriseCheck").objects.none()
    return checks_visible_to(viewer)


def _recorded_findings() -> Any:
    """Findings that are part of the record an org change may rewrite: not dismissed, and not linked to a
    never-started check (a planned check is a secret: an org change never looks at it, see docs)."""
    from inspection.secrecy import public_check_link_q

    return apps.get_model("inspection", "Finding").objects.exclude(state="dismissed").filter(public_check_link_q())


def _split_visible(qs: Any, viewer: Any) -> tuple[list[Any], bool]:
    """(the rows of `qs` the viewer may see, whether there are others): messages list only the first."""
    visible = list(qs.filter(pk__in=_viewer_findings(viewer).values("pk")).order_by("occurred_from", "pk"))
    hidden = qs.exclude(pk__in=[f.pk for f in visible]).exists()
    return visible, hidden


def unit_records_after(*, unit: Unit, last_day: date, viewer: Any = None) -> dict[str, Any]:
    """What ending `unit` after `last_day` would cut: findings, checks and clips dated after that day, and
    postings served after it (up to today). Each list holds short Vietnamese labels.

    Secrecy (docs/architecture.md, "Org changes and secret records"): a never-started (planned) check is
    not a record of the unit for this purpose: it is neither listed nor counted nor blocking, so ending a
    unit answers the same whether one exists or not; the check's team sees the unit's end on the check.
    Findings and started checks are listed only when `viewer` may see them; `unpublished` says whether
    other findings (drafts the viewer may not see) exist, without naming, dating or counting them."""
    after = _day_start(last_day + timedelta(days=1))
    check_model = apps.get_model("inspection", "SurpriseCheck")
    clip_model = apps.get_model("media_ingest", "Clip")
    from inspection.secrecy import started_q

    visible, hidden = _split_visible(_recorded_findings().filter(unit=unit, occurred_from__gte=after), viewer)
    findings = [f"{f.reference} ({_local_day(f.occurred_from):%d/%m/%Y})" for f in visible]
    started = (check_model.objects.filter(started_q(), unit=unit, window_start__gte=after)
               .exclude(state="cancelled"))
    shown_checks = list(started.filter(pk__in=_viewer_checks(viewer).values("pk")).order_by("window_start"))
    hidden = hidden or started.exclude(pk__in=[c.pk for c in shown_checks]).exists()
    checks = [f"{c.reference} ({_local_day(c.window_start):%d/%m/%Y})" for c in shown_checks]
    clips = [f"{code} {_local_day(started):%d/%m/%Y}"
             for code, started in clip_model.objects.filter(camera__counter__unit=unit, started_at__gte=after)
             .order_by("started_at").values_list("camera__code", "started_at") if started is not None]
    postings: list[str] = []
    today = timezone.localdate()
    if last_day < today - timedelta(days=1):
        for a in (Assignment.objects.filter(unit=unit).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=last_day))
                  .select_related("officer").order_by("valid_from")):
            postings.append(f"{a.officer.full_name} — {a.position} "
                            f"(đến {_d(a.valid_to) if a.valid_to else 'nay'})")
    return {"findings": findings, "checks": checks, "clips": clips, "postings": postings, "unpublished": hidden}


UNPUBLISHED_VI = "có hồ sơ đang xử lý chưa công bố ghi nhận đơn vị trong thời gian này"
UNPUBLISHED_EN = "unpublished records in progress name the unit in that period"


_RECORD_NAMES = {"findings": ("vi phạm", "findings"), "checks": ("cuộc kiểm tra", "checks"),
                 "clips": ("đoạn hình ảnh camera", "clips"), "postings": ("chức vụ đang giữ", "postings")}


def _summary(records: dict[str, list[str]], kinds: tuple[str, ...]) -> tuple[str, str]:
    vi, en = [], []
    for kind in kinds:
        items = records[kind]
        if items:
            shown = "; ".join(items[:5]) + (f"; … (+{len(items) - 5})" if len(items) > 5 else "")
            vi.append(f"{len(items)} {_RECORD_NAMES[kind][0]}: {shown}")
            en.append(f"{len(items)} {_RECORD_NAMES[kind][1]}")
    return " | ".join(vi), ", ".join(en)


def _check_end_in_past(unit: Unit, on: date, reason: str, confirm: bool, viewer: Any) -> dict[str, Any]:
    """Ending a unit from a past day rewrites history: it needs a reason, it may not leave findings or
    checks dated after the unit's last day, and it cuts clips and served postings only when the request
    says so (`confirm`) after being shown what would be cut."""
    last_day = on - timedelta(days=1)
    records = unit_records_after(unit=unit, last_day=last_day, viewer=viewer)
    if records["findings"] or records["checks"] or records["unpublished"]:
        vi, en = _summary(records, ("findings", "checks"))
        if records["unpublished"]:
            # no reference, date or count: the caller may not see them (and no planned check is ever here)
            vi, en = "; ".join(x for x in (vi, UNPUBLISHED_VI) if x), ", ".join(x for x in (en, UNPUBLISHED_EN) if x)
        raise Conflict(
            f"Không thể cho {unit.name} chấm dứt từ ngày {_d(on)}: có hồ sơ ghi nhận đơn vị sau ngày "
            f"{_d(last_day)} — {vi}.",
            f"{unit.code} cannot end from {on.isoformat()}: records name it after {last_day.isoformat()} ({en}).",
            code="records_after_end")
    if on < timezone.localdate():
        _require_reason(reason, vi=f"Ngày {_d(on)} đã qua: cho đơn vị chấm dứt từ ngày trong quá khứ là sửa lịch sử.",
                        en=f"{on.isoformat()} is in the past: ending a unit from a past day rewrites history.")
    if (records["clips"] or records["postings"]) and not confirm:
        vi, en = _summary(records, ("clips", "postings"))
        raise Conflict(
            f"Cho {unit.name} chấm dứt từ ngày {_d(on)} sẽ cắt bỏ: {vi}. Xác nhận (confirm) nếu đúng.",
            f"Ending {unit.code} from {on.isoformat()} would cut: {en}. Confirm to proceed.",
            code="confirm_required")
    return records


# The request field each successor-like unit came in, and what the message calls it.
_SUCCESSOR_ROLES = {
    "successor_id": ("Đơn vị kế thừa", "The successor"),
    "into_id": ("Đơn vị nhận sáp nhập", "The unit merged into"),
    "children_to_id": ("Đơn vị cấp trên mới", "The new parent"),
}


def _check_successor(successor: Unit, on: date, field: str = "successor_id") -> None:
    if successor.valid_from > on or (successor.valid_to is not None and successor.valid_to < on):
        vi, en = _SUCCESSOR_ROLES[field]
        raise DomainError(f"{vi} {successor.name} không tồn tại vào ngày {on:%d/%m/%Y}.",
                          f"{en} {successor.code} does not exist on {on.isoformat()}.",
                          code="unit_not_active", fields={field: ["not active"]})


def _live_children(unit: Unit, on: date) -> list[Unit]:
    """Sub-units under `unit` on its last day (the day before `on`) that still exist on `on`."""
    children = unit_children_at(unit=unit, at=on - timedelta(days=1))
    return [c for c in children if c.valid_to is None or c.valid_to >= on]


def _check_merge_tree(*, unit: Unit, into: Unit, on: date, merged: set[int]) -> None:
    """A merger ends `unit`: it may not be merged into a unit below it (that unit would lose its own parent
    line), and sub-units that outlive it need a new parent first (abolish does it with children_to_id)."""
    for day in (on - timedelta(days=1), on):
        if unit.pk in unit_ancestor_ids_at(unit=into, at=day)[1:]:
            raise DomainError(
                f"Không thể sáp nhập {unit.name} vào {into.name}: {into.name} là đơn vị trực thuộc "
                f"{unit.name} (ngày {_d(day)}). Đơn vị không thể sáp nhập vào đơn vị cấp dưới của chính nó.",
                f"Cannot merge {unit.code} into {into.code}: {into.code} sits below {unit.code} on "
                f"{day.isoformat()}.",
                code="into_descendant", fields={"into_id": ["below the merged unit"]})
    children = [c for c in _live_children(unit, on) if c.pk not in merged]
    if children:
        names = ", ".join(c.name for c in children[:5]) + (f" … (+{len(children) - 5})" if len(children) > 5 else "")
        raise DomainError(
            f"Đơn vị {unit.name} còn {len(children)} đơn vị trực thuộc sau ngày {_d(on - timedelta(days=1))} "
            f"({names}). Chuyển các đơn vị này sang đơn vị cấp trên khác trước khi sáp nhập "
            "(hoặc đưa chúng vào cùng danh sách sáp nhập).",
            f"{unit.code} still has {len(children)} sub-units after {(on - timedelta(days=1)).isoformat()}. "
            "Re-parent them (or merge them too) first.",
            code="children_remain", fields={"unit_ids": ["sub-units remain"]})


@transaction.atomic
def unit_merge(*, by: Any, units: list[Unit], into: Unit, on: date, reason: str = "",
               confirm: bool = False) -> None:
    """Units cease to exist the day before `on`; `into` succeeds them. A past `on` needs a reason."""
    if not units:
        raise DomainError("Chọn ít nhất một đơn vị để sáp nhập.", "Pick at least one unit to merge.",
                          code="required", fields={"unit_ids": ["required"]})
    if len({u.pk for u in units}) != len(units):
        raise DomainError("Danh sách đơn vị sáp nhập có đơn vị bị lặp.", "unit_ids lists a unit twice.",
                          code="duplicate", fields={"unit_ids": ["duplicate"]})
    reason = _clean_reason(reason)
    _check_successor(into, on, "into_id")
    units = list(Unit.objects.select_for_update().filter(pk__in=[u.pk for u in units]).order_by("pk"))
    cut: dict[int, dict[str, Any]] = {}
    for unit in units:
        if unit.pk == into.pk:
            raise DomainError("Không thể sáp nhập đơn vị vào chính nó.", "Cannot merge a unit into itself.",
                              code="invalid", fields={"into_id": ["same unit"]})
        _check_unit_can_end(unit, on)
        _check_merge_tree(unit=unit, into=into, on=on, merged={u.pk for u in units})
        cut[unit.pk] = _check_end_in_past(unit, on, reason, confirm, by)
    for unit in units:
        _end_unit(unit=unit, last_day=on - timedelta(days=1), successor=into)
        audit_record(actor=by, verb="unit.merge", obj=unit,
                     payload={"into": into.pk, "on": on, "reason": reason, "cut": cut[unit.pk]})


@transaction.atomic
def unit_abolish(*, by: Any, unit: Unit, on: date, successor: Unit | None = None,
                 children_to: Unit | None = None, reason: str = "", confirm: bool = False) -> Unit:
    """`unit` ends the day before `on`. Its sub-units that still exist move under `children_to`
    from `on` (district-level police abolished 1 March 2025: communes came under the province)."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    reason = _clean_reason(reason)
    _check_unit_can_end(unit, on)
    cut = _check_end_in_past(unit, on, reason, confirm, by)
    if successor is not None:
        if successor.pk == unit.pk:
            raise DomainError("Đơn vị kế thừa phải là đơn vị khác.", "The successor must be another unit.",
                              code="invalid", fields={"successor_id": ["same unit"]})
        _check_successor(successor, on)
    children = _live_children(unit, on)
    if children and children_to is None:
        names = ", ".join(c.name for c in children[:5])
        raise DomainError(
            f"Đơn vị còn {len(children)} đơn vị trực thuộc ({names}). Chọn đơn vị cấp trên mới cho chúng.",
            f"The unit still has {len(children)} sub-units. Choose their new parent.",
            code="children_remain", fields={"children_to_id": ["required"]})
    if children_to is not None:
        if children_to.pk == unit.pk:
            raise DomainError("Đơn vị cấp trên mới phải là đơn vị khác.", "The new parent must be another unit.",
                              code="invalid", fields={"children_to_id": ["same unit"]})
        _check_successor(children_to, on, "children_to_id")
        if unit.pk in unit_ancestor_ids_at(unit=children_to, at=on - timedelta(days=1))[1:]:
            raise DomainError(
                f"Đơn vị cấp trên mới {children_to.name} đang trực thuộc {unit.name}: chọn một đơn vị "
                "không thuộc đơn vị bị giải thể.",
                f"The new parent {children_to.code} sits below {unit.code}: choose a unit outside it.",
                code="into_descendant", fields={"children_to_id": ["below the abolished unit"]})
        for child in children:
            unit_reparent(by=by, unit=child, parent=children_to, on=on)
    _end_unit(unit=unit, last_day=on - timedelta(days=1), successor=successor)
    audit_record(actor=by, verb="unit.abolish", obj=unit,
                 payload={"on": on, "successor": successor.pk if successor else None,
                          "children_to": children_to.pk if children_to else None,
                          "children": [c.pk for c in children], "reason": reason, "cut": cut})
    return unit


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


@transaction.atomic
def officer_update(*, by: Any, officer: Officer, full_name: str | None = None, rank: str | None = None,
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


def _d(day: date) -> str:
    return f"{day:%d/%m/%Y}"


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
    officer, so a refusal never tells whether an unpublished finding names this officer. Visibility is the
    caller's business (see _split_visible)."""
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


def _require_reason_under_findings(*, viewer: Any, findings: Any, reason: str, vi: str, en: str,
                                   code: str) -> list[str] | None:
    """An org change that reaches into the period of a recorded finding (visible to the caller or not) is a
    correction of the record the accountability trace reads: it needs a reason, audited with it. The refusal
    names only the findings the caller may see; for the others it says no more than that records exist.
    Returns the references to audit (those the caller may see), or None when no finding is touched."""
    visible, hidden = _split_visible(findings, viewer)
    if not visible and not hidden:
        return None
    refs = [f.reference for f in visible]
    if len(reason) < REASON_MIN:
        if refs:
            shown = ", ".join(refs[:10]) + (f" … (+{len(refs) - 10})" if len(refs) > 10 else "")
            what_vi, what_en = f"trùng thời gian vi phạm {shown} đã ghi nhận", f"it meets findings {', '.join(refs)}"
        else:
            what_vi, what_en = UNPUBLISHED_VI, UNPUBLISHED_EN
        raise Conflict(
            f"{vi}: {what_vi}. Thay đổi này sửa hồ sơ mà việc xác định trách nhiệm dựa vào; "
            f"cần nêu lý do đính chính (ít nhất {REASON_MIN} ký tự), lý do được ghi vào nhật ký.",
            f"{en}: {what_en}. This corrects the record the accountability trace reads; "
            f"give a reason (at least {REASON_MIN} characters), it is audited.",
            code=code, fields={"reason": ["required"]})
    return refs


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
def assignment_create(*, by: Any, officer: Officer, unit: Unit, position: str,
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


@transaction.atomic
def assignment_set_field(*, by: Any, assignment: Assignment, field: FieldOfCharge | None = _KEEP,
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


@transaction.atomic
def assignment_end(*, by: Any, assignment: Assignment, on: date, reason: str = "") -> Assignment:
    """End a posting on `on` (its last day). Org history carries the accountability trace, so:
    - an end date later than the recorded one reopens an ended tenure: only as a correction with a reason,
      and with the checks of a new appointment (one head at a time, same post not twice);
    - an end date that takes the posting away from any day of a recorded finding's period (for a head or
      deputy: any finding of the unit, or of a unit under a head; for others: a finding naming the officer;
      or a leader's liability resting on it) is refused unless a reason for the correction is given; the
      refusal names only the findings the caller may see.
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
