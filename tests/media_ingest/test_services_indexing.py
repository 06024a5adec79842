"""Discovery and indexing services on the real database and the local store."""
from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from backend.core.actors import SystemActor
from backend.core.errors import DomainError
from backend.core.store import derived_key
from media_ingest import services_admin, services_discovery, services_indexing, services_reconcile
from media_ingest.discovery import ObjectRef
from media_ingest.models import Clip, ClipEvent
from media_ingest.vision import ANALYSIS_VERSION, probe, sha256_file

KEY = "CAM-TC-01/2026/04/01/083000.mp4"


def ref_for(store: Any, key: str) -> ObjectRef:
    info = store.stat(key)
    return ObjectRef(bucket=store.bucket, key=key, size=info.size, etag=info.etag, version=info.version)


def discover(store: Any, key: str, source: str = Clip.Source.WEBHOOK) -> Clip:
    result = services_discovery.clip_discover(ref=ref_for(store, key), source=source)
    assert result.clip is not None
    return result.clip


def test_discover_parses_the_key_convention(camera: Any, store: Any, put_file: Any, counter_clip: Any,
                                            django_capture_on_commit_callbacks: Any) -> None:
    put_file(KEY, counter_clip.path)
    with django_capture_on_commit_callbacks() as callbacks:
        clip = discover(store, KEY)
    assert clip.camera_id == camera.pk
    assert clip.unassigned_reason == ""
    # 08:30 in Asia/Ho_Chi_Minh is 01:30 UTC
    assert clip.started_at == datetime(2026, 4, 1, 1, 30, tzinfo=UTC)
    assert clip.state == Clip.State.DISCOVERED
    assert clip.size_bytes == counter_clip.path.stat().st_size
    assert len(callbacks) == 2  # the index job and the clip.discovered broadcast


@pytest.mark.parametrize(("key", "reason_part"), [
    ("uploads/random-name.mp4", "does not follow"),
    ("CAM-XX-99/2026/04/01/083000.mp4", "no camera with code CAM-XX-99"),
    ("CAM-TC-01/2026/02/30/083000.mp4", "not a real date"),
    ("CAM-TC-01/2026/04/01/083000.txt", "not a video extension"),
])
def test_keys_off_the_convention_are_unassigned(demo: Any, store: Any, put_file: Any, counter_clip: Any,
                                                key: str, reason_part: str) -> None:
    put_file(key, counter_clip.path)
    clip = discover(store, key)
    assert clip.camera is None
    assert reason_part in clip.unassigned_reason


def test_derived_keys_are_never_clips(demo: Any, store: Any, put_file: Any, counter_clip: Any) -> None:
    key = derived_key(KEY, "9/poster.jpg")
    put_file(key, counter_clip.path)
    assert services_discovery.clip_discover(ref=ref_for(store, key), source=Clip.Source.RECONCILE).clip is None
    assert not Clip.objects.exists()


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1.0


def test_index_finds_every_event_kind_within_one_second(camera: Any, store: Any, app_store: Any, put_file: Any,
                                                        counter_clip: Any, fast_rules: Any) -> None:
    put_file(KEY, counter_clip.path)
    clip = discover(store, KEY)
    assert services_indexing.clip_index(clip_id=clip.pk) == Clip.State.INDEXED
    clip.refresh_from_db()
    events = list(clip.events.order_by("start_s"))
    found = {(e.kind, e.zone, (e.detail or {}).get("subtype")) for e in events}
    for truth in counter_clip.truth:
        matches = [e for e in events if e.kind == truth.kind and e.zone == truth.zone
                   and (e.detail or {}).get("subtype") == truth.detail
                   and _close(e.start_s, truth.start) and _close(e.end_s, truth.end)]
        assert matches, f"{truth} not found within ±1 s in {found}"
    assert len(events) == len(counter_clip.truth)
    assert {e.kind for e in events} == {"presence", "officer_absent", "unattended", "tamper"}
    assert clip.event_count == len(events)
    sha, size = sha256_file(counter_clip.path)
    assert (clip.sha256, clip.size_bytes) == (sha, size)
    assert clip.analysis_version == ANALYSIS_VERSION
    assert clip.analysis_params == fast_rules
    assert clip.duration_s == pytest.approx(76.0, abs=0.2)
    assert (clip.width, clip.height, clip.codec) == (320, 180, "h264")
    assert len(clip.activity) == math.ceil(clip.duration_s or 0)
    assert max(clip.activity) > 0 and all(0.0 <= v <= 1.0 for v in clip.activity)
    assert clip.progress == 1.0 and clip.indexed_at is not None and clip.error == ""
    # derivatives keyed by clip and kind, in the app's own store; the footage bucket holds the upload only
    for key in (clip.poster_key, clip.sprite_key, clip.vtt_key):
        assert key.startswith(f"{KEY}.derived/{clip.pk}/")
        with app_store.open(key) as fh:
            assert fh.read(16)
    with app_store.open(clip.vtt_key) as fh:
        assert fh.read().decode().startswith("WEBVTT")
    assert clip.proxy_key == ""  # the source is H.264 already
    assert all(e.thumbnail_key and app_store.stat(e.thumbnail_key).size > 0 for e in events)
    assert [i.key for i in store.list()] == [KEY]


