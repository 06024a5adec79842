"""Output serializers shared by the accountability views, and the case response."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response

from backend.org.serializers import FieldBriefSerializer, UnitBriefSerializer
from inspection.accountability import selectors, selectors_case_views
from inspection.accountability.apis.case_outputs import CaseComputedSerializer, CaseExplanationSerializer
from inspection.accountability.engine import regulation_numbers, render_bases
from inspection.accountability.models import (
    CategoryPolicy,
    DisciplinaryCase,
    LadderForm,
    LeaderLiability,
    Rule,
    RuleSet,
)
from inspection.accountability.trace_output import assignment_proof, officer_brief, unit_brief
from inspection.models import Finding

if TYPE_CHECKING:
    from backend.accounts.models import User


class OfficerBriefSerializer(serializers.Serializer):
    """`trace_output.officer_brief`."""

    id = serializers.IntegerField()
    service_number = serializers.CharField()
    full_name = serializers.CharField()
    rank = serializers.CharField(allow_blank=True)


class AssignmentProofSerializer(serializers.Serializer):
    """`trace_output.assignment_proof`: the post a liability rests on."""

    id = serializers.IntegerField()
    position = serializers.CharField()
    unit_id = serializers.IntegerField()
    is_head = serializers.BooleanField()
    is_deputy = serializers.BooleanField()
    is_acting = serializers.BooleanField()
    field = FieldBriefSerializer(allow_null=True)
    in_charge_of = serializers.CharField(allow_blank=True)
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(allow_null=True)
    decision_ref = serializers.CharField(allow_blank=True)


class RuleRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    text_vi = serializers.CharField()
    text_en = serializers.CharField()


class FormOutputSerializer(serializers.ModelSerializer):
    # a rule set's answer writes every cited regulation out in full (engine.render_bases): no length cap
    basis = serializers.CharField(allow_blank=True, read_only=True)

    class Meta:
        model = LadderForm
        fields = ["id", "code", "subject_kind", "level", "name_vi", "name_en", "limitation_years", "requires_council",
                  "basis"]


class RuleOutputSerializer(serializers.ModelSerializer):
    form: Any = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    basis = serializers.CharField(allow_blank=True, read_only=True)  # as FormOutputSerializer's

    class Meta:
        model = Rule
        fields = ["id", "code", "applies_to", "trigger", "severities", "min_count", "window_days", "as_violator",
                  "form", "text_vi", "text_en", "basis", "categories", "cap_at_violator", "position"]


class CategoryPolicyOutputSerializer(serializers.ModelSerializer):
    basis = serializers.CharField(read_only=True)  # as FormOutputSerializer's

    class Meta:
        model = CategoryPolicy
        fields = ["category_code", "is_corruption", "no_limitation", "basis", "note"]


class RuleSetBriefSerializer(serializers.ModelSerializer):
    sources = serializers.DictField(child=serializers.CharField(), read_only=True,
                                    help_text="Legal source of each period setting, by setting name")
    created_by = serializers.CharField(source="created_by.username", default=None, allow_null=True)

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

    @extend_schema_field(UnitBriefSerializer)
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
    decided_by = serializers.CharField(source="decided_by.username", default=None, allow_null=True)

    class Meta:
        model = LeaderLiability
        fields = ["id", "finding", "trace", "ruleset_version", "rule", "officer", "unit", "assignment", "role",
                  "basis", "is_acting", "period_from", "period_to", "suggested_form", "confirmed_form", "reason_vi",
                  "reason_en", "facts", "state", "decided_by", "decided_at", "decision_reason", "created_at"]

    @extend_schema_field(OfficerBriefSerializer)
    def get_officer(self, obj: LeaderLiability) -> dict[str, Any]:
        return officer_brief(obj.officer)

    @extend_schema_field(UnitBriefSerializer)
    def get_unit(self, obj: LeaderLiability) -> dict[str, Any]:
        return unit_brief(obj.unit)

    @extend_schema_field(AssignmentProofSerializer)
    def get_assignment(self, obj: LeaderLiability) -> dict[str, Any]:
        return assignment_proof(obj.assignment)

    @extend_schema_field(RuleRefSerializer)
    def get_rule(self, obj: LeaderLiability) -> dict[str, Any]:
        return {"id": obj.rule_id, "code": obj.rule.code, "text_vi": obj.rule.text_vi, "text_en": obj.rule.text_en}


class CaseFactorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    text = serializers.CharField()
    added_at = serializers.DateTimeField()


class CaseDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    filename = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()


class RefusedComplaintSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    level = serializers.IntegerField()
    received_on = serializers.DateField()
    text = serializers.CharField()
    ground = serializers.CharField()
    ground_vi = serializers.CharField()
    deadline = serializers.DateField(allow_null=True)
    refused_on = serializers.DateField()
    reason_vi = serializers.CharField()
    reason_en = serializers.CharField()


class CaseOutputSerializer(serializers.ModelSerializer):
    """Needs context["views"] = selectors_case_views.case_views(...)."""

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

    @extend_schema_field(OfficerBriefSerializer(allow_null=True))
    def get_officer(self, obj: DisciplinaryCase) -> dict[str, Any] | None:
        return officer_brief(obj.officer) if obj.officer is not None else None

    @extend_schema_field(UnitBriefSerializer(allow_null=True))
    def get_unit(self, obj: DisciplinaryCase) -> dict[str, Any] | None:
        return unit_brief(obj.unit) if obj.unit is not None else None

    @extend_schema_field(CaseFactorSerializer(many=True))
    def get_factors(self, obj: DisciplinaryCase) -> list[dict[str, Any]]:
        return [{"id": f.pk, "kind": f.kind, "text": f.text, "added_at": f.added_at} for f in obj.factors.all()]

    @extend_schema_field(CaseDocumentSerializer(many=True))
    def get_documents(self, obj: DisciplinaryCase) -> list[dict[str, Any]]:
        return [{"id": d.pk, "kind": d.kind, "filename": d.filename, "size": d.size, "sha256": d.sha256,
                 "uploaded_at": d.uploaded_at} for d in obj.documents.all()]

    @extend_schema_field(RefusedComplaintSerializer(many=True))
    def get_refused_complaints(self, obj: DisciplinaryCase) -> list[dict[str, Any]]:
        return [{"id": r.pk, "level": r.level, "received_on": r.received_on, "text": r.text, "ground": r.ground,
                 "ground_vi": r.get_ground_display(), "deadline": r.deadline, "refused_on": r.refused_on,
                 "reason_vi": r.reason_vi, "reason_en": r.reason_en}
                for r in obj.refused_complaints.all()]

    @extend_schema_field(CaseComputedSerializer(allow_null=True))
    def get_computed(self, obj: DisciplinaryCase) -> dict[str, Any] | None:
        view = self.context["views"].get(obj.pk)
        return view.as_dict() if view else None


class CaseEventSerializer(serializers.Serializer):
    verb = serializers.CharField()
    from_state = serializers.CharField(allow_blank=True)
    to_state = serializers.CharField(allow_blank=True)
    note = serializers.CharField(allow_blank=True)
    data = serializers.JSONField()  # type: ignore[assignment]  # the field named data, as the event stores it (the metaclass takes it off the class)
    actor = serializers.CharField()
    actor_name = serializers.CharField()
    at = serializers.DateTimeField()


class CaseDetailOutputSerializer(CaseOutputSerializer):
    """`_case_response`: the case with its history and the units' explanations."""

    events = CaseEventSerializer(many=True, read_only=True)
    explanations = CaseExplanationSerializer(many=True, read_only=True)

    class Meta(CaseOutputSerializer.Meta):
        fields = [*CaseOutputSerializer.Meta.fields, "events", "explanations"]


def _case_response(case: DisciplinaryCase, user: User, status: int = 200) -> Response:
    case = selectors.case_get_for(user=user, id=case.pk)
    views = selectors_case_views.case_views([case], reader=user)
    data = CaseOutputSerializer(case, context={"views": views}).data
    data["events"] = [{"verb": e.verb, "from_state": e.from_state, "to_state": e.to_state, "note": e.note,
                       "data": e.data, "actor": e.actor.username,
                       "actor_name": e.actor.get_full_name() or e.actor.username, "at": e.at}
                      for e in case.events.select_related("actor").all()]
    data["explanations"] = selectors.case_explanations(case=case)
    return Response(render_bases(data, regulation_numbers()), status=status)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VERSION_MAX = 2**31 - 1
