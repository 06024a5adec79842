"""Who may see what. Object-level checks start here."""
from __future__ import annotations

from typing import Any

from backend.accounts.models import ApiToken, Role, User
from backend.core.errors import Forbidden
from backend.org.selectors import unit_subtree_ids


def user_unit_ids(user: Any) -> set[int] | None:
    """Unit ids in the user's scope; None = the whole province. Cached on the user object."""
    cached = getattr(user, "_cw_unit_ids", "unset")
    if cached != "unset":
        return cached  # type: ignore[no-any-return]
    if not getattr(user, "is_authenticated", False):
        result: set[int] | None = set()
    elif user.role == Role.SERVICE:
        result = set()
    elif user.scope_unit_id is None:
        result = None if user.role != Role.UNIT_HEAD else set()
    else:
        result = unit_subtree_ids(root_id=user.scope_unit_id)
    user._cw_unit_ids = result
    return result


def unit_in_scope(user: Any, unit_id: int | None) -> bool:
    ids = user_unit_ids(user)
    return ids is None or (unit_id is not None and unit_id in ids)


def require_role(user: Any, *roles: str) -> None:
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.role not in roles:
        raise Forbidden()


def require_token_kind(auth: Any, kind: str) -> ApiToken:
    if not isinstance(auth, ApiToken) or auth.kind != kind:
        raise Forbidden("Cần mã truy cập thiết bị hợp lệ.", "A valid device token of the right kind is required.")
    return auth


def users_list() -> Any:
    return User.objects.select_related("officer", "scope_unit").order_by("username")
