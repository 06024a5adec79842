"""The rule engine: a rule set loaded into memory, rule matching, escalation, limitation.

Pure logic over plain dataclasses: the database is read once (`RuleBook.load`) and everything
else here is computation, so it is cheap to test and cheap to run over many cases.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from django.db.models import Max

from backend.core.errors import Conflict, NotFound
from inspection.accountability.defaults import SEVERITY_EN, SEVERITY_VI
from inspection.accountability.models import (
    CategoryPolicy,
    ForceRegulation,
    ForceRegulationIssue,
    LadderForm,
    Rule,
    RuleSet,
)

_REGULATION = re.compile(r"\s*\[\[QD:([a-z0-9_]+)\]\]")
NO_NUMBER_VI = "chưa có số văn bản — cần xác nhận"


def regulation_numbers() -> dict[str, tuple[str, date | None]]:
    """The numbers the admin filled in for the force's regulations (one query)."""
    return {r.code: (r.number, r.issued_on) for r in ForceRegulation.objects.all()}


NOT_IN_FORCE_VI = "chưa có văn bản có hiệu lực tại thời điểm vi phạm"


def regulation_numbers_on(day: date) -> tuple[dict[str, tuple[str, date | None]], set[str]]:
    """The force's regulations as they stood on `day` (one query): for each, the latest number issued
    on or before that day; and the regulations that had numbers, all issued after it (not in force then).
    A number recorded with no issue date cannot be placed in time: it is cited as it is."""
    numbers: dict[str, tuple[str, date | None]] = {}
    later: set[str] = set()
    for issue in ForceRegulationIssue.objects.select_related("regulation").order_by("issued_on", "id"):
        code = issue.regulation.code
        if issue.issued_on is None or issue.issued_on <= day:
            numbers[code] = (issue.number, issue.issued_on)
        else:
            later.add(code)
    return numbers, later - set(numbers)


def render_basis(text: str, numbers: dict[str, tuple[str, date | None]], not_in_force: set[str] | None = None) -> str:
    """A basis with its regulation tokens written out: "..., số 15/QĐ-CAT ngày 02/01/2025", or
    "... (chưa có số văn bản — cần xác nhận)" while the admin has not filled the number in, or
    "... (chưa có văn bản có hiệu lực tại thời điểm vi phạm)" when every number was issued after it."""
    def one(match: re.Match[str]) -> str:
        if not_in_force and match.group(1) in not_in_force:
            return f" ({NOT_IN_FORCE_VI})"
        number, issued = numbers.get(match.group(1), ("", None))
        if not number:
            return f" ({NO_NUMBER_VI})"
        return f" số {number}" + (f" ngày {issued:%d/%m/%Y}" if issued else "")
    return _REGULATION.sub(one, text) if "[[QD:" in text else text


def cite_regulations(data: Any) -> Any:
    """The inverse of `render_bases` for a rule set sent back through the API: a regulation written out
    as the API showed it becomes its token again, so a new version keeps citing the regulation (and its
    number, when the admin fills it in later)."""
    numbers = regulation_numbers()
    pairs = [(render_basis(f"{r.title_vi} [[QD:{r.code}]]", numbers), f"{r.title_vi} [[QD:{r.code}]]")
             for r in ForceRegulation.objects.all()]

    def one(value: Any) -> Any:
        if isinstance(value, str):
            for shown, token in pairs:
                value = value.replace(shown, token)
            return value
        if isinstance(value, dict):
            return {k: one(v) for k, v in value.items()}
        if isinstance(value, list):
            return [one(v) for v in value]
        return value
    return one(data)


def render_bases(data: Any, numbers: dict[str, tuple[str, date | None]]) -> Any:
    """`render_basis` over every string of a serialized structure (rule sets, forms, sources)."""
    if isinstance(data, str):
        return render_basis(data, numbers)
    if isinstance(data, dict):
        return {k: render_bases(v, numbers) for k, v in data.items()}
    if isinstance(data, list):
        return [render_bases(v, numbers) for v in data]
    return data


@dataclass(frozen=True)
class FormRef:
    id: int
    code: str
    subject_kind: str
    level: int
    name_vi: str
    name_en: str
    limitation_years: int
    requires_council: bool = False
    basis: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "code": self.code, "subject_kind": self.subject_kind, "level": self.level,
                "name_vi": self.name_vi, "name_en": self.name_en, "limitation_years": self.limitation_years,
                "requires_council": self.requires_council, "basis": self.basis}


