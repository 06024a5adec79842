"""Consecutive clips of a camera: the background model carries over, so an officer already
sitting still when a clip starts is present (one clip alone cannot tell them from the wall)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from media_ingest import services_discovery, services_indexing
from media_ingest.discovery import ObjectRef
from media_ingest.models import Clip


def _scene(officer: tuple[tuple[float, float], ...]) -> Any:
    from media_ingest.vision import synth

    return synth.Scenario(duration=20.0, fps=10, width=320, height=180,
                          zones=(synth.OFFICER_ZONE, synth.CITIZEN_ZONE),
                          actors=(synth.Actor("officer", "officer", (0.14, 0.32, 0.32, 0.78), officer,
                                              (150, 70, 35)),))


def _ingest(store: Any, key: str, path: Path) -> Clip:
    info = store.put_file(key, path, "video/mp4")
    ref = ObjectRef(bucket=store.bucket, key=key, size=info.size, etag=info.etag, version=info.version)
    clip = services_discovery.clip_discover(ref=ref, source=Clip.Source.RECONCILE).clip
    assert clip is not None
    services_indexing.clip_index(clip_id=clip.pk)
    clip.refresh_from_db()
    return clip


def test_the_next_clip_starts_from_the_previous_background(camera: Any, store: Any, tmp_path: Path) -> None:
    from media_ingest.vision import synth

    arrives = synth.write_clip(tmp_path / "a.mp4", _scene(((2.0, 20.0),)), seed=5)
    stays = synth.write_clip(tmp_path / "b.mp4", _scene(((0.0, 20.0),)), seed=5)

    # alone, the officer sitting still from the first frame is part of the background
    alone = _ingest(store, "CAM-TC-01/2026/04/01/070000.mp4", stays.path)
    assert not alone.events.filter(kind="presence", zone="officer").exists()

    first = _ingest(store, "CAM-TC-01/2026/04/01/080000.mp4", arrives.path)
    assert first.background_key.endswith("/background.png")
    assert first.events.filter(kind="presence", zone="officer").exists()
    second = _ingest(store, "CAM-TC-01/2026/04/01/080020.mp4", stays.path)
    assert second.analysis_params.get("background_from_clip") == first.pk
    presence = list(second.events.filter(kind="presence", zone="officer"))
    assert len(presence) == 1 and presence[0].start_s <= 1.0 and presence[0].end_s >= 19.0
    assert not second.events.filter(kind="officer_absent").exists()
