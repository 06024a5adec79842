"""Insider S1-5: the team (Đặng Văn Bình, Võ Thanh Tùng) signed for the inspected unit under part of a member's name
("Tùng", "Thanh Tùng", "T. Võ", "VTT") or a greeting ("Anh Bình"), and the minutes printed "Đại diện đơn vị: Anh
Bình". A representative's name is a full name of two words or more, not initials only, and a name within a team
member's name (its words, or their initials) is refused; the message names the rule, not the member."""
from __future__ import annotations

import pytest

from backend.org.identity import typed_name_is, typed_name_is_full
from inspection.models import CheckReport
from tests.inspection.test_field_signoff import _data_url, _png, _signed, running  # noqa: F401 - the fixture
from tests.inspection.test_reports import _url

NOT_FULL = ["Tùng", "Bình", "Anh Bình", "Đồng chí Tùng", "VTT", "V.T.T.", "Ông Tùng (đại diện)"]
WITHIN_TEAM = ["Thanh Tùng", "Võ Thanh", "T. Võ", "Tùng Võ", "Văn Bình", "Đặng V.", "VT Tùng", "Thanhf Tùng"]


def test_full_name_rule() -> None:
    for typed in NOT_FULL:
        assert not typed_name_is_full(typed), typed
    for typed in ("Trần Minh Đức", "Y Jut Niê", "Lê Thị Hoa (đại diện)", "Trung tá Nguyễn Văn An"):
        assert typed_name_is_full(typed), typed


def test_part_of_a_name_is_that_name() -> None:
    for typed in WITHIN_TEAM:
        assert typed_name_is(typed, "Võ Thanh Tùng") or typed_name_is(typed, "Đặng Văn Bình"), typed
    for typed in ("Trần Minh Đức", "Đặng Minh Khoa", "Võ Thị Lan", "Lê Văn Bình", "Thanh Hương"):
        assert not typed_name_is(typed, "Võ Thanh Tùng") and not typed_name_is(typed, "Đặng Văn Bình"), typed


def _sign(api_as, check, name: str):
    body = {"name": name, "post": "Trưởng Công an xã", "signature": _data_url(_png())}
    return api_as("lead").post(_url(check, "representative/"), body, format="json")


@pytest.mark.django_db
@pytest.mark.parametrize("name", NOT_FULL)
def test_a_name_that_is_not_full_cannot_sign(api_as, running, name):  # noqa: F811
    _signed(api_as, running)
    response = _sign(api_as, running, name)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "representative_name_not_full" and "họ tên đầy đủ" in error["message"]
    assert CheckReport.objects.get(surprise_check=running).rep_signed_at is None


@pytest.mark.django_db
@pytest.mark.parametrize("name", WITHIN_TEAM[:-1])  # "Thanhf": refused as typed unconverted
def test_part_of_a_team_members_name_cannot_sign(api_as, running, name):  # noqa: F811
    _signed(api_as, running)
    response = _sign(api_as, running, name)
    assert response.status_code == 409, response.content
    error = response.json()["error"]
    assert error["code"] == "representative_is_team"
    assert "Bình" not in error["message"].replace(name, "") and "Tùng" not in error["message"].replace(name, "")
    assert CheckReport.objects.get(surprise_check=running).rep_signed_at is None


@pytest.mark.django_db
def test_a_real_representative_still_signs(api_as, running):  # noqa: F811
    _signed(api_as, running)
    assert _sign(api_as, running, "Trần Minh Đức").status_code == 200
