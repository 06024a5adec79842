"""Draws: create and list, detail, close, cancel, the published commitments and verification."""
from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.selectors import require_role
from backend.core.actors import AuthedRequest
from backend.core.pagination import Pagination
from backend.core.params import DateField, PlainTextField
from backend.org.apis import paginate
from inspection import selectors_draws, services_draws
from inspection.apis.common import LEAD, _user_brief, user_brief_field
from inspection.models import Draw, SurpriseCheck
from inspection.secrecy import conflicted_unit_ids
from inspection.services_draw_left_out import LEAD_ONLY_WARNINGS


class DrawDeviationSerializer(serializers.Serializer):
    param = serializers.CharField()
    value = serializers.FloatField()
    policy = serializers.FloatField()


class DrawFlagSerializer(serializers.Serializer):
    """A flag published with the draw's commitment (services_draws, selectors_draws): `code` says which, the
    other keys are those its code carries (redraw over a window, cancelled checks, units left out, policy
    deviations, superseded, sealed counts)."""

    code = serializers.CharField()
    reason = serializers.CharField(required=False, allow_blank=True)
    draws = serializers.ListField(child=serializers.IntegerField(), required=False)
    cancelled = serializers.IntegerField(required=False)
    counts = serializers.DictField(child=serializers.IntegerField(), required=False,
                                   help_text="after_cancelled_checks: the cancelled checks per open draw")
    count = serializers.IntegerField(required=False)
    manual = serializers.IntegerField(required=False)
    never_checked = serializers.IntegerField(required=False)
    reasons = serializers.ListField(child=serializers.CharField(), required=False)
    n = serializers.IntegerField(required=False)
    drawn = serializers.IntegerField(required=False)
    candidates = serializers.IntegerField(required=False)
    total = serializers.IntegerField(required=False)
    deviations = DrawDeviationSerializer(many=True, required=False)
    by = serializers.IntegerField(required=False, help_text="superseded: the draw that replaced this one")


class DrawPublishedParametersSerializer(serializers.Serializer):
    """Every parameter of the draw that shapes the selection (services_draws.published_parameters); a draw made
    before a parameter existed has no such key; pool_size is sealed like the counts of units left out."""

    proportional_share = serializers.FloatField(required=False)
    floor_months = serializers.IntegerField(required=False)
    conflict_years = serializers.IntegerField(required=False)
    team_size = serializers.IntegerField(required=False)
    check_minutes = serializers.IntegerField(required=False)
    include_weekends = serializers.BooleanField(required=False)
    per_person_per_day = serializers.IntegerField(required=False)
    travel_minutes = serializers.IntegerField(required=False)
    mode = serializers.CharField(required=False)
    algorithm = serializers.IntegerField(required=False)
    floor_share = serializers.FloatField(required=False)
    risk_exponent = serializers.FloatField(required=False)
    risk_weights_version = serializers.IntegerField(required=False, allow_null=True)
    risk_weights_sha256 = serializers.CharField(required=False, allow_null=True)
    pool_size = serializers.IntegerField(required=False)
    working_days = serializers.IntegerField(required=False)


class DrawSlotSerializer(serializers.Serializer):
    counter_id = serializers.IntegerField()
    window_start = serializers.CharField(help_text="Local time, ISO 8601")
    window_end = serializers.CharField(help_text="Local time, ISO 8601")


class DrawNoteSerializer(serializers.Serializer):
    """A note on a drawn target (inspection/draw.py): drawing_lead_conflicted; team_short {asked, free};
    after_due {due} (version 4 adds days_late and never_checked)."""

    code = serializers.CharField()
    asked = serializers.IntegerField(required=False)
    free = serializers.IntegerField(required=False)
    due = serializers.CharField(required=False, allow_null=True)
    days_late = serializers.IntegerField(required=False)
    never_checked = serializers.BooleanField(required=False)


