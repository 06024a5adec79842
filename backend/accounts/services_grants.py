"""The two-person rule for accounts with legal powers or secrets (insider review, issue 15; F-D).

An administrator runs the accounts, but the inspection team's secrecy (planned checks, draft findings)
must not rest on the administrator alone: one who could give an account the inspector or lead role, or
reset a lead's password or two-factor sign-in, could read everything the team keeps secret. So these
changes, asked by a person, are only requests (`TeamGrant`) until an inspection lead other than the
requester and other than the target approves them:

- giving an inspection-team role (`role`), creating a team member (`create`: the account stays inactive),
  re-activating one (`activate`),
- resetting a team member's password (`password`) or two-factor sign-in (`two_factor`),
- setting, changing or clearing a team member's officer link (`officer`: the conflict-of-interest rule
  reads it).

The administrator never knows a team account's credentials: no password is accepted for a team account
(create, reset), and every approved grant that gives or restores team powers resets the credentials and
gives the approving lead a one-time activation code for the person (services_activation). Taking a team
role away applies at once (it removes power), but for TEAM_RECENT (90 days) after, the account is still
treated as a team member for password and two-factor resets, and the approval card lists its account
changes since (`recent_account_changes`), so a demote-reset-re-promote is seen by the approving lead.

The same rule holds for every account with legal powers or secrets (GUARDED_ROLES: also administrators,
disciplinary officers and unit heads; F-D: an administrator reset another's two-factor sign-in and password,
signed in as him and enrolled his own authenticator): giving such a role, creating or re-activating such an
account, changing its officer link and resetting its password or two-factor sign-in are requests, and the
approval issues a one-time activation code instead of a password the administrator chose. The account stays
guarded for TEAM_RECENT after it leaves such a role (`guarded_role_left_at`), so demote-reset-re-promote
does not get round it.

Who decides (`approver_roles`, the one owner): a request that touches the inspection team (a team role, or a
team member now or within TEAM_RECENT) is decided by an inspection lead only, as before: the team's secrets do
not rest on administrators. Any other request (an administrator's, a disciplinary officer's or a unit head's
account) is decided by another administrator or an inspection lead: a second person who runs accounts, or one
outside the administrators' chain, so a force with a single administrator can still reset one. Never by the
requester, the target or the officer linked (as persons: `grant_party`).

A request expires after TEAM_GRANT_EXPIRY (72 h). Every step (request, approval, refusal, expiry) is an
audit event, and the change itself is audited as the approver's when it applies. Nobody gives themselves
a team role. System actors (the seed, tests, `manage.py`) act directly: the server's operator bootstraps
the first lead with `manage.py team_grant_approve` when no eligible lead exists (README, Security).
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from backend.accounts.models import GUARDED_ROLES, INSPECTION_TEAM, Role, TeamGrant, User
from backend.accounts.selectors import same_person, same_person_refused
from backend.accounts.services_activation import credentials_reset
from backend.audit.services import audit_record
from backend.core.actors import Actor, SystemActor, actor_label
from backend.core.errors import Conflict, DomainError, Forbidden, NotFound
from backend.core.events import account_changed_on_commit

TEAM_GRANT_EXPIRY = timedelta(hours=72)
TEAM_RECENT = timedelta(days=90)
# approved, these give or restore team powers: the credentials are reset and an activation code issued
_CREDENTIAL_RESET = {TeamGrant.Kind.CREATE, TeamGrant.Kind.ROLE, TeamGrant.Kind.ACTIVATE, TeamGrant.Kind.PASSWORD,
                     TeamGrant.Kind.TWO_FACTOR}
_OPENING = {TeamGrant.Kind.CREATE, TeamGrant.Kind.ACTIVATE}  # both open the account: one request at a time
# a refusal is a decision with a reason a person reads: the same words rule as a liability decision
REFUSAL_REASON_WORDS, REFUSAL_REASON_LETTERS = 2, 6


def grant_needed(*, by: Actor, role: str) -> bool:
    """Whether a change by `by` that gives (or keeps) `role` must wait for a second person's approval: a
    person acting on a role with legal powers or secrets (GUARDED_ROLES). System actors act directly."""
    return isinstance(by, User) and role in GUARDED_ROLES


def _recent(at: Any) -> bool:
    return at is not None and at > timezone.now() - TEAM_RECENT


def team_member_recently(user: User) -> bool:
    """Holds a team role, or held one within TEAM_RECENT (then demoted): treated as a team member."""
    return user.role in INSPECTION_TEAM or _recent(user.team_role_left_at)


def guarded_recently(user: User) -> bool:
    """Holds a role with legal powers or secrets, or held one within TEAM_RECENT (then demoted)."""
    return user.role in GUARDED_ROLES or _recent(user.guarded_role_left_at) or team_member_recently(user)


def guarded_accounts() -> QuerySet[User]:
    """`guarded_recently` as a query: the accounts that hold a role with legal powers or secrets, or held one (or a
    team role) within TEAM_RECENT."""
    since = timezone.now() - TEAM_RECENT
    return User.objects.filter(Q(role__in=list(GUARDED_ROLES)) | Q(guarded_role_left_at__gt=since)
                               | Q(team_role_left_at__gt=since))


def reset_needs_grant(*, by: Actor, user: User) -> bool:
    """A person resetting another's password or two-factor sign-in, and the account holds (or within
    TEAM_RECENT held) a role with legal powers or secrets: a request, with an activation code on approval."""
    return isinstance(by, User) and user.pk != by.pk and guarded_recently(user)


def touches_team(*, target: User, role: str = "") -> bool:
    """A request about a team role or a team member (now or within TEAM_RECENT): only a lead decides it."""
    return role in INSPECTION_TEAM or team_member_recently(target)


def approver_roles(grant: TeamGrant) -> tuple[str, ...]:
    """Who may decide `grant` (the one owner; besides: not a party to it, grant_party). Read again at the
    decision: a target that became a team member since the request is decided by a lead."""
    if grant.team or touches_team(target=grant.target, role=grant.role):
        return (Role.INSPECTION_LEAD,)
    return (Role.INSPECTION_LEAD, Role.ADMIN)


def _admin_decidable() -> Q:
    """approver_roles as a query: the requests an administrator may decide (not the team's)."""
    return (Q(team=False) & ~Q(role__in=list(INSPECTION_TEAM)) & ~Q(target__role__in=list(INSPECTION_TEAM))
            & ~Q(target__team_role_left_at__gt=timezone.now() - TEAM_RECENT))


def team_password_refused() -> DomainError:
    return DomainError(
        "Không đặt mật khẩu cho tài khoản có thẩm quyền hoặc được biết bí mật (tổ kiểm tra, cán bộ kỷ luật, thủ "
        "trưởng đơn vị, quản trị viên): mật khẩu bị từ chối. Khi người thứ hai phê duyệt, người đó nhận mã kích hoạt "
        "dùng một lần để trao cho người dùng; người dùng tự đặt mật khẩu ở trang Kích hoạt tài khoản.",
        "No password is set for an account with legal powers or secrets (inspection team, disciplinary officer, "
        "unit head, administrator): the password is refused. When a second person approves, they receive a "
        "one-time activation code for the person, who sets their own password on the account activation page.",
        code="team_password_refused", fields={"password": ["not accepted for accounts with legal powers"]})


def own_team_role_refused() -> DomainError:
    return DomainError("Không thể tự giao cho chính mình vai trò có thẩm quyền (tổ kiểm tra, kỷ luật, thủ trưởng, "
                       "quản trị).",
                       "You cannot give yourself a role with legal powers (inspection team, disciplinary, unit head, "
                       "administrator).", code="own_team_role", status=403)


def require_officer_for_team(role: str, officer_id: int | None) -> None:
    """The inspection team is made of officers (its conflict-of-interest rule, its signatures): a team role is
    given only to an account linked to an officer (reviewer, issue 15, S2)."""
    if role in INSPECTION_TEAM and officer_id is None:
        raise DomainError("Tổ kiểm tra gồm các cán bộ: chỉ giao vai trò kiểm tra viên hoặc tổ trưởng cho tài khoản đã "
                          "gắn với một cán bộ. Hãy gắn cán bộ cho tài khoản trước.",
                          "The inspection team is made of officers: an inspector or lead role is given only to an "
                          "account linked to an officer. Link the account to its officer first.",
                          code="team_needs_officer", fields={"officer_id": ["required"]})


def require_a_lead_left(user: User) -> None:
    """The two-person approvals need an inspection lead: the last active lead is not demoted nor deactivated
    (an admin demoted every lead at once: reviewer, issue 15, S2). The active leads are locked, in order, so two
    demotions at once cannot both pass."""
    leads = list(User.objects.select_for_update().filter(role=Role.INSPECTION_LEAD, is_active=True)
                 .order_by("pk").values_list("pk", flat=True))
    if not [pk for pk in leads if pk != user.pk]:
        raise Conflict("Đây là tổ trưởng tổ kiểm tra cuối cùng còn hoạt động: các phê duyệt hai người cần một tổ "
                       "trưởng. Hãy giao vai trò tổ trưởng cho một người khác (và chờ phê duyệt) trước khi hạ quyền "
                       "hoặc khóa tài khoản này.",
                       "This is the last active inspection lead: the two-person approvals need a lead. Give the lead "
                       "role to someone else (and have it approved) before demoting or deactivating this account.",
                       code="last_lead")


def approval_required(what_vi: str, what_en: str) -> DomainError:
    return DomainError(f"{what_vi} cần một người thứ hai phê duyệt (hai người).",
                       f"{what_en} needs a second person's approval (two-person rule).",
                       code="approval_required", status=403)


def team_grant_request(*, by: User, kind: str, target: User, role: str = "", officer: Any = None,
                       scope_unit: Any = None, full_name: str = "", identity: dict[str, Any] | None = None) -> TeamGrant:
    """Record a pending request (call inside the caller's transaction). `identity`: the look-alikes found and the
    reason given (services_identity.check_account_identity), shown on the approval card."""
    if same_person(target, by) and kind in (TeamGrant.Kind.ROLE, TeamGrant.Kind.ACTIVATE, TeamGrant.Kind.CREATE):
        raise own_team_role_refused()
    same = {kind} | ({TeamGrant.Kind.CREATE, TeamGrant.Kind.ACTIVATE} if kind in _OPENING else set())
    if TeamGrant.objects.filter(target=target, kind__in=same, state=TeamGrant.State.PENDING,
                                expires_at__gt=timezone.now()).exists():
        raise Conflict("Đã có một yêu cầu cùng loại cho tài khoản này đang chờ phê duyệt.",
                       "A request of this kind for this account is already waiting for approval.",
                       code="grant_pending")
    team_grants_expire()
    now = timezone.now()
    grant = TeamGrant.objects.create(kind=kind, target=target, role=role, officer=officer, scope_unit=scope_unit,
                                     full_name=full_name, identity=identity or {},
                                     team=touches_team(target=target, role=role),
                                     requested_by=by, requested_label=actor_label(by), requested_at=now,
                                     expires_at=now + TEAM_GRANT_EXPIRY)
    audit_record(actor=by, verb="team_grant.request", obj=grant,
                 payload={"kind": kind, "target": target.pk, "username": target.username, "role": role,
                          "approvers": list(approver_roles(grant)),
                          **({"officer": officer.pk if officer else None} if kind == TeamGrant.Kind.OFFICER else {}),
                          **({"scope_unit": scope_unit.pk if scope_unit else None}
                             if kind == TeamGrant.Kind.SCOPE else {}),
                          **({"full_name": full_name} if kind == TeamGrant.Kind.NAME else {}),
                          "expires_at": grant.expires_at.isoformat()})
    return grant


@transaction.atomic
def team_grants_expire() -> int:
    """Mark the pending requests past their time as expired (each audited). Returns how many."""
    now = timezone.now()
    expired = 0
    for grant in TeamGrant.objects.select_for_update().filter(state=TeamGrant.State.PENDING, expires_at__lte=now):
        grant.state, grant.decided_at = TeamGrant.State.EXPIRED, now
        grant.decided_label = "expiry"
        grant.save(update_fields=["state", "decided_at", "decided_label"])
        audit_record(actor=SystemActor("team_grant expiry"), verb="team_grant.expire", obj=grant,
                     payload={"kind": grant.kind, "target": grant.target_id})
        expired += 1
    return expired


def team_grants_for(user: User) -> QuerySet[TeamGrant]:
    """Leads see every request (they approve); an administrator sees the requests they asked and the ones
    an administrator decides (approver_roles: not the team's)."""
    qs = TeamGrant.objects.select_related("target__officer", "requested_by__officer", "decided_by__officer", "officer",
                                          "scope_unit")
    if user.has_role(Role.INSPECTION_LEAD):
        return qs
    if user.has_role(Role.ADMIN):
        return qs.filter(Q(requested_by=user) | _admin_decidable())
    raise Forbidden()


def grant_party(user: User, grant: TeamGrant) -> bool:
    """Whether `user` is, as a person, a party to `grant`: its requester, its target, or the officer it links
    (backend.accounts.selectors.same_person: another account of the same person is the same party, F1), or, for a
    rename, the person whose name the account is to take."""
    from backend.org.identity import names_alike, officers_same_person

    if same_person(user, grant.requested_by) or same_person(user, grant.target):
        return True
    own = user.officer if getattr(user, "officer_id", None) else None
    if grant.kind == TeamGrant.Kind.NAME and any(  # the name asked for is the approver's (insider review S1-4)
            names_alike(grant.full_name, name) for name in (user.get_full_name(), own.full_name if own else "")):
        return True
    return grant.kind == TeamGrant.Kind.OFFICER and officers_same_person(own, grant.officer)


def may_decide(user: User | None, grant: TeamGrant) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False)
                and user.has_role(*approver_roles(grant)) and grant.state == TeamGrant.State.PENDING
                and not grant_party(user, grant))


