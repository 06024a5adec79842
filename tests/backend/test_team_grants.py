"""Insider review, issue 15: the administrator's account powers defeated the inspection team's secrecy.
An admin could create an inspector, give a user (or their own account) a team role, re-activate a team
member, or reset a lead's password or two-factor sign-in, and read the drafts and planned checks. Now
each of these is a request that applies only when an inspection lead other than the requester and the
target approves it (the two-person rule); until then the target has nothing of it."""
from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from backend.accounts.models import TeamGrant, User
from backend.accounts.services import user_create
from backend.audit.models import AuditEvent
from backend.core.actors import SystemActor
from backend.org.demo import DEMO_PASSWORD
from backend.org.models import Officer
from tests.conftest import login_client

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Tổ-kiểm-tra-2026!"


def _make(username: str, role: str) -> User:
    return user_create(by=SystemActor("test"), username=username, password=DEMO_PASSWORD, role=role,
                       full_name=username.title())


@pytest.fixture
def lead2(demo: Any) -> User:
    return _make("lead2", "inspection_lead")


def _free_officer() -> Officer:
    """An officer of the demo with no account (a team role needs one)."""
    officer = Officer.objects.filter(user__isnull=True).order_by("pk").first()
    assert officer is not None
    return officer


def _signs_in(username: str, password: str = DEMO_PASSWORD) -> bool:
    from rest_framework.test import APIClient

    client = APIClient()
    return client.post("/api/auth/login/", {"username": username, "password": password},
                       format="json").status_code == 200


def _activate(username: str, code: str, password: str = NEW_PASSWORD) -> int:
    from rest_framework.test import APIClient

    return APIClient().post("/api/auth/activate/", {"username": username, "code": code, "password": password},
                            format="json").status_code


