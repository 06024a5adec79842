// Sends the queued field changes when the network is there: in order, with retries (growing waits) on
// network and server errors. Only the signed-in user's changes are sent, each under the account that
// made it (the server refuses a change named for another account than the session's). An answer that the
// session is gone or belongs to someone else (401/403) stops sending at once: nothing is retried under
// another identity. A report that changed on the server since the user's edits (the version they were
// made on) is never overwritten: the change stops as a conflict that says what changed there, and the
// user re-applies their values on top of the current version or drops them. Photos do not conflict: they
// are sent on their own, whatever happens to the report change.
import { ApiError, api } from "../api/client";
import type { CheckReport } from "../types/inspection";
import { lockDevice, notify, putItem, queueItems, removeItem, updateKeptReport, type QueueItem, type ReportBody, type ServerChange } from "./store";

export const OWNER_HEADER = "X-Counterwatch-User";
/** A photo's error code while it waits for its criterion's result, still in the queue, to reach the server. */
export const WAITS_FOR_REPORT = "waits_for_report";

const sentListeners = new Set<(checkId: string, report?: CheckReport) => void>();
/** Called after a change reached the server (a page refreshes what it shows). */
export function onSent(fn: (checkId: string, report?: CheckReport) => void): () => void {
  sentListeners.add(fn);
  return () => sentListeners.delete(fn);
}

export function backoffMs(attempts: number): number {
  return Math.min(60_000, 2_000 * 2 ** Math.max(0, attempts - 1));
}

let currentUser: number | null = null;
/** Who is signed in in this tab (null: nobody): only their changes are sent. */
export function setSyncUser(userId: number | null): void {
  currentUser = userId;
}

let running: Promise<void> | null = null;

/** Send what can be sent now. `force` ignores the waits between retries (the user pressed "Gửi ngay"). */
export function flushQueue(force = false): Promise<void> {
  if (!running) {
    running = flush(force).finally(() => {
      running = null;
      notify();
    });
  }
  return running;
}

function owner(item: QueueItem): Record<string, string> {
  return { [OWNER_HEADER]: String(item.userId) };
}

async function send(item: QueueItem): Promise<CheckReport | undefined> {
  if (item.kind === "report" && item.body) {
    const report = await api.put<CheckReport>(`inspection/checks/${item.checkId}/report/`, { ...item.body, version: item.baseVersion }, owner(item));
    await updateKeptReport(item.checkId, report);
    return report;
  }
  if (item.kind === "photo" && item.photo) {
    const p = item.photo;
    const fd = new FormData();
    fd.append("file", new File([p.blob], p.name, { type: p.type }));
    fd.append("criterion", p.criterion);
    fd.append("sha256", p.sha256);
    fd.append("captured_at", p.capturedAt);
    if (p.latitude !== null && p.longitude !== null) {
      fd.append("latitude", p.latitude.toFixed(6));
      fd.append("longitude", p.longitude.toFixed(6));
      if (p.accuracy !== null) fd.append("accuracy", String(Math.round(p.accuracy * 10) / 10));
    }
    await api.post(`inspection/checks/${item.checkId}/report/evidence/`, fd, owner(item));
  }
  return undefined;
}

async function currentReport(checkId: string): Promise<CheckReport | undefined> {
  try {
    return await api.get<CheckReport>(`inspection/checks/${checkId}/report/`);
  } catch {
    return undefined; // the card then says the text could not be read, and "both" stays the default
  }
}