def pending_for_lead(user: User) -> QuerySet[TeamGrant]:
    """The requests this lead (or administrator: approver_roles) may decide: pending, in time, neither asked by
    them nor about them (as a person)."""
    qs = (TeamGrant.objects.filter(state=TeamGrant.State.PENDING, expires_at__gt=timezone.now())
          .exclude(Q(requested_by=user) | Q(target=user)))
    if not user.has_role(Role.INSPECTION_LEAD):
        qs = qs.filter(_admin_decidable()) if user.has_role(Role.ADMIN) else qs.none()
    parties = qs.select_related("requested_by__officer", "target__officer", "officer")
    return qs.filter(pk__in=[g.pk for g in parties if not grant_party(user, g)])


def _decidable(*, by: Actor, grant_id: int) -> TeamGrant:
    team_grants_expire()
    grant = (TeamGrant.objects.select_for_update(of=("self",))
             .select_related("target__officer", "requested_by__officer", "officer")
             .filter(pk=grant_id).first())
    if grant is None:
        raise NotFound("Không tìm thấy yêu cầu.", "Request not found.")
    if isinstance(by, User):
        if not by.has_role(*approver_roles(grant)):
            if approver_roles(grant) == (Role.INSPECTION_LEAD,):
                raise Forbidden("Chỉ tổ trưởng tổ kiểm tra mới phê duyệt hoặc từ chối yêu cầu này.",
                                "Only an inspection lead approves or refuses this request.")
            raise Forbidden("Chỉ một quản trị viên khác hoặc tổ trưởng tổ kiểm tra mới phê duyệt hoặc từ chối yêu cầu này.",
                            "Only another administrator or an inspection lead approves or refuses this request.")
        if grant_party(by, grant):
            raise same_person_refused(
                "Người phê duyệt phải là người thứ hai: khác người yêu cầu, khác người được giao và khác cán bộ được gắn.",
                "The approver must be a second person: other than the requester, the target and the officer linked.")
    if grant.state != TeamGrant.State.PENDING:
        raise Conflict("Yêu cầu này đã được xử lý hoặc đã hết hạn.", "This request was already decided or expired.",
                       code="grant_decided")
    return grant


