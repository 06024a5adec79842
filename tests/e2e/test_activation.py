"""The activation journey (insider review, issue 15): an administrator asks for an inspector's password
reset without choosing a password; the lead approves on the approvals page and is shown the one-time
activation code once; the inspector opens "Kích hoạt tài khoản" from the sign-in page, sets their own
password with the code, and signs in with it. The old password no longer works."""
from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import PASSWORD, SCREENSHOTS, live_server

pytestmark = pytest.mark.e2e
OWN = "Mat-khau-rieng-2026!"


@pytest.fixture(scope="module")
def own_url() -> Iterator[str]:
    if os.environ.get("CW_E2E_BASE_URL"):
        pytest.skip("changes the inspector's password: needs its own server")
    with live_server({"TWO_FACTOR_REQUIRED_ROLES": ""}) as url:
        yield url


def _context(browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="vi-VN",
                                  timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(15_000)
    return context


def _api_session(context: Any, base: str, username: str, password: str = PASSWORD) -> tuple[Any, dict[str, str]]:
    request = context.request
    request.get(base + "/api/auth/csrf/")
    csrf = next(c["value"] for c in context.cookies() if c["name"] == "csrftoken")
    response = request.post(base + "/api/auth/login/", data={"username": username, "password": password},
                            headers={"X-CSRFToken": csrf})
    csrf = next(c["value"] for c in context.cookies() if c["name"] == "csrftoken")
    return response, {"X-CSRFToken": csrf, "Referer": base + "/"}


def _shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(300)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_a_lead_hands_over_an_activation_code_and_the_inspector_sets_their_own_password(
        browser: Any, own_url: str) -> None:
    admin, lead, person = _context(browser), _context(browser), _context(browser)
    errors: list[str] = []
    try:
        _, headers = _api_session(admin, own_url, "admin")
        users = admin.request.get(own_url + "/api/auth/users/?page_size=200", headers=headers).json()["results"]
        inspector = next(u for u in users if u["username"] == "inspector")
        chosen = admin.request.post(own_url + f"/api/auth/users/{inspector['id']}/password/",
                                    data={"password": "Admin@Knows888"}, headers=headers)
        assert chosen.status == 400 and chosen.json()["error"]["code"] == "team_password_refused"
        asked = admin.request.post(own_url + f"/api/auth/users/{inspector['id']}/password/", data={}, headers=headers)
        assert asked.status == 202, asked.text()

        page = lead.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(own_url + "/login")
        page.fill("input[name=username]", "lead")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("[data-testid=user]")
        page.goto(own_url + "/inspection/approvals")
        page.click(f"[data-testid=grant-approve-{asked.json()['id']}]")
        page.wait_for_selector("[data-testid=grant-recent]")
        page.click("[data-testid=grant-decide]")
        code = page.locator("[data-testid=grant-activation-code]").inner_text().strip()
        assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code), code
        _shot(page, "activation-1-lead-sees-code")
        page.click("[data-testid=grant-code-done]")
        assert page.locator("[data-testid=grant-activation-code]").count() == 0

        page = person.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(own_url + "/login")
        page.get_by_text("Kích hoạt tài khoản").click()
        page.wait_for_selector("[data-testid=activate-form]")
        page.fill("input[name=username]", "inspector")
        page.fill("input[name=code]", code)
        page.fill("input[name=password]", OWN)
        page.fill("input[name=confirm]", OWN)
        _shot(page, "activation-2-form")
        page.click("[data-testid=activate-submit]")
        page.wait_for_selector("[data-testid=activate-done]")
        _shot(page, "activation-3-done")
        page.get_by_role("link", name="Đến trang đăng nhập").click()
        page.fill("input[name=username]", "inspector")
        page.fill("input[name=password]", OWN)
        page.click("button[type=submit]")
        page.wait_for_selector("[data-testid=user]")
        old, _ = _api_session(_context(browser), own_url, "inspector")
        assert old.status == 400  # the old password no longer works
    finally:
        for context in (admin, lead, person):
            context.close()
    assert not errors, errors
