"""Writes of draws: redraws over an earlier window, schedule and policy warnings, creating, closing,
cancelling and verifying a draw (its inputs are gathered in services_draw_inputs.py; the selection
itself is the pure function in inspection/draw.py)."""
from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from backend.accounts.models import User
from backend.accounts.selectors import require_role
from backend.audit.services import audit_record
from backend.core.errors import Conflict, DomainError, Forbidden
from inspection import draw as drawing
from inspection.models import CriteriaSet, Draw, RiskSnapshot, SurpriseCheck
from inspection.secrecy import POLICY_CONFLICT_YEARS
from inspection.services_common import LEAD, _invalid, _require_reason, _seal
from inspection.services_draw_inputs import _latest_snapshots, draw_inputs, unfit_warning
from inspection.services_draw_left_out import (
    SHORTFALL_REASONS,
    ease_shortfall,
    shortfall_reason,
    team_short_left_out,
    units_without_team,
)
from inspection.services_risk import risk_candidate_units, risk_weights_hash, risk_weights_version


def _check_reference() -> str:
    # Random, not sequential: a sequence would reveal that secret checks exist.
    while True:
        ref = "KT-" + secrets.token_hex(4).upper()
        if not SurpriseCheck.objects.filter(reference=ref).exists():
            return ref


def _overlapping_draws(start: date, end: date) -> list[Draw]:
    """Earlier draws whose window overlaps [start, end]: a new draw over them is a redraw."""
    overlapping = []
    for draw in Draw.objects.order_by("id"):
        first, last = draw.params.get("start"), draw.params.get("end")
        if first and last and date.fromisoformat(first) <= end and date.fromisoformat(last) >= start:
            overlapping.append(draw)
    return overlapping


def _supersede_preview(overlapping: list[Draw]) -> tuple[list[dict[str, Any]], str, str]:
    """What a redraw over these draws would replace: each open draw and its planned checks (told to the
    lead before he confirms)."""
    replaced = [{"draw": d.pk, "name": d.name,
                 "planned": d.checks.filter(state=SurpriseCheck.State.PLANNED, started_at__isnull=True).count()}
                for d in overlapping if d.state == Draw.State.OPEN]
    vi = "".join(f" Đợt rút thăm mới sẽ thay thế đợt #{r['draw']} và hủy {r['planned']} cuộc kiểm tra đã lên "
                 "kế hoạch." for r in replaced)
    en = "".join(f" The new draw will replace draw #{r['draw']} and cancel its {r['planned']} planned check(s)."
                 for r in replaced)
    return replaced, vi, en


def _unexplained_cancellations() -> dict[int, int]:
    """Open draws with drawn checks cancelled one at a time that no published reason covers yet (a
    closed draw's close reason covers its own; a later draw's `after_cancelled_checks` flag covers
    those it counted): draw id -> how many."""
    explained: dict[int, int] = {}
    for flags in Draw.objects.values_list("flags", flat=True):
        for flag in flags or []:
            if flag.get("code") == "after_cancelled_checks":
                for key, count in (flag.get("counts") or {}).items():
                    explained[int(key)] = explained.get(int(key), 0) + int(count)
    left: dict[int, int] = {}
    for draw in Draw.objects.filter(state=Draw.State.OPEN).order_by("id"):
        cancelled = draw.checks.filter(state=SurpriseCheck.State.CANCELLED).count() - explained.get(draw.pk, 0)
        if cancelled > 0:
            left[draw.pk] = cancelled
    return left


def _after_cancelled_flags(reason: str) -> list[dict[str, Any]]:
    """Cancelling drawn checks on a draw left open, then drawing the next window, is a re-roll unless
    explained (rev13adv F3): the next draw needs a reason, published with counts and draw numbers —
    never a unit or a date, so the cancelled checks stay secrets."""
    left = _unexplained_cancellations()
    if not left:
        return []
    ids, total = sorted(left), sum(left.values())
    if not reason:
        raise _invalid(f"Lượt rút thăm đang mở (số {', '.join(map(str, ids))}) có {total} cuộc kiểm tra bị hủy chưa "
                       "được giải thích: rút thăm tiếp phải nêu lý do (hoặc khóa sổ lượt đó kèm lý do); lý do được "
                       "công bố cho cán bộ kỷ luật và quản trị.",
                       f"Open draw(s) {ids} have {total} cancelled check(s) not yet explained: drawing again needs a "
                       "reason (or close that draw with one), published to the disciplinary officers and "
                       "administrators.", "reason", code="cancelled_checks_need_reason")
    return [{"code": "after_cancelled_checks", "draws": ids, "cancelled": total,
             "counts": {str(k): v for k, v in left.items()}, "reason": reason}]


