"""Proposing, confirming and rejecting leader liabilities; rule-set versions."""
from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from backend.audit.models import AuditEvent
from backend.core.errors import Conflict, DomainError
from inspection.accountability import defaults, services_liabilities, services_rulesets
from inspection.accountability.models import LeaderLiability, RuleSet, TraceRecord

pytestmark = pytest.mark.django_db


def test_propose_records_trace_and_rule_set_version(make_finding: Any, demo: Any) -> None:
    finding = make_finding("CAX-TC", "less_serious", date(2026, 3, 1), to=date(2026, 4, 10),
                           violators=("NA-2104",), counter=True)
    record, created, kept = services_liabilities.liabilities_propose(by=demo.users["discipline"], finding=finding)
    assert record.ruleset.version == 1 and record.content["ruleset"]["version"] == 1
    assert kept == []
    got = {(x.officer.service_number, x.role): x for x in created}
    # the upper head (NA-1001) is traced but no rule fires for one less-serious violation
    assert set(got) == {("NA-2101", "head"), ("NA-2102", "head"), ("NA-2103", "deputy")}
    head = got[("NA-2101", "head")]
    assert head.ruleset_id == record.ruleset_id and head.rule.code == "LD-H1"
    assert head.suggested_form.code == "phe_binh" and head.state == "proposed"
    assert (head.period_from, head.period_to) == (date(2026, 3, 1), date(2026, 3, 15))
    assert head.assignment.officer.service_number == "NA-2101"
    assert AuditEvent.objects.filter(verb="accountability.liabilities.propose", object_id=str(finding.pk)).exists()


def test_draft_finding_cannot_get_liabilities(make_finding: Any, demo: Any) -> None:
    finding = make_finding("CAX-TC", "less_serious", date(2026, 6, 1), violators=("NA-2104",), state="draft")
    with pytest.raises(Conflict):
        services_liabilities.liabilities_propose(by=demo.users["discipline"], finding=finding)
    assert not TraceRecord.objects.exists()


def test_confirm_and_reject_need_a_reason(make_finding: Any, demo: Any) -> None:
    finding = make_finding("CAX-TC", "serious", date(2026, 6, 1), violators=("NA-2104",), counter=True)
    _, created, _ = services_liabilities.liabilities_propose(by=demo.users["discipline"], finding=finding)
    head = next(x for x in created if x.role == "head")
    deputy = next(x for x in created if x.role == "deputy")
    with pytest.raises(DomainError) as err:
        services_liabilities.liability_confirm(by=demo.users["discipline"], liability=head, reason="  ")
    assert err.value.code == "reason_required"
    head.refresh_from_db()
    assert head.state == "proposed"
    services_liabilities.liability_confirm(by=demo.users["discipline"], liability=head, reason="Đã xác minh, đúng người đứng đầu")
    head.refresh_from_db()
    assert head.state == "confirmed" and head.confirmed_form is not None
    assert head.confirmed_form.code == "phe_binh"
    assert head.decided_by == demo.users["discipline"] and head.decision_reason.startswith("Đã xác minh")
    with pytest.raises(Conflict):
        services_liabilities.liability_reject(by=demo.users["discipline"], liability=head, reason="Đổi ý, bác bỏ")
    with pytest.raises(DomainError):
        services_liabilities.liability_confirm(by=demo.users["discipline"], liability=deputy, reason="Hạ mức xử lý",
                                               form_code="khong_ton_tai")
    services_liabilities.liability_reject(by=demo.users["discipline"], liability=deputy,
                                          reason="Cấp phó đã báo cáo vi phạm kịp thời")
    deputy.refresh_from_db()
    assert deputy.state == "rejected" and "kịp thời" in deputy.decision_reason
    verbs = set(AuditEvent.objects.filter(verb__startswith="accountability.liability.").values_list("verb", flat=True))
    assert verbs == {"accountability.liability.confirm", "accountability.liability.reject"}


def test_new_rule_version_is_used_and_decided_liabilities_are_kept(make_finding: Any, demo: Any) -> None:
    finding = make_finding("CAX-TC", "less_serious", date(2026, 6, 1), violators=("NA-2104",), counter=True)
    by = demo.users["discipline"]
    _, first, _ = services_liabilities.liabilities_propose(by=by, finding=finding)
    deputy = next(x for x in first if x.role == "deputy")
    services_liabilities.liability_confirm(by=by, liability=deputy, reason="Cấp phó phụ trách một cửa")
    data = defaults.ruleset_payload()
    for rule in data["rules"]:
        if rule["code"] == "LD-H1":
            rule["form"] = "canh_cao"  # heavier than the violator's khiển trách: the bound holds it there
    v2 = services_rulesets.ruleset_create(by=demo.users["admin"], data={**data, "note": "LD-H1 nặng hơn"})
    assert v2.version == 2 and v2.based_on is not None and v2.based_on.version == 1
    record, created, kept = services_liabilities.liabilities_propose(by=by, finding=finding)
    assert record.ruleset_id == v2.pk
    [head] = [x for x in created if x.role == "head"]
    assert head.ruleset.version == 2 and head.suggested_form.code == "khien_trach"
    assert "Không nặng hơn hình thức của người vi phạm" in head.reason_vi
    assert head.suggested_form.ruleset_id == v2.pk
    assert [x.pk for x in kept] == [deputy.pk]
    old_head = next(x for x in first if x.role == "head")
    old_head.refresh_from_db()
    assert old_head.state == "superseded" and old_head.ruleset.version == 1
    assert LeaderLiability.objects.filter(finding=finding, state="confirmed").count() == 1


def test_invalid_rule_set_writes_nothing(demo: Any) -> None:
    data = defaults.ruleset_payload()
    data["rules"][0]["form"] = "khong_co"
    with pytest.raises(DomainError):
        services_rulesets.ruleset_create(by=demo.users["admin"], data=data)
    data = defaults.ruleset_payload()
    data["forms"][1]["level"] = 5  # gap in the officer ladder
    with pytest.raises(DomainError):
        services_rulesets.ruleset_create(by=demo.users["admin"], data=data)
    data = defaults.ruleset_payload()
    data["rules"][0]["form"] = "don_vi_phe_binh"  # a unit form for a head rule
    with pytest.raises(DomainError):
        services_rulesets.ruleset_create(by=demo.users["admin"], data=data)
    assert list(RuleSet.objects.values_list("version", flat=True)) == [1]


@pytest.mark.parametrize("junk", ["xxxxx", "ok ok ok", "aaaa bbbb", "mot hai ba bon"])
def test_a_decision_on_a_liability_is_refused_with_a_reason_not_in_words(make_finding: Any, demo: Any, junk: str) -> None:
    """User review: a head's liability was rejected with the reason "xxxxx", printed in the trace PDF/XLSX."""
    finding = make_finding("CAX-TC", "serious", date(2026, 6, 1), violators=("NA-2104",), counter=True)
    _, created, _ = services_liabilities.liabilities_propose(by=demo.users["discipline"], finding=finding)
    head = next(x for x in created if x.role == "head")
    for decide in (services_liabilities.liability_reject, services_liabilities.liability_confirm):
        with pytest.raises(DomainError) as err:
            decide(by=demo.users["discipline"], liability=head, reason=junk)
        assert err.value.code == "reason_not_words" and "có dấu" in err.value.message
    head.refresh_from_db()
    assert head.state == "proposed"