@dataclass(frozen=True)
class RuleRef:
    id: int
    code: str
    applies_to: str
    trigger: str
    severities: tuple[str, ...]
    min_count: int
    window_days: int | None
    as_violator: bool
    form: FormRef | None
    text_vi: str
    text_en: str
    basis: str
    position: int
    categories: str = "all"
    cap_at_violator: bool = False
    raw_basis: str = ""  # with its regulation tokens, to cite them as of a violation's date

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "code": self.code, "applies_to": self.applies_to, "trigger": self.trigger,
                "severities": list(self.severities), "min_count": self.min_count, "window_days": self.window_days,
                "as_violator": self.as_violator, "form": self.form.code if self.form else None,
                "text_vi": self.text_vi, "text_en": self.text_en, "basis": self.basis,
                "categories": self.categories, "cap_at_violator": self.cap_at_violator}

    def covers(self, is_corruption: bool) -> bool:
        """Does the rule apply to a finding of this kind of category?"""
        return (self.categories == Rule.Categories.ALL
                or (self.categories == Rule.Categories.CORRUPTION) == is_corruption)


@dataclass(frozen=True)
class CategoryRef:
    code: str
    is_corruption: bool
    no_limitation: bool
    basis: str
    note: str


@dataclass
class Match:
    """A rule that fired for a person, with the form it gives and why, in words."""

    rule: RuleRef
    form: FormRef
    why_vi: str
    why_en: str
    facts: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule.as_dict(), "form": self.form.as_dict(), "why_vi": self.why_vi,
                "why_en": self.why_en, "facts": self.facts}


