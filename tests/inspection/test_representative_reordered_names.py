"""Insider review S1-2: on the lead's own check the unit's representative signed as "Đặng Bìh Văn" (the lead's name,
reordered, one letter off) and as "Đặng Vn Bnh" (two letters left out): the representative is not a team member,
by any alike name (backend/org/identity.py names_alike)."""
from __future__ import annotations

import pytest

from inspection.models import CheckReport
from tests.inspection.test_field_signoff import _data_url, _png, _signed, running  # noqa: F401 - the fixture
from tests.inspection.test_reports import _url


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["Đặng Bìh Văn", "Văn Đặng Bìnhh", "Đặng Vn Bnh", "Đặg Vă Bình", "Thanh Võ Tùg"])
def test_a_team_members_name_reordered_or_cut_cannot_sign_for_the_unit(api_as, running, name):  # noqa: F811
    _signed(api_as, running)
    body = {"name": name, "post": "Trưởng Công an xã", "signature": _data_url(_png())}
    response = api_as("lead").post(_url(running, "representative/"), body, format="json")
    assert response.status_code == 409, response.content
    assert response.json()["error"]["code"] == "representative_is_team"
    assert CheckReport.objects.get(surprise_check=running).rep_signed_at is None
