"""The worker lease: on PostgreSQL the indexing run holds a session advisory lock on the clip, so a
worker that dies (kill -9, lost machine, broken DB connection) frees it at once and its clip can
be taken over, instead of waiting STALE_INDEXING. Other databases keep the age rule only."""
from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from media_ingest.models import Clip
from media_ingest.services_common import _load
from media_ingest.services_messages import _broadcast

log = logging.getLogger(__name__)


_LEASE_NS = 0x43570001


def _lease_supported() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def _lease_take(clip_id: int) -> bool:
    if not _lease_supported():
        return True
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_LEASE_NS, clip_id])
        return bool(cursor.fetchone()[0])


def _lease_drop(clip_id: int) -> None:
    if not _lease_supported():
        return
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_LEASE_NS, clip_id])
    except Exception:  # noqa: BLE001 - a dead connection already released the lock
        log.warning("could not release the lease of clip %s (connection lost?)", clip_id)


def _claim(clip_id: int) -> Clip | None:
    """discovered -> indexing, atomically. None when another run has it or there is nothing to do.

    With a lease (PostgreSQL), an `indexing` clip is taken over too: holding its lease proves the
    run that claimed it is gone (killed worker, redelivered message)."""
    now = timezone.now()
    states = [Clip.State.DISCOVERED]
    if _lease_supported():
        states.append(Clip.State.INDEXING)
    with transaction.atomic():
        updated = Clip.objects.filter(pk=clip_id, state__in=states).update(
            state=Clip.State.INDEXING, progress=0.0, attempts=F("attempts") + 1, indexing_started_at=now)
        if not updated:
            return None
        clip = _load(clip_id)
        _broadcast(clip, "clip.progress")
    return clip


def _release(clip_id: int) -> None:
    """Back to `discovered` so the retry of the same task can claim it again."""
    Clip.objects.filter(pk=clip_id, state=Clip.State.INDEXING).update(state=Clip.State.DISCOVERED,
                                                                      progress=0.0,
                                                                      indexing_started_at=timezone.now())
