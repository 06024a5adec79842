"""Surprise checks: list, counts, export, detail, start, complete, cancel."""
from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import INSPECTION_TEAM, User
from backend.accounts.selectors import require_role
from backend.audit.services import audit_access
from backend.core.actors import AuthedRequest
from backend.core.errors import DomainError
from backend.core.pagination import Pagination
from backend.core.params import REASON_MAX, TEXT_MAX, DateTimeField, IdField, PlainTextField, Query
from backend.core.schema import q_date, q_id, q_text
from backend.org.apis import paginate
from backend.org.models import Counter, Unit
from inspection import selectors_checks, selectors_common, services_checks
from inspection.apis.common import (
    LEAD,
    CriteriaSetRefSerializer,
    RefBriefSerializer,
    ReportFlagSerializer,
    UserBriefSerializer,
    _counter_brief,
    _get_or_404,
    _unit_brief,
    _user_brief,
    ref_brief_field,
    ref_brief_required,
    user_brief_field,
)
from inspection.models import CheckReport, CriteriaSet, SurpriseCheck
from inspection.secrecy import on_check_team


def _report_of(check: SurpriseCheck) -> CheckReport | None:
    try:
        return check.report
    except CheckReport.DoesNotExist:
        return None


class CheckScoreSerializer(serializers.Serializer):
    score = serializers.FloatField()
    max_score = serializers.FloatField()
    percent = serializers.FloatField()
    flags = ReportFlagSerializer(many=True)


class UnitGoneSerializer(serializers.Serializer):
    last_day = serializers.DateField()
    successor = RefBriefSerializer(allow_null=True)


class CheckOutputSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uid", read_only=True)
    unit = serializers.SerializerMethodField()
    counter = serializers.SerializerMethodField()
    lead = serializers.SerializerMethodField()
    lead_title = serializers.SerializerMethodField()
    team = serializers.SerializerMethodField()
    score = serializers.SerializerMethodField()
    signed = serializers.SerializerMethodField()
    awaiting_unit_signature = serializers.SerializerMethodField()
    origin = serializers.SerializerMethodField()
    unit_gone = serializers.SerializerMethodField()

    class Meta:
        model = SurpriseCheck
        fields = ["id", "reference", "mode", "state", "unit", "counter", "window_start", "window_end", "lead",
                  "lead_title", "team", "started_at", "completed_at", "cancelled_at", "cancel_reason", "score", "signed", "awaiting_unit_signature", "origin",
                  "unit_gone"]

    @extend_schema_field(serializers.ChoiceField(choices=["drawn", "manual"]))
    def get_origin(self, obj: SurpriseCheck) -> str:
        """Drawn or hand-picked (manual): shown to every reader of the check, so discipline and the
        administrator can tell the lead's own choices from the random draw's (F14)."""
        return "drawn" if obj.draw_id else "manual"

    @extend_schema_field(UnitGoneSerializer(allow_null=True))
    def get_unit_gone(self, obj: SurpriseCheck) -> dict[str, Any] | None:
        """A planned check whose unit ends before its window cannot be started (check_start refuses it):
        the last day and the successor, for the check's team only (nobody else may know the check)."""
        last_day = selectors_checks.check_unit_gone(obj)
        if last_day is None or not self._reader_on_team(obj):
            return None
        return {"last_day": last_day, "successor": _unit_brief(obj.unit.successor)}

    @ref_brief_required
    def get_unit(self, obj: SurpriseCheck) -> dict[str, Any] | None:
        return _unit_brief(obj.unit)

    @ref_brief_field
    def get_counter(self, obj: SurpriseCheck) -> dict[str, Any] | None:
        return _counter_brief(obj.counter)

    @user_brief_field
    def get_lead(self, obj: SurpriseCheck) -> dict[str, Any] | None:
        return _user_brief(obj.lead)

    @extend_schema_field(serializers.ChoiceField(choices=["team_lead", "check_lead"], allow_null=True))
    def get_lead_title(self, obj: SurpriseCheck) -> str | None:
        """What the check's lead is called, as in the minutes: "team_lead" (Tổ trưởng) for one who holds
        that post, else "check_lead" (Phụ trách cuộc kiểm tra); null without a lead."""
        if obj.lead_id is None:
            return None
        return "team_lead" if selectors_checks.check_lead_is_team_lead(obj) else "check_lead"

    @extend_schema_field(UserBriefSerializer(many=True))
    def get_team(self, obj: SurpriseCheck) -> list[dict[str, Any] | None]:
        return [_user_brief(u) for u in sorted(obj.team.all(), key=lambda u: u.pk)]

    @extend_schema_field(CheckScoreSerializer(allow_null=True))
    def get_score(self, obj: SurpriseCheck) -> dict[str, Any] | None:
        report = _report_of(obj)
        if report is None:
            return None
        if not report.signed_at and not self._reader_on_team(obj):
            return None  # an unsigned report's score is the team's draft, as the report itself
        return {"score": report.score, "max_score": report.max_score, "percent": report.percent,
                "flags": report.flags}

    def _reader_on_team(self, obj: SurpriseCheck) -> bool:
        """The reader (from the context; none = nobody) plans or carries out the check (secrecy.on_check_team,
        read from the prefetched team)."""
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.role not in INSPECTION_TEAM:
            return False
        return user.pk in (obj.lead_id, obj.created_by_id) or any(u.pk == user.pk for u in obj.team.all())

    def get_signed(self, obj: SurpriseCheck) -> bool:
        report = _report_of(obj)
        return bool(report and report.signed_at)

    def get_awaiting_unit_signature(self, obj: SurpriseCheck) -> bool:
        """Signed by the lead, not yet by the unit's representative: shown as "chờ đơn vị ký", not as signed."""
        return selectors_checks.check_awaits_unit_signature(obj)


