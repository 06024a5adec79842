"""Issue 15: a reviewer attached footage to a finding whose violation period did not contain the
footage's time, and nothing said so. The server refuses it (409 outside_period, both times in words)
unless a reason is given; with one, the evidence item, its custody entry and the finding keep it."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from media_ingest.review.models import AccessLog, EvidenceItem
from tests.review.conftest import T0

pytestmark = pytest.mark.django_db

REASON = "Cán bộ rời quầy trước giờ vi phạm, liên quan trực tiếp đến vụ việc"


def _tag(client: Any, clip: Any, start: float, end: float) -> int:
    r = client.post("/api/media/tags/", {"clip_id": clip.pk, "label": "officer_absent", "start_s": start,
                                         "end_s": end}, format="json")
    assert r.status_code == 201, r.content
    return int(r.json()["id"])


def test_footage_within_the_period_is_attached_without_a_reason(api_as: Any, make_clip: Any,
                                                                 finding_for: Any) -> None:
    client = api_as("reviewer")
    clip = make_clip()  # 09:00:00 – 09:02:19
    finding = finding_for(occurred_from=T0 + timedelta(seconds=30), occurred_to=T0 + timedelta(seconds=90))
    r = client.post("/api/media/evidence/", {"finding_id": finding.pk, "tag_id": _tag(client, clip, 40, 60)},
                    format="json")
    assert r.status_code == 201, r.content
    assert r.json()["out_of_period"] is False and r.json()["out_of_period_reason"] == ""


def test_footage_outside_the_period_is_refused_in_words_then_attached_only_with_a_reason(
        api_as: Any, make_clip: Any, finding_for: Any) -> None:
    client = api_as("reviewer")
    clip = make_clip()  # 09:00:00 local
    finding = finding_for(occurred_from=T0 + timedelta(hours=2), occurred_to=T0 + timedelta(hours=3))
    tag = _tag(client, clip, 10, 20)
    body = {"finding_id": finding.pk, "tag_id": tag}
    refused = client.post("/api/media/evidence/", body, format="json")
    assert refused.status_code == 409
    err = refused.json()["error"]
    assert err["code"] == "outside_period"
    assert "09:00:10 04/05/2026 – 09:00:20 04/05/2026" in err["message"]
    assert "ngoài thời gian vi phạm" in err["message"] and "11:00:00 04/05/2026 – 12:00:00 04/05/2026" in err["message"]
    assert "outside" in err["message_en"]
    short = client.post("/api/media/evidence/", {**body, "out_of_period_reason": "vì"}, format="json")
    assert short.status_code == 400 and "out_of_period_reason" in short.json()["error"]["fields"]
    assert not EvidenceItem.objects.exists()
    assert not AccessLog.objects.filter(action="evidence_link").exists()

    ok = client.post("/api/media/evidence/", {**body, "out_of_period_reason": REASON}, format="json")
    assert ok.status_code == 201, ok.content
    assert ok.json()["out_of_period"] is True and ok.json()["out_of_period_reason"] == REASON
    log = AccessLog.objects.get(action="evidence_link")
    assert log.detail["outside_period"]["reason"] == REASON
    # the custody log shows it in its "Lý do" column, and its export carries it
    custody = client.get(f"/api/media/clips/{clip.pk}/custody/")
    assert custody.status_code == 200, custody.content
    rows = custody.json()["results"] if isinstance(custody.json(), dict) else custody.json()
    assert [x["reason"] for x in rows if x["action"] == "evidence_link"] == [REASON]
    export = client.get(f"/api/media/clips/{clip.pk}/custody/export/?type=csv")
    assert export.status_code == 200
    assert REASON in b"".join(export.streaming_content if export.streaming else [export.content]).decode("utf-8-sig")
    listed = client.get(f"/api/media/evidence/?finding={finding.pk}").json()["results"]
    assert [x["out_of_period_reason"] for x in listed] == [REASON]


def test_an_instant_finding_takes_footage_within_a_minute_of_it(api_as: Any, make_clip: Any, finding_for: Any) -> None:
    client = api_as("reviewer")
    clip = make_clip()
    finding = finding_for(occurred_from=T0 + timedelta(seconds=100))  # an instant, entered to the minute
    near = client.post("/api/media/evidence/", {"finding_id": finding.pk, "tag_id": _tag(client, clip, 50, 55)},
                       format="json")
    assert near.status_code == 201, near.content
    far = finding_for(occurred_from=T0 + timedelta(seconds=300))
    r = client.post("/api/media/evidence/", {"finding_id": far.pk, "tag_id": _tag(client, clip, 10, 20)},
                    format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "outside_period"
