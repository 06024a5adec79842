"""Escalation of a repeated violation over earlier decisions, the joint cap, and limitation (when a
violation, and a case, is time-barred). Pure logic over plain dataclasses, no database."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from inspection.accountability.engine import FormRef, RuleBook, fmt, fmt_en


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
    # the rule's name in words and its legal basis, so a page never shows a bare code ("V1", issue 15)
    rule_name_vi: str = ""
    rule_name_en: str = ""
    rule_basis: str = ""

    @property
    def said_vi(self) -> str:
        """Why, with the rule by its name and code ("…; quy tắc: Vi phạm nghiêm trọng (V2)"), never a bare code."""
        return f"{self.why_vi}; quy tắc: {self.rule_name_vi} ({self.rule_code})" if self.rule_name_vi else self.why_vi

    @property
    def said_en(self) -> str:
        return f"{self.why_en}; rule: {self.rule_name_en} ({self.rule_code})" if self.rule_name_en else self.why_en

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


# Long on purpose: the escalation rules in their legal order (one violation, repeat, several at once, factors).
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
                          f"{v.reference} — {v.said_vi} → {v.form.name_vi}.",
                          f"{v.reference} — {v.said_en} → {v.form.name_en}."))
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
