from __future__ import annotations

from typing import Any

import pytest

from backend.audit.models import AuditEvent
from media_ingest.review.models import AccessLog, Tag, TagRevision

pytestmark = pytest.mark.django_db


def test_create_tag_binds_exact_version_and_records_custody(api_as: Any, make_clip: Any) -> None:
    clip = make_clip()
    r = api_as("reviewer").post("/api/media/tags/", {"clip_id": clip.pk, "label": "officer_absent",
                                                      "start_s": 10, "end_s": 25.5, "note": "Rời quầy"},
                                format="json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["clip_sha256"] == clip.sha256 and body["clip_etag"] == clip.etag
    assert body["label"]["name_vi"] == "Vắng mặt tại quầy" and body["revision"] == 1
    tag = Tag.objects.get(pk=body["id"])
    assert [r.action for r in tag.revisions.all()] == ["create"]
    log = AccessLog.objects.get(tag=tag)
    assert log.action == "tag_create" and log.clip_id == clip.pk
    assert AuditEvent.objects.filter(verb="footage.tag_create", object_id=str(log.pk)).exists()


@pytest.mark.parametrize("payload,field", [
    ({"start_s": 30, "end_s": 20}, "end_s"),
    ({"start_s": 200, "end_s": 210}, "start_s"),
    ({"start_s": 100, "end_s": 150}, "end_s"),
    ({"label": "no-such-label"}, "label"),
])
def test_bad_tag_input_is_refused_and_nothing_written(api_as: Any, make_clip: Any, payload: dict, field: str) -> None:
    clip = make_clip()
    data = {"clip_id": clip.pk, "label": "rude_conduct", "start_s": 1, "end_s": 2, **payload}
    r = api_as("reviewer").post("/api/media/tags/", data, format="json")
    assert r.status_code == 400, r.content
    err = r.json()["error"]
    assert field in err["fields"] and err["message"] and err["message_en"]
    assert not Tag.objects.exists() and not AccessLog.objects.exists()


def test_unindexed_clip_cannot_be_tagged(api_as: Any, make_clip: Any) -> None:
    clip = make_clip(state="indexing", sha256="")
    r = api_as("reviewer").post("/api/media/tags/", {"clip_id": clip.pk, "label": "tamper", "start_s": 1,
                                                      "end_s": 2}, format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "clip_not_indexed"


def test_concurrent_edits_do_not_overwrite_each_other(api_as: Any, make_clip: Any, demo: Any) -> None:
    clip = make_clip()
    tag = api_as("reviewer").post("/api/media/tags/", {"clip_id": clip.pk, "label": "rude_conduct",
                                                        "start_s": 5, "end_s": 9}, format="json").json()
    # Two reviewers loaded revision 1; the first save wins, the second gets 409 with the current state.
    first = api_as("reviewer").patch(f"/api/media/tags/{tag['id']}/", {"revision": 1, "note": "Quát công dân"},
                                     format="json")
    assert first.status_code == 200 and first.json()["revision"] == 2
    second = api_as("lead").patch(f"/api/media/tags/{tag['id']}/", {"revision": 1, "end_s": 12},
                                  format="json")
    assert second.status_code == 409
    err = second.json()["error"]
    assert err["code"] == "revision_conflict"
    assert err["fields"]["current"]["note"] == "Quát công dân" and err["fields"]["current"]["revision"] == 2
    assert Tag.objects.get(pk=tag["id"]).end_s == 9  # the second edit did not land
    # Re-applied on the current revision it goes through, and history keeps all three states.
    third = api_as("lead").patch(f"/api/media/tags/{tag['id']}/", {"revision": 2, "end_s": 12,
                                                                   "reason": "kéo dài"}, format="json")
    assert third.status_code == 200 and third.json()["updated_by"]["id"] == demo.users["lead"].pk
    detail = api_as("reviewer").get(f"/api/media/tags/{tag['id']}/").json()
    assert [(h["revision"], h["action"], h["end_s"], h["note"]) for h in detail["history"]] == [
        (1, "create", 9, ""), (2, "update", 9, "Quát công dân"), (3, "update", 12, "Quát công dân")]


def test_soft_delete_keeps_history_and_needs_reason(api_as: Any, make_clip: Any) -> None:
    clip = make_clip()
    client = api_as("reviewer")
    tag = client.post("/api/media/tags/", {"clip_id": clip.pk, "label": "queue_jumping", "start_s": 1,
                                           "end_s": 3}, format="json").json()
    assert client.delete(f"/api/media/tags/{tag['id']}/", {"revision": 1}, format="json").status_code == 400
    r = client.delete(f"/api/media/tags/{tag['id']}/", {"revision": 1, "reason": "gắn nhầm đoạn"}, format="json")
    assert r.status_code == 200 and r.json()["deleted"] is True
    assert client.get(f"/api/media/tags/?clip={clip.pk}").json()["count"] == 0
    assert client.get(f"/api/media/tags/?clip={clip.pk}&include_deleted=true").json()["count"] == 1
    assert list(TagRevision.objects.filter(tag_id=tag["id"]).values_list("action", flat=True)) == ["create", "delete"]
    again = client.patch(f"/api/media/tags/{tag['id']}/", {"revision": 2, "note": "x"}, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "tag_deleted"


def test_scope_and_roles(api_as: Any, make_clip: Any) -> None:
    clip = make_clip(camera="CAM-KL-01")
    assert api_as("unithead").get(f"/api/media/clips/{clip.pk}/").status_code == 403
    assert api_as("discipline").post("/api/media/tags/", {"clip_id": clip.pk, "label": "tamper", "start_s": 0,
                                                           "end_s": 1}, format="json").status_code == 403
    assert api_as("reviewer").get(f"/api/media/clips/{clip.pk}/").status_code == 200


def test_taxonomy_is_configurable_by_admin_only(api_as: Any) -> None:
    labels = api_as("reviewer").get("/api/media/taxonomy/").json()["results"]
    assert {x["code"] for x in labels} >= {"officer_absent", "unofficial_fee", "rude_conduct", "procedure_violation",
                                          "queue_jumping", "tamper", "other"}
    new = {"code": "sleeping", "name_vi": "Ngủ trong giờ", "name_en": "Sleeping on duty"}
    assert api_as("reviewer").post("/api/media/taxonomy/", new, format="json").status_code == 403
    assert api_as("admin").post("/api/media/taxonomy/", new, format="json").status_code == 201
    assert api_as("admin").post("/api/media/taxonomy/", new, format="json").status_code == 409
    r = api_as("admin").patch("/api/media/taxonomy/sleeping/", {"active": False}, format="json")
    assert r.status_code == 200 and r.json()["active"] is False
    codes = {x["code"] for x in api_as("reviewer").get("/api/media/taxonomy/").json()["results"]}
    assert "sleeping" not in codes
