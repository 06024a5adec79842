"""Sign-in security (issue 11): the login throttle keys on the address the server sees, accounts
lock after repeated failures, two-factor sign-in (TOTP + recovery codes) gates the whole API and
the websocket, and a deactivated user's sessions never come back."""
from __future__ import annotations

import base64
import time
from datetime import timedelta
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.cache.backends.locmem import LocMemCache
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from backend.accounts.models import User
from backend.accounts.network import client_ip
from backend.audit.models import AuditEvent
from backend.org.demo import DEMO_PASSWORD
from tests.backend.test_user_admin import _approve_pending
from tests.conftest import login_client

REQUIRED = override_settings(TWO_FACTOR_REQUIRED_ROLES=["admin", "inspection_lead", "disciplinary"])


def _browser() -> APIClient:
    client = APIClient(enforce_csrf_checks=True)
    token = client.get("/api/auth/csrf/").json()["csrf_token"]
    client.credentials(HTTP_X_CSRFTOKEN=token)
    return client


def _password_step(username: str, password: str = DEMO_PASSWORD, **extra: Any) -> tuple[APIClient, Any]:
    client = _browser()
    response = client.post("/api/auth/login/", {"username": username, "password": password}, format="json", **extra)
    client.credentials(HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    return client, response


def _code(secret_hex: str, *, offset: int = 0) -> str:
    return f"{totp(bytes.fromhex(secret_hex), t0=-offset * 30):06d}"


def _wrong(secret_hex: str) -> str:
    """A 6-digit code the authenticator does not show now (nor one step either side)."""
    valid = {_code(secret_hex, offset=o) for o in (-1, 0, 1, 2)}
    return next(c for c in ("000000", "111111", "222222", "333333", "444444") if c not in valid)


@pytest.fixture
def fresh_throttle(monkeypatch: Any) -> None:
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"login": "3/min"})
    monkeypatch.setattr(ScopedRateThrottle, "cache", LocMemCache("sign-in-test", {}))


# --- the client address ------------------------------------------------------------------------


