"""The two-person rule against taking over a team account: the admin never holds its credentials (one-time activation
codes), a team member's officer link is a grant, a held change audits nothing empty.

Where these came from:
Insider review of the two-person rule (issue 15, scripts t11/t12/t20): an administrator demoted an
inspector, reset the password directly (no longer a team member), re-promoted with a plain "role" request
whose approval card showed nothing of it, then signed in as the inspector with the password they had set;
or unlinked an inspector's officer (no conflict-of-interest check) and re-linked after the lead planned a
check. Now: the admin never sets a team account's password (the approving lead gets a one-time activation
code), a recently demoted account is still a team member for resets, the approval card lists the account's
recent changes, and the officer link of a team member is a grant too. A held change writes no empty
`user.update` audit event."""
from __future__ import annotations

from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from backend.accounts.models import TeamGrant, User
from backend.accounts.services import user_create
from backend.audit.models import AuditEvent
from backend.core.actors import SystemActor
from backend.org.demo import DEMO_PASSWORD
from backend.org.models import Officer

pytestmark = pytest.mark.django_db
ADMIN_CHOSEN = "Admin@Knows888"
OWN = "Mật-khẩu-riêng-2026!"


@pytest.fixture
def lead2(demo: Any) -> User:
    return user_create(by=SystemActor("test"), username="lead2", password=DEMO_PASSWORD, role="inspection_lead",
                       full_name="Lead Hai")


def _login(username: str, password: str) -> int:
    return APIClient().post("/api/auth/login/", {"username": username, "password": password},
                            format="json").status_code


def _pending(client: APIClient, target: User) -> list[dict[str, Any]]:
    rows = client.get("/api/auth/team-grants/", {"state": "pending"}).json()["results"]
    return [g for g in rows if g["target"]["id"] == target.pk]


def test_demote_reset_repromote_gives_the_admin_no_credentials(api_as: Any, lead2: User) -> None:
    admin, approver = api_as("admin"), api_as("lead2")
    target = User.objects.get(username="inspector")
    # demotion applies at once (it removes power)
    assert admin.patch(f"/api/auth/users/{target.pk}/", {"role": "reviewer"}, format="json").status_code == 200
    # but the account is still a team member for a password reset: no admin-chosen password ...
    chosen = admin.post(f"/api/auth/users/{target.pk}/password/", {"password": ADMIN_CHOSEN}, format="json")
    assert chosen.status_code == 400 and chosen.json()["error"]["code"] == "team_password_refused"
    target.refresh_from_db()
    assert target.role == "reviewer" and target.team_role_left_at is not None
    assert _login("inspector", ADMIN_CHOSEN) == 400
    # ... and the two-factor reset waits for a lead too
    assert admin.post(f"/api/auth/users/{target.pk}/2fa/reset/").status_code == 202
    # re-promotion: the approving lead sees the demotion on the card
    assert admin.patch(f"/api/auth/users/{target.pk}/", {"role": "inspector"}, format="json").status_code == 200
    role_grant = next(g for g in _pending(approver, target) if g["kind"] == "role")
    changes = role_grant["recent_changes"]
    assert any(c["change"].get("role") == ["inspector", "reviewer"] and c["by"] for c in changes), changes
    two_factor = next(g for g in _pending(approver, target) if g["kind"] == "two_factor")
    assert approver.post(f"/api/auth/team-grants/{two_factor['id']}/approve/", {}, format="json").status_code == 200
    role_grant = next(g for g in _pending(approver, target) if g["kind"] == "role")
    assert "user.2fa_reset" in [c["verb"] for c in role_grant["recent_changes"]]
    approved = approver.post(f"/api/auth/team-grants/{role_grant['id']}/approve/", {}, format="json")
    assert approved.status_code == 200
    code = approved.json()["activation_code"]
    # the old password no longer works; only the person with the code sets one
    assert _login("inspector", DEMO_PASSWORD) == 400 and _login("inspector", ADMIN_CHOSEN) == 400
    weak = APIClient().post("/api/auth/activate/", {"username": "inspector", "code": code, "password": "123"},
                            format="json")
    assert weak.status_code == 400 and weak.json()["error"]["code"] == "weak_password"
    ok = APIClient().post("/api/auth/activate/", {"username": "inspector", "code": code.lower(), "password": OWN},
                          format="json")
    assert ok.status_code == 200, ok.content
    signed = APIClient().post("/api/auth/login/", {"username": "inspector", "password": OWN}, format="json")
    assert signed.status_code == 200, signed.content
    assert not TOTPDevice.objects.filter(user=target).exists()  # enrols again (required for leads by default)
    # the code is listed nowhere afterwards
    listed = approver.get("/api/auth/team-grants/").json()["results"]
    assert code not in str(listed)


def test_a_team_members_officer_link_waits_for_a_lead(api_as: Any, lead2: User) -> None:
    admin, approver = api_as("admin"), api_as("lead2")
    target = User.objects.get(username="inspector")
    linked = target.officer_id
    assert linked is not None
    response = admin.patch(f"/api/auth/users/{target.pk}/", {"officer_id": None}, format="json")
    assert response.status_code == 200
    assert [p["kind"] for p in response.json()["pending_approvals"]] == ["officer"]
    target.refresh_from_db()
    assert target.officer_id == linked  # the conflict-of-interest check still sees the link
    grant = _pending(approver, target)[0]
    assert grant["kind"] == "officer" and grant["officer"] is None
    assert approver.post(f"/api/auth/team-grants/{grant['id']}/approve/", {}, format="json").status_code == 200
    target.refresh_from_db()
    assert target.officer_id is None
    # setting a link is held the same way
    other = Officer.objects.filter(user__isnull=True).first()
    assert other is not None
    admin.patch(f"/api/auth/users/{target.pk}/", {"officer_id": other.pk}, format="json")
    target.refresh_from_db()
    assert target.officer_id is None and TeamGrant.objects.get(target=target, state="pending").officer == other
    # a reviewer's link still changes at once
    reviewer = User.objects.get(username="reviewer")
    assert admin.patch(f"/api/auth/users/{reviewer.pk}/", {"officer_id": None}, format="json").status_code == 200
    reviewer.refresh_from_db()
    assert reviewer.officer_id is None


def test_a_held_role_request_writes_no_empty_update_event(api_as: Any, demo: Any) -> None:
    reviewer = User.objects.get(username="reviewer")
    response = api_as("admin").patch(f"/api/auth/users/{reviewer.pk}/", {"role": "inspector"}, format="json")
    assert response.status_code == 200
    events = AuditEvent.objects.filter(object_type="accounts.user", object_id=str(reviewer.pk))
    assert not events.filter(verb="user.update").exists()
    assert AuditEvent.objects.filter(verb="team_grant.request").count() == 1


def test_activation_is_throttled_into_the_lockout(api_as: Any, demo: Any, settings: Any) -> None:
    settings.LOGIN_LOCKOUT_ATTEMPTS = 3
    codes = []
    for _ in range(3):
        r = APIClient().post("/api/auth/activate/", {"username": "inspector", "code": "AAAA-BBBB-CCCC",
                                                     "password": OWN}, format="json")
        codes.append((r.status_code, r.json()["error"]["code"]))
    assert codes[:2] == [(400, "bad_activation")] * 2 and codes[2] == (429, "account_locked")
