"""A package of a selection of tags (no finding), its custody, and the manifest's signature."""
from __future__ import annotations

import base64
import io
import json
import zipfile
from typing import Any

import pytest

from backend.core.actors import SystemActor
from media_ingest.review.models import AccessLog, EvidencePackage
from media_ingest.review.package import verify_package

pytestmark = pytest.mark.django_db


def _tag(client: Any, clip: Any, start: float, end: float) -> dict:
    r = client.post("/api/media/tags/", {"clip_id": clip.pk, "label": "officer_absent", "start_s": start,
                                         "end_s": end}, format="json")
    assert r.status_code == 201, r.content
    return r.json()


def _request(client: Any, tag_ids: list[int], capture: Any) -> Any:
    with capture():
        return client.post("/api/media/evidence/packages/", {"tag_ids": tag_ids, "reason": "Gửi tổ kiểm tra xem xét"},
                           format="json")


def test_selection_of_tags_becomes_a_signed_package(api_as: Any, make_clip: Any, tmp_path: Any,
                                                    django_capture_on_commit_callbacks: Any) -> None:
    from media_ingest.review.tasks import evidence_package_build

    client = api_as("reviewer")
    clip = make_clip(footage="counter-visits.mp4", duration=139.0)
    tags = [_tag(client, clip, 30, 38), _tag(client, clip, 90, 95)]
    r = _request(client, [t["id"] for t in tags], django_capture_on_commit_callbacks)
    assert r.status_code == 202, r.content
    assert r.json()["kind"] == "selection" and r.json()["finding_id"] is None
    assert evidence_package_build.apply(args=(r.json()["id"],)).successful()
    package = client.get(f"/api/media/evidence/packages/{r.json()['id']}/").json()
    assert package["state"] == "ready" and package["signed"] and package["progress"] == 1.0, package
    assert package["tag_ids"] == sorted(t["id"] for t in tags)
    assert [p["id"] for p in client.get(f"/api/media/evidence/packages/?clip={clip.pk}").json()["results"]] == [
        package["id"]]

    url = client.post(f"/api/media/evidence/packages/{package['id']}/download/", {"reason": "nộp hồ sơ"},
                      format="json").json()["url"]
    fetched = client.get(url)
    body = b"".join(fetched.streaming_content) if fetched.streaming else fetched.content
    with zipfile.ZipFile(io.BytesIO(body)) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        assert manifest["finding"] is None and manifest["selection"]["tag_ids"] == package["tag_ids"]
        assert len([n for n in zf.namelist() if n.startswith("segments/")]) == 2
        sig = json.loads(zf.read("manifest.sig"))
    path = tmp_path / "p.zip"
    path.write_bytes(body)
    key = client.get("/api/media/evidence/signing-key/").json()
    assert sig["key_id"] == key["key_id"] and sig["public_key"] == key["public_key"]
    trusted = verify_package(path, trusted_public_keys=[key["public_key"]], require_signature=True)
    assert trusted.ok and trusted.signature.valid
    # A package signed by some other key is not the server's, even if internally consistent.
    other = base64.b64encode(b"\x01" * 32).decode()
    assert not verify_package(path, trusted_public_keys=[other]).ok

    # The export is in the clip's custody and in the package's own custody log.
    clip_actions = [e["action"] for e in client.get(f"/api/media/clips/{clip.pk}/custody/?page_size=200").json()["results"]]
    assert clip_actions.count("export") == 2 and "export_download" in clip_actions  # requested, ready
    pkg_log = client.get(f"/api/media/evidence/packages/{package['id']}/custody/?page_size=200").json()["results"]
    assert {"tag_create", "export", "export_download"} <= {e["action"] for e in pkg_log}


def test_selection_refused_outside_scope_and_for_bad_input(api_as: Any, make_clip: Any, demo: Any,
                                                           django_capture_on_commit_callbacks: Any) -> None:
    from backend.accounts.services import user_create
    from backend.org.demo import DEMO_PASSWORD
    from tests.conftest import login_client

    client = api_as("reviewer")
    tc = _tag(client, make_clip(camera="CAM-TC-01"), 1, 3)
    kl = _tag(client, make_clip(camera="CAM-KL-01"), 1, 3)
    user_create(by=SystemActor("test"), username="rv-tc3", password=DEMO_PASSWORD, role="reviewer", scope_unit=demo.units["CAX-TC"])
    scoped = login_client("rv-tc3", DEMO_PASSWORD)
    # A tag outside the reviewer's units: not found (and nothing written).
    assert _request(scoped, [tc["id"], kl["id"]], django_capture_on_commit_callbacks).status_code == 404
    # The province-wide reviewer's package of both is not visible to the scoped one.
    r = _request(client, [tc["id"], kl["id"]], django_capture_on_commit_callbacks)
    assert r.status_code == 202
    assert scoped.get(f"/api/media/evidence/packages/{r.json()['id']}/").status_code == 404
    assert scoped.get(f"/api/media/evidence/packages/{r.json()['id']}/custody/").status_code == 404
    # Exactly one of finding_id / tag_ids; at least one tag; discipline may not export footage.
    both = client.post("/api/media/evidence/packages/", {"tag_ids": [tc["id"]], "finding_id": 1, "reason": "xuất gói"},
                       format="json")
    assert both.status_code == 400
    assert client.post("/api/media/evidence/packages/", {"tag_ids": [], "reason": "xuất gói"},
                       format="json").status_code == 400
    assert api_as("discipline").post("/api/media/evidence/packages/", {"tag_ids": [tc["id"]], "reason": "xuất gói"},
                                     format="json").status_code in (403, 404)
    assert EvidencePackage.objects.count() == 1
    assert AccessLog.objects.filter(action="export").count() == 2  # one per clip of the one package


def test_deleted_tag_cannot_be_packed(api_as: Any, make_clip: Any, django_capture_on_commit_callbacks: Any) -> None:
    client = api_as("reviewer")
    tag = _tag(client, make_clip(), 1, 3)
    d = client.delete(f"/api/media/tags/{tag['id']}/", {"revision": 1, "reason": "nhầm lẫn"}, format="json")
    assert d.status_code == 200, d.content
    r = _request(client, [tag["id"]], django_capture_on_commit_callbacks)
    assert r.status_code == 409 and r.json()["error"]["code"] == "tag_deleted"
    assert not EvidencePackage.objects.exists()


@pytest.mark.parametrize("reason", ["aaaaa", "asdf qwer", "xxxxx yyyyy"])
def test_the_export_reason_is_written_in_words(api_as: Any, make_clip: Any, reason: str) -> None:
    """User review (issue 15): "abc" was refused but "aaaaa" built a package; the reason goes into the custody log
    that a disciplinary council reads, like the other reasons with legal weight."""
    from media_ingest.review.models import EvidencePackage

    client = api_as("reviewer")
    tag = _tag(client, make_clip(camera="CAM-TC-01"), 1, 3)
    before = EvidencePackage.objects.count()
    r = client.post("/api/media/evidence/packages/", {"tag_ids": [tag["id"]], "reason": reason}, format="json")
    assert r.status_code == 400, r.content
    assert "reason" in r.json()["error"]["fields"] and "thành lời" in r.json()["error"]["message"]
    assert EvidencePackage.objects.count() == before