def test_no_zones_means_scene_presence_for_a_person_standing_still(
        demo: Any, store: Any, put_file: Any, mpeg4_clip: Any) -> None:
    key = "loose/still.mp4"
    put_file(key, mpeg4_clip.path)
    clip = discover(store, key)
    assert services_indexing.clip_index(clip_id=clip.pk) == Clip.State.INDEXED
    presence = list(ClipEvent.objects.filter(clip=clip, kind="presence"))
    assert [(e.zone, round(e.start_s), round(e.end_s)) for e in presence] == [("scene", 5, 7)]


def test_a_non_h264_source_gets_a_browser_playable_proxy(demo: Any, store: Any, app_store: Any, put_file: Any,
                                                         mpeg4_clip: Any, tmp_path: Path) -> None:
    key = "loose/still.mp4"
    put_file(key, mpeg4_clip.path)
    clip = discover(store, key)
    services_indexing.clip_index(clip_id=clip.pk)
    clip.refresh_from_db()
    assert clip.codec == "mpeg4"
    assert clip.proxy_key.endswith("/proxy.mp4")
    assert clip.playable_key == clip.proxy_key
    local = tmp_path / "proxy.mp4"
    app_store.download(clip.proxy_key, local)
    info = probe(local)
    assert info.codec == "h264" and info.pix_fmt == "yuv420p"
    assert info.duration == pytest.approx(12.0, abs=0.5)
    head = local.read_bytes()[:4096]
    assert head.find(b"moov") != -1 and head.find(b"moov") < max(head.find(b"mdat"), 4096)  # faststart


def test_same_object_twice_is_one_clip_and_one_index(camera: Any, store: Any, put_file: Any,
                                                     counter_clip: Any) -> None:
    put_file(KEY, counter_clip.path)
    first = services_discovery.clip_discover(ref=ref_for(store, KEY), source=Clip.Source.WEBHOOK)
    again = services_discovery.clip_discover(ref=ref_for(store, KEY), source=Clip.Source.RECONCILE)
    assert first.created and not again.created and first.clip == again.clip
    assert Clip.objects.count() == 1
    assert first.clip is not None
    assert services_indexing.clip_index(clip_id=first.clip.pk) == Clip.State.INDEXED
    n_events = ClipEvent.objects.count()
    assert first.clip is not None
    assert services_indexing.clip_index(clip_id=first.clip.pk) == "skipped"  # a duplicate job is a no-op
    assert ClipEvent.objects.count() == n_events
    assert Clip.objects.get().attempts == 1


def test_a_new_version_of_the_same_key_is_a_new_clip(camera: Any, store: Any, put_file: Any,
                                                      counter_clip: Any, mpeg4_clip: Any) -> None:
    put_file(KEY, counter_clip.path)
    old = discover(store, KEY)
    put_file(KEY, mpeg4_clip.path)  # overwritten before the old version was indexed
    new = discover(store, KEY)
    assert old.pk != new.pk and old.version_id != new.version_id
    assert services_indexing.clip_index(clip_id=old.pk) == Clip.State.FAILED
    old.refresh_from_db()
    assert "replaced" in old.error_en and old.error
    assert services_indexing.clip_index(clip_id=new.pk) == Clip.State.INDEXED


