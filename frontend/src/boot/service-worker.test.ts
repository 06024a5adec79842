import { QueryClient } from "@tanstack/react-query";
import { registerServiceWorkerWhenQuiet } from "./service-worker";

describe("service worker registration", () => {
  const register = vi.fn().mockResolvedValue(undefined);
  beforeEach(() => {
    register.mockClear();
    Object.defineProperty(navigator, "serviceWorker", { value: { register }, configurable: true });
    vi.stubGlobal("requestIdleCallback", (cb: () => void) => { cb(); return 1; });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
    delete (navigator as unknown as Record<string, unknown>).serviceWorker;
  });

  it("waits until the opening page's requests are answered, then registers once", async () => {
    const qc = new QueryClient();
    let answer: (v: number) => void = () => undefined;
    registerServiceWorkerWhenQuiet(qc);
    const pending = qc.fetchQuery({ queryKey: ["clips"], queryFn: () => new Promise<number>((r) => { answer = r; }) });
    await Promise.resolve();
    expect(register).not.toHaveBeenCalled();
    answer(1);
    await pending;
    await vi.waitFor(() => expect(register).toHaveBeenCalledWith("/sw.js", { scope: "/" }));
    await qc.fetchQuery({ queryKey: ["other"], queryFn: () => 2 });
    expect(register).toHaveBeenCalledTimes(1);
  });

  it("registers all the same when the app never asks for anything", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    registerServiceWorkerWhenQuiet(new QueryClient());
    expect(register).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(register).toHaveBeenCalledTimes(1);
  });
});
