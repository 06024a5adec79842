"""CCHC tasks that count as they happened (issue 13, observation 7, and the lead's walk of the province):
a delivery reported after the grace (or dated before its task was registered) is recorded but flagged,
counts as late at best and never as on time, and the flag is shown in the task list and the rankings."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from backend.accounts.models import Role
from backend.audit.models import AuditEvent
from inspection.accountability.models import CchcTask
from inspection.accountability.scoring import DELIVERY_REPORT_GRACE_DAYS
from tests.inspection.factories import UnitFactory, UserFactory


def _task(unit, due: date, *, registered_days_ago: int = 400) -> CchcTask:
    title = f"Nhiệm vụ {CchcTask.objects.count() + 1}"
    return CchcTask.objects.create(unit=unit, year=due.year, title=title, target="100%", due_date=due,
                                   registered_by=UserFactory.create(role=Role.ADMIN),
                                   registered_at=timezone.now() - timedelta(days=registered_days_ago))


def _client(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_a_delivery_reported_after_the_grace_is_recorded_flagged_and_never_on_time():
    unit = UnitFactory.create()
    head = _client(UserFactory.create(role=Role.UNIT_HEAD, scope_unit=unit))
    today = timezone.localdate()
    old_task, fresh_task = _task(unit, today), _task(unit, today)
    long_ago = today - timedelta(days=240)  # "done eight months ago", reported today
    r = head.post(f"/api/accountability/cchc-tasks/{old_task.pk}/delivery/", {"delivered_on": long_ago.isoformat()},
                  format="json")
    assert r.status_code == 200, r.content
    assert r.json()["delivered_on"] == long_ago.isoformat()
    assert r.json()["status"] == "reported_late" and "Báo cáo muộn" in r.json()["status_vi"]
    event = AuditEvent.objects.filter(verb="accountability.cchc.delivery").latest("id")
    assert event.payload["reported_late"] is True and event.payload["on_time"] is False
    recent = today - timedelta(days=DELIVERY_REPORT_GRACE_DAYS - 2)
    r = head.post(f"/api/accountability/cchc-tasks/{fresh_task.pk}/delivery/", {"delivered_on": recent.isoformat()},
                  format="json")
    assert r.status_code == 200 and r.json()["status"] == "on_time"
    # an admin's backdated entry is flagged the same way
    other = _task(unit, today)
    r = _client(UserFactory.create(role=Role.ADMIN)).post(f"/api/accountability/cchc-tasks/{other.pk}/delivery/",
                                                   {"delivered_on": long_ago.isoformat()}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "reported_late"
    listed = {t["id"]: t["status"] for t in _client(UserFactory.create(role=Role.DISCIPLINARY)).get(
        f"/api/accountability/cchc-tasks/?year={today.year}").json()["results"]}
    assert listed == {old_task.pk: "reported_late", fresh_task.pk: "on_time", other.pk: "reported_late"}
    # the rankings count the flagged deliveries as late (the policy's late credit), never on time
    ranking = _client(UserFactory.create(role=Role.DISCIPLINARY)).get(
        f"/api/accountability/rankings/?year={today.year}&level=commune").json()
    [row] = [x for x in ranking["rows"] if x["unit"]["id"] == unit.pk]
    tasks = row["components"]["tasks"]
    assert (tasks["on_time"], tasks["late"], tasks["reported_late"]) == (1, 2, 2)
    assert tasks["percent"] < 100


@pytest.mark.django_db
def test_a_delivery_dated_before_its_task_was_registered_never_counts_on_time():
    unit = UnitFactory.create()
    today = timezone.localdate()
    task = _task(unit, today, registered_days_ago=5)  # registered late, by an admin
    head = _client(UserFactory.create(role=Role.UNIT_HEAD, scope_unit=unit))
    r = head.post(f"/api/accountability/cchc-tasks/{task.pk}/delivery/",
                  {"delivered_on": (today - timedelta(days=10)).isoformat()}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "reported_late"


@pytest.mark.django_db
def test_a_task_registered_late_never_counts_on_time_in_the_outcome_or_the_rankings():
    """Issue 13 F9: a task registered after the window is flagged late_registration; delivering it before
    its due date must not earn on-time credit (it is already being done when it is registered)."""
    unit = UnitFactory.create()
    today = timezone.localdate()
    admin = _client(UserFactory.create(role=Role.ADMIN))
    due = today + timedelta(days=20)
    r = admin.post("/api/accountability/cchc-tasks/", {"unit_id": unit.pk, "year": due.year, "tasks": [
        {"title": "Số hoá 100% hồ sơ cư trú", "target": "100%", "due_date": due.isoformat()}]}, format="json")
    assert r.status_code == 201, r.content
    task = CchcTask.objects.get(unit=unit)
    if not task.late_registration:  # the window is October of the year before: only out of it is it late
        pytest.skip("today falls inside the registration window")
    head = _client(UserFactory.create(role=Role.UNIT_HEAD, scope_unit=unit))
    r = head.post(f"/api/accountability/cchc-tasks/{task.pk}/delivery/", {"delivered_on": today.isoformat()},
                  format="json")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "reported_late" and "Đăng ký muộn" in r.json()["status_vi"]
    event = AuditEvent.objects.filter(verb="accountability.cchc.delivery").latest("id")
    assert event.payload["on_time"] is False
    ranking = _client(UserFactory.create(role=Role.DISCIPLINARY)).get(
        f"/api/accountability/rankings/?year={due.year}&level=commune").json()
    [row] = [x for x in ranking["rows"] if x["unit"]["id"] == unit.pk]
    tasks = row["components"]["tasks"]
    assert tasks["on_time"] == 0 and tasks["late"] == 1


@pytest.mark.django_db
def test_the_task_list_says_how_many_days_an_undelivered_task_is_overdue():
    """rev15user F11: overdue must be readable in words, not only a red bar."""
    unit = UnitFactory.create()
    today = timezone.localdate()
    late = _task(unit, today - timedelta(days=61))
    future = _task(unit, today + timedelta(days=5))
    done = _task(unit, today - timedelta(days=30))
    done.delivered_on = today - timedelta(days=31)
    done.save()
    head = _client(UserFactory.create(role=Role.UNIT_HEAD, scope_unit=unit))
    rows = {r["id"]: r for r in head.get("/api/accountability/cchc-tasks/").json()["results"]}
    assert rows[late.pk]["overdue_days"] == 61
    assert rows[future.pk]["overdue_days"] is None
    assert rows[done.pk]["overdue_days"] is None


@pytest.mark.django_db
def test_the_home_task_row_links_to_the_task_itself(api_as, insp):
    """rev15user F11: the home row led to the ranking, where the task is not shown."""
    unit = insp.users["unithead"].scope_unit
    task = _task(unit, timezone.localdate() - timedelta(days=3))
    card = next(c for c in api_as("unithead").get("/api/home/").json()["cards"] if c["key"] == "unit_tasks")
    assert card["link"] == "/accountability/tasks"
    assert f"/accountability/tasks?task={task.pk}" in {r["link"] for r in card["rows"]}


@pytest.mark.django_db
def test_the_home_says_overdue_in_words_not_only_by_a_red_bar(api_as, insp):
    """Issue 15 (user 10): the overdue task was marked only by a red left bar on the unit head's home."""
    unit = insp.users["unithead"].scope_unit
    late = _task(unit, timezone.localdate() - timedelta(days=3))
    card = next(c for c in api_as("unithead").get("/api/home/").json()["cards"] if c["key"] == "unit_tasks")
    row = next(r for r in card["rows"] if r["link"].endswith(f"task={late.pk}"))
    assert row["tone"] == "red" and row["detail"].endswith("Quá hạn 3 ngày")


@pytest.mark.django_db
@pytest.mark.parametrize("note", ["ok", "xin chào, xong rồi nhé", "Ok ok"])
def test_a_result_note_of_filler_is_refused_and_nothing_is_reported(note):
    """User review (issue 15): "ok" was kept as a task's result note. The note stays optional."""
    unit = UnitFactory.create()
    head = _client(UserFactory.create(role=Role.UNIT_HEAD, scope_unit=unit))
    task = _task(unit, timezone.localdate())
    url = f"/api/accountability/cchc-tasks/{task.pk}/delivery/"
    r = head.post(url, {"delivered_on": timezone.localdate().isoformat(), "note": note}, format="json")
    assert r.status_code == 400, r.content
    assert r.json()["error"]["code"] == "reason_says_nothing" and "Ghi chú kết quả" in r.json()["error"]["message"]
    task.refresh_from_db()
    assert task.delivered_on is None
    worded = "Đã niêm yết đủ thủ tục tại bộ phận một cửa"
    r = head.post(url, {"delivered_on": timezone.localdate().isoformat(), "note": worded}, format="json")
    assert r.status_code == 200, r.content
    task.refresh_from_db()
    assert task.delivery_note == worded