@dataclass
class RuleBook:
    ruleset_id: int
    version: int
    repeat_window_days: int
    limitation_warn_days: int
    forms: dict[str, FormRef]
    rules: list[RuleRef]
    restart_on_new_violation: bool = False
    handling_days: int = 90
    handling_days_complex: int = 150
    complaint_days: int = 15
    second_complaint_days: int = 10
    complaint_accept_days: int = 10
    complaint_answer_days: int = 30
    complaint_answer_days_complex: int = 45
    second_answer_days: int = 45
    second_answer_days_complex: int = 60
    sources: dict[str, str] = field(default_factory=dict)
    categories: dict[str, CategoryRef] = field(default_factory=dict)

    def category(self, code: str) -> CategoryRef:
        """The rule set's policy for a finding category (an unlisted category is ordinary)."""
        return self.categories.get(code) or CategoryRef(code, False, False, "", "")

    def source(self, name: str) -> str:
        return self.sources.get(name, "")

    def as_of(self, day: date) -> RuleBook:
        """The same book with each rule citing the force's regulations as they stood on `day` (a
        violation is never grounded on a text issued after it)."""
        if not any("[[QD:" in r.raw_basis for r in self.rules):
            return self
        numbers, not_in_force = regulation_numbers_on(day)
        return replace(self, rules=[replace(r, basis=render_basis(r.raw_basis, numbers, not_in_force))
                                    if "[[QD:" in r.raw_basis else r for r in self.rules])

    # --- loading -------------------------------------------------------------------------------
    @classmethod
    def load(cls, *, version: int | None = None, ruleset_id: int | None = None) -> RuleBook:
        """Two queries: the rules (with their ruleset and form) and the ladder."""
        if ruleset_id is None:
            if version is None:
                version = RuleSet.objects.aggregate(v=Max("version"))["v"]
                if version is None:
                    raise Conflict("Chưa có bộ quy tắc trách nhiệm nào; quản trị viên cần tạo bộ quy tắc.",
                                   "No accountability rule set exists yet; an administrator must create one.",
                                   code="no_ruleset")
            rules = list(Rule.objects.filter(ruleset__version=version).select_related("ruleset", "form"))
        else:
            rules = list(Rule.objects.filter(ruleset_id=ruleset_id).select_related("ruleset", "form"))
        if not rules:
            raise NotFound("Không tìm thấy phiên bản bộ quy tắc.", "Rule set version not found.")
        ruleset = rules[0].ruleset
        numbers = regulation_numbers()
        forms = {f.code: _form_ref(f, numbers) for f in LadderForm.objects.filter(ruleset_id=ruleset.pk)}
        refs = [RuleRef(id=r.pk, code=r.code, applies_to=r.applies_to, trigger=r.trigger,
                        severities=tuple(r.severities or ()), min_count=r.min_count, window_days=r.window_days,
                        as_violator=r.as_violator, form=forms[r.form.code] if r.form else None,
                        text_vi=r.text_vi, text_en=r.text_en, basis=render_basis(r.basis, numbers),
                        position=r.position, categories=r.categories, cap_at_violator=r.cap_at_violator,
                        raw_basis=r.basis)
                for r in sorted(rules, key=lambda r: (r.position, r.pk))]
        categories = {c.category_code: CategoryRef(c.category_code, c.is_corruption, c.no_limitation,
                                                   render_basis(c.basis, numbers), c.note)
                      for c in CategoryPolicy.objects.filter(ruleset_id=ruleset.pk)}
        return cls(ruleset_id=ruleset.pk, version=ruleset.version, repeat_window_days=ruleset.repeat_window_days,
                   limitation_warn_days=ruleset.limitation_warn_days, forms=forms, rules=refs,
                   restart_on_new_violation=ruleset.restart_on_new_violation, handling_days=ruleset.handling_days,
                   handling_days_complex=ruleset.handling_days_complex, complaint_days=ruleset.complaint_days,
                   second_complaint_days=ruleset.second_complaint_days,
                   complaint_accept_days=ruleset.complaint_accept_days,
                   complaint_answer_days=ruleset.complaint_answer_days,
                   complaint_answer_days_complex=ruleset.complaint_answer_days_complex,
                   second_answer_days=ruleset.second_answer_days,
                   second_answer_days_complex=ruleset.second_answer_days_complex,
                   sources=render_bases(dict(ruleset.sources or {}), numbers), categories=categories)

    # --- ladder --------------------------------------------------------------------------------
    def ladder(self, subject_kind: str) -> list[FormRef]:
        return sorted((f for f in self.forms.values() if f.subject_kind == subject_kind), key=lambda f: f.level)

    def form(self, code: str, subject_kind: str | None = None) -> FormRef:
        ref = self.forms.get(code)
        if ref is None or (subject_kind and ref.subject_kind != subject_kind):
            raise Conflict(f"Hình thức '{code}' không có trong khung hình thức của bộ quy tắc v{self.version}.",
                           f"Form '{code}' is not on the ladder of rule set v{self.version}.",
                           code="unknown_form", fields={"form": [code]})
        return ref

    def shifted(self, form: FormRef, steps: int) -> tuple[FormRef, bool]:
        """The form `steps` rungs away on the same ladder, clamped; returns (form, was_clamped)."""
        ladder = self.ladder(form.subject_kind)
        index = next(i for i, f in enumerate(ladder) if f.code == form.code)
        target = index + steps
        clamped = target < 0 or target >= len(ladder)
        return ladder[max(0, min(len(ladder) - 1, target))], clamped

    def equivalent(self, form: FormRef) -> FormRef:
        """The same rung in this book (forms recorded under another version are matched by code, then level)."""
        if form.code in self.forms and self.forms[form.code].subject_kind == form.subject_kind:
            return self.forms[form.code]
        ladder = self.ladder(form.subject_kind)
        return ladder[max(0, min(len(ladder) - 1, form.level - 1))]

    # --- rule matching -------------------------------------------------------------------------
    def rules_for(self, applies_to: str) -> list[RuleRef]:
        return [r for r in self.rules if r.applies_to == applies_to]

    def by_severity(self, applies_to: str, severity: str) -> RuleRef | None:
        """The heaviest severity rule for `applies_to` that covers `severity`."""
        best: RuleRef | None = None
        for rule in self.rules_for(applies_to):
            if rule.trigger == Rule.Trigger.SEVERITY and severity in rule.severities and rule.form is not None:
                if best is None or best.form is None or rule.form.level > best.form.level:
                    best = rule
        return best


def _form_ref(f: LadderForm, numbers: dict[str, tuple[str, date | None]] | None = None) -> FormRef:
    return FormRef(id=f.pk, code=f.code, subject_kind=f.subject_kind, level=f.level, name_vi=f.name_vi,
                   name_en=f.name_en, limitation_years=f.limitation_years, requires_council=f.requires_council,
                   basis=render_basis(f.basis, numbers or {}))


