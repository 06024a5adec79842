"""The risk snapshot and its weights."""
from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.selectors import require_role
from backend.core.actors import AuthedRequest
from backend.core.params import REASON_MAX, PlainTextField
from inspection import selectors_risk, services_risk
from inspection.apis.common import LEAD, TEAM, _unit_brief, ref_brief_required
from inspection.models import RiskSnapshot


class RiskSnapshotOutputSerializer(serializers.ModelSerializer):
    unit = serializers.SerializerMethodField()
    features = serializers.DictField(child=serializers.FloatField(), read_only=True,
                                     help_text="Each feature's value (inspection/risk.py FEATURES and SHOWN)")
    weights = serializers.DictField(child=serializers.FloatField(), read_only=True,
                                    help_text="The weights the score was computed with, `base` included")
    contributions = serializers.DictField(child=serializers.FloatField(), read_only=True,
                                          help_text="Each feature's part of the score (weight x value), and `base`")

    class Meta:
        model = RiskSnapshot
        fields = ["id", "unit", "computed_at", "as_of", "score", "features", "weights", "contributions"]

    @ref_brief_required
    def get_unit(self, obj: RiskSnapshot) -> dict[str, Any] | None:
        return _unit_brief(obj.unit)


class RiskListOutputSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = RiskSnapshotOutputSerializer(many=True)


class RiskWeightsOutputSerializer(serializers.Serializer):
    weights = serializers.DictField(child=serializers.FloatField())
    params = serializers.DictField(child=serializers.FloatField())


class RiskWeightsSetOutputSerializer(RiskWeightsOutputSerializer):
    note = serializers.CharField(allow_blank=True)


class RiskApi(APIView):
    """GET: the latest risk snapshot per unit, with its explanation. POST (lead): compute now."""

    @extend_schema(responses=RiskListOutputSerializer)
    def get(self, request: AuthedRequest) -> Response:
        snaps = selectors_risk.risk_latest(user=request.user)
        return Response({"count": len(snaps), "results": RiskSnapshotOutputSerializer(snaps, many=True).data})

    @extend_schema(request=None, responses={201: RiskListOutputSerializer})
    def post(self, request: AuthedRequest) -> Response:
        require_role(request.user, *LEAD)
        snaps = sorted(services_risk.risk_compute(by=request.user), key=lambda s: (-s.score, s.unit.code))
        return Response({"count": len(snaps), "results": RiskSnapshotOutputSerializer(snaps, many=True).data},
                        status=201)


class RiskWeightsApi(APIView):
    class InputSerializer(serializers.Serializer):
        weights = serializers.DictField(child=serializers.FloatField(min_value=0, max_value=100), required=False,
                                        default=dict)
        params = serializers.DictField(child=serializers.FloatField(min_value=0, max_value=3650), required=False,
                                       default=dict)
        note = PlainTextField(required=False, allow_blank=True, default="", max_length=REASON_MAX)

    @extend_schema(responses=RiskWeightsOutputSerializer)
    def get(self, request: AuthedRequest) -> Response:
        require_role(request.user, *TEAM)
        weights, params = services_risk.risk_config()
        return Response({"weights": weights, "params": params})

    @extend_schema(responses=RiskWeightsSetOutputSerializer)
    def put(self, request: AuthedRequest) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = services_risk.risk_weights_set(by=request.user, **data.validated_data)
        return Response({"weights": row.weights, "params": row.params, "note": row.note})
