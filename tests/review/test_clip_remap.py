"""Issue 15, insider review: a clip mapped to the wrong camera or time is corrected under the two-person rule.

The administrator cannot move a mapped clip himself (a move could take footage out from under a draft's hold he
may not know of); he asks with a worded reason, an inspection lead other than the requester approves (the clip is
moved and queued for indexing) or refuses (nothing moves). Nothing the requester reads depends on drafts."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from backend.accounts.models import User
from backend.accounts.services import user_create
from backend.core.actors import SystemActor
from backend.org.demo import DEMO_PASSWORD
from backend.org.models import Camera
from media_ingest.models import Clip, ClipRemapRequest
from media_ingest.review.models import AccessLog
from tests.conftest import login_client
from tests.openapi_bodies import check

pytestmark = pytest.mark.django_db
REASON = "Camera tải lên nhầm quầy, đúng là quầy Nam Đàn"
APPROVE = "Đã đối chiếu với sổ giao ca của quầy"
T = datetime.fromisoformat("2026-03-02T08:00:00+07:00")


@pytest.fixture
def lead2(demo: Any) -> User:
    return user_create(by=SystemActor("test"), username="lead2", password=DEMO_PASSWORD, role="inspection_lead",
                       full_name="Lê Văn Hai")


def _ask(client: Any, clip: Clip, camera: str = "CAM-ND-01", started_at: Any = None,
         reason: str = REASON) -> Any:
    body: dict[str, Any] = {"camera_id": Camera.objects.get(code=camera).pk, "reason": reason}
    if started_at is not None:
        body["started_at"] = started_at
    return client.post(f"/api/media/clips/{clip.pk}/remap-requests/", body, format="json")


def test_the_admin_cannot_remap_a_mapped_clip_directly(api_as: Any, make_clip: Any) -> None:
    clip = make_clip()
    moved = api_as("admin").post(f"/api/media/clips/{clip.pk}/assign/",
                                 {"camera_id": Camera.objects.get(code="CAM-ND-01").pk}, format="json")
    assert moved.status_code == 409 and moved.json()["error"]["code"] == "already_assigned"
    clip.refresh_from_db()
    assert clip.camera.code == "CAM-TC-01"


def test_request_then_a_lead_approves_the_clip_moves_and_is_requeued(api_as: Any, make_clip: Any,
                                                                    lead2: User) -> None:
    clip = make_clip()
    asked = _ask(api_as("admin"), clip, started_at=T.isoformat())
    assert asked.status_code == 201, asked.content
    request_id = asked.json()["id"]
    assert asked.json()["state"] == "pending" and asked.json()["holds"] == []
    clip.refresh_from_db()
    assert clip.camera.code == "CAM-TC-01" and clip.state == Clip.State.INDEXED  # nothing moves yet

    lead = api_as("lead")
    pending = lead.get("/api/media/remap-requests/", {"state": "pending"}).json()["results"]
    assert [(r["id"], r["may_decide"]) for r in pending] == [(request_id, True)]
    approved = lead.post(f"/api/media/remap-requests/{request_id}/approve/", {"reason": APPROVE},
                         format="json")
    assert approved.status_code == 200, approved.content
    assert approved.json()["state"] == "approved" and approved.json()["decided_by"]["username"] == "lead"
    clip.refresh_from_db()
    assert clip.camera.code == "CAM-ND-01" and clip.started_at == T
    assert clip.state == Clip.State.DISCOVERED  # queued for indexing again
    actions = set(AccessLog.objects.filter(clip=clip).values_list("action", flat=True))
    assert {"remap_request", "remap_approve", "remap_apply"} <= actions
    from backend.audit.models import AuditEvent

    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {"clip_remap.request", "clip_remap.approve", "clip.remapped"} <= verbs
    # decided once
    again = lead.post(f"/api/media/remap-requests/{request_id}/refuse/", {"reason": REASON}, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "remap_decided"


def test_a_refusal_keeps_the_clip_where_it_is(api_as: Any, make_clip: Any) -> None:
    clip = make_clip()
    request_id = _ask(api_as("admin"), clip).json()["id"]
    lead = api_as("lead")
    bare = lead.post(f"/api/media/remap-requests/{request_id}/refuse/", {"reason": "."}, format="json")
    assert bare.status_code == 400 and bare.json()["error"]["code"] == "reason_not_words"
    refused = lead.post(f"/api/media/remap-requests/{request_id}/refuse/",
                        {"reason": "Đoạn video cần giữ nguyên vị trí hiện tại"}, format="json")
    assert refused.status_code == 200, refused.content
    clip.refresh_from_db()
    assert clip.camera.code == "CAM-TC-01" and clip.state == Clip.State.INDEXED
    mine = api_as("admin").get("/api/media/remap-requests/").json()["results"]
    assert [(r["state"], r["decision_reason"]) for r in mine] == [
        ("refused", "Đoạn video cần giữ nguyên vị trí hiện tại")]
    assert AccessLog.objects.filter(clip=clip, action="remap_refuse").exists()


def test_a_lead_cannot_approve_his_own_request_nor_an_admin_any(api_as: Any, make_clip: Any, lead2: User) -> None:
    clip = make_clip()
    lead = api_as("lead")
    asked = _ask(lead, clip)
    assert asked.status_code == 201, asked.content
    request_id = asked.json()["id"]
    assert asked.json()["may_decide"] is False
    home = {c["key"]: c for c in lead.get("/api/home/").json()["cards"]}
    assert home["clip_remaps"]["count"] == 0  # his own: another lead decides
    lead2_client = login_client("lead2", DEMO_PASSWORD)
    theirs = {c["key"]: c for c in lead2_client.get("/api/home/").json()["cards"]}
    assert theirs["clip_remaps"]["count"] == 1 and theirs["clip_remaps"]["link"] == "/inspection/approvals"
    own = lead.post(f"/api/media/remap-requests/{request_id}/approve/", {}, format="json")
    assert own.status_code == 403 and own.json()["error"]["code"] == "same_person"
    by_admin = api_as("admin").post(f"/api/media/remap-requests/{request_id}/approve/", {}, format="json")
    assert by_admin.status_code == 403
    clip.refresh_from_db()
    assert clip.camera.code == "CAM-TC-01"
    other = lead2_client.post(f"/api/media/remap-requests/{request_id}/approve/", {"reason": APPROVE},
                              format="json")
    assert other.status_code == 200, other.content
    clip.refresh_from_db()
    assert clip.camera.code == "CAM-ND-01"


_VOLATILE = {"id", "requested_at", "clip"}


def _admin_story(api_as: Any, make_clip: Any, refuse: bool) -> list[Any]:
    """Everything the admin reads along a request: its answer, the list, and the outcome."""
    admin, lead = api_as("admin"), api_as("lead")
    # (a day before the probe's draft: the draft holds the probe by time, not this clip)
    clip = Clip.objects.get(pk=make_clip(started_at=T - timedelta(days=1)).pk)
    story: list[Any] = []
    asked = _ask(admin, clip)
    story.append((asked.status_code, {k: v for k, v in asked.json().items() if k not in _VOLATILE}))
    again = _ask(admin, clip)
    story.append((again.status_code, again.json()))
    bad = _ask(admin, clip, camera="CAM-TC-01")
    story.append((bad.status_code, bad.json()))
    listed = admin.get("/api/media/remap-requests/", {"clip_id": clip.pk}).json()["results"]
    story.append([{k: v for k, v in r.items() if k not in _VOLATILE} for r in listed])
    verb = "refuse" if refuse else "approve"
    decided = lead.post(f"/api/media/remap-requests/{asked.json()['id']}/{verb}/",
                        {"reason": "Đã đối chiếu với sổ giao ca"}, format="json")
    assert decided.status_code == 200, decided.content
    listed = admin.get("/api/media/remap-requests/", {"clip_id": clip.pk}).json()["results"]
    story.append([{k: v for k, v in r.items() if k not in _VOLATILE | {"decided_at"}} for r in listed])
    return story


@pytest.mark.parametrize("refuse", [False, True])
def test_the_admins_answers_are_the_same_whether_or_not_a_draft_holds_the_clip(
        api_as: Any, make_clip: Any, finding_for: Any, refuse: bool) -> None:
    """Must fail if the holds leaked: the draft is at the clip's time and counter, and the lead sees it."""
    from media_ingest import selectors as media_selectors

    without = _admin_story(api_as, make_clip, refuse)
    probe = make_clip()
    draft = finding_for(state="draft", occurred_from=probe.started_at + timedelta(seconds=5))
    assert "open_finding" in media_selectors.clip_hold_reasons(probe)  # the draft does hold such a clip
    # the lead deciding is told of the draft (he may know it); the admin never is
    probe_request = _ask(api_as("admin"), probe).json()["id"]
    seen = check(api_as("lead").get(f"/api/media/remap-requests/?clip_id={probe.pk}"), "get",
                 "/api/media/remap-requests/", strict=True)["results"][0]
    assert any(h.get("reference") == draft.reference and h.get("draft") for h in seen["holds"]), seen["holds"]
    admin_seen = api_as("admin").get("/api/media/remap-requests/", {"clip_id": probe.pk}).json()["results"][0]
    assert admin_seen["holds"] == [] and draft.reference not in str(admin_seen)
    assert probe_request
    with_draft = _admin_story(api_as, make_clip, refuse)
    assert with_draft == without


