"""Reads for footage review, each with its object-level permission check: clips, topics, tags,
findings and evidence, packages. Custody and coverage are in selectors_custody.py, the moments to
review in selectors_moments.py."""
from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from backend.accounts.models import Role, User
from backend.accounts.selectors import user_unit_ids
from backend.core.errors import DomainError, Forbidden, NotFound
from backend.org.models import Camera, Unit
from inspection.models import Finding
from media_ingest.models import Clip, ClipEvent
from media_ingest.review.models import AccessLog, EvidenceItem, EvidencePackage, Tag, TagLabel, TagRevision

# Who may look at footage, tag it, and attach it to findings.
FOOTAGE_ROLES = {Role.REVIEWER, Role.ADMIN, Role.INSPECTION_LEAD, Role.INSPECTOR, Role.DISCIPLINARY}
TAG_ROLES = {Role.REVIEWER, Role.ADMIN, Role.INSPECTION_LEAD, Role.INSPECTOR}
EVIDENCE_ROLES = {Role.REVIEWER, Role.ADMIN, Role.INSPECTION_LEAD, Role.INSPECTOR}
UNASSIGNED_ROLES = {Role.ADMIN, Role.REVIEWER}
TAGGABLE_STATES = {Clip.State.INDEXED, Clip.State.PARTIAL}

CLIP_MAX_SPAN = timedelta(hours=24)  # longest clip a time search looks back for
_TOPIC = re.compile(r"^(camera|unit|clip):([A-Za-z0-9_.-]{1,60})$")


def user_may_use_review(*, user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.role in FOOTAGE_ROLES)


def user_may_connect(*, user: User) -> bool:
    """Footage roles use the whole protocol; unit heads only follow their own units' notices
    (a started check), never footage, tags or presence."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.role in FOOTAGE_ROLES or user.role == Role.UNIT_HEAD


def require_footage(user: User, roles: Collection[str] = FOOTAGE_ROLES) -> None:
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.role not in roles:
        raise Forbidden("Đồng chí không có quyền xem hoặc xử lý hình ảnh camera.",
                        "You may not view or handle camera footage.")


def user_label(user: User | None) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def clip_scope_q(user: User) -> Q:
    """Clips the user may see: their units' cameras; unassigned only for province-wide admin/reviewer."""
    if not user_may_use_review(user=user):
        return Q(pk__in=[])
    ids = user_unit_ids(user)
    if ids is None:
        return Q() if user.role in UNASSIGNED_ROLES else Q(camera__isnull=False)
    return Q(camera__counter__unit_id__in=ids)


def clip_get_for(*, user: User, id: int) -> Clip:  # noqa: A002 - the styleguide's name
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


def clips_for_review(*, user: User, filters: ClipFilters) -> QuerySet[Clip]:
    """The clip list: scope, filters, counts annotated so a page costs a constant number of queries.

    `tags_open` counts a clip's live tags made on the footage itself (every reader knows them);
    `tags_kept` says it has live tags made on an expired clip's sealed copy, which only some readers
    may know of (`tags_seen_q`): the caller counts those clips with `clip_tag_counts`. The rule's
    subqueries (findings visible to the reader, secret checks, conflicts) were most of the list's cost
    as a correlated count in every page query (issue 18); a sealed copy's tags are rare."""
    require_footage(user)
    open_tags = Tag.objects.filter(clip=OuterRef("pk"), deleted_at__isnull=True, preservation__isnull=True)
    qs = (Clip.objects.filter(clip_scope_q(user))
          # correlated, evaluated for the page's rows only; a JOIN + GROUP BY here made the
          # database aggregate every clip in scope before the LIMIT (list time grew with the table)
          .annotate(tags_open=Coalesce(Subquery(open_tags.order_by().values("clip")
                                                .annotate(n=Count("pk")).values("n")[:1]), 0),
                    tags_kept=Exists(Tag.objects.filter(clip=OuterRef("pk"), deleted_at__isnull=True,
                                                        preservation__isnull=False))))
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
                   if started is not None and started + timedelta(seconds=duration or 0) > f.start]
        qs = qs.filter(Q(started_at__gte=f.start) | Q(pk__in=running))
    if f.end is not None:
        qs = qs.filter(started_at__lt=f.end)
    if f.state:
        qs = qs.filter(state=f.state)
    if f.event_kind:
        qs = qs.filter(Exists(ClipEvent.objects.filter(clip=OuterRef("pk"), kind=f.event_kind)))
    if f.tagged is not None:
        live_tags = Tag.objects.filter(tags_seen_q(user), clip=OuterRef("pk"), deleted_at__isnull=True)
        qs = qs.filter(Exists(live_tags)) if f.tagged else qs.filter(~Exists(live_tags))
    if f.unassigned is True:
        qs = qs.filter(camera__isnull=True)
    elif f.unassigned is False:
        qs = qs.filter(camera__isnull=False)
    return qs.order_by("-started_at", "-id")


