"""Citizen complaints: list and file, detail, triage, transitions, linking a finding."""
from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import Role
from backend.accounts.selectors import require_role
from backend.core.actors import AuthedRequest
from backend.core.errors import DomainError
from backend.core.pagination import Pagination
from backend.core.params import LABEL_MAX, REASON_MAX, TEXT_MAX, DateTimeField, IdField, PlainTextField, Query
from backend.core.schema import q_id, q_text
from backend.org.apis import paginate
from backend.org.models import Counter, Officer, Unit
from inspection import selectors_complaints, selectors_findings, services_complaints
from inspection.apis.common import TEAM, _counter_brief, _get_or_404, _unit_brief, ref_brief_field
from inspection.models import Complaint, FindingCategory


class OfficerRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    service_number = serializers.CharField()
    full_name = serializers.CharField()


class ComplaintOutputSerializer(serializers.ModelSerializer):
    unit = serializers.SerializerMethodField()
    counter = serializers.SerializerMethodField()
    officer = serializers.SerializerMethodField()
    category = serializers.SerializerMethodField()
    findings_count = serializers.IntegerField(required=False)  # only where the query annotates it (so not read_only: the schema would require it)

    class Meta:
        model = Complaint
        fields = ["id", "reference", "channel", "received_at", "unit", "counter", "officer", "occurred_at",
                  "complainant_name", "complainant_phone", "summary", "details", "category", "priority", "state",
                  "resolution", "triaged_at", "closed_at", "findings_count"]

    @ref_brief_field
    def get_unit(self, obj: Complaint) -> dict[str, Any] | None:
        return _unit_brief(obj.unit)

    @ref_brief_field
    def get_counter(self, obj: Complaint) -> dict[str, Any] | None:
        return _counter_brief(obj.counter)

    @extend_schema_field(OfficerRefSerializer(allow_null=True))
    def get_officer(self, obj: Complaint) -> dict[str, Any] | None:
        o = obj.officer
        return {"id": o.pk, "service_number": o.service_number, "full_name": o.full_name} if o else None

    @extend_schema_field(serializers.CharField(allow_null=True, help_text="The category's code"))
    def get_category(self, obj: Complaint) -> str | None:
        return obj.category.code if obj.category is not None else None


class ComplaintFindingRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    title = serializers.CharField()
    state = serializers.CharField()


class ComplaintDetailOutputSerializer(ComplaintOutputSerializer):
    findings = ComplaintFindingRefSerializer(many=True, read_only=True,
                                             help_text="The linked findings the reader may see")

    class Meta(ComplaintOutputSerializer.Meta):
        fields = [*ComplaintOutputSerializer.Meta.fields, "findings"]


class ComplaintLinkOutputSerializer(serializers.Serializer):
    complaint = serializers.IntegerField()
    finding = serializers.IntegerField()


