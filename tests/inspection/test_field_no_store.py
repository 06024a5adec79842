"""A planned check's API answers are never kept in the browser's HTTP cache (field phones get lost)."""
from __future__ import annotations

import pytest

from tests.inspection.test_secrecy import _plan


@pytest.mark.django_db
def test_api_answers_about_a_planned_check_are_no_store(api_as, insp):
    check = _plan(insp)
    lead = api_as("lead")
    for path in (f"/api/inspection/checks/{check.uid}/", "/api/inspection/checks/", "/api/inspection/checks/counts/"):
        response = lead.get(path)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"], path
    # an error answer too (an outsider's 404 says nothing, and is not kept either)
    assert "no-store" in api_as("reviewer").get(f"/api/inspection/checks/{check.uid}/")["Cache-Control"]
