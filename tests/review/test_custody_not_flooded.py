"""Issue 15: the custody log was flooded by stills. Every list visit fetched a poster per row and the
player re-read its timeline, each a custody entry, burying the real accesses. Then each still was logged
only the first time a session was shown it, so re-fetches were not in the log (insider review). Now every
fetch of a still is logged the way playback is: the same stills shown again to the same person, address
and browser within CUSTODY_REPEAT_SECONDS are counted on one entry, each fetch its own audit event."""
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

REASON = "Xem lại phản ánh của công dân"


def _stills(clip: Any) -> dict[str, str]:
    keys = {kind: f"{clip.key}.derived/{clip.pk}/{kind}" for kind in ("poster.jpg", "sprite.jpg", "sprite.vtt",
                                                                      "thumb-1.jpg")}
    for key in keys.values():
        get_store().put(key, io.BytesIO(b"\xff\xd8img"), 5, "image/jpeg")
    clip.poster_key, clip.sprite_key, clip.vtt_key = keys["poster.jpg"], keys["sprite.jpg"], keys["sprite.vtt"]
    clip.save(update_fields=["poster_key", "sprite_key", "vtt_key"])
    ClipEvent.objects.create(clip=clip, kind="presence", zone="scene", start_s=1, end_s=5,
                             thumbnail_key=keys["thumb-1.jpg"])
    return keys


def _previews(clip: Any) -> list[AccessLog]:
    return list(AccessLog.objects.filter(clip=clip, action=AccessLog.Action.PREVIEW).order_by("at"))


def test_a_day_of_list_and_player_visits_counts_every_still_and_every_footage_view(
        make_clip: Any, demo: Any) -> None:
    clip = make_clip(footage="person-at-desk-1.mkv", duration=2.0)
    keys = _stills(clip)
    browser = login_client("reviewer", DEMO_PASSWORD)

    # the clip list, visited five times: the poster is fetched each time, each fetch counted on one entry
    for _ in range(5):
        r = browser.get(f"/api/media/clips/{clip.pk}/poster/")
        assert r.status_code == 200 and "no-store" in r["Cache-Control"]
        r.getvalue()
    previews = _previews(clip)
    assert len(previews) == 1 and previews[0].detail["objects"] == {"poster": keys["poster.jpg"]}
    assert previews[0].count == 5
    assert AuditEvent.objects.filter(verb="footage.preview").count() == 5

    # the player, opened three times (detail + timeline, asked at once): the same person's stills of the clip
    # in one sitting are one entry (two entries with the same start and count were one showing, UX review);
    # every fetch counted and the entry names every still shown
    for _ in range(3):
        assert browser.get(f"/api/media/clips/{clip.pk}/").status_code == 200
        assert browser.get(f"/api/media/clips/{clip.pk}/events/").status_code == 200
    previews = _previews(clip)
    assert [p.count for p in previews] == [11]
    assert set(previews[0].detail["objects"].values()) == {keys["poster.jpg"], keys["sprite.jpg"], keys["sprite.vtt"],
                                                           keys["thumb-1.jpg"]}
    assert AuditEvent.objects.filter(verb="footage.preview").count() == 11

    # the footage itself: every view and every download is counted (repeats of the same view on one
    # entry, custody_repeats), and each is its own audit event
    for _ in range(3):
        r = browser.post(f"/api/media/clips/{clip.pk}/playback/", {"reason": REASON}, format="json")
        assert r.status_code in (200, 201), r.content
    r = browser.post(f"/api/media/clips/{clip.pk}/playback/", {"reason": REASON, "download": True}, format="json")
    assert r.status_code in (200, 201), r.content
    views = AccessLog.objects.filter(clip=clip, action=AccessLog.Action.VIEW)
    assert [v.count for v in views] == [3]
    assert [d.count for d in AccessLog.objects.filter(clip=clip, action=AccessLog.Action.DOWNLOAD)] == [1]
    assert AuditEvent.objects.filter(verb="footage.view").count() == 3

    # the custody page shows the real accesses with their counts, not a wall of previews
    custody = browser.get(f"/api/media/clips/{clip.pk}/custody/").json()["results"]
    assert sorted((c["action"], c["count"]) for c in custody) == [
        ("download", 1), ("preview", 11), ("view", 3)]


def test_a_poster_fetched_again_after_the_window_is_a_new_entry(make_clip: Any, demo: Any, settings: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    clip = make_clip()
    _stills(clip)
    browser = login_client("reviewer", DEMO_PASSWORD)
    assert browser.get(f"/api/media/clips/{clip.pk}/poster/").status_code == 200
    AccessLog.objects.filter(clip=clip).update(at=timezone.now() - timedelta(minutes=30))
    assert browser.get(f"/api/media/clips/{clip.pk}/poster/").status_code == 200
    assert [p.count for p in _previews(clip)] == [1, 1]
    settings.CUSTODY_REPEAT_SECONDS = 0  # the window off: a row per fetch
    assert browser.get(f"/api/media/clips/{clip.pk}/poster/").status_code == 200
    assert browser.get(f"/api/media/clips/{clip.pk}/poster/").status_code == 200
    assert len(_previews(clip)) == 4


def test_another_session_or_person_is_logged_again(make_clip: Any, demo: Any) -> None:
    clip = make_clip()
    _stills(clip)
    first = login_client("reviewer", DEMO_PASSWORD)
    assert first.get(f"/api/media/clips/{clip.pk}/poster/").status_code == 200
    assert first.get(f"/api/media/clips/{clip.pk}/poster/").status_code == 200
    assert [p.count for p in _previews(clip)] == [2]
    # another browser (another address or user agent) of the same person is a new entry
    again = login_client("reviewer", DEMO_PASSWORD)
    assert again.get(f"/api/media/clips/{clip.pk}/poster/", HTTP_USER_AGENT="other-browser").status_code == 200
    # and someone else is logged too
    admin = login_client("admin", DEMO_PASSWORD)
    assert admin.get(f"/api/media/clips/{clip.pk}/poster/").status_code == 200
    previews = _previews(clip)
    assert len(previews) == 3
    assert {p.user.username if p.user else None for p in previews} == {"reviewer", "admin"}
    # the session is named by a hash, never by its key
    session_keys = {c.value for c in first.cookies.values()}
    assert not any(p.detail["session"] in session_keys for p in previews)
