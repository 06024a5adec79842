"""The trace over time, through the API: a unit's merger, the time bar and repeats, dated fields of charge,
no-limitation categories and the force regulation in force on the violation's date.

Where these came from:
Where these came from:
Review 12 (second round): merger, time bar and repeats, dated fields of charge, no-limitation
categories, wording and the force regulation in force on the violation's date — through the API."""
from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from backend.core.actors import SystemActor
from inspection.accountability import services_cases
from tests.accountability.factories import case_opened_on

pytestmark = pytest.mark.django_db


def _decide(demo: Any, case: Any, form: str, on: date) -> None:
    by = demo.users["discipline"]
    services_cases.case_transition(by=by, case=case, to="considering",
                                   no_self_review_reason="Cán bộ từ chối viết bản kiểm điểm")
    case_opened_on(case.pk, on)
    services_cases.case_propose(by=by, case=case, form_code=form, note="Đề xuất theo kết quả xem xét")
    services_cases.case_record_council(by=by, case=case, held_on=on, note="Hội đồng kỷ luật họp và biểu quyết")
    services_cases.case_decide(by=by, case=case, form_code=form, decision_number=f"QĐ {case.pk}/QĐ-CAT",
                               authority="Giám đốc Công an tỉnh", decision_date=on)


def test_a_time_barred_violation_in_an_earlier_case_is_no_repeat(api_as: Any, demo: Any, make_finding: Any,
                                                                 other_category: Any) -> None:
    barred = make_finding("CAX-TC", "less_serious", date(2023, 6, 1), violators=("NA-2104",))
    live = make_finding("CAX-TC", "less_serious", date(2025, 12, 1), violators=("NA-2104",), cat=other_category)
    client = api_as("discipline")
    r = client.post("/api/accountability/cases/", {"subject_kind": "officer", "officer_id": demo.officers["NA-2104"].pk,
                                                   "finding_ids": [barred.pk, live.pk], "title": "Hồ sơ trước"},
                    format="json")
    assert r.status_code == 201, r.content
    from inspection.accountability.models import DisciplinaryCase
    _decide(demo, DisciplinaryCase.objects.get(pk=r.json()["id"]), "khien_trach", date(2026, 1, 15))
    # a new violation of the barred one's kind: the earlier decision never handled that kind
    again = make_finding("CAX-TC", "less_serious", date(2026, 6, 1), violators=("NA-2104",))
    r = client.post("/api/accountability/cases/", {"subject_kind": "officer", "officer_id": demo.officers["NA-2104"].pk,
                                                   "finding_ids": [again.pk], "title": "Hồ sơ mới"}, format="json")
    assert r.status_code == 201, r.content
    steps = [s["code"] for s in r.json()["computed"]["steps"]]
    assert steps == ["single", "factors"], r.json()["computed"]["steps"]
    # a new violation of the handled kind still is a repeat
    again2 = make_finding("CAX-TC", "less_serious", date(2026, 6, 2), violators=("NA-2104",), cat=other_category)
    r = client.post("/api/accountability/cases/", {"subject_kind": "officer", "officer_id": demo.officers["NA-2104"].pk,
                                                   "finding_ids": [again2.pk], "title": "Hồ sơ tái phạm"}, format="json")
    assert r.status_code == 201, r.content
    assert [s["code"] for s in r.json()["computed"]["steps"]] == ["single", "repeat", "factors"]


