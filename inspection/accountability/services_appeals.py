"""Complaints against a case's decision: the complaint window, filing, accepting, refusing and resolving
an appeal."""
from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from backend.accounts.models import User
from backend.core.errors import Conflict
from inspection.accountability.engine import RuleBook
from inspection.accountability.escalation import joint_cap
from inspection.accountability.models import ComplaintRefusal, DisciplinaryCase
from inspection.accountability.services_cases import (
    ComplaintWindow,
    _case_view,
    _event,
    _form_for_case,
    _lock,
    _refuse_if_all_barred,
    complaint_window,
)
from inspection.accountability.services_common import _clean_reason, _invalid
from inspection.accountability.services_liabilities import _not_heavier_than_violator


def _accept_fields(*, received_on: date, accepted_on: date | None, book: RuleBook) -> date | None:
    if accepted_on is None:
        return None
    if not received_on <= accepted_on <= timezone.localdate():
        raise _invalid("Ngày thụ lý phải từ ngày nhận đơn đến hôm nay.",
                       "The day the complaint was accepted must be between its receipt and today.", "accepted_on")
    return accepted_on


@transaction.atomic
def case_appeal(*, by: User, case: DisciplinaryCase, filed_on: date, text: str, accepted_on: date | None = None,
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
def case_appeal_accept(*, by: User, case: DisciplinaryCase, accepted_on: date,
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
def case_complaint_refuse(*, by: User, case: DisciplinaryCase, received_on: date, text: str,
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


# Long on purpose: the legal steps of answering a complaint in their order, all in one transaction.
@transaction.atomic
def case_appeal_resolve(*, by: User, case: DisciplinaryCase, result: str, decided_on: date, note: str,
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
