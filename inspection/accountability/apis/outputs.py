"""The trace, the head profile and the rankings, declared for the schema (issue 17). The views build their
dicts (trace.compute_trace, profiles.profile_payload, scoring.compute_rankings); these serializers state
the same shape, field for field, so the OpenAPI schema and the generated frontend types say what is sent
(tests/accountability/test_bodies_match_schema.py checks real bodies against them)."""
from __future__ import annotations

from typing import Any, TypeVar

from rest_framework import serializers

from backend.org.models import Unit
from backend.org.serializers import FieldBriefSerializer, UnitBriefSerializer
from inspection.accountability.apis.case_outputs import LimitationSerializer
from inspection.accountability.apis.common import (
    AssignmentProofSerializer,
    CaseOutputSerializer,
    FindingBriefSerializer,
    FormOutputSerializer,
    LiabilityOutputSerializer,
    OfficerBriefSerializer,
)
from inspection.accountability.models import LeaderLiability, Rule
from inspection.models import Finding, FindingExplanation, FindingSubject, Severity

S = TypeVar("S", bound=type[serializers.Serializer])

TENURE_ROLES = [("head", "head"), ("deputy", "deputy")]


def spanning(*, nullable_from: bool = False) -> Any:
    """Adds the fields "from" and "to" (dates; Python names a field "from" only this way)."""
    def add(cls: S) -> S:
        cls._declared_fields["from"] = serializers.DateField(allow_null=nullable_from)
        cls._declared_fields["to"] = serializers.DateField()
        return cls
    return add


class BilingualSerializer(serializers.Serializer):
    """A note in Vietnamese and English; `kind` names a special note (org_corrected)."""

    vi = serializers.CharField()
    en = serializers.CharField()
    kind = serializers.CharField(required=False)


class TraceRuleSerializer(serializers.Serializer):
    """engine.RuleRef.as_dict: a rule of the rule book the trace was computed under."""

    id = serializers.IntegerField()
    code = serializers.CharField()
    applies_to = serializers.ChoiceField(choices=Rule.AppliesTo.choices)
    trigger = serializers.ChoiceField(choices=Rule.Trigger.choices)
    severities = serializers.ListField(child=serializers.ChoiceField(choices=Severity.choices))
    min_count = serializers.IntegerField()
    window_days = serializers.IntegerField(allow_null=True)
    as_violator = serializers.BooleanField()
    form = serializers.CharField(allow_null=True, help_text="The form's code")
    text_vi = serializers.CharField()
    text_en = serializers.CharField()
    basis = serializers.CharField(allow_blank=True)
    name_vi = serializers.CharField(required=False, help_text="The rule's name in words (its text up to the colon)")
    name_en = serializers.CharField(required=False, help_text="The same in English")
    categories = serializers.ChoiceField(choices=Rule.Categories.choices)
    cap_at_violator = serializers.BooleanField()


class TraceMatchSerializer(serializers.Serializer):
    """engine.Match.as_dict: another rule that fired for a leader."""

    rule = TraceRuleSerializer()
    form = FormOutputSerializer()
    why_vi = serializers.CharField()
    why_en = serializers.CharField()
    facts = serializers.DictField(help_text="What the rule fired on (severity, count and window, flag)")


class UnitAsItWasSerializer(serializers.Serializer):
    """trace_output.unit_as_it_was: a unit on the day of the violation, merged or abolished since."""

    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.ChoiceField(choices=Unit.Level.choices)
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(allow_null=True)
    status = serializers.CharField(help_text="active, merged or abolished")
    successor = UnitBriefSerializer(allow_null=True)
    note_vi = serializers.CharField(allow_blank=True)
    note_en = serializers.CharField(allow_blank=True)


@spanning()
class UnitAsItWasSpanSerializer(UnitAsItWasSerializer):
    """A unit one level up over the sub-period it was the upper level."""


@spanning()
class TraceViolatorSerializer(serializers.Serializer):
    """trace._violator_entry: one violator over one sub-period."""

    officer = OfficerBriefSerializer()
    role = serializers.ChoiceField(choices=FindingSubject.Role.choices)
    assignment = AssignmentProofSerializer(allow_null=True)
    rule = TraceRuleSerializer(allow_null=True)
    suggested_form = FormOutputSerializer(allow_null=True)
    why_vi = serializers.CharField()
    why_en = serializers.CharField()