def _redraw_flags(start: date, end: date, reason: str,
                  confirm_supersedes: list[int] | None = None) -> list[dict[str, Any]]:
    """A draw over a window an earlier draw covered is a re-roll unless explained: it needs a reason,
    and the flag is published with the commitment (never the targets). A caller that states which open
    draws it means to replace (confirm_supersedes, the draw dialog) is refused until that matches."""
    overlapping = _overlapping_draws(start, end)
    if not overlapping:
        return []
    ids = [d.pk for d in overlapping]
    replaced, vi_replace, en_replace = _supersede_preview(overlapping)
    detail = {"overlapping": ids, "supersedes": replaced, "cancels": sum(r["planned"] for r in replaced)}
    if not reason:
        raise DomainError(f"Khoảng thời gian trùng với đợt rút thăm đã có (số {', '.join(map(str, ids))}): rút thăm "
                          "lại phải nêu lý do; lý do được công bố cho cán bộ kỷ luật và quản trị." + vi_replace,
                          f"The window overlaps earlier draw(s) {ids}: a redraw needs a reason, which is published "
                          "to the disciplinary officers and administrators." + en_replace,
                          code="redraw_needs_reason", fields={"reason": ["A redraw needs a reason."]}, detail=detail)
    if confirm_supersedes is not None and sorted(confirm_supersedes) != sorted(r["draw"] for r in replaced):
        raise DomainError("Cần xác nhận trước khi rút thăm lại:" + vi_replace,
                          "Confirm before redrawing:" + en_replace, code="redraw_supersedes_unconfirmed",
                          detail=detail)
    voided = [d.pk for d in overlapping
              if any(f.get("code") in ("all_checks_cancelled", "draw_cancelled") for f in d.flags)]
    flags: list[dict[str, Any]] = [{"code": "overlapping_window", "draws": ids, "reason": reason}]
    if voided:
        flags.append({"code": "after_voided_draw", "draws": voided, "reason": reason})
    superseded = [d.pk for d in overlapping if d.state == Draw.State.OPEN]
    if superseded:
        flags.append({"code": "supersedes", "draws": superseded, "reason": reason})
    return flags


def _cancel_planned(draw: Draw, *, reason: str, now: datetime) -> list[SurpriseCheck]:
    """Cancel every check of the draw that is still planned (not started), with the reason; they stay
    secrets (sealed records). Checks already started go on."""
    planned = list(draw.checks.select_for_update().filter(state=SurpriseCheck.State.PLANNED,
                                                          started_at__isnull=True).order_by("id"))
    for check in planned:
        check.state = SurpriseCheck.State.CANCELLED
        check.cancelled_at = now
        check.cancel_reason = reason
    SurpriseCheck.objects.bulk_update(planned, ["state", "cancelled_at", "cancel_reason"])
    return planned


def _supersede(*, by: User, start: date, end: date, reason: str) -> list[tuple[Draw, list[SurpriseCheck]]]:
    """A redraw over an open draw's window replaces it: the earlier draw's planned checks are cancelled
    with the redraw's reason and it is closed (seed revealed), in the redraw's transaction, before the
    new draw's inputs are read, so no unit keeps two checks and none is left out for a check that is
    then cancelled. Which units they were stays sealed."""
    ids = [d.pk for d in _overlapping_draws(start, end) if d.state == Draw.State.OPEN]
    done = []
    now = timezone.now()
    for draw in Draw.objects.select_for_update().filter(pk__in=ids, state=Draw.State.OPEN).order_by("id"):
        cancelled = _cancel_planned(draw, reason=f"Rút thăm lại thay thế lượt {draw.pk}: {reason}", now=now)
        draw.state = Draw.State.CLOSED
        draw.closed_at = now
        draw.closed_by = by
        draw.close_reason = reason
        draw.save(update_fields=["state", "closed_at", "closed_by", "close_reason"])
        done.append((draw, cancelled))
    return done


