"""Helpers shared by the inspection services modules (one per subdomain): error shapes, sealing,
input checks, the locked check and the team-member rule."""
from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from backend.accounts.models import INSPECTION_TEAM, Role, User
from backend.accounts.selectors import require_role
from backend.core.errors import DomainError, Forbidden
from backend.core.text import (  # noqa: F401 - the owner, re-exported
    draws_nothing,
    fold,
    foreign_letters,
    has_vietnamese_marks,
    is_vietnamese_syllable,
    plain_text,
    strip_invisible,
)
from inspection.models import SurpriseCheck

TEAM = tuple(INSPECTION_TEAM)
LEAD = (Role.INSPECTION_LEAD,)
TWO = Decimal("0.01")


def _invalid(vi: str, en: str, field: str | None = None, code: str = "invalid") -> DomainError:
    return DomainError(vi, en, code=code, fields={field: [en]} if field else None)


def _seal(details: dict[str, Any]) -> dict[str, Any]:
    body = json.dumps(details, sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder)
    return {"sealed_sha256": hashlib.sha256(body.encode()).hexdigest()}


def _require_text(value: str, field: str, vi_name: str) -> str:
    value = (value or "").strip()
    if not value:
        raise _invalid(f"Cần nhập {vi_name}.", f"{field} is required.", field, code="required")
    return value


def _aware(value: datetime, field: str) -> datetime:
    if timezone.is_naive(value):
        raise _invalid("Thời điểm phải có múi giờ.", f"{field} must include a time zone.", field)
    return value


def _decimal(value: Any, field: str, *, minimum: Decimal | None = None) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise _invalid(f"{field}: phải là số.", f"{field}: must be a number.", field) from exc
    if not number.is_finite():
        raise _invalid(f"{field}: phải là số.", f"{field}: must be a number.", field)
    if minimum is not None and number < minimum:
        raise _invalid(f"{field}: không được nhỏ hơn {minimum}.", f"{field}: must be at least {minimum}.", field)
    return number


def _check_locked(check_id: int) -> SurpriseCheck:
    return SurpriseCheck.objects.select_for_update().select_related("unit").get(pk=check_id)


def _event(check: SurpriseCheck, kind: str) -> dict[str, Any]:
    return {"type": kind, "check": {"id": str(check.uid), "reference": check.reference, "state": check.state,
                                    "mode": check.mode, "unit_id": check.unit_id,
                                    "started_at": check.started_at.isoformat() if check.started_at else None}}


def _require_team_member(by: User, check: SurpriseCheck) -> None:
    require_role(by, *TEAM)
    if by.pk != check.lead_id and not check.team.filter(pk=by.pk).exists():
        raise Forbidden("Đồng chí không thuộc tổ của cuộc kiểm tra này.", "You are not on this check's team.")



MIN_REASON_CHARS = 6
MIN_REASON_LETTERS = 5
MIN_REASON_WORDS = 2


def is_a_reason(text: str, minimum: int = MIN_REASON_LETTERS) -> bool:
    """A reason says something: at least `minimum` letters or digits ("." or "x" are not reasons)."""
    return sum(ch.isalnum() for ch in strip_invisible(text)) >= minimum


_WORD = re.compile(r"[^\W\d_]+")
MIN_WORD_LETTERS = 2


def reason_words(text: str) -> list[str]:
    """The words of a reason that count: runs of at least two letters that are not one letter repeated
    ("aaaa", "xx" do not count), each once (case, marks and repeats ignored: "ba bá bà bả bã bạ" is one word,
    insider F-E)."""
    seen: dict[str, str] = {}
    for word in _WORD.findall(plain_text(text or "")):
        key = fold(word).replace(" ", "") if not foreign_letters(word) else word.casefold()
        if len(word) >= MIN_WORD_LETTERS and len(set(key)) > 1:
            seen.setdefault(key, word)
    return list(seen.values())


