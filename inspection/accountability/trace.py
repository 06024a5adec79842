"""Trace a finding to the leaders who answer for it, as of the day(s) it happened.

A fixed number of queries whatever the number of violators, units and heads: the violators'
assignments, the units' parent links, every head/deputy post of the units involved and the
unit one level up, the child links of those upper units, the findings that count toward the
rolling-window rules and the fields of charge of their categories are each read once and resolved in memory with the same rules as
`backend.org.selectors` (a head/deputy post wins over a plain one, the latest start wins).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from backend.core.text import fold
from backend.org.models import Assignment, FieldOfCharge, Officer, Unit, UnitLink
from inspection.accountability.engine import (
    LeaderFacts,
    Limitation,
    Match,
    RuleBook,
    Violation,
    count_key,
    evaluate_leader,
    fmt,
    fmt_en,
    sev_en,
    sev_vi,
    span_en,
    span_vi,
    violation_limitation,
)
from inspection.accountability.models import Rule, SelfDetection
from inspection.models import Finding, FindingCategory, FindingSubject
from inspection.secrecy import public_check_link_q

COUNTED_STATES = (Finding.State.CONFIRMED, Finding.State.ACTIONED)
VIOLATOR_ROLES = (FindingSubject.Role.VIOLATOR, FindingSubject.Role.CO_VIOLATOR)
ROLE_LABELS = {
    "head": ("Người đứng đầu đơn vị", "Head of the unit"),
    "deputy": ("Cấp phó phụ trách lĩnh vực", "Deputy in charge of the area"),
    "upper_head": ("Người đứng đầu cấp trên trực tiếp", "Head one level up"),
}


def local_day(value: datetime) -> date:
    return timezone.localdate(value)


def day_start(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.min))


def finding_days(finding: Finding) -> tuple[date, date]:
    d0 = local_day(finding.occurred_from)
    d1 = local_day(finding.occurred_to) if finding.occurred_to else d0
    return d0, d1


def violation_start(finding: Finding) -> tuple[date, str, str]:
    """When the limitation of a violation starts: its end, or its discovery when it was still going on
    (NĐ 112/2020 art. 5.2 as amended by NĐ 71/2023). Discovery is the day the finding was recorded."""
    end = finding_days(finding)[1]
    found = local_day(finding.created_at) if finding.created_at else end
    if finding.occurred_to is not None and found < end:
        return found, " — ngày phát hiện, khi vi phạm còn đang diễn ra", " — its discovery, while still going on"
    return end, "", ""


def finding_limitation(*, finding: Finding, book: RuleBook, today: date) -> Limitation | None:
    """The limitation of the violation itself, as of `today`: from its own form (the violator's, by
    its seriousness), its category (some have none) and its start (end, or discovery while going on).
    A later violation of one of its violators restarts it only when the rule set says so."""
    own = book.by_severity(Rule.AppliesTo.VIOLATOR, finding.severity)
    if own is None or own.form is None:
        return None
    violation = Violation(finding.pk, finding.reference, finding.category_id, finding_days(finding)[1], own.form,
                          own.code, "", "")
    violation.counts_from, violation.counts_from_vi, violation.counts_from_en = violation_start(finding)
    policy = book.category(finding.category.code)
    violation.no_limitation, violation.no_limitation_basis = policy.no_limitation, policy.basis
    later: list[tuple[date, str]] = []
    if book.restart_on_new_violation:
        violators = FindingSubject.objects.filter(finding=finding, role__in=VIOLATOR_ROLES).values("officer_id")
        later = [(local_day(row["finding__occurred_from"]), row["finding__reference"]) for row in
                 FindingSubject.objects.filter(officer_id__in=violators, role__in=VIOLATOR_ROLES,
                                               finding__state__in=COUNTED_STATES)
                 .filter(visible_check_q("finding__surprise_check")).exclude(finding=finding)
                 .values("finding__occurred_from", "finding__reference")]
    return violation_limitation(violation=violation, later=later, restart=book.restart_on_new_violation,
                                today=today, warn_days=book.limitation_warn_days, basis=book.source("limitation"))


def visible_check_q(prefix: str = "surprise_check") -> Q:
    """Rows whose check (if any) was started: a planned check must never show through (the rule's
    owner is inspection.secrecy)."""
    return public_check_link_q(prefix)


def _active(a: Any, d: date) -> bool:
    return a.valid_from <= d and (a.valid_to is None or a.valid_to >= d)


def _overlap(a: Any, start: date, end: date) -> tuple[date, date] | None:
    lo = max(a.valid_from, start)
    hi = min(a.valid_to or end, end)
    return (lo, hi) if lo <= hi else None


def _overlaps_q(start: date, end: date) -> Q:
    return Q(valid_from__lte=end) & (Q(valid_to__isnull=True) | Q(valid_to__gte=start))


def unit_brief(u: Unit) -> dict[str, Any]:
    return {"id": u.pk, "code": u.code, "name": u.name, "level": u.level}


def _chain(u: Unit) -> list[Unit]:
    """A unit and the units it merged into, in order."""
    out = [u]
    while (successor := out[-1].successor) is not None and len(out) < 10:
        out.append(successor)
    return out


def unit_as_it_was(u: Unit, on: date, *, followed: bool = False) -> dict[str, Any]:
    successor = u.successor if u.successor_id else None
    info = {**unit_brief(u), "valid_from": u.valid_from, "valid_to": u.valid_to, "status": "active",
            "successor": unit_brief(successor) if successor is not None else None, "note_vi": "", "note_en": ""}
    if u.valid_to is not None and u.valid_to < timezone.localdate():
        if successor is not None:
            info["status"] = "merged"
            info["note_vi"] = (f"Đơn vị đã sáp nhập vào {successor.name} từ {fmt(u.valid_to + timedelta(days=1))}; "
                               f"truy theo tổ chức tại thời điểm vi phạm ({fmt(on)})"
                               + (f"; phần vi phạm từ {fmt(u.valid_to + timedelta(days=1))} truy theo "
                                  f"{successor.name}." if followed else "."))
            info["note_en"] = (f"The unit was merged into {successor.name} on {fmt_en(u.valid_to + timedelta(days=1))}; "
                               f"traced as it was on {fmt_en(on)}"
                               + (f"; the part from {fmt_en(u.valid_to + timedelta(days=1))} is traced through "
                                  f"{successor.name}." if followed else "."))
        else:
            info["status"] = "abolished"
            info["note_vi"] = (f"Đơn vị đã giải thể sau {fmt(u.valid_to)}; truy theo tổ chức tại thời điểm vi phạm "
                               f"({fmt(on)}).")
            info["note_en"] = f"The unit ceased to exist after {fmt_en(u.valid_to)}; traced as it was on {fmt_en(on)}."
    return info


def officer_brief(o: Officer) -> dict[str, Any]:
    return {"id": o.pk, "service_number": o.service_number, "full_name": o.full_name, "rank": o.rank}


def field_brief(f: FieldOfCharge | None) -> dict[str, Any] | None:
    return None if f is None else {"id": f.pk, "code": f.code, "name_vi": f.name_vi, "name_en": f.name_en}


def assignment_proof(a: Assignment) -> dict[str, Any]:
    return {"id": a.pk, "position": a.position, "unit_id": a.unit_id, "is_head": a.is_head,
            "is_deputy": a.is_deputy, "is_acting": a.is_acting, "field": field_brief(a.field),
            "in_charge_of": a.in_charge_of, "valid_from": a.valid_from, "valid_to": a.valid_to,
            "decision_ref": a.decision_ref}


def category_fields(category_ids: set[int]) -> dict[int, dict[int, FieldOfCharge]]:
    """The fields of charge of each category (one query): the one rule for "this violation is in the
    field the deputy was assigned" is `deputy_in_field` over this map."""
    out: dict[int, dict[int, FieldOfCharge]] = {cid: {} for cid in category_ids}
    through = FindingCategory.fields.through
    for row in through.objects.filter(findingcategory_id__in=category_ids).select_related("fieldofcharge"):
        out[row.findingcategory_id][row.fieldofcharge_id] = row.fieldofcharge
    return out


