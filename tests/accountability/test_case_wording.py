"""A disciplinary case in words: its factors and summary follow the one reason rule, the trace names a rule by its
name and legal basis, and an export asked with ?format= answers in words.

Where these came from:
Reviewer findings on the disciplinary officer's work (issue 15): a case's factors and summary follow the one
reason rule; the trace names a rule by its name and legal basis, not by its code; an export asked with
`?format=` answers in words, never a bare 404."""
from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from inspection.accountability.models import CaseFactor, DisciplinaryCase

pytestmark = pytest.mark.django_db


def _case(api_as: Any, make_finding: Any) -> tuple[Any, int]:
    f1 = make_finding("CAX-TC", "less_serious", date(2026, 6, 1), violators=("NA-2104",))
    d = api_as("discipline")
    r = d.post("/api/accountability/cases/", {"subject_kind": "officer", "officer_id": f1.subjects.first().officer_id,
                                              "finding_ids": [f1.pk], "title": "Xử lý cán bộ một cửa"}, format="json")
    assert r.status_code == 201, r.content
    return d, r.json()["id"]


@pytest.mark.parametrize("text", [".....", "asdfg hjkl", "aaaaaaa", "x"])
def test_a_case_factor_and_summary_are_written_in_words(api_as: Any, make_finding: Any, text: str) -> None:
    d, cid = _case(api_as, make_finding)
    r = d.post(f"/api/accountability/cases/{cid}/factors/", {"kind": "mitigating", "text": text}, format="json")
    assert r.status_code == 400, r.content
    assert "tình tiết" in r.json()["error"]["message"]
    assert not CaseFactor.objects.filter(case_id=cid).exists()
    r = d.patch(f"/api/accountability/cases/{cid}/", {"summary": text}, format="json")
    assert r.status_code == 400, r.content
    assert "tóm tắt" in r.json()["error"]["message"].lower()
    assert DisciplinaryCase.objects.get(pk=cid).summary == ""
    f2 = make_finding("CAX-TC", "less_serious", date(2026, 6, 2), violators=("NA-2104",))
    r = d.post("/api/accountability/cases/", {"subject_kind": "officer", "officer_id": f2.subjects.first().officer_id,
                                              "finding_ids": [f2.pk], "title": "Hồ sơ khác", "summary": text},
               format="json")
    assert r.status_code == 400, r.content
    # in words, it passes
    assert d.post(f"/api/accountability/cases/{cid}/factors/", {"kind": "mitigating", "text": "Thành khẩn nhận lỗi"},
                  format="json").status_code == 201
    assert d.patch(f"/api/accountability/cases/{cid}/", {"summary": "Cán bộ nhận tiền của dân khi làm thủ tục"},
                   format="json").status_code == 200


def _pdf_text(content: bytes) -> str:
    import io

    from pypdf import PdfReader

    return " ".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


def _xlsx_text(content: bytes) -> str:
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content)).active
    return " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)


def test_the_trace_names_a_rule_by_its_words_and_basis_not_its_code(api_as: Any, make_finding: Any) -> None:
    from inspection.accountability.models import Rule

    f = make_finding("CAX-TC", "serious", date(2026, 3, 1), to=date(2026, 4, 10), violators=("NA-2104",))
    d = api_as("discipline")
    assert d.post("/api/accountability/liabilities/", {"finding_id": f.pk}, format="json").status_code in (200, 201)
    trace = d.get(f"/api/accountability/findings/{f.pk}/trace/").json()
    codes = set(Rule.objects.values_list("code", flat=True))
    bracketed = re.compile(r"\((?:" + "|".join(re.escape(c) for c in codes) + r")[;)]")
    whys = [v["why_vi"] for g in trace["units"] for v in g["violators"]] + [
        ld["why_vi"] for g in trace["units"] for ld in g["leaders"]]
    applied = [ld for g in trace["units"] for ld in g["leaders"] if ld["rule"]]
    assert applied and whys
    for why in whys:
        assert not bracketed.search(why), why
    for ld in applied:
        assert f"(căn cứ: {ld['rule']['basis']}): " in ld["why_vi"] and ld["rule"]["code"]  # the code stays in the data
    pdf = _pdf_text(d.get(f"/api/accountability/findings/{f.pk}/report.pdf").content)
    xlsx = _xlsx_text(d.get(f"/api/accountability/findings/{f.pk}/report.xlsx").content)
    for text in (pdf, xlsx):
        assert not bracketed.search(text), bracketed.search(text)
        assert "[[QD:" not in text  # the basis written out, not its token
        assert "Người đứng đầu đơn vị có cán bộ vi phạm; căn cứ:" in text


def test_a_format_asked_by_query_is_answered_in_words_never_a_bare_404(api_as: Any, make_finding: Any) -> None:
    f = make_finding("CAX-TC", "serious", date(2026, 3, 1), violators=("NA-2104",))
    d = api_as("discipline")
    r = d.get(f"/api/accountability/findings/{f.pk}/trace/?format=xlsx")
    assert r.status_code == 406, r.content
    body = r.json()["error"]
    assert body["code"] == "format_unsupported" and "report.xlsx" in body["message"] and "định dạng" in body["message"]
    # the report answers its own formats; a query that says otherwise is refused in words
    r = d.get(f"/api/accountability/findings/{f.pk}/report.xlsx?format=xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    r = d.get(f"/api/accountability/findings/{f.pk}/report.pdf?format=xlsx")
    assert r.status_code == 400 and "report.xlsx" in r.json()["error"]["message"]
    # the checks export is a workbook: ?format=xlsx is its own
    assert api_as("lead").get("/api/inspection/checks/export/?format=xlsx").status_code == 200
    r = api_as("lead").get("/api/inspection/checks/export/?format=csv")
    assert r.status_code == 406 and "xlsx" in r.json()["error"]["message"]
