"""How a Vietnamese keyboard types a marked word (Telex and VNI): the one owner of the keyboard tables.

Two uses read them: the password rule (`typed_forms`: "Nguyễn" as nguyeenx, nguye6n4, ... so a password holding
the name typed on a keyboard is like the name, insider review F7) and the name rule (`decode_typed`: "Dawngj" is
"Đặng" typed in Telex and never converted, issue 15; backend/org/identity.py refuses such a name and matches it
as the name it stands for).

Telex and VNI: the vowel's mark (â ê ô by doubling in Telex, ă ơ ư by w; 6 8 7 in VNI; đ as dd / d9) and the tone
(s f r x j; 1 2 3 4 5), typed right after its vowel or at the end of the word. Every spelling a keyboard takes
counts (insider review F-F: "Trwowng", "Truowng", "Truo7ng" for Trương): ư alone as a bare "w" in Telex, and ươ
with its horn typed once ("uow", "uo7") or on one letter only ("uwo", "u7o"). UniKey also takes "]" for ư and "["
for ơ ("Tr]ong", "Lu[ng"); VNI's tone digit goes anywhere in the syllable ("Tru72ong"): insider re-check S1.
"""
from __future__ import annotations

import re
import unicodedata

from backend.core.text import fold

BRACKETS = "[]"
_CIRCUMFLEX, _BREVE, _HORN = "\u0302", "\u0306", "\u031b"
SPELLINGS: dict[str, dict[str, list[str]]] = {
    "telex": {"đ": ["dd"], "ă": ["aw"], "â": ["aa"], "ê": ["ee"], "ô": ["oo"], "ơ": ["ow", "["], "ư": ["uw", "w", "]"],
              "ươ": ["uwow", "uow", "wow", "uwo", "wo", "][", "]o", "u[", "]ow", "w["]},
    "vni": {"đ": ["d9"], "ă": ["a8"], "â": ["a6"], "ê": ["e6"], "ô": ["o6"], "ơ": ["o7"], "ư": ["u7"],
            "ươ": ["u7o7", "uo7", "u7o"]},
}
# the tone marks (sắc, huyền, hỏi, ngã, nặng) as combining characters, and the key each keyboard types for them
TONE_KEYS = {"telex": {"\u0301": "s", "\u0300": "f", "\u0309": "r", "\u0303": "x", "\u0323": "j"},
             "vni": {"\u0301": "1", "\u0300": "2", "\u0309": "3", "\u0303": "4", "\u0323": "5"}}


def _letters(word: str) -> list[tuple[str, str]]:
    """The word as (letter without its tone, tone mark or ""), ươ kept together as one letter ("Hường": h, ươ
    with the grave tone, n, g)."""
    letters: list[tuple[str, str]] = []
    for ch in unicodedata.normalize("NFC", word.lower()):
        decomposed = unicodedata.normalize("NFD", ch)
        tones = "".join(m for m in decomposed[1:] if m in TONE_KEYS["telex"])
        bare = unicodedata.normalize("NFC", "".join(m for m in decomposed if m not in TONE_KEYS["telex"]))
        if bare == "ơ" and letters and letters[-1][0] == "ư":
            letters[-1] = ("ươ", letters[-1][1] or tones)
            continue
        letters.append((bare, tones))
    return letters


def typed_forms(word: str) -> set[str]:
    """A marked word as typed in Telex and VNI, each mark in every spelling the keyboard takes, the tone key after
    its vowel, at the end, or left out ("Nguyễn": nguyeenx, nguyeexn, nguyeen, nguye6n4, nguye64n, nguye6n;
    "Hường": huwowfng, hwowfng, huowfng, huo72ng, ...); empty for a word without marks."""
    forms: set[str] = set()
    letters = _letters(word)
    for scheme, spellings in SPELLINGS.items():
        bodies: list[tuple[str, str, int]] = [("", "", -1)]  # (typed so far, tone key, where the tone goes)
        for letter, tone in letters:
            options = spellings.get(letter) or ["".join(unicodedata.normalize("NFD", letter)[:1])]
            key = "".join(TONE_KEYS[scheme].get(m, "") for m in tone)
            bodies = [(body + piece, key or tone_key, len(body + piece) if key else tone_at)
                      for body, tone_key, tone_at in bodies for piece in options]
        for body, tone_key, tone_at in bodies:
            clean = "".join(ch for ch in body if ch.isascii() and (ch.isalnum() or ch in BRACKETS))
            if clean != body:
                continue  # a letter no keyboard rule above spells: the folded form covers it
            forms |= {body, body + tone_key, body[:tone_at] + tone_key + body[tone_at:] if tone_at >= 0 else body}
            if scheme == "vni" and tone_key:  # the VNI tone digit anywhere inside the syllable ("tru72ong")
                forms |= {body[:at] + tone_key + body[at:] for at in range(1, len(body))}
    return forms - {"".join(ch for ch in fold(word) if ch.isalnum())}