def clip_tag_counts(*, user: User, clip_ids: list[int]) -> dict[int, int]:
    """How many live tags each clip has that this reader may know of (`tags_seen_q`). A tag on an
    expired clip's sealed copy (one with a preservation) is checked against the rule in a second query,
    only when there is one."""
    counts = dict.fromkeys(clip_ids, 0)
    if not clip_ids:
        return counts
    rows = list(Tag.objects.filter(clip_id__in=clip_ids, deleted_at__isnull=True)
                .values_list("pk", "clip_id", "preservation_id"))
    kept = [pk for pk, _, preservation_id in rows if preservation_id is not None]
    seen = set(Tag.objects.filter(tags_seen_q(user), pk__in=kept).values_list("pk", flat=True)) if kept else set()
    for pk, clip_id, preservation_id in rows:
        if preservation_id is None or pk in seen:
            counts[clip_id] += 1
    return counts


def clip_event_kinds(*, clip_ids: list[int]) -> dict[int, list[str]]:
    """The kinds of the clips' events, each clip's in its events' order (one query for a page)."""
    kinds: dict[int, list[str]] = {pk: [] for pk in clip_ids}
    if clip_ids:
        for clip_id, kind in ClipEvent.objects.filter(clip_id__in=clip_ids).values_list("clip_id", "kind"):
            kinds[clip_id].append(kind)
    return kinds


def clip_events(*, clip: Clip) -> list[ClipEvent]:
    return list(clip.events.order_by("start_s", "id"))


