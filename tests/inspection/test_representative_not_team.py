"""Insider F-C (S2): the lead cannot sign both sides of the minutes by typing his own name (or a team member's)
as the unit's representative under a drawn signature. Names compare without marks, case or spacing, in any order."""
from __future__ import annotations

import pytest

from inspection.models import CheckReport
from tests.inspection.test_field_signoff import _data_url, _png, _signed, running  # noqa: F401 - the fixture
from tests.inspection.test_reports import _url


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["Đặng Văn Bình", "dang van binh", "Bình Đặng Văn", "ĐẶNG  VĂN BÌNH",
                                  "Võ Thanh Tùng", "vo thanhtung"])
def test_a_team_members_name_cannot_sign_for_the_unit(api_as, running, name):  # noqa: F811
    _signed(api_as, running)
    body = {"name": name, "post": "Trưởng Công an xã", "signature": _data_url(_png())}
    response = api_as("lead").post(_url(running, "representative/"), body, format="json")
    assert response.status_code == 409, response.content
    error = response.json()["error"]
    assert error["code"] == "representative_is_team" and "thành viên tổ kiểm tra" in error["message"]
    assert CheckReport.objects.get(surprise_check=running).rep_signed_at is None


@pytest.mark.django_db
def test_another_persons_name_still_signs(api_as, running):  # noqa: F811
    _signed(api_as, running)
    body = {"name": "Trần Minh Đức", "post": "Trưởng Công an xã", "signature": _data_url(_png())}
    response = api_as("lead").post(_url(running, "representative/"), body, format="json")
    assert response.status_code == 200, response.content