def test_a_violation_running_past_the_merger_is_traced_into_the_successor(api_as: Any, make_finding: Any) -> None:
    # Thị trấn Thanh Chương merged into xã Thanh Chương on 01/07/2025; the violator moved with it
    f = make_finding("CAX-TTTC", "less_serious", date(2025, 6, 1), to=date(2025, 8, 31), violators=("NA-2104",))
    r = api_as("discipline").get(f"/api/accountability/findings/{f.pk}/trace/")
    assert r.status_code == 200, r.content
    body = r.json()
    groups = {g["unit"]["code"]: g for g in body["units"]}
    assert set(groups) == {"CAX-TTTC", "CAX-TC"}
    assert (groups["CAX-TTTC"]["from"], groups["CAX-TTTC"]["to"]) == ("2025-06-01", "2025-06-30")
    assert (groups["CAX-TC"]["from"], groups["CAX-TC"]["to"]) == ("2025-07-01", "2025-08-31")
    after = {(ld["role"], ld["officer"]["service_number"]): (ld["in_charge_from"], ld["in_charge_to"])
             for ld in groups["CAX-TC"]["leaders"]}
    # the successor's head and the deputy in charge of the field answer for 01/07–31/08
    assert after[("head", "NA-2101")] == ("2025-07-01", "2025-08-31")
    assert after[("deputy", "NA-2103")] == ("2025-07-01", "2025-08-31")
    assert all(ld["in_charge_to"] <= "2025-06-30" for ld in groups["CAX-TTTC"]["leaders"])
    assert "01/07/2025" in groups["CAX-TTTC"]["unit"]["note_vi"] and "Công an xã Thanh Chương" in \
        groups["CAX-TTTC"]["unit"]["note_vi"]
    # the violator's sentence names the whole sub-period, not one day
    why = groups["CAX-TTTC"]["violators"][0]["why_vi"]
    assert why.startswith("Từ ngày 01/06/2025 đến ngày 30/06/2025"), why
    assert any("sáp nhập" in n["vi"] for n in body["notes"])
    # proposing liabilities creates them for the successor's leaders too
    r = api_as("discipline").post("/api/accountability/liabilities/", {"finding_id": f.pk}, format="json")
    assert r.status_code in (200, 201), r.content
    from inspection.accountability.models import LeaderLiability
    assert LeaderLiability.objects.filter(finding=f, officer__service_number="NA-2103", role="deputy",
                                          unit__code="CAX-TC").exists()


def test_a_time_barred_trace_proposes_nothing_in_words(api_as: Any, make_finding: Any) -> None:
    f = make_finding("CAX-TC", "less_serious", date(2024, 3, 4), violators=("NA-2104",))  # 2 years: barred
    body = api_as("discipline").get(f"/api/accountability/findings/{f.pk}/trace/").json()
    barred = [ld for g in body["units"] for ld in g["leaders"] if ld["time_barred_vi"]]
    assert barred
    for ld in barred:
        assert "Đề xuất:" not in ld["why_vi"] and "Proposed:" not in ld["why_en"], ld["why_vi"]
        assert "không đề xuất, không xử lý kỷ luật" in ld["why_vi"]


def test_the_single_step_does_not_repeat_its_label(api_as: Any, demo: Any, make_finding: Any) -> None:
    f = make_finding("CAX-TC", "less_serious", date(2026, 6, 1), violators=("NA-2104",))
    r = api_as("discipline").post("/api/accountability/cases/", {
        "subject_kind": "officer", "officer_id": demo.officers["NA-2104"].pk, "finding_ids": [f.pk],
        "title": "Hồ sơ"}, format="json")
    step = r.json()["computed"]["steps"][0]
    assert step["code"] == "single" and step["text_vi"].startswith(f.reference), step["text_vi"]


