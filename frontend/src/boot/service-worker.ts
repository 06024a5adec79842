// The service worker (vite.config.ts: the app shell's precache, for field mode) is registered once the
// page has loaded and the opening page's requests have been answered: installing it downloads every
// file of the app, which on a cold cache competed with the page's own code and data for the browser's
// six connections and the CPU. Registered all the same after FALLBACK_MS if the app never goes quiet.
import type { QueryClient } from "@tanstack/react-query";

const FALLBACK_MS = 10_000;

export function registerServiceWorkerWhenQuiet(queryClient: QueryClient): void {
  if (!("serviceWorker" in navigator)) return;
  let done = false;
  let busySeen = false;
  const register = () => {
    if (done) return;
    done = true;
    unsubscribe();
    clearTimeout(fallback);
    const go = () => void navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => undefined);
    if ("requestIdleCallback" in window) requestIdleCallback(go, { timeout: 2_000 });
    else go();
  };
  const loaded = new Promise<void>((resolve) => {
    if (document.readyState === "complete") resolve();
    else window.addEventListener("load", () => resolve(), { once: true });
  });
  const check = () => {
    const fetching = queryClient.isFetching() > 0;
    busySeen ||= fetching;
    if (busySeen && !fetching) void loaded.then(register);
  };
  const unsubscribe = queryClient.getQueryCache().subscribe(check);
  const fallback = setTimeout(() => void loaded.then(register), FALLBACK_MS);
  check();
}
