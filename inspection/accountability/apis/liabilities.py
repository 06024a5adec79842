"""The trace of a finding, self-detection by the unit, and leaders' liabilities (list, detail, confirm,
reject)."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.selectors import require_role
from backend.core.actors import AuthedRequest
from backend.core.errors import DomainError, NotFound
from backend.core.pagination import Pagination
from backend.core.params import IdField, PlainTextField, Query, parse_id
from backend.core.schema import q_choice, q_date, q_id
from backend.org.apis import paginate
from backend.org.models import Officer
from inspection.accountability import selectors, services_liabilities
from inspection.accountability.apis.common import VERSION_MAX, LiabilityOutputSerializer, OfficerBriefSerializer
from inspection.accountability.apis.outputs import TraceSerializer
from inspection.accountability.models import LeaderLiability, SelfDetection, TraceRecord
from inspection.accountability.trace_output import officer_brief


class TraceApi(APIView):
    @extend_schema(parameters=[OpenApiParameter("version", int, required=False)], responses=TraceSerializer)
    def get(self, request: AuthedRequest, pk: int) -> Response:
        finding = selectors.finding_get_for(user=request.user, id=pk)
        version = Query(request).int("version", lo=1, hi=VERSION_MAX)
        data = selectors.trace_for(finding=finding, version=version)
        # The unit's giải trình / tự kiểm điểm, beside the liabilities they bear on (issue 15): whoever
        # confirms or rejects a head's liability reads the unit's answer on the same page.
        data["explanations"] = [
            {"id": x.pk, "kind": x.kind, "kind_label": x.get_kind_display(), "text": x.text, "at": x.at,
             "author": {"id": x.author.pk, "username": x.author.get_username(), "full_name": x.author.get_full_name()}}
            for x in finding.explanations.select_related("author")]
        return Response(data)


class TraceRecordApi(APIView):
    @extend_schema(responses=inline_serializer("TraceRecord", {
        "id": serializers.IntegerField(), "finding_id": serializers.IntegerField(),
        "ruleset_version": serializers.IntegerField(), "created_by": serializers.CharField(allow_null=True),
        "created_at": serializers.DateTimeField(), "content": serializers.JSONField()}))
    def get(self, request: AuthedRequest, pk: int) -> Response:
        require_role(request.user, *selectors.TRACE_READERS)
        record = (TraceRecord.objects.filter(pk=pk, finding__in=selectors.findings_for(request.user))
                  .select_related("ruleset", "created_by").first())
        if record is None:
            raise NotFound("Không tìm thấy bản truy trách nhiệm.", "Trace not found.")
        return Response({"id": record.pk, "finding_id": record.finding_id, "ruleset_version": record.ruleset.version,
                         "created_by": record.created_by.username if record.created_by else None,
                         "created_at": record.created_at, "content": record.content})


class SelfDetectionApi(APIView):
    class InputSerializer(serializers.Serializer):
        officer_id = IdField()
        note = PlainTextField(max_length=5000)

    @extend_schema(request=InputSerializer, responses={201: inline_serializer("SelfDetection", {
        "id": serializers.IntegerField(), "finding_id": serializers.IntegerField(), "officer": OfficerBriefSerializer(),
        "note": serializers.CharField(), "recorded_at": serializers.DateTimeField()})})
    def post(self, request: AuthedRequest, pk: int) -> Response:
        """Record that a head found and handled the corruption himself (Luật PCTN 2018 art. 73(3))."""
        finding = selectors.finding_get_for(user=request.user, id=pk, roles=selectors.DECIDERS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        officer = Officer.objects.filter(pk=data.validated_data["officer_id"]).first()
        if officer is None:
            raise DomainError("Không tìm thấy cán bộ.", "Officer not found.", fields={"officer_id": ["not found"]})
        record = services_liabilities.self_detection_record(by=request.user, finding=finding, officer=officer,
                                                            note=data.validated_data["note"])
        return Response({"id": record.pk, "finding_id": finding.pk, "officer": officer_brief(officer),
                         "note": record.note, "recorded_at": record.recorded_at}, status=201)


class SelfDetectionWithdrawApi(APIView):
    class InputSerializer(serializers.Serializer):
        reason = PlainTextField(max_length=5000)

    @extend_schema(request=InputSerializer, responses={204: None})
    def post(self, request: AuthedRequest, pk: int, record_id: int) -> Response:
        """Withdraw a wrongly recorded self-detection exemption, with a reason (audited)."""
        finding = selectors.finding_get_for(user=request.user, id=pk, roles=selectors.DECIDERS)
        rid = parse_id(record_id, "record_id")
        record = SelfDetection.objects.filter(pk=rid, finding=finding).first() if rid is not None else None
        if record is None:
            raise NotFound("Không tìm thấy ghi nhận tự phát hiện.", "Self-detection record not found.")
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services_liabilities.self_detection_withdraw(by=request.user, record=record, reason=data.validated_data["reason"])
        return Response(status=204)




class LiabilityListApi(APIView):
    class InputSerializer(serializers.Serializer):
        finding_id = IdField()

    pagination_class = Pagination  # the schema's page shape (paginate() pages the body)

    @extend_schema(parameters=[q_choice("state", LeaderLiability.State.values), q_id("finding"), q_id("officer"),
                               q_id("unit"), q_date("from"), q_date("to")],
                   responses=LiabilityOutputSerializer(many=True))
    def get(self, request: AuthedRequest) -> Response:
        qp = request.query_params
        state = Query(qp).choice("state", LeaderLiability.State.values) or ""
        qs = selectors.liabilities_list(user=request.user, filters={
            "state": state, "finding_id": parse_id(qp.get("finding"), "finding"),
            "officer_id": parse_id(qp.get("officer"), "officer"),
            "unit_id": parse_id(qp.get("unit"), "unit"),
            "from": Query(qp).date("from"), "to": Query(qp).date("to")})
        return paginate(request, self, qs, LiabilityOutputSerializer)

    @extend_schema(request=InputSerializer, responses={201: inline_serializer("LiabilityProposal", {
        "trace": inline_serializer("TraceRef", {"id": serializers.IntegerField(),
                                                "ruleset_version": serializers.IntegerField()}),
        "created": LiabilityOutputSerializer(many=True), "kept_decided": LiabilityOutputSerializer(many=True)})})
    def post(self, request: AuthedRequest) -> Response:
        """Propose liabilities for a confirmed finding (stores the trace with its rule-set version)."""
        require_role(request.user, *selectors.DECIDERS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        finding = selectors.finding_get_for(user=request.user, id=data.validated_data["finding_id"],
                                            roles=selectors.DECIDERS)
        record, created, kept = services_liabilities.liabilities_propose(by=request.user, finding=finding)
        ids = [x.pk for x in created + kept]
        rows = selectors.liabilities_list(user=request.user, filters={"state": None}).filter(pk__in=ids)
        by_id = {x.pk: x for x in rows}
        return Response({
            "trace": {"id": record.pk, "ruleset_version": record.content["ruleset"]["version"]},
            "created": LiabilityOutputSerializer([by_id[x.pk] for x in created], many=True).data,
            "kept_decided": LiabilityOutputSerializer([by_id[x.pk] for x in kept if x.pk in by_id], many=True).data,
        }, status=201)


class LiabilityDetailApi(APIView):
    @extend_schema(responses=LiabilityOutputSerializer)
    def get(self, request: AuthedRequest, pk: int) -> Response:
        return Response(LiabilityOutputSerializer(selectors.liability_get_for(user=request.user, id=pk)).data)


class LiabilityConfirmApi(APIView):
    class InputSerializer(serializers.Serializer):
        reason = PlainTextField(max_length=2000)
        form = serializers.CharField(max_length=40, required=False, allow_blank=True)

    @extend_schema(request=InputSerializer, responses=LiabilityOutputSerializer)
    def post(self, request: AuthedRequest, pk: int) -> Response:
        liability = selectors.liability_get_for(user=request.user, id=pk, roles=selectors.DECIDERS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services_liabilities.liability_confirm(by=request.user, liability=liability, reason=data.validated_data["reason"],
                                               form_code=data.validated_data.get("form") or None)
        return Response(LiabilityOutputSerializer(selectors.liability_get_for(user=request.user, id=pk)).data)


class LiabilityRejectApi(APIView):
    class InputSerializer(serializers.Serializer):
        reason = PlainTextField(max_length=2000)

    @extend_schema(request=InputSerializer, responses=LiabilityOutputSerializer)
    def post(self, request: AuthedRequest, pk: int) -> Response:
        liability = selectors.liability_get_for(user=request.user, id=pk, roles=selectors.DECIDERS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services_liabilities.liability_reject(by=request.user, liability=liability, reason=data.validated_data["reason"])
        return Response(LiabilityOutputSerializer(selectors.liability_get_for(user=request.user, id=pk)).data)
