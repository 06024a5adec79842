"""Thin views over org selectors and services."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import Role
from backend.accounts.selectors import require_role, user_unit_ids
from backend.core.actors import AuthedRequest
from backend.core.drf_messages import CODE_PATTERN_EN, SERVICE_NUMBER_PATTERN_EN
from backend.core.errors import DomainError, NotFound
from backend.core.pagination import Pagination
from backend.core.params import DateField, IdField, PlainTextField, Query
from backend.core.schema import q_choice, q_date, q_id, q_text
from backend.org import end_preview, selectors, services_devices, services_officers, services_units
from backend.org.models import Assignment, Counter, Unit
from backend.org.serializers import (
    AssignmentOutputSerializer,
    CameraOutputSerializer,
    CounterOutputSerializer,
    FieldOfChargeListOutputSerializer,
    FieldOfChargeOutputSerializer,
    OfficerDetailOutputSerializer,
    OfficerOutputSerializer,
    TreeNodeSerializer,
    UnitEndPreviewSerializer,
    UnitHeadsOutputSerializer,
    UnitOutputSerializer,
    UnitParentLinkSerializer,
)

ADMIN = (Role.ADMIN,)


def paginate(request: Request, view: APIView, queryset: Any,
             serializer: Callable[..., serializers.BaseSerializer]) -> Response:
    paginator = Pagination()
    page: list[Any] | None = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer(page, many=True, context={"request": request}).data)


class UnitListApi(APIView):
    pagination_class = Pagination  # the schema's page shape (paginate() pages the body)
    class InputSerializer(serializers.Serializer):
        code = serializers.CharField(max_length=40)
        name = PlainTextField(one_line=True, max_length=200)
        level = serializers.ChoiceField(choices=Unit.Level.choices)
        parent_id = IdField(required=False, allow_null=True)
        valid_from = DateField()
        valid_to = DateField(required=False, allow_null=True)

    @extend_schema(parameters=[q_text("search"), q_date("at"), q_choice("level", Unit.Level.values)],
                   responses=UnitOutputSerializer(many=True))
    def get(self, request: AuthedRequest) -> Response:
        q = Query(request)
        qs = selectors.units_list(
            unit_ids=user_unit_ids(request.user), search=q.text("search"), at=q.date("at"),
            level=q.choice("level", Unit.Level.values) or "",
        )
        return paginate(request, self, qs, UnitOutputSerializer)

    @extend_schema(responses={201: UnitOutputSerializer})
    def post(self, request: AuthedRequest) -> Response:
        require_role(request.user, *ADMIN)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        parent = selectors.unit_get(unit_ids=None, pk=v["parent_id"]) if v.get("parent_id") else None
        unit = services_units.unit_create(by=request.user, code=v["code"], name=v["name"], level=v["level"],
                                          parent=parent, valid_from=v["valid_from"], valid_to=v.get("valid_to"))
        return Response(UnitOutputSerializer(unit).data, status=201)


class UnitDetailApi(APIView):
    class InputSerializer(serializers.Serializer):
        name = PlainTextField(one_line=True, max_length=200)
        reason = PlainTextField(max_length=1000, required=False, allow_blank=True, default="")

    @extend_schema(responses=UnitOutputSerializer)
    def get(self, request: AuthedRequest, pk: int) -> Response:
        unit = selectors.unit_get(unit_ids=user_unit_ids(request.user), pk=pk)
        return Response(UnitOutputSerializer(unit).data)

    @extend_schema(responses=UnitOutputSerializer)
    def patch(self, request: AuthedRequest, pk: int) -> Response:
        require_role(request.user, *ADMIN)
        unit = selectors.unit_get(unit_ids=None, pk=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        unit = services_units.unit_rename(by=request.user, unit=unit, name=data.validated_data["name"],
                                          reason=data.validated_data["reason"])
        return Response(UnitOutputSerializer(unit).data)


class UnitTreeApi(APIView):
    """Units as they stood on `at` (default today): the tree, each with its head(s) that day."""

    class OutputSerializer(serializers.Serializer):
        at = serializers.DateField()
        units = TreeNodeSerializer(many=True)

    @extend_schema(parameters=[q_date("at", "Default: today")], responses=OutputSerializer)
    def get(self, request: AuthedRequest) -> Response:
        at = Query(request).date("at") or timezone.localdate()
        nodes = selectors.unit_tree_at(at=at, unit_ids=user_unit_ids(request.user))
        return Response(self.OutputSerializer({"at": at, "units": nodes}).data)


class UnitHistoryApi(APIView):
    class OutputSerializer(serializers.Serializer):
        unit = UnitOutputSerializer()
        predecessors = UnitOutputSerializer(many=True)
        parent_links = UnitParentLinkSerializer(many=True)
        assignments = AssignmentOutputSerializer(many=True)

    @extend_schema(responses=OutputSerializer)
    def get(self, request: AuthedRequest, pk: int) -> Response:
        unit = selectors.unit_get(unit_ids=user_unit_ids(request.user), pk=pk)
        return Response(self.OutputSerializer(selectors.unit_history(unit=unit)).data)


class UnitPostingsApi(APIView):
    """Who served in the unit on `at`, with their post (the subject picker of a finding)."""
    pagination_class = Pagination  # the schema's page shape (paginate() pages the body)

    @extend_schema(parameters=[q_date("at", "Default: today"), q_text("search")],
                   responses=AssignmentOutputSerializer(many=True))
    def get(self, request: AuthedRequest, pk: int) -> Response:
        unit = selectors.unit_get(unit_ids=user_unit_ids(request.user), pk=pk)
        q = Query(request)
        at = q.date("at") or timezone.localdate()
        qs = selectors.unit_postings(unit=unit, at=at, search=q.text("search"))
        return paginate(request, self, qs, AssignmentOutputSerializer)


class UnitAbolishApi(APIView):
    class InputSerializer(serializers.Serializer):
        on = DateField(help_text="First day the unit no longer exists")
        successor_id = IdField(required=False, allow_null=True)
        children_to_id = IdField(required=False, allow_null=True)
        reason = PlainTextField(required=False, allow_blank=True, max_length=1000,
                                       help_text="Required when `on` is in the past")
        confirm = serializers.BooleanField(required=False, default=False,
                                           help_text="Cut the clips / served postings listed by a 409")

    @extend_schema(responses=UnitOutputSerializer)
    def post(self, request: AuthedRequest, pk: int) -> Response:
        require_role(request.user, *ADMIN)
        unit = selectors.unit_get(unit_ids=None, pk=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        successor = selectors.unit_get(unit_ids=None, pk=v["successor_id"]) if v.get("successor_id") else None
        children_to = (selectors.unit_get(unit_ids=None, pk=v["children_to_id"])
                       if v.get("children_to_id") else None)
        unit = services_units.unit_abolish(by=request.user, unit=unit, on=v["on"], successor=successor,
                                           children_to=children_to, reason=v.get("reason", ""), confirm=v["confirm"])
        return Response(UnitOutputSerializer(selectors.unit_get(unit_ids=None, pk=unit.pk)).data)


class UnitEndPreviewApi(APIView):
    """GET ?on=DATE: what merging or abolishing the unit from DATE would end, before confirming it."""

    @extend_schema(parameters=[OpenApiParameter("on", OpenApiTypes.DATE, required=True)],
                   responses=UnitEndPreviewSerializer)
    def get(self, request: AuthedRequest, pk: int) -> Response:
        require_role(request.user, *ADMIN)
        unit = selectors.unit_get(unit_ids=None, pk=pk)
        on = Query(request).date("on")
        if on is None:
            raise DomainError("Cần chọn ngày hiệu lực (on).", "The on date is required.", code="invalid_param",
                              fields={"on": ["required"]})
        return Response(UnitEndPreviewSerializer(end_preview.unit_end_preview(unit=unit, on=on, viewer=request.user)).data)


class UnitMergeApi(APIView):
    class InputSerializer(serializers.Serializer):
        unit_ids = serializers.ListField(child=IdField(), min_length=1, max_length=50)
        into_id = IdField()
        on = DateField(help_text="First day of the merged unit")
        reason = PlainTextField(required=False, allow_blank=True, max_length=1000,
                                       help_text="Required when `on` is in the past")
        confirm = serializers.BooleanField(required=False, default=False,
                                           help_text="Cut the clips / served postings listed by a 409")

    @extend_schema(responses=UnitOutputSerializer)
    def post(self, request: AuthedRequest) -> Response:
        require_role(request.user, *ADMIN)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        into = selectors.unit_get(unit_ids=None, pk=v["into_id"])
        units = [selectors.unit_get(unit_ids=None, pk=i) for i in v["unit_ids"]]
        services_units.unit_merge(by=request.user, units=units, into=into, on=v["on"], reason=v.get("reason", ""),
                                  confirm=v["confirm"])
        return Response(UnitOutputSerializer(selectors.unit_get(unit_ids=None, pk=into.pk)).data)


class UnitHeadsApi(APIView):
    @extend_schema(parameters=[q_date("at", "Default: today")], responses=UnitHeadsOutputSerializer)
    def get(self, request: AuthedRequest, pk: int) -> Response:
        unit = selectors.unit_get(unit_ids=user_unit_ids(request.user), pk=pk)
        at = Query(request).date("at") or timezone.localdate()
        heads = selectors.unit_heads_at(unit=unit, at=at)
        deputies = selectors.unit_deputies_at(unit=unit, at=at)
        parent = selectors.unit_parent_at(unit=unit, at=at)
        existed = unit.valid_from <= at and (unit.valid_to is None or unit.valid_to >= at)
        return Response(UnitHeadsOutputSerializer({"unit": unit, "at": at, "unit_existed": existed, "parent": parent,
                                                   "heads": heads, "deputies": deputies}).data)


class OfficerListApi(APIView):
    pagination_class = Pagination  # the schema's page shape (paginate() pages the body)
    class InputSerializer(serializers.Serializer):
        service_number = serializers.RegexField(r"^[0-9A-Za-z-]{3,20}$",
                                                error_messages={"invalid": SERVICE_NUMBER_PATTERN_EN})
        full_name = PlainTextField(one_line=True, max_length=120)
        rank = PlainTextField(one_line=True, max_length=60, required=False, allow_blank=True, default="")
        date_of_birth = DateField(required=False, allow_null=True)
        distinct_reason = PlainTextField(max_length=1000, required=False, allow_blank=True, default="", help_text=(
            "Why this officer is a different person from a look-alike (same name without marks and birth date): "
            "needed only when the answer is 409 officer_lookalike; audited"))

    @extend_schema(parameters=[q_text("search")], responses=OfficerOutputSerializer(many=True))
    def get(self, request: AuthedRequest) -> Response:
        qs = selectors.officers_list(unit_ids=user_unit_ids(request.user),
                                     search=Query(request).text("search"))
        return paginate(request, self, qs, OfficerOutputSerializer)

    @extend_schema(responses={201: OfficerOutputSerializer})
    def post(self, request: AuthedRequest) -> Response:
        require_role(request.user, *ADMIN)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        officer = services_officers.officer_create(by=request.user, **data.validated_data)
        return Response(OfficerOutputSerializer(officer).data, status=201)


class OfficerDetailApi(APIView):
    class InputSerializer(serializers.Serializer):
        service_number = serializers.RegexField(r"^[0-9A-Za-z-]{3,20}$", required=False,
                                                error_messages={"invalid": SERVICE_NUMBER_PATTERN_EN})
        full_name = PlainTextField(one_line=True, max_length=120, required=False)
        rank = PlainTextField(one_line=True, max_length=60, required=False, allow_blank=True)
        date_of_birth = DateField(required=False, allow_null=True)
        reason = PlainTextField(max_length=1000, required=False, allow_blank=True)
        distinct_reason = PlainTextField(max_length=1000, required=False, allow_blank=True, help_text=(
            "Why this officer is a different person from a look-alike: needed only on 409 officer_lookalike"))

    @extend_schema(responses=OfficerOutputSerializer)
    def patch(self, request: AuthedRequest, pk: int) -> Response:
        require_role(request.user, *ADMIN)
        officer = selectors.officer_get(unit_ids=None, pk=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        officer = services_officers.officer_update(by=request.user, officer=officer, **data.validated_data)
        return Response(OfficerOutputSerializer(officer).data)

    @extend_schema(parameters=[q_date("at", "Default: today")], responses=OfficerDetailOutputSerializer)
    def get(self, request: AuthedRequest, pk: int) -> Response:
        scope = user_unit_ids(request.user)
        officer = selectors.officer_get(unit_ids=scope, pk=pk)
        at = Query(request).date("at") or timezone.localdate()
        chain = selectors.chain_of_command(officer=officer, at=at)
        if scope is not None and (not chain or chain[0].unit.pk not in scope):
            chain = []  # the officer served outside the reader's units that day: nothing to say about it
        # postings in the reader's units only (a unit head gets 404 on the others)
        detail = {name: getattr(officer, name) for name in OfficerOutputSerializer.Meta.fields}
        detail.update(at=at, assignments=selectors.assignments_list(unit_ids=scope, officer_id=officer.pk),
                      chain_of_command=chain)
        return Response(OfficerDetailOutputSerializer(detail).data)


class AssignmentListApi(APIView):
    pagination_class = Pagination  # the schema's page shape (paginate() pages the body)
    class InputSerializer(serializers.Serializer):
        officer_id = IdField()
        unit_id = IdField()
        position = PlainTextField(one_line=True, max_length=120)
        is_head = serializers.BooleanField(default=False)
        is_deputy = serializers.BooleanField(default=False)
        is_acting = serializers.BooleanField(default=False)
        field_id = IdField(required=False, allow_null=True)
        in_charge_of = PlainTextField(one_line=True, max_length=200, required=False, allow_blank=True, default="")
        valid_from = DateField()
        valid_to = DateField(required=False, allow_null=True)
        decision_ref = PlainTextField(one_line=True, max_length=80, required=False, allow_blank=True, default="")
        reason = PlainTextField(required=False, allow_blank=True, max_length=1000, default="",
                                help_text="Required when the post reaches into a recorded finding's period")

    @extend_schema(parameters=[q_id("unit"), q_id("officer"), q_date("at")],
                   responses=AssignmentOutputSerializer(many=True))
    def get(self, request: AuthedRequest) -> Response:
        q = Query(request)
        qs = selectors.assignments_list(
            unit_ids=user_unit_ids(request.user), unit_id=q.id("unit"), officer_id=q.id("officer"),
            at=q.date("at"),
        )
        return paginate(request, self, qs, AssignmentOutputSerializer)

    @extend_schema(responses={201: AssignmentOutputSerializer})
    def post(self, request: AuthedRequest) -> Response:
        require_role(request.user, *ADMIN)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        officer = selectors.officer_get(unit_ids=None, pk=v.pop("officer_id"))
        unit = selectors.unit_get(unit_ids=None, pk=v.pop("unit_id"))
        field_id = v.pop("field_id", None)
        field = selectors.field_of_charge_get(pk=field_id) if field_id else None
        assignment = services_officers.assignment_create(by=request.user, officer=officer, unit=unit, field=field, **v)
        return Response(AssignmentOutputSerializer(assignment).data, status=201)


class AssignmentDetailApi(APIView):
    """GET one assignment; PATCH (admin): the deputy's field of charge (from `effective_from`, default today:
    a post that started earlier is ended the day before and a new one carries the new field) and the
    post's description."""

    class InputSerializer(serializers.Serializer):
        field_id = IdField(required=False, allow_null=True)
        in_charge_of = PlainTextField(one_line=True, max_length=200, required=False, allow_blank=True)
        effective_from = DateField(required=False, allow_null=True)
        reason = PlainTextField(required=False, allow_blank=True, max_length=1000, default="",
                                help_text="Required when the change reaches into a recorded finding's period")

    @extend_schema(responses=AssignmentOutputSerializer)
    def get(self, request: AuthedRequest, pk: int) -> Response:
        assignment = selectors.assignment_get(unit_ids=user_unit_ids(request.user), pk=pk)
        return Response(AssignmentOutputSerializer(assignment).data)

    @extend_schema(responses=AssignmentOutputSerializer)
    def patch(self, request: AuthedRequest, pk: int) -> Response:
        require_role(request.user, *ADMIN)
        assignment = selectors.assignment_get(unit_ids=None, pk=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        changes: dict[str, Any] = {}
        if "field_id" in v:
            changes["field"] = selectors.field_of_charge_get(pk=v["field_id"]) if v["field_id"] else None
        if "in_charge_of" in v:
            changes["in_charge_of"] = v["in_charge_of"]
        if not changes:
            raise DomainError("Không có gì để thay đổi (field_id, in_charge_of).",
                              "Nothing to change (field_id, in_charge_of).", code="empty")
        assignment = services_officers.assignment_set_field(by=request.user, assignment=assignment,
                                                            effective_from=v.get("effective_from"),
                                                            reason=v.get("reason", ""), **changes)
        return Response(AssignmentOutputSerializer(assignment).data)


class FieldOfChargeListApi(APIView):
    """The force's list of fields of charge (lĩnh vực phụ trách). GET: everyone signed in; POST: admin."""

    class InputSerializer(serializers.Serializer):
        code = serializers.CharField(max_length=40)
        name_vi = PlainTextField(one_line=True, max_length=200)
        name_en = PlainTextField(one_line=True, max_length=200)
        description = PlainTextField(max_length=500, required=False, allow_blank=True, default="")

    @extend_schema(parameters=[q_choice("active", ["1", "0"], "1: active fields only")],
                   responses=FieldOfChargeListOutputSerializer)
    def get(self, request: AuthedRequest) -> Response:
        active = Query(request).choice("active", ["1", "0"]) == "1"
        qs = selectors.fields_of_charge_list(active_only=active)
        return Response(FieldOfChargeListOutputSerializer({"count": qs.count(), "results": qs}).data)

    @extend_schema(responses={201: FieldOfChargeOutputSerializer})
    def post(self, request: AuthedRequest) -> Response:
        require_role(request.user, *ADMIN)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        field = services_officers.field_of_charge_create(by=request.user, **data.validated_data)
        return Response(FieldOfChargeOutputSerializer(field).data, status=201)


class FieldOfChargeDetailApi(APIView):
    class InputSerializer(serializers.Serializer):
        name_vi = PlainTextField(one_line=True, max_length=200, required=False)
        name_en = PlainTextField(one_line=True, max_length=200, required=False)
        description = PlainTextField(max_length=500, required=False, allow_blank=True)
        active = serializers.BooleanField(required=False)

    @extend_schema(responses=FieldOfChargeOutputSerializer)
    def patch(self, request: AuthedRequest, pk: int) -> Response:
        require_role(request.user, *ADMIN)
        field = selectors.field_of_charge_get(pk=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        field = services_officers.field_of_charge_update(by=request.user, field=field, **data.validated_data)
        return Response(FieldOfChargeOutputSerializer(field).data)


class AssignmentEndApi(APIView):
    class InputSerializer(serializers.Serializer):
        on = DateField()
        reason = PlainTextField(required=False, allow_blank=True, max_length=1000,
                                       help_text="Required to correct history (extend an ended posting, or end "
                                                 "one under a recorded finding)")

    @extend_schema(responses=AssignmentOutputSerializer)
    def post(self, request: AuthedRequest, pk: int) -> Response:
        require_role(request.user, *ADMIN)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assignment = Assignment.objects.filter(pk=pk).first()
        if assignment is None:
            raise NotFound("Không tìm thấy chức vụ.", "Assignment not found.")
        assignment = services_officers.assignment_end(by=request.user, assignment=assignment,
                                                      on=data.validated_data["on"],
                                                      reason=data.validated_data.get("reason", ""))
        return Response(AssignmentOutputSerializer(assignment).data)


class CounterListApi(APIView):
    pagination_class = Pagination  # the schema's page shape (paginate() pages the body)
    class InputSerializer(serializers.Serializer):
        unit_id = IdField()
        code = serializers.RegexField(r"^[A-Za-z0-9_-]{2,40}$", error_messages={"invalid": CODE_PATTERN_EN})
        name = PlainTextField(one_line=True, max_length=200)
        opening_hours = serializers.JSONField(required=False)

    @extend_schema(parameters=[q_id("unit")], responses=CounterOutputSerializer(many=True))
    def get(self, request: AuthedRequest) -> Response:
        qs = selectors.counters_list(unit_ids=user_unit_ids(request.user),
                                     unit_id=Query(request).id("unit"))
        return paginate(request, self, qs, CounterOutputSerializer)

    @extend_schema(responses={201: CounterOutputSerializer})
    def post(self, request: AuthedRequest) -> Response:
        require_role(request.user, *ADMIN)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        unit = selectors.unit_get(unit_ids=None, pk=v.pop("unit_id"))
        counter = services_devices.counter_create(by=request.user, unit=unit, **v)
        return Response(CounterOutputSerializer(counter).data, status=201)


class CameraListApi(APIView):
    pagination_class = Pagination  # the schema's page shape (paginate() pages the body)
    class InputSerializer(serializers.Serializer):
        counter_id = IdField()
        code = serializers.CharField(max_length=40)
        name = PlainTextField(one_line=True, max_length=200, required=False, allow_blank=True, default="")
        zones = serializers.JSONField(required=False, default=list)  # type: ignore[arg-type]  # the stubs allow only mapping defaults; zones is a list

    @extend_schema(parameters=[q_id("counter")], responses=CameraOutputSerializer(many=True))
    def get(self, request: AuthedRequest) -> Response:
        qs = selectors.cameras_list(unit_ids=user_unit_ids(request.user),
                                    counter_id=Query(request).id("counter"))
        return paginate(request, self, qs, CameraOutputSerializer)

    @extend_schema(responses={201: CameraOutputSerializer})
    def post(self, request: AuthedRequest) -> Response:
        require_role(request.user, *ADMIN)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        counter = Counter.objects.filter(pk=v.pop("counter_id")).first()
        if counter is None:
            raise DomainError("Quầy không tồn tại.", "Counter does not exist.", fields={"counter_id": ["unknown"]})
        camera = services_devices.camera_create(by=request.user, counter=counter, **v)
        return Response(CameraOutputSerializer(camera).data, status=201)


class CameraDetailApi(APIView):
    class InputSerializer(serializers.Serializer):
        name = PlainTextField(one_line=True, max_length=200, required=False)
        zones = serializers.JSONField(required=False)
        active = serializers.BooleanField(required=False)

    @extend_schema(responses=CameraOutputSerializer)
    def get(self, request: AuthedRequest, pk: int) -> Response:
        camera = selectors.camera_get(unit_ids=user_unit_ids(request.user), pk=pk)
        return Response(CameraOutputSerializer(camera).data)

    @extend_schema(responses=CameraOutputSerializer)
    def patch(self, request: AuthedRequest, pk: int) -> Response:
        require_role(request.user, *ADMIN)
        camera = selectors.camera_get(unit_ids=user_unit_ids(request.user), pk=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        camera = services_devices.camera_update(by=request.user, camera=camera, **data.validated_data)
        return Response(CameraOutputSerializer(camera).data)


