"""The API toolkit: the one owner of "parse a request parameter" (type and bounds), STYLE.md.

Every view reads its query string through `Query` (or the `parse_*` functions, for a raw value) and
every input serializer declares ids, dates and free text with the fields below, so that:

- ids are positive and fit the database's bigint (an id beyond it is a 400, never an overflow 500);
- dates and datetimes lie within EARLIEST..LATEST, so date arithmetic (`end + timedelta(days=1)`)
  and time-zone conversion (local -> UTC) of a parsed value cannot overflow;
- integers, booleans and choices have one spelling and one error each;
- free text has a length cap and is typed text (`backend.core.text.plain_text`: no control, bidi or
  zero-width characters, NFC): `PlainTextField` in bodies, `parse_text` in query strings;

A bad value is a `DomainError` (400) that names the parameter, Vietnamese first, English second.
"""
from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any, TypeAlias, overload

from django.utils import dateparse, timezone
from rest_framework import serializers
from rest_framework.request import Request

from backend.core.errors import DomainError
from backend.core.text import plain_text

MAX_ID = 2**63 - 1  # PostgreSQL bigint / SQLite INTEGER
EARLIEST = date(1900, 1, 1)
LATEST = date(2199, 12, 31)
RANGE_TEXT = f"{EARLIEST.isoformat()}..{LATEST.isoformat()}"

# Free-text caps for input serializers (characters).
LABEL_MAX = 300  # titles, names, labels, short references
REASON_MAX = 2000  # reasons and notes that go with one action
TEXT_MAX = 20000  # descriptions, summaries, report notes
SEARCH_MAX = 200  # a search box


def _invalid(name: str, vi: str, en: str, expected: str, code: str = "invalid_param") -> DomainError:
    return DomainError(f"Tham số {name} {vi}.", f"Parameter {name} {en}.", code=code, fields={name: [expected]})


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


# --- raw values -----------------------------------------------------------------------------------


def parse_int(value: Any, name: str, *, lo: int, hi: int) -> int | None:
    """An optional integer within [lo, hi]; blank is None."""
    if _blank(value):
        return None
    text = str(value).strip()
    digits = text[1:] if text[:1] in "+-" else text
    if not digits.isdecimal() or not digits.isascii() or len(digits) > 40:
        raise _invalid(name, "phải là số nguyên", "must be an integer", "integer")
    number = int(text)
    if not lo <= number <= hi:
        raise _invalid(name, f"phải từ {lo} đến {hi}", f"must be {lo}..{hi}", f"{lo}..{hi}")
    return number


def parse_id(value: Any, name: str) -> int | None:
    """An optional id: a positive integer that fits the database."""
    return parse_int(value, name, lo=1, hi=MAX_ID)


def _check_day(day: date, name: str) -> None:
    if not EARLIEST <= day <= LATEST:
        raise _invalid(name, f"phải trong khoảng {EARLIEST.isoformat()} đến {LATEST.isoformat()}",
                       f"must be within {RANGE_TEXT}", RANGE_TEXT, code="invalid_date")


def parse_date(value: Any, name: str) -> date | None:
    """An optional calendar date YYYY-MM-DD within EARLIEST..LATEST."""
    if _blank(value):
        return None
    try:
        day = date.fromisoformat(str(value).strip())
    except ValueError:
        raise _invalid(name, "phải là ngày dạng YYYY-MM-DD", "must be a date YYYY-MM-DD", "YYYY-MM-DD",
                       code="invalid_date") from None
    _check_day(day, name)
    return day


_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_datetime(value: Any, name: str, *, end_of_day: bool = False) -> datetime | None:
    """An optional ISO 8601 date or datetime, returned aware; naive values are local time
    (Asia/Ho_Chi_Minh); a bare date is its first instant (or its last, with `end_of_day`)."""
    if _blank(value):
        return None
    text = str(value).strip()
    parsed: datetime | None = None
    try:
        # A bare date first: Django's parse_datetime (datetime.fromisoformat) also takes "2026-11-27"
        # and makes it midnight, which would turn an inclusive "to" day into "before that day".
        day = dateparse.parse_date(text) if _DATE_ONLY.fullmatch(text) else None
        if day is not None:
            parsed = datetime.combine(day, time.max if end_of_day else time.min)
        else:
            parsed = dateparse.parse_datetime(text)
    except ValueError:
        parsed = None
    if parsed is None:
        raise _invalid(name, "phải là ngày hoặc thời điểm ISO 8601", "must be an ISO 8601 date or datetime",
                       "ISO 8601", code="invalid_date")
    _check_day(parsed.date(), name)
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=timezone.get_default_timezone())
    return parsed


