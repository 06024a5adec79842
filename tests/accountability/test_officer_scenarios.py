"""Issue 12: what a disciplinary officer of the provincial police would say, as scenarios on the API.

Each test builds its own province with factories, logs in for real and asks through the URLs.
The numbers in the names are those of the issue's observations.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from backend.accounts.models import Role, User
from backend.core.actors import SystemActor
from backend.org import services_units
from backend.org.models import Counter
from tests.accountability.factories import (
    PASSWORD,
    AssignmentFactory,
    CategoryFactory,
    FindingFactory,
    UnitFactory,
    UserFactory,
    case_opened_on,
)
from tests.conftest import login_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def discipline() -> Any:
    return login_client(UserFactory.create(role=Role.DISCIPLINARY).username, PASSWORD)


def province_with_commune(**commune: Any) -> tuple[Any, Any, Any, Any]:
    """(province, commune, province director, commune head), the commune directly under the province."""
    province = UnitFactory.create(level="province", name="Công an tỉnh Thử")
    unit = UnitFactory.create(parent=province, name="Công an xã Hòa Bình", **commune)
    director = AssignmentFactory.create(unit=province, is_head=True, position="Giám đốc Công an tỉnh",
                                 valid_from=date(2020, 1, 1)).officer
    head = AssignmentFactory.create(unit=unit, is_head=True, position="Trưởng Công an xã",
                             valid_from=date(2020, 1, 1)).officer
    return province, unit, director, head


def member(unit: Any, since: date = date(2020, 1, 1)) -> Any:
    return AssignmentFactory.create(unit=unit, position="Cán bộ", valid_from=since).officer


def propose(client: Any, finding: Any) -> list[dict[str, Any]]:
    r = client.post("/api/accountability/liabilities/", {"finding_id": finding.pk}, format="json")
    assert r.status_code == 201, r.content
    return r.json()["created"]


def open_case(client: Any, officer: Any, findings: list[Any], opened_on: date | None = None,
              **extra: Any) -> dict[str, Any]:
    r = client.post("/api/accountability/cases/", {"subject_kind": "officer", "officer_id": officer.pk,
                                                   "finding_ids": [f.pk for f in findings],
                                                   "title": "Xem xét kỷ luật", **extra}, format="json")
    assert r.status_code == 201, r.content
    if opened_on is not None:
        case_opened_on(r.json()["id"], opened_on)
    return r.json()


def propose_form(client: Any, case: dict[str, Any], form: str) -> Any:
    return client.post(f"/api/accountability/cases/{case['id']}/propose/",
                       {"form": form, "note": "Đề xuất theo kết quả xem xét của hội đồng"}, format="json")


def to_considering(client: Any, case: dict[str, Any]) -> None:
    r = client.post(f"/api/accountability/cases/{case['id']}/transition/",
                    {"to": "considering", "no_self_review_reason": "Cán bộ đang điều trị dài ngày tại bệnh viện"},
                    format="json")
    assert r.status_code == 200, r.content


def decide(client: Any, case: dict[str, Any], form: str, on: str) -> Any:
    return client.post(f"/api/accountability/cases/{case['id']}/decide/",
                       {"form": form, "decision_number": "15/QĐ-CAT", "authority": "Giám đốc Công an tỉnh",
                        "decision_date": on}, format="json")


def council(client: Any, case: dict[str, Any], on: str) -> None:
    r = client.post(f"/api/accountability/cases/{case['id']}/council/",
                    {"held_on": on, "note": "Hội đồng kỷ luật họp, biểu quyết đề nghị hình thức"}, format="json")
    assert r.status_code == 200, r.content


def forms_by_code(client: Any) -> dict[str, dict[str, Any]]:
    return {f["code"]: f for f in client.get("/api/accountability/rulesets/current/").json()["forms"]}


# --- 1: the NĐ 59/2019 ladder is for corruption; joint responsibility never above the violator -------


def test_a_head_is_not_dismissed_for_an_absence_and_never_answers_more_than_the_violator(discipline: Any) -> None:
    province, unit, director, head = province_with_commune()
    absence = CategoryFactory.create(code="VANG_MAT_T", name_vi="Vắng mặt tại quầy", name_en="Absent")
    violator = member(unit)
    finding = FindingFactory.create(unit=unit, category=absence, severity="very_serious", violators=[violator])
    created = propose(discipline, finding)
    forms = forms_by_code(discipline)
    own = forms["giang_cap"]  # the violator's own form for a very serious violation
    by_officer = {x["officer"]["id"]: x for x in created}
    assert by_officer[head.pk]["suggested_form"]["code"] == "phe_binh"
    assert by_officer[director.pk]["suggested_form"]["code"] == "phe_binh"
    assert all(x["suggested_form"]["level"] <= own["level"] for x in created)
    assert all(x["rule"]["code"].startswith("LD-") for x in created)
    rules = discipline.get("/api/accountability/rulesets/current/").json()["rules"]
    assert all(r["basis"] and "DESIGN.md" not in r["basis"] for r in rules)
    assert {r["code"] for r in rules if r["categories"] == "corruption"} >= {"TN-H1", "TN-H4"}


def test_corruption_in_the_unit_brings_the_nd59_ladder_to_its_head(discipline: Any) -> None:
    province, unit, director, head = province_with_commune()
    fees = CategoryFactory.create(code="THU_PHI", name_vi="Thu tiền, phí ngoài quy định", name_en="Unofficial fee")
    finding = FindingFactory.create(unit=unit, category=fees, severity="very_serious", violators=[member(unit)])
    created = propose(discipline, finding)
    [liability] = [x for x in created if x["officer"]["id"] == head.pk]
    assert liability["rule"]["code"] == "TN-H4" and liability["suggested_form"]["code"] == "cach_chuc"
    assert "Nghị định 59/2019" in liability["reason_vi"] and "Điều 78" in liability["reason_vi"]


def test_a_head_who_found_and_handled_the_corruption_himself_is_exempt(discipline: Any) -> None:
    province, unit, director, head = province_with_commune()
    fees = CategoryFactory.create(code="THU_PHI", name_vi="Thu tiền, phí ngoài quy định", name_en="Unofficial fee")
    finding = FindingFactory.create(unit=unit, category=fees, severity="serious", violators=[member(unit)])
    r = discipline.post(f"/api/accountability/findings/{finding.pk}/self-detections/",
                        {"officer_id": head.pk, "note": "Trưởng Công an xã tự phát hiện, lập biên bản ngày 02/06"},
                        format="json")
    assert r.status_code == 201, r.content
    trace = discipline.get(f"/api/accountability/findings/{finding.pk}/trace/").json()
    [row] = [ld for g in trace["units"] for ld in g["leaders"] if ld["officer"]["id"] == head.pk]
    assert row["suggested_form"] is None
    assert "Điều 73" in row["exemption"]["basis"] and "miễn trách nhiệm" in row["why_vi"]
    assert head.pk not in {x["officer"]["id"] for x in propose(discipline, finding)}


# --- 2: a deputy answers only for his field ----------------------------------------------------------


def test_a_traffic_finding_does_not_count_against_the_one_stop_deputy(discipline: Any) -> None:
    province, unit, director, head = province_with_commune()
    counter = Counter.objects.create(unit=unit, code="F-MC-1", name="Bộ phận một cửa")
    deputy = AssignmentFactory.create(unit=unit, is_deputy=True, position="Phó Trưởng Công an xã", field="HANH_CHINH",
                               in_charge_of="Bộ phận một cửa", valid_from=date(2020, 1, 1)).officer
    traffic = CategoryFactory.create(code="GIAO_THONG_T", name_vi="Vi phạm trật tự giao thông", name_en="Traffic",
                              fields=["GIAO_THONG"])
    one_stop = CategoryFactory.create(code="SAI_QT_T", name_vi="Sai quy trình tiếp nhận hồ sơ", name_en="Procedure",
                               fields=["HANH_CHINH"])
    FindingFactory.create(unit=unit, category=traffic, severity="serious", on=date(2026, 4, 1),
                   title="Xử lý vi phạm giao thông không lập biên bản", violators=[member(unit)])
    finding = FindingFactory.create(unit=unit, category=one_stop, severity="serious", on=date(2026, 5, 1), counter=counter,
                             title="Nhận hồ sơ không đúng quy trình", violators=[member(unit)])
    [mine] = [x for x in propose(discipline, finding) if x["officer"]["id"] == deputy.pk]
    assert mine["role"] == "deputy" and mine["rule"]["code"] == "LD-D1"
    assert mine["suggested_form"]["code"] == "phe_binh"


def test_the_traffic_deputy_does_not_answer_for_a_one_stop_finding_whatever_his_post_description_says(
        discipline: Any) -> None:
    _, unit, _, _ = province_with_commune()
    traffic_deputy = AssignmentFactory.create(unit=unit, is_deputy=True, position="Phó Trưởng Công an xã",
                                       field="GIAO_THONG", in_charge_of="Giao thông; hỗ trợ bộ phận một cửa",
                                       valid_from=date(2020, 1, 1)).officer
    one_stop = CategoryFactory.create(code="SAI_QT_T", name_vi="Sai quy trình tiếp nhận hồ sơ một cửa",
                               name_en="Procedure", fields=["HANH_CHINH"])
    finding = FindingFactory.create(unit=unit, category=one_stop, severity="serious", violators=[member(unit)],
                             title="Nhận hồ sơ tại bộ phận một cửa không đúng quy trình")
    assert traffic_deputy.pk not in {x["officer"]["id"] for x in propose(discipline, finding)}
    trace = discipline.get(f"/api/accountability/findings/{finding.pk}/trace/").json()
    [group] = trace["units"]
    assert trace["finding"]["category"]["fields"][0]["code"] == "HANH_CHINH"
    assert any("phụ trách lĩnh vực Trật tự, an toàn giao thông" in n["vi"] for n in group["notes"])


def test_a_deputy_with_no_field_on_record_answers_for_nothing_and_the_trace_says_so(discipline: Any) -> None:
    _, unit, _, _ = province_with_commune()
    deputy = AssignmentFactory.create(unit=unit, is_deputy=True, position="Phó Trưởng Công an xã",
                               in_charge_of="Bộ phận một cửa", valid_from=date(2020, 1, 1)).officer
    one_stop = CategoryFactory.create(code="SAI_QT_T", name_vi="Sai quy trình", name_en="Procedure", fields=["HANH_CHINH"])
    finding = FindingFactory.create(unit=unit, category=one_stop, violators=[member(unit)])
    assert deputy.pk not in {x["officer"]["id"] for x in propose(discipline, finding)}
    [group] = discipline.get(f"/api/accountability/findings/{finding.pk}/trace/").json()["units"]
    assert any(f"{deputy.full_name} chưa được ghi lĩnh vực phụ trách" in n["vi"] for n in group["notes"])


# --- 3: the upper level answers only through the subordinate unit where it happened -------------------


def test_the_provincial_director_does_not_answer_for_one_serious_finding_in_each_of_two_communes(
        discipline: Any) -> None:
    province, first, director, _ = province_with_commune()
    second = UnitFactory.create(parent=province, name="Công an xã Thắng Lợi")
    AssignmentFactory.create(unit=second, is_head=True, position="Trưởng Công an xã", valid_from=date(2020, 1, 1))
    FindingFactory.create(unit=first, severity="serious", on=date(2026, 4, 1), violators=[member(first)])
    finding = FindingFactory.create(unit=second, severity="serious", on=date(2026, 5, 1), violators=[member(second)])
    created = propose(discipline, finding)
    assert director.pk not in {x["officer"]["id"] for x in created}
    assert "upper_head" not in {x["role"] for x in created}


# --- 4: a violation across the district abolition names each upper head for his days ------------------


def test_a_violation_across_the_district_abolition_names_the_district_head_then_the_province(
        discipline: Any) -> None:
    province = UnitFactory.create(level="province", name="Công an tỉnh Thử")
    district = UnitFactory.create(level="district", parent=province, name="Công an huyện Cũ",
                           valid_to=date(2025, 2, 28))
    commune = UnitFactory.create(parent=district, name="Công an xã Ven Sông")
    services_units.unit_reparent(by=SystemActor("test"), unit=commune, parent=province, on=date(2025, 3, 1))
    district_head = AssignmentFactory.create(unit=district, is_head=True, position="Trưởng Công an huyện",
                                      valid_from=date(2020, 1, 1), valid_to=date(2025, 2, 28)).officer
    director = AssignmentFactory.create(unit=province, is_head=True, position="Giám đốc Công an tỉnh",
                                 valid_from=date(2020, 1, 1)).officer
    finding = FindingFactory.create(unit=commune, severity="very_serious", on=date(2025, 2, 20), to=date(2025, 3, 10),
                             violators=[member(commune)])
    trace = discipline.get(f"/api/accountability/findings/{finding.pk}/trace/").json()
    [group] = trace["units"]
    uppers = [(ld["officer"]["id"], ld["in_charge_from"], ld["in_charge_to"]) for ld in group["leaders"]
              if ld["role"] == "upper_head"]
    assert uppers == [(district_head.pk, "2025-02-20", "2025-02-28"), (director.pk, "2025-03-01", "2025-03-10")]
    assert [p["code"] for p in group["parents"]] == [district.code, province.code]
    liabilities = {x["officer"]["id"]: x for x in propose(discipline, finding) if x["role"] == "upper_head"}
    assert (liabilities[director.pk]["period_from"], liabilities[director.pk]["period_to"]) == (
        "2025-03-01", "2025-03-10")


# --- 5, 6: limitation per violation, from its own form, no restart by default -------------------------


def test_a_time_barred_violation_cannot_be_escalated_to_canh_cao(discipline: Any) -> None:
    _, unit, _, _ = province_with_commune()
    officer = member(unit)
    first = FindingFactory.create(unit=unit, on=date(2024, 3, 4), violators=[officer])
    second = FindingFactory.create(unit=unit, on=date(2024, 3, 5), violators=[officer])
    case = open_case(discipline, officer, [first, second], opened_on=date(2026, 8, 1))
    computed = case["computed"]
    assert [v["time_barred"] for v in computed["violations"]] == [True, True]
    assert computed["violations"][1]["limitation"]["deadline"] == "2026-03-05"
    assert computed["computed_form"] is None  # nothing left to handle, nothing to escalate
    to_considering(discipline, case)
    council(discipline, case, "2026-08-30")
    for form in ("khien_trach", "canh_cao"):
        r = decide(discipline, case, form, "2026-09-01")
        assert r.status_code == 409 and r.json()["error"]["code"] == "limitation_expired", (form, r.content)


def test_a_live_violation_is_not_escalated_by_a_time_barred_one(discipline: Any) -> None:
    _, unit, _, _ = province_with_commune()
    officer = member(unit)
    old = FindingFactory.create(unit=unit, on=date(2023, 1, 10), violators=[officer])
    new = FindingFactory.create(unit=unit, on=date(2026, 6, 1), violators=[officer])
    computed = open_case(discipline, officer, [old, new])["computed"]
    assert [s["code"] for s in computed["steps"]] == ["single", "factors"]
    assert computed["computed_form"]["code"] == "khien_trach"
    assert any("không tính để tăng nặng" in n["vi"] for n in computed["notes"])


def test_a_later_violation_elsewhere_does_not_move_the_limitation_deadline(discipline: Any) -> None:
    province, unit, _, _ = province_with_commune()
    elsewhere = UnitFactory.create(parent=province)
    officer = member(unit)
    old = FindingFactory.create(unit=unit, on=date(2022, 5, 10), violators=[officer])
    FindingFactory.create(unit=elsewhere, on=date(2023, 1, 1), violators=[officer])
    [violation] = open_case(discipline, officer, [old])["computed"]["violations"]
    limitation = violation["limitation"]
    assert limitation["deadline"] == "2024-05-10" and limitation["restarted_by"] is None
    assert violation["time_barred"] is True
    assert discipline.get("/api/accountability/rulesets/current/").json()["restart_on_new_violation"] is False


def test_a_violation_still_going_on_counts_from_its_discovery(discipline: Any) -> None:
    _, unit, _, _ = province_with_commune()
    officer = member(unit)
    ongoing = FindingFactory.create(unit=unit, on=date(2025, 1, 1), to=date(2026, 6, 30), recorded_on=date(2025, 6, 2),
                             violators=[officer])
    [violation] = open_case(discipline, officer, [ongoing])["computed"]["violations"]
    assert violation["limitation"]["start"] == "2025-06-02"
    assert violation["limitation"]["deadline"] == "2027-06-02"
    assert "ngày phát hiện" in violation["limitation"]["message_vi"]


def test_a_violation_of_a_category_without_limitation_never_expires(discipline: Any) -> None:
    _, unit, _, _ = province_with_commune()
    officer = member(unit)
    category = CategoryFactory.create(code="VAN_BANG_GIA", name_vi="Sử dụng văn bằng giả", name_en="Forged diploma")
    old = FindingFactory.create(unit=unit, category=category, on=date(2012, 1, 1), violators=[officer])
    [violation] = open_case(discipline, officer, [old])["computed"]["violations"]
    assert violation["limitation"]["status"] == "none" and violation["time_barred"] is False
    assert "Điều 80" in violation["limitation"]["basis"]


# --- 7: complaint windows, handling period, council -----------------------------------------------------


def decided_case(client: Any, on: str = "2026-06-01") -> dict[str, Any]:
    _, unit, _, _ = province_with_commune()
    officer = member(unit)
    case = open_case(client, officer, [FindingFactory.create(unit=unit, on=date(2026, 5, 1), violators=[officer])],
                     opened_on=date(2026, 5, 20))
    to_considering(client, case)
    assert propose_form(client, case, "khien_trach").status_code == 200
    council(client, case, on)
    r = decide(client, case, "khien_trach", on)
    assert r.status_code == 200, r.content
    return r.json()


def test_an_appeal_142_days_after_the_decision_is_refused_with_its_last_day(discipline: Any) -> None:
    case = decided_case(discipline)
    assert case["computed"]["deadlines"]["complaints"]["first"]["deadline"] == "2026-06-16"
    r = discipline.post(f"/api/accountability/cases/{case['id']}/appeal/",
                        {"filed_on": "2026-10-21", "text": "Đề nghị xem xét lại quyết định"}, format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "complaint_late"
    assert "16/06/2026" in r.json()["error"]["message"] and "15 ngày" in r.json()["error"]["message"]


def test_a_second_complaint_within_ten_days_of_the_answer_is_accepted(discipline: Any) -> None:
    case = decided_case(discipline)
    cid = case["id"]
    r = discipline.post(f"/api/accountability/cases/{cid}/appeal/",
                        {"filed_on": "2026-06-10", "text": "Khiếu nại lần đầu"}, format="json")
    assert r.status_code == 200, r.content
    r = discipline.post(f"/api/accountability/cases/{cid}/appeal/resolve/",
                        {"result": "upheld", "decided_on": "2026-06-20", "note": "Giữ nguyên quyết định"},
                        format="json")
    assert r.status_code == 200
    assert r.json()["computed"]["deadlines"]["complaints"]["second"]["deadline"] == "2026-06-30"
    r = discipline.post(f"/api/accountability/cases/{cid}/appeal/",
                        {"filed_on": "2026-06-28", "text": "Khiếu nại lần hai"}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["appeal2_filed_on"] == "2026-06-28" and r.json()["state"] == "appealed"
    discipline.post(f"/api/accountability/cases/{cid}/appeal/resolve/",
                    {"result": "upheld", "decided_on": "2026-07-10", "note": "Giữ nguyên lần hai"}, format="json")
    r = discipline.post(f"/api/accountability/cases/{cid}/appeal/",
                        {"filed_on": "2026-07-12", "text": "Khiếu nại lần ba"}, format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_appealed"


def test_a_case_shows_its_handling_deadline_90_days_or_150_when_complex(discipline: Any) -> None:
    _, unit, _, _ = province_with_commune()
    officer = member(unit)
    plain = open_case(discipline, officer, [FindingFactory.create(unit=unit, violators=[officer])])
    handling = plain["computed"]["deadlines"]["handling"]
    opened = date.fromisoformat(handling["opened_on"])
    assert handling["days"] == 90 and (date.fromisoformat(handling["deadline"]) - opened).days == 90
    assert "Điều 80" in handling["source"]
    complex_case = open_case(discipline, officer, [FindingFactory.create(unit=unit, violators=[officer])], is_complex=True)
    assert complex_case["computed"]["deadlines"]["handling"]["days"] == 150


def test_canh_cao_is_decided_only_after_the_disciplinary_council(discipline: Any) -> None:
    _, unit, _, _ = province_with_commune()
    officer = member(unit)
    case = open_case(discipline, officer, [FindingFactory.create(unit=unit, severity="serious", on=date(2026, 5, 1),
                                                          violators=[officer])], opened_on=date(2026, 5, 20))
    to_considering(discipline, case)
    assert propose_form(discipline, case, "canh_cao").status_code == 200
    r = decide(discipline, case, "canh_cao", "2026-06-01")
    assert r.status_code == 409 and r.json()["error"]["code"] == "council_required"
    council(discipline, case, "2026-05-28")
    assert decide(discipline, case, "canh_cao", "2026-06-01").status_code == 200


# --- 8: cases for the violator, from a liability, and a reason instead of a self-review -----------------


def test_a_case_opens_for_the_violator_with_a_reason_instead_of_a_self_review(discipline: Any) -> None:
    _, unit, _, _ = province_with_commune()
    officer = member(unit)
    case = open_case(discipline, officer, [FindingFactory.create(unit=unit, violators=[officer])])
    assert case["officer"]["id"] == officer.pk
    r = discipline.post(f"/api/accountability/cases/{case['id']}/transition/", {"to": "considering"}, format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "self_review_missing"
    to_considering(discipline, case)
    r = discipline.get(f"/api/accountability/cases/{case['id']}/")
    assert r.json()["self_review_waiver"] == "Cán bộ đang điều trị dài ngày tại bệnh viện"


def test_a_case_opens_from_a_confirmed_liability(discipline: Any) -> None:
    _, unit, _, head = province_with_commune()
    finding = FindingFactory.create(unit=unit, violators=[member(unit)])
    [liability] = [x for x in propose(discipline, finding) if x["officer"]["id"] == head.pk]
    r = discipline.post(f"/api/accountability/liabilities/{liability['id']}/confirm/",
                        {"reason": "Đúng người đứng đầu lúc vi phạm"}, format="json")
    assert r.status_code == 200
    r = discipline.post("/api/accountability/cases/", {"subject_kind": "officer", "liability_id": liability["id"],
                                                       "title": "Trách nhiệm người đứng đầu"}, format="json")
    assert r.status_code == 201, r.content
    assert r.json()["officer"]["id"] == head.pk and [f["id"] for f in r.json()["findings"]] == [finding.pk]


# --- 9: emulation consequences after a merger name the old commune's head ------------------------------


def test_emulation_after_a_merger_names_the_head_of_the_old_commune_where_it_happened(discipline: Any) -> None:
    province = UnitFactory.create(level="province")
    merged_into = UnitFactory.create(parent=province, name="Công an xã Mới")
    old = UnitFactory.create(parent=province, name="Công an xã Cũ", valid_to=date(2026, 2, 28), successor=merged_into)
    old_head = AssignmentFactory.create(unit=old, is_head=True, position="Trưởng Công an xã",
                                 valid_from=date(2020, 1, 1), valid_to=date(2026, 2, 28)).officer
    new_head = AssignmentFactory.create(unit=merged_into, is_head=True, position="Trưởng Công an xã",
                                 valid_from=date(2020, 1, 1)).officer
    violator = AssignmentFactory.create(unit=old, valid_from=date(2020, 1, 1), valid_to=date(2026, 2, 28)).officer
    FindingFactory.create(unit=old, severity="very_serious", on=date(2026, 2, 10), violators=[violator])
    rows = discipline.get("/api/accountability/rankings/?year=2026&level=commune").json()["rows"]
    [row] = [r for r in rows if r["unit"]["id"] == merged_into.pk]
    heads = row["emulation"]["heads"]
    assert [(h["officer"]["id"], h["unit"]["id"]) for h in heads] == [(old_head.pk, old.pk)]
    assert new_head.pk not in {h["officer"]["id"] for h in heads}
    assert "Công an xã Cũ" in heads[0]["reason_vi"]


# --- 10: each form is its own rung -----------------------------------------------------------------------


def test_each_disciplinary_form_is_its_own_rung_on_the_ladder(discipline: Any) -> None:
    forms = [f for f in forms_by_code(discipline).values() if f["subject_kind"] == "officer"]
    assert all("/" not in f["name_vi"] for f in forms)
    levels = {f["code"]: f["level"] for f in forms}
    assert len(set(levels.values())) == len(levels)
    assert levels["ha_bac_thi_dua"] < levels["khong_xet_tang"] < levels["khong_hoan_thanh"] < levels["khien_trach"]
    assert levels["giang_cap"] < levels["giang_chuc"] < levels["cach_chuc"] < levels["tuoc_danh_hieu"]
    assert all(f["basis"] for f in forms)


# --- the trace reads as Vietnamese a legal officer would sign --------------------------------------------


def test_the_trace_explanation_reads_as_natural_vietnamese(discipline: Any) -> None:
    _, unit, _, head = province_with_commune()
    finding = FindingFactory.create(unit=unit, on=date(2026, 6, 1), violators=[member(unit)])
    trace = discipline.get(f"/api/accountability/findings/{finding.pk}/trace/").json()
    [row] = [ld for g in trace["units"] for ld in g["leaders"] if ld["officer"]["id"] == head.pk]
    text = row["why_vi"]
    assert not re.search(r"từ (\d\d/\d\d/\d{4}) đến \1", text)  # one day is "ngày 01/06/2026"
    assert "ngày 01/06/2026" in text
    assert text.count("Công an xã Hòa Bình") == 1  # the post names the unit; it is not repeated
    assert "căn cứ:" in text and "Quy định của Công an tỉnh" in text


def test_a_post_that_names_the_level_is_joined_to_the_unit_name_once() -> None:
    from inspection.accountability.trace_output import post_title

    assert post_title("Trưởng Công an xã", "Công an xã Thanh Chương") == "Trưởng Công an xã Thanh Chương"
    assert post_title("Phó Trưởng Công an xã", "Công an xã Nam Đàn") == "Phó Trưởng Công an xã Nam Đàn"
    assert post_title("Giám đốc", "Công an tỉnh Nghệ An") == "Giám đốc Công an tỉnh Nghệ An"
    assert post_title("Trưởng Công an xã Hòa Bình", "Công an xã Hòa Bình") == "Trưởng Công an xã Hòa Bình"


# --- reviewer's refusal, item 1: no backdating, no silent second council, a proposal before the decision ---


def test_a_time_barred_violation_cannot_be_decided_by_backdating_the_decision(discipline: Any) -> None:
    _, unit, _, _ = province_with_commune()
    officer = member(unit)
    old = FindingFactory.create(unit=unit, on=date(2024, 3, 4), violators=[officer])  # barred since 04/03/2026
    case = open_case(discipline, officer, [old])  # opened today, long after the bar
    to_considering(discipline, case)
    r = decide(discipline, case, "khien_trach", "2026-01-15")  # a date before the bar, typed in
    assert r.status_code == 400 and r.json()["error"]["code"] == "date_out_of_range", r.content
    assert "ngày lập hồ sơ" in r.json()["error"]["message"]
    r = decide(discipline, case, "khien_trach", timezone.localdate().isoformat())
    assert r.status_code == 409 and r.json()["error"]["code"] == "limitation_expired"
    r = discipline.post(f"/api/accountability/cases/{case['id']}/council/",
                        {"held_on": "2026-01-10", "note": "Hội đồng kỷ luật họp"}, format="json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "date_out_of_range"
    assert discipline.get(f"/api/accountability/cases/{case['id']}/").json()["state"] == "considering"


def test_a_second_council_entry_does_not_silently_replace_the_first(discipline: Any) -> None:
    _, unit, _, _ = province_with_commune()
    officer = member(unit)
    case = open_case(discipline, officer, [FindingFactory.create(unit=unit, on=date(2026, 5, 1), violators=[officer])],
                     opened_on=date(2026, 5, 20))
    to_considering(discipline, case)
    council(discipline, case, "2026-06-01")
    r = discipline.post(f"/api/accountability/cases/{case['id']}/council/",
                        {"held_on": "2026-06-05", "note": "Họp lại, ghi đè"}, format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "council_already_recorded"
    assert "01/06/2026" in r.json()["error"]["message"]
    assert discipline.get(f"/api/accountability/cases/{case['id']}/").json()["council_held_on"] == "2026-06-01"


def test_a_case_with_no_proposed_form_cannot_be_decided(discipline: Any) -> None:
    _, unit, _, _ = province_with_commune()
    officer = member(unit)
    case = open_case(discipline, officer, [FindingFactory.create(unit=unit, on=date(2026, 5, 1), violators=[officer])],
                     opened_on=date(2026, 5, 20))
    to_considering(discipline, case)
    council(discipline, case, "2026-06-01")
    r = decide(discipline, case, "khien_trach", "2026-06-02")
    assert r.status_code == 409 and r.json()["error"]["code"] == "proposal_required"
    assert "Đề xuất hình thức" in r.json()["error"]["message"]
    assert propose_form(discipline, case, "khien_trach").status_code == 200
    assert decide(discipline, case, "khien_trach", "2026-06-02").status_code == 200


# --- reviewer's refusal, item 2: joint liability never heavier than the violator; limitation from the violation


def test_a_head_is_never_held_jointly_liable_heavier_than_the_violator_at_confirm_proposal_or_decision(
        discipline: Any) -> None:
    _, unit, _, head = province_with_commune()
    finding = FindingFactory.create(unit=unit, severity="less_serious", on=date(2026, 5, 1), violators=[member(unit)])
    [liability] = [x for x in propose(discipline, finding) if x["officer"]["id"] == head.pk]
    assert liability["rule"]["code"].startswith("LD-")  # joint responsibility, the violator's form is khiển trách
    url = f"/api/accountability/liabilities/{liability['id']}/confirm/"
    r = discipline.post(url, {"form": "canh_cao", "reason": "Người đứng đầu buông lỏng quản lý"}, format="json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "heavier_than_violator", r.content
    assert "Khiển trách" in r.json()["error"]["message"]
    r = discipline.post(url, {"form": "khien_trach", "reason": "Người đứng đầu buông lỏng quản lý"}, format="json")
    assert r.status_code == 200, r.content
    r = discipline.post("/api/accountability/cases/", {"subject_kind": "officer", "liability_id": liability["id"],
                                                       "title": "Trách nhiệm liên đới"}, format="json")
    case = r.json()
    case_opened_on(case["id"], date(2026, 5, 20))
    r = discipline.post(f"/api/accountability/cases/{case['id']}/factors/",
                        {"kind": "aggravating", "text": "Đã được nhắc nhở nhiều lần"}, format="json")
    computed = r.json()["computed"]
    assert computed["computed_form"]["code"] == "khien_trach"  # +1 for the factor, then the bound
    assert computed["steps"][-1]["code"] == "cap_at_violator"
    [violation] = computed["violations"]
    assert violation["limitation"]["years"] == 2 and violation["limitation"]["deadline"] == "2028-05-01"
    to_considering(discipline, case)
    r = propose_form(discipline, case, "canh_cao")
    assert r.status_code == 400 and r.json()["error"]["code"] == "heavier_than_violator"
    assert propose_form(discipline, case, "khien_trach").status_code == 200
    council(discipline, case, "2026-06-01")
    r = decide(discipline, case, "canh_cao", "2026-06-02")
    assert r.status_code == 400 and r.json()["error"]["code"] == "heavier_than_violator"
    assert decide(discipline, case, "khien_trach", "2026-06-02").status_code == 200


def test_the_limitation_in_the_case_list_follows_a_form_changed_on_complaint(discipline: Any) -> None:
    _, unit, _, _ = province_with_commune()
    officer = member(unit)
    case = open_case(discipline, officer, [FindingFactory.create(unit=unit, severity="serious", on=date(2026, 5, 1),
                                                          violators=[officer])], opened_on=date(2026, 5, 20))
    assert case["computed"]["limitation"]["years"] == 5  # cảnh cáo: 5 years
    to_considering(discipline, case)
    assert propose_form(discipline, case, "canh_cao").status_code == 200
    council(discipline, case, "2026-06-01")
    assert decide(discipline, case, "canh_cao", "2026-06-02").status_code == 200
    cid = case["id"]
    assert discipline.post(f"/api/accountability/cases/{cid}/appeal/",
                           {"filed_on": "2026-06-10", "text": "Đề nghị xem xét lại"}, format="json").status_code == 200
    r = discipline.post(f"/api/accountability/cases/{cid}/appeal/resolve/",
                        {"result": "changed", "form": "khien_trach", "decided_on": "2026-06-20",
                         "note": "Vi phạm chỉ đến mức khiển trách"}, format="json")
    assert r.status_code == 200, r.content
    [row] = [c for c in discipline.get("/api/accountability/cases/").json()["results"] if c["id"] == cid]
    assert row["computed"]["limitation"]["years"] == 2
    assert row["computed"]["limitation"]["deadline"] == "2028-05-01"


# --- reviewer's refusal, item 3: the time bar in the trace, at confirm and at the proposal of a form -----


def test_a_liability_for_a_time_barred_violation_is_flagged_in_the_trace_and_cannot_be_confirmed(
        discipline: Any) -> None:
    _, unit, _, head = province_with_commune()
    old = FindingFactory.create(unit=unit, on=date(2024, 3, 4), violators=[member(unit)])  # khiển trách level: 2 years
    [liability] = [x for x in propose(discipline, old) if x["officer"]["id"] == head.pk]
    trace = discipline.get(f"/api/accountability/findings/{old.pk}/trace/").json()
    [row] = [ld for g in trace["units"] for ld in g["leaders"] if ld["officer"]["id"] == head.pk]
    assert row["time_barred_vi"] == "Hết thời hiệu từ 05/03/2026"
    assert "Hết thời hiệu từ 05/03/2026" in row["why_vi"]
    assert any("Hết thời hiệu từ 05/03/2026" in n["vi"] for n in trace["notes"])
    r = discipline.post(f"/api/accountability/liabilities/{liability['id']}/confirm/",
                        {"reason": "Người đứng đầu buông lỏng quản lý"}, format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "limitation_expired"
    assert "Hết thời hiệu từ 05/03/2026" in r.json()["error"]["message"]
    live = FindingFactory.create(unit=unit, on=date(2026, 5, 1), violators=[member(unit)])
    trace = discipline.get(f"/api/accountability/findings/{live.pk}/trace/").json()
    assert all(not ld["time_barred_vi"] for g in trace["units"] for ld in g["leaders"])


def test_no_form_is_proposed_for_a_case_whose_every_violation_is_time_barred(discipline: Any) -> None:
    _, unit, _, _ = province_with_commune()
    officer = member(unit)
    case = open_case(discipline, officer, [FindingFactory.create(unit=unit, on=date(2024, 3, 4), violators=[officer])])
    to_considering(discipline, case)
    r = propose_form(discipline, case, "khien_trach")
    assert r.status_code == 409 and r.json()["error"]["code"] == "limitation_expired"
    assert discipline.get(f"/api/accountability/cases/{case['id']}/").json()["proposed_form"] is None


# --- reviewer's refusal, item 6: the handling period after the decision -------------------------------------


def test_a_decided_case_no_longer_shows_its_handling_deadline_as_pending(discipline: Any) -> None:
    case = decided_case(discipline, on="2026-06-01")
    handling = case["computed"]["deadlines"]["handling"]
    assert handling["status"] == "met" and handling["decided_on"] == "2026-06-01"
    assert handling["text_vi"].startswith("Đã ra quyết định ngày 01/06/2026")
    assert "chậm nhất" not in handling["text_vi"]


# --- reviewer's refusal, item 5: words on screen and on paper ----------------------------------------------


def test_the_case_history_names_the_person_not_the_username(discipline: Any) -> None:
    _, unit, _, _ = province_with_commune()
    officer = member(unit)
    case = open_case(discipline, officer, [FindingFactory.create(unit=unit, violators=[officer])])
    [event] = discipline.get(f"/api/accountability/cases/{case['id']}/").json()["events"]
    user = User.objects.get(username=event["actor"])
    assert event["actor_name"] == f"{user.first_name} {user.last_name}" != event["actor"]
    assert "Dùng Thử" in event["actor_name"]


def test_an_expired_limitation_reads_barred_from_a_date_not_negative_days_left(discipline: Any) -> None:
    _, unit, _, _ = province_with_commune()
    officer = member(unit)
    case = open_case(discipline, officer, [FindingFactory.create(unit=unit, on=date(2024, 3, 4), violators=[officer])])
    limitation = case["computed"]["limitation"]
    assert limitation["status"] == "expired" and limitation["barred_from"] == "2026-03-05"
    assert "đã hết thời hiệu từ 05/03/2026" in limitation["message_vi"]


def test_the_trace_report_prints_vietnamese_labels_not_codes() -> None:
    import io

    from openpyxl import load_workbook

    province, unit, _, head = province_with_commune()
    # the author of a report is an officer posted in a department (issuer.py: nobody signs by fallback)
    department = UnitFactory.create(parent=province, level="department", name="Phòng Tổ chức cán bộ")
    AssignmentFactory.create(unit=department, is_head=True, position="Trưởng phòng", valid_from=date(2020, 1, 1))
    author = AssignmentFactory.create(unit=department, position="Cán bộ kỷ luật", valid_from=date(2020, 1, 1)).officer
    discipline = login_client(UserFactory.create(role=Role.DISCIPLINARY, officer=author).username, PASSWORD)
    finding = FindingFactory.create(unit=unit, on=date(2026, 5, 1), violators=[member(unit)])
    [liability] = [x for x in propose(discipline, finding) if x["officer"]["id"] == head.pk]
    discipline.post(f"/api/accountability/liabilities/{liability['id']}/confirm/",
                    {"reason": "Người đứng đầu buông lỏng quản lý"}, format="json")
    r = discipline.get(f"/api/accountability/findings/{finding.pk}/report.xlsx")
    assert r.status_code == 200
    cells = [str(c.value) for row in load_workbook(io.BytesIO(r.content)).active.iter_rows() for c in row
             if c.value is not None]
    text = "\n".join(cells)
    assert "(violator)" not in text and "state: confirmed" not in text and "v1" not in cells
    assert not any(re.search(r"\bv\d+\b", c) for c in cells)
    assert "(người vi phạm)" in text and "tình trạng: đã xác nhận" in text and "phiên bản 1" in text.lower()


# --- reviewer's refusal, item 4: complaint periods count from the day of receipt ------------------------------


def test_complaint_periods_count_from_the_day_the_decision_and_the_answer_were_received(discipline: Any) -> None:
    _, unit, _, _ = province_with_commune()
    officer = member(unit)
    case = open_case(discipline, officer, [FindingFactory.create(unit=unit, on=date(2026, 5, 1), violators=[officer])],
                     opened_on=date(2026, 5, 20))
    to_considering(discipline, case)
    assert propose_form(discipline, case, "khien_trach").status_code == 200
    council(discipline, case, "2026-06-01")
    r = discipline.post(f"/api/accountability/cases/{case['id']}/decide/",
                        {"form": "khien_trach", "decision_number": "15/QĐ-CAT", "authority": "Giám đốc Công an tỉnh",
                         "decision_date": "2026-06-01", "received_on": "2026-06-10"}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["computed"]["deadlines"]["complaints"]["first"]["deadline"] == "2026-06-25"
    cid = case["id"]
    assert discipline.post(f"/api/accountability/cases/{cid}/appeal/",
                           {"filed_on": "2026-06-24", "text": "Khiếu nại lần đầu"}, format="json").status_code == 200
    r = discipline.post(f"/api/accountability/cases/{cid}/appeal/resolve/",
                        {"result": "upheld", "decided_on": "2026-07-01", "received_on": "2026-06-30",
                         "note": "Giữ nguyên quyết định"}, format="json")
    assert r.status_code == 400  # received before the answer was given
    r = discipline.post(f"/api/accountability/cases/{cid}/appeal/resolve/",
                        {"result": "upheld", "decided_on": "2026-07-01", "received_on": "2026-07-06",
                         "note": "Giữ nguyên quyết định"}, format="json")
    assert r.status_code == 200 and r.json()["appeal_answer_received_on"] == "2026-07-06"
    assert r.json()["computed"]["deadlines"]["complaints"]["second"]["deadline"] == "2026-07-16"
    assert discipline.post(f"/api/accountability/cases/{cid}/appeal/",
                           {"filed_on": "2026-07-15", "text": "Khiếu nại lần hai"}, format="json").status_code == 200


# --- complaints: the answer has a deadline; a late complaint is on record as received and refused --------


def test_the_answer_to_a_complaint_is_due_30_days_after_it_was_accepted_and_45_when_complex(discipline: Any) -> None:
    case = decided_case(discipline)
    cid = case["id"]
    r = discipline.post(f"/api/accountability/cases/{cid}/appeal/",
                        {"filed_on": "2026-06-10", "text": "Khiếu nại lần đầu"}, format="json")
    assert r.status_code == 200, r.content
    answer = r.json()["computed"]["deadlines"]["complaints"]["first"]["answer"]
    # not yet accepted: accepted by 20/06 at the latest (10 days), answered 30 days after that
    assert (answer["accept_by"], answer["deadline"], answer["days"]) == ("2026-06-20", "2026-07-20", 30)
    assert "chưa ghi" in answer["text_vi"] and "Điều 28" in answer["source"]
    r = discipline.post(f"/api/accountability/cases/{cid}/appeal/accept/",
                        {"accepted_on": "2026-06-12", "is_complex": True}, format="json")
    assert r.status_code == 200, r.content
    answer = r.json()["computed"]["deadlines"]["complaints"]["first"]["answer"]
    assert (answer["accepted_on"], answer["days"], answer["deadline"]) == ("2026-06-12", 45, "2026-07-27")
    assert "vụ việc phức tạp" in answer["text_vi"] and "27/07/2026" in answer["text_vi"]
    r = discipline.post(f"/api/accountability/cases/{cid}/appeal/resolve/",
                        {"result": "upheld", "decided_on": "2026-08-01", "note": "Giữ nguyên quyết định"},
                        format="json")
    first = r.json()["computed"]["deadlines"]["complaints"]["first"]["answer"]
    assert first["status"] == "answered_late" and "quá hạn" in first["text_vi"]
    r = discipline.post(f"/api/accountability/cases/{cid}/appeal/",
                        {"filed_on": "2026-08-05", "text": "Khiếu nại lần hai", "accepted_on": "2026-08-06"},
                        format="json")
    second = r.json()["computed"]["deadlines"]["complaints"]["second"]["answer"]
    assert (second["days"], second["deadline"]) == (45, "2026-09-20") and "Điều 37" in second["source"]


def test_a_late_complaint_is_recorded_as_received_and_refused_with_its_last_day(discipline: Any) -> None:
    case = decided_case(discipline)
    cid = case["id"]
    late = {"filed_on": "2026-10-21", "text": "Đề nghị xem xét lại quyết định"}
    r = discipline.post(f"/api/accountability/cases/{cid}/appeal/", late, format="json")
    assert r.status_code == 409 and "từ chối thụ lý" in r.json()["error"]["message"]
    r = discipline.post(f"/api/accountability/cases/{cid}/complaints/refuse/",
                        {"received_on": "2026-10-21", "text": late["text"], "refused_on": "2026-10-23"},
                        format="json")
    assert r.status_code == 201, r.content
    body = r.json()
    [refusal] = body["refused_complaints"]
    assert (refusal["ground"], refusal["level"], refusal["received_on"], refusal["refused_on"],
            refusal["deadline"]) == ("late", 1, "2026-10-21", "2026-10-23", "2026-06-16")
    assert "16/06/2026" in refusal["reason_vi"] and "Điều 48" in refusal["reason_vi"]
    assert body["state"] == "decided" and body["appeal_filed_on"] is None
    assert any(e["verb"] == "complaint_refused" for e in body["events"])
    # a complaint still within its window is refused only with a stated reason
    r = discipline.post(f"/api/accountability/cases/{cid}/complaints/refuse/",
                        {"received_on": "2026-06-05", "text": "Đơn không ký tên"}, format="json")
    assert r.status_code == 400 and r.json()["error"]["fields"]["reason"]


def test_a_third_complaint_is_refused_on_record(discipline: Any) -> None:
    case = decided_case(discipline)
    cid = case["id"]
    for filed, decided in (("2026-06-10", "2026-06-20"), ("2026-06-25", "2026-07-10")):
        assert discipline.post(f"/api/accountability/cases/{cid}/appeal/", {"filed_on": filed, "text": "Khiếu nại"},
                               format="json").status_code == 200
        discipline.post(f"/api/accountability/cases/{cid}/appeal/resolve/",
                        {"result": "upheld", "decided_on": decided, "note": "Giữ nguyên"}, format="json")
    r = discipline.post(f"/api/accountability/cases/{cid}/complaints/refuse/",
                        {"received_on": "2026-07-12", "text": "Khiếu nại lần ba"}, format="json")
    assert r.status_code == 201, r.content
    [refusal] = r.json()["refused_complaints"]
    assert refusal["ground"] == "no_further" and refusal["level"] == 3 and "hai lần" in refusal["reason_vi"]


# --- the force's own regulation: its number is a setting shown with every basis that cites it ------------


def test_the_force_regulation_number_is_filled_in_by_an_admin_and_shown_with_the_rules_basis(
        discipline: Any) -> None:
    _, unit, _, head = province_with_commune()
    finding = FindingFactory.create(unit=unit, violators=[member(unit)])

    def head_row() -> dict[str, Any]:
        trace = discipline.get(f"/api/accountability/findings/{finding.pk}/trace/").json()
        return next(ld for g in trace["units"] for ld in g["leaders"] if ld["officer"]["id"] == head.pk)

    rules = {r["code"]: r for r in discipline.get("/api/accountability/rulesets/current/").json()["rules"]}
    assert rules["LD-H1"]["basis"].endswith("(chưa có số văn bản — cần xác nhận)")
    assert "chưa có số văn bản — cần xác nhận" in head_row()["why_vi"]
    admin = login_client(UserFactory.create(role=Role.ADMIN).username, PASSWORD)
    payload = {"number": "125/QĐ-CAT", "issued_on": "2024-03-01"}
    assert discipline.patch("/api/accountability/regulations/lien_doi/", payload, format="json").status_code == 403
    bad = admin.patch("/api/accountability/regulations/lien_doi/", {"number": "<script>"}, format="json")
    assert bad.status_code == 400
    r = admin.patch("/api/accountability/regulations/lien_doi/", payload, format="json")
    assert r.status_code == 200, r.content
    cited = "Quy định của Công an tỉnh về trách nhiệm liên đới của người đứng đầu số 125/QĐ-CAT ngày 01/03/2024"
    current = admin.get("/api/accountability/rulesets/current/").json()
    assert {r["code"]: r for r in current["rules"]}["LD-H1"]["basis"] == cited
    assert cited in head_row()["why_vi"]
    # a new version sent back as shown still cites the regulation: a later number shows in it too
    body = {k: current[k] for k in ("repeat_window_days", "limitation_warn_days", "forms", "rules",
                                    "category_policies" if "category_policies" in current else "rules")}
    body["category_policies"] = current["categories"]
    body["forms"] = [{k: f[k] for k in ("subject_kind", "level", "code", "name_vi", "name_en", "limitation_years",
                                        "requires_council", "basis")} for f in current["forms"]]
    r = admin.post("/api/accountability/rulesets/", body, format="json")
    assert r.status_code == 201, r.content
    admin.patch("/api/accountability/regulations/lien_doi/", {"number": "200/QĐ-CAT"}, format="json")
    rules = {r["code"]: r for r in admin.get("/api/accountability/rulesets/current/").json()["rules"]}
    assert rules["LD-H1"]["basis"].endswith("số 200/QĐ-CAT")


def test_a_letter_while_a_complaint_is_being_answered_is_refused_only_for_a_stated_reason(discipline: Any) -> None:
    case = decided_case(discipline)
    cid = case["id"]
    discipline.post(f"/api/accountability/cases/{cid}/appeal/", {"filed_on": "2026-06-10", "text": "Khiếu nại"},
                    format="json")
    url = f"/api/accountability/cases/{cid}/complaints/refuse/"
    r = discipline.post(url, {"received_on": "2026-06-12", "text": "Đơn gửi lại lần nữa"}, format="json")
    assert r.status_code == 400 and r.json()["error"]["fields"]["reason"]
    r = discipline.post(url, {"received_on": "2026-06-12", "text": "Đơn gửi lại lần nữa",
                              "reason": "Trùng nội dung khiếu nại đang giải quyết"}, format="json")
    assert r.status_code == 201, r.content
    [refusal] = r.json()["refused_complaints"]
    assert (refusal["ground"], refusal["level"]) == ("other", 1) and "Trùng nội dung" in refusal["reason_vi"]
    assert r.json()["state"] == "appealed"
