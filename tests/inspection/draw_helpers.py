"""Test helpers for draws: a closed draw is published to readers other than the drawing lead once every check that
kept a unit out of it has started (inspection.selectors_draws.draw_sealed_for)."""
from __future__ import annotations

from typing import Any

from inspection.models import Draw, SurpriseCheck


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
