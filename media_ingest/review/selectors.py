"""Reads for footage review, each with its object-level permission check."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from backend.accounts.models import Role
from backend.accounts.selectors import user_unit_ids
from backend.core.errors import DomainError, Forbidden, NotFound
from backend.org.models import Camera, Counter, Unit
from inspection.models import Complaint, Finding, SatisfactionRating
from media_ingest.models import Clip, ClipEvent
from media_ingest.review.models import (
    AccessLog,
    EvidenceItem,
    EvidencePackage,
    ReviewCoverage,
    Tag,
    TagLabel,
    TagRevision,
)

# Who may look at footage, tag it, and attach it to findings.
FOOTAGE_ROLES = {Role.REVIEWER, Role.ADMIN, Role.INSPECTION_LEAD, Role.INSPECTOR, Role.DISCIPLINARY}
TAG_ROLES = {Role.REVIEWER, Role.ADMIN, Role.INSPECTION_LEAD, Role.INSPECTOR}
EVIDENCE_ROLES = {Role.REVIEWER, Role.ADMIN, Role.INSPECTION_LEAD, Role.INSPECTOR}
UNASSIGNED_ROLES = {Role.ADMIN, Role.REVIEWER}
TAGGABLE_STATES = {Clip.State.INDEXED, Clip.State.PARTIAL}

CLIP_MAX_SPAN = timedelta(hours=24)  # longest clip a time search looks back for
_TOPIC = re.compile(r"^(camera|unit|clip):([A-Za-z0-9_.-]{1,60})$")


def user_may_use_review(*, user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.role in FOOTAGE_ROLES)


def user_may_connect(*, user: Any) -> bool:
    """Footage roles use the whole protocol; unit heads only follow their own units' notices
    (a started check), never footage, tags or presence."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.role in FOOTAGE_ROLES or user.role == Role.UNIT_HEAD


def require_footage(user: Any, roles: set[str] = FOOTAGE_ROLES) -> None:
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.role not in roles:
        raise Forbidden("Bạn không có quyền xem hoặc xử lý hình ảnh camera.",
                        "You may not view or handle camera footage.")