class DrawResultRowSerializer(serializers.Serializer):
    """A drawn target with its slot and team (inspection/draw.py); for a reader conflicted with the unit, no
    slot, no team and `redacted`."""

    order = serializers.IntegerField()
    unit_id = serializers.IntegerField()
    reason = serializers.CharField(help_text="floor (coverage), risk or uniform (chance)")
    score = serializers.FloatField()
    team = serializers.ListField(child=serializers.IntegerField())
    slot = DrawSlotSerializer(allow_null=True)
    notes = DrawNoteSerializer(many=True, required=False)
    redacted = serializers.BooleanField(required=False)


class DrawCandidateCounterSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    hours = serializers.JSONField(help_text="The counter's opening hours as stored")


class DrawCandidateSerializer(serializers.Serializer):
    """A stored input of the draw (services_draw_inputs): a unit with its risk score and coverage floor."""

    unit_id = serializers.IntegerField()
    score = serializers.FloatField()
    snapshot_id = serializers.IntegerField(required=False)
    forced = serializers.BooleanField(required=False)
    last_checked = serializers.CharField(required=False, allow_null=True)
    due = serializers.CharField(required=False, allow_null=True)
    never_checked = serializers.BooleanField(required=False)
    counters = DrawCandidateCounterSerializer(many=True, required=False)
    conflicted = serializers.ListField(child=serializers.IntegerField(), required=False,
                                      help_text="The team members who served in the unit")


class DrawExclusionCheckSerializer(serializers.Serializer):
    reference = serializers.CharField()
    date = serializers.CharField()


class DrawExclusionSerializer(serializers.Serializer):
    """A unit the draw left out and why (selectors_draws.draw_exclusions_for); `withheld` when the reader
    may not learn why."""

    unit_id = serializers.IntegerField()
    reason = serializers.CharField()
    checks = serializers.ListField(child=serializers.CharField(), required=False,
                                   help_text="The drawing lead only: the planned checks that kept it out")
    manual = serializers.IntegerField(required=False, help_text="The drawing lead only")
    past_floor = serializers.BooleanField(required=False)
    due = serializers.CharField(required=False)
    never_checked = serializers.BooleanField(required=False)
    check = DrawExclusionCheckSerializer(required=False, help_text="The planned check that kept it out, when "
                                                                  "the reader may see it")


class DrawSplitSerializer(serializers.Serializer):
    floor = serializers.IntegerField()
    risk = serializers.IntegerField()
    uniform = serializers.IntegerField()
    n = serializers.IntegerField()
    floor_room = serializers.IntegerField()


@extend_schema_field(DrawResultRowSerializer(many=True))
class DrawResultField(serializers.JSONField):
    """The stored result as it is (after the view's redaction)."""


@extend_schema_field(DrawCandidateSerializer(many=True))
class DrawCandidatesField(serializers.JSONField):
    """The stored inputs as they are."""


# Each warning is said in both languages; the keys beside them are the detail its code carries, for the lead
# (services_draws, services_draw_inputs, services_draw_left_out): declared open, not one shape per code
# (the `BiText` component: SPECTACULAR_SETTINGS["APPEND_COMPONENTS"]).
@extend_schema_field({"type": "array", "items": {"$ref": "#/components/schemas/BiText"}})
class DrawWarningsField(serializers.JSONField):
    """The stored warnings, less those the reader may not see."""


# The stored parameters less the team's bookings: the window, n and the units left out are declared; the rest
# (the pool, the working days, absences, policy figures: services_draw_inputs) is the stored input as it is.
@extend_schema_field({"type": "object", "additionalProperties": {}, "properties": {
    "n": {"type": "integer"}, "start": {"type": "string", "format": "date"}, "end": {"type": "string", "format": "date"},
    "excluded": {"type": "array", "items": {"$ref": "#/components/schemas/DrawExclusion"}}}})
class DrawParamsField(serializers.JSONField):
    """The stored parameters as the view leaves them."""


