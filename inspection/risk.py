"""Risk features per unit (reads only). The score is computed and stored by services.risk_compute.

Every count decays with age: weight 0.5 ** (age_days / half_life_days), within lookback_days.

Ratings are read per transaction served: `unsatisfied_per_1000` is the decayed count of ratings
<= 2 per 1,000 decayed transactions served at the unit's counters (CounterVolume). Every rating is at
least one transaction, so when no volume was reported the denominator is the ratings received (a
unit cannot lower its rate by not reporting). The absolute count (`unsatisfied_ratings`) and the
volume (`transactions_served`) stay in the features, shown next to the rate.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, Sum
from django.utils import timezone

from backend.org.models import Unit
from inspection.models import Complaint, CounterVolume, Finding, SatisfactionRating, Severity, SurpriseCheck

log = logging.getLogger(__name__)
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
FEATURES = ["complaints", "unsatisfied_ratings", "unsatisfied_per_1000", "findings", "months_since_check",
            "footage_absent", "footage_tamper"]
SHOWN = ["transactions_served"]  # features shown with the score but never weighted


def decay(at: datetime, as_of: datetime, half_life_days: float) -> float:
    age_days = max((as_of - at).total_seconds() / 86400.0, 0.0)
    return float(0.5 ** (age_days / half_life_days)) if half_life_days > 0 else 1.0


def predecessors(unit_ids: Iterable[int]) -> dict[int, set[int]]:
    """Each unit with every unit merged into it, transitively (itself included): a merged commune's
    history (checks, complaints, ratings, findings) belongs to its successor."""
    wanted = list(unit_ids)
    merged_into: dict[int, list[int]] = defaultdict(list)
    for unit_id, successor_id in Unit.objects.exclude(successor=None).values_list("id", "successor_id"):
        merged_into[successor_id].append(unit_id)
    result: dict[int, set[int]] = {}
    for unit_id in wanted:
        seen = {unit_id}
        stack = [unit_id]
        while stack:
            for pred in merged_into.get(stack.pop(), []):
                if pred not in seen:
                    seen.add(pred)
                    stack.append(pred)
        result[unit_id] = seen
    return result


def _owners(lineage: dict[int, set[int]]) -> dict[int, int]:
    """Every unit of a lineage -> the current unit it belongs to."""
    return {member: unit_id for unit_id, members in lineage.items() for member in members}


def last_checked(unit_ids: Iterable[int], lineage: dict[int, set[int]] | None = None) -> dict[int, datetime]:
    """When each unit, or a unit merged into it, was last actually checked (a started check, not
    cancelled)."""
    lineage = lineage if lineage is not None else predecessors(unit_ids)
    owner = _owners(lineage)
    result: dict[int, datetime] = {}
    rows = (SurpriseCheck.objects.filter(unit_id__in=list(owner), started_at__isnull=False)
            .exclude(state=SurpriseCheck.State.CANCELLED).values_list("unit_id", "started_at"))
    for unit_id, started in rows:
        target = owner[unit_id]
        if started is None:  # excluded by the filter; the row's type does not know it
            continue
        if target not in result or started > result[target]:
            result[target] = started
    return result


def lineage_start(units: Iterable[Unit], lineage: dict[int, set[int]]) -> dict[int, date]:
    """The earliest day a unit or any unit merged into it existed: a never-checked successor has gone
    unchecked since then, not since the merger."""
    members = {m for ms in lineage.values() for m in ms}
    starts = dict(Unit.objects.filter(pk__in=members).values_list("id", "valid_from"))
    return {u.pk: min((starts[m] for m in lineage.get(u.pk, {u.pk}) if m in starts), default=u.valid_from)
            for u in units}


def _footage_counts(unit_ids: list[int], start: datetime, as_of: datetime,
                    half_life: float) -> tuple[dict[int, float], dict[int, float], bool]:
    """Decayed officer_absent and tamper events per unit; zero while media_ingest has no models."""
    absent: dict[int, float] = defaultdict(float)
    tamper: dict[int, float] = defaultdict(float)
    try:
        from media_ingest.models import ClipEvent
    except ImportError:
        return absent, tamper, False
    rows = (ClipEvent.objects.filter(kind__in=["officer_absent", "tamper"],
                                     clip__camera__counter__unit_id__in=unit_ids,
                                     clip__started_at__gte=start, clip__started_at__lte=as_of)
            .values_list("clip__camera__counter__unit_id", "kind", "clip__started_at"))
    for unit_id, kind, at in rows:
        if at is None:  # excluded by the filter; the row's type does not know it
            continue
        target = absent if kind == "officer_absent" else tamper
        target[unit_id] += decay(at, as_of, half_life)
    return absent, tamper, True


# Denominator bands, newest first: weekly for eight weeks, then 30 days (a band's ratings are decayed at
# its middle; for ratings spread over a 30-day band that is within 0.3% of decaying each one).
BAND_DAYS = [7] * 8
LATER_BAND_DAYS = 30


def _weekly(qs: Any, time_field: str, aggregate: Callable[[Q], Any], owner: dict[int, int], start: datetime, as_of: datetime,
            half_life: float, *, dates: bool = False) -> dict[int, float]:
    """Decayed totals per current unit, aggregated per band (BAND_DAYS) in one query (conditional
    aggregates), so the rows never come through Python."""
    bands: list[tuple[datetime, datetime]] = []
    hi = as_of
    while hi > start:
        width = BAND_DAYS[len(bands)] if len(bands) < len(BAND_DAYS) else LATER_BAND_DAYS
        lo = max(hi - timedelta(days=width), start)
        bands.append((lo, hi))
        hi = lo
    aggs = {}
    for i, (lo, hi) in enumerate(bands):
        if dates:
            lo_d, hi_d = timezone.localdate(lo), timezone.localdate(hi)
            cond = Q(**{f"{time_field}__gt": lo_d, f"{time_field}__lte": hi_d})
        else:
            cond = Q(**{f"{time_field}__gte": lo}) & (Q(**{f"{time_field}__lte": hi}) if i == 0
                                                      else Q(**{f"{time_field}__lt": hi}))
        aggs[f"b{i}"] = aggregate(cond)
    weights = [decay(lo + (hi - lo) / 2, as_of, half_life) for lo, hi in bands]
    result: dict[int, float] = defaultdict(float)
    for row in qs.values("counter__unit_id").annotate(**aggs):
        result[owner[row["counter__unit_id"]]] += sum((row[f"b{i}"] or 0) * w for i, w in enumerate(weights))
    return result


def unit_features(*, units: list[Unit], as_of: datetime, params: dict[str, Any]) -> dict[int, dict[str, float]]:
    lookback = float(params["lookback_days"])
    half_life = float(params["half_life_days"])
    cap = float(params["months_since_check_cap"])
    start = as_of - timedelta(days=lookback)
    ids = [u.pk for u in units]
    feats: dict[int, dict[str, float]] = {u.pk: dict.fromkeys(FEATURES + SHOWN, 0.0) for u in units}
    lineage = predecessors(ids)
    owner = _owners(lineage)  # a merged unit's history counts for its successor
    all_ids = list(owner)

    for unit_id, counter_unit_id, at in (
        Complaint.objects.filter(Q(unit_id__in=all_ids) | Q(counter__unit_id__in=all_ids),
                                 received_at__gte=start, received_at__lte=as_of)
        .exclude(state=Complaint.State.REJECTED).values_list("unit_id", "counter__unit_id", "received_at")
    ):
        target = owner[unit_id] if unit_id in owner else owner[counter_unit_id]
        feats[target]["complaints"] += decay(at, as_of, half_life)

    for unit_id, at in (SatisfactionRating.objects.filter(counter__unit_id__in=all_ids, score__lte=2, held=False,
                                                          rated_at__gte=start, rated_at__lte=as_of)
                        .values_list("counter__unit_id", "rated_at").iterator(chunk_size=5000)):
        feats[owner[unit_id]]["unsatisfied_ratings"] += decay(at, as_of, half_life)
    # the denominators are summed per band in the database (see _weekly): every rating and every day's
    # volume need not come through Python
    rated = _weekly(SatisfactionRating.objects.filter(counter__unit_id__in=all_ids, held=False),
                    "rated_at", lambda cond: Count("id", filter=cond), owner, start, as_of, half_life)
    served_by_unit = _weekly(CounterVolume.objects.filter(counter__unit_id__in=all_ids), "day",
                             lambda cond: Sum("transactions", filter=cond), owner, start, as_of, half_life, dates=True)
    for unit_id, value in served_by_unit.items():
        feats[unit_id]["transactions_served"] = value
    for unit_id, f in feats.items():
        served = max(f["transactions_served"], rated.get(unit_id, 0.0))
        f["unsatisfied_per_1000"] = 1000.0 * f["unsatisfied_ratings"] / served if served > 0 else 0.0

    for unit_id, severity, at in (Finding.objects.filter(unit_id__in=all_ids, occurred_from__gte=start,
                                                         occurred_from__lte=as_of,
                                                         state__in=[Finding.State.CONFIRMED, Finding.State.ACTIONED])
                                  .values_list("unit_id", "severity", "occurred_from")):
        feats[owner[unit_id]]["findings"] += Severity.order(severity) * decay(at, as_of, half_life)

    checked = last_checked(ids, lineage)
    since_start = lineage_start(units, lineage)
    for unit in units:
        since = checked.get(unit.pk)
        since_days: float
        if since is None:
            # never checked: count from when the unit (or the oldest unit merged into it) came into existence
            since_days = (as_of.date() - since_start[unit.pk]).days
        else:
            since_days = (as_of - since).total_seconds() / 86400.0
        feats[unit.pk]["months_since_check"] = min(max(since_days, 0.0) / 30.0, cap)

    absent, tamper, _available = _footage_counts(all_ids, start, as_of, half_life)
    for member, unit_id in owner.items():
        feats[unit_id]["footage_absent"] += absent.get(member, 0.0)
        feats[unit_id]["footage_tamper"] += tamper.get(member, 0.0)
    return {uid: {k: round(v, 6) for k, v in f.items()} for uid, f in feats.items()}


def score(features: dict[str, float], weights: dict[str, float]) -> tuple[float, dict[str, float]]:
    contributions = {"base": round(float(weights.get("base", 0.0)), 6)}
    for name in FEATURES:
        contributions[name] = round(float(weights.get(name, 0.0)) * float(features.get(name, 0.0)), 6)
    return round(sum(contributions.values()), 6), contributions