def test_bad_input_gets_clear_400s(api_as: Any, make_clip: Any) -> None:
    admin = api_as("admin")
    clip = make_clip()
    naive = _ask(admin, clip, started_at="2026-03-02T08:00:00")
    assert naive.status_code == 400, naive.content
    assert naive.json()["error"]["code"] in ("naive_datetime", "invalid")
    assert "started_at" in naive.json()["error"]["fields"] and "múi giờ" in str(naive.json())
    Camera.objects.filter(code="CAM-ND-01").update(active=False)
    inactive = _ask(admin, clip)
    assert inactive.status_code == 400 and inactive.json()["error"]["code"] == "camera_inactive"
    assert "ngừng hoạt động" in inactive.json()["error"]["message"]
    same = _ask(admin, clip, camera="CAM-TC-01", started_at=clip.started_at.isoformat())
    assert same.status_code == 400 and same.json()["error"]["code"] == "no_change"
    unworded = _ask(admin, clip, camera="CAM-KL-01", reason="aaaaaaaaaaaaaaaaaaaa")
    assert unworded.status_code == 400 and unworded.json()["error"]["code"] == "reason_not_words"
    assert not ClipRemapRequest.objects.exists()
    assert timezone.is_aware(clip.started_at)


def test_two_requests_at_once_give_one_pending_and_a_409_not_a_500(api_as: Any, make_clip: Any,
                                                                   monkeypatch: Any) -> None:
    """Two admins ask at the same instant: both read "nothing pending" before either wrote (SQLite does not lock
    the clip's row). The database's one-pending rule then refuses the second: in words, not a 500."""
    from django.db.models import QuerySet

    clip = make_clip()
    assert _ask(api_as("admin"), clip).status_code == 201
    real_exists = QuerySet.exists
    monkeypatch.setattr(QuerySet, "exists",
                        lambda qs: False if qs.model is ClipRemapRequest else real_exists(qs))
    second = _ask(api_as("admin"), clip, camera="CAM-KL-01")
    assert second.status_code == 409, second.content
    assert second.json()["error"]["code"] == "remap_pending"
    assert ClipRemapRequest.objects.filter(clip=clip).count() == 1


