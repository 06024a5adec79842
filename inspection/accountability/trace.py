"""Trace a finding to the leaders who answer for it, as of the day(s) it happened.

A fixed number of queries whatever the number of violators, units and heads: the violators'
assignments, the units' parent links, every head/deputy post of the units involved and the
unit one level up, the child links of those upper units, the findings that count toward the
rolling-window rules and the fields of charge of their categories are each read once and resolved in memory with the same rules as
`backend.org.selectors` (a head/deputy post wins over a plain one, the latest start wins).
How a trace is written (briefs, post sentences, a leader's entry) is in trace_output.py.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from backend.org.models import Assignment, FieldOfCharge, Unit, UnitLink
from backend.org.selectors import org_corrections
from inspection.accountability.engine import (
    LeaderFacts,
    RuleBook,
    count_key,
    evaluate_leader,
    fmt,
    fmt_en,
    sev_en,
    sev_vi,
    span_en,
    span_vi,
)
from inspection.accountability.escalation import Limitation, Violation, violation_limitation
from inspection.accountability.models import LeaderLiability, Rule, SelfDetection
from inspection.accountability.trace_output import (
    Leader,
    _chain,
    _deputy_notes,
    _leader_dict,
    assignment_proof,
    field_brief,
    officer_brief,
    org_corrections_note,
    rule_basis,
    unit_as_it_was,
    unit_brief,
)
from inspection.models import Finding, FindingCategory, FindingSubject
from inspection.secrecy import public_check_link_q

COUNTED_STATES = (Finding.State.CONFIRMED, Finding.State.ACTIONED)
VIOLATOR_ROLES = (FindingSubject.Role.VIOLATOR, FindingSubject.Role.CO_VIOLATOR)


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


@dataclass
class _Trace:
    """What every step of one trace reads: the finding, its rule book and days, its subjects, and what
    the steps before have read (each read once, so the query count does not grow with the people)."""
    finding: Finding
    book: RuleBook
    d0: date
    d1: date
    subjects: list[FindingSubject]
    violators: list[FindingSubject]
    flags: dict[int, tuple[bool, bool]]
    violator_ids: set[int]
    leader_posts: list[Assignment] = field(default_factory=list)
    exempt: dict[int, SelfDetection] = field(default_factory=dict)
    policy: Any = None
    violator_form: Any = None
    counted: list[dict[str, Any]] = field(default_factory=list)
    fields_of: dict[int, dict[int, FieldOfCharge]] = field(default_factory=dict)
    own_fields: dict[int, FieldOfCharge] = field(default_factory=dict)


def _start(finding: Finding, book: RuleBook) -> _Trace:
    """The finding's days, the rule book as of its last day, its subjects and their flags."""
    d0, d1 = finding_days(finding)
    book = book.as_of(d1)  # the force's regulations in force during the violation (by its last day)
    subjects = list(FindingSubject.objects.filter(finding=finding).select_related("officer"))
    violators = [s for s in subjects if s.role in VIOLATOR_ROLES]
    flags: dict[int, tuple[bool, bool]] = {}
    for s in subjects:
        knew, covered = flags.get(s.officer_id, (False, False))
        flags[s.officer_id] = (knew or s.knew_and_did_not_act, covered or s.covered_up)
    return _Trace(finding=finding, book=book, d0=d0, d1=d1, subjects=subjects, violators=violators, flags=flags,
                  violator_ids={s.officer_id for s in violators})


def _violator_posts(t: _Trace) -> dict[int, list[Assignment]]:
    """Step 1: where each violator served over the violation (batched officer_assignment_at)."""
    posts: dict[int, list[Assignment]] = defaultdict(list)
    if t.violator_ids:
        for a in (Assignment.objects.filter(_overlaps_q(t.d0, t.d1), officer_id__in=t.violator_ids)
                  .select_related("unit", "unit__successor", "unit__parent", "field")):
            posts[a.officer_id].append(a)
    return posts


def _unit_on(finding: Finding, day: date) -> Unit:
    """The finding's unit on `day`, followed to its successor once it ceased to exist (a merger)."""
    unit, hops = finding.unit, 0
    while unit.valid_to is not None and unit.valid_to < day and unit.successor is not None and hops < 10:
        unit, hops = unit.successor, hops + 1
    return unit


