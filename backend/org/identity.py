"""One person, one identity (insider review F1): the one owner of when two officer records are the same person.

- `service_number_key`: the service number as a key: NFKC, case-folded, every space, dash, dot or other
  sign removed, the letter O read as the digit 0 and the letters I and l as the digit 1, the leading zeros of a
  run of digits dropped ("na-1002", "NA 1002", "ＮＡ－１００２", "NA-1OO2", "NA-01002", "NAl002", "NA-I002" are
  all "na1002"; insider review S2-1). The database holds the same key as
  an expression index (`SERVICE_NUMBER_KEY`, Officer.Meta.constraints): the API only takes letters, digits and
  dashes, and the service stores the number NFKC-normalized, so for every stored number the two agree.
- `name_key`: the full name without marks, case or spaces ("Nguyễn Văn  An" is "nguyenvanan").
- `names_alike`: two names that may be one person's (insider review F-A: "Đặng Bình" and "Bình Văn Đặng" were
  not "Đặng Văn Bình"): the same name key, or, word by word without marks, the words of one are all words of
  the other and among them are the other's family name (first word) and given name (last word); or one name of
  three words or more whole among the other's words, a word before or after it ("Ông Đặng Văn Bình", "Đặng Văn
  Bình Anh"); or the same family and given name with a different or missing middle name ("Đặng Hữu Bình",
  insider re-check S1). A two-word name missing its family name ("Văn Bình") does not match. In another word
  order, one word one letter off ("Đặng Bìh Văn"), or the words with up to two letters left out, each keeping its
  first letter ("Đặng Vn Bnh", "Đặg Vă Bình"), on names of eight letters or more, is alike (insider review S1-2).
  Names typed in Telex or VNI and never converted are read as the marked names they stand for ("Dawngj Vawn
  Binhf" and "Da8ng5 Va8n Binh2" are "Đặng Văn Bình": backend/core/keyboard.py, issue 15), a name of eight
  letters or more (without marks or spaces) one letter off another is alike, in any word ("Đặng Văn Bìn", "Đặngg
  Văn Bình"; issue 15, insider review S1-2), and so is a name shortened or written with initials ("Đ. V. Bình",
  "Đặng Văn B.", "Đặng Bìn": `names_shortened`): two real people so named are told apart by their birth dates, or by the worded reason the
  officer and account forms take.
- look-alike: alike names, and the same date of birth, or a date of birth missing on either side (an
  unknown birth date cannot tell two people apart; entering it does).
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date
from itertools import permutations
from typing import Any

from django.db.models import CharField, F, Func, Q, Value
from django.db.models.functions import Lower, Replace

from backend.core.errors import DomainError
from backend.core.keyboard import decode_typed, is_plain_syllable, suggested_word
from backend.core.text import fold, foreign_letters, is_vietnamese_syllable

# the signs a stored service number may hold besides letters and digits (the key drops them)
_SEPARATORS = (" ", "-", ".", "/", "_")


# letters read as digits in a service number: "NA-1OO2" typed with the letter O is "NA-1002" (reviewer, issue 15),
# "NAl002" or "NA-I002" with the letter l or I is "NA-1002" (insider review S2-1)
_LOOKALIKE_DIGITS = (("o", "0"), ("i", "1"), ("l", "1"))
# the leading zeros of a run of digits are dropped ("NA-01002" is "NA-1002", insider review S2-1): the one pattern
# Python, PostgreSQL (regexp_replace) and SQLite (cw_drop_leading_zeros, registered by OrgConfig) all apply
LEADING_ZEROS = r"(^|[^0-9])0+(?=[0-9])"


def drop_leading_zeros(key: str | None) -> str | None:
    return None if key is None else re.sub(LEADING_ZEROS, r"\1", key)


class _DropLeadingZeros(Func):
    """drop_leading_zeros in SQL: a function the SQLite connection is given (a chain of REPLACE that long overflows
    SQLite's parser in an index), regexp_replace in PostgreSQL."""

    function = "cw_drop_leading_zeros"
    arity = 1
    output_field = CharField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, function="REGEXP_REPLACE",
                           template=f"%(function)s(%(expressions)s, '{LEADING_ZEROS}', '\\1', 'g')", **extra)


