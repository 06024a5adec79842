"""Issue 12: a disciplinary officer's walk-through in a real browser on the demo province:
trace (with the deputy's field of charge) -> liability -> a case for the violator -> a reason instead
of a self-review -> council -> decision -> complaint (its answer deadline, its acceptance) -> a letter
recorded as refused. Screenshots (Vietnamese) under var/screenshots/accountability-walk-*.png.
"""
from __future__ import annotations

import re
from typing import Any

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.console_clean]


def _trace_with_an_open_violator(officer: Any) -> None:
    """Open, one after the other, the traces of the confirmed demo findings until one lets a case
    be opened for its violator (the demo already has a case for one of them)."""
    page = officer.page
    officer.go("/accountability/findings")
    page.wait_for_selector("[data-testid=findings-table] tbody tr")
    rows = page.locator("[data-testid=findings-table] tbody tr").count()
    for i in range(rows):
        officer.go("/accountability/findings")
        page.wait_for_selector("[data-testid=findings-table] tbody tr")
        page.locator("[data-testid=findings-table] tbody tr").nth(i).click()
        page.wait_for_url(re.compile(r"/accountability/trace/\d+$"))
        page.locator("[data-testid=trace-chain]").first.wait_for()
        if page.locator("[data-testid=open-violator-case]").count() == 0:
            continue
        if i == 0 or page.locator("[data-testid=propose]").count():
            page.locator("[data-testid=propose]").click()
            page.get_by_text("đề xuất trách nhiệm.").first.wait_for()
        # the violation's field, and each deputy's: only the deputy of that field answers
        assert "Lĩnh vực của loại vi phạm" in page.locator("[data-testid=category-fields]").inner_text()
        for field in page.locator("[data-testid=deputy-field]").all():
            assert field.inner_text().strip() not in ("", "Chưa ghi lĩnh vực phụ trách")
        officer.shot("accountability-walk-1-trace")
        page.locator("[data-testid=open-violator-case]").first.click()
        try:
            page.wait_for_url(re.compile(r"/accountability/cases/\d+$"), timeout=5_000)
            return
        except Exception:  # noqa: BLE001 - this violator already has a case: try the next finding
            continue
    pytest.fail("no demo finding whose violator could get a case", pytrace=False)


def test_disciplinary_officer_walks_a_case_from_trace_to_complaint(login: Any) -> None:
    officer = login("discipline")
    page = officer.page
    _trace_with_an_open_violator(officer)

    # the case for the violator: each violation with its limitation and source, the periods card
    page.locator("[data-testid=escalation] li").first.wait_for()
    periods = page.locator("[data-testid=periods]")
    periods.wait_for()
    assert "Thời hạn xử lý 90 ngày" in periods.inner_text() and "Căn cứ" in periods.inner_text()
    assert "Điều 80" in periods.inner_text()
    officer.shot("accountability-walk-2-case")

    # no self-review: the reason is asked for, in words
    page.get_by_role("button", name=re.compile("Xem xét, đề xuất")).first.click()
    dialog = page.get_by_role("dialog")
    dialog.locator("textarea").fill("Cán bộ đang đi học tập trung, không viết được bản tự kiểm điểm")
    dialog.get_by_role("button", name="Xác nhận").click()
    page.get_by_text("Cán bộ đang đi học tập trung").first.wait_for()

    # the disciplinary council, then the decision
    page.get_by_role("button", name="Ghi nhận họp Hội đồng kỷ luật").click()
    dialog = page.get_by_role("dialog")
    dialog.locator("textarea").fill("Hội đồng kỷ luật họp, 5/5 thành viên biểu quyết")
    dialog.get_by_role("button", name="Xác nhận").click()
    page.get_by_text("Hội đồng kỷ luật đã họp ngày").wait_for()
    page.get_by_role("button", name="Đề xuất hình thức").click()  # a decision comes after a proposal
    page.get_by_role("dialog").get_by_role("button", name="Xác nhận").click()
    page.get_by_role("button", name="Ra quyết định").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_placeholder("123/QĐ-CAT").fill("77/QĐ-CAT")
    dialog.locator("input").nth(1).fill("Giám đốc Công an tỉnh")
    dialog.get_by_role("button", name="Xác nhận").click()
    page.get_by_text("Khiếu nại lần đầu trong 15 ngày").wait_for()
    officer.shot("accountability-walk-3-decided")

    # the complaint, within its window
    page.get_by_role("button", name="Ghi nhận khiếu nại").click()
    dialog = page.get_by_role("dialog")
    dialog.locator("textarea").fill("Đề nghị xem xét lại vì đã khắc phục hậu quả")
    dialog.get_by_role("button", name="Xác nhận").click()
    page.get_by_role("button", name="Giải quyết khiếu nại").wait_for()
    assert "Đề nghị xem xét lại" in page.inner_text("body")
    # the answer is due 30 days after acceptance (10 days at most after receipt until it is recorded)
    answer = page.locator("[data-testid=answer-first]")
    assert "Hạn giải quyết khiếu nại" in answer.inner_text() and "chưa ghi" in answer.inner_text()
    page.get_by_role("button", name="Ghi ngày thụ lý").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Xác nhận").click()
    page.get_by_text("kể từ ngày thụ lý", exact=False).first.wait_for()
    answer = page.locator("[data-testid=answer-first]")
    answer.get_by_text("Đang giải quyết").wait_for()
    assert "30 ngày" in answer.inner_text() and "Luật Khiếu nại 2011" in answer.inner_text()
    officer.shot("accountability-walk-4-complaint")

    # another letter while the complaint is being answered: on record as received and refused, with why
    page.locator("[data-testid=refuse-complaint]").click()
    dialog = page.get_by_role("dialog")
    dialog.locator("[data-testid=dialog-text]").fill("Đơn gửi lại cùng nội dung")
    dialog.locator("textarea").nth(0).fill("Trùng nội dung khiếu nại đang giải quyết")
    dialog.get_by_role("button", name="Xác nhận").click()
    refused = page.locator("[data-testid=refused-complaint]")
    refused.wait_for()
    assert "từ chối thụ lý ngày" in refused.inner_text() and "Trùng nội dung" in refused.inner_text()
    officer.shot("accountability-walk-4b-refused")

    # the rule set in force: every period, rung and rule with its source
    page.get_by_role("link", name="Hồ sơ kỷ luật").first.click()
    page.get_by_role("link", name="Bộ quy tắc, thời hạn và căn cứ").click()
    periods = page.locator("[data-testid=ruleset-periods]")
    periods.wait_for()
    assert "Luật Khiếu nại 2011" in periods.inner_text() and "15 ngày" in periods.inner_text()
    assert "Thời hạn giải quyết khiếu nại lần đầu" in periods.inner_text()
    rules = page.locator("[data-testid=ruleset-rules]").inner_text()
    assert "Nghị định 59/2019/NĐ-CP, Điều 78" in rules and "DESIGN.md" not in rules
    assert "chưa có số văn bản — cần xác nhận" in rules
    assert "chưa có số văn bản — cần xác nhận" in page.locator("[data-testid=ruleset-regulations]").inner_text()
    officer.shot("accountability-walk-5-rules")
