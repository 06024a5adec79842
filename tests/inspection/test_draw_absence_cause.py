"""UX review: with one of a two-person team sick for the whole window, a 3-unit draw said for each unit "chỉ còn
một người không xung đột lợi ích với đơn vị" and "Yêu cầu tổ 2 người nhưng tổ kiểm tra chỉ có 1 người", never
naming the absence, and advised "giảm n hoặc quy mô tổ" (a variable, and a team under two). The draw now names
the cause: absence (who, kind, dates: for the drawing lead only) apart from a conflict of interest."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from backend.accounts.models import Role
from backend.core.actors import SystemActor
from inspection import services_absences, services_criteria
from tests.inspection.factories import CounterFactory, UnitFactory, UserFactory
from tests.inspection.test_draw_short_team import _client, _one_day

pytestmark = pytest.mark.django_db


def test_a_team_short_for_an_absence_names_the_absence_not_a_conflict() -> None:
    lead: Any = UserFactory(role=Role.INSPECTION_LEAD)
    sick: Any = UserFactory(role=Role.INSPECTOR)
    for _ in range(3):
        CounterFactory(unit=UnitFactory())
    services_criteria.criteria_set_seed_default(by=SystemActor("test"), year=timezone.localdate().year)
    day = _one_day()
    services_absences.absence_create(by=UserFactory.create(role=Role.ADMIN), user=sick, kind="illness",
                                     start=day, end=day + timedelta(days=1), reason="Ốm, có giấy của bệnh viện")
    response = _client(lead).post("/api/inspection/draws/", {
        "n": 3, "start": day.isoformat(), "end": (day + timedelta(days=1)).isoformat(), "team_size": 2}, format="json")
    assert response.status_code in (201, 400), response.content
    text = response.content.decode()
    assert "xung đột lợi ích với đơn vị" not in text
    assert "giảm n" not in text and "quy mô tổ" not in text
    if response.status_code == 400:  # nobody could be placed: the refusal itself must name the absence
        assert "vắng mặt" in text
        return
    warnings = {w["code"]: w for w in response.json()["warnings"]}
    shortfall = warnings["schedule_shortfall"]
    assert all(u["reason"] == "team_of_one_absent" and "vắng mặt" in u["vi"] for u in shortfall["units"])
    assert "giảm số đơn vị cần kiểm tra" in shortfall["vi"]
    assert "vắng mặt" in warnings["team_larger_than_pool"]["vi"]
    left = warnings["team_short_left_out"]
    span = f"{day:%d/%m}–{day + timedelta(days=1):%d/%m}"
    assert sick.officer.full_name in left["vi"] and f"vắng mặt {span}" in left["vi"]
