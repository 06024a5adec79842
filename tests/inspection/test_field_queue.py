"""Field mode (issue 16), the offline queue against the server: the report's version is required, a conflict
says what changed on the server (which criteria and notes, by whom, when), a photo must decode as a photo and
carry the device's hash, its time and place are recorded as declared by the device next to the server's
receipt time, and a change queued under one account is never written under another."""
from __future__ import annotations

import hashlib
import io

import pytest
from django.utils import timezone

from backend.audit.models import AuditEvent
from backend.org.demo import DEMO_PASSWORD
from inspection.models import CheckReport, ReportEvidence, SurpriseCheck
from tests.conftest import login_client
from tests.inspection.factories import photo_bytes, report_version
from tests.inspection.test_reports import _url
from tests.inspection.test_secrecy import _plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(api_as, insp):
    check = _plan(insp)
    assert api_as("lead").post(f"/api/inspection/checks/{check.uid}/start/", {}, format="json").status_code == 200
    return SurpriseCheck.objects.get(pk=check.pk)


def _post_photo(client, check, data: bytes, name: str = "anh.jpg", headers: dict | None = None, **fields):
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(_url(check, "evidence/"), {"file": upload, **fields}, format="multipart", **(headers or {}))


# --- 3. the version is required: a last write never silently wins ----------------------------------------


