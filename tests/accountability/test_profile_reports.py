"""Head profile and the PDF / XLSX accountability reports."""
from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from inspection.accountability import services_cases, services_liabilities

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(demo: Any, make_finding: Any) -> dict[str, Any]:
    """NA-2101 headed Thị trấn Thanh Chương (2021–06/2025) then Xã Thanh Chương (07/2025–15/03/2026)."""
    old = make_finding("CAX-TTTC", "serious", date(2024, 5, 10), violators=("NA-2104",))
    new = make_finding("CAX-TC", "less_serious", date(2026, 2, 1), violators=("NA-2105",), counter=True)
    after = make_finding("CAX-TC", "less_serious", date(2026, 5, 1), violators=("NA-2105",))  # under NA-2102
    other = make_finding("CAX-ND", "less_serious", date(2026, 2, 1), violators=("NA-2202",))
    _, created, _ = services_liabilities.liabilities_propose(by=demo.users["discipline"], finding=old)
    head = next(x for x in created if x.role == "head")
    services_liabilities.liability_confirm(by=demo.users["discipline"], liability=head, reason="Xác nhận trách nhiệm liên đới")
    services_liabilities.liabilities_propose(by=demo.users["discipline"], finding=new)
    case = services_cases.case_create(by=demo.users["discipline"], subject_kind="officer", officer=demo.officers["NA-2101"],
                                      unit=None, findings=[old], title="Trách nhiệm người đứng đầu")
    return {"old": old, "new": new, "after": after, "other": other, "case": case,
            "officer": demo.officers["NA-2101"]}


def test_head_profile_lists_tenures_findings_liabilities_and_cases(api_as: Any, history: dict[str, Any],
                                                                  django_assert_max_num_queries: Any) -> None:
    d = api_as("discipline")
    url = f"/api/accountability/officers/{history['officer'].pk}/"
    with django_assert_max_num_queries(25):
        r = d.get(url)
    assert r.status_code == 200, r.content
    body = r.json()
    units = [(t["unit"]["code"], t["from"], t["to"]) for t in body["tenures"]]
    assert units == [("CAX-TTTC", "2021-01-01", "2025-06-30"), ("CAX-TC", "2025-07-01", "2026-03-15")]
    assert body["tenures"][0]["unit"]["status"] == "merged"
    found = {f["reference"] for t in body["tenures"] for f in t["findings"]}
    assert found == {history["old"].reference, history["new"].reference}
    assert body["summary"]["findings"] == 2
    states = sorted(x["state"] for x in body["liabilities"])
    assert states == ["confirmed", "proposed"]
    assert [c["reference"] for c in body["cases"]] == [history["case"].reference]
    # filter by period: first half of 2026 (the case about 2024 was opened later, in November)
    body = d.get(url + "?from=2026-01-01&to=2026-06-30").json()
    assert [t["unit"]["code"] for t in body["tenures"]] == ["CAX-TC"]
    assert {f["reference"] for t in body["tenures"] for f in t["findings"]} == {history["new"].reference}
    assert [x["state"] for x in body["liabilities"]] == ["proposed"] and body["cases"] == []
    assert d.get(url + "?from=2026-12-31&to=2026-01-01").status_code == 400
    assert d.get(url + "?from=31/12/2026").status_code == 400
    # the unit head of (the merged) Thanh Chương sees him; not the Nam Đàn head; reviewers may not
    assert api_as("unithead").get(url).status_code == 200
    assert api_as("reviewer").get(url).status_code == 403
    nd_head = f"/api/accountability/officers/{history['other'].subjects.first().officer_id}/"
    assert api_as("unithead").get(nd_head).status_code == 404


