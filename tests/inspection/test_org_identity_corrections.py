"""Insider review, issue 15: accountability must not be shiftable after the fact without trace. An officer's
identity (name, service number, date of birth) and a unit's name are not dated: changing them makes the
trace and the reports print the new ones for the past. When a recorded finding or liability names the
officer or the unit, the change is a correction: it needs a reason (409 reason_required otherwise), is
audited with it, and the trace of a finding whose liability was recorded before lists it. Through the API
with the demo's real roles."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from django.utils import timezone

from backend.audit.models import AuditEvent
from inspection.models import Finding
from tests.inspection.factories import AssignmentFactory, OfficerFactory, UnitFactory

VN = timezone.get_fixed_timezone(7 * 60)
pytestmark = pytest.mark.django_db

REASON = "Đính chính theo hồ sơ nhân sự 12/QĐ"


def _confirmed_absence(insp) -> Finding:
    return Finding.objects.get(pk=insp.extra["inspection"]["findings"][1])  # CAX-TC, 20/02–10/04/2026


def _violator(finding: Finding):
    return finding.subjects.select_related("officer").get(role="violator").officer


def test_correcting_a_violators_name_and_number_needs_a_reason_and_is_audited(api_as, insp):
    finding = _confirmed_absence(insp)
    officer = _violator(finding)
    old_name, old_number = officer.full_name, officer.service_number
    admin = api_as("admin")
    url = f"/api/org/officers/{officer.pk}/"
    body = {"full_name": "Hoàng Thị Lành", "service_number": "NA-2199"}
    refused = admin.patch(url, body, format="json")
    assert refused.status_code == 409, refused.content
    error = refused.json()["error"]
    assert error["code"] == "reason_required" and error["fields"] == {"reason": ["required"]}
    assert error["message"].startswith("Đính chính nhân thân cán bộ") and finding.reference in error["message"]
    officer.refresh_from_db()
    assert (officer.full_name, officer.service_number) == (old_name, old_number)  # nothing half-written
    assert not AuditEvent.objects.filter(verb="officer.update", object_id=str(officer.pk)).exists()
    # a too-short reason is no reason
    assert admin.patch(url, {**body, "reason": "  sửa "}, format="json").status_code == 409
    done = admin.patch(url, {**body, "reason": REASON}, format="json")
    assert done.status_code == 200, done.content
    event = AuditEvent.objects.filter(verb="officer.update", object_id=str(officer.pk)).latest("id")
    assert event.payload["correction"] is True and event.payload["reason"] == REASON
    assert event.payload["findings"] == [finding.reference]
    assert event.payload["changes"]["full_name"] == [old_name, "Hoàng Thị Lành"]
    assert event.payload["changes"]["service_number"] == [old_number, "NA-2199"]


def test_a_rank_change_or_an_officer_no_finding_names_needs_no_reason(api_as, insp):
    admin = api_as("admin")
    officer = _violator(_confirmed_absence(insp))
    # a promotion is not an identity correction
    assert admin.patch(f"/api/org/officers/{officer.pk}/", {"rank": "Trung úy"}, format="json").status_code == 200
    free = OfficerFactory.create()
    done = admin.patch(f"/api/org/officers/{free.pk}/", {"full_name": "Nguyễn Văn Mới"}, format="json")
    assert done.status_code == 200, done.content
    event = AuditEvent.objects.filter(verb="officer.update", object_id=str(free.pk)).latest("id")
    assert "correction" not in event.payload


def test_renaming_a_unit_a_finding_names_needs_a_reason_and_is_audited(api_as, insp):
    finding = _confirmed_absence(insp)
    unit = finding.unit
    old = unit.name
    admin = api_as("admin")
    url = f"/api/org/units/{unit.pk}/"
    refused = admin.patch(url, {"name": f"{old} (đổi tên)"}, format="json")
    assert refused.status_code == 409, refused.content
    error = refused.json()["error"]
    assert error["code"] == "reason_required" and error["message"].startswith("Đổi tên đơn vị")
    assert finding.reference in error["message"]
    unit.refresh_from_db()
    assert unit.name == old
    done = admin.patch(url, {"name": f"{old} (đổi tên)", "reason": REASON}, format="json")
    assert done.status_code == 200, done.content
    event = AuditEvent.objects.filter(verb="unit.rename", object_id=str(unit.pk)).latest("id")
    assert {k: event.payload[k] for k in ("from", "to", "correction", "reason")} == {
        "from": old, "to": f"{old} (đổi tên)", "correction": True, "reason": REASON}
    assert finding.reference in event.payload["findings"]
    # a unit no finding names is renamed as before
    free = UnitFactory.create()
    assert admin.patch(f"/api/org/units/{free.pk}/", {"name": "Công an xã Mới"}, format="json").status_code == 200


def test_an_unpublished_finding_does_not_change_the_admins_answer(api_as, insp):
    """A draft the admin may not see is not looked at by an org change (docs/architecture.md, "Org changes
    and secret records"): correcting the officer it names, or renaming its unit, is answered exactly as if
    the draft did not exist (no refusal, no neutral hint to bisect on), and the audit does not name it."""
    unit = UnitFactory.create(parent=insp.units["CAT-NA"], valid_from=date(2020, 1, 1))
    officer = OfficerFactory.create()
    AssignmentFactory.create(officer=officer, unit=unit, valid_from=date(2020, 1, 1))
    response = api_as("inspector").post("/api/inspection/findings/", {
        "source": "footage", "category": "VANG_MAT", "title": "Vắng mặt tại quầy", "unit_id": unit.pk,
        "occurred_from": datetime(2026, 10, 5, 9, 0, tzinfo=VN).isoformat(),
        "subjects": [{"officer_id": officer.pk, "role": "violator"}]}, format="json")
    assert response.status_code == 201, response.content
    draft = response.json()
    admin = api_as("admin")
    assert admin.get(f"/api/inspection/findings/{draft['id']}/").status_code == 404
    for url, body in ((f"/api/org/officers/{officer.pk}/", {"full_name": "Tên Khác"}),
                      (f"/api/org/units/{unit.pk}/", {"name": "Tên Đơn Vị Khác"})):
        answered = admin.patch(url, body, format="json")
        assert answered.status_code == 200, answered.content
        assert draft["reference"] not in answered.content.decode()
    for verb, pk in (("officer.update", officer.pk), ("unit.rename", unit.pk)):
        event = AuditEvent.objects.filter(verb=verb, object_id=str(pk)).latest("id")
        assert "correction" not in event.payload and draft["reference"] not in str(event.payload)


def test_the_trace_lists_identity_corrections_and_renames_made_after_the_liability(api_as, insp):
    from inspection.accountability.services_liabilities import liabilities_propose
    from inspection.accountability.services_rulesets import ruleset_seed_default

    ruleset_seed_default(by="test")
    finding = _confirmed_absence(insp)
    officer = _violator(finding)
    unit = finding.unit
    admin = api_as("admin")
    # a correction made before any liability was recorded is what the liability was built on: no notice
    before = admin.patch(f"/api/org/officers/{officer.pk}/", {"full_name": "Tên Trước Đó",
                                                              "reason": "Đính chính trước 1/QĐ"}, format="json")
    assert before.status_code == 200, before.content
    liabilities_propose(by=insp.users["discipline"], finding=finding)
    trace_url = f"/api/accountability/findings/{finding.pk}/trace/"
    reader = api_as("discipline")
    first = reader.get(trace_url)
    assert first.status_code == 200, first.content
    assert not any(n.get("kind") == "org_corrected" for n in first.json()["notes"])

    officer.refresh_from_db()
    old_name, old_number, old_unit = officer.full_name, officer.service_number, unit.name
    assert old_name == "Tên Trước Đó"
    assert admin.patch(f"/api/org/officers/{officer.pk}/", {
        "full_name": "Hoàng Thị Lành", "service_number": "NA-2199", "reason": REASON}, format="json").status_code == 200
    assert admin.patch(f"/api/org/units/{unit.pk}/", {"name": f"{old_unit} (đổi tên)",
                                                       "reason": "Đổi tên theo quyết định 7/QĐ"},
                       format="json").status_code == 200
    response = reader.get(trace_url)
    assert response.status_code == 200, response.content
    [note] = [n for n in response.json()["notes"] if n.get("kind") == "org_corrected"]
    vi, en = note["vi"], note["en"]
    assert "đã được đính chính sau khi ghi nhận trách nhiệm" in vi
    assert f"họ tên {old_name} → Hoàng Thị Lành" in vi and f"số hiệu {old_number} → NA-2199" in vi
    assert REASON in vi and "Đính chính trước 1/QĐ" not in vi
    assert f"tên {old_unit} → {old_unit} (đổi tên)" in vi and "Đổi tên theo quyết định 7/QĐ" in vi
    assert "admin" in vi or insp.users["admin"].get_full_name() in vi
    assert f"service number {old_number} → NA-2199" in en and "unit renamed" in en
    # the finding's report PDF carries the same notice next to the new name
    import io

    from pypdf import PdfReader

    pdf = reader.get(f"/api/accountability/findings/{finding.pk}/report.pdf")
    assert pdf.status_code == 200
    text = " ".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages).split())
    assert "đã được đính chính sau khi ghi nhận trách nhiệm" in text and "NA-2199" in text
    assert "Đổi tên theo quyết định 7/QĐ" in text
