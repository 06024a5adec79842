"""Reads of inspection data, with object-level permission.

Secrecy of planned checks lives in ONE place: `inspection.secrecy` (team membership, not role).
Every read of checks, reports, findings linked to checks, counts, exports and search goes through it.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from backend.accounts.models import INSPECTION_TEAM, Role, User
from backend.accounts.selectors import require_role, user_unit_ids
from backend.core.errors import NotFound
from backend.core.text import fold
from inspection.models import (
    CheckReport,
    Complaint,
    CounterVolume,
    CriteriaSet,
    Criterion,
    CriterionResult,
    Draw,
    Finding,
    FindingCategory,
    FindingExplanation,
    FindingSubject,
    InspectorAbsence,
    ReportEvidence,
    RiskSnapshot,
    RiskWeights,
    SatisfactionRating,
    SurpriseCheck,
)
from inspection.secrecy import CHECK_READERS as _CHECK_READERS
from inspection.secrecy import check_link_visible_q, checks_visible_to, on_check_team, started_q

TEAM = tuple(INSPECTION_TEAM)
# Who reads what (besides scope): ratings are not secret; complaints carry citizens' details.
RATING_READERS = (*TEAM, Role.ADMIN, Role.REVIEWER, Role.DISCIPLINARY, Role.UNIT_HEAD)
COMPLAINT_READERS = (*TEAM, Role.ADMIN, Role.REVIEWER, Role.DISCIPLINARY)
CHECK_READERS = tuple(_CHECK_READERS)
FINDING_READERS = (*TEAM, Role.ADMIN, Role.REVIEWER, Role.DISCIPLINARY, Role.UNIT_HEAD)


def is_team(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.role in INSPECTION_TEAM)


def _scoped(qs: QuerySet[Any], user: Any, field: str) -> QuerySet[Any]:
    ids = user_unit_ids(user)
    if ids is None:
        return qs
    return qs.filter(**{f"{field}__in": list(ids)})


# --- checks: the secrecy rule ------------------------------------------------------------------


def hidden_check_q(user: Any, prefix: str = "surprise_check") -> Q:
    """Rows linked to a check the user may not know of are dropped (see inspection.secrecy)."""
    return check_link_visible_q(user, prefix)


def checks_list(*, user: Any, filters: dict[str, Any]) -> QuerySet[SurpriseCheck]:
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


def check_counts(*, user: Any) -> dict[str, int]:
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


def check_get_for(*, user: Any, uid: Any) -> SurpriseCheck:
    """One check or NotFound; a secret check answers exactly like a missing one."""
    check = (checks_visible_to(user).select_related("unit", "counter", "lead__officer", "criteria_set", "draw")
             .prefetch_related(Prefetch("team", queryset=User.objects.select_related("officer"))).filter(uid=uid).first())
    if check is None:
        raise NotFound("Không tìm thấy cuộc kiểm tra.", "Check not found.")
    return check


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


# --- criteria -----------------------------------------------------------------------------------


def criteria_sets_list(*, year: int | None = None) -> QuerySet[CriteriaSet]:
    qs = CriteriaSet.objects.annotate(criteria_count=Count("criteria"))
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "code", "-version", "-id")


def criteria_set_get(*, pk: int) -> CriteriaSet:
    cs = CriteriaSet.objects.filter(pk=pk).first()
    if cs is None:
        raise NotFound("Không tìm thấy bộ tiêu chí.", "Criteria set not found.")
    return cs


def criteria_set_default(*, year: int) -> CriteriaSet | None:
    """The newest active set for `year`, else the newest active set of an earlier year."""
    return (CriteriaSet.objects.filter(is_active=True, year__lte=year)
            .order_by("-year", "-version", "-id").first())


def criteria_tree(*, criteria_set: CriteriaSet) -> list[dict[str, Any]]:
    nodes = list(Criterion.objects.filter(criteria_set=criteria_set).order_by("position", "id"))
    by_parent: dict[int | None, list[Criterion]] = {}
    for node in nodes:
        by_parent.setdefault(node.parent_id, []).append(node)

    def build(parent: int | None) -> list[dict[str, Any]]:
        out = []
        for c in by_parent.get(parent, []):
            item: dict[str, Any] = {"code": c.code, "text": c.text, "text_en": c.text_en,
                                    "max_points": float(c.max_points), "weight": float(c.weight),
                                    "critical": c.critical}
            if c.guidance:
                item["guidance"] = c.guidance
            children = build(c.pk)
            if children:
                item["children"] = children
            out.append(item)
        return out

    return build(None)


def criteria_leaves(*, criteria_set: CriteriaSet) -> list[Criterion]:
    nodes = list(Criterion.objects.filter(criteria_set=criteria_set).order_by("position", "id"))
    parents = {n.parent_id for n in nodes if n.parent_id}
    return [n for n in nodes if n.pk not in parents]


# --- risk and draws -------------------------------------------------------------------------------


def risk_weights_current() -> RiskWeights | None:
    return RiskWeights.objects.order_by("-created_at", "-id").first()


def risk_latest(*, user: Any) -> list[RiskSnapshot]:
    require_role(user, *TEAM)
    latest: dict[int, RiskSnapshot] = {}
    for snap in RiskSnapshot.objects.select_related("unit").order_by("unit_id", "-computed_at", "-id"):
        latest.setdefault(snap.unit_id, snap)
    return sorted(latest.values(), key=lambda s: (-s.score, s.unit.code))


def _draws_visible_to(user: Any) -> QuerySet[Draw]:
    """A draw names its targets: while open, only the lead who made it reads it; once closed (no
    check of it still planned) the inspection team does."""
    require_role(user, *TEAM)
    return Draw.objects.filter(Q(created_by=user) | Q(closed_at__isnull=False))


def _with_counts(draws: QuerySet[Draw]) -> QuerySet[Draw]:
    """Every check of the draw, and those still planned (one count for the card, the detail and home,
    whether or not the reader may see each check: a lead kept off one for a conflict of interest)."""
    return draws.annotate(checks_count=Count("checks", distinct=True),
                          planned_count=Count("checks", filter=Q(checks__state=SurpriseCheck.State.PLANNED),
                                              distinct=True))


def draws_list(*, user: Any) -> QuerySet[Draw]:
    return (_with_counts(_draws_visible_to(user).select_related("created_by", "closed_by"))
            .order_by("-created_at", "-id"))


def draw_get_for(*, user: Any, pk: int) -> Draw:
    """Draws name their targets: see `_draws_visible_to` (verification included)."""
    draw = _with_counts(_draws_visible_to(user).select_related("created_by", "closed_by")).filter(pk=pk).first()
    if draw is None:
        raise NotFound("Không tìm thấy lượt rút thăm.", "Draw not found.")
    return draw


def draw_exclusions_for(*, user: Any, draw: Draw) -> list[dict[str, Any]]:
    """The units the draw left out and why; a unit left out for a planned check names that check
    (reference and first day) when the reader may see it: another team's plan stays a secret."""
    excluded = [dict(e) for e in (draw.params or {}).get("excluded", [])]
    pending = [e["unit_id"] for e in excluded if e.get("reason") == "planned_check_pending"]
    if pending:
        found: dict[int, SurpriseCheck] = {}
        for check in (checks_visible_to(user).filter(unit_id__in=pending, created_at__lt=draw.created_at)
                      .exclude(draw=draw).order_by("window_start", "id")):
            found.setdefault(check.unit_id, check)
        for e in excluded:
            pending_check = found.get(e["unit_id"]) if e.get("reason") == "planned_check_pending" else None
            if pending_check is not None:
                e["check"] = {"reference": pending_check.reference,
                              "date": timezone.localdate(pending_check.window_start).isoformat()}
    return excluded


