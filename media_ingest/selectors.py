"""Reads for ingest administration and uploads (the review list/playback live in review/)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from backend.accounts.models import Role, User
from backend.accounts.selectors import require_role, user_unit_ids
from backend.core.errors import DomainError, NotFound
from backend.core.store import Store, get_footage_store, get_store
from backend.org.models import Camera
from media_ingest.models import Clip, ReconcileCursor

UPLOAD_ROLES = (Role.REVIEWER, Role.ADMIN, Role.INSPECTION_LEAD, Role.INSPECTOR)
ADMIN_ROLES = (Role.ADMIN,)

PROBLEM_FILTERS: dict[str, dict[str, Any]] = {
    "failed": {"state": Clip.State.FAILED},
    "partial": {"state": Clip.State.PARTIAL},
    "unassigned": {"camera__isnull": True},
    "queued": {"state__in": [Clip.State.DISCOVERED, Clip.State.INDEXING]},
}


def clip_object_store(*, clip: Clip, key: str) -> Store:
    """Where an object of a clip lives: its source in the footage bucket, everything derived from
    it (proxy, poster, sprite, thumbnails, background) in the app's own store."""
    return get_footage_store() if key == clip.key else get_store()


@dataclass(frozen=True)
class IngestStatus:
    by_state: dict[str, int]
    unassigned: int
    total: int
    cursors: list[ReconcileCursor]


def ingest_status(*, user: User) -> IngestStatus:
    require_role(user, *ADMIN_ROLES)
    counts = {state: 0 for state in Clip.State.values}
    for row in Clip.objects.order_by().values("state").annotate(n=Count("id")):
        counts[row["state"]] = row["n"]
    unassigned = Clip.objects.filter(camera__isnull=True).count()
    cursors = list(ReconcileCursor.objects.order_by("prefix"))
    return IngestStatus(by_state=counts, unassigned=unassigned, total=sum(counts.values()), cursors=cursors)


def ingest_clips(*, user: User, problem: str | None = None, camera_id: int | None = None) -> QuerySet[Clip]:
    """Clips for the ingest admin page, newest discoveries first; `problem` narrows to one kind."""
    require_role(user, *ADMIN_ROLES)
    qs = Clip.objects.select_related("camera").order_by("-discovered_at", "-id")
    if problem:
        if problem not in PROBLEM_FILTERS:
            raise DomainError("Bộ lọc không hợp lệ.", f"Unknown filter {problem!r}; use one of "
                              f"{', '.join(PROBLEM_FILTERS)}.", code="invalid_filter",
                              fields={"problem": [f"one of {', '.join(PROBLEM_FILTERS)}"]})
        qs = qs.filter(**PROBLEM_FILTERS[problem])
    if camera_id is not None:
        qs = qs.filter(camera_id=camera_id)
    return qs.defer("activity", "zones_used")


def clip_get_admin(*, user: User, id: int) -> Clip:  # noqa: A002 - styleguide name
    require_role(user, *ADMIN_ROLES)
    clip = Clip.objects.select_related("camera__counter").filter(pk=id).first()
    if clip is None:
        raise NotFound("Không tìm thấy đoạn video.", "Clip not found.")
    return clip


def camera_get_any(*, user: User, id: int) -> Camera:  # noqa: A002
    require_role(user, *ADMIN_ROLES)
    camera = Camera.objects.select_related("counter").filter(pk=id).first()
    if camera is None:
        raise DomainError("Không có camera này.", f"No camera with id {id}.", code="invalid",
                          fields={"camera_id": ["not found"]})
    return camera


REMAP_ROLES = (Role.ADMIN, Role.INSPECTION_LEAD)  # who may ask for a correction (services_remap)


def clip_get_for_remap(*, user: User, id: int) -> Clip:  # noqa: A002
    """A clip whose camera or time a requester may ask to correct (any clip: the admin's clip pages)."""
    require_role(user, *REMAP_ROLES)
    clip = Clip.objects.select_related("camera__counter").filter(pk=id).first()
    if clip is None:
        raise NotFound("Không tìm thấy đoạn video.", "Clip not found.")
    return clip


def camera_get_for_remap(*, user: User, id: int) -> Camera:  # noqa: A002
    require_role(user, *REMAP_ROLES)
    camera = Camera.objects.select_related("counter").filter(pk=id).first()
    if camera is None:
        raise DomainError("Không có camera này.", f"No camera with id {id}.", code="invalid",
                          fields={"camera_id": ["not found"]})
    return camera


