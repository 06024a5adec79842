"""Footage reaches a reader only through paths that hold the custody promise.

A playback link serves the session that opened it, not another sign-in of the same person: logged out
of session A, the reviewer signed in again (session B) and the link of A still played there, while
the refusal said the link was usable only "trong phiên đăng nhập của người đã mở nó".

Every still of a clip (the timeline's poster, sprite sheet and event thumbnails, the detail's poster) is
a frame of the footage: fetching the timeline's links served them with the clip's custody log unchanged,
while the same poster through /poster/ was logged. Now every fetch is logged by the one stills rule: one
entry per clip and sitting, every fetch counted on it with its own audit event."""
from __future__ import annotations

import io
from typing import Any

import pytest

from backend.audit.models import AuditEvent
from backend.core.store import get_store
from backend.org.demo import DEMO_PASSWORD
from media_ingest.models import ClipEvent
from media_ingest.review.models import AccessLog
from tests.conftest import login_client

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0 a frame of the counter camera"


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _with_stills(clip: Any) -> ClipEvent:
    keys = {kind: f"{clip.key}.derived/{clip.pk}/{kind}" for kind in ("poster.jpg", "sprite.jpg", "sprite.vtt",
                                                                      "thumb-1.jpg")}
    for key in keys.values():
        get_store().put(key, io.BytesIO(JPEG), len(JPEG), "image/jpeg")
    clip.poster_key, clip.sprite_key, clip.vtt_key = keys["poster.jpg"], keys["sprite.jpg"], keys["sprite.vtt"]
    clip.save(update_fields=["poster_key", "sprite_key", "vtt_key"])
    return ClipEvent.objects.create(clip=clip, kind="presence", zone="officer", start_s=1, end_s=5,
                                    thumbnail_key=keys["thumb-1.jpg"])


def _previews(clip: Any) -> list[AccessLog]:
    return list(AccessLog.objects.filter(clip=clip, action=AccessLog.Action.PREVIEW).order_by("at"))


def test_a_playback_link_serves_only_the_session_that_opened_it(make_clip: Any) -> None:
    clip = make_clip(footage="person-at-desk-1.mkv")
    session_a = login_client("reviewer", DEMO_PASSWORD)
    url = session_a.post(f"/api/media/clips/{clip.pk}/playback/", {"reason": "xem đối chiếu", "variant": "original"},
                         format="json").json()["url"]
    assert session_a.get(url).status_code == 200
    assert session_a.get(url, HTTP_RANGE="bytes=0-9").status_code == 206

    # another sign-in of the same person, while A is still open, and after A signed out: both refused
    session_c = login_client("reviewer", DEMO_PASSWORD)
    for fetch in ({}, {"HTTP_RANGE": "bytes=0-9"}, {"HTTP_RANGE": "bytes=10-"}):
        refused = session_c.get(url, **fetch)  # type: ignore[arg-type]  # headers as WSGI keys
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_your_link", fetch
    assert session_a.get(url, HTTP_RANGE="bytes=0-9").status_code == 206  # A's own link still plays in A
    assert session_a.post("/api/auth/logout/").status_code == 204
    assert session_a.get(url).status_code == 403
    session_b = login_client("reviewer", DEMO_PASSWORD)
    lead = login_client("lead", DEMO_PASSWORD)
    for fetch in ({}, {"HTTP_RANGE": "bytes=0-9"}):
        refused = session_b.get(url, **fetch)  # type: ignore[arg-type]  # headers as WSGI keys
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_your_link", fetch
        # the same answer as another person's
        assert refused.json()["error"] == lead.get(url, **fetch).json()["error"]  # type: ignore[arg-type]

    # B opens the clip itself and plays its own link
    own = session_b.post(f"/api/media/clips/{clip.pk}/playback/", {"reason": "xem đối chiếu", "variant": "original"},
                         format="json").json()["url"]
    assert session_b.get(own, HTTP_RANGE="bytes=0-9").status_code == 206
    assert session_c.get(own).status_code == 403