def sev_vi(severity: str) -> str:
    return SEVERITY_VI.get(severity, severity)


def sev_en(severity: str) -> str:
    return SEVERITY_EN.get(severity, severity)


def fmt(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else "nay"


def fmt_en(d: date | None) -> str:
    return d.isoformat() if d else "now"


@dataclass
class LeaderFacts:
    """What the engine knows about one leader for one finding."""

    role: str  # head | deputy | upper_head
    severity: str
    knew_and_did_not_act: bool
    covered_up: bool
    # count rules: (window_days, severities) -> (count, window start, window end); filled by the caller
    counts: dict[tuple[int, tuple[str, ...]], tuple[int, date, date]] = field(default_factory=dict)
    is_corruption: bool = False
    violator_form: FormRef | None = None  # the violator's own form: the bound of joint responsibility
    self_detected: bool = False  # found and handled it himself (recorded fact)


def count_key(rule: RuleRef) -> tuple[int, tuple[str, ...]]:
    return (rule.window_days or 365, tuple(sorted(rule.severities)))


def _capped(rule: RuleRef, form: FormRef, facts: LeaderFacts) -> tuple[FormRef, str, str]:
    """Joint responsibility is never heavier than the violator's own form."""
    cap = facts.violator_form
    if not rule.cap_at_violator or cap is None or form.level <= cap.level:
        return form, "", ""
    return (cap, f" Không nặng hơn hình thức của người vi phạm ({cap.name_vi}): đề xuất {cap.name_vi}.",
            f" Never heavier than the violator's own form ({cap.name_en}): {cap.name_en} proposed.")


def evaluate_leader(book: RuleBook, facts: LeaderFacts) -> list[Match]:
    """Every rule that fires for this leader, heaviest form first (then rule position).

    A rule fires only for the categories it covers (the NĐ 59/2019 ladder for corruption only);
    a head who found and handled the corruption himself is exempt from the corruption rules.
    """
    matches: list[Match] = []
    for rule in book.rules_for(facts.role):
        if not rule.covers(facts.is_corruption):
            continue
        if facts.self_detected and rule.categories == Rule.Categories.CORRUPTION:
            continue
        if rule.trigger == Rule.Trigger.SEVERITY:
            if facts.severity in rule.severities and rule.form is not None:
                form, cap_vi, cap_en = _capped(rule, rule.form, facts)
                matches.append(Match(rule, form,
                                     f"Vi phạm của cấp dưới ở mức {sev_vi(facts.severity)}.{cap_vi}",
                                     f"The subordinate's violation is {sev_en(facts.severity)}.{cap_en}",
                                     {"severity": facts.severity, "capped": bool(cap_vi)}))
        elif rule.trigger == Rule.Trigger.COUNT:
            found = facts.counts.get(count_key(rule))
            if found is None or rule.form is None:
                continue
            n, start, end = found
            if n >= rule.min_count:
                levels_vi = ", ".join(sev_vi(s) for s in rule.severities)
                levels_en = ", ".join(sev_en(s) for s in rule.severities)
                form, cap_vi, cap_en = _capped(rule, rule.form, facts)
                matches.append(Match(
                    rule, form,
                    f"{span_vi(start, end).capitalize()} (trong {rule.window_days or 365} ngày, khi đang giữ chức) "
                    f"có {n} vi phạm đã xác nhận ({levels_vi}), kể cả vi phạm này; ngưỡng là {rule.min_count}.{cap_vi}",
                    f"{span_en(start, end).capitalize()} (within {rule.window_days or 365} days, while in post) "
                    f"there were {n} confirmed violations ({levels_en}), this one included; threshold {rule.min_count}."
                    f"{cap_en}",
                    {"count": n, "window_from": start.isoformat(), "window_to": end.isoformat(),
                     "threshold": rule.min_count, "capped": bool(cap_vi)}))
        elif rule.trigger in (Rule.Trigger.KNEW_NOT_ACT, Rule.Trigger.COVERED_UP):
            flag = facts.knew_and_did_not_act if rule.trigger == Rule.Trigger.KNEW_NOT_ACT else facts.covered_up
            if not flag or (rule.severities and facts.severity not in rule.severities):
                continue
            what_vi = "biết vi phạm mà không xử lý" if rule.trigger == Rule.Trigger.KNEW_NOT_ACT else "bao che vi phạm"
            what_en = ("knew of the violation and did not act" if rule.trigger == Rule.Trigger.KNEW_NOT_ACT
                       else "covered up the violation")
            if rule.as_violator:
                own = book.by_severity(Rule.AppliesTo.VIOLATOR, facts.severity)
                if own is None or own.form is None:
                    continue
                matches.append(Match(
                    rule, own.form,
                    f"Kết luận ghi nhận người này {what_vi}; xử lý như người vi phạm "
                    f"({sev_vi(facts.severity)}) theo quy tắc {own.code}: {own.text_vi}",
                    f"The finding records that this person {what_en}; handled as a violator "
                    f"({sev_en(facts.severity)}) under rule {own.code}: {own.text_en}",
                    {"flag": rule.trigger, "violator_rule": own.code}))
            elif rule.form is not None:
                matches.append(Match(rule, rule.form, f"Kết luận ghi nhận người này {what_vi}.",
                                     f"The finding records that this person {what_en}.", {"flag": rule.trigger}))
    # heaviest form first; at equal weight the person's own violation (knew / covered up) wins
    own_triggers = (Rule.Trigger.KNEW_NOT_ACT, Rule.Trigger.COVERED_UP)
    matches.sort(key=lambda m: (-m.form.level, m.rule.trigger not in own_triggers, m.rule.position))
    return matches


def span_vi(start: date, end: date | None) -> str:
    """'ngày 05/03/2025' for one day, 'từ 20/02/2025 đến 10/03/2025' for a period."""
    if end is not None and start == end:
        return f"ngày {fmt(start)}"
    return f"từ {fmt(start)} đến {fmt(end)}"


def span_en(start: date, end: date | None) -> str:
    if end is not None and start == end:
        return f"on {fmt_en(start)}"
    return f"from {fmt_en(start)} to {fmt_en(end)}"


# --- escalation ------------------------------------------------------------------------------------


@dataclass
class Violation:
    """One violation in a case with the form it would get on its own."""

    finding_id: int
    reference: str
    category_id: int
    occurred_on: date
    form: FormRef
    rule_code: str
    why_vi: str
    why_en: str
    counts_from: date | None = None  # limitation start: its end, or its discovery when still going on
    counts_from_vi: str = ""
    counts_from_en: str = ""
    no_limitation: bool = False
    no_limitation_basis: str = ""
    limitation: Limitation | None = None
    # the violation's own form (the violator's, by its seriousness) when `form` is a leader's liability:
    # the limitation period is read from it, never from the liability or an escalated form
    own_form: FormRef | None = None
    # joint responsibility: never heavier than this (the violator's own form)
    cap: FormRef | None = None

    @property
    def time_barred(self) -> bool:
        return self.limitation is not None and self.limitation.status == "expired"


@dataclass
class PriorDecision:
    case_reference: str
    decision_number: str
    decision_date: date
    form: FormRef
    category_ids: set[int]


@dataclass
class Step:
    code: str
    change: int
    form: FormRef
    text_vi: str
    text_en: str

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "change": self.change, "form": self.form.as_dict(),
                "text_vi": self.text_vi, "text_en": self.text_en}


