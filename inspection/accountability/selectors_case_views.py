"""What a disciplinary case shows its reader: its deadlines, whether it is time-barred, and the view
of each case in a list (case_views), and the head profile of an officer built on them. Cases come
from selectors.cases_visible_to, the one rule of who reads a case."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import Q
from django.utils import timezone

from backend.accounts.selectors import user_unit_ids
from backend.org.models import Assignment, Officer
from inspection.accountability.engine import (
    FormRef,
    RuleBook,
    RuleRef,
    _form_ref,
    fmt,
    fmt_en,
    regulation_numbers,
    render_basis,
    rule_name,
    sev_en,
    sev_vi,
)
from inspection.accountability.escalation import (
    PriorDecision,
    Violation,
    case_limitation,
    escalate,
    violation_limitation,
)
from inspection.accountability.models import DisciplinaryCase, LeaderLiability, Rule, SubjectKind
from inspection.accountability.selectors import CASE_READERS, cases_queryset, cases_visible_to, findings_for
from inspection.accountability.trace import (
    COUNTED_STATES,
    VIOLATOR_ROLES,
    day_start,
    finding_days,
    local_day,
    violation_start,
    visible_check_q,
)
from inspection.models import Finding, FindingSubject

if TYPE_CHECKING:
    from backend.accounts.models import User


@dataclass
class CaseView:
    violations: list[Violation]
    steps: list[Any]
    computed_form: FormRef | None
    limitation: Any
    aggravating: int
    mitigating: int
    notes: list[dict[str, str]]
    deadlines: dict[str, Any]

    @property
    def live(self) -> list[Violation]:
        return [v for v in self.violations if not v.time_barred]

    def as_dict(self) -> dict[str, Any]:
        return {
            "violations": [{"finding_id": v.finding_id, "reference": v.reference, "occurred_on": v.occurred_on,
                            "form": v.form.as_dict(), "rule": v.rule_code, "rule_name_vi": v.rule_name_vi,
                            "rule_name_en": v.rule_name_en, "rule_basis": v.rule_basis,
                            "why_vi": v.why_vi, "why_en": v.why_en,
                            "time_barred": v.time_barred,
                            "limitation": v.limitation.as_dict() if v.limitation else None}
                           for v in self.violations],
            "steps": [s.as_dict() for s in self.steps],
            "computed_form": self.computed_form.as_dict() if self.computed_form else None,
            "limitation": self.limitation.as_dict() if self.limitation else None,
            "factors": {"aggravating": self.aggravating, "mitigating": self.mitigating},
            "notes": self.notes,
            "deadlines": self.deadlines,
        }


# Long on purpose: one table of a case's legal periods, each a vi/en pair with its source, read top to bottom.
def _deadlines(case: DisciplinaryCase, book: RuleBook, form: FormRef | None, today: date) -> dict[str, Any]:
    """Handling period, council step and complaint windows of a case, each with its source."""
    opened = local_day(case.created_at)
    days = book.handling_days_complex if case.is_complex else book.handling_days
    due = opened + timedelta(days=days)
    decided = case.decision_date is not None
    period_vi = f"thời hạn xử lý {days} ngày{' (vụ việc phức tạp)' if case.is_complex else ''}"
    period_en = f"handling period {days} days{' (complex case)' if case.is_complex else ''}"
    if case.decision_date is not None:
        in_time = case.decision_date <= due
        text_vi = (f"Đã ra quyết định ngày {fmt(case.decision_date)}, "
                   f"{'trong' if in_time else 'quá'} {period_vi} kể từ ngày lập hồ sơ {fmt(opened)} "
                   f"(hạn {fmt(due)}).")
        text_en = (f"Decided on {fmt_en(case.decision_date)}, {'within' if in_time else 'after'} the {period_en} "
                   f"from opening on {fmt_en(opened)} (due {fmt_en(due)}).")
    else:
        text_vi = (f"Thời hạn xử lý {days} ngày{' (vụ việc phức tạp)' if case.is_complex else ''} kể từ ngày lập "
                   f"hồ sơ {fmt(opened)}: ra quyết định chậm nhất ngày {fmt(due)}.")
        text_en = (f"Handling period {days} days{' (complex case)' if case.is_complex else ''} from opening on "
                   f"{fmt_en(opened)}: decide by {fmt_en(due)}.")
    handling = {
        "opened_on": opened, "days": days, "complex": case.is_complex, "deadline": due,
        "status": "met" if decided and case.decision_date and case.decision_date <= due
        else "late" if (case.decision_date or today) > due else "running",
        "source": book.source("handling_days_complex" if case.is_complex else "handling_days"),
        "decided_on": case.decision_date, "text_vi": text_vi, "text_en": text_en,
    }
    council = {
        "required": bool(form is not None and form.requires_council), "form": form.code if form else None,
        "held_on": case.council_held_on, "note": case.council_note, "source": book.source("council"),
    }
    complaints: dict[str, Any] = {"first": None, "second": None}

    def answer(filed: date | None, accepted: date | None, complex_: bool, decided: date | None,
               second: bool) -> dict[str, Any] | None:
        """When the answer to a pending (or answered) complaint is due: accepted (thụ lý) within the
        acceptance period of receipt, answered within the answer period of acceptance (Luật Khiếu nại 2011)."""
        if filed is None:
            return None
        accept_by = filed + timedelta(days=book.complaint_accept_days)
        days = ((book.second_answer_days_complex if complex_ else book.second_answer_days) if second
                else (book.complaint_answer_days_complex if complex_ else book.complaint_answer_days))
        start = accepted or accept_by
        due = start + timedelta(days=days)
        key = ("second_answer_days" if second else "complaint_answer_days") + ("_complex" if complex_ else "")
        kind_vi = " (vụ việc phức tạp)" if complex_ else ""
        kind_en = " (complex)" if complex_ else ""
        nth_vi, nth_en = ("lần hai", "second") if second else ("lần đầu", "first")
        if accepted is not None:
            from_vi = f"kể từ ngày thụ lý {fmt(accepted)}"
            from_en = f"from acceptance on {fmt_en(accepted)}"
        else:
            from_vi = (f"kể từ ngày thụ lý (chưa ghi; thụ lý chậm nhất ngày {fmt(accept_by)}, "
                       f"{book.complaint_accept_days} ngày kể từ ngày nhận đơn {fmt(filed)})")
            from_en = (f"from acceptance (not recorded; due by {fmt_en(accept_by)}, "
                       f"{book.complaint_accept_days} days from receipt on {fmt_en(filed)})")
        status = ("answered" if decided is not None and decided <= due else "answered_late" if decided is not None
                  else "late" if today > due else "running")
        text_vi = f"Giải quyết khiếu nại {nth_vi} trong {days} ngày{kind_vi} {from_vi}: chậm nhất ngày {fmt(due)}."
        text_en = f"Answer to the {nth_en} complaint within {days} days{kind_en} {from_en}: by {fmt_en(due)}."
        if decided is not None:
            text_vi += f" Đã giải quyết ngày {fmt(decided)}{'' if status == 'answered' else ', quá hạn'}."
            text_en += f" Answered on {fmt_en(decided)}{'' if status == 'answered' else ', late'}."
        return {"received_on": filed, "accept_by": accept_by, "accept_days": book.complaint_accept_days,
                "accepted_on": accepted, "complex": complex_, "days": days, "deadline": due,
                "answered_on": decided, "status": status,
                "source": f"{book.source('complaint_accept_days')}; {book.source(key)}",
                "text_vi": text_vi, "text_en": text_en}
    received = case.decision_received_on or case.decision_date
    if received is not None:
        last = received + timedelta(days=book.complaint_days)
        complaints["first"] = {
            "from": received, "days": book.complaint_days, "deadline": last, "filed_on": case.appeal_filed_on,
            "source": book.source("complaint_days"),
            "text_vi": f"Khiếu nại lần đầu trong {book.complaint_days} ngày kể từ ngày nhận quyết định "
                       f"({fmt(received)}): đến hết ngày {fmt(last)}.",
            "text_en": f"First complaint within {book.complaint_days} days of receiving the decision "
                       f"({fmt_en(received)}): until {fmt_en(last)}."}
        complaints["first"]["answer"] = answer(case.appeal_filed_on, case.appeal_accepted_on, case.appeal_complex,
                                               case.appeal_decided_on, False)
    answered = case.appeal_answer_received_on or case.appeal_decided_on
    if answered is not None:
        last2 = answered + timedelta(days=book.second_complaint_days)
        complaints["second"] = {
            "from": answered, "days": book.second_complaint_days, "deadline": last2,
            "filed_on": case.appeal2_filed_on, "source": book.source("second_complaint_days"),
            "text_vi": f"Khiếu nại lần hai trong {book.second_complaint_days} ngày kể từ ngày nhận quyết định "
                       f"giải quyết lần đầu ({fmt(answered)}): đến hết ngày {fmt(last2)}.",
            "text_en": f"Second complaint within {book.second_complaint_days} days of receiving the first answer "
                       f"({fmt_en(answered)}): until {fmt_en(last2)}."}
        complaints["second"]["answer"] = answer(case.appeal2_filed_on, case.appeal2_accepted_on, case.appeal2_complex,
                                                case.appeal2_decided_on, True)
    return {"handling": handling, "council": council, "complaints": complaints}


def _barred_on(f: Finding, book: RuleBook, on: date, later: list[tuple[date, str, int]]) -> bool:
    """Whether a violation was already time-barred on `on` (its own form, its category, its start)."""
    own = book.by_severity(Rule.AppliesTo.VIOLATOR, f.severity)
    if own is None or own.form is None:
        return False
    v = Violation(f.pk, f.reference, f.category_id, finding_days(f)[1], own.form, own.code, "", "")
    v.counts_from, v.counts_from_vi, v.counts_from_en = violation_start(f)
    policy = book.category(f.category.code)
    v.no_limitation, v.no_limitation_basis = policy.no_limitation, policy.basis
    lim = violation_limitation(violation=v, later=[(d, ref) for d, ref, fid in later if fid != f.pk],
                               restart=book.restart_on_new_violation, today=on,
                               warn_days=book.limitation_warn_days)
    return lim.status == "expired"


def _book_rule(book: RuleBook, rule: Rule) -> RuleRef | Rule:
    """The case's rule set's reading of a stored rule (its basis with the regulations' numbers), or the row."""
    return next((r for r in book.rules if r.code == rule.code), rule)


class _RuleNamed(TypedDict):
    rule_name_vi: str
    rule_name_en: str
    rule_basis: str


def _named(rule: RuleRef | Rule) -> _RuleNamed:
    """A violation's rule by its name and basis, not a bare code (issue 15)."""
    return {"rule_name_vi": rule_name(rule.text_vi) or rule.code, "rule_name_en": rule_name(rule.text_en) or rule.code,
            "rule_basis": rule.basis if isinstance(rule, RuleRef) else render_basis(rule.basis, regulation_numbers())}


# Long on purpose: one batch for many cases in a fixed number of queries; batched maps and loop read together.
def case_views(cases: list[DisciplinaryCase], *, today: date | None = None,
               reader: Any = None) -> dict[int, CaseView]:
    """Escalation, limitation and deadlines for many cases in a fixed number of queries.

    Cases must come from `cases_queryset` (findings and factors prefetched). A prior decision
    counts for a repeat whoever reads; for a `reader` who may not see that earlier case, its
    number and reference are left out of the words.
    """
    today = today or timezone.localdate()
    if not cases:
        return {}
    books = {rid: RuleBook.load(ruleset_id=rid) for rid in {c.ruleset_id for c in cases}}
    restart = any(b.restart_on_new_violation for b in books.values())
    officer_ids = {c.officer_id for c in cases if c.officer_id}
    unit_ids = {c.unit_id for c in cases if c.unit_id}
    finding_ids = {f.pk for c in cases for f in c.findings.all()}
    roles: dict[tuple[int, int], set[str]] = defaultdict(set)
    liabilities: dict[tuple[int, int], LeaderLiability] = {}
    later_officer: dict[int, list[tuple[date, str, int]]] = defaultdict(list)
    later_unit: dict[int, list[tuple[date, str, int]]] = defaultdict(list)
    if officer_ids:
        for s in FindingSubject.objects.filter(officer_id__in=officer_ids, finding_id__in=finding_ids):
            if s.role in VIOLATOR_ROLES:
                roles[(s.officer_id, s.finding_id)].add("violator")
            elif s.knew_and_did_not_act or s.covered_up:
                roles[(s.officer_id, s.finding_id)].add("knew_or_covered")
            else:
                roles[(s.officer_id, s.finding_id)].add("named")
        for liab in (LeaderLiability.objects.filter(officer_id__in=officer_ids, finding_id__in=finding_ids,
                                                    state=LeaderLiability.State.CONFIRMED)
                     .select_related("rule", "confirmed_form", "suggested_form")):
            liabilities[(liab.officer_id, liab.finding_id)] = liab
        if restart:
            for row in (FindingSubject.objects.filter(officer_id__in=officer_ids, finding__state__in=COUNTED_STATES)
                        .filter(Q(role__in=VIOLATOR_ROLES) | Q(knew_and_did_not_act=True) | Q(covered_up=True))
                        .filter(visible_check_q("finding__surprise_check"))
                        .values("officer_id", "finding_id", "finding__reference", "finding__occurred_from")):
                later_officer[row["officer_id"]].append(
                    (local_day(row["finding__occurred_from"]), row["finding__reference"], row["finding_id"]))
    if unit_ids and restart:
        for urow in (Finding.objects.filter(visible_check_q(), unit_id__in=unit_ids, state__in=COUNTED_STATES)
                     .values("unit_id", "id", "reference", "occurred_from")):
            later_unit[urow["unit_id"]].append((local_day(urow["occurred_from"]), urow["reference"], urow["id"]))
    priors: dict[tuple[str, int], list[tuple[int, PriorDecision]]] = defaultdict(list)
    prior_qs = (DisciplinaryCase.objects.filter(Q(officer_id__in=officer_ids) | Q(unit_id__in=unit_ids))
                .filter(decided_form__isnull=False, decision_date__isnull=False)
                .exclude(appeal_result=DisciplinaryCase.AppealResult.ANNULLED)
                .select_related("decided_form").prefetch_related("findings__category"))
    prior_rows = list(prior_qs)
    hidden: set[int] = set()
    if reader is not None and user_unit_ids(reader) is not None and prior_rows:
        seen = set(cases_visible_to(reader).filter(pk__in=[p.pk for p in prior_rows]).values_list("pk", flat=True))
        hidden = {p.pk for p in prior_rows} - seen
    for rid in {p.ruleset_id for p in prior_rows} - set(books):
        books[rid] = RuleBook.load(ruleset_id=rid)
    for p in prior_rows:
        if p.decided_form is None or p.decision_date is None:
            continue
        key = (p.subject_kind, p.officer_id or p.unit_id or 0)
        later_prior = (later_officer.get(p.officer_id, []) if p.officer_id is not None
                       else later_unit.get(p.unit_id or 0, []))
        # only the violations the prior decision really handled count for a repeat: one already
        # time-barred on its decision day was neither handled nor counts toward escalation
        handled = {f.category_id for f in p.findings.all()
                   if not _barred_on(f, books[p.ruleset_id], p.decision_date, later_prior)}
        if not handled:
            continue
        priors[key].append((p.pk, PriorDecision(
            case_reference="—" if p.pk in hidden else p.reference,
            decision_number="" if p.pk in hidden else p.decision_number, decision_date=p.decision_date,
            form=_form_ref(p.decided_form), category_ids=handled)))

    views: dict[int, CaseView] = {}
    for case in cases:
        book = books[case.ruleset_id]
        violations: list[Violation] = []
        notes: list[dict[str, str]] = []
        for f in case.findings.all():
            day = finding_days(f)[1]
            if case.subject_kind == SubjectKind.UNIT:
                rule = book.by_severity(Rule.AppliesTo.UNIT, f.severity)
                if rule is None or rule.form is None:
                    notes.append({"vi": f"Không có quy tắc cho đơn vị với vi phạm {sev_vi(f.severity)} ({f.reference}).",
                                  "en": f"No unit rule for a {sev_en(f.severity)} violation ({f.reference})."})
                    continue
                violations.append(Violation(f.pk, f.reference, f.category_id, day, rule.form, rule.code,
                                            f"vi phạm {sev_vi(f.severity)} của đơn vị",
                                            f"{sev_en(f.severity)} violation by the unit",
                                            **_named(rule)))
                continue
            officer_id = case.officer_id or 0
            kinds = roles.get((officer_id, f.pk), set())
            confirmed = liabilities.get((officer_id, f.pk))
            if confirmed is not None and "violator" not in kinds:
                form = book.equivalent(_form_ref(confirmed.confirmed_form or confirmed.suggested_form))
                own_rule = book.by_severity(Rule.AppliesTo.VIOLATOR, f.severity)
                own_form = own_rule.form if own_rule is not None else None
                liable = _book_rule(book, confirmed.rule)
                violations.append(Violation(
                    f.pk, f.reference, f.category_id, day, form, confirmed.rule.code,
                    f"trách nhiệm {confirmed.get_role_display().lower()} đã được xác nhận",
                    f"confirmed liability as {confirmed.role.replace('_', ' ')}",
                    own_form=own_form, cap=own_form if confirmed.rule.cap_at_violator else None, **_named(liable)))
                continue
            if kinds & {"violator", "knew_or_covered"} == set() and "named" in kinds:
                # a head named in the finding but neither a violator nor flagged knew / covered up answers
                # only jointly: never heavier than the violator's own form (the joint rule's default
                # when the rule set has one for him), like a confirmed joint liability
                own_rule = book.by_severity(Rule.AppliesTo.VIOLATOR, f.severity)
                if own_rule is not None and own_rule.form is not None:
                    own_form = own_rule.form
                    joint = next((r for r in book.rules_for(Rule.AppliesTo.HEAD)
                                  if r.cap_at_violator and r.trigger == Rule.Trigger.SEVERITY
                                  and f.severity in r.severities and r.form is not None), None)
                    form = joint.form if joint is not None and joint.form is not None else own_form
                    if form.level > own_form.level:
                        form = own_form
                    applied = joint if joint is not None else own_rule
                    violations.append(Violation(
                        f.pk, f.reference, f.category_id, day, form, applied.code,
                        f"người đứng đầu được nêu trong kết luận, trách nhiệm liên đới: không "
                        f"nặng hơn hình thức của người vi phạm ({own_form.name_vi})",
                        f"head named in the finding, joint responsibility: never heavier than "
                        f"the violator's own form ({own_form.name_en})",
                        own_form=own_form, cap=own_form, **_named(applied)))
                    continue
            if kinds & {"violator", "knew_or_covered"}:
                rule = book.by_severity(Rule.AppliesTo.VIOLATOR, f.severity)
                if rule is not None and rule.form is not None:
                    if "violator" in kinds:
                        as_what_vi, as_what_en = "người vi phạm", "violator"
                    else:
                        as_what_vi = "biết mà không xử lý / bao che, xử lý như người vi phạm"
                        as_what_en = "knew and did not act / covered up, handled as violator"
                    violations.append(Violation(
                        f.pk, f.reference, f.category_id, day, rule.form, rule.code,
                        f"{as_what_vi}, vi phạm {sev_vi(f.severity)}",
                        f"{as_what_en}, {sev_en(f.severity)} violation", **_named(rule)))
                    continue
            notes.append({"vi": f"Vi phạm {f.reference} không xác định được hình thức cho người này "
                                "(chưa có trách nhiệm được xác nhận).",
                          "en": f"No form could be determined for {f.reference} for this person "
                                "(no confirmed liability)."})
        changed_on_complaint = DisciplinaryCase.AppealResult.CHANGED in (case.appeal_result, case.appeal2_result)
        if changed_on_complaint and case.decided_form is not None:
            # the complaint re-judged the form: a violation is no heavier than what was finally decided,
            # so its limitation follows the changed form
            final = book.equivalent(_form_ref(case.decided_form))
            for v in violations:
                if final.level < (v.own_form or v.form).level:
                    v.own_form = final
        by_id = {f.pk: f for f in case.findings.all()}
        for v in violations:  # when each violation's limitation starts, and whether it has one
            f = by_id[v.finding_id]
            v.counts_from, v.counts_from_vi, v.counts_from_en = violation_start(f)
            policy = book.category(f.category.code)
            v.no_limitation, v.no_limitation_basis = policy.no_limitation, policy.basis
        own_ids = {v.finding_id for v in violations}
        later_src = (later_officer.get(case.officer_id, []) if case.officer_id is not None
                     else later_unit.get(case.unit_id or 0, []))
        later = [(d, ref) for d, ref, fid in later_src if fid not in own_ids]
        for v in violations:
            v.limitation = violation_limitation(violation=v, later=later, restart=book.restart_on_new_violation,
                                                today=today, warn_days=book.limitation_warn_days,
                                                basis=book.source("limitation"))
        barred = [v for v in violations if v.time_barred]
        if barred:
            notes.append({
                "vi": "Hết thời hiệu, không xử lý và không tính để tăng nặng: "
                      + "; ".join(v.limitation.message_vi for v in barred if v.limitation),
                "en": "Time-barred, neither handled nor counted for escalation: "
                      + "; ".join(v.limitation.message_en for v in barred if v.limitation)})
        factors = list(case.factors.all())
        aggravating = sum(1 for x in factors if x.kind == "aggravating")
        mitigating = len(factors) - aggravating
        key = (case.subject_kind, case.officer_id or case.unit_id or 0)
        case_priors = [p for pk, p in priors.get(key, []) if pk != case.pk]
        steps = escalate(book, violations=[v for v in violations if not v.time_barred], priors=case_priors,
                         aggravating=aggravating, mitigating=mitigating)
        computed = steps[-1].form if steps else None
        basis_form = (_form_ref(case.decided_form) if case.decided_form is not None
                      else _form_ref(case.proposed_form) if case.proposed_form is not None else computed)
        views[case.pk] = CaseView(violations, steps, computed, case_limitation(violations), aggravating, mitigating,
                                  notes, _deadlines(case, book, basis_form, today))
    return views


def head_profile(*, user: User, officer: Officer, start: date | None, end: date | None) -> dict[str, Any]:
    """Units and periods the officer led, the findings there then, liabilities and cases."""
    today = timezone.localdate()
    end = end or today
    posts = list(Assignment.objects.filter(officer=officer).filter(Q(is_head=True) | Q(is_deputy=True))
                 .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start or date.min))
                 .filter(valid_from__lte=end)
                 .select_related("unit", "unit__successor", "field").order_by("valid_from", "id"))
    tenures = []
    finding_q = Q(pk__in=[])
    for a in posts:
        lo = max(a.valid_from, start) if start else a.valid_from
        hi = min(a.valid_to or end, end)
        if lo > hi:
            continue
        tenures.append((a, lo, hi))
        # a violation counts when it went on during the tenure: begun in it, or begun before and still going
        # on at its start (the liabilities below rest on the same overlap; the report said "0 violations"
        # beside a liability for a violation that continued into the tenure)
        finding_q |= (Q(unit_id=a.unit_id, occurred_from__lt=day_start(hi + timedelta(days=1)))
                      & (Q(occurred_from__gte=day_start(lo)) | Q(occurred_to__gte=day_start(lo))))
    # Only an established violation counts (COUNTED_STATES: confirmed, actioned), as for the liabilities, the
    # cases and the rankings: a finding dismissed as unfounded is no violation and a draft is not one yet
    # (insider review: the profile and the report counted both, for the team even the drafts). The API, the PDF
    # and the XLSX all read this one list.
    counted = findings_for(user).filter(state__in=COUNTED_STATES)
    findings = list(counted.filter(finding_q).select_related("category", "unit")
                    .order_by("occurred_from", "id")) if tenures else []
    liabilities = list(LeaderLiability.objects.filter(officer=officer, finding__in=counted)
                       .exclude(state=LeaderLiability.State.SUPERSEDED)
                       .filter(period_to__gte=start or date.min, period_from__lte=end)
                       .select_related("finding", "unit", "rule", "ruleset", "suggested_form", "confirmed_form",
                                       "decided_by", "assignment", "assignment__field", "officer")
                       .order_by("period_from", "id"))
    cases = []
    if user.role in CASE_READERS:
        lo_dt, hi_dt = day_start(start or date(1900, 1, 1)), day_start(end + timedelta(days=1))
        cases = list(cases_queryset(user=user).filter(officer=officer).filter(
            Q(created_at__gte=lo_dt, created_at__lt=hi_dt)
            | Q(findings__occurred_from__gte=lo_dt, findings__occurred_from__lt=hi_dt)).distinct()
            .order_by("created_at", "id"))
    by_severity: dict[str, int] = defaultdict(int)
    for f in findings:
        by_severity[f.severity] += 1
    by_state: dict[str, int] = defaultdict(int)
    for liab in liabilities:
        by_state[liab.state] += 1
    return {"officer": officer, "start": start, "end": end, "tenures": tenures, "findings": findings,
            "liabilities": liabilities, "cases": cases, "case_views": case_views(cases, today=today, reader=user),
            "summary": {"findings": len(findings), "findings_by_severity": dict(by_severity),
                        "liabilities_by_state": dict(by_state), "cases": len(cases)}}