def _key_expression() -> Func:
    """The database's service_number_key (the unique expression index): the same separators dropped, lower case,
    the same look-alike letters read as digits, the leading zeros dropped (migrations org 0004, 0005 index it)."""
    expr: Any = F("service_number")
    for sign in _SEPARATORS:
        expr = Replace(expr, Value(sign), Value(""))
    expr = Lower(expr)
    for letter, digit in _LOOKALIKE_DIGITS:
        expr = Replace(expr, Value(letter), Value(digit))
    return _DropLeadingZeros(expr)


SERVICE_NUMBER_KEY = _key_expression()


def clean_service_number(value: str) -> str:
    """The service number as stored: NFKC (full-width letters are plain ones) and without outer blanks."""
    return unicodedata.normalize("NFKC", value or "").strip()


def service_number_key(value: str) -> str:
    key = "".join(ch for ch in clean_service_number(value).casefold() if ch.isalnum())
    for letter, digit in _LOOKALIKE_DIGITS:
        key = key.replace(letter, digit)
    return drop_leading_zeros(key) or ""


def name_key(full_name: str) -> str:
    return "".join(ch for ch in fold(unicodedata.normalize("NFKC", full_name or "")) if ch.isalnum())


def name_words(full_name: str) -> list[str]:
    """The name's words without marks or case, in order ("Đặng  Văn Bình" is ["dang", "van", "binh"])."""
    words = (("".join(ch for ch in w if ch.isalnum())) for w in fold(unicodedata.normalize("NFKC", full_name or "")).split())
    return [w for w in words if w]


def read_as_typed(text: str) -> str:
    """`text` with every word typed in Telex or VNI read as the marked word it stands for ("Dawngj Vawn Binhf" is
    "Dặng Văn Bình", whose key is that of "Đặng Văn Bình"); other words as they are."""
    return " ".join(decode_typed(word) or word for word in (text or "").split())


def _typed_words(full_name: str) -> list[tuple[str, str]]:
    """The words of a name that look typed on a Vietnamese keyboard and never converted, each with the word it
    stands for: a word without marks that is not a Vietnamese syllable written without marks and reads as a marked
    one in Telex or VNI ("Binhf", "Vawn", "Traan", "Binh2", "Da8ng5").
    Decided by the syllable's shape (initial, vowels, final: backend/core/keyboard.py), so names of the Central
    Highlands and the north ("Y Jut", "Ksor", "H'Wen", "Rmah", "Kpă", "Mlô") are not typing."""
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", unicodedata.normalize("NFKC", full_name or ""))
    found: list[tuple[str, str]] = []
    for word in text.split():
        parts = [p for p in re.split(r"[.'’\-]+", word) if p]
        # a word with a digit is VNI typing when it reads as a syllable ("Binh2", "Da8ng5"); a label with a digit
        # ("Inspector2") is not typing, and is not refused here
        read = [suggested_word(p) if not is_plain_syllable(p) else None for p in parts]
        if any(read):
            found.append((word, "".join(r or p for r, p in zip(read, parts, strict=True))))
    return found


def _alike_as_written(a: str, b: str) -> bool:
    key_a, key_b = name_key(a), name_key(b)
    if not key_a or not key_b:
        return False
    if key_a == key_b:
        return True
    words_a, words_b = name_words(a), name_words(b)
    if len(words_a) >= 2 and len(words_b) >= 2 and words_a[0] == words_b[0] and words_a[-1] == words_b[-1]:
        return True  # family and given name the same, the middle name other or missing ("Đặng Hữu Bình")
    short, long = sorted((words_a, words_b), key=lambda words: len(set(words)))
    if len(set(short)) < 2 or not set(short) <= set(long):
        return False
    # the whole of a full name with a word before or after it ("Ông Đặng Văn Bình", "Đặng Văn Bình Anh"), or the
    # family and given name of the longer among its words in any order ("Bình Đặng", "Đặng Văn Minh Bình")
    return len(set(short)) >= 3 or (long[0] in short and long[-1] in short)


NEAR_LETTERS = 8  # a name this long (without marks or spaces) one letter off another is alike


