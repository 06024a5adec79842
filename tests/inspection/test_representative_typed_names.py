"""Issue 15, insider findings: the unit's representative at the sign-off was a member of the check team under a
name typed in Telex and never converted ("Dawngj Vawn Binhf" for the lead Đặng Văn Bình), drawn by hand, or by
the account of a unit head whose officer record (stored with such a name) is a look-alike of the lead's. Both are
read as the name they stand for (backend/core/keyboard.py) and refused; nothing is signed."""
from __future__ import annotations

from typing import Any

import pytest

from backend.accounts.services import user_create
from backend.core.actors import SystemActor
from backend.core.text import fold
from backend.org.demo import DEMO_PASSWORD
from backend.org.models import Assignment, Officer
from inspection.models import CheckReport
from tests.inspection.test_field_signoff import _data_url, _png, _signed, running  # noqa: F401 - the fixture
from tests.inspection.test_reports import _url


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["Dawngj Vawn Binhf", "Trung tá Da8ng5 Va8n Binh2", "Dawngj V. Binhf"])
def test_a_team_name_typed_in_telex_cannot_sign_for_the_unit(api_as: Any, running: Any, typed: str) -> None:  # noqa: F811
    _signed(api_as, running)
    body = {"name": typed, "post": "Trưởng Công an xã", "signature": _data_url(_png())}
    response = api_as("lead").post(_url(running, "representative/"), body, format="json")
    assert response.status_code in (400, 409), response.content
    assert response.json()["error"]["code"] in ("name_typed_unconverted", "representative_is_team")
    assert CheckReport.objects.get(surprise_check=running).rep_signed_at is None


@pytest.mark.django_db
@pytest.mark.parametrize("stored", ["Dawngj Vawn Binhf", "Da8ng5 Va8n Binh2"])
def test_a_unit_head_whose_officer_is_a_typed_lookalike_of_the_lead_cannot_sign(api_as: Any, running: Any,  # noqa: F811
                                                                                 stored: str) -> None:
    # stored before names were checked (the form refuses it now)
    twin = Officer.objects.create(service_number="X-41907", full_name=stored, search_name=fold(stored))
    Assignment.objects.create(officer=twin, unit=running.unit, position="Trưởng Công an xã",
                              valid_from=running.unit.valid_from)
    user_create(by=SystemActor("test"), username="binh-phu-4190", password=DEMO_PASSWORD, role="reviewer",
                full_name="Tài khoản phụ", officer=twin)
    _signed(api_as, running)
    response = api_as("lead").post(_url(running, "representative/"), {
        "post": "Trưởng Công an xã", "opinion": "", "username": "binh-phu-4190", "password": DEMO_PASSWORD},
        format="json")
    assert response.status_code == 403, response.content
    assert response.json()["error"]["code"] == "same_person"
    assert CheckReport.objects.get(surprise_check=running).rep_signed_at is None