def test_finding_report_pdf_and_xlsx(api_as: Any, history: dict[str, Any]) -> None:
    from openpyxl import load_workbook

    d = api_as("discipline")
    r = d.get(f"/api/accountability/findings/{history['old'].pk}/report.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    from backend.core import statedoc

    assert r.content.startswith(b"%PDF") and statedoc.fonts().regular.encode() in r.content
    from pypdf import PdfReader

    pdf_text = " ".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(r.content)).pages).split())
    assert "BÁO CÁO TRÁCH NHIỆM NGƯỜI ĐỨNG ĐẦU" in pdf_text and "Nguyễn Văn Hùng" in pdf_text
    # a state document (NĐ 30/2020/NĐ-CP): national header, issuer, number, place and date, signature
    # the issuer is the author's unit in the org tree, signed by its head (ui15: not a constant)
    for phrase in (statedoc.NATION, statedoc.MOTTO, "PHÒNG THANH TRA CÔNG AN TỈNH", "/BC-PX03",
                   statedoc.place_date_line("Nghệ An", timezone.localdate()), "TRƯỞNG PHÒNG",
                   "Đại tá Phan Văn Long", "Nơi nhận:"):
        assert phrase in pdf_text, phrase
    # Vietnamese only: no English twin lines, no internal ids, no stored codes
    for english in ("Finding", "Severity", "Leader accountability", "Generated", "Note:", "Liabilities"):
        assert english not in pdf_text, english
    assert not re.search(r"#\d", pdf_text) and "confirmed" not in pdf_text and "proposed" not in pdf_text
    r = d.get(f"/api/accountability/findings/{history['old'].pk}/report.xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    text = "\n".join(str(c.value) for row in wb.active.iter_rows() for c in row if c.value is not None)
    assert "BÁO CÁO TRÁCH NHIỆM NGƯỜI ĐỨNG ĐẦU" in text
    # the same header rows as the PDF
    ws = wb.active
    assert [ws["A1"].value, ws["A2"].value] == ["CÔNG AN TỈNH NGHỆ AN", "PHÒNG THANH TRA CÔNG AN TỈNH"]
    assert "TRƯỞNG PHÒNG" in text and "Đại tá Phan Văn Long" in text
    # "Nơi nhận" as the PDF prints it: bottom left, beside the signer's first line (issue 15)
    received = next(c for row in ws.iter_rows() for c in row if c.value == "Nơi nhận:")
    signer_rows = [c.row for row in ws.iter_rows() for c in row if c.value == "TRƯỞNG PHÒNG"]
    assert received.column == 1 and received.row == signer_rows[-1] and received.font.bold
    below = [ws.cell(row=received.row + i, column=1).value for i in (1, 2)]
    assert below == ["- Lãnh đạo Công an tỉnh (để báo cáo);", "- Lưu: hồ sơ kỷ luật."]
    assert statedoc.NATION in text and statedoc.MOTTO in text and "Nghệ An, ngày" in text
    assert "Finding" not in text and "Leader accountability" not in text
    # numbers stay numbers (the reader's Excel shows its decimal comma), not text
    versions = [c for row in ws.iter_rows() for c in row if isinstance(c.value, int) and c.row > 8]
    assert versions and all(c.number_format == "#,##0" for c in versions)
    assert "Nguyễn Văn Hùng" in text and "Phê bình" in text and "Đã xác nhận" in text
    # where a proposal stands is one column, not "Xác nhận: Chưa xác nhận" beside "Trạng thái: Đề xuất"
    assert "Kết quả xem xét" in text and "Chưa xác nhận" not in text and "Trạng thái" not in text
    assert "sáp nhập" in text
    assert d.get(f"/api/accountability/findings/{history['old'].pk}/report.doc").status_code == 404
    assert api_as("unithead").get(
        f"/api/accountability/findings/{history['other'].pk}/report.pdf").status_code == 404


def test_officer_report_pdf_and_xlsx(api_as: Any, history: dict[str, Any]) -> None:
    from openpyxl import load_workbook

    d = api_as("discipline")
    base = f"/api/accountability/officers/{history['officer'].pk}/report"
    r = d.get(base + ".pdf?from=2024-01-01&to=2026-12-31")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    r = d.get(base + ".xlsx?from=2024-01-01&to=2026-12-31")
    wb = load_workbook(io.BytesIO(r.content))
    text = "\n".join(str(c.value) for row in wb.active.iter_rows() for c in row if c.value is not None)
    assert "Công an thị trấn Thanh Chương" in text and "Công an xã Thanh Chương" in text
    assert history["case"].reference in text


def test_pdf_font_missing_is_a_clear_error(api_as: Any, history: dict[str, Any], monkeypatch: Any,
                                           tmp_path: Any) -> None:
    from backend.core import statedoc

    missing = tmp_path / "missing.ttf"
    monkeypatch.setattr(statedoc, "_fonts", None)
    monkeypatch.setattr(statedoc, "FONT_FAMILIES", [
        ("Missing", {"regular": missing, "bold": missing, "italic": missing, "bold_italic": missing})])
    r = api_as("discipline").get(f"/api/accountability/findings/{history['old'].pk}/report.pdf")
    assert r.status_code == 503
    assert r.json()["error"]["code"] == "font_missing" and "fonts-liberation" in r.json()["error"]["message"]


def test_the_finding_report_names_the_deputys_field(api_as: Any, make_finding: Any) -> None:
    from datetime import date

    from openpyxl import load_workbook

    finding = make_finding("CAX-TC", "less_serious", date(2026, 6, 1), violators=("NA-2104",))
    r = api_as("discipline").get(f"/api/accountability/findings/{finding.pk}/report.xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    text = "\n".join(str(c.value) for row in wb.active.iter_rows() for c in row if c.value is not None)
    assert "Phó Trưởng Công an xã — lĩnh vực Hành chính, một cửa (cư trú, căn cước)" in text
    assert "Nguyễn Văn Phúc phụ trách lĩnh vực Trật tự, an toàn giao thông" in text  # the note on the other deputy


def test_only_discipline_and_the_inspection_team_produce_the_accountability_reports(
        api_as: Any, history: dict[str, Any]) -> None:
    """rev15 F11: the finding and officer reports are TCCB documents listing undecided proposals and signed
    by their maker: a unit head (here, about his own unit's heads), a reviewer or the system admin may not
    produce them; an object outside the reader's scope still answers 404."""
    finding = f"/api/accountability/findings/{history['new'].pk}/report"
    officer = f"/api/accountability/officers/{history['officer'].pk}/report"
    for who in ("unithead", "reviewer", "admin"):
        for url in (finding + ".pdf", finding + ".xlsx", officer + ".pdf", officer + ".xlsx"):
            r = api_as(who).get(url)
            assert r.status_code in (403, 404), (who, url, r.status_code)
            assert b"%PDF" not in r.content[:10] and r.status_code != 200
    refused = api_as("unithead").get(finding + ".pdf")
    assert refused.status_code == 403 and refused.json()["error"]["message"].startswith("Báo cáo trách nhiệm")
    assert api_as("unithead").get(f"/api/accountability/findings/{history['new'].pk}/trace/").status_code == 200
    for who in ("discipline", "lead", "inspector"):
        r = api_as(who).get(finding + ".pdf")
        assert r.status_code == 200 and r.content.startswith(b"%PDF"), who


def test_a_violation_that_went_on_into_the_tenure_is_counted_with_the_liability_it_carries(
        api_as: Any, demo: Any, make_finding: Any) -> None:
    """Insider re-check (issue 15): the report on NA-2102 (head of Xã Thanh Chương from 16/03/2026) said
    "0 violations" beside a liability for a violation from 20/02 to 10/04/2026: the count took only the
    violations begun in the tenure, the liabilities every violation that went on during it."""
    from datetime import datetime, timedelta

    started = make_finding("CAX-TC", "less_serious", date(2026, 2, 20), violators=("NA-2105",))
    type(started).objects.filter(pk=started.pk).update(
        occurred_to=datetime(2026, 4, 10, 10, 0, tzinfo=timezone.get_current_timezone()))
    started.refresh_from_db()
    services_liabilities.liabilities_propose(by=demo.users["discipline"], finding=started)
    body = api_as("discipline").get(
        f"/api/accountability/officers/{demo.officers['NA-2102'].pk}/?from=2026-03-16&to=2026-06-30").json()
    liable = {x["finding"]["reference"] for x in body["liabilities"]}
    counted = {f["reference"] for t in body["tenures"] for f in t["findings"]}
    assert started.reference in liable, body["liabilities"]
    assert started.reference in counted and body["summary"]["findings"] >= 1
    assert timedelta(0) < started.occurred_to - started.occurred_from


# --- insider review (S2): a dismissed finding, or a draft, counted as a violation of the head -----------------


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return " ".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


def _xlsx_text(content: bytes) -> str:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content))
    return "\n".join(str(c.value) for row in wb.active.iter_rows() for c in row if c.value is not None)