def _pieces(t: _Trace, mine: list[Assignment]) -> list[tuple[Assignment | None, Unit, date, date]]:
    """Where the violator served over the whole violation, in sub-periods: a move or a merger during
    the violation starts a new sub-period (each answered for by the leaders of its own unit)."""
    d0, d1 = t.d0, t.d1
    cuts = {d0}
    for a in mine:
        if d0 < a.valid_from <= d1:
            cuts.add(a.valid_from)
        if a.valid_to is not None and d0 <= a.valid_to < d1:
            cuts.add(a.valid_to + timedelta(days=1))
    u = t.finding.unit
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
        unit = post.unit if post is not None else _unit_on(t.finding, lo)
        if out and out[-1][0] is post and out[-1][1].pk == unit.pk:
            out[-1] = (post, unit, out[-1][2], hi)
        else:
            out.append((post, unit, lo, hi))
    return out


def _violator_entry(t: _Trace, s: FindingSubject, post: Assignment | None, unit: Unit, lo: date, hi: date,
                    own: Any, notes: list[dict[str, str]]) -> dict[str, Any]:
    """One violator over one sub-period, with why (and a note when no posting is on record)."""
    finding = t.finding
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
        entry["why_vi"] += f" Người vi phạm tự chịu trách nhiệm theo quy tắc{rule_basis(own, 'vi')}: {own.text_vi}"
        entry["why_en"] += f" The violator answers personally under the rule{rule_basis(own, 'en')}: {own.text_en}"
    return entry


def _groups(t: _Trace, notes: list[dict[str, str]]) -> tuple[dict[int, dict[str, Any]], dict[int, Unit]]:
    """The sub-period groups by unit: each violator's pieces, or the finding's unit (and its successors)
    when no violator is named."""
    posts = _violator_posts(t)
    finding, d0, d1 = t.finding, t.d0, t.d1
    groups: dict[int, dict[str, Any]] = {}
    units: dict[int, Unit] = {}
    own = t.book.by_severity(Rule.AppliesTo.VIOLATOR, finding.severity)
    for s in t.violators:
        for post, unit, lo, hi in _pieces(t, posts[s.officer_id]):
            units[unit.pk] = unit
            group = groups.setdefault(unit.pk, {"unit": unit, "violators": [], "span": (lo, hi)})
            group["span"] = (min(group["span"][0], lo), max(group["span"][1], hi))
            group["violators"].append(_violator_entry(t, s, post, unit, lo, hi, own, notes))
    if not t.violators:
        for lo_day in sorted({d0} | {u.valid_to + timedelta(days=1) for u in _chain(finding.unit)
                                     if u.valid_to is not None and d0 <= u.valid_to < d1}):
            unit = _unit_on(finding, lo_day)
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
    return groups, units


def _uppers(units: dict[int, Unit], groups: dict[int, dict[str, Any]]) -> dict[int, list[tuple[Unit, date, date]]]:
    """Step 2: the unit one level up, per sub-period: the chain of command may change during the violation
    (district level abolished 1 March 2025: from then a commune's upper level is the province)."""
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
    return uppers_by_unit


def _read_leaders(t: _Trace, unit_ids: set[int]) -> None:
    """Step 3: every head / deputy post of those units during the violation, self-detections, the
    category's policy and the violator's form."""
    t.leader_posts = list(Assignment.objects.filter(_overlaps_q(t.d0, t.d1), unit_id__in=list(unit_ids))
                          .filter(Q(is_head=True) | Q(is_deputy=True))
                          .select_related("officer", "unit", "unit__successor", "field"))
    t.exempt = {sd.officer_id: sd for sd in SelfDetection.objects.filter(finding=t.finding)}
    t.policy = t.book.category(t.finding.category.code)
    own_rule = t.book.by_severity(Rule.AppliesTo.VIOLATOR, t.finding.severity)
    t.violator_form = own_rule.form if own_rule is not None else None


