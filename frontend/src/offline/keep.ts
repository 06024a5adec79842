// Keeps on the device, as soon as the check list (or home) loads with a network, every STARTED check the
// signed-in user is on the team of (the check, its report and criteria set): the inspector who looked at
// the list in the office can open the check at the commune without a signal. A planned check is never
// asked for and never kept (it is a secret until the lead starts it on site: mayKeepOffline), and a kept
// check that is no longer started, or no longer the user's team's, is dropped from the device.
import { api, fetchAll } from "../api/client";
import type { CheckBrief, CheckDetail, CheckReport, CriteriaSetTree, Criterion } from "../types/inspection";
import { forgetChecksExcept, keepCheck, mayKeepOffline, offlineSupported } from "./store";

const STARTED = ["in_progress", "completed"] as const;

export function onTeamOf(userId: number, check: Pick<CheckBrief, "lead" | "team">): boolean {
  return check.lead?.id === userId || (check.team ?? []).some((u) => u.id === userId);
}

let running: Promise<string[]> | null = null;

/** Fetch and keep the user's team's started checks; returns the ids kept. One run at a time per tab. */
export function keepTeamChecks(me: { id: number; is_inspection_team?: boolean }): Promise<string[]> {
  if (!running) running = keepNow(me).finally(() => { running = null; });
  return running;
}

async function keepNow(me: { id: number; is_inspection_team?: boolean }): Promise<string[]> {
  if (!offlineSupported() || !me.is_inspection_team) return [];
  const lists = await Promise.all(STARTED.map((state) => fetchAll<CheckBrief>("inspection/checks/", { state }, 500)));
  const mine = lists.flat().filter((c) => mayKeepOffline(c) && onTeamOf(me.id, c));
  const sets = new Map<number, Promise<Criterion[]>>();
  const kept: string[] = [];
  for (const brief of mine) {
    const check = await api.get<CheckDetail>(`inspection/checks/${brief.id}/`);
    if (!mayKeepOffline(check) || !onTeamOf(me.id, check)) continue; // moved on meanwhile
    const report = await api.get<CheckReport>(`inspection/checks/${brief.id}/report/`);
    const csId = report.criteria_set?.id ?? check.criteria_set?.id;
    if (!csId) continue;
    if (!sets.has(csId)) sets.set(csId, api.get<CriteriaSetTree>(`inspection/criteria-sets/${csId}/`).then((s) => s.criteria));
    await keepCheck(me.id, check, report, await sets.get(csId)!);
    kept.push(check.id);
  }
  // both lists arrived whole: what is kept and not among them is no longer the team's started check
  await forgetChecksExcept(me.id, kept);
  return kept;
}
