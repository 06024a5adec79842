"""Every demo "moment to review" has footage behind it: a short H.264 clip, indexed, that a browser
can play (byte ranges) from the moment's offset."""
from __future__ import annotations

import io

import av
import pytest
from django.db import transaction


@pytest.mark.django_db(transaction=True)
def test_every_demo_moment_opens_on_playable_footage(eager: None) -> None:
    import importlib

    from backend.org.demo import DEMO_PASSWORD, DemoContext
    from media_ingest import demo
    from media_ingest.models import Clip
    from tests.conftest import login_client

    ctx = DemoContext()
    modules = [importlib.import_module(m) for m in ("backend.org.demo", "inspection.demo", "media_ingest.demo")]
    with transaction.atomic():
        for module in modules:
            module.seed(ctx)
    ids = demo.after_commit(ctx)
    assert len(ids) > len(demo.DEMO_CLIPS)

    client = login_client("reviewer", DEMO_PASSWORD)
    moments = client.get("/api/media/moments/?page_size=200").json()["results"]
    assert len(moments) >= 10
    missing = [m for m in moments if not m["footage"]["available"]]
    assert not missing, missing[:3]
    clips = {c.pk: c for c in Clip.objects.filter(pk__in={m["footage"]["clip_id"] for m in moments})}
    assert all(c.state == Clip.State.INDEXED and c.codec == "h264" and c.poster_key for c in clips.values())
    for m in moments:
        clip = clips[m["footage"]["clip_id"]]
        assert 0 <= m["footage"]["offset_s"] < clip.duration_s
    # Half the moment clips show the officer leaving while the citizen waits (demo rules: 8 s).
    kinds = [set(c.events.values_list("kind", flat=True)) for c in clips.values() if c.duration_s == demo.MOMENT_CLIP_S]
    assert any("officer_absent" in k for k in kinds) and any("officer_absent" not in k for k in kinds)

    first = clips[moments[0]["footage"]["clip_id"]]
    issued = client.post(f"/api/media/clips/{first.pk}/playback/", {"reason": "Xem thời điểm công dân đánh giá"},
                         format="json")
    assert issued.status_code == 201, issued.content
    part = client.get(issued.json()["url"], HTTP_RANGE="bytes=0-1023")
    assert part.status_code == 206 and part["Content-Range"].startswith("bytes 0-1023/")
    whole = client.get(issued.json()["url"])
    body = whole.getvalue()  # the streamed or the plain body
    with av.open(io.BytesIO(body)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264" and stream.codec_context.pix_fmt == "yuv420p"
        assert body.find(b"moov") < body.find(b"mdat")  # faststart: plays before it is all loaded
    assert len(body) < 400_000  # small: the demo stays quick to seed and light to serve