def test_a_report_put_without_its_version_is_a_clear_400_and_writes_nothing(api_as, running):
    lead = api_as("lead")
    before = report_version(running)
    response = lead.put(_url(running), {"results": [{"criterion": "1.1", "outcome": "fail", "note": "Vắng"}],
                                        "summary": "Ghi đè"}, format="json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "version_required" and "version" in error["fields"]
    assert "phiên bản" in error["message"] and "version" in error["message_en"]
    report = CheckReport.objects.get(surprise_check=running)
    assert report.version == before and report.summary != "Ghi đè" and not report.results.exists()
    ok = lead.put(_url(running), {"results": [{"criterion": "1.1", "outcome": "pass"}], "version": before},
                  format="json")
    assert ok.status_code == 200 and ok.json()["version"] == before + 1


# --- 4. a conflict says what changed on the server, by whom and when -------------------------------------


def test_a_conflict_names_the_criteria_notes_author_and_time_of_the_newer_versions(api_as, running):
    inspector, lead = api_as("inspector"), api_as("lead")
    base = report_version(running)
    first = inspector.put(_url(running), {"results": [{"criterion": "1.1", "outcome": "fail", "note": "Vắng quầy"},
                                                      {"criterion": "2.1", "outcome": "pass"}],
                                          "summary": "Ghi nhận tại chỗ", "version": base}, format="json")
    assert first.status_code == 200
    # a write that changes nothing is not a change (it must not show up in the detail)
    assert inspector.put(_url(running), {"results": [{"criterion": "2.1", "outcome": "pass"}],
                                         "version": base + 1}, format="json").json()["version"] == base + 1
    stale = lead.put(_url(running), {"results": [{"criterion": "1.1", "outcome": "pass"}], "summary": "Tốt",
                                     "version": base}, format="json")
    assert stale.status_code == 409, stale.content
    error = stale.json()["error"]
    assert error["code"] == "report_version_conflict" and error["fields"]["version"] == [str(base + 1)]
    changes = error["fields"]["server_changes"]
    assert len(changes) == 1
    change = changes[0]
    name = running.team.get(username="inspector").get_full_name()
    assert change["by"] == name and change["version"] == base + 1 and change["summary_changed"] is True
    assert [c["criterion"] for c in change["criteria"]] == ["1.1", "2.1"]
    assert change["criteria"][0]["after"]["note"] == "Vắng quầy"
    assert abs((timezone.now() - timezone.datetime.fromisoformat(change["at"])).total_seconds()) < 60
    at = timezone.localtime(timezone.datetime.fromisoformat(change["at"])).strftime("%H:%M %d/%m/%Y")
    assert f"{name} sửa tiêu chí 1.1, 2.1 và nhận xét chung lúc {at}" in error["message"]
    assert f"{name} changed criteria 1.1, 2.1 and the summary at {at}" in error["message_en"]
    assert CheckReport.objects.get(surprise_check=running).results.get(criterion__code="1.1").outcome == "fail"


# --- 5. photos: decoded as images, hash required, time and place as declared by the device ---------------


@pytest.mark.parametrize("data, name", [
    (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer <<>>\n%%EOF", "bien-ban.jpg"),
    (b"<script>alert(1)</script>", "anh.jpg"),
    (photo_bytes()[:200], "cut.jpg"),  # a truncated JPEG: its header is right, its pixels are not there
    (photo_bytes("GIF"), "anim.gif"),
])
def test_an_upload_that_is_not_a_readable_photo_is_refused_and_nothing_stored(api_as, running, data, name):
    inspector = api_as("inspector")
    assert inspector.put(_url(running), {"results": [{"criterion": "1.1", "outcome": "pass"}],
                                         "version": report_version(running)}, format="json").status_code == 200
    response = _post_photo(inspector, running, data, name, criterion="1.1", sha256=hashlib.sha256(data).hexdigest())
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "not_an_image" and "file" in error["fields"]
    assert "không phải là ảnh" in error["message"] and "not a readable photo" in error["message_en"]
    assert not ReportEvidence.objects.filter(report__surprise_check=running).exists()


def test_a_photo_without_the_device_hash_is_refused(api_as, running):
    inspector = api_as("inspector")
    response = _post_photo(inspector, running, photo_bytes())
    assert response.status_code == 400 and response.json()["error"]["code"] == "sha256_required"
    assert "SHA-256" in response.json()["error"]["message"]
    assert not ReportEvidence.objects.filter(report__surprise_check=running).exists()


def test_device_time_and_place_are_recorded_as_declared_next_to_the_server_receipt_time(api_as, running):
    inspector = api_as("inspector")
    assert inspector.put(_url(running), {"results": [{"criterion": "1.1", "outcome": "pass"}],
                                         "version": report_version(running)}, format="json").status_code == 200
    data = photo_bytes("PNG")
    # the device says JPEG; the bytes are a PNG: what is recorded is what the bytes are
    response = _post_photo(inspector, running, data, "anh.jpg", criterion="1.1",
                           sha256=hashlib.sha256(data).hexdigest(), captured_at="2020-01-01T08:00:00+07:00",
                           latitude="18.679123", longitude="105.681456", accuracy="8")
    assert response.status_code == 201, response.content
    item = ReportEvidence.objects.get(pk=response.json()["id"])
    assert item.content_type == "image/png"
    assert item.filename == "anh.png"  # named as what the bytes are (an "x.html" JPEG was kept as x.html)
    shown = inspector.get(_url(running)).json()["evidence"][0]
    assert set(shown) >= {"received_at", "device_declared"} and "captured_at" not in shown
    assert shown["device_declared"]["captured_at"].startswith("2020-01-01T")
    assert float(shown["device_declared"]["latitude"]) == 18.679123
    assert shown["device_time_before_check"] is True  # the device's clock says 2020: shown as doubtful
    assert abs((timezone.now() - timezone.datetime.fromisoformat(shown["received_at"])).total_seconds()) < 60
    audit = AuditEvent.objects.filter(verb="report.evidence_add").latest("id").payload
    assert audit["device_declared"]["captured_at"].startswith("2020-01-01T08:00:00+07:00")
    assert audit["device_declared"]["position"] == ["18.679123", "105.681456"] and audit["received_at"]


# --- 1. a change queued under one account is never written under another ----------------------------------


def test_a_change_queued_by_one_account_is_refused_under_another_accounts_session(api_as, running):
    inspector = api_as("inspector")
    inspector_id = running.team.get(username="inspector").pk
    lead = login_client("lead", DEMO_PASSWORD)  # the other tab signed out, and the lead signed in
    body = {"results": [{"criterion": "1.1", "outcome": "fail", "note": "Của cán bộ kiểm tra"}],
            "version": report_version(running)}
    response = lead.put(_url(running), body, format="json", HTTP_X_COUNTERWATCH_USER=str(inspector_id))
    assert response.status_code == 403, response.content
    assert response.json()["error"]["code"] == "queue_owner_mismatch"
    assert not CheckReport.objects.get(surprise_check=running).results.exists()
    data = photo_bytes()
    photo = _post_photo(lead, running, data, sha256=hashlib.sha256(data).hexdigest(),
                        headers={"HTTP_X_COUNTERWATCH_USER": str(inspector_id)})
    assert photo.status_code == 403 and photo.json()["error"]["code"] == "queue_owner_mismatch"
    # under the account that made it, it goes through
    ok = inspector.put(_url(running), body, format="json", HTTP_X_COUNTERWATCH_USER=str(inspector_id))
    assert ok.status_code == 200, ok.content
