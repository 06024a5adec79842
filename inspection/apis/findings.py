"""Findings: list and create, detail and edit, transitions, explanations, evidence files."""
from __future__ import annotations

from typing import Any

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import Role
from backend.accounts.selectors import require_role
from backend.core.actors import AuthedRequest
from backend.core.errors import DomainError
from backend.core.pagination import Pagination
from backend.core.params import (
    REASON_MAX,
    TEXT_MAX,
    DateTimeField,
    IdField,
    PlainTextField,
    Query,
    parse_id,
    parse_text,
)
from backend.core.parsers import JSONParser
from backend.core.schema import q_bool, q_date, q_id, q_text
from backend.org.models import Counter, Unit
from inspection import selectors_checks, selectors_complaints, selectors_findings, selectors_ratings, services_findings
from inspection.apis.common import (
    TEAM,
    RefBriefSerializer,
    UserBriefSerializer,
    _counter_brief,
    _get_or_404,
    _unit_brief,
    _user_brief,
)
from inspection.apis.finding_rows import FINDING_ROW_FIELDS, finding_from_instance, finding_rows_output
from inspection.apis.finding_serializers import (
    FindingCategoryBriefSerializer,
    FindingCheckRefSerializer,
    FindingEvidenceAddedSerializer,
    FindingEvidenceInputSerializer,
    FindingEvidenceItemSerializer,
    FindingExplanationOutputSerializer,
    FindingSubjectOutputSerializer,
    transitions_field,
)
from inspection.models import Finding, FindingCategory, FindingExplanation
from media_ingest.review.apis.common import client_ip, client_ua
from media_ingest.review.services import NOTE_MAX


class FindingOutputSerializer(serializers.ModelSerializer):
    category = serializers.SerializerMethodField()
    unit = serializers.SerializerMethodField()
    counter = serializers.SerializerMethodField()
    check = serializers.SerializerMethodField()
    subjects = serializers.SerializerMethodField()
    created_by = serializers.SerializerMethodField()
    confirmed_by = serializers.SerializerMethodField()
    complaint_id = serializers.IntegerField(allow_null=True, read_only=True)
    rating_id = serializers.IntegerField(allow_null=True, read_only=True)

    class Meta:
        model = Finding
        fields = ["id", "reference", "source", "state", "severity", "category", "title", "description", "unit",
                  "counter", "occurred_from", "occurred_to", "unit_level_reason", "check", "complaint_id", "rating_id", "subjects",
                  "created_by", "created_at", "confirmed_at", "confirmed_by"]

    def to_representation(self, instance: Finding) -> dict[str, Any]:
        # written by finding_rows.finding_output, as the list writes its rows; the fields above
        # give the schema its shape
        return finding_from_instance(instance)

    @extend_schema_field(FindingCategoryBriefSerializer())
    def get_category(self, obj: Finding) -> dict[str, Any]:
        return {"code": obj.category.code, "name_vi": obj.category.name_vi, "name_en": obj.category.name_en}

    @extend_schema_field(RefBriefSerializer())
    def get_unit(self, obj: Finding) -> dict[str, Any] | None:
        return _unit_brief(obj.unit)

    @extend_schema_field(RefBriefSerializer(allow_null=True))
    def get_counter(self, obj: Finding) -> dict[str, Any] | None:
        return _counter_brief(obj.counter)

    @extend_schema_field(FindingCheckRefSerializer(allow_null=True))
    def get_check(self, obj: Finding) -> dict[str, Any] | None:
        c = obj.surprise_check
        return {"id": str(c.uid), "reference": c.reference} if c else None

    @extend_schema_field(FindingSubjectOutputSerializer(many=True))
    def get_subjects(self, obj: Finding) -> list[dict[str, Any]]:
        return [{"officer": {"id": s.officer_id, "service_number": s.officer.service_number,
                             "full_name": s.officer.full_name, "rank": s.officer.rank},
                 "role": s.role, "knew_and_did_not_act": s.knew_and_did_not_act, "covered_up": s.covered_up,
                 "note": s.note} for s in obj.subjects.all()]

    @extend_schema_field(UserBriefSerializer(allow_null=True))
    def get_created_by(self, obj: Finding) -> dict[str, Any] | None:
        return _user_brief(obj.created_by)

    @extend_schema_field(UserBriefSerializer(allow_null=True))
    def get_confirmed_by(self, obj: Finding) -> dict[str, Any] | None:
        return _user_brief(obj.confirmed_by)