def _grants(client: Any, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/api/auth/team-grants/", params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_an_inspector_created_by_the_admin_is_inactive_until_a_lead_approves(api_as: Any, demo: Any) -> None:
    admin = api_as("admin")
    # the admin's own password for a team account is refused (they never know its credentials)
    free = _free_officer().pk  # the team is officers (reviewer, issue 15)
    chosen = admin.post("/api/auth/users/", {"username": "spy", "password": DEMO_PASSWORD, "role": "inspector",
                                             "officer_id": free}, format="json")
    assert chosen.status_code == 400 and chosen.json()["error"]["code"] == "team_password_refused"
    assert not User.objects.filter(username="spy").exists()
    created = admin.post("/api/auth/users/", {"username": "spy", "role": "inspector", "officer_id": free},
                         format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["is_active"] is False and [p["kind"] for p in body["pending_approvals"]] == ["create"]
    assert not _signs_in("spy")  # cannot sign in, so reads no draft and no planned check
    # the admin cannot approve their own request, nor any
    grant = _grants(admin)[0]
    assert grant["kind"] == "create" and grant["state"] == "pending" and grant["may_decide"] is False
    refused = admin.post(f"/api/auth/team-grants/{grant['id']}/approve/", {}, format="json")
    assert refused.status_code == 403
    # nor re-activate the account around the request
    again = admin.patch(f"/api/auth/users/{body['id']}/", {"is_active": True}, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "grant_pending"
    assert not _signs_in("spy")
    # the lead sees it (listed, counted on the home page) and approves
    lead = api_as("lead")
    listed = _grants(lead, state="pending")
    assert [g["id"] for g in listed] == [grant["id"]] and listed[0]["may_decide"] is True
    home = {c["key"]: c for c in lead.get("/api/home/").json()["cards"]}
    assert home["team_approvals"]["count"] == 1 and home["team_approvals"]["rows"][0]["detail"] == "grant_create"
    approved = lead.post(f"/api/auth/team-grants/{grant['id']}/approve/", {"reason": "Đã xác minh quyết định"},
                         format="json")
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    code = approved.json()["activation_code"]
    assert code and approved.json()["activation_expires_at"]
    assert not _signs_in("spy")  # no password until the person activates with the code
    assert _activate("spy", code) == 200
    assert _signs_in("spy", NEW_PASSWORD)
    assert _activate("spy", code, NEW_PASSWORD + "2") == 400  # once only
    verbs = list(AuditEvent.objects.filter(verb__startswith="team_grant.").values_list("verb", flat=True))
    assert verbs == ["team_grant.request", "team_grant.approve"]
    assert AuditEvent.objects.filter(verb="user.activation_issue").count() == 1
    assert AuditEvent.objects.filter(verb="user.activate").count() == 1
    assert code not in str(list(AuditEvent.objects.values_list("payload", flat=True)))


def test_giving_a_team_role_waits_and_nobody_gives_themselves_one(api_as: Any, demo: Any) -> None:
    admin = api_as("admin")
    reviewer = User.objects.get(username="reviewer")
    reviewer_session = login_client("reviewer", DEMO_PASSWORD)
    response = admin.patch(f"/api/auth/users/{reviewer.pk}/", {"role": "inspection_lead"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["role"] == "reviewer"
    assert [(p["kind"], p["role"]) for p in response.json()["pending_approvals"]] == [("role", "inspection_lead")]
    assert reviewer_session.get("/api/auth/me/").json()["role"] == "reviewer"
    assert reviewer_session.get("/api/auth/me/").json()["is_inspection_team"] is False
    # the admin's own account: refused outright
    me = User.objects.get(username="admin")
    own = admin.patch(f"/api/auth/users/{me.pk}/", {"role": "inspector"}, format="json")
    assert own.status_code == 403 and own.json()["error"]["code"] == "own_team_role"
    assert User.objects.get(pk=me.pk).role == "admin" and not TeamGrant.objects.filter(target=me).exists()
    # a lead refuses, with a reason (a clear error without one)
    grant = TeamGrant.objects.get(target=reviewer)
    lead = api_as("lead")
    bare = lead.post(f"/api/auth/team-grants/{grant.pk}/refuse/", {"reason": " "}, format="json")
    assert bare.status_code == 400 and "lý do" in bare.content.decode().lower()
    refused = lead.post(f"/api/auth/team-grants/{grant.pk}/refuse/", {"reason": "Không có quyết định điều động"},
                        format="json")
    assert refused.status_code == 200 and refused.json()["state"] == "refused"
    assert User.objects.get(pk=reviewer.pk).role == "reviewer"
    # the admin sees the refusal and its reason
    mine = _grants(admin)
    assert mine[0]["state"] == "refused" and mine[0]["reason"] == "Không có quyết định điều động"
    assert lead.post(f"/api/auth/team-grants/{grant.pk}/approve/", {}, format="json").status_code == 409


def test_a_leads_password_reset_applies_only_with_another_leads_approval(api_as: Any, lead2: User) -> None:
    admin = api_as("admin")
    target = User.objects.get(username="lead")
    session = login_client("lead", DEMO_PASSWORD)
    chosen = admin.post(f"/api/auth/users/{target.pk}/password/", {"password": NEW_PASSWORD}, format="json")
    assert chosen.status_code == 400 and chosen.json()["error"]["code"] == "team_password_refused"
    response = admin.post(f"/api/auth/users/{target.pk}/password/", {}, format="json")
    assert response.status_code == 202 and response.json()["kind"] == "password"
    assert "password_hash" not in response.json()
    assert _signs_in("lead", DEMO_PASSWORD) and not _signs_in("lead", NEW_PASSWORD)
    assert session.get("/api/auth/me/").status_code == 200
    grant_id = response.json()["id"]
    # the target lead cannot approve their own reset
    own = session.post(f"/api/auth/team-grants/{grant_id}/approve/", {}, format="json")
    assert own.status_code == 403 and own.json()["error"]["code"] == "same_person"
    approved = api_as("lead2").post(f"/api/auth/team-grants/{grant_id}/approve/", {}, format="json")
    assert approved.status_code == 200
    assert not _signs_in("lead", DEMO_PASSWORD) and not _signs_in("lead", NEW_PASSWORD)
    assert session.get("/api/auth/me/").status_code == 401  # the old sessions end
    assert _activate("lead", "WRONG-CODE-0000") == 400
    assert _activate("lead", approved.json()["activation_code"]) == 200
    assert _signs_in("lead", NEW_PASSWORD)
    # a reviewer's password is still reset at once
    reviewer = User.objects.get(username="reviewer")
    assert admin.post(f"/api/auth/users/{reviewer.pk}/password/", {"password": NEW_PASSWORD},
                      format="json").status_code == 204


def test_a_leads_two_factor_reset_waits_and_requests_expire(api_as: Any, lead2: User) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice as Device

    target = User.objects.get(username="lead")
    Device.objects.create(user=target, name="phone", confirmed=True)
    admin = api_as("admin")
    response = admin.post(f"/api/auth/users/{target.pk}/2fa/reset/")
    assert response.status_code == 202 and TOTPDevice.objects.filter(user=target).exists()
    dup = admin.post(f"/api/auth/users/{target.pk}/2fa/reset/")
    assert dup.status_code == 409 and dup.json()["error"]["code"] == "grant_pending"
    TeamGrant.objects.filter(pk=response.json()["id"]).update(expires_at=timezone.now() - timedelta(minutes=1))
    listed = _grants(api_as("lead2"))
    assert listed[0]["state"] == "expired"
    late = api_as("lead2").post(f"/api/auth/team-grants/{response.json()['id']}/approve/", {}, format="json")
    assert late.status_code == 409 and TOTPDevice.objects.filter(user=target).exists()
    assert AuditEvent.objects.filter(verb="team_grant.expire").count() == 1


def test_only_leads_and_the_requesting_admin_see_requests(api_as: Any, demo: Any) -> None:
    api_as("admin").patch(f"/api/auth/users/{User.objects.get(username='reviewer').pk}/", {"role": "inspector"},
                          format="json")
    _make("admin2", "admin")
    assert _grants(api_as("admin2")) == []
    assert len(_grants(api_as("admin"))) == 1
    for role in ("reviewer", "discipline", "unithead"):
        assert api_as(role).get("/api/auth/team-grants/").status_code == 403
    grant = TeamGrant.objects.get()
    assert api_as("inspector").post(f"/api/auth/team-grants/{grant.pk}/approve/", {},
                                    format="json").status_code == 403


def test_the_first_lead_is_bootstrapped_on_the_server(api_as: Any, demo: Any) -> None:
    # the only lead's password is reset: no other lead may approve it, so the operator does on the server
    target = User.objects.get(username="lead")
    response = api_as("admin").post(f"/api/auth/users/{target.pk}/password/", {}, format="json")
    assert response.status_code == 202
    out = StringIO()
    call_command("team_grant_approve", stdout=out)
    assert f"{response.json()['id']}\tpassword\tlead" in out.getvalue()
    out = StringIO()
    call_command("team_grant_approve", str(response.json()["id"]), "--reason", "Khởi tạo", stdout=out)
    code = out.getvalue().split("UTC): ")[1].split()[0]
    assert _activate("lead", code) == 200 and _signs_in("lead", NEW_PASSWORD)
    event = AuditEvent.objects.get(verb="team_grant.approve")
    assert event.actor_label.startswith("manage.py team_grant_approve")
    # with a second lead, the server does not approve in their place
    _make("lead2", "inspection_lead")
    again = api_as("admin").post(f"/api/auth/users/{target.pk}/password/", {}, format="json")
    with pytest.raises(CommandError):
        call_command("team_grant_approve", str(again.json()["id"]), stdout=StringIO())


def test_a_request_no_lead_can_decide_says_so_and_the_lead_sees_who_the_account_is(api_as: Any, demo: Any) -> None:
    """User review, issue 15: the admin asked to reset the only lead's password and the request waited for
    72 hours for an approver who did not exist; a lead approved a new inspector account on its name alone
    while it was linked to a commune's one-stop officer."""
    admin = api_as("admin")
    only_lead = User.objects.get(username="lead")
    stuck = admin.post(f"/api/auth/users/{only_lead.pk}/password/", {}, format="json")
    assert stuck.status_code == 202 and stuck.json()["no_approver"] is True
    assert [g["no_approver"] for g in admin.get("/api/auth/team-grants/").json()["results"]] == [True]
    # a second lead can decide it: no longer stuck
    _make("lead2", "inspection_lead")
    assert admin.get("/api/auth/team-grants/").json()["results"][0]["no_approver"] is False

    inspector = User.objects.get(username="inspector")
    grants = api_as("lead2").get("/api/auth/team-grants/").json()["results"]
    lead_card = grants[0]["target"]["linked_officer"]
    assert only_lead.officer is not None
    assert lead_card["service_number"] == only_lead.officer.service_number and lead_card["position"]
    admin.post(f"/api/auth/users/{inspector.pk}/2fa/reset/", {}, format="json")
    card = next(g for g in api_as("lead2").get("/api/auth/team-grants/").json()["results"]
                if g["target"]["username"] == "inspector")["target"]["linked_officer"]
    officer = inspector.officer
    assert officer is not None
    assert card["service_number"] == officer.service_number and card["name"] == str(officer)
    assert card["unit"]  # where the officer serves today


def test_the_approval_answers_the_account_as_it_is_after_the_change(api_as: Any, demo: Any) -> None:
    """Issue 15, S3: approving the role "inspector" answered target.role "reviewer", approving an activation
    answered is_active false: the answer showed the account before the change."""
    admin, lead = api_as("admin"), api_as("lead")
    reviewer = User.objects.get(username="reviewer")
    assert admin.patch(f"/api/auth/users/{reviewer.pk}/", {"role": "inspector"}, format="json").status_code == 200
    grant = TeamGrant.objects.get(target=reviewer, kind="role")
    approved = lead.post(f"/api/auth/team-grants/{grant.pk}/approve/", {}, format="json")
    assert approved.status_code == 200, approved.content
    assert approved.json()["target"]["role"] == "inspector" == User.objects.get(pk=reviewer.pk).role
    created = admin.post("/api/auth/users/", {"username": "moi01", "role": "inspector",
                                              "officer_id": _free_officer().pk}, format="json")
    assert created.status_code == 201 and created.json()["is_active"] is False
    grant = TeamGrant.objects.get(target_id=created.json()["id"], kind="create")
    approved = lead.post(f"/api/auth/team-grants/{grant.pk}/approve/", {}, format="json")
    assert approved.status_code == 200, approved.content
    assert approved.json()["target"]["is_active"] is True
