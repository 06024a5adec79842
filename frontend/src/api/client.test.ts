import { ApiError, api, buildUrl, fetchAll, onPasswordChangeRequired, onUnauthorized } from "./client";

function respond(status: number, body: unknown, type = "application/json") {
  return vi.fn().mockResolvedValue(
    new Response(typeof body === "string" ? body : JSON.stringify(body), { status, headers: { "Content-Type": type } }),
  );
}

afterEach(() => {
  vi.unstubAllGlobals();
  onUnauthorized(null);
  document.cookie = "csrftoken=; expires=Thu, 01 Jan 1970 00:00:00 GMT";
});

describe("HTTP client", () => {
  it("turns the backend's error body into an ApiError in both languages", async () => {
    vi.stubGlobal("fetch", respond(400, {
      error: { code: "invalid_results", message: "Kết quả chấm không hợp lệ", message_en: "Invalid results", fields: { "results[0]": ["a fail needs a note"] } },
    }));
    const err = await api.put("inspection/checks/x/report/", {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    expect(e.status).toBe(400);
    expect(e.code).toBe("invalid_results");
    expect(e.localized("vi")).toBe("Kết quả chấm không hợp lệ");
    expect(e.localized("en")).toBe("Invalid results");
    expect(e.fields).toEqual({ "results[0]": ["a fail needs a note"] });
  });

  it("gives a clear bilingual message for a non-JSON server failure", async () => {
    vi.stubGlobal("fetch", respond(502, "<html>Bad gateway</html>", "text/html"));
    const e = (await api.get("org/units/").catch((x: unknown) => x)) as ApiError;
    expect(e.status).toBe(502);
    expect(e.code).toBe("server_error");
    expect(e.localized("vi")).toContain("HTTP 502");
    expect(e.localized("en")).toContain("HTTP 502");
  });

  it("reloads into the hand-over screen when the device was handed over (and never signs out)", async () => {
    const assign = vi.fn();
    vi.stubGlobal("location", { ...window.location, pathname: "/inspection/checks", assign });
    const signedOut = vi.fn();
    onUnauthorized(signedOut);
    vi.stubGlobal("fetch", respond(403, { error: { code: "handover_locked", message: "Máy đang được trao", message_en: "Handed over", fields: {} } }));
    const e = (await api.get("inspection/checks/").catch((x: unknown) => x)) as ApiError;
    expect(e.code).toBe("handover_locked");
    expect(assign).toHaveBeenCalledWith("/handover");
    expect(signedOut).not.toHaveBeenCalled();
    // on the hand-over screen itself nothing reloads
    assign.mockClear();
    vi.stubGlobal("location", { ...window.location, pathname: "/handover", assign });
    vi.stubGlobal("fetch", respond(403, { error: { code: "handover_locked", message: "x", message_en: "x", fields: {} } }));
    await api.get("inspection/checks/").catch(() => undefined);
    expect(assign).not.toHaveBeenCalled();
  });

  it("reports a network failure without a status", async () => {
    vi.stubGlobal("fetch", vi.fn().mockRejectedValue(new TypeError("Failed to fetch")));
    const e = (await api.get("org/units/").catch((x: unknown) => x)) as ApiError;
    expect(e.status).toBe(0);
    expect(e.code).toBe("network");
    expect(e.localized("vi")).toMatch(/Không kết nối được máy chủ/);
  });

  it("sends the CSRF token on writes only, and JSON bodies", async () => {
    document.cookie = "csrftoken=abc123";
    const fetchMock = respond(201, { id: 1 });
    vi.stubGlobal("fetch", fetchMock);
    await api.post("media/tags/", { clip_id: 1 });
    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe("/api/media/tags/");
    expect(init.method).toBe("POST");
    expect(init.headers["X-CSRFToken"]).toBe("abc123");
    expect(init.headers["Content-Type"]).toBe("application/json");
    expect(JSON.parse(init.body)).toEqual({ clip_id: 1 });

    const getMock = respond(200, { ok: true });
    vi.stubGlobal("fetch", getMock);
    await api.get("media/clips/", { state: "indexed", camera: "", page: 2 });
    expect(getMock.mock.calls[0][0]).toBe("/api/media/clips/?state=indexed&page=2");
    expect(getMock.mock.calls[0][1].headers["X-CSRFToken"]).toBeUndefined();
  });

  it("sends the user back to login when the session is gone", async () => {
    const handler = vi.fn();
    onUnauthorized(handler);
    vi.stubGlobal("fetch", respond(403, { error: { code: "not_authenticated", message: "Đồng chí cần đăng nhập.", message_en: "Authentication required.", fields: {} } }));
    await api.get("auth/me/").catch(() => undefined);
    expect(handler).toHaveBeenCalledTimes(1);

    vi.stubGlobal("fetch", respond(403, { error: { code: "forbidden", message: "Không có quyền", message_en: "Forbidden", fields: {} } }));
    await api.get("inspection/draws/").catch(() => undefined);
    expect(handler).toHaveBeenCalledTimes(1); // a plain 403 is not a sign-out
  });

  it("follows next links for reference lists", async () => {
    const fetchMock = vi.fn()
      .mockResolvedValueOnce(new Response(JSON.stringify({ count: 3, next: "http://localhost:3000/api/org/units/?page=2&page_size=200", previous: null, results: [{ id: 1 }, { id: 2 }] }), { headers: { "Content-Type": "application/json" } }))
      .mockResolvedValueOnce(new Response(JSON.stringify({ count: 3, next: null, previous: null, results: [{ id: 3 }] }), { headers: { "Content-Type": "application/json" } }));
    vi.stubGlobal("fetch", fetchMock);
    const all = await fetchAll<{ id: number }>("org/units/");
    expect(all.map((u) => u.id)).toEqual([1, 2, 3]);
    expect(fetchMock.mock.calls[1][0]).toBe("/api/org/units/?page=2&page_size=200");
  });

  it("builds URLs without empty parameters", () => {
    expect(buildUrl("org/units/", { a: "", b: null, c: undefined, d: 0 })).toBe("/api/org/units/?d=0");
  });
});

test("a 403 password_change_required calls the shell's handler, which opens the change-password form (F7)", async () => {
  const handler = vi.fn();
  onPasswordChangeRequired(handler);
  vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify({ error: { code: "password_change_required", message: "Hãy đổi mật khẩu", message_en: "Change it", fields: {} } }), { status: 403, headers: { "Content-Type": "application/json" } })));
  await expect(api.get("org/units/")).rejects.toMatchObject({ code: "password_change_required" });
  expect(handler).toHaveBeenCalledTimes(1);
  onPasswordChangeRequired(null);
});