class FindingDetailOutputSerializer(FindingOutputSerializer):
    """What `_finding_detail` answers: the finding with its history, evidence and explanations."""

    transitions = transitions_field()
    evidence = FindingEvidenceItemSerializer(many=True, read_only=True)
    criterion = serializers.CharField(allow_null=True, read_only=True, help_text="The criterion's code")
    explanations = FindingExplanationOutputSerializer(many=True, read_only=True)
    exportable = serializers.BooleanField(read_only=True, help_text="Whether an evidence package can be built")
    media_evidence_count = serializers.IntegerField(read_only=True, help_text="Footage/media evidence items attached")

    class Meta(FindingOutputSerializer.Meta):
        fields = [*FindingOutputSerializer.Meta.fields, "transitions", "evidence", "criterion", "explanations",
                  "exportable", "media_evidence_count"]


def _finding_detail(finding: Finding) -> dict[str, Any]:
    data = FindingOutputSerializer(finding).data
    data["transitions"] = [{"from": t.from_state, "to": t.to_state, "actor": _user_brief(t.actor),
                            "reason": t.reason, "at": t.at} for t in finding.transitions.all()]
    # The evidence attached on the finding page (files, report photos, pointers to footage) is listed
    # to every reader of the finding; what reviewers attached (footage, its stills) is theirs and the
    # team's to see (media/evidence/), counted for the others below. One model: review.EvidenceItem.
    page_items = [e for e in finding.evidence.all() if e.attached_in == "finding"]
    data["evidence"] = [{"id": e.pk, "kind": e.kind, "filename": e.filename, "size": e.size_bytes,
                         "sha256": e.sha256, "media_ref": e.media_ref, "description": e.note,
                         "added_at": e.added_at} for e in page_items]
    data["criterion"] = finding.criterion.code if finding.criterion is not None else None
    data["explanations"] = [{"id": x.pk, "kind": x.kind, "text": x.text, "author": _user_brief(x.author), "at": x.at}
                            for x in finding.explanations.all()]
    # Whether an evidence package can be built (the same sources the package job reads), so the
    # export button is disabled with its reason before anyone types a reason for the export.
    from media_ingest.review.selectors import package_sources

    data["exportable"] = not package_sources(finding=finding).empty
    # How many footage/media evidence items the finding has: the footage itself is for FOOTAGE_ROLES
    # only, but the unit that has to explain a finding is told that evidence exists (issue 15).
    data["media_evidence_count"] = sum(1 for e in finding.evidence.all() if e.attached_in != "finding")
    return data


class SubjectInputSerializer(serializers.Serializer):
    officer_id = IdField()
    role = serializers.ChoiceField(choices=["violator", "co_violator", "responsible_head"])
    knew_and_did_not_act = serializers.BooleanField(required=False, default=False)
    covered_up = serializers.BooleanField(required=False, default=False)
    note = PlainTextField(required=False, allow_blank=True, default="", max_length=REASON_MAX)


FINDING_FILTERS = [q_text("state"), q_text("severity"), q_text("source"), q_id("unit"), q_id("officer"),
                   q_text("category", "A finding category's code"), q_text("check", "A check's uid"),
                   q_id("complaint"), q_bool("explained"), q_text("search"), q_date("from"), q_date("to")]


