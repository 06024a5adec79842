"""Writes of rule sets (validated against the legal bounds), the force's regulation numbers and the
scoring policy, and their default seeds."""
from __future__ import annotations

import math
import re
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from backend.audit.services import audit_record
from backend.core.actors import Actor, actor_user
from inspection.accountability import defaults
from inspection.accountability.engine import cite_regulations
from inspection.accountability.models import (
    CategoryPolicy,
    ForceRegulation,
    ForceRegulationIssue,
    LadderForm,
    Rule,
    RuleSet,
    ScoringPolicy,
)
from inspection.accountability.services_common import _invalid, _real_text

SEVERITIES = set(defaults.SEVERITIES)
CODE_RE = re.compile(r"^[a-z0-9_]{2,40}$")
RULE_CODE_RE = re.compile(r"^[A-Za-z0-9_.-]{1,20}$")




# Long on purpose: every check of a submitted rule set gathered into one error listing every field at once.
def _validate_ruleset(data: dict[str, Any]) -> None:
    forms = data.get("forms") or []
    rules = data.get("rules") or []
    by_kind: dict[str, list[int]] = {"officer": [], "unit": []}
    codes: dict[str, str] = {}
    for i, f in enumerate(forms):
        kind = f.get("subject_kind")
        if kind not in by_kind:
            raise _invalid("Loại đối tượng của hình thức không hợp lệ.", f"forms[{i}].subject_kind must be officer or unit.",
                           "forms")
        if not CODE_RE.match(str(f.get("code", ""))):
            raise _invalid("Mã hình thức chỉ gồm chữ thường, số và '_' (2–40 ký tự).",
                           f"forms[{i}].code: lowercase letters, digits and '_' (2–40).", "forms")
        if f["code"] in codes:
            raise _invalid(f"Mã hình thức '{f['code']}' bị trùng.", f"Duplicate form code '{f['code']}'.", "forms")
        if not str(f.get("name_vi", "")).strip() or not str(f.get("name_en", "")).strip():
            raise _invalid("Hình thức cần tên tiếng Việt và tiếng Anh.", f"forms[{i}] needs name_vi and name_en.", "forms")
        years = f.get("limitation_years")
        if not isinstance(years, int) or not 1 <= years <= 50:
            raise _invalid("Thời hiệu phải là số năm từ 1 đến 50.", f"forms[{i}].limitation_years must be 1..50.", "forms")
        codes[f["code"]] = kind
        by_kind[kind].append(f.get("level"))
    for kind, levels in by_kind.items():
        if sorted(levels) != list(range(1, len(levels) + 1)) or not levels:
            raise _invalid(f"Khung hình thức ({kind}) phải có các bậc liên tục 1, 2, 3… không trùng.",
                           f"The {kind} ladder needs levels 1, 2, 3… with no gaps or duplicates.", "forms")
    seen: set[str] = set()
    if not rules:
        raise _invalid("Bộ quy tắc cần ít nhất một quy tắc.", "A rule set needs at least one rule.", "rules")
    for i, r in enumerate(rules):
        code = str(r.get("code", ""))
        if not RULE_CODE_RE.match(code) or code in seen:
            raise _invalid(f"Mã quy tắc '{code}' không hợp lệ hoặc bị trùng.", f"rules[{i}].code invalid or duplicate.",
                           "rules")
        seen.add(code)
        if r.get("applies_to") not in Rule.AppliesTo.values:
            raise _invalid("Đối tượng áp dụng của quy tắc không hợp lệ.", f"rules[{i}].applies_to invalid.", "rules")
        if r.get("trigger") not in Rule.Trigger.values:
            raise _invalid("Điều kiện của quy tắc không hợp lệ.", f"rules[{i}].trigger invalid.", "rules")
        sev = r.get("severities") or []
        if not isinstance(sev, list) or not sev or not set(sev) <= SEVERITIES:
            raise _invalid("Mức độ vi phạm của quy tắc không hợp lệ.", f"rules[{i}].severities must list known severities.",
                           "rules")
        if not str(r.get("text_vi", "")).strip() or not str(r.get("text_en", "")).strip():
            raise _invalid("Quy tắc cần diễn giải tiếng Việt và tiếng Anh.", f"rules[{i}] needs text_vi and text_en.",
                           "rules")
        if not _real_text(r.get("basis")):
            raise _invalid(f"Quy tắc {code} cần nêu căn cứ pháp lý (văn bản, điều) hoặc quy định của Công an tỉnh.",
                           f"rules[{i}] needs its legal basis (document and article, or the force's regulation).",
                           "rules")
        if r.get("categories", Rule.Categories.ALL) not in Rule.Categories.values:
            raise _invalid("Phạm vi loại vi phạm của quy tắc không hợp lệ.", f"rules[{i}].categories invalid.", "rules")
        as_violator = bool(r.get("as_violator"))
        if as_violator and r["trigger"] not in (Rule.Trigger.KNEW_NOT_ACT, Rule.Trigger.COVERED_UP):
            raise _invalid("Chỉ quy tắc 'biết mà không xử lý' / 'bao che' mới xử lý như người vi phạm.",
                           f"rules[{i}]: as_violator only for knew_not_act / covered_up.", "rules")
        form = r.get("form")
        if not as_violator:
            if form not in codes:
                raise _invalid(f"Quy tắc {code} tham chiếu hình thức không có trong khung.",
                               f"rules[{i}] refers to an unknown form '{form}'.", "rules")
            want = "unit" if r["applies_to"] == Rule.AppliesTo.UNIT else "officer"
            if codes[form] != want:
                raise _invalid(f"Quy tắc {code} dùng hình thức của sai loại đối tượng.",
                               f"rules[{i}]: form '{form}' is not on the {want} ladder.", "rules")
        if r["trigger"] == Rule.Trigger.COUNT:
            if not isinstance(r.get("min_count"), int) or r["min_count"] < 1:
                raise _invalid("Quy tắc đếm cần số lượng tối thiểu ≥ 1.", f"rules[{i}].min_count must be ≥ 1.", "rules")
            if not isinstance(r.get("window_days"), int) or not 1 <= r["window_days"] <= 3650:
                raise _invalid("Quy tắc đếm cần khoảng thời gian 1–3650 ngày.", f"rules[{i}].window_days must be 1..3650.",
                               "rules")
            if r["applies_to"] not in (Rule.AppliesTo.HEAD, Rule.AppliesTo.DEPUTY, Rule.AppliesTo.UPPER_HEAD):
                raise _invalid("Quy tắc đếm chỉ áp dụng cho lãnh đạo.", f"rules[{i}]: count rules are for leaders.", "rules")
    for i, p in enumerate(data.get("category_policies") or []):
        if not str(p.get("category_code", "")).strip() or not _real_text(p.get("basis")):
            raise _invalid("Chính sách loại vi phạm cần mã loại và căn cứ pháp lý.",
                           f"category_policies[{i}] needs category_code and basis.", "category_policies")
    for name, lo, hi in (("repeat_window_days", 1, 3650), ("limitation_warn_days", 1, 3650),
                         ("handling_days", 1, 3650), ("handling_days_complex", 1, 3650), ("complaint_days", 1, 365),
                         ("second_complaint_days", 1, 365), ("complaint_accept_days", 1, 365),
                         ("complaint_answer_days", 1, 365), ("complaint_answer_days_complex", 1, 365),
                         ("second_answer_days", 1, 365), ("second_answer_days_complex", 1, 365)):
        value = data.get(name, _PERIOD_DEFAULTS.get(name))
        if not isinstance(value, int) or not lo <= value <= hi:
            raise _invalid(f"{name} phải từ {lo} đến {hi}.", f"{name} must be {lo}..{hi}.", name)
    _validate_legal_bounds(data, forms, rules)