def deputy_in_field(assignment: Assignment, fields: dict[int, FieldOfCharge]) -> bool:
    """A deputy answers for a violation only when its category belongs to his recorded field; a deputy
    with no field recorded answers for nothing."""
    return assignment.field_id is not None and assignment.field_id in fields


def _names(fields: dict[int, FieldOfCharge], lang: str) -> str:
    return ", ".join((f.name_vi if lang == "vi" else f.name_en) for f in fields.values())


@dataclass
class Leader:
    role: str
    assignment: Assignment
    unit: Unit
    span: tuple[date, date]
    matches: list[Match] = field(default_factory=list)
    exemption: dict[str, str] | None = None

    @property
    def chosen(self) -> Match | None:
        return self.matches[0] if self.matches else None


def post_title(position: str, unit_name: str) -> str:
    """The post and its unit as one says it: "Trưởng Công an xã" + "Công an xã Thanh Chương" is
    "Trưởng Công an xã Thanh Chương", never the unit named twice."""
    if fold(unit_name) in fold(position):
        return position
    words, unit_words = position.split(), unit_name.split()
    for k in range(min(len(words), len(unit_words)), 0, -1):
        if fold(" ".join(words[-k:])) == fold(" ".join(unit_words[:k])):
            return " ".join(words[:-k] + unit_words)
    return f"{position} {unit_name}"