class FindingListApi(APIView):
    pagination_class = Pagination  # the schema's page shape (the body is paged by Pagination.paginate_values)

    class InputSerializer(serializers.Serializer):
        source = serializers.ChoiceField(choices=Finding.Source.choices)  # type: ignore[assignment]  # a field named like Field.source; DRF collects declared fields, the stubs see an attribute
        category = serializers.CharField(max_length=40)
        severity = serializers.ChoiceField(choices=Finding.Severity.choices, required=False)
        title = PlainTextField(one_line=True, max_length=300)
        description = PlainTextField(required=False, allow_blank=True, default="", max_length=TEXT_MAX)
        unit_id = IdField(required=False, allow_null=True)
        counter_id = IdField(required=False, allow_null=True)
        # no default: the violation time is entered, never "now" (the service says so in words when missing)
        occurred_from = DateTimeField(required=False, allow_null=True)
        occurred_to = DateTimeField(required=False, allow_null=True)
        unit_level_reason = PlainTextField(required=False, allow_blank=True, default="", max_length=REASON_MAX)
        check = serializers.UUIDField(required=False, allow_null=True)
        complaint_id = IdField(required=False, allow_null=True)
        rating_id = IdField(required=False, allow_null=True)
        criterion = serializers.CharField(required=False, allow_blank=True, default="", max_length=40)
        subjects = SubjectInputSerializer(many=True, required=False, default=list, max_length=100)  # type: ignore[call-arg]  # many=True passes max_length to the ListSerializer; the stubs miss it

    @extend_schema(parameters=FINDING_FILTERS, responses=FindingOutputSerializer(many=True))
    def get(self, request: AuthedRequest) -> Response:
        q = Query(request)
        start, end = q.day_range()
        filters = {"state": q.text("state"), "severity": q.text("severity"), "source": q.text("source"),
                   "unit_id": q.id("unit"), "officer_id": q.id("officer"), "category": q.text("category"),
                   "check": q.text("check"), "complaint_id": q.id("complaint"), "explained": q.bool("explained"),
                   "search": q.text("search"), "from": start, "to": end}
        if filters["check"]:
            try:
                import uuid

                uuid.UUID(str(filters["check"]))
            except ValueError:
                filters["check"] = "00000000-0000-0000-0000-000000000000"
        paginator = Pagination()
        page = paginator.paginate_values(selectors_findings.findings_list(user=request.user, filters=filters), request,
                                         self, FINDING_ROW_FIELDS)
        return paginator.get_paginated_response(finding_rows_output(page))

    @extend_schema(responses={201: FindingDetailOutputSerializer})
    def post(self, request: AuthedRequest) -> Response:
        require_role(request.user, *TEAM, Role.REVIEWER)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        category = FindingCategory.objects.filter(code=v["category"], active=True).first()
        if category is None:
            raise DomainError("Không có danh mục vi phạm này.", f"Unknown finding category {v['category']!r}.",
                              code="invalid", fields={"category": ["unknown"]})
        check = selectors_checks.check_get_for(user=request.user, uid=v["check"]) if v.get("check") else None
        complaint = selectors_complaints.complaint_get_for(user=request.user, id=v["complaint_id"]) \
            if v.get("complaint_id") else None
        rating = selectors_ratings.rating_get_for(user=request.user, id=v["rating_id"]) if v.get("rating_id") else None
        unit = _get_or_404(Unit, v["unit_id"], "Không tìm thấy đơn vị.", "Unknown unit.") if v.get("unit_id") else None
        counter = _get_or_404(Counter, v["counter_id"], "Không tìm thấy quầy.", "Unknown counter.") \
            if v.get("counter_id") else None
        finding = services_findings.finding_create(
            by=request.user, source=v["source"], category=category, severity=v.get("severity"), title=v["title"],
            description=v["description"], unit=unit, counter=counter, occurred_from=v.get("occurred_from"),
            occurred_to=v.get("occurred_to"), unit_level_reason=v["unit_level_reason"], surprise_check=check, complaint=complaint, rating=rating,
            criterion_code=v["criterion"], subjects=[dict(s) for s in v["subjects"]])
        return Response(_finding_detail(selectors_findings.finding_get_for(user=request.user, id=finding.pk)), status=201)