@extend_schema_field(DrawFlagSerializer(many=True))
class DrawFlagsField(serializers.JSONField):
    """The stored flags as they are (the strict schema check of real bodies refuses a key not declared above)."""


@extend_schema_field(DrawPublishedParametersSerializer)
class DrawPublishedParametersField(serializers.JSONField):
    """The published parameters as the selector wrote them."""


class DrawOutputSerializer(serializers.ModelSerializer):
    created_by = serializers.SerializerMethodField()
    closed_by = serializers.SerializerMethodField()
    seed = serializers.SerializerMethodField()
    split = serializers.SerializerMethodField()
    checks_count = serializers.IntegerField(required=False)  # only where the query annotates it (so not read_only: the schema would require it)
    planned_count = serializers.IntegerField(required=False)  # only where the query annotates it (so not read_only: the schema would require it)
    counts_published_at = serializers.SerializerMethodField(
        help_text="When the counts of units left out are published to readers other than the drawing lead: fixed "
                  "by the draw's window alone")
    params = DrawParamsField(read_only=True)
    result = DrawResultField(read_only=True, help_text="Selected targets in order with slots")
    flags = DrawFlagsField(read_only=True, help_text="Published with the commitment: redraw over a window, all "
                                                     "checks cancelled")
    warnings = DrawWarningsField(read_only=True, help_text="For the team: floor beyond n, deferred units")

    class Meta:
        model = Draw
        fields = ["id", "name", "state", "created_at", "created_by", "seed_sha256", "seed", "params", "result",
                  "closed_at", "closed_by", "checks_count", "planned_count", "counts_published_at", "reason", "close_reason", "flags", "warnings", "split"]

    @user_brief_field
    def get_created_by(self, obj: Draw) -> dict[str, Any] | None:
        return _user_brief(obj.created_by)

    @user_brief_field
    def get_closed_by(self, obj: Draw) -> dict[str, Any] | None:
        return _user_brief(obj.closed_by)

    def _viewer(self) -> Any:
        # paginate() passes its own context (the request): the list's viewer is the request's user
        return self.context.get("viewer") or getattr(self.context.get("request"), "user", None)

    def get_seed(self, obj: Draw) -> str | None:
        # revealed at the close, to every reader, whatever the state of any check (F2)
        return obj.seed if obj.state == Draw.State.CLOSED else None

    def get_counts_published_at(self, obj: Draw) -> datetime | None:
        return selectors_draws.counts_published_at(obj)

    @extend_schema_field(DrawSplitSerializer)
    def get_split(self, obj: Draw) -> dict[str, int]:
        """How the draw's places went: coverage floor, risk, chance; and the floor's part of n."""
        return services_draws.draw_split(obj.params or {}, obj.result or [])

    def to_representation(self, instance: Draw) -> dict[str, Any]:
        data = super().to_representation(instance)
        # the team's bookings are for the scheduler (and verification), not for reading
        data["params"] = {k: v for k, v in (data.get("params") or {}).items() if k != "booked"}
        viewer = self._viewer()
        if viewer is None or not selectors_draws.draw_counts_live_for(viewer, instance):
            # who was left off a short team and why (absences, conflicts): for the drawing lead alone (issue 15)
            data["warnings"] = [w for w in data.get("warnings") or [] if w.get("code") not in LEAD_ONLY_WARNINGS]
        if viewer is not None:
            if selectors_draws.draw_sealed_for(viewer, instance):
                # sealed until counts_published_at: no count of secret checks, no warning on the units they kept out
                data["flags"] = selectors_draws.sealed_flags(list(data.get("flags") or []), user=viewer,
                                                             draw=instance)
                data["warnings"] = [w for w in data.get("warnings") or []
                                    if w.get("code") not in ("excluded_pending_check", "floor_units_left_out")]
            # why a unit was left out: withheld unless a check the reader may see kept it out (F2, issue 15 S1-4)
            data["params"]["excluded"] = selectors_draws.excluded_as_read_by(
                viewer, instance, list(data["params"].get("excluded") or []))
            withheld = selectors_draws.withheld_exclusions(viewer, instance)
            data["warnings"] = [_withhold_units(w, withheld) for w in data.get("warnings") or []]
        conflicted = conflicted_unit_ids(viewer) if viewer is not None else set()
        if conflicted:
            # a person conflicted with a unit does not learn its check's slot or team (F17, secrecy.py)
            hidden = {item.get("unit_id") for item in data.get("result") or []
                      if item.get("unit_id") in conflicted and getattr(viewer, "pk", None) not in item.get("team", [])}
            data["result"] = [
                {**item, "slot": None, "team": [], "redacted": True,
                 # the floor note's due date and days late add up to the slot's day (rev13adv F1)
                 "notes": [x for x in item.get("notes") or [] if x.get("code") != "after_due"]}
                if item.get("unit_id") in hidden else item
                for item in data.get("result") or []]
            data["warnings"] = [_redact_warning(w, hidden) for w in data.get("warnings") or []]
        return data


