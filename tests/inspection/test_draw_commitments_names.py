"""The public commitments name who drew by rank and name, not by login."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from backend.accounts.models import Role
from inspection import services_draws
from tests.inspection.factories import CounterFactory, OfficerFactory, UnitFactory, UserFactory


@pytest.mark.django_db
def test_the_commitment_names_the_lead_by_rank_and_name_not_login():
    for _ in range(2):
        CounterFactory(unit=UnitFactory())
    officer = OfficerFactory(full_name="Đặng Văn Bình", rank="Trung tá")
    lead = UserFactory(role=Role.INSPECTION_LEAD, username="lead", officer=officer)
    # no officer: he may draw, but is put on no team (secrecy.team_unfit_reason), so the pool is the other lead
    plain = UserFactory(role=Role.INSPECTION_LEAD, username="lead2", first_name="Minh", last_name="Lê", officer=None)
    start = timezone.localdate() + timedelta(days=3)
    mine = services_draws.draw_create(by=lead, n=1, start=start, end=start + timedelta(days=10), pool=[lead])
    other = services_draws.draw_create(by=plain, n=1, start=start + timedelta(days=30), end=start + timedelta(days=40),
                                 pool=[lead])
    client = APIClient()
    client.force_login(UserFactory(role=Role.DISCIPLINARY))
    rows = {r["id"]: r for r in client.get("/api/inspection/draws/commitments/").json()}
    assert rows[mine.pk]["created_by"] == "Trung tá Đặng Văn Bình"
    assert rows[other.pk]["created_by"] == plain.get_full_name() != "lead2"  # no officer: the account's name