# The law's values a rule-set version cannot change (it may change the force's own figures):
# - limitation (Luật CBCC art. 80(1) as amended 2019): 2 years for khiển trách and lighter forms,
#   5 years above; the unit ladder (emulation consequences) 2 years;
# - complaint windows (Luật Khiếu nại 2011 art. 48): 15 days for the first complaint, 10 for the second.
LAW_COMPLAINT_DAYS = {"complaint_days": 15, "second_complaint_days": 10}
LAW_LIMIT_LIGHT, LAW_LIMIT_HEAVY, LAW_LIMIT_PIVOT = 2, 5, "khien_trach"
LEADER_CORRUPTION_FORMS = ("khien_trach", "canh_cao", "cach_chuc")  # NĐ 59/2019 art. 78


def _validate_legal_bounds(data: dict[str, Any], forms: list[dict[str, Any]], rules: list[dict[str, Any]]) -> None:
    """What DESIGN states as law holds in every version: exact legal periods, joint responsibility
    capped at the violator's form (the cap holds any rule form there), the leaders' corruption ladder."""
    for name, days in LAW_COMPLAINT_DAYS.items():
        value = data.get(name, _PERIOD_DEFAULTS.get(name))
        if value != days:
            raise _invalid(f"{name}: thời hạn khiếu nại do luật định là {days} ngày (Luật Khiếu nại 2011, Điều 48); "
                           f"bộ quy tắc không được đổi thành {value} ngày.",
                           f"{name}: the complaint window is {days} days by law (Complaints Law 2011 art. 48); a rule "
                           f"set cannot make it {value}.", name, code="against_law")
    by_code = {f["code"]: f for f in forms}
    pivot = by_code.get(LAW_LIMIT_PIVOT)
    if pivot is None or pivot.get("subject_kind") != "officer":
        raise _invalid("Khung hình thức cán bộ phải có Khiển trách (mốc thời hiệu 2 năm / 5 năm, Luật CBCC Điều 80).",
                       "The officers' ladder must have khien_trach (the 2/5-year limitation pivot, art. 80).", "forms",
                       code="against_law")
    for f in forms:
        light = f["subject_kind"] == "unit" or f["level"] <= pivot["level"]
        law = LAW_LIMIT_LIGHT if light else LAW_LIMIT_HEAVY
        if f["limitation_years"] != law:
            raise _invalid(f"Thời hiệu của {f['name_vi']} do luật định là {law} năm (Luật CBCC Điều 80 khoản 1: 2 năm "
                           f"đến mức khiển trách, 5 năm trên mức khiển trách); không nhận {f['limitation_years']} năm.",
                           f"The limitation for {f['name_en']} is {law} years by law (art. 80(1)); "
                           f"{f['limitation_years']} is refused.", "forms", code="against_law")
    leaders = (Rule.AppliesTo.HEAD, Rule.AppliesTo.DEPUTY, Rule.AppliesTo.UPPER_HEAD)
    for r in rules:
        if r["applies_to"] not in leaders or r.get("as_violator"):
            continue
        form = by_code[r["form"]]
        if r.get("categories", Rule.Categories.ALL) == Rule.Categories.CORRUPTION:
            if r["form"] not in LEADER_CORRUPTION_FORMS:
                raise _invalid(f"Quy tắc {r['code']}: trách nhiệm người đứng đầu, cấp phó về tham nhũng chỉ là khiển "
                               f"trách, cảnh cáo hoặc cách chức (Nghị định 59/2019/NĐ-CP, Điều 78); không nhận "
                               f"{form['name_vi']}.",
                               f"Rule {r['code']}: a leader's liability for corruption is only khien_trach, canh_cao or "
                               f"cach_chuc (Decree 59/2019 art. 78); {r['form']} is refused.", "rules",
                               code="against_law")
            continue
        if not r.get("cap_at_violator"):
            raise _invalid(f"Quy tắc {r['code']} là trách nhiệm liên đới của lãnh đạo: phải giới hạn không nặng hơn "
                           "hình thức của người vi phạm (cap_at_violator).",
                           f"Rule {r['code']} is a leader's joint responsibility: it must be capped at the violator's "
                           "own form (cap_at_violator).", "rules", code="against_law")


