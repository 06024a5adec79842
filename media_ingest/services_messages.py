"""What goes out about a clip: its message and topics, and the broadcast. (The words of a vision failure come
from its code: media_ingest.vision.errors.MESSAGES.)"""
from __future__ import annotations

from typing import Any

from backend.core.events import broadcast_on_commit
from media_ingest.models import Clip


def clip_message(clip: Clip) -> dict[str, Any]:
    """The `clip` part of websocket messages (ids and plain values only)."""
    camera = clip.camera
    return {
        "id": clip.pk,
        "key": clip.key,
        "camera": camera.code if camera else None,
        "camera_id": clip.camera_id,
        "state": clip.state,
        "progress": round(clip.progress, 3),
        "started_at": clip.started_at.isoformat() if clip.started_at else None,
        "duration_s": clip.duration_s,
        "error": clip.error,
        "error_en": clip.error_en,
        "error_code": clip.error_code,
        "error_params": clip.error_params,
        "unassigned_reason": clip.unassigned_reason,
        "analysis_version": clip.analysis_version,
        "events": clip.event_count,
    }


def clip_topics(clip: Clip) -> list[str]:
    topics = [f"clip:{clip.pk}"]
    if clip.camera is not None:
        topics.append(f"camera:{clip.camera.code}")
        topics.append(f"unit:{clip.camera.counter.unit_id}")
    return topics


def _broadcast(clip: Clip, kind: str) -> None:
    broadcast_on_commit(clip_topics(clip), {"type": kind, "clip": clip_message(clip)})