def camera_get_admin(*, user: User, id: int) -> Camera:  # noqa: A002
    require_role(user, *ADMIN_ROLES)
    camera = Camera.objects.select_related("counter").filter(pk=id).first()
    if camera is None:
        raise NotFound("Không tìm thấy camera.", "Camera not found.")
    return camera


def camera_get_for_upload(*, user: User, id: int) -> Camera:  # noqa: A002
    """A camera the user may upload footage for: their scope, and a role that handles footage."""
    require_role(user, *UPLOAD_ROLES)
    camera = Camera.objects.select_related("counter").filter(pk=id).first()
    ids = user_unit_ids(user)
    if camera is None or (ids is not None and camera.counter.unit_id not in ids):
        raise DomainError("Không có camera này hoặc camera nằm ngoài phạm vi của đồng chí.",
                          f"No camera {id} in your scope.", code="invalid", fields={"camera_id": ["not found"]})
    return camera


# --- retention and legal hold --------------------------------------------------------------------
OPEN_FINDING_STATES = ("draft", "confirmed")
CLOSED_CASE_STATES = ("closed", "dropped")


def retention_days_for(camera_id: int | None, overrides: dict[int, int] | None = None) -> int:
    """The camera's own retention period, else settings.MEDIA_RETENTION_DAYS."""
    from django.conf import settings

    from media_ingest.models import CameraRetention

    if camera_id is not None:
        if overrides is not None:
            if camera_id in overrides:
                return overrides[camera_id]
        else:
            own = CameraRetention.objects.filter(camera_id=camera_id).values_list("days", flat=True).first()
            if own:
                return int(own)
    return int(settings.MEDIA_RETENTION_DAYS)


def clip_findings_at_the_time_q(clip: Clip) -> Any:
    """Findings that hold a clip by time: about its counter's unit (the unit as a whole or that counter) at a
    time the clip covers; None for a clip without a camera or a start time (nothing holds it by time).

    Every place the clip has had counts, not only the present one: a correction of its camera or time
    (services_remap) never ends a hold, so approving one does not depend on what holds the clip, a draft
    included, and no finding loses its footage by it (insider re-check, issue 15)."""
    from datetime import datetime, timedelta

    from django.db.models import Q

    from media_ingest.models import ClipRemapRequest

    places: list[tuple[Any, datetime]] = []
    if clip.camera is not None and clip.started_at is not None:
        places.append((clip.camera.counter, clip.started_at))
    if clip.pk is not None:
        earlier = (ClipRemapRequest.objects.filter(clip=clip, state=ClipRemapRequest.State.APPROVED,
                                                   previous_camera__isnull=False, previous_started_at__isnull=False)
                   .select_related("previous_camera__counter"))
        places += [(r.previous_camera.counter, r.previous_started_at) for r in earlier
                   if r.previous_camera is not None and r.previous_started_at is not None]
    if not places:
        return None
    duration = timedelta(seconds=clip.duration_s or 0.0)
    held = Q(pk__in=[])
    for counter, start in places:
        held |= (Q(unit_id=counter.unit_id) & (Q(counter__isnull=True) | Q(counter_id=counter.pk))
                 & Q(occurred_from__lte=start + duration)
                 & (Q(occurred_to__gte=start) | Q(occurred_to__isnull=True, occurred_from__gte=start)))
    return held


def _hold_sources(clip: Clip, *, shown: bool) -> dict[str, QuerySet[Any]]:
    """Each kind of hold on the clip, as the rows that make it (a kind holds when its rows exist)."""
    from inspection.accountability.models import DisciplinaryCase
    from inspection.models import Finding
    from inspection.selectors_findings import unpublished_q
    from media_ingest.models import ClipHold
    from media_ingest.review.models import EvidenceItem, Tag

    tags = Tag.objects.filter(clip=clip, deleted_at__isnull=True)
    if shown:  # a tag on a sealed copy (made after the clip expired) is its findings' readers' alone
        tags = tags.filter(preservation__isnull=True)
    sources: dict[str, QuerySet[Any]] = {"tag": tags}
    evidence = EvidenceItem.objects.filter(clip=clip)
    if shown:
        evidence = evidence.exclude(finding__in=Finding.objects.filter(unpublished_q()))
    sources["evidence"] = evidence
    sources["manual"] = ClipHold.objects.filter(clip=clip, released_at__isnull=True)
    at_the_time = clip_findings_at_the_time_q(clip)
    if at_the_time is not None:
        findings = Finding.objects.filter(at_the_time)
        if shown:
            findings = findings.exclude(unpublished_q())
        sources["open_finding"] = findings.filter(state__in=OPEN_FINDING_STATES)
        sources["open_case"] = (DisciplinaryCase.objects.filter(findings__in=findings)
                                .exclude(state__in=CLOSED_CASE_STATES))
    return sources