def names_one_letter_off(a: str, b: str) -> bool:
    """The whole name, without marks or spaces, one letter inserted, dropped or changed, on names of NEAR_LETTERS
    letters or more, wherever the letter is: in the given name ("Đặng Văn Bìn") or in the family name ("Đặngg Văn
    Bình", "Đặn Văn Bình": insider review S1-2, the family name was required to be the same)."""
    key_a, key_b = "".join(name_words(read_as_typed(a))), "".join(name_words(read_as_typed(b)))
    return min(len(key_a), len(key_b)) >= NEAR_LETTERS and _one_letter_off(key_a, key_b)


# a name of at most this many words is compared in every word order (5! = 120 orders); a longer one word by word
_REORDERED_WORDS = 5
DROPPED_LETTERS = 2  # letters a name may leave out and still be alike (insider review S1-2: "Đặng Vn Bnh")


def _dropped(typed: str, word: str) -> int | None:
    """How many letters `typed` leaves out of `word` (each kept letter in order, the first letter kept), or None
    when it is not `word` with letters left out."""
    if not typed or len(typed) > len(word) or typed[0] != word[0]:
        return None
    rest = iter(word[1:])
    return len(word) - len(typed) if all(letter in rest for letter in typed[1:]) else None


def _pairing_alike(words_a: tuple[str, ...], words_b: list[str]) -> bool:
    """Word by word, in this pairing: one word one letter off and the others the same, or the words of one the
    other's with up to DROPPED_LETTERS letters left out in all (each word keeping its first letter)."""
    differ = [(x, y) for x, y in zip(words_a, words_b, strict=True) if x != y]
    if len(differ) == 1 and _one_letter_off(*differ[0]):
        return True
    for short, full in ((0, 1), (1, 0)):
        dropped = [_dropped(pair[short], pair[full]) for pair in differ]
        if differ and all(d is not None for d in dropped) and sum(d or 0 for d in dropped) <= DROPPED_LETTERS:
            return True
    return False


def names_reordered_or_dropped(a: str, b: str) -> bool:
    """Two names of the same word count, of NEAR_LETTERS letters or more (each, without marks or spaces, as for
    `names_one_letter_off`),
    alike in some word order: the words the same but one word one letter off ("Đặng Bìh Văn", "Võ Tùng Thanhh" for
    "Đặng Văn Bình", "Võ Thanh Tùng"), or one name's words the other's with up to DROPPED_LETTERS letters left out,
    each word keeping its first letter ("Đặng Vn Bnh", "Đặg Vă Bình"; insider review S1-2: reordering and the
    one-letter rule did not combine, and two letters left out passed)."""
    words_a, words_b = name_words(read_as_typed(a)), name_words(read_as_typed(b))
    if len(words_a) != len(words_b) or len(words_a) < 2 or words_a == words_b:
        return False
    if min(len("".join(words_a)), len("".join(words_b))) < NEAR_LETTERS:
        return False
    orders = permutations(words_a) if len(words_a) <= _REORDERED_WORDS else [tuple(words_a)]
    return any(_pairing_alike(order, words_b) for order in orders)


def initialled(words: list[str], theirs: list[str], *, given_in_full: bool) -> bool:
    """`words` (folded) are the name `theirs` written with initials: the same word count, each word the name's or
    its initial ("Đặng V. Bình", "Đ.V. Bình"), the given name (last word) in full when `given_in_full` (a typed
    signature: typed_name_is), else at least the family or the given name in full ("Đặng Văn B.")."""
    if len(words) != len(theirs) or len(theirs) < 2:
        return False
    if not all(w in (t, t[:1]) for w, t in zip(words, theirs, strict=True)):
        return False
    return words[-1] == theirs[-1] if given_in_full else (words[0] == theirs[0] or words[-1] == theirs[-1])


def _shortened(short: list[str], full: list[str]) -> bool:
    """`short` is `full` shortened: written with initials (`initialled`), or the same family name with the middle
    name dropped and the given name cut or one letter off ("Đặng Bìn", "Đặng Bình" for "Đặng Văn Bình")."""
    if initialled(short, full, given_in_full=False):
        return True
    if len(short) != 2 or len(full) < 2 or short[0] != full[0]:
        return False
    given, theirs = short[-1], full[-1]
    return len(given) >= 3 and (theirs.startswith(given) or _one_letter_off(given, theirs))


