"""Disciplinary cases: escalation steps, factor balance, repeat, limitation, decisions, appeal."""
from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest

from backend.audit.models import AuditEvent
from backend.core.errors import Conflict, DomainError
from inspection.accountability import (
    selectors,
    selectors_case_views,
    services_appeals,
    services_cases,
    services_liabilities,
    services_rulesets,
)
from inspection.accountability.models import CaseEvent, DisciplinaryCase
from tests.accountability.factories import case_opened_on

pytestmark = pytest.mark.django_db


def view(case: DisciplinaryCase, today: date | None = None) -> Any:
    fresh = list(selectors.cases_queryset(user=_admin()).filter(pk=case.pk))
    return selectors_case_views.case_views(fresh, today=today)[case.pk]


def _admin() -> Any:
    from backend.accounts.models import User

    return User.objects.get(username="discipline")


def open_case(demo: Any, findings: list[Any], sn: str = "NA-2104") -> DisciplinaryCase:
    return services_cases.case_create(by=demo.users["discipline"], subject_kind="officer", officer=demo.officers[sn],
                                      unit=None, findings=findings, title="Xử lý kỷ luật cán bộ một cửa")


def decide(demo: Any, case: DisciplinaryCase, form: str, on: date) -> DisciplinaryCase:
    by = demo.users["discipline"]
    services_cases.case_transition(by=by, case=case, to="considering",
                                   no_self_review_reason="Cán bộ từ chối viết bản kiểm điểm")
    case_opened_on(case.pk, on)
    services_cases.case_propose(by=by, case=case, form_code=form, note="Đề xuất theo kết quả xem xét")
    services_cases.case_record_council(by=by, case=case, held_on=on, note="Hội đồng kỷ luật họp và biểu quyết")
    return services_cases.case_decide(by=by, case=case, form_code=form, decision_number=f"QĐ {case.pk}/QĐ-CAT",
                                      authority="Giám đốc Công an tỉnh", decision_date=on)


def test_one_violation_and_factor_balance(make_finding: Any, demo: Any) -> None:
    f = make_finding("CAX-TC", "less_serious", date(2026, 6, 1), violators=("NA-2104",))
    case = open_case(demo, [f])
    v = view(case)
    assert [s["code"] for s in v.as_dict()["steps"]] == ["single", "factors"]
    assert v.computed_form.code == "khien_trach"
    by = demo.users["discipline"]
    services_cases.case_add_factor(by=by, case=case, kind="aggravating", text="Vi phạm kéo dài")
    assert view(case).computed_form.code == "canh_cao"
    assert view(case).steps[-1].change == 1
    services_cases.case_add_factor(by=by, case=case, kind="mitigating", text="Thành khẩn nhận lỗi")
    v = view(case)
    assert v.computed_form.code == "khien_trach" and v.steps[-1].change == 0 and "cân bằng" in v.steps[-1].text_vi
    services_cases.case_add_factor(by=by, case=case, kind="mitigating", text="Chủ động khắc phục hậu quả")
    v = view(case)
    assert v.computed_form.code == "khong_hoan_thanh" and v.steps[-1].change == -1
    assert (v.aggravating, v.mitigating) == (1, 2)


def test_several_at_once_is_one_above_the_heaviest(make_finding: Any, demo: Any, other_category: Any) -> None:
    f1 = make_finding("CAX-TC", "less_serious", date(2026, 6, 1), violators=("NA-2104",))
    f2 = make_finding("CAX-TC", "serious", date(2026, 6, 3), violators=("NA-2104",), cat=other_category)
    v = view(open_case(demo, [f1, f2]))
    codes = [s.code for s in v.steps]
    assert codes == ["heaviest", "several", "factors"]
    assert v.steps[0].form.code == "canh_cao" and v.computed_form.code == "giang_cap"


def test_repeat_of_the_same_violation_is_one_level_heavier(make_finding: Any, demo: Any,
                                                           other_category: Any) -> None:
    f1 = make_finding("CAX-TC", "less_serious", date(2025, 12, 1), violators=("NA-2104",))
    decide(demo, open_case(demo, [f1]), "khien_trach", date(2026, 1, 15))
    f2 = make_finding("CAX-TC", "less_serious", date(2026, 6, 1), violators=("NA-2104",))
    v = view(open_case(demo, [f2]))
    assert [s.code for s in v.steps] == ["single", "repeat", "factors"]
    assert v.computed_form.code == "canh_cao"
    assert "Tái phạm" in v.steps[1].text_vi and "QĐ" in v.steps[1].text_vi
    # a different kind of violation is not a repeat
    f3 = make_finding("CAX-TC", "less_serious", date(2026, 6, 2), violators=("NA-2104",), cat=other_category)
    assert [s.code for s in view(open_case(demo, [f3])).steps] == ["single", "factors"]


def test_one_violation_one_handling(make_finding: Any, demo: Any) -> None:
    f = make_finding("CAX-TC", "less_serious", date(2026, 6, 1), violators=("NA-2104",))
    open_case(demo, [f])
    with pytest.raises(Conflict) as err:
        open_case(demo, [f])
    assert err.value.code == "already_handled"
    assert DisciplinaryCase.objects.count() == 1


