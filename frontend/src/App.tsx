import { Suspense, useEffect, useRef, useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { loadWorkspaceStrings } from "./i18n";
import { Navigate, Outlet, Route, Routes, useLocation, useNavigate } from "react-router";
import { useTranslation } from "react-i18next";
import { ApiError, onPasswordChangeRequired, onUnauthorized } from "./api/client";
import { lockDevice } from "./offline/store";
import { setSyncUser } from "./offline/sync";
import { WebSocketProvider } from "./api/ws";
import { Layout, liveRoles } from "./components/Layout";
import { Empty, ErrorState, Spinner } from "./components/ui";
import { homeFor, ME_KEY, useMe, useSetMe } from "./hooks/use-me";
import LoginPage from "./pages/LoginPage";
import ActivatePage from "./pages/ActivatePage";
import { lazyPage, type PreloadablePage } from "./lazyPage";
import { PAGE_CODE, pageAt, type PageName } from "./boot/routes";
import { pageIsFor } from "./access";
import type { Role } from "./types/org";
const RiskPage = lazyPage(PAGE_CODE.RiskPage);
const DrawsPage = lazyPage(PAGE_CODE.DrawsPage);
const AbsencesPage = lazyPage(PAGE_CODE.AbsencesPage);
const CommitmentsPage = lazyPage(PAGE_CODE.CommitmentsPage);
const ApprovalsPage = lazyPage(PAGE_CODE.ApprovalsPage);
const HeldRatingsPage = lazyPage(PAGE_CODE.HeldRatingsPage);
const CalendarPage = lazyPage(PAGE_CODE.CalendarPage);
const ChecksPage = lazyPage(PAGE_CODE.ChecksPage);
const CheckRunPage = lazyPage(PAGE_CODE.CheckRunPage);
const FindingsPage = lazyPage(PAGE_CODE.FindingsPage);
const FindingDetailPage = lazyPage(PAGE_CODE.FindingDetailPage);
const ClipsPage = lazyPage(PAGE_CODE.ClipsPage);
const PlayerPage = lazyPage(PAGE_CODE.PlayerPage);
const MomentsPage = lazyPage(PAGE_CODE.MomentsPage);
const CustodyPage = lazyPage(PAGE_CODE.CustodyPage);
const TraceListPage = lazyPage(PAGE_CODE.TraceListPage);
const TracePage = lazyPage(PAGE_CODE.TracePage);
const HeadsPage = lazyPage(PAGE_CODE.HeadsPage);
const HeadProfilePage = lazyPage(PAGE_CODE.HeadProfilePage);
const CasesPage = lazyPage(PAGE_CODE.CasesPage);
const CaseDetailPage = lazyPage(PAGE_CODE.CaseDetailPage);
const RankingPage = lazyPage(PAGE_CODE.RankingPage);
const TasksPage = lazyPage(PAGE_CODE.TasksPage);
const RuleSetPage = lazyPage(PAGE_CODE.RuleSetPage);
const IngestPage = lazyPage(PAGE_CODE.IngestPage);
const CamerasPage = lazyPage(PAGE_CODE.CamerasPage);
const UsersPage = lazyPage(PAGE_CODE.UsersPage);
const OrgPage = lazyPage(PAGE_CODE.OrgPage);
const OfficersPage = lazyPage(PAGE_CODE.OfficersPage);
const HomePage = lazyPage(PAGE_CODE.HomePage);
const HandoverPage = lazyPage(PAGE_CODE.HandoverPage);

const PAGES: Record<PageName, PreloadablePage> = {
  RiskPage,
  DrawsPage,
  AbsencesPage,
  CommitmentsPage,
  ApprovalsPage,
  HeldRatingsPage,
  CalendarPage,
  ChecksPage,
  CheckRunPage,
  FindingsPage,
  FindingDetailPage,
  ClipsPage,
  PlayerPage,
  MomentsPage,
  CustodyPage,
  TraceListPage,
  TracePage,
  HeadsPage,
  HeadProfilePage,
  CasesPage,
  CaseDetailPage,
  RankingPage,
  TasksPage,
  RuleSetPage,
  IngestPage,
  CamerasPage,
  UsersPage,
  OrgPage,
  OfficersPage,
  HomePage,
  HandoverPage,
};

/** Start fetching the code of the page at `pathname` (no-op for other paths; errors surface when it renders). */
export function preloadRoute(pathname: string): void {
  const name = pageAt(pathname);
  if (name) PAGES[name].preload().catch(() => undefined);
}

function NotFoundPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <Empty title={t("error.notFoundTitle")} hint={t("error.pageMissing")}>
      <button type="button" className="btn btn-primary" onClick={() => navigate("/")}>
        {t("action.home")}
      </button>
    </Empty>
  );
}

/** One plain notice for a page that is not for the reader's role: none of the page's controls beside it. */
export function NotForRolePage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <div data-testid="not-for-role">
      <Empty title={t("error.notForRole")}>
        <button type="button" className="btn btn-primary" onClick={() => navigate("/")}>
          {t("action.home")}
        </button>
      </Empty>
    </div>
  );
}

/** The workspace pages, each only for the roles it is for (access.ts); a page whose reading the server
 *  refuses (403) is replaced by the same notice, rather than its controls beside a refusal. */
