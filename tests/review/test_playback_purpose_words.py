"""Insider S2-2: a footage playback's purpose, written in the custody log, was accepted as "xin chào các bạn nhé":
it is a reason under the one reason rule (inspection.services_common.require_worded_reason)."""
from __future__ import annotations

from typing import Any

import pytest

from backend.org.demo import DEMO_PASSWORD
from media_ingest.review.models import AccessLog
from tests.conftest import login_client

pytestmark = pytest.mark.django_db


def test_a_playback_purpose_that_says_nothing_is_refused(make_clip: Any, demo: Any) -> None:
    clip = make_clip(footage="person-at-desk-1.mkv", duration=2.0)
    browser = login_client("reviewer", DEMO_PASSWORD)
    for junk in ("xin chào các bạn nhé", "aaaa aaaa", "ok test"):
        r = browser.post(f"/api/media/clips/{clip.pk}/playback/", {"reason": junk}, format="json")
        assert r.status_code == 400, (junk, r.content)
    assert not AccessLog.objects.filter(clip=clip, action=AccessLog.Action.VIEW).exists()
    r = browser.post(f"/api/media/clips/{clip.pk}/playback/", {"reason": "Xem lại phản ánh của công dân"}, format="json")
    assert r.status_code in (200, 201), r.content
