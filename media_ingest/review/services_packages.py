"""Evidence packages: requesting one (from evidence or from tags), building and signing it, and its
download."""
from __future__ import annotations

import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from backend.accounts.models import User
from backend.audit.services import audit_record
from backend.core.errors import Conflict
from backend.core.jobs import enqueue_on_commit
from backend.core.store import get_store
from inspection.models import Finding
from media_ingest.models import Clip
from media_ingest.review import selectors
from media_ingest.review.models import AccessLog, EvidencePackage, Tag
from media_ingest.review.services import _invalid, _worded_reason, access_log_add


@transaction.atomic
def package_request(*, by: User, finding: Finding, reason: str, ip: str | None = None,
                    user_agent: str = "") -> EvidencePackage:
    """Ask for an evidence package; a job cuts the segments and builds the ZIP."""
    from media_ingest.review import tasks

    selectors.require_footage(by, selectors.EVIDENCE_ROLES)
    reason = _worded_reason(reason)
    if selectors.package_sources(finding=finding).empty:
        raise Conflict("Vi phạm chưa có chứng cứ nào để xuất.", "The finding has no evidence to export.",
                       code="no_evidence")
    if EvidencePackage.objects.filter(finding=finding, state__in=[EvidencePackage.State.PENDING,
                                                                  EvidencePackage.State.BUILDING]).exists():
        raise Conflict("Một gói chứng cứ của vi phạm này đang được tạo.",
                       "A package for this finding is already being built.", code="package_in_progress")
    package = EvidencePackage.objects.create(finding=finding, requested_by=by, requested_at=timezone.now(),
                                             reason=reason)
    access_log_add(user=by, action=AccessLog.Action.EXPORT, package=package, finding=finding, reason=reason,
                   ip=ip, user_agent=user_agent, detail={"state": "requested"})
    enqueue_on_commit(tasks.evidence_package_build, package.pk)
    return package


PACKAGE_TAGS_MAX = 100


@transaction.atomic
def package_request_tags(*, by: User, tags: list[Tag], reason: str, ip: str | None = None,
                         user_agent: str = "") -> EvidencePackage:
    """Ask for a package of a selection of tags (on one clip or from the moments list), before or
    without a finding. The caller fetched each tag through its permission check."""
    from media_ingest.review import tasks

    selectors.require_footage(by, selectors.EVIDENCE_ROLES)
    reason = _worded_reason(reason)
    unique = {t.pk: t for t in tags}
    if not unique:
        raise _invalid("chọn ít nhất một thẻ.", "select at least one tag.", "tag_ids")
    if len(unique) > PACKAGE_TAGS_MAX:
        raise _invalid(f"tối đa {PACKAGE_TAGS_MAX} thẻ một gói.", f"at most {PACKAGE_TAGS_MAX} tags a package.",
                       "tag_ids")
    deleted = sorted(pk for pk, t in unique.items() if t.deleted_at is not None)
    if deleted:
        raise Conflict(f"Thẻ {', '.join(map(str, deleted))} đã bị xóa.", f"Tags {deleted} were deleted.",
                       code="tag_deleted")
    expired = sorted({t.clip_id for t in unique.values() if t.clip.state == Clip.State.EXPIRED})
    if expired:
        raise Conflict("Đoạn video của thẻ đã bị xóa khi hết thời hạn lưu trữ.",
                       f"The footage of clips {expired} expired and was deleted.", code="expired")
    package = EvidencePackage.objects.create(finding=None, requested_by=by, requested_at=timezone.now(),
                                             reason=reason)
    package.tags.set(list(unique.values()))
    for clip_id in sorted({t.clip_id for t in unique.values()}):
        clip = next(t.clip for t in unique.values() if t.clip_id == clip_id)
        access_log_add(user=by, action=AccessLog.Action.EXPORT, package=package, clip=clip, reason=reason,
                       ip=ip, user_agent=user_agent,
                       detail={"state": "requested", "tags": sorted(t.pk for t in unique.values()
                                                                    if t.clip_id == clip_id)})
    enqueue_on_commit(tasks.evidence_package_build, package.pk)
    return package


