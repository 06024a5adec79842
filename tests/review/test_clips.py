from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.audit.models import AuditEvent
from backend.core.actors import SystemActor
from media_ingest.models import ClipEvent
from media_ingest.review.models import AccessLog
from tests.review.conftest import T0

pytestmark = pytest.mark.django_db


def _seed_clips(make_clip: Any, n: int) -> list[Any]:
    clips = []
    for i in range(n):
        clip = make_clip(camera=("CAM-TC-01", "CAM-ND-01", "CAM-KL-01")[i % 3], started_at=T0 + timedelta(minutes=5 * i),
                         duration=120)
        ClipEvent.objects.create(clip=clip, kind="presence", zone="citizen", start_s=1, end_s=9, score=0.8)
        ClipEvent.objects.create(clip=clip, kind="officer_absent" if i % 2 else "motion", zone="officer",
                                 start_s=2, end_s=40, score=0.9)
        clips.append(clip)
    return clips


def test_clip_list_constant_queries_per_page(api_as: Any, make_clip: Any, django_assert_max_num_queries: Any) -> None:
    client = api_as("reviewer")
    _seed_clips(make_clip, 4)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/api/media/clips/?page_size=50").json()["count"] == 4
    _seed_clips(make_clip, 30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        body = client.get("/api/media/clips/?page_size=50").json()
    assert body["count"] == 34 and len(body["results"]) == 34
    first = body["results"][0]
    assert first["camera"]["code"] and first["unit"]["name"] and first["event_kinds"]["presence"] == 1


def test_clip_filters(api_as: Any, make_clip: Any, demo: Any, counter_of: Any) -> None:
    client = api_as("reviewer")
    clips = _seed_clips(make_clip, 6)
    failed = make_clip(camera="CAM-TC-01", started_at=T0 + timedelta(hours=3), state="failed")
    unassigned = make_clip(camera=None, started_at=T0 + timedelta(hours=4))
    client.post("/api/media/tags/", {"clip_id": clips[0].pk, "label": "tamper", "start_s": 1, "end_s": 2},
                format="json")

    def ids(query: str) -> set[int]:
        r = client.get(f"/api/media/clips/?{query}")
        assert r.status_code == 200, r.content
        return {c["id"] for c in r.json()["results"]}

    tc = {c.pk for c in clips if c.camera.code == "CAM-TC-01"} | {failed.pk}
    assert ids(f"unit={demo.units['CAX-TC'].pk}") == tc
    assert ids(f"counter={counter_of('CAX-TC').pk}") == tc
    assert ids("camera=CAM-TC-01") == tc
    assert ids("state=failed") == {failed.pk}
    assert ids("event_kind=officer_absent") == {c.pk for i, c in enumerate(clips) if i % 2}
    assert ids("tagged=true") == {clips[0].pk}
    assert clips[0].pk not in ids("tagged=false")
    assert ids("unassigned=true") == {unassigned.pk}
    # Time range: a clip still running at `from` is included; naive times are Vietnam local time.
    assert ids("from=2026-05-04T09:01:00&to=2026-05-04T09:06:00") == {clips[0].pk, clips[1].pk}
    assert ids("from=2026-05-04T02:01:00Z&to=2026-05-04T09:04:00%2B07:00") == {clips[0].pk}
    bad = client.get("/api/media/clips/?from=yesterday")
    assert bad.status_code == 400 and bad.json()["error"]["fields"] == {"from": ["ISO 8601"]}
    assert client.get("/api/media/clips/?state=nonsense").status_code == 400


def test_clip_scope(api_as: Any, make_clip: Any, demo: Any) -> None:
    from backend.accounts.services import user_create
    from backend.org.demo import DEMO_PASSWORD
    from tests.conftest import login_client

    tc = make_clip(camera="CAM-TC-01")
    kl = make_clip(camera="CAM-KL-01")
    loose = make_clip(camera=None)
    user_create(by=SystemActor("test"), username="rv-tc", password=DEMO_PASSWORD, role="reviewer",
                scope_unit=demo.units["CAX-TC"])
    scoped = login_client("rv-tc", DEMO_PASSWORD)
    assert {c["id"] for c in scoped.get("/api/media/clips/").json()["results"]} == {tc.pk}
    assert scoped.get(f"/api/media/clips/{kl.pk}/").status_code == 404
    assert scoped.get(f"/api/media/clips/{loose.pk}/").status_code == 404
    # Province-wide: reviewers and admins see unassigned clips, the inspection team does not.
    assert loose.pk in {c["id"] for c in api_as("reviewer").get("/api/media/clips/").json()["results"]}
    assert loose.pk not in {c["id"] for c in api_as("lead").get("/api/media/clips/").json()["results"]}
    assert api_as("unithead").get("/api/media/clips/").status_code == 403


def test_events_with_activity_series(api_as: Any, make_clip: Any) -> None:
    clip = make_clip(sprite_key="x.derived/sprite.jpg", vtt_key="x.derived/sprite.vtt")
    ClipEvent.objects.create(clip=clip, kind="tamper", zone="scene", start_s=3, end_s=8, score=0.7)
    body = api_as("reviewer").get(f"/api/media/clips/{clip.pk}/events/").json()
    assert [e["kind"] for e in body["events"]] == ["tamper"]
    assert len(body["activity"]) == 139
    assert body["sprite_url"] and body["vtt_url"] and body["poster_url"] is None


def test_every_playback_url_is_in_the_custody_log(api_as: Any, make_clip: Any, demo: Any, settings: Any) -> None:
    settings.PLAYBACK_URL_TTL_SECONDS = 120
    clip = make_clip(footage="person-at-desk-1.mkv", proxy_key="CAM-TC-01/p.derived/proxy.mp4")
    client = api_as("reviewer")
    assert client.post(f"/api/media/clips/{clip.pk}/playback/", {"reason": ""}, format="json").status_code == 400
    issued = []
    for body in ({"reason": "Xem phản ánh số 12"}, {"reason": "Đối chiếu", "variant": "original"},
                 {"reason": "Chuyển cơ quan điều tra", "download": True}):
        r = client.post(f"/api/media/clips/{clip.pk}/playback/", body, format="json")
        assert r.status_code == 201, r.content
        issued.append(r.json())
    assert [i["variant"] for i in issued] == ["proxy", "original", "original"]
    lead_view = api_as("lead").post(f"/api/media/clips/{clip.pk}/playback/", {"reason": "Kiểm tra"}, format="json")
    issued.append(lead_view.json())
    custody = client.get(f"/api/media/clips/{clip.pk}/custody/").json()["results"]
    logged = {c["id"]: c for c in custody}
    for item in issued:
        entry = logged[item["access_id"]]
        assert entry["action"] in ("view", "download") and entry["reason"] and entry["expires_at"]
        assert entry["ip"] == "127.0.0.1"
    assert [c["action"] for c in custody] == ["view", "view", "download", "view"]
    assert [c["user"]["id"] for c in custody][-1] == demo.users["lead"].pk
    assert AuditEvent.objects.filter(verb__in=["footage.view", "footage.download"]).count() == 4
    assert AccessLog.objects.count() == 4
    # The URL is short-lived and actually serves the clip (local store's signed URL).
    assert issued[0]["ttl_seconds"] == 120
    fetched = client.get(issued[1]["url"])
    assert fetched.status_code == 200


def test_no_proxy_variant_refused(api_as: Any, make_clip: Any) -> None:
    clip = make_clip()
    r = api_as("reviewer").post(f"/api/media/clips/{clip.pk}/playback/", {"reason": "xem thử", "variant": "proxy"},
                                format="json")
    assert r.status_code == 409 and not AccessLog.objects.exists()


def test_custody_lists_tags_and_exports_too(api_as: Any, make_clip: Any) -> None:
    clip = make_clip()
    client = api_as("reviewer")
    tag = client.post("/api/media/tags/", {"clip_id": clip.pk, "label": "tamper", "start_s": 1, "end_s": 2},
                      format="json").json()
    client.patch(f"/api/media/tags/{tag['id']}/", {"revision": 1, "end_s": 3}, format="json")
    client.post(f"/api/media/clips/{clip.pk}/playback/", {"reason": "xem lại"}, format="json")
    actions = [c["action"] for c in client.get(f"/api/media/clips/{clip.pk}/custody/").json()["results"]]
    assert actions == ["tag_create", "tag_update", "view"]


def test_coverage_merges_played_ranges(api_as: Any, make_clip: Any, demo: Any) -> None:
    clip = make_clip(duration=100)
    rv, lead = api_as("reviewer"), api_as("lead")
    url = f"/api/media/clips/{clip.pk}/coverage/"
    assert rv.post(url, {"ranges": [[0, 10], [5, 20]]}, format="json").status_code == 201
    assert rv.post(url, {"ranges": [[30, 40], [19.5, 25]]}, format="json").status_code == 201
    assert lead.post(url, {"ranges": [[90, 120]]}, format="json").status_code == 201  # clamped to the clip
    body = rv.get(url).json()
    mine = next(r for r in body["reviewers"] if r["user"]["id"] == demo.users["reviewer"].pk)
    assert mine["ranges"] == [[0, 25], [30, 40]] and mine["seconds"] == 35 and mine["share"] == 0.35
    assert body["all"]["ranges"] == [[0, 25], [30, 40], [90, 100]] and body["all"]["share"] == 0.45
    assert body["all"]["unplayed"] == [[25, 30], [40, 90]]
    for bad in ([[5, 1]], [[-1, 3]], "0-10", [[1]], [[200, 210]], []):
        r = rv.post(url, {"ranges": bad}, format="json")
        assert r.status_code == 400, bad
        assert "ranges" in r.json()["error"]["fields"]


def test_out_of_range_and_non_finite_input_is_a_clear_400(api_as: Any, make_clip: Any) -> None:
    client = api_as("reviewer")
    clip = make_clip()
    huge = "99999999999999999999999"
    for url in (f"/api/media/clips/?unit={huge}", f"/api/media/tags/?clip={huge}", f"/api/media/moments/?counter={huge}",
                f"/api/media/evidence/?finding={huge}", "/api/media/clips/?unit=-3"):
        r = client.get(url)
        assert r.status_code == 400, url
        assert r.json()["error"]["message"] and r.json()["error"]["message_en"]
    assert client.get(f"/api/media/clips/?camera={huge}").json()["count"] == 0
    r = client.post("/api/media/tags/", {"clip_id": int(huge), "label": "other", "start_s": 1, "end_s": 2}, format="json")
    assert r.status_code == 400 and "clip_id" in r.json()["error"]["fields"]
    for bad in (f'{{"clip_id": {clip.pk}, "label": "other", "start_s": NaN, "end_s": 2}}',
                f'{{"clip_id": {clip.pk}, "label": "other", "start_s": 1, "end_s": Infinity}}'):
        r = client.post("/api/media/tags/", bad, content_type="application/json")
        assert r.status_code == 400, r.content
    r = client.post(f"/api/media/clips/{clip.pk}/coverage/", '{"ranges": [[0, Infinity]]}', content_type="application/json")
    assert r.status_code == 400


def test_a_forwarded_footage_link_shows_nothing(api_as: Any, make_clip: Any) -> None:
    """A playback or still link serves only the signed-in person who opened it (the embedded store):
    forwarded to someone without a session, or to another account, it is refused (insider review,
    issue 15: a reviewer's link played for a client with no cookies, logged once)."""
    from rest_framework.test import APIClient

    clip = make_clip(footage="person-at-desk-1.mkv")
    reviewer = api_as("reviewer")
    url = reviewer.post(f"/api/media/clips/{clip.pk}/playback/", {"reason": "xem đối chiếu", "variant": "original"},
                        format="json").json()["url"]
    assert reviewer.get(url, HTTP_RANGE="bytes=0-9").status_code == 206
    anonymous = APIClient().get(url, HTTP_RANGE="bytes=0-9")
    assert anonymous.status_code == 403 and anonymous.json()["error"]["code"] == "not_your_link"
    assert api_as("lead").get(url).status_code == 403


def test_clip_date_filter_is_inclusive_and_allows_one_day(api_as: Any, make_clip: Any) -> None:
    """Issue 15 (user 1): "Từ = Đến = the same day" lists that day's clips, and a date-only "to" includes
    its whole day; a reversed range is refused naming the fields in Vietnamese."""
    client = api_as("reviewer")
    day1 = make_clip(camera="CAM-TC-01", started_at=T0)  # 2026-05-04 local morning
    day2 = make_clip(camera="CAM-ND-01", started_at=T0 + timedelta(days=1, hours=5))

    def ids(query: str) -> set[int]:
        r = client.get(f"/api/media/clips/?{query}")
        assert r.status_code == 200, r.content
        return {c["id"] for c in r.json()["results"]}

    assert ids("from=2026-05-04&to=2026-05-04") == {day1.pk}
    assert ids("from=2026-05-05&to=2026-05-05") == {day2.pk}
    assert ids("from=2026-05-04&to=2026-05-05") == {day1.pk, day2.pk}
    assert ids("to=2026-05-05") >= {day1.pk, day2.pk}
    bad = client.get("/api/media/clips/?from=2026-05-05&to=2026-05-04")
    assert bad.status_code == 400
    error = bad.json()["error"]
    assert error["message"] == "Đến ngày phải sau hoặc bằng Từ ngày." and "'to'" not in error["message"]
