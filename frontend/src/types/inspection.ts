// Mirrors the output serializers of inspection/apis/. Fields the UI can live without are optional; the
// aliases of api.gen.ts are generated from the schema (npm run gen:types).
import type { components } from "./api.gen";

type Schemas = components["schemas"];

export type Severity = Schemas["SeverityEnum"];
export type CheckState = Schemas["CheckStateEnum"];
export type Outcome = Schemas["OutcomeEnum"];
export type FindingState = Schemas["FindingStateEnum"];

/** A person in the inspection answers (inspection/apis/common._user_brief): the linked officer's rank and name. */
export type UserBrief = Schemas["UserBrief"];

/** GET /api/inspection/risk/ rows: the unit's latest snapshot, its features, weights and each one's part. */
export type RiskRow = Schemas["RiskSnapshotOutput"];

/** A drawn target with its slot, team and notes (none for a reader conflicted with the unit: `redacted`). */
export type DrawResultRow = Schemas["DrawResultRow"];

/** The server's words in both languages (a draw's warning, a reason the signature is refused); the other keys
 *  are the detail its code carries. */
export type BiText = Schemas["BiText"];

/** GET /api/inspection/draws/commitments/: a draw's public commitment, never its targets. */
export type DrawCommitment = Schemas["DrawCommitmentOutput"];

/** A flag published with a draw's commitment: `code` says which; the other keys are those its code carries. */
export type DrawFlag = Schemas["DrawFlag"];

export type RatingRow = Schemas["RatingOutput"];

/** POST /api/inspection/ratings/review/ */
export type RatingReview = Schemas["RatingReviewOutput"];

/** A draw as the list answers it (DrawOutput); the detail adds its stored inputs and the units left out. */
export type Draw = Schemas["DrawOutput"] & Partial<Pick<Schemas["DrawWithExclusionsOutput"], "candidates" | "excluded">>;

export type DrawSplit = Schemas["DrawSplit"];

/** A member of the inspection team out of the draw's pool for some days. */
export type Absence = Schemas["AbsenceOutput"];

/** GET /api/inspection/draws/{id}/verify/: the recomputed targets for the inspection team only. */
export type DrawVerify = Schemas["DrawVerifyOutput"];

export type CheckBrief = Schemas["CheckOutput"];

export type Criterion = Schemas["CriterionNode"];

/** GET /api/inspection/criteria-sets/{id}/: the set with its criteria as a tree. */
export type CriteriaSetTree = Schemas["CriteriaSetTreeOutput"];

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

/** A unit a draw left out and why; the planned check that kept it out when the reader may see it. */
export type DrawExclusion = Schemas["DrawExclusion"];
