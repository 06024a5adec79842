"""Thin views: parse input, call one selector or service, serialize the output."""
from __future__ import annotations

from datetime import date
from typing import Any

from django.http import FileResponse, HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import Role
from backend.accounts.selectors import require_role, user_unit_ids
from backend.audit.services import audit_access
from backend.core.errors import DomainError, NotFound
from backend.core.params import TEXT_MAX, DateField, IdField, PlainTextField, Query, parse_id, parse_int
from backend.core.store import ObjectMissing, get_store
from backend.org.apis import paginate
from backend.org.models import Officer, Unit
from inspection.accountability import reports, selectors, services
from inspection.accountability.engine import regulation_numbers, render_bases, render_basis
from inspection.accountability.models import (
    CaseDocument,
    CaseFactor,
    CategoryPolicy,
    CchcTask,
    DisciplinaryCase,
    LadderForm,
    LeaderLiability,
    Rule,
    RuleSet,
    ScoringPolicy,
    SelfDetection,
    SubjectKind,
    TraceRecord,
)
from inspection.accountability.scoring import (
    DELIVERY_REPORT_GRACE_DAYS,
    Period,
    compute_rankings,
    quarter,
    task_outcome,
    year_period,
)
from inspection.accountability.trace import assignment_proof, officer_brief, unit_as_it_was, unit_brief
from inspection.models import Finding, Severity

# --- shared output serializers ------------------------------------------------------------------------


class FormOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = LadderForm
        fields = ["id", "code", "subject_kind", "level", "name_vi", "name_en", "limitation_years", "requires_council",
                  "basis"]


class RuleOutputSerializer(serializers.ModelSerializer):
    form: Any = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Rule
        fields = ["id", "code", "applies_to", "trigger", "severities", "min_count", "window_days", "as_violator",
                  "form", "text_vi", "text_en", "basis", "categories", "cap_at_violator", "position"]


class CategoryPolicyOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = CategoryPolicy
        fields = ["category_code", "is_corruption", "no_limitation", "basis", "note"]


class RuleSetBriefSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", default=None)

    class Meta:
        model = RuleSet
        fields = ["id", "version", "note", "repeat_window_days", "limitation_warn_days", "restart_on_new_violation",
                  "handling_days", "handling_days_complex", "complaint_days", "second_complaint_days",
                  "complaint_accept_days", "complaint_answer_days", "complaint_answer_days_complex",
                  "second_answer_days", "second_answer_days_complex", "sources", "created_by", "created_at"]


class RuleSetOutputSerializer(RuleSetBriefSerializer):
    forms = FormOutputSerializer(many=True)
    rules = RuleOutputSerializer(many=True)
    categories = CategoryPolicyOutputSerializer(many=True)

    class Meta(RuleSetBriefSerializer.Meta):
        fields = [*RuleSetBriefSerializer.Meta.fields, "forms", "rules", "categories"]


class FindingBriefSerializer(serializers.ModelSerializer):
    unit = serializers.SerializerMethodField()

    class Meta:
        model = Finding
        fields = ["id", "reference", "title", "severity", "state", "occurred_from", "occurred_to", "unit"]

    def get_unit(self, obj: Finding) -> dict[str, Any]:
        return unit_brief(obj.unit)


class LiabilityOutputSerializer(serializers.ModelSerializer):
    finding = FindingBriefSerializer()
    officer = serializers.SerializerMethodField()
    unit = serializers.SerializerMethodField()
    assignment = serializers.SerializerMethodField()
    rule = serializers.SerializerMethodField()
    ruleset_version = serializers.IntegerField(source="ruleset.version")
    suggested_form = FormOutputSerializer()
    confirmed_form = FormOutputSerializer(allow_null=True)
    decided_by = serializers.CharField(source="decided_by.username", default=None)

    class Meta:
        model = LeaderLiability
        fields = ["id", "finding", "trace", "ruleset_version", "rule", "officer", "unit", "assignment", "role",
                  "basis", "is_acting", "period_from", "period_to", "suggested_form", "confirmed_form", "reason_vi",
                  "reason_en", "facts", "state", "decided_by", "decided_at", "decision_reason", "created_at"]

    def get_officer(self, obj: LeaderLiability) -> dict[str, Any]:
        return officer_brief(obj.officer)

    def get_unit(self, obj: LeaderLiability) -> dict[str, Any]:
        return unit_brief(obj.unit)

    def get_assignment(self, obj: LeaderLiability) -> dict[str, Any]:
        return assignment_proof(obj.assignment)

    def get_rule(self, obj: LeaderLiability) -> dict[str, Any]:
        return {"id": obj.rule_id, "code": obj.rule.code, "text_vi": obj.rule.text_vi, "text_en": obj.rule.text_en}


