// The field queue against a real IndexedDB implementation (fake-indexeddb) and a stubbed server.
import "fake-indexeddb/auto";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/client";

const put = vi.fn();
const post = vi.fn();
const get = vi.fn();
vi.mock("../api/client", async (orig) => {
  const real = await orig<typeof import("../api/client")>();
  return { ...real, api: { ...real.api, put: (...a: unknown[]) => put(...a), post: (...a: unknown[]) => post(...a), get: (...a: unknown[]) => get(...a) } };
});

import { openDB, deleteDB } from "idb";
import { DB_NAME, clearOfflineData, enqueuePhoto, enqueueReport, ensureOwner, enterHandover, keepCheck, keptCheck, keptChecks, lockDevice, lockedFor, queueItems, rememberedMe, sessionExpired } from "./store";
import { OWNER_HEADER, WAITS_FOR_REPORT, backoffMs, bilingualPart, dropChange, flushQueue, mergedSummary, ownChanges, reapplyOnServer, setSyncUser, summaryInConflict } from "./sync";
import type { CheckDetail, CheckReport } from "../types/inspection";

const network = () => new ApiError(0, { code: "network", message: "mất mạng", message_en: "no network", fields: {} });
const conflict = (server: number) =>
  new ApiError(409, { code: "report_version_conflict", message: "Biên bản đã được thay đổi trên máy chủ", message_en: "changed on the server", fields: { version: [String(server)] } });
const body = { summary: "Tốt", results: [{ criterion: "1.1", outcome: "pass", points: null, note: "" }] };
const photo = { blob: new Blob(["jpeg"]), name: "a.jpg", type: "image/jpeg", sha256: "a".repeat(64), criterion: "1.1", capturedAt: "2026-03-02T02:15:00Z", latitude: 18.6, longitude: 105.6, accuracy: 10 };

beforeEach(async () => {
  put.mockReset();
  post.mockReset();
  get.mockReset();
  await clearOfflineData();
  setSyncUser(1);
});

const as1 = { [OWNER_HEADER]: "1" };