async function flush(force: boolean): Promise<void> {
  const me = currentUser;
  if (me === null) return; // nobody signed in here: nothing is sent (another account's changes never are)
  const all = (await queueItems()).sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  const items = all.filter((i) => i.userId === me);
  for (const item of items) {
    if (currentUser !== me) return; // the tab changed hands while sending
    if (item.status !== "pending" || (!force && item.nextTryAt > Date.now())) continue;
    try {
      const report = await send(item);
      await removeItem(item.seq!);
      for (const fn of sentListeners) fn(item.checkId, report);
    } catch (e) {
      const err = e instanceof ApiError ? e : null;
      const attempts = item.attempts + 1;
      const lastError = err ? { vi: err.messageVi, en: err.messageEn, code: err.code } : { vi: String(e), en: String(e), code: "error" };
      if (!err || err.status === 0) {
        // no network: everything waits; try again later
        await putItem({ ...item, attempts, nextTryAt: Date.now() + backoffMs(attempts), lastError });
        return;
      }
      if (err.status === 401) {
        // the session is gone: stop, keep the change for its owner, lock the device until they sign in
        await putItem({ ...item, lastError });
        currentUser = null;
        await lockDevice();
        return;
      }
      if (err.status === 403) {
        // not (or no longer) this account's to send: never retried, and nothing else goes out now
        await putItem({ ...item, status: "failed", attempts, lastError });
        return;
      }
      if (err.code === "report_version_conflict") {
        const server = Number((err.fields.version as string[] | undefined)?.[0]);
        const serverChanges = Array.isArray(err.fields.server_changes) ? (err.fields.server_changes as ServerChange[]) : undefined;
        // the server's summary as it is now: a conflict card shows the colleague's text, never only "changed"
        const current = await currentReport(item.checkId);
        const seen = current && typeof current.summary === "string" ? { serverSummary: current.summary, seenVersion: current.version } : {};
        await putItem({ ...item, status: "conflict", attempts, lastError: { ...lastError, serverVersion: Number.isFinite(server) ? server : undefined, serverChanges, ...seen } });
      } else if (err.status >= 500 || err.status === 429) {
        await putItem({ ...item, attempts, nextTryAt: Date.now() + backoffMs(attempts), lastError });
      } else if (err.code === "criterion_not_scored" && all.some((i) => i.kind === "report" && i.checkId === item.checkId && i.userId === me)) {
        // a photo of a criterion whose result is still in the queue (waiting, or in conflict): it waits, and
        // says so (the server's "not scored" would read as if the grading were lost)
        await putItem({ ...item, attempts, nextTryAt: Date.now() + backoffMs(attempts), lastError: { ...lastError, code: WAITS_FOR_REPORT } });
      } else {
        // refused for a reason a retry will not change (e.g. the report was signed meanwhile, or a result
        // the server does not take: which criterion is said, so that item alone is fixed)
        const criteria = item.kind === "report" ? refusedCriteria(item, err.fields) : [];
        await putItem({ ...item, status: "failed", attempts, lastError: criteria.length ? { ...lastError, criteria } : lastError });
      }
    }
  }
}

type Values = { outcome: string; points: number | null; note: string };
const same = (a: Values | undefined, b: { outcome: string; points: number | null; note: string }) =>
  !!a && a.outcome === b.outcome && (a.outcome !== "partial" || Number(a.points) === Number(b.points)) && (a.note ?? "") === (b.note ?? "");

/** What the user changed themselves, relative to the report they started from: only that is re-applied,
 * so what others changed meanwhile on other criteria (or the summary) is kept. */
export function ownChanges(item: QueueItem): ReportBody & { summaryChanged: boolean } {
  const body = item.body ?? { summary: "", results: [] };
  if (!item.base) return { ...body, summaryChanged: true };
  const base = item.base;
  return {
    summary: body.summary,
    summaryChanged: body.summary.trim() !== base.summary.trim(),
    results: body.results.filter((r) => !same(base.results[r.criterion], r)),
  };
}

/** The criteria a refused report names: the server keys its errors by the position in `results`
 *  ("results[3]"); the messages are "english / tiếng Việt". */
/** "english / tiếng Việt" (the server's per-item messages) in the UI language. */
export function bilingualPart(message: string, en: boolean): string {
  const parts = message.split(" / ");
  return parts.length === 2 ? (en ? parts[0] : parts[1]) : message;
}