def _withhold_units(warning: dict[str, Any], withheld: set[int]) -> dict[str, Any]:
    """The units a warning on left-out units names, less those whose reason is withheld from the reader."""
    if warning.get("code") not in ("excluded_pending_check", "floor_units_left_out") or not withheld:
        return warning
    units = [u for u in warning.get("units") or []
             if (u.get("unit_id") if isinstance(u, dict) else u) not in withheld]
    return {**warning, "units": units}


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
    candidates = DrawCandidatesField(read_only=True, help_text="Stored inputs: units, risk, floor, exclusions")

    class Meta(DrawOutputSerializer.Meta):
        fields = [*DrawOutputSerializer.Meta.fields, "candidates"]


class DrawWithExclusionsOutputSerializer(DrawDetailOutputSerializer):
    """GET /draws/{id}/: the draw with the units it left out (`selectors.draw_exclusions_for`)."""

    excluded = DrawExclusionSerializer(many=True, read_only=True,
                                       help_text="Left-out units, each with the planned check that kept it "
                                               "out when the reader may see it")

    class Meta(DrawDetailOutputSerializer.Meta):
        fields = [*DrawDetailOutputSerializer.Meta.fields, "excluded"]


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

    pagination_class = Pagination  # the schema's page shape (paginate() pages the body)

    @extend_schema(responses=DrawOutputSerializer(many=True))
    def get(self, request: AuthedRequest) -> Response:
        return paginate(request, self, selectors_draws.draws_list(user=request.user),
                        partial(DrawOutputSerializer, context={"viewer": request.user}))

    @extend_schema(responses={201: DrawDetailOutputSerializer})
    def post(self, request: AuthedRequest) -> Response:
        require_role(request.user, *LEAD)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        draw = services_draws.draw_create(by=request.user, **data.validated_data)
        draw = selectors_draws.draw_get_for(user=request.user, pk=draw.pk)  # with its counts, as the list reads them
        return Response(DrawDetailOutputSerializer(draw, context={"viewer": request.user}).data, status=201)


class DrawDetailApi(APIView):
    @extend_schema(responses=DrawWithExclusionsOutputSerializer)
    def get(self, request: AuthedRequest, pk: int) -> Response:
        draw = selectors_draws.draw_get_for(user=request.user, pk=pk)
        # the left-out units, each planned check that kept one out named when the reader may see it
        return Response({**DrawDetailOutputSerializer(draw, context={"viewer": request.user}).data,
                         "excluded": selectors_draws.draw_exclusions_for(user=request.user, draw=draw)})


