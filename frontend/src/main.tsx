// Start-up, kept small so that it runs as soon as index.html is parsed: it sends at once what the
// opening page will wait for (who is signed in, the page's code, the workspaces' strings, then the
// page's first data query), each beside the others, and then loads the app (start.tsx), which takes
// these answers instead of asking again (boot/early.ts).
import "./styles.css";
import "./phone.css";
import { SESSION_PROBE, startEarly } from "./boot/early";
import { PAGE_CODE, pageAt } from "./boot/routes";
import { queryUrl, routeData, type PageQuery } from "./boot/route-data";
import { logoutPending } from "./api/session";

interface Probe {
  signed_in?: boolean;
  user?: { handover?: unknown } | null;
}

const { pathname, search } = window.location;
const pending = logoutPending(); // a logout to send first: use-me.ts asks who is signed in after it
// answered by index.html's preload; the app (use-me.ts) takes it
const session = pending ? null : startEarly(SESSION_PROBE);
const page = pageAt(pathname);
if (page) PAGE_CODE[page]().catch(() => undefined); // errors surface when the page renders
const signInPage = pathname.startsWith("/login") || pathname.startsWith("/activate");
// off the sign-in page the user most likely has a session (as in start.tsx)
if (!signInPage) import("./i18n/workspaces").catch(() => undefined);

/** The page's first queries, sent once the session probe says someone is signed in who sees pages
 *  (not a device handed over to a representative): the very requests the page makes when it opens. */
async function sendPageQueries(): Promise<PageQuery[]> {
  const queries = routeData(pathname, search);
  if (!session || signInPage || queries.length === 0) return [];
  // read by a copy made before the app can take the original
  const res = await session.then((r) => r.clone()).catch(() => null);
  if (!res?.ok) return [];
  const probe = (await res.json().catch(() => null)) as Probe | null;
  if (!probe?.signed_in || !probe.user || probe.user.handover) return [];
  for (const q of queries) startEarly(queryUrl(q));
  return queries;
}

const sentEarly = sendPageQueries().catch(() => []);
void import("./start").then((m) => m.start(sentEarly));
