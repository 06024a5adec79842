import { useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, api } from "../api/client";
import { finishPendingLogout } from "../api/session";
import { SESSION_PROBE } from "../boot/early";
import type { components } from "../types/api.gen";
import type { Me, Role } from "../types/org";
import { enterHandover, lockDevice, lockedFor, rememberedMe } from "../offline/store";

export const ME_KEY = ["auth", "me"] as const;

/** Who is signed in in this browser (GET /api/auth/session/): 200 for everyone. */
export { SESSION_PROBE };
export type SessionProbe = components["schemas"]["SessionOutput"];

export function useMe() {
  return useQuery<Me | null>({
    queryKey: ME_KEY,
    queryFn: async () => {
      // signed out on this device while offline: nobody is signed in until the server has ended it too
      if (await finishPendingLogout()) return null;
      try {
        // the start-up probe answers 200 whether or not anyone is signed in (a 401 here was a
        // console error on every sign-in page); the rest of the API still answers 401
        const probe = await api.get<SessionProbe>(SESSION_PROBE);
        if (!probe.signed_in || !probe.user) {
          await lockDevice().catch(() => undefined);
          return null;
        }
        const me = probe.user;
        // handed over: what the device keeps must open the hand-over screen, offline too
        if (me.handover) await enterHandover(me).catch(() => undefined);
        return me;
      } catch (e) {
        if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
          // the session is gone on the server: nothing of a check stays readable on this device; the
          // unsent changes wait for the same person to sign in again (the sign-in page says so)
          await lockDevice().catch(() => undefined);
          return null;
        }
        // no network (field mode): the profile kept on this device since sign-in, until logout
        if (e instanceof ApiError && e.status === 0) {
          const kept = await rememberedMe<Me>().catch(() => undefined);
          if (kept) return kept;
          // the session ended (by the server or the clock): the sign-in page, never the kept check
          if (await lockedFor().catch(() => undefined)) return null;
        }
        throw e;
      }
    },
    networkMode: "always",
    staleTime: 5 * 60_000,
    retry: false,
  });
}

export function useSetMe() {
  const qc = useQueryClient();
  return (me: Me | null) => qc.setQueryData(ME_KEY, me);
}

export type Workspace = "inspection" | "review" | "accountability" | "admin";

/** Which workspaces each role sees (the backend enforces the same; this is navigation only). */
export const WORKSPACES: Record<Role, Workspace[]> = {
  inspector: ["inspection"],
  inspection_lead: ["inspection", "accountability"],
  reviewer: ["review"],
  disciplinary: ["accountability", "inspection"],
  unit_head: ["inspection", "accountability"],
  admin: ["admin", "review", "inspection", "accountability"],
  service: [],
};

/** Who may see footage and its evidence packages (media_ingest.review.selectors.FOOTAGE_ROLES): the
 *  others (unit heads) are not shown the footage cards at all, rather than a refusal. */
export const FOOTAGE_ROLES: Role[] = ["reviewer", "admin", "inspection_lead", "inspector", "disciplinary"];

/** Who produces the accountability reports (PDF/XLSX, a TCCB document): the backend refuses others. */
export const REPORT_PRODUCERS: Role[] = ["disciplinary", "inspection_lead", "inspector"];

export function mayProduceReports(me: Me | null | undefined): boolean {
  return !!me && REPORT_PRODUCERS.includes(me.role);
}

export function workspacesFor(me: Me | null | undefined): Workspace[] {
  return me ? WORKSPACES[me.role] ?? [] : [];
}

/** Where a user lands after signing in: "what needs me today" (/) for every role with a workspace;
 *  the home page links each card to the page where the work is done. */
export function homeFor(me: Me): string {
  return workspacesFor(me).length > 0 ? "/" : "/login";
}
