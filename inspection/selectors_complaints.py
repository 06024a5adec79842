"""Reads of citizens' complaints (they carry citizens' details: not for unit heads)."""
from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from backend.accounts.selectors import require_role
from backend.core.errors import NotFound
from inspection.models import Complaint
from inspection.selectors_common import COMPLAINT_READERS, scoped


def complaints_list(*, user: Any, filters: dict[str, Any]) -> QuerySet[Complaint]:
    require_role(user, *COMPLAINT_READERS)
    qs = scoped(Complaint.objects.select_related("unit", "counter", "officer", "category"), user, "unit_id")
    qs = qs.annotate(findings_count=Count("findings"))
    for key in ("state", "channel"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    if filters.get("unit_id"):
        qs = qs.filter(unit_id=filters["unit_id"])
    if filters.get("search"):
        term = filters["search"].strip()
        qs = qs.filter(Q(reference__icontains=term) | Q(summary__icontains=term))
    return qs.order_by("-received_at", "-id")


def complaint_get_for(*, user: Any, id: int) -> Complaint:  # noqa: A002
    complaint = complaints_list(user=user, filters={}).filter(pk=id).first()
    if complaint is None:
        raise NotFound("Không tìm thấy phản ánh.", "Complaint not found.")
    return complaint

