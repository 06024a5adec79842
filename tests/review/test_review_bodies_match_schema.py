"""The footage review answers match their declared schema with real, full bodies (issue 17): a clip
with events, tags, coverage and custody, evidence (a tag and a file), a built and signed package, its
custody, download and verification, the signing key, the taxonomy and the moments. The fuzz
(tests/hardening/test_fuzz.py) checks the same on the seeded world, where many of these lists are
empty; here each declared nullable or list field is exercised with something in it."""
from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.openapi_bodies import check
from tests.review.test_moments import WINDOW, scene  # noqa: F401  (the fixture, with footage and without)

pytestmark = pytest.mark.django_db


def test_review_answers_match_the_schema(api_as: Any, make_clip: Any, finding_for: Any, demo: Any,
                                         django_capture_on_commit_callbacks: Any) -> None:
    from media_ingest.review.tasks import evidence_package_build

    client = api_as("reviewer")
    clip = make_clip(footage="counter-visits.mp4", duration=139.0)
    finding = finding_for()
    clip_path = "/api/media/clips/{id}/"
    check(client.get(f"/api/media/clips/{clip.pk}/"), "get", clip_path)
    listed = check(client.get("/api/media/clips/"), "get", "/api/media/clips/", strict=True)
    assert any(row["id"] == clip.pk for row in listed["results"])
    check(client.get(f"/api/media/clips/{clip.pk}/events/"), "get", clip_path + "events/")
    check(client.post(f"/api/media/clips/{clip.pk}/playback/", {"reason": "xem lại đoạn video"}, format="json"),
          "post", clip_path + "playback/")
    check(client.post(f"/api/media/clips/{clip.pk}/coverage/", {"ranges": [[0, 12.5], [40, 60]]}, format="json"),
          "post", clip_path + "coverage/")
    check(client.get(f"/api/media/clips/{clip.pk}/coverage/"), "get", clip_path + "coverage/")
    tag = client.post("/api/media/tags/", {"clip_id": clip.pk, "label": "officer_absent", "start_s": 30,
                                           "end_s": 40}, format="json").json()
    item = check(client.post("/api/media/evidence/", {"finding_id": finding.pk, "tag_id": tag["id"]}, format="json"),
                 "post", "/api/media/evidence/")
    check(client.post("/api/media/evidence/", {"finding_id": finding.pk,
                                               "file": SimpleUploadedFile("ghi-chu.txt", b"ghi chu hien truong")},
                      format="multipart"), "post", "/api/media/evidence/")
    check(client.get(f"/api/media/evidence/{item['id']}/"), "get", "/api/media/evidence/{id}/")
    evidence = check(client.get(f"/api/media/evidence/?finding={finding.pk}"), "get", "/api/media/evidence/", strict=True)
    assert len(evidence["results"]) == 2
    custody = check(client.get(f"/api/media/clips/{clip.pk}/custody/"), "get", clip_path + "custody/")
    assert custody["results"] and custody["clip"]["id"] == clip.pk

    with django_capture_on_commit_callbacks():
        package = check(client.post("/api/media/evidence/packages/", {"finding_id": finding.pk, "reason": "chuyển hội đồng kỷ luật"},
                                    format="json"), "post", "/api/media/evidence/packages/")
    assert evidence_package_build.apply(args=(package["id"],)).successful()
    built = check(client.get(f"/api/media/evidence/packages/{package['id']}/"), "get",
                  "/api/media/evidence/packages/{id}/")
    assert built["state"] == "ready" and built["files"] and built["finished_at"]
    packages = check(client.get(f"/api/media/evidence/packages/?finding={finding.pk}"), "get",
                     "/api/media/evidence/packages/", strict=True)
    assert [p["id"] for p in packages["results"]] == [package["id"]]
    package_path = "/api/media/evidence/packages/{id}/"
    check(client.post(f"/api/media/evidence/packages/{package['id']}/download/", {"reason": "nộp hồ sơ"},
                      format="json"), "post", package_path + "download/")
    check(client.post(f"/api/media/evidence/packages/{package['id']}/verify/"), "post", package_path + "verify/")
    check(client.get(f"/api/media/evidence/packages/{package['id']}/custody/"), "get", package_path + "custody/")
    check(client.get("/api/media/evidence/signing-key/"), "get", "/api/media/evidence/signing-key/")
    check(client.post("/api/media/evidence/verify/", {"file": SimpleUploadedFile("p.zip", b"not a zip")},
                      format="multipart"), "post", "/api/media/evidence/verify/")

    check(client.get("/api/media/taxonomy/?include_inactive=true"), "get", "/api/media/taxonomy/")
    admin = api_as("admin")
    check(admin.post("/api/media/taxonomy/", {"code": "queue_jump", "name_vi": "Chen hàng", "name_en": "Queue jump"},
                     format="json"), "post", "/api/media/taxonomy/")
    check(admin.patch("/api/media/taxonomy/queue_jump/", {"active": False}, format="json"),
          "patch", "/api/media/taxonomy/{code}/")


def test_moments_match_the_schema(api_as: Any, scene: dict) -> None:  # noqa: F811
    client = api_as("reviewer")
    r = client.post("/api/media/tags/", {"clip_id": scene["clip_tc"].pk, "label": "officer_absent", "start_s": 25,
                                         "end_s": 35, "note": "rời quầy"}, format="json")
    assert r.status_code == 201, r.content
    moments = check(client.get(f"/api/media/moments/?{WINDOW}"), "get", "/api/media/moments/")
    assert {m["footage"]["available"] for m in moments["results"]} == {True, False}
    assert any(m["tags"] for m in moments["results"])