def names_shortened(a: str, b: str) -> bool:
    """One of two names is the other shortened or written with initials ("Đ. V. Bình", "Đặng Văn B.", "Đặng
    Bìn" for "Đặng Văn Bình"; insider review S1-2): initials and dots are read as typed_name_words reads them."""
    words_a, words_b = typed_name_words(read_as_typed(a)), typed_name_words(read_as_typed(b))
    return bool(words_a and words_b) and (_shortened(words_a, words_b) or _shortened(words_b, words_a))


def names_alike(a: str, b: str, *, shortened: bool = True) -> bool:
    """Whether two full names may be one person's (see the module's docstring): the one owner of the name rule.
    As written, read as typed in Telex / VNI ("Dawngj Vawn Binhf"), one letter off (`names_one_letter_off`), in
    another word order with one letter off or with letters left out (`names_reordered_or_dropped`), or
    shortened (`names_shortened`; not for a typed signature, `typed_name_is`, whose given name is in full)."""
    read_a, read_b = read_as_typed(a), read_as_typed(b)
    return (_alike_as_written(a, b) or ((read_a, read_b) != (a, b) and _alike_as_written(read_a, read_b))
            or names_one_letter_off(a, b) or names_reordered_or_dropped(a, b)
            or (shortened and names_shortened(a, b)))


def officers_with_service_number(value: str) -> Any:
    """Officers whose service number has the same key as `value`."""
    from backend.org.models import Officer

    return Officer.objects.alias(_cw_key=SERVICE_NUMBER_KEY).filter(_cw_key=service_number_key(value))


def officers_like(*, full_name: str, date_of_birth: date | None) -> Any:
    """Officers who look like the person described: an alike name (`names_alike`), and the same birth date or a
    birth date missing on either side. search_name is fold(full_name): the database narrows to the officers whose
    name holds a word of this one (every alike name does), and `names_alike` decides."""
    from backend.org.models import Officer

    key, words = name_key(full_name), {*name_words(full_name), *name_words(read_as_typed(full_name))}
    if not key:
        return Officer.objects.none()
    nospace = Replace(F("search_name"), Value(" "), Value(""))
    holds_a_word = Q()
    for word in words:
        holds_a_word |= Q(search_name__contains=word)
        if len(word) >= 2:  # a word of the name with letters left out ("bnh" of "binh": names_reordered_or_dropped)
            gap = f"[^ ]{{0,{DROPPED_LETTERS}}}"
            holds_a_word |= Q(search_name__regex=re.escape(word[0]) + "".join(gap + re.escape(c) for c in word[1:]))
    qs = Officer.objects.alias(_cw_name=nospace).filter(Q(_cw_name=key) | holds_a_word)
    if date_of_birth is not None:
        qs = qs.filter(Q(date_of_birth=date_of_birth) | Q(date_of_birth__isnull=True))
    alike = [pk for pk, name in qs.values_list("pk", "full_name") if names_alike(full_name, name)]
    return Officer.objects.filter(pk__in=alike)


def officers_same_person(a: Any, b: Any) -> bool:
    """Whether two officer records may be one person: the same record, the same service number key, or
    look-alikes (`names_alike`; same birth date, or one unknown)."""
    if a is None or b is None:
        return False
    if a.pk == b.pk or service_number_key(a.service_number) == service_number_key(b.service_number):
        return True
    if not names_alike(a.full_name, b.full_name):
        return False
    return a.date_of_birth is None or b.date_of_birth is None or a.date_of_birth == b.date_of_birth


def officer_label(officer: Any) -> str:
    """How a refusal names an existing officer: rank, name, service number."""
    name = " ".join(p for p in (officer.rank, officer.full_name) if p)
    born = f", sinh ngày {officer.date_of_birth:%d/%m/%Y}" if officer.date_of_birth else ""
    return f"{name} (số hiệu {officer.service_number}{born}, mã #{officer.pk})"


