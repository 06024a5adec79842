"""User review (ui15): on a phone (390×844) the calendar's day cells cut each entry to a few letters.
The cells now keep the day and one dot a check; the month's entries are written out in a day list under
the month (time, the unit's full name, state, team), and a day's dots jump to it."""
from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.test_field_mode import PHONE, phone  # noqa: F401 - the phone fixture

pytestmark = pytest.mark.e2e
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def test_the_phone_calendar_writes_the_days_entries_out_under_the_month(phone: Any) -> None:  # noqa: F811
    lead = phone("lead")
    checks = lead.api("GET", "/api/inspection/checks/?page_size=200").json()["results"]
    assert checks, "the demo has checks"
    first = datetime.fromisoformat(checks[0]["window_start"]).astimezone(HANOI)
    today = datetime.now(HANOI)
    back = (today.year * 12 + today.month) - (first.year * 12 + first.month)
    page = lead.go("/inspection/calendar")
    page.wait_for_selector(".calendar")
    for _ in range(abs(back)):
        page.click("[data-testid=cal-prev]" if back > 0 else "[data-testid=cal-next]")
    day = first.date().isoformat()
    agenda = page.locator("[data-testid=cal-agenda]")
    agenda.locator(f"[data-day='{day}']").wait_for()
    assert agenda.is_visible()
    lead.fits()
    # the cell keeps dots, not entries cut to a few letters
    cell = page.locator(f".cal-cell[data-day='{day}']")
    assert not cell.locator(".cal-item").first.is_visible()
    dots = cell.locator("[data-testid=cal-dots]")
    assert dots.is_visible() and "cuộc kiểm tra" in (dots.get_attribute("aria-label") or "")
    box = dots.bounding_box()
    assert box is not None and box["width"] >= 40 and box["height"] >= 28, box
    # the day list writes each entry out in full, readable: not clipped, 12 px and more
    # (several checks may share the day, in any order: find this check's entry by its unit)
    unit = checks[0]["unit"]["name"]
    item = agenda.locator(f"[data-day='{day}'] [data-testid=cal-agenda-item]").filter(has_text=unit)
    assert item.count() >= 1, agenda.locator(f"[data-day='{day}']").inner_text()
    item = item.first
    clipped = item.evaluate("el => [...el.querySelectorAll('*')].some(e => e.scrollWidth > e.clientWidth + 1 "
                            "&& getComputedStyle(e).overflow === 'hidden')")
    assert not clipped
    assert item.evaluate("el => parseFloat(getComputedStyle(el).fontSize)") >= 12
    page.evaluate("window.scrollTo(0, 0)")
    lead.shot("ui15-calendar-390-month")
    dots.click()
    page.wait_for_timeout(600)
    heading = agenda.locator(f"[data-day='{day}'] h3")
    top = heading.bounding_box()
    assert top is not None and 0 <= top["y"] < PHONE["height"], top
    lead.page.screenshot(path=str(lead_screens() / "ui15-calendar-390-daylist.png"))


def lead_screens() -> Any:
    from tests.e2e.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
