"""Issue 15: a disabled button says why. On the main pages of every workspace (and in the dialogs
they open before anything is typed), every disabled button carries its reason as a tooltip (title)
and as a description a screen reader reads (aria-describedby to an element with the text), in
Vietnamese."""
from __future__ import annotations

import re
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

# Every disabled <button> in the document without a reason: no title, or no description that
# resolves to text (aria-describedby) and no visible hint beside it.
SILENT = """() => Array.from(document.querySelectorAll('button:disabled, button[aria-disabled=true]')).filter(b => {
    const title = (b.getAttribute('title') || '').trim();
    const ids = (b.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean);
    const described = ids.map(id => document.getElementById(id)).filter(Boolean).map(el => el.textContent.trim()).join(' ');
    return !title || !described;
  }).map(b => (b.getAttribute('data-testid') || b.textContent || b.outerHTML).trim().slice(0, 60))"""

DISABLED = "() => document.querySelectorAll('button:disabled').length"
REASONS = """() => Array.from(document.querySelectorAll('button:disabled')).map(b => b.getAttribute('title'))"""

# (user, path, what to wait for, what to click first to open a dialog or a state with disabled buttons)
PAGES: list[tuple[str, str, str, str | None]] = [
    ("lead", "/", "h1", None),
    ("lead", "/inspection/risk", "h1", None),
    ("lead", "/inspection/draws", "h1", "[data-testid=draw-new]"),
    ("lead", "/inspection/checks", "table, .state-empty", None),
    ("lead", "/inspection/findings", "table, .state-empty", None),
    ("lead", "/inspection/ratings", "h1", None),
    ("reviewer", "/review/clips", "table, .state-empty", None),
    ("reviewer", "/review/moments", "h1", None),
    ("discipline", "/accountability/findings", "table, .state-empty", None),
    ("discipline", "/accountability/cases", "h1", None),
    ("unithead", "/accountability/tasks", "h1", None),
    ("admin", "/admin/ingest", "h1", None),
    ("admin", "/admin/cameras", "h1", None),
    ("admin", "/admin/users", "[data-testid=users-table] tbody tr", None),
    ("admin", "/admin/org", "h1", None),
    ("admin", "/admin/officers", "h1", None),
]


def _settle(page: Any) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(200)


def _assert_all_say_why(page: Any, where: str) -> int:
    silent = page.evaluate(SILENT)
    assert not silent, f"{where}: disabled buttons that do not say why: {silent}"
    reasons = [r for r in page.evaluate(REASONS) if r]
    # Vietnamese first: every reason has Vietnamese letters or words
    assert all(re.search(r"[à-ỹĐđ]", r) for r in reasons), f"{where}: reasons not in Vietnamese: {reasons}"
    return len(reasons)


@pytest.mark.parametrize("username,path,ready,opener", PAGES)
def test_every_disabled_button_says_why(login: Any, username: str, path: str, ready: str, opener: str | None) -> None:
    s = login(username)
    page = s.go(path)
    page.wait_for_selector(ready)
    _settle(page)
    _assert_all_say_why(page, path)
    if opener:
        page.click(opener)
        page.get_by_role("dialog").wait_for()
        _assert_all_say_why(page, f"{path} (dialog)")


def test_disabled_buttons_of_a_working_day_say_why(login: Any) -> None:
    """States where buttons are disabled for a reason: the player before the video is opened, the
    pager on its first page, a dialog whose reason is still empty, a finding's unit-head dialog."""
    reviewer = login("reviewer")
    page = reviewer.go("/review/clips?state=indexed")
    page.locator("[data-testid=clips-table] tbody tr a").first.click()
    page.wait_for_selector("[data-testid=timeline]")
    _settle(page)
    # play and tag wait for the video and a selection: both say so
    assert page.evaluate(DISABLED) >= 2
    n = _assert_all_say_why(page, "player")
    assert n >= 2
    play = page.locator("[data-testid=play]")
    assert play.get_attribute("title") == "Mở video trước (cần nêu lý do xem)"

    lead = login("lead")
    page = lead.go("/inspection/findings")
    page.wait_for_selector("table .row-link")
    page.locator("table .row-link").first.click()
    page.wait_for_url(re.compile(r"/inspection/findings/\d+$"))
    page.wait_for_selector("h1")
    _settle(page)
    _assert_all_say_why(page, "finding")

    head = login("unithead")
    page = head.go("/inspection/findings")
    page.wait_for_selector("table .row-link")
    page.locator("table .row-link").first.click()
    page.click("[data-testid=finding-explain]")
    page.get_by_role("dialog").wait_for()
    submit = page.locator("[data-testid=explain-submit]")
    assert submit.is_disabled()
    assert _assert_all_say_why(page, "explain dialog") >= 1
    assert submit.get_attribute("title") == "Nội dung cần ít nhất 20 chữ cái hoặc chữ số (không tính dấu cách, dấu câu)."


def test_the_check_can_fail(login: Any) -> None:
    """A disabled button with no reason, planted on the page, is reported."""
    s = login("admin")
    page = s.go("/admin/ingest")
    page.wait_for_selector("h1")
    page.evaluate("""() => { const b = document.createElement('button'); b.disabled = true; b.textContent = 'Câm';
                             document.querySelector('main').appendChild(b); }""")
    assert page.evaluate(SILENT) == ["Câm"]
