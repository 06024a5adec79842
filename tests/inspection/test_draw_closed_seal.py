"""What a closed draw shows does not depend on the state of a secret check: its seed, the withheld reasons and the
counts published on a day fixed by the window.

Where these came from:
Issue 15, insider review, then F2 (S1): a closed draw's seed and counts while a check it depends on is still planned.

A draw cannot close while a check of its own is still planned (409 checks_pending, to the drawing lead only:
nobody else reads an open draw). But a draw also depends on checks planned before it, which kept their units out
of it: a closed draw told every team member which units were left out "for a planned check", and its flags counted
them for the disciplinary officers and the administrators. The first fix kept a closed draw sealed (seed, reasons,
counts) until every such check had started; but then the seal itself told an outsider that an unstarted check
existed (F2). Now nothing a reader sees of a draw depends on the state of a secret check: the seed is revealed at
the close for every draw; why a unit was left out is withheld ("withheld") unless the reader may see a check that
kept it out; the counts are published on a day fixed by the draw's window alone (counts_published_at)."""
from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from backend.org.models import Unit
from inspection.models import SurpriseCheck
from tests.inspection.draw_helpers import commitments_row, local_at, partner_id, past_counts_day, weekday_from

pytestmark = pytest.mark.django_db
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
SECRET = {"excluded_pending_check", "floor_units_left_out", "drew_fewer_than_n", "excluded_by_cancelled_check"}


_weekday, _at, _row = weekday_from, local_at, commitments_row


def _closed_draw_with_a_unit_kept_out(lead: Any) -> tuple[int, str, int]:
    """The lead plans a check by hand on CAX-ND (a unit the demo inspector is not conflicted with, and a team
    without him), draws over a later window (CAX-ND is left out for that check), cancels the draw's own checks
    and closes it: the hand-made check is still planned."""
    start = _weekday(timezone.localdate() + timedelta(days=90))
    nd = Unit.objects.get(code="CAX-ND").pk
    made = lead.post("/api/inspection/checks/", {
        "mode": "dot_xuat", "unit_id": nd, "team_ids": [partner_id()],
        "window_start": _at(start + timedelta(days=1), 8), "window_end": _at(start + timedelta(days=1), 9)},
        format="json")
    assert made.status_code == 201, made.content
    drawn = lead.post("/api/inspection/draws/", {"n": 2, "start": start.isoformat(),
                                                  "end": (start + timedelta(days=11)).isoformat(),
                                                  "confirm_supersedes": []}, format="json")
    assert drawn.status_code == 201, drawn.content
    draw_id = int(drawn.json()["id"])
    assert {e["unit_id"]: e["reason"] for e in drawn.json()["params"]["excluded"]}.get(nd) == "planned_check_pending"
    # closing is refused while a check of the draw is still planned, to the drawing lead, with the count
    refused = lead.post(f"/api/inspection/draws/{draw_id}/close/", {"reason": "Khóa sổ đợt rút thăm thử"},
                        format="json")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "checks_pending"
    assert "chưa tiến hành" in refused.json()["error"]["message"]
    for uid in SurpriseCheck.objects.filter(draw_id=draw_id, state="planned").values_list("uid", flat=True):
        done = lead.post(f"/api/inspection/checks/{uid}/cancel/", {"reason": "Thử khóa sổ đợt rút thăm"},
                         format="json")
        assert done.status_code == 200, done.content
    closed = lead.post(f"/api/inspection/draws/{draw_id}/close/", {"reason": "Khóa sổ đợt rút thăm thử"},
                       format="json")
    assert closed.status_code == 200, closed.content
    manual = str(made.json()["id"])
    assert SurpriseCheck.objects.get(uid=manual).state == "planned"
    return draw_id, manual, nd


def _outsider_reads(api_as: Any, draw_id: int) -> dict[str, Any]:
    """Everything readers other than the drawing lead read of the draw: the inspector's draw page, list row and
    verification, the commitments of the inspector, the administrator and the disciplinary officer."""
    inspector = api_as("inspector")
    reads: dict[str, Any] = {
        "detail": inspector.get(f"/api/inspection/draws/{draw_id}/").json(),
        "listed": next(d for d in inspector.get("/api/inspection/draws/").json()["results"] if d["id"] == draw_id),
        "verify": inspector.get(f"/api/inspection/draws/{draw_id}/verify/").json(),
        "verify_admin": api_as("admin").get(f"/api/inspection/draws/{draw_id}/verify/").json(),
    }
    for who in ("inspector", "admin", "discipline"):
        reads[who] = _row(api_as(who), draw_id)
    return reads


