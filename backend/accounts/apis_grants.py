"""Requests under the two-person rule (services_grants): listed to inspection leads (every request) and to
administrators (their own, and the ones an administrator decides: accounts outside the team); a second person
(services_grants.approver_roles) other than the requester and the target approves or refuses with a reason."""
from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts import selectors, services_grants
from backend.accounts.models import GUARDED_ROLES, INSPECTION_TEAM, Role, TeamGrant
from backend.core.actors import AuthedRequest
from backend.core.params import PlainTextField, Query
from backend.org.apis import paginate
from backend.org.models import Officer


class _PostingSerializer(serializers.Serializer):
    unit = serializers.CharField()
    unit_code = serializers.CharField()
    position = serializers.CharField()
    valid_from = serializers.DateField()


OFFICER_WARNING_CODES = ["linked_to_other_account", "lookalike", "you"]


class _WarningSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=OFFICER_WARNING_CODES)
    vi = serializers.CharField()
    en = serializers.CharField()


class OfficerCardSerializer(serializers.Serializer):
    """The officer in full for the approving lead (selectors.officer_card, insider review F3)."""

    id = serializers.IntegerField()
    name = serializers.CharField(help_text="Rank and name")
    full_name = serializers.CharField()
    rank = serializers.CharField()
    service_number = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    unit = serializers.CharField(help_text="The first posting held today ('' for none)")
    position = serializers.CharField()
    postings = _PostingSerializer(many=True, help_text="Every posting held today")
    warnings = _WarningSerializer(many=True, help_text="Linked to another account, looks like another officer, is you")


def _officer_card(officer: Officer | None, *, account: Any = None, viewer: Any = None) -> dict[str, Any] | None:
    """Who the account is, for the lead who approves it (user review, issue 15: a new inspector account
    linked to a one-stop officer of a commune was approved on its name alone; insider review F3: the new officer
    of an officer-link change showed a name only)."""
    return selectors.officer_card(officer, account=account, viewer=viewer)


def _person(name: str, **kwargs: Any) -> Any:
    """Who asked or decided: a person's name and username, or what decided in words."""
    return inline_serializer(name, {
        "name": serializers.CharField(help_text="The person's full name, or what decided in words (expiry, server)"),
        "username": serializers.CharField(help_text="The account's username; empty for the system")}, **kwargs)


_PERSON = _person("GrantPerson")


class GrantTargetSerializer(serializers.Serializer):
    """The account the request is about, and who it is: the linked officer, where he serves today."""

    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices)
    is_active = serializers.BooleanField()
    linked_officer = OfficerCardSerializer(allow_null=True)


class AccountChangeSerializer(serializers.Serializer):
    """What a `user.update` changed, each as [before, after] (services_grants.recent_account_changes); the
    officer link by the officers' names. Empty for the other verbs."""

    role = serializers.ListField(child=serializers.CharField(allow_null=True), required=False)
    officer = serializers.ListField(child=serializers.CharField(allow_null=True), required=False)
    is_active = serializers.ListField(child=serializers.BooleanField(allow_null=True), required=False)


class AccountChangeRowSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    by = serializers.CharField(help_text="Who changed it: the full name, or the system in words")
    by_username = serializers.CharField(allow_blank=True)
    verb = serializers.CharField()
    change = AccountChangeSerializer()


class _LookalikeAccountSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices)
    is_you = serializers.BooleanField(help_text="This account is the viewer (as a person)")
    date_of_birth = serializers.DateField(allow_null=True, help_text="Its linked officer's birth date, if any")


class _LookalikeOfficerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    service_number = serializers.CharField()
    full_name = serializers.CharField()
    rank = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    is_you = serializers.BooleanField(help_text="This officer is the viewer's (or looks like him)")


class GrantLookalikesSerializer(serializers.Serializer):
    """What the account look-alike check found when the request was asked (create, name), the guarded people whose
    name the account's looks like whatever the birth dates (read now, every request: insider review S1-1), and the
    reason given that it is another person (selectors.grant_lookalikes, insider review S2-4)."""

    accounts = _LookalikeAccountSerializer(many=True)
    officers = _LookalikeOfficerSerializer(many=True)
    distinct_reason = serializers.CharField(allow_blank=True)


class GrantScopeUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class TeamGrantOutputSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    state_label = serializers.CharField(source="get_state_display")
    target = serializers.SerializerMethodField()
    may_decide = serializers.SerializerMethodField(
        help_text="The caller may approve or refuse it (a lead, or for an account outside the team another admin)")
    asked_by_you = serializers.SerializerMethodField(help_text="The caller asked for it")
    officer = serializers.SerializerMethodField(help_text="officer: the officer to link (null = remove the link)")
    recent_changes = serializers.SerializerMethodField(
        help_text="Pending: the account's role, credential and officer-link changes since it last held a team role")
    requested_by = serializers.SerializerMethodField(help_text="Who asked: full name first (user review, ui15)")
    decided_by = serializers.SerializerMethodField(help_text="Who decided (null while pending): full name first")
    scope_unit = serializers.SerializerMethodField(help_text="scope: the unit asked for (null = the whole province)")
    lookalikes = serializers.SerializerMethodField(
        help_text="create, name: the look-alikes found and the reason; every request: guarded look-alikes now")

    class Meta:
        model = TeamGrant
        fields = ["id", "kind", "kind_label", "state", "state_label", "target", "role", "requested_label",
                  "requested_by", "requested_at", "expires_at", "decided_label", "decided_by", "decided_at", "reason", "may_decide", "asked_by_you", "officer",
                  "recent_changes", "no_approver", "full_name", "scope_unit", "lookalikes"]

    no_approver = serializers.SerializerMethodField(
        help_text="Pending and no active lead other than the requester and the target can decide it: only the "
                  "server command team_grant_approve can")

    @extend_schema_field(GrantTargetSerializer)
    def get_target(self, obj: TeamGrant) -> dict[str, Any]:
        t = obj.target
        return {"id": t.pk, "username": t.username, "full_name": t.get_full_name() or t.username, "role": t.role,
                "is_active": t.is_active,
                "linked_officer": _officer_card(t.officer, account=t, viewer=self._viewer())}

    @extend_schema_field(_PERSON)
    def get_requested_by(self, obj: TeamGrant) -> dict[str, str]:
        return services_grants.grant_person(obj.requested_by, obj.requested_label)

    @extend_schema_field(_person("GrantPersonOrNull", allow_null=True))
    def get_decided_by(self, obj: TeamGrant) -> dict[str, str] | None:
        if obj.state == TeamGrant.State.PENDING:
            return None
        return services_grants.grant_person(obj.decided_by, obj.decided_label)

    def get_no_approver(self, obj: TeamGrant) -> bool:
        return obj.state == TeamGrant.State.PENDING and not services_grants.eligible_leads(obj)

    @extend_schema_field(OfficerCardSerializer(allow_null=True))
    def get_officer(self, obj: TeamGrant) -> dict[str, Any] | None:
        return _officer_card(obj.officer, account=obj.target, viewer=self._viewer())

    @extend_schema_field(GrantScopeUnitSerializer(allow_null=True))
    def get_scope_unit(self, obj: TeamGrant) -> dict[str, Any] | None:
        unit = obj.scope_unit
        return {"id": unit.pk, "code": unit.code, "name": unit.name} if unit is not None else None

    @extend_schema_field(GrantLookalikesSerializer)
    def get_lookalikes(self, obj: TeamGrant) -> dict[str, Any]:
        return selectors.grant_lookalikes(obj, self._viewer())

    def _viewer(self) -> Any:
        return getattr(self.context.get("request"), "user", None)

    @extend_schema_field(AccountChangeRowSerializer(many=True))
    def get_recent_changes(self, obj: TeamGrant) -> list[dict[str, Any]]:
        if obj.state != TeamGrant.State.PENDING or not self.get_may_decide(obj):
            return []
        return services_grants.recent_account_changes(obj)

    def get_asked_by_you(self, obj: TeamGrant) -> bool:
        viewer = self._viewer()
        return bool(viewer is not None and obj.requested_by_id is not None and obj.requested_by_id == viewer.pk)

    def get_may_decide(self, obj: TeamGrant) -> bool:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return services_grants.may_decide(user, obj)