class DrawCloseApi(APIView):
    class InputSerializer(serializers.Serializer):
        reason = PlainTextField(required=False, allow_blank=True, default="", max_length=2000)

    @extend_schema(responses=DrawDetailOutputSerializer)
    def post(self, request: AuthedRequest, pk: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        draw = services_draws.draw_close(by=request.user, draw=selectors_draws.draw_get_for(user=request.user, pk=pk),
                                         reason=data.validated_data["reason"])
        return Response(DrawDetailOutputSerializer(draw, context={"viewer": request.user}).data)


class DrawCancelApi(APIView):
    """Cancel the whole draw (its planned checks) with a reason, as one action; the draw is closed."""

    class InputSerializer(serializers.Serializer):
        reason = PlainTextField(allow_blank=True, max_length=2000)

    @extend_schema(responses=DrawDetailOutputSerializer)
    def post(self, request: AuthedRequest, pk: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        draw = services_draws.draw_cancel(by=request.user, draw=selectors_draws.draw_get_for(user=request.user, pk=pk),
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
    state = serializers.ChoiceField(choices=Draw.State.choices)
    closed_at = serializers.DateTimeField(allow_null=True)
    seed = serializers.CharField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)
    close_reason = serializers.CharField(allow_blank=True)
    flags = DrawFlagsField()
    checks_started = serializers.IntegerField()
    checks_cancelled = serializers.IntegerField(
        help_text="For all but the drawing lead, while the draw is open: only checks cancelled after they started")
    parameters = DrawPublishedParametersField()
    manual_checks_started = serializers.IntegerField()
    manual_checks_cancelled = serializers.IntegerField(
        allow_null=True, help_text="Null for all but the drawing lead while the draw is open (sealed until its close)")
    counts_published_at = serializers.DateTimeField(
        allow_null=True, help_text="When the counts of units left out are published to readers other than the "
                                   "drawing lead: fixed by the draw's window alone")


class DrawCommitmentsApi(APIView):
    """Published commitments of every draw, for the disciplinary officers and administrators too:
    never the targets."""

    @extend_schema(responses=DrawCommitmentOutputSerializer(many=True))
    def get(self, request: AuthedRequest) -> Response:
        rows = selectors_draws.draw_commitments(user=request.user)
        return Response(DrawCommitmentOutputSerializer(rows, many=True).data)


class DrawVerifyTargetSerializer(serializers.Serializer):
    unit_id = serializers.IntegerField()
    reason = serializers.CharField(help_text="Why it was drawn: floor (coverage), risk or uniform (chance)")


class DrawVerifyReasonSerializer(serializers.Serializer):
    """Why the draw does not match (services_draws.draw_verify), in both languages; outside the team, in
    counts per code."""

    code = serializers.CharField()
    vi = serializers.CharField()
    en = serializers.CharField()


class DrawVerifyOutputSerializer(serializers.Serializer):
    draw = serializers.IntegerField()
    match = serializers.BooleanField()
    revealed = serializers.BooleanField()
    seed = serializers.CharField(allow_null=True)
    seed_sha256 = serializers.CharField()
    risk_weights_version = serializers.IntegerField(allow_null=True, required=False)
    risk_weights_sha256 = serializers.CharField(allow_null=True, required=False)
    selected = DrawVerifyTargetSerializer(many=True, allow_null=True,
                                          help_text="The recomputed targets: the inspection team only")
    reasons = DrawVerifyReasonSerializer(many=True)


class DrawVerifyApi(APIView):
    """Recompute a closed draw from its revealed seed. The disciplinary officers and administrators may
    verify any draw (match or not, why in counts); only the inspection team sees the targets."""

    @extend_schema(responses=DrawVerifyOutputSerializer)
    def get(self, request: AuthedRequest, pk: int) -> Response:
        draw, with_targets = selectors_draws.draw_for_verification(user=request.user, pk=pk)
        result = services_draws.draw_verify(draw=draw, with_targets=with_targets)
        return Response(DrawVerifyOutputSerializer({"draw": draw.pk, **result}).data)
