"""What a finding's answers look like, for the OpenAPI schema and the generated types (issue 17): the
brief shapes `finding_rows.finding_output` and `findings._finding_detail` write."""
from __future__ import annotations

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from inspection.apis.common import UserBriefSerializer
from inspection.models import FindingExplanation, FindingSubject


class FindingCategoryBriefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name_vi = serializers.CharField()
    name_en = serializers.CharField()


class FindingCheckRefSerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text="The check's uid")
    reference = serializers.CharField()


class SubjectOfficerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    service_number = serializers.CharField()
    full_name = serializers.CharField()
    rank = serializers.CharField(allow_blank=True)


class FindingSubjectOutputSerializer(serializers.Serializer):
    officer = SubjectOfficerSerializer()
    role = serializers.ChoiceField(choices=FindingSubject.Role.choices)
    knew_and_did_not_act = serializers.BooleanField()
    covered_up = serializers.BooleanField()
    note = serializers.CharField(allow_blank=True)


def transitions_field() -> serializers.Serializer:
    """A finding's transitions (`from` is a keyword: the fields are given by name)."""
    return inline_serializer("FindingTransitionOutput", {
        "from": serializers.CharField(allow_blank=True, help_text="The state before (blank for the first)"),
        "to": serializers.CharField(),
        "actor": UserBriefSerializer(),
        "reason": serializers.CharField(allow_blank=True),
        "at": serializers.DateTimeField(),
    }, many=True, read_only=True)


class FindingEvidenceItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="file, report_photo or note (review.EvidenceItem kinds attached on the finding page)")
    filename = serializers.CharField(allow_blank=True)
    size = serializers.IntegerField(allow_null=True)
    sha256 = serializers.CharField(allow_blank=True)
    media_ref = serializers.CharField(allow_blank=True)
    description = serializers.CharField(allow_blank=True)
    added_at = serializers.DateTimeField()


class FindingExplanationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=FindingExplanation.Kind.choices)
    text = serializers.CharField()
    author = UserBriefSerializer()
    at = serializers.DateTimeField()


class FindingEvidenceInputSerializer(serializers.Serializer):
    """POST /findings/{id}/evidence/: a file, a report's evidence file, or a pointer to media evidence."""

    file = serializers.FileField(required=False)
    report_evidence_id = serializers.IntegerField(required=False, allow_null=True,
                                                  help_text="An evidence file of the finding's check report")
    media_ref = serializers.CharField(required=False, allow_blank=True, max_length=120)
    description = serializers.CharField(required=False, allow_blank=True)


class FindingEvidenceAddedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    filename = serializers.CharField(allow_blank=True)
    sha256 = serializers.CharField(allow_blank=True)
    media_ref = serializers.CharField(allow_blank=True)
