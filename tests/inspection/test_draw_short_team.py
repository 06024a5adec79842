"""A short team names who was left off it and why (absence, conflict of interest), to the drawing lead only.

Where these came from:
Issue 15 (user review): a short team said "Tổ 1/2 người (thiếu người không xung đột)" without naming who was left
out and why. The drawing lead now reads, for each short team, every inspector not on it and the reason (absent
dd/mm–dd/mm, conflict of interest with the unit); nobody else reads it (the draw's secrecy)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from backend.accounts.models import Role
from inspection import services_absences, services_criteria, services_draw_inputs
from inspection.models import Draw
from tests.inspection.factories import AssignmentFactory, CounterFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def _one_day():
    start = timezone.localdate() + timedelta(days=3)
    while services_draw_inputs.working_days(start, start) == []:
        start += timedelta(days=1)
    return start


def _world():
    lead = UserFactory(role=Role.INSPECTION_LEAD)
    away, conflicted, free = (UserFactory(role=Role.INSPECTOR) for _ in range(3))
    units = []
    for _ in range(3):
        unit = UnitFactory()
        CounterFactory(unit=unit)
        AssignmentFactory(officer=conflicted.officer, unit=unit)  # served in every unit: a conflict of interest
        units.append(unit)
    services_criteria.criteria_set_seed_default(by="test", year=timezone.localdate().year)
    return lead, away, conflicted, free


def test_the_drawing_lead_reads_who_was_left_off_a_short_team_and_why_and_nobody_else_does() -> None:
    lead, away, conflicted, free = _world()
    day = _one_day()
    services_absences.absence_create(by=UserFactory.create(role=Role.ADMIN), user=away, kind="leave",
                                     start=day - timedelta(days=1), end=day + timedelta(days=2),
                                     reason="Nghỉ phép năm theo kế hoạch đã được duyệt")
    response = _client(lead).post("/api/inspection/draws/", {
        "n": 1, "start": day.isoformat(), "end": day.isoformat(), "team_size": 4}, format="json")
    assert response.status_code == 201, response.content
    warnings = {w["code"]: w for w in response.json()["warnings"]}
    assert "team_short" in warnings
    left = warnings["team_short_left_out"]
    (check,) = left["checks"]
    reasons = {p["user_id"]: p for p in check["left_out"]}
    assert set(reasons) == {away.pk, conflicted.pk}
    span = f"{day - timedelta(days=1):%d/%m}–{day + timedelta(days=2):%d/%m}"
    assert reasons[away.pk]["reason"] == "absent" and f"vắng mặt {span}" in reasons[away.pk]["vi"]
    assert reasons[conflicted.pk]["reason"] == "conflict" and "xung đột lợi ích" in reasons[conflicted.pk]["vi"]
    assert away.officer.full_name in left["vi"] and conflicted.officer.full_name in left["vi"]
    assert f"vắng mặt {span}" in left["vi"]
    draw = Draw.objects.get(pk=response.json()["id"])
    # the drawing lead reads it again on the draw's page
    again = _client(lead).get(f"/api/inspection/draws/{draw.pk}/")
    assert "team_short_left_out" in {w["code"] for w in again.json()["warnings"]}
    # an inspector of the team, another lead and an administrator read the draw without it
    read = 0
    for reader in (free, UserFactory(role=Role.INSPECTION_LEAD), UserFactory(role=Role.ADMIN)):
        for url in (f"/api/inspection/draws/{draw.pk}/", "/api/inspection/draws/"):
            seen = _client(reader).get(url)
            if seen.status_code != 200:
                continue
            read += 1
            assert "team_short_left_out" not in seen.content.decode(), (reader.role, url)
            assert "vắng mặt" not in seen.content.decode(), (reader.role, url)
    assert read >= 2  # the team's inspector and the other lead do read the draw, without the list
