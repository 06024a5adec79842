// The answers of backend/accounts and backend/org: aliases of api.gen.ts, generated from docs/openapi.yml
// (npm run gen:types) by their output serializers.
import type { components } from "./api.gen";

type Schemas = components["schemas"];
export type Role = Schemas["RoleEnum"];

export type UnitBrief = Schemas["UnitBrief"];

/** The signed-in user, as the sign-in answers it (MeOutput), or as GET /api/auth/session/ and
 *  /api/auth/me/ answer it: with when this sign-in ends on the server, by the server's clock (the field
 *  app locks the device after). */
export type Me = Schemas["MeOutput"] & { readonly session?: Schemas["SessionTimes"]; readonly password_change_reason?: Schemas["MeSessionOutput"]["password_change_reason"] };

/** A user on the administrator's list (GET /api/auth/users/): with the changes to the account waiting
 *  for an inspection lead's approval (two-person rule). */
export type AdminUser = Schemas["UserAdminOutput"];
/** A role an administrator may give, with the server's rules about it (GET /api/auth/roles/). */
export type RoleRule = Schemas["RolesOutput"]["roles"][number];
export type Roles = Schemas["RolesOutput"];

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

/** A request under the two-person rule (GET /api/auth/team-grants/): the account it is about (target, with the
 *  linked officer), who asked and decided, and, pending, the account's recent changes for a lead who may decide. */
export type TeamGrant = Schemas["TeamGrantOutput"];

/** The approve answer: the one-time activation code when the grant gives or restores team powers. */
export type TeamGrantApproved = Schemas["TeamGrantApprovedOutput"];

export type Unit = Schemas["UnitOutput"];

export type Officer = Schemas["OfficerOutput"];

/** A post; `field` is the deputy's field of charge (a deputy answers only for findings of it). */
export type Assignment = Schemas["AssignmentOutput"];

export type OfficerDetail = Schemas["OfficerDetailOutput"];

export type Counter = Schemas["CounterOutput"];

/** A detection zone: a name and a polygon in 0..1 of the frame. */
export type Zone = Schemas["Zone"];

export type Camera = Schemas["CameraOutput"];

export type UnitHeads = Schemas["UnitHeadsOutput"];

/** A field of charge (lĩnh vực phụ trách): GET /api/org/fields/. */
export type FieldOfCharge = Schemas["FieldOfChargeOutput"];
export type FieldOfChargeList = Schemas["FieldOfChargeListOutput"];

/** backend/org FieldBriefSerializer (the field of charge as an assignment names it). */
export type FieldBrief = Pick<FieldOfCharge, "id" | "code" | "name_vi" | "name_en">;

/** GET /api/org/units/tree/?at= (backend/org/apis.py UnitTreeApi). */
export type TreeNode = Schemas["TreeNode"];

export type UnitTree = Schemas["UnitTreeOutput"];

/** What ending a unit on a day ends (GET /api/org/units/{id}/end-preview/?on=): its posts, the sub-units that need a
 *  new parent, and the records an end in the past would cut. */
export type UnitEndPreview = Schemas["UnitEndPreview"];

/** GET /api/org/units/{id}/history/ */
export type UnitHistory = Schemas["UnitHistoryOutput"];
