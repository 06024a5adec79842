"""Issue 15 (user review): the 409 officer_lookalike message showed the raw field name "(distinct_reason)" and said
the birth date matched when none was entered. It now asks, for a person, to say why these are two different people,
and says what matched: the name and, only when both have one, the birth date; else that the birth date is not known.
A name typed without marks ("Nguyen Thi Thu" beside the demo's "Nguyễn Thị Thu") is a look-alike."""
from __future__ import annotations

import random
from typing import Any

import pytest

from backend.org.models import Officer

pytestmark = pytest.mark.django_db
URL = "/api/org/officers/"


def _number() -> str:
    return f"VW-{random.randint(10000, 99999)}"


def test_a_name_without_marks_is_a_lookalike_and_the_message_is_for_a_person(api_as: Any) -> None:
    thu = Officer.objects.get(service_number="NA-2202")
    assert thu.full_name == "Nguyễn Thị Thu" and thu.date_of_birth is None
    refused = api_as("admin").post(URL, {"service_number": _number(), "full_name": "Nguyen Thi Thu",
                                         "date_of_birth": "1990-04-12"}, format="json")
    assert refused.status_code == 409, refused.content
    error = refused.json()["error"]
    assert error["code"] == "officer_lookalike"
    assert thu.pk in [o["id"] for o in error["detail"]["lookalikes"]]
    message = error["message"]
    assert "distinct_reason" not in message and "distinct_reason" not in error["message_en"]
    assert "hãy ghi rõ lý do đây là hai người khác nhau" in message
    assert "họ tên giống hệt khi bỏ qua dấu" in message
    assert "ngày sinh" in message and "cùng ngày sinh" not in message and "trùng" not in message
    assert "chưa biết ngày sinh của cán bộ đã có nên không phân biệt được hai người" in message


def test_the_birth_date_is_said_to_match_only_when_both_have_one(api_as: Any) -> None:
    admin = api_as("admin")
    made = admin.post(URL, {"service_number": _number(), "full_name": "Lò Thị Sáu", "date_of_birth": "1985-03-07"},
                      format="json")
    assert made.status_code == 201, made.content
    same_day = admin.post(URL, {"service_number": _number(), "full_name": "Sáu Lò Thị",
                                "date_of_birth": "1985-03-07"}, format="json")
    assert same_day.status_code == 409, same_day.content
    message = same_day.json()["error"]["message"]
    assert "cùng ngày sinh 07/03/1985" in message and "chưa biết" not in message
    assert "họ tên giống nhau khi bỏ qua dấu, thứ tự các chữ và tên đệm" in message
    unknown = admin.post(URL, {"service_number": _number(), "full_name": "Lo Thi Sau"}, format="json")
    assert unknown.status_code == 409, unknown.content
    message = unknown.json()["error"]["message"]
    assert "cùng ngày sinh" not in message
    assert "chưa biết ngày sinh của người đang nhập nên không phân biệt được hai người" in message
