"""What an administrator can learn or shift through the org pages: refusals name no record he may not see,
accountability is not shifted after the fact without a reason, mergers keep the tree whole, a unit head reads only
his postings.

Where these came from:
Issue 15, insider-adversary review of the org administration: what an administrator can learn or shift
through the org pages. Each case goes through the API with the demo's real roles.

1. org refusals never name (or hint at) a record the caller may not see; a planned check is not a record
   an org change looks at, so the answer is the same whether one exists or not;
2. accountability is not shifted after the fact without a reason: one head at a time (acting included),
   no inspection-team member as head, and any appointment created, corrected or ended across a recorded
   finding's period needs a reason, audited;
3. a merger does not leave sub-units under a unit that no longer exists, nor merge a unit into its own
   descendant;
4. a unit head reads only the postings in his units."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from backend.audit.models import AuditEvent
from backend.org.models import Assignment, FieldOfCharge, Unit, UnitLink
from inspection.models import Finding, SurpriseCheck
from tests.inspection.factories import AssignmentFactory, OfficerFactory, UnitFactory

VN = timezone.get_fixed_timezone(7 * 60)
pytestmark = pytest.mark.django_db


def _planned(insp) -> SurpriseCheck:
    return SurpriseCheck.objects.get(uid=insp.extra["inspection"]["planned_check"])


def _posting(insp, sn: str, code: str, **flags) -> Assignment:
    return Assignment.objects.get(officer=insp.officers[sn], unit=insp.units[code], **flags)


def _confirmed_absence(insp) -> Finding:
    return Finding.objects.get(pk=insp.extra["inspection"]["findings"][1])  # CAX-TC, 20/02–10/04/2026


def _draft(client, unit: Unit, day: date, officer_id: int) -> dict:
    response = client.post("/api/inspection/findings/", {
        "source": "footage", "category": "VANG_MAT", "title": "Vắng mặt tại quầy", "unit_id": unit.pk,
        "occurred_from": datetime(day.year, day.month, day.day, 9, 0, tzinfo=VN).isoformat(),
        "subjects": [{"officer_id": officer_id, "role": "violator"}]}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


# 1. secrecy -----------------------------------------------------------------------------------------

def test_a_planned_check_neither_blocks_nor_shows_when_its_unit_is_abolished(api_as, insp):
    check = _planned(insp)
    nd = insp.units["CAX-ND"]
    day = timezone.localtime(check.window_start).date()
    admin = api_as("admin")
    assert admin.get(f"/api/inspection/checks/{check.uid}/").status_code == 404  # the admin may not know of it
    response = admin.post(f"/api/org/units/{nd.pk}/abolish/",
                          {"on": day.isoformat(), "children_to_id": insp.units["CAT-NA"].pk}, format="json")
    # exactly what the admin gets for a unit with no planned check: it is done, and nothing names the check
    assert response.status_code == 200, response.content
    assert check.reference not in response.content.decode() and "kiểm tra" not in response.content.decode()
    event = AuditEvent.objects.filter(verb="unit.abolish", object_id=str(nd.pk)).latest("id")
    assert check.reference not in str(event.payload) and event.payload["cut"]["checks"] == []
    # the check is untouched, still known to its team (which handles the unit's end on its side)
    assert api_as("lead").get(f"/api/inspection/checks/{check.uid}/").status_code == 200
    check.refresh_from_db()
    assert check.state == SurpriseCheck.State.PLANNED


def test_a_planned_check_neither_blocks_nor_shows_when_its_unit_is_merged(api_as, insp):
    check = _planned(insp)
    day = timezone.localtime(check.window_start).date()
    into = UnitFactory.create(parent=insp.units["CAT-NA"], valid_from=day)
    response = api_as("admin").post("/api/org/units/merge/", {"unit_ids": [insp.units["CAX-ND"].pk],
                                                              "into_id": into.pk, "on": day.isoformat()},
                                    format="json")
    assert response.status_code == 200, response.content
    assert check.reference not in response.content.decode()


def test_a_started_check_the_admin_may_see_still_blocks_by_name(api_as, insp):
    signed = SurpriseCheck.objects.get(uid=insp.extra["inspection"]["signed_check"])  # CAX-TC, 14/04/2026
    into = UnitFactory.create(parent=insp.units["CAT-NA"], valid_from=date(2025, 7, 1))
    response = api_as("admin").post("/api/org/units/merge/", {
        "unit_ids": [insp.units["CAX-TC"].pk], "into_id": into.pk, "on": "2026-04-11",
        "reason": "Sáp nhập theo quyết định", "confirm": True}, format="json")
    assert response.status_code == 409, response.content
    assert signed.reference in response.json()["error"]["message"]


def test_ending_a_posting_never_names_a_draft_finding_or_whom_it_names(api_as, insp):
    """A draft the admin may not see is not looked at: no refusal, no reason demanded, nothing audited that
    names it (the answer is the one without the draft: test_org_draft_secrecy); confirming it is re-checked."""
    anh = _posting(insp, "NA-2104", "CAX-TC")  # one-stop clerk, still serving
    draft = _draft(api_as("inspector"), insp.units["CAX-TC"], date(2026, 10, 5), insp.officers["NA-2104"].pk)
    admin = api_as("admin")
    assert admin.get(f"/api/inspection/findings/{draft['id']}/").status_code == 404
    done = admin.post(f"/api/org/assignments/{anh.pk}/end/", {"on": "2026-09-30"}, format="json")
    assert done.status_code == 200, done.content
    assert draft["reference"] not in done.content.decode() and "05/10/2026" not in done.content.decode()
    event = AuditEvent.objects.filter(verb="assignment.end", object_id=str(anh.pk)).latest("id")
    assert not event.payload.get("findings")
    assert draft["reference"] not in str(event.payload)  # the admin reads the audit trail


# 2. accountability ----------------------------------------------------------------------------------

def _appoint(client, **body):
    return client.post("/api/org/assignments/", body, format="json")


def test_an_acting_head_cannot_overlap_the_head_or_another_acting_head(api_as, insp):
    admin = api_as("admin")
    tc = insp.units["CAX-TC"]
    body = {"unit_id": tc.pk, "position": "Quyền Trưởng Công an xã", "is_head": True, "is_acting": True,
            "valid_from": "2026-01-01", "valid_to": "2026-02-28", "reason": "Bổ sung quyết định giao quyền"}
    before = Assignment.objects.count()
    overlap = _appoint(admin, officer_id=OfficerFactory.create().pk, **body)
    assert overlap.status_code == 400, overlap.content
    assert overlap.json()["error"]["code"] == "head_overlap"
    assert "Nguyễn Văn Hùng" in overlap.json()["error"]["message"]  # the head of that period
    assert Assignment.objects.count() == before
    # a vacant post: one acting head, not two
    unit = UnitFactory.create(parent=insp.units["CAT-NA"], valid_from=date(2020, 1, 1))
    body["unit_id"] = unit.pk
    first = OfficerFactory.create(full_name="Quyền Thứ Nhất")
    assert _appoint(admin, officer_id=first.pk, **body).status_code == 201
    second = _appoint(admin, officer_id=OfficerFactory.create().pk, **{**body, "valid_from": "2026-02-01"})
    assert second.status_code == 400 and second.json()["error"]["code"] == "head_overlap"
    assert "quyền thủ trưởng" in second.json()["error"]["message"] and "Quyền Thứ Nhất" in second.json()["error"]["message"]
    # nor a substantive head over the acting one
    head = _appoint(admin, officer_id=OfficerFactory.create().pk, **{**body, "is_acting": False, "position": "Trưởng"})
    assert head.status_code == 400 and head.json()["error"]["code"] == "head_overlap"


def test_an_inspection_team_member_cannot_be_made_a_head(api_as, insp):
    officer = insp.users["inspector"].officer
    unit = UnitFactory.create(parent=insp.units["CAT-NA"], valid_from=date(2020, 1, 1))
    response = _appoint(api_as("admin"), officer_id=officer.pk, unit_id=unit.pk, position="Quyền Trưởng",
                        is_head=True, is_acting=True, valid_from="2026-01-01")
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "inspection_team_member"
    assert "Tổ kiểm tra" in response.json()["error"]["message"]
    assert not Assignment.objects.filter(officer=officer, unit=unit).exists()


def test_a_backdated_appointment_across_a_finding_needs_a_reason(api_as, insp):
    admin = api_as("admin")
    finding = _confirmed_absence(insp)
    officer = OfficerFactory.create()
    body = {"officer_id": officer.pk, "unit_id": insp.units["CAX-TC"].pk, "position": "Phó Trưởng Công an xã",
            "is_deputy": True, "valid_from": "2026-03-01", "valid_to": "2026-03-31",
            "field_id": FieldOfCharge.objects.get(code="HANH_CHINH").pk}
    refused = _appoint(admin, **body)
    assert refused.status_code == 409, refused.content
    assert refused.json()["error"]["code"] == "records_in_period"
    assert finding.reference in refused.json()["error"]["message"] and "lý do" in refused.json()["error"]["message"]
    assert not Assignment.objects.filter(officer=officer).exists()
    done = _appoint(admin, **body, reason="Nhập bổ sung quyết định 7/QĐ-CAT")
    assert done.status_code == 201, done.content
    event = AuditEvent.objects.filter(verb="assignment.create", object_id=str(done.json()["id"])).get()
    assert event.payload["reason"] == "Nhập bổ sung quyết định 7/QĐ-CAT"
    assert event.payload["findings"] == [finding.reference] and event.payload["correction"] is True
    # an appointment that meets no finding is plain data entry
    later = _appoint(admin, **{**body, "officer_id": OfficerFactory.create().pk, "valid_from": "2026-06-01",
                                "valid_to": None})
    assert later.status_code == 201, later.content


def test_rewriting_a_deputys_field_in_place_across_a_finding_needs_a_reason(api_as, insp):
    admin = api_as("admin")
    finding = _confirmed_absence(insp)
    hoa = _posting(insp, "NA-2103", "CAX-TC", is_deputy=True)
    other = FieldOfCharge.objects.exclude(pk=hoa.field_id).filter(active=True).first()
    url = f"/api/org/assignments/{hoa.pk}/"
    body = {"field_id": other.pk, "effective_from": hoa.valid_from.isoformat()}
    refused = admin.patch(url, body, format="json")
    assert refused.status_code == 409, refused.content
    assert refused.json()["error"]["code"] == "records_in_period"
    assert finding.reference in refused.json()["error"]["message"]
    old_field = hoa.field_id
    hoa.refresh_from_db()
    assert hoa.field_id == old_field
    # a change from a later day that meets no finding is the ordinary split, with no reason
    assert admin.patch(url, {"field_id": other.pk, "effective_from": "2026-06-01"}, format="json").status_code == 200
    hoa.refresh_from_db()
    assert hoa.field_id == old_field and hoa.valid_to == date(2026, 5, 31)
    # with a reason the correction is made and audited with the finding
    done = admin.patch(url, {**body, "reason": "Đính chính theo quyết định phân công 3/QĐ"}, format="json")
    assert done.status_code == 200, done.content
    event = AuditEvent.objects.filter(verb="assignment.set_field", object_id=str(hoa.pk)).latest("id")
    assert event.payload["reason"] == "Đính chính theo quyết định phân công 3/QĐ"
    assert finding.reference in event.payload["findings"] and event.payload["correction"] is True
    # what a trace reads to tell a liability recorded earlier that its org record changed since
    from backend.org.selectors import org_corrections

    tc = insp.units["CAX-TC"].pk
    [correction] = org_corrections(unit_ids=[tc], start=date(2026, 2, 20), end=date(2026, 4, 10),
                                   after=event.at - timedelta(seconds=1))
    assert correction.assignment_id == hoa.pk and correction.reason == "Đính chính theo quyết định phân công 3/QĐ"
    assert org_corrections(unit_ids=[tc], start=date(2026, 2, 20), end=date(2026, 4, 10), after=event.at) == []
    assert org_corrections(unit_ids=[insp.units["CAX-ND"].pk], start=date(2026, 2, 20), end=date(2026, 4, 10)) == []


def test_ending_a_posting_in_the_middle_of_a_violation_needs_a_reason(api_as, insp):
    admin = api_as("admin")
    finding = _confirmed_absence(insp)  # 20/02–10/04/2026, Lan the violator
    lan = _posting(insp, "NA-2105", "CAX-TC")
    url = f"/api/org/assignments/{lan.pk}/end/"
    refused = admin.post(url, {"on": "2026-03-01"}, format="json")  # after the start, before the end
    assert refused.status_code == 409, refused.content
    assert finding.reference in refused.json()["error"]["message"]
    lan.refresh_from_db()
    assert lan.valid_to is None
    done = admin.post(url, {"on": "2026-03-01", "reason": "Điều động theo quyết định 9/QĐ"}, format="json")
    assert done.status_code == 200, done.content
    event = AuditEvent.objects.filter(verb="assignment.end", object_id=str(lan.pk)).latest("id")
    assert event.payload["findings"] == [finding.reference] and event.payload["reason"] == "Điều động theo quyết định 9/QĐ"


# 3. mergers -----------------------------------------------------------------------------------------

def _district_with_commune(insp) -> tuple[Unit, Unit]:
    province = insp.units["CAT-NA"]
    district = UnitFactory.create(level="district", parent=province, valid_from=date(2000, 1, 1))
    UnitLink.objects.create(unit=district, parent=province, valid_from=date(2000, 1, 1))
    commune = UnitFactory.create(parent=district, valid_from=date(2000, 1, 1))
    UnitLink.objects.create(unit=commune, parent=district, valid_from=date(2000, 1, 1))
    return district, commune


def test_a_unit_with_sub_units_cannot_be_merged_away_from_them(api_as, insp):
    district, commune = _district_with_commune(insp)
    into = UnitFactory.create(parent=insp.units["CAT-NA"], valid_from=date(2000, 1, 1))
    on = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = api_as("admin").post("/api/org/units/merge/", {"unit_ids": [district.pk], "into_id": into.pk,
                                                              "on": on}, format="json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "children_remain" and commune.name in error["message"]
    assert "đơn vị trực thuộc" in error["message"]
    district.refresh_from_db()
    assert district.valid_to is None
    # merged together with its sub-units, nothing is left behind
    both = api_as("admin").post("/api/org/units/merge/", {"unit_ids": [district.pk, commune.pk],
                                                          "into_id": into.pk, "on": on}, format="json")
    assert both.status_code == 200, both.content


def test_a_unit_cannot_be_merged_into_its_own_descendant(api_as, insp):
    district, commune = _district_with_commune(insp)
    on = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = api_as("admin").post("/api/org/units/merge/", {"unit_ids": [district.pk], "into_id": commune.pk,
                                                              "on": on}, format="json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "into_descendant" and "cấp dưới của chính nó" in error["message"]
    district.refresh_from_db()
    assert district.valid_to is None and district.successor_id is None


# 4. scope -------------------------------------------------------------------------------------------

def test_a_unit_head_reads_only_the_postings_in_his_units(api_as, insp):
    officer = OfficerFactory.create()
    AssignmentFactory.create(officer=officer, unit=insp.units["CAX-ND"], valid_from=date(2025, 7, 1),
                      valid_to=date(2025, 12, 31))
    AssignmentFactory.create(officer=officer, unit=insp.units["CAX-TC"], valid_from=date(2026, 1, 1))
    unithead = api_as("unithead")
    assert unithead.get(f"/api/org/units/{insp.units['CAX-ND'].pk}/history/").status_code == 404
    body = unithead.get(f"/api/org/officers/{officer.pk}/?at=2025-09-01").json()
    assert [a["unit"]["code"] for a in body["assignments"]] == ["CAX-TC"]
    assert body["chain_of_command"] == []  # where he served that day is outside the unit head's units
    full = api_as("admin").get(f"/api/org/officers/{officer.pk}/").json()
    assert sorted(a["unit"]["code"] for a in full["assignments"]) == ["CAX-ND", "CAX-TC"]


# 5. the trace tells a recorded liability that its org record was corrected since ---------------------

def test_the_trace_notes_an_org_correction_made_after_a_liability_was_recorded(api_as, insp):
    from inspection.accountability.selectors import trace_for
    from inspection.accountability.services_liabilities import liabilities_propose
    from inspection.accountability.services_rulesets import ruleset_seed_default

    ruleset_seed_default(by="test")
    finding = _confirmed_absence(insp)  # CAX-TC, 20/02–10/04/2026, Lan the violator
    admin = api_as("admin")
    # a correction made before any liability was recorded is what the liability was built on: no notice
    anh = _posting(insp, "NA-2104", "CAX-TC")
    before = admin.post(f"/api/org/assignments/{anh.pk}/end/",
                        {"on": "2026-04-05", "reason": "Điều động theo quyết định 5/QĐ"}, format="json")
    assert before.status_code == 200, before.content
    assert not any(n.get("kind") == "org_corrected" for n in trace_for(finding=finding)["notes"])
    liabilities_propose(by=insp.users["discipline"], finding=finding)
    assert not any(n.get("kind") == "org_corrected" for n in trace_for(finding=finding)["notes"])

    lan = _posting(insp, "NA-2105", "CAX-TC")
    after = admin.post(f"/api/org/assignments/{lan.pk}/end/",
                       {"on": "2026-03-01", "reason": "Điều động theo quyết định 9/QĐ"}, format="json")
    assert after.status_code == 200, after.content
    [note] = [n for n in trace_for(finding=finding)["notes"] if n.get("kind") == "org_corrected"]
    assert "đã được đính chính sau khi ghi nhận trách nhiệm" in note["vi"]
    assert "Điều động theo quyết định 9/QĐ" in note["vi"] and "5/QĐ" not in note["vi"]
    assert insp.units["CAX-TC"].name in note["vi"] and "ngày kết thúc chức vụ" in note["vi"]
    assert "corrected after the liability was recorded" in note["en"]
