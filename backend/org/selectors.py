"""Reads of the organisation, answered for any date."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from backend.core.errors import NotFound
from backend.core.text import fold
from backend.org.models import Assignment, Camera, Counter, FieldOfCharge, Officer, Unit, UnitLink


def _active_on(at: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}valid_from__lte": at}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": at})
    )


def _overlaps(start: date, end: date | None, prefix: str = "") -> Q:
    q = Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": start})
    if end is not None:
        q &= Q(**{f"{prefix}valid_from__lte": end})
    return q


def unit_heads_at(*, unit: Unit, at: date) -> list[Assignment]:
    """Head(s) of `unit` on `at`: the substantive head first, then acting heads."""
    return list(
        Assignment.objects.filter(_active_on(at), unit=unit, is_head=True)
        .select_related("officer", "unit", "field")
        .order_by("is_acting", "valid_from")
    )


def unit_deputies_at(*, unit: Unit, at: date) -> list[Assignment]:
    return list(
        Assignment.objects.filter(_active_on(at), unit=unit, is_deputy=True)
        .select_related("officer", "unit", "field")
        .order_by("valid_from")
    )


def unit_heads_between(*, unit: Unit, start: date, end: date) -> list[Assignment]:
    """Every head assignment of `unit` that overlaps [start, end], in order."""
    return list(
        Assignment.objects.filter(_overlaps(start, end), unit=unit, is_head=True)
        .select_related("officer", "unit", "field")
        .order_by("valid_from", "is_acting")
    )


def officer_assignment_at(*, officer: Officer, at: date) -> Assignment | None:
    """The officer's primary assignment on `at` (a head/deputy post wins over a plain one)."""
    return (
        Assignment.objects.filter(_active_on(at), officer=officer)
        .select_related("unit")
        .order_by("-is_head", "-is_deputy", "-valid_from")
        .first()
    )


def unit_parent_at(*, unit: Unit, at: date) -> Unit | None:
    link = (
        UnitLink.objects.filter(_active_on(at), unit=unit).select_related("parent").first()
    )
    if link is not None:
        return link.parent
    if UnitLink.objects.filter(unit=unit).exists():
        return None  # links exist but none covers `at`: the unit had no parent then
    return unit.parent


@dataclass
class CommandLink:
    unit: Unit
    heads: list[Assignment]


def chain_of_command(*, officer: Officer, at: date) -> list[CommandLink]:
    """Units above (and including) the officer's unit on `at`, each with its head(s)."""
    assignment = officer_assignment_at(officer=officer, at=at)
    if assignment is None:
        return []
    chain: list[CommandLink] = []
    unit: Unit | None = assignment.unit
    seen: set[int] = set()
    while unit is not None and unit.pk not in seen:
        seen.add(unit.pk)
        chain.append(CommandLink(unit=unit, heads=unit_heads_at(unit=unit, at=at)))
        unit = unit_parent_at(unit=unit, at=at)
    return chain


def unit_subtree_ids(*, root_id: int) -> set[int]:
    """The root and every unit that was ever below it (any period), plus successors' lineage."""
    children: dict[int, set[int]] = defaultdict(set)
    for unit_id, parent_id in Unit.objects.exclude(parent=None).values_list("id", "parent_id"):
        children[parent_id].add(unit_id)
    for unit_id, parent_id in UnitLink.objects.values_list("unit_id", "parent_id"):
        children[parent_id].add(unit_id)
    result = {root_id}
    stack = [root_id]
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in result:
                result.add(child)
                stack.append(child)
    return result


def units_list(*, unit_ids: Iterable[int] | None, search: str = "", at: date | None = None,
               level: str = "") -> QuerySet[Unit]:
    qs = Unit.objects.select_related("parent", "successor")
    if unit_ids is not None:
        qs = qs.filter(id__in=list(unit_ids))
    if search:
        qs = qs.filter(Q(search_name__contains=fold(search)) | Q(code__iexact=search.strip()))
    if at is not None:
        qs = qs.filter(_active_on(at))
    if level:
        qs = qs.filter(level=level)
    return qs


def unit_get(*, unit_ids: set[int] | None, pk: int) -> Unit:
    unit = Unit.objects.select_related("parent", "successor").filter(pk=pk).first()
    if unit is None or (unit_ids is not None and unit.pk not in unit_ids):
        raise NotFound("Không tìm thấy đơn vị.", "Unit not found.")
    return unit


def officers_list(*, unit_ids: set[int] | None, search: str = "") -> QuerySet[Officer]:
    qs = Officer.objects.all()
    if unit_ids is not None:
        qs = qs.filter(assignments__unit_id__in=unit_ids).distinct()
    if search:
        term = fold(search)
        qs = qs.filter(Q(search_name__contains=term) | Q(service_number__iexact=search.strip()))
    return qs


def officer_get(*, unit_ids: set[int] | None, pk: int) -> Officer:
    qs = Officer.objects.filter(pk=pk)
    if unit_ids is not None:
        qs = qs.filter(assignments__unit_id__in=unit_ids)
    officer = qs.first()
    if officer is None:
        raise NotFound("Không tìm thấy cán bộ.", "Officer not found.")
    return officer


def assignments_list(*, unit_ids: set[int] | None, unit_id: int | None = None,
                     officer_id: int | None = None, at: date | None = None) -> QuerySet[Assignment]:
    qs = Assignment.objects.select_related("officer", "unit", "field")
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    if officer_id is not None:
        qs = qs.filter(officer_id=officer_id)
    if at is not None:
        qs = qs.filter(_active_on(at))
    return qs


def assignment_get(*, unit_ids: set[int] | None, pk: int) -> Assignment:
    assignment = Assignment.objects.select_related("officer", "unit", "field").filter(pk=pk).first()
    if assignment is None or (unit_ids is not None and assignment.unit_id not in unit_ids):
        raise NotFound("Không tìm thấy chức vụ.", "Assignment not found.")
    return assignment


def fields_of_charge_list(*, active_only: bool = False) -> QuerySet[FieldOfCharge]:
    qs = FieldOfCharge.objects.all()
    return qs.filter(active=True) if active_only else qs


def field_of_charge_get(*, pk: int) -> FieldOfCharge:
    field = FieldOfCharge.objects.filter(pk=pk).first()
    if field is None:
        raise NotFound("Không tìm thấy lĩnh vực phụ trách.", "Field of charge not found.")
    return field


def counters_list(*, unit_ids: set[int] | None, unit_id: int | None = None) -> QuerySet[Counter]:
    qs = Counter.objects.select_related("unit")
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    return qs


def cameras_list(*, unit_ids: set[int] | None, counter_id: int | None = None) -> QuerySet[Camera]:
    qs = Camera.objects.select_related("counter", "counter__unit")
    if unit_ids is not None:
        qs = qs.filter(counter__unit_id__in=unit_ids)
    if counter_id is not None:
        qs = qs.filter(counter_id=counter_id)
    return qs


def camera_get(*, unit_ids: set[int] | None, pk: int) -> Camera:
    camera = cameras_list(unit_ids=unit_ids).filter(pk=pk).first()
    if camera is None:
        raise NotFound("Không tìm thấy camera.", "Camera not found.")
    return camera