def _post_sentence(a: Assignment, span: tuple[date, date]) -> tuple[str, str]:
    acting_vi = " (quyền / phụ trách)" if a.is_acting else ""
    acting_en = " (acting)" if a.is_acting else ""
    ref_vi = f", quyết định {a.decision_ref}" if a.decision_ref else ""
    ref_en = f", decision {a.decision_ref}" if a.decision_ref else ""
    post_vi = post_title(a.position, a.unit.name)
    of_en = "" if fold(a.unit.name) in fold(a.position) else f" of {a.unit.name}"
    held_vi = (f"từ ngày {fmt(a.valid_from)}" if a.valid_to is None
               else span_vi(a.valid_from, a.valid_to))
    held_en = f"since {fmt_en(a.valid_from)}" if a.valid_to is None else span_en(a.valid_from, a.valid_to)
    field_vi = f", phụ trách lĩnh vực {a.field.name_vi}," if a.is_deputy and a.field is not None else ""
    field_en = f", in charge of {a.field.name_en}," if a.is_deputy and a.field is not None else ""
    vi = (f"Đồng chí {a.officer.full_name} giữ chức {post_vi}{acting_vi}{field_vi} {held_vi}{ref_vi}; "
          f"phụ trách trong thời gian vi phạm {span_vi(span[0], span[1])}.")
    en = (f"{a.officer.full_name} held the post {a.position}{of_en}{acting_en}{field_en} {held_en}{ref_en}; "
          f"in charge during the violation {span_en(span[0], span[1])}.")
    return vi, en


def _leader_dict(leader: Leader, finding: Finding) -> dict[str, Any]:
    a = leader.assignment
    post_vi, post_en = _post_sentence(a, leader.span)
    if leader.role == "deputy" and a.field is not None:
        post_vi += f" Loại vi phạm “{finding.category.name_vi}” thuộc lĩnh vực này."
        post_en += f" The category “{finding.category.name_en}” belongs to that field."
    chosen = leader.chosen
    if chosen is None:
        why_vi = post_vi + " Không có quy tắc nào trong bộ quy tắc áp dụng; không đề xuất trách nhiệm."
        why_en = post_en + " No rule of the rule set applies; no liability proposed."
    else:
        why_vi = (f"{post_vi} {chosen.why_vi} Áp dụng quy tắc {chosen.rule.code} "
                  f"(căn cứ: {chosen.rule.basis}): {chosen.rule.text_vi} Đề xuất: {chosen.form.name_vi}.")
        why_en = (f"{post_en} {chosen.why_en} Rule {chosen.rule.code} applies "
                  f"(basis: {chosen.rule.basis}): {chosen.rule.text_en} Proposed: {chosen.form.name_en}.")
    if leader.exemption is not None:
        why_vi += " " + leader.exemption["vi"]
        why_en += " " + leader.exemption["en"]
    label_vi, label_en = ROLE_LABELS[leader.role]
    basis = "own" if chosen is not None and chosen.rule.trigger in (
        Rule.Trigger.KNEW_NOT_ACT, Rule.Trigger.COVERED_UP) else "joint"
    return {
        "role": leader.role, "role_label_vi": label_vi, "role_label_en": label_en,
        "officer": officer_brief(a.officer), "unit": unit_brief(leader.unit),
        "assignment": assignment_proof(a), "is_acting": a.is_acting,
        "field": field_brief(a.field) if leader.role == "deputy" else None,
        "in_charge_from": leader.span[0], "in_charge_to": leader.span[1],
        "basis": basis,
        "rule": chosen.rule.as_dict() if chosen else None,
        "suggested_form": chosen.form.as_dict() if chosen else None,
        "why_vi": why_vi, "why_en": why_en,
        "facts": chosen.facts if chosen else {},
        "other_rules": [m.as_dict() for m in leader.matches[1:]],
        "exemption": leader.exemption,
        "time_barred_vi": "", "time_barred_en": "",
    }


