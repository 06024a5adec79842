"""Writes of liabilities: proposing them from a confirmed finding's trace, confirming or rejecting a
leader's liability, and recording a unit's self-detection."""
from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from backend.accounts.models import User
from backend.audit.services import audit_record
from backend.core.actors import Actor, actor_user
from backend.core.errors import Conflict
from backend.org.models import Assignment, Officer
from inspection.accountability.engine import FormRef, RuleBook
from inspection.accountability.models import LadderForm, LeaderLiability, Rule, SelfDetection, SubjectKind, TraceRecord
from inspection.accountability.services_common import _clean_reason, _invalid, _jsonable
from inspection.accountability.trace import COUNTED_STATES, compute_trace, finding_days, finding_limitation
from inspection.models import Finding, FindingSubject


@transaction.atomic
def liabilities_propose(*, by: Actor, finding: Finding) -> tuple[TraceRecord, list[LeaderLiability],
                                                                   list[LeaderLiability]]:
    """Trace the finding under the current rule set, store the trace and propose a liability per leader.

    Open proposals from an earlier trace are superseded; decided ones (confirmed/rejected) are kept
    and that leader is not proposed again. Returns (trace, created, kept_decided).
    """
    if finding.state not in COUNTED_STATES:
        raise Conflict("Chỉ đề xuất trách nhiệm cho vi phạm đã được xác nhận.",
                       "Liabilities are proposed only for confirmed findings.", code="finding_not_confirmed")
    book = RuleBook.load()
    content = compute_trace(finding=finding, book=book)
    now = timezone.now()
    actor = actor_user(by)
    existing = list(LeaderLiability.objects.select_for_update().filter(finding=finding)
                    .exclude(state=LeaderLiability.State.SUPERSEDED))
    decided = {(x.officer_id, x.role, x.unit_id): x for x in existing if x.state != LeaderLiability.State.PROPOSED}
    record = TraceRecord.objects.create(finding=finding, ruleset_id=book.ruleset_id, content=_jsonable(content),
                                        created_by=actor, created_at=now)
    superseded = [x.pk for x in existing if x.state == LeaderLiability.State.PROPOSED]
    LeaderLiability.objects.filter(pk__in=superseded).update(state=LeaderLiability.State.SUPERSEDED)
    created: list[LeaderLiability] = []
    kept: list[LeaderLiability] = []
    seen: set[tuple[int, str, int]] = set()
    for group in content["units"]:
        for leader in group["leaders"]:
            if leader["suggested_form"] is None:
                continue
            key = (leader["officer"]["id"], leader["role"], leader["unit"]["id"])
            if key in decided:
                kept.append(decided[key])
                continue
            if key in seen:
                continue
            seen.add(key)
            created.append(LeaderLiability.objects.create(
                finding=finding, trace=record, ruleset_id=book.ruleset_id, rule_id=leader["rule"]["id"],
                officer_id=key[0], unit_id=key[2], assignment_id=leader["assignment"]["id"], role=leader["role"],
                basis=leader["basis"], is_acting=leader["is_acting"], period_from=leader["in_charge_from"],
                period_to=leader["in_charge_to"], suggested_form_id=leader["suggested_form"]["id"],
                reason_vi=leader["why_vi"], reason_en=leader["why_en"],
                facts=_jsonable({**leader["facts"], "assignment": leader["assignment"],
                                 "other_rules": [m["rule"]["code"] for m in leader["other_rules"]]}),
                created_by=actor, created_at=now))
    audit_record(actor=by, verb="accountability.liabilities.propose", obj=finding,
                 payload={"trace": record.pk, "ruleset_version": book.version,
                          "created": [x.pk for x in created], "superseded": superseded,
                          "kept_decided": [x.pk for x in kept]})
    return record, created, kept


