"""Two-factor sign-in in a real browser (issue 11), against a server with the shipped default
(TWO_FACTOR_REQUIRED_ROLES = admin, inspection_lead, disciplinary).

The inspection lead signs in with a password, is held at the enrolment screen (the API answers
nothing else), scans the QR code (here: reads the secret shown under it and computes the code as
an authenticator app would), confirms, sees the recovery codes once, and is in. Signing in again
asks for a code; a wrong one is refused in Vietnamese, the right one lets the lead in; a recovery
code works once. Screenshots under var/screenshots/2fa-*.png.
"""
from __future__ import annotations

import base64
import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django_otp.oath import totp

from tests.e2e.conftest import PASSWORD, SCREENSHOTS, live_server

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def shipped_url() -> Iterator[str]:
    if os.environ.get("CW_E2E_BASE_URL"):
        pytest.skip("needs its own server with the shipped two-factor setting")
    with live_server(unset=("TWO_FACTOR_REQUIRED_ROLES",)) as url:  # tests/settings.py empties it
        yield url


def _code(secret_b32: str, *, offset: int = 0) -> str:
    """The code an authenticator app shows for this secret, `offset` time steps from now."""
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    return f"{totp(key, t0=-offset * 30):06d}"


class Browser:
    def __init__(self, browser: Any, base: str) -> None:
        self.base = base
        self.context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="vi-VN",
                                           timezone_id="Asia/Ho_Chi_Minh")
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def password_step(self, username: str) -> None:
        self.page.goto(self.base + "/login")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("button[type=submit]")

    def api_status(self, path: str) -> int:
        return int(self.page.request.get(self.base + path).status)

    def shot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.wait_for_timeout(300)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_a_lead_enrols_in_two_factor_sign_in_and_signs_in_with_a_code(browser: Any, shipped_url: str) -> None:
    b = Browser(browser, shipped_url)
    page = b.page
    try:
        # password step: the lead's role requires two-factor sign-in, so enrolment comes first
        b.password_step("lead")
        page.wait_for_selector("[data-testid=totp-qr]")
        assert page.get_by_role("heading", name="Bật xác thực hai lớp").is_visible()
        assert page.locator("[data-testid=totp-qr]").evaluate("img => img.naturalWidth") > 0  # the QR SVG renders
        assert b.api_status("/api/inspection/checks/") == 403  # nothing else answers yet
        assert b.api_status("/api/auth/me/") == 403
        secret = page.locator("[data-testid=totp-secret]").inner_text().replace(" ", "")
        assert re.fullmatch(r"[A-Z2-7]{32}", secret)
        b.shot("2fa-1-enrol")

        page.fill("input[name=code]", _code(secret))
        page.click("[data-testid=twofa-confirm]")
        codes_box = page.locator("[data-testid=recovery-codes]")
        codes_box.wait_for()
        recovery = [c.strip() for c in codes_box.locator("li code").all_inner_texts()]
        assert len(recovery) == 10 and all(re.fullmatch(r"[a-z2-7]{8}", c) for c in recovery)
        assert page.locator("[data-testid=recovery-done]").is_disabled()  # until they say they kept them
        b.shot("2fa-2-recovery-codes")
        page.check("[data-testid=recovery-saved]")
        page.click("[data-testid=recovery-done]")
        page.wait_for_selector("[data-testid=user]")
        assert page.locator("[data-testid=twofa-on]").inner_text() == "Xác thực hai lớp: bật"
        assert b.api_status("/api/inspection/checks/") == 200
        b.shot("2fa-3-signed-in")

        # sign out; signing in again asks for a code
        page.get_by_role("button", name="Đăng xuất").click()
        page.wait_for_selector("input[name=username]")
        b.password_step("lead")
        page.wait_for_selector("[data-testid=twofa-code-step]")
        assert b.api_status("/api/inspection/checks/") == 403
        wrong = next(c for c in ("000000", "111111", "222222") if c not in {_code(secret, offset=o) for o in (-1, 0, 1, 2)})
        page.fill("input[name=code]", wrong)
        page.click("[data-testid=twofa-verify]")
        alert = page.get_by_role("alert")
        alert.wait_for()
        assert alert.inner_text().strip() == "Mã xác thực không đúng."
        b.shot("2fa-4-code-step-wrong-code")
        page.wait_for_timeout(1200)  # django-otp's back-off after a wrong code (1 s)
        # the next time step: a code already used (at enrolment) is never accepted twice
        page.fill("input[name=code]", _code(secret, offset=1))
        page.click("[data-testid=twofa-verify]")
        page.wait_for_selector("[data-testid=user]")
        page.wait_for_url(re.compile(r"/inspection/risk$"))
        assert b.api_status("/api/inspection/checks/") == 200
        b.shot("2fa-5-signed-in-with-code")

        # a recovery code replaces the code once
        page.get_by_role("button", name="Đăng xuất").click()
        page.wait_for_selector("input[name=username]")
        b.password_step("lead")
        page.wait_for_selector("[data-testid=twofa-code-step]")
        page.fill("input[name=code]", recovery[0])
        page.click("[data-testid=twofa-verify]")
        page.wait_for_selector("[data-testid=user]")
        me = page.request.get(shipped_url + "/api/auth/2fa/").json()
        assert me["stage"] == "signed_in" and me["recovery_codes_left"] == 9
    except Exception:
        b.shot("FAILED-2fa")  # what the browser showed when the journey broke
        raise
    finally:
        b.context.close()
    assert not b.errors, f"JavaScript errors in the page: {b.errors}"
