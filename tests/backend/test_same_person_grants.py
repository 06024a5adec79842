"""One person, one identity (insider review F1) in the two-person rule of the team's powers: a lead's second
account (linked to a look-alike officer) is the same person: it may neither approve a request about the lead,
nor one that links the lead's own look-alike officer to an account."""
from __future__ import annotations

from typing import Any

import pytest

from backend.accounts.models import Role, TeamGrant, User
from backend.accounts.services import user_create
from backend.core.actors import SystemActor
from backend.org import services_officers
from backend.org.demo import DEMO_PASSWORD
from backend.org.models import Officer

pytestmark = pytest.mark.django_db
DISTINCT = "Hai cán bộ khác nhau, cùng họ tên nhưng công tác ở hai đơn vị riêng biệt"


def _twin_officer(of: Officer | None, number: str) -> Officer:
    assert of is not None
    return services_officers.officer_create(by=SystemActor("test"), service_number=number,
                                            full_name=of.full_name.lower(), distinct_reason=DISTINCT)


@pytest.fixture
def twin(demo: Any) -> User:
    """The lead's second lead account, linked to an officer that looks like his (the F1 attack)."""
    lead = User.objects.get(username="lead")
    return user_create(by=SystemActor("test"), username="binh-phu-5521", password=DEMO_PASSWORD,
                       role=Role.INSPECTION_LEAD, full_name="Tài khoản phụ", officer=_twin_officer(lead.officer, "X-55210"))


@pytest.fixture
def lead2(demo: Any) -> User:
    return user_create(by=SystemActor("test"), username="lead2", password=DEMO_PASSWORD, role=Role.INSPECTION_LEAD,
                       full_name="Lê Văn Hai")


def _grant_for(client: Any, target: User) -> dict[str, Any]:
    rows = client.get("/api/auth/team-grants/", {"state": "pending"}).json()["results"]
    return next(g for g in rows if g["target"]["id"] == target.pk)


def test_a_leads_second_account_cannot_approve_a_request_about_the_lead(api_as: Any, twin: User, lead2: User) -> None:
    lead = User.objects.get(username="lead")
    assert api_as("admin").post(f"/api/auth/users/{lead.pk}/2fa/reset/").status_code == 202
    mine = api_as("binh-phu-5521")
    grant = _grant_for(mine, lead)
    assert grant["may_decide"] is False
    refused = mine.post(f"/api/auth/team-grants/{grant['id']}/approve/", {}, format="json")
    assert refused.status_code == 403, refused.content
    assert refused.json()["error"]["code"] == "same_person" and "cùng một người" in refused.json()["error"]["message"]
    assert TeamGrant.objects.get(pk=grant["id"]).state == "pending"
    # another person decides
    other = api_as("lead2")
    assert _grant_for(other, lead)["may_decide"] is True
    assert other.post(f"/api/auth/team-grants/{grant['id']}/approve/", {}, format="json").status_code == 200


def test_linking_the_approvers_own_lookalike_officer_needs_another_person(api_as: Any, lead2: User) -> None:
    lead = User.objects.get(username="lead")
    inspector = User.objects.get(username="inspector")
    twin_officer = _twin_officer(lead.officer, "X-77310")
    admin = api_as("admin")
    assert admin.patch(f"/api/auth/users/{inspector.pk}/", {"officer_id": twin_officer.pk},
                       format="json").status_code == 200
    grant = _grant_for(api_as("lead"), inspector)
    assert grant["kind"] == "officer" and grant["may_decide"] is False
    refused = api_as("lead").post(f"/api/auth/team-grants/{grant['id']}/approve/", {}, format="json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "same_person", refused.content


def test_the_officer_link_card_shows_the_officer_in_full_with_warnings(api_as: Any, lead2: User) -> None:
    """Insider review F3: the card of an officer-link change showed the new officer's name only, so the approving
    lead could not see it was the requester himself (or a look-alike of an officer with an account)."""
    lead = User.objects.get(username="lead")
    inspector = User.objects.get(username="inspector")
    twin_officer = _twin_officer(lead.officer, "X-66120")
    assert api_as("admin").patch(f"/api/auth/users/{inspector.pk}/", {"officer_id": twin_officer.pk},
                                 format="json").status_code == 200
    card = _grant_for(api_as("lead2"), inspector)["officer"]
    assert card["service_number"] == "X-66120" and card["full_name"] == twin_officer.full_name
    assert {"rank", "date_of_birth", "postings", "unit", "position"} <= set(card)
    lookalike = next(w for w in card["warnings"] if w["code"] == "lookalike")
    assert "NA-1002" in lookalike["vi"] and "lead" in lookalike["vi"]
    # the lead himself reads that it is him
    mine = _grant_for(api_as("lead"), inspector)["officer"]
    assert "you" in [w["code"] for w in mine["warnings"]]
    # an officer already linked to an account says so
    reviewer = User.objects.get(username="reviewer")
    assert api_as("admin").patch(f"/api/auth/users/{reviewer.pk}/", {"role": "inspector"},
                                 format="json").status_code == 200
    target_card = _grant_for(api_as("lead2"), reviewer)["target"]["linked_officer"]
    assert target_card["service_number"] == "NA-1004" and target_card["postings"] is not None
    assert not [w for w in target_card["warnings"] if w["code"] == "linked_to_other_account"]