def escalate(book: RuleBook, *, violations: list[Violation], priors: list[PriorDecision],
             aggravating: int, mitigating: int) -> list[Step]:
    """One violation one handling; repeat +1; several at once: one above the heaviest; factors ±1."""
    if not violations:
        return []
    steps: list[Step] = []
    heaviest = max(violations, key=lambda v: v.form.level)
    if len(violations) == 1:
        v = violations[0]
        steps.append(Step("single", 0, v.form,
                          f"{v.reference} — {v.why_vi} → {v.form.name_vi}.",
                          f"{v.reference} — {v.why_en} → {v.form.name_en}."))
        form = v.form
    else:
        listing_vi = "; ".join(f"{v.reference}: {v.form.name_vi}" for v in violations)
        listing_en = "; ".join(f"{v.reference}: {v.form.name_en}" for v in violations)
        steps.append(Step("heaviest", 0, heaviest.form,
                          f"Mức nặng nhất trong các vi phạm ({listing_vi}): {heaviest.form.name_vi}.",
                          f"Heaviest of the violations ({listing_en}): {heaviest.form.name_en}."))
        form, clamped = book.shifted(heaviest.form, 1)
        steps.append(Step("several", 1, form,
                          f"Cùng lúc {len(violations)} vi phạm: áp dụng trên mức nặng nhất một bậc → {form.name_vi}"
                          + (" (đã là mức cao nhất của khung)." if clamped else "."),
                          f"{len(violations)} violations at once: one level above the heaviest → {form.name_en}"
                          + (" (already the top of the ladder)." if clamped else ".")))
    first_on = min(v.occurred_on for v in violations)
    categories = {v.category_id for v in violations}
    repeat = [p for p in priors
              if p.decision_date < first_on
              and (first_on - p.decision_date).days <= book.repeat_window_days
              and p.category_ids & categories]
    if repeat:
        prior = max(repeat, key=lambda p: p.decision_date)
        form, clamped = book.shifted(form, 1)
        steps.append(Step("repeat", 1, form,
                          f"Tái phạm cùng loại vi phạm: đã bị xử lý theo quyết định {prior.decision_number or prior.case_reference} "
                          f"ngày {fmt(prior.decision_date)} ({prior.form.name_vi}) trong vòng {book.repeat_window_days} ngày: "
                          f"nặng hơn một bậc → {form.name_vi}" + (" (đã là mức cao nhất)." if clamped else "."),
                          f"Repeat of the same kind of violation: handled by decision {prior.decision_number or prior.case_reference} "
                          f"of {fmt_en(prior.decision_date)} ({prior.form.name_en}) within {book.repeat_window_days} days: "
                          f"one level heavier → {form.name_en}" + (" (already the top)." if clamped else ".")))
    if aggravating > mitigating:
        form, clamped = book.shifted(form, 1)
        steps.append(Step("factors", 1, form,
                          f"Tình tiết tăng nặng ({aggravating}) nhiều hơn giảm nhẹ ({mitigating}): tăng một bậc → {form.name_vi}"
                          + (" (đã là mức cao nhất)." if clamped else "."),
                          f"More aggravating ({aggravating}) than mitigating ({mitigating}) factors: one level up → {form.name_en}"
                          + (" (already the top)." if clamped else ".")))
    elif mitigating > aggravating:
        form, clamped = book.shifted(form, -1)
        steps.append(Step("factors", -1, form,
                          f"Tình tiết giảm nhẹ ({mitigating}) nhiều hơn tăng nặng ({aggravating}): giảm một bậc → {form.name_vi}"
                          + (" (đã là mức nhẹ nhất)." if clamped else "."),
                          f"More mitigating ({mitigating}) than aggravating ({aggravating}) factors: one level down → {form.name_en}"
                          + (" (already the lightest)." if clamped else ".")))
    else:
        steps.append(Step("factors", 0, form,
                          f"Tình tiết tăng nặng ({aggravating}) và giảm nhẹ ({mitigating}) cân bằng: giữ nguyên {form.name_vi}.",
                          f"Aggravating ({aggravating}) and mitigating ({mitigating}) factors balance: {form.name_en} stays."))
    cap = joint_cap(violations)
    if cap is not None and form.level > cap.level:
        steps.append(Step("cap_at_violator", cap.level - form.level, cap,
                          f"Trách nhiệm liên đới không nặng hơn hình thức của người vi phạm ({cap.name_vi}) → {cap.name_vi}.",
                          f"Joint responsibility is never heavier than the violator's own form ({cap.name_en}) → "
                          f"{cap.name_en}."))
    return steps


