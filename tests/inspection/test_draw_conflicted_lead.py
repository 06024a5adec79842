"""A lead kept off a check of his own draw for a conflict of interest reads one count of planned checks everywhere
and never the check; people on checks are named by rank and name.

Where these came from:
Issue 13, an inspection lead's month (finding 3): a lead kept off one check of his own draw for a
conflict of interest reads the same count of planned checks on the draw card, the draw list and home
(the check he may not see included), and the check stays hidden from him."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from backend.org.models import Assignment, Unit
from inspection.models import SurpriseCheck
from tests.inspection.draw_helpers import partner_id

pytestmark = pytest.mark.django_db


def test_a_conflicted_lead_reads_one_count_of_planned_checks_everywhere(api_as, insp):
    lead = insp.users["lead"]
    Assignment.objects.create(officer_id=lead.officer_id, unit=Unit.objects.get(code="CAX-KL"),
                              position="Phó trưởng Công an xã", valid_from=date(2025, 7, 1),
                              valid_to=timezone.localdate() - timedelta(days=30))
    client = api_as("lead")
    partner_id()  # the CAX-KL check he is kept off still has a team of two (issue 15)
    start = timezone.localdate() + timedelta(days=100)
    drawn = client.post("/api/inspection/draws/", {"n": 10, "start": start.isoformat(),
                                                   "end": (start + timedelta(days=11)).isoformat()}, format="json")
    assert drawn.status_code == 201, drawn.content
    draw_id = drawn.json()["id"]
    total = SurpriseCheck.objects.filter(draw_id=draw_id, state=SurpriseCheck.State.PLANNED).count()
    assert total == len(drawn.json()["result"])
    assert drawn.json()["planned_count"] == total
    detail = client.get(f"/api/inspection/draws/{draw_id}/").json()
    assert detail["planned_count"] == total
    listed = next(d for d in client.get("/api/inspection/draws/").json()["results"] if d["id"] == draw_id)
    assert listed["planned_count"] == total
    home = client.get("/api/home/").json()
    card = next(c for c in home["cards"] if c["key"] == "open_draws")
    assert card["rows"][0]["detail"] == str(total)
    # the one he is kept off stays out of his list of checks
    visible = client.get(f"/api/inspection/checks/?draw={draw_id}&state=planned&page_size=200").json()["count"]
    assert visible == total - 1


def test_people_on_checks_are_named_by_the_officer_s_rank_and_name_not_the_login(api_as, insp):
    """Finding 7: the draw team and the calendar showed logins ("province-inspector-4")."""
    from backend.accounts.models import User
    from backend.org.models import Officer

    lead = insp.users["lead"]
    User.objects.filter(pk=lead.pk).update(first_name="", last_name="")
    officer = Officer.objects.get(pk=lead.officer_id) if lead.officer_id else None
    assert officer is not None
    Officer.objects.filter(pk=officer.pk).update(rank="Thiếu tá", full_name="Trần Văn Bình")
    client = api_as("lead")
    start = timezone.localdate() + timedelta(days=100)
    drawn = client.post("/api/inspection/draws/", {"n": 3, "start": start.isoformat(),
                                                   "end": (start + timedelta(days=11)).isoformat()}, format="json")
    assert drawn.status_code == 201, drawn.content
    listed = client.get(f"/api/inspection/checks/?draw={drawn.json()['id']}&page_size=200").json()["results"]
    people = [p for c in listed for p in [c["lead"], *c["team"]] if p and p["id"] == lead.pk]
    assert people, "the lead is on none of his draw's checks"
    assert all(p["full_name"] == "Trần Văn Bình" and p["rank"] == "Thiếu tá" for p in people)
