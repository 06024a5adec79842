"""For the drawing lead only (issue 15): who was left off a check whose team is smaller than asked, and why.

A short team (the draw's note `team_short`) said only "not enough people free of conflict". The lead who drew now
reads, for each such check, every inspector not on its team with the reason: absent (the days of the absence),
a conflict of interest with the unit, already on another check that day, the same person as a team member, or
an account that may not be on a team at all. The warning (`team_short_left_out`) names people and their absences:
the draw's API shows it to the drawing lead alone (selectors_draws.draw_counts_live_for)."""
from __future__ import annotations

from datetime import date
from typing import Any

from backend.accounts.models import User
from backend.accounts.selectors import same_person, user_title
from backend.org.models import Unit
from inspection import draw as drawing
from inspection.models import InspectorAbsence
from inspection.secrecy import TEAM_UNFIT_REASONS

LEAD_ONLY_WARNINGS = frozenset({"team_short_left_out"})
MIN_TEAM_SIZE = drawing.MIN_TEAM_SIZE

SHORTFALL_REASONS = {
    "no_free_team_in_window": ("không còn tổ kiểm tra rảnh trong khoảng thời gian (mỗi người không trùng giờ, "
                               "tối đa {per_day} cuộc/ngày)",
                               "no team free in the window (nobody on two checks at once, at most {per_day} a day)"),
    "no_member_without_conflict": ("mọi thành viên tổ kiểm tra đều từng công tác tại đơn vị",
                                   "every member of the team served in the unit"),
    "team_of_one": ("chỉ còn một người không xung đột lợi ích với đơn vị, không đủ tổ hai người",
                    "only one person is free of conflict with the unit, not enough for a team of two"),
    # the same shortfall when absences, not conflicts, left fewer than two people (UX review: an absence was
    # reported as a conflict of interest); who is away and when is named in the lead-only list (left_out)
    "team_of_one_absent": ("chỉ còn {pool} người có mặt trong khoảng thời gian ({away} người vắng mặt), không đủ tổ "
                           "hai người",
                           "only {pool} person(s) available in the window ({away} absent), not enough for a team of two"),
}


def shortfall_reason(short: dict[str, Any], params: dict[str, Any]) -> str:
    """The shortfall's reason as the lead reads it: a unit left without a team of two because people are
    away is said so (absence), not as a conflict of interest with the unit."""
    if short["reason"] == "team_of_one" and len(params["pool"]) < MIN_TEAM_SIZE and params.get("away"):
        return "team_of_one_absent"
    return str(short["reason"])


def _conflicted_names(unfit: list[dict[str, Any]], inputs: dict[str, Any]) -> dict[int, str]:
    """For each unit left out, the team members in conflict with it, as people ("đồng chí Đại úy Võ Thanh Tùng"):
    the reason alone did not say who (user review of stop 26, issue 15)."""
    wanted = {int(u["unit_id"]) for u in unfit}
    ids = {int(c["unit_id"]): [int(x) for x in c.get("conflicted", [])]
           for c in inputs.get("candidates", []) if int(c["unit_id"]) in wanted}
    people = {u.pk: user_title(u) for u in User.objects.filter(
        pk__in={x for v in ids.values() for x in v}).select_related("officer")}
    return {unit: ", ".join(f"đồng chí {people[x]}" for x in sorted(members) if x in people)
            for unit, members in ids.items()}


def units_without_team(unfit: list[dict[str, Any]], inputs: dict[str, Any]) -> list[dict[str, Any]]:
    """Version 5: the warning naming the units no team of two free of conflict can check (not drawn, so they take
    no place of n), each with its reason and who is in conflict; none when there are none."""
    if not unfit:
        return []
    names = _conflicted_names(unfit, inputs)

    def said(u: dict[str, Any]) -> tuple[str, str]:
        vi, en = SHORTFALL_REASONS[u["reason"]]
        who = names.get(int(u["unit_id"]))
        return (f"{vi} (từng công tác tại đơn vị: {who})", f"{en} (served in the unit: {who})") if who else (vi, en)

    units = [{**u, **dict(zip(("vi", "en"), said(u), strict=True))} for u in unfit]
    return [{
        "code": "units_without_team", "count": len(unfit), "units": units,
        "vi": f"{len(unfit)} đơn vị không được đưa vào rút thăm vì không đủ hai cán bộ không xung đột lợi ích với "
              "đơn vị để lập tổ kiểm tra (kiểm tra không do một người thực hiện).",
        "en": f"{len(unfit)} unit(s) were left out of the draw: fewer than two team members are free of conflict "
              "with the unit (nobody checks alone)."}]


def ease_shortfall(size: int) -> tuple[str, str]:
    """What the lead can do about checks the window could not hold: never a team under two people."""
    if size > MIN_TEAM_SIZE:
        return ("Mở rộng khoảng thời gian, giảm số đơn vị cần kiểm tra hoặc giảm số người mỗi tổ "
                f"(tối thiểu {MIN_TEAM_SIZE} người).",
                f"Widen the window, check fewer units or use smaller teams (at least {MIN_TEAM_SIZE} people).")
    return ("Mở rộng khoảng thời gian hoặc giảm số đơn vị cần kiểm tra.", "Widen the window or check fewer units.")