export function refusedCriteria(item: QueueItem, fields: Record<string, unknown>): { code: string; message: string }[] {
  const out: { code: string; message: string }[] = [];
  for (const [key, value] of Object.entries(fields ?? {})) {
    const m = /^results\[(\d+)\]$/.exec(key);
    const result = m ? item.body?.results?.[Number(m[1])] : undefined;
    if (!result) continue;
    const first = Array.isArray(value) ? String(value[0] ?? "") : String(value ?? "");
    out.push({ code: result.criterion, message: first });
  }
  return out;
}

/** How the user resolves a conflict, item by item: for a criterion both sides changed, their value or mine;
 * for the summary both edited, theirs, mine, or both (theirs, then mine). */
export interface Resolution {
  summary?: "theirs" | "mine" | "both";
  criteria?: Record<string, "theirs" | "mine">;
}

/** Both texts, theirs first; one that already contains the other is not repeated. */
export function mergedSummary(theirs: string, mine: string): string {
  const a = theirs.trim();
  const b = mine.trim();
  if (!a || b.includes(a)) return b;
  if (!b || a.includes(b)) return a;
  return `${a}\n\n${b}`;
}

/** Both the user and someone on the server changed the summary, to different texts: the user must choose. */
export function summaryInConflict(item: QueueItem, serverSummary = item.lastError?.serverSummary): boolean {
  const mine = ownChanges(item);
  if (!mine.summaryChanged) return false;
  if (serverSummary === undefined) return (item.lastError?.serverChanges ?? []).some((c) => c.summary_changed);
  const server = serverSummary.trim();
  return server !== mine.summary.trim() && (!item.base || server !== item.base.summary.trim());
}

/** What is sent on top of the server's current report: only what the user changed, as they chose. */
export function resolvedBody(item: QueueItem, server: Pick<CheckReport, "summary">, choice: Resolution = {}): ReportBody {
  const mine = ownChanges(item);
  const results = mine.results.filter((r) => choice.criteria?.[r.criterion] !== "theirs");
  let summary = server.summary;
  if (mine.summaryChanged) {
    if (!summaryInConflict(item, server.summary)) summary = mine.summary;
    else {
      // never drop the colleague's text unless the user chose to, having been shown it
      const how = choice.summary ?? "both";
      summary = how === "theirs" ? server.summary : how === "mine" ? mine.summary : mergedSummary(server.summary, mine.summary);
    }
  }
  return { summary, results };
}

/** The user read the conflict and applies their values, as they chose, on top of the server's current
 * version. If the report moved on again since they were shown it, the change is sent as it was, so the
 * server answers with a new conflict that shows what moved: nothing is decided on what they did not see. */
export async function reapplyOnServer(item: QueueItem, choice: Resolution = {}): Promise<void> {
  const server = await api.get<CheckReport>(`inspection/checks/${item.checkId}/report/`);
  const seen = item.lastError?.seenVersion;
  if (seen !== undefined && server.version !== seen) {
    await putItem({ ...item, status: "pending", nextTryAt: 0 });
    await flushQueue(true);
    return;
  }
  const body = resolvedBody(item, server, choice);
  await putItem({ ...item, body, baseVersion: server.version, status: "pending", attempts: 0, nextTryAt: 0, lastError: undefined });
  await flushQueue(true);
}

/** The user drops their unsent change and takes the server's report. */
export async function dropChange(item: QueueItem): Promise<void> {
  await removeItem(item.seq!);
  for (const fn of sentListeners) fn(item.checkId);
  await flushQueue(true);
}

let started = false;
/** Once per page: send on reconnect and every few seconds while something waits. */
export function startBackgroundSync(): void {
  if (started || typeof window === "undefined") return;
  started = true;
  window.addEventListener("online", () => void flushQueue(true));
  window.setInterval(() => {
    if (navigator.onLine) void flushQueue();
  }, 5_000);
  void flushQueue();
}