def clip_hold_reasons(clip: Clip, *, shown: bool = False) -> list[str]:
    """Why retention may not delete this clip (empty = it may). The one owner of legal hold:
    a live tag, an evidence item, a manual hold not released, or an open finding or disciplinary case
    about its counter's unit at a time the clip covers. The clip's state is not looked at (a preserved
    copy of an expired clip is released by the same rule: services_preservation).

    An unpublished finding (inspection.selectors_findings.unpublished_q: a draft) holds the clip
    too (shown=False), but what is shown to anyone outside the inspection team (shown=True: the
    admin's report, a refusal) names only holds every such reader may know of, so no answer depends
    on a draft (issue 15, insider review S1-1). Retention expires a clip held only that way like any
    other, after keeping a sealed copy for the team (services_preservation)."""
    return [kind for kind, rows in _hold_sources(clip, shown=shown).items() if rows.exists()]


def clip_sealed_holders(clip: Clip) -> list[Any]:
    """The unpublished findings whose hold on the clip outsiders may not know of: what makes
    clip_hold_reasons(shown=False) differ from clip_hold_reasons(shown=True). Oldest first."""
    from django.db.models import Q

    from inspection.models import Finding
    from inspection.selectors_findings import unpublished_q

    sources = _hold_sources(clip, shown=False)
    holding = Q(pk__in=sources["evidence"].values("finding_id"))
    if "open_finding" in sources:
        holding |= Q(pk__in=sources["open_finding"].values("pk"))
        holding |= Q(pk__in=sources["open_case"].values("findings__pk")) & clip_findings_at_the_time_q(clip)
    return list(Finding.objects.filter(unpublished_q()).filter(holding).distinct().order_by("created_at", "pk"))


def preservation_for_reader(*, clip: Clip, user: User) -> tuple[Any, Any] | None:
    """The live sealed copy of an expired clip this reader may play, with the finding it is served
    for (the oldest the reader may see: findings_visible_to, so the team while it is a draft, and
    after publication those who may see it), or None: the reader gets the answer of any expired clip."""
    from inspection.selectors_findings import findings_visible_to
    from media_ingest.review.models import ClipPreservation

    if clip.state != Clip.State.EXPIRED:
        return None
    preservation = (ClipPreservation.objects.filter(clip=clip, released_at__isnull=True)
                    .order_by("-created_at").first())
    if preservation is None:
        return None
    finding = (preservation.findings.filter(pk__in=findings_visible_to(user).values("pk"))
               .order_by("created_at", "pk").first())
    return (preservation, finding) if finding is not None else None