def _deputy_notes(finding: Finding, own_fields: dict[int, FieldOfCharge],
                  deputies: list[Leader]) -> list[dict[str, str]]:
    """Why each deputy of the unit does or does not answer: the field of the violation and his own."""
    cat_vi, cat_en = finding.category.name_vi, finding.category.name_en
    notes: list[dict[str, str]] = []
    if not own_fields:
        notes.append({
            "vi": f"Loại vi phạm “{cat_vi}” chưa được gắn lĩnh vực phụ trách nào: không cấp phó nào chịu trách nhiệm "
                  "liên đới. Quản trị viên cần gắn lĩnh vực cho loại vi phạm này.",
            "en": f"The category “{cat_en}” belongs to no field of charge yet: no deputy answers for it. "
                  "An administrator should say which field it belongs to."})
    for ld in deputies:
        a, name = ld.assignment, ld.assignment.officer.full_name
        if a.field is None:
            notes.append({
                "vi": f"Cấp phó {name} chưa được ghi lĩnh vực phụ trách trong hồ sơ bổ nhiệm: không có căn cứ để "
                      "xác định trách nhiệm liên đới của cấp phó này.",
                "en": f"Deputy {name} has no field of charge on record: there is no basis to hold this deputy "
                      "jointly responsible."})
        elif a.field_id not in own_fields and own_fields:
            notes.append({
                "vi": f"Cấp phó {name} phụ trách lĩnh vực {a.field.name_vi}; vi phạm thuộc lĩnh vực "
                      f"{_names(own_fields, 'vi')}: không chịu trách nhiệm liên đới.",
                "en": f"Deputy {name} is in charge of {a.field.name_en}; the violation belongs to "
                      f"{_names(own_fields, 'en')}: not jointly responsible."})
    return notes


