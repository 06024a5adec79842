from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from backend.accounts.authentication import hash_key
from backend.accounts.models import ApiToken, Role, User
from backend.audit.services import audit_record
from backend.core.errors import DomainError
from backend.core.events import account_changed_on_commit
from backend.org.models import Counter, Officer, Unit


@transaction.atomic
def user_create(*, by: Any, username: str, password: str | None, role: str,
                full_name: str = "", officer: Officer | None = None,
                scope_unit: Unit | None = None, email: str = "") -> User:
    if role not in Role.values:
        raise DomainError("Vai trò không hợp lệ.", f"Unknown role {role!r}.", code="invalid_role",
                          fields={"role": [f"one of {', '.join(Role.values)}"]})
    if role == Role.UNIT_HEAD and scope_unit is None:
        raise DomainError("Thủ trưởng đơn vị phải gắn với một đơn vị.",
                          "A unit head needs a scope unit.", code="scope_required")
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError("Tên đăng nhập đã tồn tại.", "Username already taken.", code="duplicate",
                          fields={"username": ["taken"]})
    first, _, last = full_name.rpartition(" ")
    user = User(username=username, role=role, officer=officer, scope_unit=scope_unit,
                email=email, first_name=first[:150], last_name=last[:150])
    if password:
        _require_strong_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit_record(actor=by, verb="user.create", obj=user,
                 payload={"username": username, "role": role,
                          "scope_unit": scope_unit.pk if scope_unit else None})
    return user


_UNSET: Any = object()


def _require_strong_password(password: str, user: User) -> None:
    """AUTH_PASSWORD_VALIDATORS, with the reasons in Vietnamese and English."""

    def problems(language: str) -> list[str]:
        with translation.override(language):
            try:
                validate_password(password, user)
            except ValidationError as exc:
                return [str(m) for m in exc.messages]
        return []

    vi = problems("vi")
    if vi:
        raise DomainError("Mật khẩu chưa đủ mạnh: " + " ".join(vi),
                          "The password is too weak: " + " ".join(problems("en")),
                          code="weak_password", fields={"password": vi})


def _account_state(user: User) -> dict[str, Any]:
    """What user_update can change, as the audit trail records it."""
    return {"role": user.role, "scope_unit": user.scope_unit_id, "officer": user.officer_id,
            "is_active": user.is_active, "full_name": user.get_full_name(), "language": user.language}


@transaction.atomic
def user_update(*, by: Any, user: User, full_name: str | None = None, role: str | None = None,
                scope_unit: Unit | None = _UNSET, officer: Officer | None = _UNSET,
                is_active: bool | None = None, language: str | None = None) -> User:
    """Change an account's name, role, unit scope, linked officer or active flag (admin work).

    An administrator cannot lock themselves out (deactivate or demote their own account); a role
    change takes effect on the user's next request, as every read checks the role again."""
    user = User.objects.select_for_update().get(pk=user.pk)
    before = _account_state(user)
    if user.role == Role.SERVICE:
        raise DomainError("Tài khoản dịch vụ được quản lý qua khóa thiết bị.",
                          "Service accounts are managed through device tokens.", code="service_account")
    if role is not None:
        if role not in Role.values or role == Role.SERVICE:
            raise DomainError("Vai trò không hợp lệ.", f"Unknown role {role!r}.", code="invalid_role",
                              fields={"role": ["invalid"]})
        user.role = role
    if scope_unit is not _UNSET:
        user.scope_unit = scope_unit
    if officer is not _UNSET:
        user.officer = officer
    if is_active is not None:
        user.is_active = is_active
    if full_name is not None:
        first, _, last = full_name.strip().rpartition(" ")
        user.first_name, user.last_name = first[:150], last[:150]
    if language is not None:
        user.language = language
    if user.pk == getattr(by, "pk", None) and (not user.is_active or user.role != Role.ADMIN):
        raise DomainError("Không thể tự khóa hoặc hạ quyền tài khoản quản trị của chính mình.",
                          "You cannot deactivate or demote your own administrator account.",
                          code="self_lockout")
    if user.role == Role.UNIT_HEAD and user.scope_unit_id is None:
        raise DomainError("Thủ trưởng đơn vị phải gắn với một đơn vị.",
                          "A unit head needs a scope unit.", code="scope_required",
                          fields={"scope_unit_id": ["required"]})
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # the one-to-one officer link; the other constraint is checked above
        raise DomainError("Cán bộ này đã gắn với một tài khoản khác.",
                          "This officer is already linked to another account.", code="duplicate",
                          fields={"officer_id": ["taken"]}) from exc
    account_changed_on_commit(user.pk)
    after = _account_state(user)
    audit_record(actor=by, verb="user.update", obj=user,
                 payload={k: [before[k], after[k]] for k in after if before[k] != after[k]})
    return user


@transaction.atomic
def user_set_password(*, by: Any, user: User, password: str, old_password: str | None = None) -> User:
    """Set a password: an admin resets anyone's; a user changes their own with the old one.
    Django's session hash changes with the password, so the user's other sessions end."""
    if user.role == Role.SERVICE:
        raise DomainError("Tài khoản dịch vụ không dùng mật khẩu.", "Service accounts have no password.",
                          code="service_account")
    if old_password is not None and not user.check_password(old_password):
        raise DomainError("Mật khẩu hiện tại không đúng.", "The current password is wrong.",
                          code="bad_credentials", fields={"old_password": ["wrong"]})
    _require_strong_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    account_changed_on_commit(user.pk)
    audit_record(actor=by, verb="user.password", obj=user,
                 payload={"self": old_password is not None})
    return user


@transaction.atomic
def api_token_create(*, by: Any, name: str, kind: str, user: User,
                     counter: Counter | None = None) -> tuple[ApiToken, str]:
    """Create a token; the raw key is returned once and never stored."""
    if kind not in ApiToken.Kind.values:
        raise DomainError("Loại mã truy cập không hợp lệ.", f"Unknown token kind {kind!r}.")
    if kind == ApiToken.Kind.RATING_DEVICE and counter is None:
        raise DomainError("Thiết bị đánh giá phải gắn với một quầy.",
                          "A rating device token needs a counter.")
    key = "cw_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(name=name, kind=kind, user=user, counter=counter,
                                    key_prefix=key[:8], key_hash=hash_key(key))
    audit_record(actor=by, verb="token.create", obj=token,
                 payload={"name": name, "kind": kind, "user": user.pk})
    return token, key


@transaction.atomic
def api_token_revoke(*, by: Any, token: ApiToken) -> None:
    from django.utils import timezone

    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(actor=by, verb="token.revoke", obj=token, payload={})
