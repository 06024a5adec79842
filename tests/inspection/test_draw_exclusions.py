"""rev15user F5: a unit left out of a draw for a planned check names that check (reference and day)
to a reader who may see the check, and to nobody else."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from backend.accounts.services import user_create
from inspection.models import SurpriseCheck
from tests.conftest import login_client


@pytest.mark.django_db
def test_the_exclusion_names_the_planned_check_only_to_who_may_see_it(api_as, insp):
    lead = api_as("lead")
    start = timezone.localdate() + timedelta(days=1)
    while start.weekday() != 0:
        start += timedelta(days=1)
    lead.post("/api/inspection/risk/", {}, format="json")
    r = lead.post("/api/inspection/draws/", {"n": 3, "start": start.isoformat(),
                                             "end": (start + timedelta(days=27)).isoformat()}, format="json")
    assert r.status_code == 201, r.content
    draw_id = r.json()["id"]
    planned = SurpriseCheck.objects.get(uid=insp.extra["inspection"]["planned_check"])
    nd = insp.units["CAX-ND"].pk

    excluded = {e["unit_id"]: e for e in lead.get(f"/api/inspection/draws/{draw_id}/").json()["excluded"]}
    assert excluded[nd]["reason"] == "planned_check_pending"
    assert excluded[nd]["check"] == {"reference": planned.reference,
                                     "date": timezone.localdate(planned.window_start).isoformat()}

    user_create(by="test", username="outsider", password="Song-Lam-Xanh-47", role="inspector", full_name="Ngoài tổ")
    outsider = login_client("outsider", "Song-Lam-Xanh-47")
    response = outsider.get(f"/api/inspection/draws/{draw_id}/")
    if response.status_code == 200:  # a draw the outsider may read never names a plan he may not see
        assert planned.reference not in response.content.decode()