# Roles outside the inspection team to whom every draw's commitment is published, so that a re-roll
# (cancel every check, close, draw again) is seen by someone independent of the team.
COMMITMENT_READERS = frozenset({*TEAM, Role.DISCIPLINARY, Role.ADMIN})


def draw_for_verification(*, user: Any, pk: int) -> tuple[Draw, bool]:
    """The draw a reader may verify, and whether he may see its targets: the inspection team as for
    `draw_get_for`; the disciplinary officers and administrators any draw, without its targets."""
    require_role(user, *COMMITMENT_READERS)
    if user.role in INSPECTION_TEAM:
        return draw_get_for(user=user, pk=pk), True
    draw = Draw.objects.filter(pk=pk).first()
    if draw is None:
        raise NotFound("Không tìm thấy lượt rút thăm.", "Draw not found.")
    return draw, False


def draw_commitments(*, user: Any) -> list[dict[str, Any]]:
    """Every draw's public commitment: seed hash, time, n, window, who drew, state, the revealed seed
    once closed, redraw/void flags with their reasons, and how many of its checks were started.
    Never a target, a slot or a team: a planned check is a secret (inspection/secrecy.py)."""
    from backend.accounts.selectors import user_title
    from inspection.services_draws import published_parameters

    require_role(user, *COMMITMENT_READERS)
    draws = list(Draw.objects.select_related("created_by__officer", "closed_by")
             .annotate(started=Count("checks", filter=started_q("checks__"), distinct=True),
                       cancelled=Count("checks", filter=Q(checks__state=SurpriseCheck.State.CANCELLED),
                                       distinct=True))
             .order_by("-created_at", "-id"))
    excluded_uids = {uid for d in draws for e in d.params.get("excluded", []) for uid in e.get("checks", [])}
    dropped = set(map(str, SurpriseCheck.objects.filter(uid__in=excluded_uids, started_at__isnull=True,
                                                        state=SurpriseCheck.State.CANCELLED)
                      .values_list("uid", flat=True))) if excluded_uids else set()
    manual = list(SurpriseCheck.objects.filter(draw__isnull=True).exclude(state=SurpriseCheck.State.PLANNED)
                  .values_list("window_start", "started_at", "state"))
    rows = []
    for d in draws:
        flags = list(d.flags)
        # a unit kept out of the draw by a check that was then cancelled without being started (F1)
        gone = sum(1 for e in d.params.get("excluded", []) if any(uid in dropped for uid in e.get("checks", [])))
        if gone:
            flags.append({"code": "excluded_by_cancelled_check", "count": gone})
        start, end = d.params.get("start"), d.params.get("end")
        in_window = [m for m in manual if start and end and start <= timezone.localtime(m[0]).date().isoformat() <= end]
        rows.append({
            "id": d.pk, "created_at": d.created_at,
            "created_by": user_title(d.created_by) if d.created_by_id else None,  # rank and name, not the login
            "seed_sha256": d.seed_sha256, "n": d.params.get("n"), "start": start, "end": end, "state": d.state,
            "closed_at": d.closed_at, "seed": d.seed if d.state == Draw.State.CLOSED else None, "reason": d.reason,
            "close_reason": d.close_reason, "flags": flags, "checks_started": d.started,
            "checks_cancelled": d.cancelled, "parameters": published_parameters(d.params),
            # hand-picked checks in the draw's window (F14): started ones, and ones cancelled unstarted
            "manual_checks_started": sum(1 for m in in_window if m[1] is not None),
            "manual_checks_cancelled": sum(1 for m in in_window
                                           if m[1] is None and m[2] == SurpriseCheck.State.CANCELLED),
        })
    return rows