def test_assigning_a_camera_requeues_with_its_zones(demo: Any, store: Any, put_file: Any,
                                                    counter_clip: Any, fast_rules: Any,
                                                    django_capture_on_commit_callbacks: Any) -> None:
    from backend.org.models import Camera

    key = "inbox/recording-0001.mp4"
    put_file(key, counter_clip.path)
    clip = discover(store, key)
    services_indexing.clip_index(clip_id=clip.pk)
    assert set(clip.events.values_list("zone", flat=True)) <= {"scene"}
    camera = Camera.objects.get(code="CAM-ND-01")
    with pytest.raises(DomainError) as err:
        services_admin.clip_assign_camera(clip=clip, camera=camera, started_at=None, by=SystemActor("admin"))
    assert err.value.code == "started_at_required"
    when = datetime(2026, 4, 2, 2, 0, tzinfo=UTC)
    with django_capture_on_commit_callbacks() as callbacks:
        clip = services_admin.clip_assign_camera(clip=clip, camera=camera, started_at=when, by=SystemActor("admin"))
    assert len(callbacks) == 2
    assert (clip.camera_id, clip.started_at, clip.state, clip.unassigned_reason) == (
        camera.pk, when, Clip.State.DISCOVERED, "")
    services_indexing.clip_index(clip_id=clip.pk)
    assert {"officer", "citizen"} <= set(clip.events.values_list("zone", flat=True))


def test_reindex_outdated_only_touches_older_versions(camera: Any, store: Any, put_file: Any,
                                                      counter_clip: Any) -> None:
    put_file(KEY, counter_clip.path)
    clip = discover(store, KEY)
    services_indexing.clip_index(clip_id=clip.pk)
    assert services_admin.clips_reindex_outdated(current_version=ANALYSIS_VERSION) == []
    Clip.objects.filter(pk=clip.pk).update(analysis_version="cw-vision-0")
    assert services_admin.clips_reindex_outdated(current_version=ANALYSIS_VERSION) == [clip.pk]
    assert services_indexing.clip_index(clip_id=clip.pk) == Clip.State.INDEXED
    clip.refresh_from_db()
    assert clip.analysis_version == ANALYSIS_VERSION and clip.attempts == 2


def test_an_orphaned_indexing_clip_is_taken_back(camera: Any, store: Any, put_file: Any,
                                                 counter_clip: Any) -> None:
    """A clip left `indexing` by a worker that died: PostgreSQL sees the run's lease is free and
    takes it over at once; other databases wait for the age rule (the stale requeue)."""
    from datetime import timedelta

    from django.db import connection
    from django.utils import timezone

    put_file(KEY, counter_clip.path)
    clip = discover(store, KEY)
    Clip.objects.filter(pk=clip.pk).update(state=Clip.State.INDEXING,
                                           indexing_started_at=timezone.now() - timedelta(hours=4))
    if connection.vendor == "postgresql":
        assert services_indexing.clip_index(clip_id=clip.pk) == Clip.State.INDEXED
        return
    assert services_indexing.clip_index(clip_id=clip.pk) == "skipped"  # it may still be running elsewhere
    assert services_reconcile.clips_requeue_stale() == 1
    assert services_indexing.clip_index(clip_id=clip.pk) == Clip.State.INDEXED


def test_camera_analysis_settings_are_validated(camera: Any) -> None:
    with pytest.raises(DomainError) as err:
        services_admin.camera_analysis_set(camera=camera, overrides={"unattended_after_s": -3}, by=SystemActor("admin"))
    assert "unattended_after_s" in err.value.fields
    with pytest.raises(DomainError):
        services_admin.camera_analysis_set(camera=camera, overrides={"no_such_knob": 1}, by=SystemActor("admin"))
    services_admin.camera_analysis_set(camera=camera, overrides={"unattended_after_s": 8}, by=SystemActor("admin"))
    assert services_indexing.analysis_overrides_for(camera) == {"unattended_after_s": 8}
