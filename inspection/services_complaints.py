"""Writes of citizen complaints: filing, triage, transitions and linking a finding."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from backend.accounts.models import Role, User
from backend.accounts.selectors import require_role
from backend.audit.services import audit_record
from backend.core.actors import Actor
from backend.core.errors import Conflict
from backend.org.models import Counter, Officer, Unit
from inspection.models import Complaint, Finding, FindingCategory
from inspection.services_common import TEAM, _aware, _invalid, _require_text


def _complaint_reference() -> str:
    year = timezone.localdate().year
    while True:
        ref = f"PA-{year}-{secrets.token_hex(3).upper()}"
        if not Complaint.objects.filter(reference=ref).exists():
            return ref


@transaction.atomic
def complaint_create(*, by: User, channel: str, received_at: datetime, summary: str, unit: Unit | None = None,
                     counter: Counter | None = None, officer: Officer | None = None,
                     occurred_at: datetime | None = None, details: str = "", complainant_name: str = "",
                     complainant_phone: str = "") -> Complaint:
    require_role(by, *TEAM, Role.ADMIN)
    if channel not in Complaint.Channel.values:
        raise _invalid("Kênh tiếp nhận không hợp lệ.", f"channel must be one of {Complaint.Channel.values}.", "channel")
    summary = _require_text(summary, "summary", "nội dung tóm tắt")
    _aware(received_at, "received_at")
    now = timezone.now()
    if received_at > now + timedelta(minutes=5):
        raise _invalid("Thời điểm tiếp nhận ở tương lai.", "received_at is in the future.", "received_at")
    if occurred_at is not None and _aware(occurred_at, "occurred_at") > received_at:
        raise _invalid("Sự việc không thể xảy ra sau khi tiếp nhận phản ánh.",
                       "occurred_at cannot be after received_at.", "occurred_at")
    if counter is not None:
        if unit is not None and counter.unit_id != unit.pk:
            raise _invalid("Quầy không thuộc đơn vị.", "The counter does not belong to the unit.", "counter_id")
        unit = unit or counter.unit
    complaint = Complaint.objects.create(reference=_complaint_reference(), channel=channel, received_at=received_at,
                                         unit=unit, counter=counter, officer=officer, occurred_at=occurred_at,
                                         summary=summary, details=details.strip(),
                                         complainant_name=complainant_name.strip()[:120],
                                         complainant_phone=complainant_phone.strip()[:30], received_by=by)
    audit_record(actor=by, verb="complaint.create", obj=complaint,
                 payload={"channel": channel, "unit": unit.pk if unit else None})
    return complaint


@transaction.atomic
def complaint_triage(*, by: User, complaint: Complaint, category: FindingCategory | None, priority: str,
                     unit: Unit | None = None, counter: Counter | None = None, officer: Officer | None = None,
                     note: str = "") -> Complaint:
    require_role(by, *TEAM)
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.state not in (Complaint.State.RECEIVED, Complaint.State.TRIAGED):
        raise Conflict("Phản ánh đã qua bước phân loại.", "The complaint is past triage.", code="invalid_state")
    if priority not in ("low", "normal", "high"):
        raise _invalid("Mức ưu tiên không hợp lệ.", "priority must be low, normal or high.", "priority")
    unit = unit or complaint.unit
    counter = counter or complaint.counter
    if counter is not None:
        if unit is not None and counter.unit_id != unit.pk:
            raise _invalid("Quầy không thuộc đơn vị.", "The counter does not belong to the unit.", "counter_id")
        unit = unit or counter.unit
    if unit is None:
        raise _invalid("Phân loại phải xác định đơn vị bị phản ánh.", "Triage must name the unit concerned.", "unit_id")
    complaint.category = category
    complaint.priority = priority
    complaint.unit = unit
    complaint.counter = counter
    complaint.officer = officer or complaint.officer
    complaint.state = Complaint.State.TRIAGED
    complaint.triaged_by = by
    complaint.triaged_at = timezone.now()
    if note.strip():
        complaint.resolution = note.strip()
    complaint.save()
    audit_record(actor=by, verb="complaint.triage", obj=complaint,
                 payload={"category": category.code if category else None, "priority": priority, "unit": unit.pk})
    return complaint


COMPLAINT_FLOW = {
    (Complaint.State.TRIAGED, Complaint.State.INVESTIGATING),
    (Complaint.State.INVESTIGATING, Complaint.State.RESOLVED),
    (Complaint.State.INVESTIGATING, Complaint.State.REJECTED),
    (Complaint.State.TRIAGED, Complaint.State.RESOLVED),
    (Complaint.State.TRIAGED, Complaint.State.REJECTED),
    (Complaint.State.RECEIVED, Complaint.State.REJECTED),
}


@transaction.atomic
def complaint_transition(*, by: Actor, complaint: Complaint, to_state: str, note: str = "") -> Complaint:
    require_role(by, *TEAM)
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if (complaint.state, to_state) not in COMPLAINT_FLOW:
        raise Conflict(f"Không thể chuyển phản ánh từ '{complaint.state}' sang '{to_state}'.",
                       f"A complaint cannot go from {complaint.state} to {to_state}.", code="invalid_transition")
    if to_state in (Complaint.State.RESOLVED, Complaint.State.REJECTED):
        complaint.resolution = _require_text(note, "note", "kết quả giải quyết / lý do")
        complaint.closed_at = timezone.now()
    from_state = complaint.state
    complaint.state = to_state
    complaint.save()
    audit_record(actor=by, verb=f"complaint.{to_state}", obj=complaint, payload={"from": from_state, "note": note})
    return complaint


@transaction.atomic
def complaint_link_finding(*, by: Actor, complaint: Complaint, finding: Finding) -> Finding:
    require_role(by, *TEAM)
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if finding.complaint_id not in (None, complaint.pk):
        raise Conflict("Vi phạm đã gắn với phản ánh khác.", "The finding is linked to another complaint.",
                       code="already_linked")
    finding.complaint = complaint
    finding.save(update_fields=["complaint"])
    audit_record(actor=by, verb="complaint.link_finding", obj=complaint, payload={"finding": finding.pk})
    return finding