describe("field queue", () => {
  it("keeps one report change per check, with the version of the first unsent edit", async () => {
    await enqueueReport(1, "c1", 3, body);
    await enqueueReport(1, "c1", 5, { ...body, summary: "Sửa lại" });
    const items = await queueItems();
    expect(items).toHaveLength(1);
    expect(items[0].baseVersion).toBe(3);
    expect(items[0].body?.summary).toBe("Sửa lại");
  });

  it("without a network everything waits, with growing waits between tries", async () => {
    put.mockRejectedValue(network());
    await enqueueReport(1, "c1", 1, body);
    await enqueuePhoto(1, "c1", photo);
    await flushQueue(true);
    const [report, pic] = await queueItems();
    expect(report.status).toBe("pending");
    expect(report.attempts).toBe(1);
    expect(report.nextTryAt).toBeGreaterThan(Date.now());
    expect(pic.attempts).toBe(0);
    expect(post).not.toHaveBeenCalled();
    expect(backoffMs(1)).toBeLessThan(backoffMs(3));
    expect(backoffMs(30)).toBe(60_000);
  });

  it("sends the report with its version, then the photo with its hash, time and position", async () => {
    put.mockResolvedValue({ version: 2 });
    post.mockResolvedValue({ id: 9 });
    await enqueueReport(1, "c1", 1, body);
    await enqueuePhoto(1, "c1", photo);
    await flushQueue(true);
    expect(put).toHaveBeenCalledWith("inspection/checks/c1/report/", { ...body, version: 1 }, as1);
    const fd = post.mock.calls[0][1] as FormData;
    expect(fd.get("sha256")).toBe("a".repeat(64));
    expect(fd.get("latitude")).toBe("18.600000");
    expect(fd.get("captured_at")).toBe("2026-03-02T02:15:00Z");
    expect(await queueItems()).toHaveLength(0);
  });

  it("a report changed on the server stops as a conflict, with what changed there; its photos go on their own", async () => {
    const changes = [{ version: 4, at: "2026-03-02T02:20:00Z", by: "Lê Văn Tổ", summary_changed: true,
      criteria: [{ criterion: "1.1", before: null, after: { outcome: "fail", points: "0", note: "Vắng" } }] }];
    put.mockRejectedValue(new ApiError(409, { code: "report_version_conflict", message: "Biên bản đã được thay đổi trên máy chủ", message_en: "changed on the server", fields: { version: ["4"], server_changes: changes } }));
    post.mockResolvedValue({ id: 9 });
    await enqueueReport(1, "c1", 1, body);
    await enqueuePhoto(1, "c1", photo);
    await flushQueue(true);
    const left = await queueItems();
    expect(left).toHaveLength(1);
    const [report] = left;
    expect(report.status).toBe("conflict");
    expect(report.lastError?.vi).toContain("thay đổi trên máy chủ");
    expect(report.lastError?.serverVersion).toBe(4);
    expect(report.lastError?.serverChanges?.[0].by).toBe("Lê Văn Tổ");
    expect(report.lastError?.serverChanges?.[0].criteria[0].criterion).toBe("1.1");
    // the photo did not wait behind the conflict
    expect(post).toHaveBeenCalledTimes(1);
    // a conflict is not retried on its own
    await flushQueue(true);
    expect(put).toHaveBeenCalledTimes(1);
  });

  it("a photo of a criterion whose result is still queued waits instead of failing", async () => {
    put.mockRejectedValue(conflict(4));
    post.mockRejectedValue(new ApiError(400, { code: "criterion_not_scored", message: "Tiêu chí 1.1 chưa có kết quả", message_en: "no result", fields: {} }));
    await enqueueReport(1, "c1", 1, body);
    await enqueuePhoto(1, "c1", photo);
    await flushQueue(true);
    const pic = (await queueItems()).find((i) => i.kind === "photo")!;
    expect(pic.status).toBe("pending");
    expect(pic.nextTryAt).toBeGreaterThan(Date.now());
  });

  it("re-applies only the user's own values on top of the server's current version, or drops them", async () => {
    put.mockRejectedValueOnce(conflict(4)).mockResolvedValue({ version: 5 });
    get.mockResolvedValue({ version: 4, summary: "Bản của tổ trưởng" });
    const base = { summary: "", results: { "1.1": { outcome: "pass", points: null, note: "" }, "1.2": { outcome: "pass", points: null, note: "" } } };
    const mine = { summary: "", results: [{ criterion: "1.1", outcome: "pass", points: null, note: "" }, { criterion: "1.2", outcome: "fail", points: null, note: "Thiếu sổ" }] };
    await enqueueReport(1, "c1", 1, mine, undefined, base, "Nguyễn Văn Kiểm");
    await flushQueue(true);
    const item = (await queueItems())[0];
    expect(ownChanges(item).results.map((r) => r.criterion)).toEqual(["1.2"]);
    await reapplyOnServer(item);
    // 1.1 (not changed by the user) and the summary (changed only on the server) are not overwritten
    expect(put).toHaveBeenLastCalledWith("inspection/checks/c1/report/",
      { summary: "Bản của tổ trưởng", results: [{ criterion: "1.2", outcome: "fail", points: null, note: "Thiếu sổ" }], version: 4 }, as1);
    expect(await queueItems()).toHaveLength(0);

    put.mockReset();
    put.mockRejectedValue(conflict(6));
    await enqueueReport(1, "c2", 1, body);
    await flushQueue(true);
    await dropChange((await queueItems())[0]);
    expect(await queueItems()).toHaveLength(0);
  });

  it("a summary both sides edited: the colleague's text is shown and kept unless the user chooses otherwise", async () => {
    const changes = [{ version: 4, at: "2026-03-02T02:20:00Z", by: "Võ Thanh Tùng", summary_changed: true, criteria: [] }];
    put.mockRejectedValueOnce(new ApiError(409, { code: "report_version_conflict", message: "xung đột", message_en: "conflict", fields: { version: ["4"], server_changes: changes } }));
    get.mockResolvedValue({ version: 4, summary: "TỔ VIÊN: đề nghị chấn chỉnh niêm yết." });
    const base = { summary: "", results: {} };
    await enqueueReport(1, "c1", 3, { summary: "TỔ TRƯỞNG: chấp hành tốt.", results: [] }, undefined, base);
    await flushQueue(true);
    const item = (await queueItems())[0];
    expect(item.status).toBe("conflict");
    // the card has the colleague's text, read when the conflict arrived
    expect(item.lastError?.serverSummary).toBe("TỔ VIÊN: đề nghị chấn chỉnh niêm yết.");
    expect(summaryInConflict(item)).toBe(true);

    // the default keeps both texts, the colleague's first
    put.mockResolvedValue({ version: 5 });
    await reapplyOnServer(item);
    expect(put).toHaveBeenLastCalledWith("inspection/checks/c1/report/",
      { summary: "TỔ VIÊN: đề nghị chấn chỉnh niêm yết.\n\nTỔ TRƯỞNG: chấp hành tốt.", results: [], version: 4 }, as1);
    // "mine" and "theirs" only when chosen
    await reapplyOnServer(item, { summary: "theirs" });
    expect(put.mock.lastCall?.[1].summary).toBe("TỔ VIÊN: đề nghị chấn chỉnh niêm yết.");
    await reapplyOnServer(item, { summary: "mine" });
    expect(put.mock.lastCall?.[1].summary).toBe("TỔ TRƯỞNG: chấp hành tốt.");
    expect(mergedSummary("A", "A và B")).toBe("A và B");
  });

  it("a criterion both sides changed keeps the colleague's value when the user chooses theirs", async () => {
    put.mockRejectedValueOnce(conflict(4));
    get.mockResolvedValue({ version: 4, summary: "" });
    const base = { summary: "", results: {} };
    await enqueueReport(1, "c1", 3, { summary: "", results: [
      { criterion: "1.1", outcome: "pass", points: null, note: "" }, { criterion: "1.2", outcome: "fail", points: null, note: "Thiếu" }] }, undefined, base);
    await flushQueue(true);
    put.mockResolvedValue({ version: 5 });
    await reapplyOnServer((await queueItems())[0], { criteria: { "1.2": "theirs" } });
    expect(put.mock.lastCall?.[1]).toEqual({ summary: "", results: [{ criterion: "1.1", outcome: "pass", points: null, note: "" }], version: 4 });
  });

  it("a report that moved on again after the user saw the conflict is not overwritten: the conflict comes back", async () => {
    put.mockRejectedValueOnce(conflict(4));
    get.mockResolvedValueOnce({ version: 4, summary: "cũ" });
    await enqueueReport(1, "c1", 3, { summary: "của tôi", results: [] }, undefined, { summary: "", results: {} });
    await flushQueue(true);
    const item = (await queueItems())[0];
    put.mockReset();
    put.mockRejectedValueOnce(conflict(5));
    get.mockResolvedValue({ version: 5, summary: "mới hơn" });
    await reapplyOnServer(item, { summary: "mine" });
    expect(put.mock.lastCall?.[1].version).toBe(3); // sent as it was: the server says what moved
    const again = (await queueItems())[0];
    expect(again.status).toBe("conflict");
    expect(again.lastError?.serverSummary).toBe("mới hơn");
  });

  it("a photo waiting behind its criterion's queued result says it waits for the report, not that the grading is missing", async () => {
    put.mockRejectedValue(conflict(4));
    get.mockResolvedValue({ version: 4, summary: "" });
    post.mockRejectedValue(new ApiError(400, { code: "criterion_not_scored", message: "Tiêu chí 1.1 chưa có kết quả chấm trong biên bản.", message_en: "not scored", fields: {} }));
    await enqueueReport(1, "c1", 3, body);
    await enqueuePhoto(1, "c1", photo);
    await flushQueue(true);
    const pic = (await queueItems()).find((i) => i.kind === "photo")!;
    expect(pic.status).toBe("pending");
    expect(pic.lastError?.code).toBe(WAITS_FOR_REPORT);
  });

  it("a refusal a retry cannot change is shown as failed, not retried", async () => {
    put.mockRejectedValue(new ApiError(409, { code: "report_signed", message: "Biên bản đã ký", message_en: "signed", fields: {} }));
    await enqueueReport(1, "c1", 1, body);
    await flushQueue(true);
    expect((await queueItems())[0].status).toBe("failed");
  });

  it("a report the server refuses for one criterion says which, and a fixed save sends every result again", async () => {
    const results = [
      { criterion: "1.1", outcome: "pass", points: null, note: "" },
      { criterion: "6.1", outcome: "not_applicable", points: null, note: "abc" },
    ];
    put.mockRejectedValueOnce(new ApiError(400, { code: "invalid_results", message: "Kết quả chấm không hợp lệ — tiêu chí 6.1", message_en: "Invalid results", fields: { "results[1]": ["not applicable needs a reason (at least 5 letters) / không áp dụng phải ghi rõ lý do"] } }));
    await enqueueReport(1, "c1", 1, { summary: "", results });
    await flushQueue(true);
    const [failed] = await queueItems();
    expect(failed.status).toBe("failed");
    expect(failed.lastError?.criteria).toEqual([{ code: "6.1", message: "not applicable needs a reason (at least 5 letters) / không áp dụng phải ghi rõ lý do" }]);
    expect(bilingualPart(failed.lastError!.criteria![0].message, false)).toBe("không áp dụng phải ghi rõ lý do");
    // the inspector fixes 6.1 and saves: the one change goes out again with both results
    put.mockResolvedValueOnce({ version: 2, results: [] });
    await enqueueReport(1, "c1", 1, { summary: "", results: [results[0], { ...results[1], note: "Trụ sở đang sửa chữa" }] });
    await flushQueue(true);
    expect(put).toHaveBeenLastCalledWith(expect.anything(), expect.objectContaining({ results: [results[0], { ...results[1], note: "Trụ sở đang sửa chữa" }] }), expect.anything());
    expect(await queueItems()).toHaveLength(0);
  });
});

