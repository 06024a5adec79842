"""Issue 11.8: every URL that shows footage is custody. Posters, sprite sheets and event thumbnails
are frames of the clip; their URLs were handed out with no custody entry and no audit event."""
from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import pytest

from backend.audit.models import AuditEvent
from backend.core.store import get_store
from media_ingest.models import ClipEvent
from media_ingest.review.models import AccessLog

pytestmark = pytest.mark.django_db


def _derived(clip: Any) -> dict[str, str]:
    keys = {kind: f"{clip.key}.derived/{clip.pk}/{kind}" for kind in ("poster.jpg", "sprite.jpg", "sprite.vtt")}
    for key in keys.values():
        get_store().put(key, io.BytesIO(b"img"), 3, "image/jpeg")
    clip.poster_key, clip.sprite_key, clip.vtt_key = keys["poster.jpg"], keys["sprite.jpg"], keys["sprite.vtt"]
    clip.save(update_fields=["poster_key", "sprite_key", "vtt_key"])
    return keys


def test_timeline_images_are_in_the_custody_log_and_the_audit_trail(api_as: Any, make_clip: Any, demo: Any) -> None:
    clip = make_clip()
    keys = _derived(clip)
    thumb = f"{clip.key}.derived/{clip.pk}/thumb-0001.jpg"
    get_store().put(thumb, io.BytesIO(b"img"), 3, "image/jpeg")
    event = ClipEvent.objects.create(clip=clip, kind="presence", zone="scene", start_s=1, end_s=5, thumbnail_key=thumb)
    client = api_as("reviewer")

    timeline = client.get(f"/api/media/clips/{clip.pk}/events/", HTTP_USER_AGENT="pytest-browser")
    assert timeline.status_code == 200
    body = timeline.json()
    assert body["poster_url"] and body["sprite_url"] and body["vtt_url"] and body["events"][0]["thumbnail_url"]
    # fetching a still is custody too (insider review S2-2), counted on the sitting's entry
    assert client.get(body["events"][0]["thumbnail_url"], HTTP_USER_AGENT="pytest-browser").status_code == 200

    entry = AccessLog.objects.get(clip=clip, action=AccessLog.Action.PREVIEW)
    assert entry.user == demo.users["reviewer"] and entry.user_agent == "pytest-browser"
    assert entry.expires_at is not None
    assert entry.detail["objects"] == {"poster": keys["poster.jpg"], "sprite": keys["sprite.jpg"],
                                       "vtt": keys["sprite.vtt"], f"event:{event.pk}": thumb}
    assert entry.count == 2
    audit = AuditEvent.objects.filter(verb="footage.preview").first()
    assert audit is not None and audit.actor == demo.users["reviewer"] and audit.payload["clip"] == clip.pk

    # the timeline re-read and the detail page's poster are logged too (issue 15), each with its own audit
    # event, on the one entry of the sitting: the clip's page asks for the detail's poster and the timeline at
    # once, and two "Xem ảnh đại diện" rows with the same start and count were one showing (UX review)
    client.get(f"/api/media/clips/{clip.pk}/events/", HTTP_USER_AGENT="pytest-browser")
    client.get(f"/api/media/clips/{clip.pk}/", HTTP_USER_AGENT="pytest-browser")
    assert [e.count for e in AccessLog.objects.filter(clip=clip, action=AccessLog.Action.PREVIEW)] == [4]
    assert AuditEvent.objects.filter(verb="footage.preview").count() == 4
    custody = client.get(f"/api/media/clips/{clip.pk}/custody/").json()["results"]
    assert [c["action"] for c in custody] == ["preview"]


def test_the_detail_poster_first_then_the_timeline_make_one_entry_with_every_still(api_as: Any, make_clip: Any) -> None:
    clip = make_clip()
    keys = _derived(clip)
    client = api_as("reviewer")
    client.get(f"/api/media/clips/{clip.pk}/", HTTP_USER_AGENT="pytest-browser")
    client.get(f"/api/media/clips/{clip.pk}/events/", HTTP_USER_AGENT="pytest-browser")
    (entry,) = AccessLog.objects.filter(clip=clip, action=AccessLog.Action.PREVIEW)
    assert entry.count == 2
    assert entry.detail["objects"] == {"poster": keys["poster.jpg"], "sprite": keys["sprite.jpg"], "vtt": keys["sprite.vtt"]}


def test_a_clip_without_images_issues_nothing_and_logs_nothing(api_as: Any, make_clip: Any) -> None:
    clip = make_clip()
    body = api_as("reviewer").get(f"/api/media/clips/{clip.pk}/events/").json()
    assert body["poster_url"] is None and body["sprite_url"] is None
    assert not AccessLog.objects.filter(clip=clip).exists()


def test_an_export_download_is_custody_and_audit(api_as: Any, make_clip: Any, finding_for: Any,
                                                 django_capture_on_commit_callbacks: Any) -> None:
    from media_ingest.review.tasks import evidence_package_build

    client = api_as("reviewer")
    clip = make_clip(footage="person-at-desk-1.mkv", duration=2.0)
    finding = finding_for()
    tag = client.post("/api/media/tags/", {"clip_id": clip.pk, "label": "officer_absent", "start_s": 0.2,
                                           "end_s": 1.5}, format="json").json()
    client.post("/api/media/evidence/", {"finding_id": finding.pk, "tag_id": tag["id"]}, format="json")
    with django_capture_on_commit_callbacks():
        package = client.post("/api/media/evidence/packages/", {"finding_id": finding.pk, "reason": "xuất hồ sơ"},
                              format="json").json()
    evidence_package_build.apply(args=(package["id"],))
    dl = client.post(f"/api/media/evidence/packages/{package['id']}/download/", {"reason": "nộp hội đồng"},
                     format="json")
    assert dl.status_code == 201
    entry = AccessLog.objects.get(action=AccessLog.Action.EXPORT_DOWNLOAD)
    assert entry.package_id == package["id"] and entry.reason == "nộp hội đồng"
    assert AuditEvent.objects.filter(verb="footage.export_download", object_id=str(entry.pk)).exists()
    custody = client.get(f"/api/media/clips/{clip.pk}/custody/?page_size=100").json()["results"]
    assert "export_download" in [c["action"] for c in custody]


def test_the_custody_log_filters_by_action_and_names_its_clip(api_as: Any, make_clip: Any) -> None:
    """Issue 15 (user 4/5): the log can be narrowed to one action, or fold the thumbnail views away,
    and says which footage it is of (camera, start) rather than only "#id"."""
    clip = make_clip(camera="CAM-TC-01")
    _derived(clip)
    client = api_as("reviewer")
    assert client.get(f"/api/media/clips/{clip.pk}/events/").status_code == 200  # a preview entry
    r = client.post("/api/media/tags/", {"clip_id": clip.pk, "label": "officer_absent", "start_s": 1, "end_s": 2},
                    format="json")
    assert r.status_code == 201, r.content
    url = f"/api/media/clips/{clip.pk}/custody/"
    everything = {e["action"] for e in client.get(url).json()["results"]}
    assert {"preview", "tag_create"} <= everything
    assert {e["action"] for e in client.get(url + "?action=tag_create").json()["results"]} == {"tag_create"}
    folded = {e["action"] for e in client.get(url + "?previews=false").json()["results"]}
    assert "preview" not in folded and "tag_create" in folded
    assert client.get(url + "?action=nonsense").status_code == 400
    body = client.get(url).json()
    assert body["clip"]["camera"] == "CAM-TC-01"
    assert datetime.fromisoformat(body["clip"]["started_at"]) == clip.started_at
