"""Issue 15 (user review, ui15): a finding was confirmed with no named officer and its violation time
defaulted to "now". Accountability lands on the officers who violated and on their heads as of the
violation day, so the violation time is an explicit entry (refused in words when missing) and a finding
is confirmed only with a named subject, or as a unit-level finding whose reason is recorded."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.utils import timezone

from inspection.models import Finding

VN = timezone.get_fixed_timezone(7 * 60)
WHEN = datetime(2026, 10, 5, 9, 0, tzinfo=VN).isoformat()
REASON = "Camera không ghi rõ mặt, không xác định được cán bộ nào đã vắng mặt"
pytestmark = pytest.mark.django_db


def _body(unit_id: int, **extra: Any) -> dict[str, Any]:
    return {"source": "footage", "category": "VANG_MAT", "title": "Vắng mặt tại quầy", "unit_id": unit_id,
            "occurred_from": WHEN, **extra}


def _confirm(client: Any, finding_id: int) -> Any:
    return client.post(f"/api/inspection/findings/{finding_id}/transition/",
                       {"to": "confirmed", "reason": "Đã xác minh qua hình ảnh"}, format="json")


def test_a_finding_without_its_violation_time_is_refused_in_words(api_as, insp):
    body = _body(insp.units["CAX-TC"].pk)
    del body["occurred_from"]
    before = Finding.objects.count()
    refused = api_as("inspector").post("/api/inspection/findings/", body, format="json")
    assert refused.status_code == 400, refused.content
    error = refused.json()["error"]
    assert error["code"] == "required" and "occurred_from" in error["fields"]
    assert "Chưa nhập thời điểm vi phạm" in error["message"]
    null = api_as("inspector").post("/api/inspection/findings/", {**body, "occurred_from": None}, format="json")
    assert null.status_code == 400 and null.json()["error"]["code"] == "required"
    assert Finding.objects.count() == before


def test_a_finding_with_no_named_officer_is_not_confirmed_without_a_unit_level_reason(api_as, insp):
    created = api_as("inspector").post("/api/inspection/findings/", _body(insp.units["CAX-TC"].pk), format="json")
    assert created.status_code == 201, created.content
    fid = created.json()["id"]
    assert created.json()["unit_level_reason"] == ""
    refused = _confirm(api_as("lead"), fid)
    assert refused.status_code == 409, refused.content
    assert refused.json()["error"]["code"] == "finding_without_subject"
    assert "chưa có cán bộ vi phạm" in refused.json()["error"]["message"]
    assert Finding.objects.get(pk=fid).state == Finding.State.DRAFT
    # "x" is not a reason
    short = api_as("lead").patch(f"/api/inspection/findings/{fid}/", {"unit_level_reason": "không rõ"}, format="json")
    assert short.status_code == 400 and "unit_level_reason" in short.json()["error"]["fields"]
    edited = api_as("lead").patch(f"/api/inspection/findings/{fid}/", {"unit_level_reason": REASON}, format="json")
    assert edited.status_code == 200, edited.content
    assert edited.json()["unit_level_reason"] == REASON
    confirmed = _confirm(api_as("lead"), fid)
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["state"] == "confirmed" and confirmed.json()["unit_level_reason"] == REASON


def test_a_finding_naming_an_officer_is_confirmed(api_as, insp):
    officer = insp.officers["NA-2104"]
    created = api_as("inspector").post("/api/inspection/findings/", _body(
        insp.units["CAX-TC"].pk, subjects=[{"officer_id": officer.pk, "role": "violator"}]), format="json")
    assert created.status_code == 201, created.content
    assert _confirm(api_as("lead"), created.json()["id"]).status_code == 200