def _schedule_warnings(inputs: dict[str, Any], planned: dict[str, Any]) -> list[dict[str, Any]]:
    """For the team: checks the window could not hold (instead of double-booking), teams smaller than
    asked, floor units placed after their floor date. Unit ids are named: warnings stay with the team."""
    params = inputs["params"]
    n, size, per_day = int(params["n"]), int(params["team_size"]), int(params.get("per_person_per_day", 2))
    pool, days = len(params["pool"]), len(params["days"])
    warnings: list[dict[str, Any]] = []
    warnings.extend(units_without_team(planned.get("unfit") or [], inputs))
    shortfall = planned["shortfall"]
    if shortfall:
        capacity = days * pool * per_day // max(size, 1)
        away = len(params.get("away") or [])
        units = [{**s, "reason": why, "vi": SHORTFALL_REASONS[why][0].format(per_day=per_day, pool=pool, away=away),
                  "en": SHORTFALL_REASONS[why][1].format(per_day=per_day, pool=pool, away=away)}
                 for s in shortfall for why in [shortfall_reason(s, params)]]
        ease_vi, ease_en = ease_shortfall(size)
        scheduled = len(planned["result"])
        warnings.append({
            "code": "schedule_shortfall", "n": n, "scheduled": scheduled, "missing": len(shortfall), "units": units,
            "capacity": capacity,
            "vi": f"Chỉ xếp được {scheduled}/{n} cuộc kiểm tra: {len(shortfall)} đơn vị không xếp được lịch mà "
                  f"không để một người ở hai cuộc cùng lúc ({pool} người, tổ {size} người, {days} ngày làm việc, "
                  f"tối đa {per_day} cuộc/người/ngày: sức chứa khoảng {capacity} cuộc). {ease_vi}",
            "en": f"Only {scheduled}/{n} checks could be scheduled: {len(shortfall)} unit(s) found no slot without "
                  f"putting someone on two checks at once ({pool} people, teams of {size}, {days} working days, at "
                  f"most {per_day} checks per person a day: capacity about {capacity}). {ease_en}"})
    short = [r for r in planned["result"] if any(x["code"] == "team_short" for x in r.get("notes", []))]
    if size > pool:
        away = len(params.get("away") or [])
        because_vi = f" có mặt ({away} người vắng mặt suốt khoảng thời gian)" if away else ""
        because_en = f" available ({away} absent for the whole window)" if away else ""
        warnings.append({"code": "team_larger_than_pool", "asked": size, "pool": pool, "away": away,
                         "vi": f"Yêu cầu tổ {size} người nhưng tổ kiểm tra chỉ có {pool} người{because_vi}.",
                         "en": f"Teams of {size} were asked but the inspection team has {pool} people{because_en}."})
    if short:
        warnings.append({"code": "team_short", "asked": size, "checks": [
            {"unit_id": r["unit_id"], "free": next(x["free"] for x in r["notes"] if x["code"] == "team_short")}
            for r in short],
            "vi": f"{len(short)} cuộc kiểm tra có tổ ít hơn {size} người vì không đủ người không xung đột lợi ích.",
            "en": f"{len(short)} check(s) have fewer than {size} people: not enough members free of conflict."})
    late = [r for r in planned["result"] if any(x["code"] == "after_due" for x in r.get("notes", []))]
    if late:
        notes = [next(x for x in r["notes"] if x["code"] == "after_due") for r in late]
        overdue = sum(1 for r, x in zip(late, notes, strict=True) if x.get("due") and x["due"] < params["days"][0])
        never_ids = {c["unit_id"] for c in inputs["candidates"] if c.get("never_checked")}
        never = sum(1 for r in late if r["unit_id"] in never_ids)
        units = [{"unit_id": r["unit_id"], "due": x.get("due"), "day": r["slot"]["window_start"][:10],
                  "days_late": x.get("days_late")} for r, x in zip(late, notes, strict=True)]
        if int(params.get("algorithm", 1)) >= 4:
            vi, en = _late_floor_text(len(late), overdue, never)
        else:
            vi = f"{len(late)} đơn vị thuộc diện sàn bao phủ chỉ xếp được lịch sau hạn sàn."
            en = f"{len(late)} floor unit(s) could only be scheduled after their floor date."
        warnings.append({"code": "floor_after_due", "units": [r["unit_id"] for r in late], "late": units,
                         "overdue": overdue, "never_checked": never, "vi": vi, "en": en})
    return warnings


def _late_floor_text(late: int, overdue: int, never: int) -> tuple[str, str]:
    """Units that had to be checked by a date (each unit is checked at least once in a period: the coverage
    floor) but are checked after it, said as sentences a lead reads at once: a part that counts none is left
    out ("0 đơn vị đã quá hạn…, trong đó 0 đơn vị…" was jargon, issue 15)."""
    vi = [f"Có {late} đơn vị đến hạn phải kiểm tra (theo quy định mỗi đơn vị được kiểm tra ít nhất một lần trong "
          f"một khoảng thời gian) nhưng chỉ xếp được lịch kiểm tra sau ngày đến hạn đó."]
    en = [f"{late} unit(s) due for their periodic check (each unit is checked at least once in a period) are "
          f"scheduled only after the date they were due."]
    if overdue:
        first = "chưa từng được kiểm tra lần nào" if never == overdue else (
            f"trong đó {never} đơn vị chưa từng được kiểm tra lần nào" if never else "")
        vi.append(f"{overdue} đơn vị đã quá hạn từ trước khi đợt kiểm tra này bắt đầu" + (f" ({first})" if first else "")
                  + ".")
        en.append(f"{overdue} were already overdue before this draw's period began"
                  + (f" ({never} never checked)" if never else "") + ".")
    if late - overdue:
        vi.append(f"{late - overdue} đơn vị không còn ngày trống nào trước hạn của mình.")
        en.append(f"{late - overdue} found no free day before their due date.")
    return " ".join(vi), " ".join(en)


