from __future__ import annotations

import time
from typing import Any

import django_otp
import qrcode
import qrcode.image.svg
from django.contrib.auth import SESSION_KEY, login, logout, update_session_auth_hash
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts import selectors, services, services_activation, services_grants
from backend.accounts.apis_grants import TeamGrantOutputSerializer, grant_data
from backend.accounts.models import GUARDED_ROLES, ApiToken, Role, User
from backend.accounts.network import LoginRateThrottle, client_ip
from backend.accounts.serializers import (
    LinkedOfficerSerializer,
    PendingApprovalSerializer,
    ScopeUnitSerializer,
    SessionTimesSerializer,
)
from backend.core.actors import AuthedRequest
from backend.core.drf_messages import USERNAME_PATTERN_EN
from backend.core.errors import DomainError, NotFound
from backend.core.pagination import Pagination
from backend.core.params import IdField, PlainTextField
from backend.org.apis import paginate
from backend.org.models import Counter, Officer, Unit


class MeOutputSerializer(serializers.ModelSerializer):
    role_label = serializers.CharField(source="get_role_display")
    full_name = serializers.SerializerMethodField()
    scope_unit = serializers.SerializerMethodField()
    officer = serializers.SerializerMethodField()
    is_inspection_team = serializers.BooleanField()
    two_factor_enabled = serializers.SerializerMethodField()
    two_factor_required = serializers.SerializerMethodField()
    handover = serializers.SerializerMethodField(
        help_text="The check (uid) this session is limited to while the device is handed over to the inspected "
                  "unit's representative; null otherwise")

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "role", "role_label", "is_inspection_team",
                  "scope_unit", "officer", "language", "is_active", "two_factor_enabled",
                  "two_factor_required", "handover", "password_change_required"]

    def get_handover(self, obj: User) -> str | None:
        session = self.context.get("session")
        return selectors.session_handover(session) if session is not None else None

    def get_two_factor_enabled(self, obj: User) -> bool:
        return selectors.two_factor_enrolled(obj)

    def get_two_factor_required(self, obj: User) -> bool:
        return selectors.two_factor_required(obj)

    def get_full_name(self, obj: User) -> str:
        return obj.get_full_name() or obj.username

    @extend_schema_field(ScopeUnitSerializer(allow_null=True))
    def get_scope_unit(self, obj: User) -> dict[str, Any] | None:
        unit = obj.scope_unit
        return {"id": unit.pk, "code": unit.code, "name": unit.name} if unit else None

    @extend_schema_field(LinkedOfficerSerializer(allow_null=True))
    def get_officer(self, obj: User) -> dict[str, Any] | None:
        off = obj.officer
        return ({"id": off.pk, "full_name": off.full_name, "rank": off.rank, "service_number": off.service_number}
                if off else None)


class MeSessionOutputSerializer(MeOutputSerializer):
    """What GET /api/auth/me/ answers (and GET /api/auth/session/ as its `user`): the user, with the
    times of this sign-in that MeApi adds."""

    session = SessionTimesSerializer(read_only=True)
    password_change_reason = serializers.SerializerMethodField(
        help_text="Why the password must be changed: like_the_person, set_by_another, or empty")

    class Meta(MeOutputSerializer.Meta):
        fields = [*MeOutputSerializer.Meta.fields, "session", "password_change_reason"]

    def get_password_change_reason(self, obj: User) -> str:  # MeApi fills it (the schema's shape)
        return selectors.password_change_reason(obj)


class UserAdminOutputSerializer(MeOutputSerializer):
    pending_approvals = serializers.SerializerMethodField(
        help_text="Changes to this account waiting for a second person's approval (two-person rule)")
    reset_needs_approval = serializers.SerializerMethodField(
        help_text="A password or two-factor reset of this account is a request a second person approves (no "
                  "password is sent; the approver receives a one-time activation code)")

    class Meta(MeOutputSerializer.Meta):
        fields = [*MeOutputSerializer.Meta.fields, "pending_approvals", "reset_needs_approval"]

    def get_reset_needs_approval(self, obj: User) -> bool:
        return services_grants.guarded_recently(obj)

    @extend_schema_field(PendingApprovalSerializer(many=True))
    def get_pending_approvals(self, obj: User) -> list[dict[str, Any]]:
        grants = getattr(obj, "_cw_pending", None)
        if grants is None:
            grants = list(selectors.pending_grants_of(obj))
        return [{"id": g.pk, "kind": g.kind, "role": g.role, "requested_at": g.requested_at,
                 "expires_at": g.expires_at} for g in grants]


class CsrfApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=inline_serializer("CsrfOutput", {"csrf_token": serializers.CharField()}))
    @method_decorator(ensure_csrf_cookie)
    def get(self, request: Request) -> Response:
        return Response({"csrf_token": get_token(request)})


class LoginOutputSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(
        choices=["signed_in", "code_required", "enrolment_required", "password_change_required"],
        help_text="signed_in, or the second step this session still owes; password_change_required: signed in, but "
                  "the password is like the person's name (F7) or was set by someone else, an administrator "
                  "(F-D), and must be changed before anything else")
    user = MeOutputSerializer(allow_null=True, help_text="The signed-in user (only when stage is signed_in)")


def _signed_in(request: Request) -> bool:
    """A real sign-in, not a session half-way through the two-factor step (DRF sets
    request.user to the pending user on the two-factor endpoints)."""
    return SESSION_KEY in request._request.session


def _sign_in(request: Request, user: User, device: Device | None) -> Response:
    """The whole sign-in succeeded: a fresh session (django.contrib.auth.login cycles its key),
    marked verified with the device that gave the code, the lockout count cleared, audited."""
    session = request._request.session
    for key in (selectors.PENDING_USER, selectors.PENDING_HASH, selectors.PENDING_AT):
        session.pop(key, None)
    login(request._request, user)
    if device is not None:
        django_otp.login(request._request, device)
    kind = "none" if device is None else ("recovery_code" if isinstance(device, StaticDevice) else "totp")
    services.login_complete(user=user, ip=client_ip(request.META), two_factor=kind)
    get_token(request._request)
    stage = "password_change_required" if user.password_change_required else "signed_in"
    return Response(LoginOutputSerializer({"stage": stage, "user": user}).data)


class LoginApi(APIView):
    """The password step. Answers `signed_in` with the user, or the second step still owed
    (`code_required`, `enrolment_required`): then only the /api/auth/2fa/ endpoints accept this
    session until it is done. A locked account answers 429 with when to retry."""

    permission_classes = [AllowAny]
    throttle_classes = [LoginRateThrottle]
    throttle_scope = "login"

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(max_length=256, trim_whitespace=False)

    @extend_schema(request=InputSerializer, responses=LoginOutputSerializer)
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.login_password_check(request=request._request, username=data.validated_data["username"],
                                             password=data.validated_data["password"], ip=client_ip(request.META))
        stage = selectors.two_factor_state(user=user, session=request._request.session)
        if stage in ("verified", "off"):
            return _sign_in(request, user, None)
        # Not signed in yet: drop any earlier sign-in of this browser, remember who passed the
        # password step (bound to the password and session generation), in a fresh session key.
        logout(request._request)  # flushes: a new, empty session under a new key
        session = request._request.session
        session[selectors.PENDING_USER] = user.pk
        session[selectors.PENDING_HASH] = user.get_session_auth_hash()
        session[selectors.PENDING_AT] = time.time()
        get_token(request._request)
        return Response(LoginOutputSerializer({"stage": stage, "user": None}).data)


class LogoutApi(APIView):
    permission_classes = [AllowAny]
    two_factor_step = True

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        logout(request._request)
        return Response(status=204)


class TwoFactorStatusSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=["signed_out", "code_required", "enrolment_required", "signed_in"])
    username = serializers.CharField(allow_blank=True)
    enabled = serializers.BooleanField(help_text="The user has a confirmed authenticator")
    required_for_role = serializers.BooleanField(help_text="The user's role requires two-factor sign-in")
    recovery_codes_left = serializers.IntegerField()


