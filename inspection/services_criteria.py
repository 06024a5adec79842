"""Writes of the catalogue and criteria sets: seeding the categories and their fields, importing,
activating and seeding a criteria set."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max

from backend.accounts.selectors import require_role
from backend.audit.services import audit_record
from backend.core.actors import Actor, actor_user
from backend.core.errors import Conflict, DomainError
from backend.core.params import parse_int
from backend.org.models import FieldOfCharge
from inspection import defaults
from inspection.models import CriteriaSet, Criterion, FindingCategory
from inspection.services_common import LEAD, _decimal, _invalid


@transaction.atomic
def catalogue_seed(*, by: Actor) -> int:
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
def category_fields_set(*, by: Actor, category: FindingCategory, field_ids: list[int]) -> FindingCategory:
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


def _category(node: dict[str, Any], where: str) -> FindingCategory | None:
    """The kind of violation a failure of the criterion is filed as: a code of the catalogue, or none."""
    code = str(node.get("category") or "").strip()
    if not code:
        return None
    category = FindingCategory.objects.filter(code=code).first()
    if category is None:
        raise _invalid(f"{where}.category: không có loại vi phạm mã {code}.",
                       f"{where}.category: no finding category {code}.", f"{where}.category")
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
                    "critical": bool(node.get("critical", False)), "category": _category(node, where),
                    "parent": parent})
        if children:
            _validate_tree(children, f"{where}.children", seen, out, code)


@transaction.atomic
def criteria_set_import(*, by: Actor, data: Any) -> CriteriaSet:
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
                                    created_by=actor_user(by))
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
def criteria_set_activate(*, by: Actor, criteria_set: CriteriaSet, active: bool) -> CriteriaSet:
    require_role(by, *LEAD)
    criteria_set.is_active = active
    criteria_set.save(update_fields=["is_active"])
    audit_record(actor=by, verb="criteria_set.activate" if active else "criteria_set.deactivate", obj=criteria_set)
    return criteria_set


def criteria_set_seed_default(*, by: Actor, year: int) -> CriteriaSet:
    existing = CriteriaSet.objects.filter(code=defaults.DEFAULT_CRITERIA_CODE, year=year).first()
    if existing is not None:
        return existing
    # the default set names the catalogue's categories: a database without them gets the catalogue first
    needed = set(defaults.DEFAULT_CRITERIA_CATEGORIES.values())
    if needed - set(FindingCategory.objects.filter(code__in=needed).values_list("code", flat=True)):
        catalogue_seed(by=by)
    return criteria_set_import(by=by, data={**defaults.DEFAULT_CRITERIA, "year": year, "version": 1})
