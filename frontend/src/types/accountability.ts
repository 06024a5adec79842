// The accountability answers: aliases of api.gen.ts, generated from docs/openapi.yml (npm run gen:types)
// by the output serializers of inspection/accountability/apis (common.py, outputs.py, case_outputs.py).
import type { components } from "./api.gen";

type Schemas = components["schemas"];

export type OfficerBrief = Schemas["OfficerBrief"];
export type UnitRef = Schemas["UnitBrief"];
export type UnitAsItWas = Schemas["UnitAsItWas"];
export type FieldRef = Schemas["FieldBrief"];
export type AssignmentProof = Schemas["AssignmentProof"];
export type FormRef = Schemas["FormOutput"];
export type RuleRef = Schemas["RuleRef"];
export type Bilingual = Schemas["Bilingual"];
export type TraceViolator = Schemas["TraceViolator"];
export type TraceLeader = Schemas["TraceLeader"];
export type TraceUnitGroup = Schemas["TraceUnitGroup"];
/** GET /api/accountability/findings/{id}/trace/, with the unit's giải trình / tự kiểm điểm. */
export type Trace = Schemas["Trace"];
export type FindingRef = Schemas["FindingBrief"];
export type Liability = Schemas["LiabilityOutput"];
/** POST /api/accountability/liabilities/: the liabilities proposed from a finding's trace. */
export type LiabilityProposal = Schemas["LiabilityProposal"];
export type LimitationInfo = Schemas["Limitation"];

export type EscalationStep = Schemas["EscalationStep"];
export type ComplaintAnswer = Schemas["ComplaintAnswer"];
export type Window = Schemas["ComplaintWindow"];
export type RefusedComplaint = Schemas["RefusedComplaint"];
export type CaseDeadlines = Schemas["CaseDeadlines"];
/** The case's computed view: its violations, the escalation, the form, the limitation, the deadlines. */
export type CaseComputed = Schemas["CaseComputed"];
/** What a unit answered to one of the case's findings (giải trình, tự kiểm điểm). */
export type CaseExplanation = Schemas["CaseExplanation"];
/** A case (CaseOutput); the detail (CaseDetailOutput) adds its history and the units' explanations. */
export type DisciplinaryCase = Schemas["CaseOutput"] & Partial<Pick<Schemas["CaseDetailOutput"], "events" | "explanations">>;
/** POST /api/accountability/cases/ (and GET by id). */
export type CaseDetail = Schemas["CaseDetailOutput"];

export type Tenure = Schemas["Tenure"];
/** GET /api/accountability/officers/{id}/ */
export type HeadProfile = Schemas["HeadProfile"];
export type RankingRow = Schemas["RankingRow"];
/** GET /api/accountability/rankings/ */
export type Rankings = Schemas["Rankings"];

/** GET /api/accountability/rulesets/current/ (and by version): the rule set, its bases written out. */
export type RuleSetFull = Schemas["RuleSetPayload"];

export type ForceRegulation = Schemas["RegulationOutput"];

/** GET /api/accountability/cchc-tasks/ (TaskOutputSerializer). */
export type CchcTask = Schemas["TaskOutput"];