def package_build(*, package_id: int) -> EvidencePackage:
    """Build the ZIP outside any request (job). Idempotent: a ready package is left alone."""
    from media_ingest.review import package as pkg

    with transaction.atomic():
        package = EvidencePackage.objects.select_for_update(of=("self",)).select_related("finding", "requested_by").get(
            pk=package_id)
        if package.state == EvidencePackage.State.READY:
            return package
        package.state = EvidencePackage.State.BUILDING
        package.progress = 0.0
        package.save(update_fields=["state", "progress"])

    def progress(share: float) -> None:  # outside any transaction: readers see it while the job runs
        EvidencePackage.objects.filter(pk=package.pk).update(progress=round(min(max(share, 0.0), 0.99), 3))

    try:
        with tempfile.TemporaryDirectory(prefix="cw-package-") as tmpdir:
            result = pkg.build_package(package=package, workdir=Path(tmpdir), on_progress=progress)
            folder = f"finding-{package.finding_id}" if package.finding_id else "selections"
            key = f"evidence/packages/{folder}/package-{package.pk}.zip"
            get_store().put_file(key, result.path, "application/zip")
    except Exception as exc:  # noqa: BLE001 - any failure is recorded on the package for the user
        vi = exc.vi if isinstance(exc, pkg.PackageError) else f"lỗi không lường trước khi tạo gói: {exc}"
        with transaction.atomic():
            EvidencePackage.objects.filter(pk=package.pk).update(
                state=EvidencePackage.State.FAILED, error=vi[:2000], error_en=str(exc)[:2000],
                finished_at=timezone.now())
            # the finding named, so the event is hidden where the finding is (a draft's: inspection.audit_hidden)
            audit_record(actor=None, verb="evidence_package.failed", obj=package,
                         payload={"error": str(exc)[:500], "finding": package.finding_id})
        package.refresh_from_db()
        return package
    with transaction.atomic():
        package.state = EvidencePackage.State.READY
        package.progress = 1.0
        package.key = key
        package.size_bytes = result.size
        package.sha256 = result.sha256
        package.manifest_sha256 = result.manifest_sha256
        package.manifest = result.manifest
        package.manifest_signature = result.signature
        package.finished_at = timezone.now()
        package.error = package.error_en = ""
        package.save()
        access_log_add(user=package.requested_by, action=AccessLog.Action.EXPORT, package=package,
                       finding=package.finding, object_key=key, reason=package.reason,
                       detail={"state": "ready", "sha256": result.sha256,
                               "manifest_sha256": result.manifest_sha256,
                               "files": len(result.manifest.get("files", []))})
    return package


@transaction.atomic
def package_download(*, by: User, package: EvidencePackage, reason: str, ip: str | None = None,
                     user_agent: str = "") -> tuple[str, datetime]:
    selectors.require_footage(by, selectors.EVIDENCE_ROLES)
    reason = _worded_reason(reason)
    if package.state != EvidencePackage.State.READY:
        raise Conflict("Gói chứng cứ chưa sẵn sàng.", "The package is not ready.", code="not_ready")
    seconds = int(settings.PLAYBACK_URL_TTL_SECONDS)
    expires_at = timezone.now() + timedelta(seconds=seconds)
    log = access_log_add(user=by, action=AccessLog.Action.EXPORT_DOWNLOAD, package=package, finding=package.finding,
                         object_key=package.key, reason=reason, ip=ip, user_agent=user_agent, expires_at=expires_at,
                         detail={"sha256": package.sha256})
    # not a bearer link: the ZIP is served by the API to the signed-in user who asked, within the TTL
    # (selectors.package_download_grant), and each fetch is recorded with its requester
    return f"/api/media/evidence/packages/{package.pk}/file/?access={log.pk}", expires_at


def package_reference(package: EvidencePackage) -> str:
    return package.finding.reference if package.finding is not None else "tags"