export function RoleGate({ role }: { role: Role }) {
  const { pathname } = useLocation();
  const qc = useQueryClient();
  const here = useRef(pathname);
  here.current = pathname;
  const [refusedAt, setRefusedAt] = useState<string | null>(null);
  useEffect(() => qc.getQueryCache().subscribe((e) => {
    if (e.type !== "updated" || e.action.type !== "error") return;
    const error = e.action.error;
    // a role's refusal only ("forbidden"): not a session step (password change, two-factor) nor a locked device
    if (error instanceof ApiError && error.status === 403 && error.code === "forbidden" && e.query.getObserversCount() > 0) setRefusedAt(here.current);
  }), [qc]);
  if (!pageIsFor(role, pathname) || refusedAt === pathname) return <NotForRolePage />;
  return <Outlet />;
}

function Home() {
  const me = useMe().data;
  const { t } = useTranslation();
  if (!me) return <Navigate to="/login" replace />;
  const home = homeFor(me);
  if (home === "/login") return <Empty title={t("error.forbiddenTitle")} hint={t("error.noWorkspace")} />;
  return <HomePage />;
}

export default function App() {
  const meQ = useMe();
  const setMe = useSetMe();
  const location = useLocation();
  const navigate = useNavigate();

  useEffect(() => {
    onUnauthorized(() => {
      // the session is gone on the server: nothing of a check stays readable on this device; the unsent
      // changes wait for the same person to sign in again
      setSyncUser(null);
      void lockDevice().catch(() => undefined);
      setMe(null);
      if (!/^\/(login|activate)/.test(window.location.pathname)) navigate("/login", { replace: true, state: { from: window.location.pathname } });
    });
    return () => onUnauthorized(null);
  }, [navigate, setMe]);

  // the password must be changed first (F7): re-read who is signed in; the shell then shows only the form
  const qc = useQueryClient();
  useEffect(() => {
    onPasswordChangeRequired(() => void qc.invalidateQueries({ queryKey: ME_KEY }));
    return () => onPasswordChangeRequired(null);
  }, [qc]);

  const stringsQ = useQuery({ queryKey: ["i18n", "workspaces"], queryFn: () => loadWorkspaceStrings().then(() => true),
    enabled: !!meQ.data, staleTime: Infinity, retry: 2 });

  if (meQ.isPending) return <div className="boot"><Spinner /></div>;
  if (meQ.isError) return <div className="boot"><ErrorState error={meQ.error} onRetry={() => meQ.refetch()} /></div>;
  const me = meQ.data;
  if (me && stringsQ.isError) return <div className="boot"><ErrorState error={stringsQ.error} onRetry={() => stringsQ.refetch()} /></div>;
  if (me && !stringsQ.data) return <div className="boot"><Spinner /></div>;

  if (!me) {
    return (
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route path="/activate" element={<ActivatePage />} />
        <Route path="*" element={<Navigate to="/login" replace state={{ from: location.pathname + location.search }} />} />
      </Routes>
    );
  }

  // A device handed over to the inspected unit's representative shows the signature step and nothing else
  // (no menu, no other page, no live connection) until the team lead takes it back with their password.
  if (me.handover) return <Suspense fallback={<div className="boot"><Spinner /></div>}><HandoverPage /></Suspense>;

  return (
    <WebSocketProvider key={me.id} enabled={liveRoles.includes(me.role)}>
      <Routes>
        <Route path="/login" element={<Navigate to={homeFor(me)} replace />} />
        <Route element={<Layout me={me} />}>
          <Route index element={<Home />} />
          <Route element={<RoleGate role={me.role} />}>
            <Route path="inspection/risk" element={<RiskPage />} />
            <Route path="inspection/draws" element={<DrawsPage />} />
            <Route path="inspection/absences" element={<AbsencesPage />} />
            <Route path="inspection/commitments" element={<CommitmentsPage />} />
            <Route path="inspection/approvals" element={<ApprovalsPage />} />
            <Route path="verify" element={<CommitmentsPage />} />
            <Route path="inspection/ratings" element={<HeldRatingsPage />} />
            <Route path="inspection/calendar" element={<CalendarPage />} />
            <Route path="inspection/checks" element={<ChecksPage />} />
            <Route path="inspection/checks/:id" element={<CheckRunPage />} />
            <Route path="inspection/findings" element={<FindingsPage />} />
            <Route path="inspection/findings/:id" element={<FindingDetailPage />} />
            <Route path="review/clips" element={<ClipsPage />} />
            <Route path="review/clips/:id" element={<PlayerPage />} />
            <Route path="review/moments" element={<MomentsPage />} />
            <Route path="review/clips/:id/custody" element={<CustodyPage kind="clip" />} />
            <Route path="review/packages/:id/custody" element={<CustodyPage kind="package" />} />
            <Route path="accountability/findings" element={<TraceListPage />} />
            <Route path="accountability/trace/:id" element={<TracePage />} />
            <Route path="accountability/trace" element={<Navigate to="/accountability/findings" replace />} />
            <Route path="accountability/heads" element={<HeadsPage />} />
            <Route path="accountability/heads/:id" element={<HeadProfilePage />} />
            <Route path="accountability/cases" element={<CasesPage />} />
            <Route path="accountability/cases/:id" element={<CaseDetailPage />} />
            <Route path="accountability/ranking" element={<RankingPage />} />
            <Route path="accountability/tasks" element={<TasksPage />} />
            <Route path="accountability/rules" element={<RuleSetPage />} />
            <Route path="admin/ingest" element={<IngestPage />} />
            <Route path="admin/cameras" element={<CamerasPage />} />
            <Route path="admin/users" element={<UsersPage />} />
            <Route path="admin/org" element={<OrgPage />} />
            <Route path="admin/officers" element={<OfficersPage />} />
          </Route>
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </WebSocketProvider>
  );
}
