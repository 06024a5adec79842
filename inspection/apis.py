"""Thin views over inspection selectors and services. One view per operation."""
from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from functools import partial
from typing import Any

from django.http import FileResponse, HttpResponse
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from backend.accounts.errors import HandoverLocked
from backend.accounts.models import INSPECTION_TEAM, ApiToken, Role, User
from backend.accounts.network import LoginRateThrottle, client_ip
from backend.accounts.selectors import HANDOVER_CHECK, require_role, require_token_kind, session_handover
from backend.audit.services import audit_access
from backend.core.errors import DomainError, NotFound
from backend.core.params import (
    LABEL_MAX,
    REASON_MAX,
    TEXT_MAX,
    DateField,
    DateTimeField,
    IdField,
    PlainTextField,
    Query,
    TextDictField,
    parse_datetime,
    parse_id,
    parse_text,
)
from backend.core.parsers import JSONParser
from backend.core.store import ObjectMissing, get_store
from backend.org.apis import FieldBriefSerializer, paginate
from backend.org.models import Counter, Officer, Unit
from inspection import selectors, services
from inspection.models import (
    CheckReport,
    Complaint,
    CriteriaSet,
    CsvImport,
    Draw,
    Finding,
    FindingCategory,
    FindingExplanation,
    InspectorAbsence,
    RiskSnapshot,
    SatisfactionRating,
    SurpriseCheck,
)
from inspection.secrecy import conflicted_unit_ids, on_check_team
from inspection.services_absences import ABSENCE_WRITERS

TEAM = selectors.TEAM
LEAD = (Role.INSPECTION_LEAD,)


def _get_or_404(model: Any, pk: Any, vi: str, en: str, **filters: Any) -> Any:
    obj = model.objects.filter(pk=pk, **filters).first() if pk not in (None, "") else None
    if obj is None:
        raise DomainError(vi, en, code="invalid_reference", fields={model.__name__.lower(): [en]})
    return obj


