"""Trace a finding to the leaders who answer for it, as of the day(s) it happened.

A fixed number of queries whatever the number of violators, units and heads: the violators'
assignments, the units' parent links, every head/deputy post of the units involved and the
unit one level up, the child links of those upper units and the findings that count toward the
rolling-window rules are each read once and resolved in memory with the same rules as
`backend.org.selectors` (a head/deputy post wins over a plain one, the latest start wins).
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from backend.core.text import fold
from backend.org.models import Assignment, Officer, Unit, UnitLink
from inspection.accountability.engine import (
    LeaderFacts,
    Match,
    RuleBook,
    count_key,
    evaluate_leader,
    fmt,
    fmt_en,
    sev_en,
    sev_vi,
)
from inspection.accountability.models import Rule
from inspection.models import Finding, FindingSubject

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


def visible_check_q(prefix: str = "surprise_check") -> Q:
    """Rows whose check (if any) was started: a planned check must never show through."""
    return Q(**{f"{prefix}__isnull": True}) | Q(**{f"{prefix}__started_at__isnull": False})


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


def unit_as_it_was(u: Unit, on: date) -> dict[str, Any]:
    successor = u.successor if u.successor_id else None
    info = {**unit_brief(u), "valid_from": u.valid_from, "valid_to": u.valid_to, "status": "active",
            "successor": unit_brief(successor) if successor is not None else None, "note_vi": "", "note_en": ""}
    if u.valid_to is not None and u.valid_to < timezone.localdate():
        if successor is not None:
            info["status"] = "merged"
            info["note_vi"] = (f"Đơn vị đã sáp nhập vào {successor.name} từ {fmt(u.valid_to + timedelta(days=1))}; "
                               f"truy theo tổ chức tại thời điểm vi phạm ({fmt(on)}).")
            info["note_en"] = (f"The unit was merged into {successor.name} on {fmt_en(u.valid_to + timedelta(days=1))}; "
                               f"traced as it was on {fmt_en(on)}.")
        else:
            info["status"] = "abolished"
            info["note_vi"] = (f"Đơn vị đã giải thể sau {fmt(u.valid_to)}; truy theo tổ chức tại thời điểm vi phạm "
                               f"({fmt(on)}).")
            info["note_en"] = f"The unit ceased to exist after {fmt_en(u.valid_to)}; traced as it was on {fmt_en(on)}."
    return info


def officer_brief(o: Officer) -> dict[str, Any]:
    return {"id": o.pk, "service_number": o.service_number, "full_name": o.full_name, "rank": o.rank}


def assignment_proof(a: Assignment) -> dict[str, Any]:
    return {"id": a.pk, "position": a.position, "unit_id": a.unit_id, "is_head": a.is_head,
            "is_deputy": a.is_deputy, "is_acting": a.is_acting, "in_charge_of": a.in_charge_of,
            "valid_from": a.valid_from, "valid_to": a.valid_to, "decision_ref": a.decision_ref}


# word pairs too common in police Vietnamese to say anything about an area of work
_GENERIC_PAIRS = {"cong an", "can bo", "bo phan", "don vi", "phu trach", "linh vuc", "cong tac", "chi huy"}


def _bigrams(text: str) -> set[str]:
    words = [w for w in re.split(r"[^a-z0-9]+", fold(text)) if w]
    return {f"{a} {b}" for a, b in zip(words, words[1:], strict=False)} - _GENERIC_PAIRS


def deputy_area_matches(in_charge_of: str, finding: Finding) -> bool:
    """Is the deputy's assigned area the area of the violation? (one-stop counter, or shared words)"""
    area = fold(in_charge_of)
    if not area:
        return False
    if finding.counter_id and "mot cua" in area:
        return True
    text = " ".join([finding.title, finding.description, finding.category.name_vi, finding.category.name_en])
    return bool(_bigrams(in_charge_of) & _bigrams(text))


@dataclass
class Leader:
    role: str
    assignment: Assignment
    unit: Unit
    span: tuple[date, date]
    matches: list[Match] = field(default_factory=list)

    @property
    def chosen(self) -> Match | None:
        return self.matches[0] if self.matches else None


