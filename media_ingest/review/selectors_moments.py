"""The moments to review: rated or complained-of moments at a counter, with the footage that covers
them (or why none does) and the tags already near them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from backend.accounts.models import User
from backend.accounts.selectors import user_unit_ids
from backend.core.errors import DomainError
from backend.org.models import Camera, Counter
from inspection.models import Complaint, SatisfactionRating
from media_ingest.models import Clip
from media_ingest.review.models import Tag
from media_ingest.review.selectors import CLIP_MAX_SPAN, require_footage, tags_list


@dataclass
class MomentFilters:
    start: datetime | None = None
    end: datetime | None = None
    unit_id: int | None = None
    counter_id: int | None = None
    kind: str | None = None  # complaint | rating
    footage: bool | None = None  # only moments with (True) or without (False) footage


MOMENT_WINDOW_DEFAULT = timedelta(days=30)
MOMENT_WINDOW_MAX = timedelta(days=366)
PRIORITY_BONUS = {"high": 20, "urgent": 30, "normal": 10, "low": 0}

NO_FOOTAGE_REASONS = {
    "no_camera": ("Quầy không có camera.", "The counter has no camera."),
    "no_clip": ("Không có đoạn video nào ghi lại thời điểm này.", "No clip covers this time."),
    "clip_failed": ("Đoạn video ghi lại thời điểm này bị lỗi khi xử lý.",
                    "The clip covering this time failed to process."),
}


# Long on purpose: four batched queries and the merge of their rows; split, each part would need all four.
def moments_to_review(*, user: User, filters: MomentFilters) -> list[dict[str, Any]]:
    """Unsatisfied ratings and complaints with a counter and a time, each with the clip and offset
    that cover it (or why there is none), riskiest first. Four queries whatever the volume."""
    require_footage(user)
    now = timezone.now()
    end = filters.end or now
    start = filters.start or (end - MOMENT_WINDOW_DEFAULT)
    if end <= start:
        raise DomainError("Thời điểm kết thúc phải sau thời điểm bắt đầu.", "`to` must be after `from`.",
                          code="invalid_range", fields={"to": ["after from"]})
    if end - start > MOMENT_WINDOW_MAX:
        raise DomainError("Khoảng thời gian tối đa 366 ngày.", "The window is at most 366 days.",
                          code="invalid_range", fields={"from": ["window too long"]})
    ids = user_unit_ids(user)
    counters = Counter.objects.all()
    if ids is not None:
        counters = counters.filter(unit_id__in=ids)
    if filters.unit_id is not None:
        from backend.org.selectors import unit_subtree_ids

        counters = counters.filter(unit_id__in=unit_subtree_ids(root_id=filters.unit_id))
    if filters.counter_id is not None:
        counters = counters.filter(pk=filters.counter_id)

    moments: list[dict[str, Any]] = []
    if filters.kind in (None, "", "complaint"):
        complaints = (Complaint.objects.filter(counter__in=counters, occurred_at__isnull=False,
                                               occurred_at__gte=start, occurred_at__lt=end)
                      .exclude(state=Complaint.State.REJECTED)
                      .select_related("counter", "counter__unit", "officer", "category"))
        for c in complaints:
            risk = 100 + PRIORITY_BONUS.get(getattr(c, "priority", "normal") or "normal", 10)
            moments.append({
                "kind": "complaint", "id": c.pk, "at": c.occurred_at, "risk": risk,
                "counter": c.counter, "summary": c.summary[:300],
                "detail": {"reference": c.reference, "channel": c.channel, "state": c.state,
                           "priority": getattr(c, "priority", ""),
                           "officer": {"id": c.officer_id, "name": c.officer.full_name} if c.officer else None},
            })
    if filters.kind in (None, "", "rating"):
        ratings = (SatisfactionRating.objects.filter(counter__in=counters, score__lte=2,
                                                     rated_at__gte=start, rated_at__lt=end)
                   .select_related("counter", "counter__unit"))
        for r in ratings:
            moments.append({
                "kind": "rating", "id": r.pk, "at": r.rated_at, "risk": 50 + (3 - r.score) * 10,
                "counter": r.counter, "summary": (r.comment or "")[:300],
                "detail": {"score": r.score, "device_code": r.device_code},
            })
    if not moments:
        return []

    counter_ids = {m["counter"].pk for m in moments}
    cameras: dict[int, list[int]] = {}
    for cam_id, counter_id in Camera.objects.filter(counter_id__in=counter_ids).values_list("id", "counter_id"):
        cameras.setdefault(counter_id, []).append(cam_id)
    first = min(m["at"] for m in moments)
    last = max(m["at"] for m in moments)
    clips_by_camera: dict[int, list[Clip]] = {}
    for clip in (Clip.objects.filter(camera__counter_id__in=counter_ids, started_at__isnull=False,
                                     started_at__lte=last, started_at__gte=first - CLIP_MAX_SPAN)
                 .only("id", "camera_id", "started_at", "duration_s", "state", "key", "error")
                 .order_by("started_at", "id")):
        clips_by_camera.setdefault(clip.camera_id, []).append(clip)  # type: ignore[arg-type]

    for m in moments:
        _attach_footage(m, cameras.get(m["counter"].pk, []), clips_by_camera)
    if filters.footage is True:
        moments = [m for m in moments if m["footage"]["available"]]
    elif filters.footage is False:
        moments = [m for m in moments if not m["footage"]["available"]]
    moments.sort(key=lambda m: (-m["risk"], -m["at"].timestamp(), m["kind"], m["id"]))
    return moments


MOMENT_TAG_WINDOW_S = 300.0  # tags this close to a moment are shown with it


def moment_tags(*, user: User, moments: list[dict[str, Any]]) -> dict[tuple[str, int], list[Tag]]:
    """Live tags near each moment on the clip that covers it (one query for a page of moments), so
    a reviewer can pick tags from the moments list and export them as a package."""
    require_footage(user)
    clip_ids = {m["footage"]["clip_id"] for m in moments if m["footage"].get("available")}
    by_clip: dict[int, list[Tag]] = {}
    for tag in (tags_list(user=user).filter(clip_id__in=clip_ids).select_related("label", "author")
                .order_by("clip_id", "start_s", "id")):
        by_clip.setdefault(tag.clip_id, []).append(tag)
    out: dict[tuple[str, int], list[Tag]] = {}
    for m in moments:
        footage = m["footage"]
        if not footage.get("available"):
            continue
        at = float(footage["offset_s"])
        out[(m["kind"], m["id"])] = [t for t in by_clip.get(footage["clip_id"], [])
                                     if t.end_s >= at - MOMENT_TAG_WINDOW_S and t.start_s <= at + MOMENT_TAG_WINDOW_S]
    return out


def _attach_footage(moment: dict[str, Any], camera_ids: list[int],
                    clips_by_camera: dict[int, list[Clip]]) -> None:
    at = moment["at"]
    if not camera_ids:
        moment["footage"] = _no_footage("no_camera")
        return
    covering: list[Clip] = []
    for cam_id in camera_ids:
        for clip in clips_by_camera.get(cam_id, []):
            if (clip.duration_s and clip.started_at is not None
                    and clip.started_at <= at < clip.started_at + timedelta(seconds=clip.duration_s)):
                covering.append(clip)
    usable = [c for c in covering if c.state != Clip.State.FAILED]
    if usable:
        # Prefer a fully indexed clip, then the latest version.
        rank: dict[str, int] = {Clip.State.INDEXED: 0, Clip.State.PARTIAL: 1}
        best = sorted(usable, key=lambda c: (rank.get(c.state, 2), -c.pk))[0]
        assert best.started_at is not None  # only clips with a start cover a moment
        moment["footage"] = {
            "available": True, "clip_id": best.pk, "camera_id": best.camera_id, "clip_state": best.state,
            "offset_s": round((at - best.started_at).total_seconds(), 3),
            "clip_started_at": best.started_at.isoformat(), "duration_s": best.duration_s,
            "other_clip_ids": [c.pk for c in usable if c.pk != best.pk],
        }
        return
    moment["footage"] = _no_footage("clip_failed" if covering else "no_clip",
                                    clip_id=covering[0].pk if covering else None)


def _no_footage(reason: str, clip_id: int | None = None) -> dict[str, Any]:
    vi, en = NO_FOOTAGE_REASONS[reason]
    return {"available": False, "reason": reason, "reason_vi": vi, "reason_en": en, "clip_id": clip_id}