# The policy's draw parameters. The drawing lead may make the rules stricter (a longer conflict
# look-back, a shorter coverage floor) or change the share drawn by risk only with a reason; he may
# never loosen the conflict look-back or the floor. Every parameter is published with the commitment.
POLICY_FLOOR_MONTHS = 6
POLICY_SHARE = 0.75
PUBLISHED_PARAMS = ("proportional_share", "floor_months", "conflict_years", "team_size", "check_minutes",
                    "include_weekends", "per_person_per_day", "travel_minutes", "mode", "algorithm",
                    "floor_share", "risk_exponent", "risk_weights_version", "risk_weights_sha256")


def _policy_deviations(options: dict[str, Any]) -> list[dict[str, Any]]:
    conflict_years = int(options.get("conflict_years", POLICY_CONFLICT_YEARS))
    floor_months = int(options.get("floor_months", POLICY_FLOOR_MONTHS))
    share = float(options.get("proportional_share", POLICY_SHARE))
    if conflict_years < POLICY_CONFLICT_YEARS:
        raise _invalid(f"Thời gian xét xung đột lợi ích không được ngắn hơn {POLICY_CONFLICT_YEARS} năm (quy định).",
                       f"conflict_years may not be below the policy's {POLICY_CONFLICT_YEARS} years.",
                       "conflict_years", code="below_policy")
    if floor_months > POLICY_FLOOR_MONTHS:
        raise _invalid(f"Sàn bao phủ không được dài hơn {POLICY_FLOOR_MONTHS} tháng (quy định).",
                       f"floor_months may not exceed the policy's {POLICY_FLOOR_MONTHS} months.",
                       "floor_months", code="above_policy")
    deviations = []
    if conflict_years != POLICY_CONFLICT_YEARS:
        deviations.append({"param": "conflict_years", "value": conflict_years, "policy": POLICY_CONFLICT_YEARS})
    if floor_months != POLICY_FLOOR_MONTHS:
        deviations.append({"param": "floor_months", "value": floor_months, "policy": POLICY_FLOOR_MONTHS})
    if abs(share - POLICY_SHARE) > 1e-9:
        deviations.append({"param": "proportional_share", "value": share, "policy": POLICY_SHARE})
    return deviations


