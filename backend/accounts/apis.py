from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.middleware.csrf import get_token
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from backend.accounts import selectors, services
from backend.accounts.models import ApiToken, Role, User
from backend.audit.services import audit_record
from backend.core.errors import DomainError, NotFound
from backend.org.apis import paginate
from backend.org.models import Counter, Officer, Unit


class MeOutputSerializer(serializers.ModelSerializer):
    role_label = serializers.CharField(source="get_role_display")
    full_name = serializers.SerializerMethodField()
    scope_unit = serializers.SerializerMethodField()
    officer = serializers.SerializerMethodField()
    is_inspection_team = serializers.BooleanField()

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "role", "role_label", "is_inspection_team",
                  "scope_unit", "officer", "language", "is_active"]

    def get_full_name(self, obj: User) -> str:
        return obj.get_full_name() or obj.username

    def get_scope_unit(self, obj: User) -> dict[str, Any] | None:
        unit = obj.scope_unit
        return {"id": unit.pk, "code": unit.code, "name": unit.name} if unit else None

    def get_officer(self, obj: User) -> dict[str, Any] | None:
        off = obj.officer
        return ({"id": off.pk, "full_name": off.full_name, "rank": off.rank, "service_number": off.service_number}
                if off else None)


class CsrfApi(APIView):
    permission_classes = [AllowAny]

    @method_decorator(ensure_csrf_cookie)
    def get(self, request: Request) -> Response:
        return Response({"csrf_token": get_token(request)})


class LoginApi(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(max_length=256, trim_whitespace=False)

    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request._request, username=data.validated_data["username"],
                            password=data.validated_data["password"])
        if user is None or user.role == Role.SERVICE:
            raise DomainError("Sai tên đăng nhập hoặc mật khẩu.", "Wrong username or password.",
                              code="bad_credentials", status=400)
        login(request._request, user)
        audit_record(actor=user, verb="auth.login", obj=user, payload={})
        get_token(request._request)
        return Response(MeOutputSerializer(user).data)


class LogoutApi(APIView):
    permission_classes = [AllowAny]

    def post(self, request: Request) -> Response:
        logout(request._request)
        return Response(status=204)


class MeApi(APIView):
    @method_decorator(ensure_csrf_cookie)
    def get(self, request: Request) -> Response:
        return Response(MeOutputSerializer(request.user).data)


class UserListApi(APIView):
    class InputSerializer(serializers.Serializer):
        username = serializers.RegexField(r"^[A-Za-z0-9_.@-]{3,150}$")
        password = serializers.CharField(min_length=8, max_length=256)
        role = serializers.ChoiceField(choices=[r for r in Role.choices if r[0] != Role.SERVICE])
        full_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
        officer_id = serializers.IntegerField(required=False, allow_null=True)
        scope_unit_id = serializers.IntegerField(required=False, allow_null=True)

    def get(self, request: Request) -> Response:
        selectors.require_role(request.user, Role.ADMIN)
        return paginate(request, self, selectors.users_list(), MeOutputSerializer)

    def post(self, request: Request) -> Response:
        selectors.require_role(request.user, Role.ADMIN)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        officer = Officer.objects.filter(pk=v.pop("officer_id", None) or 0).first()
        scope_id = v.pop("scope_unit_id", None)
        scope = Unit.objects.filter(pk=scope_id).first() if scope_id else None
        if scope_id and scope is None:
            raise DomainError("Đơn vị không tồn tại.", "Unknown scope unit.", fields={"scope_unit_id": ["unknown"]})
        user = services.user_create(by=request.user, officer=officer, scope_unit=scope, **v)
        return Response(MeOutputSerializer(user).data, status=201)


def _user_for_admin(request: Request, pk: int) -> User:
    selectors.require_role(request.user, Role.ADMIN)
    user = User.objects.select_related("officer", "scope_unit").filter(pk=pk).exclude(role=Role.SERVICE).first()
    if user is None:
        raise NotFound("Không tìm thấy người dùng.", "User not found.")
    return user


class UserDetailApi(APIView):
    """An administrator changes a user's name, role, scope, linked officer or active flag."""

    class InputSerializer(serializers.Serializer):
        full_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
        role = serializers.ChoiceField(choices=[r for r in Role.choices if r[0] != Role.SERVICE], required=False)
        scope_unit_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)
        officer_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)
        is_active = serializers.BooleanField(required=False)
        language = serializers.ChoiceField(choices=["vi", "en"], required=False)

    def get(self, request: Request, pk: int) -> Response:
        return Response(MeOutputSerializer(_user_for_admin(request, pk)).data)

    def patch(self, request: Request, pk: int) -> Response:
        user = _user_for_admin(request, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        changes: dict[str, Any] = {k: v[k] for k in ("full_name", "role", "is_active", "language") if k in v}
        if "scope_unit_id" in v:
            scope = Unit.objects.filter(pk=v["scope_unit_id"]).first() if v["scope_unit_id"] else None
            if v["scope_unit_id"] and scope is None:
                raise DomainError("Đơn vị không tồn tại.", "Unknown scope unit.",
                                  fields={"scope_unit_id": ["unknown"]})
            changes["scope_unit"] = scope
        if "officer_id" in v:
            officer = Officer.objects.filter(pk=v["officer_id"]).first() if v["officer_id"] else None
            if v["officer_id"] and officer is None:
                raise DomainError("Cán bộ không tồn tại.", "Unknown officer.", fields={"officer_id": ["unknown"]})
            changes["officer"] = officer
        user = services.user_update(by=request.user, user=user, **changes)
        return Response(MeOutputSerializer(user).data)


class UserPasswordApi(APIView):
    """An administrator sets a new password for a user (their other sessions end)."""

    class InputSerializer(serializers.Serializer):
        password = serializers.CharField(max_length=256, trim_whitespace=False)

    def post(self, request: Request, pk: int) -> Response:
        user = _user_for_admin(request, pk)
        if user.pk == request.user.pk:
            raise DomainError("Đổi mật khẩu của chính mình ở mục Đổi mật khẩu (cần mật khẩu hiện tại).",
                              "Change your own password from Change password (the current one is needed).",
                              code="own_password", status=400)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.user_set_password(by=request.user, user=user, password=data.validated_data["password"])
        return Response(status=204)


class MePasswordApi(APIView):
    """A signed-in user changes their own password; this session stays signed in. Throttled like
    the login, so a stolen session cannot be used to guess the current password."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    class InputSerializer(serializers.Serializer):
        old_password = serializers.CharField(max_length=256, trim_whitespace=False)
        password = serializers.CharField(max_length=256, trim_whitespace=False)

    def post(self, request: Request) -> Response:
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


class TokenListApi(APIView):
    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=120)
        kind = serializers.ChoiceField(choices=ApiToken.Kind.choices)
        counter_id = serializers.IntegerField(required=False, allow_null=True)

    def get(self, request: Request) -> Response:
        selectors.require_role(request.user, Role.ADMIN)
        return paginate(request, self, ApiToken.objects.order_by("-created_at"), TokenOutputSerializer)

    def post(self, request: Request) -> Response:
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
    def post(self, request: Request, pk: int) -> Response:
        selectors.require_role(request.user, Role.ADMIN)
        token = ApiToken.objects.filter(pk=pk).first()
        if token is None:
            raise NotFound()
        services.api_token_revoke(by=request.user, token=token)
        return Response(status=204)
