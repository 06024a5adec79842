"""Who may see what. Object-level checks start here."""
from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from backend.accounts.models import ApiToken, Role, TeamGrant, User
from backend.accounts.scope import unit_in_scope, user_unit_ids  # noqa: F401 - the scope rule's owner
from backend.core.errors import DomainError, Forbidden

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from backend.core.actors import Actor
    from backend.org.models import Officer


def require_role(user: Actor | AnonymousUser | None, *roles: str) -> None:
    """A signed-in, active person with one of `roles`; anybody else (nobody, a system actor) is refused."""
    if (user is None or isinstance(user, str) or not user.is_authenticated or not user.is_active
            or user.role not in roles):
        raise Forbidden()


def require_token_kind(auth: Any, kind: str) -> ApiToken:
    if not isinstance(auth, ApiToken) or auth.kind != kind:
        raise Forbidden("Cần mã truy cập thiết bị hợp lệ.", "A valid device token of the right kind is required.")
    return auth


def user_title(user: User | None) -> str:
    """How a person is named to others: the linked officer's rank and name ("Trung tá Đặng Văn Bình"),
    else the account's full name, else the login; "" for nobody."""
    if user is None:
        return ""
    officer = getattr(user, "officer", None)
    if officer is not None:
        return " ".join(p for p in (officer.rank, officer.full_name) if p)
    return user.get_full_name() or user.get_username()


def _person_names(user: User, officer: Officer | None) -> list[str]:
    """The names a person goes by: the account's full name and the linked officer's."""
    return [n for n in (user.get_full_name(), officer.full_name if officer is not None else "") if (n or "").strip()]


def same_person(user_a: Any, user_b: Any) -> bool:
    """The one owner of "is this one person" for every two-person rule (insider review F1): the same account,
    the same linked officer, or linked officers that may be one person (the same service number key, or the
    alike names with the same birth date or one unknown: backend/org/identity.py officers_same_person); and, unless
    both accounts are linked to officers told apart by their birth dates, alike names (names_alike: marks, word
    order, middle names, Telex/VNI, one letter, initials) among the accounts' full names and their officers' names
    (insider review S1-1: an account with no officer was only itself, so a lead approved the creation of an account
    bearing his own name). An administrator's reason that two look-alikes are different people (given when the
    officer or the account was created) does not lift this: a rule meant to need two people does not rest on the
    word of one."""
    from backend.org.identity import names_alike, officers_same_person

    if user_a is None or user_b is None:
        return False
    if user_a.pk is not None and user_a.pk == user_b.pk:
        return True
    officer_a = user_a.officer if getattr(user_a, "officer_id", None) else None
    officer_b = user_b.officer if getattr(user_b, "officer_id", None) else None
    if officers_same_person(officer_a, officer_b):
        return True
    if (officer_a is not None and officer_b is not None and officer_a.date_of_birth is not None
            and officer_b.date_of_birth is not None and officer_a.date_of_birth != officer_b.date_of_birth):
        return False  # two officers born on different days: two people, whatever their names
    return any(names_alike(a, b) for a in _person_names(user_a, officer_a) for b in _person_names(user_b, officer_b))


def same_person_refused(vi: str, en: str) -> DomainError:
    """The refusal of a two-person rule met by one person under two accounts (403 `same_person`)."""
    return DomainError(f"{vi} Hai tài khoản này có thể là của cùng một người (cùng cán bộ, cùng số hiệu, hoặc họ tên "
                       "tài khoản hay cán bộ giống nhau khi bỏ qua dấu, thứ tự các chữ, tên đệm, chữ viết tắt hoặc chỉ "
                       "khác một chữ cái).",
                       f"{en} These accounts may belong to one person (same officer, service number, or an alike "
                       "account or officer name ignoring marks, word order, middle names, initials or one letter).",
                       code="same_person", status=403)


def distinct_persons(users: list[Any]) -> list[Any]:
    """`users` with every later account of a person already listed left out (order kept)."""
    kept: list[Any] = []
    for user in users:
        if not any(same_person(user, other) for other in kept):
            kept.append(user)
    return kept


