"""One-time activation codes for accounts with legal powers or secrets (insider review, issue 15, decision A;
F-D: administrators, disciplinary officers and unit heads as well as the inspection team).

The credentials of such an account are never known to the administrator. When a grant (services_grants)
that gives or restores those powers is approved (create, role, activate, password or two-factor reset),
`credentials_reset` makes the account's password unusable, ends its sessions, removes its two-factor
devices (the person enrols again at the next sign-in) and issues an activation code to the approver
(a lead, or for an account outside the team another administrator): shown once, stored as a hash, valid ACTIVATION_CODE_VALID (72 h). The person signs in at the activation
page with username + code (`account_activate`, throttled and counted like a sign-in) and sets their
own password there."""
from __future__ import annotations

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from backend.accounts.authentication import hash_key
from backend.accounts.models import AccountActivation, TeamGrant, User
from backend.audit.services import audit_record
from backend.core.actors import Actor, actor_label
from backend.core.errors import DomainError

ACTIVATION_CODE_VALID = timedelta(hours=72)
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or copied by hand


def _normalise(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())[:32]


def _new_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    return "-".join(raw[i:i + 4] for i in range(0, 12, 4))


def credentials_reset(*, by: Actor, user: User, grant: TeamGrant | None) -> tuple[str, AccountActivation]:
    """Unusable password, sessions ended, two-factor removed, a new activation code (earlier open
    codes of the account stop working). Returns the code (to show once) and its record."""
    from backend.accounts.services_grants import two_factor_remove

    user.set_unusable_password()
    user.save(update_fields=["password"])
    removed = two_factor_remove(user=user)  # also raises the session generation
    now = timezone.now()
    AccountActivation.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
    code = _new_code()
    activation = AccountActivation.objects.create(
        user=user, grant=grant, code_hash=hash_key(_normalise(code)), issued_by_label=actor_label(by),
        created_at=now, expires_at=now + ACTIVATION_CODE_VALID)
    audit_record(actor=by, verb="user.activation_issue", obj=user,
                 payload={"grant": grant.pk if grant else None, "two_factor_removed": removed,
                          "expires_at": activation.expires_at.isoformat()})
    return code, activation


def _refused() -> DomainError:
    return DomainError("Tên đăng nhập hoặc mã kích hoạt không đúng, hoặc mã đã hết hạn hay đã dùng.",
                       "Wrong username or activation code, or the code has expired or was used.",
                       code="bad_activation", fields={"code": ["invalid"]})


def account_activate(*, username: str, code: str, password: str, ip: str) -> User:
    """The person sets their own password with the one-time code. A wrong code counts toward the
    username's sign-in lockout; the same answer whether the account exists or not."""
    from backend.accounts.services import (
        _require_strong_password,
        login_failure_record,
        login_failures_clear,
        login_lock_check,
    )

    login_lock_check(username=username)
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username=username.strip(), is_active=True).first()
        activation = None if user is None else (
            AccountActivation.objects.select_for_update()
            .filter(user=user, used_at__isnull=True, expires_at__gt=timezone.now(),
                    code_hash=hash_key(_normalise(code))).first())
        if user is not None and activation is not None:
            _require_strong_password(password, user)
            user.set_password(password)
            user.password_change_required = False
            user.save(update_fields=["password", "password_change_required"])
            activation.used_at = timezone.now()
            activation.save(update_fields=["used_at"])
            audit_record(actor=user, verb="user.activate", obj=user, payload={"ip": ip, "activation": activation.pk})
    if user is None or activation is None:
        login_failure_record(username=username, ip=ip, step="activation")
        raise _refused()
    login_failures_clear(username=user.username)
    return user
