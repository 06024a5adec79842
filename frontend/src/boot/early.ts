// GET requests started before the app's code has arrived (main.tsx), handed to the API client
// (api/client.ts `request`) when the app asks for the same address, once. Nothing else reads them:
// a request nobody asks for is dropped with the page.

/** Who is signed in in this browser: 200 for everyone (hooks/use-me.ts). */
export const SESSION_PROBE = "/api/auth/session/";

const started = new Map<string, Promise<Response>>();

/** The fetch the API client makes for a GET (same headers and credentials as `request`). */
export function getInit(): RequestInit {
  return { method: "GET", headers: { Accept: "application/json" }, credentials: "same-origin" };
}

/** Start a GET of `url` now, unless one is already waiting; the waiting one. */
export function startEarly(url: string): Promise<Response> {
  let res = started.get(url);
  if (!res) {
    res = fetch(url, getInit());
    // no network: the app sees the failure when it takes the request (api/client.ts), and until
    // then it is no "uncaught (in promise)" error of the page
    res.catch(() => undefined);
    started.set(url, res);
  }
  return res;
}

/** The waiting GET of `url`, if any; the first caller takes it, later ones fetch for themselves. */
export function takeEarly(url: string): Promise<Response> | undefined {
  const res = started.get(url);
  started.delete(url);
  return res;
}

/** Whether a GET of `url` is waiting to be taken. */
export function hasEarly(url: string): boolean {
  return started.has(url);
}
