"""One person, one identity (insider review F1): an administrator created "na-1002" beside "NA-1002", the same
person, and linked a second lead account to it. A service number's key (case, spaces, dashes, dots, NFKC) is
unique in the database, and a look-alike officer (same name without marks, same birth date or one unknown) is
refused unless a worded reason says they are different people; the reason is audited."""
from __future__ import annotations

import random
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from backend.audit.models import AuditEvent
from backend.org.identity import service_number_key
from backend.org.models import Officer

pytestmark = pytest.mark.django_db
DISTINCT = "Hai cán bộ khác nhau, cùng họ tên nhưng công tác ở hai đơn vị riêng biệt"


def _number() -> str:
    return f"NA-{random.randint(10000, 99999)}"


def _create(client: Any, **body: Any) -> Any:
    return client.post("/api/org/officers/", body, format="json")


def test_key_ignores_case_spacing_punctuation_and_width() -> None:
    assert service_number_key("na-1002") == service_number_key("NA 1002") == service_number_key("ＮＡ－１００２")
    assert service_number_key("N.A.1002") == "na1002"


def test_a_service_number_differing_in_case_or_dashes_is_refused_naming_the_officer(api_as: Any) -> None:
    admin = api_as("admin")
    number = _number()
    first = _create(admin, service_number=number, full_name="Phạm Quốc Hưng", rank="Đại úy",
                    date_of_birth="1988-04-02")
    assert first.status_code == 201, first.content
    for lookalike in (number.lower(), number.replace("-", "")):
        response = _create(admin, service_number=lookalike, full_name="Lò Văn Sáng")
        assert response.status_code == 400, response.content
        error = response.json()["error"]
        assert error["code"] == "duplicate"
        assert "Phạm Quốc Hưng" in error["message"] and number in error["message"]
    # full-width signs stop at the input's pattern
    assert _create(admin, service_number="ＮＡ－" + number[3:], full_name="Lò Văn Sáng").status_code == 400
    assert Officer.objects.filter(full_name="Lò Văn Sáng").count() == 0


def test_changing_a_service_number_into_a_lookalike_is_refused(api_as: Any) -> None:
    admin = api_as("admin")
    number, other = _number(), _number()
    assert _create(admin, service_number=number, full_name="Trịnh Văn Khải").status_code == 201
    second = _create(admin, service_number=other, full_name="Hồ Thị Mận").json()
    response = admin.patch(f"/api/org/officers/{second['id']}/", {"service_number": number.lower()}, format="json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "duplicate", response.content
    assert "Trịnh Văn Khải" in response.json()["error"]["message"]


def test_the_database_refuses_a_duplicate_key_written_around_the_service(demo: Any) -> None:
    number = _number()
    Officer.objects.create(service_number=number, full_name="Cán bộ một", search_name="can bo mot")
    with pytest.raises(IntegrityError), transaction.atomic():
        Officer.objects.create(service_number=f" {number.lower()}.", full_name="Cán bộ hai", search_name="can bo hai")


def test_a_lookalike_officer_needs_a_worded_reason_that_is_audited(api_as: Any) -> None:
    admin = api_as("admin")
    first = _create(admin, service_number=_number(), full_name="Nguyễn Văn Tường", date_of_birth="1990-05-17")
    assert first.status_code == 201
    body = {"service_number": _number(), "full_name": "nguyen van  tuong", "date_of_birth": "1990-05-17"}
    refused = _create(admin, **body)
    assert refused.status_code == 409, refused.content
    error = refused.json()["error"]
    assert error["code"] == "officer_lookalike" and "Nguyễn Văn Tường" in error["message"]
    assert error["detail"]["lookalikes"][0]["id"] == first.json()["id"]
    # a birth date missing on one side cannot tell them apart either
    no_birth = _create(admin, **{**body, "date_of_birth": None})
    assert no_birth.status_code == 409 and no_birth.json()["error"]["code"] == "officer_lookalike"
    # "asdf" is not a reason
    mashed = _create(admin, **body, distinct_reason="asdf qwer zxcv")
    assert mashed.status_code == 400 and mashed.json()["error"]["code"] == "reason_not_words", mashed.content
    made = _create(admin, **body, distinct_reason=DISTINCT)
    assert made.status_code == 201, made.content
    event = AuditEvent.objects.get(verb="officer.create", object_id=str(made.json()["id"]))
    assert event.payload["distinct_reason"] == DISTINCT and event.payload["lookalikes"] == [first.json()["id"]]
    # another birth date is another person: no reason needed
    other = _create(admin, **{**body, "service_number": _number(), "date_of_birth": "1979-01-30"})
    assert other.status_code == 201, other.content


def test_renaming_into_a_lookalike_is_refused(api_as: Any) -> None:
    admin = api_as("admin")
    _create(admin, service_number=_number(), full_name="Đỗ Minh Quân", date_of_birth="1985-02-11")
    other = _create(admin, service_number=_number(), full_name="Vũ Thị Lan", date_of_birth="1985-02-11").json()
    response = admin.patch(f"/api/org/officers/{other['id']}/", {"full_name": "Do Minh Quan"}, format="json")
    assert response.status_code == 409 and response.json()["error"]["code"] == "officer_lookalike"


class _Rows:
    def __init__(self, rows: list[tuple[int, str, str]]) -> None:
        self.rows = rows

    def order_by(self, *_: Any) -> _Rows:
        return self

    def values_list(self, *_: Any) -> list[tuple[int, str, str]]:
        return self.rows


class _Apps:
    def __init__(self, rows: list[tuple[int, str, str]]) -> None:
        self.model = type("Officer", (), {"objects": _Rows(rows)})

    def get_model(self, *_: str) -> Any:
        return self.model


def test_the_migration_stops_on_existing_lookalike_numbers_and_names_them() -> None:
    """Existing data stays valid: duplicates are not merged by guesswork; the upgrade stops and names them."""
    import importlib

    migration = importlib.import_module("backend.org.migrations.0003_officer_service_number_key")
    migration.refuse_duplicates(_Apps([(1, "NA-1002", "Đặng Văn Bình"), (2, "NA-1003", "Võ Thanh Tùng")]), None)
    with pytest.raises(RuntimeError) as refused:
        migration.refuse_duplicates(_Apps([(1, "NA-1002", "Đặng Văn Bình"), (7, "na 1002", "Đặng Văn Bình")]), None)
    assert "#1 NA-1002" in str(refused.value) and "#7 na 1002" in str(refused.value)
    assert "trùng số hiệu" in str(refused.value)
