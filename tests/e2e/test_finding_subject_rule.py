"""User review (ui15) in Chromium: a new finding's violation time is an explicit entry (no "now"), and a
draft naming no officer cannot be confirmed until an officer is named or the lead records why none can be
(a unit-level finding); the blocked confirm says why in Vietnamese."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

pytestmark = pytest.mark.e2e
REASON = "Hình ảnh không rõ mặt, không xác định được cán bộ nào vắng mặt tại quầy"


def _csrf(session: Any) -> str:
    return next(c["value"] for c in session.context.cookies() if c["name"] == "csrftoken")


def test_the_violation_time_is_entered_and_a_finding_without_an_officer_waits_for_a_reason(login: Any) -> None:
    lead = login("lead")
    page = lead.go("/inspection/findings")
    page.get_by_role("button", name="+ Lập vi phạm").click()
    dialog = page.get_by_role("dialog")
    assert dialog.locator("input[name=occurred_from_date]").input_value() == ""
    assert dialog.locator("input[name=occurred_from_time]").input_value() == ""
    assert "trách nhiệm được xác định theo ngày vi phạm" in dialog.locator("[data-testid=occurred-from-needed]").inner_text()
    submit = dialog.locator("[data-testid=finding-submit]")
    # the team files a finding on one of its checks (issue 15): the button names the missing check first
    assert submit.is_disabled() and submit.get_attribute("title") == "Chọn cuộc kiểm tra phát hiện vi phạm"
    lead.shot("ui15-finding-new-no-time", full=False)
    page.keyboard.press("Escape")

    units = page.request.get(lead.base + "/api/org/units/?search=CAX-TC").json()["results"]
    unit = next(u for u in units if u["code"] == "CAX-TC")
    body = {"source": "footage", "category": "VANG_MAT", "title": "Quầy một cửa không có cán bộ",
            "unit_id": unit["id"], "occurred_from": (timezone.now() - timedelta(days=1)).isoformat(), "subjects": []}
    r = page.request.post(lead.base + "/api/inspection/findings/", data=body, headers={"X-CSRFToken": _csrf(lead)})
    assert r.status == 201, r.text()
    lead.go(f"/inspection/findings/{r.json()['id']}")
    confirm = page.locator("[data-testid=finding-confirm]")
    confirm.wait_for()
    assert confirm.is_disabled()
    assert "chưa có cán bộ vi phạm" in (confirm.get_attribute("title") or "")
    assert "ghi rõ lý do" in page.locator("[data-testid=finding-no-subject]").inner_text()
    lead.shot("ui15-finding-confirm-blocked", full=False)

    page.click("[data-testid=finding-edit]")
    dialog = page.get_by_role("dialog")
    dialog.locator("[data-testid=unit-level-reason]").fill(REASON)
    lead.shot("ui15-finding-edit-unit-level", full=False)
    dialog.locator("[data-testid=finding-edit-save]").click()
    page.locator("[data-testid=finding-unit-level]").wait_for()
    assert page.locator("[data-testid=finding-confirm]").is_enabled()
    page.click("[data-testid=finding-confirm]")
    page.get_by_role("dialog").locator("textarea").fill("Đã đối chiếu hình ảnh camera và sổ trực.")
    page.click("[data-testid=finding-action-submit]")
    page.get_by_text("Đã xác nhận").first.wait_for()
    lead.shot("ui15-finding-unit-level-confirmed", full=False)