def _user_brief(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    # an officer's rank and name where people are listed (draw team, calendar), the login only as a last resort
    officer = user.officer if user.officer_id else None
    return {"id": user.pk, "username": user.get_username(),
            "full_name": user.get_full_name() or (officer.full_name if officer else ""),
            "rank": officer.rank if officer else ""}


def _unit_brief(unit: Unit | None) -> dict[str, Any] | None:
    return {"id": unit.pk, "code": unit.code, "name": unit.name} if unit else None


def _counter_brief(counter: Counter | None) -> dict[str, Any] | None:
    return {"id": counter.pk, "code": counter.code, "name": counter.name} if counter else None


# --- criteria ----------------------------------------------------------------------------------------


class CriteriaSetOutputSerializer(serializers.ModelSerializer):
    criteria_count = serializers.IntegerField(read_only=True, required=False)

    class Meta:
        model = CriteriaSet
        fields = ["id", "code", "year", "version", "name", "description", "is_active", "created_at",
                  "criteria_count"]


def _criteria_export(cs: CriteriaSet) -> dict[str, Any]:
    return {"code": cs.code, "year": cs.year, "version": cs.version, "name": cs.name,
            "description": cs.description, "is_active": cs.is_active,
            "criteria": selectors.criteria_tree(criteria_set=cs)}


class CriteriaSetListApi(APIView):
    """GET: every criteria set. POST (lead): import one from the export's JSON shape."""

    def get(self, request: Request) -> Response:
        require_role(request.user, *selectors.CHECK_READERS)
        year = Query(request).int("year", lo=1900, hi=2199)
        return paginate(request, self, selectors.criteria_sets_list(year=year), CriteriaSetOutputSerializer)

    def post(self, request: Request) -> Response:
        require_role(request.user, *LEAD)
        cs = services.criteria_set_import(by=request.user, data=request.data)
        return Response({**CriteriaSetOutputSerializer(cs).data, "criteria": selectors.criteria_tree(criteria_set=cs)},
                        status=201)


class CriteriaSetDetailApi(APIView):
    def get(self, request: Request, pk: int) -> Response:
        require_role(request.user, *selectors.CHECK_READERS)
        cs = selectors.criteria_set_get(pk=pk)
        return Response({**CriteriaSetOutputSerializer(cs).data, "criteria": selectors.criteria_tree(criteria_set=cs)})


class CriteriaSetExportApi(APIView):
    def get(self, request: Request, pk: int) -> HttpResponse:
        require_role(request.user, *selectors.CHECK_READERS)
        cs = selectors.criteria_set_get(pk=pk)
        body = json.dumps(_criteria_export(cs), ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="criteria-{cs.code}-{cs.year}-v{cs.version}.json"'
        return response


class CriteriaSetActivateApi(APIView):
    class InputSerializer(serializers.Serializer):
        active = serializers.BooleanField()

    def post(self, request: Request, pk: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cs = services.criteria_set_activate(by=request.user, criteria_set=selectors.criteria_set_get(pk=pk),
                                            active=data.validated_data["active"])
        return Response(CriteriaSetOutputSerializer(cs).data)


class CategoryOutputSerializer(serializers.ModelSerializer):
    fields_of_charge = FieldBriefSerializer(source="fields", many=True, read_only=True,
                                            help_text="Fields of charge the category belongs to (lĩnh vực phụ trách)")

    class Meta:
        model = FindingCategory
        fields = ["id", "code", "name_vi", "name_en", "default_severity", "deduction_points", "fields_of_charge"]


class CategoryListApi(APIView):
    def get(self, request: Request) -> Response:
        require_role(request.user, *selectors.FINDING_READERS)
        return Response(CategoryOutputSerializer(selectors.categories_list(), many=True).data)


class CategoryFieldsApi(APIView):
    """PUT (admin): the fields of charge a category belongs to (the deputy of one of them answers for it)."""

    class InputSerializer(serializers.Serializer):
        field_ids = serializers.ListField(child=IdField(), max_length=50, allow_empty=True)

    def put(self, request: Request, pk: int) -> Response:
        require_role(request.user, Role.ADMIN)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        category = services.category_fields_set(by=request.user, category=selectors.category_get(pk=pk),
                                                field_ids=data.validated_data["field_ids"])
        return Response(CategoryOutputSerializer(selectors.category_get(pk=category.pk)).data)


# --- risk -------------------------------------------------------------------------------------------


class RiskSnapshotOutputSerializer(serializers.ModelSerializer):
    unit = serializers.SerializerMethodField()

    class Meta:
        model = RiskSnapshot
        fields = ["id", "unit", "computed_at", "as_of", "score", "features", "weights", "contributions"]

    def get_unit(self, obj: RiskSnapshot) -> dict[str, Any] | None:
        return _unit_brief(obj.unit)


class RiskApi(APIView):
    """GET: the latest risk snapshot per unit, with its explanation. POST (lead): compute now."""

    def get(self, request: Request) -> Response:
        snaps = selectors.risk_latest(user=request.user)
        return Response({"count": len(snaps), "results": RiskSnapshotOutputSerializer(snaps, many=True).data})

    def post(self, request: Request) -> Response:
        require_role(request.user, *LEAD)
        snaps = sorted(services.risk_compute(by=request.user), key=lambda s: (-s.score, s.unit.code))
        return Response({"count": len(snaps), "results": RiskSnapshotOutputSerializer(snaps, many=True).data},
                        status=201)


class RiskWeightsApi(APIView):
    class InputSerializer(serializers.Serializer):
        weights = serializers.DictField(child=serializers.FloatField(min_value=0, max_value=100), required=False,
                                        default=dict)
        params = serializers.DictField(child=serializers.FloatField(min_value=0, max_value=3650), required=False,
                                       default=dict)
        note = PlainTextField(required=False, allow_blank=True, default="", max_length=REASON_MAX)

    def get(self, request: Request) -> Response:
        require_role(request.user, *TEAM)
        weights, params = services.risk_config()
        return Response({"weights": weights, "params": params})

    def put(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = services.risk_weights_set(by=request.user, **data.validated_data)
        return Response({"weights": row.weights, "params": row.params, "note": row.note})


# --- draws ------------------------------------------------------------------------------------------


class DrawOutputSerializer(serializers.ModelSerializer):
    created_by = serializers.SerializerMethodField()
    closed_by = serializers.SerializerMethodField()
    seed = serializers.SerializerMethodField()
    split = serializers.SerializerMethodField()
    checks_count = serializers.IntegerField(read_only=True, required=False)
    planned_count = serializers.IntegerField(read_only=True, required=False)

    class Meta:
        model = Draw
        fields = ["id", "name", "state", "created_at", "created_by", "seed_sha256", "seed", "params", "result",
                  "closed_at", "closed_by", "checks_count", "planned_count", "reason", "close_reason", "flags", "warnings", "split"]

    def get_created_by(self, obj: Draw) -> dict[str, Any] | None:
        return _user_brief(obj.created_by)

    def get_closed_by(self, obj: Draw) -> dict[str, Any] | None:
        return _user_brief(obj.closed_by)

    def get_seed(self, obj: Draw) -> str | None:
        return obj.seed if obj.state == Draw.State.CLOSED else None  # revealed only at close

    def get_split(self, obj: Draw) -> dict[str, int]:
        """How the draw's places went: coverage floor, risk, chance; and the floor's part of n."""
        return services.draw_split(obj.params or {}, obj.result or [])

    def to_representation(self, instance: Draw) -> dict[str, Any]:
        data = super().to_representation(instance)
        # the team's bookings are for the scheduler (and verification), not for reading
        data["params"] = {k: v for k, v in (data.get("params") or {}).items() if k != "booked"}
        # paginate() passes its own context (the request): the list's viewer is the request's user
        viewer = self.context.get("viewer") or getattr(self.context.get("request"), "user", None)
        conflicted = conflicted_unit_ids(viewer) if viewer is not None else set()
        if conflicted:
            # a person conflicted with a unit does not learn its check's slot or team (F17, secrecy.py)
            hidden = {item.get("unit_id") for item in data.get("result") or []
                      if item.get("unit_id") in conflicted and viewer.pk not in item.get("team", [])}
            data["result"] = [
                {**item, "slot": None, "team": [], "redacted": True,
                 # the floor note's due date and days late add up to the slot's day (rev13adv F1)
                 "notes": [x for x in item.get("notes") or [] if x.get("code") != "after_due"]}
                if item.get("unit_id") in hidden else item
                for item in data.get("result") or []]
            data["warnings"] = [_redact_warning(w, hidden) for w in data.get("warnings") or []]
        return data


def _redact_warning(warning: dict[str, Any], hidden: set[int]) -> dict[str, Any]:
    """A warning as a person conflicted with some of its units may read it: no day, due date or days
    late for those units (the slot is hidden from him, and so is anything the slot can be worked out
    from); counts stay."""
    if warning.get("code") != "floor_after_due" or not hidden:
        return warning
    late = [{"unit_id": x["unit_id"], "redacted": True} if x.get("unit_id") in hidden else x
            for x in warning.get("late") or []]
    return {**warning, "late": late}


class DrawDetailOutputSerializer(DrawOutputSerializer):
    class Meta(DrawOutputSerializer.Meta):
        fields = [*DrawOutputSerializer.Meta.fields, "candidates"]


class DrawListApi(APIView):
    class InputSerializer(serializers.Serializer):
        n = serializers.IntegerField(min_value=1, max_value=200)
        start = DateField()
        end = DateField()
        name = PlainTextField(one_line=True, required=False, allow_blank=True, default="", max_length=200)
        mode = serializers.ChoiceField(choices=SurpriseCheck.Mode.choices, default=SurpriseCheck.Mode.DOT_XUAT)
        proportional_share = serializers.FloatField(required=False, default=0.75)
        floor_months = serializers.IntegerField(required=False, default=6, min_value=1, max_value=120)
        conflict_years = serializers.IntegerField(required=False, default=3, min_value=0, max_value=50)
        team_size = serializers.IntegerField(required=False, default=2, min_value=1, max_value=10)
        check_minutes = serializers.IntegerField(required=False, default=120, min_value=30, max_value=600)
        include_weekends = serializers.BooleanField(required=False, default=False)
        per_person_per_day = serializers.IntegerField(required=False, default=2, min_value=1, max_value=4)
        travel_minutes = serializers.IntegerField(required=False, default=60, min_value=0, max_value=240)
        floor_share = serializers.FloatField(required=False, default=0.75, min_value=0.5, max_value=0.9)
        reason = PlainTextField(required=False, allow_blank=True, default="", max_length=2000)
        # the open draws the caller knows it replaces (the dialog sends [] first and is told what it would)
        confirm_supersedes = serializers.ListField(child=serializers.IntegerField(), required=False,
                                                   max_length=100)

    def get(self, request: Request) -> Response:
        return paginate(request, self, selectors.draws_list(user=request.user),
                        partial(DrawOutputSerializer, context={"viewer": request.user}))

    def post(self, request: Request) -> Response:
        require_role(request.user, *LEAD)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        draw = services.draw_create(by=request.user, **data.validated_data)
        draw = selectors.draw_get_for(user=request.user, pk=draw.pk)  # with its counts, as the list reads them
        return Response(DrawDetailOutputSerializer(draw, context={"viewer": request.user}).data, status=201)


class DrawDetailApi(APIView):
    def get(self, request: Request, pk: int) -> Response:
        draw = selectors.draw_get_for(user=request.user, pk=pk)
        # the left-out units, each planned check that kept one out named when the reader may see it
        return Response({**DrawDetailOutputSerializer(draw, context={"viewer": request.user}).data,
                         "excluded": selectors.draw_exclusions_for(user=request.user, draw=draw)})


class DrawCloseApi(APIView):
    class InputSerializer(serializers.Serializer):
        reason = PlainTextField(required=False, allow_blank=True, default="", max_length=2000)

    def post(self, request: Request, pk: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        draw = services.draw_close(by=request.user, draw=selectors.draw_get_for(user=request.user, pk=pk),
                                   reason=data.validated_data["reason"])
        return Response(DrawDetailOutputSerializer(draw, context={"viewer": request.user}).data)


class DrawCancelApi(APIView):
    """Cancel the whole draw (its planned checks) with a reason, as one action; the draw is closed."""

    class InputSerializer(serializers.Serializer):
        reason = PlainTextField(allow_blank=True, max_length=2000)

    def post(self, request: Request, pk: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        draw = services.draw_cancel(by=request.user, draw=selectors.draw_get_for(user=request.user, pk=pk),
                                    reason=data.validated_data["reason"])
        return Response(DrawDetailOutputSerializer(draw, context={"viewer": request.user}).data)


class DrawCommitmentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    created_by = serializers.CharField(allow_null=True)
    seed_sha256 = serializers.CharField()
    n = serializers.IntegerField(allow_null=True)
    start = serializers.CharField(allow_null=True)
    end = serializers.CharField(allow_null=True)
    state = serializers.CharField()
    closed_at = serializers.DateTimeField(allow_null=True)
    seed = serializers.CharField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)
    close_reason = serializers.CharField(allow_blank=True)
    flags = serializers.JSONField()
    checks_started = serializers.IntegerField()
    checks_cancelled = serializers.IntegerField()
    parameters = serializers.JSONField()
    manual_checks_started = serializers.IntegerField()
    manual_checks_cancelled = serializers.IntegerField()


class DrawCommitmentsApi(APIView):
    """Published commitments of every draw, for the disciplinary officers and administrators too:
    never the targets."""

    def get(self, request: Request) -> Response:
        rows = selectors.draw_commitments(user=request.user)
        return Response(DrawCommitmentOutputSerializer(rows, many=True).data)


class DrawVerifyOutputSerializer(serializers.Serializer):
    draw = serializers.IntegerField()
    match = serializers.BooleanField()
    revealed = serializers.BooleanField()
    seed = serializers.CharField(allow_null=True)
    seed_sha256 = serializers.CharField()
    risk_weights_version = serializers.IntegerField(allow_null=True, required=False)
    risk_weights_sha256 = serializers.CharField(allow_null=True, required=False)
    selected = serializers.JSONField(allow_null=True, help_text="The recomputed targets: the inspection team only")
    reasons = serializers.JSONField()


class DrawVerifyApi(APIView):
    """Recompute a closed draw from its revealed seed. The disciplinary officers and administrators may
    verify any draw (match or not, why in counts); only the inspection team sees the targets."""

    def get(self, request: Request, pk: int) -> Response:
        draw, with_targets = selectors.draw_for_verification(user=request.user, pk=pk)
        result = services.draw_verify(draw=draw, with_targets=with_targets)
        return Response(DrawVerifyOutputSerializer({"draw": draw.pk, **result}).data)


class AbsenceOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    user = serializers.SerializerMethodField()
    kind = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    created_by = serializers.SerializerMethodField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    withdraw_reason = serializers.CharField(allow_blank=True)

    def get_user(self, obj: Any) -> dict[str, Any] | None:
        return _user_brief(obj.user)

    def get_created_by(self, obj: Any) -> dict[str, Any] | None:
        return _user_brief(obj.created_by)


class AbsenceListApi(APIView):
    """Members of the inspection team out of the draw's pool (leave, illness, conflict)."""

    class InputSerializer(serializers.Serializer):
        user = serializers.IntegerField(min_value=1)
        kind = serializers.ChoiceField(choices=InspectorAbsence.Kind.choices)
        start = DateField()
        end = DateField()
        reason = PlainTextField(max_length=REASON_MAX)

    def get(self, request: Request) -> Response:
        rows = selectors.absences_list(user=request.user, on_or_after=timezone.localdate() - timedelta(days=90))
        return paginate(request, self, rows, AbsenceOutputSerializer)

    def post(self, request: Request) -> Response:
        require_role(request.user, *ABSENCE_WRITERS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        user = User.objects.filter(pk=values.pop("user")).first()
        if user is None:
            raise DomainError("Không tìm thấy người dùng.", "User not found.", code="invalid", fields={"user": ["not found"]})
        absence = services.absence_create(by=request.user, user=user, **values)
        return Response(AbsenceOutputSerializer(absence).data, status=201)


class AbsenceTeamApi(APIView):
    """The members of the inspection team an absence may be recorded for (team and administrators)."""

    def get(self, request: Request) -> Response:
        users = selectors.team_members(user=request.user)
        return Response([{**(_user_brief(u) or {}), "role": u.role} for u in users])


class AbsenceWithdrawApi(APIView):
    class InputSerializer(serializers.Serializer):
        reason = PlainTextField(max_length=REASON_MAX)

    def post(self, request: Request, pk: int) -> Response:
        require_role(request.user, *ABSENCE_WRITERS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        absence = services.absence_withdraw(by=request.user, absence=selectors.absence_get(user=request.user, pk=pk),
                                            reason=data.validated_data["reason"])
        return Response(AbsenceOutputSerializer(absence).data)


# --- checks -----------------------------------------------------------------------------------------


def _report_of(check: SurpriseCheck) -> CheckReport | None:
    try:
        return check.report
    except CheckReport.DoesNotExist:
        return None


class CheckOutputSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uid", read_only=True)
    unit = serializers.SerializerMethodField()
    counter = serializers.SerializerMethodField()
    lead = serializers.SerializerMethodField()
    team = serializers.SerializerMethodField()
    score = serializers.SerializerMethodField()
    signed = serializers.SerializerMethodField()
    origin = serializers.SerializerMethodField()

    class Meta:
        model = SurpriseCheck
        fields = ["id", "reference", "mode", "state", "unit", "counter", "window_start", "window_end", "lead",
                  "team", "started_at", "completed_at", "cancelled_at", "cancel_reason", "score", "signed", "origin"]

    def get_origin(self, obj: SurpriseCheck) -> str:
        """Drawn or hand-picked (manual): shown to every reader of the check, so discipline and the
        administrator can tell the lead's own choices from the random draw's (F14)."""
        return "drawn" if obj.draw_id else "manual"

    def get_unit(self, obj: SurpriseCheck) -> dict[str, Any] | None:
        return _unit_brief(obj.unit)

    def get_counter(self, obj: SurpriseCheck) -> dict[str, Any] | None:
        return _counter_brief(obj.counter)

    def get_lead(self, obj: SurpriseCheck) -> dict[str, Any] | None:
        return _user_brief(obj.lead)

    def get_team(self, obj: SurpriseCheck) -> list[dict[str, Any] | None]:
        return [_user_brief(u) for u in sorted(obj.team.all(), key=lambda u: u.pk)]

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

    def get(self, request: Request) -> Response:
        qs = selectors.checks_list(user=request.user, filters=_check_filters(request))
        return paginate(request, self, qs, CheckOutputSerializer)

    def post(self, request: Request) -> Response:
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
        check = services.check_create(by=request.user, mode=v["mode"], unit=unit, counter=counter,
                                      window_start=v["window_start"], window_end=v["window_end"], team=team,
                                      criteria_set=cs, notes=v["notes"])
        check = selectors.check_get_for(user=request.user, uid=check.uid)
        return Response(CheckOutputSerializer(check, context={"request": request}).data, status=201)


class CheckCountsApi(APIView):
    def get(self, request: Request) -> Response:
        require_role(request.user, *selectors.CHECK_READERS)
        return Response(selectors.check_counts(user=request.user))


class CheckExportApi(APIView):
    """The visible checks as an Excel workbook (same filters as the list)."""

    def get(self, request: Request) -> HttpResponse:
        from inspection.workbooks import checks_workbook

        require_role(request.user, *selectors.CHECK_READERS)
        qs = selectors.checks_list(user=request.user, filters=_check_filters(request))
        body, count = checks_workbook(qs, report_of=_report_of)
        response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = 'attachment; filename="kiem-tra.xlsx"'
        audit_access(actor=request.user, document="checks.export", object_type="inspection.surprisecheck",
                     payload={"rows": count, "query": request.query_params.urlencode()[:500]})
        return response


class CheckDetailApi(APIView):
    def get(self, request: Request, uid: str) -> Response:
        check = selectors.check_get_for(user=request.user, uid=uid)
        data = CheckOutputSerializer(check, context={"request": request}).data
        own = on_check_team(request.user, check)
        data["notes"] = check.notes if own else ""
        data["draw"] = check.draw_id if own else None
        data["criteria_set"] = ({"id": check.criteria_set_id, "name": check.criteria_set.name}
                                if check.criteria_set_id else None)
        return Response(data)


class CheckStartApi(APIView):
    def post(self, request: Request, uid: str) -> Response:
        check = services.check_start(by=request.user, check=selectors.check_get_for(user=request.user, uid=uid))
        return Response(CheckOutputSerializer(selectors.check_get_for(user=request.user, uid=check.uid), context={"request": request}).data)


class CheckCompleteApi(APIView):
    def post(self, request: Request, uid: str) -> Response:
        check = services.check_complete(by=request.user, check=selectors.check_get_for(user=request.user, uid=uid))
        return Response(CheckOutputSerializer(selectors.check_get_for(user=request.user, uid=check.uid), context={"request": request}).data)


class CheckCancelApi(APIView):
    class InputSerializer(serializers.Serializer):
        reason = PlainTextField(max_length=REASON_MAX)

    def post(self, request: Request, uid: str) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        check = services.check_cancel(by=request.user, check=selectors.check_get_for(user=request.user, uid=uid),
                                      reason=data.validated_data["reason"])
        return Response(CheckOutputSerializer(selectors.check_get_for(user=request.user, uid=check.uid), context={"request": request}).data)


# --- reports ------------------------------------------------------------------------------------------


DEVICE_CLOCK_SLACK = timedelta(minutes=10)


def _report_data(report: CheckReport) -> dict[str, Any]:
    results = [{"criterion": r.criterion.code, "text": r.criterion.text, "max_points": r.criterion.max_points,
                "weight": r.criterion.weight, "critical": r.criterion.critical, "outcome": r.outcome,
                "points": r.points, "note": r.note}
               for r in sorted(report.results.all(), key=lambda r: (r.criterion.position, r.criterion_id))]
    return {
        "check": str(report.surprise_check.uid), "criteria_set": {"id": report.criteria_set_id,
                                                                  "name": report.criteria_set.name},
        "summary": report.summary, "score": report.score, "max_score": report.max_score, "percent": report.percent,
        "flags": report.flags, "results": results,
        # The time and position of a photo are what the inspector's device declared (its clock and GPS,
        # not verified); `received_at` is the server's own clock when the upload arrived.
        "evidence": [{"id": e.pk, "filename": e.filename, "size": e.size, "sha256": e.sha256,
                      "content_type": e.content_type,
                      "criterion": e.result.criterion.code if e.result_id else None,
                      "received_at": e.uploaded_at,
                      "device_declared": {"captured_at": e.captured_at, "latitude": e.latitude,
                                          "longitude": e.longitude, "accuracy_m": e.accuracy_m},
                      # a device clock that says the photo predates the check: shown as doubtful
                      "device_time_before_check": bool(
                          e.captured_at and report.surprise_check.started_at
                          and e.captured_at < report.surprise_check.started_at - DEVICE_CLOCK_SLACK)}
                     for e in report.evidence.all()],
        "signed": report.is_signed, "signed_at": report.signed_at, "signed_by": _user_brief(report.signed_by),
        "content_hash": report.content_hash, "version": report.version,
        "lead_content_hash": report.lead_content_hash,
        "representative": ({"name": report.rep_name, "post": report.rep_post, "opinion": report.rep_opinion,
                            "method": report.rep_method, "identity": report.rep_identity,
                            "user": _user_brief(report.rep_user),
                            "signature_sha256": report.rep_signature_sha256, "signed_at": report.rep_signed_at}
                           if report.rep_signed_at else None),
        "amendments": [{"number": a.number, "author": _user_brief(a.author), "reason": a.reason,
                        "changes": a.changes, "content_hash": a.content_hash, "at": a.at}
                       for a in report.amendments.all()],
    }


RESULT_TEXT = {"caps": {"criterion": 40, "outcome": 40, "note": REASON_MAX}, "one_line": ("criterion", "outcome")}
QUEUE_OWNER_HEADER = "X-Counterwatch-User"


def _require_queue_owner(request: Request) -> None:
    """A change queued on a device names the account that made it (header X-Counterwatch-User). If the
    session now belongs to someone else (another tab signed out and in), it is refused, never written under
    the other person's name."""
    owner = request.headers.get(QUEUE_OWNER_HEADER)
    if owner is not None and owner.strip() != str(request.user.pk):
        raise DomainError("Thay đổi này được ghi trên máy bởi một tài khoản khác với tài khoản đang đăng nhập; "
                          "không gửi dưới tên người khác. Đăng nhập lại bằng tài khoản đã ghi để gửi.",
                          "This change was made on the device by another account than the one signed in; it "
                          "is not sent under someone else's name. Sign in with the account that made it to "
                          "send it.", code="queue_owner_mismatch", status=403)


class ReportApi(APIView):
    """GET the report (?version=original: as signed). PUT results/summary while not signed."""

    class InputSerializer(serializers.Serializer):
        summary = PlainTextField(required=False, allow_blank=True, max_length=TEXT_MAX)
        results = serializers.ListField(child=TextDictField(**RESULT_TEXT), required=False,
                                        default=list, max_length=1000)
        # required by the service (a clear 400 of its own when missing): a last write never silently wins
        version = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)

    def get(self, request: Request, uid: str) -> Response:
        report = selectors.report_get_for(user=request.user, uid=uid)
        if request.query_params.get("version") == "original":
            if not report.is_signed:
                raise NotFound("Biên bản chưa được ký.", "The report is not signed yet.")
            return Response({"check": str(uid), "content_hash": report.content_hash,
                             "content": report.signed_content})
        return Response(_report_data(report))

    def put(self, request: Request, uid: str) -> Response:
        _require_queue_owner(request)
        check = selectors.check_get_for(user=request.user, uid=uid)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.report_update(by=request.user, check=check, results=data.validated_data["results"],
                               summary=data.validated_data.get("summary"), version=data.validated_data.get("version"))
        return Response(_report_data(selectors.report_get_for(user=request.user, uid=uid)))


class ReportSignApi(APIView):
    """The team lead signs the minutes (optionally with a signature drawn on the screen)."""

    class InputSerializer(serializers.Serializer):
        signature = serializers.CharField(required=False, allow_blank=True, default="", max_length=800_000)

    @extend_schema(request=InputSerializer)
    def post(self, request: Request, uid: str) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.report_sign(by=request.user, check=selectors.check_get_for(user=request.user, uid=uid),
                             signature=data.validated_data["signature"])
        return Response(_report_data(selectors.report_get_for(user=request.user, uid=uid)))


def _in_handover_of(request: Request, uid: Any) -> bool:
    """Whether this session is handed over; refused (403) when it is, but for another check."""
    handed = session_handover(request._request.session)
    if handed is not None and handed != str(uid):
        raise HandoverLocked()
    return handed is not None


class ReportRepresentativeApi(APIView):
    """The inspected unit's representative signs after the team lead, on the lead's device: with their own
    account (username, password and the second factor their account's sign-in asks, checked by the
    sign-in rules and their lockout; name and post then come from the officer records) or a drawn
    signature (name and post typed, recorded as declared). Answers a handed-over session too."""

    handover_step = True
    throttle_classes = [LoginRateThrottle]
    throttle_scope = "login"

    class InputSerializer(serializers.Serializer):
        name = PlainTextField(one_line=True, required=False, allow_blank=True, default="", max_length=200)
        post = PlainTextField(one_line=True, required=False, allow_blank=True, default="", max_length=200)
        opinion = PlainTextField(required=False, allow_blank=True, default="", max_length=TEXT_MAX)
        signature = serializers.CharField(required=False, allow_blank=True, default="", max_length=800_000)
        username = serializers.CharField(required=False, allow_blank=True, default="", max_length=150)
        password = serializers.CharField(required=False, allow_blank=True, default="", max_length=256,
                                         trim_whitespace=False)
        code = serializers.CharField(required=False, allow_blank=True, default="", max_length=32)

    @extend_schema(request=InputSerializer)
    def post(self, request: Request, uid: str) -> Response:
        from backend.accounts.services import identity_confirm

        handed_over = _in_handover_of(request, uid)
        check = selectors.check_get_for(user=request.user, uid=uid)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        rep_user, factor = None, ""
        if v["username"] or v["password"]:
            if v["signature"]:
                raise DomainError("Chọn một cách xác nhận: tài khoản hoặc chữ ký vẽ.",
                                  "Choose one way to confirm: an account or a drawn signature.", code="invalid",
                                  fields={"signature": ["choose one"]})
            rep_user, factor = identity_confirm(request=request._request, username=v["username"],
                                                password=v["password"], code=v["code"], ip=client_ip(request.META))
        services.report_representative_sign(by=request.user, check=check, name=v["name"], post=v["post"],
                                            opinion=v["opinion"], signature=v["signature"], rep_user=rep_user,
                                            two_factor=factor)
        report = selectors.report_get_for(user=request.user, uid=uid)
        return Response(_handover_data(report) if handed_over else _report_data(report))


def _handover_data(report: CheckReport) -> dict[str, Any]:
    """What the hand-over screen shows: the minutes as the lead signed them (the signed content only) and,
    once given, the unit's signature. Nothing else of the check or of the app."""
    check = report.surprise_check
    signed = report.signed_content or {}
    texts = {r.criterion.code: r.criterion.text for r in report.results.all()}
    rep = signed.get("unit_representative") if report.rep_signed_at else None
    return {
        "check": str(check.uid), "reference": check.reference, "unit": check.unit.name,
        "counter": check.counter.name if check.counter else None,
        "lead": signed.get("lead") or {"name": report.signed_by.get_full_name() if report.signed_by else ""},
        "signed_at": report.signed_at,
        "results": [{"criterion": code, "text": texts.get(code, ""), "outcome": outcome, "points": points, "note": note}
                    for code, outcome, points, note in signed.get("results", [])],
        "score": signed.get("score"), "max_score": signed.get("max_score"), "percent": signed.get("percent"),
        "summary": signed.get("summary", ""), "lead_content_hash": report.lead_content_hash,
        "content_hash": report.content_hash,
        "representative": ({k: rep.get(k) for k in ("name", "post", "opinion", "method", "identity", "signed_at")}
                           if rep else None),
    }


class HandoverOutputSerializer(serializers.Serializer):
    check = serializers.CharField()
    reference = serializers.CharField()
    unit = serializers.CharField()
    counter = serializers.CharField(allow_null=True)
    lead = serializers.DictField()
    signed_at = serializers.DateTimeField(allow_null=True)
    results = serializers.ListField(child=serializers.DictField())
    score = serializers.CharField(allow_null=True)
    max_score = serializers.CharField(allow_null=True)
    percent = serializers.CharField(allow_null=True)
    summary = serializers.CharField(allow_blank=True)
    lead_content_hash = serializers.CharField(allow_blank=True)
    content_hash = serializers.CharField(allow_blank=True)
    representative = serializers.DictField(allow_null=True)


class ReportHandoverApi(APIView):
    """The team lead hands the device to the unit's representative: from now on this session answers only
    the signature step of this check, until the lead re-enters their password (HandoverExitApi)."""

    @extend_schema(request=None, responses=HandoverOutputSerializer)
    def post(self, request: Request, uid: str) -> Response:
        check = selectors.check_get_for(user=request.user, uid=uid)
        report = services.report_handover_start(by=request.user, check=check)
        request._request.session[HANDOVER_CHECK] = str(check.uid)
        return Response(HandoverOutputSerializer(_handover_data(report)).data)


class HandoverApi(APIView):
    """GET: the signature step of the handed-over check (404 when this session is not handed over)."""

    handover_step = True

    @extend_schema(responses=HandoverOutputSerializer)
    def get(self, request: Request) -> Response:
        uid = session_handover(request._request.session)
        if uid is None:
            raise NotFound("Máy không ở chế độ trao cho đại diện đơn vị.", "This device is not handed over.")
        report = selectors.report_get_for(user=request.user, uid=uid)
        return Response(HandoverOutputSerializer(_handover_data(report)).data)


class HandoverExitApi(APIView):
    """The team lead takes the device back by re-entering their password (the sign-in's password step and
    its lockout): the session answers the whole app again."""

    handover_step = True
    throttle_classes = [LoginRateThrottle]
    throttle_scope = "login"

    class InputSerializer(serializers.Serializer):
        password = serializers.CharField(max_length=256, trim_whitespace=False)

    @extend_schema(request=InputSerializer, responses=None)
    def post(self, request: Request) -> Response:
        from backend.accounts.services import login_failures_clear, login_password_check

        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = request._request.session
        uid = session_handover(session)
        if uid is None:
            return Response(status=204)
        try:
            user = login_password_check(request=request._request, username=request.user.get_username(),
                                        password=data.validated_data["password"], ip=client_ip(request.META))
        except DomainError as error:
            if error.code != "bad_credentials":
                raise
            # only the password was asked for (the lead's own account): no "username or password"
            raise DomainError("Sai mật khẩu.", "Wrong password.", code="bad_credentials", status=400) from error
        if user.pk != request.user.pk:  # cannot happen with the same username; never trust it silently
            raise DomainError("Sai mật khẩu.", "Wrong password.", code="bad_credentials")
        login_failures_clear(username=user.get_username())
        session.pop(HANDOVER_CHECK, None)
        services.report_handover_end(by=request.user, check_uid=uid)
        return Response(status=204)


class ReportAmendApi(APIView):
    class InputSerializer(serializers.Serializer):
        reason = PlainTextField(max_length=REASON_MAX)
        summary = PlainTextField(required=False, allow_blank=True, max_length=TEXT_MAX)
        results = serializers.ListField(child=TextDictField(**RESULT_TEXT), required=False,
                                        default=list, max_length=1000)

    def post(self, request: Request, uid: str) -> Response:
        check = selectors.check_get_for(user=request.user, uid=uid)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        services.report_amend(by=request.user, check=check, reason=v["reason"], results=v["results"],
                              summary=v.get("summary"))
        return Response(_report_data(selectors.report_get_for(user=request.user, uid=uid)), status=201)


class ReportEvidenceApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    def post(self, request: Request, uid: str) -> Response:
        _require_queue_owner(request)
        check = selectors.check_get_for(user=request.user, uid=uid)
        upload = request.FILES.get("file")
        if upload is None:
            raise DomainError("Chưa chọn tệp.", "No file uploaded (field 'file').", code="required",
                              fields={"file": ["required"]})
        item = services.report_evidence_add(by=request.user, check=check, fileobj=upload, filename=upload.name,
                                            content_type=upload.content_type or "",
                                            criterion_code=parse_text(request.data.get("criterion"), "criterion",
                                                                      max_length=40),
                                            reason=parse_text(request.data.get("reason"), "reason",
                                                              max_length=REASON_MAX),
                                            sha256=parse_text(request.data.get("sha256"), "sha256", max_length=64),
                                            captured_at=parse_datetime(request.data.get("captured_at"),
                                                                       "captured_at"),
                                            latitude=parse_text(request.data.get("latitude"), "latitude",
                                                                max_length=30) or None,
                                            longitude=parse_text(request.data.get("longitude"), "longitude",
                                                                 max_length=30) or None,
                                            accuracy=parse_text(request.data.get("accuracy"), "accuracy",
                                                                max_length=30) or None)
        return Response({"id": item.pk, "filename": item.filename, "size": item.size, "sha256": item.sha256}, status=201)


class ReportEvidenceDownloadApi(APIView):
    def get(self, request: Request, uid: str, pk: int) -> FileResponse:
        report = selectors.report_get_for(user=request.user, uid=uid)
        item = report.evidence.filter(pk=pk).first()
        if item is None:
            raise NotFound("Không tìm thấy tệp chứng cứ.", "Evidence file not found.")
        try:
            handle = get_store().open(item.key)
        except ObjectMissing as exc:
            raise NotFound("Tệp chứng cứ không còn trong kho lưu trữ.", "The evidence file is missing from the store.") \
                from exc
        audit_access(actor=request.user, document="report.evidence", obj=item,
                     payload={"check": str(report.surprise_check.uid), "sha256": item.sha256})
        return FileResponse(handle, as_attachment=True, filename=item.filename,
                            content_type=item.content_type or "application/octet-stream")


class ReportPdfApi(APIView):
    """The signed report as the check minutes (biên bản kiểm tra)."""

    def get(self, request: Request, uid: str) -> HttpResponse:
        report = selectors.report_get_for(user=request.user, uid=uid)
        if not report.is_signed:
            raise DomainError("Chỉ in biên bản đã ký.", "Only a signed report can be printed.", code="not_signed",
                              status=409)
        pdf = selectors.report_minutes_pdf(report=report, user=request.user)
        audit_access(actor=request.user, document="report.minutes", obj=report,
                     payload={"check": str(report.surprise_check.uid), "sha256": hashlib.sha256(pdf).hexdigest()})
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="bien-ban-{report.surprise_check.reference}.pdf"'
        return response


# --- findings ------------------------------------------------------------------------------------------


class FindingOutputSerializer(serializers.ModelSerializer):
    category = serializers.SerializerMethodField()
    unit = serializers.SerializerMethodField()
    counter = serializers.SerializerMethodField()
    check = serializers.SerializerMethodField()
    subjects = serializers.SerializerMethodField()
    created_by = serializers.SerializerMethodField()
    confirmed_by = serializers.SerializerMethodField()

    class Meta:
        model = Finding
        fields = ["id", "reference", "source", "state", "severity", "category", "title", "description", "unit",
                  "counter", "occurred_from", "occurred_to", "check", "complaint_id", "rating_id", "subjects",
                  "created_by", "created_at", "confirmed_at", "confirmed_by"]

    def get_category(self, obj: Finding) -> dict[str, Any]:
        return {"code": obj.category.code, "name_vi": obj.category.name_vi, "name_en": obj.category.name_en}

    def get_unit(self, obj: Finding) -> dict[str, Any] | None:
        return _unit_brief(obj.unit)

    def get_counter(self, obj: Finding) -> dict[str, Any] | None:
        return _counter_brief(obj.counter)

    def get_check(self, obj: Finding) -> dict[str, Any] | None:
        c = obj.surprise_check
        return {"id": str(c.uid), "reference": c.reference} if c else None

    def get_subjects(self, obj: Finding) -> list[dict[str, Any]]:
        return [{"officer": {"id": s.officer_id, "service_number": s.officer.service_number,
                             "full_name": s.officer.full_name, "rank": s.officer.rank},
                 "role": s.role, "knew_and_did_not_act": s.knew_and_did_not_act, "covered_up": s.covered_up,
                 "note": s.note} for s in obj.subjects.all()]

    def get_created_by(self, obj: Finding) -> dict[str, Any] | None:
        return _user_brief(obj.created_by)

    def get_confirmed_by(self, obj: Finding) -> dict[str, Any] | None:
        return _user_brief(obj.confirmed_by)


def _finding_detail(finding: Finding) -> dict[str, Any]:
    data = FindingOutputSerializer(finding).data
    data["transitions"] = [{"from": t.from_state, "to": t.to_state, "actor": _user_brief(t.actor),
                            "reason": t.reason, "at": t.at} for t in finding.transitions.all()]
    data["evidence"] = [{"id": e.pk, "kind": e.kind, "filename": e.filename, "size": e.size, "sha256": e.sha256,
                         "media_ref": e.media_ref, "description": e.description, "added_at": e.added_at}
                        for e in finding.evidence_items.all()]
    data["criterion"] = finding.criterion.code if finding.criterion_id else None
    data["explanations"] = [{"id": x.pk, "kind": x.kind, "text": x.text, "author": _user_brief(x.author), "at": x.at}
                            for x in finding.explanations.all()]
    # Whether an evidence package can be built (the same sources the package job reads), so the
    # export button is disabled with its reason before anyone types a reason for the export.
    from media_ingest.review.selectors import package_sources

    data["exportable"] = not package_sources(finding=finding).empty
    # How many footage/media evidence items the finding has: the footage itself is for FOOTAGE_ROLES
    # only, but the unit that has to explain a finding is told that evidence exists (issue 15).
    data["media_evidence_count"] = finding.media_evidence.count()
    return data


class SubjectInputSerializer(serializers.Serializer):
    officer_id = IdField()
    role = serializers.ChoiceField(choices=["violator", "co_violator", "responsible_head"])
    knew_and_did_not_act = serializers.BooleanField(required=False, default=False)
    covered_up = serializers.BooleanField(required=False, default=False)
    note = PlainTextField(required=False, allow_blank=True, default="", max_length=REASON_MAX)


class FindingListApi(APIView):
    class InputSerializer(serializers.Serializer):
        source = serializers.ChoiceField(choices=Finding.Source.choices)
        category = serializers.CharField(max_length=40)
        severity = serializers.ChoiceField(choices=Finding.Severity.choices, required=False)
        title = PlainTextField(one_line=True, max_length=300)
        description = PlainTextField(required=False, allow_blank=True, default="", max_length=TEXT_MAX)
        unit_id = IdField(required=False, allow_null=True)
        counter_id = IdField(required=False, allow_null=True)
        occurred_from = DateTimeField()
        occurred_to = DateTimeField(required=False, allow_null=True)
        check = serializers.UUIDField(required=False, allow_null=True)
        complaint_id = IdField(required=False, allow_null=True)
        rating_id = IdField(required=False, allow_null=True)
        criterion = serializers.CharField(required=False, allow_blank=True, default="", max_length=40)
        subjects = SubjectInputSerializer(many=True, required=False, default=list, max_length=100)

    def get(self, request: Request) -> Response:
        q = Query(request)
        start, end = q.day_range()
        filters = {"state": q.text("state"), "severity": q.text("severity"), "source": q.text("source"),
                   "unit_id": q.id("unit"), "officer_id": q.id("officer"), "category": q.text("category"),
                   "check": q.text("check"), "complaint_id": q.id("complaint"),
                   "search": q.text("search"), "from": start, "to": end}
        if filters["check"]:
            try:
                import uuid

                uuid.UUID(filters["check"])
            except ValueError:
                filters["check"] = "00000000-0000-0000-0000-000000000000"
        return paginate(request, self, selectors.findings_list(user=request.user, filters=filters),
                        FindingOutputSerializer)

    def post(self, request: Request) -> Response:
        require_role(request.user, *TEAM, Role.REVIEWER)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        category = FindingCategory.objects.filter(code=v["category"], active=True).first()
        if category is None:
            raise DomainError("Không có danh mục vi phạm này.", f"Unknown finding category {v['category']!r}.",
                              code="invalid", fields={"category": ["unknown"]})
        check = selectors.check_get_for(user=request.user, uid=v["check"]) if v.get("check") else None
        complaint = selectors.complaint_get_for(user=request.user, id=v["complaint_id"]) \
            if v.get("complaint_id") else None
        rating = selectors.rating_get_for(user=request.user, id=v["rating_id"]) if v.get("rating_id") else None
        unit = _get_or_404(Unit, v["unit_id"], "Không tìm thấy đơn vị.", "Unknown unit.") if v.get("unit_id") else None
        counter = _get_or_404(Counter, v["counter_id"], "Không tìm thấy quầy.", "Unknown counter.") \
            if v.get("counter_id") else None
        finding = services.finding_create(
            by=request.user, source=v["source"], category=category, severity=v.get("severity"), title=v["title"],
            description=v["description"], unit=unit, counter=counter, occurred_from=v["occurred_from"],
            occurred_to=v.get("occurred_to"), surprise_check=check, complaint=complaint, rating=rating,
            criterion_code=v["criterion"], subjects=[dict(s) for s in v["subjects"]])
        return Response(_finding_detail(selectors.finding_get_for(user=request.user, id=finding.pk)), status=201)


class FindingDetailApi(APIView):
    class InputSerializer(serializers.Serializer):
        category = serializers.CharField(required=False, max_length=40)
        severity = serializers.ChoiceField(choices=Finding.Severity.choices, required=False)
        title = PlainTextField(one_line=True, max_length=300, required=False)
        description = PlainTextField(required=False, allow_blank=True, max_length=TEXT_MAX)
        occurred_from = DateTimeField(required=False)
        occurred_to = DateTimeField(required=False, allow_null=True)
        subjects = SubjectInputSerializer(many=True, required=False, max_length=100)

    def get(self, request: Request, pk: int) -> Response:
        return Response(_finding_detail(selectors.finding_get_for(user=request.user, id=pk)))

    def patch(self, request: Request, pk: int) -> Response:
        finding = selectors.finding_get_for(user=request.user, id=pk)
        data = self.InputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        if "category" in v:
            category = FindingCategory.objects.filter(code=v["category"], active=True).first()
            if category is None:
                raise DomainError("Không có danh mục vi phạm này.", f"Unknown finding category {v['category']!r}.",
                                  code="invalid", fields={"category": ["unknown"]})
            v["category"] = category
        if "subjects" in v:
            v["subjects"] = [dict(s) for s in v["subjects"]]
        services.finding_update(by=request.user, finding=finding, data=v)
        return Response(_finding_detail(selectors.finding_get_for(user=request.user, id=pk)))


class FindingTransitionApi(APIView):
    class InputSerializer(serializers.Serializer):
        to = serializers.ChoiceField(choices=Finding.State.choices)
        reason = PlainTextField(max_length=REASON_MAX)

    def post(self, request: Request, pk: int) -> Response:
        finding = selectors.finding_get_for(user=request.user, id=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.finding_transition(by=request.user, finding=finding, to_state=data.validated_data["to"],
                                    reason=data.validated_data["reason"])
        return Response(_finding_detail(selectors.finding_get_for(user=request.user, id=pk)))


class FindingExplanationApi(APIView):
    """The unit head's explanation or self-review of a finding on his unit."""

    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=FindingExplanation.Kind.choices)
        text = PlainTextField(max_length=TEXT_MAX)

    def post(self, request: Request, pk: int) -> Response:
        finding = selectors.finding_get_for(user=request.user, id=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.finding_explain(by=request.user, finding=finding, kind=data.validated_data["kind"],
                                 text=data.validated_data["text"])
        return Response(_finding_detail(selectors.finding_get_for(user=request.user, id=pk)), status=201)


class FindingEvidenceApi(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def post(self, request: Request, pk: int) -> Response:
        finding = selectors.finding_get_for(user=request.user, id=pk)
        if not isinstance(request.data, dict):
            raise DomainError("Dữ liệu phải là một đối tượng.", "The body must be an object.", code="invalid")
        upload = request.FILES.get("file")
        report_evidence_id = parse_id(request.data.get("report_evidence_id"), "report_evidence_id")
        item = services.finding_evidence_add(
            by=request.user, finding=finding, fileobj=upload, filename=upload.name if upload else "",
            content_type=(upload.content_type or "") if upload else "", report_evidence_id=report_evidence_id,
            media_ref=parse_text(request.data.get("media_ref"), "media_ref", max_length=120),
            description=parse_text(request.data.get("description"), "description", max_length=TEXT_MAX,
                                   one_line=False))
        return Response({"id": item.pk, "kind": item.kind, "filename": item.filename, "sha256": item.sha256,
                         "media_ref": item.media_ref}, status=201)


class FindingEvidenceDownloadApi(APIView):
    """An uploaded evidence file of a finding, as stored (its SHA-256 is on the finding)."""

    def get(self, request: Request, pk: int, evidence_id: int) -> FileResponse:
        finding = selectors.finding_get_for(user=request.user, id=pk)
        item, handle = services.finding_evidence_open(by=request.user, finding=finding, evidence_id=evidence_id)
        return FileResponse(handle, as_attachment=True, filename=item.filename or f"evidence-{item.pk}",
                            content_type="application/octet-stream")


# --- ratings -------------------------------------------------------------------------------------------


class DeviceThrottle(ScopedRateThrottle):
    """Rate-limits device posts only (scope 'device')."""

    def allow_request(self, request: Request, view: Any) -> bool:
        if request.method != "POST":
            return True
        return super().allow_request(request, view)


class RatingOutputSerializer(serializers.ModelSerializer):
    counter = serializers.SerializerMethodField()

    class Meta:
        model = SatisfactionRating
        fields = ["id", "counter", "device_code", "device_rating_id", "rated_at", "score", "comment", "source",
                  "received_at", "held", "hold_reason", "review", "review_note", "reviewed_at"]

    def get_counter(self, obj: SatisfactionRating) -> dict[str, Any] | None:
        return {**(_counter_brief(obj.counter) or {}), "unit": _unit_brief(obj.counter.unit)}


class RatingListApi(APIView):
    """GET (users): ratings in scope. POST (rating device token): one rating or {"ratings": [...]}."""

    throttle_classes = [DeviceThrottle]
    throttle_scope = "device"

    def get(self, request: Request) -> Response:
        q = Query(request)
        start, end = q.day_range()
        filters = {"counter_id": q.id("counter"), "unit_id": q.id("unit"),
                   "max_score": q.int("max_score", lo=1, hi=5), "from": start, "to": end, "held": q.bool("held")}
        return paginate(request, self, selectors.ratings_list(user=request.user, filters=filters),
                        RatingOutputSerializer)

    def post(self, request: Request) -> Response:
        token: ApiToken = require_token_kind(request.auth, ApiToken.Kind.RATING_DEVICE)
        body = request.data
        batch = isinstance(body, dict) and "ratings" in body
        items = body.get("ratings") if batch else [body]
        results = services.ratings_record(token=token, items=items)
        if batch:
            summary = {s: sum(1 for r in results if r["status"] == s)
                       for s in ("created", "duplicate", "conflict", "invalid")}
            return Response({"results": results, "summary": summary}, status=200)
        result = results[0]
        if result["status"] == "invalid":
            first = result["errors"][0]
            raise DomainError(f"Lượt đánh giá không hợp lệ — {first['vi']}", f"Invalid rating — {first['en']}",
                              code="invalid", fields={e["field"]: [e["en"]] for e in result["errors"]})
        if result["status"] == "conflict":
            raise DomainError("Mã đánh giá này đã được dùng cho một lượt đánh giá khác.",
                              "This rating id was already used for a different rating.", code="replay_conflict",
                              fields={"id": ["already used"]}, status=409)
        return Response(result, status=201 if result["status"] == "created" else 200)


class RatingReviewApi(APIView):
    """The inspection team accepts (counted again) or rejects (kept out, with a note) held ratings."""

    class InputSerializer(serializers.Serializer):
        ids = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=500)
        decision = serializers.ChoiceField(choices=["accepted", "rejected"])
        note = PlainTextField(required=False, allow_blank=True, default="", max_length=2000)

    class OutputSerializer(serializers.Serializer):
        reviewed = serializers.IntegerField()

    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        count = services.ratings_review(by=request.user, **data.validated_data)
        return Response(self.OutputSerializer({"reviewed": count}).data)


class RatingDeviceApi(APIView):
    """Rating devices (administrator). GET: the registered devices. POST {"serial", "counter_id",
    "token_id"?}: register a counter's device by its serial and the rating-device token it posts with,
    so its posts and its CSV exports count each rating once (device:<serial>)."""

    class InputSerializer(serializers.Serializer):
        serial = PlainTextField(one_line=True, max_length=80)
        counter_id = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
        token_id = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False, allow_null=True)

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        serial = serializers.CharField()
        counter = serializers.SerializerMethodField()
        token_id = serializers.IntegerField(allow_null=True)
        registered_at = serializers.DateTimeField()

        def get_counter(self, obj: Any) -> dict[str, Any] | None:
            return _counter_brief(obj.counter)

    def get(self, request: Request) -> Response:
        require_role(request.user, Role.ADMIN, *TEAM)
        from inspection.models import RatingDevice

        return paginate(request, self, RatingDevice.objects.select_related("counter").order_by("serial"),
                        self.OutputSerializer)

    def post(self, request: Request) -> Response:
        require_role(request.user, Role.ADMIN)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        counter = Counter.objects.filter(pk=data.validated_data["counter_id"]).first()
        if counter is None:
            raise DomainError("Không có quầy này.", "No such counter.", code="invalid",
                              fields={"counter_id": ["not found"]})
        token = None
        if data.validated_data.get("token_id"):
            token = ApiToken.objects.filter(pk=data.validated_data["token_id"]).first()
            if token is None:
                raise DomainError("Không có mã truy cập này.", "No such token.", code="invalid",
                                  fields={"token_id": ["not found"]})
        device = services.rating_device_register(by=request.user, counter=counter,
                                                 serial=data.validated_data["serial"], token=token)
        return Response(self.OutputSerializer(device).data, status=201)


class VolumeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    counter = serializers.SerializerMethodField()
    day = serializers.DateField()
    transactions = serializers.IntegerField()
    source = serializers.CharField()
    recorded_at = serializers.DateTimeField()

    def get_counter(self, obj: Any) -> dict[str, Any] | None:
        return {**(_counter_brief(obj.counter) or {}), "unit": _unit_brief(obj.counter.unit)}


class VolumeListApi(APIView):
    """Transactions served per counter per day. GET: in scope (filters counter, unit, from, to).
    POST: {"items": [{"counter": code, "day": "YYYY-MM-DD", "transactions": n}, ...]} or a CSV file
    (field `file`, columns counter, day, transactions). A later, different figure for a recorded day
    is a correction: inspection team only, with `reason`; audited old -> new."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    class OutputSerializer(serializers.Serializer):
        created = serializers.IntegerField()
        updated = serializers.IntegerField()
        unchanged = serializers.IntegerField()

    def get(self, request: Request) -> Response:
        q = Query(request)
        filters = {"counter_id": q.id("counter"), "unit_id": q.id("unit"), "from": q.date("from"), "to": q.date("to")}
        return paginate(request, self, selectors.volumes_list(user=request.user, filters=filters),
                        VolumeOutputSerializer)

    def post(self, request: Request) -> Response:
        require_role(request.user, *services.VOLUME_WRITERS)
        upload = request.FILES.get("file")
        if upload is not None:
            if upload.size > SYNC_IMPORT_BYTES:
                raise DomainError("Tệp CSV quá lớn (tối đa 2 MB).", "The CSV is too large (2 MB at most).",
                                  code="too_large", fields={"file": ["too large"]})
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise DomainError("Tệp CSV phải mã hóa UTF-8.", "The CSV must be UTF-8.", code="invalid",
                                  fields={"file": ["not UTF-8"]}) from None
            summary = services.volumes_import_csv(by=request.user, text=text,
                                                  reason=parse_text(request.data.get("reason"), "reason", max_length=REASON_MAX))
        else:
            items = request.data.get("items") if isinstance(request.data, dict) else None
            if not isinstance(items, list):
                raise DomainError("Cần danh sách items hoặc tệp CSV.", "Give a list 'items' or a CSV 'file'.",
                                  code="required", fields={"items": ["required"]})
            summary = services.volumes_record(by=request.user, items=items,
                                              reason=parse_text(request.data.get("reason"), "reason", max_length=REASON_MAX))
        return Response(self.OutputSerializer(summary).data, status=201)


class CsvImportOutputSerializer(serializers.ModelSerializer):
    progress = serializers.SerializerMethodField()

    class Meta:
        model = CsvImport
        fields = ["id", "state", "filename", "sha256", "started_at", "finished_at", "total_rows", "processed_rows",
                  "imported", "duplicates", "errors", "failure", "progress"]

    def get_progress(self, obj: CsvImport) -> float | None:
        if obj.state == CsvImport.State.DONE:
            return 1.0
        return None if not obj.total_rows else round(obj.processed_rows / obj.total_rows, 4)


SYNC_IMPORT_BYTES = 2 * 1024 * 1024


class RatingImportApi(APIView):
    """Upload a CSV (counter_code, device_id, rating_id, rated_at, score[, comment]).
    Small files are imported at once (201); larger ones are queued (202) and polled."""

    parser_classes = [MultiPartParser, FormParser]

    def post(self, request: Request) -> Response:
        require_role(request.user, *TEAM, Role.ADMIN)
        upload = request.FILES.get("file")
        if upload is None:
            raise DomainError("Chưa chọn tệp CSV.", "No CSV file uploaded (field 'file').", code="required",
                              fields={"file": ["required"]})
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        if upload.size <= SYNC_IMPORT_BYTES:
            record = services.ratings_import_upload(by=request.user, fileobj=upload.file, filename=upload.name,
                                                    sha256=digest.hexdigest())
            return Response(CsvImportOutputSerializer(record).data, status=201)
        from inspection.tasks import ratings_import_task

        key = f"inspection/imports/{digest.hexdigest()}.csv"
        get_store().put(key, upload, upload.size, "text/csv")
        record = services.csv_import_queue(by=request.user, filename=upload.name, sha256=digest.hexdigest(), key=key,
                                           task=ratings_import_task)
        return Response(CsvImportOutputSerializer(record).data, status=202)


class RatingImportDetailApi(APIView):
    def get(self, request: Request, pk: int) -> Response:
        require_role(request.user, *TEAM, Role.ADMIN)
        record = CsvImport.objects.filter(pk=pk).first()
        if record is None:
            raise NotFound("Không tìm thấy lượt nhập.", "Import not found.")
        return Response(CsvImportOutputSerializer(record).data)


class RatingIntegrityApi(APIView):
    def get(self, request: Request) -> Response:
        q = Query(request)
        start, end = q.day_range()
        now = timezone.now()
        start = start or now - timedelta(days=90)
        end = end or now
        too_soon = q.int("too_soon_seconds", lo=1, hi=86400, default=20)
        rows = selectors.rating_integrity(user=request.user, start=start, end=end, too_soon_seconds=too_soon)
        return Response({"from": start, "to": end, "too_soon_seconds": too_soon, "counters": rows})


# --- complaints ----------------------------------------------------------------------------------------


class ComplaintOutputSerializer(serializers.ModelSerializer):
    unit = serializers.SerializerMethodField()
    counter = serializers.SerializerMethodField()
    officer = serializers.SerializerMethodField()
    category = serializers.SerializerMethodField()
    findings_count = serializers.IntegerField(read_only=True, required=False)

    class Meta:
        model = Complaint
        fields = ["id", "reference", "channel", "received_at", "unit", "counter", "officer", "occurred_at",
                  "complainant_name", "complainant_phone", "summary", "details", "category", "priority", "state",
                  "resolution", "triaged_at", "closed_at", "findings_count"]

    def get_unit(self, obj: Complaint) -> dict[str, Any] | None:
        return _unit_brief(obj.unit)

    def get_counter(self, obj: Complaint) -> dict[str, Any] | None:
        return _counter_brief(obj.counter)

    def get_officer(self, obj: Complaint) -> dict[str, Any] | None:
        o = obj.officer
        return {"id": o.pk, "service_number": o.service_number, "full_name": o.full_name} if o else None

    def get_category(self, obj: Complaint) -> str | None:
        return obj.category.code if obj.category_id else None


def _complaint_refs(v: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if v.get("unit_id"):
        out["unit"] = _get_or_404(Unit, v["unit_id"], "Không tìm thấy đơn vị.", "Unknown unit.")
    if v.get("counter_id"):
        out["counter"] = _get_or_404(Counter, v["counter_id"], "Không tìm thấy quầy.", "Unknown counter.")
    if v.get("officer_id"):
        out["officer"] = _get_or_404(Officer, v["officer_id"], "Không tìm thấy cán bộ.", "Unknown officer.")
    return out


class ComplaintListApi(APIView):
    class InputSerializer(serializers.Serializer):
        channel = serializers.ChoiceField(choices=Complaint.Channel.choices)
        received_at = DateTimeField(required=False)
        summary = PlainTextField(one_line=True, max_length=LABEL_MAX)
        details = PlainTextField(required=False, allow_blank=True, default="", max_length=TEXT_MAX)
        unit_id = IdField(required=False, allow_null=True)
        counter_id = IdField(required=False, allow_null=True)
        officer_id = IdField(required=False, allow_null=True)
        occurred_at = DateTimeField(required=False, allow_null=True)
        complainant_name = PlainTextField(one_line=True, required=False, allow_blank=True, default="", max_length=120)
        complainant_phone = PlainTextField(one_line=True, required=False, allow_blank=True, default="", max_length=30)

    def get(self, request: Request) -> Response:
        q = Query(request)
        filters = {"state": q.text("state"), "channel": q.text("channel"), "unit_id": q.id("unit"),
                   "search": q.text("search")}
        return paginate(request, self, selectors.complaints_list(user=request.user, filters=filters),
                        ComplaintOutputSerializer)

    def post(self, request: Request) -> Response:
        require_role(request.user, *TEAM, Role.ADMIN)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        complaint = services.complaint_create(
            by=request.user, channel=v["channel"], received_at=v.get("received_at") or timezone.now(),
            summary=v["summary"], details=v["details"], occurred_at=v.get("occurred_at"),
            complainant_name=v["complainant_name"], complainant_phone=v["complainant_phone"], **_complaint_refs(v))
        return Response(ComplaintOutputSerializer(selectors.complaint_get_for(user=request.user, id=complaint.pk)).data,
                        status=201)


class ComplaintDetailApi(APIView):
    def get(self, request: Request, pk: int) -> Response:
        complaint = selectors.complaint_get_for(user=request.user, id=pk)
        data = ComplaintOutputSerializer(complaint).data
        findings = selectors.findings_visible_to(request.user).filter(complaint=complaint).select_related("category")
        data["findings"] = [{"id": f.pk, "reference": f.reference, "title": f.title, "state": f.state}
                            for f in findings]
        return Response(data)


class ComplaintTriageApi(APIView):
    class InputSerializer(serializers.Serializer):
        category = serializers.CharField(required=False, allow_blank=True, default="", max_length=40)
        priority = serializers.ChoiceField(choices=["low", "normal", "high"], default="normal")
        unit_id = IdField(required=False, allow_null=True)
        counter_id = IdField(required=False, allow_null=True)
        officer_id = IdField(required=False, allow_null=True)
        note = PlainTextField(required=False, allow_blank=True, default="", max_length=REASON_MAX)

    def post(self, request: Request, pk: int) -> Response:
        complaint = selectors.complaint_get_for(user=request.user, id=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        category = None
        if v["category"]:
            category = FindingCategory.objects.filter(code=v["category"]).first()
            if category is None:
                raise DomainError("Không có danh mục vi phạm này.", f"Unknown category {v['category']!r}.",
                                  code="invalid", fields={"category": ["unknown"]})
        services.complaint_triage(by=request.user, complaint=complaint, category=category, priority=v["priority"],
                                  note=v["note"], **_complaint_refs(v))
        return Response(ComplaintOutputSerializer(selectors.complaint_get_for(user=request.user, id=pk)).data)


class ComplaintTransitionApi(APIView):
    class InputSerializer(serializers.Serializer):
        to = serializers.ChoiceField(choices=Complaint.State.choices)
        note = PlainTextField(required=False, allow_blank=True, default="", max_length=REASON_MAX)

    def post(self, request: Request, pk: int) -> Response:
        complaint = selectors.complaint_get_for(user=request.user, id=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.complaint_transition(by=request.user, complaint=complaint, to_state=data.validated_data["to"],
                                      note=data.validated_data["note"])
        return Response(ComplaintOutputSerializer(selectors.complaint_get_for(user=request.user, id=pk)).data)


class ComplaintLinkFindingApi(APIView):
    class InputSerializer(serializers.Serializer):
        finding_id = IdField()

    def post(self, request: Request, pk: int) -> Response:
        complaint = selectors.complaint_get_for(user=request.user, id=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        finding = selectors.finding_get_for(user=request.user, id=data.validated_data["finding_id"])
        services.complaint_link_finding(by=request.user, complaint=complaint, finding=finding)
        return Response({"complaint": complaint.pk, "finding": finding.pk}, status=201)