def test_a_new_x_forwarded_for_per_try_does_not_bypass_the_login_throttle(demo, fresh_throttle):
    codes = []
    for n in range(5):
        _, response = _password_step(f"nobody{n}", "bad", REMOTE_ADDR="198.51.100.7",
                                     HTTP_X_FORWARDED_FOR=f"203.0.113.{n + 1}")
        codes.append(response.status_code)
    assert codes == [400, 400, 400, 429, 429]


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8", "fd00::/8"])
def test_behind_a_trusted_proxy_the_right_most_untrusted_hop_is_the_client():
    assert client_ip({"REMOTE_ADDR": "10.1.2.3", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.9, 10.0.0.2"}) \
        == "203.0.113.9"
    assert client_ip({"REMOTE_ADDR": "fd00::1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}) == "203.0.113.9"
    # an untrusted peer's header is ignored; a proxy without a header is the client itself
    assert client_ip({"REMOTE_ADDR": "198.51.100.7", "HTTP_X_FORWARDED_FOR": "10.0.0.9"}) == "198.51.100.7"
    assert client_ip({"REMOTE_ADDR": "10.1.2.3"}) == "10.1.2.3"
    # a garbled hop ends the walk at the last trusted address
    assert client_ip({"REMOTE_ADDR": "10.1.2.3", "HTTP_X_FORWARDED_FOR": "203.0.113.9, evil"}) == "10.1.2.3"


def test_without_trusted_proxies_the_header_is_never_read(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}) == "127.0.0.1"


@override_settings(TRUSTED_PROXIES=["10.0.0.1"])
def test_behind_the_proxy_forged_left_hops_share_one_bucket(demo, fresh_throttle):
    def attempt(forwarded: str) -> int:
        return _password_step("nobody", "bad", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)[1].status_code

    codes = [attempt(f"1.1.1.{n}, 203.0.113.5") for n in range(4)]
    assert codes == [400, 400, 400, 429]
    assert attempt("203.0.113.6") == 400  # another real client behind the same proxy


# --- per-account lockout ---------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["inspector", "no-such-user"])
def test_repeated_failures_lock_the_account_until_the_time_it_names(demo, monkeypatch, settings, username):
    settings.LOGIN_LOCKOUT_ATTEMPTS = 3
    settings.LOGIN_LOCKOUT_SECONDS = 600
    # the minute named is read on each side of the requests: they may cross a minute's end
    earliest = timezone.localtime(timezone.now() + timedelta(seconds=600)).strftime("%H:%M")
    answers = [_password_step(username, f"guess-{n}")[1] for n in range(3)]
    latest = timezone.localtime(timezone.now() + timedelta(seconds=600)).strftime("%H:%M")
    assert [a.status_code for a in answers] == [400, 400, 429]
    error = answers[-1].json()["error"]
    assert error["code"] == "account_locked"
    assert error["message"].startswith("Tài khoản tạm bị khóa")
    assert f"thử lại sau {earliest}" in error["message"] or f"thử lại sau {latest}" in error["message"]
    assert "Try again after" in error["message_en"]
    # while locked even the right password is refused, with the same answer
    right = _password_step(username, DEMO_PASSWORD)[1]
    assert right.status_code == 429 and right.json()["error"]["code"] == "account_locked"
    event = AuditEvent.objects.get(verb="auth.lockout")
    assert event.payload["username"] == username and event.payload["step"] == "password"
    # the lock expires
    later = timezone.now() + timedelta(seconds=601)
    monkeypatch.setattr(timezone, "now", lambda: later)
    expected = 200 if username == "inspector" else 400
    assert _password_step(username, DEMO_PASSWORD)[1].status_code == expected


def test_a_successful_sign_in_clears_the_count(demo, settings):
    settings.LOGIN_LOCKOUT_ATTEMPTS = 3
    for _ in range(2):
        assert _password_step("reviewer", "bad")[1].status_code == 400
    assert _password_step("reviewer")[1].status_code == 200
    for _ in range(2):
        assert _password_step("reviewer", "bad")[1].status_code == 400
    assert _password_step("reviewer")[1].status_code == 200


# --- sessions of deactivated users -----------------------------------------------------------------


def test_reactivation_does_not_revive_old_sessions(api_as, demo):
    old = login_client("inspector", DEMO_PASSWORD)
    target = User.objects.get(username="inspector")
    admin = api_as("admin")
    assert admin.patch(f"/api/auth/users/{target.pk}/", {"is_active": False}, format="json").status_code == 200
    assert admin.patch(f"/api/auth/users/{target.pk}/", {"is_active": True}, format="json").status_code == 200
    _approve_pending(api_as, target)  # an inspector is re-activated with a lead's approval (issue 15)
    assert old.get("/api/auth/me/").status_code == 401
    assert login_client("inspector", DEMO_PASSWORD).get("/api/auth/me/").status_code == 200


# --- two-factor sign-in ----------------------------------------------------------------------------


def _enrol(client: APIClient) -> tuple[str, list[str]]:
    started = client.post("/api/auth/2fa/enrol/", format="json")
    assert started.status_code == 200, started.content
    body = started.json()
    assert body["qr_svg"].lstrip().startswith("<?xml") or "<svg" in body["qr_svg"]
    assert body["otpauth_url"].startswith("otpauth://totp/Counterwatch")
    secret = base64.b32decode(body["secret"]).hex()
    wrong = client.post("/api/auth/2fa/enrol/confirm/", {"code": _wrong(secret)}, format="json")
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "bad_code"
    # django-otp backs off after a failure (1 s); wait it out instead of faking its clock
    time.sleep(1.1)
    confirmed = client.post("/api/auth/2fa/enrol/confirm/", {"code": _code(secret)}, format="json")
    assert confirmed.status_code == 200, confirmed.content
    return secret, confirmed.json()["recovery_codes"]


@REQUIRED
def test_a_required_role_enrols_before_anything_else_then_signs_in_with_a_code(demo):
    client, response = _password_step("lead")
    assert response.status_code == 200 and response.json() == {"stage": "enrolment_required", "user": None}
    # half signed in: nothing but the two-factor endpoints, and the answer says what is missing
    for path in ("/api/auth/me/", "/api/org/units/"):
        refused = client.get(path)
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "two_factor_enrolment_required"
    assert client.get("/api/auth/csrf/").status_code == 200  # open to anyone stays open
    assert client.get("/api/auth/2fa/").json()["stage"] == "enrolment_required"
    assert client.post("/api/auth/2fa/verify/", {"code": "123456"}, format="json").status_code == 400

    secret, recovery = _enrol(client)
    assert len(recovery) == 10 and len(set(recovery)) == 10
    me = client.get("/api/auth/me/")
    assert me.status_code == 200, me.content
    assert me.json()["two_factor_enabled"] is True
    assert client.get("/api/org/units/").status_code == 200
    assert AuditEvent.objects.filter(verb="auth.2fa_enrol").count() == 1

    # the next sign-in asks for a code (the next time step: a code is never accepted twice)
    second, response = _password_step("lead")
    assert response.json()["stage"] == "code_required"
    refused = second.get("/api/inspection/checks/")
    assert refused.status_code == 403 and refused.json()["error"]["message"] == "Cần nhập mã xác thực hai lớp để tiếp tục."
    assert refused.json()["error"]["message_en"] == "Enter your two-factor code to continue."
    bad = second.post("/api/auth/2fa/verify/", {"code": "abcdef"}, format="json")
    assert bad.status_code == 400 and bad.json()["error"]["message"] == "Mã xác thực không đúng."
    time.sleep(1.1)
    ok = second.post("/api/auth/2fa/verify/", {"code": _code(secret, offset=1)}, format="json")
    assert ok.status_code == 200, ok.content
    assert ok.json()["stage"] == "signed_in" and ok.json()["user"]["username"] == "lead"
    assert second.get("/api/inspection/checks/").status_code == 200
    login = AuditEvent.objects.filter(verb="auth.login").latest("pk")
    assert login.payload["two_factor"] == "totp"


@REQUIRED
def test_a_recovery_code_signs_in_once(demo):
    client, _ = _password_step("discipline")
    _, recovery = _enrol(client)
    first, _ = _password_step("discipline")
    assert first.post("/api/auth/2fa/verify/", {"code": recovery[0].upper()}, format="json").status_code == 200
    assert StaticToken.objects.filter(device__user__username="discipline").count() == 9
    again, _ = _password_step("discipline")
    assert again.post("/api/auth/2fa/verify/", {"code": recovery[0]}, format="json").status_code == 400
    assert AuditEvent.objects.filter(verb="auth.2fa_recovery_used").count() == 1


def test_optional_roles_sign_in_with_a_password_until_they_enrol(demo):
    client, response = _password_step("reviewer")
    assert response.json()["stage"] == "signed_in"
    assert client.get("/api/auth/2fa/").json() == {"stage": "signed_in", "username": "reviewer", "enabled": False,
                                                  "required_for_role": False, "recovery_codes_left": 0}
    other, _ = _password_step("reviewer")
    _enrol(other)
    # a session that signed in with the password alone now owes a code as well
    gated = client.get("/api/media/clips/")
    assert gated.status_code == 403 and gated.json()["error"]["code"] == "two_factor_required"
    assert other.get("/api/media/clips/").status_code == 200
    assert _password_step("reviewer")[1].json()["stage"] == "code_required"


def test_wrong_codes_count_toward_the_lockout(demo, settings):
    settings.LOGIN_LOCKOUT_ATTEMPTS = 3
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    client, _ = _password_step("reviewer")
    _enrol(client)
    pending, _ = _password_step("reviewer")
    codes = [pending.post("/api/auth/2fa/verify/", {"code": "99999999"}, format="json") for _ in range(3)]
    assert [c.status_code for c in codes] == [400, 400, 429]
    assert codes[-1].json()["error"]["code"] == "account_locked"
    assert AuditEvent.objects.get(verb="auth.lockout").payload["step"] == "code"


def test_wrong_codes_are_throttled_by_the_device(demo):
    client, _ = _password_step("reviewer")
    secret, _ = _enrol(client)
    pending, _ = _password_step("reviewer")
    assert pending.post("/api/auth/2fa/verify/", {"code": _wrong(secret)}, format="json").status_code == 400
    # right away, even the right code waits out the back-off
    throttled = pending.post("/api/auth/2fa/verify/", {"code": _code(secret, offset=1)}, format="json")
    assert throttled.status_code == 429 and throttled.json()["error"]["code"] == "code_throttled"


def test_the_pending_step_expires(demo, settings):
    client, _ = _password_step("reviewer")
    secret, _ = _enrol(client)
    pending, _ = _password_step("reviewer")
    settings.TWO_FACTOR_PENDING_SECONDS = 0
    time.sleep(0.01)
    assert pending.post("/api/auth/2fa/verify/", {"code": _code(secret, offset=1)}, format="json").status_code == 401


def test_a_signed_in_user_whose_role_becomes_required_owes_an_enrolment(api_as, demo, settings):
    admin = api_as("admin")
    assert admin.get("/api/auth/users/").status_code == 200
    settings.TWO_FACTOR_REQUIRED_ROLES = ["admin"]
    gated = admin.get("/api/auth/users/")
    assert gated.status_code == 403 and gated.json()["error"]["code"] == "two_factor_enrolment_required"
    assert gated.json()["error"]["message"].startswith("Vai trò của đồng chí bắt buộc xác thực hai lớp")
    assert admin.get("/api/auth/2fa/").json()["stage"] == "enrolment_required"
    _enrol(admin)
    assert admin.get("/api/auth/users/").status_code == 200


def test_an_admin_resets_another_users_two_factor(api_as, demo, settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = ["inspection_lead"]
    admin = api_as("admin")
    lead, _ = _password_step("lead")
    _enrol(lead)
    target = User.objects.get(username="lead")
    listed = {u["username"]: u for u in admin.get("/api/auth/users/").json()["results"]}
    assert listed["lead"]["two_factor_enabled"] is True and listed["reviewer"]["two_factor_enabled"] is False
    assert api_as("reviewer").post(f"/api/auth/users/{target.pk}/2fa/reset/").status_code == 403
    # a lead's second factor: reset only when another lead approves (issue 15)
    assert admin.post(f"/api/auth/users/{target.pk}/2fa/reset/").status_code == 202
    assert TOTPDevice.objects.filter(user=target).exists()
    settings.TWO_FACTOR_REQUIRED_ROLES = []  # the approving lead has no authenticator in this test
    _approve_pending(api_as, target)
    settings.TWO_FACTOR_REQUIRED_ROLES = ["inspection_lead"]
    assert not TOTPDevice.objects.filter(user=target).exists()
    assert lead.get("/api/auth/me/").status_code == 401  # the user's sessions ended
    assert _password_step("lead")[1].json()["stage"] == "enrolment_required"
    event = AuditEvent.objects.get(verb="user.2fa_reset")
    assert event.actor.username == "lead2" and event.object_id == str(target.pk)
    assert event.payload["requested_by"] == "admin"


def test_an_admin_cannot_reset_their_own(api_as, demo):
    admin = User.objects.get(username="admin")
    response = api_as("admin").post(f"/api/auth/users/{admin.pk}/2fa/reset/")
    assert response.status_code == 400 and response.json()["error"]["code"] == "own_two_factor"


# --- the websocket follows the same rule -----------------------------------------------------------


def _session_cookie(username: str) -> bytes:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return f"sessionid={client.cookies['sessionid'].value}".encode()


@pytest.mark.django_db(transaction=True)
async def test_a_session_that_owes_a_code_cannot_open_the_websocket(demo):
    from backend.asgi import application

    origin = (b"origin", b"http://testserver")
    cookie = await database_sync_to_async(_session_cookie)("reviewer")
    comm = WebsocketCommunicator(application, "/ws/review/", headers=[origin, (b"cookie", cookie)])
    connected, _ = await comm.connect()
    assert connected
    await comm.disconnect()
    await database_sync_to_async(TOTPDevice.objects.create)(
        user=await database_sync_to_async(User.objects.get)(username="reviewer"), name="x", confirmed=True)
    comm = WebsocketCommunicator(application, "/ws/review/", headers=[origin, (b"cookie", cookie)])
    connected, code = await comm.connect()
    assert not connected and code == 4401


def test_django_admin_needs_a_verified_session_too(demo):
    staff = User.objects.create_superuser(username="root", password="Khong-doan-duoc-2026", role="admin")
    client = Client()
    client.force_login(staff)  # a password sign-in, no code
    response = client.get("/django-admin/")
    assert response.status_code == 302 and "/django-admin/login/" in response["Location"]
    login_page = client.get("/django-admin/login/")
    assert login_page.status_code == 200 and b"otp_token" in login_page.content


def test_settings_refuse_a_malformed_proxy_or_an_unknown_role(monkeypatch, settings):
    from django.core.exceptions import ImproperlyConfigured

    from backend import env
    from backend.accounts.apps import check_two_factor_roles

    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.300")
    with pytest.raises(ImproperlyConfigured, match="192.168.1.300"):
        env.get_ip_networks("TRUSTED_PROXIES")
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8, fd00::/8, 172.16.0.5")
    assert env.get_ip_networks("TRUSTED_PROXIES") == ["10.0.0.0/8", "fd00::/8", "172.16.0.5"]
    settings.TWO_FACTOR_REQUIRED_ROLES = ["admin", "inspection-lead"]
    assert [e.id for e in check_two_factor_roles()] == ["accounts.E001"]
    settings.TWO_FACTOR_REQUIRED_ROLES = ["admin", "inspection_lead", "disciplinary"]
    assert check_two_factor_roles() == []
