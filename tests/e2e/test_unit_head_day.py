"""Issue 15: the unit head's working day (unithead, head of Công an xã Thanh Chương, CAX-TC), in
Chromium: he lands on "what needs me today" (his CCHC tasks, the findings on his unit, the leaders'
liabilities), opens a finding on his unit, sends the unit's explanation, and reports a task done."""
from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.console_clean]

EXPLANATION = ("Ngày xảy ra vi phạm, cán bộ tiếp nhận được điều động đột xuất; đơn vị chưa bố trí người trực "
               "thay. Đơn vị đã chấn chỉnh lịch trực và tổ chức kiểm điểm.")


def _count(page: Any, key: str) -> int:
    return int(page.locator(f"[data-testid=home-count-{key}] .stat-value").inner_text())


def test_unit_head_day(login: Any) -> None:
    head = login("unithead")
    page = head.page

    # --- sign-in lands on the home page, with his three inboxes ---
    page.wait_for_url(head.base + "/")
    page.get_by_role("heading", name="Việc cần làm hôm nay").wait_for()
    for key in ("unit_tasks", "unit_findings", "unit_liabilities"):
        page.locator(f"[data-testid=home-count-{key}]").wait_for()
    tasks_before = _count(page, "unit_tasks")
    assert tasks_before >= 1, "the demo's CAX-TC has an undelivered CCHC task"
    assert _count(page, "unit_findings") >= 1
    assert _count(page, "unit_liabilities") >= 1
    findings = page.locator("[data-testid=home-card-unit_findings] li")
    assert findings.count() >= 1
    assert all("Thanh Chương" in findings.nth(i).inner_text() for i in range(findings.count()))
    assert "Thanh Chương" in page.locator("[data-testid=home-card-unit_liabilities]").inner_text()
    head.shot("unithead-1-home")

    # --- a finding on his unit, from the home page ---
    findings_before = _count(page, "unit_findings")
    answered_href = findings.first.locator("a").get_attribute("href")
    findings.first.locator("a").click()
    page.wait_for_url(re.compile(r"/inspection/findings/\d+$"))
    page.get_by_text("Công an xã Thanh Chương").first.wait_for()
    page.get_by_text("Đơn vị chưa giải trình.").wait_for()
    opener = page.locator("[data-testid=finding-explain]")
    opener.click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    # the dialog opens on its first field, not on its close button
    assert page.evaluate("document.activeElement.getAttribute('name')") == "kind"
    submit = dialog.locator("[data-testid=explain-submit]")
    assert submit.is_disabled() and submit.get_attribute("title") == "Nội dung cần ít nhất 20 chữ cái hoặc chữ số (không tính dấu cách, dấu câu)."
    dialog.locator("select[name=kind]").select_option("self_review")
    dialog.locator("textarea[name=text]").fill(EXPLANATION)
    assert submit.is_enabled()
    head.shot("unithead-2-explain-dialog", full=False)
    submit.click()
    listed = page.locator("[data-testid=explanation-list]")
    listed.get_by_text(EXPLANATION).wait_for()
    assert "Tự kiểm điểm" in listed.inner_text() and "Trần Minh Đức" in listed.inner_text()
    # focus went back to the button that opened the dialog
    assert page.evaluate("document.activeElement.getAttribute('data-testid')") == "finding-explain"
    head.shot("unithead-3-finding-explained")
    # no footage cards for a unit head (he sees findings, never footage): no refusal shown in their place
    assert page.get_by_text("Gói chứng cứ").count() == 0
    assert page.get_by_text("không có quyền").count() == 0
    # the explanation is kept: it is there after a reload
    page.reload()
    page.locator("[data-testid=explanation-list]").get_by_text(EXPLANATION).wait_for()

    # --- a CCHC task reported done, from the home page's card ---
    page.get_by_role("link", name="Trang chủ").click()
    page.locator("[data-testid=home-count-unit_tasks]").click()
    page.wait_for_url(re.compile(r"/accountability/tasks$"))
    report = page.get_by_role("button", name="Báo cáo hoàn thành").first
    row = page.locator("tbody tr", has=report)
    title = row.locator("strong").first.inner_text()
    # the seed may hold two open tasks with one title (two periods): one of them is reported
    open_with_title = page.locator("tbody tr", has_text=title).get_by_role("button", name="Báo cáo hoàn thành").count()
    report.click()
    page.get_by_role("dialog").get_by_role("button", name="Ghi nhận hoàn thành").click()
    page.get_by_role("status").get_by_text(f"Đã ghi nhận hoàn thành nhiệm vụ “{title}”.").wait_for()
    done_row = page.locator("tbody tr", has_text=title)
    # the list is read again after the report: wait for it rather than read the rows of the moment
    expect(done_row.get_by_role("button", name="Báo cáo hoàn thành")).to_have_count(open_with_title - 1)
    head.shot("unithead-4-task-reported")

    # --- back home, one task fewer waits ---
    page.get_by_role("link", name="Trang chủ").click()
    page.locator("[data-testid=home-count-unit_tasks]").wait_for()
    page.wait_for_function(
        f"Number(document.querySelector('[data-testid=home-count-unit_tasks] .stat-value').textContent) === {tasks_before - 1}")
    # the answered finding left the inbox, rows and count alike; it is behind "Xem các vi phạm đơn vị đã giải trình" (issue 15)
    assert _count(page, "unit_findings") == findings_before - 1
    inbox = page.locator("[data-testid=home-card-unit_findings]")
    if findings_before > 1:
        assert inbox.locator(f"a[href='{answered_href}']").count() == 0
        assert inbox.locator("li").count() == min(findings_before - 1, 5)
