"""Review 12 (second round): merger, time bar and repeats, dated fields of charge, no-limitation
categories, wording and the force regulation in force on the violation's date — through the API."""
from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from inspection.accountability import services
from tests.accountability.factories import case_opened_on

pytestmark = pytest.mark.django_db


def _decide(demo: Any, case: Any, form: str, on: date) -> None:
    by = demo.users["discipline"]
    services.case_transition(by=by, case=case, to="considering",
                             no_self_review_reason="Cán bộ từ chối viết bản kiểm điểm")
    case_opened_on(case.pk, on)
    services.case_propose(by=by, case=case, form_code=form, note="Đề xuất theo kết quả xem xét")
    services.case_record_council(by=by, case=case, held_on=on, note="Hội đồng kỷ luật họp và biểu quyết")
    services.case_decide(by=by, case=case, form_code=form, decision_number=f"QĐ {case.pk}/QĐ-CAT",
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