def _post_sentence(a: Assignment, span: tuple[date, date]) -> tuple[str, str]:
    acting_vi = " (quyền / phụ trách)" if a.is_acting else ""
    acting_en = " (acting)" if a.is_acting else ""
    ref_vi = f", quyết định {a.decision_ref}" if a.decision_ref else ""
    ref_en = f", decision {a.decision_ref}" if a.decision_ref else ""
    vi = (f"Đồng chí {a.officer.full_name} giữ chức {a.position}{acting_vi} của {a.unit.name} "
          f"từ {fmt(a.valid_from)} đến {fmt(a.valid_to)}{ref_vi}; phụ trách trong thời gian vi phạm "
          f"từ {fmt(span[0])} đến {fmt(span[1])}.")
    en = (f"{a.officer.full_name} held the post {a.position}{acting_en} of {a.unit.name} "
          f"from {fmt_en(a.valid_from)} to {fmt_en(a.valid_to)}{ref_en}; in charge during the violation "
          f"from {fmt_en(span[0])} to {fmt_en(span[1])}.")
    return vi, en


def _leader_dict(leader: Leader) -> dict[str, Any]:
    a = leader.assignment
    post_vi, post_en = _post_sentence(a, leader.span)
    chosen = leader.chosen
    if chosen is None:
        why_vi = post_vi + " Không có quy tắc nào trong bộ quy tắc áp dụng; không đề xuất trách nhiệm."
        why_en = post_en + " No rule of the rule set applies; no liability proposed."
    else:
        why_vi = (f"{post_vi} {chosen.why_vi} Áp dụng quy tắc {chosen.rule.code}: {chosen.rule.text_vi} "
                  f"→ đề xuất: {chosen.form.name_vi}.")
        why_en = (f"{post_en} {chosen.why_en} Rule {chosen.rule.code} applies: {chosen.rule.text_en} "
                  f"→ proposed: {chosen.form.name_en}.")
    label_vi, label_en = ROLE_LABELS[leader.role]
    basis = "own" if chosen is not None and chosen.rule.trigger in (
        Rule.Trigger.KNEW_NOT_ACT, Rule.Trigger.COVERED_UP) else "joint"
    return {
        "role": leader.role, "role_label_vi": label_vi, "role_label_en": label_en,
        "officer": officer_brief(a.officer), "unit": unit_brief(leader.unit),
        "assignment": assignment_proof(a), "is_acting": a.is_acting,
        "in_charge_from": leader.span[0], "in_charge_to": leader.span[1],
        "basis": basis,
        "rule": chosen.rule.as_dict() if chosen else None,
        "suggested_form": chosen.form.as_dict() if chosen else None,
        "why_vi": why_vi, "why_en": why_en,
        "facts": chosen.facts if chosen else {},
        "other_rules": [m.as_dict() for m in leader.matches[1:]],
    }


