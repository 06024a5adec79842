"""Repeated footage accesses in the custody log (issue 15).

Every playback or download URL issued is custody and stays logged, but a reviewer scrubbing a clip
(or a script) asked for a URL again and again and wrote one row each time, thousands of identical
rows that buried the real entries. Now a repeat of the same access (same person, clip, action,
object, purpose, address and browser) within CUSTODY_REPEAT_SECONDS of the last one is counted on
that entry (`count`, first time `at`, last time `last_at`) instead of a new row; each repeat still
writes its own event to the hash-chained audit trail, so nothing is dropped. An entry stops taking
repeats after CUSTODY_REPEAT_MAX_SPAN_SECONDS, so a day of work reads as sittings, not one line.

Issuing URLs is also limited per person (PLAYBACK_THROTTLE_RATE, default 60/min): past it the
server answers 429 with a Vietnamese message saying when to retry."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q
from rest_framework.throttling import UserRateThrottle

from backend.audit.services import audit_record
from backend.core.actors import Actor, actor_user
from backend.core.errors import DomainError
from media_ingest.review.models import AccessLog


def repeat_of(*, user: Actor, clip: Any, action: str, object_key: str | None, reason: str, ip: str | None,
              user_agent: str, variant: str | None, now: datetime) -> AccessLog | None:
    """The entry this access repeats, locked for the update; None when it is a new access. `object_key`
    and `variant` None: any (the stills of a clip shown in one sitting, see _stills_log)."""
    person = actor_user(user)
    if person is None:
        return None
    window = timedelta(seconds=int(settings.CUSTODY_REPEAT_SECONDS))
    if window <= timedelta(0):
        return None
    since = now - window
    span_start = now - timedelta(seconds=int(settings.CUSTODY_REPEAT_MAX_SPAN_SECONDS))
    same: dict[str, str] = {} if variant is None else {"detail__variant": variant}
    if object_key is not None:
        same["object_key"] = object_key
    return (AccessLog.objects.select_for_update()
            .filter(user=person, clip=clip, action=action, reason=reason, ip=ip or None,
                    user_agent=(user_agent or "")[:300], at__gte=span_start, **same)
            .filter(Q(last_at__gte=since) | Q(last_at__isnull=True, at__gte=since))
            .order_by("-at", "-id").first())


def count_repeat(*, log: AccessLog, user: Actor, now: datetime, expires_at: datetime) -> AccessLog:
    """Count one more access on `log` and write its own audit event (call inside the transaction)."""
    log.count += 1
    log.last_at = now
    log.expires_at = expires_at
    log.save(update_fields=["count", "last_at", "expires_at"])
    audit_record(actor=user, verb=f"footage.{log.action}", obj=log,
                 payload={"clip": log.clip_id, "finding": log.finding_id, "key": log.object_key,
                          "reason": log.reason, "ip": log.ip,
                          "repeat_of": log.pk, "count": log.count, "expires_at": expires_at.isoformat()})
    return log


class TooManyPlaybacks(DomainError):
    status = 429


class PlaybackThrottle(UserRateThrottle):
    """PLAYBACK_THROTTLE_RATE URLs per person (DRF's cache: per process embedded, Redis when scaled)."""

    scope = "playback"

    def get_rate(self) -> str | None:
        return str(settings.PLAYBACK_THROTTLE_RATE) or None


def playback_refused(wait: float | None) -> TooManyPlaybacks:
    seconds = max(1, int(wait or 1))
    return TooManyPlaybacks(
        f"Đồng chí đã yêu cầu quá nhiều liên kết xem hình ảnh trong thời gian ngắn (giới hạn "
        f"{settings.PLAYBACK_THROTTLE_RATE}). Mỗi lần xem đều được ghi vào nhật ký lưu giữ; hãy thử lại sau "
        f"{seconds} giây.",
        f"Too many playback links requested in a short time (limit {settings.PLAYBACK_THROTTLE_RATE}). Every "
        f"viewing is logged in the custody log; try again in {seconds} s.",
        code="playback_throttled", detail={"retry_after": seconds})
