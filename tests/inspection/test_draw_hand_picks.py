"""Hand-picking and re-rolling the draw shows: checks made by hand that keep units out are published, the draw's
parameters are bounded by policy, drawn and hand-picked checks are told apart, a conflicted lead is moved off his
former unit's check, nobody is double-booked, reasons are real.

Where these came from:
Issue 13, insider adversary (rev13adv F1, F2, F3, F12, F14, F17): the lead cannot re-roll or hand-pick
targets without discipline and the administrator seeing it in the published commitments, and the
team is never double-booked. Through the API, on the demo organisation."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from itertools import combinations
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from backend.org.models import Unit
from inspection.models import SurpriseCheck
from inspection.services_draw_inputs import working_days
from tests.inspection.draw_helpers import partner_id, past_counts_day, start_kept_out_checks

pytestmark = pytest.mark.django_db
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


def _window(offset: int, length: int = 11) -> tuple[date, date]:
    start = timezone.localdate() + timedelta(days=offset)
    return start, start + timedelta(days=length)


def _at(day: date, hour: int, minute: int = 0) -> str:
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL).isoformat()


def _commitment(client, draw_id: int) -> dict:
    response = client.get("/api/inspection/draws/commitments/")
    assert response.status_code == 200, response.content
    return next(row for row in response.json() if row["id"] == draw_id)


def _codes(flags: list[dict]) -> dict[str, dict]:
    return {f["code"]: f for f in flags}


def _unit(code: str) -> int:
    return Unit.objects.get(code=code).pk


def test_a_throw_away_manual_check_that_keeps_a_unit_out_of_the_draw_is_published(api_as, insp, monkeypatch):
    """F1: a manual check removes its unit from the draw; the draw says so (warning with count), the
    commitment carries the flag, and once the manual check is cancelled unstarted discipline sees that
    a unit was kept out by a check that never happened. n above the eligible units is said too."""
    lead, discipline = api_as("lead"), api_as("discipline")
    start, end = _window(40)
    manual = lead.post("/api/inspection/checks/", {
        "mode": "dot_xuat", "unit_id": _unit("CAX-KL"), "team_ids": [partner_id()],
        "window_start": _at(start + timedelta(days=2), 8), "window_end": _at(start + timedelta(days=2), 9)},
        format="json")
    assert manual.status_code == 201, manual.content
    assert manual.json()["origin"] == "manual"
    drawn = lead.post("/api/inspection/draws/", {"n": 50, "start": start.isoformat(), "end": end.isoformat()},
                      format="json")
    assert drawn.status_code == 201, drawn.content
    draw = drawn.json()
    warnings = _codes(draw["warnings"])
    assert warnings["excluded_pending_check"]["count"] >= 1 and warnings["excluded_pending_check"]["manual"] >= 1
    assert "kiểm tra kế hoạch" in warnings["excluded_pending_check"]["vi"]
    assert warnings["n_exceeds_candidates"]["n"] == 50
    assert "chỉ có" in warnings["n_exceeds_candidates"]["vi"]
    cancelled = lead.post(f"/api/inspection/checks/{manual.json()['id']}/cancel/",
                          {"reason": "Nhầm lịch, lập lại sau"}, format="json")
    assert cancelled.status_code == 200, cancelled.content
    # while the draw is open the counts would count secret checks (issue 15, third insider pass): sealed
    open_row = _commitment(discipline, draw["id"])
    open_codes = _codes(open_row["flags"])
    assert "exclusions_sealed" in open_codes
    assert not {"excluded_pending_check", "excluded_by_cancelled_check"} & set(open_codes)
    _close_draw(lead, draw["id"])
    # the seed is revealed at the close; the counts are published on the day fixed by the draw's window, whether
    # or not a check that kept a unit out is still planned (F2: changed from "once each of them started")
    closed_row = _commitment(discipline, draw["id"])
    assert closed_row["seed"] and "exclusions_sealed" in _codes(closed_row["flags"])
    start_kept_out_checks(api_as, draw["id"])
    assert _commitment(discipline, draw["id"]) == closed_row
    past_counts_day(monkeypatch, draw["id"])
    row = _commitment(discipline, draw["id"])
    flags = _codes(row["flags"])
    assert "exclusions_sealed" not in flags
    assert flags["excluded_pending_check"]["count"] >= 1 and flags["excluded_pending_check"]["manual"] >= 1
    assert flags["drew_fewer_than_n"]["n"] == 50 and flags["drew_fewer_than_n"]["drawn"] == len(draw["result"])
    assert flags["excluded_by_cancelled_check"] == {"code": "excluded_by_cancelled_check", "count": 1}
    assert row["manual_checks_cancelled"] == 1
    # counts, never targets: no unit named or keyed (not its pk as text: that may equal a count, e.g. n = 50)
    assert "CAX-KL" not in str(row)
    assert not [k for f in row["flags"] for k in f if "unit" in k or "target" in k]


def test_draw_parameters_are_bounded_by_policy_and_published(api_as, insp):
    """F2: no conflict look-back below the policy, no floor above it; a stricter floor or another share
    needs a reason; every parameter is in the commitment discipline reads."""
    lead, discipline, admin = api_as("lead"), api_as("discipline"), api_as("admin")
    start, end = _window(60)
    body = {"n": 1, "start": start.isoformat(), "end": end.isoformat()}
    loose = lead.post("/api/inspection/draws/", {**body, "conflict_years": 0}, format="json")
    assert loose.status_code == 400 and loose.json()["error"]["code"] == "below_policy"
    assert "xung đột lợi ích" in loose.json()["error"]["message"]
    no_floor = lead.post("/api/inspection/draws/", {**body, "floor_months": 120}, format="json")
    assert no_floor.status_code == 400 and no_floor.json()["error"]["code"] == "above_policy"
    silent = lead.post("/api/inspection/draws/", {**body, "floor_months": 3, "proportional_share": 0.2},
                       format="json")
    assert silent.status_code == 400 and silent.json()["error"]["code"] == "deviation_needs_reason"
    made = lead.post("/api/inspection/draws/", {**body, "floor_months": 3, "proportional_share": 0.2,
                                                 "conflict_years": 5, "reason": "Đợt cao điểm cải cách hành chính"},
                     format="json")
    assert made.status_code == 201, made.content
    for reader in (discipline, admin):
        row = _commitment(reader, made.json()["id"])
        params = row["parameters"]
        assert params["floor_months"] == 3 and params["conflict_years"] == 5
        assert params["proportional_share"] == 0.2 and params["team_size"] == 2
        assert {"check_minutes", "per_person_per_day", "travel_minutes", "include_weekends", "mode",
                "algorithm"} <= set(params)
        assert "pool_size" not in params  # sealed while the draw is open (issue 15, S1-3): published at the close
        deviation = _codes(row["flags"])["parameters_off_policy"]
        assert deviation["reason"] == "Đợt cao điểm cải cách hành chính"
        assert {d["param"] for d in deviation["deviations"]} == {"floor_months", "proportional_share",
                                                                  "conflict_years"}


def test_drawn_and_hand_picked_checks_are_told_apart_and_dropped_checks_are_counted(api_as, insp):
    """F14 + F12: outside the team a started check says whether it was drawn or hand-picked; manual
    checks are counted per draw window; a drawn check dropped one at a time needs a real reason, and
    the draw closes only with a reason, published with the number of checks cancelled."""
    lead, discipline = api_as("lead"), api_as("discipline")
    start, end = _window(80)
    drawn = lead.post("/api/inspection/draws/", {"n": 2, "start": start.isoformat(), "end": end.isoformat()},
                      format="json")
    assert drawn.status_code == 201, drawn.content
    draw_id = drawn.json()["id"]
    checks = list(SurpriseCheck.objects.filter(draw_id=draw_id).order_by("id"))
    assert len(checks) == 2
    keep, drop = checks
    from backend.accounts.models import User

    keeper = api_as(User.objects.get(pk=keep.lead_id).username)
    assert keeper.post(f"/api/inspection/checks/{keep.uid}/start/", {}, format="json").status_code == 200
    dropper = api_as(User.objects.get(pk=drop.lead_id).username)
    for junk in ("x", ".", "\u200b\u200b\u200b\u200b\u200b\u200b", "nhầm"):
        refused = dropper.post(f"/api/inspection/checks/{drop.uid}/cancel/", {"reason": junk}, format="json")
        assert refused.status_code == 400, (junk, refused.content)
    assert dropper.post(f"/api/inspection/checks/{drop.uid}/cancel/", {"reason": "Đơn vị đang diễn tập PCCC"},
                        format="json").status_code == 200
    # a hand-picked check in the same window, started
    manual_day = start + timedelta(days=1)
    while manual_day.weekday() >= 5:
        manual_day += timedelta(days=1)
    manual = lead.post("/api/inspection/checks/", {
        "mode": "dot_xuat", "unit_id": _unit("CAX-TC"), "team_ids": [partner_id()],
        "window_start": _at(manual_day, 6), "window_end": _at(manual_day, 7)}, format="json")
    assert manual.status_code == 201, manual.content
    assert lead.post(f"/api/inspection/checks/{manual.json()['id']}/start/", {}, format="json").status_code == 200
    assert discipline.get(f"/api/inspection/checks/{keep.uid}/").json()["origin"] == "drawn"
    assert discipline.get(f"/api/inspection/checks/{manual.json()['id']}/").json()["origin"] == "manual"
    assert discipline.get(f"/api/inspection/checks/{drop.uid}/").status_code == 404  # still a secret

    refused = lead.post(f"/api/inspection/draws/{draw_id}/close/", {}, format="json")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "required"
    closed = lead.post(f"/api/inspection/draws/{draw_id}/close/", {"reason": "Một đơn vị diễn tập cả tuần"},
                       format="json")
    assert closed.status_code == 200, closed.content
    row = _commitment(discipline, draw_id)
    assert _codes(row["flags"])["checks_cancelled"] == {"code": "checks_cancelled", "cancelled": 1, "total": 2,
                                                        "reason": "Một đơn vị diễn tập cả tuần"}
    assert row["checks_cancelled"] == 1 and row["checks_started"] == 1
    assert row["manual_checks_started"] == 1


def test_a_lead_moved_off_his_former_unit_s_check_neither_sees_nor_cancels_it(api_as, insp):
    """F17: the draw moves a conflicted drawing lead off the check of his former unit; he must not
    learn it from the list, open it or cancel it."""
    from backend.org.models import Assignment

    lead = insp.users["lead"]
    Assignment.objects.create(officer_id=lead.officer_id, unit=Unit.objects.get(code="CAX-KL"),
                              position="Phó trưởng Công an xã", valid_from=date(2025, 7, 1),
                              valid_to=timezone.localdate() - timedelta(days=30))
    client = api_as("lead")
    partner_id()  # the CAX-KL check he is moved off still has a team of two (issue 15)
    start, end = _window(100)
    drawn = client.post("/api/inspection/draws/", {"n": 10, "start": start.isoformat(), "end": end.isoformat()},
                        format="json")
    assert drawn.status_code == 201, drawn.content
    moved = [r for r in drawn.json()["result"] if any(x["code"] == "drawing_lead_conflicted" for x in r["notes"])]
    assert moved and moved[0]["unit_id"] == _unit("CAX-KL")
    check = SurpriseCheck.objects.get(draw_id=drawn.json()["id"], unit_id=_unit("CAX-KL"))
    assert check.lead_id != lead.pk and check.created_by_id == lead.pk
    # nor from the draw itself: the slot and team of that unit's check are withheld from him
    detail = client.get(f"/api/inspection/draws/{drawn.json()['id']}/").json()
    hidden = next(r for r in detail["result"] if r["unit_id"] == _unit("CAX-KL"))
    assert hidden["slot"] is None and hidden["team"] == [] and hidden["redacted"] is True
    assert "booked" not in detail["params"]
    listed = client.get("/api/inspection/checks/?state=planned&page_size=200").json()["results"]
    assert str(check.uid) not in {c["id"] for c in listed}
    assert client.get(f"/api/inspection/checks/{check.uid}/").status_code == 404
    refused = client.post(f"/api/inspection/checks/{check.uid}/cancel/", {"reason": "Đổi lịch công tác"},
                          format="json")
    assert refused.status_code == 404
    check.refresh_from_db()
    assert check.state == SurpriseCheck.State.PLANNED
    # the check's own lead still has it
    from backend.accounts.models import User

    own = APIClient()  # the inspector or the partner (issue 15), who has no password: a session of his own
    own.force_login(User.objects.get(pk=check.lead_id))
    assert own.get(f"/api/inspection/checks/{check.uid}/").status_code == 200


def _overlaps(checks: list[SurpriseCheck]) -> list[tuple[str, str]]:
    clashes = []
    for a, b in combinations(checks, 2):
        people_a = {u.pk for u in a.team.all()} | {a.lead_id}
        people_b = {u.pk for u in b.team.all()} | {b.lead_id}
        if people_a & people_b and a.window_start < b.window_end and b.window_start < a.window_end:
            clashes.append((a.reference, b.reference))
    return clashes


def test_nobody_is_double_booked_by_a_manual_check_or_by_a_draw_over_booked_people(api_as, insp):
    """F3: a manual check overlapping a planned check of one of its people is refused (409, Vietnamese);
    a draw schedules around checks already planned (manual ones and earlier draws)."""
    client = api_as("lead")
    inspector = insp.users["inspector"]
    start, end = _window(120, length=1)
    days = working_days(start, end + timedelta(days=4))[:2]
    first_day = date.fromisoformat(days[0])
    # the lead and the inspector are booked all of the first working day's opening hours
    booked = client.post("/api/inspection/checks/", {
        "mode": "dot_xuat", "unit_id": _unit("CAX-TC"), "team_ids": [inspector.pk],
        "window_start": _at(first_day, 6), "window_end": _at(first_day, 18)}, format="json")
    assert booked.status_code == 201, booked.content
    clash = client.post("/api/inspection/checks/", {
        "mode": "dot_xuat", "unit_id": _unit("CAX-KL"), "team_ids": [partner_id()],
        "window_start": _at(first_day, 15), "window_end": _at(first_day, 16)}, format="json")
    assert clash.status_code == 409 and clash.json()["error"]["code"] == "double_booked"
    assert "trùng giờ" in clash.json()["error"]["message"]
    # the person is named, not the login (issue 15, adv 8: "lead đã có cuộc kiểm tra khác…")
    lead_name = insp.users["lead"].get_full_name()
    assert lead_name and f"{lead_name} đã có cuộc kiểm tra khác" in clash.json()["error"]["message"]
    drawn = client.post("/api/inspection/draws/", {"n": 6, "start": days[0], "end": days[1], "team_size": 2},
                        format="json")
    assert drawn.status_code == 201, drawn.content
    planned = list(SurpriseCheck.objects.filter(state=SurpriseCheck.State.PLANNED).prefetch_related("team"))
    assert not _overlaps(planned)
    # the booked day could not hold the lead or the inspector: their drawn checks fall elsewhere
    for check in SurpriseCheck.objects.filter(draw_id=drawn.json()["id"]).prefetch_related("team"):
        people = {u.pk for u in check.team.all()} | {check.lead_id}
        if people & {insp.users["lead"].pk, inspector.pk}:
            assert timezone.localtime(check.window_start).date() != first_day


def test_reasons_must_be_real(api_as, insp):
    """Reasons: zero-width spaces and "." are not reasons for a redraw, a draw cancellation or a check
    cancellation."""
    client = api_as("lead")
    start, end = _window(140)
    body = {"n": 1, "start": start.isoformat(), "end": end.isoformat()}
    first = client.post("/api/inspection/draws/", body, format="json")
    assert first.status_code == 201, first.content
    # Hangul fillers (letters to Python) and the braille blank draw nothing either (insider review, issue 13)
    for junk in ("\u200b", ".", "x", "\u200b.\u200b", "1234567", "\u3164" * 8, "\u115f" * 8, "\u2800" * 8,
                 "\uffa0\u3164" * 4):
        redraw = client.post("/api/inspection/draws/", {**body, "reason": junk}, format="json")
        assert redraw.status_code == 400, (junk, redraw.content)
        cancel = client.post(f"/api/inspection/draws/{first.json()['id']}/cancel/", {"reason": junk}, format="json")
        assert cancel.status_code == 400, (junk, cancel.content)
    assert "chữ cái" in client.post(f"/api/inspection/draws/{first.json()['id']}/cancel/", {"reason": "."},
                                    format="json").json()["error"]["message"]
    ok = client.post(f"/api/inspection/draws/{first.json()['id']}/cancel/", {"reason": "Bão số 3, hoãn cả đợt"},
                     format="json")
    assert ok.status_code == 200, ok.content


def _close_draw(lead, draw_id):
    """Cancel the draw's checks still planned (with a reason) and close it (its seed revealed)."""
    from inspection.models import SurpriseCheck

    for uid in SurpriseCheck.objects.filter(draw_id=draw_id, state="planned").values_list("uid", flat=True):
        done = lead.post(f"/api/inspection/checks/{uid}/cancel/", {"reason": "Kết thúc đợt thử"}, format="json")
        assert done.status_code == 200, done.content
    closed = lead.post(f"/api/inspection/draws/{draw_id}/close/", {"reason": "Khóa sổ đợt rút thăm thử"},
                       format="json")
    assert closed.status_code == 200, closed.content


def test_the_audit_listing_does_not_count_a_draws_secret_exclusions_for_others(api_as, insp):
    """Issue 15, third insider pass: the admin read `draw.create` with flags {excluded_pending_check, count: 2,
    manual: 2}, the exact number of checks planned by hand. The actor reads his flags; others see them masked."""
    from backend.audit.selectors import ACTOR_ONLY

    lead = api_as("lead")
    start, end = _window(40)
    manual = lead.post("/api/inspection/checks/", {
        "mode": "dot_xuat", "unit_id": _unit("CAX-KL"), "team_ids": [partner_id()],
        "window_start": _at(start + timedelta(days=2), 8), "window_end": _at(start + timedelta(days=2), 9)},
        format="json")
    assert manual.status_code == 201, manual.content
    drawn = lead.post("/api/inspection/draws/", {"n": 1, "start": start.isoformat(), "end": end.isoformat()},
                      format="json")
    assert drawn.status_code == 201, drawn.content
    listed = api_as("admin").get("/api/audit/events/?verb=draw.create").json()["results"]
    assert listed and all(e["payload"]["flags"] == ACTOR_ONLY for e in listed)
    assert "excluded_pending_check" not in str(listed)
