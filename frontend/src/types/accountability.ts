// Mirrors inspection/accountability/apis.py, trace.py, engine.py and scoring.py outputs.
import type { FindingExplanation, Severity } from "./inspection";

export interface OfficerBrief {
  id: number;
  service_number: string;
  full_name: string;
  rank: string;
}

export interface UnitRef {
  id: number;
  code: string;
  name: string;
  level?: string;
}

export interface UnitAsItWas extends UnitRef {
  valid_from: string;
  valid_to: string | null;
  status: string;
  successor: UnitRef | null;
  note_vi: string;
  note_en: string;
}

export interface FieldRef {
  id: number;
  code: string;
  name_vi: string;
  name_en: string;
}

export interface AssignmentProof {
  id: number;
  position: string;
  unit_id: number;
  is_head: boolean;
  is_deputy: boolean;
  is_acting: boolean;
  /** The deputy's field of charge (lĩnh vực phụ trách); null when none is recorded */
  field: FieldRef | null;
  in_charge_of: string;
  valid_from: string;
  valid_to: string | null;
  decision_ref: string;
}

export interface FormRef {
  id: number;
  code: string;
  subject_kind: string;
  level: number;
  name_vi: string;
  name_en: string;
  limitation_years: number;
  requires_council?: boolean;
  basis?: string;
}

export interface RuleRef {
  id: number;
  code: string;
  applies_to?: string;
  trigger?: string;
  text_vi: string;
  text_en: string;
  basis?: string;
  form?: string | null;
}

export interface Bilingual {
  vi: string;
  en: string;
}

export interface TraceViolator {
  officer: OfficerBrief;
  role: string;
  assignment: AssignmentProof | null;
  rule: RuleRef | null;
  suggested_form: FormRef | null;
  why_vi: string;
  why_en: string;
}

export interface TraceLeader {
  role: "head" | "deputy" | "upper_head";
  role_label_vi: string;
  role_label_en: string;
  officer: OfficerBrief;
  unit: UnitRef;
  assignment: AssignmentProof;
  is_acting: boolean;
  /** For a deputy: the field of charge that makes him answer */
  field: FieldRef | null;
  in_charge_from: string;
  in_charge_to: string;
  basis: "joint" | "own";
  rule: RuleRef | null;
  suggested_form: FormRef | null;
  why_vi: string;
  why_en: string;
  facts: Record<string, unknown>;
  other_rules: { rule: RuleRef; form: FormRef; why_vi: string; why_en: string }[];
  exemption: { vi: string; en: string; basis: string } | null;
  time_barred_vi: string;
  time_barred_en: string;
}

export interface TraceUnitGroup {
  unit: UnitAsItWas;
  parent: UnitAsItWas | null;
  parents: (UnitAsItWas & { from: string; to: string })[];
  /** The sub-period of the violation traced through this unit (a move or a merger splits it) */
  from: string;
  to: string;
  violators: TraceViolator[];
  leaders: TraceLeader[];
  notes: Bilingual[];
}

export interface Trace {
  /** The unit's giải trình / tự kiểm điểm on the finding (the live API adds them; a stored trace has none). */
  explanations?: FindingExplanation[];
  finding: {
    id: number;
    reference: string;
    title: string;
    severity: Severity;
    severity_vi: string;
    severity_en: string;
    state: string;
    category: { id: number; code: string; name_vi: string; name_en: string; fields: FieldRef[] };
    unit: UnitRef;
    occurred_from: string;
    occurred_to: string | null;
    is_period: boolean;
  };
  as_of: { from: string; to: string };
  ruleset: { id: number; version: number };
  units: TraceUnitGroup[];
  notes: Bilingual[];
}

export interface FindingRef {
  id: number;
  reference: string;
  title: string;
  severity: Severity;
  state: string;
  occurred_from: string;
  occurred_to: string | null;
  unit: UnitRef;
}

export interface Liability {
  id: number;
  finding: FindingRef;
  trace: number;
  ruleset_version: number;
  rule: RuleRef;
  officer: OfficerBrief;
  unit: UnitRef;
  assignment: AssignmentProof;
  role: "head" | "deputy" | "upper_head";
  basis: "joint" | "own";
  is_acting: boolean;
  period_from: string;
  period_to: string;
  suggested_form: FormRef;
  confirmed_form: FormRef | null;
  reason_vi: string;
  reason_en: string;
  facts: Record<string, unknown>;
  state: "proposed" | "confirmed" | "rejected" | "superseded";
  decided_by: string | null;
  decided_at: string | null;
  decision_reason: string;
  created_at: string;
}

export interface EscalationStep {
  code: string;
  change: number;
  form: FormRef;
  text_vi: string;
  text_en: string;
}