def two_factor_remove(*, user: User) -> int:
    """Remove the user's authenticator and recovery codes and end their sessions; returns how many devices."""
    removed = TOTPDevice.objects.filter(user=user).delete()[0] + StaticDevice.objects.filter(user=user).delete()[0]
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    account_changed_on_commit(user.pk)
    return removed


def sessions_end_for_officer_change(*, by: Actor, user: User, before: int | None, after: int | None) -> None:
    """The account's linked officer changed: its open sessions end, so that the next sign-in checks the password
    against the new officer's name (insider review F-F: a session open when the officer was linked kept working
    with no re-check); audited as `user.sessions_end`."""
    if before == after:
        return
    user.session_generation += 1
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    audit_record(actor=by, verb="user.sessions_end", obj=user,
                 payload={"why": "officer_changed", "officer": [before, after]})
    account_changed_on_commit(user.pk)


def sessions_end_for_officer_rename(*, by: Actor, officer_id: int, names: list[str]) -> None:
    """The linked officer's name changed: the accounts linked to it end their open sessions, as when the link
    changes, so the next sign-in checks the password against the new name (insider re-check S1); audited as
    `user.sessions_end`."""
    for user in User.objects.filter(officer_id=officer_id):
        User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
        audit_record(actor=by, verb="user.sessions_end", obj=user,
                     payload={"why": "officer_renamed", "officer": officer_id, "full_name": names})
        account_changed_on_commit(user.pk)


