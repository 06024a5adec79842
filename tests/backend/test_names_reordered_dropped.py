"""Insider review S1-2: reordered words with one letter off ("Đặng Bìh Văn" for "Đặng Văn Bình") and two letters
left out ("Đặng Vn Bnh", "Đặg Vă Bình") were never look-alikes, so an administrator made accounts and an officer
bearing the lead's name that way, the lead approved inspector powers for it himself and put it on his own team.
Now the two rules combine, and letters left out (up to two, each word keeping its first letter, names of eight
letters or more) are alike too, everywhere names_alike is read; real different names stay as they were."""
from __future__ import annotations

from typing import Any

import pytest

from backend.accounts.models import User
from backend.org.identity import names_alike, typed_name_is

DISTINCT = "Hai cán bộ khác nhau, cùng họ tên nhưng công tác ở hai đơn vị riêng biệt"
PASSWORD = "Kh0ng-Doan-Duoc!92"

ALIKE = [("Đặng Bìh Văn", "Đặng Văn Bình"), ("Văn Đặng Bìnhh", "Đặng Văn Bình"), ("Võ Tùng Thanhh", "Võ Thanh Tùng"),
         ("Thanh Võ Tùg", "Võ Thanh Tùng"), ("Trần Đức Minhh", "Trần Minh Đức"), ("Ngô Mai Thịi", "Ngô Thị Mai"),
         ("Đặng Vn Bnh", "Đặng Văn Bình"), ("Đặg Vă Bình", "Đặng Văn Bình"), ("Bnh Đặng Văn", "Đặng Văn Bình")]


@pytest.mark.parametrize(("typed", "name"), ALIKE)
def test_reordered_one_letter_off_and_dropped_letters_are_alike(typed: str, name: str) -> None:
    assert names_alike(typed, name) and names_alike(name, typed)
    assert typed_name_is(typed, name)


@pytest.mark.parametrize(("a", "b"), [
    ("Đặ Vn Bnh", "Đặng Văn Bình"),      # three letters left out
    ("Đặng Vn Bìh Anh", "Đặng Văn Bình"),  # another word count
    ("Phan Văn Khải", "Đặng Văn Bình"),
])
def test_more_is_not_alike(a: str, b: str) -> None:
    assert not names_alike(a, b)


# real different names behave as before: whatever the rules said of them, they still say
@pytest.mark.parametrize(("a", "b", "alike"), [
    ("Nguyễn Văn Nam", "Nguyễn Văn Lâm", True),   # one letter off on 12 letters (the rule of issue 15), as before
    ("Lê Thị Hoa", "Lê Thị Hòa Bình", True),      # a whole three-word name among the other's words, as before
    ("Lê Thị Hoa", "Lê Thị Hồng", False),
    ("Nguyễn Văn Nam", "Trần Văn Lâm", False),
    ("Y Jut", "Y Jut Niê", False),
    ("Y Jut", "Ksor H'Wen", False),
    ("Ksor H'Wen", "Ksor H'Wen", True),
    ("Ksor H'Wen", "Rơ Châm H'Wen", False),
    ("Giàng A Páo", "Giàng A Sùng", False),
    ("Giàng A Páo", "Giàng Páo A", True),
    ("Giàng A Páo", "Sùng A Páo", False),
])
def test_real_different_names_behave_as_before(a: str, b: str, alike: bool) -> None:
    assert names_alike(a, b) is alike and names_alike(b, a) is alike


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["Đặng Bìh Văn", "Văn Đặng Bìnhh", "Võ Tùng Thanhh", "Thanh Võ Tùg", "Trần Đức Minhh",
                                  "Ngô Mai Thịi", "Đặng Vn Bnh", "Đặg Vă Bình"])
def test_an_account_named_so_asks_for_the_reason(api_as: Any, name: str) -> None:
    body = {"username": "giongten", "role": "reviewer", "full_name": name, "password": PASSWORD}
    answer = api_as("admin").post("/api/auth/users/", body, format="json")
    assert answer.status_code == 409, answer.content
    assert answer.json()["error"]["code"] == "account_lookalike"
    assert not User.objects.filter(username="giongten").exists()


@pytest.mark.django_db
def test_the_lead_cannot_approve_powers_for_his_reordered_namesake(api_as: Any) -> None:
    admin = api_as("admin")
    body = {"service_number": "NA-3188", "full_name": "Đặng Bìh Văn", "rank": "Trung tá"}
    asked = admin.post("/api/org/officers/", body, format="json")
    assert asked.status_code == 409 and asked.json()["error"]["code"] == "officer_lookalike", asked.content
    officer = admin.post("/api/org/officers/", {**body, "distinct_reason": DISTINCT}, format="json").json()
    account = {"username": "dbvan", "role": "reviewer", "full_name": "Đặng Bìh Văn", "password": PASSWORD,
               "officer_id": officer["id"], "distinct_reason": DISTINCT}
    made = admin.post("/api/auth/users/", account, format="json")
    assert made.status_code == 201, made.content
    assert admin.patch(f"/api/auth/users/{made.json()['id']}/", {"role": "inspector"},
                       format="json").status_code in (200, 202)
    lead = api_as("lead")
    rows = lead.get("/api/auth/team-grants/", {"state": "pending"}).json()["results"]
    grant = next(g for g in rows if g["target"]["username"] == "dbvan")
    assert grant["may_decide"] is False
    refused = lead.post(f"/api/auth/team-grants/{grant['id']}/approve/", {}, format="json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "same_person", refused.content
