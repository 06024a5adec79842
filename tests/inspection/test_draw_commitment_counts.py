"""An open draw's commitment gives no count of units kept out by secret checks, reads the same to every outsider, and
a team account without a linked officer is never put on a check team.

Where these came from:
Issue 15, insider review (draw commitments, fourth pass).

S1-3. `exclusions_sealed` hid `excluded_pending_check`, but `drew_fewer_than_n` (its `candidates`) and the
      parameters' `pool_size` repeated the number: with the public pool of units an administrator worked out how
      many units were left out for secret planned checks. The audit listing's `draw.create` carried them too.
S1-4. An inspector (a team member, perhaps kept off a check for a conflict of interest) read the same live counts
      and, with the pool, the secret target: the live counts are for the lead who made the draw only.
S3.   A team account without a linked officer is never conflicted: neither a draw nor a lead by hand may put it
      on a check team; the draw says who it left out of the teams and why, in Vietnamese."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from backend.accounts.models import Role
from backend.core.errors import DomainError
from backend.org.models import Unit
from inspection import services_checks, services_draws
from inspection.models import Draw, SurpriseCheck
from tests.inspection.draw_helpers import (
    commitments_row,
    local_at,
    partner_id,
    past_counts_day,
    start_kept_out_checks,
    weekday_from,
)
from tests.inspection.factories import CounterFactory, OfficerFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


_weekday, _at, _row = weekday_from, local_at, commitments_row


def _codes(flags: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {f["code"]: f for f in flags}


def _draw_with_a_unit_kept_out(lead: Any) -> int:
    """The demo lead plans a check by hand on CAX-KL, then draws more units than are eligible: CAX-KL is left
    out for the (secret) planned check and the draw returns fewer than n."""
    start = _weekday(timezone.localdate() + timedelta(days=70))
    made = lead.post("/api/inspection/checks/", {
        "mode": "dot_xuat", "unit_id": Unit.objects.get(code="CAX-KL").pk, "team_ids": [partner_id()],
        "window_start": _at(start + timedelta(days=1), 8), "window_end": _at(start + timedelta(days=1), 9)},
        format="json")
    assert made.status_code == 201, made.content
    drawn = lead.post("/api/inspection/draws/", {"n": 50, "start": start.isoformat(),
                                                  "end": (start + timedelta(days=11)).isoformat(),
                                                  "confirm_supersedes": []}, format="json")
    assert drawn.status_code == 201, drawn.content
    return int(drawn.json()["id"])


def test_no_figure_of_an_open_draw_gives_the_count_of_units_kept_out_by_secret_checks(api_as: Any, insp: Any,
                                                                                      monkeypatch: Any) -> None:
    lead = api_as("lead")
    draw_id = _draw_with_a_unit_kept_out(lead)
    mine = _row(lead, draw_id)  # the drawing lead reads his draw's counts as they are
    flags = _codes(mine["flags"])
    assert flags["excluded_pending_check"]["count"] >= 1
    assert flags["drew_fewer_than_n"]["candidates"] >= 1 and "pool_size" in mine["parameters"]
    assert "exclusions_sealed" not in flags
    for who in ("admin", "discipline", "inspector"):
        row = _row(api_as(who), draw_id)
        codes = _codes(row["flags"])
        assert "exclusions_sealed" in codes, who
        # neither the count, nor the candidates (pool of units less candidates = units kept out), nor the pool
        assert not {"excluded_pending_check", "drew_fewer_than_n", "floor_units_left_out"} & set(codes), who
        assert "pool_size" not in row["parameters"], who
        assert "candidates" not in str(row), who
        assert row["manual_checks_cancelled"] is None, who
    # the audit listing's draw.create event does not carry them either (the actor's own view only)
    trail = api_as("admin").get("/api/audit/events/?verb=draw.create&page_size=200")
    assert trail.status_code == 200, trail.content
    event = next(e for e in trail.json()["results"] if str(e["object_id"]) == str(draw_id))
    assert "pool_size" not in str(event["payload"]) and "candidates" not in str(event["payload"])
    # closed, the counts are published with the seed
    for uid in SurpriseCheck.objects.filter(draw_id=draw_id, state="planned").values_list("uid", flat=True):
        done = lead.post(f"/api/inspection/checks/{uid}/cancel/", {"reason": "Thử khóa sổ đợt rút thăm"},
                         format="json")
        assert done.status_code == 200, done.content
    closed = lead.post(f"/api/inspection/draws/{draw_id}/close/", {"reason": "Khóa sổ đợt rút thăm thử"},
                       format="json")
    assert closed.status_code == 200, closed.content
    closed_row = _row(api_as("admin"), draw_id)
    assert "exclusions_sealed" in _codes(closed_row["flags"])  # until the day fixed by the window (F2)
    start_kept_out_checks(api_as, draw_id)  # the checks' start changes nothing (F2: it used to lift the seal)
    # a started check is public (manual_checks_started), nothing else moves
    assert {**_row(api_as("admin"), draw_id), "manual_checks_started": None} == {**closed_row,
                                                                                 "manual_checks_started": None}
    past_counts_day(monkeypatch, draw_id)
    published = _row(api_as("admin"), draw_id)
    assert _codes(published["flags"])["drew_fewer_than_n"]["candidates"] == flags["drew_fewer_than_n"]["candidates"]
    assert published["parameters"]["pool_size"] == mine["parameters"]["pool_size"]


def test_an_inspector_or_another_lead_reads_an_open_draw_s_commitment_as_an_outsider_does(api_as: Any,
                                                                                         insp: Any) -> None:
    """S1-4: the inspector kept off a check for a conflict read the live counts (and with the pool, the target)."""
    draw_id = _draw_with_a_unit_kept_out(api_as("lead"))
    other_lead: Any = UserFactory(role=Role.INSPECTION_LEAD)
    client = APIClient()
    client.force_login(other_lead)
    outsider = _row(api_as("discipline"), draw_id)
    assert _row(api_as("inspector"), draw_id) == outsider
    assert _row(client, draw_id) == outsider


def test_an_open_draw_s_sealed_commitment_has_one_shape_whatever_was_left_out() -> None:
    """The marker is there while sealed even when nothing was removed: its presence would say something was."""
    for _ in range(2):
        CounterFactory(unit=UnitFactory())
    lead: Any = UserFactory(role=Role.INSPECTION_LEAD)
    start = _weekday(timezone.localdate() + timedelta(days=5))
    draw = services_draws.draw_create(by=lead, n=1, start=start, end=start + timedelta(days=10),
                                      pool=[lead, UserFactory(role=Role.INSPECTOR)])  # a team of two (issue 15)
    assert not {"excluded_pending_check", "drew_fewer_than_n", "floor_units_left_out"} & {f["code"] for f in draw.flags}
    admin = APIClient()
    admin.force_login(cast(Any, UserFactory(role=Role.ADMIN, officer=None)))
    assert "exclusions_sealed" in _codes(_row(admin, draw.pk)["flags"])


def _world() -> tuple[Any, Any, Any]:
    unit = UnitFactory()
    CounterFactory(unit=unit)
    lead: Any = UserFactory(role=Role.INSPECTION_LEAD, officer=OfficerFactory())
    unlinked: Any = UserFactory(role=Role.INSPECTOR, officer=None, username="taikhoan-moi")
    return unit, lead, unlinked


def test_a_draw_puts_no_account_without_an_officer_on_a_team_and_says_why() -> None:
    _, lead, unlinked = _world()
    fit: Any = UserFactory(role=Role.INSPECTOR, officer=OfficerFactory())
    start = _weekday(timezone.localdate() + timedelta(days=5))
    draw = services_draws.draw_create(by=lead, n=1, start=start, end=start + timedelta(days=10), team_size=3,
                                      pool=[lead, unlinked, fit])
    assert draw.checks.count() == 1
    assert not SurpriseCheck.objects.filter(team=unlinked).exists()
    assert unlinked.pk not in draw.params["pool"] and {lead.pk, fit.pk} <= set(draw.params["pool"])
    warning = next(w for w in draw.warnings if w["code"] == "members_left_out_of_teams")
    assert [p["user_id"] for p in warning["people"]] == [unlinked.pk]
    assert warning["people"][0]["reason"] == "no_officer"
    assert "chưa liên kết với cán bộ" in warning["vi"] and "xung đột lợi ích" in warning["vi"]
    assert Draw.objects.get(pk=draw.pk).params["unfit"] == [{"user_id": unlinked.pk, "reason": "no_officer"}]


def test_a_lead_cannot_put_an_account_without_an_officer_on_a_check_by_hand() -> None:
    unit, lead, unlinked = _world()
    day = _weekday(timezone.localdate() + timedelta(days=5))
    start = datetime.combine(day, time(8), tzinfo=LOCAL)
    with pytest.raises(DomainError) as refused:
        services_checks.check_create(by=lead, mode="dot_xuat", unit=unit, window_start=start,
                                     window_end=start + timedelta(hours=2), team=[unlinked])
    assert refused.value.code == "team_member_no_officer"
    assert "chưa liên kết với cán bộ" in str(refused.value.message)
    assert not SurpriseCheck.objects.exists()
    # the same person, once linked to an officer, may be put on it
    unlinked.officer = OfficerFactory()
    unlinked.save(update_fields=["officer"])
    check = services_checks.check_create(by=lead, mode="dot_xuat", unit=unit, window_start=start,
                                         window_end=start + timedelta(hours=2), team=[unlinked])
    assert set(check.team.values_list("pk", flat=True)) == {lead.pk, unlinked.pk}


def test_a_closed_draw_does_not_tell_an_inspector_why_a_unit_he_is_conflicted_with_was_left_out(api_as: Any,
                                                                                                insp: Any) -> None:
    """S1-4, the draw's own pages: closed, the draw is read by the whole team; CAX-KL was left out for a check
    planned by hand that is still planned, and the inspector who served there must not learn that."""
    from backend.accounts.models import User
    from inspection.secrecy import conflicted_unit_ids

    kl = Unit.objects.get(code="CAX-KL").pk
    assert kl in conflicted_unit_ids(User.objects.get(username="inspector"))  # the demo's conflict
    lead, inspector = api_as("lead"), api_as("inspector")
    draw_id = _draw_with_a_unit_kept_out(lead)
    for uid in SurpriseCheck.objects.filter(draw_id=draw_id, state="planned").values_list("uid", flat=True):
        done = lead.post(f"/api/inspection/checks/{uid}/cancel/", {"reason": "Thử khóa sổ đợt rút thăm"},
                         format="json")
        assert done.status_code == 200, done.content
    closed = lead.post(f"/api/inspection/draws/{draw_id}/close/", {"reason": "Khóa sổ đợt rút thăm thử"},
                       format="json")
    assert closed.status_code == 200, closed.content
    assert SurpriseCheck.objects.filter(unit_id=kl, draw__isnull=True, state="planned").exists()  # still secret
    mine = lead.get(f"/api/inspection/draws/{draw_id}/").json()
    assert {e["unit_id"]: e["reason"] for e in mine["excluded"]}[kl] == "planned_check_pending"
    detail = inspector.get(f"/api/inspection/draws/{draw_id}/")
    assert detail.status_code == 200, detail.content
    listed = inspector.get("/api/inspection/draws/").json()["results"]
    for body in (detail.json(), next(d for d in listed if d["id"] == draw_id)):
        excluded = {e["unit_id"]: e for e in body["params"]["excluded"]}
        assert excluded[kl] == {"unit_id": kl, "reason": "withheld"}
        assert not any("checks" in e for e in body["params"]["excluded"])  # no secret check's id
        for warning in body["warnings"]:
            if warning["code"] in ("excluded_pending_check", "floor_units_left_out"):
                assert kl not in [u["unit_id"] if isinstance(u, dict) else u for u in warning["units"]]
    assert {e["unit_id"]: e for e in detail.json()["excluded"]}[kl] == {"unit_id": kl, "reason": "withheld"}
