"""Reads of draws: a draw names its targets (the lead who made it while open, the team once closed); its
public commitment is read by readers outside the team without them."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from backend.accounts.models import INSPECTION_TEAM, Role, User
from backend.accounts.selectors import require_role
from backend.core.errors import NotFound
from inspection.models import Draw, SurpriseCheck
from inspection.secrecy import checks_visible_to, started_q
from inspection.selectors_common import TEAM


def _draws_visible_to(user: User) -> QuerySet[Draw]:
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


def draws_list(*, user: User) -> QuerySet[Draw]:
    return (_with_counts(_draws_visible_to(user).select_related("created_by", "closed_by"))
            .order_by("-created_at", "-id"))


def draw_get_for(*, user: User, pk: int) -> Draw:
    """Draws name their targets: see `_draws_visible_to` (verification included)."""
    draw = _with_counts(_draws_visible_to(user).select_related("created_by", "closed_by")).filter(pk=pk).first()
    if draw is None:
        raise NotFound("Không tìm thấy lượt rút thăm.", "Draw not found.")
    return draw


def withheld_exclusions(user: User, draw: Draw) -> set[int]:
    """Units whose reason for being left out of the draw a reader other than the drawing lead may not read: every
    left-out unit but one kept out by a check the reader may see (and is not conflicted with). A unit left out for
    a check planned elsewhere may still be that check's target, and a reader not on it would learn it (insider
    review, issue 15, S1-4); and since a withheld reason among shown ones would single out the secret ones, every
    other reason is withheld alike, whatever the state of any check (F2: the reader learns nothing from it)."""
    from inspection.secrecy import conflicted_unit_ids

    if draw_counts_live_for(user, draw):
        return set()
    excluded = list((draw.params or {}).get("excluded", []))
    uids = {uid for e in excluded if e.get("reason") == "planned_check_pending" for uid in e.get("checks", [])}
    seen = ({str(uid) for uid in checks_visible_to(user).filter(uid__in=sorted(uids)).values_list("uid", flat=True)}
            if uids else set())
    conflicted = conflicted_unit_ids(user)
    return {e["unit_id"] for e in excluded
            if not (e.get("reason") == "planned_check_pending" and e.get("unit_id") not in conflicted
                    and any(str(uid) in seen for uid in e.get("checks", [])))}


def excluded_as_read_by(user: User, draw: Draw, excluded: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The draw's left-out units as `user` reads them: the secret checks' ids only for the drawing lead, the
    reason withheld for the units in `withheld_exclusions`."""
    live = draw_counts_live_for(user, draw)
    hidden = withheld_exclusions(user, draw)
    return [{"unit_id": e["unit_id"], "reason": "withheld"} if e.get("unit_id") in hidden
            else (dict(e) if live else {k: v for k, v in e.items() if k not in ("checks", "manual")}) for e in excluded]


def draw_exclusions_for(*, user: User, draw: Draw) -> list[dict[str, Any]]:
    """The units the draw left out and why; a unit left out for a planned check names that check
    (reference and first day) when the reader may see it: another team's plan stays a secret."""
    excluded = excluded_as_read_by(user, draw, list((draw.params or {}).get("excluded", [])))
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


def draw_for_verification(*, user: User, pk: int) -> tuple[Draw, bool]:
    """The draw a reader may verify, and whether he may see its targets: the inspection team as for
    `draw_get_for`; the disciplinary officers and administrators any draw, without its targets."""
    require_role(user, *COMMITMENT_READERS)
    if user.role in INSPECTION_TEAM:
        return draw_get_for(user=user, pk=pk), True
    draw = Draw.objects.filter(pk=pk).first()
    if draw is None:
        raise NotFound("Không tìm thấy lượt rút thăm.", "Draw not found.")
    return draw, False


# Flags that count units kept out by checks planned and not started, or from which that count can be worked
# out: while the draw is open they count secret checks (insider review, issue 15, third pass: planning one by
# hand moved the admin's count; fourth pass: `drew_fewer_than_n` gave the candidates, and the units left out
# are the public pool of units less the candidates), so they are published when the draw closes, with its
# seed; until then the reader is told so.
SECRET_COUNT_FLAGS = frozenset({"excluded_pending_check", "floor_units_left_out", "excluded_by_cancelled_check",
                                "drew_fewer_than_n"})