class TwoFactorStatusApi(APIView):
    """Where this browser stands in the sign-in: signed out, owing a code or an enrolment, or in."""

    permission_classes = [AllowAny]
    two_factor_step = True

    @extend_schema(responses=TwoFactorStatusSerializer)
    def get(self, request: Request) -> Response:
        user = request.user
        if not isinstance(user, User):
            body = {"stage": "signed_out", "username": "", "enabled": False, "required_for_role": False,
                    "recovery_codes_left": 0}
            return Response(TwoFactorStatusSerializer(body).data)
        state = selectors.two_factor_state(user=user, session=request._request.session)
        signed_in = _signed_in(request) and state in ("verified", "off")
        body = {"stage": "signed_in" if signed_in else state, "username": user.username,
                "enabled": selectors.two_factor_enrolled(user),
                "required_for_role": selectors.two_factor_required(user),
                "recovery_codes_left": StaticToken.objects.filter(device__user=user).count()}
        return Response(TwoFactorStatusSerializer(body).data)


class TwoFactorVerifyApi(APIView):
    """The second step: a 6-digit code from the authenticator app, or a recovery code."""

    two_factor_step = True
    throttle_classes = [LoginRateThrottle]
    throttle_scope = "login"

    class InputSerializer(serializers.Serializer):
        code = serializers.CharField(max_length=32)

    @extend_schema(request=InputSerializer, responses=LoginOutputSerializer)
    def post(self, request: AuthedRequest) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = request.user
        assert isinstance(user, User)
        device = services.two_factor_verify(user=user, code=data.validated_data["code"], ip=client_ip(request.META))
        return _sign_in(request, user, device)


class TwoFactorEnrolOutputSerializer(serializers.Serializer):
    secret = serializers.CharField(help_text="Base32 secret, for typing into the app by hand")
    otpauth_url = serializers.CharField()
    qr_svg = serializers.CharField(help_text="The otpauth URL as an SVG QR code")


class TwoFactorEnrolApi(APIView):
    """Start enrolling an authenticator app: a new secret and its QR code (not active until
    confirmed with a code from the app)."""

    two_factor_step = True
    throttle_classes = [LoginRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=None, responses=TwoFactorEnrolOutputSerializer)
    def post(self, request: AuthedRequest) -> Response:
        user = request.user
        assert isinstance(user, User)
        device = services.two_factor_enrol_start(user=user)
        url = device.config_url
        svg = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2).to_string()
        secret = url.split("secret=", 1)[1].split("&", 1)[0]
        return Response(TwoFactorEnrolOutputSerializer(
            {"secret": secret, "otpauth_url": url, "qr_svg": svg.decode()}).data)


class TwoFactorConfirmOutputSerializer(serializers.Serializer):
    recovery_codes = serializers.ListField(child=serializers.CharField(),
                                           help_text="Shown once; each code signs in once")
    stage = serializers.CharField()
    user = MeOutputSerializer()


class TwoFactorConfirmApi(APIView):
    """Confirm the new authenticator with a code from it. Answers the recovery codes (once) and
    completes the sign-in of a session that was waiting for the enrolment."""

    two_factor_step = True
    throttle_classes = [LoginRateThrottle]
    throttle_scope = "login"

    class InputSerializer(serializers.Serializer):
        code = serializers.CharField(max_length=32)

    @extend_schema(request=InputSerializer, responses=TwoFactorConfirmOutputSerializer)
    def post(self, request: AuthedRequest) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = request.user
        assert isinstance(user, User)
        device, codes = services.two_factor_enrol_confirm(user=user, code=data.validated_data["code"],
                                                          ip=client_ip(request.META))
        if _signed_in(request):  # enrolling from a signed-in session
            django_otp.login(request._request, device)
            signed = Response(LoginOutputSerializer({"stage": "signed_in", "user": user}).data)
        else:
            signed = _sign_in(request, user, device)
        return Response({"recovery_codes": codes, **signed.data})


class UserTwoFactorResetApi(APIView):
    """An administrator removes another user's authenticator and recovery codes (audited; the
    user's sessions end)."""

    @extend_schema(request=None, responses={204: None, 202: TeamGrantOutputSerializer})
    def post(self, request: AuthedRequest, pk: int) -> Response:
        user = _user_for_admin(request, pk)
        grant = services.two_factor_reset(by=request.user, user=user)
        if grant is not None:  # a guarded account: waits for a second person's approval
            return Response(grant_data(grant, request), status=202)
        return Response(status=204)