def parse_bool(value: Any, name: str) -> bool | None:
    if _blank(value):
        return None
    lowered = str(value).strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise _invalid(name, "phải là true hoặc false", "must be true or false", "true|false")


def parse_choice(value: Any, name: str, choices: Iterable[str]) -> str | None:
    if _blank(value):
        return None
    allowed = [str(c) for c in choices]
    if str(value) not in allowed:
        raise DomainError(f"Tham số {name} phải là một trong: {', '.join(allowed)}.",
                          f"Parameter {name} must be one of: {', '.join(allowed)}.", code="invalid_param",
                          fields={name: allowed})
    return str(value)


def parse_uuid(value: Any, name: str) -> uuid.UUID | None:
    if _blank(value):
        return None
    try:
        return uuid.UUID(str(value).strip())
    except ValueError:
        raise _invalid(name, "phải là mã UUID", "must be a UUID", "UUID") from None


def parse_text(value: Any, name: str, *, max_length: int = SEARCH_MAX, one_line: bool = True) -> str:
    """Free text from the query string (or a form field read by hand) ('' when absent) as typed text
    (`plain_text`; on one line unless `one_line=False`), at most max_length characters."""
    text = "" if value is None else plain_text(str(value), one_line=one_line)
    if len(text) > max_length:
        raise _invalid(name, f"dài tối đa {max_length} ký tự", f"must be at most {max_length} characters",
                       f"<= {max_length} characters")
    return text


def day_start(day: date) -> datetime:
    """The first instant of a local calendar day."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


def day_range(start: date | None, end: date | None) -> tuple[datetime | None, datetime | None]:
    """Inclusive local days [start, end] as the half-open instants [start 00:00, end+1 00:00).
    Safe for any date the parsers above accept (LATEST + 1 day is still a date)."""
    return (day_start(start) if start else None,
            day_start(end + timedelta(days=1)) if end else None)


# --- the query string -----------------------------------------------------------------------------


# Query's methods are named after the types they return; inside the class those names are the methods.
_Int: TypeAlias = int
_Bool: TypeAlias = bool
_Date: TypeAlias = date
_DateTime: TypeAlias = datetime
_UUID: TypeAlias = uuid.UUID


class Query:
    """`q = Query(request)`, then `q.id("unit")`, `q.date("from")`, `q.day_range()`...
    Each method returns None (or '' for text) when the parameter is absent or blank."""

    def __init__(self, source: Request | Mapping[str, Any]) -> None:
        self.params: Mapping[str, Any] = source.query_params if isinstance(source, Request) else source

    def raw(self, name: str) -> Any:
        return self.params.get(name)

    def id(self, name: str) -> _Int | None:
        return parse_id(self.raw(name), name)

    @overload
    def int(self, name: str, *, lo: _Int, hi: _Int) -> _Int | None: ...
    @overload
    def int(self, name: str, *, lo: _Int, hi: _Int, default: _Int) -> _Int: ...

    def int(self, name: str, *, lo: _Int, hi: _Int, default: _Int | None = None) -> _Int | None:
        number = parse_int(self.raw(name), name, lo=lo, hi=hi)
        return default if number is None else number

    def date(self, name: str) -> _Date | None:
        return parse_date(self.raw(name), name)

    def datetime(self, name: str, *, end_of_day: _Bool = False) -> _DateTime | None:
        return parse_datetime(self.raw(name), name, end_of_day=end_of_day)

    @overload
    def bool(self, name: str) -> _Bool | None: ...
    @overload
    def bool(self, name: str, *, default: _Bool) -> _Bool: ...

    def bool(self, name: str, *, default: _Bool | None = None) -> _Bool | None:
        flag = parse_bool(self.raw(name), name)
        return default if flag is None else flag

    def choice(self, name: str, choices: Iterable[str]) -> str | None:
        return parse_choice(self.raw(name), name, choices)

    def uuid(self, name: str) -> _UUID | None:
        return parse_uuid(self.raw(name), name)

    def text(self, name: str, *, max_length: _Int = SEARCH_MAX) -> str:
        return parse_text(self.raw(name), name, max_length=max_length)

    def day_range(self, start: str = "from", end: str = "to") -> tuple[_DateTime | None, _DateTime | None]:
        """Two inclusive date parameters as local half-open instants (see `day_range`)."""
        return day_range(self.date(start), self.date(end))


# --- request bodies -------------------------------------------------------------------------------


class IdField(serializers.IntegerField):
    """An id in a request body: 1..MAX_ID."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