def _complaint_refs(v: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if v.get("unit_id"):
        out["unit"] = _get_or_404(Unit, v["unit_id"], "Không tìm thấy đơn vị.", "Unknown unit.")
    if v.get("counter_id"):
        out["counter"] = _get_or_404(Counter, v["counter_id"], "Không tìm thấy quầy.", "Unknown counter.")
    if v.get("officer_id"):
        out["officer"] = _get_or_404(Officer, v["officer_id"], "Không tìm thấy cán bộ.", "Unknown officer.")
    return out


class ComplaintListApi(APIView):
    class InputSerializer(serializers.Serializer):
        channel = serializers.ChoiceField(choices=Complaint.Channel.choices)
        received_at = DateTimeField(required=False)
        summary = PlainTextField(one_line=True, max_length=LABEL_MAX)
        details = PlainTextField(required=False, allow_blank=True, default="", max_length=TEXT_MAX)
        unit_id = IdField(required=False, allow_null=True)
        counter_id = IdField(required=False, allow_null=True)
        officer_id = IdField(required=False, allow_null=True)
        occurred_at = DateTimeField(required=False, allow_null=True)
        complainant_name = PlainTextField(one_line=True, required=False, allow_blank=True, default="", max_length=120)
        complainant_phone = PlainTextField(one_line=True, required=False, allow_blank=True, default="", max_length=30)

    pagination_class = Pagination  # the schema's page shape (paginate() pages the body)

    @extend_schema(parameters=[q_text("state"), q_text("channel"), q_id("unit"), q_text("search")],
                   responses=ComplaintOutputSerializer(many=True))
    def get(self, request: AuthedRequest) -> Response:
        q = Query(request)
        filters = {"state": q.text("state"), "channel": q.text("channel"), "unit_id": q.id("unit"),
                   "search": q.text("search")}
        return paginate(request, self, selectors_complaints.complaints_list(user=request.user, filters=filters),
                        ComplaintOutputSerializer)

    @extend_schema(responses={201: ComplaintOutputSerializer})
    def post(self, request: AuthedRequest) -> Response:
        require_role(request.user, *TEAM, Role.ADMIN)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        complaint = services_complaints.complaint_create(
            by=request.user, channel=v["channel"], received_at=v.get("received_at") or timezone.now(),
            summary=v["summary"], details=v["details"], occurred_at=v.get("occurred_at"),
            complainant_name=v["complainant_name"], complainant_phone=v["complainant_phone"], **_complaint_refs(v))
        return Response(ComplaintOutputSerializer(selectors_complaints.complaint_get_for(user=request.user, id=complaint.pk)).data,
                        status=201)


class ComplaintDetailApi(APIView):
    @extend_schema(responses=ComplaintDetailOutputSerializer)
    def get(self, request: AuthedRequest, pk: int) -> Response:
        complaint = selectors_complaints.complaint_get_for(user=request.user, id=pk)
        data = ComplaintOutputSerializer(complaint).data
        findings = selectors_findings.findings_visible_to(request.user).filter(complaint=complaint).select_related("category")
        data["findings"] = [{"id": f.pk, "reference": f.reference, "title": f.title, "state": f.state}
                            for f in findings]
        return Response(data)


class ComplaintTriageApi(APIView):
    class InputSerializer(serializers.Serializer):
        category = serializers.CharField(required=False, allow_blank=True, default="", max_length=40)
        priority = serializers.ChoiceField(choices=Complaint._meta.get_field("priority").choices or [],
                                           default="normal")
        unit_id = IdField(required=False, allow_null=True)
        counter_id = IdField(required=False, allow_null=True)
        officer_id = IdField(required=False, allow_null=True)
        note = PlainTextField(required=False, allow_blank=True, default="", max_length=REASON_MAX)

    @extend_schema(responses=ComplaintOutputSerializer)
    def post(self, request: AuthedRequest, pk: int) -> Response:
        complaint = selectors_complaints.complaint_get_for(user=request.user, id=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        category = None
        if v["category"]:
            category = FindingCategory.objects.filter(code=v["category"]).first()
            if category is None:
                raise DomainError("Không có danh mục vi phạm này.", f"Unknown category {v['category']!r}.",
                                  code="invalid", fields={"category": ["unknown"]})
        services_complaints.complaint_triage(by=request.user, complaint=complaint, category=category, priority=v["priority"],
                                             note=v["note"], **_complaint_refs(v))
        return Response(ComplaintOutputSerializer(selectors_complaints.complaint_get_for(user=request.user, id=pk)).data)


class ComplaintTransitionApi(APIView):
    class InputSerializer(serializers.Serializer):
        to = serializers.ChoiceField(choices=Complaint.State.choices)
        note = PlainTextField(required=False, allow_blank=True, default="", max_length=REASON_MAX)

    @extend_schema(responses=ComplaintOutputSerializer)
    def post(self, request: AuthedRequest, pk: int) -> Response:
        complaint = selectors_complaints.complaint_get_for(user=request.user, id=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services_complaints.complaint_transition(by=request.user, complaint=complaint, to_state=data.validated_data["to"],
                                                 note=data.validated_data["note"])
        return Response(ComplaintOutputSerializer(selectors_complaints.complaint_get_for(user=request.user, id=pk)).data)


class ComplaintLinkFindingApi(APIView):
    class InputSerializer(serializers.Serializer):
        finding_id = IdField()

    @extend_schema(responses={201: ComplaintLinkOutputSerializer})
    def post(self, request: AuthedRequest, pk: int) -> Response:
        complaint = selectors_complaints.complaint_get_for(user=request.user, id=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        finding = selectors_findings.finding_get_for(user=request.user, id=data.validated_data["finding_id"])
        services_complaints.complaint_link_finding(by=request.user, complaint=complaint, finding=finding)
        return Response({"complaint": complaint.pk, "finding": finding.pk}, status=201)
