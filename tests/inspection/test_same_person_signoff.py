"""One person, one identity (insider review F1) at the sign-off: the unit's representative is another person than
the team. An inspector's second account (a non-team role, linked to a look-alike officer posted in the inspected
unit) is the inspector: 403 same_person, nothing signed."""
from __future__ import annotations

from typing import Any

import pytest

from backend.accounts.services import user_create
from backend.core.actors import SystemActor
from backend.org import services_officers
from backend.org.demo import DEMO_PASSWORD
from backend.org.models import Assignment
from inspection.models import CheckReport
from tests.inspection.test_field_signoff import _signed, running  # noqa: F401 - the fixture
from tests.inspection.test_reports import _url

DISTINCT = "Hai cán bộ khác nhau, cùng họ tên nhưng công tác ở hai đơn vị riêng biệt"


@pytest.mark.django_db
def test_a_team_members_second_account_cannot_sign_for_the_unit(api_as: Any, running: Any) -> None:  # noqa: F811
    twin = services_officers.officer_create(by=SystemActor("test"), service_number="X-31907",
                                            full_name="Vo Thanh Tung", distinct_reason=DISTINCT)
    Assignment.objects.create(officer=twin, unit=running.unit, position="Cán bộ một cửa", valid_from=running.unit.valid_from)
    user_create(by=SystemActor("test"), username="tung-phu-3190", password=DEMO_PASSWORD, role="reviewer",
                full_name="Tài khoản phụ", officer=twin)
    _signed(api_as, running)
    response = api_as("lead").post(_url(running, "representative/"), {
        "name": "Võ Thanh Tùng", "post": "Cán bộ một cửa", "opinion": "", "username": "tung-phu-3190",
        "password": DEMO_PASSWORD}, format="json")
    assert response.status_code == 403, response.content
    assert response.json()["error"]["code"] == "same_person"
    assert CheckReport.objects.get(surprise_check=running).rep_signed_at is None
