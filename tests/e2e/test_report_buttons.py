"""rev15 F11 in the browser: the accountability report buttons (PDF/XLSX) show for the disciplinary
officer, not for the unit head (the server refuses him the TCCB document)."""
from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.e2e


def test_the_unit_head_sees_the_trace_without_the_report_buttons(login: Any) -> None:
    officer = login("discipline")
    page = officer.go("/accountability/trace/2")
    page.locator("[data-testid=trace-chain]").first.wait_for()
    assert page.locator('a[href$="/report.pdf"]').count() == 1
    officer.shot("rev15-trace-discipline", full=False)

    head = login("unithead")
    page = head.go("/accountability/trace/2")
    page.locator("[data-testid=trace-chain]").first.wait_for()
    assert page.locator('a[href$="/report.pdf"]').count() == 0
    assert page.locator('a[href$="/report.xlsx"]').count() == 0
    head.shot("rev15-trace-unithead", full=False)
