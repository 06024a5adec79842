"""Insider finding F-D (issue 15): an administrator alone took over an account with legal powers outside the
inspection team (a disciplinary officer's, another administrator's, a unit head's): he reset its two-factor
sign-in, set its password to one he chose, signed in as the person, enrolled his own authenticator and changed
the password. Now the two-person rule of the team holds for every such account (services_grants.GUARDED_ROLES):
the resets, the role, a new account and a re-activation are requests; another administrator or a lead approves
(a lead only for the team's); the approver gets a one-time activation code, never a password the admin chose;
and the account stays guarded for 90 days after a demotion."""
from __future__ import annotations

from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from backend.accounts.models import TeamGrant, User
from backend.accounts.services import user_create
from backend.core.actors import SystemActor
from backend.org.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db
ADMIN_CHOSEN = "Quy-Tac-Hai-Nguoi-77"
OWN = "Mật-khẩu-riêng-2026!"
REASON = "Cán bộ đã mất điện thoại theo báo cáo của đơn vị"


@pytest.fixture
def admin2(demo: Any) -> User:
    return user_create(by=SystemActor("test"), username="qtv2", password=DEMO_PASSWORD, role="admin",
                       full_name="Phạm Thị Loan")


def _login(username: str, password: str) -> int:
    return APIClient().post("/api/auth/login/", {"username": username, "password": password},
                            format="json").status_code


def _activate(username: str, code: str, password: str = OWN) -> Any:
    return APIClient().post("/api/auth/activate/", {"username": username, "code": code, "password": password},
                            format="json")


@pytest.mark.parametrize("username", ["discipline", "unithead", "qtv2"])
def test_an_admin_alone_cannot_take_over_an_account_with_legal_powers(api_as: Any, admin2: User,
                                                                       username: str) -> None:
    admin = api_as("admin")
    target = User.objects.get(username=username)
    TOTPDevice.objects.create(user=target, name="Điện thoại", confirmed=True)
    # step 1: reset the two-factor sign-in: only a request, the authenticator stays
    two_factor = admin.post(f"/api/auth/users/{target.pk}/2fa/reset/")
    assert two_factor.status_code == 202, two_factor.content
    assert two_factor.json()["kind"] == "two_factor" and two_factor.json()["state"] == "pending"
    assert TOTPDevice.objects.filter(user=target).exists()
    # step 2: set a password he chooses: refused; without a password it is a request
    chosen = admin.post(f"/api/auth/users/{target.pk}/password/", {"password": ADMIN_CHOSEN}, format="json")
    assert chosen.status_code == 400 and chosen.json()["error"]["code"] == "team_password_refused"
    assert chosen.json()["error"]["message"].startswith("Không đặt mật khẩu cho tài khoản có thẩm quyền")
    asked = admin.post(f"/api/auth/users/{target.pk}/password/", {"password": ""}, format="json")
    assert asked.status_code == 202 and asked.json()["kind"] == "password"
    # step 3: sign in as the person: his password is not known, the old one still works for the person
    assert _login(username, ADMIN_CHOSEN) == 400
    target.refresh_from_db()
    assert target.check_password(DEMO_PASSWORD)
    # the requester cannot approve his own request
    own = admin.post(f"/api/auth/team-grants/{asked.json()['id']}/approve/", {}, format="json")
    assert own.status_code == 403
    # the list says who may decide: the requester sees his request waiting, not decidable by him
    mine = {g["id"]: g for g in admin.get("/api/auth/team-grants/", {"state": "pending"}).json()["results"]}
    assert mine[asked.json()["id"]]["may_decide"] is False and mine[asked.json()["id"]]["asked_by_you"] is True
    assert mine[asked.json()["id"]]["no_approver"] is False


def test_a_second_admin_approves_and_the_code_works_once(api_as: Any, admin2: User) -> None:
    admin, second = api_as("admin"), api_as("qtv2")
    target = User.objects.get(username="discipline")
    grant = admin.post(f"/api/auth/users/{target.pk}/password/", {}, format="json").json()
    # the second administrator sees it as his to decide
    listed = {g["id"]: g for g in second.get("/api/auth/team-grants/", {"state": "pending"}).json()["results"]}
    assert listed[grant["id"]]["may_decide"] is True and listed[grant["id"]]["asked_by_you"] is False
    # the target cannot approve the reset of his own account
    assert api_as("discipline").post(f"/api/auth/team-grants/{grant['id']}/approve/", {},
                                     format="json").status_code == 403
    approved = second.post(f"/api/auth/team-grants/{grant['id']}/approve/", {"reason": REASON}, format="json")
    assert approved.status_code == 200, approved.content
    code = approved.json()["activation_code"]
    assert code and approved.json()["state"] == "approved"
    assert TeamGrant.objects.get(pk=grant["id"]).decided_by == admin2
    # the old password no longer works; the person sets his own with the code, once
    assert _login("discipline", DEMO_PASSWORD) == 400
    assert _activate("discipline", code).status_code == 200
    assert _login("discipline", OWN) == 200
    again = _activate("discipline", code, "Mot-Mat-Khau-Khac-42")
    assert again.status_code == 400 and again.json()["error"]["code"] == "bad_activation"
    assert _login("discipline", OWN) == 200


