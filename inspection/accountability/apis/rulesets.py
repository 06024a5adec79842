"""Rule sets (with their forms and category policies), the force's regulations and the scoring policy."""
from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import Role
from backend.accounts.selectors import require_role
from backend.core.actors import AuthedRequest
from backend.core.pagination import Pagination
from backend.core.params import DateField, PlainTextField, parse_int
from backend.org.apis import paginate
from inspection.accountability import selectors, services_rulesets
from inspection.accountability.apis.common import VERSION_MAX, RuleSetBriefSerializer, RuleSetOutputSerializer
from inspection.accountability.engine import regulation_numbers, render_bases, render_basis
from inspection.accountability.models import Rule, ScoringPolicy, SubjectKind
from inspection.models import Severity


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


class RegulationOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    title_vi = serializers.CharField()
    title_en = serializers.CharField()
    number = serializers.CharField(allow_blank=True)
    issued_on = serializers.DateField(allow_null=True)
    cited_as_vi = serializers.CharField()
    updated_at = serializers.DateTimeField(allow_null=True)


class RuleSetPayloadSerializer(RuleSetOutputSerializer):
    """`_ruleset_payload`: the rule set, its bases written out, and the regulations they cite."""

    regulations = RegulationOutputSerializer(many=True, read_only=True)

    class Meta(RuleSetOutputSerializer.Meta):
        fields = [*RuleSetOutputSerializer.Meta.fields, "regulations"]


REGULATIONS = inline_serializer("RegulationList", {"results": RegulationOutputSerializer(many=True)})


class RuleSetListApi(APIView):
    pagination_class = Pagination  # the schema's page shape (paginate() pages the body)

    @extend_schema(responses=RuleSetBriefSerializer(many=True))
    def get(self, request: AuthedRequest) -> Response:
        require_role(request.user, *selectors.RULE_READERS)
        return paginate(request, self, selectors.rulesets_list(), RuleSetBriefSerializer)

    @extend_schema(request=RuleSetInput, responses={201: RuleSetPayloadSerializer})
    def post(self, request: AuthedRequest) -> Response:
        require_role(request.user, *selectors.RULE_EDITORS)
        data = RuleSetInput(data=request.data)
        data.is_valid(raise_exception=True)
        ruleset = services_rulesets.ruleset_create(by=request.user, data=dict(data.validated_data))
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

    @extend_schema(responses=REGULATIONS)
    def get(self, request: AuthedRequest) -> Response:
        require_role(request.user, *selectors.RULE_READERS)
        return Response({"results": _regulations()})


class RegulationDetailApi(APIView):
    class InputSerializer(serializers.Serializer):
        number = PlainTextField(one_line=True, max_length=80, allow_blank=True)
        issued_on = DateField(required=False, allow_null=True)

    @extend_schema(request=InputSerializer, responses=REGULATIONS)
    def patch(self, request: AuthedRequest, code: str) -> Response:
        require_role(request.user, Role.ADMIN)
        regulation = selectors.regulation_get(code=code)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services_rulesets.force_regulation_set(by=request.user, regulation=regulation, **data.validated_data)
        return Response({"results": _regulations()})


class RuleSetDetailApi(APIView):
    @extend_schema(responses=RuleSetPayloadSerializer)
    def get(self, request: AuthedRequest, version: str) -> Response:
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

    @extend_schema(responses=ScoringPolicyOutputSerializer)
    def get(self, request: AuthedRequest) -> Response:
        require_role(request.user, *selectors.SCORE_READERS)
        return Response(ScoringPolicyOutputSerializer(selectors.scoring_policy_current()).data)

    @extend_schema(request=InputSerializer, responses={201: ScoringPolicyOutputSerializer})
    def post(self, request: AuthedRequest) -> Response:
        require_role(request.user, *selectors.RULE_EDITORS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        policy = services_rulesets.scoring_policy_create(by=request.user, data=dict(data.validated_data))
        return Response(ScoringPolicyOutputSerializer(policy).data, status=201)
