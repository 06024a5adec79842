"""The rule engine: a rule set loaded into memory (RuleBook), rule matching, the regulations cited
and the evaluation of a leader's liability; escalation and limitation live in escalation.py.

Pure logic over plain dataclasses: the database is read once (`RuleBook.load`) and everything
else here is computation, so it is cheap to test and cheap to run over many cases."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
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


def rule_name(text: str) -> str:
    """A rule's name in words: its text up to the first colon ("Người đứng đầu đơn vị có cán bộ vi phạm"), so a
    reader is never left with a bare code such as "LD-H1" (issue 15)."""
    return (text or "").split(":", 1)[0].strip().rstrip(".")


def rule_words(code: str, text: str) -> str:
    """How a page or report names a rule: its name in words, the code in brackets ("… vi phạm (LD-H1)")."""
    name = rule_name(text)
    return f"{name} ({code})" if name else code


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
                "name_vi": rule_name(self.text_vi), "name_en": rule_name(self.text_en),
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


# Long on purpose: every rule of the book tried in order against one leader's facts.
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
