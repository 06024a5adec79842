"""The audit chain's verification tells nothing of sealed events: ok, or the first broken event by its listing
reference when the caller may list it.

Where these came from:
Issue 15 (insider review): the audit chain's verification answered `checked`, the number of events
verified. Compared over time against the events a caller can list, it dated the sealed ones (a planned
check being made). The answer now says only ok, or the kind of break and the first broken event's listing
reference (`ref`, never its chain hash: see test_audit_listing_secrecy) when that event is one the caller
may list."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from backend.audit.models import AuditEvent
from backend.audit.selectors import event_ref
from inspection.draw import LOCAL_TZ

pytestmark = pytest.mark.django_db


def _plan_through_api(insp: Any, api_as: Any) -> None:
    start = datetime.combine(timezone.localdate() + timedelta(days=5), time(9, 0), tzinfo=LOCAL_TZ)
    response = api_as("lead").post("/api/inspection/checks/", {
        "mode": "bi_mat", "unit_id": insp.units["CAX-ND"].pk, "team_ids": [insp.users["inspector"].pk],
        "window_start": start.isoformat(), "window_end": (start + timedelta(hours=2)).isoformat()}, format="json")
    assert response.status_code == 201, response.content


def test_planning_a_secret_check_leaves_the_verify_answer_byte_identical(api_as: Any, insp: Any) -> None:
    admin, discipline = api_as("admin"), api_as("discipline")
    before = admin.get("/api/audit/verify/")
    before_discipline = discipline.get("/api/audit/verify/")
    sealed_before = AuditEvent.objects.filter(object_type__endswith=".sealed").count()
    _plan_through_api(insp, api_as)
    assert AuditEvent.objects.filter(object_type__endswith=".sealed").count() > sealed_before
    after = admin.get("/api/audit/verify/")
    assert before.status_code == after.status_code == 200
    assert after.content == before.content
    assert after.json() == {"ok": True, "broken_at": None, "reason": "", "reason_en": ""}
    assert discipline.get("/api/audit/verify/").content == before_discipline.content


def _edit_payload(event_id: int) -> None:
    with connection.cursor() as cursor:  # behind the ORM's back, as a tamperer would
        cursor.execute("UPDATE audit_auditevent SET payload = %s WHERE id = %s", ['{"forged": 1}', event_id])


def test_a_broken_visible_event_is_named_by_its_ref_a_sealed_one_by_nothing(api_as: Any, insp: Any) -> None:
    _plan_through_api(insp, api_as)
    sealed = AuditEvent.objects.filter(object_type__endswith=".sealed").order_by("id").first()
    assert sealed is not None
    _edit_payload(sealed.pk)
    body = api_as("admin").get("/api/audit/verify/").json()
    assert body["ok"] is False and body["broken_at"] is None and "checked" not in body
    assert str(sealed.pk) not in body["reason"] + body["reason_en"]
    visible = AuditEvent.objects.exclude(object_type__endswith=".sealed").filter(id__lt=sealed.pk).order_by("id").last()
    assert visible is not None
    _edit_payload(visible.pk)
    body = api_as("admin").get("/api/audit/verify/").json()
    assert body == {"ok": False, "broken_at": event_ref(visible.pk), "reason": "Nội dung một sự kiện đã bị sửa.",
                    "reason_en": "An event's content was edited."}
