"""The reconcile scan (incremental cursors) and the reconcile / reindex commands."""
from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command

from backend.core.store import derived_key
from media_ingest import services_reconcile
from media_ingest.models import Clip, ReconcileCursor


def test_reconcile_is_incremental_and_skips_derivatives(demo: Any, store: Any, put_file: Any,
                                                        counter_clip: Any) -> None:
    keys = ["CAM-TC-01/2026/04/01/080000.mp4", "CAM-TC-01/2026/04/01/090000.mp4", "inbox/x.mp4"]
    for key in keys:
        put_file(key, counter_clip.path)
    put_file(derived_key(keys[0], "1/poster.jpg"), counter_clip.path)
    first = services_reconcile.reconcile_run()
    assert first.created == 3 and first.wrapped
    assert set(Clip.objects.values_list("key", flat=True)) == set(keys)
    cursor = ReconcileCursor.objects.get(prefix="CAM-TC-01/")
    assert cursor.last_key == keys[1] and cursor.clips_created == 2
    # next pass: the camera cursor lists only keys after the last one it saw
    put_file("CAM-TC-01/2026/04/01/100000.mp4", counter_clip.path)
    second = services_reconcile.reconcile_run()
    assert second.created == 1
    cursor.refresh_from_db()
    assert cursor.last_key == "CAM-TC-01/2026/04/01/100000.mp4"
    assert cursor.objects_seen == 4  # 3 listed on the first pass (one a derivative, skipped), 1 now
    # an overwritten key (new content, same name) is found by the whole-bucket sweep
    put_file("inbox/x.mp4", counter_clip.path.with_name("counter.mp4"))
    import os
    os.utime(store.local_path("inbox/x.mp4"), ns=(1, 1))  # a different etag
    third = services_reconcile.reconcile_run()
    assert third.created == 1
    assert Clip.objects.filter(key="inbox/x.mp4").count() == 2


def test_reconcile_command(demo: Any, put_file: Any, counter_clip: Any) -> None:
    put_file("CAM-ND-01/2026/04/01/080000.mp4", counter_clip.path)
    out = io.StringIO()
    call_command("reconcile", stdout=out)
    assert "1 new clip(s)" in out.getvalue()
    camera = Clip.objects.get().camera
    assert camera is not None and camera.code == "CAM-ND-01"


@pytest.mark.django_db(transaction=True)
def test_reindex_command_reruns_older_versions(demo: Any, eager: None, put_file: Any, counter_clip: Any) -> None:
    from media_ingest.vision import ANALYSIS_VERSION

    put_file("CAM-ND-01/2026/04/01/080000.mp4", counter_clip.path)
    services_reconcile.reconcile_run()
    clip = Clip.objects.get()
    assert clip.state == Clip.State.INDEXED
    Clip.objects.filter(pk=clip.pk).update(analysis_version="cw-vision-0")
    out, err = io.StringIO(), io.StringIO()
    call_command("reindex", stdout=out, stderr=err)
    assert "Re-indexed 1 clip(s): 1 indexed" in out.getvalue()
    clip.refresh_from_db()
    assert clip.analysis_version == ANALYSIS_VERSION and clip.attempts == 2
    out = io.StringIO()
    call_command("reindex", stdout=out)
    assert out.getvalue().startswith("0 clip(s)")


@pytest.mark.django_db(transaction=True)
def test_a_store_copied_with_new_file_times_is_not_indexed_twice(demo: Any, eager: None, store: Any, put_file: Any,
                                                                  counter_clip: Any, mpeg4_clip: Any) -> None:
    """Issue 15: the folder store names a version by size and file time; a footage store restored or copied
    without its file times made every file a "new version", and the clip list showed every clip twice."""
    import os
    import shutil

    keys = ["CAM-TC-01/2026/04/01/080000.mp4", "CAM-TC-01/2026/04/01/090000.mp4"]
    for key in keys:
        put_file(key, counter_clip.path)
    services_reconcile.reconcile_run()
    assert Clip.objects.count() == 2 and all(c.sha256 for c in Clip.objects.all())
    before = {c.key: (c.pk, c.version_id) for c in Clip.objects.all()}
    # the store copied elsewhere and back without its times: same bytes, new modification times
    for i, key in enumerate(keys):
        path = store.local_path(key)
        copy = path.with_name(f".copy-{i}")
        shutil.copyfile(path, copy)
        os.replace(copy, path)
        os.utime(path, ns=(10**18 + i, 10**18 + i))
    result = services_reconcile.reconcile_run()
    assert result.created == 0
    assert Clip.objects.count() == 2
    for clip in Clip.objects.all():
        pk, version = before[clip.key]
        # the same clip, its stored version now the file's (a later read of that version is not "replaced")
        assert clip.pk == pk and clip.version_id != version and clip.version_id == store.stat(clip.key).etag
    assert services_reconcile.reconcile_run().created == 0
    # a genuinely changed file at the same key is still a new clip, as before
    put_file(keys[0], mpeg4_clip.path)
    os.utime(store.local_path(keys[0]), ns=(2 * 10**18, 2 * 10**18))
    assert services_reconcile.reconcile_run().created == 1
    assert Clip.objects.filter(key=keys[0]).count() == 2 and Clip.objects.count() == 3