def officer_card(officer: Any, *, account: Any = None, viewer: Any = None) -> dict[str, Any] | None:
    """The officer in full, for a lead who approves a change that links him to `account` (insider review F3: the card
    showed a name only, and the approving lead could not see it was himself): rank, name, service number, birth
    date, every posting held today, and warnings: linked to another account, looks like another officer (same
    service number key, or alike names and birth date: backend/org/identity.py), is the viewer."""
    from backend.org.identity import officers_like, officers_same_person, officers_with_service_number
    from backend.org.models import Assignment
    from backend.org.selectors import overlaps

    if officer is None:
        return None
    today = timezone.localdate()
    postings = list(Assignment.objects.filter(overlaps(today, today), officer=officer, valid_from__lte=today)
                    .select_related("unit").order_by("valid_from", "id"))
    warnings: list[dict[str, str]] = []
    linked = User.objects.filter(officer=officer)
    if account is not None:
        linked = linked.exclude(pk=account.pk)
    for other in linked:
        warnings.append({"code": "linked_to_other_account",
                         "vi": f"Cán bộ này đã gắn với tài khoản khác: {other.username} ({other.get_role_display()}).",
                         "en": f"This officer is already linked to another account: {other.username} ({other.role})."})
    like = {o.pk: o for o in [*officers_with_service_number(officer.service_number).exclude(pk=officer.pk)[:5],
                              *officers_like(full_name=officer.full_name, date_of_birth=officer.date_of_birth)
                              .exclude(pk=officer.pk)[:5]]}
    accounts = {u.officer_id: u for u in User.objects.filter(officer_id__in=list(like))}
    for other in like.values():
        held = accounts.get(other.pk)
        on = f", tài khoản {held.username} ({held.get_role_display()})" if held else ""
        warnings.append({"code": "lookalike",
                         "vi": f"Có thể là cùng một người với {other.rank} {other.full_name} (số hiệu {other.service_number}"
                               f"{on}): trùng số hiệu, hoặc trùng họ tên (không kể dấu, thứ tự các chữ và tên đệm) và ngày sinh.",
                         "en": f"May be the same person as {other.full_name} ({other.service_number}"
                               f"{f', account {held.username}' if held else ''}): same service number, or name (ignoring marks, "
                               "word order and middle names) and birth date."})
    own = viewer.officer if viewer is not None and getattr(viewer, "officer_id", None) else None
    if own is not None and officers_same_person(own, officer):
        warnings.append({"code": "you", "vi": "Cán bộ này là chính đồng chí (hoặc trùng nhân thân với đồng chí).",
                         "en": "This officer is you (or has your identity)."})
    first = postings[0] if postings else None
    return {"id": officer.pk, "name": str(officer), "full_name": officer.full_name, "rank": officer.rank,
            "service_number": officer.service_number, "date_of_birth": officer.date_of_birth,
            "unit": first.unit.name if first else "", "position": first.position if first else "",
            "postings": [{"unit": a.unit.name, "unit_code": a.unit.code, "position": a.position,
                          "valid_from": a.valid_from} for a in postings],
            "warnings": warnings}


def users_list(*, with_pending: bool = False) -> Any:
    qs = (User.objects.select_related("officer", "scope_unit")
          .annotate(_cw_two_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
          .order_by("username"))
    if with_pending:
        qs = qs.prefetch_related(Prefetch("team_grants", queryset=_pending_grants(), to_attr="_cw_pending"))
    return qs


def _pending_grants() -> Any:
    return TeamGrant.objects.filter(state=TeamGrant.State.PENDING, expires_at__gt=timezone.now()).order_by("id")


def pending_grants_of(user: User) -> Any:
    """The changes to `user` waiting for a lead's approval (two-person rule, services_grants)."""
    return _pending_grants().filter(target=user)


# --- two-factor sign-in: the one owner of "may this session use the API" ---------------------

PENDING_USER = "cw_2fa_user"
PENDING_HASH = "cw_2fa_hash"
PENDING_AT = "cw_2fa_at"


def two_factor_required(user: User) -> bool:
    return getattr(user, "role", None) in set(settings.TWO_FACTOR_REQUIRED_ROLES)


def two_factor_enrolled(user: User) -> bool:
    cached = getattr(user, "_cw_two_factor", None)
    if cached is not None:
        return bool(cached)
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


_UNRESOLVED = object()


def _session_verified(user: User, session: SessionBase) -> bool:
    device: Any = getattr(user, "otp_device", _UNRESOLVED)
    if device is not _UNRESOLVED:  # django_otp's OTPMiddleware resolved it for this request already
        return device is not None and device.user_id == user.pk and bool(device.confirmed)
    persistent_id = session.get(DEVICE_ID_SESSION_KEY)
    if not persistent_id:
        return False
    device = Device.from_persistent_id(persistent_id)
    return device is not None and device.user_id == user.pk and device.confirmed


def two_factor_state(*, user: User, session: SessionBase) -> str:
    """For a signed-in (or half signed-in) user in this session:
    `verified` (a code was given in this session), `code_required` (the user has an authenticator
    and this session has not given a code), `enrolment_required` (the role requires two-factor
    sign-in and the user has no authenticator yet) or `off` (optional, not enrolled)."""
    if _session_verified(user, session):
        return "verified"
    if two_factor_enrolled(user):
        return "code_required"
    if two_factor_required(user):
        return "enrolment_required"
    return "off"


def session_may_use_api(*, user: User, session: SessionBase) -> bool:
    """Everything but the sign-in and enrolment endpoints needs this (HTTP and websockets)."""
    return two_factor_state(user=user, session=session) in ("verified", "off")


def pending_sign_in_user(session: SessionBase) -> User | None:
    """The user who passed the password step in this session and still owes a code or an
    enrolment; None when there is none, it is older than TWO_FACTOR_PENDING_SECONDS, the account
    was deactivated, or its password or session generation changed since."""
    user_id = session.get(PENDING_USER)
    started = session.get(PENDING_AT)
    if not user_id or not isinstance(started, (int, float)):
        return None
    if time.time() - started > settings.TWO_FACTOR_PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=user_id, is_active=True).exclude(role=Role.SERVICE).first()
    if user is None or not constant_time_compare(str(session.get(PENDING_HASH, "")), user.get_session_auth_hash()):
        return None
    return user