@transaction.atomic
def ruleset_create(*, by: Actor, data: dict[str, Any]) -> RuleSet:
    """A new version of the rule set (the API sends the whole content; nothing is edited in place)."""
    data = {k: cite_regulations(v) if k in ("forms", "rules", "category_policies", "sources") else v
            for k, v in data.items()}
    _validate_ruleset(data)
    current = RuleSet.objects.select_for_update().order_by("-version").first()
    ruleset = RuleSet.objects.create(
        version=(current.version + 1) if current else 1, note=str(data.get("note", ""))[:500],
        based_on=current, repeat_window_days=data["repeat_window_days"],
        limitation_warn_days=data["limitation_warn_days"],
        restart_on_new_violation=bool(data.get("restart_on_new_violation", False)),
        sources={**defaults.SOURCES, **(data.get("sources") or {})},
        **{k: data.get(k, v) for k, v in _PERIOD_DEFAULTS.items()},
        created_by=actor_user(by), created_at=timezone.now())
    forms = {f["code"]: LadderForm.objects.create(
        ruleset=ruleset, subject_kind=f["subject_kind"], level=f["level"], code=f["code"],
        name_vi=f["name_vi"].strip(), name_en=f["name_en"].strip(), limitation_years=f["limitation_years"],
        requires_council=bool(f.get("requires_council", False)), basis=str(f.get("basis", ""))[:300])
        for f in data["forms"]}
    for p in data.get("category_policies") or []:
        CategoryPolicy.objects.create(
            ruleset=ruleset, category_code=str(p["category_code"]).strip()[:40],
            is_corruption=bool(p.get("is_corruption")), no_limitation=bool(p.get("no_limitation")),
            basis=str(p["basis"]).strip()[:300], note=str(p.get("note", ""))[:300])
    for i, r in enumerate(data["rules"]):
        Rule.objects.create(
            ruleset=ruleset, code=r["code"], applies_to=r["applies_to"], trigger=r["trigger"],
            severities=list(dict.fromkeys(r["severities"])), min_count=r.get("min_count") or 1,
            window_days=r.get("window_days") if r["trigger"] == Rule.Trigger.COUNT else None,
            as_violator=bool(r.get("as_violator")), form=None if r.get("as_violator") else forms[r["form"]],
            text_vi=r["text_vi"].strip(), text_en=r["text_en"].strip(), basis=str(r.get("basis", ""))[:300],
            categories=r.get("categories") or Rule.Categories.ALL, cap_at_violator=bool(r.get("cap_at_violator")),
            position=r.get("position") or i + 1)
    audit_record(actor=by, verb="accountability.ruleset.create", obj=ruleset,
                 payload={"version": ruleset.version, "based_on": current.version if current else None,
                          "forms": len(forms), "rules": len(data["rules"]), "note": ruleset.note})
    return ruleset


