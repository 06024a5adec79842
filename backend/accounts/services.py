from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction

from backend.accounts.authentication import hash_key
from backend.accounts.models import ApiToken, Role, User
from backend.audit.services import audit_record
from backend.core.errors import DomainError
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
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit_record(actor=by, verb="user.create", obj=user,
                 payload={"username": username, "role": role,
                          "scope_unit": scope_unit.pk if scope_unit else None})
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