def _apply(*, by: Actor, grant: TeamGrant) -> tuple[str, Any]:
    """Apply the change; returns the one-time activation code and its expiry when the credentials were reset."""
    user = User.objects.select_for_update().get(pk=grant.target_id)
    meta = {"grant": grant.pk, "requested_by": grant.requested_label}
    if grant.kind in (TeamGrant.Kind.CREATE, TeamGrant.Kind.ACTIVATE):
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit_record(actor=by, verb="user.update", obj=user, payload={"is_active": [False, True], **meta})
    elif grant.kind == TeamGrant.Kind.ROLE:
        if grant.role == Role.UNIT_HEAD and user.scope_unit_id is None:  # its scope was removed while it waited
            raise DomainError("Thủ trưởng đơn vị phải gắn với một đơn vị: gắn đơn vị cho tài khoản rồi yêu cầu lại.",
                              "A unit head needs a scope unit: set the account's unit, then ask again.",
                              code="scope_required", status=409)
        require_officer_for_team(grant.role, user.officer_id)  # its officer was unlinked while it waited
        before, user.role = user.role, grant.role
        user.save(update_fields=["role"])
        audit_record(actor=by, verb="user.update", obj=user, payload={"role": [before, grant.role], **meta})
    elif grant.kind == TeamGrant.Kind.PASSWORD:
        audit_record(actor=by, verb="user.password", obj=user, payload={"self": False, **meta})
    elif grant.kind == TeamGrant.Kind.TWO_FACTOR:
        audit_record(actor=by, verb="user.2fa_reset", obj=user, payload=meta)
    elif grant.kind in (TeamGrant.Kind.SCOPE, TeamGrant.Kind.NAME):
        _apply_scope_or_name(by=by, user=user, grant=grant, meta=meta)
    else:
        linked, user.officer = user.officer_id, grant.officer
        user.save(update_fields=["officer"])  # the one-to-one link: checked when requested and again here
        audit_record(actor=by, verb="user.update", obj=user, payload={"officer": [linked, grant.officer_id], **meta})
        sessions_end_for_officer_change(by=by, user=user, before=linked, after=grant.officer_id)
    code, expires = "", None
    if grant.kind in _CREDENTIAL_RESET:
        code, activation = credentials_reset(by=by, user=user, grant=grant)
        expires = activation.expires_at
    account_changed_on_commit(user.pk)
    grant.target = user  # the answer shows the account as it is now (issue 15, S3: it showed the old role)
    return code, expires