def _session_expiry(request: Request) -> Any:
    """When this sign-in ends on the server (the field app hides what it kept offline after that)."""
    from django.contrib.sessions.models import Session

    key = request.session.session_key
    expires = Session.objects.filter(session_key=key).values_list("expire_date", flat=True).first() if key else None
    return expires or request.session.get_expiry_date()


class MeApi(APIView):
    password_change_step = True  # the change-password page asks who is signed in
    handover_step = True  # the hand-over screen asks who is signed in and which check it is limited to

    @extend_schema(responses=MeSessionOutputSerializer)
    @method_decorator(ensure_csrf_cookie)
    def get(self, request: AuthedRequest) -> Response:
        data = dict(MeOutputSerializer(request.user, context={"session": request._request.session}).data)
        data["session"] = {"expires_at": _session_expiry(request), "server_time": timezone.now()}
        data["password_change_reason"] = selectors.password_change_reason(request.user)
        return Response(data)


class SessionOutputSerializer(serializers.Serializer):
    signed_in = serializers.BooleanField(help_text="A full sign-in (password and, where owed, the second factor)")
    stage = serializers.ChoiceField(choices=["signed_out", "code_required", "enrolment_required", "signed_in"],
                                    help_text="Where this browser stands in the sign-in")
    user = MeSessionOutputSerializer(allow_null=True, help_text="What GET /api/auth/me/ answers, when signed in")


class SessionApi(APIView):
    """The app's start-up probe: who is signed in in this browser, answered 200 for everyone (a
    browser logs every 401 as a console error, and "nobody yet" is the normal answer before the
    sign-in page). Every other API answers 401 to an anonymous request, /api/auth/me/ included."""

    permission_classes = [AllowAny]
    two_factor_step = True  # a half-done sign-in is answered (as not signed in), not refused
    handover_step = True  # the hand-over screen asks the same question

    @extend_schema(responses=SessionOutputSerializer)
    @method_decorator(ensure_csrf_cookie)
    def get(self, request: Request) -> Response:
        user = request.user
        stage = "signed_out"
        if isinstance(user, User) and request.auth is not None:  # a device, signed in by its token
            stage = "signed_in"
        elif isinstance(user, User):
            state = selectors.two_factor_state(user=user, session=request._request.session)
            if _signed_in(request):
                stage = "signed_in" if state in ("verified", "off") else state
            elif state in ("code_required", "enrolment_required"):  # the password step passed, no more
                stage = state
        if stage != "signed_in":
            return Response({"signed_in": False, "stage": stage, "user": None})
        data = dict(MeOutputSerializer(user, context={"session": request._request.session}).data)
        data["session"] = {"expires_at": _session_expiry(request), "server_time": timezone.now()}
        data["password_change_reason"] = selectors.password_change_reason(user) if isinstance(user, User) else ""
        return Response({"signed_in": True, "stage": stage, "user": data})


class UserListApi(APIView):
    pagination_class = Pagination  # the schema's page shape (paginate() pages the body)

    class InputSerializer(serializers.Serializer):
        username = serializers.RegexField(r"^[A-Za-z0-9_.@-]{3,150}$",
                                          error_messages={"invalid": USERNAME_PATTERN_EN})
        password = serializers.CharField(
            min_length=8, max_length=256, required=False, allow_blank=True, default="",
            help_text="Required for the roles without legal powers (reviewer); refused for the others (inspection "
                      "team, disciplinary, unit head, admin: the person sets their own with the activation code the "
                      "approver receives)")
        role = serializers.ChoiceField(choices=[r for r in Role.choices if r[0] != Role.SERVICE])
        full_name = PlainTextField(one_line=True, max_length=150, required=False, allow_blank=True, default="")
        officer_id = IdField(required=False, allow_null=True)
        scope_unit_id = IdField(required=False, allow_null=True)
        distinct_reason = PlainTextField(
            required=False, allow_blank=True, default="", max_length=500,
            help_text="Why this account is a different person from a look-alike account or officer: needed only on "
                      "409 account_lookalike; audited")

    @extend_schema(responses=UserAdminOutputSerializer(many=True))
    def get(self, request: AuthedRequest) -> Response:
        selectors.require_role(request.user, Role.ADMIN)
        return paginate(request, self, selectors.users_list(with_pending=True), UserAdminOutputSerializer)

    @extend_schema(responses={201: UserAdminOutputSerializer})
    def post(self, request: AuthedRequest) -> Response:
        selectors.require_role(request.user, Role.ADMIN)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        officer = Officer.objects.filter(pk=v.pop("officer_id", None) or 0).first()
        scope_id = v.pop("scope_unit_id", None)
        scope = Unit.objects.filter(pk=scope_id).first() if scope_id else None
        if scope_id and scope is None:
            raise DomainError("Đơn vị không tồn tại.", "Unknown scope unit.", fields={"scope_unit_id": ["unknown"]})
        if not v["password"] and v["role"] not in GUARDED_ROLES:
            raise DomainError("Nhập mật khẩu cho tài khoản.", "Enter a password for the account.", code="required",
                              fields={"password": ["required"]})
        user = services.user_create(by=request.user, officer=officer, scope_unit=scope, **v)
        return Response(UserAdminOutputSerializer(user).data, status=201)


