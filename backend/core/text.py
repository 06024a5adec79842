"""The one owner of what typed text is (`plain_text`), and of the folded form used for search (`fold`).

Every free-text input the API takes goes through `plain_text` (request bodies through
`backend.core.params.PlainTextField`, query strings through `parse_text`), so no stored title, name,
note or reason holds a control character (a BEL breaks every XLSX export that shows it), a bidi
override (U+202E shows "gnp.exe" as "exe.png"), a zero-width character or a private-use one; and it is
stored in NFC, so text typed in decomposed form (NFD) reads and searches like the same text in NFC.
"""
from __future__ import annotations

import re
import unicodedata

from unidecode import unidecode

# Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt) plus the braille blank: characters
# that draw nothing. Some are letters to Python (the Hangul fillers U+115F, U+1160, U+3164, U+FFA0 are
# category Lo), so "eight Hangul fillers" passed as a published reason that reads as empty boxes.
_DRAWS_NOTHING = ((0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5),
                  (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x2800, 0x2800),
                  (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8),
                  (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF))
_LINE_BREAKS = "\n\t"


def draws_nothing(ch: str) -> bool:
    code = ord(ch)
    return unicodedata.category(ch) == "Cf" or any(lo <= code <= hi for lo, hi in _DRAWS_NOTHING)


def _kept(ch: str) -> bool:
    if ch in _LINE_BREAKS:
        return True
    return unicodedata.category(ch) not in ("Cc", "Cs", "Co") and not draws_nothing(ch)


def visible_chars(value: str) -> str:
    """`value` without control, surrogate, private-use and draw-nothing characters (line breaks and
    tabs stay); nothing else changes. For text already stored (exports of rows typed before the
    inputs were cleaned)."""
    return "".join(ch for ch in value if _kept(ch))


def strip_invisible(text: str) -> str:
    """Text without the characters that draw nothing (zero-width spaces, BOM, Hangul fillers, the
    braille blank...) and without outer blanks."""
    return "".join(ch for ch in text if not draws_nothing(ch)).strip()


def plain_text(value: str, *, one_line: bool = False) -> str:
    """Typed text as it reads: NFC; control characters (terminal escapes), surrogates, private-use and
    characters that draw nothing are dropped; line breaks and tabs stay (with `one_line`, every run of
    blanks, line breaks included, becomes one space); outer blanks go."""
    kept = visible_chars(unicodedata.normalize("NFC", value or ""))
    if one_line:
        return " ".join(kept.split())
    return kept.strip()


def fold(text: str) -> str:
    """Diacritic- and case-insensitive form used for search: 'Thanh Chương' -> 'thanh chuong'."""
    return " ".join(unidecode(text or "").lower().split())


# A Vietnamese syllable written without its marks (fold): an optional initial consonant, one to three
# vowels (the glide and the final semivowel included) and an optional final consonant. Keyboard runs
# ("asdf", "qwer", "jkl", "zxcv") are not: their consonant clusters and letters (f, j, w, z) are not Vietnamese.
_SYLLABLE = re.compile(r"(?:ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ch|nh|ng|[cmnpt])?")


# The five tone marks (huyền, sắc, ngã, hỏi, nặng) as combining characters: a syllable carries one at most.
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")


def tone_marks(word: str) -> int:
    """How many tone marks a word carries ('người' 1, 'ngườí' 2: not a Vietnamese word)."""
    return sum(ch in _TONE_MARKS for ch in unicodedata.normalize("NFD", word))


# The one Vietnamese alphabet: after NFD, a letter is a-z (any case) or đ/Đ, carrying only the Vietnamese
# marks (breve, circumflex, horn, and the five tones). Cyrillic "В", "с", umlauts "ä ö ü ï", carons, "ɑ",
# dotless "ı" or Icelandic "Ð"/"ð" look Vietnamese and are not (insider re-check S1).
_VIETNAMESE_BASES = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZđĐ")
VIETNAMESE_MARKS = frozenset("\u0306\u0302\u031b\u0300\u0301\u0309\u0303\u0323")


def _clusters(text: str) -> list[str]:
    """`text` in NFD, cut into a base character followed by its combining marks."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFD", text or ""):
        if out and unicodedata.category(ch).startswith("M"):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def _is_foreign(cluster: str) -> bool:
    base, marks = cluster[0], cluster[1:]
    if any(mark not in VIETNAMESE_MARKS for mark in marks):
        return True
    return base.isalpha() and base not in _VIETNAMESE_BASES


def is_latin_letter(ch: str) -> bool:
    """Whether a letter is of the Vietnamese alphabet ('ơ', 'đ', 'ễ', 'f', 'z'); Cyrillic 'с', Greek 'ο',
    'ä', 'ı' or 'ð', which look like Vietnamese letters, are not."""
    return bool(ch) and not any(_is_foreign(c) for c in _clusters(ch))


def foreign_letters(text: str) -> str:
    """The letters of `text` outside the Vietnamese alphabet, each once (in NFC) in order of appearance."""
    found = dict.fromkeys(unicodedata.normalize("NFC", c) for c in _clusters(text) if _is_foreign(c))
    return "".join(found)


def is_vietnamese_syllable(word: str) -> bool:
    """Whether a word is shaped like a Vietnamese syllable ('Quyết', 'nghiêng', 'được'); a test of form,
    not of meaning: it tells written words from keyboard mashing, not sense from nonsense. Its letters are
    Latin ones ("сó" with a Cyrillic "с" is not: insider F-E) and it carries one tone mark at most."""
    if foreign_letters(word) or tone_marks(word) > 1:
        return False
    folded = fold(word)
    return bool(folded) and _SYLLABLE.fullmatch(folded) is not None


def has_vietnamese_marks(word: str) -> bool:
    """Whether a word carries a Vietnamese mark: a tone or vowel mark ('tại', 'quầy', 'ơ') or đ."""
    decomposed = unicodedata.normalize("NFD", word)
    return "đ" in word.lower() or any(ch in VIETNAMESE_MARKS for ch in decomposed)
