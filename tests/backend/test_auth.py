import random

import pytest
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from backend.accounts.models import ApiToken
from backend.accounts.services import api_token_create
from backend.org.demo import DEMO_PASSWORD
from tests.conftest import login_client


def test_login_me_logout(demo):
    client = login_client("lead", DEMO_PASSWORD)
    me = client.get("/api/auth/me/").json()
    assert me["role"] == "inspection_lead" and me["is_inspection_team"] is True
    assert client.post("/api/auth/logout/").status_code == 204
    assert client.get("/api/auth/me/").status_code == 401


def test_wrong_password_is_a_clear_error(demo, anon):
    response = anon.post("/api/auth/login/", {"username": "lead", "password": "nope"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "Sai tên đăng nhập hoặc mật khẩu."


def test_session_writes_need_csrf(demo):
    client = login_client("admin", DEMO_PASSWORD)
    client.credentials()  # drop the CSRF header
    response = client.post("/api/org/officers/", {"service_number": "NA-9", "full_name": "X"}, format="json")
    assert response.status_code == 403


def test_login_is_throttled(demo, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"login": "3/min"})
    client = APIClient()
    ip = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"  # fresh throttle key
    codes = [client.post("/api/auth/login/", {"username": "lead", "password": "bad"}, format="json",
                         REMOTE_ADDR=ip).status_code for _ in range(5)]
    assert codes[:3] == [400, 400, 400]
    assert codes[3:] == [429, 429]


def test_device_token_authenticates_and_can_be_revoked(demo):
    from backend.accounts.models import Role, User

    svc = User.objects.create(username="svc-device", role=Role.SERVICE)
    token, key = api_token_create(by="test", name="Máy đánh giá", kind=ApiToken.Kind.RATING_DEVICE,
                                  user=svc, counter=demo.units["CAX-TC"].counters.first())
    assert token.key_hash != key and key.startswith("cw_")
    client = APIClient()
    # a device account sees no org data at all
    response = client.get("/api/org/units/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200 and response.json()["count"] == 0
    token.revoked_at = token.created_at
    token.save()
    assert client.get("/api/org/units/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401
    assert client.get("/api/org/units/", HTTP_AUTHORIZATION="Token cw_forged").status_code == 401


def test_service_accounts_cannot_log_in_with_a_password(demo, anon):
    from backend.accounts.models import Role, User

    user = User.objects.create(username="svc-x", role=Role.SERVICE)
    user.set_password("Sup3rSecret!")
    user.save()
    assert anon.post("/api/auth/login/", {"username": "svc-x", "password": "Sup3rSecret!"},
                     format="json").status_code == 400


def test_admin_issues_a_token_once(api_as, demo):
    counter_id = demo.units["CAX-TC"].counters.first().pk
    response = api_as("admin").post("/api/auth/tokens/", {"name": "Thiết bị quầy TC", "kind": "rating_device",
                                                          "counter_id": counter_id}, format="json")
    assert response.status_code == 201
    key = response.json()["key"]
    listed = api_as("admin").get("/api/auth/tokens/").json()["results"]
    assert all("key" not in t for t in listed) and key[:8] in {t["key_prefix"] for t in listed}


@pytest.mark.parametrize("user", ["lead", "reviewer", "unithead"])
def test_non_admins_cannot_manage_users_or_tokens(api_as, demo, user):
    assert api_as(user).get("/api/auth/users/").status_code == 403
    assert api_as(user).post("/api/auth/tokens/", {"name": "x", "kind": "integration"},
                             format="json").status_code == 403


def test_me_tells_the_device_when_the_session_ends(demo):
    """The field app keeps the check offline only while the sign-in lasts on the server (issue 16)."""
    from datetime import datetime

    from django.conf import settings
    from django.contrib.sessions.models import Session

    client = login_client("inspector", DEMO_PASSWORD)
    session = client.get("/api/auth/me/").json()["session"]
    expires = datetime.fromisoformat(session["expires_at"])
    now = datetime.fromisoformat(session["server_time"])
    stored = Session.objects.get(session_key=client.cookies["sessionid"].value).expire_date
    assert expires == stored and 0 < (expires - now).total_seconds() <= settings.SESSION_COOKIE_AGE
