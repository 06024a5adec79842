"""Writes of findings: creating and editing one (its subjects and violation period), its transitions,
the unit's explanations and its evidence files."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, BinaryIO

from django.db import transaction
from django.utils import timezone

from backend.accounts.models import INSPECTION_TEAM, Role, User
from backend.accounts.scope import unit_in_scope
from backend.accounts.selectors import require_role
from backend.audit.services import audit_record
from backend.core.actors import Actor
from backend.core.errors import Conflict, DomainError, Forbidden, NotFound
from backend.core.store import ObjectMissing, get_store
from backend.org.models import Counter, Officer, Unit
from backend.org.selectors import unit_ancestor_ids_at, unit_heads_between, unit_served_ids
from backend.org.services_units import require_unit_existed
from inspection.models import (
    CheckReport,
    Complaint,
    Criterion,
    Finding,
    FindingCategory,
    FindingExplanation,
    FindingSubject,
    FindingTransition,
    SatisfactionRating,
    Severity,
    SurpriseCheck,
)
from inspection.services_common import (
    LEAD,
    TEAM,
    _aware,
    _invalid,
    _require_team_member,
    _require_text,
    require_worded_reason,
)

if TYPE_CHECKING:
    from media_ingest.review.models import EvidenceItem

FINDING_FLOW: dict[tuple[str, str], Any] = {
    (Finding.State.DRAFT, Finding.State.CONFIRMED): LEAD,
    (Finding.State.DRAFT, Finding.State.DISMISSED): LEAD,
    (Finding.State.CONFIRMED, Finding.State.DISMISSED): LEAD,
    (Finding.State.CONFIRMED, Finding.State.ACTIONED): (Role.INSPECTION_LEAD, Role.DISCIPLINARY),
}


def _clean_subjects(subjects: Any) -> list[dict[str, Any]]:
    if subjects is None:
        return []
    if not isinstance(subjects, list):
        raise _invalid("subjects phải là danh sách.", "subjects must be a list.", "subjects")
    ids = [s.get("officer_id") for s in subjects if isinstance(s, dict)]
    officers = {o.pk: o for o in Officer.objects.filter(pk__in=[i for i in ids if isinstance(i, int)])}
    clean, seen = [], set()
    for index, s in enumerate(subjects):
        key = f"subjects[{index}]"
        if not isinstance(s, dict):
            raise _invalid(f"{key}: phải là đối tượng.", f"{key}: must be an object.", key)
        officer = officers.get(s.get("officer_id"))  # type: ignore[arg-type]
        if officer is None:
            raise _invalid(f"{key}: không tìm thấy cán bộ.", f"{key}: unknown officer.", f"{key}.officer_id")
        role = s.get("role")
        if role not in FindingSubject.Role.values:
            raise _invalid(f"{key}: vai trò không hợp lệ.", f"{key}: role must be one of {FindingSubject.Role.values}.",
                           f"{key}.role")
        if (officer.pk, role) in seen:
            raise _invalid(f"{key}: cán bộ bị lặp với cùng vai trò.", f"{key}: officer listed twice with that role.", key)
        seen.add((officer.pk, role))
        clean.append({"officer": officer, "role": role, "knew_and_did_not_act": bool(s.get("knew_and_did_not_act")),
                      "covered_up": bool(s.get("covered_up")), "note": str(s.get("note", "") or "")[:2000]})
    return clean


def _check_subjects_served(subjects: list[dict[str, Any]], *, unit: Unit, occurred_from: datetime,
                           occurred_to: datetime | None) -> None:
    """A violator served in the finding's unit when it happened; a responsible head served in that
    unit or a unit above it. Anyone else is refused: the trace would blame the wrong person."""
    if not subjects:
        return
    start = timezone.localtime(occurred_from).date()
    end = timezone.localtime(occurred_to).date() if occurred_to else start
    in_unit = unit_served_ids(unit=unit, start=start, end=end)
    above: set[int] | None = None
    heads: set[int] | None = None
    when = f"{start:%d/%m/%Y}" if end == start else f"{start:%d/%m/%Y} – {end:%d/%m/%Y}"
    for index, s in enumerate(subjects):
        officer = s["officer"]
        if s["role"] != FindingSubject.Role.RESPONSIBLE_HEAD:
            if officer.pk in in_unit:
                continue
        else:
            # the responsible head headed (or acted as head of) the unit or a unit above it then
            chain = unit_ancestor_ids_at(unit=unit, at=start)
            if heads is None:
                heads = {a.officer_id for unit_id in chain
                         for a in unit_heads_between(unit=Unit(pk=unit_id), start=start, end=end)}
            if officer.pk in heads:
                continue
            if above is None:
                above = set().union(*(unit_served_ids(unit=Unit(pk=unit_id), start=start, end=end)
                                      for unit_id in chain[1:]))
            if officer.pk in in_unit or officer.pk in above:
                raise _invalid(
                    f"Cán bộ {officer.full_name} ({officer.service_number}) không giữ chức vụ người đứng đầu "
                    f"{unit.name} hay đơn vị cấp trên vào thời điểm vi phạm ({when}), nên không thể là người "
                    f"đứng đầu chịu trách nhiệm.",
                    f"Officer {officer.service_number} did not head {unit.code} or a unit above it when the "
                    f"violation happened ({start.isoformat()}{'' if end == start else '..' + end.isoformat()}), "
                    f"so cannot be the responsible head.",
                    f"subjects[{index}].role", code="subject_not_head")
        raise _invalid(
            f"Cán bộ {officer.full_name} ({officer.service_number}) không công tác tại {unit.name} "
            f"vào thời điểm vi phạm ({when}).",
            f"Officer {officer.service_number} did not serve in {unit.code} when the violation happened "
            f"({start.isoformat()}{'' if end == start else '..' + end.isoformat()}).",
            f"subjects[{index}].officer_id", code="subject_not_in_unit")


def _require_violation_time(moment: datetime | None) -> datetime:
    """The violation time is entered by the author: accountability is traced as of the violation day
    (the officers who served, their heads), so a missing time is refused in words, never taken as now."""
    if moment is None:
        raise _invalid("Chưa nhập thời điểm vi phạm (ngày, giờ). Trách nhiệm của cán bộ vi phạm và người đứng "
                       "đầu được xác định theo ngày vi phạm, nên phải nhập thời điểm xảy ra vi phạm.",
                       "The violation time is required: accountability is traced as of the violation day.",
                       "occurred_from", code="required")
    return _aware(moment, "occurred_from")


UNIT_LEVEL_REASON_MIN_LETTERS = 20
UNIT_LEVEL_REASON_MIN_WORDS = 4
# confirming, dismissing or actioning a finding: the reason goes on the record the discipline rests on
TRANSITION_REASON_MIN_WORDS = 2
TRANSITION_REASON_MIN_LETTERS = 6


def _clean_unit_level_reason(text: Any) -> str:
    """Why no individual officer can be named (a unit-level finding): empty, or a reason in words."""
    from inspection.services_common import plain_text, require_worded_reason

    cleaned = plain_text(str(text or "")).strip()
    if not cleaned:
        return ""
    return require_worded_reason(cleaned, "unit_level_reason", "lý do không xác định được cá nhân vi phạm",
                                 words=UNIT_LEVEL_REASON_MIN_WORDS, letters=UNIT_LEVEL_REASON_MIN_LETTERS)


def _require_someone_answers(finding: Finding) -> None:
    """A confirmed finding lands on named officers (violators and responsible heads, as of the violation
    day). Without one it is confirmed only as a unit-level finding whose reason is recorded."""
    if finding.unit_level_reason or finding.subjects.exists():
        return
    raise Conflict("Không thể xác nhận vi phạm chưa có cán bộ vi phạm. Thêm ít nhất một cán bộ (người vi phạm "
                   "hoặc người đứng đầu chịu trách nhiệm), hoặc nếu là vi phạm của tập thể đơn vị thì ghi rõ lý do "
                   "không xác định được cá nhân.",
                   "A finding with no named officer cannot be confirmed: name at least one subject, or record why "
                   "no individual can be named (a unit-level finding).",
                   code="finding_without_subject", fields={"subjects": ["required"]})


def _check_violation_period(start: datetime, end: datetime | None) -> None:
    """When a violation happened, on creation and on every edit: it has happened (neither end is in the
    future: an edited draft moved to 2027 was confirmed and traced) and it ends after it starts."""
    if end is not None and end < start:
        raise _invalid("Thời điểm kết thúc vi phạm phải sau thời điểm bắt đầu.",
                       "occurred_to must not be before occurred_from.", "occurred_to")
    latest = timezone.now() + timedelta(minutes=5)
    if start > latest:
        raise _invalid("Thời điểm vi phạm không thể ở tương lai.", "occurred_from cannot be in the future.",
                       "occurred_from")
    if end is not None and end > latest:
        raise _invalid("Thời điểm kết thúc vi phạm không thể ở tương lai; nếu vi phạm còn tiếp diễn, để trống.",
                       "occurred_to cannot be in the future; leave it empty while the violation goes on.",
                       "occurred_to")


def _finding_reference() -> str:
    year = timezone.localdate().year
    while True:
        ref = f"VP-{year}-{secrets.token_hex(3).upper()}"
        if not Finding.objects.filter(reference=ref).exists():
            return ref


# Long on purpose: validate every input before the first write, then write once (the house rule for services).
@transaction.atomic
def finding_create(*, by: User, source: str, category: FindingCategory, title: str, unit: Unit | None,
                   occurred_from: datetime | None, occurred_to: datetime | None = None, severity: str | None = None,
                   description: str = "", counter: Counter | None = None, surprise_check: SurpriseCheck | None = None,
                   complaint: Complaint | None = None, rating: SatisfactionRating | None = None,
                   criterion_code: str = "", subjects: list[dict[str, Any]] | None = None,
                   unit_level_reason: str = "") -> Finding:
    if source == Finding.Source.FOOTAGE:
        require_role(by, *TEAM, Role.REVIEWER)
    else:
        require_role(by, *TEAM)
    if source not in Finding.Source.values:
        raise _invalid("Nguồn phát hiện không hợp lệ.", f"Unknown source {source!r}.", "source")
    title = _require_text(title, "title", "tiêu đề")[:300]
    severity = severity or category.default_severity
    if severity not in Severity.values:
        raise _invalid("Mức độ vi phạm không hợp lệ.", f"severity must be one of {Severity.values}.", "severity")
    occurred_from = _require_violation_time(occurred_from)
    if occurred_to is not None:
        _aware(occurred_to, "occurred_to")
    _check_violation_period(occurred_from, occurred_to)
    unit_level_reason = _clean_unit_level_reason(unit_level_reason)
    criterion = None
    if surprise_check is not None:
        surprise_check = SurpriseCheck.objects.select_related("unit", "counter").get(pk=surprise_check.pk)
    if source == Finding.Source.CHECK:
        if surprise_check is None:
            raise _invalid("Vi phạm từ kiểm tra phải gắn với một cuộc kiểm tra.", "A check finding needs a check.",
                           "check")
        if surprise_check.started_at is None or surprise_check.state == SurpriseCheck.State.CANCELLED:
            raise Conflict("Cuộc kiểm tra chưa bắt đầu hoặc đã hủy.", "The check has not started or was cancelled.",
                           code="invalid_state")
        _require_team_member(by, surprise_check)
        unit = unit or surprise_check.unit
        if unit.pk != surprise_check.unit_id:
            raise _invalid("Đơn vị phải là đơn vị được kiểm tra.", "The unit must be the checked unit.", "unit_id")
        counter = counter or surprise_check.counter
        if criterion_code:
            criterion = Criterion.objects.filter(criteria_set_id=surprise_check.criteria_set_id,
                                                 code=criterion_code).first()
            if criterion is None:
                raise _invalid(f"Tiêu chí {criterion_code} không có trong bộ tiêu chí của cuộc kiểm tra.",
                               f"Criterion {criterion_code} is not in the check's criteria set.", "criterion")
    elif surprise_check is not None:
        raise _invalid("Chỉ vi phạm nguồn kiểm tra mới gắn với cuộc kiểm tra.", "Only check findings link a check.",
                       "check")
    if source == Finding.Source.COMPLAINT and complaint is None:
        raise _invalid("Vi phạm từ phản ánh phải gắn với một phản ánh.", "A complaint finding needs a complaint.",
                       "complaint_id")
    if source == Finding.Source.RATING and rating is None:
        raise _invalid("Vi phạm từ đánh giá phải gắn với một lượt đánh giá.", "A rating finding needs a rating.",
                       "rating_id")
    if rating is not None:
        counter = counter or rating.counter
        unit = unit or rating.counter.unit
    if complaint is not None:
        counter = counter or complaint.counter
        unit = unit or complaint.unit or (complaint.counter.unit if complaint.counter is not None else None)
    if unit is None:
        raise _invalid("Cần chỉ rõ đơn vị.", "unit_id is required.", "unit_id")
    if not unit_in_scope(by, unit.pk):  # nothing is written for a unit the author may not see
        raise NotFound("Không tìm thấy đơn vị.", "Unit not found.")
    if counter is not None and counter.unit_id != unit.pk:
        raise _invalid("Quầy không thuộc đơn vị.", "The counter does not belong to the unit.", "counter_id")
    # a violation may run past its unit's merger: the trace follows it into the successor
    require_unit_existed(unit=unit, start=timezone.localtime(occurred_from).date(),
                         end=timezone.localtime(occurred_to).date() if occurred_to else None, into_successor=True)
    clean_subjects = _clean_subjects(subjects)
    _check_subjects_served(clean_subjects, unit=unit, occurred_from=occurred_from, occurred_to=occurred_to)
    finding = Finding.objects.create(
        reference=_finding_reference(), source=source, surprise_check=surprise_check, complaint=complaint,
        rating=rating, criterion=criterion, category=category, severity=severity, title=title,
        description=description.strip(), unit=unit, counter=counter, occurred_from=occurred_from,
        occurred_to=occurred_to, unit_level_reason=unit_level_reason, created_by=by)
    for s in clean_subjects:
        FindingSubject.objects.create(finding=finding, **s)
    FindingTransition.objects.create(finding=finding, from_state="", to_state=Finding.State.DRAFT, actor=by,
                                     reason="", at=timezone.now())  # the UI names it
    audit_record(actor=by, verb="finding.create", obj=finding,
                 payload={"source": source, "category": category.code, "severity": severity, "unit": unit.pk,
                          "check": str(surprise_check.uid) if surprise_check else None,
                          "subjects": [(s["officer"].pk, s["role"]) for s in clean_subjects]})
    return finding


# Long on purpose: every edited field validated before the first write, then written once (as finding_create).
@transaction.atomic
def finding_update(*, by: User, finding: Finding, data: dict[str, Any]) -> Finding:
    """Edit a draft. Confirmed findings are frozen (accountability is computed from them)."""
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if by.role not in INSPECTION_TEAM and finding.created_by_id != by.pk:
        raise Forbidden()
    if finding.state != Finding.State.DRAFT:
        raise Conflict("Chỉ sửa được vi phạm ở trạng thái dự thảo.", "Only a draft finding can be edited.",
                       code="invalid_state")
    changes: dict[str, Any] = {}
    if "category" in data:
        finding.category = data["category"]
        changes["category"] = finding.category.code
    for field in ("title", "description"):
        if field in data:
            value = str(data[field] or "").strip()
            if field == "title" and not value:
                raise _invalid("Cần nhập tiêu đề.", "title is required.", "title")
            setattr(finding, field, value)
            changes[field] = value
    if "severity" in data:
        if data["severity"] not in Severity.values:
            raise _invalid("Mức độ vi phạm không hợp lệ.", f"severity must be one of {Severity.values}.", "severity")
        finding.severity = data["severity"]
        changes["severity"] = finding.severity
    if "unit_level_reason" in data:
        finding.unit_level_reason = _clean_unit_level_reason(data["unit_level_reason"])
        changes["unit_level_reason"] = finding.unit_level_reason
    before = (finding.occurred_from, finding.occurred_to)
    if "occurred_from" in data:
        finding.occurred_from = _require_violation_time(data["occurred_from"])
    if "occurred_to" in data:
        finding.occurred_to = _aware(data["occurred_to"], "occurred_to") if data["occurred_to"] else None
    if "occurred_from" in data or "occurred_to" in data:
        _check_violation_period(finding.occurred_from, finding.occurred_to)
        require_unit_existed(unit=finding.unit, start=timezone.localtime(finding.occurred_from).date(),
                             end=timezone.localtime(finding.occurred_to).date() if finding.occurred_to else None,
                             field="occurred_from", into_successor=True)
    subjects = _clean_subjects(data["subjects"]) if "subjects" in data else None
    if subjects is not None or "occurred_from" in data or "occurred_to" in data:
        current = subjects if subjects is not None else [
            {"officer": s.officer, "role": s.role} for s in finding.subjects.select_related("officer")]
        _check_subjects_served(current, unit=finding.unit, occurred_from=finding.occurred_from,
                               occurred_to=finding.occurred_to)
    period_changed = before != (finding.occurred_from, finding.occurred_to)
    outside: list[tuple[Any, dict[str, Any]]] = []
    if period_changed:
        # footage attached for the old period must still show the violation, or the edit says why (issue 15)
        from media_ingest.review.evidence_period import check_period_change

        outside = check_period_change(
            finding=finding,
            items=list(finding.evidence.filter(kind="tag").select_related("clip", "tag").order_by("added_at", "id")),
            reason=str(data.get("out_of_period_reason") or ""))
        changes["period"] = {"from": [before[0].isoformat(), before[1].isoformat() if before[1] else None],
                             "to": [finding.occurred_from.isoformat(),
                                    finding.occurred_to.isoformat() if finding.occurred_to else None]}
    finding.save()
    if subjects is not None:
        finding.subjects.all().delete()
        for s in subjects:
            FindingSubject.objects.create(finding=finding, **s)
        changes["subjects"] = [(s["officer"].pk, s["role"]) for s in subjects]
    if period_changed:
        if outside:
            from media_ingest.review.services import evidence_outside_new_period

            evidence_outside_new_period(by=by, finding=finding, hits=outside)
            changes["outside_period"] = [{"evidence": item.pk, **record} for item, record in outside]
        _period_history(by=by, finding=finding, before=before, outside=outside)
    audit_record(actor=by, verb="finding.update", obj=finding, payload={"changes": changes})
    return finding


def _when(start: datetime, end: datetime | None) -> str:
    def local(moment: datetime) -> str:
        return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")

    return local(start) if end is None or end == start else f"{local(start)} – {local(end)}"


def _period_history(*, by: User, finding: Finding, before: tuple[datetime, datetime | None],
                    outside: list[tuple[Any, dict[str, Any]]]) -> None:
    """The finding's history (the timeline on its page) shows the period edit: a draft-to-draft entry
    naming the old and the new period, and the footage left outside it with the reason given."""
    note = (f"Sửa thời gian vi phạm: {_when(*before)} → {_when(finding.occurred_from, finding.occurred_to)}.")
    if outside:
        items = ", ".join(f"#{item.pk}" for item, _ in outside)
        note += f" Chứng cứ hình ảnh ngoài thời gian mới ({items}), lý do: {outside[0][1]['reason']}"
    FindingTransition.objects.create(finding=finding, from_state=finding.state, to_state=finding.state, actor=by,
                                     reason=note, at=timezone.now())


@transaction.atomic
def finding_transition(*, by: User, finding: Finding, to_state: str, reason: str) -> Finding:
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    roles = FINDING_FLOW.get((finding.state, to_state))
    if roles is None:
        states = dict(Finding.State.choices)  # the states in words, not their codes (user review)
        raise Conflict(f"Không thể chuyển vi phạm từ trạng thái “{states.get(finding.state, finding.state)}” sang "
                       f"“{states.get(to_state, to_state)}”.",
                       f"A finding cannot go from {finding.state} to {to_state}.", code="invalid_transition")
    require_role(by, *roles)
    reason = require_worded_reason(reason, "reason", "lý do", words=TRANSITION_REASON_MIN_WORDS,
                                   letters=TRANSITION_REASON_MIN_LETTERS)
    if to_state == Finding.State.DISMISSED:
        _refuse_dismissing_what_discipline_rests_on(finding)
    if to_state == Finding.State.CONFIRMED:
        _require_someone_answers(finding)
        _recheck_org_record(finding)
    from inspection.services_common import is_a_reason
    from inspection.services_reports import _recompute_score, uncovered_critical

    report = (CheckReport.objects.select_for_update().filter(surprise_check_id=finding.surprise_check_id).first()
              if finding.surprise_check_id else None)
    signed = report is not None and report.is_signed
    before = set(uncovered_critical(report)) if report is not None and signed else set()
    now = timezone.now()
    from_state = finding.state
    finding.state = to_state
    if to_state == Finding.State.CONFIRMED:
        finding.confirmed_at = now
        finding.confirmed_by = by
    finding.save()
    if report is not None and signed:
        newly_uncovered = set(uncovered_critical(report)) - before
        if newly_uncovered and not is_a_reason(reason, 20):
            raise _invalid("Bác bỏ vi phạm mà biên bản đã ký dựa vào (tiêu chí trọng yếu "
                           f"{', '.join(sorted(newly_uncovered))} không đạt) phải nêu lý do cụ thể (ít nhất 20 ký tự).",
                           "Dismissing the finding a signed report's failed critical criterion rests on needs a "
                           "real reason (20 letters at least).", "reason")
        _recompute_score(report)  # flags the report while a failed critical criterion has no confirmed finding
        report.save(update_fields=["flags"])
    FindingTransition.objects.create(finding=finding, from_state=from_state, to_state=to_state, actor=by,
                                     reason=reason, at=now)
    audit_record(actor=by, verb=f"finding.{to_state}", obj=finding,
                 payload={"from": from_state, "to": to_state, "reason": reason})
    return finding


def _recheck_org_record(finding: Finding) -> None:
    """Publishing a draft re-reads the org record it was filed against. An org change does not look at
    drafts (the admin may not know they exist: docs/architecture.md, "Org changes and secret records"), so
    the unit may have been ended, or a named officer's posting ended or corrected, since the draft was
    written: confirming it then is refused in words, and the team edits the draft (another unit or date,
    other subjects) or dismisses it. The same rules as on creation."""
    start = timezone.localtime(finding.occurred_from).date()
    end = timezone.localtime(finding.occurred_to).date() if finding.occurred_to else None
    try:
        require_unit_existed(unit=finding.unit, start=start, end=end, field="unit_id", into_successor=True)
        _check_subjects_served([{"officer": s.officer, "role": s.role}
                                for s in finding.subjects.select_related("officer")],
                               unit=finding.unit, occurred_from=finding.occurred_from, occurred_to=finding.occurred_to)
    except DomainError as exc:
        raise Conflict(
            f"Không thể xác nhận vi phạm {finding.reference}: hồ sơ tổ chức đã thay đổi từ khi lập dự thảo — "
            f"{exc.message} Sửa dự thảo (đơn vị, thời điểm, đối tượng) hoặc bác bỏ.",
            f"Finding {finding.reference} cannot be confirmed: the org record changed since the draft was "
            f"written — {exc.message_en} Edit the draft (unit, date, subjects) or dismiss it.",
            code="org_changed_since_draft", fields=exc.fields) from exc


def _refuse_dismissing_what_discipline_rests_on(finding: Finding) -> None:
    from inspection.accountability.selectors import finding_dismissal_blockers

    cases, liabilities = finding_dismissal_blockers(finding)
    if not cases and not liabilities:
        return
    what_vi = "; ".join(filter(None, [f"hồ sơ kỷ luật {', '.join(cases)}" if cases else "",
                                      f"trách nhiệm người đứng đầu đã xác nhận {', '.join(liabilities)}"
                                      if liabilities else ""]))
    what_en = "; ".join(filter(None, [f"disciplinary case(s) {', '.join(cases)}" if cases else "",
                                      f"confirmed head/deputy liabilities {', '.join(liabilities)}"
                                      if liabilities else ""]))
    raise Conflict(f"Không thể bác bỏ vi phạm: đang là căn cứ của {what_vi}. Cán bộ kỷ luật phải xử lý "
                   "trước (không xử lý hồ sơ, hủy quyết định theo khiếu nại hoặc bác trách nhiệm).",
                   f"The finding cannot be dismissed: {what_en} rest on it. The disciplinary officer must undo "
                   "those first (drop the case, annul the decision on complaint, or reject the liability).",
                   code="finding_in_discipline")


EXPLANATION_MIN_LETTERS = 20
MAX_EXPLANATIONS = 20  # a hundred identical self-reviews were accepted (insider review, issue 15)


@transaction.atomic
def finding_explain(*, by: User, finding: Finding, kind: str, text: str) -> FindingExplanation:
    """The unit head answers a finding on his unit: an explanation (giải trình) or the unit's
    self-review (tự kiểm điểm). Only the head of a unit in whose scope the finding lies (the caller
    reached it through findings_visible_to), only once it is confirmed; kept with the finding and audited."""
    require_role(by, Role.UNIT_HEAD)
    if kind not in FindingExplanation.Kind.values:
        raise _invalid("Loại văn bản không hợp lệ (giải trình hoặc tự kiểm điểm).",
                       "kind must be explanation or self_review.", "kind")
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if finding.state not in (Finding.State.CONFIRMED, Finding.State.ACTIONED):
        raise Conflict("Chỉ giải trình, tự kiểm điểm đối với vi phạm đã được xác nhận.",
                       "Only a confirmed finding can be explained.", code="invalid_state")
    from inspection.services_common import _require_reason, is_a_reason, plain_text

    text = plain_text(text).strip()
    if not is_a_reason(text, EXPLANATION_MIN_LETTERS):
        raise _invalid(f"Nội dung giải trình cần nêu cụ thể (ít nhất {EXPLANATION_MIN_LETTERS} chữ cái hoặc chữ số).",
                       f"Say what happened ({EXPLANATION_MIN_LETTERS} letters or digits at least).", "text",
                       code="reason_required")
    # worded too, by the one reason rule (on a copy: the text keeps its lines): "ok ok ok ok ok ok ok ok ok ok ok"
    # and a run of one letter were kept as a giải trình and a tự kiểm điểm (user review, issue 15)
    _require_reason(text, "text", "nội dung giải trình, tự kiểm điểm")
    if FindingExplanation.objects.filter(finding=finding, kind=kind, text=text).exists():
        raise Conflict("Văn bản này đã được gửi cho vi phạm này.", "This text was already sent for this finding.",
                       code="duplicate")
    if FindingExplanation.objects.filter(finding=finding).count() >= MAX_EXPLANATIONS:
        raise Conflict(f"Mỗi vi phạm nhận tối đa {MAX_EXPLANATIONS} văn bản giải trình, tự kiểm điểm.",
                       f"A finding takes at most {MAX_EXPLANATIONS} explanations.", code="too_many")
    explanation = FindingExplanation.objects.create(finding=finding, kind=kind, text=text, author=by,
                                                    at=timezone.now())
    audit_record(actor=by, verb=f"finding.{kind}", obj=finding,
                 payload={"explanation": explanation.pk, "kind": kind, "text": text})
    return explanation


def finding_evidence_add(*, by: User, finding: Finding, fileobj: BinaryIO | None = None, filename: str = "",
                         content_type: str = "", size: int | None = None, report_evidence_id: int | None = None,
                         media_ref: str = "", description: str = "", ip: str | None = None,
                         user_agent: str = "") -> EvidenceItem:
    """Evidence attached on the finding page: exactly one of a file, a photo of the check report or a
    pointer to footage. The one owner of evidence is media_ingest.review (one model, one upload path,
    its roles, cap and closed-finding rule); this only says which kind was sent."""
    from media_ingest.review import services as evidence
    from media_ingest.review.models import EvidenceItem

    evidence.evidence_may_add(by=by, finding=finding)
    kinds = sum(x is not None and x != "" for x in (fileobj, report_evidence_id, media_ref))
    if kinds != 1:
        raise _invalid("Chọn đúng một loại chứng cứ: tệp, tệp biên bản hoặc hình ảnh camera.",
                       "Give exactly one of: file, report_evidence_id, media_ref.", "file")
    common: dict[str, Any] = {"by": by, "finding": finding, "note": description, "ip": ip, "user_agent": user_agent}
    if fileobj is not None:
        return evidence.evidence_add_file(
            fileobj=fileobj, filename=filename, content_type=content_type,
            size=size if size is not None else int(getattr(fileobj, "size", 0) or 0),
            attached_in=EvidenceItem.AttachedIn.FINDING, **common)
    if report_evidence_id is not None:
        return evidence.evidence_add_report_photo(report_evidence_id=report_evidence_id, **common)
    return evidence.evidence_add_note(media_ref=media_ref, **common)


def finding_evidence_open(*, by: Actor, finding: Finding, evidence_id: int) -> tuple[EvidenceItem, BinaryIO]:
    """Open an evidence file of a finding the caller may read (an uploaded file or a report photo,
    wherever it was attached), and log who fetched it. Evidence files are often stills or cuts of
    footage: unit heads, who see findings but no footage, do not download them."""
    from media_ingest.review.models import EvidenceItem

    require_role(by, *TEAM, Role.ADMIN, Role.REVIEWER, Role.DISCIPLINARY)
    item = (EvidenceItem.objects.filter(finding=finding, pk=evidence_id,
                                        kind__in=[EvidenceItem.Kind.FILE, EvidenceItem.Kind.REPORT_PHOTO])
            .exclude(file_key="").first())
    if item is None:
        raise NotFound("Không tìm thấy tệp chứng cứ.", "Evidence file not found.")
    try:
        handle = get_store().open(item.file_key)
    except ObjectMissing as exc:
        raise NotFound("Tệp chứng cứ không còn trong kho lưu trữ.",
                       "The evidence file is missing from the store.") from exc
    with transaction.atomic():
        audit_record(actor=by, verb="finding.evidence_download", obj=item,
                     payload={"finding": finding.pk, "sha256": item.sha256})
    return item, handle