def _read_counted(t: _Trace, units: dict[int, Unit]) -> None:
    """Step 4: what counts toward the rolling-window rules: findings of the same unit (for the upper
    level too: it answers only through the direct subordinate unit where it happened). Step 5: the
    fields of charge of the violation's category and of those counted (a deputy answers only for his
    own field)."""
    windows = [r.window_days or 365 for r in t.book.rules if r.trigger == Rule.Trigger.COUNT]
    max_window = max(windows, default=0)
    counted: list[dict[str, Any]] = []
    if max_window:
        counted = [dict(row) for row in Finding.objects.filter(
            visible_check_q(), Q(state__in=COUNTED_STATES),
            unit_id__in=list(units),
            occurred_from__gte=day_start(t.d0 - timedelta(days=max_window)),
            occurred_from__lt=day_start(t.d1 + timedelta(days=1)),
        ).exclude(pk=t.finding.pk).values("id", "unit_id", "severity", "occurred_from", "category_id",
                                          "category__code")]
        for row in counted:
            row["day"] = local_day(row["occurred_from"])
            row["corruption"] = t.book.category(row["category__code"]).is_corruption
    t.counted = counted
    t.fields_of = category_fields({t.finding.category_id} | {row["category_id"] for row in counted})
    t.own_fields = t.fields_of[t.finding.category_id]


def _counts_for(t: _Trace, leader: Leader, where: Unit) -> dict[Any, Any]:
    """The counts of the rolling-window rules for one leader at one unit, over the leader's time."""
    result: dict[Any, Any] = {}
    a, span = leader.assignment, leader.span
    for rule in t.book.rules_for(leader.role):
        if rule.trigger != Rule.Trigger.COUNT or not rule.covers(t.policy.is_corruption):
            continue
        key = count_key(rule)
        end = span[1]
        start = max(end - timedelta(days=(rule.window_days or 365) - 1), a.valid_from)
        n = 1 if t.finding.severity in key[1] else 0  # the traced violation itself
        for row in t.counted:
            if (row["severity"] not in key[1] or not (start <= row["day"] <= end)
                    or row["unit_id"] != where.pk or not rule.covers(row["corruption"])):
                continue
            if leader.role == "deputy" and not deputy_in_field(a, t.fields_of[row["category_id"]]):
                continue
            n += 1
        result[key] = (n, start, end)
    return result


def _leaders_of(t: _Trace, unit: Unit, role: str, within: tuple[date, date] | None = None) -> list[Leader]:
    """The heads (or deputies) of `unit` over `within` (default: the whole violation), earliest first."""
    within = within if within is not None else (t.d0, t.d1)
    found = []
    for a in t.leader_posts:
        if a.unit_id != unit.pk or not (a.is_head if role in ("head", "upper_head") else a.is_deputy):
            continue
        span = _overlap(a, *within)
        if span is None:
            continue
        found.append(Leader(role=role, assignment=a, unit=unit, span=span))
    found.sort(key=lambda ld: (ld.span[0], ld.assignment.is_acting, ld.assignment.pk))
    return found


def _evaluate(t: _Trace, leader: Leader, where: Unit) -> Leader:
    """The rules that match one leader (and a self-detection exemption for corruption)."""
    knew, covered = t.flags.get(leader.assignment.officer_id, (False, False))
    detected = t.exempt.get(leader.assignment.officer_id)
    facts = LeaderFacts(role=leader.role, severity=t.finding.severity, knew_and_did_not_act=knew,
                        covered_up=covered, counts=_counts_for(t, leader, where),
                        is_corruption=t.policy.is_corruption, violator_form=t.violator_form,
                        self_detected=detected is not None and t.policy.is_corruption)
    leader.matches = evaluate_leader(t.book, facts)
    if facts.self_detected and detected is not None:
        basis = t.book.source("self_detection")
        leader.exemption = {
            "vi": f"Được miễn trách nhiệm người đứng đầu về tham nhũng vì đã tự phát hiện và xử lý "
                  f"({basis}): {detected.note}",
            "en": f"Exempt from the head's liability for corruption: found and handled it himself "
                  f"({basis}): {detected.note}",
            "basis": basis}
    return leader


