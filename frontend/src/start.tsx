import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { ApiError } from "./api/client";
import { watchPendingLogout } from "./api/session";
import { loadWorkspaceStrings } from "./i18n";
import App, { preloadRoute } from "./App";
import { api } from "./api/client";
import type { PageQuery } from "./boot/route-data";
import { registerServiceWorkerWhenQuiet } from "./boot/service-worker";

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      refetchOnWindowFocus: false,
      retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
    },
  },
});

/** The app itself, loaded by main.tsx once it has sent what the opening page will ask for. */
export function start(sentEarly: Promise<PageQuery[]>): void {
  registerServiceWorkerWhenQuiet(queryClient);
  // a sign-out made without network is sent to the server as soon as the network is back
  watchPendingLogout();
  // the page's code downloads beside /api/auth/session/ instead of after it
  preloadRoute(window.location.pathname);
  // off the sign-in page the user most likely has a session: fetch the workspaces' strings now too
  if (!window.location.pathname.startsWith("/login")) loadWorkspaceStrings().catch(() => undefined);
  // the opening page's queries that main.tsx sent go into the cache as they are: the page renders its
  // rows from its first render when they have been answered by then (same keys, same addresses)
  void sentEarly.then((queries) => {
    for (const q of queries) void queryClient.prefetchQuery({ queryKey: q.queryKey, queryFn: () => api.get(q.path, q.params) });
  });

  createRoot(document.getElementById("root")!).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <BrowserRouter>
          <App />
        </BrowserRouter>
      </QueryClientProvider>
    </StrictMode>,
  );
}
