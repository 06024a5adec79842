"""Issue 15: every playback link issued wrote a custody row, so a reviewer scrubbing a clip, or a
script, wrote thousands of identical rows and drowned the real entries. Repeats of the same access
within CUSTODY_REPEAT_SECONDS are counted on one entry (count, first and last time), each still its
own audit event; links per person are rate-limited with a clear 429."""
from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from backend.audit.models import AuditEvent
from media_ingest.review.models import AccessLog

pytestmark = pytest.mark.django_db

REASON = "Xác minh phản ánh của công dân"


@pytest.fixture(autouse=True)
def _fresh_throttle() -> None:
    cache.clear()


def _view(client: Any, clip: Any, reason: str = REASON, **extra: Any) -> Any:
    return client.post(f"/api/media/clips/{clip.pk}/playback/", {"reason": reason, **extra}, format="json")


def test_a_scrubbing_reviewer_is_one_entry_with_its_count_and_every_access_is_audited(
        api_as: Any, make_clip: Any) -> None:
    client = api_as("reviewer")
    clip = make_clip()
    issued = [_view(client, clip) for _ in range(40)]
    assert all(r.status_code == 201 for r in issued)
    assert len({r.json()["access_id"] for r in issued}) == 1
    entries = list(AccessLog.objects.filter(clip=clip, action="view"))
    last_at = entries[0].last_at
    assert len(entries) == 1 and entries[0].count == 40 and last_at is not None and last_at >= entries[0].at
    assert AuditEvent.objects.filter(verb="footage.view").count() == 40
    custody = client.get(f"/api/media/clips/{clip.pk}/custody/").json()["results"]
    view = next(c for c in custody if c["action"] == "view")
    assert view["count"] == 40 and view["last_at"] >= view["at"]
    # the export shows the count and the last time
    table = list(csv.reader(io.StringIO(client.get(f"/api/media/clips/{clip.pk}/custody/export/?type=csv")
                                        .content.decode("utf-8").lstrip("\ufeff"))))
    assert table[1][-2:] == ["Số lần", "Lần cuối (giờ Việt Nam)"]
    row = next(r for r in table[2:] if r[3] == "Xem")
    assert row[-2] == "40" and row[-1][2] == "/"


def test_another_purpose_person_action_or_a_later_time_is_a_new_entry(api_as: Any, make_clip: Any) -> None:
    clip = make_clip()
    reviewer = api_as("reviewer")
    _view(reviewer, clip)
    _view(reviewer, clip, "Đối chiếu với biên bản kiểm tra")
    _view(reviewer, clip, download=True)
    _view(api_as("lead"), clip)
    assert AccessLog.objects.filter(clip=clip).count() == 4
    # past the window: the same view again is a new entry
    AccessLog.objects.filter(clip=clip).update(at=timezone.now() - timedelta(minutes=30))
    _view(reviewer, clip)
    assert AccessLog.objects.filter(clip=clip, action="view", reason=REASON).count() == 3
    assert set(AccessLog.objects.values_list("count", flat=True)) == {1}


def test_with_the_window_off_every_access_is_a_row(api_as: Any, make_clip: Any, settings: Any) -> None:
    settings.CUSTODY_REPEAT_SECONDS = 0
    clip = make_clip()
    client = api_as("reviewer")
    for _ in range(3):
        assert _view(client, clip).status_code == 201
    assert AccessLog.objects.filter(clip=clip, action="view").count() == 3


def test_issuing_links_is_limited_per_person_with_a_clear_429(api_as: Any, make_clip: Any, settings: Any) -> None:
    settings.PLAYBACK_THROTTLE_RATE = "5/min"
    clip = make_clip()
    client = api_as("reviewer")
    codes = [_view(client, clip).status_code for _ in range(7)]
    assert codes == [201] * 5 + [429, 429]
    refused = _view(client, clip)
    err = refused.json()["error"]
    assert err["code"] == "playback_throttled"
    assert "quá nhiều liên kết xem hình ảnh" in err["message"] and "thử lại sau" in err["message"]
    assert "Too many playback links" in err["message_en"]
    # the refusals issued nothing: five links, five audit events, one entry counting five
    assert AuditEvent.objects.filter(verb="footage.view").count() == 5
    assert list(AccessLog.objects.filter(clip=clip).values_list("count", flat=True)) == [5]
    # another person is not held back by it
    assert _view(api_as("lead"), clip).status_code == 201
