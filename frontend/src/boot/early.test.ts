import { ApiError, api, onUnauthorized } from "../api/client";
import { hasEarly, startEarly, takeEarly } from "./early";

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

afterEach(() => {
  vi.unstubAllGlobals();
  onUnauthorized(null);
  takeEarly("/api/media/clips/");
});

describe("requests sent at start-up", () => {
  it("answer the app's first GET of the same address, once; the next one is fetched again", async () => {
    const fetch = vi.fn().mockImplementation(() => Promise.resolve(json(200, { count: 1, results: [{ id: 7 }] })));
    vi.stubGlobal("fetch", fetch);
    startEarly("/api/media/clips/");
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch.mock.calls[0][1]).toMatchObject({ method: "GET", credentials: "same-origin", headers: { Accept: "application/json" } });
    startEarly("/api/media/clips/"); // already waiting: not sent twice
    expect(fetch).toHaveBeenCalledTimes(1);

    expect(await api.get("media/clips/", {})).toEqual({ count: 1, results: [{ id: 7 }] });
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(hasEarly("/api/media/clips/")).toBe(false);
    await api.get("media/clips/");
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it("are taken only by a GET of exactly that address", async () => {
    const fetch = vi.fn().mockImplementation(() => Promise.resolve(json(200, { ok: true })));
    vi.stubGlobal("fetch", fetch);
    startEarly("/api/media/clips/");
    await api.get("media/clips/", { camera: "C1" });
    await api.post("media/clips/", {});
    expect(fetch).toHaveBeenCalledTimes(3);
    expect(hasEarly("/api/media/clips/")).toBe(true);
  });

  it("fail as the app's own request would: the same ApiError, the same sign-in redirect", async () => {
    vi.stubGlobal("fetch", vi.fn().mockResolvedValue(json(401, { error: { code: "not_authenticated", message: "Đồng chí cần đăng nhập.", message_en: "Sign in." } })));
    const handler = vi.fn();
    onUnauthorized(handler);
    startEarly("/api/media/clips/");
    const err = (await api.get("media/clips/").catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(401);
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it("without network fail when the app takes them, not before (no unhandled rejection)", async () => {
    const failed = Promise.reject(new TypeError("Failed to fetch"));
    const then = vi.spyOn(failed, "then"); // catch() calls then(): a handler attached at once
    vi.stubGlobal("fetch", () => failed);
    expect(then).not.toHaveBeenCalled();
    startEarly("/api/media/clips/");
    expect(then).toHaveBeenCalled();
    await new Promise((r) => setTimeout(r, 20));
    const err = (await api.get("media/clips/").catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(0);
    expect(err.code).toBe("network");
  });
});
