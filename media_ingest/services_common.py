"""What the ingest services share: the system actor's name and loading a clip."""
from __future__ import annotations

from backend.core import actors
from media_ingest.models import Clip

SYSTEM = actors.SYSTEM  # kept as a name here: callers import it from this module


def _load(clip_id: int) -> Clip:
    return Clip.objects.select_related("camera__counter").get(pk=clip_id)
