"""Insider re-check S1: the lead signed for the inspected unit under his own name disguised: a rank or honorific
before it, "(đại diện)" after it, initials, one letter added, or Cyrillic look-alike letters. The typed name is
compared without them; letters outside the Vietnamese alphabet are refused outright."""
from __future__ import annotations

import pytest

from backend.org.identity import typed_name_is
from inspection.models import CheckReport
from tests.inspection.test_field_signoff import _data_url, _png, _signed, running  # noqa: F401 - the fixture
from tests.inspection.test_reports import _url

DISGUISED = ["Trung tá Đặng Văn Bình", "Ông Đặng Văn Bình", "Đặng Văn Bình (đại diện)", "Đặng V. Bình",
             "Đ.V. Bình", "Đặng Văn Bìnhh", "đ/c Đặng Văn Bình", "Đồng chí Đặng Văn Bình"]


def test_typed_name_rule() -> None:
    for typed in DISGUISED:
        assert typed_name_is(typed, "Đặng Văn Bình"), typed
    for typed in ("Trần Minh Đức", "Đặng Minh Khoa", "Đ.M. Khoa", "Lê Văn Bình"):  # "Bình" alone: S1-5
        assert not typed_name_is(typed, "Đặng Văn Bình"), typed
    assert not typed_name_is("Lê Văn Tưu", "Lê Văn Tư")  # a key of seven letters: one letter off is allowed


def _sign(api_as, check, name: str):
    body = {"name": name, "post": "Trưởng Công an xã", "signature": _data_url(_png())}
    return api_as("lead").post(_url(check, "representative/"), body, format="json")


@pytest.mark.django_db
@pytest.mark.parametrize("name", DISGUISED)
def test_a_disguised_team_name_cannot_sign_for_the_unit(api_as, running, name):  # noqa: F811
    _signed(api_as, running)
    response = _sign(api_as, running, name)
    assert response.status_code == 409, response.content
    assert response.json()["error"]["code"] == "representative_is_team"
    assert CheckReport.objects.get(surprise_check=running).rep_signed_at is None


@pytest.mark.django_db
def test_cyrillic_letters_in_the_name_are_refused(api_as, running):  # noqa: F811
    _signed(api_as, running)
    response = _sign(api_as, running, "ĐẶNG VĂN ВÌNН")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "name_foreign_letters" and "ВН" in error["message"]
    assert CheckReport.objects.get(surprise_check=running).rep_signed_at is None
