// The accountability answers: aliases of api.gen.ts, generated from docs/openapi.yml (npm run gen:types)
// by the output serializers of inspection/accountability/apis (common.py, outputs.py). The case's
// computed view (deadlines, limitation, escalation) is still declared as a free-form object, so its
// shape below is written by hand.
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
export type LimitationInfo = Schemas["Limitation"];

export interface EscalationStep {
  code: string;
  change: number;
  form: FormRef;
  text_vi: string;
  text_en: string;
}

export interface ComplaintAnswer {
  received_on: string;
  accept_by: string;
  accept_days: number;
  accepted_on: string | null;
  complex: boolean;
  days: number;
  deadline: string;
  answered_on: string | null;
  status: "running" | "late" | "answered" | "answered_late";
  source: string;
  text_vi: string;
  text_en: string;
}

export interface Window {
  from: string;
  days: number;
  deadline: string;
  filed_on: string | null;
  source: string;
  text_vi: string;
  text_en: string;
  /** When the answer to this complaint is due (once one was filed) */
  answer: ComplaintAnswer | null;
}

export type RefusedComplaint = Schemas["RefusedComplaint"];

export interface CaseDeadlines {
  handling: { opened_on: string; days: number; complex: boolean; deadline: string; status: "running" | "met" | "late"; decided_on: string | null; source: string; text_vi: string; text_en: string };
  council: { required: boolean; form: string | null; held_on: string | null; note: string; source: string };
  complaints: { first: Window | null; second: Window | null };
}

export interface CaseComputed {
  violations: { finding_id: number; reference: string; occurred_on: string; form: FormRef; rule: string; why_vi: string; why_en: string; time_barred: boolean; limitation: LimitationInfo | null }[];
  steps: EscalationStep[];
  computed_form: FormRef | null;
  limitation: LimitationInfo | null;
  factors: { aggravating: number; mitigating: number };
  notes: Bilingual[];
  deadlines: CaseDeadlines;
}

/** What a unit answered to one of the case's findings (giải trình, tự kiểm điểm). */
export interface CaseExplanation {
  id: number;
  finding_id: number;
  finding_reference: string;
  kind: "explanation" | "self_review";
  kind_label: string;
  text: string;
  at: string;
  /** name: rank and name of the officer behind the account ("Thiếu tá Trần Minh Đức") */
  author: { id: number; username: string; full_name: string; rank: string; name: string };
}

/** A case (CaseOutput; the detail adds its history and the units' explanations). */
export type DisciplinaryCase = Omit<Schemas["CaseOutput"], "computed"> & {
  computed: CaseComputed | null;
  /** The units' answers to the case's findings, by finding, oldest first. */
  explanations?: CaseExplanation[];
  events?: Schemas["CaseEvent"][];
};

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
