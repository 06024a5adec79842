"""Footage attached to a finding must show the violation: a tag whose moment lies outside the
finding's period (occurred_from .. occurred_to, or the instant) is not attached silently (issue 15).

The reviewer is told which time the footage shows and which period the finding has, and attaches it
only with a reason (at least REASON_MIN characters); the evidence item keeps the flag and the reason,
the custody entry and the audit event carry them, and the finding shows them to whoever decides."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from backend.core.errors import Conflict, DomainError

# Findings are entered to the minute: footage within a minute of the period still shows it.
SLACK = timedelta(seconds=60)
REASON_MIN = 10
REASON_MAX = 1000


@dataclass(frozen=True)
class Moment:
    start: datetime
    end: datetime


def tag_moment(tag: Any) -> Moment | None:
    """The clock time the tag shows (clip start + offsets); None when the clip has no start time."""
    started = tag.clip.started_at
    if started is None:
        return None
    return Moment(started + timedelta(seconds=tag.start_s), started + timedelta(seconds=tag.end_s))


def finding_period(finding: Any) -> Moment:
    return Moment(finding.occurred_from, finding.occurred_to or finding.occurred_from)


def outside(moment: Moment, period: Moment) -> bool:
    return moment.end < period.start - SLACK or moment.start > period.end + SLACK


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M:%S %d/%m/%Y")


def _span(m: Moment) -> str:
    return _local(m.start) if m.start == m.end else f"{_local(m.start)} – {_local(m.end)}"


def check_tag_period(*, tag: Any, finding: Any, reason: str) -> dict[str, Any] | None:
    """None when the tag's moment meets the finding's period (or the clip has no clock time: nothing
    to compare). Outside it: refuse (409 `outside_period`, both times in words) unless a reason is
    given; with one, what the evidence records about the mismatch."""
    moment = tag_moment(tag)
    if moment is None:
        return None
    period = finding_period(finding)
    if not outside(moment, period):
        return None
    text = " ".join((reason or "").split())
    vi_when = f"Đoạn hình ảnh ghi lúc {_span(moment)}, ngoài thời gian vi phạm của {finding.reference} ({_span(period)})."
    en_when = (f"The footage shows {moment.start.isoformat()} – {moment.end.isoformat()}, outside {finding.reference}'s "
               f"period ({period.start.isoformat()} – {period.end.isoformat()}).")
    if not text:
        raise Conflict(f"{vi_when} Chỉ gắn làm chứng cứ khi nêu lý do (ít nhất {REASON_MIN} ký tự).",
                       f"{en_when} Attach it only with a reason (at least {REASON_MIN} characters).",
                       code="outside_period")
    if len(text) < REASON_MIN or len(text) > REASON_MAX:
        raise DomainError(f"{vi_when} Lý do gắn chứng cứ ngoài thời gian vi phạm cần từ {REASON_MIN} đến "
                          f"{REASON_MAX} ký tự.",
                          f"{en_when} The reason must be {REASON_MIN} to {REASON_MAX} characters.",
                          code="reason_required", fields={"out_of_period_reason": ["length"]})
    return {"out_of_period": True, "reason": text, "moment_from": moment.start.isoformat(),
            "moment_to": moment.end.isoformat(), "period_from": period.start.isoformat(),
            "period_to": period.end.isoformat()}
