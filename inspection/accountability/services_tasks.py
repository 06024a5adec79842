"""Writes of CCHC tasks: registering the year's tasks and reporting a delivery."""
from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from backend.accounts.models import Role, User
from backend.accounts.selectors import unit_in_scope
from backend.audit.services import audit_record
from backend.core.errors import Conflict, Forbidden
from backend.org.models import Unit
from inspection.accountability.models import CchcTask
from inspection.accountability.scoring import DELIVERY_REPORT_GRACE_DAYS, task_outcome
from inspection.accountability.services_common import _invalid
from inspection.services_common import _refuse_says_nothing, plain_text

REGISTRATION_MONTH = 10


@transaction.atomic
def tasks_register(*, by: User, unit: Unit, year: int, items: list[dict[str, Any]],
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
def task_report_delivery(*, by: User, task: CchcTask, delivered_on: date, note: str = "") -> CchcTask:
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
    if (note or "").strip():
        # optional, but when written it says something: "ok" was kept as the result note (user review, issue 15)
        _refuse_says_nothing(" ".join(plain_text(note).split()), "note", "ghi chú kết quả")
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
