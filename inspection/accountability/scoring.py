"""Unit scores per period, ranking across a level, trend, and emulation consequences.

score = weighted mean of (signed check reports' percent, CCHC task delivery %) − finding deductions.
Every input is read in one query per kind (units, predecessors, reports, tasks, findings, heads)
for the period and once more for the previous period (the trend), then computed in memory:
no query per unit.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from backend.org.models import Assignment, Unit
from inspection.accountability.engine import fmt, fmt_en, sev_en, sev_vi
from inspection.accountability.models import CchcTask, ScoringPolicy
from inspection.accountability.trace import COUNTED_STATES, day_start, local_day, visible_check_q
from inspection.models import CheckReport, Finding, SurpriseCheck

CONSEQUENCES = {
    "khong_xet_tang": ("Không xét tặng danh hiệu thi đua", "Not considered for an emulation title"),
    "ha_bac": ("Hạ bậc danh hiệu thi đua", "Emulation title lowered one grade"),
}



# A head reports a delivery within this many days of it (the force's own regulation decides the figure;
# this is the default). A delivery reported later, or dated before its task was even registered, is
# recorded but flagged "reported_late": it counts as late (the policy's late credit), never on time.
DELIVERY_REPORT_GRACE_DAYS = 30


def task_outcome(*, due: date, delivered: date | None, reported_at: Any, registered_at: Any, today: date,
                 late_registration: bool = False) -> str:
    """One CCHC task's outcome: on_time, late, reported_late (on time by the date given, but reported
    after the grace, dated before the task was registered, or registered after the registration window:
    a task registered late is never on time), missed or pending. The one owner of the
    rule: scoring, the task list and the rankings all call it."""
    if delivered is None:
        return "missed" if due < today else "pending"
    late_report = late_registration or ((reported_at is not None and (local_day(reported_at) - delivered).days > DELIVERY_REPORT_GRACE_DAYS)
                   or (registered_at is not None and delivered < local_day(registered_at)))
    if delivered > due:
        return "late"
    return "reported_late" if late_report else "on_time"

@dataclass(frozen=True)
class Period:
    start: date
    end: date
    label: str

    def previous(self) -> Period:
        if self.label.count("-Q") == 1:
            year, q = int(self.label[:4]), int(self.label[-1])
            year, q = (year - 1, 4) if q == 1 else (year, q - 1)
            return quarter(year, q)
        if len(self.label) == 4:
            return year_period(int(self.label) - 1)
        length = self.end - self.start
        end = self.start - timedelta(days=1)
        return Period(end - length, end, f"{(end - length).isoformat()}..{end.isoformat()}")


def year_period(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31), str(year))


def quarter(year: int, q: int) -> Period:
    start = date(year, 3 * (q - 1) + 1, 1)
    end = (date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)) - timedelta(days=1)
    return Period(start, end, f"{year}-Q{q}")


@dataclass
class UnitScore:
    unit: Unit
    check_percent: float | None = None
    reports: int = 0
    tasks_total: int = 0
    tasks_on_time: int = 0
    tasks_late: int = 0
    critical_failed_reports: int = 0  # signed reports failing a critical criterion
    critical_uncovered_reports: int = 0  # ... of which no confirmed finding covers the failure any more
    tasks_reported_late: int = 0  # of tasks_late: delivered on time by the date given, but reported after the grace
    tasks_missed: int = 0
    tasks_pending: int = 0
    task_percent: float | None = None
    base: float | None = None
    deduction: float = 0.0
    findings: list[dict[str, Any]] = field(default_factory=list)
    score: float | None = None
    rank: int | None = None
    previous_score: float | None = None
    previous_rank: int | None = None


# Long on purpose: five batched queries and the per-unit arithmetic over their maps.
def _scores(*, units: list[Unit], period: Period, policy: ScoringPolicy, today: date) -> dict[int, UnitScore]:
    """Scores of `units` for one period (5 queries)."""
    by_id = {u.pk: u for u in units}
    # predecessors merged into a ranked unit during or after the period carry their data to it
    owner: dict[int, int] = {u.pk: u.pk for u in units}
    for pred_id, succ_id in (Unit.objects.filter(successor_id__in=list(by_id), valid_to__gte=period.start)
                             .values_list("id", "successor_id")):
        owner[pred_id] = succ_id
    ids = list(owner)
    out = {u.pk: UnitScore(unit=u) for u in units}
    start_dt, end_dt = day_start(period.start), day_start(period.end + timedelta(days=1))

    sums: dict[int, list[float]] = defaultdict(list)
    for unit_id, percent, flags in (CheckReport.objects.filter(
            surprise_check__unit_id__in=ids, surprise_check__state=SurpriseCheck.State.SIGNED,
            surprise_check__started_at__isnull=False,
            signed_at__gte=start_dt, signed_at__lt=end_dt).values_list("surprise_check__unit_id", "percent", "flags")):
        sums[owner[unit_id]].append(float(percent))
        codes = {f.get("code") for f in flags or [] if isinstance(f, dict)}
        # a signed report failing a critical criterion is never a clean report, with or without its finding
        out[owner[unit_id]].critical_failed_reports += "critical_failed" in codes
        out[owner[unit_id]].critical_uncovered_reports += "critical_without_confirmed_finding" in codes
    for uid, values in sums.items():
        out[uid].check_percent = round(sum(values) / len(values), 2)
        out[uid].reports = len(values)

    for unit_id, due, delivered, reported_at, registered_at, late_registration in (
            CchcTask.objects.filter(unit_id__in=ids, due_date__gte=period.start, due_date__lte=period.end)
            .values_list("unit_id", "due_date", "delivered_on", "reported_at", "registered_at", "late_registration")):
        s = out[owner[unit_id]]
        outcome = task_outcome(due=due, delivered=delivered, reported_at=reported_at, registered_at=registered_at,
                               today=today, late_registration=late_registration)
        if outcome == "on_time":
            s.tasks_on_time += 1
        elif outcome in ("late", "reported_late"):
            s.tasks_late += 1
            s.tasks_reported_late += outcome == "reported_late"
        elif outcome == "missed":
            s.tasks_missed += 1
        else:
            s.tasks_pending += 1
    for s in out.values():
        decided = s.tasks_on_time + s.tasks_late + s.tasks_missed
        s.tasks_total = decided + s.tasks_pending
        if decided:
            s.task_percent = round(100 * (s.tasks_on_time + policy.late_task_credit * s.tasks_late) / decided, 2)

    for row in (Finding.objects.filter(visible_check_q(), unit_id__in=ids, state__in=COUNTED_STATES,
                                       occurred_from__gte=start_dt, occurred_from__lt=end_dt)
                .values("id", "reference", "unit_id", "severity", "occurred_from", "category__deduction_points")):
        points = float(row["category__deduction_points"] or 0)
        if not (policy.use_category_points and points > 0):
            points = float(policy.deductions.get(row["severity"], 0))
        s = out[owner[row["unit_id"]]]
        s.deduction += points
        s.findings.append({"id": row["id"], "reference": row["reference"], "severity": row["severity"],
                           "day": local_day(row["occurred_from"]), "points": points, "unit_id": row["unit_id"]})

    for s in out.values():
        parts: list[tuple[float, float]] = [
            (w, v) for w, v in ((policy.check_weight, s.check_percent), (policy.task_weight, s.task_percent))
            if v is not None and w > 0]
        # no signed check in the period: no data ("chưa có dữ liệu"), never a score from tasks alone or a 100
        if parts and s.reports:
            s.base = round(sum(w * v for w, v in parts) / sum(w for w, _ in parts), 2)
            s.score = round(max(0.0, s.base - s.deduction), 2)
    return out


def _rank(scores: dict[int, UnitScore]) -> None:
    ranked = sorted((s for s in scores.values() if s.score is not None), key=lambda s: (-(s.score or 0.0), s.unit.code))
    prev_score, prev_rank = None, 0
    for i, s in enumerate(ranked, start=1):
        s.rank = prev_rank if s.score == prev_score else i
        prev_score, prev_rank = s.score, s.rank


def _places(scores: dict[int, UnitScore]) -> dict[int, int]:
    """Places by score within a set of units (ties share a place, as in `_rank`)."""
    ranked = sorted(scores.items(), key=lambda kv: (-(kv[1].score or 0.0), kv[1].unit.code))
    out: dict[int, int] = {}
    prev_score, prev_place = None, 0
    for i, (pk, s) in enumerate(ranked, start=1):
        place = prev_place if s.score == prev_score else i
        out[pk] = place
        prev_score, prev_place = s.score, place
    return out


def num_vi(value: float) -> str:
    """A score as written in Vietnamese: decimal comma, at most 2 decimals (29,4; 50)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _consequence(s: UnitScore, policy: ScoringPolicy) -> tuple[str | None, str, str, list[dict[str, Any]]]:
    """(code, reason vi, reason en, triggering findings) for the unit."""
    heavy = [f for f in s.findings if f["severity"] in policy.no_award_severities]
    if heavy:
        refs = ", ".join(f"{f['reference']} ({sev_vi(f['severity'])})" for f in heavy)
        refs_en = ", ".join(f"{f['reference']} ({sev_en(f['severity'])})" for f in heavy)
        return "khong_xet_tang", f"Có vi phạm: {refs}.", f"Violations: {refs_en}.", heavy
    if s.score is not None and s.score < policy.no_award_below:
        return ("khong_xet_tang", f"Điểm {num_vi(s.score)} dưới ngưỡng {num_vi(policy.no_award_below)}.",
                f"Score {s.score} below {policy.no_award_below}.", [])
    mid = [f for f in s.findings if f["severity"] in policy.downgrade_severities]
    if mid:
        refs = ", ".join(f"{f['reference']} ({sev_vi(f['severity'])})" for f in mid)
        refs_en = ", ".join(f"{f['reference']} ({sev_en(f['severity'])})" for f in mid)
        return "ha_bac", f"Có vi phạm: {refs}.", f"Violations: {refs_en}.", mid
    if s.score is not None and s.score < policy.downgrade_below:
        return ("ha_bac", f"Điểm {num_vi(s.score)} dưới ngưỡng {num_vi(policy.downgrade_below)}.",
                f"Score {s.score} below {policy.downgrade_below}.", [])
    return None, "", "", []