class CheckDetailOutputSerializer(CheckOutputSerializer):
    """GET /checks/{uid}/: notes and draw for the check's team only (blank / null for others)."""

    notes = serializers.CharField(allow_blank=True)
    draw = serializers.IntegerField(allow_null=True)
    criteria_set = CriteriaSetRefSerializer(allow_null=True)

    class Meta(CheckOutputSerializer.Meta):
        fields = [*CheckOutputSerializer.Meta.fields, "notes", "draw", "criteria_set"]


CHECK_FILTERS = [q_text("state"), q_text("mode"), q_id("unit"), q_id("draw"), q_text("search"),
                 q_date("from"), q_date("to")]


def _check_filters(request: Request) -> dict[str, Any]:
    q = Query(request)
    start, end = q.day_range()
    return {"state": q.text("state"), "mode": q.text("mode"), "unit_id": q.id("unit"), "draw_id": q.id("draw"),
            "search": q.text("search"), "from": start, "to": end}


class CheckListApi(APIView):
    class InputSerializer(serializers.Serializer):
        mode = serializers.ChoiceField(choices=SurpriseCheck.Mode.choices)
        unit_id = IdField()
        counter_id = IdField(required=False, allow_null=True)
        window_start = DateTimeField()
        window_end = DateTimeField()
        team_ids = serializers.ListField(child=IdField(), required=False, default=list, max_length=50)
        criteria_set_id = IdField(required=False, allow_null=True)
        notes = PlainTextField(required=False, allow_blank=True, default="", max_length=TEXT_MAX)

    pagination_class = Pagination  # the schema's page shape (paginate() pages the body)

    @extend_schema(parameters=CHECK_FILTERS, responses=CheckOutputSerializer(many=True))
    def get(self, request: AuthedRequest) -> Response:
        qs = selectors_checks.checks_list(user=request.user, filters=_check_filters(request))
        return paginate(request, self, qs, CheckOutputSerializer)

    @extend_schema(responses={201: CheckOutputSerializer})
    def post(self, request: AuthedRequest) -> Response:
        require_role(request.user, *LEAD)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        unit = _get_or_404(Unit, v["unit_id"], "Không tìm thấy đơn vị.", "Unknown unit.")
        counter = _get_or_404(Counter, v.get("counter_id"), "Không tìm thấy quầy.", "Unknown counter.") \
            if v.get("counter_id") else None
        team = list(User.objects.filter(pk__in=v["team_ids"]))
        if len(team) != len(set(v["team_ids"])):
            raise DomainError("Có thành viên tổ không tồn tại.", "Unknown user in team_ids.", code="invalid",
                              fields={"team_ids": ["unknown user"]})
        cs = _get_or_404(CriteriaSet, v.get("criteria_set_id"), "Không tìm thấy bộ tiêu chí.",
                         "Unknown criteria set.") if v.get("criteria_set_id") else None
        check = services_checks.check_create(by=request.user, mode=v["mode"], unit=unit, counter=counter,
                                             window_start=v["window_start"], window_end=v["window_end"], team=team,
                                             criteria_set=cs, notes=v["notes"])
        check = selectors_checks.check_get_for(user=request.user, uid=check.uid)
        return Response(CheckOutputSerializer(check, context={"request": request}).data, status=201)