def joint_cap(violations: list[Violation]) -> FormRef | None:
    """The bound on a case where the subject answers only jointly (every violation capped at the
    violator's own form): the heaviest of those forms. None when any violation is the subject's own."""
    if not violations or any(v.cap is None for v in violations):
        return None
    return max((v.cap for v in violations if v.cap is not None), key=lambda f: f.level)


# --- limitation -----------------------------------------------------------------------------------


def add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


@dataclass
class Limitation:
    start: date
    restarted_by: str | None
    years: int | None
    form_code: str
    deadline: date | None
    days_left: int | None
    status: str  # ok | warning | expired | none (no limitation)
    message_vi: str
    message_en: str
    basis: str = ""

    @property
    def barred_from(self) -> date | None:
        """The first day the violation can no longer be handled (the day after the deadline)."""
        return self.deadline + timedelta(days=1) if self.status == "expired" and self.deadline else None

    @property
    def barred_vi(self) -> str:
        return f"Hết thời hiệu từ {fmt(self.barred_from)}" if self.barred_from else ""

    @property
    def barred_en(self) -> str:
        return f"Time-barred since {fmt_en(self.barred_from)}" if self.barred_from else ""

    def as_dict(self) -> dict[str, Any]:
        return {"start": self.start, "restarted_by": self.restarted_by, "years": self.years,
                "form": self.form_code, "deadline": self.deadline, "days_left": self.days_left,
                "status": self.status, "message_vi": self.message_vi, "message_en": self.message_en,
                "basis": self.basis, "barred_from": self.barred_from, "barred_vi": self.barred_vi,
                "barred_en": self.barred_en}