# --- reading typing back: the Vietnamese syllable (initial, nucleus, final) --------------------------------------

INITIALS = ("ngh", "ng", "gh", "gi", "kh", "nh", "ph", "qu", "th", "tr", "ch",
            "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x")
FINALS = ("", "c", "ch", "m", "n", "ng", "nh", "p", "t")
_STOPS = ("c", "ch", "p", "t")  # a syllable ending in a stop takes the sắc or nặng tone only
# the vowel groups of a syllable (the glide and the final semivowel included): open (no final consonant after
# them), closed (a final consonant needed: "ăn", "iên", "uôn"), or either
_OPEN = {"ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iu", "oi", "ôi", "ơi", "ưa", "ưi", "ưu", "ua", "ui",
         "uơ", "iêu", "yêu", "oai", "oay", "oeo", "uây", "uôi", "ươi", "ươu", "uya", "uyu"}
_CLOSED = {"ă", "â", "iê", "yê", "oă", "uâ", "uô", "ươ", "uyê"}
_EITHER = {"a", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "oa", "oe", "uê", "uy"}
_VOWELS = "aăâeêioôơuưy"
_TELEX_TONES = {key: mark for mark, key in TONE_KEYS["telex"].items()}
_VNI_TONES = {key: mark for mark, key in TONE_KEYS["vni"].items()}
_MARKED = "ăâêôơư"


def _split(word: str) -> tuple[str, str, str] | None:
    """(initial, vowels, final) of a word without tone marks, or None when it is not shaped like a syllable."""
    initial = next((i for i in INITIALS if word.startswith(i)), "")
    rest = word[len(initial):]
    if initial == "gi" and (not rest or rest[0] not in _VOWELS):
        initial, rest = "g", "i" + rest  # "gì", "gìn": the i is the vowel
    nucleus = ""
    while rest and rest[0] in _VOWELS:
        nucleus, rest = nucleus + rest[0], rest[1:]
    if rest not in FINALS or not nucleus:
        return None
    allowed = nucleus in _EITHER or (nucleus in _OPEN and not rest) or (nucleus in _CLOSED and rest)
    return (initial, nucleus, rest) if allowed else None


def _toned(nucleus: str, final: str, tone: str) -> str:
    """The vowels with the tone on the vowel that carries it: the marked vowel (ơ of ươ), else the last vowel
    before a final consonant, else the middle of three, else the first of two ("Hòa", "Thủy", "Bình", "Ngoài")."""
    if not tone:
        return nucleus
    marked = [i for i, ch in enumerate(nucleus) if ch in _MARKED]
    if marked:
        at = marked[-1]
    elif final or len(nucleus) == 1:
        at = len(nucleus) - 1
    else:
        at = 1 if len(nucleus) == 3 else 0
    return unicodedata.normalize("NFC", nucleus[: at + 1] + tone + nucleus[at + 1:])


def _compose(initial: str, rest: str, tone: str) -> str | None:
    """The marked syllable of an initial, the vowels and final with their vowel marks, and a tone; None when it is
    not a Vietnamese syllable."""
    parts = _split(initial + rest)
    if parts is None:
        return None
    initial, nucleus, final = parts
    if final in _STOPS and tone not in ("", "\u0301", "\u0323"):
        return None
    return initial + _toned(nucleus, final, tone) + final


# the Telex spellings of the marked vowels, longest first ("uow" is ươ before "ow" is ơ)
_TELEX_PAIRS = sorted(((typed, letter) for letter, spelled in SPELLINGS["telex"].items() if letter != "đ"
                       for typed in spelled), key=lambda pair: -len(pair[0]))


