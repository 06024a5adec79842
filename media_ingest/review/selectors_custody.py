"""Reads of the custody log (who saw which footage, package or finding, redacted for the reader) and
of a clip's coverage."""
from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from backend.accounts.models import User
from inspection.models import Finding
from media_ingest.models import Clip
from media_ingest.review.models import AccessLog, EvidenceItem, EvidencePackage, ReviewCoverage, Tag
from media_ingest.review.selectors import clip_scope_q, user_label


def sealed_findings(*, user: User | None = None, own: Finding | None = None) -> QuerySet[Finding]:
    """The unpublished findings (inspection.selectors_findings.unpublished_q: drafts) a custody
    reader may not know of: those `user` may not see (findings_visible_to), or, for the custody a
    package carries (user None), every one but the package's own finding. Custody entries tied to
    one are withheld, not redacted, until it is published, then appear with their original time:
    a redacted row still told that the team attached or exported footage for a draft, and when
    (issue 15, insider review S1-2)."""
    from inspection.selectors_findings import findings_visible_to, unpublished_q

    sealed = Finding.objects.filter(unpublished_q())
    if user is not None:
        sealed = sealed.exclude(pk__in=findings_visible_to(user).values("pk"))
    if own is not None:
        sealed = sealed.exclude(pk=own.pk)
    return sealed


def _unsealed(logs: QuerySet[AccessLog], sealed: QuerySet[Finding]) -> QuerySet[AccessLog]:
    ids = sealed.values("pk")
    return logs.exclude(finding_id__in=ids).exclude(package__finding_id__in=ids)


def custody_for_clip(*, clip: Clip, user: User) -> QuerySet[AccessLog]:
    """Every view, download, tag change, evidence link and export that touched the clip: exports
    of findings it is evidence of, and of selections holding its tags; entries of a finding sealed
    for this reader (sealed_findings) withheld."""
    findings = EvidenceItem.objects.filter(clip=clip).values("finding_id")
    selections = EvidencePackage.objects.filter(finding__isnull=True, tags__clip=clip).values("pk")
    exports = [AccessLog.Action.EXPORT, AccessLog.Action.EXPORT_DOWNLOAD]
    logs = (AccessLog.objects
            .filter(Q(clip=clip) | Q(action__in=exports, finding_id__in=findings)
                    | Q(action__in=exports, package_id__in=selections)))
    return _unsealed(logs, sealed_findings(user=user)).select_related("user", "finding").order_by("at", "id")


def custody_for_package(*, package: EvidencePackage, user: User | None = None) -> QuerySet[AccessLog]:
    """The chain of custody a package carries: for a finding, the finding's (its footage, its
    evidence, every export of it); for a selection, its clips' and its own. With `user`, entries of
    findings sealed for that reader are withheld; without, those of every unpublished finding but the
    package's own (the custody.json the package carries: custody_for_package_file)."""
    if package.finding is not None:
        logs = _finding_logs(package.finding)
    else:
        clip_ids = package.tags.values("clip_id")
        logs = AccessLog.objects.filter(Q(package=package) | Q(clip_id__in=clip_ids))
    sealed = sealed_findings(user=user, own=package.finding if user is None else None)
    return _unsealed(logs, sealed).select_related("user", "finding").order_by("at", "id")


def _finding_logs(finding: Finding) -> QuerySet[AccessLog]:
    clip_ids = EvidenceItem.objects.filter(finding=finding, clip__isnull=False).values("clip_id")
    return AccessLog.objects.filter(Q(finding=finding) | Q(clip_id__in=clip_ids))


HIDDEN_FINDING = "một vi phạm chưa công bố hoặc ngoài phạm vi của đồng chí"
HIDDEN_PACKAGE = "một gói chứng cứ ngoài phạm vi của đồng chí"


def _redact(log: AccessLog, label: str) -> None:
    """Mask, on the in-memory row only (never saved), what the reader may not know: which finding
    (its reference, the export reason, the package and its hashes) or which out-of-scope clips/tags."""
    log.redacted = label  # type: ignore[attr-defined]
    log.finding = None
    log.package = None
    log.reason = ""
    log.object_key = ""
    log.detail = {}


def custody_for_reader(*, user: User, logs: Any) -> list[AccessLog]:
    """Custody rows as this reader may read them (rows of findings sealed for the reader were already
    withheld by custody_for_clip/custody_for_package): a row of a published finding the reader may
    not see (findings_visible_to: secret checks, other units) or of a package the reader could not
    open (a selection holding tags of clips outside the reader's scope) keeps its time, person and
    action, but not the finding's reference, the reason, the package id, hashes or clip/tag ids."""
    from inspection.selectors_findings import findings_visible_to

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


def tag_evidence_for_reader(*, user: User, tag: Tag) -> list[dict[str, Any]]:
    """The findings a tag is evidence of, as this reader may know them: the custody log's rule
    (custody_for_reader) — a finding the reader may not open (a draft, a secret check, another unit)
    is named only as HIDDEN_FINDING, without its id or reference; one of a finding sealed for the
    reader (sealed_findings: a draft) is not listed at all."""
    from inspection.selectors_findings import findings_visible_to

    links = list(tag.evidence.exclude(finding__in=sealed_findings(user=user))
                 .values_list("id", "finding_id", "finding__reference").order_by("added_at", "id"))
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
    rows = list(custody_for_package(package=package))  # no user: other unpublished findings withheld
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
        # identical accesses counted on this entry (custody_repeats): first at `at`, last at `last_at`
        "count": log.count, "last_at": (log.last_at or log.at).isoformat(),
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
