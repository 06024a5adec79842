import { Suspense, useEffect } from "react";
import { useQuery } from "@tanstack/react-query";
import { loadWorkspaceStrings } from "./i18n";
import { Navigate, Route, Routes, useLocation, useNavigate } from "react-router";
import { useTranslation } from "react-i18next";
import { onUnauthorized } from "./api/client";
import { lockDevice } from "./offline/store";
import { setSyncUser } from "./offline/sync";
import { WebSocketProvider } from "./api/ws";
import { Layout, liveRoles } from "./components/Layout";
import { Empty, ErrorState, Spinner } from "./components/ui";
import { homeFor, useMe, useSetMe } from "./hooks/use-me";
import LoginPage from "./pages/LoginPage";
import { lazyPage, type PreloadablePage } from "./lazyPage";
const RiskPage = lazyPage(() => import("./pages/inspection/RiskPage"));
const DrawsPage = lazyPage(() => import("./pages/inspection/DrawsPage"));
const AbsencesPage = lazyPage(() => import("./pages/inspection/AbsencesPage"));
const CommitmentsPage = lazyPage(() => import("./pages/inspection/CommitmentsPage"));
const ApprovalsPage = lazyPage(() => import("./pages/inspection/ApprovalsPage"));
const HeldRatingsPage = lazyPage(() => import("./pages/inspection/HeldRatingsPage"));
const CalendarPage = lazyPage(() => import("./pages/inspection/CalendarPage"));
const ChecksPage = lazyPage(() => import("./pages/inspection/ChecksPage"));
const CheckRunPage = lazyPage(() => import("./pages/inspection/CheckRunPage"));
const FindingsPage = lazyPage(() => import("./pages/inspection/FindingsPage"));
const FindingDetailPage = lazyPage(() => import("./pages/inspection/FindingDetailPage"));
const ClipsPage = lazyPage(() => import("./pages/review/ClipsPage"));
const PlayerPage = lazyPage(() => import("./pages/review/PlayerPage"));
const MomentsPage = lazyPage(() => import("./pages/review/MomentsPage"));
const CustodyPage = lazyPage(() => import("./pages/review/CustodyPage"));
const TraceListPage = lazyPage(() => import("./pages/accountability/TraceListPage"));
const TracePage = lazyPage(() => import("./pages/accountability/TracePage"));
const HeadsPage = lazyPage(() => import("./pages/accountability/HeadsPage"));
const HeadProfilePage = lazyPage(() => import("./pages/accountability/HeadProfilePage"));
const CasesPage = lazyPage(() => import("./pages/accountability/CasesPage"));
const CaseDetailPage = lazyPage(() => import("./pages/accountability/CaseDetailPage"));
const RankingPage = lazyPage(() => import("./pages/accountability/RankingPage"));
const TasksPage = lazyPage(() => import("./pages/accountability/TasksPage"));
const RuleSetPage = lazyPage(() => import("./pages/accountability/RuleSetPage"));
const IngestPage = lazyPage(() => import("./pages/admin/IngestPage"));
const CamerasPage = lazyPage(() => import("./pages/admin/CamerasPage"));
const UsersPage = lazyPage(() => import("./pages/admin/UsersPage"));
const OrgPage = lazyPage(() => import("./pages/org/OrgPage"));
const OfficersPage = lazyPage(() => import("./pages/org/OfficersPage"));
const HomePage = lazyPage(() => import("./pages/HomePage"));
const HandoverPage = lazyPage(() => import("./pages/HandoverPage"));

// The page of each route, so its code can be fetched while /api/auth/session/ is still on the way.
const ROUTE_PAGES: [RegExp, PreloadablePage][] = [
  [/^\/inspection\/risk\/?$/, RiskPage],
  [/^\/inspection\/draws\/?$/, DrawsPage],
  [/^\/inspection\/absences\/?$/, AbsencesPage],
  [/^\/inspection\/calendar\/?$/, CalendarPage],
  [/^\/inspection\/checks\/?$/, ChecksPage],
  [/^\/inspection\/checks\/[^/]+\/?$/, CheckRunPage],
  [/^\/inspection\/findings\/?$/, FindingsPage],
  [/^\/inspection\/findings\/[^/]+\/?$/, FindingDetailPage],
  [/^\/review\/clips\/?$/, ClipsPage],
  [/^\/review\/clips\/[^/]+\/?$/, PlayerPage],
  [/^\/review\/moments\/?$/, MomentsPage],
  [/^\/accountability\/findings\/?$/, TraceListPage],
  [/^\/accountability\/trace\/[^/]+\/?$/, TracePage],
  [/^\/accountability\/heads\/?$/, HeadsPage],
  [/^\/accountability\/heads\/[^/]+\/?$/, HeadProfilePage],
  [/^\/accountability\/cases\/?$/, CasesPage],
  [/^\/accountability\/cases\/[^/]+\/?$/, CaseDetailPage],
  [/^\/accountability\/ranking\/?$/, RankingPage],
  [/^\/accountability\/tasks\/?$/, TasksPage],
  [/^\/accountability\/rules\/?$/, RuleSetPage],
  [/^\/admin\/ingest\/?$/, IngestPage],
  [/^\/admin\/cameras\/?$/, CamerasPage],
  [/^\/admin\/users\/?$/, UsersPage],
  [/^\/inspection\/commitments\/?$/, CommitmentsPage],
  [/^\/verify\/?$/, CommitmentsPage],
  [/^\/inspection\/ratings\/?$/, HeldRatingsPage],
  [/^\/review\/(clips|packages)\/[^/]+\/custody\/?$/, CustodyPage],
  [/^\/admin\/org\/?$/, OrgPage],
  [/^\/admin\/officers\/?$/, OfficersPage],
  [/^\/?$/, HomePage],
];

/** Start fetching the code of the page at `pathname` (no-op for other paths; errors surface when it renders). */
export function preloadRoute(pathname: string): void {
  const hit = ROUTE_PAGES.find(([re]) => re.test(pathname));
  if (hit) hit[1].preload().catch(() => undefined);
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
      if (!window.location.pathname.startsWith("/login")) navigate("/login", { replace: true, state: { from: window.location.pathname } });
    });
    return () => onUnauthorized(null);
  }, [navigate, setMe]);

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
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </WebSocketProvider>
  );
}
