"""The evidence package holds every kind of evidence attached to a finding, wherever it was
attached: reviewers' tags (segments), files uploaded on the finding page, and the check report's
photos of the finding's criterion. (Before: only the review app's own items went in; a file
uploaded on the finding page was silently left out, and a finding with only such files could not
be exported at all.)"""
from __future__ import annotations

import hashlib
import io
import json
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from backend.core.store import get_store
from backend.core.uploads import store_upload
from inspection.models import CheckReport, CriteriaSet, Criterion, CriterionResult, ReportEvidence, SurpriseCheck
from media_ingest.review.models import EvidencePackage

pytestmark = pytest.mark.django_db


def _build(client: Any, finding: Any, capture: Any) -> dict:
    from media_ingest.review.tasks import evidence_package_build

    with capture():
        r = client.post("/api/media/evidence/packages/", {"finding_id": finding.pk, "reason": "Chuyển hội đồng kỷ luật"},
                        format="json")
    assert r.status_code == 202, r.content
    assert evidence_package_build.apply(args=(r.json()["id"],)).successful()
    return client.get(f"/api/media/evidence/packages/{r.json()['id']}/").json()


def _zip(client: Any, package: dict) -> zipfile.ZipFile:
    url = client.post(f"/api/media/evidence/packages/{package['id']}/download/", {"reason": "nộp hồ sơ"},
                      format="json").json()["url"]
    fetched = client.get(url)
    body = b"".join(fetched.streaming_content) if fetched.streaming else fetched.content
    return zipfile.ZipFile(io.BytesIO(body))


def _check_with_photo(demo: Any, lead: Any) -> tuple[SurpriseCheck, Criterion, ReportEvidence, ReportEvidence]:
    from django.utils import timezone

    cs = CriteriaSet.objects.create(code="T", year=2026, name="Bộ tiêu chí thử")
    crit = Criterion.objects.create(criteria_set=cs, code="3.1", text="Thu phí đúng quy định", max_points=10)
    other = Criterion.objects.create(criteria_set=cs, code="1.1", text="Có mặt tại quầy", max_points=10)
    check = SurpriseCheck.objects.create(reference="KT-PKG-1", unit=demo.units["CAX-TC"], lead=lead,
                                         created_by=lead, window_start=timezone.now(),
                                         window_end=timezone.now(), state="completed",
                                         started_at=timezone.now())
    report = CheckReport.objects.create(surprise_check=check, criteria_set=cs)
    res = CriterionResult.objects.create(report=report, criterion=crit, outcome="fail")
    res_other = CriterionResult.objects.create(report=report, criterion=other, outcome="pass")

    def photo(name: str, data: bytes, result: CriterionResult) -> ReportEvidence:
        s = store_upload(fileobj=io.BytesIO(data), filename=name, content_type="image/jpeg",
                         prefix="inspection/checks/test/evidence", max_bytes=1 << 20)
        return ReportEvidence.objects.create(report=report, result=result, key=s.key, filename=s.filename,
                                             content_type="image/jpeg", size=s.size, sha256=s.sha256,
                                             uploaded_by=lead)

    return check, crit, photo("bien-lai.jpg", b"\xff\xd8 receipt photo", res), photo("quay.jpg", b"\xff\xd8 desk", res_other)


def test_finding_page_files_and_report_photos_reach_the_package(
        api_as: Any, demo: Any, finding_for: Any, django_capture_on_commit_callbacks: Any) -> None:
    lead = demo.users["lead"]
    check, crit, receipt, unrelated = _check_with_photo(demo, lead)
    finding = finding_for(source="check", surprise_check=check, criterion=crit)
    # Only the finding page was used: no tag, no reviewer file.
    data = b"Bien ban ghi loi khai cong dan\n"
    up = api_as("lead").post(f"/api/inspection/findings/{finding.pk}/evidence/",
                             {"file": SimpleUploadedFile("lời khai.txt", data), "description": "Lời khai"},
                             format="multipart")
    assert up.status_code == 201, up.content
    ref = api_as("lead").post(f"/api/inspection/findings/{finding.pk}/evidence/",
                              {"media_ref": "camera quầy 08:30"}, format="multipart")
    assert ref.status_code == 201, ref.content

    client = api_as("reviewer")
    package = _build(client, finding, django_capture_on_commit_callbacks)
    assert package["state"] == "ready", package
    assert package["progress"] == 1.0
    with _zip(client, package) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        names = zf.namelist()
        kinds = {(i["kind"], i["attached_in"]): i for i in manifest["items"]}
        assert set(kinds) == {("file", "finding"), ("note", "finding"), ("report_photo", "check_report")}
        uploaded = kinds[("file", "finding")]
        assert uploaded["sha256"] == hashlib.sha256(data).hexdigest() and uploaded["note"] == "Lời khai"
        assert zf.read(uploaded["file"]) == data
        photo = kinds[("report_photo", "check_report")]
        assert photo["criterion"] == "3.1" and zf.read(photo["file"]) == b"\xff\xd8 receipt photo"
        assert photo["evidence_id"] == receipt.pk
        assert kinds[("note", "finding")]["media_ref"] == "camera quầy 08:30"
        # The report photo of another criterion is not evidence of this finding.
        assert not any(unrelated.filename in n for n in names)
    assert client.post(f"/api/media/evidence/packages/{package['id']}/verify/").json()["ok"] is True
    # The package's custody log names the finding by its reference, on screen and in the export.
    log = client.get(f"/api/media/evidence/packages/{package['id']}/custody/").json()["results"]
    assert {e["finding_reference"] for e in log if e["finding_id"]} == {finding.reference}
    csv_text = client.get(f"/api/media/evidence/packages/{package['id']}/custody/export/?type=csv").content.decode()
    assert f"vi phạm {finding.reference}" in csv_text and "máy chủ (tác vụ nền)" in csv_text


def test_report_photo_attached_on_the_finding_is_packed_once(
        api_as: Any, demo: Any, finding_for: Any, django_capture_on_commit_callbacks: Any) -> None:
    lead = demo.users["lead"]
    check, crit, receipt, _ = _check_with_photo(demo, lead)
    finding = finding_for(source="check", surprise_check=check, criterion=crit)
    r = api_as("lead").post(f"/api/inspection/findings/{finding.pk}/evidence/",
                            {"report_evidence_id": receipt.pk}, format="json")
    assert r.status_code == 201, r.content
    package = _build(api_as("reviewer"), finding, django_capture_on_commit_callbacks)
    files = [f["path"] for f in package["files"] if f["path"].startswith("files/")]
    assert len(files) == 1 and files[0].endswith("bien-lai.jpg")


def test_changed_finding_file_fails_the_package(
        api_as: Any, finding_for: Any, django_capture_on_commit_callbacks: Any) -> None:
    finding = finding_for()
    r = api_as("lead").post(f"/api/inspection/findings/{finding.pk}/evidence/",
                            {"file": SimpleUploadedFile("anh.jpg", b"original bytes")}, format="multipart")
    assert r.status_code == 201, r.content
    from media_ingest.review.models import EvidenceItem

    key = EvidenceItem.objects.get(pk=r.json()["id"]).file_key
    get_store().put(key, io.BytesIO(b"swapped bytes!"), 14, "image/jpeg")
    package = _build(api_as("reviewer"), finding, django_capture_on_commit_callbacks)
    assert package["state"] == "failed" and "content changed since upload" in package["error_en"]
    assert package["error"] == "tệp chứng cứ anh.jpg đã bị thay đổi sau khi tải lên (SHA-256 khác)"
    assert EvidencePackage.objects.get(pk=package["id"]).key == ""
