"""Reviewer, issue 15: the merge's confirm message said "(confirm)" in English; the end preview showed a last day
before the unit's first day (a date before the start) instead of refusing it, as the merge itself does."""
from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.inspection.factories import AssignmentFactory, UnitFactory

pytestmark = pytest.mark.django_db


def test_the_confirm_message_is_vietnamese_only(api_as: Any, demo: Any) -> None:
    a: Any = UnitFactory(parent=demo.units["CAT-NA"])
    into: Any = UnitFactory(parent=demo.units["CAT-NA"], valid_from=date(2026, 7, 1))
    AssignmentFactory(unit=a, is_head=True)
    body = {"unit_ids": [a.pk], "into_id": into.pk, "on": "2026-07-01", "reason": "Quyết định sáp nhập bổ sung"}
    r = api_as("admin").post("/api/org/units/merge/", body, format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "confirm_required"
    assert "confirm" not in r.json()["error"]["message"].lower() and "Xác nhận" in r.json()["error"]["message"]


def test_the_end_preview_refuses_a_day_before_the_unit_began(api_as: Any, demo: Any) -> None:
    a: Any = UnitFactory(parent=demo.units["CAT-NA"], valid_from=date(2026, 5, 10))
    for on in ("2026-05-10", "2026-01-01"):
        r = api_as("admin").get(f"/api/org/units/{a.pk}/end-preview/?on={on}")
        assert r.status_code == 400, r.content
        body = r.json()["error"]
        assert body["code"] == "invalid_period" and "ngày thành lập" in body["message"] and "10/05/2026" in body["message"]
    assert api_as("admin").get(f"/api/org/units/{a.pk}/end-preview/?on=2026-05-11").status_code == 200