def clip_holds_for_lead(*, user: User, clip: Clip) -> list[dict[str, Any]]:
    """The holds on a clip as an inspection lead deciding a correction of its camera or time reads them
    (media_ingest.services_remap): every hold `clip_hold_reasons` honours, the findings by name as far as he may
    know them (drafts included: findings_visible_to), in words. Never for an administrator: a draft's hold is
    the team's alone (issue 15, insider review S1-1)."""
    from inspection.accountability.models import DisciplinaryCase
    from inspection.selectors_findings import finding_published, findings_visible_to
    from media_ingest.models import ClipHold
    from media_ingest.review.models import EvidenceItem, Tag

    require_role(user, Role.INSPECTION_LEAD)
    holds: list[dict[str, Any]] = []
    tags = Tag.objects.filter(clip=clip, deleted_at__isnull=True).count()
    if tags:
        holds.append({"code": "tag", "count": tags, "vi": f"{tags} thẻ đánh dấu trên đoạn video",
                      "en": f"{tags} tag(s) on the clip"})
    evidence = EvidenceItem.objects.filter(clip=clip).count()
    if evidence:
        holds.append({"code": "evidence", "count": evidence, "vi": f"{evidence} chứng cứ lấy từ đoạn video",
                      "en": f"{evidence} evidence item(s) from the clip"})
    manual = ClipHold.objects.filter(clip=clip, released_at__isnull=True).count()
    if manual:
        holds.append({"code": "manual", "count": manual, "vi": f"{manual} lệnh giữ lại thủ công",
                      "en": f"{manual} manual hold(s)"})
    at_the_time = clip_findings_at_the_time_q(clip)
    if at_the_time is not None:
        visible = findings_visible_to(user).filter(at_the_time, state__in=OPEN_FINDING_STATES)
        for finding in visible.order_by("occurred_from", "reference"):
            draft = not finding_published(finding)
            holds.append({"code": "finding", "finding_id": finding.pk, "reference": finding.reference,
                          "title": finding.title, "draft": draft,
                          "vi": f"Vi phạm {finding.reference}{' (dự thảo, chưa công bố)' if draft else ''} "
                                "giữ đoạn video theo thời gian",
                          "en": f"Finding {finding.reference}{' (draft, unpublished)' if draft else ''} "
                                "holds the clip by time"})
        cases = (DisciplinaryCase.objects.filter(findings__in=visible).exclude(state__in=CLOSED_CASE_STATES)
                 .distinct().count())
        if cases:
            holds.append({"code": "open_case", "count": cases, "vi": f"{cases} hồ sơ kỷ luật đang mở",
                          "en": f"{cases} open disciplinary case(s)"})
    return holds


def clip_retention_from(clip: Clip) -> Any:
    """The instant a clip's retention period counts from: when it was recorded or when it was
    ingested, whichever is later (its start time alone could be set back, making footage due for
    deletion at once; a clip without a start time counts from its ingestion)."""
    if clip.started_at is None:
        return clip.discovered_at
    return max(clip.started_at, clip.discovered_at)


@dataclass
class RetentionReport:
    """What retention would do at `now`: clips past their period, deletable or held (with why)."""

    now: Any
    expired: list[Clip]
    held: dict[int, list[str]]
    expiring_this_week: int
    held_total: int
    footage_bytes: int
    expired_bytes: int

    @property
    def deletable(self) -> list[Clip]:
        return [c for c in self.expired if c.pk not in self.held]


def retention_candidates(*, now: Any, limit: int = 5000) -> list[Clip]:
    """Clips past their camera's retention period (counted from clip_retention_from), not yet expired
    and not being indexed."""
    from datetime import timedelta

    from django.db.models import Q

    from media_ingest.models import CameraRetention

    overrides = dict(CameraRetention.objects.values_list("camera_id", "days"))
    shortest = min([retention_days_for(None), *overrides.values()])
    oldest_kept = now - timedelta(days=shortest)
    qs = (Clip.objects.select_related("camera__counter")
          .exclude(state__in=[Clip.State.EXPIRED, Clip.State.DISCOVERED, Clip.State.INDEXING])
          .filter(discovered_at__lt=oldest_kept)
          .filter(Q(started_at__lt=oldest_kept) | Q(started_at__isnull=True))
          .order_by("started_at", "id"))
    out = []
    for clip in qs[:limit]:
        if clip_retention_from(clip) < now - timedelta(days=retention_days_for(clip.camera_id, overrides)):
            out.append(clip)
    return out


def retention_report(*, now: Any) -> RetentionReport:
    from datetime import timedelta

    from django.db.models import Sum

    from media_ingest.models import ClipHold

    expired = retention_candidates(now=now)
    # the admin's report names only the holds he may know of (shown=True); a clip held only by an
    # unpublished finding is listed as due and expires as listed, its copy sealed (services_preservation)
    held = {c.pk: r for c in expired if (r := clip_hold_reasons(c, shown=True))}
    week = retention_candidates(now=now + timedelta(days=7))
    live = Clip.objects.exclude(state=Clip.State.EXPIRED)
    return RetentionReport(
        now=now, expired=expired, held=held,
        expiring_this_week=len([c for c in week if c.pk not in {e.pk for e in expired}]),
        held_total=ClipHold.objects.filter(released_at__isnull=True).values("clip").distinct().count(),
        footage_bytes=int(live.aggregate(n=Sum("size_bytes"))["n"] or 0),
        expired_bytes=sum(c.size_bytes for c in expired if c.pk not in held))
