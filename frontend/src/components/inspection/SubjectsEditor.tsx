import { useTranslation } from "react-i18next";
import { Field } from "../ui";
import { inWords } from "../reasonRule";
import { OfficerPicker } from "../OfficerPicker";
import type { FindingSubject } from "../../types/inspection";
import type { Officer } from "../../types/org";

export const SUBJECT_ROLES = ["violator", "co_violator", "responsible_head"] as const;
/** As the server's UNIT_LEVEL_REASON_MIN_LETTERS and UNIT_LEVEL_REASON_MIN_WORDS (inspection.services_findings). */
export const UNIT_LEVEL_REASON_MIN = 20;
export const UNIT_LEVEL_REASON_MIN_WORDS = 4;

/** A subject's officer as the finding's answer names it (no date of birth) or as the picker gives it. */
export type SubjectOfficer = Pick<Officer, "id" | "service_number" | "full_name" | "rank">;

export interface SubjectDraft {
  officer: SubjectOfficer | null;
  role: (typeof SUBJECT_ROLES)[number];
  knew: boolean;
  covered: boolean;
}

export const emptySubject = (): SubjectDraft => ({ officer: null, role: "violator", knew: false, covered: false });

export function subjectDrafts(subjects: FindingSubject[]): SubjectDraft[] {
  return subjects.map((s) => ({
    officer: s.officer,
    role: (SUBJECT_ROLES as readonly string[]).includes(s.role) ? (s.role as SubjectDraft["role"]) : "violator",
    knew: Boolean(s.knew_and_did_not_act),
    covered: Boolean(s.covered_up),
  }));
}

export function subjectsPayload(subjects: SubjectDraft[]) {
  return subjects
    .filter((s) => s.officer)
    .map((s) => ({ officer_id: s.officer!.id, role: s.role, knew_and_did_not_act: s.knew, covered_up: s.covered }));
}

export { letters, reasonWords, isVietnameseSyllable } from "../reasonRule";

/** Why a typed unit-level reason cannot be sent yet ("" when it can, or when none is typed). */
export function unitReasonProblem(reason: string, t: (k: string, o?: Record<string, unknown>) => string): string {
  const typed = reason.trim();
  if (!typed) return "";
  const enough = inWords(typed, UNIT_LEVEL_REASON_MIN_WORDS, UNIT_LEVEL_REASON_MIN);
  return enough ? "" : t("findings.unitLevelTooShort", { n: UNIT_LEVEL_REASON_MIN, words: UNIT_LEVEL_REASON_MIN_WORDS });
}

/** The officers a finding lands on (violators, co-violators, responsible heads), picked among those who
 *  served in the unit on the violation day; and, when none is named, why no individual can be named
 *  (a unit-level finding). Confirming needs one or the other (issue 15, ui15). */
export function SubjectsEditor({ subjects, onChange, unitId, unitName, day, unitReason, onUnitReason }: {
  subjects: SubjectDraft[];
  onChange: (next: SubjectDraft[]) => void;
  unitId: number | "";
  unitName?: string;
  day: string;
  unitReason: string;
  onUnitReason: (text: string) => void;
}) {
  const { t } = useTranslation();
  const patch = (i: number, p: Partial<SubjectDraft>) => onChange(subjects.map((s, j) => (i === j ? { ...s, ...p } : s)));
  const named = subjects.some((s) => s.officer);
  const problem = unitReasonProblem(unitReason, t);
  return (
    <>
      <div className="field-label" style={{ marginBottom: 6 }}>{t("findings.subjects")}</div>
      {subjects.map((s, i) => (
        <div className="subject-row" key={i}>
          <div className="subject-officer">
            {!unitId ? (
              <span className="muted small">{t("picker.needUnit")}</span>
            ) : !day ? (
              <span className="muted small" data-testid="picker-need-when">{t("picker.needWhen")}</span>
            ) : (
              <OfficerPicker value={s.officer} onChange={(o) => patch(i, { officer: o })} unitId={unitId} at={day} unitName={unitName} />
            )}
          </div>
          <select className="subject-role" value={s.role} onChange={(e) => patch(i, { role: e.target.value as SubjectDraft["role"] })} aria-label={t("findings.role")}>
            {SUBJECT_ROLES.map((r) => (
              <option key={r} value={r}>{t(`subjectRole.${r}`)}</option>
            ))}
          </select>
          <label className="check-inline subject-knew"><input type="checkbox" checked={s.knew} onChange={(e) => patch(i, { knew: e.target.checked })} />{t("findings.knew")}</label>
          <label className="check-inline subject-covered"><input type="checkbox" checked={s.covered} onChange={(e) => patch(i, { covered: e.target.checked })} />{t("findings.coveredUp")}</label>
          <button type="button" className="icon-btn subject-remove" onClick={() => onChange(subjects.filter((_, j) => j !== i))} aria-label={t("action.delete")}>×</button>
        </div>
      ))}
      <button type="button" className="btn btn-ghost btn-sm" onClick={() => onChange([...subjects, emptySubject()])}>
        + {t("findings.addSubject")}
      </button>
      {!named && (
        <Field label={t("findings.unitLevelReason")}>
          <textarea value={unitReason} onChange={(e) => onUnitReason(e.target.value)} rows={2} name="unit_level_reason" data-testid="unit-level-reason" />
          <span className={problem ? "field-hint field-warn" : "field-hint"} role={problem ? "alert" : undefined}>
            {problem || t("findings.unitLevelHint")}
          </span>
        </Field>
      )}
    </>
  );
}