@transaction.atomic
def liability_confirm(*, by: User, liability: LeaderLiability, reason: str,
                      form_code: str | None = None) -> LeaderLiability:
    reason = _clean_reason(reason)
    liability = (LeaderLiability.objects.select_for_update(of=("self",))
                 .select_related("rule", "officer", "finding", "suggested_form").get(pk=liability.pk))
    if liability.state != LeaderLiability.State.PROPOSED:
        raise Conflict(f"Đề xuất đang ở trạng thái '{liability.get_state_display()}', không thể xác nhận.",
                       f"The proposal is {liability.state}; only a proposed liability can be confirmed.",
                       code="invalid_state")
    form = liability.suggested_form
    if form_code and form_code != form.code:
        chosen = LadderForm.objects.filter(ruleset_id=liability.ruleset_id, code=form_code,
                                           subject_kind=SubjectKind.OFFICER).first()
        if chosen is None:
            raise _invalid(f"Hình thức '{form_code}' không có trong khung hình thức đối với cán bộ.",
                           f"Form '{form_code}' is not on the officers' ladder of this rule set.", "form")
        form = chosen
    book = RuleBook.load(ruleset_id=liability.ruleset_id)
    limitation = finding_limitation(finding=liability.finding, book=book, today=timezone.localdate())
    if limitation is not None and limitation.barred_from is not None:
        raise Conflict(f"{limitation.barred_vi}: không xác nhận trách nhiệm. {limitation.message_vi}",
                       f"{limitation.barred_en}: the liability cannot be confirmed. {limitation.message_en}",
                       code="limitation_expired")
    rule = liability.rule
    if (rule.categories == Rule.Categories.CORRUPTION and not rule.as_violator
            and SelfDetection.objects.filter(finding_id=liability.finding_id, officer_id=liability.officer_id).exists()):
        raise Conflict(f"{liability.officer.full_name} được miễn trách nhiệm người đứng đầu về tham nhũng vì đã tự "
                       "phát hiện và xử lý (Luật Phòng, chống tham nhũng 2018, Điều 73 khoản 3): không xác nhận "
                       "trách nhiệm này.",
                       f"{liability.officer.full_name} is exempt from the leader's liability for corruption, having "
                       "detected and handled it himself (Anti-Corruption Law 2018 art. 73(3)): not confirmed.",
                       code="exempt_self_detected")
    if rule.cap_at_violator:
        own = book.by_severity(Rule.AppliesTo.VIOLATOR, liability.finding.severity)
        if own is not None and own.form is not None:
            _not_heavier_than_violator(form.level, form.name_vi, form.name_en, own.form)
    if form.code != liability.suggested_form.code and rule.categories == Rule.Categories.CORRUPTION \
            and not rule.as_violator:
        # the leaders' corruption ladder (NĐ 59/2019 art. 78): only the forms the rule set's corruption
        # rules for heads and deputies give (khiển trách, cảnh cáo, cách chức by default)
        allowed = sorted({r.form.code: r.form for r in book.rules
                          if r.categories == Rule.Categories.CORRUPTION and not r.as_violator and r.form is not None
                          and r.applies_to in (Rule.AppliesTo.HEAD, Rule.AppliesTo.DEPUTY)}.values(),
                         key=lambda f: f.level)
        if form.code not in {f.code for f in allowed}:
            raise _invalid(f"Trách nhiệm của người đứng đầu, cấp phó về tham nhũng chỉ có các hình thức: "
                           f"{', '.join(f.name_vi for f in allowed)} ({rule.basis}); không áp dụng {form.name_vi}.",
                           f"A leader's liability for corruption has only these forms: "
                           f"{', '.join(f.name_en for f in allowed)} ({rule.basis}); {form.name_en} is refused.",
                           "form", code="form_not_allowed")
    liability.state = LeaderLiability.State.CONFIRMED
    liability.confirmed_form = form
    liability.decided_by = by
    liability.decided_at = timezone.now()
    liability.decision_reason = reason
    liability.save(update_fields=["state", "confirmed_form", "decided_by", "decided_at", "decision_reason"])
    audit_record(actor=by, verb="accountability.liability.confirm", obj=liability,
                 payload={"form": form.code, "suggested": liability.suggested_form.code, "reason": reason})
    return liability


def _not_heavier_than_violator(level: int, name_vi: str, name_en: str, cap: FormRef) -> None:
    """Joint responsibility (trách nhiệm liên đới) is never heavier than the violator's own form."""
    if level > cap.level:
        raise _invalid(f"Trách nhiệm liên đới không được nặng hơn hình thức của người vi phạm ({cap.name_vi}); "
                       f"không áp dụng {name_vi}.",
                       f"Joint responsibility is never heavier than the violator's own form ({cap.name_en}); "
                       f"{name_en} is refused.", "form", code="heavier_than_violator")


