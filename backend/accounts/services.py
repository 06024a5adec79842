from __future__ import annotations

import math
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import devices_for_user
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from backend.accounts.authentication import hash_key
from backend.accounts.models import GUARDED_ROLES, INSPECTION_TEAM, ApiToken, LoginFailures, Role, TeamGrant, User
from backend.accounts.passwords import password_problems
from backend.accounts.services_grants import (
    approval_required,
    grant_needed,
    guarded_recently,
    own_team_role_refused,
    require_a_lead_left,
    require_officer_for_team,
    require_unit_scope,
    reset_needs_grant,
    sessions_end_for_officer_change,
    team_grant_request,
    team_password_refused,
    two_factor_remove,
)
from backend.accounts.services_identity import check_account_identity
from backend.audit.services import audit_record
from backend.core.actors import Actor, SystemActor
from backend.core.errors import DomainError
from backend.core.events import account_changed_on_commit
from backend.org.identity import names_alike, require_vietnamese_name
from backend.org.models import Counter, Officer, Unit


@transaction.atomic
def user_create(*, by: Actor, username: str, password: str | None, role: str,
                full_name: str = "", officer: Officer | None = None,
                scope_unit: Unit | None = None, email: str = "", distinct_reason: str = "") -> User:
    """Create an account. One person, one account: a name that looks like an existing account's or officer's needs
    a linked distinct officer or a worded reason that it is another person (services_identity, issue 15)."""
    if role not in Role.values:
        raise DomainError("Vai trò không hợp lệ.", f"Unknown role {role!r}.", code="invalid_role",
                          fields={"role": [f"one of {', '.join(Role.values)}"]})
    require_unit_scope(role, scope_unit)
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError("Tên đăng nhập đã tồn tại.", "Username already taken.", code="duplicate",
                          fields={"username": ["taken"]})
    if officer is not None and User.objects.filter(officer=officer).exists():
        # one account per officer (the link is one-to-one): said in words, not a 500 (insider re-check)
        raise DomainError("Cán bộ này đã có tài khoản; mỗi cán bộ chỉ gắn với một tài khoản.",
                          "This officer already has an account; an officer is linked to one account only.",
                          code="officer_taken", fields={"officer_id": ["already linked"]})
    if isinstance(by, User):  # a person giving a team role: the team is officers (a seed or command may not link yet)
        require_officer_for_team(role, officer.pk if officer is not None else None)
    held = grant_needed(by=by, role=role)
    if held and password:
        raise team_password_refused()
    if not full_name.strip() and officer is not None:
        full_name = officer.full_name  # the account of an officer is named as the officer (user review)
    first, _, last = require_vietnamese_name(full_name).strip().rpartition(" ")
    user = User(username=username, role=role, officer=officer, scope_unit=scope_unit,
                email=email, first_name=first[:150], last_name=last[:150])
    if password:
        _require_strong_password(password, user)
        user.set_password(password)
        # a password the creator chose is known to him: the person changes it at the first sign-in (F-D)
        user.password_change_required = _set_by_another(by=by, user=user)
    else:
        user.set_unusable_password()
    # after the fields' own checks (400), the look-alike (409) that a worded reason lifts
    identity = check_account_identity(full_name=full_name.strip(), officer=officer, distinct_reason=distinct_reason)
    if held:  # an account with legal powers or secrets: inactive until a second person approves (services_grants)
        user.is_active = False
    user.save()
    audit_record(actor=by, verb="user.create", obj=user,
                 payload={"username": username, "role": role,
                          "scope_unit": scope_unit.pk if scope_unit else None,
                          **({"pending_approval": True} if held else {}), **identity})
    if held:
        assert isinstance(by, User)
        team_grant_request(by=by, kind=TeamGrant.Kind.CREATE, target=user, role=role, identity=identity)
    return user


_UNSET: Any = object()


