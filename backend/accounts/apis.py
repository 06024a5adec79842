from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate, login, logout
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
                  "scope_unit", "officer", "language"]

    def get_full_name(self, obj: User) -> str:
        return obj.get_full_name() or obj.username

    def get_scope_unit(self, obj: User) -> dict[str, Any] | None:
        unit = obj.scope_unit
        return {"id": unit.pk, "code": unit.code, "name": unit.name} if unit else None

    def get_officer(self, obj: User) -> dict[str, Any] | None:
        off = obj.officer
        return {"id": off.pk, "full_name": off.full_name, "rank": off.rank} if off else None


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