def test_dismissed_findings_and_drafts_are_not_the_heads_violations(api_as: Any, demo: Any,
                                                                      make_finding: Any) -> None:
    """NA-2102 heads Xã Thanh Chương from 16/03/2026. Of four findings there in his tenure one is confirmed, one
    actioned, one confirmed then dismissed by the lead as unfounded, one a draft: the profile said 3 (the
    disciplinary officer) and 4 (the lead, with the draft), and the report listed the dismissed one under
    "III. VI PHẠM" with no state. Only the confirmed and actioned ones are violations, everywhere alike."""
    confirmed = make_finding("CAX-TC", "less_serious", date(2026, 4, 1), violators=("NA-2105",))
    actioned = make_finding("CAX-TC", "less_serious", date(2026, 4, 2), violators=("NA-2105",))
    type(actioned).objects.filter(pk=actioned.pk).update(state="actioned")
    dismissed = make_finding("CAX-TC", "serious", date(2026, 4, 3), violators=("NA-2104",),
                             title="Vi phạm bị bác bỏ")
    draft = make_finding("CAX-TC", "serious", date(2026, 4, 4), violators=("NA-2104",), state="draft",
                         title="Dự thảo chưa công bố")
    r = api_as("lead").post(f"/api/inspection/findings/{dismissed.pk}/transition/",
                            {"to": "dismissed", "reason": "Xác minh lại: cán bộ đi công tác có lệnh, không vi phạm."},
                            format="json")
    assert r.status_code == 200 and r.json()["state"] == "dismissed", r.content
    counted = {confirmed.reference, actioned.reference}
    url = f"/api/accountability/officers/{demo.officers['NA-2102'].pk}/"
    for who in ("discipline", "lead"):
        body = api_as(who).get(url + "?from=2026-03-16&to=2026-06-30").json()
        listed = {f["reference"] for t in body["tenures"] for f in t["findings"]}
        assert listed == counted, (who, listed)
        assert body["summary"]["findings"] == 2 and sum(body["summary"]["findings_by_severity"].values()) == 2, who
        assert body["summary"]["findings_by_severity"] == {"less_serious": 2}, who
        base = url + "report"
        pdf = _pdf_text(api_as(who).get(base + ".pdf?from=2026-03-16&to=2026-06-30").content)
        xlsx = _xlsx_text(api_as(who).get(base + ".xlsx?from=2026-03-16&to=2026-06-30").content)
        for text in (pdf, " ".join(xlsx.split())):
            assert "Số vi phạm trong đơn vị khi phụ trách: 2." in text, who
            assert confirmed.reference in text and actioned.reference in text, who
            assert dismissed.reference not in text and draft.reference not in text, who
            assert "Vi phạm bị bác bỏ" not in text and "Dự thảo chưa công bố" not in text, who