class CaseOutputSerializer(serializers.ModelSerializer):
    """Needs context["views"] = selectors.case_views(...)."""

    officer = serializers.SerializerMethodField()
    unit = serializers.SerializerMethodField()
    findings = FindingBriefSerializer(many=True)
    factors = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()
    ruleset_version = serializers.IntegerField(source="ruleset.version")
    proposed_form = FormOutputSerializer(allow_null=True)
    decided_form = FormOutputSerializer(allow_null=True)
    original_form = FormOutputSerializer(allow_null=True)
    computed = serializers.SerializerMethodField()
    refused_complaints = serializers.SerializerMethodField()
    created_by = serializers.CharField(source="created_by.username")

    class Meta:
        model = DisciplinaryCase
        fields = ["id", "reference", "title", "summary", "subject_kind", "officer", "unit", "state", "findings",
                  "factors", "documents", "ruleset_version", "computed", "proposed_form", "proposal_note",
                  "decided_form", "decision_number", "decision_authority", "decision_date", "decision_received_on",
                  "is_complex", "self_review_waiver", "council_held_on", "council_note", "appeal_filed_on",
                  "appeal_text", "appeal_result", "appeal_decided_on", "appeal_note", "appeal_answer_received_on",
                  "appeal2_filed_on", "appeal2_text", "appeal2_result", "appeal2_decided_on", "appeal2_note",
                  "appeal_accepted_on", "appeal_complex", "appeal2_accepted_on", "appeal2_complex",
                  "original_form", "appeal_decision_number", "appeal_signer", "appeal2_decision_number",
                  "appeal2_signer", "refused_complaints", "created_by", "created_at", "updated_at"]

    def get_officer(self, obj: DisciplinaryCase) -> dict[str, Any] | None:
        return officer_brief(obj.officer) if obj.officer is not None else None

    def get_unit(self, obj: DisciplinaryCase) -> dict[str, Any] | None:
        return unit_brief(obj.unit) if obj.unit is not None else None

    def get_factors(self, obj: DisciplinaryCase) -> list[dict[str, Any]]:
        return [{"id": f.pk, "kind": f.kind, "text": f.text, "added_at": f.added_at} for f in obj.factors.all()]

    def get_documents(self, obj: DisciplinaryCase) -> list[dict[str, Any]]:
        return [{"id": d.pk, "kind": d.kind, "filename": d.filename, "size": d.size, "sha256": d.sha256,
                 "uploaded_at": d.uploaded_at} for d in obj.documents.all()]

    def get_refused_complaints(self, obj: DisciplinaryCase) -> list[dict[str, Any]]:
        return [{"id": r.pk, "level": r.level, "received_on": r.received_on, "text": r.text, "ground": r.ground,
                 "ground_vi": r.get_ground_display(), "deadline": r.deadline, "refused_on": r.refused_on,
                 "reason_vi": r.reason_vi, "reason_en": r.reason_en}
                for r in obj.refused_complaints.all()]

    def get_computed(self, obj: DisciplinaryCase) -> dict[str, Any] | None:
        view = self.context["views"].get(obj.pk)
        return view.as_dict() if view else None


def _case_response(case: DisciplinaryCase, user: Any, status: int = 200) -> Response:
    case = selectors.case_get_for(user=user, id=case.pk)
    views = selectors.case_views([case], reader=user)
    data = CaseOutputSerializer(case, context={"views": views}).data
    data["events"] = [{"verb": e.verb, "from_state": e.from_state, "to_state": e.to_state, "note": e.note,
                       "data": e.data, "actor": e.actor.username,
                       "actor_name": e.actor.get_full_name() or e.actor.username, "at": e.at}
                      for e in case.events.select_related("actor").all()]
    return Response(render_bases(data, regulation_numbers()), status=status)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VERSION_MAX = 2**31 - 1


# --- trace ------------------------------------------------------------------------------------------