export interface LimitationInfo {
  start: string;
  restarted_by: string | null;
  years: number | null;
  form: string;
  deadline: string | null;
  days_left: number | null;
  status: "ok" | "warning" | "expired" | "none";
  message_vi: string;
  message_en: string;
  basis: string;
  barred_from: string | null;
  barred_vi: string;
  barred_en: string;
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

export interface RefusedComplaint {
  id: number;
  level: number;
  received_on: string;
  text: string;
  ground: "late" | "no_further" | "other";
  ground_vi: string;
  deadline: string | null;
  refused_on: string;
  reason_vi: string;
  reason_en: string;
}

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

export interface DisciplinaryCase {
  id: number;
  reference: string;
  title: string;
  summary: string;
  subject_kind: "officer" | "unit";
  officer: OfficerBrief | null;
  unit: UnitRef | null;
  state: string;
  findings: FindingRef[];
  /** The units' answers to the case's findings, by finding, oldest first. */
  explanations?: CaseExplanation[];
  factors: { id: number; kind: "aggravating" | "mitigating"; text: string; added_at: string }[];
  documents: { id: number; kind: string; filename: string; size: number; sha256: string; uploaded_at: string }[];
  ruleset_version: number;
  computed: CaseComputed | null;
  proposed_form: FormRef | null;
  proposal_note: string;
  decided_form: FormRef | null;
  decision_number: string;
  decision_authority: string;
  decision_date: string | null;
  appeal_filed_on: string | null;
  appeal_text: string;
  appeal_result: string;
  appeal_decided_on: string | null;
  appeal_note: string;
  decision_received_on: string | null;
  is_complex: boolean;
  self_review_waiver: string;
  council_held_on: string | null;
  council_note: string;
  appeal_answer_received_on: string | null;
  appeal2_filed_on: string | null;
  appeal2_text: string;
  appeal2_result: string;
  appeal2_decided_on: string | null;
  appeal2_note: string;
  appeal_accepted_on: string | null;
  appeal_complex: boolean;
  appeal2_accepted_on: string | null;
  appeal2_complex: boolean;
  /** the original decision's form when a complaint decision changed it (number/date stay in decision_*) */
  original_form?: FormRef | null;
  appeal_decision_number?: string;
  appeal_signer?: string;
  appeal2_decision_number?: string;
  appeal2_signer?: string;
  refused_complaints: RefusedComplaint[];
  created_by: string;
  created_at: string;
  updated_at: string;
  events?: { verb: string; from_state: string; to_state: string; note: string; data: unknown; actor: string; actor_name: string; at: string }[];
}

export interface Tenure {
  assignment: AssignmentProof;
  unit: UnitAsItWas;
  role: "head" | "deputy";
  is_acting: boolean;
  from: string;
  to: string;
  findings: FindingRef[];
}

export interface HeadProfile {
  officer: OfficerBrief;
  period: { from: string | null; to: string };
  summary: { findings: number; findings_by_severity: Record<string, number>; liabilities_by_state: Record<string, number>; cases: number };
  tenures: Tenure[];
  liabilities: Liability[];
  cases: DisciplinaryCase[];
}

export interface RankingRow {
  rank: number | null;
  unit: UnitRef;
  score: number | null;
  base: number | null;
  components: {
    checks: { percent: number | null; signed_reports: number; weight: number };
    tasks: { percent: number | null; total: number; on_time: number; late: number; missed: number; pending: number; weight: number };
    deductions: { points: number; findings: number; by_severity: Record<string, number> };
  };
  /** The same units (a merged one through its predecessors) scored on the previous period, ranked among themselves. */
  previous: { period: string; score: number | null; rank: number | null; ranked?: number; basis?: string };
  trend: "up" | "down" | "same" | "new" | "unranked";
  score_change: number | null;
  /** Places moved (+ up, − down) among the units ranked in both periods; null without a previous rank. */
  rank_change?: number | null;
  /** How many units were ranked in both periods (the set `rank_change` is counted in). */
  comparable?: number;
  emulation: {
    unit: { code: string; label_vi: string; label_en: string; reason_vi: string; reason_en: string } | null;
    heads: { officer: { id: number; full_name: string }; unit?: UnitRef; is_acting: boolean; from: string; to: string; code: string; label_vi: string; label_en: string; reason_vi: string; reason_en: string }[];
  };
  note_vi: string;
  note_en: string;
}

export interface Rankings {
  level: string;
  /** provisional: the period is not over yet (điểm tạm tính). */
  period: { label: string; start: string; end: string; provisional?: boolean };
  previous_period: { label: string; start: string; end: string };
  policy_version: number;
  units: number;
  ranked: number;
  rows: RankingRow[];
}

export interface RuleSetFull {
  id: number;
  version: number;
  note: string;
  repeat_window_days: number;
  limitation_warn_days: number;
  restart_on_new_violation: boolean;
  handling_days: number;
  handling_days_complex: number;
  complaint_days: number;
  second_complaint_days: number;
  complaint_accept_days: number;
  complaint_answer_days: number;
  complaint_answer_days_complex: number;
  second_answer_days: number;
  second_answer_days_complex: number;
  sources: Record<string, string>;
  regulations: ForceRegulation[];
  forms: FormRef[];
  rules: { code: string; applies_to: string; trigger: string; text_vi: string; text_en: string; basis: string; categories: "all" | "corruption" | "non_corruption"; cap_at_violator: boolean; form: string | null }[];
  categories: { category_code: string; is_corruption: boolean; no_limitation: boolean; basis: string; note: string }[];
}

/** A regulation of the provincial police some rules stand on; the admin fills in its number. */
export interface ForceRegulation {
  code: string;
  title_vi: string;
  title_en: string;
  number: string;
  issued_on: string | null;
  cited_as_vi: string;
  updated_at: string | null;
}

/** GET /api/accountability/cchc-tasks/ (TaskOutputSerializer). */
export interface CchcTask {
  id: number;
  unit: { id: number; code: string; name: string };
  year: number;
  title: string;
  target: string;
  due_date: string;
  late_registration: boolean;
  registered_by: string;
  registered_at: string;
  delivered_on: string | null;
  delivery_note: string;
  reported_at: string | null;
  status: "on_time" | "late" | "reported_late" | "missed" | "pending";
  status_vi: string;
  overdue_days: number | null;
}
