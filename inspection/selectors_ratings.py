"""Reads of satisfaction ratings, counter volumes and the ratings' integrity measures (in the reader's scope)."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Count, QuerySet

from backend.accounts.selectors import require_role
from backend.core.errors import NotFound
from inspection.models import Complaint, CounterVolume, SatisfactionRating
from inspection.selectors_common import RATING_READERS, scoped

if TYPE_CHECKING:
    from backend.accounts.models import User


def ratings_list(*, user: User, filters: dict[str, Any]) -> QuerySet[SatisfactionRating]:
    require_role(user, *RATING_READERS)
    qs = scoped(SatisfactionRating.objects.select_related("counter", "counter__unit"), user, "counter__unit_id")
    if filters.get("counter_id"):
        qs = qs.filter(counter_id=filters["counter_id"])
    if filters.get("unit_id"):
        qs = qs.filter(counter__unit_id=filters["unit_id"])
    if filters.get("max_score"):
        qs = qs.filter(score__lte=filters["max_score"])
    if filters.get("held") is not None:  # held for review (a burst from one device): not counted by risk
        qs = qs.filter(held=filters["held"])
    if filters.get("from"):
        qs = qs.filter(rated_at__gte=filters["from"])
    if filters.get("to"):
        qs = qs.filter(rated_at__lt=filters["to"])
    return qs.order_by("-rated_at", "-id")


def volumes_list(*, user: User, filters: dict[str, Any]) -> QuerySet[CounterVolume]:
    """Transactions served per counter and day, in the reader's scope."""
    require_role(user, *RATING_READERS)
    qs = scoped(CounterVolume.objects.select_related("counter", "counter__unit"), user, "counter__unit_id")
    if filters.get("counter_id"):
        qs = qs.filter(counter_id=filters["counter_id"])
    if filters.get("unit_id"):
        qs = qs.filter(counter__unit_id=filters["unit_id"])
    if filters.get("from"):
        qs = qs.filter(day__gte=filters["from"])
    if filters.get("to"):
        qs = qs.filter(day__lte=filters["to"])
    return qs.order_by("-day", "counter_id")


def rating_get_for(*, user: User, id: int) -> SatisfactionRating:  # noqa: A002
    rating = ratings_list(user=user, filters={}).filter(pk=id).first()
    if rating is None:
        raise NotFound("Không tìm thấy lượt đánh giá.", "Rating not found.")
    return rating


# Long on purpose: three per-counter measures over the same batched reads, reported side by side.
def rating_integrity(*, user: User, start: datetime, end: datetime, too_soon_seconds: int = 20,
                     top_share_flag: float = 0.9, complaints_per_100_flag: float = 1.0) -> list[dict[str, Any]]:
    """Per counter: share of top scores, ratings made too soon after the previous one on the same
    device, and whether the ratings disagree with the complaints about that counter."""
    from backend.org.models import Counter

    require_role(user, *RATING_READERS)
    counters = scoped(Counter.objects.select_related("unit"), user, "unit_id").order_by("code")
    counter_ids = [c.pk for c in counters]
    stats: dict[int, dict[str, Any]] = {cid: {"total": 0, "top": 0, "satisfied": 0, "unsatisfied": 0,
                                              "too_soon": 0, "score_sum": 0} for cid in counter_ids}
    last_seen: dict[tuple[int, str], datetime] = {}
    rows = (SatisfactionRating.objects.filter(counter_id__in=counter_ids, rated_at__gte=start, rated_at__lt=end)
            .order_by("counter_id", "device_code", "rated_at", "id")
            .values_list("counter_id", "device_code", "rated_at", "score"))
    for counter_id, device, rated_at, score in rows.iterator(chunk_size=5000):
        s = stats[counter_id]
        s["total"] += 1
        s["score_sum"] += score
        s["top"] += score == 5
        s["satisfied"] += score >= 4
        s["unsatisfied"] += score <= 2
        previous = last_seen.get((counter_id, device))
        if previous is not None and (rated_at - previous).total_seconds() < too_soon_seconds:
            s["too_soon"] += 1
        last_seen[(counter_id, device)] = rated_at
    complaints = dict(
        Complaint.objects.filter(counter_id__in=counter_ids, received_at__gte=start, received_at__lt=end)
        .exclude(state=Complaint.State.REJECTED).values("counter_id").annotate(n=Count("id"))
        .values_list("counter_id", "n"))
    out = []
    for counter in counters:
        s = stats[counter.pk]
        total = s["total"]
        n_complaints = complaints.get(counter.pk, 0)
        top_share = s["top"] / total if total else 0.0
        satisfied_share = s["satisfied"] / total if total else 0.0
        per_100 = (100.0 * n_complaints / total) if total else (float(n_complaints) * 100.0)
        flags = []
        if total and top_share >= top_share_flag:
            flags.append("top_share_high")
        if total and s["too_soon"] / total >= 0.1:
            flags.append("too_soon")
        disagree = n_complaints >= 2 and satisfied_share >= 0.8 and per_100 >= complaints_per_100_flag
        if disagree:
            flags.append("disagrees_with_complaints")
        out.append({
            "counter": {"id": counter.pk, "code": counter.code, "name": counter.name,
                        "unit": {"id": counter.unit_id, "code": counter.unit.code, "name": counter.unit.name}},
            "ratings": total,
            "mean_score": round(s["score_sum"] / total, 3) if total else None,
            "top_share": round(top_share, 4),
            "satisfied_share": round(satisfied_share, 4),
            "unsatisfied": s["unsatisfied"],
            "too_soon": s["too_soon"],
            "too_soon_share": round(s["too_soon"] / total, 4) if total else 0.0,
            "complaints": n_complaints,
            "complaints_per_100_ratings": round(per_100, 3),
            "disagrees_with_complaints": disagree,
            "flags": flags,
        })
    return out

