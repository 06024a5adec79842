# ruff: noqa: F811 - the `running` fixture is imported from test_field_signoff and used as a parameter
"""The sign-off chain of the check minutes (issue 16, attacked by insiders): what was signed is what is
sealed and printed as signed; the unit's representative is a person of the unit on the check's day who
passes the second factor their account requires; the device handed over to the representative answers
only the signature step; the lead's block names who signed, in what post, when."""
from __future__ import annotations

import hashlib
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from pypdf import PdfReader

from backend.accounts.models import User
from backend.org.demo import DEMO_PASSWORD
from backend.org.models import Assignment
from inspection.models import CheckReport, ReportEvidence
from inspection.selectors_checks import check_lead_is_team_lead
from inspection.services_reports import content_hash
from tests.conftest import login_client
from tests.inspection.factories import OfficerFactory, UserFactory, photo_bytes, report_version
from tests.inspection.test_field_signoff import _data_url, _photo_post, _png, _signed, running  # noqa: F401,F811
from tests.inspection.test_reports import _url
from tests.inspection.test_secrecy import _plan
from tests.openapi_bodies import check

REP = "representative/"


def _pdf_text(client, check) -> str:
    response = client.get(_url(check, "pdf/"))
    assert response.status_code == 200, response.content
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def _flat(text: str) -> str:
    """Without white space: the PDF's text breaks lines (and long hashes) where the layout does."""
    return "".join(text.split())


def _signed_part(text: str) -> str:
    """The minutes up to the signatures' end: everything before the parts printed as not signed."""
    for marker in ("VI PHẠM ĐÃ XÁC NHẬN", "BỔ SUNG SAU KHI KÝ"):
        text = text.split(marker)[0]
    return text


# --- 1. what was signed is what is sealed and printed as signed ---------------------------------------


@pytest.mark.django_db
def test_a_photo_added_after_the_lead_signed_prints_only_in_the_annex_outside_the_seal(api_as, running):
    lead, inspector = api_as("lead"), api_as("inspector")
    signed = _signed(api_as, running)
    report = CheckReport.objects.get(surprise_check=running)
    sealed = dict(report.signed_content)

    late = photo_bytes(color=(200, 10, 10))
    late_sha = hashlib.sha256(late).hexdigest()
    no_reason = _photo_post(inspector, running, late, criterion="1.1", sha256=late_sha)
    assert no_reason.status_code == 400 and "đã ký" in no_reason.json()["error"]["message"]
    assert not ReportEvidence.objects.filter(report=report).exists()
    added = _photo_post(inspector, running, late, criterion="1.1", reason="Ảnh chụp lúc mất mạng, gửi sau",
                        sha256=late_sha)
    assert added.status_code == 201, added.content

    report.refresh_from_db()
    assert report.signed_content == sealed and report.content_hash == signed["content_hash"]
    text = _pdf_text(lead, running)
    assert late_sha not in _flat(_signed_part(text)) and "anh.jpg" not in _signed_part(text)
    annex = _flat(text.split("BỔ SUNG SAU KHI KÝ")[1])
    assert late_sha in annex and _flat("Ảnh chụp lúc mất mạng, gửi sau") in annex

    # the representative signs what the lead signed: the late photo is not in their seal either, and a late
    # photo does not stop the unit from signing
    ok = lead.post(_url(running, REP), {"name": "Trần Minh Đức", "post": "Trưởng Công an xã",
                                        "signature": _data_url(_png())}, format="json")
    assert ok.status_code == 200, ok.content
    report.refresh_from_db()
    assert report.signed_content["evidence"] == sealed["evidence"] == []
    assert content_hash(report.signed_content) == report.content_hash
    assert late_sha not in _flat(_signed_part(_pdf_text(lead, running)))


@pytest.mark.django_db
def test_a_photo_before_signing_is_in_the_signed_part(api_as, running):
    inspector = api_as("inspector")
    assert inspector.put(_url(running), {"results": [{"criterion": "1.1", "outcome": "pass"}],
                                         "version": report_version(running)}, format="json").status_code == 200
    photo = photo_bytes()
    sha = hashlib.sha256(photo).hexdigest()
    assert _photo_post(inspector, running, photo, criterion="1.1", sha256=sha).status_code == 201
    _signed(api_as, running)
    assert CheckReport.objects.get(surprise_check=running).signed_content["evidence"] == [[sha, "anh.jpg", "1.1"]]
    assert sha in _flat(_signed_part(_pdf_text(api_as("lead"), running)))