def lookalike_words(*, full_name: str, date_of_birth: date | None, other: Any) -> tuple[str, str]:
    """What matched between the person described and a look-alike officer, for a person to read (vi, en): the
    name (the same once marks are removed, or alike ignoring marks, word order and middle names) and, only when
    both have one, the birth date; when either is missing, that the birth date is not known so the two cannot be
    told apart."""
    if name_key(full_name) == name_key(other.full_name):
        vi, en = "họ tên giống hệt khi bỏ qua dấu", "the same name once marks are ignored"
    elif name_key(read_as_typed(full_name)) == name_key(read_as_typed(other.full_name)):
        vi = "họ tên giống hệt khi đọc các chữ gõ kiểu Telex/VNI thành chữ có dấu"
        en = "the same name once the words typed in Telex/VNI are read as marked letters"
    elif names_one_letter_off(full_name, other.full_name):
        vi, en = "họ tên chỉ khác một chữ cái (không kể dấu)", "the name is one letter off"
    elif names_reordered_or_dropped(full_name, other.full_name):
        vi = "họ tên giống nhau khi bỏ qua dấu và thứ tự các chữ, chỉ khác một chữ cái hoặc thiếu vài chữ cái"
        en = "an alike name ignoring marks and word order, one letter off or with letters left out"
    elif not _alike_as_written(read_as_typed(full_name), read_as_typed(other.full_name)):
        vi = "một họ tên là họ tên kia viết tắt hoặc viết gọn (chữ cái đầu, bỏ tên đệm)"
        en = "one name is the other shortened or written with initials"
    else:
        vi = "họ tên giống nhau khi bỏ qua dấu, thứ tự các chữ và tên đệm"
        en = "an alike name ignoring marks, word order and middle names"
    if date_of_birth is not None and other.date_of_birth is not None and date_of_birth != other.date_of_birth:
        # a guarded person's look-alike (insider review S1-1): the birth dates beside the names, for a person to judge
        return (f"{vi}; ngày sinh khác nhau ({date_of_birth:%d/%m/%Y} và {other.date_of_birth:%d/%m/%Y}) nhưng cán "
                "bộ đã có gắn với tài khoản có thẩm quyền",
                f"{en}; the birth dates differ ({date_of_birth:%d/%m/%Y} and {other.date_of_birth:%d/%m/%Y}) but the "
                "existing officer is linked to an account with legal powers")
    if date_of_birth is not None and other.date_of_birth is not None:
        return (f"{vi}, cùng ngày sinh {other.date_of_birth:%d/%m/%Y}",
                f"{en}, the same birth date {other.date_of_birth:%d/%m/%Y}")
    if date_of_birth is None and other.date_of_birth is None:
        who_vi, who_en = "cả hai người", "either person"
    elif date_of_birth is None:
        who_vi, who_en = "người đang nhập", "the person being entered"
    else:
        who_vi, who_en = "cán bộ đã có", "the existing officer"
    return (f"{vi}; chưa biết ngày sinh của {who_vi} nên không phân biệt được hai người",
            f"{en}; the birth date of {who_en} is not known, so they cannot be told apart")


def require_vietnamese_name(full_name: str, field: str = "full_name") -> str:
    """A person's name in the Vietnamese alphabet only (backend.core.text.foreign_letters): "ĐẶNG VĂN ВÌNН" with
    Cyrillic В and Н, or "Đặng Vän Bình" with an umlaut, reads as a known officer's name and is not (S1)."""
    foreign = foreign_letters(full_name or "")
    if foreign:
        raise DomainError(f"Họ tên có chữ cái không thuộc bảng chữ cái tiếng Việt ({foreign[:10]}): "
                          "hãy gõ lại bằng bàn phím tiếng Việt.",
                          f"The name holds letters outside the Vietnamese alphabet ({foreign[:10]}): "
                          "type it again with a Vietnamese keyboard.",
                          code="name_foreign_letters", fields={field: [f"foreign letters: {foreign[:10]}"]})
    typed = _typed_words(full_name)
    if typed:
        said = ", ".join(f"“{word}” (có phải “{read}”?)" for word, read in typed)
        said_en = ", ".join(f"“{word}” (“{read}”?)" for word, read in typed)
        whole = dict(typed)
        meant = " ".join(whole.get(word) or word for word in full_name.split())
        raise DomainError(f"Có vẻ họ tên được gõ theo kiểu Telex/VNI mà chưa chuyển thành chữ có dấu: {said}. Họ "
                          f"tên có thể là “{meant}”. Hãy bật bộ gõ tiếng Việt và gõ lại họ tên có dấu.",
                          f"The name seems typed in Telex/VNI and not converted to marked letters: {said_en}. The "
                          f"name may be “{meant}”. Turn on the Vietnamese keyboard and type the name again.",
                          code="name_typed_unconverted",
                          fields={field: [f"typed, not converted: {', '.join(w for w, _ in typed)}"]})
    return full_name