def compute_trace(*, finding: Finding, book: RuleBook) -> dict[str, Any]:
    """The trace of one finding under one rule book (see the module docstring for the reads)."""
    d0, d1 = finding_days(finding)
    book = book.as_of(d1)  # the force's regulations in force during the violation (by its last day)
    subjects = list(FindingSubject.objects.filter(finding=finding).select_related("officer"))
    violators = [s for s in subjects if s.role in VIOLATOR_ROLES]
    flags: dict[int, tuple[bool, bool]] = {}
    for s in subjects:
        knew, covered = flags.get(s.officer_id, (False, False))
        flags[s.officer_id] = (knew or s.knew_and_did_not_act, covered or s.covered_up)
    violator_ids = {s.officer_id for s in violators}

    # 1. where each violator served on the day (batched officer_assignment_at)
    posts: dict[int, list[Assignment]] = defaultdict(list)
    if violator_ids:
        for a in (Assignment.objects.filter(_overlaps_q(d0, d1), officer_id__in=violator_ids)
                  .select_related("unit", "unit__successor", "unit__parent", "field")):
            posts[a.officer_id].append(a)

    def unit_on(day: date) -> Unit:
        """The finding's unit on `day`, followed to its successor once it ceased to exist (a merger)."""
        unit, hops = finding.unit, 0
        while unit.valid_to is not None and unit.valid_to < day and unit.successor is not None and hops < 10:
            unit, hops = unit.successor, hops + 1
        return unit

    def pieces(officer_id: int) -> list[tuple[Assignment | None, Unit, date, date]]:
        """Where the violator served over the whole violation, in sub-periods: a move or a merger during
        the violation starts a new sub-period (each answered for by the leaders of its own unit)."""
        mine = posts[officer_id]
        cuts = {d0}
        for a in mine:
            if d0 < a.valid_from <= d1:
                cuts.add(a.valid_from)
            if a.valid_to is not None and d0 <= a.valid_to < d1:
                cuts.add(a.valid_to + timedelta(days=1))
        u = finding.unit
        while u.valid_to is not None and u.successor is not None:
            if d0 <= u.valid_to < d1:
                cuts.add(u.valid_to + timedelta(days=1))
            u = u.successor
        bounds = sorted(cuts)
        out: list[tuple[Assignment | None, Unit, date, date]] = []
        for i, lo in enumerate(bounds):
            hi = bounds[i + 1] - timedelta(days=1) if i + 1 < len(bounds) else d1
            active = sorted((a for a in mine if _active(a, lo)),
                            key=lambda a: (not a.is_head, not a.is_deputy, -a.valid_from.toordinal()))
            post = active[0] if active else None
            unit = post.unit if post is not None else unit_on(lo)
            if out and out[-1][0] is post and out[-1][1].pk == unit.pk:
                out[-1] = (post, unit, out[-1][2], hi)
            else:
                out.append((post, unit, lo, hi))
        return out

    groups: dict[int, dict[str, Any]] = {}
    units: dict[int, Unit] = {}
    notes: list[dict[str, str]] = []
    own = book.by_severity(Rule.AppliesTo.VIOLATOR, finding.severity)
    for s in violators:
        for post, unit, lo, hi in pieces(s.officer_id):
            units[unit.pk] = unit
            group = groups.setdefault(unit.pk, {"unit": unit, "violators": [], "span": (lo, hi)})
            group["span"] = (min(group["span"][0], lo), max(group["span"][1], hi))
            entry: dict[str, Any] = {
                "officer": officer_brief(s.officer), "role": s.role,
                "assignment": assignment_proof(post) if post else None,
                "rule": own.as_dict() if own else None,
                "suggested_form": own.form.as_dict() if own and own.form else None,
                "from": lo, "to": hi,
            }
            when_vi = f"Ngày {fmt(lo)}" if lo == hi else f"Từ ngày {fmt(lo)} đến ngày {fmt(hi)}"
            when_en = f"On {fmt_en(lo)}" if lo == hi else f"From {fmt_en(lo)} to {fmt_en(hi)}"
            if post is None:
                entry["why_vi"] = (f"{when_vi}: không có hồ sơ bổ nhiệm của {s.officer.full_name}; "
                                   f"dùng đơn vị nơi xảy ra vi phạm ({unit.name}).")
                entry["why_en"] = (f"{when_en}: no assignment record for {s.officer.full_name}; "
                                   f"the unit where it happened ({unit.name}) is used.")
                notes.append({
                    "vi": f"Không có hồ sơ bổ nhiệm của {s.officer.full_name} {span_vi(lo, hi)}: "
                          f"giai đoạn này truy theo đơn vị {unit.name}; cần kiểm tra lại hồ sơ cán bộ.",
                    "en": f"No assignment record for {s.officer.full_name} {span_en(lo, hi)}: that part is traced "
                          f"through {unit.name}; please check the officer's records."})
            else:
                entry["why_vi"] = (f"{when_vi}, đồng chí {s.officer.full_name} là {post.position} của "
                                   f"{post.unit.name}; vi phạm ở mức {sev_vi(finding.severity)}.")
                entry["why_en"] = (f"{when_en}, {s.officer.full_name} was {post.position} of {post.unit.name}; "
                                   f"the violation is {sev_en(finding.severity)}.")
            if own is not None:
                entry["why_vi"] += f" Người vi phạm tự chịu trách nhiệm theo quy tắc {own.code}: {own.text_vi}"
                entry["why_en"] += f" The violator answers personally under rule {own.code}: {own.text_en}"
            group["violators"].append(entry)
    if not violators:
        for lo_day in sorted({d0} | {u.valid_to + timedelta(days=1) for u in _chain(finding.unit)
                                     if u.valid_to is not None and d0 <= u.valid_to < d1}):
            unit = unit_on(lo_day)
            units[unit.pk] = unit
            hi_day = min(unit.valid_to or d1, d1)
            groups[unit.pk] = {"unit": unit, "violators": [], "span": (lo_day, hi_day)}
        notes.append({"vi": "Kết luận chưa ghi người vi phạm; truy trách nhiệm theo đơn vị để xảy ra vi phạm.",
                      "en": "The finding names no violator; traced through the unit where it happened."})
    if len(groups) > 1:
        notes.append({
            "vi": "Trong thời gian vi phạm, nơi công tác của người vi phạm thay đổi (chuyển công tác hoặc sáp nhập "
                  "đơn vị); mỗi giai đoạn truy theo lãnh đạo của đơn vị lúc đó: "
                  + "; ".join(f"{g['unit'].name} ({span_vi(*g['span'])})" for g in groups.values()) + ".",
            "en": "The violator's unit changed during the violation (a move or a merger); each sub-period is traced "
                  "through the leaders of the unit at that time: "
                  + "; ".join(f"{g['unit'].name} ({span_en(*g['span'])})" for g in groups.values()) + "."})

    # 2. the unit one level up, per sub-period: the chain of command may change during the violation
    #    (district level abolished 1 March 2025: from then a commune's upper level is the province)
    links = list(UnitLink.objects.filter(unit_id__in=list(units)).select_related("parent"))
    uppers_by_unit: dict[int, list[tuple[Unit, date, date]]] = {}
    for uid, unit in units.items():
        own_links = [lk for lk in links if lk.unit_id == uid]
        if not own_links:
            uppers_by_unit[uid] = [(unit.parent, *groups[uid]["span"])] if unit.parent is not None else []
            continue
        g0, g1 = groups[uid]["span"]
        segments = [(lk.parent, *span) for lk in sorted(own_links, key=lambda lk: lk.valid_from)
                    if (span := _overlap(lk, g0, g1)) is not None]
        uppers_by_unit[uid] = segments
    upper_ids = {p.pk for segs in uppers_by_unit.values() for p, _, _ in segs}

    # 3. every head / deputy post of those units during the violation
    leader_posts = list(Assignment.objects.filter(_overlaps_q(d0, d1),
                                                  unit_id__in=list(set(units) | upper_ids))
                        .filter(Q(is_head=True) | Q(is_deputy=True))
                        .select_related("officer", "unit", "unit__successor", "field"))
    exempt = {sd.officer_id: sd for sd in SelfDetection.objects.filter(finding=finding)}
    policy = book.category(finding.category.code)
    own_rule = book.by_severity(Rule.AppliesTo.VIOLATOR, finding.severity)
    violator_form = own_rule.form if own_rule is not None else None

    # 4. what counts toward the rolling-window rules: findings of the same unit (for the upper level
    #    too: it answers only through the direct subordinate unit where it happened)
    windows = [r.window_days or 365 for r in book.rules if r.trigger == Rule.Trigger.COUNT]
    max_window = max(windows, default=0)
    counted: list[dict[str, Any]] = []
    if max_window:
        counted = [dict(row) for row in Finding.objects.filter(
            visible_check_q(), Q(state__in=COUNTED_STATES),
            unit_id__in=list(units),
            occurred_from__gte=day_start(d0 - timedelta(days=max_window)),
            occurred_from__lt=day_start(d1 + timedelta(days=1)),
        ).exclude(pk=finding.pk).values("id", "unit_id", "severity", "occurred_from", "category_id",
                                        "category__code")]
        for row in counted:
            row["day"] = local_day(row["occurred_from"])
            row["corruption"] = book.category(row["category__code"]).is_corruption
    # 5. the fields of charge of the violation's category and of those counted (a deputy answers only
    #    for his own field)
    fields_of = category_fields({finding.category_id} | {row["category_id"] for row in counted})
    own_fields = fields_of[finding.category_id]

    def counts_for(leader: Leader, where: Unit) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        a, span = leader.assignment, leader.span
        for rule in book.rules_for(leader.role):
            if rule.trigger != Rule.Trigger.COUNT or not rule.covers(policy.is_corruption):
                continue
            key = count_key(rule)
            end = span[1]
            start = max(end - timedelta(days=(rule.window_days or 365) - 1), a.valid_from)
            n = 1 if finding.severity in key[1] else 0  # the traced violation itself
            for row in counted:
                if (row["severity"] not in key[1] or not (start <= row["day"] <= end)
                        or row["unit_id"] != where.pk or not rule.covers(row["corruption"])):
                    continue
                if leader.role == "deputy" and not deputy_in_field(a, fields_of[row["category_id"]]):
                    continue
                n += 1
            result[key] = (n, start, end)
        return result

    def leaders_of(unit: Unit, role: str, within: tuple[date, date] = (d0, d1)) -> list[Leader]:
        found = []
        for a in leader_posts:
            if a.unit_id != unit.pk or not (a.is_head if role in ("head", "upper_head") else a.is_deputy):
                continue
            span = _overlap(a, *within)
            if span is None:
                continue
            found.append(Leader(role=role, assignment=a, unit=unit, span=span))
        found.sort(key=lambda ld: (ld.span[0], ld.assignment.is_acting, ld.assignment.pk))
        return found

    def evaluate(leader: Leader, where: Unit) -> Leader:
        knew, covered = flags.get(leader.assignment.officer_id, (False, False))
        detected = exempt.get(leader.assignment.officer_id)
        facts = LeaderFacts(role=leader.role, severity=finding.severity, knew_and_did_not_act=knew,
                            covered_up=covered, counts=counts_for(leader, where),
                            is_corruption=policy.is_corruption, violator_form=violator_form,
                            self_detected=detected is not None and policy.is_corruption)
        leader.matches = evaluate_leader(book, facts)
        if facts.self_detected and detected is not None:
            basis = book.source("self_detection")
            leader.exemption = {
                "vi": f"Được miễn trách nhiệm người đứng đầu về tham nhũng vì đã tự phát hiện và xử lý "
                      f"({basis}): {detected.note}",
                "en": f"Exempt from the head's liability for corruption: found and handled it himself "
                      f"({basis}): {detected.note}",
                "basis": basis}
        return leader

    out_groups = []
    traced_officers: set[int] = set()
    for uid, group in groups.items():
        unit = group["unit"]
        span = group["span"]
        group_notes: list[dict[str, str]] = []
        heads = [evaluate(ld, unit) for ld in leaders_of(unit, "head", span) if ld.assignment.officer_id not in violator_ids]
        for ld in leaders_of(unit, "head", span):
            if ld.assignment.officer_id in violator_ids:
                group_notes.append({
                    "vi": f"Người đứng đầu {ld.assignment.officer.full_name} là người vi phạm: xử lý như người vi phạm.",
                    "en": f"The head {ld.assignment.officer.full_name} is the violator: handled as a violator."})
        if not heads and not any(ld.assignment.officer_id in violator_ids for ld in leaders_of(unit, "head", span)):
            group_notes.append({"vi": f"Không có hồ sơ người đứng đầu {unit.name} trong thời gian vi phạm.",
                                "en": f"No head of {unit.name} is on record for the period of the violation."})
        if len({ld.assignment.officer_id for ld in heads}) > 1:
            group_notes.append({
                "vi": "Thời gian vi phạm trải qua nhiều người đứng đầu; mỗi người chịu trách nhiệm trong thời gian mình phụ trách: "
                      + "; ".join(f"{ld.assignment.officer.full_name} ({span_vi(*ld.span)})" for ld in heads) + ".",
                "en": "The violation spans more than one head; each answers for the time they were in charge: "
                      + "; ".join(f"{ld.assignment.officer.full_name} ({span_en(*ld.span)})" for ld in heads) + "."})
        deputies_all = [ld for ld in leaders_of(unit, "deputy", span) if ld.assignment.officer_id not in violator_ids]
        deputies = [evaluate(ld, unit) for ld in deputies_all if deputy_in_field(ld.assignment, own_fields)]
        group_notes.extend(_deputy_notes(finding, own_fields, deputies_all))
        segments = uppers_by_unit[uid]
        uppers = [evaluate(ld, unit) for parent, lo, hi in segments for ld in leaders_of(parent, "upper_head", (lo, hi))]
        if not segments:
            group_notes.append({"vi": "Đơn vị không có cấp trên trực tiếp tại thời điểm vi phạm.",
                                "en": "The unit had no parent unit at the time of the violation."})
        elif len(segments) > 1:
            group_notes.append({
                "vi": "Cấp trên trực tiếp thay đổi trong thời gian vi phạm; người đứng đầu cấp trên của từng giai đoạn "
                      "chịu trách nhiệm trong giai đoạn đó: "
                      + "; ".join(f"{p.name} ({span_vi(lo, hi)})" for p, lo, hi in segments) + ".",
                "en": "The upper level changed during the violation; the upper head of each sub-period answers for "
                      "that sub-period: " + "; ".join(f"{p.name} ({span_en(lo, hi)})" for p, lo, hi in segments) + "."})
        parent = segments[0][0] if segments else None
        leaders = heads + deputies + uppers
        traced_officers.update(ld.assignment.officer_id for ld in leaders)
        out_groups.append({
            "unit": unit_as_it_was(unit, span[0], followed=unit.successor_id in units),
            "parent": unit_as_it_was(parent, span[0]) if parent is not None else None,
            "from": span[0], "to": span[1],
            "parents": [{**unit_as_it_was(p, lo), "from": lo, "to": hi} for p, lo, hi in segments],
            "violators": group["violators"],
            "leaders": [_leader_dict(ld, finding) for ld in leaders],
            "notes": group_notes,
        })
    limitation = finding_limitation(finding=finding, book=book, today=timezone.localdate())
    if limitation is not None and limitation.barred_from is not None:
        notes.append({"vi": f"{limitation.barred_vi}: {limitation.message_vi}",
                      "en": f"{limitation.barred_en}: {limitation.message_en}"})
        for group in out_groups:
            for leader in group["leaders"]:
                if leader["suggested_form"] is not None:
                    leader["time_barred_vi"], leader["time_barred_en"] = limitation.barred_vi, limitation.barred_en
                    form_vi, form_en = leader["suggested_form"]["name_vi"], leader["suggested_form"]["name_en"]
                    leader["why_vi"] = (leader["why_vi"].removesuffix(f" Đề xuất: {form_vi}.")
                                        + f" Hình thức theo quy tắc nếu còn thời hiệu: {form_vi}. "
                                        f"{limitation.barred_vi}: không đề xuất, không xử lý kỷ luật.")
                    leader["why_en"] = (leader["why_en"].removesuffix(f" Proposed: {form_en}.")
                                        + f" Form under the rule had it not been time-barred: {form_en}. "
                                        f"{limitation.barred_en}: nothing proposed, not to be handled.")
    for s in subjects:
        if s.role == FindingSubject.Role.RESPONSIBLE_HEAD and s.officer_id not in traced_officers:
            notes.append({
                "vi": f"Kết luận ghi {s.officer.full_name} là người đứng đầu chịu trách nhiệm nhưng không có hồ sơ "
                      "chức vụ lãnh đạo tương ứng trong thời gian vi phạm; cần kiểm tra lại.",
                "en": f"The finding names {s.officer.full_name} as the responsible head but no matching leadership "
                      "post is on record for the period; please check."})
    return {
        "finding": {
            "id": finding.pk, "reference": finding.reference, "title": finding.title,
            "severity": finding.severity, "severity_vi": sev_vi(finding.severity),
            "severity_en": sev_en(finding.severity), "state": finding.state,
            "category": {"id": finding.category_id, "code": finding.category.code,
                         "name_vi": finding.category.name_vi, "name_en": finding.category.name_en,
                         "fields": [field_brief(f) for f in own_fields.values()]},
            "unit": unit_brief(finding.unit),
            "occurred_from": finding.occurred_from, "occurred_to": finding.occurred_to,
            "is_period": finding.occurred_to is not None,
        },
        "as_of": {"from": d0, "to": d1},
        "ruleset": {"id": book.ruleset_id, "version": book.version},
        "units": out_groups,
        "notes": notes,
        "limitation": limitation.as_dict() if limitation is not None else None,
    }
