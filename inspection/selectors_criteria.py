"""Reads of the criteria sets (the check's scoring tree) and the finding categories."""
from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from backend.core.errors import NotFound
from inspection.models import CriteriaSet, Criterion, FindingCategory


def criteria_sets_list(*, year: int | None = None) -> QuerySet[CriteriaSet]:
    qs = CriteriaSet.objects.annotate(criteria_count=Count("criteria"))
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "code", "-version", "-id")


def criteria_set_get(*, pk: int) -> CriteriaSet:
    cs = CriteriaSet.objects.filter(pk=pk).first()
    if cs is None:
        raise NotFound("Không tìm thấy bộ tiêu chí.", "Criteria set not found.")
    return cs


def criteria_tree(*, criteria_set: CriteriaSet) -> list[dict[str, Any]]:
    nodes = list(Criterion.objects.filter(criteria_set=criteria_set).select_related("category")
                 .order_by("position", "id"))
    by_parent: dict[int | None, list[Criterion]] = {}
    for node in nodes:
        by_parent.setdefault(node.parent_id, []).append(node)

    def build(parent: int | None) -> list[dict[str, Any]]:
        out = []
        for c in by_parent.get(parent, []):
            item: dict[str, Any] = {"code": c.code, "text": c.text, "text_en": c.text_en,
                                    "max_points": float(c.max_points), "weight": float(c.weight),
                                    "critical": c.critical}
            if c.category is not None:
                item["category"] = c.category.code
            if c.guidance:
                item["guidance"] = c.guidance
            children = build(c.pk)
            if children:
                item["children"] = children
            out.append(item)
        return out

    return build(None)


def criteria_leaves(*, criteria_set: CriteriaSet) -> list[Criterion]:
    nodes = list(Criterion.objects.filter(criteria_set=criteria_set).select_related("category")
                 .order_by("position", "id"))
    parents = {n.parent_id for n in nodes if n.parent_id}
    return [n for n in nodes if n.pk not in parents]


def categories_list() -> QuerySet[FindingCategory]:
    return FindingCategory.objects.filter(active=True).prefetch_related("fields")


def category_get(*, pk: int) -> FindingCategory:
    category = FindingCategory.objects.prefetch_related("fields").filter(pk=pk).first()
    if category is None:
        raise NotFound("Không tìm thấy loại vi phạm.", "Finding category not found.")
    return category

