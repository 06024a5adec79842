"""Evidence on findings and evidence packages: request, detail, custody, the signing key, download,
files and verification (of a stored or an uploaded package)."""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.http import FileResponse, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.core.actors import AuthedRequest
from backend.core.errors import DomainError, NotFound
from backend.core.pagination import Pagination
from backend.core.params import IdField, PlainTextField, Query
from backend.core.parsers import JSONParser
from backend.core.store import StoreError, get_store
from media_ingest.review import selectors, selectors_custody, services, services_packages, signing
from media_ingest.review.apis.clips import CUSTODY_FILTERS, custody_download, custody_filtered
from media_ingest.review.apis.common import client_ip, client_ua, q, validated
from media_ingest.review.apis.outputs import (
    CustodyEntrySerializer,
    EvidenceItemOutputSerializer,
    EvidencePackageOutputSerializer,
    PackageDownloadIssuedSerializer,
    PackageVerifyReportSerializer,
    SigningKeySerializer,
    page_of,
)
from media_ingest.review.models import EvidencePackage
from media_ingest.review.package import VerifyReport, verify_package


class EvidenceListApi(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    class EvidenceListInputSerializer(serializers.Serializer):
        finding_id = IdField()
        tag_id = IdField(required=False)
        file = serializers.FileField(required=False, allow_empty_file=False)
        note = PlainTextField(required=False, allow_blank=True, default="", max_length=4000)
        out_of_period_reason = PlainTextField(
            required=False, allow_blank=True, default="", max_length=1000,
            help_text="Required to attach a tag whose moment lies outside the finding's period (else 409 "
                      "outside_period, which names both times)")

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            if ("tag_id" in attrs) == ("file" in attrs):
                raise serializers.ValidationError("Gửi đúng một trong tag_id hoặc file. / Send exactly one of "
                                                  "tag_id or file.")
            return attrs

    @extend_schema(operation_id="media_evidence_list", responses={200: page_of("PaginatedEvidenceItemList", EvidenceItemOutputSerializer(many=True))},
                   parameters=[q("finding", int), q("page", int)])
    def get(self, request: AuthedRequest) -> Response:
        finding_id = Query(request).id("finding")
        if finding_id is None:
            raise DomainError("Cần tham số finding.", "The finding parameter is required.", code="invalid_param",
                              fields={"finding": ["required"]})
        finding = selectors.finding_get_for_evidence(user=request.user, id=finding_id)
        items = selectors.evidence_list(user=request.user, finding=finding)
        paginator = Pagination()
        page = paginator.paginate_queryset(items, request, view=self)
        return paginator.get_paginated_response([services.evidence_to_dict(i) for i in page])

    @extend_schema(request=EvidenceListInputSerializer, responses={201: EvidenceItemOutputSerializer})
    def post(self, request: AuthedRequest) -> Response:
        data = validated(self.EvidenceListInputSerializer, request.data)
        finding = selectors.finding_get_for_evidence(user=request.user, id=data["finding_id"])
        if "tag_id" in data:
            tag = selectors.tag_get_for(user=request.user, id=data["tag_id"])
            item = services.evidence_link_tag(by=request.user, finding=finding, tag=tag, note=data["note"],
                                              ip=client_ip(request), user_agent=client_ua(request),
                                              out_of_period_reason=data["out_of_period_reason"])
        else:
            upload = data["file"]
            item = services.evidence_add_file(by=request.user, finding=finding, fileobj=upload,
                                              filename=upload.name, content_type=upload.content_type or "",
                                              size=upload.size, note=data["note"], ip=client_ip(request),
                                              user_agent=client_ua(request))
        return Response(services.evidence_to_dict(item), status=201)


class EvidenceDetailApi(APIView):
    @extend_schema(responses=EvidenceItemOutputSerializer)
    def get(self, request: AuthedRequest, pk: int) -> Response:
        return Response(services.evidence_to_dict(selectors.evidence_get_for(user=request.user, id=pk)))


def package_to_dict(p: EvidencePackage) -> dict[str, Any]:
    signature = p.manifest_signature
    return {"id": p.pk, "finding_id": p.finding_id,
            "finding_reference": p.finding.reference if p.finding is not None else None,
            "kind": "finding" if p.finding_id else "selection",
            "tag_ids": sorted(t.pk for t in p.tags.all()) if not p.finding_id else [],
            "signed": bool(signature),
            "state": p.state, "state_label": p.get_state_display(),
            "requested_by": {"id": p.requested_by_id, "name": selectors.user_label(p.requested_by)},
            "requested_at": p.requested_at.isoformat(), "reason": p.reason, "progress": p.progress,
            "finished_at": p.finished_at.isoformat() if p.finished_at else None,
            "size_bytes": p.size_bytes, "sha256": p.sha256, "manifest_sha256": p.manifest_sha256,
            "error_en": p.error_en,
            "files": p.manifest.get("files", []) if p.manifest else [], "error": p.error}


class PackageListApi(APIView):
    class PackageListInputSerializer(serializers.Serializer):
        finding_id = IdField(required=False)
        tag_ids = serializers.ListField(child=IdField(), required=False, allow_empty=False,
                                        max_length=services_packages.PACKAGE_TAGS_MAX)
        reason = PlainTextField(max_length=1000)

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            if ("finding_id" in attrs) == ("tag_ids" in attrs):
                raise serializers.ValidationError("Chọn một vi phạm hoặc một số thẻ để xuất gói chứng cứ, không "
                                                  "chọn cả hai.")
            return attrs

    @extend_schema(operation_id="media_evidence_packages_list",
                   responses={200: page_of("PaginatedEvidencePackageList", EvidencePackageOutputSerializer(many=True))},
                   parameters=[q("finding", int), q("clip", int), q("page", int)])
    def get(self, request: AuthedRequest) -> Response:
        query = Query(request)
        finding_id, clip_id = query.id("finding"), query.id("clip")
        if (finding_id is None) == (clip_id is None):
            raise DomainError("Cần đúng một tham số finding hoặc clip.", "Give exactly one of finding or clip.",
                              code="invalid_param", fields={"finding": ["required"]})
        if finding_id is not None:
            finding = selectors.finding_get_for_evidence(user=request.user, id=finding_id)
            qs = selectors.packages_list(user=request.user, finding=finding)
        else:
            clip = selectors.clip_get_for(user=request.user, id=clip_id)  # type: ignore[arg-type]
            qs = selectors.packages_list(user=request.user, clip=clip)
        paginator = Pagination()
        page = paginator.paginate_queryset(qs.prefetch_related("tags"), request, view=self)
        return paginator.get_paginated_response([package_to_dict(p) for p in page])

    @extend_schema(request=PackageListInputSerializer, responses={202: EvidencePackageOutputSerializer})
    def post(self, request: AuthedRequest) -> Response:
        data = validated(self.PackageListInputSerializer, request.data)
        if "finding_id" in data:
            finding = selectors.finding_get_for_evidence(user=request.user, id=data["finding_id"])
            package = services_packages.package_request(by=request.user, finding=finding, reason=data["reason"],
                                                        ip=client_ip(request), user_agent=client_ua(request))
        else:
            tags = [selectors.tag_get_for(user=request.user, id=pk) for pk in dict.fromkeys(data["tag_ids"])]
            package = services_packages.package_request_tags(by=request.user, tags=tags, reason=data["reason"],
                                                             ip=client_ip(request), user_agent=client_ua(request))
        return Response(package_to_dict(package), status=202)


class PackageDetailApi(APIView):
    @extend_schema(responses=EvidencePackageOutputSerializer)
    def get(self, request: AuthedRequest, pk: int) -> Response:
        return Response(package_to_dict(selectors.package_get_for(user=request.user, id=pk)))


class PackageCustodyApi(APIView):
    """The chain of custody the package carries (the finding's, or its clips'), with its own exports."""

    @extend_schema(responses=page_of("PaginatedPackageCustodyList", CustodyEntrySerializer(many=True)),
                   parameters=CUSTODY_FILTERS)
    def get(self, request: AuthedRequest, pk: int) -> Response:
        package = selectors.package_get_for(user=request.user, id=pk)
        paginator = Pagination()
        page = paginator.paginate_queryset(custody_filtered(request, selectors_custody.custody_for_package(package=package, user=request.user)),
                                           request, view=self)
        page = selectors_custody.custody_for_reader(user=request.user, logs=page or [])
        return paginator.get_paginated_response([selectors_custody.access_to_dict(log) for log in page])


class PackageCustodyExportApi(APIView):
    export_formats = ("csv", "xlsx")  # `?format=` as `?type=` (backend.core.negotiation)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
                   parameters=[q("type", str, "csv | xlsx (default)"), q("format", str, "the same as type")])
    def get(self, request: AuthedRequest, pk: int) -> HttpResponse:
        package = selectors.package_get_for(user=request.user, id=pk)
        what = f"vi phạm {package.finding.reference}" if package.finding is not None else "thẻ được chọn"
        return custody_download(request, logs=selectors_custody.custody_for_package(package=package, user=request.user),
                                title=f"Nhật ký lưu giữ chứng cứ — gói chứng cứ #{package.pk} ({what})",
                                name=f"nhat-ky-luu-giu-goi-{package.pk}", object_type="review.evidencepackage",
                                object_id=package.pk)


