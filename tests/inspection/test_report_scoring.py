"""Honest report scores (issue 13, observation 5): a failed critical criterion cannot be signed away
without a finding, n.a. needs a reason, a mostly-n.a. report is flagged, and the minutes cannot say
"no violation" when the results fail a criterion. Built on a small factory world."""
from __future__ import annotations

import pytest
from django.utils import timezone

from backend.accounts.models import Role
from backend.core.actors import SystemActor
from backend.core.errors import Conflict, DomainError
from inspection import services_checks, services_criteria, services_findings, services_reports, services_signoff
from inspection.models import CheckReport, SurpriseCheck
from tests.inspection.factories import CategoryFactory, CheckFactory, UserFactory

CRITERIA = {
    "code": "T-CCHC", "name": "Bộ tiêu chí thử", "year": 2026,
    "criteria": [
        {"code": "1", "text": "Bố trí cán bộ", "children": [
            {"code": "1.1", "text": "Có mặt tại quầy", "max_points": 10},
            {"code": "1.2", "text": "Đúng giờ", "max_points": 10},
            {"code": "1.3", "text": "Trang phục", "max_points": 10},
        ]},
        {"code": "3", "text": "Thu phí", "children": [
            {"code": "3.1", "text": "Không thu tiền ngoài quy định", "max_points": 10, "critical": True},
            {"code": "3.2", "text": "Có biên lai", "max_points": 10},
            {"code": "3.3", "text": "Sổ theo dõi", "max_points": 10},
        ]},
        {"code": "5", "text": "Thái độ", "children": [
            {"code": "5.1", "text": "Niềm nở", "max_points": 10},
            {"code": "5.2", "text": "Ghế ngồi", "max_points": 10},
            {"code": "5.3", "text": "Nước uống", "max_points": 10},
            {"code": "5.4", "text": "Bàn viết", "max_points": 10},
        ]},
    ],
}
LEAVES = ["1.1", "1.2", "1.3", "3.1", "3.2", "3.3", "5.1", "5.2", "5.3", "5.4"]


@pytest.fixture
def running() -> SurpriseCheck:
    criteria_set = services_criteria.criteria_set_import(by=SystemActor("test"), data=CRITERIA)
    lead = UserFactory.create(role=Role.INSPECTION_LEAD)
    check = CheckFactory.create(lead=lead, criteria_set=criteria_set, state=SurpriseCheck.State.IN_PROGRESS,
                         started_at=timezone.now())
    CheckReport.objects.create(surprise_check=check, criteria_set=criteria_set)
    return check


def _v(check: SurpriseCheck) -> int:
    """The report version the next edit is made on (report_update requires it)."""
    return CheckReport.objects.get(surprise_check=check).version


def _results(**special: dict[str, object]) -> list[dict[str, object]]:
    return [{"criterion": code, "outcome": "pass", **special.get(code.replace(".", "_"), {})} for code in LEAVES]


def _fill_and_complete(check: SurpriseCheck, results: list[dict[str, object]], summary: str = "") -> CheckReport:
    report = services_reports.report_update(by=check.lead, check=check, version=_v(check), results=results, summary=summary)
    services_checks.check_complete(by=check.lead, check=check)
    return report


@pytest.mark.django_db
def test_failed_critical_criterion_is_flagged_and_sign_off_waits_for_a_finding(running):
    fail = {"outcome": "fail", "note": "Thu 200.000đ ngoài quy định"}
    report = _fill_and_complete(running, _results(**{"3_1": fail}))
    assert report.percent == 90  # the arithmetic stays visible ...
    assert [f["code"] for f in report.flags] == ["critical_failed"]  # ... with the failed critical criterion
    assert report.flags[0]["criteria"] == ["3.1"]
    with pytest.raises(Conflict) as refused:
        services_signoff.report_sign(by=running.lead, check=running)
    assert refused.value.code == "critical_without_finding" and "3.1" in str(refused.value.message_en)
    # the same word for the lead as every other screen ("tổ trưởng", not "trưởng đoàn": user review, issue 15)
    assert "để tổ trưởng xác nhận" in str(refused.value.message) and "đoàn" not in str(refused.value.message)
    assert not CheckReport.objects.get(pk=report.pk).is_signed
    finding = services_findings.finding_create(by=running.lead, source="check", category=CategoryFactory.create(),
                                               title="Thu tiền ngoài quy định", unit=None, occurred_from=timezone.now(),
                                               surprise_check=running, criterion_code="3.1",
                                               unit_level_reason="Hình ảnh không cho thấy cán bộ nào, chưa xác định được cá nhân")
    assert finding.state == "draft"
    with pytest.raises(Conflict) as refused:  # a draft does not cover it: the lead confirms it first (F13)
        services_signoff.report_sign(by=running.lead, check=running)
    assert refused.value.code == "critical_without_finding"
    services_findings.finding_transition(by=running.lead, finding=finding, to_state="confirmed", reason="Có biên lai")
    signed = services_signoff.report_sign(by=running.lead, check=running)
    assert signed.is_signed


@pytest.mark.django_db
def test_not_applicable_needs_a_reason(running):
    with pytest.raises(DomainError) as refused:
        services_reports.report_update(by=running.lead, check=running, version=_v(running), results=_results(**{"5_4": {"outcome": "not_applicable"}}))
    assert refused.value.code == "invalid_results" and "reason" in str(refused.value.message_en)
    report = services_reports.report_update(by=running.lead, check=running, version=_v(running),
                                            results=_results(**{"5_4": {"outcome": "not_applicable", "note": "Quầy không có bàn"}}))
    assert report.flags == []


@pytest.mark.django_db
def test_report_mostly_not_applicable_is_flagged(running):
    na = {"outcome": "not_applicable", "note": "Không áp dụng"}
    results = [{"criterion": c, **na} for c in LEAVES if c not in ("5.2", "5.3")]
    results += [{"criterion": "5.2", "outcome": "pass"}, {"criterion": "5.3", "outcome": "pass"}]
    report = services_reports.report_update(by=running.lead, check=running, version=_v(running), results=results)
    assert report.percent == 100
    flag = {f["code"]: f for f in report.flags}["many_not_applicable"]
    assert len(flag["criteria"]) == 8 and "8/10" in flag["vi"]


@pytest.mark.django_db
def test_sign_off_refuses_minutes_that_say_no_violation_when_a_criterion_failed(running):
    fail = {"outcome": "fail", "note": "Không mặc trang phục"}
    _fill_and_complete(running, _results(**{"1_3": fail}), summary="Qua kiểm tra, không phát hiện vi phạm.")
    with pytest.raises(Conflict) as refused:
        services_signoff.report_sign(by=running.lead, check=running)
    assert refused.value.code == "minutes_contradict_results"
    services_reports.report_update(by=running.lead, check=running, version=_v(running), summary="Cán bộ 1.3 không mặc trang phục đúng quy định.")
    assert services_signoff.report_sign(by=running.lead, check=running).is_signed
