import type { Role } from "../types/org";

/** What each role may open, in one place for the whole frontend: the menu and every link ask `can`
 *  before offering a page, so nobody is sent to a "no access" (403) answer. The server decides; each
 *  entry names the server rule it mirrors, and changes with it. */
export const CAN = {
  /** inspection.selectors.risk_latest: require_role(TEAM) (inspector, lead; not admin) */
  risk: ["inspector", "inspection_lead"],
  /** inspection.selectors._draws_visible_to: require_role(TEAM) */
  draws: ["inspector", "inspection_lead"],
  /** The inspection calendar (who checks which unit on which day): the team's own planning, not the
   *  administrator's (user review, issue 15); its data is the team's checks list */
  calendar: ["inspector", "inspection_lead"],
  /** inspection.selectors.absences_list: TEAM and admin (an admin records absences, never sees a draw,
   *  nor why someone is away: selectors.absence_details_visible) */
  absences: ["inspector", "inspection_lead", "admin"],
  /** inspection.accountability.selectors.PROFILE_READERS: an officer's / head's profile */
  officerProfile: ["disciplinary", "admin", "unit_head", "inspector", "inspection_lead"],
} as const satisfies Record<string, readonly Role[]>;

export type Capability = keyof typeof CAN;

export function can(role: Role | null | undefined, capability: Capability): boolean {
  return role != null && (CAN[capability] as readonly Role[]).includes(role);
}
