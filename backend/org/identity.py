"""One person, one identity (insider review F1): the one owner of when two officer records are the same person.

- `service_number_key`: the service number as a key: NFKC, case-folded, every space, dash, dot or other
  sign removed ("na-1002", "NA 1002", "ＮＡ－１００２" are all "na1002"). The database holds the same key as
  an expression index (`SERVICE_NUMBER_KEY`, Officer.Meta.constraints): the API only takes letters, digits and
  dashes, and the service stores the number NFKC-normalized, so for every stored number the two agree.
- `name_key`: the full name without marks, case or spaces ("Nguyễn Văn  An" is "nguyenvanan").
- `names_alike`: two typed names of one person: the same name key, or the same words without marks or case
  in another order ("Bình Đặng Văn" is "Đặng Văn Bình").
- look-alike: the same name key, and the same date of birth, or a date of birth missing on either side (an
  unknown birth date cannot tell two people apart; entering it does).
"""
from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any

from django.db.models import F, Func, Q, Value
from django.db.models.functions import Lower, Replace

from backend.core.text import fold

# the signs a stored service number may hold besides letters and digits (the key drops them)
_SEPARATORS = (" ", "-", ".", "/", "_")


def _key_expression() -> Func:
    expr: Any = F("service_number")
    for sign in _SEPARATORS:
        expr = Replace(expr, Value(sign), Value(""))
    return Lower(expr)


SERVICE_NUMBER_KEY = _key_expression()


def clean_service_number(value: str) -> str:
    """The service number as stored: NFKC (full-width letters are plain ones) and without outer blanks."""
    return unicodedata.normalize("NFKC", value or "").strip()


def service_number_key(value: str) -> str:
    return "".join(ch for ch in clean_service_number(value).casefold() if ch.isalnum())


def name_key(full_name: str) -> str:
    return "".join(ch for ch in fold(unicodedata.normalize("NFKC", full_name or "")) if ch.isalnum())


def _name_words(full_name: str) -> list[str]:
    words = fold(unicodedata.normalize("NFKC", full_name or "")).split()
    return sorted(w for w in ("".join(ch for ch in word if ch.isalnum()) for word in words) if w)


def names_alike(a: str, b: str) -> bool:
    """Whether two typed names name one person: compared without marks, case or spacing, in any word order."""
    key = name_key(a)
    if not key:
        return False
    return key == name_key(b) or _name_words(a) == _name_words(b)


def officers_with_service_number(value: str) -> Any:
    """Officers whose service number has the same key as `value`."""
    from backend.org.models import Officer

    return Officer.objects.alias(_cw_key=SERVICE_NUMBER_KEY).filter(_cw_key=service_number_key(value))


def officers_like(*, full_name: str, date_of_birth: date | None) -> Any:
    """Officers who look like the person described: the same name without marks, and the same birth date or a
    birth date missing on either side. search_name is fold(full_name): compared without its spaces."""
    from backend.org.models import Officer

    key = name_key(full_name)
    if not key:
        return Officer.objects.none()
    nospace = Replace(F("search_name"), Value(" "), Value(""))
    qs = Officer.objects.alias(_cw_name=nospace).filter(_cw_name=key)
    if date_of_birth is not None:
        qs = qs.filter(Q(date_of_birth=date_of_birth) | Q(date_of_birth__isnull=True))
    return qs


def officers_same_person(a: Any, b: Any) -> bool:
    """Whether two officer records may be one person: the same record, the same service number key, or
    look-alikes (same name without marks; same birth date, or one unknown)."""
    if a is None or b is None:
        return False
    if a.pk == b.pk or service_number_key(a.service_number) == service_number_key(b.service_number):
        return True
    if not name_key(a.full_name) or name_key(a.full_name) != name_key(b.full_name):
        return False
    return a.date_of_birth is None or b.date_of_birth is None or a.date_of_birth == b.date_of_birth


def officer_label(officer: Any) -> str:
    """How a refusal names an existing officer: rank, name, service number."""
    name = " ".join(p for p in (officer.rank, officer.full_name) if p)
    born = f", sinh ngày {officer.date_of_birth:%d/%m/%Y}" if officer.date_of_birth else ""
    return f"{name} (số hiệu {officer.service_number}{born}, mã #{officer.pk})"