def test_a_correction_never_ends_a_findings_hold_by_time(api_as: Any, make_clip: Any, finding_for: Any) -> None:
    """Insider re-check S1-1: a draft held clip 14 by its counter and time; the lead approved a correction to another
    camera, the hold ended, and retention then deleted the footage with no copy. Refusing the approval instead told
    the admin where a draft lay (his request stayed pending where a draft held the clip, approved elsewhere).
    Every place a clip has had holds it: the approval goes through as for any clip, and the draft still holds it
    (silently: the admin's view names no hold)."""
    from media_ingest import selectors as media_selectors

    clip = make_clip()
    draft = finding_for(state="draft", occurred_from=clip.started_at + timedelta(seconds=5))
    request_id = _ask(api_as("admin"), clip).json()["id"]
    approved = api_as("lead").post(f"/api/media/remap-requests/{request_id}/approve/", {"reason": APPROVE},
                                   format="json")
    assert approved.status_code == 200, approved.content
    clip = Clip.objects.select_related("camera__counter").get(pk=clip.pk)
    assert clip.camera is not None and clip.camera.code == "CAM-ND-01"
    assert "open_finding" in media_selectors.clip_hold_reasons(clip)
    assert "open_finding" not in media_selectors.clip_hold_reasons(clip, shown=True)
    assert draft in media_selectors.clip_sealed_holders(clip)
    mine = api_as("admin").get("/api/media/remap-requests/", {"clip_id": clip.pk}).json()["results"][0]
    assert mine["state"] == "approved" and mine["holds"] == []


@pytest.mark.parametrize("reason", ["ok", "", "Đồng ý"])
def test_an_approval_is_given_in_words(api_as: Any, make_clip: Any, reason: str) -> None:
    """Insider re-check S3-2: {"reason": "ok"} and {} approved a correction; approving moves footage."""
    clip = make_clip()
    request_id = _ask(api_as("admin"), clip).json()["id"]
    approved = api_as("lead").post(f"/api/media/remap-requests/{request_id}/approve/", {"reason": reason},
                                   format="json")
    assert approved.status_code == 400, approved.content
    assert "reason" in approved.json()["error"]["fields"]
    clip.refresh_from_db()
    assert clip.camera.code == "CAM-TC-01"


def test_a_start_time_in_the_future_is_refused(api_as: Any, make_clip: Any) -> None:
    """Insider re-check S2-3: a correction set a clip's start to 2099 (retention counts from the later of recording
    and ingestion, so the clip would never expire). Refused on the request and on the direct assignment."""
    clip = make_clip()
    future = (timezone.now() + timedelta(days=1)).isoformat()
    asked = _ask(api_as("admin"), clip, started_at="2099-01-01T00:00:00Z")
    assert asked.status_code == 400 and asked.json()["error"]["code"] == "in_future", asked.content
    loose = make_clip(camera=None)
    assigned = api_as("admin").post(f"/api/media/clips/{loose.pk}/assign/",
                                    {"camera_id": Camera.objects.get(code="CAM-ND-01").pk, "started_at": future},
                                    format="json")
    assert assigned.status_code == 400 and assigned.json()["error"]["code"] == "in_future", assigned.content


def test_a_short_real_reason_with_a_foreign_word_is_taken(api_as: Any, make_clip: Any) -> None:
    """Last re-check: "Camera tải lên nhầm quầy" was refused (14 letters in Vietnamese words, the rule asked 15)."""
    asked = _ask(api_as("admin"), make_clip(), reason="Camera tải lên nhầm quầy")
    assert asked.status_code == 201, asked.content