class SigningKeyApi(APIView):
    """The public key that verifies the signature (manifest.sig) of the server's evidence packages."""

    @extend_schema(responses=SigningKeySerializer)
    def get(self, request: AuthedRequest) -> Response:
        selectors.require_footage(request.user)
        return Response(signing.public_key_info())


class PackageDownloadApi(APIView):
    class PackageDownloadInputSerializer(serializers.Serializer):
        reason = PlainTextField(max_length=1000)

    @extend_schema(request=PackageDownloadInputSerializer, responses={201: PackageDownloadIssuedSerializer})
    def post(self, request: AuthedRequest, pk: int) -> Response:
        package = selectors.package_get_for(user=request.user, id=pk)
        data = validated(self.PackageDownloadInputSerializer, request.data)
        url, expires_at = services_packages.package_download(by=request.user, package=package, reason=data["reason"],
                                                             ip=client_ip(request), user_agent=client_ua(request))
        return Response({"url": url, "expires_at": expires_at.isoformat(), "sha256": package.sha256}, status=201)


class PackageFileApi(APIView):
    """The ZIP itself, for the signed-in user who asked for it (?access=<id from …/download/>)."""

    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY},
                   parameters=[q("access", int, "the access id issued by …/download/")])
    def get(self, request: AuthedRequest, pk: int) -> FileResponse:
        from backend.audit.services import audit_access
        from backend.core.store import ObjectMissing

        package = selectors.package_get_for(user=request.user, id=pk)
        grant = selectors.package_download_grant(user=request.user, package=package,
                                                 access_id=Query(request).id("access"))
        try:
            handle = get_store().open(package.key)
        except ObjectMissing as exc:
            raise NotFound("Tệp ZIP của gói chứng cứ không còn trong kho lưu trữ.",
                           "The package ZIP is missing from the store.") from exc
        audit_access(actor=request.user, document="evidence.package.zip", object_type="review.evidencepackage",
                     object_id=package.pk, payload={"access_id": grant.pk, "sha256": package.sha256,
                                                    "ip": client_ip(request)})
        return FileResponse(handle, as_attachment=True, content_type="application/zip",
                            filename=f"evidence-{services_packages.package_reference(package)}-{package.pk}.zip")


