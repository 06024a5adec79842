"""What the org services share: range checks, the reason a correction needs, local days, and which
records an org change may look at and name to its caller (secret checks and drafts stay unnamed)."""
from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.apps import apps
from django.db.models import Q
from django.utils import timezone

from backend.core.actors import Actor
from backend.core.errors import Conflict, DomainError


def _check_range(valid_from: date, valid_to: date | None) -> None:
    if valid_to is not None and valid_to < valid_from:
        raise DomainError("Ngày kết thúc phải sau ngày bắt đầu.",
                          "valid_to must not be before valid_from.", code="invalid_period",
                          fields={"valid_to": ["before valid_from"]})


REASON_MIN = 5


def _clean_reason(reason: str | None) -> str:
    return " ".join((reason or "").split())


def _require_reason(reason: str, *, vi: str, en: str) -> None:
    if len(reason) < REASON_MIN:
        raise DomainError(f"{vi} Cần nêu lý do (ít nhất {REASON_MIN} ký tự).",
                          f"{en} A reason is required (at least {REASON_MIN} characters).",
                          code="reason_required", fields={"reason": ["required"]})


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _d(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def _viewer_findings(viewer: Actor | None) -> Any:
    """Findings `viewer` may know of: the inspection app's one owner (secret checks, drafts, scope)."""
    from inspection.selectors import findings_visible_to

    return findings_visible_to(viewer)


def _viewer_checks(viewer: Actor | None) -> Any:
    """Checks `viewer` may know exist: inspection/secrecy.py, the one owner of the secrecy rule."""
    from inspection.secrecy import checks_visible_to

    if not hasattr(viewer, "is_authenticated"):
        return apps.get_model("inspection", "SurpriseCheck").objects.none()
    return checks_visible_to(viewer)


def _recorded_findings() -> Any:
    """Findings that are part of the record an org change may rewrite: not dismissed, and not linked to a
    never-started check (a planned check is a secret: an org change never looks at it, see docs)."""
    from inspection.secrecy import public_check_link_q

    return apps.get_model("inspection", "Finding").objects.exclude(state="dismissed").filter(public_check_link_q())


def _split_visible(qs: Any, viewer: Actor | None) -> tuple[list[Any], bool]:
    """(the rows of `qs` the viewer may see, whether there are others): messages list only the first."""
    visible = list(qs.filter(pk__in=_viewer_findings(viewer).values("pk")).order_by("occurred_from", "pk"))
    hidden = qs.exclude(pk__in=[f.pk for f in visible]).exists()
    return visible, hidden


UNPUBLISHED_VI = "có hồ sơ đang xử lý chưa công bố ghi nhận đơn vị trong thời gian này"
UNPUBLISHED_EN = "unpublished records in progress name the unit in that period"


def _findings_naming(*, officer_id: int | None = None, unit_id: int | None = None) -> Any:
    """Recorded findings that name an officer (as a subject, or by a leader's liability still standing) or a
    unit (the finding's unit, or the unit a standing liability rests on): the trace and the reports print
    that officer's identity or that unit's name for the violation's days. Visibility is the caller's business."""
    liability = apps.get_model("accountability", "LeaderLiability")
    standing = liability.objects.exclude(state__in=["rejected", "superseded"])
    if officer_id is not None:
        q = Q(subjects__officer_id=officer_id) | Q(pk__in=standing.filter(officer_id=officer_id).values("finding_id"))
    else:
        assert unit_id is not None
        q = Q(unit_id=unit_id) | Q(pk__in=standing.filter(unit_id=unit_id).values("finding_id"))
    ids = _recorded_findings().filter(q).values("pk")
    return _recorded_findings().filter(pk__in=ids)


def _require_reason_if_named(*, viewer: Actor, findings: Any, reason: str, vi: str, en: str,
                             what_vi: str, what_en: str, code: str = "reason_required",
                             also_hidden: Any = None) -> list[str] | None:
    """An identity correction (an officer's name or number, a unit's name) of someone a recorded finding
    names rewrites what the trace and the reports print for the past: it needs a reason, audited with it.
    The refusal names only the findings the caller may see; for the others it says no more than that
    unpublished records exist. `also_hidden`: findings the caller may not see that count as if they named
    them (for an officer, those of the units and days he served: so a refusal never tells whether an
    unpublished finding names this very officer). Returns the references to audit, or None when none do."""
    visible, hidden = _split_visible(findings, viewer)
    if not hidden and also_hidden is not None:
        hidden = also_hidden.exclude(pk__in=_viewer_findings(viewer).values("pk")).exists()
    if not visible and not hidden:
        return None
    refs = [f.reference for f in visible]
    if len(reason) < REASON_MIN:
        if refs:
            shown = ", ".join(refs[:10]) + (f" … (+{len(refs) - 10})" if len(refs) > 10 else "")
            named_vi, named_en = f"được ghi trong {shown}", f"named by findings {', '.join(refs)}"
        else:
            named_vi, named_en = f"có hồ sơ đang xử lý chưa công bố ghi nhận {what_vi}", \
                f"unpublished records in progress name the {what_en}"
        raise Conflict(
            f"{vi}: {named_vi}. Thay đổi này làm hồ sơ đã ghi nhận hiển thị thông tin mới như thể vốn có từ trước; "
            f"cần nêu lý do đính chính (ít nhất {REASON_MIN} ký tự), lý do được ghi vào nhật ký.",
            f"{en}: {named_en}. This changes what recorded findings print for the past; "
            f"give a reason (at least {REASON_MIN} characters), it is audited.",
            code=code, fields={"reason": ["required"]})
    return refs
