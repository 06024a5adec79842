"""Issue 15: the draw's table fits a 1366×768 screen (the force's common laptop): no column of the
drawn units is clipped or pushed out of sight behind a horizontal scroll bar."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

# Cells of the draw table whose right edge lies beyond what its scroll box shows, and how far the
# table overflows its box (0 when it fits).
CLIPPED = """() => {
  const wrap = document.querySelector('[data-testid=draw-table]');
  const box = wrap.getBoundingClientRect();
  const cells = Array.from(wrap.querySelectorAll('th, td'));
  const out = cells.filter(c => c.getBoundingClientRect().right > box.right + 0.5 || c.getBoundingClientRect().left < box.left - 0.5)
                   .map(c => c.textContent.trim().slice(0, 30));
  return {overflow: wrap.scrollWidth - wrap.clientWidth, clipped: out, page: document.documentElement.scrollWidth - window.innerWidth};
}"""


def test_the_draw_table_fits_1366(login: Any) -> None:
    lead = login("lead")
    page = lead.page
    page.set_viewport_size({"width": 1366, "height": 768})
    lead.go("/inspection/draws")
    page.click("[data-testid=draw-new]")
    page.fill("input[name=n]", "4")
    page.click("[data-testid=draw-run]")
    page.locator("[data-testid=draw-table] tbody tr").first.wait_for()
    page.locator("[data-testid=draw-table] a[href^='/inspection/checks/']").first.wait_for()
    page.locator("[data-testid=draw-table]").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    page.screenshot(path=str(Path("/tmp/web15-draws-1366.png")), full_page=False)
    lead.shot("inspection-draw-1366", full=False)
    result = page.evaluate(CLIPPED)
    assert result["overflow"] <= 0, f"the draw table overflows its box by {result['overflow']} px: {result['clipped']}"
    assert not result["clipped"], result
    assert result["page"] <= 0, f"the page is {result['page']} px wider than the screen"
    # every column header is on screen, in full
    headers = page.locator("[data-testid=draw-table] th")
    for i in range(headers.count()):
        box = headers.nth(i).bounding_box()
        assert box is not None and box["x"] + box["width"] <= 1366, headers.nth(i).inner_text()


def test_the_commitments_table_fits_1366_and_names_the_lead(login: Any) -> None:
    """Issue 15 (review): the public commitments were cut off at 1366 px (last header "Cuộ…", the seed
    hash overflowing its cell) and named the lead by login."""
    lead = login("lead")
    page = lead.page
    page.set_viewport_size({"width": 1366, "height": 768})
    lead.go("/inspection/draws")
    if page.locator("[data-testid=draw-new]").count():
        page.click("[data-testid=draw-new]")
        page.fill("input[name=n]", "2")
        page.click("[data-testid=draw-run]")
        page.locator("[data-testid=draw-table] tbody tr").first.wait_for()
    lead.go("/inspection/commitments")
    table = page.locator("[data-testid=commitments-table]")
    table.locator("tbody tr").first.wait_for()
    fit = page.evaluate("""() => {
      const wrap = document.querySelector('[data-testid=commitments-table]').parentElement;
      const box = wrap.getBoundingClientRect();
      const out = Array.from(wrap.querySelectorAll('th, td, code')).filter(c => c.getBoundingClientRect().right > box.right + 0.5)
                       .map(c => c.textContent.trim().slice(0, 30));
      return {overflow: wrap.scrollWidth - wrap.clientWidth, out};
    }""")
    lead.shot("commitments-1366", full=False)
    assert fit["overflow"] <= 0 and not fit["out"], fit
    body = table.inner_text()
    assert "risk_weights" not in body and "Người rút thăm" in body
    assert "Đặng Văn Bình" in body  # rank and name, not the login
