"""Insider re-check S1: an officer or account name typed with Cyrillic look-alikes ("ĐẶNG VĂN ВÌNН") or other
Latin letters outside Vietnamese (umlauts, "ı", "Ð") read as a known officer's name and slipped past the
look-alike rule. Names in the Vietnamese alphabet only, on create and update, with a 400 naming the letters."""
from __future__ import annotations

import random
from typing import Any

import pytest

pytestmark = pytest.mark.django_db
FOREIGN = [("ĐẶNG VĂN ВÌNН", "ВН"), ("Đặng Vän Bình", "ä"), ("Ðặng Văn Bình", "Ð"), ("Lê Thị Lıên", "ı")]


def _number() -> str:
    return f"VN-{random.randint(10000, 99999)}"


def _refused(response: Any, letters: str) -> None:
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "name_foreign_letters" and "full_name" in error["fields"]
    assert letters in error["message"] and "không thuộc bảng chữ cái tiếng Việt" in error["message"]


@pytest.mark.parametrize(("name", "letters"), FOREIGN)
def test_officer_names_in_the_vietnamese_alphabet_only(api_as: Any, name: str, letters: str) -> None:
    admin = api_as("admin")
    _refused(admin.post("/api/org/officers/", {"service_number": _number(), "full_name": name}, format="json"), letters)
    made = admin.post("/api/org/officers/", {"service_number": _number(), "full_name": "Lò Thị Sáu"}, format="json")
    assert made.status_code == 201, made.content
    _refused(admin.patch(f"/api/org/officers/{made.json()['id']}/", {"full_name": name}, format="json"), letters)


@pytest.mark.parametrize(("name", "letters"), FOREIGN)
def test_account_names_in_the_vietnamese_alphabet_only(api_as: Any, name: str, letters: str) -> None:
    admin = api_as("admin")
    body = {"username": f"vn{random.randint(1000, 9999)}", "role": "reviewer", "full_name": name,
            "password": "Mây-trắng-bay-qua-đồi-7731"}
    _refused(admin.post("/api/auth/users/", body, format="json"), letters)
    made = admin.post("/api/auth/users/", {**body, "full_name": "Hà Thị Thu"}, format="json")
    assert made.status_code == 201, made.content
    _refused(admin.patch(f"/api/auth/users/{made.json()['id']}/", {"full_name": name}, format="json"), letters)
    assert admin.patch(f"/api/auth/users/{made.json()['id']}/", {"full_name": "Hà Thị Thủy"},
                       format="json").status_code == 200
