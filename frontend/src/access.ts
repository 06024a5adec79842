// Which roles each workspace page is for, by path, checked at the route (App.tsx RoleGate) before the page
// renders: a page opened by a role it is not for says so plainly and shows none of its controls (user
// review, issue 15: a unit head at /admin/users saw "+ Thêm người dùng" beside "Không có quyền truy cập").
// Each list mirrors the server rule named beside it; the server decides, this only spares the reader a
// page of controls that would all be refused. No React here.
import { CAN } from "./hooks/permissions";
import { FOOTAGE_ROLES, WORKSPACES, type Workspace } from "./hooks/use-me";
import type { Role } from "./types/org";

const ROLES = Object.keys(WORKSPACES) as Role[];
/** The roles that have a workspace (the menu's groups, hooks/use-me WORKSPACES). */
const inWorkspace = (ws: Workspace): Role[] => ROLES.filter((r) => WORKSPACES[r].includes(ws));

/** inspection.accountability.selectors TRACE_READERS, CASE_READERS, RULE_READERS */
const TRACE_READERS: Role[] = ["disciplinary", "admin", "unit_head", "inspector", "inspection_lead", "reviewer"];
const CASE_READERS: Role[] = ["disciplinary", "admin", "unit_head"];
const RULE_READERS = TRACE_READERS;
/** The accountability lists offered in the menu (components/Layout NAV) */
const TRACE_LIST: Role[] = ["disciplinary", "inspection_lead", "admin"];

const ROUTE_ROLES: [RegExp, readonly Role[]][] = [
  [/^\/inspection\/risk\/?$/, CAN.risk],
  [/^\/inspection\/draws\/?$/, CAN.draws],
  [/^\/inspection\/calendar\/?$/, CAN.calendar],
  [/^\/inspection\/absences\/?$/, CAN.absences],
  [/^\/inspection\/ratings\/?$/, ["inspector", "inspection_lead"]],
  [/^\/inspection\/approvals\/?$/, ["inspection_lead"]],
  [/^\/inspection\/commitments\/?$/, ["disciplinary", "admin", "inspection_lead", "inspector"]],
  // a reviewer files findings from footage and follows them (Layout NAV review group)
  [/^\/inspection\/findings(\/[^/]+)?\/?$/, [...inWorkspace("inspection"), "reviewer"]],
  [/^\/inspection\//, inWorkspace("inspection")],
  // footage and its custody: media_ingest.review.selectors.FOOTAGE_ROLES
  [/^\/review\//, FOOTAGE_ROLES],
  // a unit head's home card "unit_liabilities" opens the list of the unit's findings (inspection/home.py)
  [/^\/accountability\/findings\/?$/, [...TRACE_LIST, "unit_head"]],
  [/^\/accountability\/(trace|heads)\/?$/, TRACE_LIST],
  [/^\/accountability\/trace\/[^/]+\/?$/, TRACE_READERS],
  [/^\/accountability\/heads\/[^/]+\/?$/, CAN.officerProfile],
  [/^\/accountability\/cases\/?$/, ["disciplinary", "admin"]],
  [/^\/accountability\/cases\/[^/]+\/?$/, CASE_READERS],
  [/^\/accountability\/rules\/?$/, RULE_READERS],
  [/^\/accountability\//, inWorkspace("accountability")],
  [/^\/admin\//, inWorkspace("admin")],
];

/** Whether the page at `pathname` is for `role`: true for paths outside the workspaces (home, /verify). */
export function pageIsFor(role: Role, pathname: string): boolean {
  const rule = ROUTE_ROLES.find(([re]) => re.test(pathname));
  return !rule || rule[1].includes(role);
}
