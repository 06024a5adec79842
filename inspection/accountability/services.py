"""Writes: rule sets, liabilities, disciplinary cases, CCHC tasks, scoring policy.

Every function validates all of its input before it writes anything, runs in one transaction
and leaves an audit event in that same transaction.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, BinaryIO

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from backend.accounts.models import Role
from backend.accounts.selectors import unit_in_scope
from backend.audit.services import audit_record
from backend.core.errors import Conflict, DomainError, Forbidden
from backend.core.uploads import store_upload
from backend.org.models import Assignment, Officer, Unit
from inspection.accountability import defaults
from inspection.accountability.engine import FormRef, RuleBook, cite_regulations, joint_cap
from inspection.accountability.models import (
    CaseDocument,
    CaseEvent,
    CaseFactor,
    CategoryPolicy,
    CchcTask,
    ComplaintRefusal,
    DisciplinaryCase,
    ForceRegulation,
    ForceRegulationIssue,
    LadderForm,
    LeaderLiability,
    Rule,
    RuleSet,
    ScoringPolicy,
    SelfDetection,
    SubjectKind,
    TraceRecord,
)
from inspection.accountability.scoring import DELIVERY_REPORT_GRACE_DAYS, task_outcome
from inspection.accountability.trace import (
    COUNTED_STATES,
    compute_trace,
    finding_days,
    finding_limitation,
    local_day,
)
from inspection.models import Finding, FindingSubject

SEVERITIES = set(defaults.SEVERITIES)
CODE_RE = re.compile(r"^[a-z0-9_]{2,40}$")
RULE_CODE_RE = re.compile(r"^[A-Za-z0-9_.-]{1,20}$")


def _invalid(vi: str, en: str, field: str, code: str = "invalid") -> DomainError:
    return DomainError(vi, en, code=code, fields={field: [en]})


# --- rule sets --------------------------------------------------------------------------------------


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


def _real_text(value: Any) -> bool:
    """A legal basis is words (a document and article, or the force's regulation), not punctuation."""
    text = str(value or "").strip()
    return len(text) >= 5 and sum(ch.isalpha() for ch in text) >= 5 and len(re.findall(r"\w{2,}", text)) >= 2


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
def ruleset_create(*, by: Any, data: dict[str, Any]) -> RuleSet:
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
        created_by=by if getattr(by, "pk", None) else None, created_at=timezone.now())
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
def force_regulation_set(*, by: Any, regulation: ForceRegulation, number: str,
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
    regulation.updated_by = by if getattr(by, "pk", None) else None
    regulation.updated_at = timezone.now()
    regulation.save(update_fields=["number", "issued_on", "updated_by", "updated_at"])
    if number:  # the history: a violation cites the text in force on its own date
        ForceRegulationIssue.objects.create(regulation=regulation, number=number, issued_on=regulation.issued_on,
                                            recorded_by=regulation.updated_by, recorded_at=regulation.updated_at)
    audit_record(actor=by, verb="accountability.regulation.set", obj=regulation,
                 payload={"code": regulation.code, "from": before,
                          "to": {"number": regulation.number, "issued_on": regulation.issued_on}})
    return regulation


def ruleset_seed_default(*, by: Any) -> RuleSet:
    """Rule set v1 from DESIGN.md when none exists (the data migration normally did it)."""
    existing = RuleSet.objects.order_by("-version").first()
    return existing if existing is not None else ruleset_create(by=by, data=defaults.ruleset_payload())


def scoring_policy_seed_default(*, by: Any) -> ScoringPolicy:
    existing = ScoringPolicy.objects.order_by("-version").first()
    return existing if existing is not None else scoring_policy_create(
        by=by, data={**defaults.SCORING_POLICY, "note": "Khởi tạo / Seeded"})


# --- liabilities ------------------------------------------------------------------------------------


@transaction.atomic
def liabilities_propose(*, by: Any, finding: Finding) -> tuple[TraceRecord, list[LeaderLiability],
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
    actor = by if getattr(by, "pk", None) else None
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


def _jsonable(value: Any) -> Any:
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise _invalid("Cần nêu lý do (ít nhất 5 ký tự).", "A reason is required (at least 5 characters).", "reason",
                       code="reason_required")
    return reason


@transaction.atomic
def liability_confirm(*, by: Any, liability: LeaderLiability, reason: str,
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
def liability_reject(*, by: Any, liability: LeaderLiability, reason: str) -> LeaderLiability:
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
def self_detection_record(*, by: Any, finding: Finding, officer: Officer, note: str) -> SelfDetection:
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
def self_detection_withdraw(*, by: Any, record: SelfDetection, reason: str) -> None:
    """Withdraw a wrongly recorded exemption, with a reason; the audit trail keeps what was withdrawn.
    The next proposal for the finding applies the corruption rules to the leader again."""
    reason = _clean_reason(reason)
    record = SelfDetection.objects.select_for_update().get(pk=record.pk)
    audit_record(actor=by, verb="accountability.self_detection.withdraw", obj=record.finding,
                 payload={"officer": record.officer_id, "note": record.note, "recorded_at": record.recorded_at,
                          "recorded_by": record.recorded_by_id, "reason": reason})
    record.delete()


# --- disciplinary cases -----------------------------------------------------------------------------

EDITABLE = (DisciplinaryCase.State.OPEN, DisciplinaryCase.State.SELF_REVIEW, DisciplinaryCase.State.CONSIDERING)
TRANSITIONS: dict[str, set[str]] = {
    "open": {"self_review", "considering", "dropped"},
    "self_review": {"considering", "dropped"},
    "considering": {"self_review", "dropped"},
    "decided": {"closed"},
}
ACTIVE_CASE_EXCLUDE = (DisciplinaryCase.State.DROPPED,)


def _event(case: DisciplinaryCase, by: Any, verb: str, *, from_state: str = "", to_state: str = "",
           note: str = "", data: dict[str, Any] | None = None) -> None:
    CaseEvent.objects.create(case=case, verb=verb, from_state=from_state, to_state=to_state, note=note,
                             data=_jsonable(data or {}), actor=by, at=timezone.now())
    audit_record(actor=by, verb=f"accountability.case.{verb}", obj=case,
                 payload={"from": from_state, "to": to_state, "note": note, **(data or {})})


def _lock(case: DisciplinaryCase) -> DisciplinaryCase:
    """The case as it is now in the database, locked for this transaction (callers may hold a stale copy)."""
    return DisciplinaryCase.objects.select_for_update(of=("self",)).select_related("officer", "unit").get(pk=case.pk)


def _require_editable(case: DisciplinaryCase) -> None:
    if case.state not in EDITABLE:
        raise Conflict(f"Hồ sơ ở trạng thái '{case.get_state_display()}' không còn được sửa.",
                       f"A case in state '{case.state}' can no longer be changed.", code="invalid_state")


def _check_findings_for_subject(*, subject_kind: str, officer: Officer | None, unit: Unit | None,
                                findings: list[Finding], exclude_case: int | None = None) -> None:
    if not findings:
        raise _invalid("Hồ sơ cần ít nhất một vi phạm.", "A case needs at least one finding.", "finding_ids")
    for f in findings:
        if f.state not in COUNTED_STATES:
            raise Conflict(f"Vi phạm {f.reference} chưa được xác nhận.", f"Finding {f.reference} is not confirmed.",
                           code="finding_not_confirmed")
    ids = [f.pk for f in findings]
    if subject_kind == SubjectKind.OFFICER:
        assert officer is not None
        # any subject the finding names (the violator first of all), or a confirmed liability
        related = set(FindingSubject.objects.filter(finding_id__in=ids, officer=officer)
                      .values_list("finding_id", flat=True))
        related |= set(LeaderLiability.objects.filter(finding_id__in=ids, officer=officer,
                                                      state=LeaderLiability.State.CONFIRMED)
                       .values_list("finding_id", flat=True))
        missing = [f.reference for f in findings if f.pk not in related]
        if missing:
            raise Conflict(
                f"{officer.full_name} không được nêu trong kết luận và chưa có trách nhiệm được xác nhận trong: "
                + ", ".join(missing) + ".",
                f"{officer.full_name} is neither named in nor has a confirmed liability for: " + ", ".join(missing) + ".",
                code="not_related")
        clash = DisciplinaryCase.objects.filter(officer=officer, findings__id__in=ids)
    else:
        assert unit is not None
        missing = [f.reference for f in findings if f.unit_id != unit.pk]
        if missing:
            raise Conflict(f"Vi phạm không thuộc {unit.name}: " + ", ".join(missing) + ".",
                           f"Findings not of {unit.code}: " + ", ".join(missing) + ".", code="not_related")
        clash = DisciplinaryCase.objects.filter(unit=unit, findings__id__in=ids)
    clash = clash.exclude(state__in=ACTIVE_CASE_EXCLUDE).exclude(
        appeal_result=DisciplinaryCase.AppealResult.ANNULLED)
    if exclude_case is not None:
        clash = clash.exclude(pk=exclude_case)
    other = clash.first()
    if other is not None:
        raise Conflict(f"Một vi phạm chỉ bị xử lý một lần: đã có hồ sơ {other.reference} cho vi phạm này.",
                       f"One violation, one handling: case {other.reference} already covers it.",
                       code="already_handled")


def _next_reference(year: int) -> str:
    prefix = f"KL-{year}-"
    last = (DisciplinaryCase.objects.filter(reference__startswith=prefix).order_by("-reference")
            .values_list("reference", flat=True).first())
    seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


@transaction.atomic
def case_create(*, by: Any, subject_kind: str, officer: Officer | None, unit: Unit | None,
                findings: list[Finding], title: str, summary: str = "", is_complex: bool = False,
                liability: LeaderLiability | None = None) -> DisciplinaryCase:
    """Open a case for any subject of the findings (the violator included), for a unit, or from a
    confirmed liability (`liability`: its officer and finding)."""
    if liability is not None:
        if liability.state != LeaderLiability.State.CONFIRMED:
            raise Conflict("Chỉ lập hồ sơ từ trách nhiệm đã được xác nhận.",
                           "A case is opened only from a confirmed liability.", code="invalid_state")
        subject_kind, officer, unit = SubjectKind.OFFICER, liability.officer, None
        findings = list(dict.fromkeys([liability.finding, *findings]))
    if subject_kind not in SubjectKind.values:
        raise _invalid("Đối tượng phải là cán bộ hoặc đơn vị.", "subject_kind must be officer or unit.", "subject_kind")
    if (subject_kind == SubjectKind.OFFICER) != (officer is not None) or (subject_kind == SubjectKind.UNIT) != (
            unit is not None):
        raise _invalid("Cần đúng một đối tượng: cán bộ (officer_id) hoặc đơn vị (unit_id).",
                       "Exactly one subject is needed: officer_id for an officer case, unit_id for a unit case.",
                       "subject_kind")
    title = (title or "").strip()
    if not title:
        raise _invalid("Cần tiêu đề hồ sơ.", "A title is required.", "title")
    _check_findings_for_subject(subject_kind=subject_kind, officer=officer, unit=unit, findings=findings)
    book = RuleBook.load()
    now = timezone.now()
    case = None
    for _attempt in range(3):
        try:
            with transaction.atomic():
                case = DisciplinaryCase.objects.create(
                    reference=_next_reference(timezone.localdate().year), title=title[:300], summary=summary,
                    subject_kind=subject_kind, officer=officer, unit=unit, ruleset_id=book.ruleset_id,
                    is_complex=is_complex, created_by=by, created_at=now, updated_at=now)
            break
        except IntegrityError:
            continue
    if case is None:
        raise Conflict("Không cấp được số hồ sơ, vui lòng thử lại.", "Could not allocate a case number, retry.")
    case.findings.set(findings)
    if officer is not None:
        case.liabilities.set(LeaderLiability.objects.filter(
            officer=officer, finding__in=findings, state=LeaderLiability.State.CONFIRMED))
    _event(case, by, "create", to_state=case.state,
           data={"subject_kind": subject_kind, "officer": officer.pk if officer else None,
                 "unit": unit.pk if unit else None, "findings": [f.pk for f in findings],
                 "ruleset_version": book.version, "is_complex": is_complex,
                 "liability": liability.pk if liability else None})
    return case


@transaction.atomic
def case_update(*, by: Any, case: DisciplinaryCase, title: str | None = None,
                summary: str | None = None) -> DisciplinaryCase:
    case = _lock(case)
    _require_editable(case)
    changes: dict[str, Any] = {}
    if title is not None:
        if not title.strip():
            raise _invalid("Tiêu đề không được để trống.", "The title cannot be empty.", "title")
        case.title = changes["title"] = title.strip()[:300]
    if summary is not None:
        case.summary = changes["summary"] = summary
    case.updated_at = timezone.now()
    case.save(update_fields=["title", "summary", "updated_at"])
    _event(case, by, "update", data=changes)
    return case


@transaction.atomic
def case_add_finding(*, by: Any, case: DisciplinaryCase, finding: Finding) -> DisciplinaryCase:
    case = _lock(case)
    _require_editable(case)
    if case.findings.filter(pk=finding.pk).exists():
        raise Conflict("Vi phạm đã có trong hồ sơ.", "The finding is already in the case.", code="duplicate")
    _check_findings_for_subject(subject_kind=case.subject_kind, officer=case.officer, unit=case.unit,
                                findings=[finding], exclude_case=case.pk)
    case.findings.add(finding)
    if case.officer_id:
        case.liabilities.add(*LeaderLiability.objects.filter(officer_id=case.officer_id, finding=finding,
                                                              state=LeaderLiability.State.CONFIRMED))
    case.updated_at = timezone.now()
    case.save(update_fields=["updated_at"])
    _event(case, by, "finding_add", data={"finding": finding.pk, "reference": finding.reference})
    return case


@transaction.atomic
def case_remove_finding(*, by: Any, case: DisciplinaryCase, finding: Finding) -> DisciplinaryCase:
    case = _lock(case)
    _require_editable(case)
    if not case.findings.filter(pk=finding.pk).exists():
        raise Conflict("Vi phạm không có trong hồ sơ.", "The finding is not in the case.", code="not_in_case")
    if case.findings.count() == 1:
        raise Conflict("Hồ sơ phải còn ít nhất một vi phạm.", "A case must keep at least one finding.",
                       code="last_finding")
    case.findings.remove(finding)
    case.liabilities.remove(*case.liabilities.filter(finding=finding))
    case.updated_at = timezone.now()
    case.save(update_fields=["updated_at"])
    _event(case, by, "finding_remove", data={"finding": finding.pk, "reference": finding.reference})
    return case


@transaction.atomic
def case_add_factor(*, by: Any, case: DisciplinaryCase, kind: str, text: str) -> CaseFactor:
    case = _lock(case)
    _require_editable(case)
    if kind not in CaseFactor.Kind.values:
        raise _invalid("Loại tình tiết phải là tăng nặng hoặc giảm nhẹ.", "kind must be aggravating or mitigating.",
                       "kind")
    text = (text or "").strip()
    if not text:
        raise _invalid("Cần nội dung tình tiết.", "The factor needs a text.", "text")
    factor = CaseFactor.objects.create(case=case, kind=kind, text=text[:500], added_by=by, added_at=timezone.now())
    _event(case, by, "factor_add", data={"factor": factor.pk, "kind": kind, "text": factor.text})
    return factor


@transaction.atomic
def case_remove_factor(*, by: Any, case: DisciplinaryCase, factor_id: int) -> None:
    case = _lock(case)
    _require_editable(case)
    factor = CaseFactor.objects.filter(case=case, pk=factor_id).first()
    if factor is None:
        raise DomainError("Không tìm thấy tình tiết.", "Factor not found.", code="not_found", status=404)
    _event(case, by, "factor_remove", data={"factor": factor.pk, "kind": factor.kind, "text": factor.text})
    factor.delete()


ALLOWED_DOCS = {".pdf", ".doc", ".docx", ".odt", ".txt", ".jpg", ".jpeg", ".png"}
MAX_DOC_BYTES = 20 * 1024 * 1024


@transaction.atomic
def case_add_document(*, by: Any, case: DisciplinaryCase, kind: str, fileobj: BinaryIO, filename: str,
                      size: int, content_type: str = "") -> CaseDocument:
    """Attach a document (the self-review first of all); stored hashed in the object store."""
    if kind not in CaseDocument.Kind.values:
        raise _invalid("Loại tài liệu không hợp lệ.", "Unknown document kind.", "kind")
    if kind in (CaseDocument.Kind.SELF_REVIEW, CaseDocument.Kind.MINUTES, CaseDocument.Kind.OTHER):
        case = _lock(case)
    _require_editable(case)
    stored = store_upload(fileobj=fileobj, filename=filename, content_type=content_type,
                          prefix=f"accountability/cases/{case.pk}/{kind}", max_bytes=MAX_DOC_BYTES,
                          allowed_suffixes=ALLOWED_DOCS)
    key, sha, name = stored.key, stored.sha256, stored.filename
    doc = CaseDocument.objects.create(case=case, kind=kind, key=key, filename=filename[:255] or name,
                                      content_type=content_type[:120], size=stored.size, sha256=sha,
                                      uploaded_by=by, uploaded_at=timezone.now())
    _event(case, by, "document_add", data={"document": doc.pk, "kind": kind, "sha256": sha, "size": stored.size,
                                           "filename": doc.filename})
    return doc


@transaction.atomic
def case_transition(*, by: Any, case: DisciplinaryCase, to: str, note: str = "",
                    no_self_review_reason: str = "") -> DisciplinaryCase:
    case = _lock(case)
    allowed = TRANSITIONS.get(case.state, set())
    if to not in allowed:
        raise Conflict(f"Không thể chuyển hồ sơ từ '{case.get_state_display()}' sang '{to}'.",
                       f"Cannot move a case from '{case.state}' to '{to}'."
                       + (f" Allowed: {', '.join(sorted(allowed))}." if allowed else ""), code="invalid_transition")
    note = (note or "").strip()
    if to == DisciplinaryCase.State.CLOSED:
        window = complaint_window(case, RuleBook.load(ruleset_id=case.ruleset_id))
        if window.level <= 2 and window.deadline is not None and timezone.localdate() <= window.deadline:
            raise Conflict(f"Chưa đóng hồ sơ: người bị kỷ luật còn quyền khiếu nại đến hết ngày "
                           f"{window.deadline:%d/%m/%Y} ({window.days} ngày kể từ {window.opened:%d/%m/%Y}; "
                           f"{window.source}). Đóng hồ sơ sau thời hạn này.",
                           f"Not closed: the disciplined person may still complain until {window.deadline.isoformat()} "
                           f"({window.days} days from {window.opened.isoformat() if window.opened else ''}; "
                           f"{window.source}). Close the case after that day.", code="complaint_window_open",
                           fields={"to": [f"complaint window open until {window.deadline.isoformat()}"]})
    if to == DisciplinaryCase.State.DROPPED and len(note) < 5:
        raise _invalid("Không xử lý hồ sơ cần nêu lý do.", "Dropping a case needs a reason (note).", "note",
                       code="reason_required")
    waiver = (no_self_review_reason or "").strip()
    if (to == DisciplinaryCase.State.CONSIDERING and case.subject_kind == SubjectKind.OFFICER
            and not case.documents.filter(kind=CaseDocument.Kind.SELF_REVIEW).exists()):
        if len(waiver) < 5:
            raise Conflict("Chưa có bản tự kiểm điểm: tải bản tự kiểm điểm lên hoặc nêu lý do không có "
                           "(no_self_review_reason).",
                           "No self-review document: upload it, or state why there is none (no_self_review_reason).",
                           code="self_review_missing")
        case.self_review_waiver = waiver
    from_state = case.state
    case.state = to
    case.updated_at = timezone.now()
    case.save(update_fields=["state", "updated_at", "self_review_waiver"])
    _event(case, by, "transition", from_state=from_state, to_state=to, note=note,
           data={"no_self_review_reason": waiver} if waiver else None)
    return case


def _check_case_day(case: DisciplinaryCase, day: date, *, field: str, what_vi: str, what_en: str) -> None:
    """A date of a step of the case (council, decision) lies between the case's opening and today: a
    date typed earlier would judge the limitation as of a day the case did not yet exist (backdating)."""
    opened, today = local_day(case.created_at), timezone.localdate()
    if not opened <= day <= today:
        raise _invalid(f"{what_vi} phải từ ngày lập hồ sơ ({opened:%d/%m/%Y}) đến hôm nay ({today:%d/%m/%Y}); "
                       f"không nhận ngày {day:%d/%m/%Y}.",
                       f"{what_en} must be between the case opening ({opened.isoformat()}) and today "
                       f"({today.isoformat()}); {day.isoformat()} is refused.", field, code="date_out_of_range")


def _form_for_case(case: DisciplinaryCase, form_code: str) -> LadderForm:
    form = LadderForm.objects.filter(ruleset_id=case.ruleset_id, code=form_code, subject_kind=case.subject_kind).first()
    if form is None:
        kind_vi = "cán bộ" if case.subject_kind == SubjectKind.OFFICER else "đơn vị"
        raise _invalid(f"Hình thức '{form_code}' không có trong khung hình thức đối với {kind_vi}.",
                       f"Form '{form_code}' is not on the {case.subject_kind} ladder of rule set used by the case.",
                       "form")
    return form


def _refuse_if_all_barred(view: Any) -> None:
    """Nothing is proposed or decided when every violation in the case is time-barred."""
    if view.violations and not view.live:
        barred = [v.limitation for v in view.violations if v.limitation is not None]
        raise Conflict("Đã hết thời hiệu xử lý kỷ luật đối với mọi vi phạm trong hồ sơ: "
                       + "; ".join(x.message_vi for x in barred),
                       "Every violation in the case is time-barred: " + "; ".join(x.message_en for x in barred),
                       code="limitation_expired")


def _case_view(case: DisciplinaryCase, today: date) -> Any:
    from inspection.accountability.selectors import case_views

    fresh = (DisciplinaryCase.objects.filter(pk=case.pk).select_related("proposed_form", "decided_form")
             .prefetch_related("findings", "factors"))
    return case_views(list(fresh), today=today)[case.pk]


@transaction.atomic
def case_propose(*, by: Any, case: DisciplinaryCase, form_code: str, note: str = "") -> DisciplinaryCase:
    case = _lock(case)
    if case.state != DisciplinaryCase.State.CONSIDERING:
        raise Conflict("Chỉ đề xuất hình thức khi hồ sơ đang ở bước xem xét.",
                       "A form is proposed only while the case is being considered.", code="invalid_state")
    form = _form_for_case(case, form_code)
    view = _case_view(case, timezone.localdate())
    _refuse_if_all_barred(view)
    computed = view.computed_form
    cap = joint_cap(view.live)
    if cap is not None:
        _not_heavier_than_violator(form.level, form.name_vi, form.name_en, cap)
    note = (note or "").strip()
    if computed is not None and computed.code != form.code and len(note) < 5:
        raise _invalid(f"Hình thức đề xuất khác mức tính theo quy tắc ({computed.name_vi}): cần nêu lý do.",
                       f"The proposed form differs from the computed one ({computed.name_en}): a reason is required.",
                       "note", code="reason_required")
    case.proposed_form = form
    case.proposal_note = note
    case.updated_at = timezone.now()
    case.save(update_fields=["proposed_form", "proposal_note", "updated_at"])
    _event(case, by, "propose", note=note,
           data={"form": form.code, "computed": computed.code if computed else None,
                 "steps": [s.as_dict() for s in view.steps]})
    return case


@transaction.atomic
def case_record_council(*, by: Any, case: DisciplinaryCase, held_on: date, note: str) -> DisciplinaryCase:
    """The disciplinary council (hội đồng kỷ luật) met on `held_on`; its minutes go in as a document."""
    case = _lock(case)
    if case.state != DisciplinaryCase.State.CONSIDERING:
        raise Conflict("Hội đồng kỷ luật họp khi hồ sơ đang ở bước xem xét.",
                       "The disciplinary council meets while the case is being considered.", code="invalid_state")
    note = _clean_reason(note)
    if case.council_held_on is not None:
        raise Conflict(f"Đã ghi nhận cuộc họp Hội đồng kỷ luật ngày {case.council_held_on:%d/%m/%Y}; không ghi đè "
                       "lên biên bản đã có. Nếu hội đồng họp lại, hãy tải biên bản lên mục tài liệu.",
                       f"A disciplinary council meeting is already recorded on {case.council_held_on.isoformat()}; "
                       "it is not overwritten. If the council met again, upload its minutes as a document.",
                       code="council_already_recorded")
    _check_case_day(case, held_on, field="held_on", what_vi="Ngày họp hội đồng", what_en="The council date")
    case.council_held_on, case.council_note = held_on, note
    case.updated_at = timezone.now()
    case.save(update_fields=["council_held_on", "council_note", "updated_at"])
    _event(case, by, "council", note=note, data={"held_on": held_on})
    return case


@transaction.atomic
def case_decide(*, by: Any, case: DisciplinaryCase, form_code: str, decision_number: str, authority: str,
                decision_date: date, note: str = "", received_on: date | None = None) -> DisciplinaryCase:
    """Record the decision. A time-barred violation cannot be decided (each by its own form), the
    council must have met where the form requires one."""
    case = _lock(case)
    if case.state != DisciplinaryCase.State.CONSIDERING:
        raise Conflict("Chỉ ra quyết định khi hồ sơ đang ở bước xem xét.",
                       "A decision can be recorded only while the case is being considered.", code="invalid_state")
    form = _form_for_case(case, form_code)
    decision_number, authority = (decision_number or "").strip(), (authority or "").strip()
    if not decision_number:
        raise _invalid("Cần số quyết định.", "The decision number is required.", "decision_number")
    if not authority:
        raise _invalid("Cần cấp có thẩm quyền ra quyết định.", "The deciding authority is required.", "authority")
    today = timezone.localdate()
    _check_case_day(case, decision_date, field="decision_date", what_vi="Ngày quyết định",
                    what_en="The decision date")
    if received_on is not None and not decision_date <= received_on <= today:
        raise _invalid("Ngày nhận quyết định phải từ ngày quyết định đến hôm nay.",
                       "The day the decision was received must be between the decision date and today.",
                       "received_on")
    view = _case_view(case, decision_date)
    last = max((v.occurred_on for v in view.violations), default=None)
    if last is not None and decision_date < last:
        raise _invalid("Ngày quyết định trước ngày vi phạm.", "The decision date is before the violation.",
                       "decision_date")
    _refuse_if_all_barred(view)
    cap = joint_cap(view.live)
    if cap is not None:
        _not_heavier_than_violator(form.level, form.name_vi, form.name_en, cap)
    if case.proposed_form_id is None:
        raise Conflict("Chưa có bước đề xuất hình thức: hãy 'Đề xuất hình thức' trước khi ra quyết định.",
                       "No form has been proposed: propose a form before recording the decision.",
                       code="proposal_required")
    if form.requires_council and case.council_held_on is None:
        raise Conflict(f"Hình thức {form.name_vi} cần họp Hội đồng kỷ luật trước khi quyết định; "
                       "hãy ghi nhận cuộc họp của hội đồng.",
                       f"{form.name_en} needs a disciplinary council before the decision; record the council first.",
                       code="council_required")
    if case.council_held_on is not None and decision_date < case.council_held_on:
        raise _invalid("Ngày quyết định trước ngày họp Hội đồng kỷ luật.",
                       "The decision date is before the council met.", "decision_date")
    case.decided_form = form
    case.decision_number = decision_number[:60]
    case.decision_authority = authority[:200]
    case.decision_date = decision_date
    case.decision_received_on = received_on or decision_date
    from_state = case.state
    case.state = DisciplinaryCase.State.DECIDED
    case.updated_at = timezone.now()
    case.save(update_fields=["decided_form", "decision_number", "decision_authority", "decision_date",
                             "decision_received_on", "state", "updated_at"])
    _event(case, by, "decide", from_state=from_state, to_state=case.state, note=note,
           data={"form": form.code, "decision_number": case.decision_number, "authority": case.decision_authority,
                 "decision_date": decision_date, "received_on": case.decision_received_on,
                 "computed": view.computed_form.code if view.computed_form else None,
                 "time_barred": [v.reference for v in view.violations if v.time_barred]})
    return case


@dataclass(frozen=True)
class ComplaintWindow:
    """Which complaint a new one would be against a decided case, and until when it may be filed."""

    level: int  # 1, 2, or 3 when no further complaint is allowed
    opened: date | None  # the day the decision (or the first answer) was received
    days: int
    deadline: date | None
    source: str

    def late_words(self, received_on: date) -> tuple[str, str]:
        what_vi, what_en = ("Khiếu nại lần hai", "Second complaint") if self.level == 2 else ("Khiếu nại", "Complaint")
        assert self.opened is not None and self.deadline is not None
        return (f"{what_vi} quá hạn: chỉ được khiếu nại trong {self.days} ngày kể từ ngày {self.opened:%d/%m/%Y}, "
                f"tức đến hết ngày {self.deadline:%d/%m/%Y}; đơn nhận ngày {received_on:%d/%m/%Y} không được thụ lý "
                f"({self.source}).",
                f"{what_en} too late: allowed within {self.days} days of {self.opened.isoformat()}, i.e. until "
                f"{self.deadline.isoformat()}; received on {received_on.isoformat()}, not accepted ({self.source}).")


def complaint_window(case: DisciplinaryCase, book: RuleBook) -> ComplaintWindow:
    """The one rule for which complaint comes next and its window (Luật Khiếu nại 2011 art. 48)."""
    if case.appeal_filed_on is None:
        opened = case.decision_received_on or case.decision_date
        days, source, level = book.complaint_days, book.source("complaint_days"), 1
    elif case.appeal_result and case.appeal2_filed_on is None:
        opened = case.appeal_answer_received_on or case.appeal_decided_on
        days, source, level = book.second_complaint_days, book.source("second_complaint_days"), 2
    else:
        return ComplaintWindow(3, None, 0, None, book.source("second_complaint_days"))
    return ComplaintWindow(level, opened, days, opened + timedelta(days=days) if opened else None, source)


def _accept_fields(*, received_on: date, accepted_on: date | None, book: RuleBook) -> date | None:
    if accepted_on is None:
        return None
    if not received_on <= accepted_on <= timezone.localdate():
        raise _invalid("Ngày thụ lý phải từ ngày nhận đơn đến hôm nay.",
                       "The day the complaint was accepted must be between its receipt and today.", "accepted_on")
    return accepted_on


@transaction.atomic
def case_appeal(*, by: Any, case: DisciplinaryCase, filed_on: date, text: str, accepted_on: date | None = None,
                is_complex: bool = False) -> DisciplinaryCase:
    """A complaint against the decision: the first within the complaint window from receiving the
    decision, a second within its own window from receiving the first answer. A late one, or a third,
    is refused: record it with `case_complaint_refuse` so the refusal is on file."""
    case = _lock(case)
    if case.state != DisciplinaryCase.State.DECIDED:
        raise Conflict("Chỉ khiếu nại được quyết định đã ban hành.", "Only a decided case can be appealed.",
                       code="invalid_state")
    text = (text or "").strip()
    if len(text) < 5:
        raise _invalid("Cần nội dung khiếu nại.", "The appeal needs a text.", "text")
    book = RuleBook.load(ruleset_id=case.ruleset_id)
    window = complaint_window(case, book)
    if window.level > 2:
        raise Conflict("Quyết định này đã được khiếu nại hai lần; không thụ lý khiếu nại tiếp. Có thể ghi nhận đơn "
                       "và từ chối thụ lý.",
                       "This decision was already complained against twice; no further complaint is accepted. "
                       "The letter can be recorded as refused.", code="already_appealed")
    if window.opened is None or filed_on > timezone.localdate() or filed_on < window.opened:
        raise _invalid("Ngày khiếu nại phải từ ngày nhận quyết định đến hôm nay.",
                       "The complaint date must be between receiving the decision and today.", "filed_on")
    if window.deadline is not None and filed_on > window.deadline:
        vi, en = window.late_words(filed_on)
        raise Conflict(vi + " Có thể ghi nhận đơn và từ chối thụ lý.", en + " It can be recorded as refused.",
                       code="complaint_late", fields={"filed_on": [window.deadline.isoformat()]})
    accepted_on = _accept_fields(received_on=filed_on, accepted_on=accepted_on, book=book)
    if window.level == 2:
        case.appeal2_filed_on, case.appeal2_text = filed_on, text
        case.appeal2_accepted_on, case.appeal2_complex = accepted_on, is_complex
    else:
        case.appeal_filed_on, case.appeal_text = filed_on, text
        case.appeal_accepted_on, case.appeal_complex = accepted_on, is_complex
    case.state = DisciplinaryCase.State.APPEALED
    case.updated_at = timezone.now()
    case.save(update_fields=["appeal_filed_on", "appeal_text", "appeal2_filed_on", "appeal2_text", "state",
                             "appeal_accepted_on", "appeal_complex", "appeal2_accepted_on", "appeal2_complex",
                             "updated_at"])
    _event(case, by, "appeal2" if window.level == 2 else "appeal", from_state=DisciplinaryCase.State.DECIDED,
           to_state=case.state, data={"filed_on": filed_on, "level": window.level, "accepted_on": accepted_on,
                                      "complex": is_complex})
    return case


@transaction.atomic
def case_appeal_accept(*, by: Any, case: DisciplinaryCase, accepted_on: date,
                       is_complex: bool = False) -> DisciplinaryCase:
    """Record the day the pending complaint was accepted (thụ lý) and whether it is complex: the answer
    deadline counts from it."""
    case = _lock(case)
    if case.state != DisciplinaryCase.State.APPEALED:
        raise Conflict("Hồ sơ không có khiếu nại đang giải quyết.", "The case has no pending appeal.",
                       code="invalid_state")
    book = RuleBook.load(ruleset_id=case.ruleset_id)
    second = case.appeal2_filed_on is not None
    filed = case.appeal2_filed_on if second else case.appeal_filed_on
    assert filed is not None
    accepted = _accept_fields(received_on=filed, accepted_on=accepted_on, book=book)
    if second:
        case.appeal2_accepted_on, case.appeal2_complex = accepted, is_complex
    else:
        case.appeal_accepted_on, case.appeal_complex = accepted, is_complex
    case.updated_at = timezone.now()
    case.save(update_fields=["appeal_accepted_on", "appeal_complex", "appeal2_accepted_on", "appeal2_complex",
                             "updated_at"])
    _event(case, by, "appeal_accept", data={"level": 2 if second else 1, "accepted_on": accepted,
                                            "complex": is_complex})
    return case


@transaction.atomic
def case_complaint_refuse(*, by: Any, case: DisciplinaryCase, received_on: date, text: str,
                          refused_on: date | None = None, reason: str = "") -> ComplaintRefusal:
    """A complaint received and refused (not accepted), on record with its dates and the reason: a late
    one (the reason states the window and its last day), a third one, or another reason the officer gives."""
    case = _lock(case)
    if case.state not in (DisciplinaryCase.State.DECIDED, DisciplinaryCase.State.APPEALED,
                          DisciplinaryCase.State.CLOSED):
        raise Conflict("Chỉ ghi nhận khiếu nại đối với quyết định đã ban hành.",
                       "Only a complaint against a decision already made can be recorded.", code="invalid_state")
    text = (text or "").strip()
    if len(text) < 5:
        raise _invalid("Cần nội dung đơn khiếu nại.", "The complaint needs a text.", "text")
    today = timezone.localdate()
    refused_on = refused_on or today
    book = RuleBook.load(ruleset_id=case.ruleset_id)
    window = complaint_window(case, book)
    first_day = case.decision_received_on or case.decision_date
    if first_day is None or not first_day <= received_on <= today:
        raise _invalid("Ngày nhận đơn phải từ ngày nhận quyết định đến hôm nay.",
                       "The day the complaint was received must be between receiving the decision and today.",
                       "received_on")
    if not received_on <= refused_on <= today:
        raise _invalid("Ngày từ chối thụ lý phải từ ngày nhận đơn đến hôm nay.",
                       "The refusal date must be between receipt and today.", "refused_on")
    reason = (reason or "").strip()
    pending = case.state == DisciplinaryCase.State.APPEALED
    if pending:  # a letter while a complaint is being answered: refused only for a stated reason
        window = ComplaintWindow(2 if case.appeal2_filed_on else 1, None, 0, None, window.source)
    if window.level > 2:
        ground = ComplaintRefusal.Ground.NO_FURTHER
        vi = f"Quyết định đã được khiếu nại hai lần; không thụ lý khiếu nại tiếp ({window.source})."
        en = f"The decision was already complained against twice; no further complaint ({window.source})."
    elif not pending and window.deadline is not None and received_on > window.deadline:
        ground = ComplaintRefusal.Ground.LATE
        vi, en = window.late_words(received_on)
    else:
        if len(reason) < 5:
            raise _invalid("Khiếu nại còn trong thời hiệu: cần ghi lý do không thụ lý.",
                           "The complaint is within its window: state why it is not accepted.", "reason")
        ground, vi, en = ComplaintRefusal.Ground.OTHER, "", ""
    if reason:
        vi, en = (f"{vi} {reason}".strip(), f"{en} {reason}".strip())
    refusal = ComplaintRefusal.objects.create(
        case=case, level=window.level, received_on=received_on, text=text, ground=ground,
        deadline=window.deadline if window.level <= 2 else None, refused_on=refused_on,
        reason_vi=vi, reason_en=en, recorded_by=by, recorded_at=timezone.now())
    _event(case, by, "complaint_refused", note=vi,
           data={"received_on": received_on, "refused_on": refused_on, "ground": ground, "level": window.level,
                 "deadline": window.deadline})
    return refusal


@transaction.atomic
def case_appeal_resolve(*, by: Any, case: DisciplinaryCase, result: str, decided_on: date, note: str,
                        form_code: str | None = None, received_on: date | None = None,
                        decision_number: str = "", signer: str = "") -> DisciplinaryCase:
    """The answer to the complaint (quyết định giải quyết khiếu nại), with its own number and signer.

    The original decision (number, date, form) stays on record. A changed form is never heavier than
    the one complained against (the complaint of the disciplined officer cannot worsen his penalty,
    Luật Khiếu nại 2011), and goes through the same bounds as a decision: joint responsibility never
    heavier than the violator's form, nothing on time-barred violations."""
    case = _lock(case)
    if case.state != DisciplinaryCase.State.APPEALED:
        raise Conflict("Hồ sơ không có khiếu nại đang giải quyết.", "The case has no pending appeal.",
                       code="invalid_state")
    if result not in DisciplinaryCase.AppealResult.values:
        raise _invalid("Kết quả giải quyết khiếu nại không hợp lệ.", "result must be upheld, changed or annulled.",
                       "result")
    note = _clean_reason(note)
    second = case.appeal2_filed_on is not None
    filed = case.appeal2_filed_on if second else case.appeal_filed_on
    if decided_on > timezone.localdate() or (filed and decided_on < filed):
        raise _invalid("Ngày giải quyết phải từ ngày khiếu nại đến hôm nay.",
                       "The resolution date must be between the appeal date and today.", "decided_on")
    if received_on is not None and not decided_on <= received_on <= timezone.localdate():
        raise _invalid("Ngày nhận quyết định giải quyết phải từ ngày giải quyết đến hôm nay.",
                       "The day the answer was received must be between its date and today.", "received_on")
    decision_number, signer = (decision_number or "").strip(), (signer or "").strip()
    if len(decision_number) > 60 or len(signer) > 200:
        raise _invalid("Số quyết định tối đa 60 ký tự, người ký tối đa 200 ký tự.",
                       "The decision number is at most 60 characters, the signer at most 200.", "decision_number")
    old_form = case.decided_form.code if case.decided_form else None
    if result == DisciplinaryCase.AppealResult.CHANGED:
        if not form_code:
            raise _invalid("Thay đổi hình thức cần hình thức mới.", "A changed decision needs the new form.", "form")
        form = _form_for_case(case, form_code)
        if form.pk == case.decided_form_id:
            raise _invalid("Hình thức mới trùng hình thức cũ; hãy chọn 'giữ nguyên'.",
                           "The new form equals the old one; use 'upheld'.", "form")
        current = case.decided_form
        if current is not None and form.level > current.level:
            raise Conflict(f"Giải quyết khiếu nại không được làm nặng hơn hình thức kỷ luật bị khiếu nại "
                           f"({current.name_vi}); không áp dụng {form.name_vi}. Người khiếu nại không thể bị xử lý "
                           "nặng hơn do chính việc khiếu nại của mình (Luật Khiếu nại 2011).",
                           f"A complaint decision cannot make the disciplinary form complained against "
                           f"({current.name_en}) heavier; {form.name_en} is refused (Complaints Law 2011).",
                           code="heavier_on_complaint", fields={"form": ["heavier than the decision"]})
        view = _case_view(case, decided_on)
        _refuse_if_all_barred(view)
        cap = joint_cap(view.live)
        if cap is not None:
            _not_heavier_than_violator(form.level, form.name_vi, form.name_en, cap)
        if case.original_form_id is None:
            case.original_form = current
        case.decided_form = form
    if second:
        case.appeal2_result, case.appeal2_decided_on, case.appeal2_note = result, decided_on, note
        case.appeal2_decision_number, case.appeal2_signer = decision_number, signer
    else:
        case.appeal_result, case.appeal_decided_on, case.appeal_note = result, decided_on, note
        case.appeal_answer_received_on = received_on or decided_on
        case.appeal_decision_number, case.appeal_signer = decision_number, signer
    case.state = (DisciplinaryCase.State.CLOSED if result == DisciplinaryCase.AppealResult.ANNULLED
                  else DisciplinaryCase.State.DECIDED)
    case.updated_at = timezone.now()
    case.save(update_fields=["decided_form", "appeal_result", "appeal_decided_on", "appeal_note",
                             "appeal_answer_received_on", "appeal2_result", "appeal2_decided_on", "appeal2_note",
                             "state", "updated_at", "original_form", "appeal_decision_number", "appeal_signer",
                             "appeal2_decision_number", "appeal2_signer"])
    _event(case, by, "appeal_resolve", from_state=DisciplinaryCase.State.APPEALED, to_state=case.state, note=note,
           data={"result": result, "old_form": old_form, "level": 2 if second else 1,
                 "decision_number": decision_number, "signer": signer,
                 "original_decision": {"number": case.decision_number, "date": case.decision_date},
                 "form": case.decided_form.code if case.decided_form else None})
    return case


# --- CCHC tasks -------------------------------------------------------------------------------------

REGISTRATION_MONTH = 10


@transaction.atomic
def tasks_register(*, by: Any, unit: Unit, year: int, items: list[dict[str, Any]],
                   today: date | None = None) -> list[CchcTask]:
    """Register a unit's CCHC tasks for `year` (in October of the year before; admins any time)."""
    today = today or timezone.localdate()
    is_admin = by.role == Role.ADMIN
    if not is_admin:
        if by.role != Role.UNIT_HEAD or not unit_in_scope(by, unit.pk):
            raise Forbidden("Chỉ thủ trưởng đơn vị (hoặc quản trị) đăng ký nhiệm vụ CCHC cho đơn vị mình.",
                            "Only the unit's head (or an admin) registers its CCHC tasks.")
    in_window = today.year == year - 1 and today.month == REGISTRATION_MONTH
    if not is_admin and not in_window:
        raise Conflict(f"Nhiệm vụ CCHC năm {year} chỉ đăng ký trong tháng {REGISTRATION_MONTH}/{year - 1}.",
                       f"CCHC tasks for {year} are registered in October {year - 1} only.",
                       code="registration_closed")
    if not today.year - 1 <= year <= today.year + 1:
        raise _invalid("Năm đăng ký không hợp lệ.", "The year is out of range.", "year")
    if unit.valid_from > date(year, 12, 31) or (unit.valid_to is not None and unit.valid_to < date(year, 1, 1)):
        raise _invalid(f"{unit.name} không tồn tại trong năm {year}.", f"{unit.code} does not exist in {year}.",
                       "unit_id")
    if not items or len(items) > 50:
        raise _invalid("Cần từ 1 đến 50 nhiệm vụ.", "Between 1 and 50 tasks are needed.", "tasks")
    titles: set[str] = set()
    for i, item in enumerate(items):
        title, target = str(item.get("title", "")).strip(), str(item.get("target", "")).strip()
        due = item.get("due_date")
        if not title or not target:
            raise _invalid("Mỗi nhiệm vụ cần tên và chỉ tiêu.", f"tasks[{i}] needs a title and a target.", "tasks")
        if not isinstance(due, date) or due.year != year:
            raise _invalid(f"Hạn hoàn thành của nhiệm vụ phải trong năm {year}.",
                           f"tasks[{i}].due_date must fall in {year}.", "tasks")
        key = title.casefold()
        if key in titles:
            raise _invalid(f"Nhiệm vụ '{title}' bị trùng.", f"Duplicate task '{title}'.", "tasks")
        titles.add(key)
    existing = {t.casefold() for t in CchcTask.objects.filter(unit=unit, year=year).values_list("title", flat=True)}
    clash = [str(item["title"]).strip() for item in items if str(item["title"]).strip().casefold() in existing]
    if clash:
        raise Conflict("Nhiệm vụ đã được đăng ký: " + ", ".join(clash) + ".",
                       "Already registered: " + ", ".join(clash) + ".", code="duplicate")
    now = timezone.now()
    tasks = [CchcTask.objects.create(unit=unit, year=year, title=str(item["title"]).strip()[:300],
                                     target=str(item["target"]).strip()[:300], due_date=item["due_date"],
                                     late_registration=not in_window, registered_by=by, registered_at=now)
             for item in items]
    audit_record(actor=by, verb="accountability.cchc.register", obj=unit,
                 payload={"year": year, "tasks": [t.pk for t in tasks], "late_registration": not in_window})
    return tasks


@transaction.atomic
def task_report_delivery(*, by: Any, task: CchcTask, delivered_on: date, note: str = "") -> CchcTask:
    task = CchcTask.objects.select_for_update().select_related("unit").get(pk=task.pk)
    is_admin = by.role == Role.ADMIN
    if not is_admin and (by.role != Role.UNIT_HEAD or not unit_in_scope(by, task.unit_id)):
        raise Forbidden("Chỉ thủ trưởng đơn vị (hoặc quản trị) báo cáo kết quả nhiệm vụ.",
                        "Only the unit's head (or an admin) reports a task's delivery.")
    if task.delivered_on is not None and not is_admin:
        raise Conflict("Nhiệm vụ đã được báo cáo hoàn thành; liên hệ quản trị để điều chỉnh.",
                       "The delivery was already reported; ask an admin to correct it.", code="already_reported")
    if delivered_on > timezone.localdate():
        raise _invalid("Ngày hoàn thành không được ở tương lai.", "The delivery date cannot be in the future.",
                       "delivered_on")
    if delivered_on < date(task.year - 1, 1, 1):
        raise _invalid("Ngày hoàn thành quá sớm so với năm nhiệm vụ.", "The delivery date is before the task's year.",
                       "delivered_on")
    previous = task.delivered_on
    now = timezone.now()
    # reported after the grace (or dated before the task was registered): recorded, flagged, counted
    # late at best (scoring.task_outcome), never on time
    outcome = task_outcome(due=task.due_date, delivered=delivered_on, reported_at=now,
                           registered_at=task.registered_at, today=timezone.localdate(),
                           late_registration=task.late_registration)
    task.delivered_on, task.delivery_note = delivered_on, (note or "").strip()
    task.reported_by, task.reported_at = by, now
    task.save(update_fields=["delivered_on", "delivery_note", "reported_by", "reported_at"])
    audit_record(actor=by, verb="accountability.cchc.delivery", obj=task,
                 payload={"delivered_on": delivered_on, "previous": previous, "outcome": outcome,
                          "on_time": outcome == "on_time", "reported_late": outcome == "reported_late",
                          "grace_days": DELIVERY_REPORT_GRACE_DAYS})
    return task


# --- scoring policy ---------------------------------------------------------------------------------


@transaction.atomic
def scoring_policy_create(*, by: Any, data: dict[str, Any]) -> ScoringPolicy:
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
        created_by=by if getattr(by, "pk", None) else None, created_at=timezone.now())
    audit_record(actor=by, verb="accountability.scoring_policy.create", obj=policy,
                 payload={"version": policy.version, "deductions": policy.deductions})
    return policy


def finding_last_day(finding: Finding) -> date:
    return finding_days(finding)[1]
