"""What the org services share: range checks, the reason a correction needs, and local days."""
from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone

from backend.core.errors import DomainError


def _check_range(valid_from: date, valid_to: date | None) -> None:
    if valid_to is not None and valid_to < valid_from:
        raise DomainError("Ngày kết thúc phải sau ngày bắt đầu.",
                          "valid_to must not be before valid_from.", code="invalid_period",
                          fields={"valid_to": ["before valid_from"]})


REASON_MIN = 5


def _clean_reason(reason: str | None) -> str:
    return " ".join((reason or "").split())


def _require_reason(reason: str, *, vi: str, en: str) -> None:
    if len(reason) < REASON_MIN:
        raise DomainError(f"{vi} Cần nêu lý do (ít nhất {REASON_MIN} ký tự).",
                          f"{en} A reason is required (at least {REASON_MIN} characters).",
                          code="reason_required", fields={"reason": ["required"]})


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _d(day: date) -> str:
    return f"{day:%d/%m/%Y}"
