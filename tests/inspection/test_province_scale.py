"""The full-size province (inspection/province.py): the draw and the rankings on 460 communes
merged into 130 (issue 13, "one test runs the draw and rankings on the full province")."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from backend.accounts.models import User
from backend.org.models import Assignment, Unit
from inspection import services_draws
from inspection.accountability.scoring import compute_rankings, year_period
from inspection.accountability.services_rulesets import scoring_policy_seed_default
from inspection.province import seed_province


@pytest.mark.django_db
def test_draw_and_rankings_on_the_full_province():
    province = seed_province(seed=7)
    assert len(province.old_communes) == 460 and len(province.communes) == 130
    assert Unit.objects.filter(level="commune", successor__isnull=False).count() == 460
    deputies = Assignment.objects.filter(is_deputy=True)
    assert deputies.count() == 590 and not deputies.filter(field__isnull=True).exists()  # every deputy has a field
    assert set(deputies.values_list("field__code", flat=True)) == {"HANH_CHINH"}
    lead = province.lead
    start = timezone.localdate() + timedelta(days=3)
    draw = services_draws.draw_create(by=lead, n=40, start=start, end=start + timedelta(days=27), floor_months=6,
                                      pool=list(User.objects.filter(username__startswith="province-")))
    assert draw.checks.count() == 40  # n is a promise, even with a backlog past the floor
    warning = {w["code"]: w for w in draw.warnings}.get("floor_exceeds_n")
    forced = sum(1 for c in draw.candidates if c["forced"])
    assert (warning is not None) == (forced > 40)
    # a successor whose predecessor was checked in the seeded history is not "new"
    by_unit = {c["unit_id"]: c for c in draw.candidates}
    inherited = [u for u in province.communes if by_unit[u.pk]["last_checked"] != u.valid_from.isoformat()]
    assert inherited
    rankings = compute_rankings(level="commune", period=year_period(timezone.localdate().year),
                                policy=scoring_policy_seed_default(by="test"))
    assert rankings["units"] == 130
    assert all(r["score"] is not None for r in rankings["rows"] if r["rank"] is not None)
    assert all(r["note_vi"].startswith("Chưa có dữ liệu") for r in rankings["rows"] if r["rank"] is None)
