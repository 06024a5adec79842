import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { ApiError } from "./api/client";
import { watchPendingLogout } from "./api/session";
import { loadWorkspaceStrings } from "./i18n";
import "./styles.css";
import "./phone.css";
import App, { preloadRoute } from "./App";

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      refetchOnWindowFocus: false,
      retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
    },
  },
});

// a sign-out made without network is sent to the server as soon as the network is back
watchPendingLogout();
// the page's code downloads beside /api/auth/session/ instead of after it
preloadRoute(window.location.pathname);
// off the sign-in page the user most likely has a session: fetch the workspaces' strings now too
if (!window.location.pathname.startsWith("/login")) loadWorkspaceStrings().catch(() => undefined);

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <App />
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);