# Published parameters sealed with them: the pool's size moved with the same inputs (issue 15, S1-3).
SECRET_COUNT_PARAMETERS = frozenset({"pool_size"})


def draw_counts_live_for(user: User, draw: Draw) -> bool:
    """Who reads a draw's counts as they are: the lead who made it (the drawing authority; they are his
    draw's own inputs, computed from the checks he may know). Everyone else — administrators, disciplinary
    officers, and inside the team an inspector or another lead, who may be kept off a secret check for a
    conflict of interest (insider review, issue 15, S1-4) — reads them as published at the close."""
    return (getattr(user, "role", None) == Role.INSPECTION_LEAD and user.is_active
            and user.pk == draw.created_by_id)


def _open_sealed(user: User, draw: Draw) -> bool:
    """Counts of the draw's own secret checks (cancelled unstarted) are sealed for every reader but the drawing
    lead while the draw is open, and published as they stood at the close."""
    return draw.state != Draw.State.CLOSED and not draw_counts_live_for(user, draw)


def _now() -> datetime:
    return timezone.now()  # one place for the tests to move the clock


def counts_published_at(draw: Draw) -> datetime | None:
    """When the counts of units the draw left out (and the figures they can be worked out from) are published to
    readers other than the drawing lead: a day fixed by the draw's window and floor alone, never by the state of a
    check (F2: a seal lifted when the last check that kept a unit out started told an outsider that an unstarted
    check existed). A check that kept a unit out was planned before the draw, at most HORIZON_DAYS ahead, and to
    start before the floor's horizon past the window (services_draw_inputs): by the day after the earlier of the
    two, each such check's day has passed. Local midnight of that day; None for a draw without a window."""
    from inspection.services_draw_inputs import HORIZON_DAYS, _add_months

    params = draw.params or {}
    if not params.get("end"):
        return None
    end = date.fromisoformat(str(params["end"]))
    floor_months = int(params.get("floor_months") or 0)
    last = end + timedelta(days=HORIZON_DAYS)
    if floor_months > 0:
        last = min(last, _add_months(end, floor_months))
    return timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min))


def draw_sealed_for(user: User, draw: Draw, now: datetime | None = None) -> bool:
    """Whether `user` reads the draw's counts of units left out sealed (the flags in SECRET_COUNT_FLAGS, the
    parameters in SECRET_COUNT_PARAMETERS, the team's warnings on those units). The drawing lead reads them as
    they are. Everyone else reads them sealed while the draw is open, and once closed until `counts_published_at`:
    the draw's state and its window decide, never whether a check is still planned. The seed is not sealed: it is
    revealed at the close for every draw, to every reader (F2)."""
    if draw_counts_live_for(user, draw):
        return False
    if draw.state != Draw.State.CLOSED:
        return True
    published = counts_published_at(draw)
    return published is None or (now or _now()) < published


def _sealed(user: User, draw: Draw) -> bool:
    return draw_sealed_for(user, draw)


def sealed_flags(flags: list[dict[str, Any]], *, user: User, draw: Draw) -> list[dict[str, Any]]:
    """A draw's flags as `user` reads them (the draw's page and the commitments alike)."""
    return _sealed_counts(flags, user=user, draw=draw)


def _sealed_counts(flags: list[dict[str, Any]], *, user: User, draw: Draw) -> list[dict[str, Any]]:
    """Always the same marker while sealed (whether or not anything was removed: its presence would say so)."""
    if not _sealed(user, draw):
        return flags
    return [*(f for f in flags if f.get("code") not in SECRET_COUNT_FLAGS), {"code": "exclusions_sealed"}]


def _sealed_parameters(parameters: dict[str, Any], *, user: User, draw: Draw) -> dict[str, Any]:
    if not _sealed(user, draw):
        return parameters
    return {k: v for k, v in parameters.items() if k not in SECRET_COUNT_PARAMETERS}


