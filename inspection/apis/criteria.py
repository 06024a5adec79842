"""Criteria sets and finding categories: list, detail, export, activate; the fields of a category."""
from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import Role
from backend.accounts.selectors import require_role
from backend.core.actors import AuthedRequest
from backend.core.pagination import Pagination
from backend.core.params import IdField, Query
from backend.core.schema import q_int
from backend.org.apis import paginate
from backend.org.serializers import FieldBriefSerializer
from inspection import selectors_common, selectors_criteria, services_criteria
from inspection.apis.common import LEAD
from inspection.models import CriteriaSet, FindingCategory


class CriteriaSetOutputSerializer(serializers.ModelSerializer):
    criteria_count = serializers.IntegerField(required=False)  # only where the query annotates it (so not read_only: the schema would require it)

    class Meta:
        model = CriteriaSet
        fields = ["id", "code", "year", "version", "name", "description", "is_active", "created_at",
                  "criteria_count"]


@extend_schema_field({"type": "array", "items": {"$ref": "#/components/schemas/CriterionNode"}})
class CriterionChildrenField(serializers.ListField):
    """The sub-criteria of a criterion (the same shape, nested)."""


class CriterionNodeSerializer(serializers.Serializer):
    """One node of `selectors.criteria_tree`: guidance and children only when it has them."""

    code = serializers.CharField()
    text = serializers.CharField()
    text_en = serializers.CharField(allow_blank=True)
    max_points = serializers.FloatField()
    weight = serializers.FloatField()
    critical = serializers.BooleanField()
    guidance = serializers.CharField(required=False)
    category = serializers.CharField(required=False, help_text="Code of the kind of violation a failure is filed as")
    children = CriterionChildrenField(required=False)


class CriteriaSetTreeOutputSerializer(CriteriaSetOutputSerializer):
    criteria = CriterionNodeSerializer(many=True)

    class Meta(CriteriaSetOutputSerializer.Meta):
        fields = [*CriteriaSetOutputSerializer.Meta.fields, "criteria"]


class CriteriaSetExportSerializer(serializers.Serializer):
    """The export's JSON (_criteria_export): what the import (POST criteria-sets/) reads back."""

    code = serializers.CharField()
    year = serializers.IntegerField()
    version = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    is_active = serializers.BooleanField()
    criteria = CriterionNodeSerializer(many=True)


def _criteria_export(cs: CriteriaSet) -> dict[str, Any]:
    return {"code": cs.code, "year": cs.year, "version": cs.version, "name": cs.name,
            "description": cs.description, "is_active": cs.is_active,
            "criteria": selectors_criteria.criteria_tree(criteria_set=cs)}


class CriteriaSetListApi(APIView):
    """GET: every criteria set. POST (lead): import one from the export's JSON shape."""

    pagination_class = Pagination  # the schema's page shape (paginate() pages the body)

    @extend_schema(parameters=[q_int("year")], responses=CriteriaSetOutputSerializer(many=True))
    def get(self, request: AuthedRequest) -> Response:
        require_role(request.user, *selectors_common.CHECK_READERS)
        year = Query(request).int("year", lo=1900, hi=2199)
        return paginate(request, self, selectors_criteria.criteria_sets_list(year=year), CriteriaSetOutputSerializer)

    @extend_schema(request=OpenApiTypes.OBJECT, responses={201: CriteriaSetTreeOutputSerializer})
    def post(self, request: AuthedRequest) -> Response:
        require_role(request.user, *LEAD)
        cs = services_criteria.criteria_set_import(by=request.user, data=request.data)
        return Response({**CriteriaSetOutputSerializer(cs).data, "criteria": selectors_criteria.criteria_tree(criteria_set=cs)},
                        status=201)


class CriteriaSetDetailApi(APIView):
    @extend_schema(responses=CriteriaSetTreeOutputSerializer)
    def get(self, request: AuthedRequest, pk: int) -> Response:
        require_role(request.user, *selectors_common.CHECK_READERS)
        cs = selectors_criteria.criteria_set_get(pk=pk)
        return Response({**CriteriaSetOutputSerializer(cs).data, "criteria": selectors_criteria.criteria_tree(criteria_set=cs)})


class CriteriaSetExportApi(APIView):
    @extend_schema(responses={(200, "application/json"): CriteriaSetExportSerializer})
    def get(self, request: AuthedRequest, pk: int) -> HttpResponse:
        require_role(request.user, *selectors_common.CHECK_READERS)
        cs = selectors_criteria.criteria_set_get(pk=pk)
        body = json.dumps(_criteria_export(cs), ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="criteria-{cs.code}-{cs.year}-v{cs.version}.json"'
        return response


class CriteriaSetActivateApi(APIView):
    class InputSerializer(serializers.Serializer):
        active = serializers.BooleanField()

    @extend_schema(responses=CriteriaSetOutputSerializer)
    def post(self, request: AuthedRequest, pk: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cs = services_criteria.criteria_set_activate(by=request.user, criteria_set=selectors_criteria.criteria_set_get(pk=pk),
                                                     active=data.validated_data["active"])
        return Response(CriteriaSetOutputSerializer(cs).data)


class CategoryOutputSerializer(serializers.ModelSerializer):
    fields_of_charge = FieldBriefSerializer(source="fields", many=True, read_only=True,
                                            help_text="Fields of charge the category belongs to (lĩnh vực phụ trách)")

    class Meta:
        model = FindingCategory
        fields = ["id", "code", "name_vi", "name_en", "default_severity", "deduction_points", "fields_of_charge"]


class CategoryListApi(APIView):
    @extend_schema(responses=CategoryOutputSerializer(many=True))
    def get(self, request: AuthedRequest) -> Response:
        require_role(request.user, *selectors_common.FINDING_READERS)
        return Response(CategoryOutputSerializer(selectors_criteria.categories_list(), many=True).data)


class CategoryFieldsApi(APIView):
    """PUT (admin): the fields of charge a category belongs to (the deputy of one of them answers for it)."""

    class InputSerializer(serializers.Serializer):
        field_ids = serializers.ListField(child=IdField(), max_length=50, allow_empty=True)

    @extend_schema(responses=CategoryOutputSerializer)
    def put(self, request: AuthedRequest, pk: int) -> Response:
        require_role(request.user, Role.ADMIN)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        category = services_criteria.category_fields_set(by=request.user, category=selectors_criteria.category_get(pk=pk),
                                                         field_ids=data.validated_data["field_ids"])
        return Response(CategoryOutputSerializer(selectors_criteria.category_get(pk=category.pk)).data)
