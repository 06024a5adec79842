"""What needs me today: one inbox per role, each card a count and the first few rows, linked to the
page where the work is done. Every count is read through the owner of its visibility rule
(inspection.secrecy for checks, findings_for / cases_visible_to for the accountability side), so
the home page never tells anyone about a check they may not know exists."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import Role, User
from backend.accounts.selectors import two_factor_required, users_list
from backend.core.actors import AuthedRequest
from inspection.accountability.models import DisciplinaryCase, LeaderLiability
from inspection.accountability.selectors import cases_queryset, findings_for, liabilities_list, tasks_list
from inspection.accountability.selectors_case_views import case_views
from inspection.models import Finding, SurpriseCheck
from inspection.secrecy import checks_visible_to
from inspection.selectors_checks import minutes_awaiting_signature_q, planned_unit_gone
from inspection.selectors_draws import draws_list
from inspection.selectors_findings import finding_explained_q

ROWS = 5
SOON_DAYS = 7
DEADLINE_DAYS = 30


@dataclass
class Row:
    title: str
    detail: str = ""
    link: str = ""
    date: date | None = None
    tone: str = ""


@dataclass
class HomeCard:
    key: str
    count: int
    link: str
    tone: str = "neutral"
    rows: list[Row] = field(default_factory=list)


def _local(value: Any) -> date | None:
    return timezone.localtime(value).date() if value else None


def _check_row(c: SurpriseCheck) -> Row:
    start = timezone.localtime(c.window_start)
    return Row(title=f"{c.reference} · {c.unit.name}", detail=f"{start:%H:%M}",
               link=f"/inspection/checks/{c.uid}", date=start.date(),
               tone="red" if c.window_end and c.window_end < timezone.now() else "")


def _card_checks(key: str, qs: Any, link: str, tone: str = "blue") -> HomeCard:
    qs = qs.select_related("unit").order_by("window_start", "id")
    return HomeCard(key=key, count=qs.count(), link=link, tone=tone, rows=[_check_row(c) for c in qs[:ROWS]])


def _card_findings(key: str, qs: Any, link_prefix: str, list_link: str, tone: str = "amber") -> HomeCard:
    qs = qs.select_related("unit").order_by("-occurred_from", "-id")
    return HomeCard(key=key, count=qs.count(), link=list_link, tone=tone, rows=[
        Row(title=f"{f.reference} · {f.title}", detail=f.unit.name, link=f"{link_prefix}{f.pk}",
            date=_local(f.occurred_from)) for f in qs[:ROWS]])


def _card_unit_gone(qs: Any) -> HomeCard:
    """Planned checks (of the lead's own) whose unit ends before the window: they cannot be started
    (check_start refuses), the lead cancels or re-plans them. Shown only when there is one; the date is the
    unit's last day. Secret checks: only the checks the lead may see (checks_visible_to) are read."""
    qs = planned_unit_gone(qs).select_related("unit").order_by("window_start", "id")
    return HomeCard(key="planned_unit_gone", count=qs.count(), link="/inspection/checks", tone="red",
                    rows=[Row(title=f"{c.reference} · {c.unit.name}", detail="unit_gone",
                              link=f"/inspection/checks/{c.uid}", date=c.unit.valid_to, tone="red")
                          for c in qs[:ROWS]])


def _card_team_approvals(user: User, link: str = "/inspection/approvals") -> HomeCard:
    """Account changes giving powers or resetting credentials that wait for this person's approval (the
    two-person rule, backend.accounts.services_grants): the ones a lead (or, outside the team, another
    administrator) may decide (not asked by them, not about them)."""
    from backend.accounts.services_grants import pending_for_lead

    qs = pending_for_lead(user).select_related("target").order_by("expires_at", "id")
    return HomeCard(key="team_approvals", count=qs.count(), link=link, tone="red", rows=[
        Row(title=f"{g.target.get_full_name() or g.target.username} ({g.target.username})",
            detail=f"grant_{g.kind}", link=link, date=_local(g.expires_at)) for g in qs[:ROWS]])


def _card_clip_remaps(user: User) -> HomeCard:
    """Corrections of a clip's camera or time waiting for a lead (the two-person rule, media_ingest.services_remap):
    the ones this lead may decide (not asked by him)."""
    from media_ingest.models import ClipRemapRequest

    qs = (ClipRemapRequest.objects.filter(state=ClipRemapRequest.State.PENDING).exclude(requested_by=user)
          .select_related("clip", "camera").order_by("requested_at", "id"))
    return HomeCard(key="clip_remaps", count=qs.count(), link="/inspection/approvals", tone="red", rows=[
        Row(title=f"{r.clip.key} → {r.camera.code}", detail="clip_remap", link="/inspection/approvals",
            date=_local(r.requested_at)) for r in qs[:ROWS]])


def _lead(user: User) -> list[HomeCard]:
    visible = checks_visible_to(user)
    soon = timezone.now() + timedelta(days=SOON_DAYS)
    due = visible.filter(state=SurpriseCheck.State.PLANNED, window_start__lte=soon)
    to_sign = visible.filter(minutes_awaiting_signature_q(), lead=user)
    draws = draws_list(user=user).filter(state="open")
    drafts = findings_for(user).filter(state=Finding.State.DRAFT)
    gone = _card_unit_gone(visible.filter(Q(lead=user) | Q(created_by=user)))
    return [
        *([gone] if gone.count else []),
        _card_team_approvals(user),
        _card_clip_remaps(user),
        _card_checks("due_checks", due, "/inspection/checks", "amber"),
        HomeCard(key="open_draws", count=draws.count(), link="/inspection/draws", tone="blue", rows=[
            Row(title=d.name or f"#{d.pk}", detail=str(getattr(d, "planned_count", "")), link="/inspection/draws",
                date=_local(d.created_at)) for d in draws[:ROWS]]),
        _card_checks("reports_to_sign", to_sign, "/inspection/checks", "green"),
        _card_findings("draft_findings", drafts, "/inspection/findings/", "/inspection/findings"),
    ]


def _inspector(user: User) -> list[HomeCard]:
    mine = checks_visible_to(user).filter(Q(team=user) | Q(lead=user)).filter(
        state__in=[SurpriseCheck.State.PLANNED, SurpriseCheck.State.IN_PROGRESS]).distinct()
    drafts = findings_for(user).filter(state=Finding.State.DRAFT, created_by=user)
    gone = _card_unit_gone(checks_visible_to(user).filter(lead=user))  # an inspector may lead a drawn check
    return [
        *([gone] if gone.count else []),
        _card_checks("team_checks", mine, "/inspection/checks"),
        _card_findings("my_draft_findings", drafts, "/inspection/findings/", "/inspection/findings"),
    ]


def _reviewer(user: User) -> list[HomeCard]:
    from media_ingest.review.selectors_moments import MomentFilters, moments_to_review

    moments = moments_to_review(user=user, filters=MomentFilters())
    with_footage = [m for m in moments if m["footage"].get("clip_id")]
    rows = []
    for m in moments[:ROWS]:
        clip = m["footage"].get("clip_id")
        link = f"/review/clips/{clip}?t={m['footage'].get('offset_s') or 0}" if clip else "/review/moments"
        # a rating with no comment is described by its score (words for it are the client's)
        detail = m["summary"] or (f"rating_{m['detail'].get('score')}" if m["kind"] == "rating" else "")
        at = timezone.localtime(m["at"])
        rows.append(Row(title=f"{m['counter'].unit.name} · {m['counter'].name}"[:200],
                        detail=f"{at:%H:%M} · {detail}" if detail else f"{at:%H:%M}", link=link,
                        date=at.date(), tone="red" if m.get("risk", 0) >= 70 else ""))
    return [
        HomeCard(key="moments", count=len(moments), link="/review/moments", tone="amber", rows=rows),
        HomeCard(key="moments_with_footage", count=len(with_footage), link="/review/moments?footage=true",
                 tone="blue"),
    ]


OPEN_CASE = [DisciplinaryCase.State.OPEN, DisciplinaryCase.State.SELF_REVIEW, DisciplinaryCase.State.CONSIDERING]


def _disciplinary(user: User) -> list[HomeCard]:
    today = timezone.localdate()
    horizon = today + timedelta(days=DEADLINE_DAYS)
    cases = list(cases_queryset(user=user).filter(
        state__in=[*OPEN_CASE, DisciplinaryCase.State.DECIDED, DisciplinaryCase.State.APPEALED]))
    views = case_views(cases, today=today, reader=user)
    deadlines: list[Row] = []
    for case in cases:
        dl = views[case.pk].deadlines
        handling = dl["handling"]
        if case.state in OPEN_CASE and handling["deadline"] <= horizon:
            deadlines.append(Row(title=f"{case.reference} · {case.title}", detail="handling",
                                 link=f"/accountability/cases/{case.pk}", date=handling["deadline"],
                                 tone="red" if handling["deadline"] < today else "amber"))
        for step in ("first", "second"):
            window = dl["complaints"][step]
            if window and not window["filed_on"] and today <= window["deadline"] <= horizon:
                deadlines.append(Row(title=f"{case.reference} · {case.title}", detail=f"complaint_{step}",
                                     link=f"/accountability/cases/{case.pk}", date=window["deadline"],
                                     tone="amber"))
    deadlines.sort(key=lambda r: r.date or today)
    undecided = liabilities_list(user=user, filters={"state": LeaderLiability.State.PROPOSED})
    return [
        HomeCard(key="deadlines", count=len(deadlines), link="/accountability/cases", tone="red",
                 rows=deadlines[:ROWS]),
        HomeCard(key="undecided_liabilities", count=undecided.count(), link="/accountability/findings",
                 tone="amber", rows=[
                     Row(title=f"{li.officer.full_name} · {li.unit.name}", detail=li.finding.reference,
                         link=f"/accountability/trace/{li.finding_id}", date=li.period_from)
                     for li in undecided[:ROWS]]),
    ]


def _unit_head(user: User) -> list[HomeCard]:
    today = timezone.localdate()
    tasks = tasks_list(user=user, filters={}).filter(delivered_on__isnull=True, year__gte=today.year - 1)
    # overdue in words beside the red bar, not by colour alone (issue 15)
    task_rows = [Row(title=t.title, link=f"/accountability/tasks?task={t.pk}", date=t.due_date,
                     detail=f"{t.unit.name} · Quá hạn {(today - t.due_date).days} ngày" if t.due_date < today else t.unit.name,
                     tone="red" if t.due_date < today else "") for t in tasks.order_by("due_date")[:ROWS]]
    findings = (findings_for(user).filter(state__in=[Finding.State.CONFIRMED, Finding.State.ACTIONED])
                .annotate(explained=finding_explained_q()).select_related("unit"))
    # an inbox: only what still needs him (no giải trình sent yet), the count and the rows alike; the
    # answered ones are in the findings list's "explained" filter (the page links it), not here (issue 15)
    waiting = findings.filter(explained=False)
    finding_rows = [Row(title=f"{f.reference} · {f.title}", detail=f.unit.name,
                        link=f"/inspection/findings/{f.pk}", date=_local(f.occurred_from))
                    for f in waiting.order_by("-occurred_from", "-id")[:ROWS]]
    # leaders' liabilities on findings in the unit (the head's own among them), not yet rejected
    liabilities = liabilities_list(user=user, filters={}).exclude(state=LeaderLiability.State.REJECTED)
    return [
        HomeCard(key="unit_tasks", count=tasks.count(), link="/accountability/tasks", tone="blue", rows=task_rows),
        HomeCard(key="unit_findings", count=waiting.count(), link="/inspection/findings?explained=false", tone="amber",
                 rows=finding_rows),
        HomeCard(key="unit_liabilities", count=liabilities.count(), link="/accountability/findings", tone="amber", rows=[
            Row(title=f"{li.officer.full_name} · {li.unit.name}", detail=f"{li.finding.reference} · {li.get_state_display()}",
                link=f"/accountability/trace/{li.finding_id}", date=li.period_from,
                tone="red" if li.state == LeaderLiability.State.CONFIRMED else "")
            for li in liabilities[:ROWS]]),
    ]


def _admin(user: User) -> list[HomeCard]:
    from media_ingest.selectors import ingest_clips, ingest_status

    status = ingest_status(user=user)
    failed = ingest_clips(user=user, problem="failed")
    problems = status.by_state.get("failed", 0) + status.by_state.get("partial", 0)
    users = list(users_list())
    headless = _units_without_head()
    no_second_factor = [u for u in users if u.is_active and two_factor_required(u)
                        and not getattr(u, "_cw_two_factor", False)]
    return [
        HomeCard(key="ingest_problems", count=problems, link="/admin/ingest", tone="red", rows=[
            Row(title=c.key, detail=(c.error or "")[:160], link="/admin/ingest", date=_local(c.discovered_at))
            for c in failed[:ROWS]]),
        HomeCard(key="unmapped_keys", count=status.unassigned, link="/admin/ingest", tone="amber"),
        HomeCard(key="users", count=sum(1 for u in users if u.is_active), link="/admin/users", tone="blue", rows=[
            Row(title=u.get_full_name() or u.get_username(), detail="two_factor_missing", link="/admin/users")
            for u in no_second_factor[:ROWS]]),
        HomeCard(key="units_without_head", count=len(headless), link="/admin/org", tone="amber", rows=[
            Row(title=u.name, detail=u.code, link=f"/admin/org?unit={u.pk}") for u in headless[:ROWS]]),
        _card_team_approvals(user, link="/admin/users"),  # another administrator's requests (F-D)
    ]


def _units_without_head() -> list[Any]:
    from backend.org.selectors import unit_tree_at

    return [n.unit for n in unit_tree_at(at=timezone.localdate(), unit_ids=None) if not n.heads]


BUILDERS: dict[str, Callable[[Any], list[HomeCard]]] = {
    Role.INSPECTION_LEAD: _lead,
    Role.INSPECTOR: _inspector,
    Role.REVIEWER: _reviewer,
    Role.DISCIPLINARY: _disciplinary,
    Role.UNIT_HEAD: _unit_head,
    Role.ADMIN: _admin,
}


def home_for(*, user: User) -> list[HomeCard]:
    builder = BUILDERS.get(user.role)
    return builder(user) if builder else []


class RowSerializer(serializers.Serializer):
    title = serializers.CharField()
    detail = serializers.CharField()
    link = serializers.CharField()
    date = serializers.DateField(allow_null=True)
    tone = serializers.CharField()


CARD_TONES = [(tone, tone) for tone in ("neutral", "blue", "green", "amber", "red")]


class HomeCardSerializer(serializers.Serializer):
    key = serializers.CharField()
    count = serializers.IntegerField()
    link = serializers.CharField()
    tone = serializers.ChoiceField(choices=CARD_TONES)
    rows = RowSerializer(many=True)


class HomeOutputSerializer(serializers.Serializer):
    role = serializers.CharField()
    today = serializers.DateField()
    cards = HomeCardSerializer(many=True)


class HomeApi(APIView):
    @extend_schema(responses=HomeOutputSerializer)
    def get(self, request: AuthedRequest) -> Response:
        user = request.user  # authenticated: the default permission refuses anonymous callers
        return Response(HomeOutputSerializer({"role": user.role, "today": timezone.localdate(),
                                              "cards": home_for(user=user)}).data)

