"""Reads of citizens' complaints (they carry citizens' details: not for unit heads)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet

from backend.accounts.selectors import require_role
from backend.core.errors import NotFound
from inspection.models import Complaint
from inspection.selectors_common import COMPLAINT_READERS, scoped
from inspection.selectors_findings import findings_visible_to

if TYPE_CHECKING:
    from backend.accounts.models import User


def complaints_list(*, user: User, filters: dict[str, Any]) -> QuerySet[Complaint]:
    require_role(user, *COMPLAINT_READERS)
    qs = scoped(Complaint.objects.select_related("unit", "counter", "officer", "category"), user, "unit_id")
    # the findings the reader may know of: a draft linked to the complaint is the team's (insider review,
    # issue 15: the count moved when the team opened a draft on a complaint, and showed which one)
    seen = findings_visible_to(user).values("pk")
    qs = qs.annotate(findings_count=Count("findings", filter=Q(findings__in=seen), distinct=True))
    for key in ("state", "channel"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    if filters.get("unit_id"):
        qs = qs.filter(unit_id=filters["unit_id"])
    if filters.get("search"):
        term = filters["search"].strip()
        qs = qs.filter(Q(reference__icontains=term) | Q(summary__icontains=term))
    return qs.order_by("-received_at", "-id")


def complaint_get_for(*, user: User, id: int) -> Complaint:  # noqa: A002
    complaint = complaints_list(user=user, filters={}).filter(pk=id).first()
    if complaint is None:
        raise NotFound("Không tìm thấy phản ánh.", "Complaint not found.")
    return complaint

