"""A disciplinary case's computed view (selectors_case_views.CaseView.as_dict) and the units'
explanations beside it (selectors.case_explanations), declared for the schema (issue 17): the view
builds dicts, these serializers state the same shape so the generated frontend types say what is sent
(tests/accountability/test_bodies_match_schema.py checks real bodies against them)."""
from __future__ import annotations

from rest_framework import serializers

from inspection.accountability.models import SubjectKind
from inspection.models import FindingExplanation

LIMITATION_STATUSES = [(code, code) for code in ("ok", "warning", "expired", "none")]
HANDLING_STATUSES = [(code, code) for code in ("running", "met", "late")]
ANSWER_STATUSES = [(code, code) for code in ("running", "late", "answered", "answered_late")]


class ComputedFormSerializer(serializers.Serializer):
    """engine.FormRef.as_dict: a form of the rule book the case was computed under."""

    id = serializers.IntegerField()
    code = serializers.CharField()
    subject_kind = serializers.ChoiceField(choices=SubjectKind.choices)
    level = serializers.IntegerField()
    name_vi = serializers.CharField()
    name_en = serializers.CharField()
    limitation_years = serializers.IntegerField()
    requires_council = serializers.BooleanField()
    basis = serializers.CharField(allow_blank=True)


class LimitationSerializer(serializers.Serializer):
    """escalation.Limitation.as_dict."""

    start = serializers.DateField()
    restarted_by = serializers.CharField(allow_null=True)
    years = serializers.IntegerField(allow_null=True)
    form = serializers.CharField(help_text="The form's code")
    deadline = serializers.DateField(allow_null=True)
    days_left = serializers.IntegerField(allow_null=True)
    status = serializers.ChoiceField(choices=LIMITATION_STATUSES)
    message_vi = serializers.CharField(allow_blank=True)
    message_en = serializers.CharField(allow_blank=True)
    basis = serializers.CharField(allow_blank=True)
    barred_from = serializers.DateField(allow_null=True)
    barred_vi = serializers.CharField(allow_blank=True)
    barred_en = serializers.CharField(allow_blank=True)


class CaseViolationSerializer(serializers.Serializer):
    finding_id = serializers.IntegerField()
    reference = serializers.CharField()
    occurred_on = serializers.DateField()
    form = ComputedFormSerializer()
    rule = serializers.CharField(help_text="The rule's code")
    rule_name_vi = serializers.CharField(help_text="The rule's name in words (its text up to the colon)")
    rule_name_en = serializers.CharField()
    rule_basis = serializers.CharField(allow_blank=True, help_text="The rule's legal basis")
    why_vi = serializers.CharField()
    why_en = serializers.CharField()
    time_barred = serializers.BooleanField()
    limitation = LimitationSerializer(allow_null=True)


class EscalationStepSerializer(serializers.Serializer):
    """escalation.Step.as_dict."""

    code = serializers.CharField()
    change = serializers.IntegerField()
    form = ComputedFormSerializer()
    text_vi = serializers.CharField()
    text_en = serializers.CharField()


class CaseFactorCountsSerializer(serializers.Serializer):
    aggravating = serializers.IntegerField()
    mitigating = serializers.IntegerField()


class CaseNoteSerializer(serializers.Serializer):
    vi = serializers.CharField()
    en = serializers.CharField()


class HandlingDeadlineSerializer(serializers.Serializer):
    opened_on = serializers.DateField()
    days = serializers.IntegerField()
    complex = serializers.BooleanField()
    deadline = serializers.DateField()
    status = serializers.ChoiceField(choices=HANDLING_STATUSES)
    source = serializers.CharField(allow_blank=True)  # type: ignore[assignment]  # the key "source" (the metaclass takes it off the class)
    decided_on = serializers.DateField(allow_null=True)
    text_vi = serializers.CharField()
    text_en = serializers.CharField()


class CouncilStepSerializer(serializers.Serializer):
    required = serializers.BooleanField()  # type: ignore[assignment]  # the key "required" (as above)
    form = serializers.CharField(allow_null=True, help_text="The form's code")
    held_on = serializers.DateField(allow_null=True)
    note = serializers.CharField(allow_blank=True)
    source = serializers.CharField(allow_blank=True)  # type: ignore[assignment]  # the key "source" (as above)


class ComplaintAnswerSerializer(serializers.Serializer):
    received_on = serializers.DateField()
    accept_by = serializers.DateField()
    accept_days = serializers.IntegerField()
    accepted_on = serializers.DateField(allow_null=True)
    complex = serializers.BooleanField()
    days = serializers.IntegerField()
    deadline = serializers.DateField()
    answered_on = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=ANSWER_STATUSES)
    source = serializers.CharField(allow_blank=True)  # type: ignore[assignment]  # the key "source" (as above)
    text_vi = serializers.CharField()
    text_en = serializers.CharField()


class ComplaintWindowSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    deadline = serializers.DateField()
    filed_on = serializers.DateField(allow_null=True)
    source = serializers.CharField(allow_blank=True)  # type: ignore[assignment]  # the key "source" (as above)
    text_vi = serializers.CharField()
    text_en = serializers.CharField()
    answer = ComplaintAnswerSerializer(allow_null=True, help_text="When the answer to this complaint is due")


ComplaintWindowSerializer._declared_fields["from"] = serializers.DateField()  # "from" is a Python keyword


class ComplaintWindowsSerializer(serializers.Serializer):
    first = ComplaintWindowSerializer(allow_null=True)
    second = ComplaintWindowSerializer(allow_null=True)


class CaseDeadlinesSerializer(serializers.Serializer):
    handling = HandlingDeadlineSerializer()
    council = CouncilStepSerializer()
    complaints = ComplaintWindowsSerializer()


class CaseComputedSerializer(serializers.Serializer):
    """The case's computed view: its violations, the escalation, the form, the limitation, the deadlines."""

    violations = CaseViolationSerializer(many=True)
    steps = EscalationStepSerializer(many=True)
    computed_form = ComputedFormSerializer(allow_null=True)
    limitation = LimitationSerializer(allow_null=True)
    factors = CaseFactorCountsSerializer()
    notes = CaseNoteSerializer(many=True)
    deadlines = CaseDeadlinesSerializer()


class CaseExplanationAuthorSerializer(serializers.Serializer):
    """selectors.author_brief: rank and name of the officer behind the account."""

    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField()
    rank = serializers.CharField(allow_blank=True)
    name = serializers.CharField()


class CaseExplanationSerializer(serializers.Serializer):
    """What a unit answered to one of the case's findings (giải trình, tự kiểm điểm)."""

    id = serializers.IntegerField()
    finding_id = serializers.IntegerField()
    finding_reference = serializers.CharField()
    kind = serializers.ChoiceField(choices=FindingExplanation.Kind.choices)
    kind_label = serializers.CharField()
    text = serializers.CharField()
    at = serializers.DateTimeField()
    author = CaseExplanationAuthorSerializer()
