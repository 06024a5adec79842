"""The rules an administrator's account changes keep: a refusal gives a worded reason, the last active lead stays, a
team role needs a linked officer, one service number however typed, the guarded roles come from the server.

Where these came from:
Reviewer findings on the administrator's work (issue 15): a refusal's reason follows the one reason rule; the
last active inspection lead is not removed; a team role goes only to an account linked to an officer; the letter O
and the digit 0 are one service number; the guarded roles come from the server."""
from __future__ import annotations

from typing import Any

import pytest

from backend.accounts.models import GUARDED_ROLES, INSPECTION_TEAM, TeamGrant, User
from backend.accounts.services import user_create
from backend.core.actors import SystemActor
from backend.org.demo import DEMO_PASSWORD
from backend.org.identity import SERVICE_NUMBER_KEY, service_number_key
from backend.org.models import Officer

pytestmark = pytest.mark.django_db


def _make(username: str, role: str, officer: Officer | None = None) -> User:
    return user_create(by=SystemActor("test"), username=username, password=DEMO_PASSWORD, role=role,
                       full_name="Lê Văn Thành", officer=officer)


@pytest.mark.parametrize("reason", [".....", "asdfg hjklq", "aaaaaaaaaa", "   "])
def test_a_grant_is_not_refused_with_a_nonsense_reason(api_as: Any, demo: Any, reason: str) -> None:
    admin, lead = api_as("admin"), api_as("lead")
    reviewer = User.objects.get(username="reviewer")
    assert admin.patch(f"/api/auth/users/{reviewer.pk}/", {"role": "inspector"}, format="json").status_code == 200
    grant = TeamGrant.objects.get(target=reviewer)
    refused = lead.post(f"/api/auth/team-grants/{grant.pk}/refuse/", {"reason": reason}, format="json")
    assert refused.status_code == 400, refused.content
    assert "lý do" in refused.json()["error"]["message"].lower()
    assert TeamGrant.objects.get(pk=grant.pk).state == TeamGrant.State.PENDING
    ok = lead.post(f"/api/auth/team-grants/{grant.pk}/refuse/", {"reason": "Chưa có quyết định điều động"},
                   format="json")
    assert ok.status_code == 200, ok.content


def test_the_last_active_lead_is_neither_demoted_nor_deactivated(api_as: Any, demo: Any) -> None:
    admin = api_as("admin")
    lead = User.objects.get(username="lead")
    for change in ({"role": "reviewer"}, {"is_active": False}):
        refused = admin.patch(f"/api/auth/users/{lead.pk}/", change, format="json")
        assert refused.status_code == 409, refused.content
        assert refused.json()["error"]["code"] == "last_lead"
        assert "tổ trưởng" in refused.json()["error"]["message"]
    assert User.objects.get(pk=lead.pk).role == "inspection_lead" and User.objects.get(pk=lead.pk).is_active
    # with a second lead, one may go, the other stays
    other = _make("totruonghai", "inspection_lead",
                  Officer.objects.create(service_number="NA-9001", full_name="Lê Văn Thành"))
    assert admin.patch(f"/api/auth/users/{lead.pk}/", {"role": "reviewer"}, format="json").status_code == 200
    refused = admin.patch(f"/api/auth/users/{other.pk}/", {"role": "reviewer"}, format="json")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "last_lead"


def test_a_team_role_goes_only_to_an_account_linked_to_an_officer(api_as: Any, demo: Any) -> None:
    admin = api_as("admin")
    loose = _make("khongcanbo", "reviewer")
    for role in ("inspector", "inspection_lead"):
        refused = admin.patch(f"/api/auth/users/{loose.pk}/", {"role": role}, format="json")
        assert refused.status_code == 400, refused.content
        assert refused.json()["error"]["code"] == "team_needs_officer"
        assert "cán bộ" in refused.json()["error"]["message"]
    assert not TeamGrant.objects.filter(target=loose).exists()
    created = admin.post("/api/auth/users/", {"username": "moi02", "role": "inspector", "full_name": "Người Mới"},
                         format="json")
    assert created.status_code == 400 and created.json()["error"]["code"] == "team_needs_officer"
    assert not User.objects.filter(username="moi02").exists()


def test_the_letter_o_and_the_digit_zero_are_one_service_number(demo: Any) -> None:
    assert service_number_key("NA-1OO2") == service_number_key("NA-1002") == service_number_key("na 1oo2")
    found = Officer.objects.alias(k=SERVICE_NUMBER_KEY).filter(k=service_number_key("NA-1OO2"))
    assert list(found.values_list("service_number", flat=True)) == ["NA-1002"]
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Officer.objects.create(service_number="NA-1OO2", full_name="Đặng Văn Bình")


def test_the_guarded_roles_come_from_the_server(api_as: Any, demo: Any) -> None:
    roles = api_as("admin").get("/api/auth/roles/")
    assert roles.status_code == 200, roles.content
    by_code = {r["code"]: r for r in roles.json()["roles"]}
    assert {c for c, r in by_code.items() if r["guarded"]} == set(GUARDED_ROLES)
    assert {c for c, r in by_code.items() if r["team"]} == set(INSPECTION_TEAM)
    assert "service" not in by_code
    assert all(r["label_vi"] for r in by_code.values())


def test_a_pattern_field_says_in_vietnamese_what_it_takes(api_as: Any, demo: Any) -> None:
    admin = api_as("admin")
    r = admin.post("/api/org/officers/", {"service_number": "NA 1002!", "full_name": "Lê Văn Thành"}, format="json")
    assert r.status_code == 400, r.content
    message = r.json()["error"]["message"]
    assert "Số hiệu gồm 3–20 ký tự" in message and "pattern" not in message and "does not" not in message
    r = admin.post("/api/auth/users/", {"username": "có dấu", "role": "reviewer", "password": "Tổ-kiểm-tra-2026!"},
                   format="json")
    assert r.status_code == 400 and "Tên đăng nhập gồm" in r.json()["error"]["message"]
    assert "pattern" not in r.json()["error"]["message"]


def test_after_an_admin_reset_the_forced_change_says_why_not_like_the_name(api_as: Any, demo: Any) -> None:
    from tests.conftest import login_client

    reviewer = User.objects.get(username="reviewer")
    new = "Tổ-kiểm-tra-2026!"
    r = api_as("admin").post(f"/api/auth/users/{reviewer.pk}/password/", {"password": new}, format="json")
    assert r.status_code in (200, 204), r.content
    me = login_client("reviewer", new).get("/api/auth/me/").json()
    assert me["password_change_required"] is True
    assert me["password_change_reason"] == "set_by_another"  # the page said "giống họ tên" (like your name)
    assert api_as("inspector").get("/api/auth/me/").json()["password_change_reason"] == ""