# --- insider review (S3): an account with no posting printed the report in the Director's name ----------------


def test_a_producer_with_no_posting_is_refused_not_signed_for_by_the_director(
        api_as: Any, demo: Any, history: dict[str, Any]) -> None:
    """A disciplinary account not linked to an officer downloaded the head report issued by the province police
    and signed "GIÁM ĐỐC … Thiếu tướng Nguyễn Đức Thắng" (/BC-CAT-NA). Nobody signs by fallback: 409, in
    Vietnamese, nothing recorded as read. The finding report (the other user of the issuer) likewise."""
    from backend.accounts.models import User
    from backend.audit.models import AuditEvent

    discipline = demo.users["discipline"]
    User.objects.filter(pk=discipline.pk).update(officer=None)
    urls = [f"/api/accountability/officers/{history['officer'].pk}/report.pdf",
            f"/api/accountability/officers/{history['officer'].pk}/report.xlsx",
            f"/api/accountability/findings/{history['old'].pk}/report.pdf",
            f"/api/accountability/findings/{history['old'].pk}/report.xlsx"]
    before = AuditEvent.objects.filter(verb__startswith="accountability.report").count()
    for url in urls:
        r = api_as("discipline").get(url)
        assert r.status_code == 409, (url, r.status_code)
        err = r.json()["error"]
        assert err["code"] == "author_not_posted"
        assert "chưa được gắn với cán bộ" in err["message"] and "quản trị viên" in err["message"]
    assert AuditEvent.objects.filter(verb__startswith="accountability.report").count() == before
    # still readable on screen: only issuing the document needs a posting
    assert api_as("discipline").get(f"/api/accountability/officers/{history['officer'].pk}/").status_code == 200