def test_a_no_limitation_category_can_be_filed_and_is_never_time_barred(api_as: Any, demo: Any) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from inspection.services_criteria import catalogue_seed

    catalogue_seed(by=SystemActor("test"))
    cats = {c["code"] for c in api_as("lead").get("/api/inspection/categories/").json()}
    assert {"BAO_VE_CTNB", "AN_NINH_QG", "VAN_BANG_GIA"} <= cats
    # a forged diploma used in 2023, found now: art. 80(2)(d) — no limitation (else barred since 2025)
    r = api_as("lead").post("/api/inspection/findings/", {
        "source": "footage", "category": "VAN_BANG_GIA", "severity": "less_serious",
        "title": "Sử dụng bằng tốt nghiệp giả khi tuyển dụng", "unit_id": demo.units["CAX-TTTC"].pk,
        "occurred_from": datetime(2023, 3, 1, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")).isoformat(),
        "subjects": [{"officer_id": demo.officers["NA-2104"].pk, "role": "violator"}]}, format="json")
    assert r.status_code == 201, r.content
    from inspection.models import Finding
    f = Finding.objects.get(pk=r.json()["id"])
    Finding.objects.filter(pk=f.pk).update(state="confirmed")
    body = api_as("discipline").get(f"/api/accountability/findings/{f.pk}/trace/?version=1").json()
    assert body["limitation"]["status"] == "none" and "khoản 2" in body["limitation"]["basis"]
    assert all(not ld["time_barred_vi"] for g in body["units"] for ld in g["leaders"])


def test_changing_a_deputys_field_does_not_rewrite_past_traces(api_as: Any, demo: Any, make_finding: Any) -> None:
    from backend.org.models import Assignment, FieldOfCharge

    f = make_finding("CAX-TC", "less_serious", date(2026, 2, 20), to=date(2026, 4, 10), violators=("NA-2104",))
    post = Assignment.objects.get(officer=demo.officers["NA-2103"], unit=demo.units["CAX-TC"], is_deputy=True)

    def deputies() -> list[tuple[str, str, str]]:
        body = api_as("discipline").get(f"/api/accountability/findings/{f.pk}/trace/").json()
        return [(ld["officer"]["service_number"], ld["field"]["code"], ld["in_charge_to"])
                for g in body["units"] for ld in g["leaders"] if ld["role"] == "deputy"]

    assert deputies() == [("NA-2103", "HANH_CHINH", "2026-04-10")]
    admin = api_as("admin")
    traffic = FieldOfCharge.objects.get(code="GIAO_THONG")
    # a date before the post started is refused
    r = admin.patch(f"/api/org/assignments/{post.pk}/", {"field_id": traffic.pk, "effective_from": "2025-01-01"},
                    format="json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_period", r.content
    # from today (the default): the old post ends yesterday, a new post carries the new field
    r = admin.patch(f"/api/org/assignments/{post.pk}/", {"field_id": traffic.pk}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["id"] != post.pk and r.json()["field"]["code"] == "GIAO_THONG"
    post.refresh_from_db()
    assert post.field is not None and post.field.code == "HANH_CHINH" and post.valid_to is not None
    assert deputies() == [("NA-2103", "HANH_CHINH", "2026-04-10")]  # the past violation keeps its deputy
    # emptying the field later does not clear him either
    r = admin.patch(f"/api/org/assignments/{r.json()['id']}/", {"field_id": None}, format="json")
    assert r.status_code == 200, r.content
    assert deputies() == [("NA-2103", "HANH_CHINH", "2026-04-10")]


def test_a_violation_cites_the_force_regulation_in_force_on_its_date(api_as: Any, make_finding: Any) -> None:
    admin = api_as("admin")
    r = admin.patch("/api/accountability/regulations/lien_doi/", {"number": "15/QĐ-CAT", "issued_on": "2024-05-10"},
                    format="json")
    assert r.status_code == 200, r.content
    r = admin.patch("/api/accountability/regulations/lien_doi/", {"number": "20/QĐ-CAT", "issued_on": "2026-06-01"},
                    format="json")
    assert r.status_code == 200, r.content

    def joint_bases(f: Any) -> list[str]:
        body = api_as("discipline").get(f"/api/accountability/findings/{f.pk}/trace/").json()
        return [ld["rule"]["basis"] for g in body["units"] for ld in g["leaders"]
                if ld["rule"] and ld["rule"]["code"].startswith("LD-")]

    old = make_finding("CAX-TTTC", "less_serious", date(2023, 1, 10), violators=("NA-2104",))
    mid = make_finding("CAX-TC", "less_serious", date(2026, 2, 20), to=date(2026, 4, 10), violators=("NA-2104",))
    new = make_finding("CAX-TC", "less_serious", date(2026, 7, 1), violators=("NA-2104",))
    assert joint_bases(old) and all("chưa có văn bản có hiệu lực tại thời điểm vi phạm" in b and "QĐ-CAT" not in b
                                    for b in joint_bases(old))
    assert joint_bases(mid) and all("15/QĐ-CAT ngày 10/05/2024" in b for b in joint_bases(mid))
    assert joint_bases(new) and all("20/QĐ-CAT ngày 01/06/2026" in b for b in joint_bases(new))
