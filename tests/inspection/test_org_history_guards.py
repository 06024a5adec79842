"""Org history carries the accountability trace, so it is not rewritten silently (review rev15adv:
F1, F2, F5, F7, F9, F10). Each refusal is checked through the API as the admin, with its Vietnamese message."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from django.utils import timezone

from backend.audit.models import AuditEvent
from backend.org.models import Assignment, Unit, UnitLink
from inspection.models import Finding

VN = timezone.get_fixed_timezone(7 * 60)


def _posting(insp, sn: str, code: str) -> Assignment:
    return Assignment.objects.get(officer=insp.officers[sn], unit=insp.units[code])


def _heads(client, code: str, at: str) -> list[str]:
    body = client.get(f"/api/org/units/tree/?at={at}").json()
    return [h["officer"]["full_name"] for n in body["units"] if n["code"] == code for h in n["heads"]]


# F1 -------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_ending_an_ended_head_later_cannot_give_the_unit_two_heads(api_as, insp):
    admin = api_as("admin")
    hung = _posting(insp, "NA-2101", "CAX-TC")  # head 01/07/2025 – 15/03/2026, Đức from 16/03/2026
    response = admin.post(f"/api/org/assignments/{hung.pk}/end/",
                          {"on": "2026-06-30", "reason": "Đính chính theo quyết định"}, format="json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "head_overlap" and "Đơn vị đã có thủ trưởng" in error["message"]
    assert "Trần Minh Đức" in error["message"]
    hung.refresh_from_db()
    assert hung.valid_to == date(2026, 3, 15)
    assert _heads(admin, "CAX-TC", "2026-05-01") == ["Trần Minh Đức"]


@pytest.mark.django_db
def test_reopening_an_ended_posting_is_an_audited_correction_with_a_reason(api_as, insp):
    admin = api_as("admin")
    anh = _posting(insp, "NA-2104", "CAX-TTTC")  # ended 30/06/2025 when the town unit merged
    anh.valid_to = date(2025, 5, 31)
    anh.save(update_fields=["valid_to"])
    url = f"/api/org/assignments/{anh.pk}/end/"
    refused = admin.post(url, {"on": "2025-06-30"}, format="json")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "reason_required"
    assert "đính chính lịch sử" in refused.json()["error"]["message"]
    anh.refresh_from_db()
    assert anh.valid_to == date(2025, 5, 31)
    done = admin.post(url, {"on": "2025-06-30", "reason": "Nhập sai ngày quyết định điều động"}, format="json")
    assert done.status_code == 200, done.content
    event = AuditEvent.objects.filter(verb="assignment.end", object_id=str(anh.pk)).latest("id")
    assert event.payload["correction"] is True and event.payload["reason"] == "Nhập sai ngày quyết định điều động"


# F2 -------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_ending_a_posting_before_a_recorded_finding_is_refused_naming_the_finding(api_as, insp):
    admin = api_as("admin")
    lan = _posting(insp, "NA-2105", "CAX-TC")  # violator of the demo's finding of 20/02–10/04/2026
    finding = Finding.objects.get(pk=insp.extra["inspection"]["findings"][1])
    url = f"/api/org/assignments/{lan.pk}/end/"
    refused = admin.post(url, {"on": "2025-12-31"}, format="json")
    assert refused.status_code == 409, refused.content
    error = refused.json()["error"]
    assert error["code"] == "posting_has_findings"
    assert finding.reference in error["message"] and "Hoàng Thị Lan" in error["message"]
    assert error["message"].startswith("Không thể kết thúc chức vụ")
    lan.refresh_from_db()
    assert lan.valid_to is None
    # after the violation the posting ends normally
    assert admin.post(url, {"on": "2026-05-31"}, format="json").status_code == 200
    # and a mistaken end date can still be corrected, with a reason that is audited with the finding
    corrected = admin.post(url, {"on": "2026-01-31", "reason": "Quyết định điều động số 12 ngày 31/01/2026"},
                           format="json")
    assert corrected.status_code == 200, corrected.content
    event = AuditEvent.objects.filter(verb="assignment.end", object_id=str(lan.pk)).latest("id")
    # the rule is per unit (issue 15): every finding of the unit in the days it cuts is listed
    assert finding.reference in event.payload["findings"] and event.payload["correction"] is True


@pytest.mark.django_db
def test_ending_a_head_under_his_liability_is_refused(api_as, insp):
    from inspection.accountability.services_liabilities import liabilities_propose
    from inspection.accountability.services_rulesets import ruleset_seed_default

    ruleset_seed_default(by="test")
    finding = Finding.objects.get(pk=insp.extra["inspection"]["findings"][1])
    _, liabilities, *_ = liabilities_propose(by=insp.users["discipline"], finding=finding)
    hung = _posting(insp, "NA-2101", "CAX-TC")
    assert any(item.assignment_id == hung.pk for item in liabilities)
    refused = api_as("admin").post(f"/api/org/assignments/{hung.pk}/end/", {"on": "2026-02-01"}, format="json")
    assert refused.status_code == 409 and finding.reference in refused.json()["error"]["message"]
    hung.refresh_from_db()
    assert hung.valid_to == date(2026, 3, 15)


# F5 -------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_abolishing_a_live_unit_in_the_past_needs_a_reason_and_lists_what_it_cuts(api_as, insp):
    admin = api_as("admin")
    kl = insp.units["CAX-KL"]
    url = f"/api/org/units/{kl.pk}/abolish/"
    no_reason = admin.post(url, {"on": "2025-06-01"}, format="json")
    assert no_reason.status_code == 400 and no_reason.json()["error"]["code"] == "reason_required"
    assert "sửa lịch sử" in no_reason.json()["error"]["message"]
    unconfirmed = admin.post(url, {"on": "2025-06-01", "reason": "Giải thể theo quyết định"}, format="json")
    assert unconfirmed.status_code == 409 and unconfirmed.json()["error"]["code"] == "confirm_required"
    message = unconfirmed.json()["error"]["message"]
    assert "Đinh Công Tráng" in message and "Võ Thị Hằng" in message and "chức vụ" in message
    kl.refresh_from_db()
    assert kl.valid_to is None
    assert Assignment.objects.get(officer=insp.officers["NA-2301"], unit=kl).valid_to is None
    done = admin.post(url, {"on": "2025-06-01", "reason": "Giải thể theo quyết định", "confirm": True},
                      format="json")
    assert done.status_code == 200, done.content
    event = AuditEvent.objects.filter(verb="unit.abolish", object_id=str(kl.pk)).latest("id")
    assert event.payload["reason"] == "Giải thể theo quyết định" and len(event.payload["cut"]["postings"]) == 2


@pytest.mark.django_db
def test_a_unit_cannot_end_before_its_recorded_findings(api_as, insp):
    admin = api_as("admin")
    tc = insp.units["CAX-TC"]
    recent = api_as("inspector").post("/api/inspection/findings/", {
        "source": "footage", "category": "VANG_MAT", "title": "Vắng mặt", "unit_id": tc.pk,
        "occurred_from": datetime(2026, 10, 5, 9, 0, tzinfo=VN).isoformat(),
        "unit_level_reason": "Hình ảnh không cho thấy cán bộ nào, chưa xác định được cá nhân"}, format="json")
    assert recent.status_code == 201, recent.content
    into = Unit.objects.create(code="CAX-NEW", name="Công an xã Mới", search_name="cong an xa moi",
                               level="commune", valid_from=date(2025, 7, 1))
    # a draft the admin may not see is not looked at (test_org_draft_secrecy); confirmed, the admin may
    # see it: it blocks, named with its date
    confirmed = api_as("lead").post(f"/api/inspection/findings/{recent.json()['id']}/transition/",
                                    {"to": "confirmed", "reason": "Đã xác minh qua hình ảnh"}, format="json")
    assert confirmed.status_code == 200, confirmed.content
    response = admin.post("/api/org/units/merge/", {"unit_ids": [tc.pk], "into_id": into.pk, "on": "2026-06-01",
                                                    "reason": "Sáp nhập nhập bổ sung", "confirm": True},
                          format="json")
    error = response.json()["error"]
    assert response.status_code == 409 and "vi phạm" in error["message"]
    assert recent.json()["reference"] in error["message"] and "05/10/2026" in error["message"]


@pytest.mark.django_db
def test_abolishing_from_today_or_later_needs_no_reason(api_as, insp):
    unit = Unit.objects.create(code="CAX-T", name="Công an xã Thử", search_name="cong an xa thu",
                               level="commune", valid_from=date(2020, 1, 1))
    on = timezone.localdate().isoformat()
    response = api_as("admin").post(f"/api/org/units/{unit.pk}/abolish/", {"on": on}, format="json")
    assert response.status_code == 200, response.content


# F9 -------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_an_ended_unit_cannot_be_merged_again(api_as, insp):
    admin = api_as("admin")
    td = insp.units["CAX-TD"]  # merged into Thanh Chương from 01/07/2025
    for on in ("2025-07-01", "2025-06-01"):
        response = admin.post("/api/org/units/merge/", {"unit_ids": [td.pk], "into_id": insp.units["CAX-KL"].pk,
                                                        "on": on, "reason": "Thử sáp nhập lại"}, format="json")
        assert response.status_code == 400, response.content
        assert response.json()["error"]["code"] == "unit_not_active"
        assert "đã chấm dứt hoạt động từ 30/06/2025" in response.json()["error"]["message"]
    td.refresh_from_db()
    assert td.successor_id == insp.units["CAX-TC"].pk and td.valid_to == date(2025, 6, 30)


@pytest.mark.django_db
def test_a_unit_listed_twice_in_a_merge_is_refused(api_as, insp):
    unit = Unit.objects.create(code="CAX-T2", name="Công an xã Hai", search_name="cong an xa hai",
                               level="commune", valid_from=date(2020, 1, 1))
    on = timezone.localdate().isoformat()
    response = api_as("admin").post("/api/org/units/merge/", {"unit_ids": [unit.pk, unit.pk],
                                                              "into_id": insp.units["CAX-ND"].pk, "on": on},
                                    format="json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "duplicate"
    assert "bị lặp" in response.json()["error"]["message"]
    unit.refresh_from_db()
    assert unit.valid_to is None
    assert not AuditEvent.objects.filter(verb="unit.merge", object_id=str(unit.pk)).exists()


# F7 -------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_finding_on_a_unit_that_did_not_exist_that_day_is_refused(api_as, insp):
    inspector = api_as("inspector")
    before = Finding.objects.count()
    body = {"source": "footage", "category": "VANG_MAT", "title": "x", "unit_id": insp.units["CAX-TC"].pk,
            "occurred_from": datetime(2024, 1, 1, 9, 0, tzinfo=VN).isoformat()}
    response = inspector.post("/api/inspection/findings/", body, format="json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "unit_not_active"
    assert "không tồn tại vào thời điểm 01/01/2024" in error["message"]
    # it names the units that existed then (the merged predecessors)
    assert "Công an thị trấn Thanh Chương" in error["message"]
    # a unit after its end: the successor is named
    body.update(unit_id=insp.units["CAX-TD"].pk, occurred_from=datetime(2026, 1, 5, 9, 0, tzinfo=VN).isoformat())
    after = inspector.post("/api/inspection/findings/", body, format="json")
    assert after.status_code == 400 and "Đơn vị kế thừa: Công an xã Thanh Chương" in after.json()["error"]["message"]
    assert Finding.objects.count() == before
    # the unit that existed then is accepted
    body["occurred_from"] = datetime(2025, 6, 10, 9, 0, tzinfo=VN).isoformat()
    assert inspector.post("/api/inspection/findings/", body, format="json").status_code == 201


# F10 ------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_unit_cannot_be_created_under_a_parent_that_did_not_exist(api_as, insp):
    admin = api_as("admin")
    body = {"code": "X3", "name": "x", "level": "commune", "parent_id": insp.units["CAH-TC"].pk,
            "valid_from": "2026-01-01"}  # the district ended 28/02/2025
    response = admin.post("/api/org/units/", body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "parent_not_active"
    assert "không tồn tại vào ngày 01/01/2026" in response.json()["error"]["message"]
    body.update(parent_id=insp.units["CAX-TC"].pk, valid_from="2025-01-01")  # before the commune was set up
    assert admin.post("/api/org/units/", body, format="json").status_code == 400
    assert not Unit.objects.filter(code="X3").exists()
    # recorded history: a unit created under a parent that later ended has no parent after that end
    body.update(parent_id=insp.units["CAH-TC"].pk, valid_from="2024-01-01")
    created = admin.post("/api/org/units/", body, format="json")
    assert created.status_code == 201, created.content
    link = UnitLink.objects.get(unit_id=created.json()["id"])
    assert link.valid_to == date(2025, 2, 28)
