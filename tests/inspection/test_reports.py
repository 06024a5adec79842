"""Check reports: validation before any write, sign-off, amendments, evidence, minutes."""
from __future__ import annotations

import hashlib
import io
import re

import pytest
from django.utils import timezone
from pypdf import PdfReader

from backend.core import statedoc
from backend.core.store import get_store
from inspection.models import CheckReport, CriterionResult, ReportAmendment, SurpriseCheck
from inspection.selectors_criteria import criteria_leaves
from tests.inspection.factories import photo_bytes, report_version
from tests.inspection.test_secrecy import _plan


@pytest.fixture
def running(api_as, insp):
    check = _plan(insp)
    response = api_as("lead").post(f"/api/inspection/checks/{check.uid}/start/", {}, format="json")
    assert response.status_code == 200
    return SurpriseCheck.objects.get(pk=check.pk)


def _url(check, tail=""):
    return f"/api/inspection/checks/{check.uid}/report/{tail}"


def _all(check, **overrides):
    items = [{"criterion": c.code, "outcome": "pass"} for c in criteria_leaves(criteria_set=check.criteria_set)]
    for item in items:
        item.update(overrides.get(item["criterion"], {}))
    return items


@pytest.mark.django_db
@pytest.mark.parametrize("bad, code_fragment", [
    ({"criterion": "9.9", "outcome": "pass"}, "unknown criterion"),
    ({"criterion": "1", "outcome": "pass"}, "is a group"),
    ({"criterion": "1.1", "outcome": "partial", "points": 9}, "over the maximum"),
    ({"criterion": "1.1", "outcome": "partial", "points": -1}, ">= 0"),
    ({"criterion": "1.1", "outcome": "partial"}, "partial result needs points"),
    ({"criterion": "1.1", "outcome": "excellent"}, "outcome must be"),
    ({"criterion": "1.1", "outcome": "pass", "points": 3}, "full"),
    ({"criterion": "1.1", "outcome": "fail"}, "needs a note"),
    ({"criterion": "1.1", "outcome": "partial", "points": "abc"}, "number"),
])
def test_bad_results_are_refused_and_nothing_is_written(api_as, running, bad, code_fragment):
    good = {"criterion": "2.1", "outcome": "pass"}
    response = api_as("inspector").put(_url(running), {"version": report_version(running), "results": [good, bad], "summary": "x"}, format="json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid_results" and code_fragment in error["message_en"]
    assert error["message"] and error["message"] != error["message_en"]  # Vietnamese first
    # one language per message: the Vietnamese headline carries no English half (and the reverse)
    assert code_fragment not in error["message"] and " / " not in error["message"] + error["message_en"]
    assert f"tiêu chí {bad['criterion']}:" in error["message"]  # named by its code, not "results[1]"
    assert "results[1]" in error["fields"]
    report = CheckReport.objects.get(surprise_check=running)
    assert not report.results.exists() and report.summary == ""  # nothing half-written


@pytest.mark.django_db
def test_duplicate_criterion_in_one_update_is_refused(api_as, running):
    response = api_as("inspector").put(_url(running), {"version": report_version(running), "results": [{"criterion": "2.1", "outcome": "pass"},
                                                                  {"criterion": "2.1", "outcome": "fail",
                                                                   "note": "x"}]}, format="json")
    assert response.status_code == 400 and "twice" in response.json()["error"]["message_en"]


@pytest.mark.django_db
def test_only_the_checks_team_edits_and_only_its_lead_completes_and_signs(api_as, insp, running):
    from backend.accounts.services import user_create

    user_create(by="t", username="insp2", password="Demo@12345", role="inspector")
    from tests.conftest import login_client

    outsider = login_client("insp2", "Demo@12345")
    assert outsider.put(_url(running), {"version": report_version(running), "results": []}, format="json").status_code == 403
    assert api_as("reviewer").put(_url(running), {"version": report_version(running), "results": []}, format="json").status_code == 403
    assert api_as("inspector").post(f"/api/inspection/checks/{running.uid}/complete/", {},
                                    format="json").status_code == 403


@pytest.mark.django_db
def test_complete_needs_every_criterion(api_as, running):
    lead = api_as("lead")
    lead.put(_url(running), {"version": report_version(running), "results": [{"criterion": "1.1", "outcome": "pass"}]}, format="json")
    response = lead.post(f"/api/inspection/checks/{running.uid}/complete/", {}, format="json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "incomplete"
    assert "1.2" in response.json()["error"]["fields"]["results"]
    assert SurpriseCheck.objects.get(pk=running.pk).state == "in_progress"


@pytest.mark.django_db
def test_sign_freezes_then_amendments_keep_the_original(api_as, running):
    lead, inspector = api_as("lead"), api_as("inspector")
    assert lead.post(_url(running, "sign/"), {}, format="json").status_code == 409  # not completed yet
    results = _all(running, **{"4.3": {"outcome": "fail", "note": "Trễ hạn 3 hồ sơ"}})
    assert inspector.put(_url(running), {"version": report_version(running), "results": results, "summary": "Bản gốc"}, format="json").status_code == 200
    assert lead.post(f"/api/inspection/checks/{running.uid}/complete/", {}, format="json").status_code == 200
    signed = lead.post(_url(running, "sign/"), {}, format="json").json()
    original_hash = signed["content_hash"]
    assert float(signed["score"]) == 94.0

    # direct edits after signing are refused, nothing changes
    edit = inspector.put(_url(running), {"version": report_version(running), "results": [{"criterion": "4.3", "outcome": "pass"}]}, format="json")
    assert edit.status_code == 409 and edit.json()["error"]["code"] == "report_signed"
    assert CriterionResult.objects.get(report__surprise_check=running, criterion__code="4.3").outcome == "fail"
    assert lead.post(_url(running, "sign/"), {}, format="json").status_code == 409
    # only the lead who signed amends (a team member cannot rewrite what the lead signed)
    assert inspector.post(_url(running, "amendments/"), {
        "reason": "Sửa", "results": [{"criterion": "4.3", "outcome": "pass"}]}, format="json").status_code == 403
    # an amendment without a reason is refused
    assert lead.post(_url(running, "amendments/"), {"results": [{"criterion": "4.3", "outcome": "pass"}]},
                          format="json").status_code == 400
    # an amendment with a reason: its own author and reason, new hash, original still readable
    amended = lead.post(_url(running, "amendments/"), {
        "reason": "Đơn vị xuất trình phiếu hẹn lại hợp lệ", "results": [{"criterion": "4.3", "outcome": "pass"}]},
        format="json")
    assert amended.status_code == 201, amended.content
    body = amended.json()
    assert float(body["score"]) == 100.0 and body["content_hash"] == original_hash
    [amendment] = body["amendments"]
    assert amendment["author"]["username"] == "lead" and amendment["number"] == 1
    assert amendment["content_hash"] != original_hash
    assert amendment["changes"]["results"][0]["before"]["outcome"] == "fail"
    original = inspector.get(_url(running) + "?version=original").json()
    assert original["content_hash"] == original_hash and original["content"]["summary"] == "Bản gốc"
    assert ["4.3", "fail", "0.00", "Trễ hạn 3 hồ sơ"] in original["content"]["results"]
    assert ReportAmendment.objects.filter(report__surprise_check=running).count() == 1
    # an empty amendment is refused
    empty = lead.post(_url(running, "amendments/"), {"reason": "không gì",
                                                          "results": [{"criterion": "4.3", "outcome": "pass"}]},
                           format="json")
    assert empty.status_code == 400


@pytest.mark.django_db
def test_evidence_is_hashed_stored_and_downloadable(api_as, running):
    inspector = api_as("inspector")
    inspector.put(_url(running), {"version": report_version(running), "results": [{"criterion": "6.2", "outcome": "fail", "note": "Camera bị che"}]},
                  format="json")
    data = photo_bytes("PNG")
    upload = io.BytesIO(data)
    upload.name = "ảnh camera.png"
    response = inspector.post(_url(running, "evidence/"), {"file": upload, "criterion": "6.2",
                                                          "sha256": hashlib.sha256(data).hexdigest()},
                              format="multipart")
    assert response.status_code == 201, response.content
    item = response.json()
    assert item["sha256"] == hashlib.sha256(data).hexdigest() and item["size"] == len(data)
    report = inspector.get(_url(running)).json()
    assert report["evidence"][0]["criterion"] == "6.2"
    download = inspector.get(_url(running, f"evidence/{item['id']}/"))
    assert b"".join(download.streaming_content) == data
    key = running.report.evidence.get().key
    with get_store().open(key) as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == item["sha256"]
    # evidence for a criterion without a result, or no file at all, is refused
    upload = io.BytesIO(b"x")
    upload.name = "a.txt"
    bad = inspector.post(_url(running, "evidence/"), {"file": upload, "criterion": "1.1"}, format="multipart")
    assert bad.status_code == 400
    assert inspector.post(_url(running, "evidence/"), {}, format="multipart").status_code == 400
    assert running.report.evidence.count() == 1


@pytest.mark.django_db
def test_report_of_unstarted_check_and_bad_ids(api_as, insp):
    planned = _plan(insp)
    lead = api_as("lead")
    assert lead.get(f"/api/inspection/checks/{planned.uid}/report/").status_code == 404
    assert lead.put(f"/api/inspection/checks/{planned.uid}/report/", {"results": []}, format="json").status_code == 409
    assert lead.get("/api/inspection/checks/not-a-uuid/").status_code == 404


# --- the minutes are a state document (NĐ 30/2020/NĐ-CP) -------------------------------------------


def _minutes_text(content: bytes) -> str:
    return " ".join("\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(content)).pages).split())


@pytest.mark.django_db
def test_the_minutes_follow_the_state_format_and_write_numbers_the_vietnamese_way(api_as, running):
    lead = api_as("lead")
    results = _all(running, **{"1.1": {"outcome": "partial", "points": "2.5", "note": "Vắng 1 buổi"},
                               "6.1": {"outcome": "not_applicable", "note": "Chưa lắp thiết bị"}})
    saved = lead.put(_url(running), {"version": report_version(running), "results": results, "summary": "Tổng hợp kết quả."}, format="json")
    assert saved.status_code == 200, saved.content
    assert lead.post(f"/api/inspection/checks/{running.uid}/complete/", {}, format="json").status_code == 200
    assert lead.post(_url(running, "sign/"), {}, format="json").status_code == 200
    report = CheckReport.objects.get(surprise_check=running)
    pdf = lead.get(_url(running, "pdf/"))
    assert pdf.status_code == 200
    text = _minutes_text(pdf.content)
    signed_on = timezone.localtime(report.signed_at).date()
    for phrase in ("CÔNG AN TỈNH NGHỆ AN", "TỔ KIỂM TRA ĐẶC BIỆT", statedoc.NATION, statedoc.MOTTO,
                   f"Số: {running.reference}/BB-TKTĐB", statedoc.place_date_line("Nghệ An", signed_on),
                   "BIÊN BẢN KIỂM TRA", "TỔ TRƯỞNG TỔ KIỂM TRA", "ĐẠI DIỆN ĐƠN VỊ ĐƯỢC KIỂM TRA",
                   "Không áp dụng", "2,5/8"):
        assert phrase in text, phrase
    # vi-VN numbers: a decimal comma, no trailing ".00", and a criterion that does not apply has no "0/2"
    assert not re.search(r"\d\.\d\d\b", text.replace(report.content_hash, "")), "a decimal point is printed"
    max_score = statedoc.vn_number(report.max_score)
    assert f"Tổng điểm: {statedoc.vn_score(report.score, report.max_score)}" in text and "," in max_score + \
        statedoc.vn_number(report.score)
    na_row = text.split("6.1", 1)[1][:200]
    assert "Không áp dụng" in na_row and "0/" not in na_row.split("6.2")[0]
    # the team is a list: each line ends with ";", the last with "." (not a dangling ";")
    team = text.split("1. Tổ kiểm tra:", 1)[1].split("2. Đơn vị được kiểm tra", 1)[0].strip()
    assert team.endswith("."), team
    assert team.count(";") == team.count("Đồng chí") - 1, team
    # Vietnamese only, in the document's serif font (Times New Roman metrics when installed)
    assert "Signed" not in text and "Finding" not in text
    assert statedoc.fonts().regular.encode() in pdf.content


@pytest.mark.django_db
def test_the_checks_workbook_has_the_state_header_and_real_numbers_and_dates(api_as, insp):
    from datetime import datetime

    from openpyxl import load_workbook

    signed = SurpriseCheck.objects.get(uid=insp.extra["inspection"]["signed_check"])
    report = CheckReport.objects.get(surprise_check=signed)
    response = api_as("lead").get("/api/inspection/checks/export/")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws.title == "Kiểm tra"
    assert [ws["A1"].value, ws["A2"].value] == ["CÔNG AN TỈNH NGHỆ AN", "TỔ KIỂM TRA ĐẶC BIỆT"]
    header_text = [c.value for row in ws.iter_rows(max_row=6) for c in row if c.value]
    assert statedoc.NATION in header_text and statedoc.MOTTO in header_text
    assert statedoc.place_date_line("Nghệ An", timezone.localdate()) in header_text
    assert "DANH SÁCH CÁC CUỘC KIỂM TRA" in header_text
    headers = next(r for r in ws.iter_rows(values_only=True) if r[0] == "Số")
    assert "Mã đơn vị" not in headers and "Quầy" not in headers  # names, not internal codes
    row = next(r for r in ws.iter_rows() if r[0].value == signed.reference)
    by_name = dict(zip(headers, row, strict=False))
    assert by_name["Trạng thái"].value == "Đã ký biên bản" and by_name["Đơn vị"].value == signed.unit.name
    assert isinstance(by_name["Bắt đầu thực tế"].value, datetime)
    assert by_name["Bắt đầu thực tế"].number_format == statedoc.XLSX_DATETIME
    assert by_name["Điểm"].value == float(report.score)  # a number the reader's Excel shows as "83" / "92,5"
    assert by_name["Tỷ lệ (%)"].number_format in (statedoc.XLSX_NUMBER, "#,##0")


@pytest.mark.django_db
def test_the_minutes_print_notes_of_the_longest_length_the_api_accepts(api_as, running):
    """A 2,000-character note (the API's cap) made the criteria table's row taller than a page: reportlab
    raised LayoutError and the signed, frozen minutes answered 500 for ever (insider review, pdf15)."""
    from backend.core.params import REASON_MAX

    words = ("Cán bộ tiếp dân không đeo thẻ ngành, sổ theo dõi ghi thiếu ngày, hồ sơ lưu chưa đúng quy định; "
             * 40)[:REASON_MAX].strip()
    unbroken = ("Khôngcókhoảngtrắngnàocả" * 100)[:1500]
    longest = ("Ghichúliềnmạchdài" * 200)[:REASON_MAX]
    lead = api_as("lead")
    notes = {"1.1": words, "2.1": unbroken, "3.1": longest, "6.1": words[::-1].strip()}
    assert len(words) == REASON_MAX and len(longest) == REASON_MAX
    # outcomes that sign without a finding to settle first (a fail opens one)
    results = _all(running, **{code: {"outcome": "not_applicable", "note": note} for code, note in notes.items()})
    results = [r if r["criterion"] != "1.1" else {**r, "outcome": "partial", "points": "1"} for r in results]
    saved = lead.put(_url(running), {"version": report_version(running), "results": results,
                                     "summary": "Tổng hợp kết quả."}, format="json")
    assert saved.status_code == 200, saved.content
    assert lead.post(f"/api/inspection/checks/{running.uid}/complete/", {}, format="json").status_code == 200
    assert lead.post(_url(running, "sign/"), {}, format="json").status_code == 200
    for role in ("lead", "reviewer", "admin"):
        pdf = api_as(role).get(_url(running, "pdf/"))
        if pdf.status_code != 403:
            assert pdf.status_code == 200, (role, pdf.status_code)
            assert pdf.content.startswith(b"%PDF")
    pdf = lead.get(_url(running, "pdf/"))
    assert pdf.status_code == 200
    reader = PdfReader(io.BytesIO(pdf.content))
    # every note is printed in full, word for word (a wrapped line or a page break only adds white space
    # and the page number at the top of the next page)
    pages = [re.sub(r"^\s*\d+\s*", "", p.extract_text() or "") for p in reader.pages]
    flat = re.sub(r"\s+", "", "".join(pages))
    for code, note in notes.items():
        assert re.sub(r"\s+", "", note) in flat, code
    text = _minutes_text(pdf.content)
    assert "Ghi chú chi tiết" in text and "BIÊN BẢN KIỂM TRA" in text and "TỔ TRƯỞNG TỔ KIỂM TRA" in text


@pytest.mark.django_db
def test_the_minutes_print_the_units_side_at_the_longest_length_the_api_accepts(api_as, running):
    """The unit's representative's name and post (200 characters, unbroken) sit in the signature block and
    the opinion (20,000 characters) in the sealed text: the minutes still print, with every word."""
    from backend.core.params import TEXT_MAX
    from tests.inspection.test_field_signoff import _data_url, _png, _signed

    _signed(api_as, running)
    # a full name (two words at least, insider S1-5), its second word unbroken
    name, post = "Trần " + "Minhđức" * 28, "Trưởngcônganxã" * 15
    opinion = ("Đơn vị thống nhất với kết quả kiểm tra và cam kết khắc phục trong mười lăm ngày; " * 300)[:TEXT_MAX]
    response = api_as("lead").post(_url(running, "representative/"), {
        "name": name[:200], "post": post[:200], "opinion": opinion, "signature": _data_url(_png())}, format="json")
    assert response.status_code == 200, response.content
    pdf = api_as("lead").get(_url(running, "pdf/"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    pages = [re.sub(r"^\s*\d+\s*", "", p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf.content)).pages]
    flat = re.sub(r"\s+", "", "".join(pages))
    for value in (name[:200], post[:200], opinion):
        assert re.sub(r"\s+", "", value) in flat