def _exclusion_notes(inputs: dict[str, Any], n: int, drawn: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Warnings (team) and flags (published) for units the draw left out because of a pending check
    and for a draw that returns fewer than n (F1). Counts only: never which units."""
    warnings: list[dict[str, Any]] = []
    flags: list[dict[str, Any]] = []
    pending = [e for e in inputs["params"]["excluded"] if e["reason"] == "planned_check_pending"]
    if pending:
        manual = sum(1 for e in pending if e.get("manual"))
        warnings.append({
            "code": "excluded_pending_check", "count": len(pending), "manual": manual,
            "units": [e["unit_id"] for e in pending],
            "vi": f"{len(pending)} đơn vị không được đưa vào rút thăm vì đang có cuộc kiểm tra kế hoạch "
                  f"({manual} do lập tay); số lượng được công bố cùng cam kết khi đợt rút thăm khóa sổ.",
            "en": f"{len(pending)} unit(s) were left out of the draw because a check is planned for them "
                  f"({manual} hand-made); the count is published with the commitment when the draw is closed."})
        flags.append({"code": "excluded_pending_check", "count": len(pending), "manual": manual})
    floor = [e for e in inputs["params"]["excluded"] if e.get("past_floor")]
    if floor:
        never = sum(1 for e in floor if e.get("never_checked"))
        reasons = sorted({e["reason"] for e in floor})
        warnings.append({
            "code": "floor_units_left_out", "count": len(floor), "never_checked": never,
            "units": [{"unit_id": e["unit_id"], "due": e["due"], "reason": e["reason"],
                       "never_checked": e["never_checked"]} for e in floor],
            "vi": f"{len(floor)} đơn vị đến hạn phải kiểm tra nhưng không được đưa vào rút thăm"
                  + (f" ({never} đơn vị chưa từng được kiểm tra)" if never else "")
                  + "; số lượng được công bố cùng cam kết khi đợt rút thăm khóa sổ.",
            "en": f"{len(floor)} unit(s) due for their periodic check were left out of the draw"
                  + (f" ({never} never checked)" if never else "")
                  + "; the count is published with the commitment when the draw is closed."})
        flags.append({"code": "floor_units_left_out", "count": len(floor), "never_checked": never,
                      "reasons": reasons})
    candidates = len(inputs["candidates"])
    if n > candidates:
        warnings.append({
            "code": "n_exceeds_candidates", "n": n, "candidates": candidates,
            "vi": f"Yêu cầu chọn {n} đơn vị nhưng chỉ có {candidates} đơn vị đủ điều kiện rút thăm.",
            "en": f"{n} units were asked but only {candidates} are eligible for the draw."})
    if drawn < n:
        flags.append({"code": "drew_fewer_than_n", "n": n, "drawn": drawn, "candidates": candidates})
    return warnings, flags


DRAW_LOCK_KEY = 0x43570001  # "CW" + 1: the advisory lock every draw takes on PostgreSQL


def _one_draw_at_a_time() -> None:
    """Draws are made one after another: two posted at once for overlapping windows each read "no open
    draw overlaps" and both went through without a reason (insider review, issue 13). PostgreSQL: a
    transaction-level advisory lock, released at commit; SQLite serializes writers already."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [DRAW_LOCK_KEY])


# Long on purpose: one transaction in the order a draw is published (checks, inputs, selection, audit).
@transaction.atomic
def draw_create(*, by: User, n: int, start: date, end: date, name: str = "", mode: str = SurpriseCheck.Mode.DOT_XUAT,
                reason: str = "", confirm_supersedes: list[int] | None = None, **options: Any) -> Draw:
    require_role(by, *LEAD)
    if mode not in SurpriseCheck.Mode.values:
        raise _invalid("Hình thức kiểm tra không hợp lệ.", f"Unknown mode {mode!r}.", "mode")
    _one_draw_at_a_time()
    deviations = _policy_deviations(options)
    reason = (reason or "").strip()
    if reason:
        reason = _require_reason(reason, "reason", "lý do rút thăm (rút thăm lại hoặc khác tham số quy định)")
    elif deviations:
        names = ", ".join(d["param"] for d in deviations)
        raise _invalid(f"Tham số khác quy định ({names}): phải nêu lý do; tham số và lý do được công bố cho cán bộ "
                       "kỷ luật và quản trị.",
                       f"Parameters differ from the policy ({names}): a reason is needed, published with them to "
                       "the disciplinary officers and administrators.", "reason", code="deviation_needs_reason")
    flags = _redraw_flags(start, end, reason, confirm_supersedes)
    if deviations:
        flags.append({"code": "parameters_off_policy", "deviations": deviations, "reason": reason})
    superseded = _supersede(by=by, start=start, end=end, reason=reason) if flags and reason else []
    flags.extend(_after_cancelled_flags(reason))
    units = risk_candidate_units(on=start)
    snapshots = _latest_snapshots(by, units)
    inputs = draw_inputs(by=by, n=n, start=start, end=end, snapshots=snapshots, **options)
    # what the risk scores were computed with, published: a weights change between draws shows (F4)
    used = [snapshots[c["unit_id"]] for c in inputs["candidates"] if c["unit_id"] in snapshots]
    inputs["params"]["risk_weights_version"] = risk_weights_version()
    inputs["params"]["risk_weights_sha256"] = risk_weights_hash(used)
    seed = secrets.token_hex(32)
    planned = drawing.plan_draw(seed, inputs)
    result = planned["result"]
    warnings: list[dict[str, Any]] = [*_schedule_warnings(inputs, planned), *team_short_left_out(inputs, result, planned["shortfall"]),
                                      *unfit_warning(inputs["params"])]
    drawn = {r["unit_id"] for r in result}
    # overdue units past the floor's part of n that risk or chance did not draw: proposed for the next draw
    overflow = [o for o in drawing.floor_overflow(inputs) if o["unit_id"] not in drawn]
    if overflow:
        forced = sum(1 for c in inputs["candidates"] if c.get("forced"))
        split = draw_split(inputs["params"], result)
        room = split["floor_room"]
        months = int(inputs["params"].get("floor_months", POLICY_FLOOR_MONTHS))
        # said as sentences a lead reads at once, a part that picked none left out (issue 15: "sàn bao phủ")
        if int(inputs["params"]["algorithm"]) >= 4:
            parts_vi = [f"{split['floor']} đơn vị lâu chưa được kiểm tra nhất"] if split["floor"] else []
            parts_en = [f"{split['floor']} of those longest unchecked"] if split["floor"] else []
            if split["risk"]:
                parts_vi.append(f"{split['risk']} đơn vị bốc thăm theo mức rủi ro")
                parts_en.append(f"{split['risk']} drawn by risk")
            if split["uniform"]:
                parts_vi.append(f"{split['uniform']} đơn vị bốc thăm ngẫu nhiên")
                parts_en.append(f"{split['uniform']} drawn purely at random")
            vi = (f"{forced} đơn vị đã quá {months} tháng chưa được kiểm tra, nhiều hơn số vị trí dành cho họ "
                  f"({room} trên {n}, phần còn lại để bốc thăm theo rủi ro). Đợt này đã chọn "
                  f"{', '.join(parts_vi)}. {len(overflow)} đơn vị quá hạn còn lại (lâu chưa kiểm tra nhất đứng "
                  f"trước) được đề xuất cho đợt sau, hoặc tăng số đơn vị cần chọn.")
            en = (f"{forced} units have not been checked for more than {months} months, more than the places kept "
                  f"for them ({room} of {n}, the rest is drawn by risk). This draw picked {', '.join(parts_en)}. "
                  f"The other {len(overflow)} overdue units (longest unchecked first) are proposed for the next "
                  f"draw, or ask for more units.")
        else:
            vi = (f"{forced} đơn vị đã quá {months} tháng chưa được kiểm tra, nhiều hơn {n} đơn vị cần chọn: đã "
                  f"chọn {n} đơn vị lâu chưa được kiểm tra nhất; {len(overflow)} đơn vị còn lại được đề xuất cho "
                  f"đợt sau, hoặc tăng số đơn vị cần chọn.")
            en = (f"{forced} units have not been checked for more than {months} months, more than the {n} asked: the "
                  f"{n} longest unchecked were picked; the other {len(overflow)} are proposed for the next draw, or "
                  f"ask for more units.")
        warnings.append({"code": "floor_exceeds_n", "forced": forced, "n": n, "floor_room": room, "split": split,
                         "deferred": overflow, "vi": vi, "en": en})
    excluded_warnings, excluded_flags = _exclusion_notes(inputs, n, len(result))
    warnings.extend(excluded_warnings)
    flags.extend(excluded_flags)
    draw = Draw.objects.create(name=name.strip()[:200], created_at=timezone.now(), created_by=by,
                               seed_sha256=drawing.seed_hash(seed), seed=seed,
                               params={**inputs["params"], "mode": mode},
                               candidates=inputs["candidates"], result=result, reason=reason, flags=flags,
                               warnings=warnings)
    draw.snapshots.set([c["snapshot_id"] for c in inputs["candidates"]])
    criteria_set = CriteriaSet.objects.filter(is_active=True, year__lte=start.year).order_by(
        "-year", "-version", "-id").first()
    users = {u.pk: u for u in User.objects.filter(pk__in={uid for r in result for uid in r["team"]})}
    created = []
    for item in result:
        slot = item["slot"]
        check = SurpriseCheck.objects.create(
            reference=_check_reference(), mode=mode, unit_id=item["unit_id"], counter_id=slot["counter_id"],
            window_start=datetime.fromisoformat(slot["window_start"]),
            window_end=datetime.fromisoformat(slot["window_end"]), lead=users[item["team"][0]],
            criteria_set=criteria_set, draw=draw, created_by=by)
        check.team.set([users[uid] for uid in item["team"]])
        created.append(check.pk)
    # the commitment (seed hash, time, n, window, reason, flags) in clear; targets sealed
    audit_record(actor=by, verb="draw.create", obj=draw,
                 payload={"seed_sha256": draw.seed_sha256, "n": n, "start": start.isoformat(),
                          "end": end.isoformat(), "reason": reason, "flags": flags,
                          "parameters": published_parameters(draw.params),
                          **_seal({"result": result, "checks": created, "params": draw.params})})
    for old, cancelled in superseded:
        # published with the commitment of both draws: which draw replaced which, why, how many checks
        old.flags = [*old.flags, {"code": "superseded", "by": draw.pk, "reason": reason, "cancelled": len(cancelled)}]
        old.save(update_fields=["flags"])
        audit_record(actor=by, verb="draw.supersede", obj=old,
                     payload={"seed": old.seed, "seed_sha256": old.seed_sha256, "by_draw": draw.pk, "reason": reason,
                              "cancelled": len(cancelled), "flags": old.flags,
                              **_seal({"checks": [str(c.uid) for c in cancelled], "result": old.result})})
    return draw


def draw_split(params: dict[str, Any], result: list[dict[str, Any]]) -> dict[str, int]:
    """How the draw's places went: by the coverage floor, by risk, at random; and the floor's part of n."""
    counts = {"floor": 0, "risk": 0, "uniform": 0}
    for item in result:
        counts[item["reason"]] = counts.get(item["reason"], 0) + 1
    return {**counts, "n": int(params.get("n", 0)), "floor_room": drawing.floor_room(params) if params.get("n") else 0}


@transaction.atomic
def draw_close(*, by: User, draw: Draw, reason: str = "") -> Draw:
    """Close the cycle and reveal the seed. Only once no check of the draw is still planned. A draw
    whose checks were all cancelled is a re-roll unless explained: it needs a reason, published."""
    require_role(by, *LEAD)
    draw = Draw.objects.select_for_update().get(pk=draw.pk)
    if draw.state == Draw.State.CLOSED:
        raise Conflict("Lượt rút thăm đã được khóa sổ.", "This draw is already closed.", code="already_closed")
    pending = draw.checks.filter(state=SurpriseCheck.State.PLANNED).count()
    if pending:
        raise Conflict(f"Còn {pending} cuộc kiểm tra chưa tiến hành; bắt đầu hoặc hủy trước khi khóa sổ.",
                       f"{pending} check(s) are still planned; start or cancel them before closing.",
                       code="checks_pending")
    total = draw.checks.count()
    all_cancelled = total > 0 and not draw.checks.exclude(state=SurpriseCheck.State.CANCELLED).exists()
    cancelled = draw.checks.filter(state=SurpriseCheck.State.CANCELLED).count()
    flags = list(draw.flags)
    if all_cancelled:
        reason = _require_reason(reason, "reason", "lý do khóa sổ lượt rút thăm mà mọi cuộc kiểm tra đều bị hủy")
        flags.append({"code": "all_checks_cancelled", "reason": reason})
    elif cancelled:
        # checks dropped one at a time are counted and published, with a reason (F12)
        reason = _require_reason(reason, "reason", "lý do khóa sổ lượt rút thăm có cuộc kiểm tra bị hủy")
        flags.append({"code": "checks_cancelled", "cancelled": cancelled, "total": total, "reason": reason})
    draw.state = Draw.State.CLOSED
    draw.closed_at = timezone.now()
    draw.closed_by = by
    draw.close_reason = (reason or "").strip()
    draw.flags = flags
    draw.save(update_fields=["state", "closed_at", "closed_by", "close_reason", "flags"])
    # the seed is revealed; the targets stay sealed (a check cancelled before it started is still a secret)
    audit_record(actor=by, verb="draw.close", obj=draw,
                 payload={"seed": draw.seed, "seed_sha256": draw.seed_sha256, "reason": draw.close_reason,
                          "flags": flags, **_seal({"result": draw.result})})
    return draw


@transaction.atomic
def draw_cancel(*, by: User, draw: Draw, reason: str) -> Draw:
    """Cancel a whole draw in one action: every check still planned is cancelled with the reason (they
    stay secrets: sealed records), checks already started go on, and the draw is closed with the seed
    revealed. The cancellation and its reason are published with the commitment."""
    require_role(by, *LEAD)
    reason = _require_reason(reason, "reason", "lý do hủy cả đợt rút thăm")
    draw = Draw.objects.select_for_update().get(pk=draw.pk)
    if draw.state == Draw.State.CLOSED:
        raise Conflict("Lượt rút thăm đã được khóa sổ.", "This draw is already closed.", code="already_closed")
    if by.pk != draw.created_by_id:
        raise Forbidden("Chỉ tổ trưởng đã rút thăm mới được hủy cả đợt.", "Only the lead who made the draw may "
                        "cancel it as a whole.")
    running = draw.checks.filter(state=SurpriseCheck.State.IN_PROGRESS).count()
    if running:
        raise Conflict(f"Còn {running} cuộc kiểm tra đang diễn ra: kết thúc hoặc hủy từng cuộc trước khi hủy cả đợt.",
                       f"{running} check(s) are running: complete or cancel them one by one first.",
                       code="checks_running")
    now = timezone.now()
    planned = _cancel_planned(draw, reason=reason, now=now)
    flags = [*draw.flags, {"code": "draw_cancelled", "reason": reason, "cancelled": len(planned)}]
    if not draw.checks.exclude(state=SurpriseCheck.State.CANCELLED).exists():
        flags.append({"code": "all_checks_cancelled", "reason": reason})
    draw.state = Draw.State.CLOSED
    draw.closed_at = now
    draw.closed_by = by
    draw.close_reason = reason
    draw.flags = flags
    draw.save(update_fields=["state", "closed_at", "closed_by", "close_reason", "flags"])
    audit_record(actor=by, verb="draw.cancel", obj=draw,
                 payload={"seed": draw.seed, "seed_sha256": draw.seed_sha256, "reason": reason, "flags": flags,
                          "cancelled": len(planned),
                          **_seal({"checks": [str(c.uid) for c in planned], "result": draw.result})})
    return draw


def published_parameters(params: dict[str, Any]) -> dict[str, Any]:
    """Every parameter of the draw that shapes the selection, in clear for the commitment (no targets,
    no people): the team size of the pool as a count."""
    published = {key: params[key] for key in PUBLISHED_PARAMS if key in params}
    published["pool_size"] = len(params.get("pool") or [])
    published["working_days"] = len(params.get("days") or [])
    return published


VERIFY_PUBLIC = {
    "seed_hash": ("SHA-256 của hạt giống công bố không khớp với giá trị cam kết.",
                  "The revealed seed does not hash to the committed SHA-256."),
    "snapshot": ("{count} điểm rủi ro không khớp ảnh chụp đã lưu.", "{count} risk score(s) differ from their stored snapshots."),
    "risk_weights": ("Trọng số rủi ro của các điểm đã lưu không khớp giá trị băm đã công bố.",
                     "The risk weights of the stored scores do not match the published hash."),
    "result": ("Kết quả tính lại từ hạt giống khác với kết quả đã lưu.",
               "The draw recomputed from the seed differs from the stored result."),
    "missing_check": ("{count} đơn vị được chọn không có cuộc kiểm tra.", "{count} drawn unit(s) have no check."),
    "changed_check": ("{count} cuộc kiểm tra bị thay đổi so với kết quả rút thăm.",
                      "{count} check(s) differ from the drawn slot or team."),
}


def draw_verify(*, draw: Draw, with_targets: bool = True) -> dict[str, Any]:
    """Recompute the draw from the revealed seed and the stored inputs. Without targets (for the
    disciplinary officers and administrators, who see the commitment, not the units): whether it
    matches and why not, in counts, never which unit or check. The seed is revealed at the close for every
    draw and every reader, whatever the state of any check (F2)."""
    if draw.state != Draw.State.CLOSED:
        return {"match": False, "revealed": False, "seed": None, "seed_sha256": draw.seed_sha256, "selected": None,
                "risk_weights_version": draw.params.get("risk_weights_version"),
                "risk_weights_sha256": draw.params.get("risk_weights_sha256"),
                "reasons": [{"code": "not_revealed", "vi": "Hạt giống chưa được công bố: lượt rút thăm chưa khóa sổ.",
                             "en": "The seed is not revealed until the draw is closed."}]}
    reasons: list[dict[str, str]] = []
    if drawing.seed_hash(draw.seed) != draw.seed_sha256:
        reasons.append({"code": "seed_hash", "vi": VERIFY_PUBLIC["seed_hash"][0], "en": VERIFY_PUBLIC["seed_hash"][1]})
    snapshots = {s.pk: s for s in RiskSnapshot.objects.filter(pk__in=[c["snapshot_id"] for c in draw.candidates])}
    for cand in draw.candidates:
        snap = snapshots.get(cand["snapshot_id"])
        if snap is None or snap.unit_id != cand["unit_id"] or abs(snap.score - float(cand["score"])) > 1e-9:
            reasons.append({"code": "snapshot",
                            "vi": f"Điểm rủi ro của đơn vị {cand['unit_id']} không khớp ảnh chụp đã lưu.",
                            "en": f"Risk score of unit {cand['unit_id']} does not match its stored snapshot."})
    committed = draw.params.get("risk_weights_sha256")
    if committed and committed != risk_weights_hash([s for s in snapshots.values()]):
        reasons.append({"code": "risk_weights", "vi": VERIFY_PUBLIC["risk_weights"][0],
                        "en": VERIFY_PUBLIC["risk_weights"][1]})
    recomputed = drawing.run_draw(draw.seed, {"params": draw.params, "candidates": draw.candidates})
    if recomputed != draw.result:
        reasons.append({"code": "result", "vi": VERIFY_PUBLIC["result"][0], "en": VERIFY_PUBLIC["result"][1]})
    checks = {c.unit_id: c for c in draw.checks.prefetch_related("team")}
    for item in draw.result:
        check = checks.get(item["unit_id"])
        if check is None:
            reasons.append({"code": "missing_check", "vi": f"Thiếu cuộc kiểm tra cho đơn vị {item['unit_id']}.",
                            "en": f"No check was created for unit {item['unit_id']}."})
            continue
        slot = item["slot"]
        if (check.window_start != datetime.fromisoformat(slot["window_start"])
                or sorted(u.pk for u in check.team.all()) != sorted(item["team"])):
            if check.state == SurpriseCheck.State.PLANNED:
                reasons.append({"code": "changed_check",
                                "vi": f"Cuộc kiểm tra {check.reference} bị thay đổi so với kết quả rút thăm.",
                                "en": f"Check {check.reference} differs from the drawn slot or team."})
    if not with_targets:
        counts: dict[str, int] = {}
        for r in reasons:
            counts[r["code"]] = counts.get(r["code"], 0) + 1
        reasons = [{"code": code, "vi": VERIFY_PUBLIC[code][0].format(count=count),
                    "en": VERIFY_PUBLIC[code][1].format(count=count)} for code, count in counts.items()]
    return {"match": not reasons, "revealed": True, "seed": draw.seed, "seed_sha256": draw.seed_sha256,
            "risk_weights_version": draw.params.get("risk_weights_version"),
            "risk_weights_sha256": draw.params.get("risk_weights_sha256"),
            "selected": ([{"unit_id": r["unit_id"], "reason": r["reason"]} for r in recomputed]
                         if with_targets else None),
            "reasons": reasons}