class TraceExemptionSerializer(serializers.Serializer):
    vi = serializers.CharField()
    en = serializers.CharField()
    basis = serializers.CharField(allow_blank=True)


class TraceLeaderSerializer(serializers.Serializer):
    """trace_output._leader_dict: a head, deputy or upper head, the rule that applies and why."""

    role = serializers.ChoiceField(choices=LeaderLiability.Role.choices)
    role_label_vi = serializers.CharField()
    role_label_en = serializers.CharField()
    officer = OfficerBriefSerializer()
    unit = UnitBriefSerializer()
    assignment = AssignmentProofSerializer()
    is_acting = serializers.BooleanField()
    field = FieldBriefSerializer(allow_null=True, help_text="For a deputy: the field of charge that makes him answer")
    in_charge_from = serializers.DateField()
    in_charge_to = serializers.DateField()
    basis = serializers.ChoiceField(choices=LeaderLiability.Basis.choices)
    rule = TraceRuleSerializer(allow_null=True)
    suggested_form = FormOutputSerializer(allow_null=True)
    why_vi = serializers.CharField()
    why_en = serializers.CharField()
    facts = serializers.DictField()
    other_rules = TraceMatchSerializer(many=True)
    exemption = TraceExemptionSerializer(allow_null=True)
    time_barred_vi = serializers.CharField(allow_blank=True)
    time_barred_en = serializers.CharField(allow_blank=True)


@spanning()
class TraceUnitGroupSerializer(serializers.Serializer):
    """trace._trace_group: the sub-period of the violation traced through one unit."""

    unit = UnitAsItWasSerializer()
    parent = UnitAsItWasSerializer(allow_null=True)
    parents = UnitAsItWasSpanSerializer(many=True)
    violators = TraceViolatorSerializer(many=True)
    leaders = TraceLeaderSerializer(many=True)
    notes = BilingualSerializer(many=True)


class TraceCategorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name_vi = serializers.CharField()
    name_en = serializers.CharField()
    fields = FieldBriefSerializer(many=True)  # type: ignore[assignment]  # the key "fields" (the metaclass takes it off the class)


class TraceFindingSerializer(serializers.Serializer):
    """trace._finding_dict."""

    id = serializers.IntegerField()
    reference = serializers.CharField()
    title = serializers.CharField()
    severity = serializers.ChoiceField(choices=Severity.choices)
    severity_vi = serializers.CharField()
    severity_en = serializers.CharField()
    state = serializers.ChoiceField(choices=Finding.State.choices)
    category = TraceCategorySerializer()
    unit = UnitBriefSerializer()
    occurred_from = serializers.DateTimeField()
    occurred_to = serializers.DateTimeField(allow_null=True)
    is_period = serializers.BooleanField()


@spanning()
class TraceSpanSerializer(serializers.Serializer):
    pass


class TraceRulesetSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField()


class TraceAuthorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField(allow_blank=True)


class TraceExplanationSerializer(serializers.Serializer):
    """The unit's giải trình / tự kiểm điểm on the finding (apis.liabilities.TraceApi)."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=FindingExplanation.Kind.choices)
    kind_label = serializers.CharField()
    text = serializers.CharField()
    at = serializers.DateTimeField()
    author = TraceAuthorSerializer()


class TraceSerializer(serializers.Serializer):
    """trace.compute_trace, and the unit's explanations the live API adds."""

    finding = TraceFindingSerializer()
    as_of = TraceSpanSerializer(help_text="The violation's days")
    ruleset = TraceRulesetSerializer()
    units = TraceUnitGroupSerializer(many=True)
    notes = BilingualSerializer(many=True)
    limitation = LimitationSerializer(allow_null=True)
    explanations = TraceExplanationSerializer(many=True)


# --- the head profile (profiles.profile_payload) ---


@spanning()
class TenureSerializer(serializers.Serializer):
    assignment = AssignmentProofSerializer()
    unit = UnitAsItWasSerializer()
    role = serializers.ChoiceField(choices=TENURE_ROLES)
    is_acting = serializers.BooleanField()
    findings = FindingBriefSerializer(many=True)