# --- hand-over: the inspector's device handed to the inspected unit's representative -------------

HANDOVER_CHECK = "cw_handover_check"


def session_handover(session: SessionBase) -> str | None:
    """The check (uid) whose representative signature this session is limited to while the device is
    handed over; None when the session is not in hand-over. Only views marked `handover_step = True`
    answer such a session, and websockets treat it as anonymous."""
    value = session.get(HANDOVER_CHECK)
    return str(value) if value else None


def password_change_reason(user: User) -> str:
    """Why the account must change its password before going on, from the last event that asked it: its password
    was found like the person's name at sign-in ("like_the_person"), or someone else set it (an administrator's
    reset, an account made with a password: "set_by_another"). The page said "like your name" after every reset
    (reviewer, issue 15). Empty when no change is required."""
    from backend.audit.models import AuditEvent

    if not user.password_change_required:
        return ""
    last = (AuditEvent.objects.filter(object_type=user._meta.label_lower, object_id=str(user.pk),
                                      verb__in=["user.password_change_required", "user.password", "user.create"])
            .order_by("-at", "-pk").values_list("verb", flat=True).first())
    return "like_the_person" if last == "user.password_change_required" else "set_by_another"


def grant_lookalikes(grant: TeamGrant, viewer: Any = None) -> dict[str, Any]:
    """The look-alike accounts and officers found when a request to create or rename an account was asked, and the
    requester's reason that it is another person (TeamGrant.identity), for the approver (insider review S2-4: the
    card did not show them, and the approving lead could not see the new account might be himself). `is_you`: the
    look-alike is the viewer, as a person (same_person; the viewer's linked officer)."""
    from backend.accounts.services_identity import guarded_lookalikes
    from backend.org.identity import officers_same_person
    from backend.org.models import Officer

    identity = grant.identity or {}
    own = viewer.officer if viewer is not None and getattr(viewer, "officer_id", None) else None
    # and, read now for every request, the guarded people (a lead, an administrator...) whose name the account's
    # looks like, whatever the birth dates (insider review S1-1: a role request for an account bearing the lead's
    # name, its officer born on another day, showed the lead nothing)
    target = grant.target
    mine = target.officer if target.officer_id else None
    names = [target.get_full_name(), mine.full_name if mine else "", grant.full_name,
             grant.officer.full_name if grant.officer_id and grant.officer else ""]
    g_accounts, g_officers = guarded_lookalikes(names, account=target,
                                                officer_ids=(target.officer_id, grant.officer_id))
    accounts = User.objects.select_related("officer").filter(
        pk__in=[*(identity.get("lookalike_accounts") or []), *(u.pk for u in g_accounts)])
    officers = Officer.objects.filter(pk__in=[*(identity.get("lookalike_officers") or []),
                                              *(o.pk for o in g_officers if o.pk not in {u.officer_id for u in g_accounts})])
    return {
        "accounts": [{"id": u.pk, "username": u.username, "full_name": u.get_full_name() or u.username,
                      "role": u.role, "is_you": bool(viewer is not None and same_person(viewer, u)),
                      "date_of_birth": u.officer.date_of_birth if u.officer_id and u.officer else None}
                     for u in accounts.order_by("pk")],
        "officers": [{"id": o.pk, "service_number": o.service_number, "full_name": o.full_name, "rank": o.rank,
                      "date_of_birth": o.date_of_birth, "is_you": officers_same_person(own, o)}
                     for o in officers.order_by("pk")],
        "distinct_reason": str(identity.get("distinct_reason") or ""),
    }