def _user_for_admin(request: Request, pk: int) -> User:
    selectors.require_role(request.user, Role.ADMIN)
    user = User.objects.select_related("officer", "scope_unit").filter(pk=pk).exclude(role=Role.SERVICE).first()
    if user is None:
        raise NotFound("Không tìm thấy người dùng.", "User not found.")
    return user


class UserDetailApi(APIView):
    """An administrator changes a user's name, role, scope, linked officer or active flag."""

    class InputSerializer(serializers.Serializer):
        full_name = PlainTextField(one_line=True, max_length=150, required=False, allow_blank=True)
        role = serializers.ChoiceField(choices=[r for r in Role.choices if r[0] != Role.SERVICE], required=False)
        scope_unit_id = IdField(required=False, allow_null=True)
        officer_id = IdField(required=False, allow_null=True)
        is_active = serializers.BooleanField(required=False)
        language = serializers.ChoiceField(choices=["vi", "en"], required=False)
        distinct_reason = PlainTextField(required=False, allow_blank=True, default="", max_length=500,
                                         help_text="Renaming, on 409 account_lookalike: why it is another person")

    @extend_schema(responses=UserAdminOutputSerializer)
    def get(self, request: AuthedRequest, pk: int) -> Response:
        return Response(UserAdminOutputSerializer(_user_for_admin(request, pk)).data)

    @extend_schema(responses=UserAdminOutputSerializer)
    def patch(self, request: AuthedRequest, pk: int) -> Response:
        user = _user_for_admin(request, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        changes: dict[str, Any] = {k: v[k] for k in ("full_name", "role", "is_active", "language") if k in v}
        if "scope_unit_id" in v:
            scope = Unit.objects.filter(pk=v["scope_unit_id"]).first() if v["scope_unit_id"] else None
            if v["scope_unit_id"] and scope is None:
                raise DomainError("Đơn vị không tồn tại.", "Unknown scope unit.", fields={"scope_unit_id": ["unknown"]})
            changes["scope_unit"] = scope
        if "officer_id" in v:
            officer = Officer.objects.filter(pk=v["officer_id"]).first() if v["officer_id"] else None
            if v["officer_id"] and officer is None:
                raise DomainError("Cán bộ không tồn tại.", "Unknown officer.", fields={"officer_id": ["unknown"]})
            changes["officer"] = officer
        user = services.user_update(by=request.user, user=user, distinct_reason=v["distinct_reason"], **changes)
        return Response(UserAdminOutputSerializer(user).data)


class UserPasswordApi(APIView):
    """An administrator sets a new password for a user (their other sessions end). For an account with legal
    powers or secrets (`reset_needs_approval`: inspection team, disciplinary, unit head, admin, or demoted from
    one within 90 days) send no password: the reset is a request a second person approves."""

    class InputSerializer(serializers.Serializer):
        password = serializers.CharField(max_length=256, trim_whitespace=False, required=False, allow_blank=True,
                                         default="")

    @extend_schema(responses={204: None, 202: TeamGrantOutputSerializer})
    def post(self, request: AuthedRequest, pk: int) -> Response:
        user = _user_for_admin(request, pk)
        if user.pk == request.user.pk:
            raise DomainError("Đổi mật khẩu của chính mình ở mục Đổi mật khẩu (cần mật khẩu hiện tại).",
                              "Change your own password from Change password (the current one is needed).",
                              code="own_password", status=400)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        grant = services.user_password_reset(by=request.user, user=user, password=data.validated_data["password"])
        if grant is not None:  # a guarded account: waits for a second person's approval
            return Response(grant_data(grant, request), status=202)
        return Response(status=204)


class MePasswordApi(APIView):
    """A signed-in user changes their own password; this session stays signed in. Throttled like
    the login, so a stolen session cannot be used to guess the current password."""

    throttle_classes = [LoginRateThrottle]
    throttle_scope = "login"
    password_change_step = True  # the one thing a user whose password must change may do (F7)

    class InputSerializer(serializers.Serializer):
        old_password = serializers.CharField(max_length=256, trim_whitespace=False)
        password = serializers.CharField(max_length=256, trim_whitespace=False)

    @extend_schema(responses={204: None})
    def post(self, request: AuthedRequest) -> Response:
        if not isinstance(request.user, User) or request.user.role == Role.SERVICE:
            raise DomainError("Tài khoản này không dùng mật khẩu.", "This account has no password.",
                              code="service_account", status=403)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_set_password(by=request.user, user=request.user,
                                          password=data.validated_data["password"],
                                          old_password=data.validated_data["old_password"])
        update_session_auth_hash(request._request, user)
        return Response(status=204)


class TokenOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "kind", "key_prefix", "counter", "created_at", "last_used_at", "revoked_at"]