@transaction.atomic
def liability_reject(*, by: User, liability: LeaderLiability, reason: str) -> LeaderLiability:
    reason = _clean_reason(reason)
    liability = LeaderLiability.objects.select_for_update().get(pk=liability.pk)
    if liability.state != LeaderLiability.State.PROPOSED:
        raise Conflict(f"Đề xuất đang ở trạng thái '{liability.get_state_display()}', không thể bác.",
                       f"The proposal is {liability.state}; only a proposed liability can be rejected.",
                       code="invalid_state")
    liability.state = LeaderLiability.State.REJECTED
    liability.decided_by = by
    liability.decided_at = timezone.now()
    liability.decision_reason = reason
    liability.save(update_fields=["state", "decided_by", "decided_at", "decision_reason"])
    audit_record(actor=by, verb="accountability.liability.reject", obj=liability, payload={"reason": reason})
    return liability


@transaction.atomic
def self_detection_record(*, by: User, finding: Finding, officer: Officer, note: str) -> SelfDetection:
    """Record that a leader found and handled the corruption himself (Luật PCTN 2018 art. 73(3)).

    Only a head or deputy of the finding's unit during the violation can be exempt; the fact is
    shown in the trace with its basis, and the next proposal leaves the corruption rules out for him.
    """
    note = _clean_reason(note)
    book = RuleBook.load()
    if not book.category(finding.category.code).is_corruption:
        raise Conflict(f"Miễn trách nhiệm do tự phát hiện (Luật PCTN 2018, Điều 73 khoản 3) chỉ áp dụng cho vi phạm "
                       f"tham nhũng; {finding.reference} ({finding.category.name_vi}) không phải loại tham nhũng.",
                       f"The self-detection exemption (Anti-Corruption Law 2018 art. 73(3)) applies to corruption "
                       f"only; {finding.reference} is not in a corruption category.", code="not_corruption")
    flagged = FindingSubject.objects.filter(finding=finding, officer=officer).filter(
        Q(knew_and_did_not_act=True) | Q(covered_up=True)).exists()
    if flagged:
        raise Conflict(f"{officer.full_name} được ghi trong kết luận là biết mà không xử lý hoặc bao che: không thể "
                       "đồng thời ghi nhận đã tự phát hiện và xử lý.",
                       f"{officer.full_name} is recorded as having known and not acted or covered up: a "
                       "self-detection cannot be recorded as well.", code="flagged_knew_or_covered")
    d0, d1 = finding_days(finding)
    led = Assignment.objects.filter(officer=officer, unit_id=finding.unit_id, valid_from__lte=d1).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=d0)).filter(Q(is_head=True) | Q(is_deputy=True))
    if not led.exists():
        raise Conflict(f"{officer.full_name} không giữ chức lãnh đạo {finding.unit.name} trong thời gian vi phạm.",
                       f"{officer.full_name} did not lead {finding.unit.code} during the violation.",
                       code="not_related")
    if SelfDetection.objects.filter(finding=finding, officer=officer).exists():
        raise Conflict("Đã ghi nhận việc tự phát hiện của người này.", "Already recorded for this person.",
                       code="duplicate")
    content = compute_trace(finding=finding, book=book)
    liable = any(leader["officer"]["id"] == officer.pk and leader["role"] in ("head", "deputy")
                 for group in content["units"] for leader in group["leaders"])
    if not liable:
        raise Conflict(f"{officer.full_name} không phải người đứng đầu hoặc cấp phó phụ trách chịu trách nhiệm về vi "
                       f"phạm {finding.reference}: không có trách nhiệm để miễn.",
                       f"{officer.full_name} is not a head or deputy in charge answerable for {finding.reference}: "
                       "there is no liability to exempt.", code="not_related")
    record = SelfDetection.objects.create(finding=finding, officer=officer, note=note, recorded_by=by,
                                          recorded_at=timezone.now())
    audit_record(actor=by, verb="accountability.self_detection.record", obj=finding,
                 payload={"officer": officer.pk, "note": note})
    return record


@transaction.atomic
def self_detection_withdraw(*, by: Actor, record: SelfDetection, reason: str) -> None:
    """Withdraw a wrongly recorded exemption, with a reason; the audit trail keeps what was withdrawn.
    The next proposal for the finding applies the corruption rules to the leader again."""
    reason = _clean_reason(reason)
    record = SelfDetection.objects.select_for_update().get(pk=record.pk)
    audit_record(actor=by, verb="accountability.self_detection.withdraw", obj=record.finding,
                 payload={"officer": record.officer_id, "note": record.note, "recorded_at": record.recorded_at,
                          "recorded_by": record.recorded_by_id, "reason": reason})
    record.delete()
