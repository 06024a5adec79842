"""Demo footage: seeded clips are in the store and indexed with the events their scene has."""
from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction


@pytest.mark.django_db(transaction=True)
def test_demo_footage_is_indexed_at_seeding(eager: None) -> None:
    from backend.core.store import get_footage_store, get_store
    from backend.org.demo import DemoContext
    from backend.org.demo import seed as seed_org
    from media_ingest import demo
    from media_ingest.models import Clip

    ctx = DemoContext()
    with transaction.atomic():
        seed_org(ctx)
        demo.seed(ctx)
    ids = demo.after_commit(ctx)
    assert len(ids) == len(demo.DEMO_CLIPS)
    clips = {c.key: c for c in Clip.objects.filter(pk__in=ids).select_related("camera")}
    assert all(c.state == Clip.State.INDEXED for c in clips.values()), [(c.key, c.error_en) for c in clips.values()]
    assert {c.camera.code if c.camera else None for c in clips.values()} == {"CAM-TC-01", "CAM-ND-01", "CAM-KL-01"}
    store, app = get_footage_store(), get_store()
    for clip in clips.values():
        assert store.stat(clip.key).size == clip.size_bytes
        assert clip.poster_key and clip.sprite_key and clip.vtt_key
        assert app.stat(clip.poster_key).size > 0  # derivatives in the app's store, not the footage bucket
        assert clip.duration_s is not None and 29 <= clip.duration_s <= 37
    by_title = {spec.title: clips[k] for spec, k in zip(demo.DEMO_CLIPS, [c.key for c in
                Clip.objects.filter(pk__in=ids).order_by("pk")], strict=True)}

    def kinds(clip: Any) -> set[tuple[str, str | None]]:
        return {(e.kind, (e.detail or {}).get("subtype")) for e in clip.events.all()}

    waiting = by_title["officer leaves while a citizen waits"]
    assert {("officer_absent", None), ("unattended", None)} <= kinds(waiting)
    unattended = waiting.events.get(kind="unattended")
    assert abs(unattended.start_s - 14) <= 1 and abs(unattended.end_s - 26) <= 1
    assert ("tamper", "covered") in kinds(by_title["lens covered"])
    assert ("tamper", "moved") in kinds(by_title["empty seat, then the view is moved"])
    busy = by_title["busy counter, officer at the desk"]
    assert ("officer_absent", None) not in kinds(busy)
    assert busy.events.filter(kind="presence", zone="citizen").count() == 2