def _but_started(reads: dict[str, Any]) -> dict[str, Any]:
    """The reads less how many hand-made checks in the window started: a check that started is public."""
    return {k: ({f: v for f, v in row.items() if f != "manual_checks_started"} if k in ("inspector", "admin",
                                                                                     "discipline") else row)
            for k, row in reads.items()}


def test_a_closed_draw_reads_the_same_to_outsiders_whether_or_not_a_check_it_depends_on_is_still_planned(
        api_as: Any, insp: Any, monkeypatch: Any) -> None:
    """F2: the seal lifted when the last check that kept a unit out started, so a closed draw still sealed told
    the administrator, the disciplinary officer and any inspector that an unstarted check existed."""
    from inspection.models import Draw

    lead, inspector = api_as("lead"), api_as("inspector")
    draw_id, manual, nd = _closed_draw_with_a_unit_kept_out(lead)
    assert inspector.get(f"/api/inspection/checks/{manual}/").status_code == 404  # a secret to him
    seed = Draw.objects.get(pk=draw_id).seed
    reference = SurpriseCheck.objects.get(uid=manual).reference

    mine = lead.get(f"/api/inspection/draws/{draw_id}/").json()  # the drawing lead reads it as it is
    assert {e["unit_id"]: e["reason"] for e in mine["excluded"]}[nd] == "planned_check_pending"
    assert mine["seed"] == seed

    before = _outsider_reads(api_as, draw_id)
    for body in (before["detail"], before["listed"]):
        assert body["seed"] == seed  # revealed at the close, to every reader
        assert body["counts_published_at"] == mine["counts_published_at"]
        # CAX-ND is read by the rule of test_a_unit_s_reason_is_read_by_who_may_see_the_check_that_kept_it_out
        # (the demo's check he is on kept it out too); never which checks, nor how many were hand-made
        assert not {"checks", "manual"} & set({e["unit_id"]: e for e in body["params"]["excluded"]}[nd])
        assert reference not in str(body)
        assert not SECRET & {f["code"] for f in body["flags"]}
        assert not {"excluded_pending_check", "floor_units_left_out"} & {w["code"] for w in body["warnings"]}
    assert reference not in str(before["detail"]["excluded"])
    assert before["verify"]["revealed"] is True and before["verify"]["match"] is True
    assert before["verify_admin"]["revealed"] is True and before["verify_admin"]["selected"] is None
    for who in ("inspector", "admin", "discipline"):
        assert before[who]["seed"] == seed, who
        assert not SECRET & {f["code"] for f in before[who]["flags"]}, who
        assert "pool_size" not in before[who]["parameters"], who
    # the audit listing masks the close's seed and flags alike for every reader but the actor
    listing = api_as("admin").get("/api/audit/events/?page_size=500")
    assert listing.status_code == 200 and "excluded_pending_check" not in listing.content.decode()

    # the checks that kept units out start: nothing an outsider reads moves (it used to lift the seal)
    from backend.accounts.models import User

    kept_out = [uid for e in Draw.objects.get(pk=draw_id).params["excluded"] for uid in e.get("checks", [])]
    assert manual in kept_out
    for uid in kept_out:  # the demo's own planned check kept its unit out too
        check = SurpriseCheck.objects.get(uid=uid)
        started = api_as(User.objects.get(pk=check.lead_id).username).post(f"/api/inspection/checks/{uid}/start/",
                                                                            {}, format="json")
        assert started.status_code == 200, started.content
        assert _but_started(_outsider_reads(api_as, draw_id)) == _but_started(before)
    # the counts are published on the day fixed by the window alone
    past_counts_day(monkeypatch, draw_id)
    row = _row(api_as("admin"), draw_id)
    assert row["seed"] == seed and "excluded_pending_check" in {f["code"] for f in row["flags"]}
    assert "exclusions_sealed" not in {f["code"] for f in row["flags"]}