def user_label(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


# --- clips -------------------------------------------------------------------------------------
def clip_scope_q(user: Any) -> Q:
    """Clips the user may see: their units' cameras; unassigned only for province-wide admin/reviewer."""
    if not user_may_use_review(user=user):
        return Q(pk__in=[])
    ids = user_unit_ids(user)
    if ids is None:
        return Q() if user.role in UNASSIGNED_ROLES else Q(camera__isnull=False)
    return Q(camera__counter__unit_id__in=ids)


def clip_get_for(*, user: Any, id: int) -> Clip:  # noqa: A002 - the styleguide's name
    require_footage(user)
    clip = (Clip.objects.filter(clip_scope_q(user), pk=id)
            .select_related("camera", "camera__counter", "camera__counter__unit").first())
    if clip is None:
        raise NotFound("Không tìm thấy đoạn video.", "Clip not found.")
    return clip


@dataclass
class ClipFilters:
    unit_id: int | None = None
    counter_id: int | None = None
    camera: str | None = None  # id or code
    start: datetime | None = None
    end: datetime | None = None
    state: str | None = None
    event_kind: str | None = None
    tagged: bool | None = None
    unassigned: bool | None = None


def clips_for_review(*, user: Any, filters: ClipFilters) -> QuerySet[Clip]:
    """The clip list: scope, filters, counts annotated so a page costs a constant number of queries."""
    require_footage(user)
    live_tags = Tag.objects.filter(clip=OuterRef("pk"), deleted_at__isnull=True)
    qs = (Clip.objects.filter(clip_scope_q(user))
          .select_related("camera", "camera__counter", "camera__counter__unit")
          # a correlated count, evaluated for the page's rows only; a JOIN + GROUP BY here made the
          # database aggregate every clip in scope before the LIMIT (list time grew with the table)
          .annotate(tag_count=Coalesce(Subquery(live_tags.order_by().values("clip")
                                                .annotate(n=Count("pk")).values("n")[:1]), 0))
          .prefetch_related(Prefetch("events", queryset=ClipEvent.objects.only("id", "clip_id", "kind"),
                                     to_attr="event_list")))
    f = filters
    if f.unit_id is not None:
        from backend.org.selectors import unit_subtree_ids

        qs = qs.filter(camera__counter__unit_id__in=unit_subtree_ids(root_id=f.unit_id))
    if f.counter_id is not None:
        qs = qs.filter(camera__counter_id=f.counter_id)
    if f.camera:
        by_id = f.camera.isdigit() and len(f.camera) <= 18
        qs = qs.filter(camera_id=int(f.camera)) if by_id else qs.filter(camera__code=f.camera[:40])
    if f.start is not None:
        # Clips overlapping [start, end): those starting inside, plus the few that started up to
        # CLIP_MAX_SPAN earlier and are still running at `start` (checked exactly, one small query).
        earlier = Clip.objects.filter(clip_scope_q(user), started_at__lt=f.start,
                                      started_at__gte=f.start - CLIP_MAX_SPAN)
        running = [pk for pk, started, duration in earlier.values_list("pk", "started_at", "duration_s")
                   if started + timedelta(seconds=duration or 0) > f.start]
        qs = qs.filter(Q(started_at__gte=f.start) | Q(pk__in=running))
    if f.end is not None:
        qs = qs.filter(started_at__lt=f.end)
    if f.state:
        qs = qs.filter(state=f.state)
    if f.event_kind:
        qs = qs.filter(Exists(ClipEvent.objects.filter(clip=OuterRef("pk"), kind=f.event_kind)))
    if f.tagged is True:
        qs = qs.filter(Exists(live_tags))
    elif f.tagged is False:
        qs = qs.filter(~Exists(live_tags))
    if f.unassigned is True:
        qs = qs.filter(camera__isnull=True)
    elif f.unassigned is False:
        qs = qs.filter(camera__isnull=False)
    return qs.order_by("-started_at", "-id")


def clip_events(*, clip: Clip) -> list[ClipEvent]:
    return list(clip.events.order_by("start_s", "id"))


# --- topics (websocket) ----------------------------------------------------------------------
def topic_authorize(*, user: Any, topic: Any) -> str:
    """Normalize a topic and check the user may follow it; raise Forbidden/NotFound otherwise."""
    if not isinstance(topic, str) or not _TOPIC.match(topic):
        raise DomainError("Chủ đề không hợp lệ (camera:<mã>, unit:<id>, clip:<id>).",
                          "Invalid topic (camera:<code>, unit:<id>, clip:<id>).", code="invalid_topic")
    kind, ident = topic.split(":", 1)
    if not user_may_use_review(user=user) and not (kind == "unit" and user_may_connect(user=user)):
        raise Forbidden("Bạn chỉ được theo dõi thông báo của đơn vị mình.",
                        "You may only follow your own units' notices.")
    ids = user_unit_ids(user)
    # A scoped user gets one answer for "outside your units" and "does not exist": a different one
    # would tell them which unit ids, camera codes and clip ids exist elsewhere.
    refused = Forbidden("Chủ đề không tồn tại hoặc nằm ngoài phạm vi đơn vị của bạn.",
                        "This topic does not exist or is outside your units.")

    def missing(vi: str, en: str) -> DomainError:
        return refused if ids is not None else NotFound(vi, en)

    if kind == "camera":
        camera = Camera.objects.select_related("counter").filter(code=ident).first()
        if camera is None:
            raise missing("Không tìm thấy camera.", "Camera not found.")
        if ids is not None and camera.counter.unit_id not in ids:
            raise refused
        return f"camera:{camera.code}"
    if not ident.isdigit() or len(ident) > 18:
        raise DomainError("Mã số phải là số nguyên.", "The id must be an integer.", code="invalid_topic")
    if kind == "unit":
        if ids is not None and int(ident) not in ids:
            raise refused  # before any lookup: a missing unit is never in anyone's scope
        if not Unit.objects.filter(pk=int(ident)).exists():
            raise missing("Không tìm thấy đơn vị.", "Unit not found.")
        return f"unit:{int(ident)}"
    clip = Clip.objects.filter(pk=int(ident)).select_related("camera__counter").first()
    if clip is None:
        raise missing("Không tìm thấy đoạn video.", "Clip not found.")
    if not Clip.objects.filter(clip_scope_q(user), pk=clip.pk).exists():
        raise refused
    return f"clip:{clip.pk}"


def clip_topics(clip: Clip) -> list[str]:
    """Where news about a clip goes: the clip, its camera and its unit."""
    topics = [f"clip:{clip.pk}"]
    if clip.camera_id is not None:
        camera = clip.camera
        topics += [f"camera:{camera.code}", f"unit:{camera.counter.unit_id}"]
    return topics


# --- tags ----------------------------------------------------------------------------------------
def tag_labels(*, include_inactive: bool = False) -> QuerySet[TagLabel]:
    qs = TagLabel.objects.all()
    return qs if include_inactive else qs.filter(active=True)


def tags_list(*, user: Any, clip_id: int | None = None, label: str | None = None,
              author_id: int | None = None, include_deleted: bool = False) -> QuerySet[Tag]:
    require_footage(user)
    qs = (Tag.objects.filter(clip__in=Clip.objects.filter(clip_scope_q(user)))
          .select_related("label", "author", "updated_by", "deleted_by", "clip"))
    if clip_id is not None:
        qs = qs.filter(clip_id=clip_id)
    if label:
        qs = qs.filter(label__code=label)
    if author_id is not None:
        qs = qs.filter(author_id=author_id)
    if not include_deleted:
        qs = qs.filter(deleted_at__isnull=True)
    return qs.order_by("clip_id", "start_s", "id")


def tag_get_for(*, user: Any, id: int, include_deleted: bool = True) -> Tag:  # noqa: A002
    tag = tags_list(user=user, include_deleted=include_deleted).filter(pk=id).first()
    if tag is None:
        raise NotFound("Không tìm thấy thẻ.", "Tag not found.")
    return tag


def tag_history(*, tag: Tag) -> list[TagRevision]:
    return list(tag.revisions.select_related("label", "by").order_by("revision"))


def tag_to_dict(tag: Tag) -> dict[str, Any]:
    """The one shape of a tag: API responses and websocket events alike."""
    label = tag.label
    return {
        "id": tag.pk,
        "clip_id": tag.clip_id,
        "clip_version_id": tag.clip_version_id,
        "clip_etag": tag.clip_etag,
        "clip_sha256": tag.clip_sha256,
        "label": {"code": label.code, "name_vi": label.name_vi, "name_en": label.name_en},
        "start_s": tag.start_s,
        "end_s": tag.end_s,
        "note": tag.note,
        "author": {"id": tag.author_id, "name": user_label(tag.author)},
        "updated_by": {"id": tag.updated_by_id, "name": user_label(tag.updated_by)},
        "created_at": tag.created_at.isoformat(),
        "updated_at": tag.updated_at.isoformat(),
        "revision": tag.revision,
        "deleted": tag.deleted_at is not None,
        "deleted_at": tag.deleted_at.isoformat() if tag.deleted_at else None,
    }


# --- findings and evidence ---------------------------------------------------------------------
def finding_get_for_evidence(*, user: Any, id: int) -> Finding:  # noqa: A002
    """A finding the user may see (inspection's visibility rules: scope, drafts, secret checks)."""
    from inspection.selectors import findings_visible_to

    require_footage(user)
    finding = findings_visible_to(user).select_related("unit", "surprise_check").filter(pk=id).first()
    if finding is None:
        raise NotFound("Không tìm thấy kết luận/vi phạm.", "Finding not found.")
    return finding


def evidence_list(*, user: Any, finding: Finding) -> QuerySet[EvidenceItem]:
    require_footage(user)
    return (EvidenceItem.objects.filter(finding=finding)
            .select_related("tag", "tag__label", "clip", "clip__camera", "added_by").order_by("id"))


def evidence_get_for(*, user: Any, id: int) -> EvidenceItem:  # noqa: A002
    item = EvidenceItem.objects.select_related("finding", "clip", "tag").filter(pk=id).first()
    if item is None:
        raise NotFound("Không tìm thấy chứng cứ.", "Evidence item not found.")
    finding_get_for_evidence(user=user, id=item.finding_id)
    return item


@dataclass
class PackageSources:
    """Everything attached to a finding as evidence, wherever it was attached: reviewers' tags and
    files (this app), files uploaded on the finding page, and the check report's photos of the
    finding's criterion or attached to the finding (inspection). One owner for "what goes in the
    package", so a new way of attaching evidence cannot be silently left out of the export."""

    media: list[EvidenceItem]
    finding_items: list[Any]  # inspection.FindingEvidence: file, report_evidence, media, note
    report_photos: list[Any]  # inspection.ReportEvidence of the finding's criterion, not attached above
    tags: list[Tag] = field(default_factory=list)  # a package of a selection of tags

    @property
    def empty(self) -> bool:
        return not (self.media or self.finding_items or self.report_photos or self.tags)


def package_sources(*, finding: Finding) -> PackageSources:
    from inspection.models import FindingEvidence, ReportEvidence

    media = list(EvidenceItem.objects.filter(finding=finding)
                 .select_related("clip", "clip__camera", "tag", "tag__label", "added_by").order_by("id"))
    items = list(FindingEvidence.objects.filter(finding=finding)
                 .select_related("added_by", "report_evidence", "report_evidence__result__criterion")
                 .order_by("id"))
    attached = {i.report_evidence_id for i in items if i.report_evidence_id}
    photos: list[Any] = []
    if finding.surprise_check_id and finding.criterion_id:
        photos = list(ReportEvidence.objects.filter(report__surprise_check_id=finding.surprise_check_id,
                                                    result__criterion_id=finding.criterion_id)
                      .exclude(pk__in=attached).select_related("uploaded_by", "result__criterion")
                      .order_by("id"))
    return PackageSources(media=media, finding_items=items, report_photos=photos)


def package_sources_of(*, package: EvidencePackage) -> PackageSources:
    """What a package holds: its finding's evidence, or its live selected tags."""
    if package.finding is not None:
        return package_sources(finding=package.finding)
    tags = list(package.tags.filter(deleted_at__isnull=True)
                .select_related("clip", "clip__camera", "label", "author").order_by("clip_id", "start_s", "id"))
    return PackageSources(media=[], finding_items=[], report_photos=[], tags=tags)


def package_get_for(*, user: Any, id: int) -> EvidencePackage:  # noqa: A002
    """A package of a finding the user may see, or of a selection of tags whose clips all are in
    the user's scope (one answer for "not there" and "not yours")."""
    from inspection.selectors import findings_visible_to

    require_footage(user)
    package = EvidencePackage.objects.select_related("finding", "requested_by").filter(pk=id).first()
    if package is None:
        allowed = False
    elif package.finding_id is not None:
        # the same words as for a package that does not exist: the answer must not tell them apart
        allowed = findings_visible_to(user).filter(pk=package.finding_id).exists()
    else:
        allowed = not package.tags.exclude(clip__in=Clip.objects.filter(clip_scope_q(user))).exists()
    if package is None or not allowed:
        raise NotFound("Không tìm thấy gói chứng cứ.", "Evidence package not found.")
    return package


def packages_list(*, user: Any, finding: Finding | None = None, clip: Clip | None = None) -> QuerySet[EvidencePackage]:
    """The packages of a finding, or the tag-selection packages holding tags of a clip (the caller
    has fetched the finding or clip through its permission check)."""
    require_footage(user)
    qs = EvidencePackage.objects.select_related("requested_by", "finding")
    if finding is not None:
        qs = qs.filter(finding=finding)
    elif clip is not None:
        in_scope = Clip.objects.filter(clip_scope_q(user))
        qs = (qs.filter(finding__isnull=True, pk__in=Tag.objects.filter(clip=clip).values("packages"))
              .exclude(tags__in=Tag.objects.exclude(clip__in=in_scope)))
    else:
        qs = qs.none()
    return qs.order_by("-id")


def package_download_grant(*, user: Any, package: EvidencePackage, access_id: int | None) -> AccessLog:
    """The download the user asked for (POST …/download/): the ZIP is served only to that same
    signed-in user, for that package, before the link expires. Anyone else holding the link, or the
    same user after expiry, is refused (one answer for all: not a bearer link)."""
    log = None
    if access_id is not None:
        log = AccessLog.objects.filter(pk=access_id, action=AccessLog.Action.EXPORT_DOWNLOAD, package=package,
                                       user_id=user.pk, expires_at__gt=timezone.now()).first()
    if log is None:
        raise Forbidden("Liên kết tải gói chứng cứ không hợp lệ, đã hết hạn hoặc không phải của bạn; "
                        "hãy yêu cầu tải lại và nêu lý do.",
                        "This package download link is invalid, expired or not yours; request the download "
                        "again with a reason.")
    return log


# --- custody and coverage ------------------------------------------------------------------------
def custody_for_clip(*, clip: Clip) -> QuerySet[AccessLog]:
    """Every view, download, tag change, evidence link and export that touched the clip: exports
    of findings it is evidence of, and of selections holding its tags."""
    findings = EvidenceItem.objects.filter(clip=clip).values("finding_id")
    selections = EvidencePackage.objects.filter(finding__isnull=True, tags__clip=clip).values("pk")
    exports = [AccessLog.Action.EXPORT, AccessLog.Action.EXPORT_DOWNLOAD]
    return (AccessLog.objects
            .filter(Q(clip=clip) | Q(action__in=exports, finding_id__in=findings)
                    | Q(action__in=exports, package_id__in=selections))
            .select_related("user", "finding").order_by("at", "id"))


def custody_for_package(*, package: EvidencePackage) -> QuerySet[AccessLog]:
    """The chain of custody a package carries: for a finding, the finding's (its footage, its
    evidence, every export of it); for a selection, its clips' and its own."""
    if package.finding is not None:
        return custody_for_finding(finding=package.finding)
    clip_ids = package.tags.values("clip_id")
    return (AccessLog.objects.filter(Q(package=package) | Q(clip_id__in=clip_ids))
            .select_related("user", "finding").order_by("at", "id"))


def custody_for_finding(*, finding: Finding) -> QuerySet[AccessLog]:
    clip_ids = EvidenceItem.objects.filter(finding=finding, clip__isnull=False).values("clip_id")
    return (AccessLog.objects.filter(Q(finding=finding) | Q(clip_id__in=clip_ids))
            .select_related("user", "finding").order_by("at", "id"))


HIDDEN_FINDING = "một vi phạm chưa công bố hoặc ngoài phạm vi của bạn"
HIDDEN_PACKAGE = "một gói chứng cứ ngoài phạm vi của bạn"


def _redact(log: AccessLog, label: str) -> None:
    """Mask, on the in-memory row only (never saved), what the reader may not know: which finding
    (its reference, the export reason, the package and its hashes) or which out-of-scope clips/tags."""
    log.redacted = label  # type: ignore[attr-defined]
    log.finding = None
    log.package = None
    log.reason = ""
    log.object_key = ""
    log.detail = {}


def custody_for_reader(*, user: Any, logs: Any) -> list[AccessLog]:
    """Custody rows as this reader may read them: a row of a finding the reader may not see
    (findings_visible_to: drafts, secret checks, other units) or of a package the reader could not
    open (a selection holding tags of clips outside the reader's scope) keeps its time, person and
    action, but not the finding's reference, the reason, the package id, hashes or clip/tag ids."""
    from inspection.selectors import findings_visible_to

    rows = list(logs)
    finding_ids = {log.finding_id for log in rows if log.finding_id}
    visible = set(findings_visible_to(user).filter(pk__in=finding_ids).values_list("pk", flat=True))
    package_ids = {log.package_id for log in rows if log.package_id}
    out_of_scope_tags = Tag.objects.exclude(clip__in=Clip.objects.filter(clip_scope_q(user)))
    packages = EvidencePackage.objects.filter(pk__in=package_ids)
    hidden_packages = (
        set(packages.filter(finding__isnull=False).exclude(finding__in=findings_visible_to(user))
            .values_list("pk", flat=True))
        | set(packages.filter(finding__isnull=True, tags__in=out_of_scope_tags).values_list("pk", flat=True)))
    for log in rows:
        if log.finding_id and log.finding_id not in visible:
            _redact(log, HIDDEN_FINDING)
        elif log.package_id and log.package_id in hidden_packages:
            _redact(log, HIDDEN_PACKAGE)
    return rows


def tag_evidence_for_reader(*, user: Any, tag: Tag) -> list[dict[str, Any]]:
    """The findings a tag is evidence of, as this reader may know them: the custody log's rule
    (custody_for_reader) — a finding the reader may not open (a draft, a secret check, another unit)
    is named only as HIDDEN_FINDING, without its id or reference."""
    from inspection.selectors import findings_visible_to

    links = list(tag.evidence.values_list("id", "finding_id", "finding__reference").order_by("id"))
    visible = set(findings_visible_to(user).filter(pk__in={f for _, f, _ in links if f})
                  .values_list("pk", flat=True))
    out: list[dict[str, Any]] = []
    for item_id, finding_id, reference in links:
        hidden = finding_id is not None and finding_id not in visible
        out.append({"id": item_id, "finding_id": None if hidden else finding_id,
                    "finding__reference": HIDDEN_FINDING if hidden else reference,
                    "redacted": HIDDEN_FINDING if hidden else None})
    return out


def custody_for_package_file(*, package: EvidencePackage) -> list[AccessLog]:
    """The custody a package's own custody.json carries (hashed and signed, cannot be withdrawn):
    only what the package's own finding or selection allows. Rows of any other finding, or of
    packages of other findings or selections, are masked."""
    rows = list(custody_for_package(package=package))
    others = {log.package_id for log in rows if log.package_id and log.package_id != package.pk}
    same_finding = set()
    if package.finding_id is not None and others:
        same_finding = set(EvidencePackage.objects.filter(pk__in=others, finding_id=package.finding_id)
                           .values_list("pk", flat=True))
    foreign = others - same_finding
    for log in rows:
        if log.finding_id and log.finding_id != package.finding_id:
            _redact(log, HIDDEN_FINDING)
        elif log.package_id and log.package_id in foreign:
            _redact(log, HIDDEN_PACKAGE)
    return rows


def access_to_dict(log: AccessLog) -> dict[str, Any]:
    redacted = getattr(log, "redacted", None)
    return {
        "id": log.pk, "at": log.at.isoformat(), "action": log.action,
        "action_label": log.get_action_display(),
        "user": {"id": log.user_id, "name": log.user_label},
        "clip_id": log.clip_id, "tag_id": log.tag_id, "package_id": log.package_id,
        "finding_id": log.finding_id,
        "finding_reference": (HIDDEN_FINDING if redacted == HIDDEN_FINDING
                              else log.finding.reference if log.finding is not None else None),
        "redacted": redacted,
        "object_key": log.object_key, "reason": log.reason,
        "ip": log.ip, "user_agent": log.user_agent,
        "expires_at": log.expires_at.isoformat() if log.expires_at else None,
        "detail": log.detail,
    }


def coverage_for_clip(*, clip: Clip) -> dict[str, Any]:
    from media_ingest.review.ranges import merge_ranges, total

    duration = clip.duration_s or 0.0
    rows = list(ReviewCoverage.objects.filter(clip=clip).select_related("user").order_by("user_id"))
    union = merge_ranges([r for row in rows for r in row.ranges])
    played = total(union)

    def share(seconds: float) -> float | None:
        return round(min(seconds / duration, 1.0), 4) if duration > 0 else None

    return {
        "clip_id": clip.pk,
        "duration_s": clip.duration_s,
        "reviewers": [{"user": {"id": row.user_id, "name": user_label(row.user)},
                       "ranges": row.ranges, "seconds": round(row.seconds, 3), "share": share(row.seconds),
                       "first_at": row.first_at.isoformat(), "updated_at": row.updated_at.isoformat()}
                      for row in rows],
        "all": {"ranges": union, "seconds": round(played, 3), "share": share(played),
                "unplayed": _gaps(union, duration)},
    }


def _gaps(ranges: list[list[float]], duration: float) -> list[list[float]]:
    gaps, cursor = [], 0.0
    for start, end in ranges:
        if start > cursor:
            gaps.append([round(cursor, 3), round(start, 3)])
        cursor = max(cursor, end)
    if duration and cursor < duration:
        gaps.append([round(cursor, 3), round(duration, 3)])
    return gaps


# --- moments to review -------------------------------------------------------------------------
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


def moments_to_review(*, user: Any, filters: MomentFilters) -> list[dict[str, Any]]:
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


def moment_tags(*, user: Any, moments: list[dict[str, Any]]) -> dict[tuple[str, int], list[Tag]]:
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
            if clip.duration_s and clip.started_at <= at < clip.started_at + timedelta(seconds=clip.duration_s):
                covering.append(clip)
    usable = [c for c in covering if c.state != Clip.State.FAILED]
    if usable:
        # Prefer a fully indexed clip, then the latest version.
        rank = {Clip.State.INDEXED: 0, Clip.State.PARTIAL: 1}
        best = sorted(usable, key=lambda c: (rank.get(c.state, 2), -c.pk))[0]
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