def _telex(word: str) -> str | None:
    initial = next((i for i in ("dd", *INITIALS) if word.startswith(i)), "")
    rest = word[len(initial):]
    if initial == "gi" and not any(ch in "aeiouyw[]" for ch in rest):
        initial, rest = "g", "i" + rest  # "gif" is "gì"
    tones = [ch for ch in rest if ch in _TELEX_TONES]
    first_vowel = next((i for i, ch in enumerate(rest) if ch in "aeiouyw[]"), len(rest))
    if len(tones) > 1 or any(ch in _TELEX_TONES for ch in rest[:first_vowel]):
        return None  # two tones, or a "tone key" before the vowel: a consonant ("Jut", "Ksor"), not typing
    rest = "".join(ch for ch in rest if ch not in _TELEX_TONES)
    trailing_w = rest.endswith("w") and len(rest) > 1 and rest[-2] not in "aouw"
    if trailing_w:  # the horn or breve typed at the end ("vanw", "tuongw")
        rest = rest[:-1]
        for plain, marked in (("uo", "ươ"), ("u", "ư"), ("o", "ơ"), ("a", "ă")):
            if plain in rest:
                rest = rest.replace(plain, marked, 1)
                break
    out = ""
    while rest:
        pair = next(((p, m) for p, m in _TELEX_PAIRS if rest.startswith(p)), None)
        out, rest = (out + pair[1], rest[len(pair[0]):]) if pair else (out + rest[0], rest[1:])
    return _compose("đ" if initial == "dd" else initial, out, _TELEX_TONES[tones[0]] if tones else "")


def _vni(word: str) -> str | None:
    digits = [ch for ch in word if ch.isdigit()]
    tones = [d for d in digits if d in _VNI_TONES]
    if len(tones) > 1 or any(d not in "1234567890" or d == "0" for d in digits):
        return None
    base = "".join(ch for ch in word if not ch.isdigit())
    if "9" in digits:
        if not base.startswith("d"):
            return None
        base = "đ" + base[1:]
    initial = next((i for i in INITIALS if base.startswith(i)), "")
    rest = base[len(initial):]
    for digit, plains, marked in (("7", ("uo", "u", "o"), ("ươ", "ư", "ơ")), ("8", ("a",), ("ă",)),
                                  ("6", ("a", "e", "o"), ("â", "ê", "ô"))):
        if digit in digits:
            found = next(((p, m) for p, m in zip(plains, marked, strict=True) if p in rest), None)
            if found is None:
                return None
            at = rest.rfind(found[0]) if digit == "6" else rest.find(found[0])
            rest = rest[:at] + found[1] + rest[at + len(found[0]):]
    return _compose(initial, rest, _VNI_TONES[tones[0]] if tones else "")


_TYPED = re.compile(r"[a-z0-9\[\]]+")


def decode_typed(word: str) -> str | None:
    """The marked Vietnamese syllable a word typed in Telex or VNI and never converted stands for ("Dawngj" and
    "Da8ng5" are "Đặng", "Binhf" is "Bình", "Nguyeenx" is "Nguyễn"), capitalised as typed; None when the word
    carries marks already, uses no keyboard key (a tone key after the initial, w, [ ], dd aa ee oo, a VNI digit),
    or does not read as a Vietnamese syllable ("Ksor", "Jut", "Wen", "Rmah": names of the Central Highlands)."""
    lower = word.lower()
    if not _TYPED.fullmatch(lower):
        return None
    decoded = _vni(lower) if any(ch.isdigit() for ch in lower) else _telex(lower)
    if decoded is None or decoded == lower:
        return None
    return decoded[:1].upper() + decoded[1:] if word[:1].isupper() else decoded


# Names that begin with Đ, typed with a plain "d" and their other marks ("Dawngj" reads "Dặng", which no one is
# called): the suggestion a refusal shows reads them with Đ.
_D_NAMES = frozenset({"đặng", "đỗ", "đinh", "đoàn", "đào", "đàm", "đồng", "đậu", "đức", "đạt", "định", "đông",
                      "điệp", "đăng", "đường", "đại", "độ"})


def suggested_word(word: str) -> str | None:
    """What to show a person who typed `word` in Telex or VNI: `decode_typed`, with Đ for a name that has it."""
    decoded = decode_typed(word)
    if decoded is not None and decoded[:1] in "dD" and "đ" + decoded[1:].lower() in _D_NAMES:
        return ("Đ" if decoded[:1] == "D" else "đ") + decoded[1:]
    return decoded


def is_plain_syllable(word: str) -> bool:
    """Whether a word without marks is shaped like a Vietnamese syllable written without its marks ("Binh",
    "Nguyen", "Thuy"): "Binhf", "Vawn" or "Traan" are not."""
    lower = word.lower()
    if not lower.isascii() or not lower.isalpha():
        return False
    folded_shapes = {fold(g) for g in (*_OPEN, *_CLOSED, *_EITHER)}
    initial = next((i for i in INITIALS if lower.startswith(i) and i.isascii()), "")
    rest = lower[len(initial):]
    if initial == "gi" and (not rest or rest[0] not in "aeiouy"):
        rest = "i" + rest
    nucleus = ""
    while rest and rest[0] in "aeiouy":
        nucleus, rest = nucleus + rest[0], rest[1:]
    return bool(nucleus) and nucleus in folded_shapes and rest in FINALS
