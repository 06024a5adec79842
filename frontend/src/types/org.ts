// Mirrors backend/accounts/apis.py and backend/org/apis.py output serializers; the aliases of
// api.gen.ts are generated from the schema (npm run gen:types), the rest are still written by hand.
import type { components } from "./api.gen";

type Schemas = components["schemas"];
export type Role = Schemas["RoleEnum"];

export interface UnitBrief {
  id: number;
  code: string;
  name: string;
  level?: string;
}

/** The signed-in user, as the sign-in answers it (MeOutput), or as GET /api/auth/session/ and
 *  /api/auth/me/ answer it: with when this sign-in ends on the server, by the server's clock (the field
 *  app locks the device after). */
export type Me = Schemas["MeOutput"] & { readonly session?: Schemas["SessionTimes"] };

/** A user on the administrator's list (GET /api/auth/users/): with the changes to the account waiting
 *  for an inspection lead's approval (two-person rule). */
export type AdminUser = Schemas["UserAdminOutput"];

/** A device's or an integration's API token (GET /api/auth/tokens/). */
export type ApiToken = Schemas["TokenOutput"];

/** A new token, with its key: shown this once. */
export type NewApiToken = Schemas["TokenCreatedOutput"];

export type GrantKind = Schemas["TeamGrantKindEnum"];

export type PendingApproval = Schemas["PendingApproval"];

/** A request under the two-person rule (GET /api/auth/team-grants/) */
export type GrantPerson = Schemas["GrantPerson"];

/** An officer in full on an approval card (insider review F3): every posting held today and warnings (linked to
 *  another account, looks like another officer, is you) */
export type OfficerCard = Schemas["OfficerCard"];

export interface TeamGrant {
  id: number;
  kind: GrantKind;
  kind_label: string;
  state: "pending" | "approved" | "refused" | "expired";
  state_label: string;
  target: {
    id: number; username: string; full_name: string; role: Role; is_active: boolean;
    /** who the account is: the linked officer, where he serves today */
    linked_officer: OfficerCard | null;
  };
  role: string;
  requested_label: string;
  /** who asked: the full name, the username beside it (user review, ui15) */
  requested_by: GrantPerson;
  requested_at: string;
  expires_at: string;
  decided_label: string;
  /** who decided (null while pending); the system in words ("Tự động hết hạn…"), username empty */
  decided_by: GrantPerson | null;
  decided_at: string | null;
  reason: string;
  may_decide: boolean;
  /** the caller asked for it (an administrator's own requests; absent in older answers) */
  asked_by_you?: boolean;
  /** officer: the officer to link (null = remove the link) */
  officer: OfficerCard | null;
  /** pending, for a lead who may decide: the account's changes since it last held a team role */
  recent_changes: { at: string; by: string; by_username?: string; verb: string; change: Record<string, [unknown, unknown]> }[];
  /** pending, and no lead other than the requester and the target can decide it (server command only) */
  no_approver: boolean;
}

/** The approve answer: the one-time activation code when the grant gives or restores team powers. */
export interface TeamGrantApproved extends TeamGrant {
  activation_code: string | null;
  activation_expires_at: string | null;
}

export interface Unit extends UnitBrief {
  level: string;
  parent: UnitBrief | null;
  valid_from: string;
  valid_to: string | null;
  successor: UnitBrief | null;
}

export type Officer = Schemas["OfficerOutput"];

/** A post; `field` is the deputy's field of charge (a deputy answers only for findings of it). */
export type Assignment = Schemas["AssignmentOutput"];

export type OfficerDetail = Schemas["OfficerDetailOutput"];

export type Counter = Schemas["CounterOutput"];

export interface Zone {
  name: string;
  points: [number, number][];
}

export interface Camera {
  id: number;
  code: string;
  name: string;
  counter: { id: number; code: string; name: string; unit: { id: number; name: string } };
  zones: Zone[];
  active: boolean;
}

export type UnitHeads = Schemas["UnitHeadsOutput"];

/** A field of charge (lĩnh vực phụ trách): GET /api/org/fields/. */
export type FieldOfCharge = Schemas["FieldOfChargeOutput"];

/** backend/org FieldBriefSerializer (the field of charge as an assignment names it). */
export type FieldBrief = Pick<FieldOfCharge, "id" | "code" | "name_vi" | "name_en">;

/** GET /api/org/units/tree/?at= (backend/org/apis.py UnitTreeApi). */
export type TreeNode = Schemas["TreeNode"];

export type UnitTree = Schemas["UnitTreeOutput"];

/** GET /api/org/units/{id}/history/ */
export interface UnitHistory {
  unit: Unit;
  predecessors: Unit[];
  parent_links: { parent: UnitBrief; valid_from: string; valid_to: string | null }[];
  assignments: Assignment[];
}