# --- 5. the lead's block: name, post, time, drawn signature ----------------------------------------------


@pytest.mark.django_db
def test_the_lead_block_names_the_lead_his_post_and_time_with_his_drawn_signature(api_as, running):
    lead, inspector = api_as("lead"), api_as("inspector")
    from tests.inspection.test_reports import _all

    assert inspector.put(_url(running), {"results": _all(running), "summary": "Đơn vị chấp hành tốt.",
                                         "version": report_version(running)}, format="json").status_code == 200
    assert lead.post(f"/api/inspection/checks/{running.uid}/complete/", {}, format="json").status_code == 200
    bad = lead.post(_url(running, "sign/"), {"signature": "data:image/png;base64,AAAA"}, format="json")
    assert bad.status_code == 400 and "signature" in bad.json()["error"]["fields"]
    assert not CheckReport.objects.get(surprise_check=running).is_signed  # nothing half-written
    png = _png(60, 20)
    response = lead.post(_url(running, "sign/"), {"signature": _data_url(png)}, format="json")
    assert response.status_code == 200, response.content
    report = CheckReport.objects.get(surprise_check=running)
    block = report.signed_content["lead"]
    assert block["name"] == "Đặng Văn Bình" and block["post"] == "Tổ trưởng tổ kiểm tra đặc biệt"
    assert block["signature_sha256"] == hashlib.sha256(png).hexdigest()
    assert content_hash(report.signed_content) == report.content_hash == report.lead_content_hash

    pdf = lead.get(_url(running, "pdf/")).content
    pages = PdfReader(io.BytesIO(pdf)).pages
    text = _signed_part("\n".join(p.extract_text() for p in pages))
    local = timezone.localtime(report.signed_at)
    assert "Đặng Văn Bình" in text and "Tổ trưởng tổ kiểm tra đặc biệt" in text
    assert f"đã ký lúc {local:%H:%M}" in text
    assert sum(len(p.images) for p in pages) >= 1  # the drawn signature is printed


# --- 2. the representative's own account passes the second factor it requires ----------------------------


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key):06d}"


@pytest.mark.django_db
def test_a_representative_with_two_factor_must_give_the_code(api_as, running):
    lead = api_as("lead")
    _signed(api_as, running)
    rep = User.objects.get(username="unithead")
    device = TOTPDevice.objects.create(user=rep, name="x", confirmed=True)
    body = {"opinion": "", "username": "unithead", "password": DEMO_PASSWORD}

    missing = lead.post(_url(running, REP), body, format="json")
    assert missing.status_code == 400, missing.content
    assert missing.json()["error"]["code"] == "two_factor_required" and "code" in missing.json()["error"]["fields"]
    wrong = lead.post(_url(running, REP), {**body, "code": f"{(int(_code(device)) + 1) % 1_000_000:06d}"},
                      format="json")
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "bad_code"
    assert CheckReport.objects.get(surprise_check=running).rep_signed_at is None

    # the device's own back-off after a wrong code (django-otp) would make the right code wait a second
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    ok = lead.post(_url(running, REP), {**body, "code": _code(device)}, format="json")
    assert ok.status_code == 200, ok.content
    sealed = CheckReport.objects.get(surprise_check=running).signed_content["unit_representative"]
    assert sealed["two_factor"] == "totp" and sealed["identity"] == "verified"