def _heads(t: _Trace, unit: Unit, span: tuple[date, date], group_notes: list[dict[str, str]]) -> list[Leader]:
    """The heads of a group's unit over its span (a head who is the violator is handled as one)."""
    violator_ids = t.violator_ids
    heads = [_evaluate(t, ld, unit) for ld in _leaders_of(t, unit, "head", span)
             if ld.assignment.officer_id not in violator_ids]
    for ld in _leaders_of(t, unit, "head", span):
        if ld.assignment.officer_id in violator_ids:
            group_notes.append({
                "vi": f"Người đứng đầu {ld.assignment.officer.full_name} là người vi phạm: xử lý như người vi phạm.",
                "en": f"The head {ld.assignment.officer.full_name} is the violator: handled as a violator."})
    if not heads and not any(ld.assignment.officer_id in violator_ids for ld in _leaders_of(t, unit, "head", span)):
        group_notes.append({"vi": f"Không có hồ sơ người đứng đầu {unit.name} trong thời gian vi phạm.",
                            "en": f"No head of {unit.name} is on record for the period of the violation."})
    if len({ld.assignment.officer_id for ld in heads}) > 1:
        group_notes.append({
            "vi": "Thời gian vi phạm trải qua nhiều người đứng đầu; mỗi người chịu trách nhiệm trong thời gian mình phụ trách: "
                  + "; ".join(f"{ld.assignment.officer.full_name} ({span_vi(*ld.span)})" for ld in heads) + ".",
            "en": "The violation spans more than one head; each answers for the time they were in charge: "
                  + "; ".join(f"{ld.assignment.officer.full_name} ({span_en(*ld.span)})" for ld in heads) + "."})
    return heads


def _upper_heads(t: _Trace, unit: Unit, segments: list[tuple[Unit, date, date]],
                 group_notes: list[dict[str, str]]) -> list[Leader]:
    """The heads one level up, per sub-period of the group's parent links."""
    uppers = [_evaluate(t, ld, unit) for parent, lo, hi in segments
              for ld in _leaders_of(t, parent, "upper_head", (lo, hi))]
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
    return uppers


def _trace_group(t: _Trace, group: dict[str, Any], segments: list[tuple[Unit, date, date]],
                 units: dict[int, Unit], traced_officers: set[int]) -> dict[str, Any]:
    """One sub-period group: its heads, its deputies in the violation's field, the heads one level up."""
    unit = group["unit"]
    span = group["span"]
    group_notes: list[dict[str, str]] = []
    heads = _heads(t, unit, span, group_notes)
    deputies_all = [ld for ld in _leaders_of(t, unit, "deputy", span) if ld.assignment.officer_id not in t.violator_ids]
    deputies = [_evaluate(t, ld, unit) for ld in deputies_all if deputy_in_field(ld.assignment, t.own_fields)]
    group_notes.extend(_deputy_notes(t.finding, t.own_fields, deputies_all))
    uppers = _upper_heads(t, unit, segments, group_notes)
    parent = segments[0][0] if segments else None
    leaders = heads + deputies + uppers
    traced_officers.update(ld.assignment.officer_id for ld in leaders)
    return {
        "unit": unit_as_it_was(unit, span[0], followed=unit.successor_id in units),
        "parent": unit_as_it_was(parent, span[0]) if parent is not None else None,
        "from": span[0], "to": span[1],
        "parents": [{**unit_as_it_was(p, lo), "from": lo, "to": hi} for p, lo, hi in segments],
        "violators": group["violators"],
        "leaders": [_leader_dict(ld, t.finding) for ld in leaders],
        "notes": group_notes,
    }


def _apply_limitation(limitation: Limitation | None, out_groups: list[dict[str, Any]],
                      notes: list[dict[str, str]]) -> None:
    """A time-barred violation: said once, and on every leader's suggested form (nothing proposed)."""
    if limitation is None or limitation.barred_from is None:
        return
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


def _untraced_heads_notes(t: _Trace, traced_officers: set[int], notes: list[dict[str, str]]) -> None:
    """A responsible head named on the finding whom no leadership post on record traces."""
    for s in t.subjects:
        if s.role == FindingSubject.Role.RESPONSIBLE_HEAD and s.officer_id not in traced_officers:
            notes.append({
                "vi": f"Kết luận ghi {s.officer.full_name} là người đứng đầu chịu trách nhiệm nhưng không có hồ sơ "
                      "chức vụ lãnh đạo tương ứng trong thời gian vi phạm; cần kiểm tra lại.",
                "en": f"The finding names {s.officer.full_name} as the responsible head but no matching leadership "
                      "post is on record for the period; please check."})


