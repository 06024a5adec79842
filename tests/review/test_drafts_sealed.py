"""Issue 15, insider review S1-1, S1-2, S3: a draft (unpublished) finding is the inspection team's until
confirmed. Nothing a reader outside the team (admin, reviewer, discipline, unit head) sees of footage
depends on one: the retention report and its holds, a refused re-assignment, the custody log and its
exports, a tag's evidence and its deletion, an evidence item's 404, the custody rows' ids."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from backend.core.ids import RANDOM_ID_MIN
from media_ingest import selectors as media_selectors
from media_ingest.models import Clip
from media_ingest.review.models import AccessLog, EvidenceItem

pytestmark = pytest.mark.django_db

OUTSIDERS = ("reviewer", "admin", "discipline")


def _old_clip(make_clip: Any, days: float) -> Clip:
    """A clip recorded `days` ago and ingested then (retention counts from the later of the two)."""
    clip = make_clip(started_at=timezone.now() - timedelta(days=days), duration=60.0)
    Clip.objects.filter(pk=clip.pk).update(discovered_at=clip.started_at)
    clip.refresh_from_db()
    return clip


def _short_retention(api_as: Any, clip: Clip) -> None:
    r = api_as("admin").put(f"/api/media/cameras/{clip.camera_id}/retention/",
                            {"days": 1, "reason": "thử nghiệm lưu trữ ngắn"}, format="json")
    assert r.status_code == 200, r.content


def test_a_drafts_hold_is_not_shown_in_the_admins_retention_report(
        api_as: Any, make_clip: Any, finding_for: Any) -> None:
    clip = _old_clip(make_clip, 3)
    _short_retention(api_as, clip)
    admin = api_as("admin")
    before = admin.get("/api/media/retention/").json()
    assert [r["id"] for r in before["deletable"]] == [clip.pk] and before["held"] == []

    assert clip.started_at is not None
    draft = finding_for(state="draft", occurred_from=clip.started_at + timedelta(seconds=5))
    after = admin.get("/api/media/retention/").json()
    assert after == before  # the draft changes nothing the admin sees
    assert media_selectors.clip_hold_reasons(clip) == ["open_finding"]  # ...but it holds the footage
    # (the run then expires the clip as listed, keeping a sealed copy for the team: it used to keep the
    # clip silently, which told the admin the draft's counter and time: tests/review/test_preservation.py)

    # once published, the hold is named
    draft.state, draft.confirmed_at = "confirmed", timezone.now()
    draft.save(update_fields=["state", "confirmed_at"])
    held = admin.get("/api/media/retention/").json()["held"]
    assert [(r["id"], r["hold"]) for r in held] == [(clip.pk, ["open_finding"])]


def test_the_assign_refusal_is_no_oracle_for_drafts_and_footage_is_never_moved(
        api_as: Any, make_clip: Any, finding_for: Any) -> None:
    from backend.org.models import Camera

    admin = api_as("admin")
    camera = Camera.objects.get(code="CAM-TC-01")
    t_draft, t_free = timezone.now() - timedelta(days=3), timezone.now() - timedelta(days=2)
    finding_for(state="draft", occurred_from=t_draft + timedelta(seconds=5))
    answers = []
    for when in (t_draft, t_free):
        stray = make_clip(camera=None, started_at=None)
        Clip.objects.filter(pk=stray.pk).update(started_at=None)
        first = admin.post(f"/api/media/clips/{stray.pk}/assign/",
                           {"camera_id": camera.pk, "started_at": when.isoformat()}, format="json")
        assert first.status_code == 202, first.content
        Clip.objects.filter(pk=stray.pk).update(state=Clip.State.INDEXED)
        again = admin.post(f"/api/media/clips/{stray.pk}/assign/",
                           {"camera_id": camera.pk, "started_at": "2020-01-01T00:00:00Z"}, format="json")
        answers.append((again.status_code, again.json()["error"]["code"], again.json()["error"].get("fields")))
        stray.refresh_from_db()
        assert stray.started_at == when  # never moved (far into the past: due for deletion at once)
    assert answers[0] == answers[1] and answers[0][:2] == (409, "already_assigned")


def test_retention_counts_from_ingestion_when_later_than_recording(make_clip: Any, api_as: Any) -> None:
    """A clip with a start time far in the past but ingested today is not due for deletion today."""
    clip = make_clip(started_at=timezone.now() - timedelta(days=400), duration=60.0)  # discovered now
    _short_retention(api_as, clip)
    assert media_selectors.retention_candidates(now=timezone.now()) == []
    assert [c.pk for c in media_selectors.retention_candidates(now=timezone.now() + timedelta(days=2))] == [clip.pk]


def _draft_evidence(api_as: Any, make_clip: Any, finding_for: Any) -> tuple[Clip, dict, Any, EvidenceItem]:
    clip = make_clip()
    reviewer, lead = api_as("reviewer"), api_as("lead")
    tag = reviewer.post("/api/media/tags/", {"clip_id": clip.pk, "label": "officer_absent", "start_s": 1,
                                             "end_s": 5}, format="json").json()
    draft = finding_for(state="draft")
    linked = lead.post("/api/media/evidence/", {"finding_id": draft.pk, "tag_id": tag["id"]}, format="json")
    assert linked.status_code == 201, linked.content
    package = lead.post("/api/media/evidence/packages/", {"finding_id": draft.pk, "reason": "Chuẩn bị hồ sơ"},
                        format="json")
    assert package.status_code == 202, package.content
    return clip, tag, draft, EvidenceItem.objects.get(pk=linked.json()["id"])


def _custody(client: Any, clip: Clip) -> tuple[list[dict], str]:
    rows = client.get(f"/api/media/clips/{clip.pk}/custody/?page_size=200").json()
    csv = client.get(f"/api/media/clips/{clip.pk}/custody/export/?type=csv")
    assert csv.status_code == 200
    return rows["results"], csv.content.decode("utf-8-sig")


def test_custody_withholds_a_drafts_entries_until_it_is_published(
        api_as: Any, make_clip: Any, finding_for: Any) -> None:
    clip, tag, draft, item = _draft_evidence(api_as, make_clip, finding_for)
    for reader in OUTSIDERS:
        rows, csv = _custody(api_as(reader), clip)
        assert [r["action"] for r in rows] == ["tag_create"], reader
        assert not any(r["redacted"] for r in rows) and "Gắn chứng cứ" not in csv and "Xuất gói" not in csv
        assert api_as(reader).get(f"/api/media/tags/{tag['id']}/").json()["evidence"] == [], reader
    lead_rows, _ = _custody(api_as("lead"), clip)  # the team reads its own custody in full
    assert {"evidence_link", "export"} <= {r["action"] for r in lead_rows}

    linked_at = AccessLog.objects.get(action="evidence_link", finding=draft).at
    draft.state, draft.confirmed_at = "confirmed", timezone.now()
    draft.save(update_fields=["state", "confirmed_at"])
    rows, _ = _custody(api_as("reviewer"), clip)
    link = next(r for r in rows if r["action"] == "evidence_link")
    assert link["finding_id"] == draft.pk and link["at"] == linked_at.isoformat()  # with its original time
    assert all(r["id"] >= RANDOM_ID_MIN for r in rows)  # no sequence to count gaps in


def test_a_tag_used_only_by_a_draft_deletes_as_any_tag_and_the_evidence_stays(
        api_as: Any, make_clip: Any, finding_for: Any) -> None:
    clip, tag, draft, item = _draft_evidence(api_as, make_clip, finding_for)
    gone = api_as("reviewer").delete(f"/api/media/tags/{tag['id']}/", {"revision": 1, "reason": "nhầm lẫn"},
                                     format="json")
    assert gone.status_code == 200, gone.content
    kept = EvidenceItem.objects.get(pk=item.pk)
    assert (kept.clip_id, kept.clip_sha256, kept.start_s, kept.end_s) == (clip.pk, clip.sha256, 1.0, 5.0)
    assert "evidence" in media_selectors.clip_hold_reasons(clip)  # the footage is still held
    assert media_selectors.clip_hold_reasons(clip, shown=True) == []

    # evidence of a published finding keeps its tag
    other = api_as("reviewer").post("/api/media/tags/", {"clip_id": clip.pk, "label": "officer_absent",
                                                         "start_s": 6, "end_s": 9}, format="json").json()
    assert api_as("lead").post("/api/media/evidence/", {"finding_id": finding_for().pk, "tag_id": other["id"]},
                               format="json").status_code == 201
    refused = api_as("reviewer").delete(f"/api/media/tags/{other['id']}/", {"revision": 1, "reason": "nhầm lẫn"},
                                        format="json")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "tag_is_evidence"


@pytest.mark.parametrize("reader", ["reviewer", "admin", "discipline", "unithead"])
def test_a_drafts_evidence_item_answers_as_a_missing_one(
        reader: str, api_as: Any, make_clip: Any, finding_for: Any) -> None:
    _, _, _, item = _draft_evidence(api_as, make_clip, finding_for)
    client = api_as(reader)
    hidden, missing = client.get(f"/api/media/evidence/{item.pk}/"), client.get("/api/media/evidence/4294967297/")
    assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json())
    assert hidden.status_code in (403, 404)
    assert api_as("lead").get(f"/api/media/evidence/{item.pk}/").status_code == 200
