"""Output serializers of the org API: each describes exactly the body its view returns (the OpenAPI
schema and the web app's generated types are read from them, issue 17)."""
from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from backend.org.models import Assignment, Camera, Counter, FieldOfCharge, Officer, Unit


class UnitBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "code", "name", "level"]


class UnitOutputSerializer(serializers.ModelSerializer):
    parent = UnitBriefSerializer(read_only=True, allow_null=True)
    successor = UnitBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Unit
        fields = ["id", "code", "name", "level", "parent", "valid_from", "valid_to", "successor"]


class OfficerOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Officer
        fields = ["id", "service_number", "full_name", "rank", "date_of_birth"]


class FieldOfChargeOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = FieldOfCharge
        fields = ["id", "code", "name_vi", "name_en", "description", "position", "active"]


class FieldBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = FieldOfCharge
        fields = ["id", "code", "name_vi", "name_en"]


class AssignmentOutputSerializer(serializers.ModelSerializer):
    officer = OfficerOutputSerializer(read_only=True)
    unit = UnitBriefSerializer(read_only=True)
    field = FieldBriefSerializer(read_only=True, allow_null=True,
                                 help_text="The deputy's field of charge; a deputy without one answers for nothing")

    class Meta:
        model = Assignment
        fields = ["id", "officer", "unit", "position", "is_head", "is_deputy", "is_acting", "field",
                  "in_charge_of", "valid_from", "valid_to", "decision_ref"]


class CounterOutputSerializer(serializers.ModelSerializer):
    unit = UnitBriefSerializer(read_only=True)

    class Meta:
        model = Counter
        fields = ["id", "code", "name", "unit", "opening_hours", "active"]


class CameraCounterUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CameraCounterSerializer(serializers.Serializer):
    """The camera's counter, and the counter's unit by id and name."""

    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    unit = CameraCounterUnitSerializer()


class ZoneSerializer(serializers.Serializer):
    """A detection zone as media_ingest/vision/zones.py validates it: a name and a polygon in 0..1."""

    name = serializers.CharField()
    points = serializers.ListField(child=serializers.ListField(child=serializers.FloatField(), min_length=2,
                                                               max_length=2),
                                   help_text="The polygon's corners, each [x, y] in 0..1 of the frame")


class CameraOutputSerializer(serializers.ModelSerializer):
    counter = serializers.SerializerMethodField()
    zones = ZoneSerializer(many=True, read_only=True)

    class Meta:
        model = Camera
        fields = ["id", "code", "name", "counter", "zones", "active"]

    @extend_schema_field(CameraCounterSerializer)
    def get_counter(self, obj: Camera) -> dict[str, Any]:
        return {"id": obj.counter_id, "code": obj.counter.code, "name": obj.counter.name,
                "unit": {"id": obj.counter.unit_id, "name": obj.counter.unit.name}}


class HeadBriefSerializer(serializers.ModelSerializer):
    officer = OfficerOutputSerializer(read_only=True)

    class Meta:
        model = Assignment
        fields = ["id", "officer", "position", "is_acting", "valid_from", "valid_to"]


class TreeNodeSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="unit.id")
    code = serializers.CharField(source="unit.code")
    name = serializers.CharField(source="unit.name")
    level = serializers.CharField(source="unit.level")
    valid_from = serializers.DateField(source="unit.valid_from")
    valid_to = serializers.DateField(source="unit.valid_to", allow_null=True)
    successor = UnitBriefSerializer(source="unit.successor", allow_null=True)
    parent_id = serializers.IntegerField(allow_null=True)
    heads = HeadBriefSerializer(many=True)


class EndingPostSerializer(serializers.Serializer):
    assignment = AssignmentOutputSerializer(help_text="The post as it stands (valid_to: its current end)")
    starts_after_end = serializers.BooleanField(help_text="It starts after the unit's last day: the end is "
                                                          "refused until it is corrected")


class EndRecordsSerializer(serializers.Serializer):
    findings = serializers.ListField(child=serializers.CharField())
    checks = serializers.ListField(child=serializers.CharField())
    clips = serializers.ListField(child=serializers.CharField())
    postings = serializers.ListField(child=serializers.CharField())


class UnitEndPreviewSerializer(serializers.Serializer):
    unit = UnitBriefSerializer()
    on = serializers.DateField(help_text="First day without the unit")
    last_day = serializers.DateField()
    already_ended = serializers.BooleanField()
    posts = EndingPostSerializer(many=True, help_text="Head, deputies (with their field) and officers whose "
                                                      "post ends on last_day")
    children = UnitBriefSerializer(many=True, help_text="Sub-units that need a new parent")
    records = EndRecordsSerializer(help_text="Records dated after last_day (an end in the past): findings "
                                             "and checks block it, clips and served postings are cut on confirm")


class UnitHeadsOutputSerializer(serializers.Serializer):
    unit = UnitBriefSerializer()
    at = serializers.DateField()
    unit_existed = serializers.BooleanField(help_text="The unit existed on `at`")
    parent = UnitBriefSerializer(allow_null=True)
    heads = AssignmentOutputSerializer(many=True)
    deputies = AssignmentOutputSerializer(many=True)


class ChainLinkSerializer(serializers.Serializer):
    unit = UnitBriefSerializer()
    heads = AssignmentOutputSerializer(many=True)


class OfficerDetailOutputSerializer(OfficerOutputSerializer):
    at = serializers.DateField()
    assignments = AssignmentOutputSerializer(many=True, help_text="Postings in the reader's units only")
    chain_of_command = ChainLinkSerializer(many=True, help_text="Empty when the officer served outside "
                                                                "the reader's units that day")

    class Meta(OfficerOutputSerializer.Meta):
        fields = [*OfficerOutputSerializer.Meta.fields, "at", "assignments", "chain_of_command"]


class FieldOfChargeListOutputSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = FieldOfChargeOutputSerializer(many=True)


class UnitParentLinkSerializer(serializers.Serializer):
    parent = UnitBriefSerializer()  # UnitLink.parent is not null
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(allow_null=True)