def mostly_vietnamese(text: str) -> bool:
    """At least half the letters of a reason are in Vietnamese words, a third of them written with their marks: a foreign word ("camera") or an acronym
    ("PCCC", "UBND") may stand among them, a keyboard run beside two short syllables ("an em asdfgh") may not
    (insider re-check, issue 15)."""
    vietnamese = other = marked = syllables = 0
    for word in _WORD.findall(plain_text(text or "")):
        if is_vietnamese_syllable(word):
            vietnamese += len(word)
            syllables += 1
            marked += has_vietnamese_marks(word)
        elif not (len(word) > 1 and word.isupper()):
            other += len(word)
    # written with its marks (tiếng Việt có dấu), as every document it goes into: at least a third of the words
    # carry them. Words shaped like syllables but unmarked are English or a count ("the man can go in the tin",
    # "mot hai ba bon nam sau bay", "ba bo bi be bu ca co" passed: insider re-check, issue 15)
    return vietnamese >= other and marked * 3 >= syllables


# Words that say nothing on their own, without marks: greetings, particles, fillers and the word "reason" itself
# ("xin chào mọi người nhé", "không có gì", "lý do", "ok", "test"). A reason made only of them is refused; among
# other words they are fine ("Đồng chí Bình nghỉ phép" has "nghỉ phép"). Mirrored in frontend reasonRule.ts.
FILLER_WORDS = frozenset((
    "xin chao cac ban nhe nha nhi a oi ok oke okay test hello hi alo khong co gi ly do cai day thoi vay the ha "
    "toi biet nua em anh chi moi nguoi dong la va roi duoc nay kia ay dau luon lam qua buoi sang chieu minh "
    "ma gui cam on bay gio cung chua ai vang da ve voi "
    # whims, the weather and counting ("Làm cho có", "Không thích", "Vì thích thế", "Trời hôm nay đẹp quá", "Chẳng có
    # gì để nói cả", "gõ đại cho xong", "Một hai ba bốn năm sáu bảy": insider re-check of stop 26, issue 15)
    "cho thich troi hom dep vi chang de noi ca xem xong nghi ra dai go mot hai ba bon nam sau tam chin muoi vui buon "
    "thi").split())


def says_nothing(text: str) -> bool:
    """Every counted word of the reason (reason_words) is a filler word (FILLER_WORDS): "xin chào mọi người nhé",
    "không có gì" or "lý do lý do" say nothing (insider S2-2)."""
    found = reason_words(text)
    return bool(found) and all(fold(word).replace(" ", "") in FILLER_WORDS for word in found)


def is_worded_reason(text: str, *, words: int, letters: int) -> bool:
    """A reason with legal weight (confirming, dismissing or actioning a finding, a unit-level finding) is
    written in words, in Vietnamese as the documents it goes into: at least `words` different words
    (reason_words) shaped like Vietnamese syllables, and `letters` letters in them. Codes and numbers
    ("12/QĐ", "UBND") may stand beside them but do not count; "asdf qwer" is not a reason (issue 15, S2)."""
    return _enough_words(text, words=words, letters=letters) and not says_nothing(text)


def _enough_words(text: str, *, words: int, letters: int) -> bool:
    found = [w for w in reason_words(text) if is_vietnamese_syllable(w)]
    return len(found) >= words and sum(len(w) for w in found) >= letters and mostly_vietnamese(text)


def _refuse_foreign_letters(cleaned: str, field: str, vi_name: str) -> None:
    """Letters outside the Vietnamese alphabet ("Кhông сó" with Cyrillic К and с, "nöi" with an umlaut)."""
    foreign = foreign_letters(cleaned)
    if foreign:
        raise _invalid(f"{vi_name[:1].upper()}{vi_name[1:]} có chữ cái không thuộc bảng chữ cái tiếng Việt "
                       f"({foreign[:10]}): hãy gõ lại bằng bàn phím tiếng Việt.",
                       f"The {field.replace('_', ' ')} holds letters outside the Vietnamese alphabet "
                       f"({foreign[:10]}): type it again with a Vietnamese keyboard.", field, code="reason_foreign_letters")


