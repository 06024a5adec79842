"""A user's unit scope: the one owner of "which units may this user see".

Unit heads see their unit's subtree (any period: units merge and move); other roles see the whole
province unless an admin gave them a scope unit; service accounts and strangers see no unit.
Everything scoped (lists, details, documents, cases, websocket topics) asks these functions.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from backend.accounts.models import Role, User
from backend.org.selectors import unit_subtree_ids

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


def user_unit_ids(user: User | AnonymousUser) -> set[int] | None:
    """Unit ids in the user's scope; None = the whole province. Cached on the user object."""
    if hasattr(user, "_cw_unit_ids"):
        cached: set[int] | None = user._cw_unit_ids
        return cached
    if not user.is_authenticated:
        result: set[int] | None = set()
    elif user.role == Role.SERVICE:
        result = set()
    elif user.scope_unit_id is None:
        result = None if user.role != Role.UNIT_HEAD else set()
    else:
        result = unit_subtree_ids(root_id=user.scope_unit_id)
    user._cw_unit_ids = result  # type: ignore[union-attr]  # a per-request cache on the user object
    return result


def unit_in_scope(user: User | AnonymousUser, unit_id: int | None) -> bool:
    ids = user_unit_ids(user)
    return ids is None or (unit_id is not None and unit_id in ids)
