"""Accountability reports (XLSX/PDF) of a finding and of an officer."""
from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.views import APIView

from backend.core.actors import AuthedRequest
from backend.core.errors import DomainError
from inspection.accountability import reports, selectors
from inspection.accountability.apis.common import XLSX
from inspection.accountability.apis.profiles import _period_params, profile_payload


def _format(request: AuthedRequest, fmt: str) -> str:
    """The suffix decides (report.pdf, report.xlsx); a `?format=` that says otherwise is refused in words."""
    asked = request.query_params.get("format", "").lower()
    if asked and asked != fmt:
        raise DomainError(f"Địa chỉ …/report.{fmt} trả về tệp {fmt.upper()}; để lấy tệp {asked[:10].upper()}, dùng "
                          f"…/report.{asked[:10]} (hỗ trợ: pdf, xlsx).",
                          f"…/report.{fmt} answers a {fmt.upper()} file; for {asked[:10].upper()} use "
                          f"…/report.{asked[:10]} (supported: pdf, xlsx).", code="format_unsupported",
                          fields={"format": ["mismatch"]})
    return fmt


class FindingReportApi(APIView):
    export_formats = ("pdf", "xlsx")  # backend.core.negotiation: `?format=` is read here

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY, (200, XLSX): OpenApiTypes.BINARY})
    def get(self, request: AuthedRequest, pk: int, fmt: str) -> HttpResponse:
        finding = selectors.finding_get_for(user=request.user, id=pk)
        selectors.require_report_producer(request.user)
        trace = selectors.trace_for(finding=finding)
        liabilities = list(selectors.liabilities_list(user=request.user, filters={"finding_id": finding.pk}))
        doc = reports.finding_report(trace=trace, liabilities=liabilities)
        return reports.respond(doc, fmt=_format(request, fmt), name=f"trach-nhiem-{finding.reference}", reader=request.user)


class OfficerReportApi(APIView):
    export_formats = ("pdf", "xlsx")

    @extend_schema(parameters=[OpenApiParameter("from", str, required=False), OpenApiParameter("to", str, required=False)], responses={(200, "application/pdf"): OpenApiTypes.BINARY, (200, XLSX): OpenApiTypes.BINARY})
    def get(self, request: AuthedRequest, pk: int, fmt: str) -> HttpResponse:
        officer = selectors.officer_get_for(user=request.user, id=pk)
        selectors.require_report_producer(request.user)
        start, end = _period_params(request)
        doc = reports.officer_report(profile=profile_payload(request.user, officer, start, end))
        return reports.respond(doc, fmt=_format(request, fmt), name=f"nguoi-dung-dau-{officer.service_number}", reader=request.user)