def _refuse_says_nothing(cleaned: str, field: str, vi_name: str) -> None:
    if says_nothing(cleaned):
        raise _invalid(f"{vi_name[:1].upper()}{vi_name[1:]} chưa nói lên điều gì: lời chào, từ đệm hay “lý do”, "
                       "“ok”, “không có gì” không phải là lý do. Hãy ghi rõ sự việc và căn cứ.",
                       f"The {field.replace('_', ' ')} says nothing: a greeting, filler words, \"reason\", \"ok\" or "
                       "\"nothing\" are not a reason. State what happened and on what grounds.", field,
                       code="reason_says_nothing")


def require_worded_reason(value: str, field: str, vi_name: str, *, words: int, letters: int) -> str:
    """The cleaned reason, or a 400 in words: "." or "aaaaaaaaaaaaaaaaaaaa" are not reasons."""
    cleaned = plain_text(value or "")
    if not cleaned:
        raise _invalid(f"Cần nhập {vi_name}.", f"{field} is required.", field, code="required")
    _refuse_foreign_letters(cleaned, field, vi_name)
    if not _enough_words(cleaned, words=words, letters=letters):
        raise _invalid(f"{vi_name[:1].upper()}{vi_name[1:]} phải được viết thành lời bằng tiếng Việt có dấu: ít nhất "
                       f"{words} từ tiếng Việt khác nhau (mỗi từ từ {MIN_WORD_LETTERS} chữ cái, không phải một chữ cái lặp "
                       f"lại hay các phím gõ liền nhau), tổng cộng ít nhất {letters} chữ cái.",
                       f"The {field.replace('_', ' ')} must be written in words, in Vietnamese: at least {words} different "
                       f"Vietnamese words (of {MIN_WORD_LETTERS} letters or more, not one letter repeated nor a run of "
                       f"keys), {letters} letters in all.",
                       field, code="reason_not_words")
    _refuse_says_nothing(cleaned, field, vi_name)  # in words, but only greetings and filler (insider S2-2)
    return cleaned


def _require_reason(value: str, field: str, vi_name: str) -> str:
    """A reason that is a reason: invisible characters (zero-width spaces, format characters) are
    dropped, whitespace collapsed, and what remains must hold at least five letters and six characters
    ("." "x" or U+200B are not reasons). Used for draw and check reasons, which are published."""
    cleaned = " ".join(plain_text(value).split())
    if not cleaned:
        raise _invalid(f"Cần nhập {vi_name}.", f"{field} is required.", field, code="required")
    _refuse_foreign_letters(cleaned, field, vi_name)
    _refuse_says_nothing(cleaned, field, vi_name)
    letters = sum(1 for ch in cleaned if ch.isalpha())
    # published reasons are read by the whole force: words too, not a keyboard run ("asdfgh" closed a draw and
    # stood in its commitments: insider re-check, issue 15)
    words = [w for w in reason_words(cleaned) if is_vietnamese_syllable(w)]
    if (len(cleaned) < MIN_REASON_CHARS or letters < MIN_REASON_LETTERS or len(words) < MIN_REASON_WORDS
            or not mostly_vietnamese(cleaned)):
        raise _invalid(f"{vi_name[:1].upper()}{vi_name[1:]} phải là một lý do thật, viết thành lời bằng tiếng Việt có dấu: "
                       f"ít nhất {MIN_REASON_WORDS} từ, {MIN_REASON_CHARS} ký tự, trong đó ít nhất "
                       f"{MIN_REASON_LETTERS} chữ cái.",
                       f"{field} must be a real reason, in Vietnamese words: at least {MIN_REASON_WORDS} words, "
                       f"{MIN_REASON_CHARS} characters, {MIN_REASON_LETTERS} of them letters.", field,
                       code="reason_too_short")
    return cleaned