def test_a_linked_officer_whose_posting_ended_is_refused_too(api_as: Any, demo: Any, history: dict[str, Any]) -> None:
    from backend.org.models import Assignment

    Assignment.objects.filter(officer=demo.users["discipline"].officer).update(valid_to=date(2026, 1, 31))
    r = api_as("discipline").get(f"/api/accountability/officers/{history['officer'].pk}/report.pdf")
    assert r.status_code == 409 and r.json()["error"]["code"] == "author_not_posted"


def test_a_department_with_no_head_nor_deputy_does_not_send_the_report_to_the_director(
        api_as: Any, demo: Any, history: dict[str, Any]) -> None:
    from backend.org.models import Assignment

    Assignment.objects.filter(unit=demo.units["PX03"], is_head=True).update(valid_to=date(2026, 1, 31))
    r = api_as("discipline").get(f"/api/accountability/officers/{history['officer'].pk}/report.pdf")
    assert r.status_code == 409, r.status_code
    err = r.json()["error"]
    assert err["code"] == "issuer_has_no_signer" and "Phòng Thanh tra Công an tỉnh" in err["message"]


def test_the_reports_name_each_rule_in_words_not_by_a_bare_code(api_as: Any, history: dict[str, Any]) -> None:
    """Issue 15 (user review): the trace's PDF and XLSX printed "LD-H1", "V1" bare; the rule's name in words is
    printed with its legal basis (its code in brackets until the reviewer's finding, issue 15)."""
    from inspection.accountability.models import LeaderLiability

    d = api_as("discipline")
    rules = {x.rule for x in LeaderLiability.objects.filter(finding=history["old"]).select_related("rule")}
    assert rules
    finding = f"/api/accountability/findings/{history['old'].pk}/report"
    officer = f"/api/accountability/officers/{history['officer'].pk}/report"
    pdf = _pdf_text(d.get(finding + ".pdf").content)
    cells = [_xlsx_text(d.get(url + ".xlsx" + query).content).split("\n")
             for url, query in ((finding, ""), (officer, "?from=2024-01-01&to=2026-12-31"))]
    for rule in rules:
        name = rule.text_vi.split(":")[0].strip()
        # its name and legal basis, never its code, bare or in brackets (reviewer, issue 15)
        assert f"{name}; căn cứ:" in pdf and f"({rule.code})" not in pdf, rule.code
        for values in cells:
            assert rule.code not in values, rule.code  # never a cell holding the bare code
            assert any(v.startswith(f"{name}; căn cứ:") for v in values), rule.code
            assert not any(f"({rule.code})" in v for v in values), rule.code