class TeamGrantApprovedOutputSerializer(TeamGrantOutputSerializer):
    """The approve answer: the one-time activation code when the grant gives or restores team powers."""

    activation_code = serializers.CharField(allow_null=True, read_only=True,
                                            help_text="Shown in this answer only, never stored in clear")
    activation_expires_at = serializers.DateTimeField(allow_null=True, read_only=True)

    class Meta(TeamGrantOutputSerializer.Meta):
        fields = [*TeamGrantOutputSerializer.Meta.fields, "activation_code", "activation_expires_at"]


def grant_data(grant: TeamGrant, request: Any) -> dict[str, Any]:
    return dict(TeamGrantOutputSerializer(grant, context={"request": request}).data)


class TeamGrantListApi(APIView):
    """?state=pending|approved|refused|expired. Leads: every request; an administrator: the ones they asked."""

    @extend_schema(parameters=[OpenApiParameter("state", str, enum=TeamGrant.State.values),
                               OpenApiParameter("page", int), OpenApiParameter("page_size", int)],
                   responses=inline_serializer("PaginatedTeamGrantList", {
                       "count": serializers.IntegerField(), "count_exact": serializers.BooleanField(),
                       "next": serializers.CharField(allow_null=True),
                       "previous": serializers.CharField(allow_null=True),
                       "results": TeamGrantOutputSerializer(many=True)}))
    def get(self, request: AuthedRequest) -> Response:
        qs = services_grants.team_grants_for(request.user)
        services_grants.team_grants_expire()
        state = Query(request).choice("state", TeamGrant.State.values)
        if state:
            qs = qs.filter(state=state)
        return paginate(request, self, qs.order_by("-requested_at", "-id"), TeamGrantOutputSerializer)


class TeamGrantApproveApi(APIView):
    class InputSerializer(serializers.Serializer):
        reason = PlainTextField(max_length=1000, required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses=TeamGrantApprovedOutputSerializer)
    def post(self, request: AuthedRequest, pk: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        grant = services_grants.team_grant_approve(by=request.user, grant_id=pk, reason=data.validated_data["reason"])
        # the one-time activation code: in this answer only, never stored in clear nor shown again
        code = getattr(grant, "activation_code", "")
        return Response({**grant_data(grant, request), "activation_code": code or None,
                         "activation_expires_at": getattr(grant, "activation_expires_at", None)})


class TeamGrantRefuseApi(APIView):
    class InputSerializer(serializers.Serializer):
        # blank passes here: the service answers the clear "give the reason" error
        reason = PlainTextField(max_length=1000, required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses=TeamGrantOutputSerializer)
    def post(self, request: AuthedRequest, pk: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        grant = services_grants.team_grant_refuse(by=request.user, grant_id=pk, reason=data.validated_data["reason"])
        return Response(grant_data(grant, request))


class _RoleSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=[r for r in Role.choices if r[0] != Role.SERVICE])
    label_vi = serializers.CharField()
    guarded = serializers.BooleanField(help_text="Legal powers or secrets: created with no password, its changes "
                                                 "approved by a second person (GUARDED_ROLES)")
    team = serializers.BooleanField(help_text="A role of the inspection team (needs a linked officer)")


class RolesOutputSerializer(serializers.Serializer):
    roles = _RoleSerializer(many=True)


class RolesApi(APIView):
    """The roles an administrator may give, with the server's rules about each (the one owner of the guarded
    roles: the users page read its own copy, reviewer, issue 15)."""

    @extend_schema(responses=RolesOutputSerializer)
    def get(self, request: AuthedRequest) -> Response:
        selectors.require_role(request.user, Role.ADMIN)
        return Response(RolesOutputSerializer({"roles": [
            {"code": code, "label_vi": label, "guarded": code in GUARDED_ROLES, "team": code in INSPECTION_TEAM}
            for code, label in Role.choices if code != Role.SERVICE]}).data)