def compute_trace(*, finding: Finding, book: RuleBook) -> dict[str, Any]:
    """The trace of one finding under one rule book (see the module docstring for the reads)."""
    d0, d1 = finding_days(finding)
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
                  .select_related("unit", "unit__successor", "unit__parent")):
            posts[a.officer_id].append(a)

    def primary(officer_id: int) -> tuple[Assignment | None, date]:
        for day in (d0, d1):
            active = [a for a in posts[officer_id] if _active(a, day)]
            if active:
                active.sort(key=lambda a: (not a.is_head, not a.is_deputy, -a.valid_from.toordinal()))
                return active[0], day
        return None, d0

    groups: dict[int, dict[str, Any]] = {}
    units: dict[int, Unit] = {}
    notes: list[dict[str, str]] = []
    for s in violators:
        post, day = primary(s.officer_id)
        unit = post.unit if post is not None else finding.unit
        units[unit.pk] = unit
        group = groups.setdefault(unit.pk, {"unit": unit, "violators": []})
        own = book.by_severity(Rule.AppliesTo.VIOLATOR, finding.severity)
        entry: dict[str, Any] = {
            "officer": officer_brief(s.officer), "role": s.role,
            "assignment": assignment_proof(post) if post else None,
            "rule": own.as_dict() if own else None,
            "suggested_form": own.form.as_dict() if own and own.form else None,
        }
        if post is None:
            entry["why_vi"] = (f"Không có hồ sơ bổ nhiệm của {s.officer.full_name} trong thời gian vi phạm; "
                               f"dùng đơn vị ghi trong kết luận ({finding.unit.name}).")
            entry["why_en"] = (f"No assignment record for {s.officer.full_name} during the violation; "
                               f"the finding's unit ({finding.unit.name}) is used.")
        else:
            moved_vi = "" if day == d0 else f" (nhận công tác tại đơn vị từ {fmt(post.valid_from)}, trong thời gian vi phạm)"
            moved_en = "" if day == d0 else f" (joined the unit on {fmt_en(post.valid_from)}, during the violation)"
            entry["why_vi"] = (f"Ngày {fmt(day)}, đồng chí {s.officer.full_name} là {post.position} của {post.unit.name}"
                               f"{moved_vi}; vi phạm ở mức {sev_vi(finding.severity)}.")
            entry["why_en"] = (f"On {fmt_en(day)}, {s.officer.full_name} was {post.position} of {post.unit.name}"
                               f"{moved_en}; the violation is {sev_en(finding.severity)}.")
        if own is not None:
            entry["why_vi"] += f" Người vi phạm tự chịu trách nhiệm theo quy tắc {own.code}: {own.text_vi}"
            entry["why_en"] += f" The violator answers personally under rule {own.code}: {own.text_en}"
        group["violators"].append(entry)
    if not violators:
        units[finding.unit_id] = finding.unit
        groups[finding.unit_id] = {"unit": finding.unit, "violators": []}
        notes.append({"vi": "Kết luận chưa ghi người vi phạm; truy trách nhiệm theo đơn vị để xảy ra vi phạm.",
                      "en": "The finding names no violator; traced through the unit where it happened."})

    # 2. the unit one level up on the day
    links = list(UnitLink.objects.filter(unit_id__in=list(units)).select_related("parent"))
    upper: dict[int, Unit | None] = {}
    for uid, unit in units.items():
        own_links = [lk for lk in links if lk.unit_id == uid]
        covering = [lk for lk in own_links if _active(lk, d0)]
        upper[uid] = covering[0].parent if covering else (None if own_links else unit.parent)
    upper_ids = {u.pk for u in upper.values() if u is not None}

    # 3. every head / deputy post of those units during the violation
    leader_posts = list(Assignment.objects.filter(_overlaps_q(d0, d1),
                                                  unit_id__in=list(set(units) | upper_ids))
                        .filter(Q(is_head=True) | Q(is_deputy=True))
                        .select_related("officer", "unit", "unit__successor"))

    # 4. what counts toward the rolling-window rules
    windows = [r.window_days or 365 for r in book.rules if r.trigger == Rule.Trigger.COUNT]
    max_window = max(windows, default=0)
    child_links = (list(UnitLink.objects.filter(parent_id__in=list(upper_ids)).values(
        "unit_id", "parent_id", "valid_from", "valid_to")) if upper_ids and max_window else [])
    counted: list[dict[str, Any]] = []
    if max_window:
        scope_units = set(units) | {cl["unit_id"] for cl in child_links}
        counted = [dict(row) for row in Finding.objects.filter(
            visible_check_q(), Q(state__in=COUNTED_STATES),
            unit_id__in=list(scope_units),
            occurred_from__gte=day_start(d0 - timedelta(days=max_window)),
            occurred_from__lt=day_start(d1 + timedelta(days=1)),
        ).exclude(pk=finding.pk).values("id", "unit_id", "severity", "occurred_from")]
        for row in counted:
            row["day"] = local_day(row["occurred_from"])

    def under_upper(unit_id: int, parent_id: int, day: date) -> bool:
        return any(cl["unit_id"] == unit_id and cl["parent_id"] == parent_id and cl["valid_from"] <= day
                   and (cl["valid_to"] is None or cl["valid_to"] >= day) for cl in child_links)

    def counts_for(role: str, unit: Unit, a: Assignment, span: tuple[date, date]) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for rule in book.rules_for(role):
            if rule.trigger != Rule.Trigger.COUNT:
                continue
            key = count_key(rule)
            end = span[1]
            start = max(end - timedelta(days=(rule.window_days or 365) - 1), a.valid_from)
            n = 1 if finding.severity in key[1] else 0  # the traced violation itself
            for row in counted:
                if row["severity"] not in key[1] or not (start <= row["day"] <= end):
                    continue
                if role == "upper_head":
                    if row["unit_id"] == unit.pk or under_upper(row["unit_id"], unit.pk, row["day"]):
                        n += 1
                elif row["unit_id"] == unit.pk:
                    n += 1
            result[key] = (n, start, end)
        return result

    def leaders_of(unit: Unit, role: str) -> list[Leader]:
        found = []
        for a in leader_posts:
            if a.unit_id != unit.pk or not (a.is_head if role in ("head", "upper_head") else a.is_deputy):
                continue
            span = _overlap(a, d0, d1)
            if span is None:
                continue
            found.append(Leader(role=role, assignment=a, unit=unit, span=span))
        found.sort(key=lambda ld: (ld.span[0], ld.assignment.is_acting, ld.assignment.pk))
        return found

    def evaluate(leader: Leader) -> Leader:
        knew, covered = flags.get(leader.assignment.officer_id, (False, False))
        facts = LeaderFacts(role=leader.role, severity=finding.severity, knew_and_did_not_act=knew,
                            covered_up=covered,
                            counts=counts_for(leader.role, leader.unit, leader.assignment, leader.span))
        leader.matches = evaluate_leader(book, facts)
        return leader

    out_groups = []
    traced_officers: set[int] = set()
    for uid, group in groups.items():
        unit = group["unit"]
        group_notes: list[dict[str, str]] = []
        heads = [evaluate(ld) for ld in leaders_of(unit, "head") if ld.assignment.officer_id not in violator_ids]
        for ld in leaders_of(unit, "head"):
            if ld.assignment.officer_id in violator_ids:
                group_notes.append({
                    "vi": f"Người đứng đầu {ld.assignment.officer.full_name} là người vi phạm: xử lý như người vi phạm.",
                    "en": f"The head {ld.assignment.officer.full_name} is the violator: handled as a violator."})
        if not heads and not any(ld.assignment.officer_id in violator_ids for ld in leaders_of(unit, "head")):
            group_notes.append({"vi": f"Không có hồ sơ người đứng đầu {unit.name} trong thời gian vi phạm.",
                                "en": f"No head of {unit.name} is on record for the period of the violation."})
        if len({ld.assignment.officer_id for ld in heads}) > 1:
            group_notes.append({
                "vi": "Thời gian vi phạm trải qua nhiều người đứng đầu; mỗi người chịu trách nhiệm trong thời gian mình phụ trách: "
                      + "; ".join(f"{ld.assignment.officer.full_name} ({fmt(ld.span[0])}–{fmt(ld.span[1])})" for ld in heads),
                "en": "The violation spans more than one head; each answers for the time they were in charge: "
                      + "; ".join(f"{ld.assignment.officer.full_name} ({fmt_en(ld.span[0])}–{fmt_en(ld.span[1])})"
                                  for ld in heads)})
        deputies_all = [ld for ld in leaders_of(unit, "deputy") if ld.assignment.officer_id not in violator_ids]
        deputies = [evaluate(ld) for ld in deputies_all if deputy_area_matches(ld.assignment.in_charge_of, finding)]
        if deputies_all and not deputies:
            group_notes.append({
                "vi": "Không có cấp phó được phân công phụ trách lĩnh vực vi phạm (đã xét: "
                      + ", ".join(f"{ld.assignment.officer.full_name} — {ld.assignment.in_charge_of or 'không ghi lĩnh vực'}"
                                  for ld in deputies_all) + ").",
                "en": "No deputy is assigned to the area of the violation (considered: "
                      + ", ".join(f"{ld.assignment.officer.full_name} — {ld.assignment.in_charge_of or 'no area recorded'}"
                                  for ld in deputies_all) + ")."})
        parent = upper[uid]
        uppers = [evaluate(ld) for ld in leaders_of(parent, "upper_head")] if parent is not None else []
        if parent is None:
            group_notes.append({"vi": "Đơn vị không có cấp trên trực tiếp tại thời điểm vi phạm.",
                                "en": "The unit had no parent unit at the time of the violation."})
        leaders = heads + deputies + uppers
        traced_officers.update(ld.assignment.officer_id for ld in leaders)
        out_groups.append({
            "unit": unit_as_it_was(unit, d0),
            "parent": unit_as_it_was(parent, d0) if parent is not None else None,
            "violators": group["violators"],
            "leaders": [_leader_dict(ld) for ld in leaders],
            "notes": group_notes,
        })
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
                         "name_vi": finding.category.name_vi, "name_en": finding.category.name_en},
            "unit": unit_brief(finding.unit),
            "occurred_from": finding.occurred_from, "occurred_to": finding.occurred_to,
            "is_period": finding.occurred_to is not None,
        },
        "as_of": {"from": d0, "to": d1},
        "ruleset": {"id": book.ruleset_id, "version": book.version},
        "units": out_groups,
        "notes": notes,
    }