def topic_authorize(*, user: User, topic: Any) -> str:
    """Normalize a topic and check the user may follow it; raise Forbidden/NotFound otherwise."""
    if not isinstance(topic, str) or not _TOPIC.match(topic):
        raise DomainError("Chủ đề không hợp lệ (camera:<mã>, unit:<id>, clip:<id>).",
                          "Invalid topic (camera:<code>, unit:<id>, clip:<id>).", code="invalid_topic")
    kind, ident = topic.split(":", 1)
    if not user_may_use_review(user=user) and not (kind == "unit" and user_may_connect(user=user)):
        raise Forbidden("Đồng chí chỉ được theo dõi thông báo của đơn vị mình.",
                        "You may only follow your own units' notices.")
    ids = user_unit_ids(user)
    # A scoped user gets one answer for "outside your units" and "does not exist": a different one
    # would tell them which unit ids, camera codes and clip ids exist elsewhere.
    refused = Forbidden("Chủ đề không tồn tại hoặc nằm ngoài phạm vi đơn vị của đồng chí.",
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
    camera = clip.camera if clip.camera_id is not None else None
    if camera is not None:
        topics += [f"camera:{camera.code}", f"unit:{camera.counter.unit_id}"]
    return topics


def tag_labels(*, include_inactive: bool = False) -> QuerySet[TagLabel]:
    qs = TagLabel.objects.all()
    return qs if include_inactive else qs.filter(active=True)


def tags_seen_q(user: User) -> Q:
    """The tags this reader may know of: every tag on footage, and a tag made on an expired clip's sealed
    copy (Tag.preservation) only for a reader who may see a finding the copy was kept for (as
    media_ingest.selectors.preservation_for_reader): to anyone else that clip is any expired clip, with no
    tag, count, event or custody entry made after it expired."""
    from inspection.selectors_findings import findings_visible_to
    from media_ingest.review.models import ClipPreservation

    served = ClipPreservation.objects.filter(findings__in=findings_visible_to(user).values("pk")).values("pk")
    return Q(preservation__isnull=True) | Q(preservation__in=served)


def tags_list(*, user: User, clip_id: int | None = None, label: str | None = None,
              author_id: int | None = None, include_deleted: bool = False) -> QuerySet[Tag]:
    require_footage(user)
    qs = (Tag.objects.filter(clip__in=Clip.objects.filter(clip_scope_q(user))).filter(tags_seen_q(user))
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


def tag_get_for(*, user: User, id: int, include_deleted: bool = True) -> Tag:  # noqa: A002
    tag = tags_list(user=user, include_deleted=include_deleted).filter(pk=id).first()
    if tag is None:
        raise NotFound("Không tìm thấy thẻ.", "Tag not found.")
    return tag


def tag_history(*, tag: Tag) -> list[TagRevision]:
    return list(tag.revisions.select_related("label", "by").order_by("revision"))


def tag_to_dict(tag: Tag) -> dict[str, Any]:
    """The one shape of a tag, the same for every reader: websocket events carry it as is; API answers
    add the reader's `findings` (tags_for_reader), which never go out in an event."""
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


def tag_findings_for_reader(*, user: User, tag_ids: Collection[int]) -> dict[int, list[dict[str, Any]]]:
    """The findings each tag is evidence of, as this reader may know them: only those the reader may
    open (inspection's `findings_visible_to`: a draft is the inspection team's, a planned check's is
    secret, another unit's is out of scope), so a tag of an unseen finding reads as a tag of none.
    One query for a whole page of tags. Reader-specific: never put it in a broadcast (tag_to_dict)."""
    from inspection.selectors_findings import findings_visible_to

    out: dict[int, list[dict[str, Any]]] = {tag_id: [] for tag_id in tag_ids}
    if not out:
        return out
    rows = (EvidenceItem.objects.filter(tag_id__in=list(out), finding__in=findings_visible_to(user))
            .order_by("added_at", "id").values_list("tag_id", "finding_id", "finding__reference", "finding__title"))
    for tag_id, finding_id, reference, title in rows:
        out[tag_id].append({"id": finding_id, "reference": reference, "title": title})
    return out


def tags_for_reader(*, user: User, tags: Collection[Tag]) -> list[dict[str, Any]]:
    """Tags as an API answer to this reader: the shared shape (tag_to_dict) and the findings the reader
    may know each one is evidence of (`findings`)."""
    findings = tag_findings_for_reader(user=user, tag_ids=[t.pk for t in tags])
    return [{**tag_to_dict(t), "findings": findings[t.pk]} for t in tags]


def finding_get_for_evidence(*, user: User, id: int) -> Finding:  # noqa: A002
    """A finding the user may see (inspection's visibility rules: scope, drafts, secret checks)."""
    from inspection.selectors_findings import findings_visible_to

    require_footage(user)
    finding = findings_visible_to(user).select_related("unit", "surprise_check").filter(pk=id).first()
    if finding is None:
        raise NotFound("Không tìm thấy vi phạm.", "Finding not found.")
    return finding


def evidence_list(*, user: User, finding: Finding) -> QuerySet[EvidenceItem]:
    require_footage(user)
    return (EvidenceItem.objects.filter(finding=finding)
            .select_related("finding", "tag", "tag__label", "clip", "clip__camera", "added_by")
            .order_by("added_at", "id"))  # ids are random (backend.core.ids): the order added is the time


def evidence_get_for(*, user: User, id: int) -> EvidenceItem:  # noqa: A002
    """An evidence item of a finding the user may see. Who may not use footage is refused first, and
    an item of a finding the user may not see answers as one that does not exist: a different answer
    told that the id is a draft's evidence (issue 15, insider review S3)."""
    from inspection.selectors_findings import findings_visible_to

    require_footage(user)
    item = (EvidenceItem.objects.select_related("finding", "clip", "tag")
            .filter(pk=id, finding__in=findings_visible_to(user).values("pk")).first())
    if item is None:
        raise NotFound("Không tìm thấy chứng cứ.", "Evidence item not found.")
    return item


@dataclass
class PackageSources:
    """Everything attached to a finding as evidence, of every kind and wherever it was attached (one
    model, EvidenceItem: tags, files, report photos, notes), and the check report's photos of the
    finding's criterion not attached as items. One owner for "what goes in the package", so a new
    way of attaching evidence cannot be silently left out of the export."""

    items: list[EvidenceItem]
    report_photos: list[Any]  # inspection.ReportEvidence of the finding's criterion, not attached above
    tags: list[Tag] = field(default_factory=list)  # a package of a selection of tags

    @property
    def empty(self) -> bool:
        return not (self.items or self.report_photos or self.tags)


def package_sources(*, finding: Finding) -> PackageSources:
    from inspection.models import ReportEvidence

    items = list(EvidenceItem.objects.filter(finding=finding)
                 .select_related("clip", "clip__camera", "tag", "tag__label", "added_by",
                                 "report_evidence__result__criterion")
                 .order_by("added_at", "id"))
    attached = {i.report_evidence_id for i in items if i.report_evidence_id}
    photos: list[Any] = []
    if finding.surprise_check_id and finding.criterion_id:
        photos = list(ReportEvidence.objects.filter(report__surprise_check_id=finding.surprise_check_id,
                                                    result__criterion_id=finding.criterion_id)
                      .exclude(pk__in=attached).select_related("uploaded_by", "result__criterion")
                      .order_by("id"))
    return PackageSources(items=items, report_photos=photos)


def package_sources_of(*, package: EvidencePackage) -> PackageSources:
    """What a package holds: its finding's evidence, or its live selected tags."""
    if package.finding is not None:
        return package_sources(finding=package.finding)
    tags = list(package.tags.filter(deleted_at__isnull=True)
                .select_related("clip", "clip__camera", "label", "author").order_by("clip_id", "start_s", "id"))
    return PackageSources(items=[], report_photos=[], tags=tags)


def package_get_for(*, user: User, id: int) -> EvidencePackage:  # noqa: A002
    """A package of a finding the user may see, or of a selection of tags whose clips all are in
    the user's scope (one answer for "not there" and "not yours")."""
    from inspection.selectors_findings import findings_visible_to

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


def packages_list(*, user: User, finding: Finding | None = None, clip: Clip | None = None) -> QuerySet[EvidencePackage]:
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
    return qs.order_by("-requested_at", "-id")  # ids are random (backend.core.ids)


def package_download_grant(*, user: User, package: EvidencePackage, access_id: int | None) -> AccessLog:
    """The download the user asked for (POST …/download/): the ZIP is served only to that same
    signed-in user, for that package, before the link expires. Anyone else holding the link, or the
    same user after expiry, is refused (one answer for all: not a bearer link)."""
    log = None
    if access_id is not None:
        log = AccessLog.objects.filter(pk=access_id, action=AccessLog.Action.EXPORT_DOWNLOAD, package=package,
                                       user_id=user.pk, expires_at__gt=timezone.now()).first()
    if log is None:
        raise Forbidden("Liên kết tải gói chứng cứ không hợp lệ, đã hết hạn hoặc không phải của đồng chí; "
                        "hãy yêu cầu tải lại và nêu lý do.",
                        "This package download link is invalid, expired or not yours; request the download "
                        "again with a reason.")
    return log
