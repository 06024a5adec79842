"""Insider re-check S1: names_alike missed the same family and given name with another (or no) middle name
("Đặng Hữu Bình" for the demo lead "Đặng Văn Bình") and a whole name with a word before or after it ("Ông Đặng
Văn Bình", "Đặng Văn Bình Anh"), so a second officer record under those names was taken with no warning."""
from __future__ import annotations

import random
from typing import Any

import pytest

from backend.org.identity import names_alike

pytestmark = pytest.mark.django_db
MORE = ["Đặng Hữu Bình", "Đặng Thị Bình", "Đặng Văn Bình Anh", "Ông Đặng Văn Bình", "Đặng Minh Văn Bình"]


def test_names_alike_more() -> None:
    for name in MORE:
        assert names_alike("Đặng Văn Bình", name) and names_alike(name, "Đặng Văn Bình"), name
    for name in ("Văn Bình", "Đặng Văn Khoa", "Nguyễn Văn Bình", "Văn Bình Anh", "Lê Hữu Bình"):
        assert not names_alike("Đặng Văn Bình", name), name


@pytest.mark.parametrize("full_name", MORE)
def test_a_second_record_for_the_lead_is_a_lookalike(api_as: Any, full_name: str) -> None:
    body = {"service_number": f"AL-{random.randint(10000, 99999)}", "full_name": full_name}
    refused = api_as("admin").post("/api/org/officers/", body, format="json")
    assert refused.status_code == 409, refused.content
    assert refused.json()["error"]["code"] == "officer_lookalike" and "Đặng Văn Bình" in refused.json()["error"]["message"]
