// The field app's store on the device (IndexedDB through `idb`): the checks an inspector has STARTED
// and is on the team of (check, report, criteria set), and the queue of changes made on site that
// wait for the network. A planned check is never written here: it is a secret until the lead starts
// it on site, and a lost phone must not reveal where the team is going. Everything is deleted on
// logout, and when another user signs in on the same device.
import { openDB, deleteDB, type DBSchema, type IDBPDatabase } from "idb";
import type { CheckDetail, CheckReport, Criterion } from "../types/inspection";

export const DB_NAME = "counterwatch-field";

export interface StoredCheck {
  id: string;
  userId: number;
  check: CheckDetail;
  report: CheckReport;
  criteria: Criterion[];
  savedAt: string;
}

export interface ReportBody {
  summary: string;
  results: { criterion: string; outcome: string; points: number | null; note: string }[];
}

export interface PhotoPayload {
  blob: Blob;
  name: string;
  type: string;
  sha256: string;
  criterion: string;
  capturedAt: string;
  latitude: number | null;
  longitude: number | null;
  accuracy: number | null;
}

export type QueueStatus = "pending" | "conflict" | "failed";

export interface QueueItem {
  seq?: number;
  checkId: string;
  userId: number;
  kind: "report" | "photo";
  /** report: the server version the edits were made on; sent back so a report that moved on is not overwritten */
  baseVersion?: number;
  body?: ReportBody;
  /** the page's drafts as the user left them (points of a pass included), to show them again offline */
  drafts?: Record<string, { outcome: string; points: number; note: string }>;
  photo?: PhotoPayload;
  status: QueueStatus;
  attempts: number;
  nextTryAt: number;
  lastError?: { vi: string; en: string; code: string; serverVersion?: number };
  createdAt: string;
}

interface FieldDB extends DBSchema {
  checks: { key: string; value: StoredCheck };
  queue: { key: number; value: QueueItem; indexes: { byCheck: string } };
  meta: { key: string; value: { key: string; value: unknown } };
}

let dbp: Promise<IDBPDatabase<FieldDB>> | null = null;

function db(): Promise<IDBPDatabase<FieldDB>> {
  if (!dbp) {
    dbp = openDB<FieldDB>(DB_NAME, 1, {
      upgrade(d) {
        d.createObjectStore("checks", { keyPath: "id" });
        const q = d.createObjectStore("queue", { keyPath: "seq", autoIncrement: true });
        q.createIndex("byCheck", "checkId");
        d.createObjectStore("meta", { keyPath: "key" });
      },
      terminated() {
        dbp = null;
      },
    });
  }
  return dbp;
}

export function offlineSupported(): boolean {
  return typeof indexedDB !== "undefined";
}

/** Only a started check the user may work on is kept; a planned or cancelled one never is. */
export function mayKeepOffline(check: Pick<CheckDetail, "state">): boolean {
  return check.state === "in_progress" || check.state === "completed";
}

// --- change notification (the queue bar and pages listen) -------------------------------------------

const listeners = new Set<() => void>();
export function subscribe(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
export function notify(): void {
  for (const fn of listeners) fn();
}

// --- owner ----------------------------------------------------------------------------------------------

/** The store belongs to one user: a different user signing in on this device starts from nothing.
 * The user's own profile is kept with it, so the app opens without a network (cleared on logout). */
export async function ensureOwner<M extends { id: number }>(me: M): Promise<void> {
  if (!offlineSupported()) return;
  let d = await db();
  const owner = await d.get("meta", "owner");
  if (owner && owner.value !== me.id) {
    await clearOfflineData();
    d = await db();
  }
  await d.put("meta", { key: "owner", value: me.id });
  await d.put("meta", { key: "me", value: me });
}

export async function rememberedMe<M>(): Promise<M | undefined> {
  if (!offlineSupported()) return undefined;
  const row = await (await db()).get("meta", "me");
  return row?.value as M | undefined;
}

export async function clearOfflineData(): Promise<void> {
  if (!offlineSupported()) return;
  if (dbp) {
    (await dbp).close();
    dbp = null;
  }
  await deleteDB(DB_NAME);
  notify();
}

// --- checks -----------------------------------------------------------------------------------------

export async function keepCheck(userId: number, check: CheckDetail, report: CheckReport, criteria: Criterion[]): Promise<void> {
  if (!offlineSupported()) return;
  const d = await db();
  if (!mayKeepOffline(check)) {
    await d.delete("checks", check.id);
    return;
  }
  await d.put("checks", { id: check.id, userId, check, report, criteria, savedAt: new Date().toISOString() });
}

export async function keptCheck(id: string, userId: number): Promise<StoredCheck | undefined> {
  if (!offlineSupported()) return undefined;
  const row = await (await db()).get("checks", id);
  return row && row.userId === userId ? row : undefined;
}

export async function keptChecks(userId: number): Promise<StoredCheck[]> {
  if (!offlineSupported()) return [];
  return (await (await db()).getAll("checks")).filter((r) => r.userId === userId);
}

export async function updateKeptReport(id: string, report: CheckReport): Promise<void> {
  const d = await db();
  const row = await d.get("checks", id);
  if (row) await d.put("checks", { ...row, report, savedAt: new Date().toISOString() });
}

// --- queue -----------------------------------------------------------------------------------------

export async function queueItems(userId?: number): Promise<QueueItem[]> {
  if (!offlineSupported()) return [];
  const all = await (await db()).getAll("queue");
  return userId === undefined ? all : all.filter((i) => i.userId === userId);
}

/** One pending report change per check: a later save replaces the body but keeps the version the
 * first unsent edit was made on (the server must compare against what the user actually saw). */
export async function enqueueReport(userId: number, checkId: string, baseVersion: number, body: ReportBody,
  drafts?: QueueItem["drafts"]): Promise<void> {
  const d = await db();
  const tx = d.transaction("queue", "readwrite");
  const existing = (await tx.store.index("byCheck").getAll(checkId)).find((i) => i.kind === "report");
  if (existing) {
    await tx.store.put({ ...existing, body, drafts, status: existing.status === "failed" ? "pending" : existing.status, nextTryAt: 0 });
  } else {
    await tx.store.add({ checkId, userId, kind: "report", baseVersion, body, drafts, status: "pending", attempts: 0, nextTryAt: 0, createdAt: new Date().toISOString() });
  }
  await tx.done;
  notify();
}

export async function enqueuePhoto(userId: number, checkId: string, photo: PhotoPayload): Promise<void> {
  await (await db()).add("queue", { checkId, userId, kind: "photo", photo, status: "pending", attempts: 0, nextTryAt: 0, createdAt: new Date().toISOString() });
  notify();
}

export async function putItem(item: QueueItem): Promise<void> {
  await (await db()).put("queue", item);
  notify();
}

export async function removeItem(seq: number): Promise<void> {
  await (await db()).delete("queue", seq);
  notify();
}