def absences_list(*, user: Any, on_or_after: date | None = None) -> QuerySet[InspectorAbsence]:
    """Who of the inspection team is out of the draw's pool, when and why: for the team and the
    administrators (it names no unit and no check)."""
    require_role(user, *TEAM, Role.ADMIN)
    qs = InspectorAbsence.objects.select_related("user", "created_by", "withdrawn_by")
    if on_or_after is not None:
        qs = qs.filter(end__gte=on_or_after)
    return qs.order_by("-start", "-id")


def team_members(*, user: Any) -> list[Any]:
    from backend.accounts.models import User

    require_role(user, *TEAM, Role.ADMIN)
    return list(User.objects.filter(role__in=TEAM, is_active=True).order_by("username"))


def absence_get(*, user: Any, pk: int) -> InspectorAbsence:
    require_role(user, *TEAM, Role.ADMIN)
    absence = InspectorAbsence.objects.filter(pk=pk).first()
    if absence is None:
        raise NotFound("Không tìm thấy lần vắng mặt.", "Absence not found.")
    return absence


# --- findings ----------------------------------------------------------------------------------------


def findings_visible_to(user: Any) -> QuerySet[Finding]:
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.role not in FINDING_READERS:
        return Finding.objects.none()
    qs = Finding.objects.filter(hidden_check_q(user))
    if user.role not in INSPECTION_TEAM:
        if user.role == Role.REVIEWER:
            qs = qs.filter(~Q(state=Finding.State.DRAFT) | Q(created_by=user))
        else:
            qs = qs.exclude(state=Finding.State.DRAFT)
    return _scoped(qs, user, "unit_id")


def finding_explained_q() -> Exists:
    """The unit has answered the finding: a giải trình or a self-review sent (the finding page's "Đơn vị
    chưa giải trình." is the same rule: no answer of either kind)."""
    return Exists(FindingExplanation.objects.filter(finding=OuterRef("pk")))


