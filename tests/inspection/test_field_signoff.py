"""Field mode (issue 16): the report's version against silent overwrites, photos hashed on the device
with their time and place, and the inspected unit's representative signing after the team lead."""
from __future__ import annotations

import base64
import hashlib
import io
import struct
import zlib

import pytest
from pypdf import PdfReader

from backend.org.demo import DEMO_PASSWORD
from inspection.models import CheckReport, ReportEvidence, SurpriseCheck
from inspection.services_reports import content_hash
from tests.inspection.factories import photo_bytes, report_version
from tests.inspection.test_reports import _all, _url
from tests.inspection.test_secrecy import _plan


@pytest.fixture
def running(api_as, insp):
    check = _plan(insp)
    assert api_as("lead").post(f"/api/inspection/checks/{check.uid}/start/", {}, format="json").status_code == 200
    return SurpriseCheck.objects.get(pk=check.pk)


def _png(width: int = 40, height: int = 12) -> bytes:
    """A real PNG (white strokes on black are enough: the server checks the format, not the art)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + bytes((x * 7 + y * 13) % 256 for x in range(width)) for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def _signed(api_as, check):
    lead = api_as("lead")
    assert api_as("inspector").put(_url(check), {"version": report_version(check), "results": _all(check), "summary": "Đơn vị chấp hành tốt."},
                                   format="json").status_code == 200
    assert lead.post(f"/api/inspection/checks/{check.uid}/complete/", {}, format="json").status_code == 200
    response = lead.post(_url(check, "sign/"), {}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


# --- version: the last write never silently wins ------------------------------------------------------


@pytest.mark.django_db
def test_a_stale_version_is_refused_with_a_clear_message_and_nothing_written(api_as, running):
    inspector, lead = api_as("inspector"), api_as("lead")
    first = inspector.get(_url(running)).json()
    base = first["version"]
    ok = inspector.put(_url(running), {"results": [{"criterion": "1.1", "outcome": "pass"}], "version": base},
                       format="json")
    assert ok.status_code == 200 and ok.json()["version"] == base + 1
    # the lead, working from the same version the inspector started from, would overwrite 1.1
    stale = lead.put(_url(running), {"results": [{"criterion": "1.1", "outcome": "fail", "note": "Thiếu sổ"}],
                                     "version": base}, format="json")
    assert stale.status_code == 409, stale.content
    error = stale.json()["error"]
    assert error["code"] == "report_version_conflict"
    assert "thay đổi trên máy chủ" in error["message"] and "changed on the server" in error["message_en"]
    assert error["fields"]["version"] == [str(base + 1)]
    report = CheckReport.objects.get(surprise_check=running)
    assert report.results.get(criterion__code="1.1").outcome == "pass" and report.version == base + 1


@pytest.mark.django_db
def test_a_retry_of_a_write_that_already_arrived_is_accepted_without_a_new_version(api_as, running):
    inspector = api_as("inspector")
    base = inspector.get(_url(running)).json()["version"]
    body = {"results": [{"criterion": "2.1", "outcome": "pass"}], "summary": "Ghi nhận", "version": base}
    assert inspector.put(_url(running), body, format="json").json()["version"] == base + 1
    again = inspector.put(_url(running), body, format="json")  # the answer to the first was lost offline
    assert again.status_code == 200 and again.json()["version"] == base + 1


# --- photos: hashed on the device, verified on upload, with time and place -----------------------------


def _photo_post(client, check, data: bytes, **fields):
    upload = io.BytesIO(data)
    upload.name = "anh.jpg"
    return client.post(_url(check, "evidence/"), {"file": upload, **fields}, format="multipart")


@pytest.mark.django_db
def test_device_hash_is_verified_and_time_and_position_kept(api_as, running):
    inspector = api_as("inspector")
    assert inspector.put(_url(running), {"version": report_version(running), "results": [{"criterion": "1.1", "outcome": "pass"}]},
                         format="json").status_code == 200
    photo = photo_bytes()
    sha = hashlib.sha256(photo).hexdigest()

    bad = _photo_post(inspector, running, photo, criterion="1.1", sha256="0" * 64)
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "hash_mismatch"
    assert not ReportEvidence.objects.filter(report__surprise_check=running).exists()

    fields = {"criterion": "1.1", "sha256": sha, "captured_at": "2026-03-02T09:15:00+07:00",
              "latitude": "18.679123", "longitude": "105.681456", "accuracy": "12.5"}
    first = _photo_post(inspector, running, photo, **fields)
    assert first.status_code == 201, first.content
    item = ReportEvidence.objects.get(pk=first.json()["id"])
    assert item.sha256 == sha and str(item.latitude) == "18.679123" and str(item.longitude) == "105.681456"
    assert item.captured_at.isoformat().startswith("2026-03-02T02:15") and item.accuracy_m == 12.5
    # sent again after a lost answer: the same item, no duplicate
    again = _photo_post(inspector, running, photo, **fields)
    assert again.json()["id"] == item.pk
    assert ReportEvidence.objects.filter(report__surprise_check=running).count() == 1
    report = inspector.get(_url(running)).json()
    declared = report["evidence"][0]["device_declared"]
    assert declared["latitude"] is not None and declared["captured_at"] and report["evidence"][0]["received_at"]


@pytest.mark.django_db
@pytest.mark.parametrize("fields, field", [
    ({"latitude": "91", "longitude": "105"}, "latitude"),
    ({"latitude": "18.6"}, "latitude"),
    ({"latitude": "18.6", "longitude": "abc"}, "longitude"),
    ({"sha256": "xyz"}, "sha256"),
    ({"captured_at": "2999-01-01T00:00:00+07:00"}, "captured_at"),
])
def test_bad_photo_metadata_is_refused(api_as, running, fields, field):
    response = _photo_post(api_as("inspector"), running, b"photo bytes", **fields)
    assert response.status_code == 400 and field in response.json()["error"]["fields"], response.content
    assert not ReportEvidence.objects.filter(report__surprise_check=running).exists()


# --- the unit's representative signs after the lead ------------------------------------------------------


@pytest.mark.django_db
def test_representative_cannot_sign_before_the_lead(api_as, running):
    response = api_as("lead").post(_url(running, "representative/"), {
        "name": "Trần Minh Đức", "post": "Trưởng Công an xã", "signature": _data_url(_png())}, format="json")
    assert response.status_code == 409 and response.json()["error"]["code"] == "not_signed"


@pytest.mark.django_db
def test_drawn_signature_and_opinion_join_the_seal_and_the_minutes(api_as, running):
    lead = api_as("lead")
    signed = _signed(api_as, running)
    lead_hash = signed["content_hash"]
    png = _png()
    body = {"name": "Trần Minh Đức", "post": "Trưởng Công an xã",
            "opinion": "Đơn vị thống nhất với kết quả, sẽ khắc phục trong 15 ngày.", "signature": _data_url(png)}
    assert api_as("inspector").post(_url(running, "representative/"), body, format="json").status_code == 403
    response = lead.post(_url(running, "representative/"), body, format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["lead_content_hash"] == lead_hash and data["content_hash"] != lead_hash
    assert data["representative"]["name"] == "Trần Minh Đức" and data["representative"]["method"] == "drawn"
    report = CheckReport.objects.get(surprise_check=running)
    rep = report.signed_content["unit_representative"]
    assert rep["opinion"].startswith("Đơn vị thống nhất") and rep["signature_sha256"] == hashlib.sha256(png).hexdigest()
    assert rep["lead_content_hash"] == lead_hash
    # the seal covers both sides and can be recomputed from the record; the lead's part is exactly what the
    # lead signed (its hash is the lead's), and the unit's part is inside the seal
    assert content_hash(report.signed_content) == report.content_hash
    lead_part = {k: v for k, v in report.signed_content.items() if k != "unit_representative"}
    assert content_hash(lead_part) == lead_hash
    assert rep["identity"] == "declared" and rep["name"] == "Trần Minh Đức"
    # once only
    again = lead.post(_url(running, "representative/"), body, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_signed"

    pdf = lead.get(_url(running, "pdf/"))
    assert pdf.status_code == 200
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Ý KIẾN CỦA ĐƠN VỊ ĐƯỢC KIỂM TRA" in text and "sẽ khắc phục trong 15 ngày" in text
    assert "Trần Minh Đức" in text and "Trưởng Công an xã" in text
    assert report.content_hash in text and lead_hash in text


@pytest.mark.django_db
def test_representative_confirms_with_own_account(api_as, running):
    lead = api_as("lead")
    _signed(api_as, running)
    url = _url(running, "representative/")
    base = {"name": "Trần Minh Đức", "post": "Trưởng Công an xã", "opinion": ""}
    wrong = lead.post(url, {**base, "username": "unithead", "password": "sai-mat-khau"}, format="json")
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "bad_credentials"
    team = lead.post(url, {**base, "username": "inspector", "password": DEMO_PASSWORD}, format="json")
    assert team.status_code == 400 and "inspection side" in team.json()["error"]["message_en"]
    both = lead.post(url, {**base, "username": "unithead", "password": DEMO_PASSWORD,
                           "signature": _data_url(_png())}, format="json")
    assert both.status_code == 400
    neither = lead.post(url, base, format="json")
    assert neither.status_code == 400
    not_png = lead.post(url, {**base, "signature": "data:image/png;base64," + base64.b64encode(b"GIF89a").decode()},
                        format="json")
    assert not_png.status_code == 400 and "signature" in not_png.json()["error"]["fields"]
    assert CheckReport.objects.get(surprise_check=running).rep_signed_at is None  # nothing half-written
    ok = lead.post(url, {**base, "username": "unithead", "password": DEMO_PASSWORD}, format="json")
    assert ok.status_code == 200, ok.content
    report = CheckReport.objects.get(surprise_check=running)
    assert report.signed_content["unit_representative"]["username"] == "unithead"
    assert report.rep_method == "login" and report.rep_user.username == "unithead"


@pytest.mark.django_db
def test_an_account_of_another_unit_is_not_the_units_representative(api_as, insp, running):
    """Who belongs to the unit is read from the officer records on the check's day, not the account's scope:
    the unit head moved to another commune before the check may not sign for this one."""
    from datetime import timedelta

    from django.utils import timezone

    from backend.org.models import Assignment

    day = timezone.localdate(running.started_at)
    posting = Assignment.objects.get(officer__service_number="NA-2102", unit=insp.units["CAX-TC"])
    Assignment.objects.filter(pk=posting.pk).update(valid_to=day - timedelta(days=1))
    Assignment.objects.create(officer=posting.officer, unit=insp.units["CAX-KL"], position="Cán bộ",
                              valid_from=day)
    lead = api_as("lead")
    _signed(api_as, running)
    response = lead.post(_url(running, "representative/"), {"name": "Trần Minh Đức", "post": "Trưởng Công an xã",
                                                           "username": "unithead", "password": DEMO_PASSWORD},
                         format="json")
    assert response.status_code == 400 and "inspected unit" in response.json()["error"]["message_en"]
    assert "ngày kiểm tra" in response.json()["error"]["message"]
    assert CheckReport.objects.get(surprise_check=running).rep_signed_at is None


@pytest.mark.django_db
def test_a_signature_the_minutes_could_not_print_is_refused_before_it_is_sealed(api_as, running):
    """Adversary of issue 16: a PNG header followed by garbage, or a 14000 px canvas, was sealed and then
    made the minutes PDF fail for good (the representative cannot sign again)."""
    _signed(api_as, running)
    lead = api_as("lead")
    base = {"name": "Trần Minh Đức", "post": "Trưởng Công an xã", "opinion": ""}
    url = _url(running, "representative/")
    for bad in (b"\x89PNG\r\n\x1a\n" + b"garbage" * 20, _png(5000, 2)):
        refused = lead.post(url, {**base, "signature": _data_url(bad)}, format="json")
        assert refused.status_code == 400 and "signature" in refused.json()["error"]["fields"], refused.content
    assert CheckReport.objects.get(surprise_check=running).rep_signed_at is None
    assert lead.post(url, {**base, "signature": _data_url(_png())}, format="json").status_code == 200


@pytest.mark.django_db
def test_a_stored_signature_that_cannot_be_decoded_still_prints_the_minutes(monkeypatch):
    """A picture sealed before whole pictures were checked prints as its hash alone, never a 500."""
    import io

    from backend.core import store as store_module
    from inspection import pdf

    class Broken:
        def open(self, key):
            return io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"garbage")

    class Good:
        def open(self, key):
            return io.BytesIO(_png())

    def serving(store):
        def get_store():
            return store
        get_store.cache_clear = lambda: None  # stores_reset() at teardown
        return get_store

    monkeypatch.setattr(store_module, "get_store", serving(Broken()))
    report = CheckReport(rep_signature_key="inspection/checks/x/signatures/broken.png")
    assert pdf._signature_image(report, 100, 40) is None
    monkeypatch.setattr(store_module, "get_store", serving(Good()))
    assert pdf._signature_image(report, 100, 40) is not None


@pytest.mark.django_db
def test_minutes_list_the_representative_the_copies_and_photos_by_criterion_and_the_table_starts_on_page_one(api_as, running):
    """Phone review of issue 16, finding 5: the minutes as a paper record."""
    inspector, lead = api_as("inspector"), api_as("lead")
    assert inspector.put(_url(running), {"version": report_version(running), "results": [{"criterion": "1.1", "outcome": "pass"}]},
                         format="json").status_code == 200
    photo = photo_bytes()
    upload = io.BytesIO(photo)
    upload.name = "image.jpg"  # what real phone cameras call every photo
    posted = inspector.post(_url(running, "evidence/"), {"file": upload, "criterion": "1.1",
                                                          "sha256": hashlib.sha256(photo).hexdigest(),
                                                          "captured_at": "2026-03-02T09:15:00+07:00"}, format="multipart")
    assert posted.status_code == 201, posted.content
    _signed(api_as, running)
    body = {"name": "Trần Minh Đức", "post": "Trưởng Công an xã", "opinion": "Thống nhất.", "signature": _data_url(_png())}
    assert lead.post(_url(running, "representative/"), body, format="json").status_code == 200

    pdf = lead.get(_url(running, "pdf/"))
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages]
    text = "\n".join(pages)
    # the criteria table starts on page 1 (no page mostly blank before it)
    assert "II. KẾT QUẢ KIỂM TRA THEO TIÊU CHÍ" in pages[0] and "1.1" in pages[0].split("II. KẾT QUẢ")[1]
    # section I lists the unit's representative among the people present
    present = text.split("I. THÀNH PHẦN")[1].split("II. KẾT QUẢ")[0]
    assert "Trần Minh Đức" in present and "Trưởng Công an xã" in present
    # the copies
    assert "02 bản" in text and "giữ 01 bản" in text
    # "Tổ trưởng" once in the signing sentence
    signing = text.split("Biên bản được ký lúc")[1].split(";")[0]
    assert signing.count("Tổ trưởng") + signing.count("tổ trưởng") <= 1, signing
    # photos by criterion and time, not the device's file name
    flat = " ".join(text.split())
    assert "Ảnh 1, tiêu chí 1.1, chụp lúc" in flat and "image.jpg" not in text


@pytest.mark.django_db
def test_one_photo_under_two_criteria_keeps_each_declared_time_in_the_minutes(api_as, running):
    """User review: the same file attached to 1.1 (09:15) and later to 1.2 (09:40) printed 09:40 for both in the
    signed minutes (the photos were looked up by file hash alone)."""
    inspector, lead = api_as("inspector"), api_as("lead")
    results = [{"criterion": "1.1", "outcome": "pass"}, {"criterion": "1.2", "outcome": "pass"}]
    assert inspector.put(_url(running), {"version": report_version(running), "results": results},
                         format="json").status_code == 200
    photo = photo_bytes()
    for criterion, at in (("1.1", "2026-03-02T09:15:00+07:00"), ("1.2", "2026-03-02T09:40:00+07:00")):
        upload = io.BytesIO(photo)
        upload.name = "image.jpg"
        posted = inspector.post(_url(running, "evidence/"), {"file": upload, "criterion": criterion,
                                                              "sha256": hashlib.sha256(photo).hexdigest(),
                                                              "captured_at": at}, format="multipart")
        assert posted.status_code == 201, posted.content
    _signed(api_as, running)
    pdf = lead.get(_url(running, "pdf/"))
    flat = " ".join("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages).split())
    assert "tiêu chí 1.1, chụp lúc 09:15" in flat and "tiêu chí 1.2, chụp lúc 09:40" in flat, flat.split("V. TÀI LIỆU")[-1][:400]