def _org_corrected_since_liability(t: _Trace, units: dict[int, Unit],
                                   uppers: dict[int, list[tuple[Unit, date, date]]]) -> dict[str, str] | None:
    """A notice when the appointments of the units involved (the violators' units and the units one level
    up) were corrected, over the violation's days, after the first liability still standing on the finding
    was recorded, and the identity corrections of the people it names (name, service number) and renames
    of those units since (org.selectors.org_corrections; the stored liability itself is never rewritten)."""
    recorded_at = (LeaderLiability.objects.filter(finding=t.finding)
                   .exclude(state__in=[LeaderLiability.State.REJECTED, LeaderLiability.State.SUPERSEDED])
                   .order_by("created_at").values_list("created_at", flat=True).first())
    if recorded_at is None:
        return None
    involved = dict(units)
    for segments in uppers.values():
        involved.update({parent.pk: parent for parent, _lo, _hi in segments})
    people = {s.officer_id: s.officer for s in t.subjects}
    people.update({li.officer_id: li.officer for li in LeaderLiability.objects.filter(finding=t.finding)
                   .exclude(state__in=[LeaderLiability.State.REJECTED, LeaderLiability.State.SUPERSEDED])
                   .select_related("officer", "unit")})
    involved.update({li.unit_id: li.unit for li in LeaderLiability.objects.filter(finding=t.finding)
                     .exclude(state__in=[LeaderLiability.State.REJECTED, LeaderLiability.State.SUPERSEDED])
                     .select_related("unit")})
    involved.setdefault(t.finding.unit_id, t.finding.unit)
    corrections = org_corrections(unit_ids=involved, start=t.d0, end=t.d1, after=recorded_at, officer_ids=people)
    return org_corrections_note(corrections, recorded_at, involved, people) if corrections else None


def _finding_dict(t: _Trace) -> dict[str, Any]:
    finding = t.finding
    return {
        "id": finding.pk, "reference": finding.reference, "title": finding.title,
        "severity": finding.severity, "severity_vi": sev_vi(finding.severity),
        "severity_en": sev_en(finding.severity), "state": finding.state,
        "category": {"id": finding.category_id, "code": finding.category.code,
                     "name_vi": finding.category.name_vi, "name_en": finding.category.name_en,
                     "fields": [field_brief(f) for f in t.own_fields.values()]},
        "unit": unit_brief(finding.unit),
        "occurred_from": finding.occurred_from, "occurred_to": finding.occurred_to,
        "is_period": finding.occurred_to is not None,
    }


def compute_trace(*, finding: Finding, book: RuleBook) -> dict[str, Any]:
    """The trace of one finding under one rule book (see the module docstring for the reads), one step
    per function: subjects, sub-period groups, upper levels, leader posts, counted findings, then each
    group's leaders, the limitation and the notes."""
    t = _start(finding, book)
    notes: list[dict[str, str]] = []
    groups, units = _groups(t, notes)
    uppers_by_unit = _uppers(units, groups)
    upper_ids = {p.pk for segs in uppers_by_unit.values() for p, _, _ in segs}
    _read_leaders(t, set(units) | upper_ids)
    _read_counted(t, units)
    traced_officers: set[int] = set()
    out_groups = [_trace_group(t, group, uppers_by_unit[uid], units, traced_officers) for uid, group in groups.items()]
    limitation = finding_limitation(finding=finding, book=t.book, today=timezone.localdate())
    _apply_limitation(limitation, out_groups, notes)
    corrected = _org_corrected_since_liability(t, units, uppers_by_unit)
    if corrected is not None:
        notes.append(corrected)
    _untraced_heads_notes(t, traced_officers, notes)
    return {
        "finding": _finding_dict(t),
        "as_of": {"from": t.d0, "to": t.d1},
        "ruleset": {"id": t.book.ruleset_id, "version": t.book.version},
        "units": out_groups,
        "notes": notes,
        "limitation": limitation.as_dict() if limitation is not None else None,
    }