describe("device store", () => {
  const check = (state: CheckDetail["state"]) => ({ id: "c1", reference: "KT-1", state } as unknown as CheckDetail);
  const report = { version: 1 } as unknown as CheckReport;

  it("never keeps a planned check, keeps a started one, for its user only", async () => {
    await keepCheck(1, check("planned"), report, []);
    expect(await keptCheck("c1", 1)).toBeUndefined();
    await keepCheck(1, check("in_progress"), report, []);
    expect((await keptCheck("c1", 1))?.check.reference).toBe("KT-1");
    expect(await keptCheck("c1", 2)).toBeUndefined();
  });

  it("another user signing in on the device starts from an empty store", async () => {
    await ensureOwner({ id: 1, username: "lead" });
    await keepCheck(1, check("in_progress"), report, []);
    await enqueueReport(1, "c1", 1, body);
    await ensureOwner({ id: 2, username: "inspector" });
    expect(await keptCheck("c1", 1)).toBeUndefined();
    expect(await queueItems()).toHaveLength(0);
    expect(await rememberedMe<{ username: string }>()).toEqual({ id: 2, username: "inspector" });
  });

  it("logout clears everything", async () => {
    await ensureOwner({ id: 1 });
    await keepCheck(1, check("in_progress"), report, []);
    await clearOfflineData();
    expect(await keptCheck("c1", 1)).toBeUndefined();
    expect(await rememberedMe()).toBeUndefined();
  });
});