_PERIOD_DEFAULTS = {k: defaults.RULESET_PARAMS[k] for k in (
    "handling_days", "handling_days_complex", "complaint_days", "second_complaint_days", "complaint_accept_days",
    "complaint_answer_days", "complaint_answer_days_complex", "second_answer_days", "second_answer_days_complex")}


REGULATION_NUMBER = re.compile(r"^[0-9A-Za-zĐđ/.\- ]{3,80}$")


@transaction.atomic
def force_regulation_set(*, by: Actor, regulation: ForceRegulation, number: str,
                         issued_on: date | None = None) -> ForceRegulation:
    """The number (and date) of one of the force's regulations, filled in by an admin: every rule basis
    that cites it shows it from now on (until then: "chưa có số văn bản — cần xác nhận"). Each number is
    kept with its date: a trace cites the one in force on the violation's date."""
    number = (number or "").strip()
    if number and not REGULATION_NUMBER.match(number):
        raise _invalid("Số văn bản gồm chữ, số, '/', '-', '.' (3–80 ký tự), ví dụ 1234/QĐ-CAT.",
                       "A document number: letters, digits, '/', '-', '.' (3-80 chars), e.g. 1234/QĐ-CAT.", "number")
    if issued_on is not None and issued_on > timezone.localdate():
        raise _invalid("Ngày ban hành không được sau hôm nay.", "The issue date cannot be in the future.", "issued_on")
    before = {"number": regulation.number, "issued_on": regulation.issued_on}
    regulation.number, regulation.issued_on = number, issued_on if number else None
    regulation.updated_by = actor_user(by)
    regulation.updated_at = timezone.now()
    regulation.save(update_fields=["number", "issued_on", "updated_by", "updated_at"])
    if number:  # the history: a violation cites the text in force on its own date
        ForceRegulationIssue.objects.create(regulation=regulation, number=number, issued_on=regulation.issued_on,
                                            recorded_by=regulation.updated_by, recorded_at=regulation.updated_at)
    audit_record(actor=by, verb="accountability.regulation.set", obj=regulation,
                 payload={"code": regulation.code, "from": before,
                          "to": {"number": regulation.number, "issued_on": regulation.issued_on}})
    return regulation


