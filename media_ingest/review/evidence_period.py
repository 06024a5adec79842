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


def item_moment(item: Any) -> Moment | None:
    """The clock time an evidence item shows: its frozen copy of the tag (clip start + offsets); None
    for an uploaded file or a clip without a start time."""
    clip = item.clip
    if clip is None or clip.started_at is None or item.start_s is None:
        return None
    end_s = item.end_s if item.end_s is not None else item.start_s
    return Moment(clip.started_at + timedelta(seconds=item.start_s), clip.started_at + timedelta(seconds=end_s))


def evidence_out_of_period(item: Any, finding: Any | None = None) -> bool:
    """The flag the evidence list and the finding page show, against the finding's *current* period
    (it may have been edited after the footage was attached); without a clock time to compare, whether
    a reason was recorded."""
    moment = item_moment(item)
    if moment is None:
        return bool(item.out_of_period_reason)
    return outside(moment, finding_period(finding if finding is not None else item.finding))


def _reason(reason: str, vi_when: str, en_when: str, *, ask_vi: str, ask_en: str,
            detail: dict[str, Any] | None = None) -> str:
    """The reason that lets footage stand outside the period: none -> 409 outside_period (what lies
    outside, in words); too short or too long -> 400 reason_required."""
    text = " ".join((reason or "").split())
    if not text:
        raise Conflict(f"{vi_when} {ask_vi} (ít nhất {REASON_MIN} ký tự).",
                       f"{en_when} {ask_en} (at least {REASON_MIN} characters).",
                       code="outside_period", detail=detail)
    if len(text) < REASON_MIN or len(text) > REASON_MAX:
        raise DomainError(f"{vi_when} Lý do gắn chứng cứ ngoài thời gian vi phạm cần từ {REASON_MIN} đến "
                          f"{REASON_MAX} ký tự.",
                          f"{en_when} The reason must be {REASON_MIN} to {REASON_MAX} characters.",
                          code="reason_required", fields={"out_of_period_reason": ["length"]})
    return text


def _record(moment: Moment, period: Moment, text: str) -> dict[str, Any]:
    return {"out_of_period": True, "reason": text, "moment_from": moment.start.isoformat(),
            "moment_to": moment.end.isoformat(), "period_from": period.start.isoformat(),
            "period_to": period.end.isoformat()}


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
    vi_when = f"Đoạn hình ảnh ghi lúc {_span(moment)}, ngoài thời gian vi phạm của {finding.reference} ({_span(period)})."
    en_when = (f"The footage shows {moment.start.isoformat()} – {moment.end.isoformat()}, outside {finding.reference}'s "
               f"period ({period.start.isoformat()} – {period.end.isoformat()}).")
    text = _reason(reason, vi_when, en_when, ask_vi="Chỉ gắn làm chứng cứ khi nêu lý do",
                   ask_en="Attach it only with a reason")
    return _record(moment, period, text)


def check_period_change(*, finding: Any, items: list[Any], reason: str) -> list[tuple[Any, dict[str, Any]]]:
    """The same rule when the finding's period is edited (`finding` carries the new period, unsaved):
    footage evidence that met the old period and lies outside the new one refuses the edit (409
    `outside_period`, each item with its time) unless a reason is given; with one, each such item and
    what it records. Items that already carry a reason were attached knowingly outside and keep it."""
    period = finding_period(finding)
    hits = [(item, m) for item in items
            if (m := item_moment(item)) is not None and not item.out_of_period_reason and outside(m, period)]
    if not hits:
        return []
    vi_items = "; ".join(f"chứng cứ #{item.pk} ghi lúc {_span(m)}" for item, m in hits)
    en_items = "; ".join(f"evidence #{item.pk} shows {m.start.isoformat()} – {m.end.isoformat()}" for item, m in hits)
    vi_when = (f"Thời gian vi phạm mới của {finding.reference} ({_span(period)}) không chứa đoạn hình ảnh đã gắn "
               f"làm chứng cứ: {vi_items}.")
    en_when = (f"{finding.reference}'s new period ({period.start.isoformat()} – {period.end.isoformat()}) leaves "
               f"attached footage outside it: {en_items}.")
    text = _reason(reason, vi_when, en_when, ask_vi="Chỉ đổi thời gian vi phạm khi nêu lý do",
                   ask_en="Change the period only with a reason",
                   detail={"evidence": [item.pk for item, _ in hits]})
    return [(item, _record(m, period, text)) for item, m in hits]
