from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from backend.core.actors import SystemActor
from backend.org.models import Counter
from inspection.models import Complaint, SatisfactionRating
from tests.review.conftest import T0

pytestmark = pytest.mark.django_db
WINDOW = "from=2026-05-01&to=2026-05-31"


def _complaint(n: int, counter: Any, at: Any, priority: str = "normal", **extra: Any) -> Complaint:
    return Complaint.objects.create(reference=f"PA-{n}", channel="hotline_1", received_at=at + timedelta(hours=1),
                                    unit=counter.unit if counter else None, counter=counter, occurred_at=at,
                                    summary=f"Phản ánh {n}", priority=priority, **extra)


def _rating(n: int, counter: Any, at: Any, score: int) -> SatisfactionRating:
    return SatisfactionRating.objects.create(counter=counter, device_code="DEV-1", device_rating_id=str(n),
                                             rated_at=at, score=score)


@pytest.fixture
def scene(make_clip: Any, counter_of: Any, demo: Any) -> dict[str, Any]:
    tc, nd, kl = counter_of("CAX-TC"), counter_of("CAX-ND"), counter_of("CAX-KL")
    no_cam = Counter.objects.create(unit=demo.units["CAX-TC"], code="Q-TC-2", name="Quầy 2")
    clip_tc = make_clip(camera="CAM-TC-01", started_at=T0, duration=139)
    make_clip(camera="CAM-ND-01", started_at=T0, duration=139, state="failed")
    return {
        "c_high": _complaint(1, tc, T0 + timedelta(seconds=30), priority="high"),
        "c_none": _complaint(2, kl, T0 + timedelta(hours=2)),
        "r_1": _rating(1, tc, T0 + timedelta(seconds=60.5), 1),
        "r_2_failed": _rating(2, nd, T0 + timedelta(seconds=10), 2),
        "r_nocam": _rating(3, no_cam, T0 + timedelta(seconds=10), 1),
        "ignored": [_rating(4, tc, T0 + timedelta(seconds=20), 4),
                    _complaint(3, tc, T0, state="rejected"),
                    _complaint(4, None, T0),
                    Complaint.objects.create(reference="PA-5", channel="web", received_at=T0, counter=tc,
                                             summary="không rõ thời điểm")],
        "clip_tc": clip_tc,
    }


def test_moments_with_footage_ordered_by_risk(api_as: Any, scene: dict, django_assert_max_num_queries: Any) -> None:
    client = api_as("reviewer")
    with django_assert_max_num_queries(8):
        r = client.get(f"/api/media/moments/?{WINDOW}")
    assert r.status_code == 200, r.content
    rows = r.json()["results"]
    got = [(m["kind"], m["id"]) for m in rows]
    assert got == [("complaint", scene["c_high"].pk), ("complaint", scene["c_none"].pk),
                   ("rating", scene["r_1"].pk), ("rating", scene["r_nocam"].pk), ("rating", scene["r_2_failed"].pk)]
    by = {(m["kind"], m["id"]): m["footage"] for m in rows}
    high = by[("complaint", scene["c_high"].pk)]
    assert high["available"] and high["clip_id"] == scene["clip_tc"].pk and high["offset_s"] == 30.0
    assert by[("rating", scene["r_1"].pk)]["offset_s"] == 60.5
    assert by[("complaint", scene["c_none"].pk)]["reason"] == "no_clip"
    assert by[("rating", scene["r_nocam"].pk)]["reason"] == "no_camera"
    failed = by[("rating", scene["r_2_failed"].pk)]
    assert failed["reason"] == "clip_failed" and failed["reason_vi"] and failed["reason_en"]
    assert rows[0]["at_local"] == "04/05/2026 09:00:30"


def test_moments_filters_and_scope(api_as: Any, scene: dict, demo: Any) -> None:
    from backend.accounts.services import user_create
    from backend.org.demo import DEMO_PASSWORD
    from tests.conftest import login_client

    client = api_as("reviewer")

    def kinds(query: str) -> list[tuple[str, int]]:
        r = client.get(f"/api/media/moments/?{WINDOW}&{query}")
        assert r.status_code == 200, r.content
        return [(m["kind"], m["id"]) for m in r.json()["results"]]

    assert kinds("kind=rating")[0][0] == "rating" and all(k == "rating" for k, _ in kinds("kind=rating"))
    assert kinds("footage=true") == [("complaint", scene["c_high"].pk), ("rating", scene["r_1"].pk)]
    assert len(kinds("footage=false")) == 3
    assert {i for _, i in kinds(f"unit={demo.units['CAX-TC'].pk}")} == {scene["c_high"].pk, scene["r_1"].pk,
                                                                         scene["r_nocam"].pk}
    assert client.get("/api/media/moments/").json()["count"] == 0  # default window: the last 30 days
    bad = client.get("/api/media/moments/?from=2026-05-10&to=2026-05-01")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_range"
    assert client.get("/api/media/moments/?from=2025-01-01&to=2026-05-01").status_code == 400
    user_create(by=SystemActor("test"), username="rv-kl", password=DEMO_PASSWORD, role="reviewer", scope_unit=demo.units["CAX-KL"])
    scoped = login_client("rv-kl", DEMO_PASSWORD).get(f"/api/media/moments/?{WINDOW}").json()
    assert [(m["kind"], m["id"]) for m in scoped["results"]] == [("complaint", scene["c_none"].pk)]
    assert api_as("unithead").get(f"/api/media/moments/?{WINDOW}").status_code == 403


def test_moments_carry_the_tags_near_them(api_as: Any, scene: dict, django_assert_max_num_queries: Any,
                                         monkeypatch: Any) -> None:
    """Tags on the covering clip near the moment come with it, so they can be picked for a package."""
    from media_ingest.review import selectors_moments

    monkeypatch.setattr(selectors_moments, "MOMENT_TAG_WINDOW_S", 20.0)
    client = api_as("reviewer")
    clip = scene["clip_tc"]
    near = client.post("/api/media/tags/", {"clip_id": clip.pk, "label": "officer_absent", "start_s": 25,
                                            "end_s": 35}, format="json").json()
    far = client.post("/api/media/tags/", {"clip_id": clip.pk, "label": "officer_absent", "start_s": 100,
                                           "end_s": 110}, format="json")
    assert far.status_code == 201, far.content
    with django_assert_max_num_queries(9):
        rows = client.get(f"/api/media/moments/?{WINDOW}").json()["results"]
    by = {(m["kind"], m["id"]): m for m in rows}
    high = by[("complaint", scene["c_high"].pk)]
    assert [t["id"] for t in high["tags"]] == [near["id"]]
    assert high["tags"][0]["label"]["code"] == "officer_absent" and high["tags"][0]["clip_id"] == clip.pk
    assert by[("complaint", scene["c_none"].pk)]["tags"] == []
