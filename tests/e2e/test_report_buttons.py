"""rev15 F11 in the browser: the accountability report buttons (PDF/XLSX) show for the disciplinary
officer, not for the unit head (the server refuses him the TCCB document)."""
from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.e2e


def test_the_unit_head_sees_the_trace_without_the_report_buttons(login: Any) -> None:
    officer = login("discipline")
    page = officer.go("/")
    # a confirmed finding of the unit head's own unit (finding ids are random: looked up, not assumed)
    base = page.url.split("/", 3)[:3]
    listed = page.request.get("/".join(base) + "/api/inspection/findings/?state=confirmed&page_size=100").json()
    finding_id = next(f["id"] for f in listed["results"] if f["unit"]["code"] == "CAX-TC")
    page = officer.go(f"/accountability/trace/{finding_id}")
    page.locator("[data-testid=trace-chain]").first.wait_for()
    assert page.locator('a[href$="/report.pdf"]').count() == 1
    officer.shot("rev15-trace-discipline", full=False)

    head = login("unithead")
    page = head.go(f"/accountability/trace/{finding_id}")
    page.locator("[data-testid=trace-chain]").first.wait_for()
    assert page.locator('a[href$="/report.pdf"]').count() == 0
    assert page.locator('a[href$="/report.xlsx"]').count() == 0
    head.shot("rev15-trace-unithead", full=False)
