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

import { clearOfflineData, enqueuePhoto, enqueueReport, ensureOwner, keepCheck, keptCheck, queueItems, rememberedMe } from "./store";
import { backoffMs, dropChange, flushQueue, resendOverServer } from "./sync";
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
});

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
    expect(put).toHaveBeenCalledWith("inspection/checks/c1/report/", { ...body, version: 1 });
    const fd = post.mock.calls[0][1] as FormData;
    expect(fd.get("sha256")).toBe("a".repeat(64));
    expect(fd.get("latitude")).toBe("18.600000");
    expect(fd.get("captured_at")).toBe("2026-03-02T02:15:00Z");
    expect(await queueItems()).toHaveLength(0);
  });

  it("a report changed on the server stops as a conflict and its photos wait behind it", async () => {
    put.mockRejectedValue(conflict(4));
    await enqueueReport(1, "c1", 1, body);
    await enqueuePhoto(1, "c1", photo);
    await flushQueue(true);
    const [report, pic] = await queueItems();
    expect(report.status).toBe("conflict");
    expect(report.lastError?.vi).toContain("thay đổi trên máy chủ");
    expect(report.lastError?.serverVersion).toBe(4);
    expect(pic.status).toBe("pending");
    expect(post).not.toHaveBeenCalled();
    // a conflict is not retried on its own
    await flushQueue(true);
    expect(put).toHaveBeenCalledTimes(1);
  });

  it("the user resolves a conflict: send theirs over the server's version, or drop it", async () => {
    put.mockRejectedValueOnce(conflict(4)).mockResolvedValue({ version: 5 });
    get.mockResolvedValue({ version: 4 });
    await enqueueReport(1, "c1", 1, body);
    await flushQueue(true);
    await resendOverServer((await queueItems())[0]);
    expect(put).toHaveBeenLastCalledWith("inspection/checks/c1/report/", { ...body, version: 4 });
    expect(await queueItems()).toHaveLength(0);

    put.mockReset();
    put.mockRejectedValue(conflict(6));
    await enqueueReport(1, "c2", 1, body);
    await flushQueue(true);
    await dropChange((await queueItems())[0]);
    expect(await queueItems()).toHaveLength(0);
  });

  it("a refusal a retry cannot change is shown as failed, not retried", async () => {
    put.mockRejectedValue(new ApiError(409, { code: "report_signed", message: "Biên bản đã ký", message_en: "signed", fields: {} }));
    await enqueueReport(1, "c1", 1, body);
    await flushQueue(true);
    expect((await queueItems())[0].status).toBe("failed");
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
