"""Test helpers for draws: a closed draw's counts are published to readers other than the drawing lead on a day fixed
by its window alone, never by the state of a check (inspection.selectors_draws.counts_published_at, F2)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from inspection.models import Draw, SurpriseCheck

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


def weekday_from(day: date) -> date:
    """The day itself, or the Monday after it when it falls on a weekend."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def local_at(day: date, hour: int) -> str:
    return datetime.combine(day, time(hour, 0), tzinfo=LOCAL).isoformat()


def commitments_row(client: Any, draw_id: int) -> dict[str, Any]:
    """The draw's row in the published commitments, as `client` reads it."""
    response = client.get("/api/inspection/draws/commitments/")
    assert response.status_code == 200, response.content
    return next(row for row in response.json() if row["id"] == draw_id)


def start_kept_out_checks(api_as: Any, draw_id: int) -> list[str]:
    """Start, each by its own lead, every check still planned that kept a unit out of the draw; their uids."""
    from backend.accounts.models import User

    uids = [uid for e in Draw.objects.get(pk=draw_id).params.get("excluded", []) for uid in e.get("checks", [])]
    started = []
    for check in SurpriseCheck.objects.filter(uid__in=uids, state=SurpriseCheck.State.PLANNED).order_by("window_start"):
        response = api_as(User.objects.get(pk=check.lead_id).username).post(
            f"/api/inspection/checks/{check.uid}/start/", {}, format="json")
        assert response.status_code == 200, response.content
        started.append(str(check.uid))
    return started


def past_counts_day(monkeypatch: Any, draw_id: int) -> None:
    """Move the draws' clock to the day the draw's counts are published (selectors_draws.counts_published_at:
    fixed by its window alone, F2), as readers other than the drawing lead then read them."""
    from inspection import selectors_draws

    day = selectors_draws.counts_published_at(Draw.objects.get(pk=draw_id))
    assert day is not None
    monkeypatch.setattr(selectors_draws, "_now", lambda: day)


def partner_id(username: str = "canbo-ghep") -> int:
    """A second member for a hand-made check (the two-person rule, issue 15): an inspector linked to an
    officer who served in no unit, so he is conflicted with none and known to no other secret."""
    from backend.accounts.models import Role, User
    from tests.inspection.factories import OfficerFactory

    user = User.objects.filter(username=username).first()
    if user is None:
        officer: Any = OfficerFactory()
        user = User.objects.create(username=username, role=Role.INSPECTOR, is_active=True, officer=officer)
    return int(user.pk)
