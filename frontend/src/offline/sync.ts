// Sends the queued field changes when the network is there: in order, a check's report before its
// photos, with retries (growing waits) on network and server errors. A report that changed on the
// server since the user's edits (the version they were made on) is never overwritten: the change
// stops as a conflict the user resolves, and the photos of that check wait behind it.
import { ApiError, api } from "../api/client";
import type { CheckReport } from "../types/inspection";
import { notify, putItem, queueItems, removeItem, updateKeptReport, type QueueItem } from "./store";

const sentListeners = new Set<(checkId: string, report?: CheckReport) => void>();
/** Called after a change reached the server (a page refreshes what it shows). */
export function onSent(fn: (checkId: string, report?: CheckReport) => void): () => void {
  sentListeners.add(fn);
  return () => sentListeners.delete(fn);
}

export function backoffMs(attempts: number): number {
  return Math.min(60_000, 2_000 * 2 ** Math.max(0, attempts - 1));
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

async function send(item: QueueItem): Promise<CheckReport | undefined> {
  if (item.kind === "report" && item.body) {
    const report = await api.put<CheckReport>(`inspection/checks/${item.checkId}/report/`, { ...item.body, version: item.baseVersion });
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
    await api.post(`inspection/checks/${item.checkId}/report/evidence/`, fd);
  }
  return undefined;
}

async function flush(force: boolean): Promise<void> {
  const items = (await queueItems()).sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  const blocked = new Set<string>(); // checks whose report change has not gone through: their photos wait
  for (const item of items) {
    if (blocked.has(item.checkId)) continue;
    if (item.status !== "pending" || (!force && item.nextTryAt > Date.now())) {
      if (item.kind === "report") blocked.add(item.checkId);
      continue;
    }
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
      blocked.add(item.checkId);
      if (err.code === "report_version_conflict") {
        const server = Number((err.fields.version as string[] | undefined)?.[0]);
        await putItem({ ...item, status: "conflict", attempts, lastError: { ...lastError, serverVersion: Number.isFinite(server) ? server : undefined } });
      } else if (err.status >= 500 || err.status === 429 || err.status === 401) {
        await putItem({ ...item, attempts, nextTryAt: Date.now() + backoffMs(attempts), lastError });
      } else {
        // refused for a reason a retry will not change (e.g. the report was signed meanwhile)
        await putItem({ ...item, status: "failed", attempts, lastError });
      }
    }
  }
}

/** The user read the conflict and sends their version over the server's current one. */
export async function resendOverServer(item: QueueItem): Promise<void> {
  const server = await api.get<CheckReport>(`inspection/checks/${item.checkId}/report/`);
  await putItem({ ...item, baseVersion: server.version, status: "pending", attempts: 0, nextTryAt: 0, lastError: undefined });
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
