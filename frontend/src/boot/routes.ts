// The code of each route's page, so that it can be fetched at start-up beside /api/auth/session/
// (main.tsx), before the app's own code has arrived, and rendered without a Suspense hold (App.tsx,
// lazyPage). No React here: main.tsx stays small.

export const PAGE_CODE = {
  RiskPage: () => import("../pages/inspection/RiskPage"),
  DrawsPage: () => import("../pages/inspection/DrawsPage"),
  AbsencesPage: () => import("../pages/inspection/AbsencesPage"),
  CommitmentsPage: () => import("../pages/inspection/CommitmentsPage"),
  ApprovalsPage: () => import("../pages/inspection/ApprovalsPage"),
  HeldRatingsPage: () => import("../pages/inspection/HeldRatingsPage"),
  CalendarPage: () => import("../pages/inspection/CalendarPage"),
  ChecksPage: () => import("../pages/inspection/ChecksPage"),
  CheckRunPage: () => import("../pages/inspection/CheckRunPage"),
  FindingsPage: () => import("../pages/inspection/FindingsPage"),
  FindingDetailPage: () => import("../pages/inspection/FindingDetailPage"),
  ClipsPage: () => import("../pages/review/ClipsPage"),
  PlayerPage: () => import("../pages/review/PlayerPage"),
  MomentsPage: () => import("../pages/review/MomentsPage"),
  CustodyPage: () => import("../pages/review/CustodyPage"),
  TraceListPage: () => import("../pages/accountability/TraceListPage"),
  TracePage: () => import("../pages/accountability/TracePage"),
  HeadsPage: () => import("../pages/accountability/HeadsPage"),
  HeadProfilePage: () => import("../pages/accountability/HeadProfilePage"),
  CasesPage: () => import("../pages/accountability/CasesPage"),
  CaseDetailPage: () => import("../pages/accountability/CaseDetailPage"),
  RankingPage: () => import("../pages/accountability/RankingPage"),
  TasksPage: () => import("../pages/accountability/TasksPage"),
  RuleSetPage: () => import("../pages/accountability/RuleSetPage"),
  IngestPage: () => import("../pages/admin/IngestPage"),
  CamerasPage: () => import("../pages/admin/CamerasPage"),
  UsersPage: () => import("../pages/admin/UsersPage"),
  OrgPage: () => import("../pages/org/OrgPage"),
  OfficersPage: () => import("../pages/org/OfficersPage"),
  HomePage: () => import("../pages/HomePage"),
  HandoverPage: () => import("../pages/HandoverPage"),
};

export type PageName = keyof typeof PAGE_CODE;

const ROUTE_PAGES: [RegExp, PageName][] = [
  [/^\/inspection\/risk\/?$/, "RiskPage"],
  [/^\/inspection\/draws\/?$/, "DrawsPage"],
  [/^\/inspection\/absences\/?$/, "AbsencesPage"],
  [/^\/inspection\/calendar\/?$/, "CalendarPage"],
  [/^\/inspection\/checks\/?$/, "ChecksPage"],
  [/^\/inspection\/checks\/[^/]+\/?$/, "CheckRunPage"],
  [/^\/inspection\/findings\/?$/, "FindingsPage"],
  [/^\/inspection\/findings\/[^/]+\/?$/, "FindingDetailPage"],
  [/^\/review\/clips\/?$/, "ClipsPage"],
  [/^\/review\/clips\/[^/]+\/?$/, "PlayerPage"],
  [/^\/review\/moments\/?$/, "MomentsPage"],
  [/^\/accountability\/findings\/?$/, "TraceListPage"],
  [/^\/accountability\/trace\/[^/]+\/?$/, "TracePage"],
  [/^\/accountability\/heads\/?$/, "HeadsPage"],
  [/^\/accountability\/heads\/[^/]+\/?$/, "HeadProfilePage"],
  [/^\/accountability\/cases\/?$/, "CasesPage"],
  [/^\/accountability\/cases\/[^/]+\/?$/, "CaseDetailPage"],
  [/^\/accountability\/ranking\/?$/, "RankingPage"],
  [/^\/accountability\/tasks\/?$/, "TasksPage"],
  [/^\/accountability\/rules\/?$/, "RuleSetPage"],
  [/^\/admin\/ingest\/?$/, "IngestPage"],
  [/^\/admin\/cameras\/?$/, "CamerasPage"],
  [/^\/admin\/users\/?$/, "UsersPage"],
  [/^\/inspection\/commitments\/?$/, "CommitmentsPage"],
  [/^\/inspection\/approvals\/?$/, "ApprovalsPage"],
  [/^\/verify\/?$/, "CommitmentsPage"],
  [/^\/inspection\/ratings\/?$/, "HeldRatingsPage"],
  [/^\/review\/(clips|packages)\/[^/]+\/custody\/?$/, "CustodyPage"],
  [/^\/admin\/org\/?$/, "OrgPage"],
  [/^\/admin\/officers\/?$/, "OfficersPage"],
  [/^\/?$/, "HomePage"],
];

/** The page that renders at `pathname`, if it is one of the app's routes. */
export function pageAt(pathname: string): PageName | undefined {
  return ROUTE_PAGES.find(([re]) => re.test(pathname))?.[1];
}
