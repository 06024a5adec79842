from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from backend.core.actors import SystemActor
from backend.core.store import get_footage_store, get_store
from media_ingest.review.models import AccessLog, EvidenceItem, EvidencePackage
from media_ingest.review.package import verify_package

pytestmark = pytest.mark.django_db


def _tag(client: Any, clip: Any, start: float, end: float, label: str = "officer_absent") -> dict:
    r = client.post("/api/media/tags/", {"clip_id": clip.pk, "label": label, "start_s": start, "end_s": end},
                    format="json")
    assert r.status_code == 201, r.content
    return r.json()


def test_link_tag_and_file_as_evidence(api_as: Any, make_clip: Any, finding_for: Any) -> None:
    client = api_as("reviewer")
    clip = make_clip()
    finding = finding_for()
    tag = _tag(client, clip, 10, 20)
    r = client.post("/api/media/evidence/", {"finding_id": finding.pk, "tag_id": tag["id"], "note": "Cán bộ rời quầy"},
                    format="json")
    assert r.status_code == 201, r.content
    item = r.json()
    assert item["kind"] == "tag" and item["clip_sha256"] == clip.sha256 and item["tag_revision"] == 1
    assert client.post("/api/media/evidence/", {"finding_id": finding.pk, "tag_id": tag["id"]},
                       format="json").status_code == 409
    # A linked tag cannot be deleted out from under the finding.
    d = client.delete(f"/api/media/tags/{tag['id']}/", {"revision": 1, "reason": "nhầm lẫn"}, format="json")
    assert d.status_code == 409 and d.json()["error"]["code"] == "tag_is_evidence"
    data = b"Bien ban lam viec voi cong dan\n"
    upload = SimpleUploadedFile("biên bản.txt", data, content_type="text/plain")
    f = client.post("/api/media/evidence/", {"finding_id": finding.pk, "file": upload, "note": "lời khai"},
                    format="multipart")
    assert f.status_code == 201, f.content
    import hashlib

    assert f.json()["sha256"] == hashlib.sha256(data).hexdigest() and f.json()["size_bytes"] == len(data)
    stored = EvidenceItem.objects.get(pk=f.json()["id"])
    with get_store().open(stored.file_key) as fh:
        assert fh.read() == data
    listed = client.get(f"/api/media/evidence/?finding={finding.pk}").json()
    assert [x["kind"] for x in listed["results"]] == ["tag", "file"]
    assert AccessLog.objects.filter(action="evidence_link").count() == 2
    neither = client.post("/api/media/evidence/", {"finding_id": finding.pk}, format="json")
    assert neither.status_code == 400


