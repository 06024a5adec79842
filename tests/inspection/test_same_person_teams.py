"""One person, one identity (insider review F1): one person holding two inspection-team accounts (the second
linked to a look-alike officer: same name without marks, birth date unknown) formed a "two-person" team that
was really one person. A team of N needs N different persons (backend.accounts.selectors.same_person)."""
from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from backend.accounts.models import Role, User
from backend.accounts.selectors import same_person
from backend.accounts.services import user_create
from backend.core.actors import SystemActor
from backend.org import services_officers
from backend.org.demo import DEMO_PASSWORD
from inspection import services_draws
from tests.inspection.draw_helpers import local_at, weekday_from
from tests.inspection.factories import CounterFactory, OfficerFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db
DISTINCT = "Hai cán bộ khác nhau, cùng họ tên nhưng công tác ở hai đơn vị riêng biệt"


def _second_account_of(user: User, username: str, role: str = Role.INSPECTION_LEAD) -> User:
    """What the insider did: a look-alike officer of `user`'s (same name, another number), a second account on it."""
    assert user.officer is not None
    twin = services_officers.officer_create(by=SystemActor("test"), service_number=f"X-{user.pk}-{username[-4:]}",
                                            full_name=user.officer.full_name.upper(), distinct_reason=DISTINCT)
    return user_create(by=SystemActor("test"), username=username, password=DEMO_PASSWORD, role=role,
                       full_name="Tài khoản phụ", officer=twin)


def test_same_person_rule(demo: Any) -> None:
    lead = User.objects.get(username="lead")
    twin = _second_account_of(lead, "lead-phu-8831")
    inspector = User.objects.get(username="inspector")
    assert same_person(lead, lead) and same_person(lead, twin) and same_person(twin, lead)
    assert not same_person(lead, inspector)
    assert lead.officer is not None and twin.officer is not None
    # a birth date on both sides that differs tells them apart
    services_officers.officer_update(by=SystemActor("test"), officer=lead.officer, date_of_birth=timezone.localdate()
                                     - timedelta(days=15000), distinct_reason=DISTINCT)
    services_officers.officer_update(by=SystemActor("test"), officer=twin.officer, date_of_birth=timezone.localdate()
                                     - timedelta(days=12000), distinct_reason=DISTINCT)
    lead.refresh_from_db()
    twin.refresh_from_db()
    assert not same_person(lead, twin)


def test_a_lead_cannot_put_his_second_account_on_his_team(api_as: Any, insp: Any) -> None:
    lead = insp.users["lead"]
    twin = _second_account_of(lead, "lead-phu-4417", role=Role.INSPECTOR)
    start = weekday_from(timezone.localdate() + timedelta(days=6))
    response = api_as("lead").post("/api/inspection/checks/", {
        "mode": "bi_mat", "unit_id": insp.units["CAX-ND"].pk, "team_ids": [twin.pk],
        "window_start": local_at(start, 8), "window_end": local_at(start, 10)}, format="json")
    assert response.status_code == 403, response.content
    error = response.json()["error"]
    assert error["code"] == "same_person" and "cùng một người" in error["message"]
    # a different person is fine
    fine = api_as("lead").post("/api/inspection/checks/", {
        "mode": "bi_mat", "unit_id": insp.units["CAX-ND"].pk, "team_ids": [insp.users["inspector"].pk],
        "window_start": local_at(start, 8), "window_end": local_at(start, 10)}, format="json")
    assert fine.status_code == 201, fine.content


def test_a_draw_team_of_two_is_two_persons() -> None:
    unit = UnitFactory()
    CounterFactory(unit=unit)
    lead: Any = UserFactory(role=Role.INSPECTION_LEAD, officer=OfficerFactory(full_name="Đặng Văn Bình", date_of_birth=None))
    twin: Any = UserFactory(role=Role.INSPECTOR, officer=OfficerFactory(full_name="Dang Van Binh", date_of_birth=None))
    start = weekday_from(timezone.localdate() + timedelta(days=5))
    draw = services_draws.draw_create(by=lead, n=1, start=start, end=start + timedelta(days=10), team_size=2,
                                      pool=[lead, twin])
    assert twin.pk not in draw.params["pool"]
    for check in draw.checks.all():
        assert twin.pk not in {u.pk for u in check.team.all()}
    warning = next(w for w in draw.warnings if w["code"] == "members_left_out_of_teams")
    assert warning["people"][0]["reason"] == "same_person" and "tài khoản thứ hai" in warning["vi"]


@pytest.mark.parametrize("full_name", ["Đặng Bình", "Bình Văn Đặng"])
def test_a_lead_cannot_put_his_second_account_on_a_name_variant_on_his_team(api_as: Any, insp: Any,
                                                                            full_name: str) -> None:
    """Insider review F-A: the second officer record named with the middle name dropped or the words reversed."""
    lead = insp.users["lead"]
    assert lead.officer is not None and lead.officer.full_name == "Đặng Văn Bình"
    variant = services_officers.officer_create(by=SystemActor("test"), service_number=f"X-{random.randint(10000, 99999)}",
                                               full_name=full_name, distinct_reason=DISTINCT)
    twin = user_create(by=SystemActor("test"), username=f"binh-phu-{random.randint(1000, 9999)}", password=DEMO_PASSWORD,
                       role=Role.INSPECTOR, full_name="Tài khoản phụ", officer=variant)
    start = weekday_from(timezone.localdate() + timedelta(days=6))
    response = api_as("lead").post("/api/inspection/checks/", {
        "mode": "bi_mat", "unit_id": insp.units["CAX-ND"].pk, "team_ids": [twin.pk],
        "window_start": local_at(start, 8), "window_end": local_at(start, 10)}, format="json")
    assert response.status_code == 403, response.content
    assert response.json()["error"]["code"] == "same_person"