def require_unit_scope(role: str, scope_unit: Any) -> None:
    """A unit head sees one unit's subtree: a unit, not the whole province (insider review S1-3: an administrator
    widened a unit head's scope to the province and he saw every commune's checks)."""
    from backend.org.models import Unit

    if role != Role.UNIT_HEAD:
        return
    if scope_unit is None:
        raise DomainError("Thủ trưởng đơn vị phải gắn với một đơn vị.", "A unit head needs a scope unit.",
                          code="scope_required", fields={"scope_unit_id": ["required"]})
    if scope_unit.level == Unit.Level.PROVINCE:
        raise DomainError("Phạm vi của thủ trưởng đơn vị là đơn vị của mình, không phải toàn tỉnh: chọn một phòng, "
                          "công an huyện hoặc công an xã.",
                          "A unit head's scope is their own unit, not the whole province: choose a department, "
                          "district or commune.", code="scope_province", fields={"scope_unit_id": ["province"]})


def _apply_scope_or_name(*, by: Actor, user: User, grant: TeamGrant, meta: dict[str, Any]) -> None:
    if grant.kind == TeamGrant.Kind.SCOPE:
        require_unit_scope(user.role, grant.scope_unit)  # its role may have changed while it waited
        before, user.scope_unit = user.scope_unit_id, grant.scope_unit
        user.save(update_fields=["scope_unit"])
        audit_record(actor=by, verb="user.update", obj=user,
                     payload={"scope_unit": [before, grant.scope_unit_id], **meta})
        return
    before_name = user.get_full_name()
    first, _, last = grant.full_name.strip().rpartition(" ")
    user.first_name, user.last_name = first[:150], last[:150]
    user.save(update_fields=["first_name", "last_name"])
    audit_record(actor=by, verb="user.update", obj=user,
                 payload={"full_name": [before_name, user.get_full_name()], **meta, **grant.identity})


