"""User review (ui15): the approvals history (two-person rule, team grants) showed usernames ("admin",
"lead2", "expiry") where people read names. The API gives who asked and who decided as full names with
the username beside them, the system in words, and the recent changes by name with officers named."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from backend.accounts.models import TeamGrant, User
from backend.accounts.services import user_create
from backend.core.actors import SystemActor
from backend.org.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead2(demo: Any) -> User:
    return user_create(by=SystemActor("test"), username="lead2", password=DEMO_PASSWORD, role="inspection_lead",
                       full_name="Đặng Quốc Bảo")


def _grants(client: Any) -> list[dict[str, Any]]:
    response = client.get("/api/auth/team-grants/")
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_who_asked_and_who_decided_are_named_with_the_username_beside(api_as: Any, lead2: User) -> None:
    admin = User.objects.get(username="admin")
    reviewer = User.objects.get(username="reviewer")
    asked = api_as("admin").patch(f"/api/auth/users/{reviewer.pk}/", {"role": "inspector"}, format="json")
    assert asked.status_code in (200, 202), asked.content
    pending = _grants(api_as("lead2"))[0]
    assert pending["requested_by"] == {"name": admin.get_full_name(), "username": "admin"}
    assert admin.get_full_name() and admin.get_full_name() != "admin"
    assert pending["decided_by"] is None
    decided = api_as("lead2").post(f"/api/auth/team-grants/{pending['id']}/refuse/",
                                   {"reason": "Chưa có quyết định điều động"}, format="json")
    assert decided.status_code == 200, decided.content
    assert decided.json()["decided_by"] == {"name": "Đặng Quốc Bảo", "username": "lead2"}


def test_an_expired_request_says_so_in_words_not_a_code(api_as: Any, lead2: User) -> None:
    reviewer = User.objects.get(username="reviewer")
    api_as("admin").patch(f"/api/auth/users/{reviewer.pk}/", {"role": "inspector"}, format="json")
    TeamGrant.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    expired = _grants(api_as("lead2"))[0]
    assert expired["state"] == "expired" and expired["decided_label"] == "expiry"
    assert expired["decided_by"] == {"name": "Tự động hết hạn (không ai quyết định)", "username": ""}


def test_recent_changes_name_who_made_them_and_the_officers(api_as: Any, lead2: User) -> None:
    inspector = User.objects.get(username="inspector")
    admin = User.objects.get(username="admin")
    demoted = api_as("admin").patch(f"/api/auth/users/{inspector.pk}/", {"role": "reviewer"}, format="json")
    assert demoted.status_code == 200, demoted.content
    again = api_as("admin").patch(f"/api/auth/users/{inspector.pk}/", {"role": "inspector"}, format="json")
    assert again.status_code in (200, 202), again.content
    grant = next(g for g in _grants(api_as("lead2")) if g["state"] == "pending")
    change = next(c for c in grant["recent_changes"] if "role" in c["change"])
    assert change["by"] == admin.get_full_name() and change["by_username"] == "admin"
