"""One person, one identity on accounts: look-alike names and service numbers, and renames, scope changes and
reactivations of guarded accounts as requests.

Where these came from:
Insider review (as admin and lead), one person one identity and the two-person rule:
S1-1 an account without an officer bearing the approver's name; S1-2 one letter off in the family name, shortened
and initialled names; S1-3 a guarded account's scope changed by one person; S1-4 a rename unchecked and applied at
once; S2-3 reactivation after a demotion; S2-4 the approval card shows the look-alikes and the reason given."""
from __future__ import annotations

from typing import Any

import pytest

from backend.accounts.models import Role, TeamGrant, User
from backend.accounts.selectors import same_person
from backend.accounts.services import user_create
from backend.core.actors import SystemActor
from backend.core.errors import DomainError
from backend.org import services_officers
from backend.org.demo import DEMO_PASSWORD
from backend.org.identity import names_alike, typed_name_is
from backend.org.models import Unit

pytestmark = pytest.mark.django_db
DISTINCT = "Hai người khác nhau, cùng họ tên nhưng công tác ở hai đơn vị riêng biệt"


@pytest.fixture
def lead2(demo: Any) -> User:
    return user_create(by=SystemActor("test"), username="lead2", password=DEMO_PASSWORD, role=Role.INSPECTION_LEAD,
                       full_name="Lê Văn Hai")


def _pending(client: Any, target: User, kind: str) -> dict[str, Any]:
    rows = client.get("/api/auth/team-grants/", {"state": "pending"}).json()["results"]
    return next(g for g in rows if g["target"]["id"] == target.pk and g["kind"] == kind)


# --- S1-1 ---------------------------------------------------------------------------------------------------


def test_an_account_without_officer_named_as_the_lead_is_the_lead(demo: Any) -> None:
    lead = User.objects.get(username="lead")
    twin = User(username="twin-x", role=Role.DISCIPLINARY, first_name="Đặng Văn", last_name="Bình")
    assert same_person(lead, twin) and same_person(twin, lead)
    typed = User(username="twin-y", role=Role.DISCIPLINARY, first_name="Dawngj Vawn", last_name="Binhf")
    assert same_person(lead, typed)
    other = User(username="other-z", role=Role.DISCIPLINARY, first_name="Lê Thị", last_name="Hoa")
    assert not same_person(lead, other)


def test_the_lead_cannot_approve_creating_an_account_with_his_name(api_as: Any, lead2: User) -> None:
    admin = api_as("admin")
    made = admin.post("/api/auth/users/", {"username": "dvbinh-kl", "role": "disciplinary", "full_name": "Đặng Văn Bình",
                                           "distinct_reason": DISTINCT}, format="json")
    assert made.status_code == 201, made.content
    target = User.objects.get(username="dvbinh-kl")
    lead = api_as("lead")
    grant = _pending(lead, target, "create")
    assert grant["may_decide"] is False
    refused = lead.post(f"/api/auth/team-grants/{grant['id']}/approve/", {}, format="json")
    assert refused.status_code == 403, refused.content
    error = refused.json()["error"]
    assert error["code"] == "same_person" and "cùng một người" in error["message"], error
    assert TeamGrant.objects.get(pk=grant["id"]).state == "pending"
    assert api_as("lead2").post(f"/api/auth/team-grants/{grant['id']}/approve/", {}, format="json").status_code == 200


# --- S1-2 ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", ["Đặngg Văn Bình", "Đặn Văn Bình", "Đặng Bìn", "Đ. V. Bình", "Đặng Văn B."])
def test_family_name_one_letter_off_and_shortened_names_are_alike(variant: str) -> None:
    assert names_alike(variant, "Đặng Văn Bình") and names_alike("Đặng Văn Bình", variant)


def test_other_names_stay_apart_and_a_typed_name_within_a_members_name_is_him() -> None:
    assert not names_alike("Văn Bình", "Đặng Văn Bình")
    assert not names_alike("Đặng Thị Bích", "Đặng Văn Bình")
    # typed_name_is decides whether a representative's typed name may be a team member: a name within his
    # (its words or their initials) may be (insider S1-5, ins2b), so "Đặng Văn B." is refused there too
    assert typed_name_is("Đặng Văn B.", "Đặng Văn Bình")
    assert typed_name_is("Đ.V. Bình", "Đặng Văn Bình")


@pytest.mark.parametrize("variant", ["Đặngg Văn Bình", "Đặn Văn Bình", "Đ. V. Bình"])
def test_an_officer_beside_the_lead_with_a_variant_name_needs_a_reason(demo: Any, variant: str) -> None:
    with pytest.raises(DomainError) as refused:
        services_officers.officer_create(by=SystemActor("test"), service_number="X-99123", full_name=variant)
    assert refused.value.code == "officer_lookalike"
    # the override still lets a genuinely different person be entered
    made = services_officers.officer_create(by=SystemActor("test"), service_number="X-99123", full_name=variant,
                                            distinct_reason=DISTINCT)
    assert made.pk


