import { lazy, useEffect } from "react";
import { Navigate, Route, Routes, useLocation, useNavigate } from "react-router";
import { useTranslation } from "react-i18next";
import { onUnauthorized } from "./api/client";
import { WebSocketProvider } from "./api/ws";
import { Layout, liveRoles } from "./components/Layout";
import { Empty, ErrorState, Spinner } from "./components/ui";
import { homeFor, useMe, useSetMe } from "./hooks/use-me";
import LoginPage from "./pages/LoginPage";
const RiskPage = lazy(() => import("./pages/inspection/RiskPage"));
const DrawsPage = lazy(() => import("./pages/inspection/DrawsPage"));
const CommitmentsPage = lazy(() => import("./pages/inspection/CommitmentsPage"));
const HeldRatingsPage = lazy(() => import("./pages/inspection/HeldRatingsPage"));
const CalendarPage = lazy(() => import("./pages/inspection/CalendarPage"));
const ChecksPage = lazy(() => import("./pages/inspection/ChecksPage"));
const CheckRunPage = lazy(() => import("./pages/inspection/CheckRunPage"));
const FindingsPage = lazy(() => import("./pages/inspection/FindingsPage"));
const FindingDetailPage = lazy(() => import("./pages/inspection/FindingDetailPage"));
const ClipsPage = lazy(() => import("./pages/review/ClipsPage"));
const PlayerPage = lazy(() => import("./pages/review/PlayerPage"));
const MomentsPage = lazy(() => import("./pages/review/MomentsPage"));
const CustodyPage = lazy(() => import("./pages/review/CustodyPage"));
const TraceListPage = lazy(() => import("./pages/accountability/TraceListPage"));
const TracePage = lazy(() => import("./pages/accountability/TracePage"));
const HeadsPage = lazy(() => import("./pages/accountability/HeadsPage"));
const HeadProfilePage = lazy(() => import("./pages/accountability/HeadProfilePage"));
const CasesPage = lazy(() => import("./pages/accountability/CasesPage"));
const CaseDetailPage = lazy(() => import("./pages/accountability/CaseDetailPage"));
const RankingPage = lazy(() => import("./pages/accountability/RankingPage"));
const RuleSetPage = lazy(() => import("./pages/accountability/RuleSetPage"));
const IngestPage = lazy(() => import("./pages/admin/IngestPage"));
const CamerasPage = lazy(() => import("./pages/admin/CamerasPage"));
const UsersPage = lazy(() => import("./pages/admin/UsersPage"));
const OrgPage = lazy(() => import("./pages/org/OrgPage"));
const OfficersPage = lazy(() => import("./pages/org/OfficersPage"));
const HomePage = lazy(() => import("./pages/HomePage"));

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
      setMe(null);
      if (!window.location.pathname.startsWith("/login")) navigate("/login", { replace: true, state: { from: window.location.pathname } });
    });
    return () => onUnauthorized(null);
  }, [navigate, setMe]);

  if (meQ.isPending) return <div className="boot"><Spinner /></div>;
  if (meQ.isError) return <div className="boot"><ErrorState error={meQ.error} onRetry={() => meQ.refetch()} /></div>;
  const me = meQ.data;

  if (!me) {
    return (
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route path="*" element={<Navigate to="/login" replace state={{ from: location.pathname + location.search }} />} />
      </Routes>
    );
  }

  return (
    <WebSocketProvider key={me.id} enabled={liveRoles.includes(me.role)}>
      <Routes>
        <Route path="/login" element={<Navigate to={homeFor(me)} replace />} />
        <Route element={<Layout me={me} />}>
          <Route index element={<Home />} />
          <Route path="inspection/risk" element={<RiskPage />} />
          <Route path="inspection/draws" element={<DrawsPage />} />
          <Route path="inspection/commitments" element={<CommitmentsPage />} />
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
