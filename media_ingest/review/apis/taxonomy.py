"""The tag taxonomy: labels, list and edit."""
from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.core.actors import AuthedRequest
from backend.core.errors import NotFound
from backend.core.params import REASON_MAX, PlainTextField, Query
from media_ingest.review import selectors, services
from media_ingest.review.apis.common import validated
from media_ingest.review.apis.outputs import TagLabelOutputSerializer, TaxonomyListSerializer
from media_ingest.review.models import TagLabel


def label_to_dict(label: TagLabel) -> dict[str, Any]:
    return {"code": label.code, "name_vi": label.name_vi, "name_en": label.name_en,
            "description": label.description, "finding_category_code": label.finding_category_code,
            "position": label.position, "active": label.active}


class TaxonomyApi(APIView):
    class TaxonomyInputSerializer(serializers.Serializer):
        code = serializers.CharField(max_length=40)
        name_vi = PlainTextField(one_line=True, max_length=120)
        name_en = PlainTextField(one_line=True, max_length=120)
        description = PlainTextField(required=False, allow_blank=True, default="", max_length=REASON_MAX)
        finding_category_code = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
        position = serializers.IntegerField(min_value=0, max_value=100_000, required=False, default=0)

    @extend_schema(responses=TaxonomyListSerializer)
    def get(self, request: AuthedRequest) -> Response:
        selectors.require_footage(request.user)
        include = Query(request).bool("include_inactive", default=False)
        return Response({"results": [label_to_dict(x) for x in selectors.tag_labels(include_inactive=include)]})

    @extend_schema(request=TaxonomyInputSerializer, responses={201: TagLabelOutputSerializer})
    def post(self, request: AuthedRequest) -> Response:
        services.require_admin(request.user)
        data = validated(self.TaxonomyInputSerializer, request.data)
        return Response(label_to_dict(services.tag_label_create(by=request.user, **data)), status=201)


class TaxonomyDetailApi(APIView):
    class TaxonomyDetailInputSerializer(serializers.Serializer):
        name_vi = PlainTextField(one_line=True, max_length=120, required=False)
        name_en = PlainTextField(one_line=True, max_length=120, required=False)
        description = PlainTextField(required=False, allow_blank=True, max_length=REASON_MAX)
        finding_category_code = serializers.CharField(max_length=40, required=False, allow_blank=True)
        position = serializers.IntegerField(min_value=0, max_value=100_000, required=False)
        active = serializers.BooleanField(required=False)

    @extend_schema(request=TaxonomyDetailInputSerializer, responses=TagLabelOutputSerializer)
    def patch(self, request: AuthedRequest, code: str) -> Response:
        services.require_admin(request.user)
        label = TagLabel.objects.filter(code=code).first()
        if label is None:
            raise NotFound("Không tìm thấy nhãn.", "Label not found.")
        data = validated(self.TaxonomyDetailInputSerializer, request.data)
        return Response(label_to_dict(services.tag_label_update(by=request.user, label=label, changes=data)))
