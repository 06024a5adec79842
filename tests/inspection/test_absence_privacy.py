"""Why an inspector is away is personal (user review, issue 15: the administrator's absences page
showed inspectors' medical reasons). The inspection lead, who plans the teams, and the person himself
read the kind and the reason; the other inspectors and the administrator see only who is unavailable
when, and the audit trail the administrator reads does not carry the reason either."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from backend.accounts.models import Role
from tests.inspection.factories import UserFactory

MEDICAL = "Điều trị viêm phổi tại bệnh viện tỉnh"


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _record(by, person) -> dict:
    start = timezone.localdate() + timedelta(days=2)
    response = _client(by).post("/api/inspection/absences/", {
        "user": person.pk, "kind": "illness", "start": start.isoformat(),
        "end": (start + timedelta(days=4)).isoformat(), "reason": MEDICAL}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def _listed(user, pk: int) -> dict:
    response = _client(user).get("/api/inspection/absences/")
    assert response.status_code == 200
    return next(a for a in response.json()["results"] if a["id"] == pk)


@pytest.mark.django_db
def test_the_reason_and_kind_of_an_absence_reach_the_lead_and_the_person_only():
    lead, admin = UserFactory(role=Role.INSPECTION_LEAD), UserFactory(role=Role.ADMIN)
    sick, colleague = UserFactory(role=Role.INSPECTOR), UserFactory(role=Role.INSPECTOR)
    created = _record(admin, sick)
    # the administrator records it, and is answered without reading back the medical details
    assert created["reason"] is None and created["kind"] is None and created["details_hidden"] is True
    for reader in (lead, sick):
        row = _listed(reader, created["id"])
        assert row["reason"] == MEDICAL and row["kind"] == "illness" and row["details_hidden"] is False
    for reader in (admin, colleague):
        row = _listed(reader, created["id"])
        assert row["reason"] is None and row["kind"] is None and row["details_hidden"] is True
        # who is unavailable when is still there
        assert row["user"]["id"] == sick.pk and row["start"] == created["start"] and row["end"] == created["end"]
        assert MEDICAL not in str(row)


@pytest.mark.django_db
def test_a_withdrawal_reason_is_personal_too_and_the_admins_audit_trail_hides_both():
    lead, admin, sick = UserFactory(role=Role.INSPECTION_LEAD), UserFactory(role=Role.ADMIN), UserFactory(role=Role.INSPECTOR)
    created = _record(lead, sick)
    back = "Đã xuất viện sớm hơn dự kiến, sức khỏe ổn định"
    withdrawn = _client(admin).post(f"/api/inspection/absences/{created['id']}/withdraw/", {"reason": back}, format="json")
    assert withdrawn.status_code == 200 and withdrawn.json()["withdraw_reason"] is None
    assert _listed(lead, created["id"])["withdraw_reason"] == back
    trail = _client(admin).get("/api/audit/events/", {"verb": "absence."}).json()["results"]
    assert {e["verb"] for e in trail} == {"absence.create", "absence.withdraw"}
    text = str(trail)
    assert MEDICAL not in text and back not in text and "illness" not in text
    # the rest of the event is still there (who, when), and the chain still verifies
    create = next(e for e in trail if e["verb"] == "absence.create")
    assert create["payload"]["user"] == sick.pk and create["payload"]["start"] == created["start"]
    assert _client(admin).get("/api/audit/verify/").json()["ok"] is True