def _manual_cancelled(in_window: list[tuple[Any, ...]], *, user: User, draw: Draw) -> int | None:
    """Hand-made checks in the draw's window cancelled before they started: secrets (they never started).
    The drawing lead counts them as they are; every other reader gets None (sealed) while the draw is open, and
    once it is closed the count as it stood at the close, published with the seed: a check cancelled
    after that stays a secret (insider review, issue 15: the live count dated each cancellation)."""
    unstarted = [m for m in in_window if m[1] is None and m[2] == SurpriseCheck.State.CANCELLED]
    if draw_counts_live_for(user, draw):
        return len(unstarted)
    if _open_sealed(user, draw) or draw.closed_at is None:
        return None
    return sum(1 for m in unstarted if m[3] is not None and m[3] <= draw.closed_at)


def _dropped_by(cancelled_at: Any, *, user: User, draw: Draw) -> bool:
    """A check that kept a unit out of the draw was cancelled before it started: counted for the drawing lead as it
    is; for every other reader, published with the close, so only if it was cancelled by then (one cancelled after the
    close is still a secret, and the published count does not move with it)."""
    if draw_counts_live_for(user, draw):
        return True
    return cancelled_at is not None and draw.closed_at is not None and cancelled_at <= draw.closed_at


def draw_commitments(*, user: User) -> list[dict[str, Any]]:
    """Every draw's public commitment: seed hash, time, n, window, who drew, state, the revealed seed
    once closed, redraw/void flags with their reasons, and how many of its checks were started.
    Never a target, a slot or a team: a planned check is a secret (inspection/secrecy.py)."""
    from backend.accounts.selectors import user_title
    from inspection.services_draws import published_parameters

    require_role(user, *COMMITMENT_READERS)
    draws = list(Draw.objects.select_related("created_by__officer", "closed_by")
             .annotate(started=Count("checks", filter=started_q("checks__"), distinct=True),
                       cancelled=Count("checks", filter=Q(checks__state=SurpriseCheck.State.CANCELLED),
                                       distinct=True),
                       # cancelled once started: public (the unit saw it start), unlike one cancelled unstarted
                       cancelled_started=Count("checks", filter=Q(checks__state=SurpriseCheck.State.CANCELLED)
                                               & started_q("checks__"), distinct=True))
             .order_by("-created_at", "-id"))
    excluded_uids = {uid for d in draws for e in d.params.get("excluded", []) for uid in e.get("checks", [])}
    dropped = {str(uid): at for uid, at in SurpriseCheck.objects.filter(
        uid__in=excluded_uids, started_at__isnull=True, state=SurpriseCheck.State.CANCELLED)
        .values_list("uid", "cancelled_at")} if excluded_uids else {}
    manual = list(SurpriseCheck.objects.filter(draw__isnull=True).exclude(state=SurpriseCheck.State.PLANNED)
                  .values_list("window_start", "started_at", "state", "cancelled_at"))
    rows = []
    for d in draws:
        flags = list(d.flags)
        # a unit kept out of the draw by a check that was then cancelled without being started (F1)
        gone = sum(1 for e in d.params.get("excluded", [])
                   if any(uid in dropped and _dropped_by(dropped[uid], user=user, draw=d) for uid in e.get("checks", [])))
        if gone:
            flags.append({"code": "excluded_by_cancelled_check", "count": gone})
        flags = _sealed_counts(flags, user=user, draw=d)
        start, end = d.params.get("start"), d.params.get("end")
        in_window = [m for m in manual if start and end and start <= timezone.localtime(m[0]).date().isoformat() <= end]
        rows.append({
            "id": d.pk, "created_at": d.created_at,
            "created_by": user_title(d.created_by) if d.created_by_id else None,  # rank and name, not the login
            "seed_sha256": d.seed_sha256, "n": d.params.get("n"), "start": start, "end": end, "state": d.state,
            "closed_at": d.closed_at, "seed": d.seed if d.state == Draw.State.CLOSED else None, "reason": d.reason,
            "close_reason": d.close_reason, "flags": flags, "checks_started": d.started,
            # while open, for all but the drawing lead: only checks cancelled after they started (the rest at the close)
            "checks_cancelled": d.cancelled_started if _open_sealed(user, d) else d.cancelled,
            "parameters": _sealed_parameters(published_parameters(d.params), user=user, draw=d),
            # hand-picked checks in the draw's window (F14): started ones, and ones cancelled unstarted
            "manual_checks_started": sum(1 for m in in_window if m[1] is not None),
            "manual_checks_cancelled": _manual_cancelled(in_window, user=user, draw=d),
            "counts_published_at": counts_published_at(d),
        })
    return rows

