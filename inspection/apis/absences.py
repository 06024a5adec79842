"""Inspector absences, which the draw leaves out of its teams."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import User
from backend.accounts.selectors import require_role
from backend.core.actors import AuthedRequest
from backend.core.errors import DomainError
from backend.core.pagination import Pagination
from backend.core.params import REASON_MAX, DateField, PlainTextField
from backend.org.apis import paginate
from inspection import selectors_absences, services_absences
from inspection.apis.common import UserBriefSerializer, _user_brief, user_brief_field
from inspection.models import InspectorAbsence
from inspection.services_absences import ABSENCE_WRITERS


class AbsenceOutputSerializer(serializers.Serializer):
    """An absence as the caller may read it: the kind and the reasons only for the lead and the person
    himself (selectors_absences.absence_details_visible); for others they are null and `details_hidden` is true.
    The serializer needs the request in its context."""

    id = serializers.IntegerField()
    user = serializers.SerializerMethodField()
    kind = serializers.SerializerMethodField()
    start = serializers.DateField()
    end = serializers.DateField()
    reason = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    created_by = serializers.SerializerMethodField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    withdraw_reason = serializers.SerializerMethodField()
    details_hidden = serializers.SerializerMethodField()

    def _shown(self, obj: Any) -> bool:
        return selectors_absences.absence_details_visible(user=self.context["request"].user, absence=obj)

    @user_brief_field
    def get_user(self, obj: Any) -> dict[str, Any] | None:
        return _user_brief(obj.user)

    def get_kind(self, obj: Any) -> str | None:
        return str(obj.kind) if self._shown(obj) else None

    def get_reason(self, obj: Any) -> str | None:
        return str(obj.reason) if self._shown(obj) else None

    def get_withdraw_reason(self, obj: Any) -> str | None:
        return str(obj.withdraw_reason) if self._shown(obj) else None

    def get_details_hidden(self, obj: Any) -> bool:
        return not self._shown(obj)

    @user_brief_field
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

    pagination_class = Pagination  # the schema's page shape (paginate() pages the body)

    @extend_schema(responses=AbsenceOutputSerializer(many=True))
    def get(self, request: AuthedRequest) -> Response:
        rows = selectors_absences.absences_list(user=request.user, on_or_after=timezone.localdate() - timedelta(days=90))
        return paginate(request, self, rows, AbsenceOutputSerializer)

    @extend_schema(responses={201: AbsenceOutputSerializer})
    def post(self, request: AuthedRequest) -> Response:
        require_role(request.user, *ABSENCE_WRITERS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        user = User.objects.filter(pk=values.pop("user")).first()
        if user is None:
            raise DomainError("Không tìm thấy người dùng.", "User not found.", code="invalid", fields={"user": ["not found"]})
        absence = services_absences.absence_create(by=request.user, user=user, **values)
        return Response(AbsenceOutputSerializer(absence, context={"request": request}).data, status=201)


class AbsenceTeamApi(APIView):
    """The members of the inspection team an absence may be recorded for (team and administrators)."""

    class OutputSerializer(UserBriefSerializer):
        role = serializers.CharField()

    @extend_schema(responses=OutputSerializer(many=True))
    def get(self, request: AuthedRequest) -> Response:
        users = selectors_absences.team_members(user=request.user)
        return Response([{**(_user_brief(u) or {}), "role": u.role} for u in users])


class AbsenceWithdrawApi(APIView):
    class InputSerializer(serializers.Serializer):
        reason = PlainTextField(max_length=REASON_MAX)

    @extend_schema(responses=AbsenceOutputSerializer)
    def post(self, request: AuthedRequest, pk: int) -> Response:
        require_role(request.user, *ABSENCE_WRITERS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        absence = services_absences.absence_withdraw(by=request.user, absence=selectors_absences.absence_get(user=request.user, pk=pk),
                                                     reason=data.validated_data["reason"])
        return Response(AbsenceOutputSerializer(absence, context={"request": request}).data)