def test_officer_must_be_related_to_the_finding(make_finding: Any, demo: Any) -> None:
    f = make_finding("CAX-TC", "less_serious", date(2026, 6, 1), violators=("NA-2104",))
    with pytest.raises(Conflict) as err:
        open_case(demo, [f], sn="NA-2105")
    assert err.value.code == "not_related"
    assert not DisciplinaryCase.objects.exists()


def test_head_with_confirmed_liability_gets_a_case_on_that_basis(make_finding: Any, demo: Any) -> None:
    f = make_finding("CAX-TC", "serious", date(2026, 6, 1), violators=("NA-2104",))
    _, created, _ = services_liabilities.liabilities_propose(by=demo.users["discipline"], finding=f)
    head = next(x for x in created if x.role == "head")
    services_liabilities.liability_confirm(by=demo.users["discipline"], liability=head, reason="Xác nhận trách nhiệm liên đới")
    case = open_case(demo, [f], sn="NA-2102")
    v = view(case)
    assert v.violations[0].rule_code == "LD-H1" and v.computed_form.code == "phe_binh"
    assert list(case.liabilities.values_list("pk", flat=True)) == [head.pk]
    # the case names the rule in words with its basis, never a bare "LD-H1" (issue 15)
    row = v.as_dict()["violations"][0]
    assert row["rule_name_vi"] == "Người đứng đầu đơn vị có cán bộ vi phạm"
    assert row["rule_name_en"] == "Head of a unit where a subordinate violated" and row["rule_basis"]
    assert "LD-H1" not in row["why_vi"] and "LD-H1" not in row["why_en"]
    assert "quy tắc: Người đứng đầu đơn vị có cán bộ vi phạm (LD-H1)" in v.as_dict()["steps"][0]["text_vi"]


def test_a_violation_names_its_rule_in_words_with_its_basis(make_finding: Any, demo: Any) -> None:
    """Issue 15: the case page showed "quy tắc V1"; the rule's name and basis travel with the violation."""
    f = make_finding("CAX-TC", "less_serious", date(2026, 6, 1), violators=("NA-2104",))
    v = view(open_case(demo, [f])).as_dict()
    row = v["violations"][0]
    assert row["rule"] == "V1"
    assert (row["rule_name_vi"], row["rule_name_en"]) == ("Vi phạm ít nghiêm trọng", "Less-serious violation")
    assert row["rule_basis"] and "[[" not in row["rule_basis"]
    assert row["why_vi"] == "người vi phạm, vi phạm ít nghiêm trọng"  # the page shows the rule beside it
    assert "quy tắc V1" not in v["steps"][0]["text_vi"]
    assert "người vi phạm, vi phạm ít nghiêm trọng; quy tắc: Vi phạm ít nghiêm trọng (V1) → Khiển trách." in v["steps"][0]["text_vi"]
    assert "rule: Less-serious violation (V1) → Reprimand." in v["steps"][0]["text_en"]


def test_limitation_restarts_on_a_new_violation_only_when_the_rule_set_says_so(make_finding: Any, demo: Any) -> None:
    from inspection.accountability import defaults

    services_rulesets.ruleset_create(by=demo.users["admin"], data={**defaults.ruleset_payload(),
                                                                   "restart_on_new_violation": True})
    old = make_finding("CAX-TTTC", "less_serious", date(2024, 5, 10), violators=("NA-2104",))
    case = open_case(demo, [old])
    lim = view(case, today=date(2026, 3, 1)).limitation
    assert lim.deadline == date(2026, 5, 10) and lim.status == "warning" and lim.days_left == 70
    assert lim.restarted_by is None
    assert view(case, today=date(2026, 6, 1)).limitation.status == "expired"
    # a new violation within the period restarts the clock
    new = make_finding("CAX-TC", "less_serious", date(2025, 9, 1), violators=("NA-2104",))
    lim = view(case, today=date(2026, 6, 1)).limitation
    assert lim.restarted_by == new.reference and lim.start == date(2025, 9, 1)
    assert lim.deadline == date(2027, 9, 1) and lim.status == "ok"
    assert "tính lại" in lim.message_vi


def test_no_restart_once_the_period_has_run_out(make_finding: Any, demo: Any) -> None:
    old = make_finding("CAX-TTTC", "less_serious", date(2024, 5, 10), violators=("NA-2104",))
    case = open_case(demo, [old])
    make_finding("CAX-TC", "less_serious", date(2026, 7, 1), violators=("NA-2104",))
    lim = view(case, today=date(2026, 11, 1)).limitation
    assert lim.restarted_by is None and lim.status == "expired"
    with pytest.raises(Conflict) as err:
        decide(demo, case, "khien_trach", date(2026, 11, 1))
    assert err.value.code == "limitation_expired"
    case.refresh_from_db()
    assert case.state == "considering" and case.decided_form is None


