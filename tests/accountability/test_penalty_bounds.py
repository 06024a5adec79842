"""The bounds of a penalty, on the API: a head is never punished above the violator, a complaint's answer never makes
it heavier, joint responsibility keeps its cap, self-detection exemptions, a case open while the officer may
complain, and a rule set version that keeps the law's bounds.

Where these came from:
Review of issue 12 (accountability and discipline): what the disciplinary officer would say, on the API.

Each test names the officer's complaint; each failed before the fix it guards.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from backend.accounts.models import Role
from backend.audit.models import AuditEvent
from inspection.accountability import defaults
from inspection.accountability.models import DisciplinaryCase, LeaderLiability
from inspection.models import FindingSubject
from tests.accountability.factories import PASSWORD, CategoryFactory, FindingFactory, UserFactory
from tests.accountability.test_officer_scenarios import (
    council,
    decide,
    member,
    open_case,
    propose,
    propose_form,
    province_with_commune,
    to_considering,
)
from tests.conftest import login_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def discipline() -> Any:
    return login_client(UserFactory.create(role=Role.DISCIPLINARY).username, PASSWORD)


@pytest.fixture
def admin() -> Any:
    return login_client(UserFactory.create(role=Role.ADMIN).username, PASSWORD)


def today() -> str:
    return timezone.localdate().isoformat()


def decided_case(client: Any, officer: Any, findings: list[Any], form: str) -> dict[str, Any]:
    case = open_case(client, officer, findings)
    to_considering(client, case)
    assert propose_form(client, case, form).status_code == 200
    council(client, case, today())
    r = decide(client, case, form, today())
    assert r.status_code == 200, r.content
    return r.json()


def absence() -> Any:
    return CategoryFactory.create(code="VANG_MAT_T", name_vi="Vắng mặt tại quầy", name_en="Absent")


def fees() -> Any:
    return CategoryFactory.create(code="THU_PHI", name_vi="Thu tiền, phí ngoài quy định", name_en="Unofficial fee")


# --- 1 (adv F1) -----------------------------------------------------------------------------------


def test_a_head_only_named_in_the_finding_is_never_punished_above_the_violator(discipline: Any) -> None:
    province, unit, director, head = province_with_commune()
    finding = FindingFactory.create(unit=unit, category=absence(), severity="serious", violators=[member(unit)])
    FindingSubject.objects.create(finding=finding, officer=head, role=FindingSubject.Role.RESPONSIBLE_HEAD)
    case = open_case(discipline, head, [finding])
    computed = case["computed"]
    assert computed["computed_form"]["code"] == "phe_binh"  # the joint rule's default, not the violator's rule
    to_considering(discipline, case)
    r = propose_form(discipline, case, "cach_chuc")
    assert r.status_code == 400 and r.json()["error"]["code"] == "heavier_than_violator"
    assert "Cảnh cáo" in r.json()["error"]["message"]  # the violator's own form for a serious violation
    assert propose_form(discipline, case, "canh_cao").status_code == 200
    council(discipline, case, today())
    r = decide(discipline, case, "cach_chuc", today())
    assert r.status_code == 400 and r.json()["error"]["code"] == "heavier_than_violator"
    assert DisciplinaryCase.objects.get(pk=case["id"]).decided_form is None


def test_a_head_flagged_as_covering_up_is_still_handled_as_a_violator(discipline: Any) -> None:
    province, unit, director, head = province_with_commune()
    finding = FindingFactory.create(unit=unit, category=absence(), severity="serious", violators=[member(unit)])
    FindingSubject.objects.create(finding=finding, officer=head, role=FindingSubject.Role.RESPONSIBLE_HEAD,
                                  covered_up=True)
    case = open_case(discipline, head, [finding])
    assert case["computed"]["computed_form"]["code"] == "canh_cao"
    to_considering(discipline, case)
    assert propose_form(discipline, case, "giang_cap").status_code == 200


# --- 2 (adv F3, user F5, F15) ----------------------------------------------------------------------


def test_answering_his_own_complaint_never_makes_the_penalty_heavier_and_keeps_the_original_decision(
        discipline: Any) -> None:
    province, unit, director, head = province_with_commune()
    violator = member(unit)
    finding = FindingFactory.create(unit=unit, category=absence(), severity="less_serious", violators=[violator])
    case = decided_case(discipline, violator, [finding], "khien_trach")
    url = f"/api/accountability/cases/{case['id']}/appeal/"
    assert discipline.post(url, {"filed_on": today(), "text": "Khiếu nại quyết định kỷ luật"},
                           format="json").status_code == 200
    heavier = {"result": "changed", "decided_on": today(), "note": "Xem xét lại", "form": "tuoc_danh_hieu"}
    r = discipline.post(url + "resolve/", heavier, format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "heavier_on_complaint"
    assert "không được làm nặng hơn" in r.json()["error"]["message"] and "Khiển trách" in r.json()["error"]["message"]
    decided = DisciplinaryCase.objects.get(pk=case["id"]).decided_form
    assert decided is not None and decided.code == "khien_trach"
    lighter = {"result": "changed", "decided_on": today(), "note": "Có tình tiết giảm nhẹ mới", "form": "phe_binh",
               "decision_number": "7/QĐ-GQKN", "signer": "Phó Giám đốc Nguyễn Văn A"}
    r = discipline.post(url + "resolve/", lighter, format="json")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["decided_form"]["code"] == "phe_binh" and body["original_form"]["code"] == "khien_trach"
    assert body["decision_number"] == "15/QĐ-CAT" and body["decision_date"] == today()
    assert body["appeal_decision_number"] == "7/QĐ-GQKN" and body["appeal_signer"] == "Phó Giám đốc Nguyễn Văn A"
    assert body["appeal_decided_on"] == today()


def test_a_complaint_answer_keeps_the_joint_responsibility_cap(discipline: Any) -> None:
    """A head whose joint liability was confirmed: the answer cannot go above the violator's form either
    (here the decision itself is at the cap, so any change is lighter; a change to a form heavier than
    the violator's is refused by both bounds)."""
    province, unit, director, head = province_with_commune()
    finding = FindingFactory.create(unit=unit, category=absence(), severity="less_serious", violators=[member(unit)])
    [liab] = [x for x in propose(discipline, finding) if x["officer"]["id"] == head.pk]
    r = discipline.post(f"/api/accountability/liabilities/{liab['id']}/confirm/",
                        {"reason": "Xác nhận trách nhiệm liên đới"}, format="json")
    assert r.status_code == 200, r.content
    case = open_case(discipline, head, [], liability_id=liab["id"])
    to_considering(discipline, case)
    assert propose_form(discipline, case, "phe_binh").status_code == 200
    r = decide(discipline, case, "phe_binh", today())
    assert r.status_code == 200, r.content
    url = f"/api/accountability/cases/{case['id']}/appeal/"
    assert discipline.post(url, {"filed_on": today(), "text": "Khiếu nại quyết định kỷ luật"},
                           format="json").status_code == 200
    r = discipline.post(url + "resolve/", {"result": "changed", "decided_on": today(), "note": "Xem xét lại",
                                           "form": "canh_cao"}, format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "heavier_on_complaint"
    decided = DisciplinaryCase.objects.get(pk=case["id"]).decided_form
    assert decided is not None and decided.code == "phe_binh"


# --- 3 (adv F11) ----------------------------------------------------------------------------------


def test_a_leader_liable_for_corruption_is_confirmed_only_on_the_nd59_ladder(discipline: Any) -> None:
    province, unit, director, head = province_with_commune()
    finding = FindingFactory.create(unit=unit, category=fees(), severity="serious", violators=[member(unit)])
    [liab] = [x for x in propose(discipline, finding) if x["officer"]["id"] == head.pk]
    assert liab["rule"]["code"] == "TN-H2"
    url = f"/api/accountability/liabilities/{liab['id']}/confirm/"
    for form in ("tuoc_danh_hieu", "giang_cap", "phe_binh"):
        r = discipline.post(url, {"reason": "Xác nhận với hình thức khác", "form": form}, format="json")
        assert r.status_code == 400 and r.json()["error"]["code"] == "form_not_allowed", (form, r.content)
        assert "Khiển trách, Cảnh cáo, Cách chức" in r.json()["error"]["message"]
    assert LeaderLiability.objects.get(pk=liab["id"]).state == "proposed"
    r = discipline.post(url, {"reason": "Xác nhận với hình thức khác", "form": "khien_trach"}, format="json")
    assert r.status_code == 200 and r.json()["confirmed_form"]["code"] == "khien_trach", r.content


def test_joint_responsibility_confirmed_with_another_form_stays_under_the_violator(discipline: Any) -> None:
    province, unit, director, head = province_with_commune()
    finding = FindingFactory.create(unit=unit, category=absence(), severity="less_serious", violators=[member(unit)])
    [liab] = [x for x in propose(discipline, finding) if x["officer"]["id"] == head.pk]
    url = f"/api/accountability/liabilities/{liab['id']}/confirm/"
    r = discipline.post(url, {"reason": "Xác nhận với hình thức khác", "form": "cach_chuc"}, format="json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "heavier_than_violator"


# --- 4 (user F8, adv F8) --------------------------------------------------------------------------


def test_a_head_exempted_for_self_detection_cannot_be_confirmed_and_the_exemption_can_be_withdrawn(
        discipline: Any) -> None:
    province, unit, director, head = province_with_commune()
    finding = FindingFactory.create(unit=unit, category=fees(), severity="serious", violators=[member(unit)])
    [liab] = [x for x in propose(discipline, finding) if x["officer"]["id"] == head.pk]
    base = f"/api/accountability/findings/{finding.pk}/self-detections/"
    r = discipline.post(base, {"officer_id": head.pk, "note": "Tự phát hiện, lập biên bản ngày 02/06"},
                        format="json")
    assert r.status_code == 201, r.content
    record = r.json()["id"]
    confirm = f"/api/accountability/liabilities/{liab['id']}/confirm/"
    r = discipline.post(confirm, {"reason": "Xác nhận trách nhiệm"}, format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "exempt_self_detected"
    assert "Điều 73" in r.json()["error"]["message"]
    r = discipline.post(f"{base}{record}/withdraw/", {"reason": ""}, format="json")
    assert r.status_code == 400
    r = discipline.post(f"{base}{record}/withdraw/", {"reason": "Ghi nhầm: việc phát hiện do Thanh tra"},
                        format="json")
    assert r.status_code == 204, r.content
    audit = AuditEvent.objects.get(verb="accountability.self_detection.withdraw")
    assert audit.payload["reason"] == "Ghi nhầm: việc phát hiện do Thanh tra" and audit.payload["officer"] == head.pk
    r = discipline.post(confirm, {"reason": "Xác nhận trách nhiệm"}, format="json")
    assert r.status_code == 200, r.content


def test_self_detection_is_only_recorded_for_corruption_and_for_a_liable_leader_not_covering_up(
        discipline: Any) -> None:
    province, unit, director, head = province_with_commune()
    plain = FindingFactory.create(unit=unit, category=absence(), severity="serious", violators=[member(unit)])
    note = {"officer_id": head.pk, "note": "Tự phát hiện và xử lý"}
    r = discipline.post(f"/api/accountability/findings/{plain.pk}/self-detections/", note, format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_corruption"
    covered = FindingFactory.create(unit=unit, category=fees(), severity="serious", violators=[member(unit)])
    FindingSubject.objects.create(finding=covered, officer=head, role=FindingSubject.Role.RESPONSIBLE_HEAD,
                                  covered_up=True)
    r = discipline.post(f"/api/accountability/findings/{covered.pk}/self-detections/", note, format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "flagged_knew_or_covered"
    from tests.accountability.factories import AssignmentFactory

    traffic_deputy = AssignmentFactory.create(unit=unit, is_deputy=True, position="Phó Trưởng Công an xã",
                                       field="GIAO_THONG").officer
    fee = FindingFactory.create(unit=unit, category=CategoryFactory.create(code="THU_PHI", fields=["HANH_CHINH"]),
                         severity="serious", violators=[member(unit)])
    r = discipline.post(f"/api/accountability/findings/{fee.pk}/self-detections/",
                        {"officer_id": traffic_deputy.pk, "note": "Tự phát hiện và xử lý"}, format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_related", r.content


# --- 5 (adv F10) ----------------------------------------------------------------------------------


def test_a_decided_case_is_not_closed_while_the_officer_may_still_complain(discipline: Any) -> None:
    province, unit, director, head = province_with_commune()
    violator = member(unit)
    finding = FindingFactory.create(unit=unit, category=absence(), severity="less_serious", violators=[violator])
    case = decided_case(discipline, violator, [finding], "khien_trach")
    transition = f"/api/accountability/cases/{case['id']}/transition/"
    r = discipline.post(transition, {"to": "closed", "note": "Đóng hồ sơ"}, format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "complaint_window_open"
    last = (timezone.localdate() + timedelta(days=15)).strftime("%d/%m/%Y")
    assert last in r.json()["error"]["message"]
    assert discipline.post(f"/api/accountability/cases/{case['id']}/appeal/",
                           {"filed_on": today(), "text": "Khiếu nại trong hạn 15 ngày"}, format="json"
                           ).status_code == 200
    # once the window has run out, the case closes
    other = member(unit)
    old = decided_case(discipline, other, [FindingFactory.create(unit=unit, category=absence(), severity="less_serious",
                                                          violators=[other])], "khien_trach")
    DisciplinaryCase.objects.filter(pk=old["id"]).update(
        decision_received_on=timezone.localdate() - timedelta(days=16))
    r = discipline.post(f"/api/accountability/cases/{old['id']}/transition/", {"to": "closed", "note": "Đóng"},
                        format="json")
    assert r.status_code == 200, r.content


# --- 6, 7 (adv F5, F6) ----------------------------------------------------------------------------


def _rule(payload: dict[str, Any], code: str) -> dict[str, Any]:
    return next(r for r in payload["rules"] if r["code"] == code)


@pytest.mark.parametrize("change,code", [
    (lambda p: _rule(p, "LD-H1").update(form="tuoc_danh_hieu", cap_at_violator=False), "against_law"),
    (lambda p: _rule(p, "LD-D1").update(cap_at_violator=False), "against_law"),
    (lambda p: _rule(p, "TN-H2").update(form="tuoc_danh_hieu"), "against_law"),
    (lambda p: next(f for f in p["forms"] if f["code"] == "khien_trach").update(limitation_years=50), "against_law"),
    (lambda p: next(f for f in p["forms"] if f["code"] == "canh_cao").update(limitation_years=2), "against_law"),
    (lambda p: p.update(complaint_days=365), "against_law"),
    (lambda p: p.update(second_complaint_days=3), "against_law"),
    (lambda p: _rule(p, "LD-H1").update(basis="..........."), "invalid"),
    (lambda p: _rule(p, "LD-H1").update(basis="-- ;; ,, !! ??"), "invalid"),
])
def test_a_new_rule_set_version_cannot_drop_the_laws_bounds(admin: Any, change: Any, code: str) -> None:
    payload = defaults.ruleset_payload()
    change(payload)
    r = admin.post("/api/accountability/rulesets/", payload, format="json")
    assert r.status_code == 400 and r.json()["error"]["code"] == code, r.content
    assert admin.get("/api/accountability/rulesets/current/").json()["version"] == 1


def test_a_new_rule_set_version_leaves_decided_liabilities_and_cases_on_their_version(
        admin: Any, discipline: Any) -> None:
    province, unit, director, head = province_with_commune()
    violator = member(unit)
    finding = FindingFactory.create(unit=unit, category=absence(), severity="less_serious", violators=[violator])
    [liab] = [x for x in propose(discipline, finding) if x["officer"]["id"] == head.pk]
    assert discipline.post(f"/api/accountability/liabilities/{liab['id']}/confirm/",
                           {"reason": "Xác nhận trách nhiệm liên đới"}, format="json").status_code == 200
    case = decided_case(discipline, violator, [finding], "khien_trach")
    payload = defaults.ruleset_payload()
    _rule(payload, "LD-H1").update(form="khien_trach")  # still capped at the violator's form
    r = admin.post("/api/accountability/rulesets/", {**payload, "note": "LD-H1 khiển trách"}, format="json")
    assert r.status_code == 201, r.content
    mine = discipline.get(f"/api/accountability/liabilities/{liab['id']}/").json()
    assert mine["state"] == "confirmed" and mine["ruleset_version"] == 1
    assert mine["confirmed_form"]["code"] == "phe_binh"
    again = propose(discipline, finding)  # a fresh proposal keeps the decided one, creates none for him
    assert head.pk not in {x["officer"]["id"] for x in again}
    assert discipline.get(f"/api/accountability/cases/{case['id']}/").json()["ruleset_version"] == 1
