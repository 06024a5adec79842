"""CCHC tasks that count as they happened (issue 13, observation 7): a head cannot report a delivery
dated months before the report."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from backend.accounts.models import Role
from backend.core.errors import DomainError
from inspection.accountability import services as acc
from inspection.accountability.models import CchcTask
from tests.inspection.factories import UnitFactory, UserFactory


def _task(unit, due: date, *, late_registration: bool = False, delivered: date | None = None) -> CchcTask:
    title = f"Nhiệm vụ {CchcTask.objects.count() + 1}"
    return CchcTask.objects.create(unit=unit, year=due.year, title=title, target="100%", due_date=due,
                                   late_registration=late_registration, delivered_on=delivered,
                                   registered_by=UserFactory(role=Role.ADMIN), registered_at=timezone.now())


@pytest.mark.django_db
def test_a_head_cannot_report_a_delivery_dated_months_before_the_report():
    unit = UnitFactory()
    head = UserFactory(role=Role.UNIT_HEAD, scope_unit=unit)
    today = timezone.localdate()
    task = _task(unit, today)
    with pytest.raises(DomainError) as refused:
        acc.task_report_delivery(by=head, task=task, delivered_on=today - timedelta(days=240))
    assert "delivered_on" in (refused.value.fields or {})
    task.refresh_from_db()
    assert task.delivered_on is None
    assert acc.task_report_delivery(by=head, task=task, delivered_on=today - timedelta(days=3)).delivered_on
    # an admin may still correct an old date (audited)
    other = _task(unit, today)
    admin = UserFactory(role=Role.ADMIN)
    assert acc.task_report_delivery(by=admin, task=other, delivered_on=today - timedelta(days=240)).delivered_on
