// The field app's store on the device (IndexedDB through `idb`): the checks an inspector has STARTED
// and is on the team of (check, report, criteria set), and the queue of changes made on site that
// wait for the network. A planned check is never written here: it is a secret until the lead starts
// it on site, and a lost phone must not reveal where the team is going. Everything is deleted on
// logout, and when another user signs in on the same device.
//
// Every queued change belongs to the account that made it (its id and name are kept with it) and is sent
// only under that account's session. When the session ends — the server answers 401, or the device has
// been offline longer than the session lasts — the device is LOCKED: the kept checks and the profile are
// deleted (whoever holds the phone sees nothing of the check), the queued changes stay, unreadable in the
// app, until the same inspector signs in again and they are sent; another account signing in deletes them.
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

export interface ServerChange {
  version: number;
  at: string;
  by: string;
  criteria: { criterion: string; before: { outcome: string; points: string; note: string } | null; after: { outcome: string; points: string; note: string } }[];
  summary_changed: boolean;
}

/** The report as it was when the user's first unsent edit was made (to re-apply only what they changed). */
export interface ReportBase {
  summary: string;
  results: Record<string, { outcome: string; points: number | null; note: string }>;
}

export interface QueueItem {
  seq?: number;
  checkId: string;
  userId: number;
  /** who made the change, shown when it waits for that account to sign in again */
  userName?: string;
  kind: "report" | "photo";
  /** report: the server version the edits were made on; sent back so a report that moved on is not overwritten */
  baseVersion?: number;
  body?: ReportBody;
  base?: ReportBase;
  /** the page's drafts as the user left them (points of a pass included), to show them again offline */
  drafts?: Record<string, { outcome: string; points: number; note: string }>;
  photo?: PhotoPayload;
  status: QueueStatus;
  attempts: number;
  nextTryAt: number;
  lastError?: {
    vi: string; en: string; code: string; serverVersion?: number; serverChanges?: ServerChange[];
    /** a conflict: the server's summary as the user was shown it, and the version it was read from */
    serverSummary?: string; seenVersion?: number;
    /** a report the server refused: which criteria, and why (the inspector fixes those items only) */
    criteria?: { code: string; message: string }[];
  };
  createdAt: string;
}

/** A photo taken for a criterion whose results cannot be saved yet (a "Không đạt" without its note): kept
 * on the device, by check and criterion, until the next save queues it or the user removes it. */
export interface HeldPhotoRow {
  /** `${userId}|${checkId}|${criterion}|${sha256}`: the same photo held twice for a criterion is one */
  key: string;
  userId: number;
  checkId: string;
  criterion: string;
  photo: PhotoPayload;
  heldAt: string;
}

/** The results of a check the inspector changed but has not saved yet (a "Không đạt" still without its
 * note cannot be saved): kept on the device so a reload or a closed tab does not lose them. */
export interface UnsavedRow {
  /** `${userId}|${checkId}` */
  key: string;
  userId: number;
  checkId: string;
  drafts: Record<string, { outcome: string | null; points: number; note: string }>;
  summary: string;
  /** the server version the changes were made on */
  baseVersion: number;
  keptAt: string;
}

interface FieldDB extends DBSchema {
  checks: { key: string; value: StoredCheck };
  queue: { key: number; value: QueueItem; indexes: { byCheck: string } };
  meta: { key: string; value: { key: string; value: unknown } };
  held: { key: string; value: HeldPhotoRow; indexes: { byCheck: string } };
  unsaved: { key: string; value: UnsavedRow };
}

let dbp: Promise<IDBPDatabase<FieldDB>> | null = null;

