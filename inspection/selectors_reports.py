"""Reads of check reports: the report of a check (its draft for the team only), the minutes PDF for its
reader, and what changed since a version."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch

from backend.core.errors import NotFound
from inspection.models import CheckReport, CriterionResult, ReportEvidence
from inspection.secrecy import on_check_team
from inspection.selectors_checks import check_get_for

if TYPE_CHECKING:
    from backend.accounts.models import User


def report_get_for(*, user: User, uid: Any) -> CheckReport:
    check = check_get_for(user=user, uid=uid)
    report = (CheckReport.objects.select_related("surprise_check", "surprise_check__unit", "criteria_set",
                                                 "signed_by", "surprise_check__lead",
                                                 "surprise_check__counter")
              .prefetch_related(
                  Prefetch("results", queryset=CriterionResult.objects.select_related("criterion")),
                  Prefetch("evidence", queryset=ReportEvidence.objects.select_related("result__criterion")),
                  "amendments__author", "surprise_check__team")
              .filter(surprise_check=check).first())
    if report is None:
        raise NotFound("Cuộc kiểm tra chưa có biên bản.", "This check has no report yet.")
    if not report.is_signed and not on_check_team(user, check):
        # the unsigned report (on-site notes, scores) is the team's working paper: others read it signed
        raise NotFound("Biên bản chưa được ký: chỉ tổ kiểm tra được xem bản nháp.",
                       "The report is not signed yet: only the check's team may read the draft.")
    return report


def report_changes_since(*, report: CheckReport, version: int) -> list[dict[str, Any]]:
    """What reached the server after `version` of a report, from the audit chain (every write of the report
    is recorded there with the version it produced): per write, who, when, which criteria (before/after)
    and whether the summary changed. Shown to a field user whose queued change met a newer version."""
    from backend.audit.models import AuditEvent

    events = (AuditEvent.objects.select_related("actor")
              .filter(verb="report.update", object_type=CheckReport._meta.label_lower, object_id=str(report.pk))
              .order_by("at", "id"))
    out: list[dict[str, Any]] = []
    for event in events:
        payload = event.payload or {}
        produced = payload.get("version")
        if not isinstance(produced, int) or produced <= version:
            continue
        criteria = [c for c in payload.get("changes") or [] if isinstance(c, dict) and c.get("criterion")]
        summary_changed = payload.get("summary_changed") is True
        if not criteria and not summary_changed:
            continue
        actor = event.actor
        out.append({"version": produced, "at": event.at.isoformat(),
                    "by": (actor.get_full_name() or actor.get_username()) if actor else event.actor_label,
                    "criteria": criteria, "summary_changed": summary_changed})
    return out

