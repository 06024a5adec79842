"""F8 (S3): what a reader sees of a clip's pending correction does not depend on who asked for it.

An administrator read only the corrections he had asked for; when an inspection lead had asked for one on a clip,
the administrator's own request got a 409 `remap_pending` while his list showed nothing pending for that clip: the
refusal told him that the team had asked, and so its interest in the clip. Every role that may ask now reads every
request alike; the others read none."""
from __future__ import annotations

from typing import Any

import pytest

from backend.org.models import Camera
from media_ingest.models import Clip

pytestmark = pytest.mark.django_db
REASON = "Camera tải lên nhầm quầy, đúng là quầy Nam Đàn"


def _ask(client: Any, clip: Clip) -> Any:
    return client.post(f"/api/media/clips/{clip.pk}/remap-requests/",
                       {"camera_id": Camera.objects.get(code="CAM-ND-01").pk, "reason": REASON}, format="json")


def _pending_for(client: Any, clip: Clip) -> list[int]:
    response = client.get("/api/media/remap-requests/", {"state": "pending", "clip_id": clip.pk})
    assert response.status_code == 200, response.content
    return [r["id"] for r in response.json()["results"]]


@pytest.mark.parametrize("asker", ["lead", "admin"])
def test_the_admin_sees_a_pending_correction_whoever_asked(api_as: Any, make_clip: Any, asker: str) -> None:
    clip = make_clip()
    asked = _ask(api_as(asker), clip)
    assert asked.status_code == 201, asked.content
    admin = api_as("admin")
    # the same list whoever asked: the request the 409 below is about is listed to him
    assert _pending_for(admin, clip) == [asked.json()["id"]]
    assert _pending_for(api_as("lead"), clip) == [asked.json()["id"]]
    again = _ask(admin, clip)
    assert again.status_code == 409 and again.json()["error"]["code"] == "remap_pending"
    detail = admin.get("/api/media/remap-requests/", {"clip_id": clip.pk}).json()["results"]
    assert [(r["state"], r["may_decide"], r["holds"]) for r in detail] == [("pending", False, [])]


@pytest.mark.parametrize("who", ["reviewer", "discipline", "unithead"])
def test_readers_who_may_not_ask_read_no_correction(api_as: Any, make_clip: Any, who: str) -> None:
    clip = make_clip()
    assert _ask(api_as("lead"), clip).status_code == 201
    assert api_as(who).get("/api/media/remap-requests/").status_code == 403