class CheckCountsApi(APIView):
    @extend_schema(responses=inline_serializer("CheckCounts", {
        "total": serializers.IntegerField(),
        **{state: serializers.IntegerField(required=state != SurpriseCheck.State.PLANNED)
           for state in SurpriseCheck.State.values}}))
    def get(self, request: AuthedRequest) -> Response:
        require_role(request.user, *selectors_common.CHECK_READERS)
        return Response(selectors_checks.check_counts(user=request.user))


class CheckExportApi(APIView):
    """The visible checks as an Excel workbook (same filters as the list)."""

    export_formats = ("xlsx",)  # `?format=xlsx` is this export's own (backend.core.negotiation)

    @extend_schema(parameters=CHECK_FILTERS, responses={
        (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY})
    def get(self, request: AuthedRequest) -> HttpResponse:
        from inspection.workbooks import checks_workbook

        require_role(request.user, *selectors_common.CHECK_READERS)
        qs = selectors_checks.checks_list(user=request.user, filters=_check_filters(request))
        body, count = checks_workbook(qs, report_of=_report_of)
        response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = 'attachment; filename="kiem-tra.xlsx"'
        audit_access(actor=request.user, document="checks.export", object_type="inspection.surprisecheck",
                     payload={"rows": count, "query": request.query_params.urlencode()[:500]})
        return response


class CheckDetailApi(APIView):
    @extend_schema(responses=CheckDetailOutputSerializer)
    def get(self, request: AuthedRequest, uid: str) -> Response:
        check = selectors_checks.check_get_for(user=request.user, uid=uid)
        data = CheckOutputSerializer(check, context={"request": request}).data
        own = on_check_team(request.user, check)
        data["notes"] = check.notes if own else ""
        data["draw"] = check.draw_id if own else None
        data["criteria_set"] = ({"id": check.criteria_set_id, "name": check.criteria_set.name}
                                if check.criteria_set is not None else None)
        return Response(data)


class CheckStartApi(APIView):
    @extend_schema(request=None, responses=CheckOutputSerializer)
    def post(self, request: AuthedRequest, uid: str) -> Response:
        check = services_checks.check_start(by=request.user, check=selectors_checks.check_get_for(user=request.user, uid=uid))
        return Response(CheckOutputSerializer(selectors_checks.check_get_for(user=request.user, uid=check.uid), context={"request": request}).data)


class CheckCompleteApi(APIView):
    @extend_schema(request=None, responses=CheckOutputSerializer)
    def post(self, request: AuthedRequest, uid: str) -> Response:
        check = services_checks.check_complete(by=request.user, check=selectors_checks.check_get_for(user=request.user, uid=uid))
        return Response(CheckOutputSerializer(selectors_checks.check_get_for(user=request.user, uid=check.uid), context={"request": request}).data)


class CheckCancelApi(APIView):
    class InputSerializer(serializers.Serializer):
        reason = PlainTextField(max_length=REASON_MAX)

    @extend_schema(responses=CheckOutputSerializer)
    def post(self, request: AuthedRequest, uid: str) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        check = services_checks.check_cancel(by=request.user, check=selectors_checks.check_get_for(user=request.user, uid=uid),
                                             reason=data.validated_data["reason"])
        return Response(CheckOutputSerializer(selectors_checks.check_get_for(user=request.user, uid=check.uid), context={"request": request}).data)
