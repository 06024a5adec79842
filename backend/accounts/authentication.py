from __future__ import annotations

import hashlib
from typing import Any

from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework.permissions import AllowAny

from backend.accounts.models import ApiToken, Role


def _open_to_anonymous(view: Any) -> bool:
    classes = getattr(view, "permission_classes", None) or []
    return bool(classes) and all(c is AllowAny for c in classes)


class CsrfSessionAuthentication(authentication.SessionAuthentication):
    """Browser sessions; DRF enforces CSRF on unsafe methods for them.

    A session whose user owes a second factor (`selectors.session_may_use_api`) reaches only views
    marked `two_factor_step = True`; there, a session that passed the password step but is not
    signed in yet authenticates as that pending user. A session in hand-over
    (`selectors.session_handover`) reaches only views marked `handover_step = True` (and the open ones:
    sign-in, sign-out, CSRF, health). A user whose password must be changed (`password_change_required`,
    F7) reaches only views marked `password_change_step = True` and the open ones."""

    def authenticate(self, request: Any) -> tuple[Any, None] | None:
        from backend.accounts import selectors
        from backend.accounts.errors import (  # DRF imports this module while it loads
            HandoverLocked,
            PasswordChangeRequired,
            TwoFactorPending,
        )

        view = (getattr(request, "parser_context", None) or {}).get("view")
        two_factor_step = bool(getattr(view, "two_factor_step", False))
        session = request._request.session
        result = super().authenticate(request)
        if result is None:
            if not two_factor_step and selectors.PENDING_USER not in session:
                return None
            pending = selectors.pending_sign_in_user(session)
            if pending is None:
                return None
            if not two_factor_step:
                if _open_to_anonymous(view):  # csrf, login, health: answered as for anyone
                    return None
                # say what is missing rather than a bare "sign in"
                raise TwoFactorPending(selectors.two_factor_state(user=pending, session=session))
            self.enforce_csrf(request)
            return pending, None
        if not two_factor_step and not selectors.session_may_use_api(user=result[0], session=session):
            raise TwoFactorPending(selectors.two_factor_state(user=result[0], session=session))
        if (selectors.session_handover(session) and not getattr(view, "handover_step", False)
                and not _open_to_anonymous(view)):
            raise HandoverLocked()
        if (getattr(result[0], "password_change_required", False) and not getattr(view, "password_change_step", False)
                and not _open_to_anonymous(view)):
            raise PasswordChangeRequired()
        return result

    def authenticate_header(self, request: Any) -> str:
        # Makes DRF answer 401 (not 403) to anonymous requests.
        return 'Session realm="counterwatch"'


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <key>` for devices and integrations."""

    keyword = "Token"

    def authenticate(self, request: Any) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() not in (b"token", b"bearer"):
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Malformed token header.")
        try:
            key = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed("Malformed token.") from exc
        token = (
            ApiToken.objects.select_related("user", "counter")
            .filter(key_hash=hash_key(key), revoked_at__isnull=True)
            .first()
        )
        # a token speaks for a service account only (services.api_token_create): never a person's powers
        if token is None or not token.user.is_active or token.user.role != Role.SERVICE:
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request: Any) -> str:
        return self.keyword
