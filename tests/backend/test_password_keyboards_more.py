"""Insider re-check S1 (F-F): UniKey's Telex keys "]" for ư and "[" for ơ ("Tr]ong", "Lu[ng"), the VNI tone digit
typed inside the syllable ("Tru72ong"), and "9" for g ("Truon9", "9nourT") passed as passwords for officers named
Trương, Lượng, Trường. Renaming the linked officer now ends the account's sessions, as linking one does."""
from __future__ import annotations

import random
from typing import Any

import pytest

from backend.accounts.models import User
from backend.audit.models import AuditEvent
from backend.core.actors import SystemActor
from backend.org import services_officers
from backend.org.demo import DEMO_PASSWORD
from tests.conftest import login_client

pytestmark = pytest.mark.django_db
CASES = [("Tr]ong#Qx2026", "Hà Văn Trương"), ("Qx2026!Tr][ng", "Hà Văn Trương"), ("L]ong@Qx2026", "Hà Văn Lượng"),
         ("Lu[ng@Qx2026", "Hà Văn Lượng"), ("Tru72ong@Qx26", "Hà Văn Trường"), ("Truon9@Qx2026", "Hà Văn Trương"),
         ("Qx2026@9nourT", "Hà Văn Trương")]


@pytest.mark.parametrize(("password", "officer_name"), CASES)
def test_keyboard_spellings_of_the_officers_name_are_refused(api_as: Any, password: str, officer_name: str) -> None:
    admin = api_as("admin")
    made = admin.post("/api/org/officers/", {"service_number": f"KB-{random.randint(10000, 99999)}",
                                             "full_name": officer_name, "date_of_birth": "1990-05-17"}, format="json")
    assert made.status_code == 201, made.content
    response = admin.post("/api/auth/users/", {"username": f"kb{random.randint(1000, 9999)}", "password": password,
                                               "role": "reviewer", "officer_id": made.json()["id"]}, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "weak_password"


def test_renaming_the_linked_officer_ends_the_accounts_sessions(api_as: Any) -> None:
    reviewer = User.objects.get(username="reviewer")
    officer = services_officers.officer_create(by=SystemActor("test"), service_number=f"KB-{random.randint(10000, 99999)}",
                                               full_name="Tạ Thị Diễm")
    assert api_as("admin").patch(f"/api/auth/users/{reviewer.pk}/", {"officer_id": officer.pk},
                                 format="json").status_code == 200
    session = login_client("reviewer", DEMO_PASSWORD)
    assert session.get("/api/org/units/").status_code == 200
    renamed = api_as("admin").patch(f"/api/org/officers/{officer.pk}/", {"full_name": "Tạ Thị Diệu"}, format="json")
    assert renamed.status_code == 200, renamed.content
    assert session.get("/api/org/units/").status_code in (401, 403)
    event = AuditEvent.objects.filter(verb="user.sessions_end", object_id=str(reviewer.pk)).order_by("-id").first()
    assert event is not None and event.payload["why"] == "officer_renamed"