def _absence(user_id: int, day: str) -> tuple[str, str] | None:
    on = date.fromisoformat(day)
    found = (InspectorAbsence.objects.filter(user_id=user_id, withdrawn_at__isnull=True, start__lte=on, end__gte=on)
             .order_by("start", "id").first())
    if found is None:
        return None
    span = f"{found.start:%d/%m}–{found.end:%d/%m}"
    return f"vắng mặt {span} ({found.get_kind_display().lower()})", f"absent {span} ({found.kind})"


def _reason(uid: int, *, day: str, item: dict[str, Any], cand: dict[str, Any], params: dict[str, Any],
            users: dict[int, User], busy: set[int]) -> tuple[str, str, str]:
    """(code, vi, en): why `uid` is not on the check `item`."""
    unfit = {e["user_id"]: e["reason"] for e in params.get("unfit") or []}
    if unfit.get(uid) == "same_person":
        twin = next((users[m] for m in item["team"] if m in users and uid in users
                     and same_person(users[uid], users[m])), None)
        if twin is not None:
            return "same_person", f"cùng một người với {user_title(twin)} trong tổ", \
                f"the same person as {user_title(twin)} on the team"
    if uid in unfit:
        vi, en = TEAM_UNFIT_REASONS[unfit[uid]]
        return unfit[uid], vi, en
    absent = _absence(uid, day)
    if absent is not None:
        return "absent", *absent
    if uid in {int(u) for u in cand.get("conflicted") or []}:
        return "conflict", "xung đột lợi ích với đơn vị (từng công tác tại đơn vị)", \
            "conflict of interest with the unit (served there)"
    if uid in busy:
        return "busy", "đã ở cuộc kiểm tra khác trong ngày", "already on another check that day"
    return "busy", "không rảnh vào giờ kiểm tra", "not free at the check's time"


def team_short_left_out(inputs: dict[str, Any], result: list[dict[str, Any]],
                        shortfall: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The lead-only warning on short teams: for each, the inspectors not on it and why ([] when none is short).
    A unit left without any team (shortfall "team_of_one") is listed too, on the window's first day with an
    empty team: who is absent (kind, dates) or conflicted with it is the real cause the lead must read."""
    params = inputs["params"]
    short = [r for r in result if any(x.get("code") == "team_short" for x in r.get("notes") or [])]
    short += [{"unit_id": s["unit_id"], "team": [], "slot": {"window_start": params["days"][0]}}
              for s in shortfall or [] if s.get("reason") == "team_of_one"]
    if not short:
        return []
    people = sorted({*params.get("pool", []), *params.get("away", []),
                     *(e["user_id"] for e in params.get("unfit") or [])})
    users = {u.pk: u for u in User.objects.filter(pk__in=people).select_related("officer")}
    units = dict(Unit.objects.filter(pk__in=[r["unit_id"] for r in short]).values_list("pk", "name"))
    candidates = {c["unit_id"]: c for c in inputs["candidates"]}
    checks = []
    for item in short:
        day = item["slot"]["window_start"][:10]
        busy = {int(p) for p, slots in (params.get("booked") or {}).items() if any(s[0] == day for s in slots)}
        busy |= {m for r in result if r is not item and r["slot"]["window_start"][:10] == day for m in r["team"]}
        left = []
        for uid in (p for p in people if p not in item["team"]):
            code, vi, en = _reason(uid, day=day, item=item, cand=candidates.get(item["unit_id"], {}),
                                   params=params, users=users, busy=busy)
            left.append({"user_id": uid, "name": user_title(users.get(uid)), "reason": code, "vi": vi, "en": en})
        checks.append({"unit_id": item["unit_id"], "unit": units.get(item["unit_id"], ""), "day": day,
                       "team": len(item["team"]), "asked": int(params["team_size"]), "left_out": left})
    vi = "; ".join(f"{c['unit']} ngày {date.fromisoformat(c['day']):%d/%m} (tổ {c['team']}/{c['asked']} người): "
                   + (", ".join(f"{p['name'] or p['user_id']} — {p['vi']}" for p in c["left_out"]) or "không còn ai")
                   for c in checks)
    en = "; ".join(f"{c['unit']} on {c['day']} (team {c['team']}/{c['asked']}): "
                   + (", ".join(f"{p['name'] or p['user_id']} — {p['en']}" for p in c["left_out"]) or "nobody else")
                   for c in checks)
    return [{"code": "team_short_left_out", "checks": checks,
             "vi": f"Người không được xếp vào tổ thiếu người (chỉ tổ trưởng rút thăm thấy): {vi}.",
             "en": f"Who was not put on the short teams (seen by the drawing lead only): {en}."}]
