"""CCHC tasks, unit scores, ranking with trend and emulation consequences."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from backend.core.errors import Conflict, Forbidden
from inspection.accountability import services_tasks
from inspection.accountability.models import CchcTask, ScoringPolicy
from inspection.accountability.scoring import compute_rankings, quarter, year_period

pytestmark = pytest.mark.django_db


def rows_by_code(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["unit"]["code"]: r for r in result["rows"]}


def test_scores_rank_trend_and_consequences(demo: Any, make_check: Any, make_finding: Any,
                                            django_assert_max_num_queries: Any) -> None:
    admin = demo.users["admin"]
    # 2025: Kim Liên best; 2026: Nam Đàn best, Thanh Chương has a very serious violation
    make_check("CAX-KL", date(2025, 9, 1), percent=95)
    make_check("CAX-ND", date(2025, 9, 2), percent=80)
    make_check("CAX-TC", date(2025, 9, 3), percent=85)
    make_check("CAX-KL", date(2026, 4, 1), percent=70)
    make_check("CAX-KL", date(2026, 8, 1), percent=80)
    make_check("CAX-ND", date(2026, 4, 2), percent=92)
    make_check("CAX-TC", date(2026, 4, 3), percent=90)
    make_check("CAX-TC", date(2026, 5, 3), state="completed")  # not signed: ignored
    services_tasks.tasks_register(by=admin, unit=demo.units["CAX-ND"], year=2026, items=[
        {"title": "Số hóa hồ sơ", "target": "100%", "due_date": date(2026, 6, 30)},
        {"title": "Giảm thời gian chờ", "target": "< 15 phút", "due_date": date(2026, 9, 30)}])
    t1, t2 = CchcTask.objects.filter(unit=demo.units["CAX-ND"]).order_by("due_date")
    services_tasks.task_report_delivery(by=admin, task=t1, delivered_on=date(2026, 6, 20))
    services_tasks.task_report_delivery(by=admin, task=t2, delivered_on=date(2026, 10, 15))  # late
    # both were registered in October and reported at the time (a report months later is flagged and never on time: issue 13)
    for task, reported in ((t1, date(2026, 6, 21)), (t2, date(2026, 10, 16))):
        CchcTask.objects.filter(pk=task.pk).update(
            reported_at=datetime(reported.year, reported.month, reported.day, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
            registered_at=datetime(2025, 10, 15, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), late_registration=False)
    make_finding("CAX-TC", "very_serious", date(2026, 3, 10), violators=("NA-2104",))
    make_finding("CAX-KL", "less_serious", date(2026, 5, 1), violators=("NA-2302",))
    make_finding("CAX-KL", "serious", date(2026, 5, 2), violators=("NA-2302",), state="draft")  # not counted
    policy = ScoringPolicy.objects.get()
    with django_assert_max_num_queries(12):
        result = compute_rankings(level="commune", period=year_period(2026), policy=policy,
                                  today=date(2026, 11, 25))
    rows = rows_by_code(result)
    nd, kl, tc = rows["CAX-ND"], rows["CAX-KL"], rows["CAX-TC"]
    # Nam Đàn: 0.7 * 92 + 0.3 * (1 + 0.5) / 2 * 100 = 64.4 + 22.5
    assert nd["components"]["tasks"] == {"percent": 75.0, "total": 2, "on_time": 1, "late": 1, "reported_late": 0,
                                         "missed": 0, "pending": 0, "weight": 0.3}
    assert nd["score"] == 86.9 and nd["rank"] == 1
    assert kl["base"] == 75.0 and kl["components"]["deductions"]["points"] == 2.0 and kl["score"] == 73.0
    assert tc["score"] == 80.0 and tc["components"]["deductions"]["by_severity"] == {"very_serious": 1}
    assert [r["unit"]["code"] for r in result["rows"] if r["rank"]][:3] == ["CAX-ND", "CAX-TC", "CAX-KL"]
    # trend vs 2025 (KL 95 first, TC 85 second, ND 80 third)
    assert kl["previous"]["rank"] == 1 and kl["trend"] == "down"
    assert nd["trend"] == "up" and tc["trend"] == "same"
    # emulation: a very serious violation -> không xét tặng for the unit and the head then in charge
    assert tc["emulation"]["unit"]["code"] == "khong_xet_tang"
    [head] = tc["emulation"]["heads"]
    assert head["officer"]["full_name"] == "Nguyễn Văn Hùng" and "VP-" in head["reason_vi"]
    # 73 is above the downgrade threshold (70) and a less-serious violation triggers nothing
    assert kl["emulation"]["unit"] is None and kl["emulation"]["heads"] == []
    assert "CAX-TTTC" not in rows  # merged in 2025, not ranked in 2026
    # units with no data are listed unranked with a note
    assert all(r["rank"] is None and r["note_vi"] for r in result["rows"] if r["score"] is None)


def test_merged_units_carry_their_data_to_the_successor(demo: Any, make_check: Any) -> None:
    make_check("CAX-TTTC", date(2025, 3, 1), percent=60)
    make_check("CAX-TC", date(2025, 9, 1), percent=80)
    result = compute_rankings(level="commune", period=year_period(2025), policy=ScoringPolicy.objects.get(),
                              today=date(2026, 11, 25))
    rows = rows_by_code(result)
    assert "CAX-TTTC" not in rows
    tc = rows["CAX-TC"]
    assert tc["components"]["checks"] == {"percent": 70.0, "signed_reports": 2, "weight": 0.7,
                                          "critical_failed_reports": 0, "critical_uncovered_reports": 0}
    assert tc["score"] == 70.0 and tc["emulation"]["unit"] is None  # 70 is not below the 70 threshold


def test_low_score_downgrades_the_unit_and_the_longest_serving_head(demo: Any, make_check: Any) -> None:
    make_check("CAX-TC", date(2026, 2, 1), percent=60)
    result = compute_rankings(level="commune", period=quarter(2026, 1), policy=ScoringPolicy.objects.get(),
                              today=date(2026, 11, 25))
    tc = rows_by_code(result)["CAX-TC"]
    assert tc["score"] == 60.0
    assert tc["emulation"]["unit"]["code"] == "ha_bac" and "Điểm 60 dưới ngưỡng 70" in tc["emulation"]["unit"]["reason_vi"]
    [head] = tc["emulation"]["heads"]
    assert head["officer"]["full_name"] == "Nguyễn Văn Hùng"  # headed 01/01–15/03, longer than NA-2102
    assert result["previous_period"]["label"] == "2025-Q4"


def test_task_registration_window_and_delivery(demo: Any) -> None:
    uh = demo.users["unithead"]
    today = timezone.localdate()
    with pytest.raises(Conflict) as err:
        services_tasks.tasks_register(by=uh, unit=demo.units["CAX-TC"], year=today.year + 1, today=date(today.year, 9, 30),
                                      items=[{"title": "A", "target": "B", "due_date": date(today.year + 1, 5, 1)}])
    assert err.value.code == "registration_closed"
    with pytest.raises(Forbidden):
        services_tasks.tasks_register(by=uh, unit=demo.units["CAX-ND"], year=today.year + 1,
                                      today=date(today.year, 10, 5),
                                      items=[{"title": "A", "target": "B", "due_date": date(today.year + 1, 5, 1)}])
    [task] = services_tasks.tasks_register(by=uh, unit=demo.units["CAX-TC"], year=today.year + 1,
                                           today=date(today.year, 10, 5),
                                           items=[{"title": "Số hóa", "target": "100%", "due_date": date(today.year + 1, 5, 1)}])
    assert task.late_registration is False
    with pytest.raises(Conflict):
        services_tasks.tasks_register(by=uh, unit=demo.units["CAX-TC"], year=today.year + 1, today=date(today.year, 10, 6),
                                      items=[{"title": "số hóa", "target": "x", "due_date": date(today.year + 1, 6, 1)}])
    late = services_tasks.tasks_register(by=demo.users["admin"], unit=demo.units["CAX-TC"], year=today.year,
                                         items=[{"title": "Bổ sung", "target": "1", "due_date": date(today.year, 12, 1)}])
    assert late[0].late_registration is True
    services_tasks.task_report_delivery(by=uh, task=late[0], delivered_on=today)
    with pytest.raises(Conflict):
        services_tasks.task_report_delivery(by=uh, task=late[0], delivered_on=today)
    assert CchcTask.objects.count() == 2


def test_rankings_and_tasks_api(api_as: Any, make_check: Any, demo: Any,
                                django_assert_max_num_queries: Any) -> None:
    make_check("CAX-TC", date(2026, 4, 3), percent=90)
    make_check("CAX-ND", date(2026, 4, 3), percent=70)
    d = api_as("discipline")
    with django_assert_max_num_queries(14):
        r = d.get("/api/accountability/rankings/?year=2026&level=commune")
    assert r.status_code == 200
    ranked = [x["unit"]["code"] for x in r.json()["rows"] if x["rank"]]
    assert ranked == ["CAX-TC", "CAX-ND"]
    uh = api_as("unithead").get("/api/accountability/rankings/?year=2026").json()
    assert [x["unit"]["code"] for x in uh["rows"]] == ["CAX-TC"] and uh["rows"][0]["rank"] == 1
    assert d.get("/api/accountability/rankings/?year=20x6").status_code == 400
    assert d.get("/api/accountability/rankings/?quarter=5").status_code == 400
    assert d.get("/api/accountability/rankings/?level=galaxy").status_code == 400
    admin = api_as("admin")
    r = admin.post("/api/accountability/cchc-tasks/", {"unit_id": demo.units["CAX-TC"].pk, "year": 2026,
                                                       "tasks": [{"title": "A", "target": "B",
                                                                  "due_date": "2027-01-01"}]}, format="json")
    assert r.status_code == 400 and CchcTask.objects.count() == 0
    r = admin.post("/api/accountability/cchc-tasks/", {"unit_id": demo.units["CAX-TC"].pk, "year": 2026,
                                                       "tasks": [{"title": "A", "target": "B",
                                                                  "due_date": "2026-06-01"}]}, format="json")
    assert r.status_code == 201 and r.json()[0]["status"] == "missed"
    tid = r.json()[0]["id"]
    # a delivery dated months before the report is recorded but flagged, never on time (issue 13.7)
    r = api_as("unithead").post(f"/api/accountability/cchc-tasks/{tid}/delivery/", {"delivered_on": "2026-05-20"},
                                format="json")
    assert r.status_code == 200 and r.json()["status"] == "reported_late"
    assert api_as("reviewer").post(f"/api/accountability/cchc-tasks/{tid}/delivery/",
                                   {"delivered_on": "2026-05-20"}, format="json").status_code == 403
    assert d.get("/api/accountability/cchc-tasks/?year=2026").json()["count"] == 1
    r = admin.post("/api/accountability/scoring-policy/", {
        "deductions": {"less_serious": 1, "serious": 4, "very_serious": 8, "especially_serious": 16},
        "check_weight": 0.6, "task_weight": 0.4, "late_task_credit": 0.5, "downgrade_below": 40,
        "no_award_below": 60, "downgrade_severities": ["serious"], "no_award_severities": []}, format="json")
    assert r.status_code == 400 and ScoringPolicy.objects.count() == 1
    r = admin.post("/api/accountability/scoring-policy/", {
        "deductions": {"less_serious": 1, "serious": 4, "very_serious": 8, "especially_serious": 16},
        "check_weight": 0.6, "task_weight": 0.4, "late_task_credit": 0.5, "downgrade_below": 70,
        "no_award_below": 50, "downgrade_severities": ["serious"], "no_award_severities": []}, format="json")
    assert r.status_code == 201 and r.json()["version"] == 2
    assert d.get("/api/accountability/scoring-policy/").json()["version"] == 2


def test_a_score_in_a_sentence_is_written_with_a_decimal_comma(api_as: Any, make_check: Any) -> None:
    make_check("CAX-TC", date(2026, 4, 3), percent=29.4)
    rows = api_as("discipline").get("/api/accountability/rankings/?year=2026&level=commune").json()["rows"]
    [tc] = [x for x in rows if x["unit"]["code"] == "CAX-TC"]
    reason = tc["emulation"]["unit"]["reason_vi"]
    assert "29,4" in reason and "29.4" not in reason, reason
