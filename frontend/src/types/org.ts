// Mirrors backend/accounts/apis.py and backend/org/apis.py output serializers; the aliases of
// api.gen.ts are generated from the schema (npm run gen:types), the rest are still written by hand.
import type { components } from "./api.gen";

type Schemas = components["schemas"];
export type Role = "inspector" | "inspection_lead" | "reviewer" | "disciplinary" | "unit_head" | "admin" | "service";

export interface UnitBrief {
  id: number;
  code: string;
  name: string;
  level?: string;
}

export interface Me {
  id: number;
  username: string;
  full_name: string;
  /** when this sign-in ends on the server, by the server's clock (the field app locks the device after) */
  session?: { expires_at: string; server_time: string };
  role: Role;
  role_label: string;
  is_inspection_team: boolean;
  scope_unit: { id: number; code: string; name: string } | null;
  officer: { id: number; full_name: string; rank: string; service_number?: string } | null;
  language: "vi" | "en";
  is_active: boolean;
  two_factor_enabled: boolean;
  two_factor_required: boolean;
  /** The check (uid) this session is limited to while the device is handed over to the unit's representative */
  handover?: string | null;
  /** On the admin's user list: changes waiting for an inspection lead's approval (two-person rule) */
  pending_approvals?: PendingApproval[];
}

export type GrantKind = "create" | "role" | "activate" | "password" | "two_factor" | "officer";

export interface PendingApproval {
  id: number;
  kind: GrantKind;
  role: string;
  requested_at: string;
  expires_at: string;
}

/** A request under the two-person rule (GET /api/auth/team-grants/) */
export interface GrantPerson { name: string; username: string }

export interface TeamGrant {
  id: number;
  kind: GrantKind;
  kind_label: string;
  state: "pending" | "approved" | "refused" | "expired";
  state_label: string;
  target: {
    id: number; username: string; full_name: string; role: Role; is_active: boolean;
    /** who the account is: the linked officer, where he serves today */
    linked_officer: { id: number; name: string; service_number: string; unit: string; position: string } | null;
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
  /** officer: the officer to link (null = remove the link) */
  officer: { id: number; name: string } | null;
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

export interface OfficerDetail extends Officer {
  at: string;
  assignments: Assignment[];
  chain_of_command: { unit: UnitBrief; heads: Assignment[] }[];
}

export interface Counter {
  id: number;
  code: string;
  name: string;
  unit: UnitBrief;
  opening_hours: unknown;
  active: boolean;
}

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
export interface FieldOfCharge {
  id: number;
  code: string;
  name_vi: string;
  name_en: string;
  description?: string;
  position?: number;
  active: boolean;
}

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
