"""Websockets follow the same sign-in rule as HTTP: a session that owes a second factor, or whose
user must change a password someone else set (`password_change_required`), is anonymous to the
consumers (`selectors.session_may_use_api`), which close it with 4401 as any anonymous socket."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from channels.db import database_sync_to_async
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.base import SessionBase

from backend.accounts import selectors

if TYPE_CHECKING:
    from backend.accounts.models import User


def _may_use_socket(user: User, session: SessionBase) -> bool:
    """As HTTP (authentication.SessionAuthentication): no second factor owed and no password to change."""
    if not selectors.session_may_use_api(user=user, session=session):
        return False
    return not getattr(user, "password_change_required", False)


class TwoFactorGuard:
    """ASGI middleware, inside channels' AuthMiddlewareStack (it needs scope user and session)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        user = scope.get("user")
        if user is not None and getattr(user, "is_authenticated", False):
            allowed = await database_sync_to_async(_may_use_socket)(user, scope["session"])
            # a device handed over to the inspected unit's representative hears nothing of the app
            handed_over = await database_sync_to_async(selectors.session_handover)(scope["session"])
            if not allowed or handed_over:
                scope = {**scope, "user": AnonymousUser()}
        return await self.inner(scope, receive, send)