@spanning(nullable_from=True)
class ProfilePeriodSerializer(serializers.Serializer):
    pass


class ProfileSummarySerializer(serializers.Serializer):
    findings = serializers.IntegerField()
    findings_by_severity = serializers.DictField(child=serializers.IntegerField())
    liabilities_by_state = serializers.DictField(child=serializers.IntegerField())
    cases = serializers.IntegerField()


class HeadProfileSerializer(serializers.Serializer):
    officer = OfficerBriefSerializer()
    period = ProfilePeriodSerializer()
    summary = ProfileSummarySerializer()
    tenures = TenureSerializer(many=True)
    liabilities = LiabilityOutputSerializer(many=True)
    cases = CaseOutputSerializer(many=True)


# --- the rankings (scoring.compute_rankings) ---


class RankingChecksSerializer(serializers.Serializer):
    percent = serializers.FloatField(allow_null=True)
    signed_reports = serializers.IntegerField()
    weight = serializers.FloatField()
    critical_failed_reports = serializers.IntegerField()
    critical_uncovered_reports = serializers.IntegerField()


class RankingTasksSerializer(serializers.Serializer):
    percent = serializers.FloatField(allow_null=True)
    total = serializers.IntegerField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    reported_late = serializers.IntegerField()
    missed = serializers.IntegerField()
    pending = serializers.IntegerField()
    weight = serializers.FloatField()


class RankingDeductionsSerializer(serializers.Serializer):
    points = serializers.FloatField()
    findings = serializers.IntegerField()
    by_severity = serializers.DictField(child=serializers.IntegerField())


class RankingComponentsSerializer(serializers.Serializer):
    checks = RankingChecksSerializer()
    tasks = RankingTasksSerializer()
    deductions = RankingDeductionsSerializer()


class RankingPreviousSerializer(serializers.Serializer):
    period = serializers.CharField()
    score = serializers.FloatField(allow_null=True)
    rank = serializers.IntegerField(allow_null=True)
    ranked = serializers.IntegerField()
    basis = serializers.CharField()


CONSEQUENCE_CODES = [("khong_xet_tang", "khong_xet_tang"), ("ha_bac", "ha_bac")]


class EmulationUnitSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=CONSEQUENCE_CODES)
    label_vi = serializers.CharField()
    label_en = serializers.CharField()
    reason_vi = serializers.CharField()
    reason_en = serializers.CharField()


class RankingOfficerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()


class RankingUnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


@spanning()
class EmulationHeadSerializer(EmulationUnitSerializer):
    officer = RankingOfficerSerializer()
    unit = RankingUnitRefSerializer()
    is_acting = serializers.BooleanField()


class EmulationSerializer(serializers.Serializer):
    unit = EmulationUnitSerializer(allow_null=True)
    heads = EmulationHeadSerializer(many=True)


class RankingRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField(allow_null=True)
    unit = UnitBriefSerializer()
    score = serializers.FloatField(allow_null=True)
    base = serializers.FloatField(allow_null=True)
    components = RankingComponentsSerializer()
    previous = RankingPreviousSerializer(
        help_text="The same units (a merged one through its predecessors) scored on the previous period")
    trend = serializers.ChoiceField(choices=[(x, x) for x in ("up", "down", "same", "new", "unranked")])
    rank_change = serializers.IntegerField(
        allow_null=True, help_text="Places moved (+ up, - down) among the units ranked in both periods")
    comparable = serializers.IntegerField(help_text="How many units were ranked in both periods")
    score_change = serializers.FloatField(allow_null=True)
    emulation = EmulationSerializer()
    note_vi = serializers.CharField(allow_blank=True)
    note_en = serializers.CharField(allow_blank=True)


class RankingPeriodSerializer(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]  # the key "label" (as above)
    start = serializers.DateField()
    end = serializers.DateField()


class RankingCurrentPeriodSerializer(RankingPeriodSerializer):
    provisional = serializers.BooleanField(help_text="The period is not over yet (điểm tạm tính)")


class RankingsSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=Unit.Level.choices)
    period = RankingCurrentPeriodSerializer()
    previous_period = RankingPeriodSerializer()
    policy_version = serializers.IntegerField()
    units = serializers.IntegerField()
    ranked = serializers.IntegerField()
    rows = RankingRowSerializer(many=True)
