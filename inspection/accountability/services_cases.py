"""Writes of disciplinary cases: creating and editing a case (findings, factors, documents), its
transitions, the proposal, the council's record and the decision."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, BinaryIO

from django.db import IntegrityError, transaction
from django.utils import timezone

from backend.accounts.models import User
from backend.audit.services import audit_record
from backend.core.errors import Conflict, DomainError
from backend.core.uploads import store_upload
from backend.org.models import Officer, Unit
from inspection.accountability.engine import RuleBook
from inspection.accountability.escalation import joint_cap
from inspection.accountability.models import (
    CaseDocument,
    CaseEvent,
    CaseFactor,
    DisciplinaryCase,
    LadderForm,
    LeaderLiability,
    SubjectKind,
)
from inspection.accountability.services_common import (
    DECISION_REASON_LETTERS,
    DECISION_REASON_WORDS,
    _clean_reason,
    _invalid,
    _jsonable,
)
from inspection.accountability.services_liabilities import _not_heavier_than_violator
from inspection.accountability.trace import COUNTED_STATES, local_day
from inspection.models import Finding, FindingSubject

EDITABLE = (DisciplinaryCase.State.OPEN, DisciplinaryCase.State.SELF_REVIEW, DisciplinaryCase.State.CONSIDERING)
TRANSITIONS: dict[str, set[str]] = {
    "open": {"self_review", "considering", "dropped"},
    "self_review": {"considering", "dropped"},
    "considering": {"self_review", "dropped"},
    "decided": {"closed"},
}
ACTIVE_CASE_EXCLUDE = (DisciplinaryCase.State.DROPPED,)


def _event(case: DisciplinaryCase, by: User, verb: str, *, from_state: str = "", to_state: str = "",
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


def _worded(text: str, field: str, vi_name: str) -> str:
    """A case's summary and factors go into its file and the decision: the one reason rule (a decision's words,
    services_common), not "....." or "asdf" (reviewer, issue 15, S2)."""
    from inspection.services_common import require_worded_reason

    return require_worded_reason(text, field, vi_name, words=DECISION_REASON_WORDS, letters=DECISION_REASON_LETTERS)


def _summary(summary: str) -> str:
    """An optional summary: empty, or written in words."""
    return _worded(summary, "summary", "tóm tắt hồ sơ") if (summary or "").strip() else ""


@transaction.atomic
def case_create(*, by: User, subject_kind: str, officer: Officer | None, unit: Unit | None,
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
    summary = _summary(summary)
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
def case_update(*, by: User, case: DisciplinaryCase, title: str | None = None,
                summary: str | None = None) -> DisciplinaryCase:
    case = _lock(case)
    _require_editable(case)
    changes: dict[str, Any] = {}
    if title is not None:
        if not title.strip():
            raise _invalid("Tiêu đề không được để trống.", "The title cannot be empty.", "title")
        case.title = changes["title"] = title.strip()[:300]
    if summary is not None:
        case.summary = changes["summary"] = _summary(summary)
    case.updated_at = timezone.now()
    case.save(update_fields=["title", "summary", "updated_at"])
    _event(case, by, "update", data=changes)
    return case


@transaction.atomic
def case_add_finding(*, by: User, case: DisciplinaryCase, finding: Finding) -> DisciplinaryCase:
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
def case_remove_finding(*, by: User, case: DisciplinaryCase, finding: Finding) -> DisciplinaryCase:
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
def case_add_factor(*, by: User, case: DisciplinaryCase, kind: str, text: str) -> CaseFactor:
    case = _lock(case)
    _require_editable(case)
    if kind not in CaseFactor.Kind.values:
        raise _invalid("Loại tình tiết phải là tăng nặng hoặc giảm nhẹ.", "kind must be aggravating or mitigating.",
                       "kind")
    if not (text or "").strip():
        raise _invalid("Cần nội dung tình tiết.", "The factor needs a text.", "text")
    text = _worded(text, "text", "nội dung tình tiết")
    factor = CaseFactor.objects.create(case=case, kind=kind, text=text[:500], added_by=by, added_at=timezone.now())
    _event(case, by, "factor_add", data={"factor": factor.pk, "kind": kind, "text": factor.text})
    return factor


@transaction.atomic
def case_remove_factor(*, by: User, case: DisciplinaryCase, factor_id: int) -> None:
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
def case_add_document(*, by: User, case: DisciplinaryCase, kind: str, fileobj: BinaryIO, filename: str,
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
def case_transition(*, by: User, case: DisciplinaryCase, to: str, note: str = "",
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
    from inspection.accountability.selectors_case_views import case_views

    fresh = (DisciplinaryCase.objects.filter(pk=case.pk).select_related("proposed_form", "decided_form")
             .prefetch_related("findings", "factors"))
    return case_views(list(fresh), today=today)[case.pk]


@transaction.atomic
def case_propose(*, by: User, case: DisciplinaryCase, form_code: str, note: str = "") -> DisciplinaryCase:
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
def case_record_council(*, by: User, case: DisciplinaryCase, held_on: date, note: str) -> DisciplinaryCase:
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
def case_decide(*, by: User, case: DisciplinaryCase, form_code: str, decision_number: str, authority: str,
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