class FindingDetailApi(APIView):
    class InputSerializer(serializers.Serializer):
        category = serializers.CharField(required=False, max_length=40)
        severity = serializers.ChoiceField(choices=Finding.Severity.choices, required=False)
        title = PlainTextField(one_line=True, max_length=300, required=False)
        description = PlainTextField(required=False, allow_blank=True, max_length=TEXT_MAX)
        occurred_from = DateTimeField(required=False)
        occurred_to = DateTimeField(required=False, allow_null=True)
        subjects = SubjectInputSerializer(many=True, required=False, max_length=100)  # type: ignore[call-arg]  # as above
        unit_level_reason = PlainTextField(required=False, allow_blank=True, max_length=REASON_MAX)
        # why attached footage may lie outside the edited period (media_ingest.review.evidence_period)
        out_of_period_reason = PlainTextField(required=False, allow_blank=True, default="", max_length=REASON_MAX)

    @extend_schema(responses=FindingDetailOutputSerializer)
    def get(self, request: AuthedRequest, pk: int) -> Response:
        return Response(_finding_detail(selectors_findings.finding_get_for(user=request.user, id=pk)))

    @extend_schema(responses=FindingDetailOutputSerializer)
    def patch(self, request: AuthedRequest, pk: int) -> Response:
        finding = selectors_findings.finding_get_for(user=request.user, id=pk)
        data = self.InputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        if "category" in v:
            category = FindingCategory.objects.filter(code=v["category"], active=True).first()
            if category is None:
                raise DomainError("Không có danh mục vi phạm này.", f"Unknown finding category {v['category']!r}.",
                                  code="invalid", fields={"category": ["unknown"]})
            v["category"] = category
        if "subjects" in v:
            v["subjects"] = [dict(s) for s in v["subjects"]]
        services_findings.finding_update(by=request.user, finding=finding, data=v)
        return Response(_finding_detail(selectors_findings.finding_get_for(user=request.user, id=pk)))


class FindingTransitionApi(APIView):
    class InputSerializer(serializers.Serializer):
        to = serializers.ChoiceField(choices=Finding.State.choices)
        reason = PlainTextField(max_length=REASON_MAX)

    @extend_schema(responses=FindingDetailOutputSerializer)
    def post(self, request: AuthedRequest, pk: int) -> Response:
        finding = selectors_findings.finding_get_for(user=request.user, id=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services_findings.finding_transition(by=request.user, finding=finding, to_state=data.validated_data["to"],
                                             reason=data.validated_data["reason"])
        return Response(_finding_detail(selectors_findings.finding_get_for(user=request.user, id=pk)))


class FindingExplanationApi(APIView):
    """The unit head's explanation or self-review of a finding on his unit."""

    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=FindingExplanation.Kind.choices)
        text = PlainTextField(max_length=TEXT_MAX)

    @extend_schema(responses={201: FindingDetailOutputSerializer})
    def post(self, request: AuthedRequest, pk: int) -> Response:
        finding = selectors_findings.finding_get_for(user=request.user, id=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services_findings.finding_explain(by=request.user, finding=finding, kind=data.validated_data["kind"],
                                          text=data.validated_data["text"])
        return Response(_finding_detail(selectors_findings.finding_get_for(user=request.user, id=pk)), status=201)


class FindingEvidenceApi(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(request=FindingEvidenceInputSerializer, responses={201: FindingEvidenceAddedSerializer})
    def post(self, request: AuthedRequest, pk: int) -> Response:
        finding = selectors_findings.finding_get_for(user=request.user, id=pk)
        if not isinstance(request.data, dict):
            raise DomainError("Dữ liệu phải là một đối tượng.", "The body must be an object.", code="invalid")
        upload = request.FILES.get("file")
        report_evidence_id = parse_id(request.data.get("report_evidence_id"), "report_evidence_id")
        item = services_findings.finding_evidence_add(
            by=request.user, finding=finding, fileobj=upload, filename=upload.name if upload else "",
            content_type=(upload.content_type or "") if upload else "", size=upload.size if upload else None,
            report_evidence_id=report_evidence_id,
            media_ref=parse_text(request.data.get("media_ref"), "media_ref", max_length=120),
            description=parse_text(request.data.get("description"), "description", max_length=NOTE_MAX,
                                   one_line=False), ip=client_ip(request), user_agent=client_ua(request))
        return Response({"id": item.pk, "kind": item.kind, "filename": item.filename, "sha256": item.sha256,
                         "media_ref": item.media_ref}, status=201)


class FindingEvidenceDownloadApi(APIView):
    """An uploaded evidence file of a finding, as stored (its SHA-256 is on the finding)."""

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request: AuthedRequest, pk: int, evidence_id: int) -> FileResponse:
        finding = selectors_findings.finding_get_for(user=request.user, id=pk)
        item, handle = services_findings.finding_evidence_open(by=request.user, finding=finding, evidence_id=evidence_id)
        return FileResponse(handle, as_attachment=True, filename=item.filename or f"evidence-{item.pk}",
                            content_type="application/octet-stream")
