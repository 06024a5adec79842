"""How a trace is written: the brief shapes of units (as they were), officers, fields and postings,
the sentence of a leader's post, a leader's entry with why, and the notes on deputies."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from backend.core.text import fold
from backend.org.models import Assignment, FieldOfCharge, Officer, Unit
from backend.org.selectors import OrgCorrection
from inspection.accountability.engine import Match, fmt, fmt_en, span_en, span_vi
from inspection.accountability.models import Rule
from inspection.models import Finding

ROLE_LABELS = {
    "head": ("Người đứng đầu đơn vị", "Head of the unit"),
    "deputy": ("Cấp phó phụ trách lĩnh vực", "Deputy in charge of the area"),
    "upper_head": ("Người đứng đầu cấp trên trực tiếp", "Head one level up"),
}


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


def rule_basis(rule: Any, lang: str) -> str:
    """How a trace names a rule to people: by its words and legal basis (" (căn cứ: Điều 7 …)"), never by its code in
    brackets ("(V1)" meant nothing to a reader: reviewer, issue 15); the code stays in the rule's data."""
    if not rule.basis:
        return ""
    return f" (căn cứ: {rule.basis})" if lang == "vi" else f" (basis: {rule.basis})"


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
        why_vi = (f"{post_vi} {chosen.why_vi} Áp dụng quy tắc{rule_basis(chosen.rule, 'vi')}: {chosen.rule.text_vi} "
                  f"Đề xuất: {chosen.form.name_vi}.")
        why_en = (f"{post_en} {chosen.why_en} The rule{rule_basis(chosen.rule, 'en')} applies: {chosen.rule.text_en} "
                  f"Proposed: {chosen.form.name_en}.")
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


VERB_LABELS = {
    "assignment.create": ("bổ nhiệm / giao chức vụ", "appointment"),
    "assignment.end": ("ngày kết thúc chức vụ", "end of a posting"),
    "assignment.set_field": ("lĩnh vực phụ trách", "field of charge"),
    "officer.update": ("đính chính nhân thân cán bộ", "officer identity corrected"),
    "unit.rename": ("đổi tên đơn vị (áp dụng cho cả thời gian trước)", "unit renamed (applies to the past too)"),
}
CHANGE_LABELS = {
    "full_name": ("họ tên", "full name"),
    "service_number": ("số hiệu", "service number"),
    "date_of_birth": ("ngày sinh", "date of birth"),
    "name": ("tên", "name"),
}


def _changed(c: OrgCorrection, lang: int) -> str:
    """What an identity correction changed, from -> to."""
    def show(v: Any) -> str:
        if v in (None, ""):
            return "(trống)" if lang == 0 else "(empty)"
        if lang == 0 and isinstance(v, str) and len(v) == 10 and v[4] == "-" and v[7] == "-":
            return fmt(date.fromisoformat(v))
        return str(v)
    return ", ".join(f"{CHANGE_LABELS.get(k, (k, k))[lang]} {show(a)} → {show(b)}" for k, (a, b) in c.changes.items())


def org_corrections_note(corrections: list[OrgCorrection], recorded_at: Any,
                         units: dict[int, Unit], officers: dict[int, Officer] | None = None) -> dict[str, str]:
    """The notice that the org record a recorded liability rests on was corrected since (issue 15): a stored
    liability is never changed by an org correction, the disciplinary officer compares and re-proposes."""
    shown = corrections[:5]
    more = len(corrections) - len(shown)

    def item(c: OrgCorrection, lang: int) -> str:
        when = timezone.localtime(c.at)
        on = f"{when:%d/%m/%Y %H:%M}" if lang == 0 else f"{when:%Y-%m-%d %H:%M}"
        why = c.reason or ("không nêu lý do" if lang == 0 else "no reason given")
        if c.changes:
            if c.officer_id is not None:
                who = (officers or {}).get(c.officer_id)
                subject = (who.full_name if lang == 0 else who.service_number) if who else f"#{c.officer_id}"
            else:
                u = units.get(c.unit_id or 0)
                subject = (u.name if lang == 0 else u.code) if u else f"#{c.unit_id}"
            return f"{VERB_LABELS.get(c.verb, (c.verb, c.verb))[lang]}, {subject}: {_changed(c, lang)} ({on}, {c.actor}: {why})"
        unit = units.get(c.unit_id or 0)
        name = (unit.name if lang == 0 else unit.code) if unit is not None else f"#{c.unit_id}"
        assert c.start is not None
        days = (span_vi if lang == 0 else span_en)(c.start, c.end) if c.end else (
            f"từ {fmt(c.start)}" if lang == 0 else f"from {fmt_en(c.start)}")
        return f"{VERB_LABELS.get(c.verb, (c.verb, c.verb))[lang]}, {name}, {days} ({on}, {c.actor}: {c.reason})"

    recorded = timezone.localtime(recorded_at)
    tail_vi, tail_en = (f" … (+{more})", f" … (+{more})") if more else ("", "")
    return {
        "vi": (f"Hồ sơ tổ chức của các đơn vị liên quan đã được đính chính sau khi ghi nhận trách nhiệm "
               f"({recorded:%d/%m/%Y %H:%M}): " + "; ".join(item(c, 0) for c in shown) + tail_vi
               + ". Trách nhiệm đã ghi không tự thay đổi theo; cần đối chiếu lại và đề xuất lại nếu cần."),
        "en": (f"The org record of the units involved was corrected after the liability was recorded "
               f"({recorded:%Y-%m-%d %H:%M}): " + "; ".join(item(c, 1) for c in shown) + tail_en
               + ". The recorded liability does not change by itself; compare and re-propose if needed."),
        "kind": "org_corrected",
    }
