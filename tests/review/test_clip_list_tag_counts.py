"""Issue 18: the clip list counts a clip's tags by who may know of them without building that rule
(findings visible to the reader, secret checks, the reader's conflicts) into every page query; the
count stays what the rule says: a tag made on an expired clip's sealed copy kept for a draft counts
for the inspection team only, a tag on footage for every reader."""
from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

pytestmark = pytest.mark.django_db


def _sealed_copy_for_a_draft(clip: Any, draft: Any) -> None:
    from media_ingest.models import Clip
    from media_ingest.review.models import ClipPreservation

    Clip.objects.filter(pk=clip.pk).update(state=Clip.State.EXPIRED, expired_at=timezone.now())
    clip.refresh_from_db()
    kept = ClipPreservation.objects.create(clip=clip, keys={"source": "evidence/sealed/x/y.mp4"},
                                           sha256=clip.sha256, size_bytes=clip.size_bytes, created_at=timezone.now())
    kept.findings.set([draft])


def _tag_counts(client: Any) -> dict[int, int]:
    r = client.get("/api/media/clips/?page_size=50")
    assert r.status_code == 200, r.content
    return {c["id"]: c["tag_count"] for c in r.json()["results"]}


def test_a_sealed_copys_tag_counts_for_the_team_only_in_the_list_and_the_detail(
        api_as: Any, demo: Any, make_clip: Any, finding_for: Any) -> None:
    from media_ingest.review import services

    sealed, footage, plain = make_clip(), make_clip(), make_clip()
    draft = finding_for(state="draft")
    _sealed_copy_for_a_draft(sealed, draft)
    lead, reviewer = demo.users["lead"], demo.users["reviewer"]
    kept = services.tag_create(by=lead, clip=sealed, label_code="rude_conduct", start_s=2, end_s=5)
    assert kept.preservation_id is not None
    services.tag_create(by=reviewer, clip=footage, label_code="rude_conduct", start_s=2, end_s=5)
    services.tag_create(by=reviewer, clip=footage, label_code="other", start_s=6, end_s=8)
    gone = services.tag_create(by=reviewer, clip=footage, label_code="other", start_s=9, end_s=10)
    services.tag_delete(by=reviewer, tag=gone, revision=1, reason="gắn nhầm đoạn")

    assert _tag_counts(api_as("lead")) == {sealed.pk: 1, footage.pk: 2, plain.pk: 0}
    for outsider in ("reviewer", "admin", "discipline"):
        assert _tag_counts(api_as(outsider)) == {sealed.pk: 0, footage.pk: 2, plain.pk: 0}, outsider
        assert api_as(outsider).get(f"/api/media/clips/{sealed.pk}/").json()["tag_count"] == 0
    assert api_as("lead").get(f"/api/media/clips/{sealed.pk}/").json()["tag_count"] == 1
    assert api_as("lead").get(f"/api/media/clips/{footage.pk}/").json()["tag_count"] == 2


def test_the_clip_list_reads_no_secret_check_or_finding_when_no_clip_on_the_page_has_a_sealed_copys_tag(
        api_as: Any, demo: Any, make_clip: Any) -> None:
    from media_ingest.review import services

    clips = [make_clip() for _ in range(3)]
    services.tag_create(by=demo.users["reviewer"], clip=clips[0], label_code="other", start_s=1, end_s=2)
    client = api_as("lead")  # the inspection team: the rule reads their secret checks and conflicts
    with CaptureQueriesContext(connection) as ctx:
        assert _tag_counts(client) == {clips[0].pk: 1, clips[1].pk: 0, clips[2].pk: 0}
    read = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "inspection_surprisecheck" not in read and "inspection_finding" not in read
    assert "org_assignment" not in read