def _require_strong_password(password: str, user: User) -> None:
    """AUTH_PASSWORD_VALIDATORS, with the reasons in Vietnamese and English (backend.accounts.passwords)."""
    vi, en = password_problems(password, user)
    if vi:
        raise DomainError("Mật khẩu chưa đủ mạnh: " + " ".join(vi), "The password is too weak: " + " ".join(en),
                          code="weak_password", fields={"password": vi})


def _account_state(user: User) -> dict[str, Any]:
    """What user_update can change, as the audit trail records it."""
    return {"role": user.role, "scope_unit": user.scope_unit_id, "officer": user.officer_id,
            "is_active": user.is_active, "full_name": user.get_full_name(), "language": user.language}


def _apply_role(*, by: Actor, user: User, role: str | None) -> str:
    """Set the asked role on `user`, unless it is a role with legal powers or secrets that waits for a second
    person's approval (services_grants): then the role is left as it was and returned, to be requested."""
    if role is None:
        return ""
    if role not in Role.values or role == Role.SERVICE:
        raise DomainError("Vai trò không hợp lệ.", f"Unknown role {role!r}.", code="invalid_role",
                          fields={"role": ["invalid"]})
    if role != user.role and grant_needed(by=by, role=role):
        if user.pk == getattr(by, "pk", None):
            raise own_team_role_refused()
        return role
    user.role = role
    return ""


def _scope_required() -> DomainError:
    return DomainError("Thủ trưởng đơn vị phải gắn với một đơn vị.", "A unit head needs a scope unit.",
                       code="scope_required", fields={"scope_unit_id": ["required"]})


def _save_checked(*, by: Actor, user: User) -> None:
    """Save an edited account after the rules that hold whatever changed: an administrator cannot lock
    themselves out; a unit head has a unit; an officer links to one account."""
    if user.pk == getattr(by, "pk", None) and (not user.is_active or user.role != Role.ADMIN):
        raise DomainError("Không thể tự khóa hoặc hạ quyền tài khoản quản trị của chính mình.",
                          "You cannot deactivate or demote your own administrator account.",
                          code="self_lockout")
    if user.role == Role.UNIT_HEAD and user.scope_unit_id is None:
        raise _scope_required()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # the one-to-one officer link; the other constraint is checked above
        raise DomainError("Cán bộ này đã gắn với một tài khoản khác.",
                          "This officer is already linked to another account.", code="duplicate",
                          fields={"officer_id": ["taken"]}) from exc