class PackageVerifyApi(APIView):
    """Re-hash the stored ZIP against what was recorded when it was built."""

    @extend_schema(request=None, responses=PackageVerifyReportSerializer)
    def post(self, request: AuthedRequest, pk: int) -> Response:
        package = selectors.package_get_for(user=request.user, id=pk)
        if package.state != EvidencePackage.State.READY:
            raise DomainError("Gói chứng cứ chưa sẵn sàng.", "The package is not ready.", code="not_ready",
                              status=409)
        with tempfile.TemporaryDirectory(prefix="cw-verify-") as tmp:
            path = Path(tmp) / "package.zip"
            try:
                get_store().download(package.key, path)
            except StoreError as exc:
                report = VerifyReport(ok=False, package_id=package.pk)
                report.problem("không đọc được tệp ZIP đã lưu trong kho lưu trữ",
                               f"the stored ZIP cannot be read from the store: {exc}")
                return Response(report.to_dict())
            report = verify_package(path, expected_manifest_sha256=package.manifest_sha256,
                                    expected_zip_sha256=package.sha256, **signature_rule(package))
        return Response(report.to_dict())


def signature_rule(package: EvidencePackage) -> dict[str, Any]:
    """Verify against the server's key; a package built signed must still carry its signature."""
    return {"trusted_public_keys": [signing.public_key_info()["public_key"]],
            "require_signature": bool(package.manifest_signature)}


class UploadedPackageVerifyApi(APIView):
    """Verify a package someone holds: every hash, and the manifest against the server's record."""

    parser_classes = [MultiPartParser, FormParser]

    class UploadedPackageVerifyInputSerializer(serializers.Serializer):
        file = serializers.FileField(allow_empty_file=False)

    @extend_schema(request=UploadedPackageVerifyInputSerializer, responses=PackageVerifyReportSerializer)
    def post(self, request: AuthedRequest) -> Response:
        selectors.require_footage(request.user)
        data = validated(self.UploadedPackageVerifyInputSerializer, request.data)
        upload = data["file"]
        first = verify_package(upload)
        recorded = None
        if first.package_id is not None:
            recorded = EvidencePackage.objects.filter(pk=first.package_id).first()
            if recorded is not None:
                selectors.package_get_for(user=request.user, id=recorded.pk)
        if recorded is None:
            first.ok = False
            first.problem("hệ thống không có bản ghi gói chứng cứ mang số này",
                          "no package with this id was recorded by this server")
            return Response(first.to_dict())
        upload.seek(0)
        report = verify_package(upload, expected_manifest_sha256=recorded.manifest_sha256,
                                expected_zip_sha256=recorded.sha256, **signature_rule(recorded))
        return Response(report.to_dict())