@transaction.atomic
def team_grant_approve(*, by: Actor, grant_id: int, reason: str = "") -> TeamGrant:
    """A lead (other than the requester and the target) approves: the change applies now. When it gives or
    restores team powers, `grant.activation_code` holds the one-time code (shown once to this lead)."""
    grant = _decidable(by=by, grant_id=grant_id)
    if not isinstance(by, User) and eligible_leads(grant):
        raise Conflict("Đã có người có thể phê duyệt yêu cầu này (tổ trưởng hoặc quản trị viên khác): phê duyệt trên "
                       "ứng dụng.", "A person who may approve this request exists (a lead or another administrator): "
                       "approve it in the app.", code="lead_exists")
    if grant.kind == TeamGrant.Kind.OFFICER and grant.officer_id and User.objects.filter(
            officer_id=grant.officer_id).exclude(pk=grant.target_id).exists():
        raise Conflict("Cán bộ này đã gắn với một tài khoản khác.", "This officer is already linked to another account.",
                       code="duplicate")
    if reason.strip():  # optional, but when given a reason, as the refusal's: "xin chào" is not one (insider S2-2)
        from inspection.services_common import require_worded_reason

        reason = require_worded_reason(reason, "reason", "lý do phê duyệt", words=REFUSAL_REASON_WORDS,
                                       letters=REFUSAL_REASON_LETTERS)
    grant.activation_code, grant.activation_expires_at = _apply(by=by, grant=grant)
    grant.state, grant.decided_at, grant.reason = TeamGrant.State.APPROVED, timezone.now(), reason.strip()
    grant.decided_by, grant.decided_label = (by if isinstance(by, User) else None), actor_label(by)
    grant.save()
    audit_record(actor=by, verb="team_grant.approve", obj=grant,
                 payload={"kind": grant.kind, "target": grant.target_id, "reason": grant.reason})
    return grant


@transaction.atomic
def team_grant_refuse(*, by: Actor, grant_id: int, reason: str) -> TeamGrant:
    """A lead refuses, saying why: nothing of the request applies."""
    grant = _decidable(by=by, grant_id=grant_id)  # who may decide first: others learn nothing of the input rules
    # the one reason rule (inspection.services_common.require_worded_reason), as every decision's reason: "....."
    # or "asdfg" refused a grant (reviewer, issue 15, S2)
    from inspection.services_common import require_worded_reason

    reason = require_worded_reason(reason, "reason", "lý do từ chối", words=REFUSAL_REASON_WORDS,
                                   letters=REFUSAL_REASON_LETTERS)
    grant.state, grant.decided_at, grant.reason = TeamGrant.State.REFUSED, timezone.now(), reason
    grant.decided_by, grant.decided_label = (by if isinstance(by, User) else None), actor_label(by)
    grant.save()
    audit_record(actor=by, verb="team_grant.refuse", obj=grant,
                 payload={"kind": grant.kind, "target": grant.target_id, "reason": reason})
    return grant