# Long on purpose: the order of the checks is the rule (each reads the state the previous ones left)
@transaction.atomic
def user_update(*, by: Actor, user: User, full_name: str | None = None, role: str | None = None,
                scope_unit: Unit | None = _UNSET, officer: Officer | None = _UNSET,
                is_active: bool | None = None, language: str | None = None, distinct_reason: str = "") -> User:
    """Change an account's name, role, unit scope, linked officer or active flag (admin work).

    An administrator cannot lock themselves out (deactivate or demote their own account); a role
    change takes effect on the user's next request, as every read checks the role again. On an account with legal
    powers or secrets (or one that left such a role within TEAM_RECENT) a role given, a re-activation, an officer
    link, a unit scope or a full name changed are requests a second person approves (services_grants)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    before = _account_state(user)
    if user.role == Role.SERVICE:
        raise DomainError("Tài khoản dịch vụ được quản lý qua khóa thiết bị.",
                          "Service accounts are managed through device tokens.", code="service_account")
    was_team, was_guarded = user.role in INSPECTION_TEAM, user.role in GUARDED_ROLES
    held_role = _apply_role(by=by, user=user, role=role)
    # guarded (S1-3, S1-4, S2-3): a guarded role now, or left within TEAM_RECENT (demoted just now too); a role only
    # asked for holds the re-activation, while the scope and name of an account not yet guarded are set at once
    guarded = grant_needed(by=by, role=user.role) or (isinstance(by, User) and (was_guarded or guarded_recently(user)))
    held_activation = bool(is_active and not user.is_active and (held_role or guarded))
    if held_activation:
        is_active = None  # a guarded account is re-activated only with a second person's approval
    held_scope = scope_unit is not _UNSET and scope_unit != user.scope_unit and guarded
    if scope_unit is not _UNSET and not held_scope:
        user.scope_unit = scope_unit
    held_officer = (officer is not _UNSET and officer != user.officer
                    and (held_role or grant_needed(by=by, role=user.role)))
    if held_officer:  # who the account is (the team's conflict-of-interest rule, a signature's name): approved
        if officer is not None and User.objects.filter(officer=officer).exclude(pk=user.pk).exists():
            raise DomainError("Cán bộ này đã gắn với một tài khoản khác.",
                              "This officer is already linked to another account.", code="duplicate",
                              fields={"officer_id": ["taken"]})
    elif officer is not _UNSET:
        user.officer = officer
    if held_role or held_scope:  # checked now, not when a second person approves
        require_unit_scope(held_role or user.role, scope_unit if held_scope else user.scope_unit)
    if (held_role or user.role) != before["role"]:  # checked now too: the linked officer (or the one asked for)
        require_officer_for_team(held_role or user.role, (officer.pk if officer else None)
                                 if officer is not _UNSET else user.officer_id)
    if was_team and user.role not in INSPECTION_TEAM:
        user.team_role_left_at = timezone.now()  # demotion applies at once; see team_member_recently
    if was_guarded and user.role not in GUARDED_ROLES:
        user.guarded_role_left_at = timezone.now()  # and its credentials stay guarded a while: guarded_recently
    if is_active is not None:
        if user.is_active and not is_active:
            # Deactivation ends every session for good: reactivating must not revive them.
            user.session_generation += 1
        user.is_active = is_active
    if before["role"] == Role.INSPECTION_LEAD and before["is_active"] and not (
            user.role == Role.INSPECTION_LEAD and user.is_active):
        require_a_lead_left(user)
    held_name, identity = _rename(by=by, user=user, full_name=full_name, distinct_reason=distinct_reason,
                                  guarded=guarded)
    if language is not None:
        user.language = language
    _save_checked(by=by, user=user)
    account_changed_on_commit(user.pk)
    after = _account_state(user)
    changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changed:  # a change that is only held for approval is audited as the request, not as an empty update
        audit_record(actor=by, verb="user.update", obj=user,
                     payload={**changed, **(identity if "full_name" in changed else {})})
    sessions_end_for_officer_change(by=by, user=user, before=before["officer"], after=after["officer"])
    _request_held(by=by, user=user, role=held_role, activation=held_activation,
                  officer=officer if held_officer else _UNSET, scope=scope_unit if held_scope else _UNSET,
                  name=held_name, identity=identity)
    return user


def _rename(*, by: Actor, user: User, full_name: str | None, distinct_reason: str,
            guarded: bool) -> tuple[str | None, dict[str, Any]]:
    """A new full name: the same look-alike check as a new account (services_identity, with the reason that lifts
    it), then set at once, or returned to be requested when the account is guarded (insider review S1-4: a lead
    account renamed to another person's name was applied at once, unchecked)."""
    if full_name is None:
        return None, {}
    name = require_vietnamese_name(full_name).strip()
    if name == user.get_full_name().strip():
        return None, {}
    officer = user.officer if user.officer_id else None
    if officer is not None and not names_alike(name, officer.full_name):
        officer = None  # a name not its officer's: the officer does not tell the account apart from a look-alike
    identity = check_account_identity(full_name=name, officer=officer, distinct_reason=distinct_reason, account=user)
    if guarded and isinstance(by, User):
        return name, identity
    first, _, last = name.rpartition(" ")
    user.first_name, user.last_name = first[:150], last[:150]
    return None, identity


def _request_held(*, by: Actor, user: User, role: str, activation: bool, officer: Any, scope: Any = _UNSET,
                  name: str | None = None, identity: dict[str, Any] | None = None) -> None:
    if not (role or activation or officer is not _UNSET or scope is not _UNSET or name is not None):
        return
    assert isinstance(by, User)
    if role:
        team_grant_request(by=by, kind=TeamGrant.Kind.ROLE, target=user, role=role)
    if activation:
        team_grant_request(by=by, kind=TeamGrant.Kind.ACTIVATE, target=user)
    if officer is not _UNSET:
        team_grant_request(by=by, kind=TeamGrant.Kind.OFFICER, target=user, officer=officer)
    if scope is not _UNSET:
        team_grant_request(by=by, kind=TeamGrant.Kind.SCOPE, target=user, scope_unit=scope)
    if name is not None:
        team_grant_request(by=by, kind=TeamGrant.Kind.NAME, target=user, full_name=name, identity=identity)


@transaction.atomic
def user_set_password(*, by: Actor, user: User, password: str, old_password: str | None = None) -> User:
    """Set a password: an admin resets anyone's; a user changes their own with the old one.
    Django's session hash changes with the password, so the user's other sessions end."""
    if user.role == Role.SERVICE:
        raise DomainError("Tài khoản dịch vụ không dùng mật khẩu.", "Service accounts have no password.",
                          code="service_account")
    if old_password is not None and not user.check_password(old_password):
        raise DomainError("Mật khẩu hiện tại không đúng.", "The current password is wrong.",
                          code="bad_credentials", fields={"old_password": ["wrong"]})
    if old_password is not None and password == old_password:
        # a forced change kept as it was leaves the setter's password in force (insider review, issue 15)
        raise DomainError("Mật khẩu mới phải khác mật khẩu hiện tại.",
                          "The new password must differ from the current one.",
                          code="same_password", fields={"password": ["same"]})
    if old_password is None and reset_needs_grant(by=by, user=user):
        raise approval_required("Đặt lại mật khẩu của tài khoản có thẩm quyền",
                                "Resetting the password of an account with legal powers")
    _require_strong_password(password, user)
    user.set_password(password)
    # a password someone else set is known to him: the holder must change it at the next sign-in, else the
    # setter could sign in as the holder and act (watch footage) in his name (insider F-D)
    user.password_change_required = _set_by_another(by=by, user=user)
    user.save(update_fields=["password", "password_change_required"])
    account_changed_on_commit(user.pk)
    audit_record(actor=by, verb="user.password", obj=user,
                 payload={"self": old_password is not None})
    return user


def _set_by_another(*, by: Actor, user: User) -> bool:
    """A password chosen by a person other than the account holder (the seed's system actor chooses none)."""
    return isinstance(by, User) and by.pk != user.pk


@transaction.atomic
def user_password_reset(*, by: Actor, user: User, password: str) -> TeamGrant | None:
    """An administrator sets another user's password at once; for an account with legal powers or secrets
    (an inspection-team member, administrator, disciplinary officer or unit head, or one demoted from such a role
    within 90 days) no password is accepted: the reset is a request a second person approves
    (services_grants.approver_roles), which then issues a one-time activation code (services_activation).
    Returns the request then."""
    if user.role == Role.SERVICE:
        raise DomainError("Tài khoản dịch vụ không dùng mật khẩu.", "Service accounts have no password.",
                          code="service_account")
    if not reset_needs_grant(by=by, user=user):
        if not password:
            raise DomainError("Nhập mật khẩu mới.", "Enter the new password.", code="required",
                              fields={"password": ["required"]})
        user_set_password(by=by, user=user, password=password)
        return None
    assert isinstance(by, User)
    if password:
        raise team_password_refused()
    return team_grant_request(by=by, kind=TeamGrant.Kind.PASSWORD, target=user)


@transaction.atomic
def api_token_create(*, by: Actor, name: str, kind: str, user: User,
                     counter: Counter | None = None) -> tuple[ApiToken, str]:
    """Create a token; the raw key is returned once and never stored. A token speaks for a service account
    only: bound to a person's account it would carry that person's powers with no password and no second
    factor (insider review, issue 15: an admin named a reviewer 'svc-camera_uploader', had a lead promote
    it, then created a camera token and acted as a lead)."""
    if user.role != Role.SERVICE:
        raise DomainError("Mã truy cập chỉ cấp cho tài khoản thiết bị / tích hợp; tài khoản "
                          f"{user.username} là tài khoản của người dùng.",
                          f"Access tokens are issued to service accounts only; {user.username} is a person's account.",
                          code="not_service_account", status=409)
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
def api_token_revoke(*, by: Actor, token: ApiToken) -> None:
    from django.utils import timezone

    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(actor=by, verb="token.revoke", obj=token, payload={})


# --- sign-in: per-account lockout --------------------------------------------------------------


class AccountLocked(DomainError):
    """Too many failed sign-ins for one username. The same answer whether the account exists, and
    whether or not the password just given was right."""

    status = 429

    def __init__(self, *, until: datetime, attempts: int) -> None:
        seconds = max(1, math.ceil((until - timezone.now()).total_seconds()))
        minutes = max(1, math.ceil(seconds / 60))
        at = timezone.localtime(until).strftime("%H:%M")
        super().__init__(
            f"Tài khoản tạm bị khóa do đăng nhập sai {attempts} lần liên tiếp. "
            f"Vui lòng thử lại sau {at} (khoảng {minutes} phút nữa).",
            f"This account is locked after {attempts} failed sign-ins. "
            f"Try again after {at} (in about {minutes} min).",
            code="account_locked")  # `fields` is for input errors: the message carries the time


def _lock_key(username: str) -> str:
    return username.strip().casefold()[:150]


def login_lock_check(*, username: str) -> None:
    """Raise AccountLocked while the username is locked."""
    row = LoginFailures.objects.filter(username=_lock_key(username)).first()
    if row is not None and row.locked_until is not None and row.locked_until > timezone.now():
        raise AccountLocked(until=row.locked_until, attempts=settings.LOGIN_LOCKOUT_ATTEMPTS)


def login_failure_record(*, username: str, ip: str, step: str) -> None:
    """Count one failed sign-in (step: `password` or `code`) for the username. The failure that
    reaches LOGIN_LOCKOUT_ATTEMPTS within LOGIN_LOCKOUT_WINDOW_SECONDS locks the username for
    LOGIN_LOCKOUT_SECONDS (audited) and raises AccountLocked. Commits on its own, so the count
    survives the error the caller raises next."""
    key = _lock_key(username)
    now = timezone.now()
    window = timedelta(seconds=settings.LOGIN_LOCKOUT_WINDOW_SECONDS)
    with transaction.atomic():
        row, _ = LoginFailures.objects.select_for_update().get_or_create(username=key)
        if row.window_started_at is None or now - row.window_started_at > window:
            row.failures, row.window_started_at = 0, now
        row.failures += 1
        locked = row.failures >= settings.LOGIN_LOCKOUT_ATTEMPTS
        if locked:
            row.locked_until = now + timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
            row.failures, row.window_started_at = 0, None
        row.save()
        if locked:
            user = User.objects.filter(username=username.strip()).first()
            audit_record(actor=SystemActor(f"ip:{ip}"), verb="auth.lockout", obj=user,
                         object_type="" if user else "accounts.username", object_id="" if user else key,
                         payload={"username": key, "ip": ip, "step": step,
                                  "attempts": settings.LOGIN_LOCKOUT_ATTEMPTS,
                                  "locked_until": row.locked_until})
    if locked:
        assert row.locked_until is not None
        raise AccountLocked(until=row.locked_until, attempts=settings.LOGIN_LOCKOUT_ATTEMPTS)


def login_failures_clear(*, username: str) -> None:
    LoginFailures.objects.filter(username=_lock_key(username)).delete()


def login_password_check(*, request: HttpRequest, username: str, password: str, ip: str) -> User:
    """The password step: a locked username is refused before the password is looked at; a wrong
    password (or an inactive or service account) counts toward the lockout. The failure count is
    cleared only when the whole sign-in (second factor included) succeeds."""
    login_lock_check(username=username)
    user = authenticate(request, username=username, password=password)
    if not isinstance(user, User) or user.role == Role.SERVICE:
        login_failure_record(username=username, ip=ip, step="password")
        raise DomainError("Sai tên đăng nhập hoặc mật khẩu.", "Wrong username or password.",
                          code="bad_credentials", status=400)
    _require_change_if_like_the_person(user, password)
    return user


def _require_change_if_like_the_person(user: User, password: str) -> None:
    """The password is known only here: one like the person's name (an officer linked after it was set, insider
    review F7) must be changed before the account may use the app (authentication: password_change_required)."""
    from backend.accounts.passwords import password_like_the_person

    if user.password_change_required or not password_like_the_person(password, user):
        return
    user.password_change_required = True
    User.objects.filter(pk=user.pk).update(password_change_required=True)
    audit_record(actor=user, verb="user.password_change_required", obj=user,
                 payload={"why": "password_too_similar", "officer": user.officer_id})


def identity_confirm(*, request: HttpRequest, username: str, password: str, code: str, ip: str) -> tuple[User, str]:
    """Someone proves who they are on another user's device without signing in there (the inspected
    unit's representative confirming the minutes): the same password step and the same second factor
    that signing in asks of this account (`selectors.two_factor_enrolled`/`two_factor_required`, the one
    policy), with the same lockout. Returns the user and the factor given: `totp`, `recovery_code` or
    `none` (the role does not require one and the account has none). Nothing of the session changes."""
    from backend.accounts.selectors import two_factor_enrolled, two_factor_required

    user = login_password_check(request=request, username=username, password=password, ip=ip)
    if two_factor_enrolled(user):
        if not _clean_code(code or ""):
            raise DomainError("Tài khoản này bật xác thực hai lớp: nhập mã 6 chữ số trong ứng dụng xác thực "
                              "(hoặc một mã khôi phục).",
                              "This account uses two-factor sign-in: enter the 6-digit code from the "
                              "authenticator app (or a recovery code).", code="two_factor_required",
                              fields={"code": ["required"]})
        device = two_factor_verify(user=user, code=code, ip=ip)
        kind = "recovery_code" if isinstance(device, StaticDevice) else "totp"
    elif two_factor_required(user):
        raise DomainError("Vai trò của tài khoản này bắt buộc xác thực hai lớp nhưng tài khoản chưa đăng ký thiết "
                          "bị xác thực: không thể xác nhận bằng tài khoản (đăng ký trước, hoặc ký tay).",
                          "This account's role requires two-factor sign-in and it has no authenticator yet: it "
                          "cannot confirm with the account (enrol first, or sign by hand).",
                          code="two_factor_enrolment_required", fields={"username": ["enrolment required"]})
    else:
        kind = "none"
    login_failures_clear(username=user.username)
    return user, kind


def login_complete(*, user: User, ip: str, two_factor: str) -> None:
    """The sign-in succeeded (two_factor: `totp`, `recovery_code` or `none`)."""
    login_failures_clear(username=user.username)
    audit_record(actor=user, verb="auth.login", obj=user, payload={"ip": ip, "two_factor": two_factor})


# --- two-factor sign-in (django-otp: TOTP + static recovery codes) ----------------------------


def _clean_code(code: str) -> str:
    return "".join(ch for ch in code if ch.isalnum()).lower()[:16]


@transaction.atomic
def two_factor_enrol_start(*, user: User) -> TOTPDevice:
    """A new, unconfirmed authenticator for the user (any earlier unconfirmed one is dropped).
    Refused while a confirmed one exists: an administrator resets it first."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise DomainError("Tài khoản đã bật xác thực hai lớp. Muốn đổi thiết bị, nhờ quản trị viên đặt lại.",
                          "Two-factor sign-in is already on. To change the device, ask an administrator "
                          "to reset it.", code="two_factor_enrolled", status=409)
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Ứng dụng xác thực", confirmed=False)


def two_factor_enrol_confirm(*, user: User, code: str, ip: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the pending authenticator with a code from it; returns the device and fresh
    recovery codes (shown once; each works once). A wrong code is throttled by the device."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
        if device is None:
            raise DomainError("Chưa bắt đầu đăng ký thiết bị xác thực.", "No enrolment in progress.",
                              code="no_enrolment", status=409)
        allowed, info = device.verify_is_allowed()
        if not allowed:
            raise _code_throttled((info or {}).get("locked_until"))
        ok = device.verify_token(_clean_code(code))
        if ok:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = _recovery_codes_replace(user=user)
            audit_record(actor=user, verb="auth.2fa_enrol", obj=user,
                         payload={"ip": ip, "recovery_codes": len(codes)})
            account_changed_on_commit(user.pk)
            return device, codes
    raise DomainError("Mã xác thực không đúng. Nhập mã 6 chữ số đang hiện trong ứng dụng.",
                      "Wrong code. Enter the 6-digit code the app shows now.", code="bad_code",
                      fields={"code": ["wrong"]})


def _recovery_codes_replace(*, user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Mã khôi phục", confirmed=True)
    codes: list[str] = []
    while len(codes) < settings.TWO_FACTOR_RECOVERY_CODES:
        token = StaticToken.random_token()
        if token not in codes:
            codes.append(token)
    StaticToken.objects.bulk_create([StaticToken(device=device, token=t) for t in codes])
    return codes


def _code_throttled(until: datetime | None) -> DomainError:
    seconds = max(1, math.ceil((until - timezone.now()).total_seconds())) if until else 1
    return DomainError(f"Nhập sai mã quá nhanh. Vui lòng chờ {seconds} giây rồi thử lại.",
                       f"Too many wrong codes. Wait {seconds} s and try again.",
                       code="code_throttled", status=429)


def two_factor_verify(*, user: User, code: str, ip: str) -> Device:
    """The second step: a code from the authenticator, or an unused recovery code (which is then
    spent). Wrong codes count toward the account lockout and each device's own back-off."""
    login_lock_check(username=user.username)
    token = _clean_code(code)
    waits: list[datetime] = []
    matched: Device | None = None
    with transaction.atomic():
        # a 6-digit code is for the authenticator, anything else a recovery code: a recovery code
        # must not count as a wrong code on the authenticator (and set off its back-off)
        kind: type[Device] = TOTPDevice if token.isdigit() and len(token) == 6 else StaticDevice
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if not isinstance(device, kind):
                continue
            allowed, info = device.verify_is_allowed()
            if not allowed:
                waits.append((info or {}).get("locked_until") or timezone.now())
                continue
            if token and device.verify_token(token):
                matched = device
                break
        if matched is not None and isinstance(matched, StaticDevice):
            left = StaticToken.objects.filter(device=matched).count()
            audit_record(actor=user, verb="auth.2fa_recovery_used", obj=user, payload={"ip": ip, "left": left})
    if matched is not None:
        return matched
    login_failure_record(username=user.username, ip=ip, step="code")
    if waits:
        raise _code_throttled(min(waits))
    raise DomainError("Mã xác thực không đúng.", "Wrong code.", code="bad_code", fields={"code": ["wrong"]})


@transaction.atomic
def two_factor_reset(*, by: Actor, user: User) -> TeamGrant | None:
    """An administrator removes another user's authenticator and recovery codes (a lost phone).
    The user's sessions end; a role that requires two-factor sign-in enrols again at next login.
    For an account with legal powers or secrets (services_grants.reset_needs_grant) it is a request a second
    person approves, returned; the approval also issues an activation code (the password is reset too)."""
    if user.pk == getattr(by, "pk", None):
        raise DomainError("Không thể tự đặt lại xác thực hai lớp của chính mình; nhờ quản trị viên khác.",
                          "You cannot reset your own two-factor sign-in; ask another administrator.",
                          code="own_two_factor", status=400)
    if reset_needs_grant(by=by, user=user):
        assert isinstance(by, User)
        return team_grant_request(by=by, kind=TeamGrant.Kind.TWO_FACTOR, target=user)
    removed = two_factor_remove(user=user)
    audit_record(actor=by, verb="user.2fa_reset", obj=user, payload={"removed": removed})
    return None