# What a typed name may carry besides the name: an honorific or a police rank before it, "(đại diện)" after it
# (folded words, longest first). "Trung tá Đặng Văn Bình" or "Ông Đặng Văn Bình" is the name "Đặng Văn Bình".
_TITLES = sorted(([w.split() for w in (
    "ong", "ba", "anh", "chi", "dong chi", "dc", "binh nhi", "binh nhat", "ha si", "trung si", "thuong si",
    "thieu uy", "trung uy", "thuong uy", "dai uy", "thieu ta", "trung ta", "thuong ta", "dai ta", "thieu tuong",
    "trung tuong", "thuong tuong", "dai tuong")]), key=len, reverse=True)
_ASIDES = (["dai", "dien"], ["thay", "mat"], ["dai", "dien", "don", "vi"])


def typed_name_words(typed: str) -> list[str]:
    """The words of a typed name without marks, case, punctuation, asides in brackets, honorifics or ranks
    ("Trung tá Đặng V. Bình (đại diện)" is ["dang", "v", "binh"]); initials stay as one-letter words."""
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", typed or "")
    text = re.sub(r"(?i)\b(?:đ|d)\s*/\s*c\b", " dc ", text)
    words = ["".join(ch for ch in w if ch.isalnum()) for w in re.split(r"[\s.,;:/\\\-_'\"]+", fold(text))]
    words = [w for w in words if w]
    stripped = True
    while stripped:
        stripped = False
        for title in _TITLES:
            if len(words) > len(title) and words[: len(title)] == title:
                words, stripped = words[len(title):], True
                break
    for aside in _ASIDES:
        if len(words) > len(aside) and words[-len(aside):] == aside:
            words = words[: -len(aside)]
    return words


def _one_letter_off(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


def typed_name_is_full(typed: str) -> bool:
    """Whether a name typed for a signature is a full name: at least two words once titles and asides are removed
    (typed_name_words), not initials only. "Bình", "Anh Bình", "Đồng chí Tùng", "VTT" or "V.T.T." are not (insider
    S1-5: a representative signing as "Anh Bình" names no one)."""
    words = typed_name_words(read_as_typed(typed))
    return len(words) >= 2 and any(len(word) >= 2 for word in words)


def _within_name(words: list[str], theirs: list[str]) -> bool:
    """Every typed word is one of the name's words, or its initial, or (a word that is no Vietnamese syllable,
    "VTT") a run of its initials: "Thanh Tùng", "Võ Thanh", "T. Võ" are within "Võ Thanh Tùng" (insider S1-5)."""
    initials = {word[:1] for word in theirs}

    def within(word: str) -> bool:
        if word in theirs or (len(word) == 1 and word in initials):
            return True
        return (len(word) <= len(theirs) and not is_vietnamese_syllable(word)
                and all(letter in initials for letter in word))

    return all(within(word) for word in words)


def typed_name_is(typed: str, full_name: str) -> bool:
    """Whether a name typed for a signature names the person `full_name`: alike (`names_alike`) once titles and
    asides are removed, written with initials ("Đặng V. Bình", "Đ.V. Bình": the same word count, each typed word
    the name's or its initial, the last in full), part of it (every typed word one of the name's words or its
    initial: "Thanh Tùng", "T. Võ", "Bình"), or one letter off a name of eight letters or more."""
    typed, full_name = read_as_typed(typed), read_as_typed(full_name)
    words, theirs = typed_name_words(typed), name_words(full_name)
    if not words or not theirs:
        return False
    if names_alike(" ".join(words), full_name, shortened=False) or _within_name(words, theirs):
        return True
    if initialled(words, theirs, given_in_full=True):
        return True
    key = name_key(full_name)
    return len(key) >= 8 and _one_letter_off("".join(words), key)