class TokenCreatedOutputSerializer(TokenOutputSerializer):
    """A new token, with its key: shown this once (only its hash is kept)."""

    key = serializers.CharField(read_only=True, help_text="The token's key, shown once")

    class Meta(TokenOutputSerializer.Meta):
        fields = [*TokenOutputSerializer.Meta.fields, "key"]


class TokenListApi(APIView):
    pagination_class = Pagination  # the schema's page shape (paginate() pages the body)

    class InputSerializer(serializers.Serializer):
        name = PlainTextField(one_line=True, max_length=120)
        kind = serializers.ChoiceField(choices=ApiToken.Kind.choices)
        counter_id = IdField(required=False, allow_null=True)

    @extend_schema(responses=TokenOutputSerializer(many=True))
    def get(self, request: AuthedRequest) -> Response:
        selectors.require_role(request.user, Role.ADMIN)
        return paginate(request, self, ApiToken.objects.order_by("-created_at"), TokenOutputSerializer)

    @extend_schema(responses={201: TokenCreatedOutputSerializer})
    def post(self, request: AuthedRequest) -> Response:
        selectors.require_role(request.user, Role.ADMIN)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        counter = Counter.objects.filter(pk=v.get("counter_id") or 0).first()
        service_user, _ = User.objects.get_or_create(
            username=f"svc-{v['kind']}", defaults={"role": Role.SERVICE})
        token, key = services.api_token_create(by=request.user, name=v["name"], kind=v["kind"],
                                               user=service_user, counter=counter)
        return Response({**TokenOutputSerializer(token).data, "key": key}, status=201)


class TokenRevokeApi(APIView):
    @extend_schema(request=None, responses={204: None})
    def post(self, request: AuthedRequest, pk: int) -> Response:
        selectors.require_role(request.user, Role.ADMIN)
        token = ApiToken.objects.filter(pk=pk).first()
        if token is None:
            raise NotFound()
        services.api_token_revoke(by=request.user, token=token)
        return Response(status=204)


class ActivateApi(APIView):
    """Anonymous: a person activates their inspection-team account with their username and the one-time
    code the approving lead handed them, and sets their own password (then signs in and enrols two-factor).
    Throttled like the login; a wrong code counts toward the username's lockout."""

    permission_classes = [AllowAny]
    throttle_classes = [LoginRateThrottle]
    throttle_scope = "login"

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        code = serializers.CharField(max_length=64)
        password = serializers.CharField(max_length=256, trim_whitespace=False)

    @extend_schema(request=InputSerializer,
                   responses=inline_serializer("ActivateOutput", {"activated": serializers.BooleanField(),
                                                                 "username": serializers.CharField()}))
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        user = services_activation.account_activate(username=v["username"], code=v["code"], password=v["password"],
                                                    ip=client_ip(request.META))
        return Response({"activated": True, "username": user.username})
