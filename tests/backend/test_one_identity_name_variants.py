"""One person, one identity, second pass (insider review F-A, S1): the look-alike rule matched only names identical
once marks, case and spaces were removed, so a second officer record for the demo lead "Đặng Văn Bình" (NA-1002)
named "Đặng Bình" (middle name dropped) or "Bình Văn Đặng" (order reversed) was taken with no warning, and a second
lead account on it approved the lead's own requests. Now the same words in any order, a middle name dropped or
added, and a subset holding the family and given name are look-alikes (backend/org/identity.py names_alike), for
officer create and update (409 officer_lookalike), same_person and the approval card alike. Also (F-F) linking an
officer to an account ends the account's open sessions, audited."""
from __future__ import annotations

import random
from typing import Any

import pytest

from backend.accounts.models import Role, TeamGrant, User
from backend.accounts.selectors import same_person
from backend.accounts.services import user_create
from backend.audit.models import AuditEvent
from backend.core.actors import SystemActor
from backend.org import services_officers
from backend.org.demo import DEMO_PASSWORD
from backend.org.identity import names_alike
from tests.conftest import login_client

pytestmark = pytest.mark.django_db
DISTINCT = "Hai cán bộ khác nhau, cùng họ tên nhưng công tác ở hai đơn vị riêng biệt"
VARIANTS = ["Đặng Bình", "Bình Văn Đặng", "Bình Đặng", "Văn Đặng Bình", "dang  binh", "Đặng Văn Minh Bình"]


def _number() -> str:
    return f"VX-{random.randint(10000, 99999)}"


def test_names_alike_rule() -> None:
    for name in VARIANTS:
        assert names_alike("Đặng Văn Bình", name) and names_alike(name, "Đặng Văn Bình"), name
    # a missing family name, one word only, another given or family name: other people (a different middle
    # name with the same family and given name is alike since the insider re-check S1: test_names_alike_more)
    for name in ("Văn Bình", "Bình", "Đặng Văn Khoa", "Nguyễn Văn Bình"):
        assert not names_alike("Đặng Văn Bình", name), name


@pytest.mark.parametrize("full_name", VARIANTS)
def test_a_reordered_or_shortened_name_of_the_lead_is_a_lookalike(api_as: Any, full_name: str) -> None:
    admin = api_as("admin")
    lead = User.objects.get(username="lead")
    assert lead.officer is not None and lead.officer.service_number == "NA-1002"
    refused = admin.post("/api/org/officers/", {"service_number": _number(), "full_name": full_name}, format="json")
    assert refused.status_code == 409, refused.content
    error = refused.json()["error"]
    assert error["code"] == "officer_lookalike" and "Đặng Văn Bình" in error["message"]
    assert lead.officer.pk in [o["id"] for o in error["detail"]["lookalikes"]]
    # renaming another officer into the variant is refused the same way
    other = admin.post("/api/org/officers/", {"service_number": _number(), "full_name": "Lò Thị Sáu"}, format="json")
    assert other.status_code == 201, other.content
    renamed = admin.patch(f"/api/org/officers/{other.json()['id']}/", {"full_name": full_name}, format="json")
    assert renamed.status_code == 409 and renamed.json()["error"]["code"] == "officer_lookalike", renamed.content


def test_a_different_given_name_is_another_person(api_as: Any) -> None:
    made = api_as("admin").post("/api/org/officers/", {"service_number": _number(), "full_name": "Đặng Thị Bích"},
                                format="json")
    assert made.status_code == 201, made.content


