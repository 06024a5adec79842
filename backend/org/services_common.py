"""What the org services share: range checks, the reason a correction needs, local days, and which
records an org change may look at and name to its caller (secret checks and drafts stay unnamed)."""
from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.apps import apps
from django.db.models import Q
from django.utils import timezone

from backend.core.actors import Actor, actor_user
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
    # the one reason rule: ending or merging a unit from a past day rewrites history, "xin chào" is no reason
    # (insider S2-2)
    from inspection.services_common import require_worded_reason

    require_worded_reason(reason, "reason", "lý do", words=2, letters=6)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _d(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def _viewer_findings(viewer: Actor | None) -> Any:
    """Findings `viewer` may know of: the inspection app's one owner (secret checks, drafts, scope)."""
    from inspection.selectors_findings import findings_visible_to

    user = actor_user(viewer)
    if user is None:
        return apps.get_model("inspection", "Finding").objects.none()
    return findings_visible_to(user)


def _viewer_checks(viewer: Actor | None) -> Any:
    """Checks `viewer` may know exist: inspection/secrecy.py, the one owner of the secrecy rule."""
    from inspection.secrecy import checks_visible_to

    user = actor_user(viewer)
    if user is None:
        return apps.get_model("inspection", "SurpriseCheck").objects.none()
    return checks_visible_to(user)


def _recorded_findings() -> Any:
    """Findings that are part of the record an org change may rewrite: not dismissed, and not linked to a
    never-started check (a planned check is a secret: an org change never looks at it, see docs)."""
    from inspection.secrecy import public_check_link_q

    return apps.get_model("inspection", "Finding").objects.exclude(state="dismissed").filter(public_check_link_q())


def _only_visible(qs: Any, viewer: Actor | None) -> list[Any]:
    """The rows of `qs` the viewer may see. The others (drafts of the inspection team) are not looked at by
    an org change at all, like a planned check: they neither block, nor change a message, nor demand a
    reason, so the caller's answer is the same whether they exist or not (docs/architecture.md, "Org
    changes and secret records"). Publishing such a draft re-checks the org record (services_findings)."""
    return list(qs.filter(pk__in=_viewer_findings(viewer).values("pk")).order_by("occurred_from", "pk"))


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


def _require_correction_reason(*, viewer: Actor, findings: Any, reason: str, vi: str, en: str,
                               named_vi: str, named_en: str, effect_vi: str, effect_en: str,
                               code: str = "reason_required") -> list[str] | None:
    """The one rule for org corrections that reach recorded findings: a change that rewrites what a
    recorded finding the caller may see rests on (an appointment across its period, an officer's identity,
    a unit's name) needs a reason, audited with it, and the refusal names those findings. Findings the
    caller may not see (drafts) are not looked at (_only_visible): they neither demand a reason nor change
    the answer, so the answer never tells they exist (docs/architecture.md, "Org changes and secret
    records"); publishing the draft re-checks the org record (services_findings). `named_vi`/`named_en`
    take `{shown}`/`{refs}`. Returns the references to audit, or None when none is touched."""
    refs = [f.reference for f in _only_visible(findings, viewer)]
    if not refs:
        return None
    if len(reason) < REASON_MIN:
        shown = ", ".join(refs[:10]) + (f" … (+{len(refs) - 10})" if len(refs) > 10 else "")
        raise Conflict(
            f"{vi}: {named_vi.format(shown=shown)}. {effect_vi}; "
            f"cần nêu lý do đính chính (ít nhất {REASON_MIN} ký tự), lý do được ghi vào nhật ký.",
            f"{en}: {named_en.format(refs=', '.join(refs))}. {effect_en}; "
            f"give a reason (at least {REASON_MIN} characters), it is audited.",
            code=code, fields={"reason": ["required"]})
    return refs


def _require_reason_if_named(*, viewer: Actor, findings: Any, reason: str, vi: str, en: str,
                             code: str = "reason_required") -> list[str] | None:
    """An identity correction (an officer's name or number, a unit's name) of someone a recorded finding
    names rewrites what the trace and the reports print for the past (_require_correction_reason)."""
    return _require_correction_reason(
        viewer=viewer, findings=findings, reason=reason, vi=vi, en=en, code=code,
        named_vi="được ghi trong {shown}", named_en="named by findings {refs}",
        effect_vi="Thay đổi này làm hồ sơ đã ghi nhận hiển thị thông tin mới như thể vốn có từ trước",
        effect_en="This changes what recorded findings print for the past")