function db(): Promise<IDBPDatabase<FieldDB>> {
  if (!dbp) {
    dbp = openDB<FieldDB>(DB_NAME, 3, {
      upgrade(d, oldVersion) {
        if (oldVersion < 1) {
          d.createObjectStore("checks", { keyPath: "id" });
          const q = d.createObjectStore("queue", { keyPath: "seq", autoIncrement: true });
          q.createIndex("byCheck", "checkId");
          d.createObjectStore("meta", { keyPath: "key" });
        }
        if (oldVersion < 2) {
          // version 2: photos held for a criterion that cannot be saved yet (they were lost on a reload)
          d.createObjectStore("held", { keyPath: "key" }).createIndex("byCheck", "checkId");
        }
        if (oldVersion < 3) {
          // version 3: results changed but not saved yet (a "Không đạt" waiting for its note was lost on a reload)
          d.createObjectStore("unsaved", { keyPath: "key" });
        }
      },
      terminated() {
        dbp = null;
      },
      // another tab deletes the store (logout, another account signing in): let go of it at once, or the
      // deletion would wait for this tab to close and this tab would go on using the old data
      blocking() {
        const open = dbp;
        dbp = null;
        void open?.then((d) => d.close());
        notify();
        announce("cleared");
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

// --- other tabs of the same browser (one store per origin) -------------------------------------------

type TabMessage = "cleared" | "owner" | "locked";
const channel: BroadcastChannel | null = typeof BroadcastChannel !== "undefined" ? new BroadcastChannel("counterwatch-field") : null;
const tabListeners = new Set<(m: TabMessage) => void>();
/** Another tab cleared or locked the store, or another account took it: this tab re-reads who is signed in. */
export function onOtherTab(fn: (m: TabMessage) => void): () => void {
  tabListeners.add(fn);
  return () => tabListeners.delete(fn);
}
channel?.addEventListener("message", (e: MessageEvent<TabMessage>) => {
  notify();
  for (const fn of tabListeners) fn(e.data);
});
function announce(m: TabMessage): void {
  try {
    channel?.postMessage(m);
  } catch {
    // a closed channel (page unloading): nothing to tell
  }
}

// --- owner ----------------------------------------------------------------------------------------------

export interface SessionInfo {
  expires_at: string;
  server_time: string;
}

interface SessionMeta {
  userId: number;
  /** the device's clock at which the session ends (the server's expiry moved by the clock difference) */
  expiresAt: number;
}

interface LockMeta {
  userId: number;
  userName: string;
}

/** The store belongs to one user: a different user signing in on this device starts from nothing.
 * The user's own profile is kept with it, so the app opens without a network, until the session ends
 * (then the device is locked) or the user logs out (then everything is deleted). The same user signing in
 * again unlocks what they left queued. */
// Who owns the store changes one step at a time: a lock from a late 401 never lands on a sign-in that
// came after it, nor a sign-in in the middle of a logout's deletion.
let ownerChain: Promise<unknown> = Promise.resolve();
function serial<T>(fn: () => Promise<T>): Promise<T> {
  const run = ownerChain.then(fn, fn);
  ownerChain = run.catch(() => undefined);
  return run;
}

export function ensureOwner<M extends { id: number; full_name?: string; username?: string; session?: SessionInfo }>(me: M): Promise<void> {
  return serial(() => ensureOwnerNow(me));
}

async function ensureOwnerNow<M extends { id: number; full_name?: string; username?: string; session?: SessionInfo }>(me: M): Promise<void> {
  if (!offlineSupported()) return;
  let d = await db();
  const owner = await d.get("meta", "owner");
  if (owner && owner.value !== me.id) {
    await clearNow();
    d = await db();
    announce("owner");
  }
  await d.put("meta", { key: "owner", value: me.id });
  await d.put("meta", { key: "me", value: me });
  await d.delete("meta", "locked");
  if (me.session) {
    const skew = Date.now() - Date.parse(me.session.server_time);
    const expiresAt = Date.parse(me.session.expires_at) + (Number.isFinite(skew) ? skew : 0);
    if (Number.isFinite(expiresAt)) await d.put("meta", { key: "session", value: { userId: me.id, expiresAt } satisfies SessionMeta });
  }
  notify();
}

/** The session kept on this device has ended by the clock (offline longer than it lasts). */
export async function sessionExpired(now = Date.now()): Promise<boolean> {
  if (!offlineSupported()) return false;
  const row = await (await db()).get("meta", "session");
  const session = row?.value as SessionMeta | undefined;
  return !!session && now >= session.expiresAt;
}

/** The session is gone: nothing of the checks stays readable; the queued changes wait for their owner. */
export function lockDevice(): Promise<void> {
  return serial(lockNow);
}

async function lockNow(): Promise<void> {
  if (!offlineSupported()) return;
  const d = await db();
  const owner = (await d.get("meta", "owner"))?.value as number | undefined;
  const me = (await d.get("meta", "me"))?.value as { full_name?: string; username?: string } | undefined;
  const tx = d.transaction(["checks", "meta"], "readwrite");
  await tx.objectStore("checks").clear();
  await tx.objectStore("meta").delete("me");
  await tx.objectStore("meta").delete("session");
  if (owner !== undefined) {
    const already = (await tx.objectStore("meta").get("locked"))?.value as LockMeta | undefined;
    await tx.objectStore("meta").put({ key: "locked", value: already ?? { userId: owner, userName: me?.full_name || me?.username || "" } });
  }
  await tx.done;
  notify();
  announce("locked");
}

/** The lead handed the phone to the unit's representative: the checks kept on the device are dropped
 *  and the kept profile says so, so that a reload (even offline) opens the hand-over screen and never
 *  the app. The lead's queued changes stay; the server refuses them until the lead takes the phone back. */
export function enterHandover<M extends { id: number; handover?: string | null }>(me: M): Promise<void> {
  return serial(async () => {
    if (!offlineSupported()) return;
    const d = await db();
    const tx = d.transaction(["checks", "meta"], "readwrite");
    await tx.objectStore("checks").clear();
    await tx.objectStore("meta").put({ key: "me", value: me });
    await tx.done;
    notify();
  });
}

/** Whose changes wait on this locked device (for the sign-in page), or nothing. */
export async function lockedFor(): Promise<(LockMeta & { count: number }) | undefined> {
  if (!offlineSupported()) return undefined;
  const d = await db();
  const lock = (await d.get("meta", "locked"))?.value as LockMeta | undefined;
  if (!lock) return undefined;
  const count = (await d.getAll("queue")).filter((i) => i.userId === lock.userId).length;
  return { ...lock, count };
}

/** The profile kept for working offline; nothing once the session has ended (by the server or the clock). */
export async function rememberedMe<M>(): Promise<M | undefined> {
  if (!offlineSupported()) return undefined;
  if (await sessionExpired()) {
    await lockDevice();
    return undefined;
  }
  const d = await db();
  if (await d.get("meta", "locked")) return undefined;
  const row = await d.get("meta", "me");
  return row?.value as M | undefined;
}

export function clearOfflineData(): Promise<void> {
  return serial(clearNow);
}

async function clearNow(): Promise<void> {
  if (!offlineSupported()) return;
  if (dbp) {
    const open = dbp;
    dbp = null;
    (await open).close();
  }
  await deleteDB(DB_NAME);
  notify();
  announce("cleared");
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
  notify();
}

async function readable(): Promise<boolean> {
  const d = await db();
  if (await d.get("meta", "locked")) return false;
  if (await sessionExpired()) {
    await lockDevice();
    return false;
  }
  return true;
}

export async function keptCheck(id: string, userId: number): Promise<StoredCheck | undefined> {
  if (!offlineSupported() || !(await readable())) return undefined;
  const row = await (await db()).get("checks", id);
  return row && row.userId === userId ? row : undefined;
}

export async function keptChecks(userId: number): Promise<StoredCheck[]> {
  if (!offlineSupported() || !(await readable())) return [];
  return (await (await db()).getAll("checks")).filter((r) => r.userId === userId);
}

/** Drop the user's kept checks that are not in `ids` (no longer started, or no longer their team's). */
export async function forgetChecksExcept(userId: number, ids: string[]): Promise<void> {
  if (!offlineSupported()) return;
  const d = await db();
  const keep = new Set(ids);
  for (const row of await d.getAll("checks")) {
    if (row.userId === userId && !keep.has(row.id)) await d.delete("checks", row.id);
  }
  notify();
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
  drafts?: QueueItem["drafts"], base?: ReportBase, userName?: string): Promise<void> {
  const d = await db();
  const tx = d.transaction("queue", "readwrite");
  const existing = (await tx.store.index("byCheck").getAll(checkId)).find((i) => i.kind === "report" && i.userId === userId);
  if (existing) {
    await tx.store.put({ ...existing, body, drafts, status: existing.status === "failed" ? "pending" : existing.status, nextTryAt: 0 });
  } else {
    await tx.store.add({ checkId, userId, userName, kind: "report", baseVersion, body, base, drafts, status: "pending", attempts: 0, nextTryAt: 0, createdAt: new Date().toISOString() });
  }
  await tx.done;
  notify();
}

export async function enqueuePhoto(userId: number, checkId: string, photo: PhotoPayload, userName?: string): Promise<void> {
  await (await db()).add("queue", { checkId, userId, userName, kind: "photo", photo, status: "pending", attempts: 0, nextTryAt: 0, createdAt: new Date().toISOString() });
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

// --- photos held for a criterion that cannot be saved yet -------------------------------------------
// Like the queue, they belong to the account that took them: kept when the device locks (unreadable until
// the same inspector signs in again), deleted on logout or when another account signs in.

function heldKey(userId: number, checkId: string, photo: PhotoPayload): string {
  return `${userId}|${checkId}|${photo.criterion}|${photo.sha256}`;
}

export async function holdPhoto(userId: number, checkId: string, photo: PhotoPayload): Promise<void> {
  if (!offlineSupported()) return;
  await (await db()).put("held", { key: heldKey(userId, checkId, photo), userId, checkId, criterion: photo.criterion, photo, heldAt: new Date().toISOString() });
  notify();
}

/** The user's photos held for this check, in the order taken (none while the device is locked). */
export async function heldPhotos(userId: number, checkId: string): Promise<PhotoPayload[]> {
  if (!offlineSupported() || !(await readable())) return [];
  const rows = (await (await db()).getAllFromIndex("held", "byCheck", checkId)).filter((r) => r.userId === userId);
  return rows.sort((a, b) => a.heldAt.localeCompare(b.heldAt)).map((r) => r.photo);
}

export async function dropHeldPhoto(userId: number, checkId: string, photo: PhotoPayload): Promise<void> {
  if (!offlineSupported()) return;
  await (await db()).delete("held", heldKey(userId, checkId, photo));
  notify();
}

/** The save went through: the held photos join the queue behind it, and stop being held, in one step (a
 * reload in between neither loses them nor sends them twice). */
export async function queueHeldPhotos(userId: number, checkId: string, photos: PhotoPayload[], userName?: string): Promise<void> {
  if (!photos.length) return;
  if (!offlineSupported()) return;
  const d = await db();
  const tx = d.transaction(["held", "queue"], "readwrite");
  for (const photo of photos) {
    await tx.objectStore("queue").add({ checkId, userId, userName, kind: "photo", photo, status: "pending", attempts: 0, nextTryAt: 0, createdAt: new Date().toISOString() });
    await tx.objectStore("held").delete(heldKey(userId, checkId, photo));
  }
  await tx.done;
  notify();
}

// --- results changed but not saved yet --------------------------------------------------------------
// The inspector's, like the queue: unreadable while the device is locked, deleted on logout or when
// another account signs in (clearOfflineData deletes the whole store).

export async function keepUnsaved(userId: number, checkId: string,
                                  row: Pick<UnsavedRow, "drafts" | "summary" | "baseVersion">): Promise<void> {
  if (!offlineSupported()) return;
  await (await db()).put("unsaved", { key: `${userId}|${checkId}`, userId, checkId, ...row, keptAt: new Date().toISOString() });
}

/** The user's unsaved results of this check, if any (none while the device is locked). */
export async function unsavedFor(userId: number, checkId: string): Promise<UnsavedRow | undefined> {
  if (!offlineSupported() || !(await readable())) return undefined;
  return (await db()).get("unsaved", `${userId}|${checkId}`);
}

export async function dropUnsaved(userId: number, checkId: string): Promise<void> {
  if (!offlineSupported()) return;
  await (await db()).delete("unsaved", `${userId}|${checkId}`);
}