describe("whose changes, under whose session", () => {
  const check = { id: "c1", reference: "KT-1", state: "in_progress" } as unknown as CheckDetail;
  const report = { version: 1 } as unknown as CheckReport;
  const session = (expiresInMs: number) => ({ expires_at: new Date(Date.now() + expiresInMs).toISOString(), server_time: new Date().toISOString() });
  const unauthorized = () => new ApiError(401, { code: "not_authenticated", message: "Đồng chí cần đăng nhập.", message_en: "Authentication required.", fields: {} });

  it("sends only the signed-in user's changes, each named for the account that made it", async () => {
    put.mockResolvedValue({ version: 2 });
    post.mockResolvedValue({ id: 1 });
    await enqueueReport(1, "c1", 1, body, undefined, undefined, "Nguyễn Văn Kiểm");
    await enqueuePhoto(2, "c1", photo, "Lê Văn Tổ"); // left by another account (e.g. a stale tab)
    setSyncUser(2);
    await flushQueue(true);
    expect(put).not.toHaveBeenCalled();
    expect(post).toHaveBeenCalledTimes(1);
    expect(post.mock.calls[0][2]).toEqual({ [OWNER_HEADER]: "2" });
    const left = await queueItems();
    expect(left.map((i) => i.userId)).toEqual([1]);
    setSyncUser(null); // nobody signed in: nothing at all is sent
    await flushQueue(true);
    expect(put).not.toHaveBeenCalled();
  });

  it("handing the phone over drops the kept checks, and the kept profile opens the hand-over screen offline", async () => {
    // insider review (issue 16): offline, a reload loaded the profile kept before the hand-over and
    // opened the whole app, with the checks kept on the phone, in the representative's hands
    await ensureOwner({ id: 1, username: "lead", full_name: "Trần Văn Trưởng", session: session(3_600_000) });
    await keepCheck(1, check, report, []);
    await enqueueReport(1, "c1", 1, body);
    await enterHandover({ id: 1, username: "lead", full_name: "Trần Văn Trưởng", handover: "c1" });
    expect(await keptCheck("c1", 1)).toBeUndefined();
    expect(await keptChecks(1)).toEqual([]);
    expect(((await rememberedMe()) as { handover?: string }).handover).toBe("c1");
    expect(await queueItems(1)).toHaveLength(1); // the lead's changes wait for the lead
  });

  it("a 401 stops sending at once, without a retry, and locks the device: the check is hidden, the changes kept", async () => {
    put.mockRejectedValue(unauthorized());
    post.mockResolvedValue({ id: 1 });
    await ensureOwner({ id: 1, username: "kiem", full_name: "Nguyễn Văn Kiểm", session: session(3_600_000) });
    await keepCheck(1, check, report, []);
    await enqueueReport(1, "c1", 1, body);
    await enqueuePhoto(1, "c1", photo);
    await flushQueue(true);
    expect(put).toHaveBeenCalledTimes(1);
    expect(post).not.toHaveBeenCalled(); // nothing else went out after the 401
    expect(await keptCheck("c1", 1)).toBeUndefined();
    expect(await keptChecks(1)).toEqual([]);
    expect(await rememberedMe()).toBeUndefined();
    expect(await queueItems()).toHaveLength(2);
    expect(await lockedFor()).toEqual({ userId: 1, userName: "Nguyễn Văn Kiểm", count: 2 });
    // not retried by the background timer either
    await flushQueue(true);
    expect(put).toHaveBeenCalledTimes(1);
    // the same inspector signs in again: their changes go out
    put.mockReset();
    put.mockResolvedValue({ version: 2 });
    await ensureOwner({ id: 1, username: "kiem", session: session(3_600_000) });
    setSyncUser(1);
    await flushQueue(true);
    expect(put).toHaveBeenCalledTimes(1);
    expect(await queueItems()).toHaveLength(0);
    expect(await lockedFor()).toBeUndefined();
  });

  it("a 403 (the session is someone else's now) stops sending and is never retried under that identity", async () => {
    put.mockRejectedValue(new ApiError(403, { code: "queue_owner_mismatch", message: "tài khoản khác", message_en: "another account", fields: {} }));
    post.mockResolvedValue({ id: 1 });
    await enqueueReport(1, "c1", 1, body);
    await enqueuePhoto(1, "c1", photo);
    await flushQueue(true);
    expect(post).not.toHaveBeenCalled();
    const [rep] = await queueItems();
    expect(rep.status).toBe("failed");
    await flushQueue(true);
    expect(put).toHaveBeenCalledTimes(1);
  });

  it("offline longer than the session lasts: the kept check is no longer shown", async () => {
    await ensureOwner({ id: 1, username: "kiem", session: session(60_000) });
    await keepCheck(1, check, report, []);
    await enqueueReport(1, "c1", 1, body);
    expect((await keptCheck("c1", 1))?.check.reference).toBe("KT-1");
    expect(await sessionExpired(Date.now() + 61_000)).toBe(true);
    vi.useFakeTimers({ now: Date.now() + 61_000, toFake: ["Date"] });
    try {
      expect(await rememberedMe()).toBeUndefined();
      expect(await keptCheck("c1", 1)).toBeUndefined();
      expect(await queueItems()).toHaveLength(1); // kept for the same inspector, unreadable in the app
    } finally {
      vi.useRealTimers();
    }
  });

  it("a logout in another tab clears the store even while this tab holds it open", async () => {
    await ensureOwner({ id: 1, username: "kiem" });
    await keepCheck(1, check, report, []);
    await enqueueReport(1, "c1", 1, body);
    // the other tab deletes the database (its logout); this tab's open connection must let go
    const deleted = deleteDB(DB_NAME);
    const outcome = await Promise.race([deleted.then(() => "deleted"), new Promise((r) => setTimeout(() => r("blocked"), 500))]);
    expect(outcome).toBe("deleted");
    expect(await queueItems()).toHaveLength(0);
    expect(await keptCheck("c1", 1)).toBeUndefined();
    const raw = await openDB(DB_NAME);
    expect(raw.objectStoreNames.length).toBe(5); // reopened fresh by this tab, empty (checks, queue, meta, held photos, unsaved results)
    raw.close();
  });

  it("lockDevice keeps the owner's name for the sign-in page", async () => {
    await ensureOwner({ id: 7, username: "to", full_name: "Lê Văn Tổ" });
    await enqueuePhoto(7, "c1", photo, "Lê Văn Tổ");
    await lockDevice();
    expect(await lockedFor()).toEqual({ userId: 7, userName: "Lê Văn Tổ", count: 1 });
  });
});
