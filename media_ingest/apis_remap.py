"""Corrections of a clip's camera or start time under the two-person rule (services_remap): the administrator
asks on the clip; an inspection lead other than the requester approves or refuses with a reason, shown the holds
he may know of. The requester's view never depends on drafts."""
from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import User
from backend.accounts.services_grants import grant_person
from backend.core.actors import AuthedRequest
from backend.core.params import AwareDateTimeField, IdField, PlainTextField, Query
from backend.org.apis import paginate
from media_ingest import selectors, services_remap
from media_ingest.models import ClipRemapRequest

_PERSON = inline_serializer("RemapPerson", {
    "name": serializers.CharField(help_text="The person's full name"),
    "username": serializers.CharField()})


def _camera(camera: Any) -> dict[str, Any] | None:
    if camera is None:
        return None
    return {"id": camera.pk, "code": camera.code, "counter": str(camera.counter) if camera.counter_id else ""}


_CAMERA = inline_serializer("RemapCamera", {"id": serializers.IntegerField(), "code": serializers.CharField(),
                                            "counter": serializers.CharField()})


HOLD_CODES = [(c, c) for c in ("tag", "evidence", "manual", "finding", "open_case")]


class RemapHoldSerializer(serializers.Serializer):
    """selectors.clip_holds_for_lead: one hold a move would take the footage from under, in words."""

    code = serializers.ChoiceField(choices=HOLD_CODES)
    vi = serializers.CharField()
    en = serializers.CharField()
    count = serializers.IntegerField(required=False)
    finding_id = serializers.IntegerField(required=False)
    reference = serializers.CharField(required=False)
    title = serializers.CharField(required=False)
    draft = serializers.BooleanField(required=False)


class ClipRemapRequestOutputSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display")
    clip = serializers.SerializerMethodField()
    camera = serializers.SerializerMethodField()
    previous_camera = serializers.SerializerMethodField()
    requested_by = serializers.SerializerMethodField()
    decided_by = serializers.SerializerMethodField(help_text="Null while pending")
    may_decide = serializers.SerializerMethodField(help_text="The caller is a lead who may approve or refuse it")
    holds = serializers.SerializerMethodField(
        help_text="Pending, for a lead who may decide: the holds on the clip he may know of (drafts included), "
                  "which a move would take the footage from under; empty for everyone else")

    class Meta:
        model = ClipRemapRequest
        fields = ["id", "state", "state_label", "clip", "camera", "started_at", "previous_camera",
                  "previous_started_at", "reason", "requested_by", "requested_at", "decided_by", "decided_at",
                  "decision_reason", "may_decide", "holds"]

    @extend_schema_field(inline_serializer("RemapClip", {"id": serializers.IntegerField(),
                                                         "key": serializers.CharField()}))
    def get_clip(self, obj: ClipRemapRequest) -> dict[str, Any]:
        return {"id": obj.clip_id, "key": obj.clip.key}

    @extend_schema_field(_CAMERA)
    def get_camera(self, obj: ClipRemapRequest) -> dict[str, Any] | None:
        return _camera(obj.camera)

    @extend_schema_field(inline_serializer("RemapCameraOrNull", {
        "id": serializers.IntegerField(), "code": serializers.CharField(), "counter": serializers.CharField()},
        allow_null=True))
    def get_previous_camera(self, obj: ClipRemapRequest) -> dict[str, Any] | None:
        return _camera(obj.previous_camera)

    @extend_schema_field(_PERSON)
    def get_requested_by(self, obj: ClipRemapRequest) -> dict[str, str]:
        return grant_person(obj.requested_by, "")

    @extend_schema_field(inline_serializer("RemapPersonOrNull", {
        "name": serializers.CharField(), "username": serializers.CharField()}, allow_null=True))
    def get_decided_by(self, obj: ClipRemapRequest) -> dict[str, str] | None:
        return grant_person(obj.decided_by, "") if obj.decided_by_id else None

    def _user(self) -> User | None:
        return getattr(self.context.get("request"), "user", None)

    def get_may_decide(self, obj: ClipRemapRequest) -> bool:
        user = self._user()
        return user is not None and services_remap.may_decide(user, obj)

    @extend_schema_field(RemapHoldSerializer(many=True))
    def get_holds(self, obj: ClipRemapRequest) -> list[dict[str, Any]]:
        user = self._user()
        if user is None or not services_remap.may_decide(user, obj):
            return []
        return selectors.clip_holds_for_lead(user=user, clip=obj.clip)


def remap_data(request_obj: ClipRemapRequest, request: Any) -> dict[str, Any]:
    return dict(ClipRemapRequestOutputSerializer(request_obj, context={"request": request}).data)


class ClipRemapRequestCreateApi(APIView):
    """POST /api/media/clips/{id}/remap-requests/: ask for a correction of a mapped clip's camera and/or time."""

    class InputSerializer(serializers.Serializer):
        camera_id = IdField()
        started_at = AwareDateTimeField(required=False, allow_null=True)
        # blank passes here: the service answers the clear "write the reason in words" error
        reason = PlainTextField(max_length=1000, required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses={201: ClipRemapRequestOutputSerializer})
    def post(self, request: AuthedRequest, pk: int) -> Response:
        clip = selectors.clip_get_for_remap(user=request.user, id=pk)  # who may ask, before any input rule
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        camera = selectors.camera_get_for_remap(user=request.user, id=data.validated_data["camera_id"])
        made = services_remap.clip_remap_request(by=request.user, clip=clip, camera=camera,
                                                 started_at=data.validated_data.get("started_at"),
                                                 reason=data.validated_data["reason"])
        return Response(remap_data(made, request), status=status.HTTP_201_CREATED)


class ClipRemapRequestListApi(APIView):
    """?state=pending|approved|refused. Every request, for the leads and the administrators alike (F8)."""

    @extend_schema(parameters=[OpenApiParameter("state", str, enum=ClipRemapRequest.State.values),
                               OpenApiParameter("clip_id", int),
                               OpenApiParameter("page", int), OpenApiParameter("page_size", int)],
                   responses=inline_serializer("PaginatedClipRemapRequestList", {
                       "count": serializers.IntegerField(), "count_exact": serializers.BooleanField(),
                       "next": serializers.CharField(allow_null=True),
                       "previous": serializers.CharField(allow_null=True),
                       "results": ClipRemapRequestOutputSerializer(many=True)}))
    def get(self, request: AuthedRequest) -> Response:
        qs = services_remap.remap_requests_for(request.user)
        q = Query(request)
        state = q.choice("state", ClipRemapRequest.State.values)
        if state:
            qs = qs.filter(state=state)
        clip_id = q.id("clip_id")
        if clip_id:
            qs = qs.filter(clip_id=clip_id)
        return paginate(request, self, qs.order_by("-requested_at", "-id"), ClipRemapRequestOutputSerializer)


class ClipRemapDecideApi(APIView):
    """A lead's decision on a correction, with his words (required to refuse: services_remap)."""

    decide: Any = None  # services_remap.clip_remap_approve or clip_remap_refuse

    class InputSerializer(serializers.Serializer):
        reason = PlainTextField(max_length=1000, required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses=ClipRemapRequestOutputSerializer)
    def post(self, request: AuthedRequest, pk: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decided = type(self).decide(by=request.user, pk=pk, reason=data.validated_data["reason"])
        return Response(remap_data(decided, request))


class ClipRemapApproveApi(ClipRemapDecideApi):
    decide = staticmethod(services_remap.clip_remap_approve)


class ClipRemapRefuseApi(ClipRemapDecideApi):
    decide = staticmethod(services_remap.clip_remap_refuse)
