"""One person, one account (issue 15): an account whose full name is a look-alike of an existing account's name or
of an officer's (backend/org/identity.py names_alike: the same name without marks, in any order, a middle name
dropped or added, typed in Telex/VNI, or one letter off) names them and is created only when it is linked to a
distinct officer (not the same person as the look-alike's: officers_same_person) or when the administrator says
in words why it is a different person; the reason is audited with the look-alikes, as for officers
(backend/org/services_officers.py `_check_identity`)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from backend.core.errors import Conflict
from backend.org.identity import names_alike, officer_label, officers_like, officers_same_person
from backend.org.models import Officer

if TYPE_CHECKING:
    from backend.accounts.models import User

DISTINCT_REASON_WORDS, DISTINCT_REASON_LETTERS = 3, 12  # as for an officer: "Hai cán bộ khác nhau, cùng tên"


def _account_label(user: User) -> str:
    linked = f", cán bộ {officer_label(user.officer)}" if user.officer_id else ""
    return f"tài khoản {user.username} ({user.get_full_name()}, {user.get_role_display()}{linked})"


def guarded_lookalikes(names: list[str], *, account: Any = None,
                       officer_ids: tuple[int | None, ...] = ()) -> tuple[list[Any], list[Officer]]:
    """The guarded people whose name looks like one of `names`, whatever the birth dates (insider review S1-1: an
    officer born on another day bearing a lead's very name was another person, asked nothing and shown nobody):
    the accounts that hold, or held within TEAM_RECENT, a role with legal powers or secrets (services_grants
    .guarded_accounts) whose full name or linked officer's name is alike, and those linked officers. Less
    `account` and the officers `officer_ids` (the person asked about)."""
    from backend.accounts.services_grants import guarded_accounts

    names = [n for n in names if (n or "").strip()]
    if not names:
        return [], []
    guarded = guarded_accounts().select_related("officer").order_by("pk")
    if account is not None and account.pk is not None:
        guarded = guarded.exclude(pk=account.pk)
    accounts = [u for u in guarded
                if any(names_alike(name, theirs) for name in names
                       for theirs in (u.get_full_name(), u.officer.full_name if u.officer else "") if theirs.strip())]
    officers = [u.officer for u in accounts if u.officer is not None and u.officer_id not in officer_ids]
    return accounts, officers


def _lookalikes(full_name: str, officer: Officer | None, account: Any = None) -> tuple[list[Any], list[Officer]]:
    """The accounts and officers the new account's name looks like, less those a linked officer tells apart (and
    less `account` itself, when it is renamed); a guarded person's look-alike is never told apart by a linked
    officer's birth date (`guarded_lookalikes`)."""
    from backend.accounts.models import Role, User

    others = User.objects.exclude(role=Role.SERVICE)
    if account is not None:
        others = others.exclude(pk=account.pk)
    accounts = [u for u in others.select_related("officer").order_by("pk")
                if names_alike(full_name, u.get_full_name())
                or (u.officer is not None and names_alike(full_name, u.officer.full_name))]
    officers = list(officers_like(full_name=full_name, date_of_birth=officer.date_of_birth if officer else None)
                    .order_by("pk")[:20])
    if officer is not None:  # a linked officer is the person: another officer of an alike name is another person
        officers = [o for o in officers if o.pk != officer.pk and officers_same_person(officer, o)]
        accounts = [u for u in accounts if u.officer is None or officers_same_person(officer, u.officer)]
    own = (officer.pk if officer else None, getattr(account, "officer_id", None))
    g_accounts, g_officers = guarded_lookalikes([full_name], account=account, officer_ids=own)
    accounts = [*accounts, *(u for u in g_accounts if u.pk not in {a.pk for a in accounts})]
    officers = [*officers, *(o for o in g_officers if o.pk not in {x.pk for x in officers})]
    with_account = {u.officer_id for u in accounts}
    return accounts[:5], [o for o in officers if o.pk not in with_account][:5]


def _born(officer: Officer | None) -> str | None:
    return officer.date_of_birth.isoformat() if officer is not None and officer.date_of_birth else None


def check_account_identity(*, full_name: str, officer: Officer | None, distinct_reason: str,
                           account: Any = None) -> dict[str, Any]:
    """Refuse (409 `account_lookalike`, naming them) an account whose name looks like an existing account's or an
    officer's, unless `distinct_reason` says in words that it is another person. Returns what the audit records
    (the look-alikes and the reason), {} when there is none. `account`: the account being renamed (insider review
    S1-4: a rename skipped this check), not a look-alike of itself."""
    if not (full_name or "").strip():
        return {}
    accounts, officers = _lookalikes(full_name, officer, account)
    if not accounts and not officers:
        return {}
    if not (distinct_reason or "").strip():
        shown = "; ".join([*(_account_label(u) for u in accounts), *(f"cán bộ {officer_label(o)}" for o in officers)])
        shown_en = "; ".join([*(f"account {u.username} ({u.get_full_name()}, {u.role}"
                                f"{', born ' + (_born(u.officer) or '?') if u.officer_id else ''})" for u in accounts),
                              *(f"officer {o.full_name} ({o.service_number}, #{o.pk}, born {_born(o) or '?'})"
                                for o in officers)])
        raise Conflict(
            f"Có thể đây là một người đã có tài khoản hoặc hồ sơ cán bộ (họ tên giống nhau khi bỏ qua dấu, thứ tự "
            f"các chữ, tên đệm, cách gõ Telex/VNI hoặc chỉ khác một chữ cái): {shown}. Một người chỉ có một tài "
            "khoản. Nếu đây là hai người khác nhau, hãy gắn tài khoản với hồ sơ cán bộ của người này hoặc ghi rõ lý "
            "do đây là hai người khác nhau; lý do được ghi vào nhật ký.",
            f"This may be a person who already has an account or an officer record (an alike name ignoring marks, "
            f"word order, middle names, Telex/VNI typing or one letter): {shown_en}. One person has one account. If "
            "these are two different people, link the account to this person's officer record or say why they are "
            "different; the reason is audited.",
            code="account_lookalike", fields={"distinct_reason": ["required"]},
            detail={"accounts": [{"id": u.pk, "username": u.username, "full_name": u.get_full_name(),
                                  "date_of_birth": _born(u.officer if u.officer_id else None)} for u in accounts],
                    "officers": [{"id": o.pk, "service_number": o.service_number, "full_name": o.full_name,
                                  "date_of_birth": _born(o)} for o in officers],
                    "date_of_birth": _born(officer)})
    from inspection.services_common import require_worded_reason

    reason = require_worded_reason(distinct_reason, "distinct_reason", "lý do đây là hai người khác nhau",
                                   words=DISTINCT_REASON_WORDS, letters=DISTINCT_REASON_LETTERS)
    return {"lookalike_accounts": [u.pk for u in accounts], "lookalike_officers": [o.pk for o in officers],
            "distinct_reason": reason}
