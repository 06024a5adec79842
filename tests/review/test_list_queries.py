"""Every review list endpoint costs the same number of queries whatever the page holds."""
from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200, r.content
    return len(ctx.captured_queries)


def test_tags_custody_evidence_lists_are_constant(api_as: Any, make_clip: Any, finding_for: Any) -> None:
    client = api_as("reviewer")
    clip = make_clip()
    finding = finding_for()
    urls = [f"/api/media/tags/?clip={clip.pk}&include_deleted=true", f"/api/media/clips/{clip.pk}/custody/",
            f"/api/media/evidence/?finding={finding.pk}", f"/api/media/evidence/packages/?finding={finding.pk}"]

    def add(n: int) -> None:
        for i in range(n):
            tag = client.post("/api/media/tags/", {"clip_id": clip.pk, "label": "other", "start_s": i,
                                                   "end_s": i + 0.5}, format="json").json()
            client.post("/api/media/evidence/", {"finding_id": finding.pk, "tag_id": tag["id"]}, format="json")
            client.post(f"/api/media/clips/{clip.pk}/playback/", {"reason": "xem đối chiếu"}, format="json")

    add(1)
    before = {url: _queries(client, url) for url in urls}
    add(8)
    for url in urls:
        assert _queries(client, url) <= before[url], url
    assert client.get(urls[0]).json()["count"] == 9


def test_clip_list_query_count_is_pinned_and_its_count_reads_keys_only(api_as: Any, make_clip: Any) -> None:
    from media_ingest.models import ClipEvent

    client = api_as("reviewer")
    for i in range(3):
        clip = make_clip()
        ClipEvent.objects.create(clip=clip, kind="presence", zone="citizen", start_s=i, end_s=i + 5, score=0.8)
    client.post("/api/media/tags/", {"clip_id": clip.pk, "label": "other", "start_s": 1, "end_s": 2}, format="json")
    with CaptureQueriesContext(connection) as ctx:
        body = client.get("/api/media/clips/?page_size=50").json()
    assert body["count"] == 3 and sum(c["tag_count"] for c in body["results"]) == 1
    assert [c["event_kinds"] for c in body["results"]] == [{"presence": 1}] * 3
    # the request's own (session, user, second factor) and the list's: count, page, the page's events
    assert len(ctx.captured_queries) <= 6
    counts = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert len(counts) == 1
    assert "review_tag" not in counts[0] and "org_unit" not in counts[0] and "org_camera" not in counts[0]