class TraceApi(APIView):
    @extend_schema(parameters=[OpenApiParameter("version", int, required=False)], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, pk: int) -> Response:
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
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, pk: int) -> Response:
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

    @extend_schema(request=InputSerializer, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        """Record that a head found and handled the corruption himself (Luật PCTN 2018 art. 73(3))."""
        finding = selectors.finding_get_for(user=request.user, id=pk, roles=selectors.DECIDERS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        officer = Officer.objects.filter(pk=data.validated_data["officer_id"]).first()
        if officer is None:
            raise DomainError("Không tìm thấy cán bộ.", "Officer not found.", fields={"officer_id": ["not found"]})
        record = services.self_detection_record(by=request.user, finding=finding, officer=officer,
                                                note=data.validated_data["note"])
        return Response({"id": record.pk, "finding_id": finding.pk, "officer": officer_brief(officer),
                         "note": record.note, "recorded_at": record.recorded_at}, status=201)


class SelfDetectionWithdrawApi(APIView):
    class InputSerializer(serializers.Serializer):
        reason = PlainTextField(max_length=5000)

    @extend_schema(request=InputSerializer, responses={204: None})
    def post(self, request: Request, pk: int, record_id: int) -> Response:
        """Withdraw a wrongly recorded self-detection exemption, with a reason (audited)."""
        finding = selectors.finding_get_for(user=request.user, id=pk, roles=selectors.DECIDERS)
        rid = parse_id(record_id, "record_id")
        record = SelfDetection.objects.filter(pk=rid, finding=finding).first() if rid is not None else None
        if record is None:
            raise NotFound("Không tìm thấy ghi nhận tự phát hiện.", "Self-detection record not found.")
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.self_detection_withdraw(by=request.user, record=record, reason=data.validated_data["reason"])
        return Response(status=204)


# --- liabilities ------------------------------------------------------------------------------------


class LiabilityListApi(APIView):
    class InputSerializer(serializers.Serializer):
        finding_id = IdField()

    @extend_schema(parameters=[OpenApiParameter("state", str, required=False), OpenApiParameter("finding", int, required=False), OpenApiParameter("officer", int, required=False), OpenApiParameter("unit", int, required=False), OpenApiParameter("from", str, required=False), OpenApiParameter("to", str, required=False)], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        qp = request.query_params
        state = Query(qp).choice("state", LeaderLiability.State.values) or ""
        qs = selectors.liabilities_list(user=request.user, filters={
            "state": state, "finding_id": parse_id(qp.get("finding"), "finding"),
            "officer_id": parse_id(qp.get("officer"), "officer"),
            "unit_id": parse_id(qp.get("unit"), "unit"),
            "from": Query(qp).date("from"), "to": Query(qp).date("to")})
        return paginate(request, self, qs, LiabilityOutputSerializer)

    @extend_schema(request=InputSerializer, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        """Propose liabilities for a confirmed finding (stores the trace with its rule-set version)."""
        require_role(request.user, *selectors.DECIDERS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        finding = selectors.finding_get_for(user=request.user, id=data.validated_data["finding_id"],
                                            roles=selectors.DECIDERS)
        record, created, kept = services.liabilities_propose(by=request.user, finding=finding)
        ids = [x.pk for x in created + kept]
        rows = selectors.liabilities_list(user=request.user, filters={"state": None}).filter(pk__in=ids)
        by_id = {x.pk: x for x in rows}
        return Response({
            "trace": {"id": record.pk, "ruleset_version": record.content["ruleset"]["version"]},
            "created": LiabilityOutputSerializer([by_id[x.pk] for x in created], many=True).data,
            "kept_decided": LiabilityOutputSerializer([by_id[x.pk] for x in kept if x.pk in by_id], many=True).data,
        }, status=201)


class LiabilityDetailApi(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, pk: int) -> Response:
        return Response(LiabilityOutputSerializer(selectors.liability_get_for(user=request.user, id=pk)).data)


class LiabilityConfirmApi(APIView):
    class InputSerializer(serializers.Serializer):
        reason = PlainTextField(max_length=2000)
        form = serializers.CharField(max_length=40, required=False, allow_blank=True)

    @extend_schema(request=InputSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, pk: int) -> Response:
        liability = selectors.liability_get_for(user=request.user, id=pk, roles=selectors.DECIDERS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.liability_confirm(by=request.user, liability=liability, reason=data.validated_data["reason"],
                                   form_code=data.validated_data.get("form") or None)
        return Response(LiabilityOutputSerializer(selectors.liability_get_for(user=request.user, id=pk)).data)


class LiabilityRejectApi(APIView):
    class InputSerializer(serializers.Serializer):
        reason = PlainTextField(max_length=2000)

    @extend_schema(request=InputSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, pk: int) -> Response:
        liability = selectors.liability_get_for(user=request.user, id=pk, roles=selectors.DECIDERS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.liability_reject(by=request.user, liability=liability, reason=data.validated_data["reason"])
        return Response(LiabilityOutputSerializer(selectors.liability_get_for(user=request.user, id=pk)).data)


# --- rule sets and scoring policy --------------------------------------------------------------------


class RuleFormInput(serializers.Serializer):
    subject_kind = serializers.ChoiceField(choices=SubjectKind.choices)
    level = serializers.IntegerField(min_value=1, max_value=20)
    code = serializers.CharField(max_length=40)
    name_vi = PlainTextField(one_line=True, max_length=200)
    name_en = PlainTextField(one_line=True, max_length=200)
    limitation_years = serializers.IntegerField(min_value=1, max_value=50)
    requires_council = serializers.BooleanField(required=False, default=False)
    basis = PlainTextField(one_line=True, max_length=300, required=False, allow_blank=True, default="")


class CategoryPolicyInput(serializers.Serializer):
    category_code = serializers.CharField(max_length=40)
    is_corruption = serializers.BooleanField(required=False, default=False)
    no_limitation = serializers.BooleanField(required=False, default=False)
    basis = PlainTextField(one_line=True, max_length=300)
    note = PlainTextField(max_length=300, required=False, allow_blank=True, default="")


class RuleInput(serializers.Serializer):
    code = serializers.CharField(max_length=20)
    applies_to = serializers.ChoiceField(choices=Rule.AppliesTo.choices)
    trigger = serializers.ChoiceField(choices=Rule.Trigger.choices)
    severities = serializers.ListField(child=serializers.ChoiceField(choices=Severity.choices), min_length=1,
                                       max_length=4)
    min_count = serializers.IntegerField(min_value=1, max_value=1000, required=False, default=1)
    window_days = serializers.IntegerField(min_value=1, max_value=3650, required=False, allow_null=True)
    as_violator = serializers.BooleanField(required=False, default=False)
    form = serializers.CharField(max_length=40, required=False, allow_null=True, allow_blank=True)
    text_vi = PlainTextField(max_length=2000)
    text_en = PlainTextField(max_length=2000)
    basis = PlainTextField(one_line=True, max_length=300)
    categories = serializers.ChoiceField(choices=Rule.Categories.choices, required=False, default="all")
    cap_at_violator = serializers.BooleanField(required=False, default=False)
    position = serializers.IntegerField(min_value=0, max_value=10000, required=False)


class RuleSetInput(serializers.Serializer):
    """The whole content of a new rule-set version (GET rulesets/current/ gives the shape)."""

    note = PlainTextField(max_length=500, required=False, allow_blank=True, default="")
    repeat_window_days = serializers.IntegerField(min_value=1, max_value=3650)
    limitation_warn_days = serializers.IntegerField(min_value=1, max_value=3650)
    restart_on_new_violation = serializers.BooleanField(required=False, default=False)
    handling_days = serializers.IntegerField(min_value=1, max_value=3650, required=False, default=90)
    handling_days_complex = serializers.IntegerField(min_value=1, max_value=3650, required=False, default=150)
    complaint_days = serializers.IntegerField(min_value=1, max_value=365, required=False, default=15)
    second_complaint_days = serializers.IntegerField(min_value=1, max_value=365, required=False, default=10)
    complaint_accept_days = serializers.IntegerField(min_value=1, max_value=365, required=False, default=10)
    complaint_answer_days = serializers.IntegerField(min_value=1, max_value=365, required=False, default=30)
    complaint_answer_days_complex = serializers.IntegerField(min_value=1, max_value=365, required=False, default=45)
    second_answer_days = serializers.IntegerField(min_value=1, max_value=365, required=False, default=45)
    second_answer_days_complex = serializers.IntegerField(min_value=1, max_value=365, required=False, default=60)
    sources = serializers.DictField(child=PlainTextField(one_line=True, max_length=500), required=False, default=dict)
    forms = serializers.ListField(child=RuleFormInput(), min_length=1, max_length=100)
    rules = serializers.ListField(child=RuleInput(), min_length=1, max_length=500)
    category_policies = serializers.ListField(child=CategoryPolicyInput(), required=False, default=list,
                                              max_length=500)


class RuleSetListApi(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        require_role(request.user, *selectors.RULE_READERS)
        return paginate(request, self, selectors.rulesets_list(), RuleSetBriefSerializer)

    @extend_schema(request=RuleSetInput, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        require_role(request.user, *selectors.RULE_EDITORS)
        data = RuleSetInput(data=request.data)
        data.is_valid(raise_exception=True)
        ruleset = services.ruleset_create(by=request.user, data=dict(data.validated_data))
        return Response(_ruleset_payload(selectors.ruleset_get(version=ruleset.version)), status=201)


def _regulations() -> list[dict[str, Any]]:
    return [{"code": r.code, "title_vi": r.title_vi, "title_en": r.title_en, "number": r.number,
             "issued_on": r.issued_on, "cited_as_vi": render_basis(f"{r.title_vi} [[QD:{r.code}]]", numbers),
             "updated_at": r.updated_at}
            for numbers in [regulation_numbers()] for r in selectors.regulations_list()]


def _ruleset_payload(ruleset: Any) -> dict[str, Any]:
    """The rule set with every basis citing a force regulation written out with its number (or with
    "chưa có số văn bản — cần xác nhận"), and the regulations themselves."""
    data = render_bases(RuleSetOutputSerializer(ruleset).data, regulation_numbers())
    return {**data, "regulations": _regulations()}


class RegulationListApi(APIView):
    """The force's own regulations some rules stand on, with the number an admin filled in."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        require_role(request.user, *selectors.RULE_READERS)
        return Response({"results": _regulations()})


class RegulationDetailApi(APIView):
    class InputSerializer(serializers.Serializer):
        number = PlainTextField(one_line=True, max_length=80, allow_blank=True)
        issued_on = DateField(required=False, allow_null=True)

    @extend_schema(request=InputSerializer, responses=OpenApiTypes.OBJECT)
    def patch(self, request: Request, code: str) -> Response:
        require_role(request.user, Role.ADMIN)
        regulation = selectors.regulation_get(code=code)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.force_regulation_set(by=request.user, regulation=regulation, **data.validated_data)
        return Response({"results": _regulations()})


class RuleSetDetailApi(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, version: str) -> Response:
        require_role(request.user, *selectors.RULE_READERS)
        number = None if version == "current" else parse_int(version, "version", lo=1, hi=VERSION_MAX)
        return Response(_ruleset_payload(selectors.ruleset_get(version=number)))


class ScoringPolicyOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScoringPolicy
        fields = ["id", "version", "note", "deductions", "use_category_points", "check_weight", "task_weight",
                  "late_task_credit", "downgrade_below", "no_award_below", "downgrade_severities",
                  "no_award_severities", "created_at"]


class ScoringPolicyApi(APIView):
    class InputSerializer(serializers.Serializer):
        note = PlainTextField(max_length=500, required=False, allow_blank=True, default="")
        deductions = serializers.DictField(child=serializers.FloatField(min_value=0, max_value=100))
        use_category_points = serializers.BooleanField(required=False, default=True)
        check_weight = serializers.FloatField(min_value=0, max_value=1)
        task_weight = serializers.FloatField(min_value=0, max_value=1)
        late_task_credit = serializers.FloatField(min_value=0, max_value=1)
        downgrade_below = serializers.FloatField(min_value=0, max_value=100)
        no_award_below = serializers.FloatField(min_value=0, max_value=100)
        downgrade_severities = serializers.ListField(child=serializers.ChoiceField(choices=Severity.choices))
        no_award_severities = serializers.ListField(child=serializers.ChoiceField(choices=Severity.choices))

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        require_role(request.user, *selectors.SCORE_READERS)
        return Response(ScoringPolicyOutputSerializer(selectors.scoring_policy_current()).data)

    @extend_schema(request=InputSerializer, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        require_role(request.user, *selectors.RULE_EDITORS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        policy = services.scoring_policy_create(by=request.user, data=dict(data.validated_data))
        return Response(ScoringPolicyOutputSerializer(policy).data, status=201)


# --- disciplinary cases ----------------------------------------------------------------------------


def _findings_by_ids(user: Any, ids: list[int]) -> list[Finding]:
    found = {f.pk: f for f in selectors.findings_for(user).filter(pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise DomainError("Không tìm thấy vi phạm: " + ", ".join(map(str, missing)) + ".",
                          "Findings not found: " + ", ".join(map(str, missing)) + ".", code="not_found",
                          fields={"finding_ids": missing}, status=400)
    return [found[i] for i in ids]


class CaseListApi(APIView):
    class InputSerializer(serializers.Serializer):
        subject_kind = serializers.ChoiceField(choices=SubjectKind.choices)
        officer_id = IdField(required=False, allow_null=True)
        unit_id = IdField(required=False, allow_null=True)
        finding_ids = serializers.ListField(child=IdField(), min_length=0, max_length=50, required=False,
                                            default=list)
        liability_id = IdField(required=False, allow_null=True,
                               help_text="Open the case from a confirmed liability (its officer and finding)")
        title = PlainTextField(one_line=True, max_length=300)
        summary = PlainTextField(required=False, allow_blank=True, default="", max_length=TEXT_MAX)
        is_complex = serializers.BooleanField(required=False, default=False)

    @extend_schema(parameters=[OpenApiParameter("state", str, required=False), OpenApiParameter("officer", int, required=False), OpenApiParameter("unit", int, required=False), OpenApiParameter("finding", int, required=False), OpenApiParameter("limitation", str, required=False), OpenApiParameter("page", str, required=False), OpenApiParameter("page_size", str, required=False)], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        qp = request.query_params
        state = Query(qp).choice("state", DisciplinaryCase.State.values) or ""
        limitation = Query(qp).choice("limitation", ["ok", "warning", "expired"]) or ""
        qs = selectors.cases_list(user=request.user, filters={
            "state": state, "officer_id": parse_id(qp.get("officer"), "officer"),
            "unit_id": parse_id(qp.get("unit"), "unit"),
            "finding_id": parse_id(qp.get("finding"), "finding")})
        from backend.core.pagination import Pagination

        paginator = Pagination()
        page = list(paginator.paginate_queryset(qs, request, view=self) or [])
        views = selectors.case_views(page, reader=request.user)
        if limitation:
            page = [c for c in page if views[c.pk].limitation and views[c.pk].limitation.status == limitation]
        return paginator.get_paginated_response(CaseOutputSerializer(page, many=True, context={"views": views}).data)

    @extend_schema(request=InputSerializer, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        require_role(request.user, *selectors.DECIDERS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        officer = unit = None
        if v.get("officer_id"):
            officer = Officer.objects.filter(pk=v["officer_id"]).first()
            if officer is None:
                raise DomainError("Không tìm thấy cán bộ.", "Officer not found.", fields={"officer_id": ["not found"]})
        if v.get("unit_id"):
            unit = Unit.objects.filter(pk=v["unit_id"]).first()
            if unit is None:
                raise DomainError("Không tìm thấy đơn vị.", "Unit not found.", fields={"unit_id": ["not found"]})
        liability = None
        if v.get("liability_id"):
            liability = selectors.liability_get_for(user=request.user, id=v["liability_id"], roles=selectors.DECIDERS)
        elif not v["finding_ids"]:
            raise DomainError("Cần ít nhất một vi phạm hoặc một trách nhiệm đã xác nhận.",
                              "At least one finding or a confirmed liability is needed.",
                              fields={"finding_ids": ["required"]})
        findings = _findings_by_ids(request.user, list(dict.fromkeys(v["finding_ids"])))
        case = services.case_create(by=request.user, subject_kind=v["subject_kind"], officer=officer, unit=unit,
                                    findings=findings, title=v["title"], summary=v["summary"],
                                    is_complex=v["is_complex"], liability=liability)
        return _case_response(case, request.user, status=201)


class CaseDetailApi(APIView):
    class InputSerializer(serializers.Serializer):
        title = PlainTextField(one_line=True, max_length=300, required=False)
        summary = PlainTextField(required=False, allow_blank=True, max_length=TEXT_MAX)

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, pk: int) -> Response:
        return _case_response(selectors.case_get_for(user=request.user, id=pk), request.user)

    @extend_schema(request=InputSerializer, responses=OpenApiTypes.OBJECT)
    def patch(self, request: Request, pk: int) -> Response:
        case = selectors.case_get_for(user=request.user, id=pk, roles=selectors.DECIDERS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.case_update(by=request.user, case=case, **data.validated_data)
        return _case_response(case, request.user)


class CaseFindingsApi(APIView):
    class InputSerializer(serializers.Serializer):
        finding_id = IdField()

    @extend_schema(request=InputSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, pk: int) -> Response:
        case = selectors.case_get_for(user=request.user, id=pk, roles=selectors.DECIDERS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        finding = _findings_by_ids(request.user, [data.validated_data["finding_id"]])[0]
        services.case_add_finding(by=request.user, case=case, finding=finding)
        return _case_response(case, request.user)


class CaseFindingDeleteApi(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def delete(self, request: Request, pk: int, finding_id: int) -> Response:
        case = selectors.case_get_for(user=request.user, id=pk, roles=selectors.DECIDERS)
        finding = case.findings.filter(pk=finding_id).first()
        if finding is None:
            raise NotFound("Vi phạm không có trong hồ sơ.", "The finding is not in the case.")
        services.case_remove_finding(by=request.user, case=case, finding=finding)
        return _case_response(case, request.user)


class CaseFactorsApi(APIView):
    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=CaseFactor.Kind.choices)
        text = PlainTextField(max_length=500)

    @extend_schema(request=InputSerializer, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        case = selectors.case_get_for(user=request.user, id=pk, roles=selectors.DECIDERS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.case_add_factor(by=request.user, case=case, **data.validated_data)
        return _case_response(case, request.user, status=201)


class CaseFactorDeleteApi(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def delete(self, request: Request, pk: int, factor_id: int) -> Response:
        case = selectors.case_get_for(user=request.user, id=pk, roles=selectors.DECIDERS)
        services.case_remove_factor(by=request.user, case=case, factor_id=factor_id)
        return _case_response(case, request.user)


class CaseDocumentsApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=CaseDocument.Kind.choices)
        file = serializers.FileField()

    @extend_schema(request={"multipart/form-data": InputSerializer}, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        case = selectors.case_get_for(user=request.user, id=pk, roles=selectors.DECIDERS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        services.case_add_document(by=request.user, case=case, kind=data.validated_data["kind"], fileobj=upload,
                                   filename=upload.name, size=upload.size,
                                   content_type=getattr(upload, "content_type", "") or "")
        return _case_response(case, request.user, status=201)


class CaseDocumentDownloadApi(APIView):
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: int, doc_id: int) -> FileResponse:
        case = selectors.case_get_for(user=request.user, id=pk)
        doc = case.documents.filter(pk=doc_id).first()
        if doc is None:
            raise NotFound("Không tìm thấy tài liệu.", "Document not found.")
        try:
            handle = get_store().open(doc.key)
        except ObjectMissing as exc:
            raise NotFound("Tệp không còn trong kho lưu trữ.", "The file is missing from the store.") from exc
        audit_access(actor=request.user, document="case.document", obj=doc,
                     payload={"case": case.pk, "kind": doc.kind, "sha256": doc.sha256})
        return FileResponse(handle, as_attachment=True, filename=doc.filename,
                            content_type=doc.content_type or "application/octet-stream")


class CaseTransitionApi(APIView):
    class InputSerializer(serializers.Serializer):
        to = serializers.ChoiceField(choices=["self_review", "considering", "dropped", "closed"])
        no_self_review_reason = PlainTextField(required=False, allow_blank=True, default="", max_length=2000,
                                                      help_text="Why there is no self-review (instead of one)")
        note = PlainTextField(required=False, allow_blank=True, default="", max_length=2000)

    @extend_schema(request=InputSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, pk: int) -> Response:
        case = selectors.case_get_for(user=request.user, id=pk, roles=selectors.DECIDERS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.case_transition(by=request.user, case=case, **data.validated_data)
        return _case_response(case, request.user)


class CaseProposeApi(APIView):
    class InputSerializer(serializers.Serializer):
        form = serializers.CharField(max_length=40)
        note = PlainTextField(required=False, allow_blank=True, default="", max_length=2000)

    @extend_schema(request=InputSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, pk: int) -> Response:
        case = selectors.case_get_for(user=request.user, id=pk, roles=selectors.DECIDERS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.case_propose(by=request.user, case=case, form_code=data.validated_data["form"],
                              note=data.validated_data["note"])
        return _case_response(case, request.user)


class CaseDecideApi(APIView):
    class InputSerializer(serializers.Serializer):
        form = serializers.CharField(max_length=40)
        decision_number = PlainTextField(one_line=True, max_length=60)
        authority = PlainTextField(one_line=True, max_length=200)
        decision_date = DateField()
        received_on = DateField(required=False, allow_null=True,
                                help_text="The day the subject received the decision (complaint window starts)")
        note = PlainTextField(required=False, allow_blank=True, default="", max_length=2000)

    @extend_schema(request=InputSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, pk: int) -> Response:
        case = selectors.case_get_for(user=request.user, id=pk, roles=selectors.DECIDERS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        services.case_decide(by=request.user, case=case, form_code=v["form"], decision_number=v["decision_number"],
                             authority=v["authority"], decision_date=v["decision_date"], note=v["note"],
                             received_on=v.get("received_on"))
        return _case_response(case, request.user)


class CaseCouncilApi(APIView):
    class InputSerializer(serializers.Serializer):
        held_on = DateField()
        note = PlainTextField(max_length=5000)

    @extend_schema(request=InputSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, pk: int) -> Response:
        """Record the disciplinary council meeting (hội đồng kỷ luật)."""
        case = selectors.case_get_for(user=request.user, id=pk, roles=selectors.DECIDERS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.case_record_council(by=request.user, case=case, **data.validated_data)
        return _case_response(case, request.user)


class CaseAppealApi(APIView):
    class InputSerializer(serializers.Serializer):
        filed_on = DateField(help_text="The day the complaint was received")
        text = PlainTextField(max_length=5000)
        accepted_on = DateField(required=False, allow_null=True, help_text="Day it was accepted (thụ lý)")
        is_complex = serializers.BooleanField(required=False, default=False)

    @extend_schema(request=InputSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, pk: int) -> Response:
        case = selectors.case_get_for(user=request.user, id=pk, roles=selectors.DECIDERS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.case_appeal(by=request.user, case=case, **data.validated_data)
        return _case_response(case, request.user)


class CaseAppealAcceptApi(APIView):
    class InputSerializer(serializers.Serializer):
        accepted_on = DateField()
        is_complex = serializers.BooleanField(required=False, default=False)

    @extend_schema(request=InputSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, pk: int) -> Response:
        """The day the pending complaint was accepted (thụ lý) and whether it is complex."""
        case = selectors.case_get_for(user=request.user, id=pk, roles=selectors.DECIDERS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.case_appeal_accept(by=request.user, case=case, **data.validated_data)
        return _case_response(case, request.user)


class CaseComplaintRefuseApi(APIView):
    class InputSerializer(serializers.Serializer):
        received_on = DateField()
        text = PlainTextField(max_length=5000)
        refused_on = DateField(required=False, allow_null=True)
        reason = PlainTextField(max_length=2000, required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, pk: int) -> Response:
        """A complaint received and refused (late, a third one, or another stated reason): on record."""
        case = selectors.case_get_for(user=request.user, id=pk, roles=selectors.DECIDERS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.case_complaint_refuse(by=request.user, case=case, **data.validated_data)
        return _case_response(case, request.user, status=201)


class CaseAppealResolveApi(APIView):
    class InputSerializer(serializers.Serializer):
        result = serializers.ChoiceField(choices=DisciplinaryCase.AppealResult.choices)
        decided_on = DateField()
        received_on = DateField(required=False, allow_null=True,
                                help_text="The day the complainant received this answer (second window starts)")
        note = PlainTextField(max_length=5000)
        form = serializers.CharField(max_length=40, required=False, allow_blank=True)
        decision_number = PlainTextField(one_line=True, max_length=60, required=False, allow_blank=True,
                                                help_text="Number of the complaint decision")
        signer = PlainTextField(max_length=200, required=False, allow_blank=True,
                                       help_text="Who signed the complaint decision")

    @extend_schema(request=InputSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, pk: int) -> Response:
        case = selectors.case_get_for(user=request.user, id=pk, roles=selectors.DECIDERS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        services.case_appeal_resolve(by=request.user, case=case, result=v["result"], decided_on=v["decided_on"],
                                     note=v["note"], form_code=v.get("form") or None,
                                     received_on=v.get("received_on"), decision_number=v.get("decision_number", ""),
                                     signer=v.get("signer", ""))
        return _case_response(case, request.user)


# --- head profile ------------------------------------------------------------------------------------


def _period_params(request: Request) -> tuple[date | None, date | None]:
    start, end = Query(request).date("from"), Query(request).date("to")
    if start and end and end < start:
        raise DomainError("Ngày 'to' phải sau ngày 'from'.", "'to' must not be before 'from'.",
                          code="invalid_period", fields={"to": ["before from"]})
    return start, end


def profile_payload(user: Any, officer: Officer, start: date | None, end: date | None) -> dict[str, Any]:
    prof = selectors.head_profile(user=user, officer=officer, start=start, end=end)
    tenure_rows = []
    for a, lo, hi in prof["tenures"]:
        mine = [f for f in prof["findings"] if f.unit_id == a.unit_id and lo <= timezone.localdate(f.occurred_from) <= hi]
        tenure_rows.append({
            "assignment": assignment_proof(a), "unit": unit_as_it_was(a.unit, lo),
            "role": "head" if a.is_head else "deputy", "is_acting": a.is_acting, "from": lo, "to": hi,
            "findings": FindingBriefSerializer(mine, many=True).data})
    cases = prof["cases"]
    return {
        "officer": officer_brief(officer),
        "period": {"from": prof["start"], "to": prof["end"]},
        "summary": prof["summary"],
        "tenures": tenure_rows,
        "liabilities": LiabilityOutputSerializer(prof["liabilities"], many=True).data,
        "cases": CaseOutputSerializer(cases, many=True, context={"views": prof["case_views"]}).data,
    }


class OfficerProfileApi(APIView):
    @extend_schema(parameters=[OpenApiParameter("from", str, required=False), OpenApiParameter("to", str, required=False)], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, pk: int) -> Response:
        officer = selectors.officer_get_for(user=request.user, id=pk)
        start, end = _period_params(request)
        return Response(profile_payload(request.user, officer, start, end))


# --- rankings and CCHC tasks --------------------------------------------------------------------------


def parse_period(request: Request) -> Period:
    qp = request.query_params
    year = parse_int(qp.get("year"), "year", lo=2000, hi=2100) or timezone.localdate().year
    q = parse_int(qp.get("quarter"), "quarter", lo=1, hi=4)
    return quarter(year, q) if q else year_period(year)


class RankingsApi(APIView):
    @extend_schema(parameters=[OpenApiParameter("year", int, required=False), OpenApiParameter("quarter", int, required=False), OpenApiParameter("level", str, required=False)], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        require_role(request.user, *selectors.SCORE_READERS)
        level = Query(request).choice("level", Unit.Level.values) or Unit.Level.COMMUNE
        result = compute_rankings(level=level, period=parse_period(request),
                                  policy=selectors.scoring_policy_current())
        ids = user_unit_ids(request.user)
        if ids is not None:
            result["rows"] = [r for r in result["rows"] if r["unit"]["id"] in ids]
        return Response(result)


TASK_STATUS_VI = {
    "on_time": "Đúng hạn", "late": "Trễ hạn", "missed": "Quá hạn, chưa báo cáo", "pending": "Chưa đến hạn",
    "reported_late": f"Báo cáo muộn (quá {DELIVERY_REPORT_GRACE_DAYS} ngày): tính như trễ hạn, không tính đúng hạn",
}


class TaskOutputSerializer(serializers.ModelSerializer):
    unit = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    status_vi = serializers.SerializerMethodField()
    overdue_days = serializers.SerializerMethodField()
    registered_by = serializers.CharField(source="registered_by.username")

    class Meta:
        model = CchcTask
        fields = ["id", "unit", "year", "title", "target", "due_date", "late_registration", "registered_by",
                  "registered_at", "delivered_on", "delivery_note", "reported_at", "status", "status_vi",
                  "overdue_days"]

    def get_unit(self, obj: CchcTask) -> dict[str, Any]:
        return unit_brief(obj.unit)

    def get_status(self, obj: CchcTask) -> str:
        """on_time, late, reported_late (flagged: reported after the grace; counts as late), missed, pending."""
        return task_outcome(due=obj.due_date, delivered=obj.delivered_on, reported_at=obj.reported_at,
                            registered_at=obj.registered_at, today=timezone.localdate(),
                            late_registration=obj.late_registration)

    def get_status_vi(self, obj: CchcTask) -> str:
        status = self.get_status(obj)
        if status == "reported_late" and obj.late_registration:
            return "Đăng ký muộn (ngoài thời hạn đăng ký): tính như trễ hạn, không tính đúng hạn"
        return TASK_STATUS_VI[status]

    def get_overdue_days(self, obj: CchcTask) -> int | None:
        """Days past the deadline of a task not yet delivered (None when delivered or not yet due)."""
        if obj.delivered_on is not None:
            return None
        days = (timezone.localdate() - obj.due_date).days
        return days if days > 0 else None


class TaskItemInput(serializers.Serializer):
    title = PlainTextField(one_line=True, max_length=300)
    target = PlainTextField(max_length=300)
    due_date = DateField()


class TaskRegisterInput(serializers.Serializer):
    unit_id = IdField()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    tasks = serializers.ListField(child=TaskItemInput(), min_length=1, max_length=50)


class TaskListApi(APIView):
    @extend_schema(parameters=[OpenApiParameter("year", int, required=False), OpenApiParameter("unit", int, required=False), OpenApiParameter("page", str, required=False), OpenApiParameter("page_size", str, required=False)], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        qp = request.query_params
        qs = selectors.tasks_list(user=request.user, filters={
            "year": parse_int(qp.get("year"), "year", lo=2000, hi=2100), "unit_id": parse_id(qp.get("unit"), "unit")})
        return paginate(request, self, qs, TaskOutputSerializer)

    @extend_schema(request=TaskRegisterInput, responses={201: TaskOutputSerializer(many=True)})
    def post(self, request: Request) -> Response:
        require_role(request.user, *selectors.TASK_WRITERS)
        data = TaskRegisterInput(data=request.data)
        data.is_valid(raise_exception=True)
        ids = user_unit_ids(request.user)
        unit = Unit.objects.filter(pk=data.validated_data["unit_id"]).first()
        if unit is None or (ids is not None and unit.pk not in ids):
            raise DomainError("Không tìm thấy đơn vị.", "Unit not found.", fields={"unit_id": ["not found"]})
        tasks = services.tasks_register(by=request.user, unit=unit, year=data.validated_data["year"],
                                        items=[dict(x) for x in data.validated_data["tasks"]])
        rows = CchcTask.objects.filter(pk__in=[t.pk for t in tasks]).select_related("unit", "registered_by")
        return Response(TaskOutputSerializer(rows, many=True).data, status=201)


class TaskDeliveryApi(APIView):
    class InputSerializer(serializers.Serializer):
        delivered_on = DateField()
        note = PlainTextField(required=False, allow_blank=True, default="", max_length=2000)

    @extend_schema(request=InputSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, pk: int) -> Response:
        require_role(request.user, *selectors.TASK_WRITERS)
        task = selectors.task_get_for(user=request.user, id=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = services.task_report_delivery(by=request.user, task=task, **data.validated_data)
        return Response(TaskOutputSerializer(selectors.task_get_for(user=request.user, id=task.pk)).data)


# --- reports -----------------------------------------------------------------------------------------


class FindingReportApi(APIView):
    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY, (200, XLSX): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: int, fmt: str) -> HttpResponse:
        finding = selectors.finding_get_for(user=request.user, id=pk)
        selectors.require_report_producer(request.user)
        trace = selectors.trace_for(finding=finding)
        liabilities = list(selectors.liabilities_list(user=request.user, filters={"finding_id": finding.pk}))
        doc = reports.finding_report(trace=trace, liabilities=liabilities)
        return reports.respond(doc, fmt=fmt, name=f"trach-nhiem-{finding.reference}", reader=request.user)


class OfficerReportApi(APIView):
    @extend_schema(parameters=[OpenApiParameter("from", str, required=False), OpenApiParameter("to", str, required=False)], responses={(200, "application/pdf"): OpenApiTypes.BINARY, (200, XLSX): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: int, fmt: str) -> HttpResponse:
        officer = selectors.officer_get_for(user=request.user, id=pk)
        selectors.require_report_producer(request.user)
        start, end = _period_params(request)
        doc = reports.officer_report(profile=profile_payload(request.user, officer, start, end))
        return reports.respond(doc, fmt=fmt, name=f"nguoi-dung-dau-{officer.service_number}", reader=request.user)
