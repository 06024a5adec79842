"""Real footage from ../shared/footage indexed through the Django pipeline (skipped without it)."""
from __future__ import annotations

from typing import Any

import pytest

from media_ingest import services_discovery, services_indexing
from media_ingest.discovery import ObjectRef
from media_ingest.models import Clip

from ..conftest import SHARED_FOOTAGE

pytestmark = [
    pytest.mark.footage,
    pytest.mark.skipif(not SHARED_FOOTAGE.is_dir(),
                       reason=f"real footage folder {SHARED_FOOTAGE} is absent (it is never committed)"),
]


def _index(store: Any, key: str, name: str) -> Clip:
    info = store.put_file(key, SHARED_FOOTAGE / name, "video/mp4")
    ref = ObjectRef(bucket=store.bucket, key=key, size=info.size, etag=info.etag, version=info.version)
    clip = services_discovery.clip_discover(ref=ref, source=Clip.Source.RECONCILE).clip
    assert clip is not None
    services_indexing.clip_index(clip_id=clip.pk)
    clip.refresh_from_db()
    return clip


def test_counter_visits_show_people_coming_and_going(demo: Any, store: Any) -> None:
    """People come one at a time to a standing table: separate presence periods (6 found), no
    tamper, activity while they move."""
    clip = _index(store, "footage/counter-visits.mp4", "counter-visits.mp4")
    assert clip.state == Clip.State.INDEXED, clip.error_en
    assert clip.duration_s == pytest.approx(139, abs=2) and (clip.width, clip.height) == (768, 432)
    presence = list(clip.events.filter(kind="presence").order_by("start_s"))
    assert len(presence) >= 3, [(e.start_s, e.end_s) for e in presence]
    assert all(e.zone == "scene" for e in presence)
    assert not clip.events.filter(kind="tamper").exists()
    assert sum(1 for v in clip.activity if v > 0) > 10
    assert clip.poster_key and clip.sprite_key and clip.vtt_key and clip.proxy_key == ""


def test_street_traffic_bursts_match_presence_and_no_tamper(demo: Any, store: Any) -> None:
    """The README calls the traffic continuous; the pixels show three passing bursts (raw frame
    differencing agrees). Each presence period must sit on a burst of activity; a busy road is
    never mistaken for tampering."""
    clip = _index(store, "footage/street-traffic.mp4", "street-traffic.mp4")
    assert clip.state == Clip.State.INDEXED, clip.error_en
    assert not clip.events.filter(kind="tamper").exists()
    presence = list(clip.events.filter(kind="presence").order_by("start_s"))
    assert len(presence) >= 2
    for event in presence:
        inside = clip.activity[int(event.start_s):int(event.end_s) + 1]
        assert max(inside) > 0.03, (event.start_s, event.end_s, inside)
    assert min(clip.activity) == 0.0  # quiet road between the bursts


@pytest.mark.parametrize("name", ["person-at-desk-1.mkv", "person-at-desk-2.mkv"])
def test_short_desk_clips_are_indexed(demo: Any, store: Any, name: str) -> None:
    clip = _index(store, f"footage/{name}", name)
    assert clip.state == Clip.State.INDEXED, clip.error_en
    assert clip.container == "matroska,webm" and clip.duration_s is not None and 1.5 <= clip.duration_s <= 4
    assert clip.poster_key