def test_a_lead_may_approve_too_but_an_admin_never_approves_the_teams(api_as: Any, admin2: User) -> None:
    admin, second = api_as("admin"), api_as("qtv2")
    unithead = User.objects.get(username="unithead")
    grant = admin.post(f"/api/auth/users/{unithead.pk}/2fa/reset/").json()
    assert api_as("lead").post(f"/api/auth/team-grants/{grant['id']}/approve/", {}, format="json").status_code == 200
    # a team member's reset stays a lead's to decide: another administrator is refused
    inspector = User.objects.get(username="inspector")
    team = admin.post(f"/api/auth/users/{inspector.pk}/password/", {}, format="json").json()
    assert team["kind"] == "password"
    assert team["id"] not in [g["id"] for g in second.get("/api/auth/team-grants/").json()["results"]]
    refused = second.post(f"/api/auth/team-grants/{team['id']}/approve/", {}, format="json")
    assert refused.status_code == 403
    assert refused.json()["error"]["message"].startswith("Chỉ tổ trưởng tổ kiểm tra")


def test_demote_then_reset_is_still_a_request(api_as: Any, admin2: User) -> None:
    admin = api_as("admin")
    target = User.objects.get(username="discipline")
    # the demotion applies at once (it removes power) ...
    assert admin.patch(f"/api/auth/users/{target.pk}/", {"role": "reviewer"}, format="json").status_code == 200
    target.refresh_from_db()
    assert target.role == "reviewer" and target.guarded_role_left_at is not None
    # ... but the credentials are still guarded: no chosen password, the reset waits for a second person
    chosen = admin.post(f"/api/auth/users/{target.pk}/password/", {"password": ADMIN_CHOSEN}, format="json")
    assert chosen.status_code == 400 and chosen.json()["error"]["code"] == "team_password_refused"
    assert admin.post(f"/api/auth/users/{target.pk}/2fa/reset/").status_code == 202
    assert _login("discipline", ADMIN_CHOSEN) == 400
    listed = {u["username"]: u for u in admin.get("/api/auth/users/").json()["results"]}
    assert listed["discipline"]["reset_needs_approval"] is True
    assert listed["reviewer"]["reset_needs_approval"] is False
    # the re-promotion is a request as well
    back = admin.patch(f"/api/auth/users/{target.pk}/", {"role": "disciplinary"}, format="json")
    assert back.status_code == 200 and back.json()["role"] == "reviewer"
    assert ("role", "disciplinary") in [(p["kind"], p["role"]) for p in back.json()["pending_approvals"]]


def test_giving_admin_or_disciplinary_powers_needs_a_second_person(api_as: Any, admin2: User) -> None:
    admin = api_as("admin")
    reviewer = User.objects.get(username="reviewer")
    response = admin.patch(f"/api/auth/users/{reviewer.pk}/", {"role": "admin"}, format="json")
    assert response.status_code == 200 and response.json()["role"] == "reviewer"
    reviewer.refresh_from_db()
    assert reviewer.role == "reviewer"
    # a new disciplinary account: no password chosen by the admin, inactive until approved
    with_password = admin.post("/api/auth/users/", {"username": "kyluat2", "password": ADMIN_CHOSEN,
                                                    "role": "disciplinary", "full_name": "Đỗ Văn Khánh"},
                               format="json")
    assert with_password.status_code == 400 and with_password.json()["error"]["code"] == "team_password_refused"
    created = admin.post("/api/auth/users/", {"username": "kyluat2", "role": "disciplinary",
                                              "full_name": "Đỗ Văn Khánh"}, format="json")
    assert created.status_code == 201 and created.json()["is_active"] is False
    grant = TeamGrant.objects.get(target__username="kyluat2", kind="create")
    assert not grant.team
    approved = api_as("qtv2").post(f"/api/auth/team-grants/{grant.pk}/approve/", {}, format="json")
    assert approved.status_code == 200 and approved.json()["activation_code"]
    assert User.objects.get(username="kyluat2").is_active
    # a reviewer is still created and reset at once (no legal powers)
    plain = admin.post("/api/auth/users/", {"username": "xemxet2", "password": ADMIN_CHOSEN, "role": "reviewer",
                                            "full_name": "Vũ Thị Mai"}, format="json")
    assert plain.status_code == 201 and plain.json()["is_active"] is True


def test_the_second_admins_home_counts_the_request_and_the_requesters_does_not(api_as: Any, admin2: User) -> None:
    target = User.objects.get(username="unithead")
    assert api_as("admin").post(f"/api/auth/users/{target.pk}/2fa/reset/").status_code == 202

    def count(username: str) -> int:
        cards = {c["key"]: c for c in api_as(username).get("/api/home/").json()["cards"]}
        return cards["team_approvals"]["count"]

    assert count("qtv2") == 1 and count("admin") == 0 and count("lead") == 1


def test_the_server_command_refuses_while_a_second_admin_may_approve(api_as: Any, admin2: User) -> None:
    from django.core.management import CommandError, call_command

    target = User.objects.get(username="discipline")
    grant = api_as("admin").post(f"/api/auth/users/{target.pk}/password/", {}, format="json").json()
    User.objects.filter(role="inspection_lead").update(is_active=False)  # only the second administrator is left
    with pytest.raises(CommandError, match="approve it in the app"):
        call_command("team_grant_approve", str(grant["id"]), reason=REASON)
    assert TeamGrant.objects.get(pk=grant["id"]).state == "pending"
    admin2.is_active = False
    admin2.save(update_fields=["is_active"])
    call_command("team_grant_approve", str(grant["id"]), reason=REASON)  # nobody left: the server operator may
    assert TeamGrant.objects.get(pk=grant["id"]).state == "approved"
