import { finishPendingLogout, logoutPending, serverLogout } from "./session";

afterEach(() => {
  vi.unstubAllGlobals();
  localStorage.clear();
});

describe("logout on a device without network", () => {
  it("stays pending until the server has ended the session, then is sent when the network is back", async () => {
    const offline = vi.fn().mockRejectedValue(new TypeError("Failed to fetch"));
    vi.stubGlobal("fetch", offline);
    await serverLogout();
    expect(offline).toHaveBeenCalledTimes(1);
    expect(logoutPending()).toBe(true);

    const online = vi.fn().mockResolvedValue(new Response(null, { status: 204 }));
    vi.stubGlobal("fetch", online);
    expect(await finishPendingLogout()).toBe(false);
    expect(online).toHaveBeenCalledTimes(1);
    expect(String(online.mock.calls[0][0])).toContain("/api/auth/logout/");
    expect(online.mock.calls[0][1].method).toBe("POST");
    expect(logoutPending()).toBe(false);
  });

  it("is done when the server says there is no session, kept on any other refusal", async () => {
    vi.stubGlobal("fetch", vi.fn().mockResolvedValue(new Response(JSON.stringify({ error: { code: "x", message: "m" } }), { status: 403, headers: { "Content-Type": "application/json" } })));
    await serverLogout();
    expect(logoutPending()).toBe(true);
    vi.stubGlobal("fetch", vi.fn().mockResolvedValue(new Response(JSON.stringify({ error: { code: "not_authenticated", message: "m" } }), { status: 401, headers: { "Content-Type": "application/json" } })));
    expect(await finishPendingLogout()).toBe(false);
  });

  it("sends nothing when no logout is pending", async () => {
    const spy = vi.fn();
    vi.stubGlobal("fetch", spy);
    expect(await finishPendingLogout()).toBe(false);
    expect(spy).not.toHaveBeenCalled();
  });
});