@pytest.mark.parametrize("role", ["discipline", "admin", "lead", "inspector", "reviewer"])
def test_every_still_fetched_is_counted_in_the_clips_custody(make_clip: Any, demo: Any, role: str) -> None:
    clip = make_clip()
    event = _with_stills(clip)
    browser = login_client(role, DEMO_PASSWORD)
    timeline = browser.get(f"/api/media/clips/{clip.pk}/events/").json()
    detail = browser.get(f"/api/media/clips/{clip.pk}/").json()
    (entry,) = _previews(clip)
    assert entry.count == 2
    audits = AuditEvent.objects.filter(verb="footage.preview").count()

    links = [timeline["events"][0]["thumbnail_url"], timeline["poster_url"], timeline["sprite_url"],
             detail["poster_url"], timeline["events"][0]["thumbnail_url"]]
    for link in links:
        r = browser.get(link)
        assert r.status_code == 200 and r["Content-Type"] == "image/jpeg", link
        assert _body(r) == JPEG and "no-store" in r["Cache-Control"]
    # one entry for the sitting, every fetch counted on it, each its own audit event
    (entry,) = _previews(clip)
    assert entry.count == 2 + len(links) and entry.user == demo.users[role]
    assert entry.detail["objects"][f"event:{event.pk}"] == event.thumbnail_key
    assert AuditEvent.objects.filter(verb="footage.preview").count() == audits + len(links)
    # the same poster through the list's path counts on the same entry
    assert browser.get(f"/api/media/clips/{clip.pk}/poster/").status_code == 200
    assert [e.count for e in _previews(clip)] == [3 + len(links)]


def test_a_still_link_shows_nothing_outside_its_clip_and_its_readers(make_clip: Any, api_as: Any) -> None:
    clip, other = make_clip(), make_clip(camera="CAM-KL-01")
    _with_stills(clip)
    foreign = _with_stills(other)
    reviewer = api_as("reviewer")
    timeline = reviewer.get(f"/api/media/clips/{clip.pk}/events/").json()
    before = [(e.pk, e.count) for e in _previews(clip)]
    # another clip's event through this clip's path, and a name that is no still
    assert reviewer.get(f"/api/media/clips/{clip.pk}/stills/event-{foreign.pk}/").status_code == 404
    assert reviewer.get(f"/api/media/clips/{clip.pk}/stills/background/").status_code == 404
    # digits that are no id: a superscript, Arabic-Indic digits, past bigint (a 500 before)
    for name in ("event-²", "event-٣", "event-" + "9" * 30):
        assert reviewer.get(f"/api/media/clips/{clip.pk}/stills/{name}/").status_code == 404, name
    # a forwarded link: no session, or a reader out of the clip's scope
    from rest_framework.test import APIClient

    assert APIClient().get(timeline["poster_url"]).status_code in (401, 403)
    assert api_as("unithead").get(timeline["poster_url"]).status_code == 403
    assert [(e.pk, e.count) for e in _previews(clip)] == before


def test_the_clip_list_thumbnails_make_one_entry_per_clip_per_sitting(make_clip: Any) -> None:
    clips = [make_clip(camera="CAM-TC-01"), make_clip(camera="CAM-KL-01")]
    for clip in clips:
        _with_stills(clip)
    browser = login_client("reviewer", DEMO_PASSWORD)
    for _ in range(4):  # the list, visited four times: a poster per row
        rows = browser.get("/api/media/clips/").json()["results"]
        for row in rows:
            if row["has_poster"]:
                assert browser.get(f"/api/media/clips/{row['id']}/poster/").status_code == 200
    for clip in clips:
        assert [e.count for e in _previews(clip)] == [4]
    # then the player of one of them: its stills count on the same sitting's entry
    timeline = browser.get(f"/api/media/clips/{clips[0].pk}/events/").json()
    assert browser.get(timeline["sprite_url"]).status_code == 200
    assert [e.count for e in _previews(clips[0])] == [6]
    assert [e.count for e in _previews(clips[1])] == [4]
