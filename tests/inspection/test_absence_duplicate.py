"""Insider S3: the same absence (same person, same day) was recorded twice. A second absence over days the person
is already away is refused with a Vietnamese message; once the first is withdrawn, the days may be entered again."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from backend.accounts.models import Role
from inspection.models import InspectorAbsence
from tests.inspection.factories import UserFactory
from tests.inspection.test_absence_privacy import _client

LEAVE = "Cán bộ nghỉ phép theo quyết định số 12/QĐ-CAX"


def _post(by, person, start, days: int = 0):
    return _client(by).post("/api/inspection/absences/", {
        "user": person.pk, "kind": "leave", "start": start.isoformat(), "end": (start + timedelta(days=days)).isoformat(),
        "reason": LEAVE}, format="json")


@pytest.mark.django_db
def test_the_same_absence_twice_is_refused() -> None:
    lead = UserFactory(role=Role.INSPECTION_LEAD)
    person: Any = UserFactory(role=Role.INSPECTOR)
    day = timezone.localdate() + timedelta(days=3)
    assert _post(lead, person, day).status_code == 201
    again = _post(lead, person, day)
    assert again.status_code == 409, again.content
    error = again.json()["error"]
    assert error["code"] == "absence_duplicate" and "đã có lần vắng mặt" in error["message"]
    overlapping = _post(lead, person, day - timedelta(days=2), days=4)
    assert overlapping.status_code == 409
    assert InspectorAbsence.objects.filter(user=person).count() == 1
    # another person the same day, or the same person another day: fine
    assert _post(lead, UserFactory(role=Role.INSPECTOR), day).status_code == 201
    assert _post(lead, person, day + timedelta(days=1)).status_code == 201
    # withdrawn, the day may be entered again
    first = InspectorAbsence.objects.filter(user=person).order_by("start").first()
    assert first is not None
    back = _client(lead).post(f"/api/inspection/absences/{first.pk}/withdraw/",
                              {"reason": "Cán bộ hủy nghỉ phép, trở lại làm việc"}, format="json")
    assert back.status_code == 200, back.content
    assert _post(lead, person, day).status_code == 201