def test_lifecycle_with_self_review_decision_and_appeal(make_finding: Any, demo: Any) -> None:

    by = demo.users["discipline"]
    f = make_finding("CAX-TC", "less_serious", date(2026, 6, 1), violators=("NA-2104",))
    case = open_case(demo, [f])
    case_opened_on(case.pk, date(2026, 6, 10))
    with pytest.raises(Conflict) as err:
        services_cases.case_transition(by=by, case=case, to="considering")
    assert err.value.code == "self_review_missing"
    services_cases.case_transition(by=by, case=case, to="self_review")
    content = b"%PDF-1.4 ban tu kiem diem"
    doc = services_cases.case_add_document(by=by, case=case, kind="self_review", fileobj=io.BytesIO(content),
                                           filename="tu-kiem-diem.pdf", size=len(content),
                                           content_type="application/pdf")
    assert len(doc.sha256) == 64
    services_cases.case_transition(by=by, case=case, to="considering")
    with pytest.raises(DomainError) as refused:
        services_cases.case_propose(by=by, case=case, form_code="canh_cao")
    assert refused.value.code == "reason_required"  # differs from the computed khiển trách without a reason
    services_cases.case_propose(by=by, case=case, form_code="khien_trach")
    with pytest.raises(Conflict) as err:
        services_cases.case_decide(by=by, case=case, form_code="khien_trach", decision_number="123/QĐ-CAT",
                                   authority="Giám đốc Công an tỉnh", decision_date=date(2026, 7, 1))
    assert err.value.code == "council_required"
    services_cases.case_record_council(by=by, case=case, held_on=date(2026, 6, 25), note="Hội đồng kỷ luật biểu quyết")
    with pytest.raises(DomainError):
        services_cases.case_decide(by=by, case=case, form_code="khien_trach", decision_number=" ", authority="Giám đốc",
                                   decision_date=date(2026, 7, 1))
    services_cases.case_decide(by=by, case=case, form_code="khien_trach", decision_number="123/QĐ-CAT",
                               authority="Giám đốc Công an tỉnh", decision_date=date(2026, 7, 1))
    with pytest.raises(Conflict):
        services_cases.case_add_factor(by=by, case=case, kind="mitigating", text="Muộn")
    services_appeals.case_appeal(by=by, case=case, filed_on=date(2026, 7, 10), text="Đề nghị xem xét lại hình thức")
    services_appeals.case_appeal_resolve(by=by, case=case, result="changed", decided_on=date(2026, 8, 1),
                                         note="Có tình tiết giảm nhẹ mới", form_code="khong_hoan_thanh")
    case.refresh_from_db()
    assert case.state == "decided" and case.decided_form is not None
    assert case.decided_form.code == "khong_hoan_thanh"
    services_cases.case_transition(by=by, case=case, to="closed")
    verbs = list(CaseEvent.objects.filter(case=case).values_list("verb", flat=True))
    assert verbs == ["create", "transition", "document_add", "transition", "propose", "council", "decide", "appeal",
                     "appeal_resolve", "transition"]
    assert AuditEvent.objects.filter(verb="accountability.case.decide", object_id=str(case.pk)).count() == 1


def test_unit_case_uses_the_unit_ladder(make_finding: Any, demo: Any) -> None:
    f = make_finding("CAX-ND", "serious", date(2026, 6, 1), violators=("NA-2202",))
    case = services_cases.case_create(by=demo.users["discipline"], subject_kind="unit", officer=None,
                                      unit=demo.units["CAX-ND"], findings=[f], title="Xử lý tập thể")
    assert view(case).computed_form.code == "don_vi_ha_bac"
    with pytest.raises(DomainError):
        services_cases.case_create(by=demo.users["discipline"], subject_kind="unit", officer=None,
                                   unit=demo.units["CAX-TC"], findings=[f], title="Sai đơn vị")


def test_the_lead_cannot_dismiss_a_finding_discipline_rests_on(make_finding: Any, demo: Any) -> None:
    """A finding a disciplinary decision rests on is not pulled out from under it by the inspection
    lead: the disciplinary officer undoes the case first (here: drops it), then it may be dismissed."""
    from inspection.models import Finding
    from inspection.services_findings import finding_transition

    f = make_finding("CAX-TC", "less_serious", date(2026, 6, 1), violators=("NA-2104",))
    case = open_case(demo, [f])
    decide(demo, case, "khien_trach", date(2026, 7, 1))
    with pytest.raises(Conflict) as exc:
        finding_transition(by=demo.users["lead"], finding=f, to_state="dismissed",
                           reason="Xem lại thấy không có vi phạm")
    assert exc.value.code == "finding_in_discipline" and case.reference in exc.value.message
    f.refresh_from_db()
    assert f.state == Finding.State.CONFIRMED

    other = make_finding("CAX-TC", "less_serious", date(2026, 6, 2), violators=("NA-2104",))
    dropped = open_case(demo, [other])
    services_cases.case_transition(by=demo.users["discipline"], case=dropped, to="dropped",
                                   note="Không đủ căn cứ xử lý")
    assert finding_transition(by=demo.users["lead"], finding=other, to_state="dismissed",
                              reason="Xem lại thấy không có vi phạm").state == Finding.State.DISMISSED
