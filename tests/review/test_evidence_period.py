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


# Editing the finding's period afterwards (insider review): the footage attached for the old period was
# left outside the new one with no reason, no flag on the evidence, no warning and no history.
LATER = "Vụ việc xảy ra hôm trước, hình ảnh này là đối chứng hành vi lặp lại"


def _attach(reviewer: Any, finding: Any, tag: int, **extra: Any) -> dict[str, Any]:
    r = reviewer.post("/api/media/evidence/", {"finding_id": finding.pk, "tag_id": tag, **extra}, format="json")
    assert r.status_code == 201, r.content
    return dict(r.json())


def _listed(client: Any, finding: Any) -> list[dict[str, Any]]:
    return list(client.get(f"/api/media/evidence/?finding={finding.pk}").json()["results"])


def _day_before() -> dict[str, str]:
    return {"occurred_from": (T0 - timedelta(days=1)).isoformat(),
            "occurred_to": (T0 - timedelta(days=1, minutes=-60)).isoformat()}


def test_moving_the_period_away_from_attached_footage_is_refused_without_a_reason(
        api_as: Any, make_clip: Any, finding_for: Any, demo: Any) -> None:
    reviewer, lead = api_as("reviewer"), api_as("lead")
    clip = make_clip()  # 09:00:00 04/05/2026
    finding = finding_for(state="draft", created_by=demo.users["reviewer"], occurred_from=T0 + timedelta(seconds=30), occurred_to=T0 + timedelta(seconds=90))
    item = _attach(reviewer, finding, _tag(reviewer, clip, 40, 60))
    history = len(lead.get(f"/api/inspection/findings/{finding.pk}/").json()["transitions"])

    refused = lead.patch(f"/api/inspection/findings/{finding.pk}/", _day_before(), format="json")
    assert refused.status_code == 409, refused.content
    err = refused.json()["error"]
    assert err["code"] == "outside_period"
    assert f"#{item['id']}" in err["message"] and "09:00:40 04/05/2026 – 09:01:00 04/05/2026" in err["message"]
    assert "09:00:00 03/05/2026 – 10:00:00 03/05/2026" in err["message"] and "lý do" in err["message"]
    assert "outside" in err["message_en"] and f"#{item['id']}" in err["message_en"]
    short = lead.patch(f"/api/inspection/findings/{finding.pk}/", {**_day_before(), "out_of_period_reason": "vì"},
                       format="json")
    assert short.status_code == 400 and "out_of_period_reason" in short.json()["error"]["fields"]
    # nothing half-written: the period, the evidence, the custody log and the history are as before
    finding.refresh_from_db()
    assert finding.occurred_from == T0 + timedelta(seconds=30)
    assert [x["out_of_period"] for x in _listed(reviewer, finding)] == [False]
    assert not AccessLog.objects.filter(action="evidence_period").exists()
    assert len(lead.get(f"/api/inspection/findings/{finding.pk}/").json()["transitions"]) == history


def test_moving_the_period_with_a_reason_flags_the_footage_records_custody_and_history(
        api_as: Any, make_clip: Any, finding_for: Any, demo: Any) -> None:
    from backend.audit.models import AuditEvent

    reviewer, lead = api_as("reviewer"), api_as("lead")
    clip = make_clip()
    finding = finding_for(state="draft", created_by=demo.users["reviewer"], occurred_from=T0 + timedelta(seconds=30), occurred_to=T0 + timedelta(seconds=90))
    item = _attach(reviewer, finding, _tag(reviewer, clip, 40, 60))
    ok = lead.patch(f"/api/inspection/findings/{finding.pk}/", {**_day_before(), "out_of_period_reason": LATER},
                    format="json")
    assert ok.status_code == 200, ok.content

    listed = _listed(reviewer, finding)
    assert [(x["id"], x["out_of_period"], x["out_of_period_reason"]) for x in listed] == [(item["id"], True, LATER)]
    assert reviewer.get(f"/api/media/evidence/{item['id']}/").json()["out_of_period"] is True
    log = AccessLog.objects.get(action="evidence_period")
    assert log.reason == LATER and log.detail["evidence"] == item["id"]
    assert log.detail["outside_period"]["period_from"] == (T0 - timedelta(days=1)).isoformat()
    assert AuditEvent.objects.filter(verb="footage.evidence_period").count() == 1
    update = AuditEvent.objects.filter(verb="finding.update").latest("id")
    assert update.payload["changes"]["period"]["to"][0] == (T0 - timedelta(days=1)).isoformat()
    assert update.payload["changes"]["outside_period"][0]["evidence"] == item["id"]
    last = ok.json()["transitions"][-1]
    assert (last["from"], last["to"]) == ("draft", "draft")
    assert "09:00 04/05/2026 – 09:01 04/05/2026 → 09:00 03/05/2026 – 10:00 03/05/2026" in last["reason"]
    assert f"#{item['id']}" in last["reason"] and LATER in last["reason"]


def test_a_period_edit_that_keeps_the_footage_needs_no_reason_but_is_in_the_history(
        api_as: Any, make_clip: Any, finding_for: Any, demo: Any) -> None:
    reviewer, lead = api_as("reviewer"), api_as("lead")
    clip = make_clip()
    finding = finding_for(state="draft", created_by=demo.users["reviewer"], occurred_from=T0 + timedelta(seconds=30), occurred_to=T0 + timedelta(seconds=90))
    _attach(reviewer, finding, _tag(reviewer, clip, 40, 60))
    before = len(lead.get(f"/api/inspection/findings/{finding.pk}/").json()["transitions"])
    title = lead.patch(f"/api/inspection/findings/{finding.pk}/", {"title": "Vắng mặt tại quầy"}, format="json")
    assert title.status_code == 200 and len(title.json()["transitions"]) == before  # no period change, no entry
    r = lead.patch(f"/api/inspection/findings/{finding.pk}/", {"occurred_to": (T0 + timedelta(minutes=5)).isoformat()},
                   format="json")
    assert r.status_code == 200, r.content
    assert len(r.json()["transitions"]) == before + 1 and "Sửa thời gian vi phạm" in r.json()["transitions"][-1]["reason"]
    assert [x["out_of_period"] for x in _listed(reviewer, finding)] == [False]
    assert not AccessLog.objects.filter(action="evidence_period").exists()


def test_out_of_period_follows_the_current_period(api_as: Any, make_clip: Any, finding_for: Any, demo: Any) -> None:
    """Footage attached knowingly outside keeps its reason; once the period is edited to contain it, the
    flag the finding page shows is off (it is computed against the period the finding has now)."""
    reviewer, lead = api_as("reviewer"), api_as("lead")
    clip = make_clip()
    finding = finding_for(state="draft", created_by=demo.users["reviewer"], occurred_from=T0 + timedelta(hours=2), occurred_to=T0 + timedelta(hours=3))
    _attach(reviewer, finding, _tag(reviewer, clip, 10, 20), out_of_period_reason=REASON)
    assert [x["out_of_period"] for x in _listed(reviewer, finding)] == [True]
    r = lead.patch(f"/api/inspection/findings/{finding.pk}/", {"occurred_from": T0.isoformat()}, format="json")
    assert r.status_code == 200, r.content
    assert [(x["out_of_period"], x["out_of_period_reason"]) for x in _listed(reviewer, finding)] == [(False, REASON)]