def violation_limitation(*, violation: Violation, later: list[tuple[date, str]], restart: bool, today: date,
                         warn_days: int, basis: str = "") -> Limitation:
    """The limitation of one violation, from its own form (never an escalated one).

    The clock runs from the violation's end, or from its discovery when it was still going on.
    A later violation restarts it only when the rule set says so (`restart`).
    """
    form = violation.own_form or violation.form
    start = violation.counts_from or violation.occurred_on
    if violation.no_limitation:
        return Limitation(start=start, restarted_by=None, years=None, form_code=form.code, deadline=None,
                          days_left=None, status="none",
                          message_vi=f"{violation.reference}: không áp dụng thời hiệu ({violation.no_limitation_basis}).",
                          message_en=f"{violation.reference}: no limitation period applies "
                                     f"({violation.no_limitation_basis}).",
                          basis=violation.no_limitation_basis)
    restarted_by = None
    deadline = add_years(start, form.limitation_years)
    if restart:
        for day, reference in sorted(later):
            if day <= start:
                continue
            if day > deadline or day > today:
                break
            start, restarted_by = day, reference
            deadline = add_years(start, form.limitation_years)
    days_left = (deadline - today).days
    head_vi = (f"{violation.reference} ({form.name_vi}, thời hiệu {form.limitation_years} năm "
               f"tính từ {fmt(start)}{violation.counts_from_vi})")
    head_en = (f"{violation.reference} ({form.name_en}, {form.limitation_years}-year limitation "
               f"from {fmt_en(start)}{violation.counts_from_en})")
    if days_left < 0:
        status = "expired"
        barred = deadline + timedelta(days=1)
        vi = f"{head_vi}: đã hết thời hiệu từ {fmt(barred)}; không xử lý và không tính để tăng nặng."
        en = f"{head_en}: time-barred since {fmt_en(barred)}; not handled and not counted for escalation."
    elif days_left <= warn_days:
        status = "warning"
        vi = f"{head_vi}: sắp hết thời hiệu, còn {days_left} ngày (đến hết ngày {fmt(deadline)})."
        en = f"{head_en}: nearly time-barred, {days_left} days left (until {fmt_en(deadline)})."
    else:
        status = "ok"
        vi = f"{head_vi}: còn thời hiệu đến hết ngày {fmt(deadline)} (còn {days_left} ngày)."
        en = f"{head_en}: limitation runs until {fmt_en(deadline)} ({days_left} days left)."
    if restarted_by:
        vi += f" Thời hiệu được tính lại từ vi phạm mới {restarted_by} ngày {fmt(start)} (theo cài đặt của bộ quy tắc)."
        en += f" Restarted by the new violation {restarted_by} on {fmt_en(start)} (a rule-set setting)."
    return Limitation(start=start, restarted_by=restarted_by, years=form.limitation_years, form_code=form.code,
                      deadline=deadline, days_left=days_left, status=status, message_vi=vi, message_en=en,
                      basis=basis)


def case_limitation(violations: list[Violation]) -> Limitation | None:
    """The case's limitation summary: the nearest deadline among live violations, else expired / none."""
    lims = [v.limitation for v in violations if v.limitation is not None]
    if not lims:
        return None
    live = [x for x in lims if x.status in ("ok", "warning") and x.deadline is not None]
    if live:
        return min(live, key=lambda x: x.deadline or date.max)
    if any(x.status == "none" for x in lims):
        return next(x for x in lims if x.status == "none")
    return max(lims, key=lambda x: x.deadline or date.min)
