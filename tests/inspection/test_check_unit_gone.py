"""A planned check whose unit has ended (issue 15 follow-up). An org change never looks at a planned check
(a secret: docs/architecture.md, "Org changes and secret records"), so its unit may be ended, merged or
abolished under it. The check's own rules catch it: it cannot be started on a day its unit does not exist,
and its team (only) sees on the check list and home that the unit ends before the window."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from inspection.models import SurpriseCheck

pytestmark = pytest.mark.django_db


def _planned(insp) -> SurpriseCheck:
    return SurpriseCheck.objects.get(uid=insp.extra["inspection"]["planned_check"])


def _abolish(api_as, insp, on) -> None:
    response = api_as("admin").post(f"/api/org/units/{insp.units['CAX-ND'].pk}/abolish/",
                                    {"on": on.isoformat(), "children_to_id": insp.units["CAT-NA"].pk}, format="json")
    assert response.status_code == 200, response.content


def test_a_check_whose_unit_is_gone_today_cannot_be_started(api_as, insp):
    check = _planned(insp)
    _abolish(api_as, insp, timezone.localdate())  # its last day was yesterday
    response = api_as("lead").post(f"/api/inspection/checks/{check.uid}/start/", {}, format="json")
    assert response.status_code == 409, response.content
    error = response.json()["error"]
    assert error["code"] == "unit_not_active"
    assert error["message"].startswith(f"Không thể bắt đầu cuộc kiểm tra {check.reference}: Đơn vị ")
    assert insp.units["CAX-ND"].name in error["message"] and "Hãy hủy cuộc kiểm tra" in error["message"]
    assert error["message_en"].startswith(f"Cannot start check {check.reference}")
    check.refresh_from_db()
    assert check.state == SurpriseCheck.State.PLANNED and check.started_at is None
    assert not hasattr(check, "report") or check.report is None


def test_a_check_whose_unit_still_exists_starts(api_as, insp):
    check = _planned(insp)
    _abolish(api_as, insp, timezone.localdate() + timedelta(days=1))  # still exists today
    response = api_as("lead").post(f"/api/inspection/checks/{check.uid}/start/", {}, format="json")
    assert response.status_code == 200, response.content


def test_the_team_sees_that_the_unit_ends_before_the_window(api_as, insp):
    check = _planned(insp)
    lead = api_as("lead")
    listed = {c["id"]: c for c in lead.get("/api/inspection/checks/").json()["results"]}
    assert listed[str(check.uid)]["unit_gone"] is None
    assert "planned_unit_gone" not in {c["key"] for c in lead.get("/api/home/").json()["cards"]}

    window_day = timezone.localtime(check.window_start).date()
    _abolish(api_as, insp, window_day)  # the unit's last day is the day before the window

    listed = {c["id"]: c for c in lead.get("/api/inspection/checks/").json()["results"]}
    assert listed[str(check.uid)]["unit_gone"] == {"last_day": (window_day - timedelta(days=1)).isoformat(),
                                                   "successor": None}
    assert lead.get(f"/api/inspection/checks/{check.uid}/").json()["unit_gone"]["last_day"] == \
        (window_day - timedelta(days=1)).isoformat()
    cards = {c["key"]: c for c in lead.get("/api/home/").json()["cards"]}
    assert cards["planned_unit_gone"]["count"] == 1
    [row] = cards["planned_unit_gone"]["rows"]
    assert row["link"] == f"/inspection/checks/{check.uid}" and row["detail"] == "unit_gone"
    assert row["date"] == (window_day - timedelta(days=1)).isoformat()
    # outside the team nothing tells the check exists
    for who in ("admin", "reviewer", "discipline", "unithead"):
        body = api_as(who).get("/api/home/").content.decode()
        assert "planned_unit_gone" not in body and check.reference not in body, who
        assert api_as(who).get(f"/api/inspection/checks/{check.uid}/").status_code == 404, who