def test_an_account_named_with_initials_is_a_lookalike(api_as: Any) -> None:
    answer = api_as("admin").post("/api/auth/users/", {"username": "dvb-init", "role": "reviewer",
                                                       "password": "Kx7#pQ2!wz", "full_name": "Đặng Văn B."},
                                  format="json")
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "account_lookalike", answer.content


# --- S1-3 ---------------------------------------------------------------------------------------------------


def test_a_unit_heads_scope_is_a_request_and_never_the_province(api_as: Any, lead2: User) -> None:
    admin = api_as("admin")
    head = User.objects.get(username="unithead")
    before = head.scope_unit_id
    province = Unit.objects.get(code="CAT-NA")
    wide = admin.patch(f"/api/auth/users/{head.pk}/", {"scope_unit_id": province.pk}, format="json")
    assert wide.status_code == 400 and wide.json()["error"]["code"] == "scope_province", wide.content
    other = Unit.objects.get(code="CAX-TD")
    moved = admin.patch(f"/api/auth/users/{head.pk}/", {"scope_unit_id": other.pk}, format="json")
    assert moved.status_code == 200, moved.content
    head.refresh_from_db()
    assert head.scope_unit_id == before  # not applied by one person
    grant = _pending(api_as("lead"), head, "scope")
    assert grant["scope_unit"]["code"] == "CAX-TD"
    assert api_as("lead").post(f"/api/auth/team-grants/{grant['id']}/approve/", {}, format="json").status_code == 200
    head.refresh_from_db()
    assert head.scope_unit_id == other.pk


def test_an_inspectors_scope_widened_is_a_request(api_as: Any) -> None:
    inspector = User.objects.get(username="inspector")
    unit = Unit.objects.get(code="CAX-TD")
    assert api_as("admin").patch(f"/api/auth/users/{inspector.pk}/", {"scope_unit_id": unit.pk},
                                 format="json").status_code == 200
    inspector.refresh_from_db()
    assert inspector.scope_unit_id is None
    assert _pending(api_as("lead"), inspector, "scope")["scope_unit"]["id"] == unit.pk


def test_a_unit_head_is_not_created_with_the_province_as_scope(api_as: Any) -> None:
    province = Unit.objects.get(code="CAT-NA")
    answer = api_as("admin").post("/api/auth/users/", {"username": "head-tinh", "role": "unit_head",
                                                       "full_name": "Phan Thị Lụa", "scope_unit_id": province.pk},
                                  format="json")
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "scope_province", answer.content


# --- S1-4 ---------------------------------------------------------------------------------------------------


