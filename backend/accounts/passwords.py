"""Why a password is refused, in Vietnamese first and English second (issue 15, insider review S3).

Every place a password is set (account creation, the user's own change, an administrator's reset,
activation with a one-time code on /activate) checks it through `password_problems`. Django's validators
(AUTH_PASSWORD_VALIDATORS) decide; their reasons are written here by error code, because Django's
Vietnamese catalogue lacks some of them (the minimum length came out in English) and words them its own way."""
from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from django.contrib.auth.password_validation import UserAttributeSimilarityValidator, validate_password
from django.core.exceptions import ValidationError
from django.utils import translation

from backend.core.keyboard import BRACKETS, typed_forms
from backend.core.text import fold

if TYPE_CHECKING:
    from backend.accounts.models import User

# by Django's error code: (Vietnamese, English); {min_length} from the validator's parameters
REASONS: dict[str, tuple[str, str]] = {
    "password_too_short": ("Mật khẩu quá ngắn: cần ít nhất {min_length} ký tự.",
                           "The password is too short: it needs at least {min_length} characters."),
    "password_too_common": ("Mật khẩu này quá phổ biến, dễ bị đoán.", "The password is too common."),
    "password_entirely_numeric": ("Mật khẩu không được chỉ gồm chữ số.", "The password is entirely numeric."),
    "password_too_similar": ("Mật khẩu quá giống thông tin của tài khoản (tên đăng nhập, họ tên hoặc thư điện tử).",
                             "The password is too similar to the account's username, name or email."),
}


MIN_CONTAINED = 4  # a username, name or mailbox this long found inside the password makes it "like" them
MIN_NAME_PART = 3  # one part of the name ("Văn", "Mai", "Nguyễn") found inside the password, as well
LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "@": "a", "$": "s",
                      "!": "i", "|": "l", "9": "g"})


LEET_ONE_AS_L = str.maketrans({**{chr(k): v for k, v in LEET.items()}, "1": "l"})

# How a Vietnamese keyboard types a marked letter (Telex, VNI): backend/core/keyboard.py owns the tables
# (insider review F7, F-F, re-check S1: "Nguyeenx", "Tra62n", "Trwowng" passed for Nguyễn, Trần, Trương).
_BRACKETS = BRACKETS


class FoldedUserAttributeSimilarityValidator(UserAttributeSimilarityValidator):
    """Django's check that the password is not like the username, name or email, also against those written
    without diacritics and the full name run together: "Nguyenhoangmai" is like "Nguyễn Hoàng Mai" (issue 15,
    S2-3). The same error code (password_too_similar), so the same reason."""

    def validate(self, password: str, user: User | None = None) -> None:
        super().validate(password, user)
        if user is None:
            return
        folded = {name: fold(str(getattr(user, name, "") or "")) for name in self.user_attributes}
        whole = "".join(fold(f"{getattr(user, 'first_name', '')} {getattr(user, 'last_name', '')}").split())
        plain = SimpleNamespace(_meta=user._meta, full_name=whole, **folded)
        # the stand-in has the user's _meta and the folded attributes: all the validator reads of a user;
        # the password is folded too ("Võ Thanh Tùng 2026" is "vo thanh tung 2026", then "vothanhtung2026")
        folded_password = fold(password)
        for candidate in dict.fromkeys((password, folded_password, "".join(folded_password.split()))):
            UserAttributeSimilarityValidator((*self.user_attributes, "full_name"), self.max_similarity).validate(
                candidate, plain)  # type: ignore[arg-type]
        # Django's likeness is a ratio over the whole password, so a username with a date after it passes
        # ("inspector-2026-11-30" is 0.62 like "inspector"): a password that holds the username, the name run
        # together or the email's mailbox is refused too (issue 15, S2, insider re-check)
        # ... and any part of the name of three letters or more ("Nguyen@2026x", "2026@Vanan" for Nguyễn Văn An:
        # insider re-check), also with digits and signs read as the letters they stand for ("Nguy3nV4n4n!")
        letters_only = "".join(ch for ch in folded_password if ch.isalnum() or ch in _BRACKETS)
        read_as_letters = "".join(ch for ch in folded_password.translate(LEET) if ch.isalpha())
        # "1" read as "l" too: "1ong" for Long as well as "L1nh" for Linh
        read_one_as_l = "".join(ch for ch in folded_password.translate(LEET_ONE_AS_L) if ch.isalpha())
        email = fold(str(getattr(user, "email", "") or "")).split("@")[0]
        names = fold(f"{getattr(user, 'first_name', '')} {getattr(user, 'last_name', '')}").split()
        # the officer the account is linked to is the person too: an account made with a username only took
        # "NguyenVanPhuc@2026" for officer Nguyễn Văn Phúc (insider re-check)
        officer = getattr(user, "officer", None) if getattr(user, "officer_id", None) else None
        officer_names = fold(str(getattr(officer, "full_name", "") or "")).split()
        names += officer_names
        # the parts of the name as typed on a Vietnamese keyboard (Telex, VNI): "Nguyeenx", "Tra62n" (F7)
        raw = f"{getattr(user, 'first_name', '')} {getattr(user, 'last_name', '')} {getattr(officer, 'full_name', '')}"
        names += sorted({form for part in raw.split() for form in typed_forms(part)})
        wholes = [(part, MIN_CONTAINED) for part in (folded.get("username", ""), whole, email, "".join(officer_names))]
        for part, least in [*wholes, *((name, MIN_NAME_PART) for name in names)]:
            key = "".join(ch for ch in part if ch.isalnum() or ch in _BRACKETS)
            # forwards and backwards ("nal9gnaoh" is Hoàng Lan reversed: insider re-check)
            readings = (letters_only, read_as_letters, read_one_as_l)
            if len(key) >= least and any(key in seen or key in seen[::-1] for seen in readings):
                raise ValidationError(REASONS["password_too_similar"][1], code="password_too_similar",
                                      params={"verbose_name": "username"})


def password_like_the_person(password: str, user: User) -> bool:
    """Whether the password is like the user's username, name, email or linked officer's name (the similarity rule
    alone): checked at sign-in, when the password is known, because an officer linked after the password was set
    was never compared with it (insider review F7)."""
    try:
        FoldedUserAttributeSimilarityValidator().validate(password, user)
    except ValidationError:
        return True
    return False


def _reason(error: ValidationError) -> tuple[str, str]:
    known = REASONS.get(error.code or "")
    params: dict[str, Any] = dict(error.params or {})
    if known is not None:
        try:
            return known[0].format(**params), known[1].format(**params)
        except (KeyError, IndexError):
            pass
    # a validator this table does not name (one added in settings later): Django's own words, in each language
    with translation.override("en"):
        en = " ".join(str(m) for m in error.messages)
    with translation.override("vi"):
        vi = " ".join(str(m) for m in error.messages)
    return (vi if vi != en else f"Mật khẩu không đạt quy tắc an toàn ({en})"), en


def password_problems(password: str, user: User) -> tuple[list[str], list[str]]:
    """The reasons the password is refused for this user, (Vietnamese, English); empty when it is accepted."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        reasons = [_reason(e) for e in exc.error_list]
        return [vi for vi, _ in reasons], [en for _, en in reasons]
    return [], []
