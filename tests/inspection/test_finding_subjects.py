"""The subject of a finding served in its unit when it happened; the server refuses anyone else."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from inspection.models import Finding

VN = timezone.get_fixed_timezone(7 * 60)


def _body(insp, officer: str, role: str = "violator", at: datetime | None = None, unit: str = "CAX-TC") -> dict:
    return {"source": "footage", "category": "VANG_MAT", "title": "Vắng mặt", "unit_id": insp.units[unit].pk,
            "occurred_from": (at or timezone.now() - timedelta(days=2)).isoformat(),
            "subjects": [{"officer_id": insp.officers[officer].pk, "role": role}]}


@pytest.mark.django_db
def test_an_officer_of_another_unit_is_refused_with_a_clear_message(api_as, insp):
    lead = api_as("lead")
    before = Finding.objects.count()
    response = lead.post("/api/inspection/findings/", _body(insp, "NA-2202"), format="json")  # serves in Nam Đàn
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "subject_not_in_unit"
    assert "Nguyễn Thị Thu" in error["message"] and "không công tác tại Công an xã Thanh Chương" in error["message"]
    assert "subjects[0].officer_id" in error["fields"]
    assert Finding.objects.count() == before


@pytest.mark.django_db
def test_the_date_decides_who_served(api_as, insp):
    lead = api_as("lead")
    # NA-2101 headed Thanh Chương until 15/03/2026; NA-2102 from 16/03/2026
    march_10 = datetime(2026, 3, 10, 9, 0, tzinfo=VN)
    assert lead.post("/api/inspection/findings/", _body(insp, "NA-2101", "responsible_head", march_10),
                     format="json").status_code == 201
    refused = lead.post("/api/inspection/findings/", _body(insp, "NA-2102", "responsible_head", march_10),
                        format="json")
    assert refused.status_code == 400 and "10/03/2026" in refused.json()["error"]["message"]


@pytest.mark.django_db
def test_a_responsible_head_may_be_the_head_one_level_up(api_as, insp):
    from tests.inspection.factories import AssignmentFactory

    province_head = AssignmentFactory(unit=insp.units["CAT-NA"], is_head=True, position="Giám đốc").officer
    body = _body(insp, "NA-2104")
    body["subjects"] = [{"officer_id": province_head.pk, "role": "responsible_head"}]
    assert api_as("lead").post("/api/inspection/findings/", body, format="json").status_code == 201
    body["subjects"] = [{"officer_id": province_head.pk, "role": "violator"}]
    assert api_as("lead").post("/api/inspection/findings/", body, format="json").status_code == 400


@pytest.mark.django_db
def test_editing_the_date_rechecks_the_subjects(api_as, insp):
    lead = api_as("lead")
    # NA-2102 heads Thanh Chương from 16/03/2026 only
    created = lead.post("/api/inspection/findings/",
                        _body(insp, "NA-2102", "responsible_head", datetime(2026, 3, 20, 9, 0, tzinfo=VN)),
                        format="json")
    assert created.status_code == 201, created.content
    moved = lead.patch(f"/api/inspection/findings/{created.json()['id']}/",
                       {"occurred_from": datetime(2026, 3, 10, 9, 0, tzinfo=VN).isoformat()}, format="json")
    assert moved.status_code == 400 and moved.json()["error"]["code"] == "subject_not_in_unit"
    # before 1 July 2025 the commune did not exist at all: that is said first
    moved = lead.patch(f"/api/inspection/findings/{created.json()['id']}/",
                       {"occurred_from": datetime(2025, 5, 2, 9, 0, tzinfo=VN).isoformat()}, format="json")
    assert moved.status_code == 400 and moved.json()["error"]["code"] == "unit_not_active"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["inspector", "reviewer"])
def test_a_scoped_author_cannot_write_a_finding_into_a_unit_outside_his_scope(insp, role):
    """Seen by an adversary: the answer was 404 but the finding had been saved on the other unit."""
    from rest_framework.test import APIClient

    from backend.accounts.models import User

    author = User.objects.create_user(username=f"scoped-{role}", password="x", role=role,
                                      scope_unit=insp.units["CAX-TC"])
    client = APIClient()
    client.force_login(author)
    before = Finding.objects.count()
    body = {**_body(insp, "NA-2202", unit="CAX-ND"), "subjects": []}
    response = client.post("/api/inspection/findings/", body, format="json")
    assert response.status_code == 404, response.content
    assert Finding.objects.count() == before
    inside = client.post("/api/inspection/findings/", {**_body(insp, "NA-2104"), "subjects": []}, format="json")
    assert inside.status_code == 201, inside.content


@pytest.mark.django_db
def test_the_period_is_checked_against_the_units_existence(api_as, insp):
    lead = api_as("lead")
    before = Finding.objects.count()
    # xã Thanh Chương exists from 01/07/2025 (a finding naming no one yet is checked too)
    body = _body(insp, "NA-2104", at=datetime(2025, 6, 1, 9, 0, tzinfo=VN))
    body["subjects"] = []
    r = lead.post("/api/inspection/findings/", body, format="json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "unit_not_active", r.content
    assert "01/07/2025" in r.json()["error"]["message"]
    # thị trấn Thanh Chương ended on 30/06/2025 (merged): a violation starting after it is refused
    body = _body(insp, "NA-2104", at=datetime(2025, 7, 5, 9, 0, tzinfo=VN), unit="CAX-TTTC")
    body["subjects"] = []
    r = lead.post("/api/inspection/findings/", body, format="json")
    assert r.status_code == 400 and "Công an xã Thanh Chương" in r.json()["error"]["message"], r.content
    assert Finding.objects.count() == before
    # a period running past the merger is accepted: the trace follows the unit into its successor
    body = _body(insp, "NA-2104", at=datetime(2025, 6, 1, 9, 0, tzinfo=VN), unit="CAX-TTTC")
    body["occurred_to"] = datetime(2025, 8, 31, 17, 0, tzinfo=VN).isoformat()
    assert lead.post("/api/inspection/findings/", body, format="json").status_code == 201


@pytest.mark.django_db
def test_a_responsible_head_held_a_head_post_then(api_as, insp):
    """Insider review (issue 15): a plain member of the unit (or anyone who served in a unit above it)
    was accepted as the responsible head."""
    from tests.inspection.factories import AssignmentFactory

    lead = api_as("lead")
    before = Finding.objects.count()
    march_20 = datetime(2026, 3, 20, 9, 0, tzinfo=VN)
    for number in ("NA-2104", "NA-2103"):  # a counter officer; the deputy (heads no unit)
        r = lead.post("/api/inspection/findings/", _body(insp, number, "responsible_head", march_20), format="json")
        assert r.status_code == 400, r.content
        error = r.json()["error"]
        assert error["code"] == "subject_not_head" and "subjects[0].role" in error["fields"]
        assert "không giữ chức vụ người đứng đầu" in error["message"] and "20/03/2026" in error["message"]
    # served in the province unit above, but not as its head
    clerk = AssignmentFactory(unit=insp.units["CAT-NA"], position="Cán bộ").officer
    body = _body(insp, "NA-2104", at=march_20)
    body["subjects"] = [{"officer_id": clerk.pk, "role": "responsible_head"}]
    r = lead.post("/api/inspection/findings/", body, format="json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "subject_not_head", r.content
    assert Finding.objects.count() == before
    # the head of the commune then, and the same counter officer as the violator, are accepted
    r = lead.post("/api/inspection/findings/", _body(insp, "NA-2102", "responsible_head", march_20), format="json")
    assert r.status_code == 201, r.content
    assert lead.post("/api/inspection/findings/", _body(insp, "NA-2104", "violator", march_20),
                     format="json").status_code == 201
