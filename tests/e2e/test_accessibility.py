"""Issue 15: axe-core (frontend/node_modules/axe-core, injected with Playwright) finds no serious or
critical accessibility violation on the main page of each workspace, the home page, the new org
pages and the login page; keyboard basics (skip link, focus on the page heading) work."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import ROOT

pytestmark = [pytest.mark.e2e, pytest.mark.console_clean]

AXE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"

PAGES = [
    ("lead", "/", "h1"),
    ("lead", "/inspection/risk", "[data-testid=risk-table], .state"),
    ("lead", "/inspection/checks", "table, .state-empty"),
    ("reviewer", "/review/clips", "table, .state-empty"),
    ("reviewer", "/", "h1"),
    ("discipline", "/accountability/findings", "table, .state-empty"),
    ("discipline", "/accountability/ranking", "svg.chart, .state-empty"),
    ("unithead", "/", "h1"),
    ("admin", "/admin/ingest", "h1"),
    ("admin", "/admin/org?unit=1", "[data-testid=tree-unit]"),
    ("admin", "/admin/officers", "[data-testid=officer-item]"),
    ("admin", "/", "h1"),
]


def _axe(page: Any) -> list[dict[str, Any]]:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: `cd frontend && npm ci` installs axe-core (a devDependency).", pytrace=False)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, { resultTypes: ['violations'] });
        return r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
                                        nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ')) }));
    }""")
    return [v for v in result if v["impact"] in ("serious", "critical")]


def _report(where: str, violations: list[dict[str, Any]]) -> str:
    return f"{where}: " + json.dumps(violations, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("username,path,ready", PAGES)
def test_no_serious_or_critical_violations(login: Any, username: str, path: str, ready: str) -> None:
    s = login(username)
    console: list[str] = []
    s.page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    s.go(path)
    s.page.wait_for_selector(ready)
    s.page.wait_for_load_state("networkidle")
    slug = path.strip("/").split("?")[0].replace("/", "-") or "home"
    s.shot(f"a11y-{username}-{slug}")
    violations = _axe(s.page)
    assert not violations, _report(path, violations)
    assert not console, console


def test_login_page_has_main_and_no_serious_violations(browser: Any, live_url: str) -> None:
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    try:
        page.goto(live_url + "/login")
        page.wait_for_selector("input[name=username]")
        assert page.locator("main").count() == 1
        violations = _axe(page)
        assert not violations, _report("/login", violations)
    finally:
        context.close()


def test_skip_link_and_focus_follow_navigation(login: Any) -> None:
    s = login("admin")
    page = s.page
    s.go("/admin/users")
    page.wait_for_selector("h1")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.inner_text() == "Bỏ qua, đến nội dung chính"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.tagName") == "H1"
    # a client-side navigation from the menu moves focus to the new page's heading
    page.get_by_role("link", name="Cơ cấu tổ chức").click()
    page.wait_for_url("**/admin/org")
    page.wait_for_function("document.activeElement && document.activeElement.tagName === 'H1'")
    assert page.evaluate("document.activeElement.textContent") == "Cơ cấu tổ chức"


def test_table_rows_open_with_the_keyboard(login: Any) -> None:
    s = login("lead")
    page = s.page
    s.go("/inspection/checks")
    link = page.locator("table a.row-link").first
    link.wait_for()
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/inspection/checks/*")
    assert Path(page.url).name != "checks"


def test_the_axe_check_can_fail(login: Any) -> None:
    """The check is live: the old muted grey (#6b7a93, 4.34:1 on the page background) and an image
    without a text alternative, planted on the page, are reported."""
    s = login("admin")
    s.go("/admin/ingest")
    s.page.wait_for_selector("h1")
    s.page.evaluate("""() => {
        const p = document.createElement('p');
        p.textContent = 'Chữ xám cũ trên nền trang';
        p.style.cssText = 'color:#6b7a93;background:#f4f6fa;font-size:12px';
        document.querySelector('main').appendChild(p);
        const img = document.createElement('img');
        img.src = '/favicon.svg';
        document.querySelector('main').appendChild(img);
    }""")
    ids = {v["id"] for v in _axe(s.page)}
    assert {"color-contrast", "image-alt"} <= ids, ids


def test_the_first_load_and_sign_in_log_no_console_error_and_the_watch_is_live(browser: Any, live_url: str) -> None:
    """Issue 15: the app asked /api/auth/me/ before anyone had signed in and Chromium logged the 401
    as "Failed to load resource" on every sign-in. The start-up probe (/api/auth/session/) answers 200;
    the watch used by every journey (tests/e2e/conftest.py) catches a 401 when one happens."""
    from tests.e2e.conftest import PASSWORD

    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    try:
        page.goto(live_url + "/")  # not signed in: the app sends the browser to the sign-in page
        page.wait_for_url("**/login")
        page.wait_for_selector("input[name=username]")
        page.wait_for_load_state("networkidle")
        assert not console, console
        page.fill("input[name=username]", "inspector")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("[data-testid=user]")
        page.wait_for_load_state("networkidle")
        assert not console, console
        # the watch is live: a real 401 (the profile asked for after signing out) is logged
        page.evaluate("() => fetch('/api/auth/logout/', {method: 'POST', headers: {'X-CSRFToken': "
                      "document.cookie.match(/csrftoken=([^;]+)/)[1]}})")
        page.evaluate("() => fetch('/api/auth/me/')")
        page.wait_for_timeout(300)
        assert any("401" in m for m in console), console
    finally:
        context.close()
