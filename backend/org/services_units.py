"""Writes of units: create, reparent, rename, merge and abolish, with the rules that keep history
true (a unit existed on the day, no records after its end). Each one audited, each one validated
before anything is saved."""
from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from backend.audit.services import audit_record
from backend.core.actors import Actor
from backend.core.errors import Conflict, DomainError
from backend.core.text import fold
from backend.org.models import Assignment, Unit, UnitLink
from backend.org.selectors import unit_ancestor_ids_at, unit_children_at, unit_existence_problem
from backend.org.services_common import (
    _check_range,
    _clean_reason,
    _d,
    _day_start,
    _findings_naming,
    _local_day,
    _only_visible,
    _recorded_findings,
    _require_reason,
    _require_reason_if_named,
    _viewer_checks,
)

UNIT_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,39}$")


@transaction.atomic
def unit_create(*, by: Actor, code: str, name: str, level: str, parent: Unit | None,
                valid_from: date, valid_to: date | None = None) -> Unit:
    _check_range(valid_from, valid_to)
    if level not in Unit.Level.values:
        raise DomainError("Cấp đơn vị không hợp lệ.", f"Unknown level {level!r}.", code="invalid_level")
    if not UNIT_CODE.match(code):  # a code is printed, exported and searched: no control or invisible characters
        raise DomainError("Mã đơn vị chỉ gồm chữ không dấu, số, '.', '-' và '_' (2–40 ký tự).",
                          "Unit code: letters A-Z, digits, '.', '-' and '_' only (2–40 chars).",
                          code="invalid_code", fields={"code": ["invalid"]})
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
def unit_reparent(*, by: Actor, unit: Unit, parent: Unit | None, on: date) -> Unit:
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
def unit_rename(*, by: Actor, unit: Unit, name: str, reason: str = "") -> Unit:
    """Correct or change a unit's name. The name is not dated (a new unit is created by a merger), so a
    rename makes every record print the new name for the past: when a recorded finding or liability names
    the unit it is a correction that needs a reason, audited with it (org.selectors.org_corrections)."""
    name = name.strip()
    reason = _clean_reason(reason)
    if not name:
        raise DomainError("Cần nhập tên đơn vị.", "name is required.", code="required", fields={"name": ["required"]})
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    old = unit.name
    payload: dict[str, Any] = {"from": old, "to": name}
    if name != old:
        touched = _require_reason_if_named(
            viewer=by, findings=_findings_naming(unit_id=unit.pk), reason=reason,
            vi="Đổi tên đơn vị", en="Renaming the unit")
        if touched is not None:
            payload.update(correction=True, reason=reason, findings=touched)
    if reason and "reason" not in payload:
        payload["reason"] = reason
    unit.name = name
    unit.search_name = fold(name)
    unit.save(update_fields=["name", "search_name"])
    audit_record(actor=by, verb="unit.rename", obj=unit, payload=payload)
    return unit


def _end_unit(*, unit: Unit, last_day: date, successor: Unit | None) -> None:
    unit.valid_to = last_day
    unit.successor = successor
    unit.save(update_fields=["valid_to", "successor"])
    UnitLink.objects.filter(unit=unit, valid_to__isnull=True).update(valid_to=last_day)
    Assignment.objects.filter(unit=unit).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=last_day)
    ).update(valid_to=last_day)


def require_end_after_start(unit: Unit, on: date) -> None:
    """A unit ends (its last day the day before `on`) only after it began: the merge, the abolition and their
    preview say so alike (the preview showed a last day before the first: reviewer, issue 15)."""
    if on <= unit.valid_from:
        raise DomainError(f"Ngày hiệu lực phải sau ngày thành lập đơn vị {unit.name} ({unit.valid_from:%d/%m/%Y}): "
                          f"ngày cuối cùng của đơn vị ({_d(on - timedelta(days=1))}) không thể trước ngày thành lập.",
                          f"The date must be after {unit.code} was set up ({unit.valid_from.isoformat()}): its last "
                          f"day ({(on - timedelta(days=1)).isoformat()}) cannot come before its first.",
                          code="invalid_period", fields={"on": ["before the unit started"]})


def _check_unit_can_end(unit: Unit, on: date) -> None:
    if unit.valid_to is not None:
        # an ended (merged / abolished) unit is history: ending it again would re-point its successor
        raise DomainError(f"Đơn vị {unit.name} đã chấm dứt hoạt động từ {unit.valid_to:%d/%m/%Y}.",
                          f"Unit {unit.code} had already ended on {unit.valid_to.isoformat()}.",
                          code="unit_not_active", fields={"on": ["unit already ended"]})
    require_end_after_start(unit, on)
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


def unit_records_after(*, unit: Unit, last_day: date, viewer: Actor | None = None) -> dict[str, Any]:
    """What ending `unit` after `last_day` would cut: findings, checks and clips dated after that day, and
    postings served after it (up to today). Each list holds short Vietnamese labels.

    Secrecy (docs/architecture.md, "Org changes and secret records"): a never-started (planned) check is
    not a record of the unit for this purpose: it is neither listed nor counted nor blocking, so ending a
    unit answers the same whether one exists or not; the check's team sees the unit's end on the check.
    Findings and started checks `viewer` may not see (drafts of the inspection team) are treated the same
    way: not listed, not counted, not blocking, and nothing says they exist; publishing such a draft
    re-checks that its unit existed on its date (inspection.services_findings.finding_transition)."""
    after = _day_start(last_day + timedelta(days=1))
    check_model = apps.get_model("inspection", "SurpriseCheck")
    clip_model = apps.get_model("media_ingest", "Clip")
    from inspection.secrecy import started_q

    visible = _only_visible(_recorded_findings().filter(unit=unit, occurred_from__gte=after), viewer)
    findings = [f"{f.reference} ({_local_day(f.occurred_from):%d/%m/%Y})" for f in visible]
    started = (check_model.objects.filter(started_q(), unit=unit, window_start__gte=after)
               .exclude(state="cancelled"))
    shown_checks = list(started.filter(pk__in=_viewer_checks(viewer).values("pk")).order_by("window_start"))
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
    return {"findings": findings, "checks": checks, "clips": clips, "postings": postings}




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


def _check_end_in_past(unit: Unit, on: date, reason: str, confirm: bool, viewer: Actor) -> dict[str, Any]:
    """Ending a unit from a past day rewrites history: it needs a reason, it may not leave findings or
    checks dated after the unit's last day, and it cuts clips and served postings only when the request
    says so (`confirm`) after being shown what would be cut."""
    last_day = on - timedelta(days=1)
    records = unit_records_after(unit=unit, last_day=last_day, viewer=viewer)
    if records["findings"] or records["checks"]:  # only what the caller may see (see unit_records_after)
        vi, en = _summary(records, ("findings", "checks"))
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
            f"Cho {unit.name} chấm dứt từ ngày {_d(on)} sẽ cắt bỏ: {vi}. Nếu đúng, hãy bấm “Xác nhận” để tiếp tục.",
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
def unit_merge(*, by: Actor, units: list[Unit], into: Unit, on: date, reason: str = "",
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
def unit_abolish(*, by: Actor, unit: Unit, on: date, successor: Unit | None = None,
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
        for child in children:
            unit_reparent(by=by, unit=child, parent=children_to, on=on)
    _end_unit(unit=unit, last_day=on - timedelta(days=1), successor=successor)
    audit_record(actor=by, verb="unit.abolish", obj=unit,
                 payload={"on": on, "successor": successor.pk if successor else None,
                          "children_to": children_to.pk if children_to else None,
                          "children": [c.pk for c in children], "reason": reason, "cut": cut})
    return unit
