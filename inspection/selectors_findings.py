"""Reads of findings: `findings_visible_to` is the one rule of who knows of a finding (secret checks,
drafts, unit scope); everything that lists or counts findings starts from it."""
from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from backend.accounts.models import INSPECTION_TEAM, Role, User
from backend.core.errors import NotFound
from inspection.models import Finding, FindingExplanation, FindingSubject
from inspection.secrecy import check_link_visible_q
from inspection.selectors_common import FINDING_READERS, scoped


def unpublished_q() -> Q:
    """An allegation never confirmed (a draft, or one dismissed while still a draft): the team's alone
    (insider review, issue 15: the admin opened a finding dismissed before confirmation)."""
    return Q(state=Finding.State.DRAFT) | Q(state=Finding.State.DISMISSED, confirmed_at__isnull=True)


def finding_published(finding: Finding) -> bool:
    """The same rule for one finding in hand (e.g. before telling readers outside the team of it)."""
    return not (finding.state == Finding.State.DRAFT
                or (finding.state == Finding.State.DISMISSED and finding.confirmed_at is None))


def findings_visible_to(user: User) -> QuerySet[Finding]:
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.role not in FINDING_READERS:
        return Finding.objects.none()
    qs = Finding.objects.filter(check_link_visible_q(user, "surprise_check"))
    if user.role not in INSPECTION_TEAM:
        unpublished = unpublished_q()
        if user.role == Role.REVIEWER:
            qs = qs.filter(~unpublished | Q(created_by=user))
        else:
            qs = qs.exclude(unpublished)
    return scoped(qs, user, "unit_id")


def finding_explained_q() -> Exists:
    """The unit has answered the finding: a giải trình or a self-review sent (the finding page's "Đơn vị
    chưa giải trình." is the same rule: no answer of either kind)."""
    return Exists(FindingExplanation.objects.filter(finding=OuterRef("pk")))


def findings_list(*, user: User, filters: dict[str, Any]) -> QuerySet[Finding]:
    # the page's related rows and people are read by the view (inspection/apis/finding_rows.py)
    qs = findings_visible_to(user)
    for key in ("state", "severity", "source"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    if filters.get("unit_id"):
        qs = qs.filter(unit_id=filters["unit_id"])
    if filters.get("officer_id"):
        qs = qs.filter(subjects__officer_id=filters["officer_id"]).distinct()
    if filters.get("category"):
        qs = qs.filter(category__code=filters["category"])
    if filters.get("check"):
        qs = qs.filter(surprise_check__uid=filters["check"])
    if filters.get("complaint_id"):
        qs = qs.filter(complaint_id=filters["complaint_id"])
    if filters.get("explained") is not None:  # the unit head's "still to explain" (home) and "explained"
        qs = qs.filter(finding_explained_q()) if filters["explained"] else qs.exclude(finding_explained_q())
    if filters.get("from"):
        qs = qs.filter(occurred_from__gte=filters["from"])
    if filters.get("to"):
        qs = qs.filter(occurred_from__lt=filters["to"])
    if filters.get("search"):
        term = filters["search"].strip()
        qs = qs.filter(Q(reference__icontains=term) | Q(title__icontains=term))
    return qs.order_by("-occurred_from", "-id")


def finding_get_for(*, user: User, id: int) -> Finding:  # noqa: A002 - the API's name for it
    finding = (findings_visible_to(user)
               .select_related("category", "unit", "counter", "surprise_check", "created_by__officer",
                               "confirmed_by__officer", "complaint", "rating", "criterion")
               .prefetch_related(Prefetch("subjects", queryset=FindingSubject.objects.select_related("officer")),
                                 "transitions__actor__officer", "evidence",
                                 "explanations__author__officer")
               .filter(pk=id).first())
    if finding is None:
        raise NotFound("Không tìm thấy vi phạm.", "Finding not found.")
    return finding