def test_renaming_runs_the_lookalike_check_and_a_guarded_rename_is_a_request(api_as: Any, lead2: User) -> None:
    admin = api_as("admin")
    inspector = User.objects.get(username="inspector")
    unchecked = admin.patch(f"/api/auth/users/{inspector.pk}/", {"full_name": "Đặng Văn Bình"}, format="json")
    assert unchecked.status_code == 409 and unchecked.json()["error"]["code"] == "account_lookalike", unchecked.content
    asked = admin.patch(f"/api/auth/users/{inspector.pk}/", {"full_name": "Đặng Văn Bình", "distinct_reason": DISTINCT},
                        format="json")
    assert asked.status_code == 200, asked.content
    inspector.refresh_from_db()
    assert inspector.get_full_name() == "Võ Thanh Tùng"  # not applied by one person
    lead = api_as("lead")
    grant = _pending(lead, inspector, "name")
    assert grant["full_name"] == "Đặng Văn Bình" and grant["may_decide"] is False  # the name is the lead's
    assert grant["lookalikes"]["distinct_reason"] == DISTINCT
    assert any(a["username"] == "lead" and a["is_you"] for a in grant["lookalikes"]["accounts"])
    refused = lead.post(f"/api/auth/team-grants/{grant['id']}/approve/", {}, format="json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "same_person", refused.content
    assert api_as("lead2").post(f"/api/auth/team-grants/{grant['id']}/approve/", {}, format="json").status_code == 200
    inspector.refresh_from_db()
    assert inspector.get_full_name() == "Đặng Văn Bình"


def test_renaming_an_unguarded_account_is_checked_then_applied(api_as: Any) -> None:
    admin = api_as("admin")
    reviewer = User.objects.get(username="reviewer")
    assert admin.patch(f"/api/auth/users/{reviewer.pk}/", {"full_name": "Dang Van Binh"},
                       format="json").status_code == 409
    done = admin.patch(f"/api/auth/users/{reviewer.pk}/", {"full_name": "Ngô Thị Mai Anh"}, format="json")
    assert done.status_code == 200 and done.json()["full_name"] == "Ngô Thị Mai Anh", done.content


# --- S2-3 ---------------------------------------------------------------------------------------------------


def test_reactivating_a_just_demoted_inspector_is_a_request(api_as: Any) -> None:
    admin = api_as("admin")
    inspector = User.objects.get(username="inspector")
    assert admin.patch(f"/api/auth/users/{inspector.pk}/", {"is_active": False}, format="json").status_code == 200
    assert admin.patch(f"/api/auth/users/{inspector.pk}/", {"role": "reviewer"}, format="json").status_code == 200
    again = admin.patch(f"/api/auth/users/{inspector.pk}/", {"is_active": True}, format="json")
    assert again.status_code == 200, again.content
    inspector.refresh_from_db()
    assert inspector.role == Role.REVIEWER and inspector.is_active is False
    assert TeamGrant.objects.filter(target=inspector, kind="activate", state="pending").exists()


# --- S2-4 ---------------------------------------------------------------------------------------------------


def test_the_create_card_lists_the_lookalikes_and_the_reason(api_as: Any, lead2: User) -> None:
    made = api_as("admin").post("/api/auth/users/", {"username": "dvbinh-kl2", "role": "disciplinary",
                                                     "full_name": "Đặng Văn Bình", "distinct_reason": DISTINCT},
                                format="json")
    assert made.status_code == 201, made.content
    grant = _pending(api_as("lead2"), User.objects.get(username="dvbinh-kl2"), "create")
    found = grant["lookalikes"]
    assert found["distinct_reason"] == DISTINCT
    assert [a["username"] for a in found["accounts"]] == ["lead"] and found["accounts"][0]["is_you"] is False
    assert found["officers"] == [] or all(o["full_name"] for o in found["officers"])


def test_a_rename_just_after_a_demotion_is_a_request(api_as: Any) -> None:
    admin = api_as("admin")
    inspector = User.objects.get(username="inspector")
    assert admin.patch(f"/api/auth/users/{inspector.pk}/", {"role": "reviewer"}, format="json").status_code == 200
    assert admin.patch(f"/api/auth/users/{inspector.pk}/", {"full_name": "Võ Thanh Tùng Em"},
                       format="json").status_code == 200
    inspector.refresh_from_db()
    assert inspector.get_full_name() == "Võ Thanh Tùng"
    assert TeamGrant.objects.filter(target=inspector, kind="name", state="pending").exists()


# --- S2-1 ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["NA-01002", "NAl002", "NA-I002", "na-i-oo2", "NA-001OO2"])
def test_i_l_and_leading_zeros_are_one_service_number(demo: Any, typed: str) -> None:
    from django.db import IntegrityError, transaction

    from backend.org.identity import SERVICE_NUMBER_KEY, service_number_key
    from backend.org.models import Officer

    assert service_number_key(typed) == service_number_key("NA-1002") == "na1002"
    found = Officer.objects.alias(k=SERVICE_NUMBER_KEY).filter(k=service_number_key(typed))
    assert list(found.values_list("service_number", flat=True)) == ["NA-1002"]
    with pytest.raises(IntegrityError), transaction.atomic():  # the database's unique key agrees
        Officer.objects.create(service_number=typed, full_name="Đặng Văn Bình")


@pytest.mark.parametrize("number", ["ZZ-7002", "ZZ-0000000000001", "CB-100200", "X00A01", "0QW0", "ZZ-10-02"])
def test_the_python_and_database_keys_agree(demo: Any, number: str) -> None:
    from backend.org.identity import SERVICE_NUMBER_KEY, service_number_key
    from backend.org.models import Officer

    officer = Officer.objects.create(service_number=number, full_name="Lê Thị Hoa")
    stored = Officer.objects.annotate(k=SERVICE_NUMBER_KEY).filter(pk=officer.pk).values_list("k", flat=True).get()
    assert stored == service_number_key(number)


def test_an_officer_with_a_zero_padded_number_of_an_existing_one_is_refused(demo: Any) -> None:
    with pytest.raises(DomainError) as refused:
        services_officers.officer_create(by=SystemActor("test"), service_number="NA-01002", full_name="Lê Thị Hoa")
    assert refused.value.code == "duplicate"


def test_a_reviewer_asked_to_become_unit_head_gets_his_unit_at_once(api_as: Any, demo: Any) -> None:
    """The scope of an account not yet guarded is set at once; the role waits (its approver sees the scope)."""
    reviewer = User.objects.get(username="reviewer")
    unit = Unit.objects.get(code="CAX-TD")
    answer = api_as("admin").patch(f"/api/auth/users/{reviewer.pk}/", {"role": "unit_head", "scope_unit_id": unit.pk},
                                   format="json")
    assert answer.status_code == 200, answer.content
    reviewer.refresh_from_db()
    assert reviewer.role == Role.REVIEWER and reviewer.scope_unit_id == unit.pk
    assert [g.kind for g in TeamGrant.objects.filter(target=reviewer, state="pending")] == ["role"]
