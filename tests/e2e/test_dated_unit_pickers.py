"""Issue 15: a form about a date offers the units that existed on that date. The demo province
abolished its district-level police on 1 March 2025 (Công an huyện Thanh Chương ended 28/02/2025)
and set up the merged Công an xã Thanh Chương on 1 July 2025."""
from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.e2e

DISTRICT = "Công an huyện Thanh Chương"
MERGED = "Công an xã Thanh Chương"
OLD_TOWN = "Công an thị trấn Thanh Chương"  # merged into CAX-TC on 01/07/2025


def _options(select: Any) -> list[str]:
    return [o.strip() for o in select.locator("option").all_inner_texts()]


def _has(options: list[str], name: str) -> bool:
    return any(o.startswith(name) for o in options)


def _wait_options(page: Any, select: Any, present: str, absent: str) -> list[str]:
    """The list follows the date (fetched for it): wait until it shows `present` and not `absent`."""
    handle = select.element_handle()
    page.wait_for_function(
        """([el, yes, no]) => { const t = Array.from(el.options).map(o => o.textContent.trim());
                               return t.some(x => x.startsWith(yes)) && !t.some(x => x.startsWith(no)); }""",
        arg=[handle, present, absent])
    return _options(select)


def test_finding_unit_picker_follows_the_violation_date(login: Any) -> None:
    lead = login("lead")
    page = lead.go("/inspection/findings")
    page.get_by_role("button", name="+ Lập vi phạm").click()
    dialog = page.get_by_role("dialog")
    unit = dialog.locator("select[name=unit]")
    date = dialog.locator("input[name=occurred_from_date]")
    dialog.locator("input[name=title]").fill("Cán bộ vắng mặt tại bộ phận một cửa")

    # today: the merged commune, not the abolished district
    options = _wait_options(page, unit, MERGED, DISTRICT)
    assert not _has(options, OLD_TOWN)

    # a violation in February 2025: the district and the old town existed, the merged commune did not
    date.fill("15/02/2025")
    options = _wait_options(page, unit, DISTRICT, MERGED)
    assert _has(options, OLD_TOWN)
    unit.select_option(label=next(o for o in options if o.startswith(DISTRICT)))
    lead.shot("pickers-1-finding-feb-2025", full=False)

    # moved to 2026 with the district still chosen: it stays visible, marked, and the form says why
    date.fill("15/02/2026")
    warning = dialog.locator("[data-testid=unit-not-on-day]")
    warning.wait_for()
    assert DISTRICT in warning.inner_text() and "15/02/2026" in warning.inner_text()
    submit = dialog.locator("[data-testid=finding-submit]")
    # the team files a finding on one of its checks (issue 15): the button names the missing check first
    assert submit.is_disabled() and submit.get_attribute("title") == "Chọn cuộc kiểm tra phát hiện vi phạm"
    assert _has(_options(unit), MERGED)
    lead.shot("pickers-2-finding-unit-gone", full=False)


def test_appointment_unit_picker_follows_the_start_date(login: Any) -> None:
    admin = login("admin")
    page = admin.go("/admin/officers")
    page.locator("[data-testid=officer-item]").first.click()
    page.click("[data-testid=appoint-open]")
    dialog = page.get_by_role("dialog")
    unit = dialog.locator("select[name=unit]")
    dialog.locator("input[name=valid_from]").fill("01/01/2025")
    options = _wait_options(page, unit, DISTRICT, MERGED)
    assert _has(options, OLD_TOWN)
    dialog.locator("input[name=valid_from]").fill("01/08/2025")
    options = _wait_options(page, unit, MERGED, DISTRICT)
    assert not _has(options, OLD_TOWN)
    admin.shot("pickers-3-appointment-aug-2025", full=False)