def test_evidence_respects_finding_visibility(api_as: Any, make_clip: Any, finding_for: Any, demo: Any) -> None:
    from backend.accounts.services import user_create
    from backend.org.demo import DEMO_PASSWORD
    from tests.conftest import login_client

    clip = make_clip(camera="CAM-KL-01")
    tag = _tag(api_as("reviewer"), clip, 1, 2)
    finding = finding_for(unit_code="CAX-KL")
    user_create(by=SystemActor("test"), username="rv-tc2", password=DEMO_PASSWORD, role="reviewer", scope_unit=demo.units["CAX-TC"])
    scoped = login_client("rv-tc2", DEMO_PASSWORD)
    assert scoped.post("/api/media/evidence/", {"finding_id": finding.pk, "tag_id": tag["id"]},
                       format="json").status_code == 404
    other = finding_for(unit_code="CAX-ND")
    r = api_as("reviewer").post("/api/media/evidence/", {"finding_id": other.pk, "tag_id": tag["id"]}, format="json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "unit_mismatch"
    assert api_as("discipline").post("/api/media/evidence/", {"finding_id": finding.pk, "tag_id": tag["id"]},
                                     format="json").status_code == 403
    assert not EvidenceItem.objects.exists()


def _build_package(client: Any, finding: Any, django_capture_on_commit_callbacks: Any) -> dict:
    """Request a package through the API; run the queued job's body here (the test's transaction
    is invisible to the in-process pool's own connection)."""
    from media_ingest.review.tasks import evidence_package_build

    with django_capture_on_commit_callbacks() as callbacks:
        r = client.post("/api/media/evidence/packages/", {"finding_id": finding.pk, "reason": "Chuyển hội đồng kỷ luật"},
                        format="json")
    assert r.status_code == 202, r.content
    assert r.json()["state"] == "pending" and len(callbacks) == 1
    result = evidence_package_build.apply(args=(r.json()["id"],))
    assert result.successful(), result.result
    return client.get(f"/api/media/evidence/packages/{r.json()['id']}/").json()


def test_evidence_package_verifies_and_fails_after_one_byte(api_as: Any, make_clip: Any, finding_for: Any,
                                                           tmp_path: Path, django_capture_on_commit_callbacks: Any) -> None:
    client = api_as("reviewer")
    clip = make_clip(footage="counter-visits.mp4", duration=139.0)
    finding = finding_for()
    for start, end in ((30, 40), (100, 104.5)):
        tag = _tag(client, clip, start, end)
        client.post("/api/media/evidence/", {"finding_id": finding.pk, "tag_id": tag["id"]}, format="json")
    client.post("/api/media/evidence/", {"finding_id": finding.pk,
                                         "file": SimpleUploadedFile("ghi-chu.txt", b"ghi chu hien truong")},
                format="multipart")
    client.post(f"/api/media/clips/{clip.pk}/playback/", {"reason": "xem trước khi xuất"}, format="json")

    package = _build_package(client, finding, django_capture_on_commit_callbacks)
    assert package["state"] == "ready", package
    paths = sorted(f["path"] for f in package["files"])
    assert paths[:2] == ["README.txt", "custody.json"] and len([p for p in paths if p.startswith("segments/")]) == 2
    assert any(p.startswith("files/") for p in paths)

    # Download is logged; the ZIP verifies (API, function, command).
    dl = client.post(f"/api/media/evidence/packages/{package['id']}/download/", {"reason": "nộp hồ sơ"}, format="json")
    assert dl.status_code == 201
    fetched = client.get(dl.json()["url"])
    assert fetched.status_code == 200
    zip_bytes = b"".join(fetched.streaming_content) if fetched.streaming else fetched.content
    zip_path = tmp_path / "package.zip"
    zip_path.write_bytes(zip_bytes)
    v = client.post(f"/api/media/evidence/packages/{package['id']}/verify/").json()
    assert v["ok"] is True and v["checked"] == len(package["files"]) and not v["problems"]
    key = client.get("/api/media/evidence/signing-key/").json()
    assert package["signed"] and v["signature"] == {"present": True, "valid": True, "key_id": key["key_id"],
                                                    "problem": "", "problem_vi": ""}
    report = verify_package(zip_path, expected_manifest_sha256=package["manifest_sha256"],
                            expected_zip_sha256=package["sha256"])
    assert report.ok, report.problems
    call_command("evidence_verify", str(zip_path))

    with zipfile.ZipFile(zip_path) as zf:
        manifest = __import__("json").loads(zf.read("manifest.json"))
        custody = __import__("json").loads(zf.read("custody.json"))
        segment = next(n for n in zf.namelist() if n.startswith("segments/"))
        info = zf.getinfo(segment)
        seg_bytes = zf.read(segment)
    assert manifest["finding"]["reference"] == finding.reference
    item = next(i for i in manifest["items"] if i["kind"] == "tag")
    assert item["source"]["sha256"] == clip.sha256 and item["source"]["key"] == clip.key
    assert item["actual_range_s"][0] <= item["requested_range_s"][0]
    assert {"tag_create", "evidence_link", "view", "export"} <= {e["action"] for e in custody["entries"]}
    import av

    with av.open(io.BytesIO(seg_bytes), mode="r") as container:
        assert sum(1 for _ in container.decode(video=0)) >= 95  # ~10 s at 10 fps

    # Change one byte inside a segment (stored uncompressed): verification fails.
    tampered = bytearray(zip_path.read_bytes())
    offset = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 5000
    tampered[offset] ^= 0x01
    bad = tmp_path / "tampered.zip"
    bad.write_bytes(bytes(tampered))
    report = verify_package(bad, expected_manifest_sha256=package["manifest_sha256"])
    assert not report.ok and any(segment in p for p in report.problems)
    assert len(report.problems_vi) == len(report.problems) and any(segment in p for p in report.problems_vi)
    with pytest.raises(CommandError):
        call_command("evidence_verify", str(bad))
    with bad.open("rb") as fh:
        up = client.post("/api/media/evidence/verify/", {"file": SimpleUploadedFile("p.zip", fh.read())},
                         format="multipart").json()
    assert up["ok"] is False and up["problems"]

    # A rewritten manifest that matches a changed file is caught by the server's record.
    forged = tmp_path / "forged.zip"
    with zipfile.ZipFile(zip_path) as src, zipfile.ZipFile(forged, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "custody.json":
                data = data.replace(b"export", b"exporT", 1)
            if name == "manifest.json":
                continue
            dst.writestr(name, data)
        import hashlib

        forged_manifest = dict(manifest)
        forged_manifest["files"] = [
            {**f, "sha256": hashlib.sha256(dst.read(f["path"])).hexdigest()} if f["path"] == "custody.json" else f
            for f in manifest["files"]]
        dst.writestr("manifest.json", __import__("json").dumps(forged_manifest))
    # The server's signature no longer matches the rewritten manifest: caught offline too.
    offline = verify_package(forged)
    assert not offline.ok and offline.signature.present and not offline.signature.valid
    # Without manifest.sig the forgery is internally consistent ...
    unsigned = tmp_path / "unsigned.zip"
    with zipfile.ZipFile(forged) as src, zipfile.ZipFile(unsigned, "w") as dst:
        for name in src.namelist():
            if name != "manifest.sig":
                dst.writestr(name, src.read(name))
    assert verify_package(unsigned).ok and not verify_package(unsigned).signature.present
    report = verify_package(unsigned, expected_manifest_sha256=package["manifest_sha256"], require_signature=True)
    assert not report.ok and "manifest.json differs" in report.problems[0]  # ... but not what was recorded
    assert "manifest.sig is missing" in report.problems
    with forged.open("rb") as fh:
        up = client.post("/api/media/evidence/verify/", {"file": SimpleUploadedFile("p.zip", fh.read())},
                         format="multipart").json()
    assert up["ok"] is False
    # Custody: the export and the download are in the clip's custody log.
    actions = [c["action"] for c in client.get(f"/api/media/clips/{clip.pk}/custody/?page_size=200").json()["results"]]
    assert "export" in actions and "export_download" in actions


def test_package_fails_cleanly_when_source_changed(api_as: Any, make_clip: Any, finding_for: Any,
                                                   django_capture_on_commit_callbacks: Any) -> None:
    client = api_as("reviewer")
    clip = make_clip(footage="person-at-desk-1.mkv", duration=2.0)
    finding = finding_for()
    tag = _tag(client, clip, 0.5, 1.5)
    client.post("/api/media/evidence/", {"finding_id": finding.pk, "tag_id": tag["id"]}, format="json")
    # The object is overwritten in the store with other content after tagging.
    get_footage_store().put(clip.key, io.BytesIO(b"not the same video"), 18, "video/x-matroska")
    package = _build_package(client, finding, django_capture_on_commit_callbacks)
    assert package["state"] == "failed" and "no longer the version that was tagged" in package["error_en"]
    assert "không còn là bản đã gắn thẻ" in package["error"]  # the reason in Vietnamese first
    assert EvidencePackage.objects.get(pk=package["id"]).key == ""


def test_package_needs_evidence_and_reason(api_as: Any, finding_for: Any) -> None:
    finding = finding_for()
    client = api_as("reviewer")
    assert client.get(f"/api/inspection/findings/{finding.pk}/").json()["exportable"] is False
    r = client.post("/api/media/evidence/packages/", {"finding_id": finding.pk, "reason": "xuất hồ sơ"}, format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "no_evidence"
    assert r.json()["error"]["message"].startswith("Vi phạm chưa có chứng cứ")  # rev15user F9: not "Kết luận"
    r = client.post("/api/media/evidence/packages/", {"finding_id": finding.pk}, format="json")
    assert r.status_code == 400
    assert not EvidencePackage.objects.exists()


def test_the_finding_says_it_is_exportable_once_it_has_evidence(api_as: Any, make_clip: Any, finding_for: Any) -> None:
    """rev15user F9: the export button is disabled with its reason before a reason is typed."""
    client = api_as("reviewer")
    finding = finding_for()
    assert client.get(f"/api/inspection/findings/{finding.pk}/").json()["exportable"] is False
    tag = _tag(client, make_clip(footage="person-at-desk-1.mkv", duration=2.0), 0.5, 1.5)
    client.post("/api/media/evidence/", {"finding_id": finding.pk, "tag_id": tag["id"]}, format="json")
    assert client.get(f"/api/inspection/findings/{finding.pk}/").json()["exportable"] is True


def test_unit_head_is_told_how_much_footage_evidence_there_is(api_as: Any, make_clip: Any, finding_for: Any) -> None:
    """Issue 15 (user 2): the unit head may not see footage, but the finding he must explain tells him
    that footage evidence exists (a count), instead of a refused request shown as "no evidence"."""
    reviewer = api_as("reviewer")
    finding = finding_for(unit_code="CAX-TC")
    head = api_as("unithead")
    assert head.get(f"/api/inspection/findings/{finding.pk}/").json()["media_evidence_count"] == 0
    tag = _tag(reviewer, make_clip(camera="CAM-TC-01"), 10, 20)
    assert reviewer.post("/api/media/evidence/", {"finding_id": finding.pk, "tag_id": tag["id"]},
                         format="json").status_code == 201
    r = head.get(f"/api/inspection/findings/{finding.pk}/")
    assert r.status_code == 200 and r.json()["media_evidence_count"] == 1
    assert head.get(f"/api/media/evidence/?finding={finding.pk}").status_code == 403


def test_tag_evidence_names_its_camera_and_clock_time(api_as: Any, make_clip: Any, finding_for: Any) -> None:
    """Issue 15 (user 6): the finding listed a tag as "0:14,0 – 0:24,0", offsets with no camera or date."""
    from datetime import timedelta

    reviewer = api_as("reviewer")
    clip = make_clip(camera="CAM-TC-01")
    finding = finding_for(unit_code="CAX-TC")
    tag = _tag(reviewer, clip, 14, 24)
    assert reviewer.post("/api/media/evidence/", {"finding_id": finding.pk, "tag_id": tag["id"]},
                         format="json").status_code == 201
    from datetime import datetime

    item = reviewer.get(f"/api/media/evidence/?finding={finding.pk}").json()["results"][0]
    assert item["camera"] == "CAM-TC-01"
    assert datetime.fromisoformat(item["moment_from"]) == clip.started_at + timedelta(seconds=14)
    assert datetime.fromisoformat(item["moment_to"]) == clip.started_at + timedelta(seconds=24)
