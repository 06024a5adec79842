"""Reads of surprise checks: lists, counts, one check. Who may know of a check: `inspection.secrecy`."""
from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from backend.accounts.models import User
from backend.core.errors import NotFound
from backend.core.text import fold
from inspection.models import SurpriseCheck
from inspection.secrecy import checks_visible_to
from inspection.selectors_common import is_team


def check_lead_is_team_lead(check: SurpriseCheck, lead_post: str | None = None) -> bool:
    """Whether the check's lead is called "Tổ trưởng" (else "Phụ trách cuộc kiểm tra"): the one rule the
    minutes (inspection.pdf.lead_title), the check's page and the calendar share. The draw rotates who
    leads a check among the team, so the check's lead is not always the team's lead: "Tổ trưởng" only for
    one who holds that post: the post sealed in the signed minutes (`lead_post`; None: read from the
    check's report), else the account's role (fixui)."""
    from backend.accounts.models import Role

    if lead_post is None:
        lead_post = check_sealed_lead_post(check)
    if lead_post:
        return "tổ trưởng" in lead_post.lower()
    return check.lead is not None and check.lead.role == Role.INSPECTION_LEAD


def check_sealed_lead_post(check: SurpriseCheck) -> str:
    """The lead's post as sealed in the signed minutes ("" before signing)."""
    from inspection.models import CheckReport

    try:
        report = check.report
    except CheckReport.DoesNotExist:
        return ""
    if report.signed_at is None:
        return ""
    return str(((report.signed_content or {}).get("lead") or {}).get("post") or "")


def checks_list(*, user: User, filters: dict[str, Any]) -> QuerySet[SurpriseCheck]:
    qs = (checks_visible_to(user)
          .select_related("unit", "counter", "lead__officer", "report", "criteria_set")
          .prefetch_related(Prefetch("team", queryset=User.objects.select_related("officer"))))
    if filters.get("state"):
        qs = qs.filter(state=filters["state"])
    if filters.get("mode"):
        qs = qs.filter(mode=filters["mode"])
    if filters.get("unit_id"):
        qs = qs.filter(unit_id=filters["unit_id"])
    if filters.get("draw_id"):
        qs = qs.filter(draw_id=filters["draw_id"])
    if filters.get("from"):
        qs = qs.filter(window_start__gte=filters["from"])
    if filters.get("to"):
        qs = qs.filter(window_start__lt=filters["to"])
    if filters.get("search"):
        term = filters["search"].strip()
        qs = qs.filter(Q(reference__icontains=term) | Q(unit__search_name__contains=fold(term))
                       | Q(unit__code__iexact=term))
    return qs.order_by("-window_start", "-id")


def check_counts(*, user: User) -> dict[str, int]:
    rows = checks_visible_to(user).values("state").annotate(n=Count("id"))
    counts = {state: 0 for state in SurpriseCheck.State.values}
    for row in rows:
        counts[row["state"]] = row["n"]
    if not is_team(user):
        counts.pop(SurpriseCheck.State.PLANNED)
    counts["total"] = sum(counts.values())
    return counts


def planned_unit_gone(qs: QuerySet[SurpriseCheck]) -> QuerySet[SurpriseCheck]:
    """Planned checks of `qs` whose unit ends (ended, merged or abolished) before the check's window day:
    they cannot be started there (services_checks.check_start refuses them). An org change never looks at a
    planned check (a secret), so only its team learns of this, through the checks it may see; callers pass
    a queryset already read through checks_visible_to."""
    return (qs.filter(state=SurpriseCheck.State.PLANNED, unit__valid_to__isnull=False)
            .annotate(window_day=TruncDate("window_start", tzinfo=timezone.get_current_timezone()))
            .filter(unit__valid_to__lt=F("window_day")))


def check_unit_gone(check: SurpriseCheck) -> date | None:
    """The last day of a planned check's unit when it comes before the check's window day (else None)."""
    unit = check.unit
    if check.state != SurpriseCheck.State.PLANNED or unit is None or unit.valid_to is None:
        return None
    return unit.valid_to if unit.valid_to < timezone.localtime(check.window_start).date() else None


def check_get_for(*, user: User, uid: Any) -> SurpriseCheck:
    """One check or NotFound; a secret check answers exactly like a missing one."""
    check = (checks_visible_to(user).select_related("unit", "counter", "lead__officer", "criteria_set", "draw")
             .prefetch_related(Prefetch("team", queryset=User.objects.select_related("officer"))).filter(uid=uid).first())
    if check is None:
        raise NotFound("Không tìm thấy cuộc kiểm tra.", "Check not found.")
    return check



def minutes_awaiting_signature_q() -> Q:
    """Checks whose minutes still await a signature: ended and not yet signed by the lead, or signed by the
    lead and not yet by the inspected unit's representative (step 2). The minutes are complete only with
    both signatures: the home card "Biên bản chờ ký" and the check's shown state read this one rule."""
    return (Q(state=SurpriseCheck.State.COMPLETED)
            | Q(state=SurpriseCheck.State.SIGNED, report__rep_signed_at__isnull=True))


def check_awaits_unit_signature(check: SurpriseCheck) -> bool:
    """The lead signed the minutes and the unit's representative has not yet (see minutes_awaiting_signature_q)."""
    if check.state != SurpriseCheck.State.SIGNED:
        return False
    report = getattr(check, "report", None)
    return report is not None and report.rep_signed_at is None