def _range_message() -> str:
    return (f"Ngày phải trong khoảng {EARLIEST.isoformat()} đến {LATEST.isoformat()} "
            f"(the date must be within {RANGE_TEXT}).")


class DateField(serializers.DateField):
    """A date in a request body, within EARLIEST..LATEST."""

    def to_internal_value(self, value: Any) -> date:
        day = super().to_internal_value(value)
        if not EARLIEST <= day <= LATEST:
            raise serializers.ValidationError(_range_message(), code="date_range")
        return day


class DateTimeField(serializers.DateTimeField):
    """A datetime in a request body whose calendar date is within EARLIEST..LATEST, so that it can be
    converted to UTC and shifted by days without overflow."""

    def to_internal_value(self, value: Any) -> datetime:
        if isinstance(value, str):
            try:
                wall = dateparse.parse_datetime(value.strip())
            except ValueError:
                wall = None  # not a datetime at all: the parent field says so
            if wall is not None and not EARLIEST <= wall.date() <= LATEST:
                raise serializers.ValidationError(_range_message(), code="date_range")
        moment = super().to_internal_value(value)
        if not EARLIEST <= moment.date() <= LATEST:
            raise serializers.ValidationError(_range_message(), code="date_range")
        return moment


class AwareDateTimeField(DateTimeField):
    """A DateTimeField that refuses a time without a zone (offset or Z) instead of reading it as local time:
    for instants where guessing the zone would move footage by hours (a clip's corrected start time)."""

    def to_internal_value(self, value: Any) -> datetime:
        if isinstance(value, str):
            try:
                parsed = dateparse.parse_datetime(value.strip())
            except ValueError:
                parsed = None
            if parsed is not None and timezone.is_naive(parsed):
                raise serializers.ValidationError(
                    "Thời điểm phải có múi giờ (ví dụ +07:00) / The time must include a time zone (e.g. +07:00).",
                    code="naive_datetime")
        return super().to_internal_value(value)


class PlainTextField(serializers.CharField):
    """Free text in a request body, as typed text (`backend.core.text.plain_text`): control, bidi,
    zero-width and private-use characters are dropped and the text is stored in NFC. Line breaks stay
    unless `one_line` (titles, names: every run of blanks becomes one space). Text that was only such
    characters is blank (refused unless `allow_blank`)."""

    def __init__(self, *, one_line: bool = False, **kwargs: Any) -> None:
        self.one_line = one_line
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        text = plain_text(super().to_internal_value(data), one_line=self.one_line)
        if text == "" and not self.allow_blank:
            raise serializers.ValidationError(
                "Nội dung chỉ gồm ký tự không hiển thị, coi như bỏ trống "
                "(the text holds only characters that show nothing).", code="blank")
        return text


class TextDictField(serializers.DictField):
    """A free-form object in a body (one row of a list) whose named keys, when present, are typed text
    (`plain_text`) of at most their cap — e.g. `TextDictField(caps={"note": REASON_MAX})`; other keys
    pass as given."""

    def __init__(self, *, caps: Mapping[str, int], one_line: Iterable[str] = (), **kwargs: Any) -> None:
        self.caps = dict(caps)
        self.one_line = set(one_line)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        value = dict(super().to_internal_value(data))
        for key, cap in self.caps.items():
            if value.get(key) is None:
                continue
            text = plain_text(str(value[key]), one_line=key in self.one_line)
            if len(text) > cap:
                raise serializers.ValidationError(
                    {key: [f"Tối đa {cap} ký tự (at most {cap} characters)."]}, code="max_length")
            value[key] = text
        return value
