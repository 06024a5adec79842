"""CCHC tasks: the list, registration and delivery reports."""
from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.selectors import require_role, user_unit_ids
from backend.core.actors import AuthedRequest
from backend.core.errors import DomainError
from backend.core.pagination import Pagination
from backend.core.params import DateField, IdField, PlainTextField, parse_id, parse_int
from backend.org.apis import paginate
from backend.org.models import Unit
from inspection.accountability import selectors, services_tasks
from inspection.accountability.models import CchcTask
from inspection.accountability.scoring import DELIVERY_REPORT_GRACE_DAYS, task_outcome
from inspection.accountability.trace_output import unit_brief

TASK_STATUS_VI = {
    "on_time": "Đúng hạn", "late": "Trễ hạn", "missed": "Quá hạn, chưa báo cáo", "pending": "Chưa đến hạn",
    "reported_late": f"Báo cáo muộn (quá {DELIVERY_REPORT_GRACE_DAYS} ngày): tính như trễ hạn, không tính đúng hạn",
}


TASK_STATUSES = [(code, code) for code in TASK_STATUS_VI]


class TaskOutputSerializer(serializers.ModelSerializer):
    unit = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    status_vi = serializers.SerializerMethodField()
    overdue_days = serializers.SerializerMethodField()
    registered_by = serializers.CharField(source="registered_by.username")

    class Meta:
        model = CchcTask
        fields = ["id", "unit", "year", "title", "target", "due_date", "late_registration", "registered_by",
                  "registered_at", "delivered_on", "delivery_note", "reported_at", "status", "status_vi",
                  "overdue_days"]

    @extend_schema_field(inline_serializer("TaskUnit", {  # trace_output.unit_brief
        "id": serializers.IntegerField(), "code": serializers.CharField(), "name": serializers.CharField(),
        "level": serializers.CharField()}))
    def get_unit(self, obj: CchcTask) -> dict[str, Any]:
        return unit_brief(obj.unit)

    @extend_schema_field(serializers.ChoiceField(choices=TASK_STATUSES))
    def get_status(self, obj: CchcTask) -> str:
        """on_time, late, reported_late (flagged: reported after the grace; counts as late), missed, pending."""
        return task_outcome(due=obj.due_date, delivered=obj.delivered_on, reported_at=obj.reported_at,
                            registered_at=obj.registered_at, today=timezone.localdate(),
                            late_registration=obj.late_registration)

    def get_status_vi(self, obj: CchcTask) -> str:
        status = self.get_status(obj)
        if status == "reported_late" and obj.late_registration:
            return "Đăng ký muộn (ngoài thời hạn đăng ký): tính như trễ hạn, không tính đúng hạn"
        return TASK_STATUS_VI[status]

    def get_overdue_days(self, obj: CchcTask) -> int | None:
        """Days past the deadline of a task not yet delivered (None when delivered or not yet due)."""
        if obj.delivered_on is not None:
            return None
        days = (timezone.localdate() - obj.due_date).days
        return days if days > 0 else None


class TaskItemInput(serializers.Serializer):
    title = PlainTextField(one_line=True, max_length=300)
    target = PlainTextField(max_length=300)
    due_date = DateField()


class TaskRegisterInput(serializers.Serializer):
    unit_id = IdField()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    tasks = serializers.ListField(child=TaskItemInput(), min_length=1, max_length=50)


class TaskListApi(APIView):
    pagination_class = Pagination  # the schema's page shape (paginate() pages the body)

    @extend_schema(parameters=[OpenApiParameter("year", int, required=False), OpenApiParameter("unit", int, required=False), OpenApiParameter("page", str, required=False), OpenApiParameter("page_size", str, required=False)], responses=TaskOutputSerializer(many=True))
    def get(self, request: AuthedRequest) -> Response:
        qp = request.query_params
        qs = selectors.tasks_list(user=request.user, filters={
            "year": parse_int(qp.get("year"), "year", lo=2000, hi=2100), "unit_id": parse_id(qp.get("unit"), "unit")})
        return paginate(request, self, qs, TaskOutputSerializer)

    @extend_schema(request=TaskRegisterInput, responses={201: TaskOutputSerializer(many=True)})
    def post(self, request: AuthedRequest) -> Response:
        require_role(request.user, *selectors.TASK_WRITERS)
        data = TaskRegisterInput(data=request.data)
        data.is_valid(raise_exception=True)
        ids = user_unit_ids(request.user)
        unit = Unit.objects.filter(pk=data.validated_data["unit_id"]).first()
        if unit is None or (ids is not None and unit.pk not in ids):
            raise DomainError("Không tìm thấy đơn vị.", "Unit not found.", fields={"unit_id": ["not found"]})
        tasks = services_tasks.tasks_register(by=request.user, unit=unit, year=data.validated_data["year"],
                                              items=[dict(x) for x in data.validated_data["tasks"]])
        rows = CchcTask.objects.filter(pk__in=[t.pk for t in tasks]).select_related("unit", "registered_by")
        return Response(TaskOutputSerializer(rows, many=True).data, status=201)


class TaskDeliveryApi(APIView):
    class InputSerializer(serializers.Serializer):
        delivered_on = DateField()
        note = PlainTextField(required=False, allow_blank=True, default="", max_length=2000)

    @extend_schema(request=InputSerializer, responses=TaskOutputSerializer)
    def post(self, request: AuthedRequest, pk: int) -> Response:
        require_role(request.user, *selectors.TASK_WRITERS)
        task = selectors.task_get_for(user=request.user, id=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = services_tasks.task_report_delivery(by=request.user, task=task, **data.validated_data)
        return Response(TaskOutputSerializer(selectors.task_get_for(user=request.user, id=task.pk)).data)
