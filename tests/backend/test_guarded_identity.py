"""One person, one identity around the guarded accounts (insider review S1-1): an administrator alone set the birth
date of the lead's officer, made an officer and an account bearing the lead's very name born on another day (two
people "whatever their names"), and the lead approved inspector powers for it seeing no look-alike. Now the
identity of a guarded account's officer is not changed by one person, and a guarded person's look-alike name is
always asked for the worded reason and shown on every approval card, with the birth dates beside the names."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from backend.accounts.models import User
from backend.core.actors import SystemActor
from backend.org import services_officers
from backend.org.models import Officer

pytestmark = pytest.mark.django_db
DISTINCT = "Hai cán bộ khác nhau, cùng họ tên nhưng công tác ở hai đơn vị riêng biệt"


def _lead() -> User:
    return User.objects.select_related("officer").get(username="lead")


@pytest.mark.parametrize("change", [{"date_of_birth": "1980-01-01"}, {"full_name": "Đặng Văn Bính"},
                                    {"service_number": "NA-9002"}])
def test_the_identity_of_a_guarded_accounts_officer_is_not_changed_by_one_person(api_as: Any, change: Any) -> None:
    officer = _lead().officer
    assert officer is not None
    answer = api_as("admin").patch(f"/api/org/officers/{officer.pk}/", change, format="json")
    assert answer.status_code == 409, answer.content
    error = answer.json()["error"]
    assert error["code"] == "officer_guarded" and "người thứ hai" in error["message"]
    again = Officer.objects.get(pk=officer.pk)
    assert (again.full_name, again.date_of_birth, again.service_number) == ("Đặng Văn Bình", None, "NA-1002")
    # the rank is no identity: it is changed at once
    assert api_as("admin").patch(f"/api/org/officers/{officer.pk}/", {"rank": "Thượng tá"},
                                 format="json").status_code == 200


def test_an_officer_of_an_account_that_left_a_guarded_role_recently_is_still_guarded(api_as: Any) -> None:
    reviewer = User.objects.select_related("officer").get(username="reviewer")
    assert reviewer.officer is not None
    url = f"/api/org/officers/{reviewer.officer.pk}/"
    User.objects.filter(pk=reviewer.pk).update(guarded_role_left_at=timezone.now() - timedelta(days=10))
    assert api_as("admin").patch(url, {"date_of_birth": "1985-02-02"}, format="json").status_code == 409
    User.objects.filter(pk=reviewer.pk).update(guarded_role_left_at=timezone.now() - timedelta(days=100))
    assert api_as("admin").patch(url, {"date_of_birth": "1985-02-02"}, format="json").status_code == 200


def test_a_guarded_persons_name_asks_for_the_reason_and_shows_on_the_card_whatever_the_birth_dates(
        api_as: Any) -> None:
    lead = _lead()
    assert lead.officer is not None
    services_officers.officer_update(by=SystemActor("test"), officer=lead.officer, date_of_birth=date(1980, 1, 1))
    admin = api_as("admin")
    body = {"service_number": "NA-3188", "full_name": "Đặng Văn Bình", "rank": "Trung tá", "date_of_birth": "1990-05-05"}
    asked = admin.post("/api/org/officers/", body, format="json")
    assert asked.status_code == 409, asked.content
    error = asked.json()["error"]
    assert error["code"] == "officer_lookalike"
    assert {"id": lead.officer.pk, "date_of_birth": "1980-01-01"}.items() <= error["detail"]["lookalikes"][0].items()
    assert "01/01/1980" in error["message"] and "05/05/1990" in error["message"]
    created = admin.post("/api/org/officers/", {**body, "distinct_reason": DISTINCT}, format="json")
    assert created.status_code == 201, created.content
    account = {"username": "dvbinh2", "role": "reviewer", "full_name": "Đặng Văn Bình", "password": "Kh0ng-Doan-Duoc!92",
               "officer_id": created.json()["id"]}
    asked = admin.post("/api/auth/users/", account, format="json")
    assert asked.status_code == 409, asked.content
    error = asked.json()["error"]
    assert error["code"] == "account_lookalike"
    assert [a["username"] for a in error["detail"]["accounts"]] == ["lead"]
    assert error["detail"]["accounts"][0]["date_of_birth"] == "1980-01-01"
    assert error["detail"]["date_of_birth"] == "1990-05-05"
    made = admin.post("/api/auth/users/", {**account, "distinct_reason": DISTINCT}, format="json")
    assert made.status_code == 201, made.content
    assert admin.patch(f"/api/auth/users/{made.json()['id']}/", {"role": "inspector"},
                       format="json").status_code in (200, 202)
    rows = api_as("lead").get("/api/auth/team-grants/", {"state": "pending"}).json()["results"]
    card = next(g for g in rows if g["target"]["username"] == "dvbinh2")
    assert card["kind"] == "role"
    found = card["lookalikes"]["accounts"]
    assert [(a["username"], a["is_you"], a["date_of_birth"]) for a in found] == [("lead", True, "1980-01-01")]
    assert card["target"]["linked_officer"]["date_of_birth"] == "1990-05-05"


def test_an_ordinary_persons_namesake_born_on_another_day_is_still_another_person(api_as: Any) -> None:
    """Only a guarded person's name is asked about whatever the birth dates: two ordinary officers of one name are
    told apart by their birth dates, as before."""
    admin = api_as("admin")
    body = {"service_number": "NA-3190", "full_name": "Phan Văn Khải", "date_of_birth": "1970-03-03"}
    assert admin.post("/api/org/officers/", body, format="json").status_code == 201
    other = {**body, "service_number": "NA-3191", "date_of_birth": "1975-04-04"}
    assert admin.post("/api/org/officers/", other, format="json").status_code == 201
