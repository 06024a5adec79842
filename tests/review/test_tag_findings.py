"""A tag's card names the findings it is evidence of ("Chứng cứ của vi phạm: …"), per reader: the
inspection team sees a draft's; a reader outside the team (reviewer, admin, disciplinary officer) gets
the same answer as for a tag of no finding until the finding is published; a unit head reads no tags."""
from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

pytestmark = pytest.mark.django_db

OUTSIDERS = ("reviewer", "admin", "discipline")


def _world(api_as: Any, make_clip: Any, finding_for: Any) -> tuple[Any, dict, dict, Any]:
    clip = make_clip()
    reviewer, lead = api_as("reviewer"), api_as("lead")
    linked, plain = (reviewer.post("/api/media/tags/", {"clip_id": clip.pk, "label": "officer_absent",
                                                        "start_s": s, "end_s": s + 4}, format="json").json()
                     for s in (1, 10))
    draft = finding_for(state="draft")
    r = lead.post("/api/media/evidence/", {"finding_id": draft.pk, "tag_id": linked["id"]}, format="json")
    assert r.status_code == 201, r.content
    return clip, linked, plain, draft


def _tags(client: Any, clip: Any) -> dict[int, dict]:
    body = client.get(f"/api/media/tags/?clip={clip.pk}")
    assert body.status_code == 200, body.content
    return {t["id"]: t for t in body.json()["results"]}


def test_the_team_sees_the_draft_a_tag_is_evidence_of(api_as: Any, make_clip: Any, finding_for: Any) -> None:
    clip, linked, plain, draft = _world(api_as, make_clip, finding_for)
    for member in ("lead", "inspector"):
        rows = _tags(api_as(member), clip)
        assert rows[linked["id"]]["findings"] == [{"id": draft.pk, "reference": draft.reference,
                                                   "title": draft.title}], member
        assert rows[plain["id"]]["findings"] == []
        detail = api_as(member).get(f"/api/media/tags/{linked['id']}/").json()
        assert detail["findings"] == [{"id": draft.pk, "reference": draft.reference, "title": draft.title}]


def test_outsiders_read_a_drafts_tag_as_a_tag_of_no_finding_until_published(
        api_as: Any, make_clip: Any, finding_for: Any) -> None:
    clip, linked, plain, draft = _world(api_as, make_clip, finding_for)
    for reader in OUTSIDERS:
        client = api_as(reader)
        rows = _tags(client, clip)
        a, b = rows[linked["id"]], rows[plain["id"]]
        assert a["findings"] == [] == b["findings"], reader
        assert set(a) == set(b), reader  # the same shape as a tag of no evidence
        for url in (f"/api/media/tags/{linked['id']}/", f"/api/media/tags/{plain['id']}/"):
            text = client.get(url).content.decode()
            assert str(draft.pk) not in text and draft.reference not in text and draft.title not in text, reader

    draft.state, draft.confirmed_at = "confirmed", timezone.now()
    draft.save(update_fields=["state", "confirmed_at"])
    for reader in OUTSIDERS:  # the demo's outsiders read the whole province's published findings
        rows = _tags(api_as(reader), clip)
        assert rows[linked["id"]]["findings"] == [{"id": draft.pk, "reference": draft.reference,
                                                   "title": draft.title}], reader
        assert rows[plain["id"]]["findings"] == []


def test_the_unit_head_reads_no_tags(api_as: Any, make_clip: Any, finding_for: Any) -> None:
    clip, linked, _, _ = _world(api_as, make_clip, finding_for)
    assert api_as("unithead").get(f"/api/media/tags/?clip={clip.pk}").status_code == 403
    assert api_as("unithead").get(f"/api/media/tags/{linked['id']}/").status_code == 403


def test_the_findings_of_a_page_of_tags_cost_one_query(api_as: Any, make_clip: Any, finding_for: Any) -> None:
    clip = make_clip()
    lead = api_as("lead")
    findings = [finding_for(state=s) for s in ("draft", "confirmed", "draft")]

    def add(n: int) -> None:
        for i in range(n):
            tag = lead.post("/api/media/tags/", {"clip_id": clip.pk, "label": "other", "start_s": 20 + i,
                                                 "end_s": 20.5 + i}, format="json").json()
            for f in findings[: 1 + i % 3]:
                r = lead.post("/api/media/evidence/", {"finding_id": f.pk, "tag_id": tag["id"]}, format="json")
                assert r.status_code == 201, r.content

    def queries() -> tuple[int, list[int]]:
        with CaptureQueriesContext(connection) as ctx:
            body = lead.get(f"/api/media/tags/?clip={clip.pk}").json()
        return len(ctx.captured_queries), [len(t["findings"]) for t in body["results"]]

    add(1)
    before, _ = queries()
    add(6)
    after, counts = queries()
    assert after <= before and sorted(counts) == [1, 1, 1, 2, 2, 3, 3]
