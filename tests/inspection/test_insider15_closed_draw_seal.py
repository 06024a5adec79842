"""Issue 15, insider review: a closed draw's seed and counts while a check it depends on is still planned.

A draw cannot close while a check of its own is still planned (409 checks_pending, to the drawing lead only:
nobody else reads an open draw). But a draw also depends on checks planned before it, which kept their units out
of it: a closed draw told every team member which units were left out "for a planned check" (with the published
pool, the candidates said the same), its flags counted them for the team, the disciplinary officers and the
administrators, and its revealed seed let anyone recompute the draw and so the units it could not pick. An
inspector not on such a check learned that it existed and was still planned. Now, for everyone but the drawing
lead, a closed draw keeps its seed, the reasons its units were left out and the counts of secret checks sealed
until every check that kept a unit out has started (or was cancelled by the close)."""
from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from backend.org.models import Unit
from inspection.models import SurpriseCheck
from tests.inspection.draw_helpers import commitments_row, local_at, weekday_from

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
        "mode": "dot_xuat", "unit_id": nd, "team_ids": [],
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


def test_an_inspector_does_not_learn_from_a_closed_draw_that_a_check_he_is_not_on_is_still_planned(
        api_as: Any, insp: Any) -> None:
    lead, inspector = api_as("lead"), api_as("inspector")
    draw_id, manual, nd = _closed_draw_with_a_unit_kept_out(lead)
    assert inspector.get(f"/api/inspection/checks/{manual}/").status_code == 404  # a secret to him

    mine = lead.get(f"/api/inspection/draws/{draw_id}/").json()  # the drawing lead reads it as it is
    assert {e["unit_id"]: e["reason"] for e in mine["excluded"]}[nd] == "planned_check_pending"
    assert mine["seed"]

    detail = inspector.get(f"/api/inspection/draws/{draw_id}/")
    assert detail.status_code == 200, detail.content
    listed = next(d for d in inspector.get("/api/inspection/draws/").json()["results"] if d["id"] == draw_id)
    for body in (detail.json(), listed):
        assert body["seed"] is None
        assert "planned_check_pending" not in str(body)
        assert not SECRET & {f["code"] for f in body["flags"]}
        assert not {"excluded_pending_check", "floor_units_left_out"} & {w["code"] for w in body["warnings"]}
    assert "planned_check_pending" not in str(detail.json()["excluded"])
    verified = inspector.get(f"/api/inspection/draws/{draw_id}/verify/").json()
    assert verified["revealed"] is False and verified["seed"] is None and verified["selected"] is None
    for who in ("inspector", "admin", "discipline"):
        row = _row(api_as(who), draw_id)
        assert row["seed"] is None, who
        assert not SECRET & {f["code"] for f in row["flags"]}, who
        assert "pool_size" not in row["parameters"], who
    # nor does the audit listing give the administrator the seed or the flags at the close
    from inspection.models import Draw as DrawModel

    seed = DrawModel.objects.get(pk=draw_id).seed
    listing = api_as("admin").get("/api/audit/events/?page_size=500")
    assert listing.status_code == 200 and seed not in listing.content.decode()
    assert "excluded_pending_check" not in listing.content.decode()

    # once the check that kept the unit out has started, it is public: the seed and the counts are published
    from backend.accounts.models import User
    from inspection.models import Draw

    kept_out = [uid for e in Draw.objects.get(pk=draw_id).params["excluded"] for uid in e.get("checks", [])]
    assert manual in kept_out
    for uid in kept_out:  # the demo's own planned check kept its unit out too
        check = SurpriseCheck.objects.get(uid=uid)
        started = api_as(User.objects.get(pk=check.lead_id).username).post(f"/api/inspection/checks/{uid}/start/",
                                                                            {}, format="json")
        assert started.status_code == 200, started.content
        if uid != kept_out[-1]:
            assert _row(api_as("admin"), draw_id)["seed"] is None  # sealed until the last of them starts
    row = _row(api_as("admin"), draw_id)
    assert row["seed"] and "excluded_pending_check" in {f["code"] for f in row["flags"]}
    after = inspector.get(f"/api/inspection/draws/{draw_id}/").json()
    assert after["seed"] and {e["unit_id"]: e["reason"] for e in after["excluded"]}[nd] == "planned_check_pending"
    assert inspector.get(f"/api/inspection/draws/{draw_id}/verify/").json()["match"] is True


def test_a_closed_draw_stays_sealed_when_the_check_that_kept_a_unit_out_is_cancelled_after_the_close(
        api_as: Any, insp: Any) -> None:
    """Its cancellation is a secret (it never started): the seal does not lift then, so nothing dates it."""
    lead = api_as("lead")
    draw_id, manual, _ = _closed_draw_with_a_unit_kept_out(lead)
    before = _row(api_as("discipline"), draw_id)
    cancelled = lead.post(f"/api/inspection/checks/{manual}/cancel/", {"reason": "Kế hoạch thay đổi sau khóa sổ"},
                          format="json")
    assert cancelled.status_code == 200, cancelled.content
    assert _row(api_as("discipline"), draw_id) == before and before["seed"] is None
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