def test_a_unit_s_reason_is_read_by_who_may_see_the_check_that_kept_it_out(api_as: Any, insp: Any) -> None:
    """The reason reads "withheld" to a reader who may not see the check that kept the unit out, and as it is to
    one on that check's team; the other left-out units read "withheld" to them alike (a withheld reason among
    shown ones would single out the secret check)."""
    from inspection.models import Draw

    lead = api_as("lead")
    draw_id, manual, nd = _closed_draw_with_a_unit_kept_out(lead)
    excluded = Draw.objects.get(pk=draw_id).params["excluded"]
    inspector = api_as("inspector")
    body = inspector.get(f"/api/inspection/draws/{draw_id}/").json()
    for row in (body["excluded"], body["params"]["excluded"]):
        assert {e["unit_id"] for e in row} == {e["unit_id"] for e in excluded}
        visible = {str(u) for u in SurpriseCheck.objects.filter(
            team__username="inspector").values_list("uid", flat=True)}
        for e in row:
            stored = next(x for x in excluded if x["unit_id"] == e["unit_id"])
            if stored["reason"] == "planned_check_pending" and visible & set(stored.get("checks", [])):
                assert e["reason"] == "planned_check_pending"
            else:
                assert e == {"unit_id": e["unit_id"], "reason": "withheld"}


def test_a_closed_draw_reads_the_same_when_the_check_that_kept_a_unit_out_is_cancelled_after_the_close(
        api_as: Any, insp: Any) -> None:
    """Its cancellation is a secret (it never started): nothing an outsider reads moves, so nothing dates it."""
    lead = api_as("lead")
    draw_id, manual, _ = _closed_draw_with_a_unit_kept_out(lead)
    before = _outsider_reads(api_as, draw_id)
    cancelled = lead.post(f"/api/inspection/checks/{manual}/cancel/", {"reason": "Kế hoạch thay đổi sau khóa sổ"},
                          format="json")
    assert cancelled.status_code == 200, cancelled.content
    assert _outsider_reads(api_as, draw_id) == before and before["discipline"]["seed"]
    assert _row(lead, draw_id)["seed"]  # the drawing lead reads his draw as it is


def test_a_lead_other_than_the_drawing_lead_cannot_close_an_open_draw_nor_learn_its_pending_count(
        api_as: Any, insp: Any) -> None:
    from backend.accounts.services import user_create
    from backend.core.actors import SystemActor
    from backend.org.demo import DEMO_PASSWORD
    from tests.conftest import login_client

    lead = api_as("lead")
    start = _weekday(timezone.localdate() + timedelta(days=100))
    drawn = lead.post("/api/inspection/draws/", {"n": 2, "start": start.isoformat(),
                                                  "end": (start + timedelta(days=11)).isoformat(),
                                                  "confirm_supersedes": []}, format="json")
    assert drawn.status_code == 201, drawn.content
    user_create(by=SystemActor("test"), username="lead2", password=DEMO_PASSWORD, role="inspection_lead",
                full_name="Lê Văn Hai")
    other = login_client("lead2", DEMO_PASSWORD).post(f"/api/inspection/draws/{drawn.json()['id']}/close/",
                                                      {"reason": "Khóa sổ đợt rút thăm thử"}, format="json")
    assert other.status_code == 404 and "checks_pending" not in str(other.content)


def test_the_counts_are_published_on_a_day_fixed_by_the_window_and_floor_alone() -> None:
    """counts_published_at: the day after the last day a check that kept a unit out could have been due to start
    (the floor's horizon past the window's end, and at most HORIZON_DAYS ahead); read from the draw's window and
    floor only (F2)."""
    from datetime import date, datetime, time

    from inspection.models import Draw
    from inspection.selectors_draws import counts_published_at

    six = Draw(params={"start": "2027-01-04", "end": "2027-01-15", "floor_months": 6})
    assert counts_published_at(six) == datetime.combine(date(2027, 7, 16), time.min, tzinfo=LOCAL)
    long = Draw(params={"start": "2027-01-04", "end": "2027-01-15", "floor_months": 60})
    assert counts_published_at(long) == datetime.combine(date(2028, 1, 17), time.min, tzinfo=LOCAL)  # 366 days + 1
    assert counts_published_at(Draw(params={})) is None