# Long on purpose: current scores, the like-for-like previous period and the trend, built in that order.
def compute_rankings(*, level: str, period: Period, policy: ScoringPolicy,
                     today: date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    prev_period = period.previous()
    units = list(Unit.objects.filter(level=level, valid_from__lte=period.end)
                 .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=period.end)).order_by("code"))
    current = _scores(units=units, period=period, policy=policy, today=today)
    _rank(current)
    # the trend compares like with like: the same units (a merged unit with its predecessors' reports,
    # findings and tasks) scored on the previous period's data and ranked among themselves, so a rank
    # does not move only because the population changed (460 communes then, 130 now)
    previous = _scores(units=units, period=prev_period, policy=policy, today=today)
    _rank(previous)
    absent = UnitScore(unit=Unit())  # a unit that did not exist in the previous period: no previous rank
    # the move in places is counted among the units ranked in both periods (76th of 77 then and 41st of
    # 41 now is no move up): each side re-ranked within that common set
    common = [u.pk for u in units if current[u.pk].rank is not None and previous.get(u.pk, absent).rank is not None]
    now_among = _places({pk: current[pk] for pk in common})
    then_among = _places({pk: previous[pk] for pk in common})
    # heads of the ranked units, and of the units where the findings happened (an old commune merged
    # since is headed by its own head on the day of its violation, not by the absorbing unit's)
    head_unit_ids = {u.pk for u in units} | {f["unit_id"] for s in current.values() for f in s.findings}
    heads: dict[int, list[Assignment]] = defaultdict(list)
    for a in (Assignment.objects.filter(unit_id__in=list(head_unit_ids), is_head=True, valid_from__lte=period.end)
              .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=period.start)).select_related("officer", "unit")
              .order_by("valid_from", "is_acting")):
        heads[a.unit_id].append(a)
    rows: list[dict[str, Any]] = []
    for u in units:
        s, p = current[u.pk], previous.get(u.pk, absent)
        s.previous_score, s.previous_rank = p.score, p.rank
        if s.rank is None:
            trend = "unranked"
        elif p.rank is None:
            trend = "new"
        else:
            moved = then_among[u.pk] - now_among[u.pk]
            trend = "up" if moved > 0 else "down" if moved < 0 else "same"
        code, why_vi, why_en, triggers = _consequence(s, policy)
        unit_consequence = None
        head_rows = []
        if code is not None:
            label_vi, label_en = CONSEQUENCES[code]
            unit_consequence = {"code": code, "label_vi": label_vi, "label_en": label_en,
                                "reason_vi": why_vi, "reason_en": why_en}
            spans = [(a, max(a.valid_from, period.start), min(a.valid_to or period.end, period.end))
                     for a in heads[u.pk]]
            if triggers:
                # the head of the unit where each violation happened, on its day
                answering: dict[int, tuple[Assignment, list[dict[str, Any]]]] = {}
                for f in triggers:
                    for a in heads[f["unit_id"]]:
                        if a.valid_from <= f["day"] and (a.valid_to is None or a.valid_to >= f["day"]):
                            answering.setdefault(a.pk, (a, []))[1].append(f)
                for a, mine in answering.values():
                    refs = ", ".join(f["reference"] for f in mine)
                    days = sorted({f["day"] for f in mine})
                    when_vi = ", ".join(fmt(d) for d in days)
                    when_en = ", ".join(fmt_en(d) for d in days)
                    head_rows.append({"officer": {"id": a.officer_id, "full_name": a.officer.full_name},
                                      "unit": {"id": a.unit_id, "code": a.unit.code, "name": a.unit.name},
                                      "is_acting": a.is_acting, "from": days[0], "to": days[-1], "code": code,
                                      "label_vi": label_vi, "label_en": label_en,
                                      "reason_vi": f"Đứng đầu {a.unit.name} khi xảy ra vi phạm {refs} "
                                                   f"(ngày {when_vi}).",
                                      "reason_en": f"Head of {a.unit.name} when {refs} happened ({when_en})."})
            elif spans:
                a, lo, hi = max(spans, key=lambda t: ((t[2] - t[1]).days, not t[0].is_acting))
                head_rows.append({"officer": {"id": a.officer_id, "full_name": a.officer.full_name},
                                  "unit": {"id": a.unit_id, "code": a.unit.code, "name": a.unit.name},
                                  "is_acting": a.is_acting, "from": lo, "to": hi, "code": code,
                                  "label_vi": label_vi, "label_en": label_en,
                                  "reason_vi": f"Đứng đầu đơn vị lâu nhất trong kỳ ({fmt(lo)}–{fmt(hi)}); {why_vi}",
                                  "reason_en": f"Headed the unit longest in the period ({fmt_en(lo)}–{fmt_en(hi)}); "
                                               f"{why_en}"})
        by_sev: dict[str, int] = defaultdict(int)
        for f in s.findings:
            by_sev[f["severity"]] += 1
        rows.append({
            "rank": s.rank, "unit": {"id": u.pk, "code": u.code, "name": u.name, "level": u.level},
            "score": s.score, "base": s.base,
            "components": {
                "checks": {"percent": s.check_percent, "signed_reports": s.reports, "weight": policy.check_weight,
                           "critical_failed_reports": s.critical_failed_reports,
                           "critical_uncovered_reports": s.critical_uncovered_reports},
                "tasks": {"percent": s.task_percent, "total": s.tasks_total, "on_time": s.tasks_on_time,
                          "late": s.tasks_late, "reported_late": s.tasks_reported_late, "missed": s.tasks_missed,
                          "pending": s.tasks_pending,
                          "weight": policy.task_weight},
                "deductions": {"points": round(s.deduction, 2), "findings": len(s.findings),
                               "by_severity": dict(by_sev)},
            },
            "previous": {"period": prev_period.label, "score": p.score, "rank": p.rank,
                         "ranked": sum(1 for x in previous.values() if x.rank is not None),
                         "basis": "same_units_and_predecessors"},
            "trend": trend,
            # places moved (+ up, − down) among the units ranked in both periods, and how many those are
            "rank_change": (then_among[u.pk] - now_among[u.pk]) if u.pk in now_among else None,
            "comparable": len(common),
            "score_change": (round(s.score - p.score, 2) if s.score is not None and p.score is not None else None),
            "emulation": {"unit": unit_consequence, "heads": head_rows},
            "note_vi": ("Chưa có dữ liệu: không có biên bản kiểm tra đã ký trong kỳ." if s.score is None else
                        f"{s.critical_uncovered_reports} biên bản đã ký có tiêu chí trọng yếu không đạt mà vi phạm "
                        "đã bị bác bỏ: cần xem xét." if s.critical_uncovered_reports else ""),
            "note_en": ("No data: no signed check report in the period." if s.score is None else
                        f"{s.critical_uncovered_reports} signed reports fail a critical criterion whose finding was "
                        "dismissed: review them." if s.critical_uncovered_reports else ""),
        })
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["unit"]["code"]))
    # a period not yet over gives provisional scores ("điểm tạm tính"): more reports may still be signed
    return {"level": level, "period": {"label": period.label, "start": period.start, "end": period.end,
                                       "provisional": period.end >= today},
            "previous_period": {"label": prev_period.label, "start": prev_period.start, "end": prev_period.end},
            "policy_version": policy.version, "units": len(rows),
            "ranked": sum(1 for r in rows if r["rank"] is not None), "rows": rows}