def ruleset_seed_default(*, by: Actor) -> RuleSet:
    """Rule set v1 from the shared DESIGN.md (../shared/DESIGN.md from the repository root,
    "Domain", "Accountability and discipline") when none exists (the data migration normally did it)."""
    existing = RuleSet.objects.order_by("-version").first()
    return existing if existing is not None else ruleset_create(by=by, data=defaults.ruleset_payload())


def scoring_policy_seed_default(*, by: Actor) -> ScoringPolicy:
    existing = ScoringPolicy.objects.order_by("-version").first()
    return existing if existing is not None else scoring_policy_create(
        by=by, data={**defaults.SCORING_POLICY, "note": "Khởi tạo / Seeded"})




@transaction.atomic
def scoring_policy_create(*, by: Actor, data: dict[str, Any]) -> ScoringPolicy:
    deductions = data.get("deductions")
    numbers = [data.get(k) for k in ("check_weight", "task_weight", "late_task_credit", "downgrade_below",
                                     "no_award_below")]
    numbers += list(deductions.values()) if isinstance(deductions, dict) else []
    if any(isinstance(v, float) and not math.isfinite(v) for v in numbers):
        raise _invalid("Giá trị số không hợp lệ (NaN/vô hạn).", "Numbers must be finite (no NaN / infinity).",
                       "deductions")
    if not isinstance(deductions, dict) or set(deductions) != SEVERITIES or any(
            not isinstance(v, int | float) or v < 0 or v > 100 for v in deductions.values()):
        raise _invalid("Điểm trừ phải nêu đủ 4 mức độ, mỗi mức 0–100.",
                       "deductions must give 0..100 points for each of the 4 severities.", "deductions")
    for name in ("check_weight", "task_weight"):
        if not isinstance(data.get(name), int | float) or not 0 <= data[name] <= 1:
            raise _invalid("Trọng số phải từ 0 đến 1.", f"{name} must be 0..1.", name)
    if data["check_weight"] + data["task_weight"] <= 0:
        raise _invalid("Tổng trọng số phải lớn hơn 0.", "The weights must not both be 0.", "check_weight")
    if not isinstance(data.get("late_task_credit"), int | float) or not 0 <= data["late_task_credit"] <= 1:
        raise _invalid("Điểm cho nhiệm vụ trễ hạn phải từ 0 đến 1.", "late_task_credit must be 0..1.",
                       "late_task_credit")
    for name in ("downgrade_below", "no_award_below"):
        if not isinstance(data.get(name), int | float) or not 0 <= data[name] <= 100:
            raise _invalid("Ngưỡng điểm phải từ 0 đến 100.", f"{name} must be 0..100.", name)
    if data["no_award_below"] > data["downgrade_below"]:
        raise _invalid("Ngưỡng 'không xét tặng' phải thấp hơn hoặc bằng ngưỡng 'hạ bậc'.",
                       "no_award_below must not exceed downgrade_below.", "no_award_below")
    for name in ("downgrade_severities", "no_award_severities"):
        if not isinstance(data.get(name), list) or not set(data[name]) <= SEVERITIES:
            raise _invalid("Danh sách mức độ không hợp lệ.", f"{name} must list known severities.", name)
    current = ScoringPolicy.objects.select_for_update().order_by("-version").first()
    policy = ScoringPolicy.objects.create(
        version=(current.version + 1) if current else 1, note=str(data.get("note", ""))[:500],
        deductions={k: float(v) for k, v in deductions.items()},
        use_category_points=bool(data.get("use_category_points", True)),
        check_weight=float(data["check_weight"]), task_weight=float(data["task_weight"]),
        late_task_credit=float(data["late_task_credit"]), downgrade_below=float(data["downgrade_below"]),
        no_award_below=float(data["no_award_below"]), downgrade_severities=list(data["downgrade_severities"]),
        no_award_severities=list(data["no_award_severities"]),
        created_by=actor_user(by), created_at=timezone.now())
    audit_record(actor=by, verb="accountability.scoring_policy.create", obj=policy,
                 payload={"version": policy.version, "deductions": policy.deductions})
    return policy