def eligible_leads(grant: TeamGrant) -> list[User]:
    """Active people who may decide `grant` (approver_roles: leads, and for a request outside the team other
    administrators; neither its requester nor its target nor its officer, as persons)."""
    leads = (User.objects.filter(role__in=approver_roles(grant), is_active=True).select_related("officer")
             .exclude(pk__in=[pk for pk in (grant.requested_by_id, grant.target_id) if pk]))
    return [lead for lead in leads if not grant_party(lead, grant)]


_CHANGE_VERBS = ("user.update", "user.password", "user.2fa_reset", "user.activation_issue", "user.activate")


def recent_account_changes(grant: TeamGrant) -> list[dict[str, Any]]:
    """The target's account changes the approving lead must see: role changes, credential resets and
    officer-link changes, with who and when, since the account last held a team role (at most TEAM_RECENT
    back; for a current team member, the last TEAM_RECENT)."""
    from backend.audit.models import AuditEvent

    target = grant.target
    since = timezone.now() - TEAM_RECENT
    left = target.team_role_left_at if approver_roles(grant) == (Role.INSPECTION_LEAD,) else target.guarded_role_left_at
    if left is not None and left > since:
        since = left - timedelta(seconds=1)  # the demotion itself is listed
    rows = list(AuditEvent.objects.filter(object_type="accounts.user", object_id=str(target.pk), verb__in=_CHANGE_VERBS,
                                      at__gte=since, at__lte=grant.decided_at or timezone.now())
            .order_by("at", "id").values("at", "actor_id", "actor_label", "verb", "payload"))
    actors = User.objects.in_bulk({row["actor_id"] for row in rows if row["actor_id"] is not None})
    changes: list[dict[str, Any]] = []
    for row in rows:
        payload = row["payload"] or {}
        if row["verb"] == "user.update":
            picked = {k: payload[k] for k in ("role", "officer", "is_active") if k in payload}
            if not picked:
                continue
        else:
            picked = {}
        if "officer" in picked:
            picked["officer"] = _officer_names(picked["officer"])
        who = grant_person(actors.get(row["actor_id"]) if row["actor_id"] is not None else None, row["actor_label"])
        changes.append({"at": row["at"], "by": who["name"], "by_username": who["username"], "verb": row["verb"],
                        "change": picked})
    return changes[-20:]


def _officer_names(change: Any) -> Any:
    """An officer-link change (officer ids before and after) as the officers' names."""
    from backend.org.models import Officer

    if not isinstance(change, (list, tuple)):
        return change
    officers = Officer.objects.in_bulk([pk for pk in change if isinstance(pk, int)])
    return [str(officers[pk]) if isinstance(pk, int) and pk in officers else pk for pk in change]


# what decided a request when no person did (decided_label of team_grants_expire, the server command)
_SYSTEM_WORDS = {"expiry": "Tự động hết hạn (không ai quyết định)", "team_grant expiry": "Tự động hết hạn"}


def grant_person(user: User | None, label: str) -> dict[str, str]:
    """Who asked or decided, as people read it: the full name (the linked officer's, else the login), the
    username beside it; the system in words (user review, ui15: the history listed usernames)."""
    if user is not None:
        officer = user.officer if user.officer_id else None
        name = user.get_full_name() or (officer.full_name if officer else "") or user.get_username()
        return {"name": name, "username": user.get_username()}
    if label in _SYSTEM_WORDS:
        return {"name": _SYSTEM_WORDS[label], "username": ""}
    if label.startswith("manage.py team_grant_approve"):
        return {"name": f"Quản trị máy chủ ({label})", "username": ""}
    return {"name": label or "—", "username": ""}
