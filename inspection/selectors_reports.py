"""Reads of check reports: the report of a check (its draft for the team only), the minutes PDF for its
reader, and what changed since a version."""
from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from backend.core.errors import NotFound
from inspection.models import CheckReport, CriterionResult, Finding, FindingSubject, ReportEvidence
from inspection.secrecy import on_check_team
from inspection.selectors_checks import check_get_for
from inspection.selectors_findings import findings_visible_to


def report_get_for(*, user: Any, uid: Any) -> CheckReport:
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


def report_minutes_pdf(*, report: CheckReport, user: Any) -> bytes:
    """The signed minutes as PDF, rendered for its reader.

    The minutes list the check's findings that this reader may see and that are past draft (a draft
    allegation is never printed). The cached copy is keyed by the report's content version AND a
    digest of exactly those findings as they stand now, so two readers share a file only when they
    would see the same document, and a reader never receives a file rendered for someone else.
    """
    import hashlib
    import io

    from backend.core.store import ObjectMissing, get_store
    from inspection.pdf import LAYOUT_VERSION, render_minutes

    findings = list(findings_visible_to(user).filter(surprise_check=report.surprise_check)
                    .exclude(state__in=(Finding.State.DRAFT, Finding.State.DISMISSED)).select_related("category")
                    .prefetch_related(Prefetch("subjects", queryset=FindingSubject.objects.select_related("officer")))
                    .order_by("occurred_from", "id"))
    amendments = list(report.amendments.all())
    version_hash = amendments[-1].content_hash if amendments else report.content_hash
    seen = hashlib.sha256(repr([
        (f.pk, f.reference, f.state, f.title, f.severity, f.category.code, f.occurred_from, f.occurred_to,
         [(s.officer_id, s.officer.full_name, s.role) for s in f.subjects.all()]) for f in findings
    ]).encode()).hexdigest()[:32]
    # The layout version and the day (the findings part says "as of <date>") are in the key too.
    key = (f"inspection/checks/{report.surprise_check.uid}/minutes-{LAYOUT_VERSION}-{version_hash}-{seen}-"
           f"{timezone.localdate():%Y%m%d}.pdf")
    store = get_store()
    try:
        with store.open(key) as fh:
            return fh.read()
    except ObjectMissing:
        pass
    pdf = render_minutes(report, findings)
    store.put(key, io.BytesIO(pdf), len(pdf), "application/pdf")
    return pdf


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