def findings_list(*, user: Any, filters: dict[str, Any]) -> QuerySet[Finding]:
    # the page's related rows and people are read by the view (inspection/apis/finding_rows.py)
    qs = findings_visible_to(user)
    for key in ("state", "severity", "source"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    if filters.get("unit_id"):
        qs = qs.filter(unit_id=filters["unit_id"])
    if filters.get("officer_id"):
        qs = qs.filter(subjects__officer_id=filters["officer_id"]).distinct()
    if filters.get("category"):
        qs = qs.filter(category__code=filters["category"])
    if filters.get("check"):
        qs = qs.filter(surprise_check__uid=filters["check"])
    if filters.get("complaint_id"):
        qs = qs.filter(complaint_id=filters["complaint_id"])
    if filters.get("explained") is not None:  # the unit head's "still to explain" (home) and "explained"
        qs = qs.filter(finding_explained_q()) if filters["explained"] else qs.exclude(finding_explained_q())
    if filters.get("from"):
        qs = qs.filter(occurred_from__gte=filters["from"])
    if filters.get("to"):
        qs = qs.filter(occurred_from__lt=filters["to"])
    if filters.get("search"):
        term = filters["search"].strip()
        qs = qs.filter(Q(reference__icontains=term) | Q(title__icontains=term))
    return qs.order_by("-occurred_from", "-id")


def finding_get_for(*, user: Any, id: int) -> Finding:  # noqa: A002 - the API's name for it
    finding = (findings_visible_to(user)
               .select_related("category", "unit", "counter", "surprise_check", "created_by__officer",
                               "confirmed_by__officer", "complaint", "rating", "criterion")
               .prefetch_related(Prefetch("subjects", queryset=FindingSubject.objects.select_related("officer")),
                                 "transitions__actor__officer", "evidence_items",
                                 "explanations__author__officer")
               .filter(pk=id).first())
    if finding is None:
        raise NotFound("Không tìm thấy vi phạm.", "Finding not found.")
    return finding


def categories_list() -> QuerySet[FindingCategory]:
    return FindingCategory.objects.filter(active=True).prefetch_related("fields")


def category_get(*, pk: int) -> FindingCategory:
    category = FindingCategory.objects.prefetch_related("fields").filter(pk=pk).first()
    if category is None:
        raise NotFound("Không tìm thấy loại vi phạm.", "Finding category not found.")
    return category


# --- ratings and complaints ----------------------------------------------------------------------------


def ratings_list(*, user: Any, filters: dict[str, Any]) -> QuerySet[SatisfactionRating]:
    require_role(user, *RATING_READERS)
    qs = _scoped(SatisfactionRating.objects.select_related("counter", "counter__unit"), user, "counter__unit_id")
    if filters.get("counter_id"):
        qs = qs.filter(counter_id=filters["counter_id"])
    if filters.get("unit_id"):
        qs = qs.filter(counter__unit_id=filters["unit_id"])
    if filters.get("max_score"):
        qs = qs.filter(score__lte=filters["max_score"])
    if filters.get("held") is not None:  # held for review (a burst from one device): not counted by risk
        qs = qs.filter(held=filters["held"])
    if filters.get("from"):
        qs = qs.filter(rated_at__gte=filters["from"])
    if filters.get("to"):
        qs = qs.filter(rated_at__lt=filters["to"])
    return qs.order_by("-rated_at", "-id")


def volumes_list(*, user: Any, filters: dict[str, Any]) -> QuerySet[CounterVolume]:
    """Transactions served per counter and day, in the reader's scope."""
    require_role(user, *RATING_READERS)
    qs = _scoped(CounterVolume.objects.select_related("counter", "counter__unit"), user, "counter__unit_id")
    if filters.get("counter_id"):
        qs = qs.filter(counter_id=filters["counter_id"])
    if filters.get("unit_id"):
        qs = qs.filter(counter__unit_id=filters["unit_id"])
    if filters.get("from"):
        qs = qs.filter(day__gte=filters["from"])
    if filters.get("to"):
        qs = qs.filter(day__lte=filters["to"])
    return qs.order_by("-day", "counter_id")


def rating_get_for(*, user: Any, id: int) -> SatisfactionRating:  # noqa: A002
    rating = ratings_list(user=user, filters={}).filter(pk=id).first()
    if rating is None:
        raise NotFound("Không tìm thấy lượt đánh giá.", "Rating not found.")
    return rating


def complaints_list(*, user: Any, filters: dict[str, Any]) -> QuerySet[Complaint]:
    require_role(user, *COMPLAINT_READERS)
    qs = _scoped(Complaint.objects.select_related("unit", "counter", "officer", "category"), user, "unit_id")
    qs = qs.annotate(findings_count=Count("findings"))
    for key in ("state", "channel"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    if filters.get("unit_id"):
        qs = qs.filter(unit_id=filters["unit_id"])
    if filters.get("search"):
        term = filters["search"].strip()
        qs = qs.filter(Q(reference__icontains=term) | Q(summary__icontains=term))
    return qs.order_by("-received_at", "-id")


def complaint_get_for(*, user: Any, id: int) -> Complaint:  # noqa: A002
    complaint = complaints_list(user=user, filters={}).filter(pk=id).first()
    if complaint is None:
        raise NotFound("Không tìm thấy phản ánh.", "Complaint not found.")
    return complaint


# Long on purpose: three per-counter measures over the same batched reads, reported side by side.
def rating_integrity(*, user: Any, start: datetime, end: datetime, too_soon_seconds: int = 20,
                     top_share_flag: float = 0.9, complaints_per_100_flag: float = 1.0) -> list[dict[str, Any]]:
    """Per counter: share of top scores, ratings made too soon after the previous one on the same
    device, and whether the ratings disagree with the complaints about that counter."""
    from backend.org.models import Counter

    require_role(user, *RATING_READERS)
    counters = _scoped(Counter.objects.select_related("unit"), user, "unit_id").order_by("code")
    counter_ids = [c.pk for c in counters]
    stats: dict[int, dict[str, Any]] = {cid: {"total": 0, "top": 0, "satisfied": 0, "unsatisfied": 0,
                                              "too_soon": 0, "score_sum": 0} for cid in counter_ids}
    last_seen: dict[tuple[int, str], datetime] = {}
    rows = (SatisfactionRating.objects.filter(counter_id__in=counter_ids, rated_at__gte=start, rated_at__lt=end)
            .order_by("counter_id", "device_code", "rated_at", "id")
            .values_list("counter_id", "device_code", "rated_at", "score"))
    for counter_id, device, rated_at, score in rows.iterator(chunk_size=5000):
        s = stats[counter_id]
        s["total"] += 1
        s["score_sum"] += score
        s["top"] += score == 5
        s["satisfied"] += score >= 4
        s["unsatisfied"] += score <= 2
        previous = last_seen.get((counter_id, device))
        if previous is not None and (rated_at - previous).total_seconds() < too_soon_seconds:
            s["too_soon"] += 1
        last_seen[(counter_id, device)] = rated_at
    complaints = dict(
        Complaint.objects.filter(counter_id__in=counter_ids, received_at__gte=start, received_at__lt=end)
        .exclude(state=Complaint.State.REJECTED).values("counter_id").annotate(n=Count("id"))
        .values_list("counter_id", "n"))
    out = []
    for counter in counters:
        s = stats[counter.pk]
        total = s["total"]
        n_complaints = complaints.get(counter.pk, 0)
        top_share = s["top"] / total if total else 0.0
        satisfied_share = s["satisfied"] / total if total else 0.0
        per_100 = (100.0 * n_complaints / total) if total else (float(n_complaints) * 100.0)
        flags = []
        if total and top_share >= top_share_flag:
            flags.append("top_share_high")
        if total and s["too_soon"] / total >= 0.1:
            flags.append("too_soon")
        disagree = n_complaints >= 2 and satisfied_share >= 0.8 and per_100 >= complaints_per_100_flag
        if disagree:
            flags.append("disagrees_with_complaints")
        out.append({
            "counter": {"id": counter.pk, "code": counter.code, "name": counter.name,
                        "unit": {"id": counter.unit_id, "code": counter.unit.code, "name": counter.unit.name}},
            "ratings": total,
            "mean_score": round(s["score_sum"] / total, 3) if total else None,
            "top_share": round(top_share, 4),
            "satisfied_share": round(satisfied_share, 4),
            "unsatisfied": s["unsatisfied"],
            "too_soon": s["too_soon"],
            "too_soon_share": round(s["too_soon"] / total, 4) if total else 0.0,
            "complaints": n_complaints,
            "complaints_per_100_ratings": round(per_100, 3),
            "disagrees_with_complaints": disagree,
            "flags": flags,
        })
    return out


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
