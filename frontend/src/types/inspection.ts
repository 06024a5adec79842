// Mirrors the output serializers of inspection/apis/. Fields the UI can live without are optional; the
// aliases of api.gen.ts are generated from the schema (npm run gen:types).
import type { components } from "./api.gen";
import type { UnitBrief } from "./org";

type Schemas = components["schemas"];

export type Severity = Schemas["SeverityEnum"];
export type CheckState = Schemas["CheckStateEnum"];
export type Outcome = Schemas["OutcomeEnum"];
export type FindingState = Schemas["FindingStateEnum"];

export interface UserBrief {
  id: number;
  username?: string;
  full_name?: string;
  /** the linked officer's rank (Thiếu tá, Đại úy…), shown before the name */
  rank?: string;
  name?: string;
}

/** GET /api/inspection/risk/ rows: the unit's latest snapshot, its features, weights and each one's part. */
export type RiskRow = Schemas["RiskSnapshotOutput"];

export interface DrawResultRow {
  order: number;
  unit_id: number;
  unit?: UnitBrief;
  reason: "floor" | "risk" | "uniform" | string;
  score: number;
  team: number[];
  team_names?: string[];
  slot: { counter_id: number; window_start: string; window_end: string } | null;
  check?: { uid: string; reference: string; state: CheckState } | null;
  /** Version 3: drawing_lead_conflicted, team_short {asked, free}, after_due {due}; version 4 adds days_late. */
  notes?: { code: string; asked?: number; free?: number; due?: string; days_late?: number; never_checked?: boolean }[];
}

export interface BiText {
  code: string;
  vi?: string;
  en?: string;
  [key: string]: unknown;
}

export interface DrawCommitment {
  id: number;
  created_at: string;
  created_by: string | null;
  seed_sha256: string;
  n: number | null;
  start: string | null;
  end: string | null;
  state: "open" | "closed";
  closed_at: string | null;
  seed: string | null;
  /** When the counts of units left out are published to readers other than the drawing lead: fixed by the
   *  draw's window alone, never by the state of a check (F2). */
  counts_published_at?: string | null;
  reason: string;
  close_reason: string;
  flags: {
    code: string; reason?: string; draws?: number[]; cancelled?: number; count?: number; manual?: number; never_checked?: number;
    n?: number; drawn?: number; total?: number; deviations?: { param: string; value: number; policy: number }[];
    /** superseded: the draw that replaced this one. */
    by?: number;
  }[];
  checks_started: number;
  /** Checks of the draw cancelled (one by one or with the whole draw); outside the team, while the draw is
   * open, only those cancelled after they started (the rest are published at the close). */
  checks_cancelled: number;
  /** Every parameter of the draw (policy deviations are also flagged). */
  parameters: Record<string, number | string | boolean>;
  /** Hand-picked checks in the draw's window: started, and cancelled before they started. */
  manual_checks_started: number;
  /** Null outside the team while the draw is open: sealed until its close (a check cancelled unstarted is a secret). */
  manual_checks_cancelled: number | null;
}

export type RatingRow = Schemas["RatingOutput"];

export interface Draw {
  id: number;
  name: string;
  created_at: string;
  created_by?: UserBrief | string | null;
  seed_sha256: string;
  seed?: string | null;
  params: Record<string, unknown>;
  result: DrawResultRow[];
  state: "open" | "closed";
  closed_at?: string | null;
  /** When the counts of units left out are published to readers other than the drawing lead (F2). */
  counts_published_at?: string | null;
  checks_count?: number;
  /** Checks of the draw still planned, those the reader may not see included (a conflict of interest). */
  planned_count?: number;
  candidates?: { unit_id: number; score: number; forced?: boolean; snapshot_id?: number; last_checked?: string; due?: string }[];
  /** Detail only: the units left out and why; a planned check that kept one out, when the reader may see it. */
  excluded?: DrawExclusion[];
  reason?: string;
  close_reason?: string;
  flags?: DrawCommitment["flags"];
  warnings?: BiText[];
  /** How the places went: coverage floor, risk, chance; and the floor's part of n. */
  split?: DrawSplit;
}

export interface DrawSplit {
  floor: number;
  risk: number;
  uniform: number;
  n: number;
  floor_room: number;
}

/** A member of the inspection team out of the draw's pool for some days. */
export type Absence = Schemas["AbsenceOutput"];

/** GET /api/inspection/draws/{id}/verify/: the recomputed targets for the inspection team only. */
export type DrawVerify = Schemas["DrawVerifyOutput"];

export type CheckBrief = Schemas["CheckOutput"];

export type Criterion = Schemas["CriterionNode"];

export type CriterionResult = Schemas["ReportResult"];

export type ReportEvidence = Schemas["ReportEvidence"];

export type UnitRepresentative = Schemas["Representative"];

/** The hand-over screen: the minutes as the team lead signed them, and the unit's signature once given. */
export type HandoverStep = Schemas["HandoverOutput"];

export type CheckReport = Schemas["ReportOutput"];

export type CheckDetail = Schemas["CheckDetailOutput"];

export type FindingCategory = Schemas["CategoryOutput"];

/** A finding as the list and the other answers write it (inspection/apis/finding_rows.finding_output). */
export type FindingBrief = Schemas["FindingOutput"];

export type FindingSubject = Schemas["FindingSubjectOutput"];

export type FindingEvidence = Schemas["FindingEvidenceItem"];

export type FindingTransition = Schemas["FindingTransitionOutput"];

/** What the head of the unit answered (giải trình, tự kiểm điểm). */
export type FindingExplanation = Schemas["FindingExplanationOutput"];

/** GET /api/inspection/findings/{id}/: the finding with its history, evidence (and whether an evidence
 *  package can be built from it) and the unit's explanations, oldest first. */
export type FindingDetail = Schemas["FindingDetailOutput"];

export interface DrawExclusion {
  unit_id: number;
  reason: string;
  check?: { reference: string; date: string };
  /** due under the coverage floor when it was left out */
  past_floor?: boolean;
  never_checked?: boolean;
  due?: string;
}