@pytest.mark.django_db
def test_a_representative_whose_role_requires_two_factor_and_has_none_cannot_confirm_with_the_account(
        api_as, running, settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = ["unit_head"]
    lead = api_as("lead")
    _signed(api_as, running)
    response = lead.post(_url(running, REP), {"username": "unithead", "password": DEMO_PASSWORD}, format="json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "two_factor_enrolment_required"
    assert CheckReport.objects.get(surprise_check=running).rep_signed_at is None


# --- 3. only a person of the inspected unit on the check's day; name and post from the records -----------


@pytest.mark.django_db
def test_with_an_account_name_and_post_come_from_the_officer_record_not_what_was_typed(api_as, running):
    lead = api_as("lead")
    _signed(api_as, running)
    response = lead.post(_url(running, REP), {"name": "Giám đốc Công an tỉnh", "post": "Giám đốc",
                                              "username": "unithead", "password": DEMO_PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    report = CheckReport.objects.get(surprise_check=running)
    assert (report.rep_name, report.rep_post, report.rep_identity) == ("Trần Minh Đức", "Trưởng Công an xã",
                                                                       "verified")
    sealed = report.signed_content["unit_representative"]
    assert sealed["officer"] == "NA-2102" and sealed["name"] == "Trần Minh Đức"
    text = _signed_part(_pdf_text(lead, running))
    assert "Giám đốc" not in text and "NA-2102" in text


@pytest.mark.django_db
def test_an_account_scoped_to_the_unit_without_an_appointment_there_cannot_sign(api_as, insp, running):
    lead = api_as("lead")
    _signed(api_as, running)
    stranger = OfficerFactory(full_name="Người Ngoài Đơn Vị")
    Assignment.objects.create(officer=stranger, unit=insp.units["CAX-KL"], position="Cán bộ",
                              valid_from=timezone.localdate() - timedelta(days=30))
    scoped = UserFactory(username="scoped", role="unit_head", scope_unit=insp.units["CAX-TC"], officer=stranger)
    scoped.set_password(DEMO_PASSWORD)
    scoped.save()
    no_officer = UserFactory(username="noofficer", role="unit_head", scope_unit=insp.units["CAX-TC"])
    no_officer.set_password(DEMO_PASSWORD)
    no_officer.save()
    for username in ("scoped", "noofficer"):
        response = lead.post(_url(running, REP), {"name": "Ai đó", "post": "Trưởng Công an xã",
                                                  "username": username, "password": DEMO_PASSWORD}, format="json")
        assert response.status_code == 400, (username, response.content)
        assert "không thuộc cán bộ" in response.json()["error"]["message"]
    report = CheckReport.objects.get(surprise_check=running)
    assert report.rep_signed_at is None and report.content_hash == report.lead_content_hash


@pytest.mark.django_db
def test_an_appointment_that_ended_before_the_check_does_not_count(api_as, insp, running):
    lead = api_as("lead")
    _signed(api_as, running)
    Assignment.objects.filter(officer__service_number="NA-2102", unit=insp.units["CAX-TC"]).update(
        valid_to=timezone.localdate(running.started_at) - timedelta(days=1))
    response = lead.post(_url(running, REP), {"username": "unithead", "password": DEMO_PASSWORD}, format="json")
    assert response.status_code == 400 and "ngày kiểm tra" in response.json()["error"]["message"]


@pytest.mark.django_db
def test_a_drawn_signature_records_name_and_post_as_declared_in_the_minutes(api_as, running):
    lead = api_as("lead")
    _signed(api_as, running)
    missing = lead.post(_url(running, REP), {"signature": _data_url(_png())}, format="json")
    assert missing.status_code == 400 and "name" in missing.json()["error"]["fields"]
    ok = lead.post(_url(running, REP), {"name": "Lê Văn Khai", "post": "Phó Trưởng Công an xã",
                                        "signature": _data_url(_png())}, format="json")
    assert ok.status_code == 200, ok.content
    assert ok.json()["representative"]["identity"] == "declared"
    text = _signed_part(_pdf_text(lead, running))
    assert "Lê Văn Khai" in text and "tự khai" in text
    second = lead.post(_url(running, REP), {"name": "Người Khác", "post": "Cán bộ",
                                            "signature": _data_url(_png())}, format="json")
    assert second.status_code == 409 and second.json()["error"]["code"] == "already_signed"
    assert CheckReport.objects.get(surprise_check=running).rep_name == "Lê Văn Khai"


# --- 4. hand-over: the device answers only the signature step of this check --------------------------------


@pytest.mark.django_db
def test_a_handed_over_session_answers_only_the_signature_step_until_the_lead_password(api_as, insp, running):
    _signed(api_as, running)
    device = login_client("lead", DEMO_PASSWORD)  # the lead's phone
    other = _plan(insp, days=5)  # a planned check of the same lead: a secret the representative must not see
    handed = device.post(_url(running, "handover/"), {}, format="json")
    assert handed.status_code == 200
    # the hand-over answer names its fields down to the lead and the results (issue 17: they were free-form)
    assert check(handed, "post", "/api/inspection/checks/{uid}/report/handover/", strict=True)["lead"]["name"]

    me = device.get("/api/auth/me/")
    assert me.status_code == 200 and me.json()["handover"] == str(running.uid)
    step = device.get("/api/inspection/handover/")
    assert step.status_code == 200 and step.json()["reference"] == running.reference
    # the signing steps name the lead as the check page does (one rule: check_lead_is_team_lead)
    assert step.json()["lead_title"] == ("team_lead" if check_lead_is_team_lead(running) else "check_lead")
    assert str(other.uid) not in step.content.decode() and other.reference not in step.content.decode()
    for method, path in (("get", "/api/inspection/checks/"), ("get", f"/api/inspection/checks/{other.uid}/"),
                         ("get", _url(running)), ("get", _url(running, "pdf/")), ("get", "/api/home/"),
                         ("get", "/api/org/units/"), ("post", _url(running, "amendments/")),
                         ("post", f"/api/inspection/checks/{other.uid}/report/representative/")):
        response = getattr(device, method)(path, {}, format="json") if method == "post" else device.get(path)
        assert response.status_code == 403, (path, response.status_code)
        assert response.json()["error"]["code"] == "handover_locked", path

    wrong = device.post("/api/inspection/handover/exit/", {"password": "khong-dung"}, format="json")
    assert wrong.status_code == 400 and device.get("/api/inspection/checks/").status_code == 403
    # only a password was asked for: the refusal says the password is wrong, not "username or password"
    assert wrong.json()["error"]["message"] == "Sai mật khẩu." and wrong.json()["error"]["message_en"] == "Wrong password."

    signed = device.post(_url(running, REP), {"name": "Trần Minh Đức", "post": "Trưởng Công an xã",
                                              "opinion": "Thống nhất.", "signature": _data_url(_png())},
                         format="json")
    assert signed.status_code == 200, signed.content
    assert set(signed.json()) == set(device.get("/api/inspection/handover/").json())  # the step's view only
    assert signed.json()["representative"]["name"] == "Trần Minh Đức"
    step = check(device.get("/api/inspection/handover/"), "get", "/api/inspection/handover/", strict=True)
    assert step["representative"]["name"] == "Trần Minh Đức" and step["results"]

    back = device.post("/api/inspection/handover/exit/", {"password": DEMO_PASSWORD}, format="json")
    assert back.status_code == 204
    assert device.get("/api/auth/me/").json()["handover"] is None
    assert device.get("/api/inspection/checks/").status_code == 200


@pytest.mark.django_db
def test_only_the_lead_hands_over_and_only_while_the_unit_may_sign(api_as, running):
    lead = api_as("lead")
    before = lead.post(_url(running, "handover/"), {}, format="json")
    assert before.status_code == 409 and before.json()["error"]["code"] == "not_signed"
    _signed(api_as, running)
    assert api_as("inspector").post(_url(running, "handover/"), {}, format="json").status_code == 403
    assert lead.get("/api/inspection/checks/").status_code == 200  # a refused hand-over limits nothing
    assert lead.post(_url(running, REP), {"name": "Trần Minh Đức", "post": "C", "signature": _data_url(_png())},
                     format="json").status_code == 200
    after = lead.post(_url(running, "handover/"), {}, format="json")
    assert after.status_code == 409 and after.json()["error"]["code"] == "already_signed"
    assert lead.get("/api/auth/me/").json()["handover"] is None


@pytest.mark.django_db(transaction=True)
async def test_a_handed_over_session_cannot_open_the_websocket(demo):
    from channels.db import database_sync_to_async
    from channels.testing import WebsocketCommunicator

    from backend.accounts.selectors import HANDOVER_CHECK
    from backend.asgi import application

    def session_cookie(handover: bool) -> bytes:
        client = login_client("reviewer", DEMO_PASSWORD)  # a role the review websocket serves
        if handover:
            session = client.session
            session[HANDOVER_CHECK] = "00000000-0000-0000-0000-000000000000"
            session.save()
        return f"sessionid={client.cookies['sessionid'].value}".encode()

    origin = (b"origin", b"http://testserver")
    for handover, expected in ((False, True), (True, False)):
        cookie = await database_sync_to_async(session_cookie)(handover)
        comm = WebsocketCommunicator(application, "/ws/review/", headers=[origin, (b"cookie", cookie)])
        connected, _ = await comm.connect()
        assert connected is expected
        if connected:
            await comm.disconnect()