@pytest.mark.parametrize("full_name", ["Đặng Bình", "Bình Văn Đặng"])
def test_a_second_account_on_a_variant_cannot_approve_the_leads_request(api_as: Any, full_name: str) -> None:
    lead = User.objects.get(username="lead")
    twin_officer = services_officers.officer_create(by=SystemActor("test"), service_number=_number(),
                                                    full_name=full_name, distinct_reason=DISTINCT)
    twin = user_create(by=SystemActor("test"), username=f"binh-phu-{random.randint(1000, 9999)}",
                       password=DEMO_PASSWORD, role=Role.INSPECTION_LEAD, full_name="Tài khoản phụ",
                       officer=twin_officer)
    assert same_person(lead, twin) and same_person(twin, lead)
    assert api_as("admin").post(f"/api/auth/users/{lead.pk}/2fa/reset/").status_code == 202
    mine = login_client(twin.username, DEMO_PASSWORD)
    rows = mine.get("/api/auth/team-grants/", {"state": "pending"}).json()["results"]
    grant = next(g for g in rows if g["target"]["id"] == lead.pk)
    assert grant["may_decide"] is False
    refused = mine.post(f"/api/auth/team-grants/{grant['id']}/approve/", {}, format="json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "same_person", refused.content
    assert TeamGrant.objects.get(pk=grant["id"]).state == "pending"


def test_the_approval_card_warns_of_a_variant_and_says_it_is_the_lead(api_as: Any) -> None:
    user_create(by=SystemActor("test"), username="lead2", password=DEMO_PASSWORD, role=Role.INSPECTION_LEAD,
                full_name="Lê Văn Hai")
    inspector = User.objects.get(username="inspector")
    variant = services_officers.officer_create(by=SystemActor("test"), service_number=_number(),
                                               full_name="Bình Đặng", distinct_reason=DISTINCT)
    assert api_as("admin").patch(f"/api/auth/users/{inspector.pk}/", {"officer_id": variant.pk},
                                 format="json").status_code == 200
    rows = api_as("lead2").get("/api/auth/team-grants/", {"state": "pending"}).json()["results"]
    card = next(g for g in rows if g["target"]["id"] == inspector.pk)["officer"]
    lookalike = next(w for w in card["warnings"] if w["code"] == "lookalike")
    assert "NA-1002" in lookalike["vi"]
    rows = api_as("lead").get("/api/auth/team-grants/", {"state": "pending"}).json()["results"]
    grant = next(g for g in rows if g["target"]["id"] == inspector.pk)
    assert "you" in [w["code"] for w in grant["officer"]["warnings"]] and grant["may_decide"] is False


def test_linking_an_officer_ends_the_accounts_open_sessions(api_as: Any) -> None:
    """F-F: the reviewer's session stayed open after an officer was linked, with no password re-check."""
    reviewer = User.objects.get(username="reviewer")
    session = login_client("reviewer", DEMO_PASSWORD)
    assert session.get("/api/org/units/").status_code == 200
    officer = services_officers.officer_create(by=SystemActor("test"), service_number=_number(),
                                               full_name="Tạ Thị Diễm")
    linked = api_as("admin").patch(f"/api/auth/users/{reviewer.pk}/", {"officer_id": officer.pk}, format="json")
    assert linked.status_code == 200, linked.content
    assert session.get("/api/org/units/").status_code in (401, 403)
    event = AuditEvent.objects.filter(verb="user.sessions_end").order_by("-id").first()
    assert event is not None and event.payload["why"] == "officer_changed"
    # signing in again works (and re-checks the password against the new officer)
    assert login_client("reviewer", DEMO_PASSWORD).get("/api/org/units/").status_code == 200


def test_an_approved_officer_link_ends_the_team_members_sessions(api_as: Any) -> None:
    user_create(by=SystemActor("test"), username="lead2", password=DEMO_PASSWORD, role=Role.INSPECTION_LEAD,
                full_name="Lê Văn Hai")
    inspector = User.objects.get(username="inspector")
    session = login_client("inspector", DEMO_PASSWORD)
    officer = services_officers.officer_create(by=SystemActor("test"), service_number=_number(),
                                               full_name="Tạ Thị Diễm")
    assert api_as("admin").patch(f"/api/auth/users/{inspector.pk}/", {"officer_id": officer.pk},
                                 format="json").status_code == 200
    assert session.get("/api/org/units/").status_code == 200  # only requested: nothing changed yet
    grant = TeamGrant.objects.get(target=inspector, state=TeamGrant.State.PENDING, kind=TeamGrant.Kind.OFFICER)
    approved = api_as("lead2").post(f"/api/auth/team-grants/{grant.pk}/approve/", {}, format="json")
    assert approved.status_code == 200, approved.content
    assert session.get("/api/org/units/").status_code in (401, 403)
    assert AuditEvent.objects.filter(verb="user.sessions_end", object_id=str(inspector.pk)).exists()
