"""Issue 15: the app's start-up question "who is signed in here?" answered 401 to every browser that
was not signed in yet, and Chromium logs each 401 as a console error ("Failed to load resource") on
every sign-in. GET /api/auth/session/ answers 200 to everyone; the rest of the API (and
/api/auth/me/) still answers 401 to an anonymous request."""
from __future__ import annotations

from django.test import override_settings
from rest_framework.test import APIClient

from backend.org.demo import DEMO_PASSWORD
from tests.conftest import login_client


def test_anonymous_probe_is_200_signed_out_and_the_api_still_401(demo):
    anon = APIClient(enforce_csrf_checks=True)
    probe = anon.get("/api/auth/session/")
    assert probe.status_code == 200
    assert probe.json() == {"signed_in": False, "stage": "signed_out", "user": None}
    assert "csrftoken" in probe.cookies  # the sign-in form can post right after
    assert anon.get("/api/auth/me/").status_code == 401
    assert anon.get("/api/org/units/").status_code == 401


def test_signed_in_probe_carries_what_me_carries_and_ends_with_logout(demo):
    client = login_client("lead", DEMO_PASSWORD)
    probe = client.get("/api/auth/session/").json()
    me = client.get("/api/auth/me/").json()
    assert probe["signed_in"] is True and probe["stage"] == "signed_in"
    assert probe["user"]["username"] == "lead" and probe["user"]["role"] == "inspection_lead"
    assert set(probe["user"]) == set(me)
    assert probe["user"]["session"]["expires_at"]
    assert client.post("/api/auth/logout/").status_code == 204
    assert client.get("/api/auth/session/").json() == {"signed_in": False, "stage": "signed_out", "user": None}


@override_settings(TWO_FACTOR_REQUIRED_ROLES=["inspection_lead"])
def test_a_half_done_sign_in_is_not_signed_in_and_says_what_is_owed(demo):
    client = APIClient(enforce_csrf_checks=True)
    token = client.get("/api/auth/csrf/").json()["csrf_token"]
    step = client.post("/api/auth/login/", {"username": "lead", "password": DEMO_PASSWORD}, format="json",
                       HTTP_X_CSRFTOKEN=token)
    assert step.json()["stage"] == "enrolment_required"
    probe = client.get("/api/auth/session/")
    assert probe.status_code == 200
    assert probe.json() == {"signed_in": False, "stage": "enrolment_required", "user": None}
    assert client.get("/api/auth/me/").status_code == 403


def test_the_probe_is_in_the_schema(demo):
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert "/api/auth/session/" in schema.json()["paths"]
