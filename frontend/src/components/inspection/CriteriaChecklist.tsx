import { useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { Criterion, Outcome } from "../../types/inspection";
import { fmtNumber } from "../format";
import { useBilingual } from "../labels";
import { ActionButton } from "../ActionButton";

export interface ResultDraft {
  outcome: Outcome | "";
  points: number;
  note: string;
}

/** Drafts by criterion code (codes are unique within a criteria set). */
export type Drafts = Record<string, ResultDraft>;

const OUTCOMES: Outcome[] = ["pass", "partial", "fail", "not_applicable"];

/** Leaves carry points; top-level nodes with children are headings. */
export function flattenCriteria(criteria: Criterion[]): { groups: { group: Criterion | null; leaves: Criterion[] }[]; leaves: Criterion[] } {
  const groups: { group: Criterion | null; leaves: Criterion[] }[] = [];
  const leaves: Criterion[] = [];
  const loose: Criterion[] = [];
  const collect = (c: Criterion, out: Criterion[]) => {
    if (c.children && c.children.length) c.children.forEach((k) => collect(k, out));
    else out.push(c);
  };
  for (const node of criteria) {
    if (node.children && node.children.length) {
      const ls: Criterion[] = [];
      collect(node, ls);
      groups.push({ group: node, leaves: ls });
      leaves.push(...ls);
    } else {
      loose.push(node);
      leaves.push(node);
    }
  }
  if (loose.length) groups.unshift({ group: null, leaves: loose });
  return { groups, leaves };
}

export function pointsFor(outcome: Outcome | "", max: number, partial: number): number {
  switch (outcome) {
    case "pass":
      return max;
    case "partial":
      return Math.max(0, Math.min(max, partial));
    default:
      return 0;
  }
}

/** Running score, computed the way the server does: weighted points over the weighted max of
 *  the criteria that apply (n.a. drops out; unanswered criteria count towards the max). */
export function runningScore(leaves: Criterion[], drafts: Drafts): { score: number; max: number; percent: number; answered: number } {
  let score = 0;
  let max = 0;
  let answered = 0;
  for (const c of leaves) {
    const d = drafts[c.code];
    const m = Number(c.max_points);
    const w = c.weight === undefined ? 1 : Number(c.weight);
    if (d && d.outcome) answered += 1;
    if (d?.outcome === "not_applicable") continue;
    max += m * w;
    if (d?.outcome) score += pointsFor(d.outcome, m, d.points) * w;
  }
  return { score, max, percent: max > 0 ? (score / max) * 100 : 0, answered };
}

/** Letters or digits a reason needs (the server's MIN_REASON_LETTERS): "." or "x" is not a reason. */
export const MIN_REASON_LETTERS = 5;

/** A reason says something: at least five letters or digits once invisible characters are dropped
 *  (as the server counts them). */
export function isAReason(text: string): boolean {
  const visible = text.replace(/\p{Default_Ignorable_Code_Point}/gu, "");
  return (visible.match(/[\p{L}\p{N}]/gu) ?? []).length >= MIN_REASON_LETTERS;
}

/** Problems the server would refuse, per criterion code (checked before saving). */
export function draftProblems(leaves: Criterion[], drafts: Drafts): Record<string, "note" | "points" | "reason"> {
  const out: Record<string, "note" | "points" | "reason"> = {};
  for (const c of leaves) {
    const d = drafts[c.code];
    if (!d?.outcome) continue;
    if (d.outcome === "fail" && !d.note.trim()) out[c.code] = "note";
    if (d.outcome === "partial" && !(d.points > 0 && d.points < Number(c.max_points))) out[c.code] = "points";
    if (d.outcome === "not_applicable" && !isAReason(d.note)) out[c.code] = "reason";
  }
  return out;
}

export function CriteriaChecklist({
  criteria,
  drafts,
  onChange,
  readOnly,
  readOnlyWhy,
  renderExtra,
  serverErrors,
}: {
  criteria: Criterion[];
  drafts: Drafts;
  onChange: (code: string, draft: ResultDraft) => void;
  readOnly?: boolean;
  /** Why the report cannot be changed (said above the list and on each disabled outcome button). */
  readOnlyWhy?: string;
  renderExtra?: (c: Criterion) => ReactNode;
  /** What the server refused, per criterion code (a queued change it would not take): fix that item only. */
  serverErrors?: Record<string, string>;
}) {
  const { t } = useTranslation();
  const bi = useBilingual();
  const { groups, leaves } = flattenCriteria(criteria);
  const problems = draftProblems(leaves, drafts);
  const [openNotes, setOpenNotes] = useState<Set<string>>(new Set());
  const needsText = (d: ResultDraft) => d.outcome === "fail" || d.outcome === "partial" || d.outcome === "not_applicable" || Boolean(d.note);

  function setOutcome(c: Criterion, outcome: Outcome) {
    const max = Number(c.max_points);
    const prev = drafts[c.code] ?? { outcome: "", points: 0, note: "" };
    const partial = prev.outcome === "partial" ? prev.points : Math.round(max) / 2;
    onChange(c.code, { ...prev, outcome, points: pointsFor(outcome, max, partial) });
  }

  return (
    <div className={`checklist${readOnly ? " checklist-readonly" : ""}`}>
      {/* why nothing here can be changed, said once above the list (the buttons also carry it) */}
      {readOnly && readOnlyWhy && <p className="notice small" data-testid="checklist-readonly">{readOnlyWhy}</p>}
      {groups.map(({ group, leaves: groupLeaves }) => (
        <section key={group?.code ?? "loose"} className="checklist-group">
          {group && (
            <h3 className="checklist-group-title">
              <span className="code">{group.code}</span> {bi(group.text, group.text_en)}
            </h3>
          )}
          {groupLeaves.map((c) => {
            const d = drafts[c.code] ?? { outcome: "", points: 0, note: "" };
            const max = Number(c.max_points);
            const problem = readOnly ? undefined : problems[c.code];
            return (
              <div key={c.code} className={`criterion criterion-${d.outcome || "empty"}`} data-testid={`criterion-${c.code}`}>
                <div className="criterion-head">
                  <div>
                    <span className="code">{c.code}</span> <span className="criterion-text">{bi(c.text, c.text_en)}</span>
                    {c.critical && <>{" "}<span className="badge badge-red" style={{ marginLeft: 6 }}>{t("run.critical")}</span></>}
                    {c.guidance && <div className="muted small">{c.guidance}</div>}
                  </div>
                  <div className="criterion-points" aria-label={t("run.points")}>
                    <strong>{d.outcome && d.outcome !== "not_applicable" ? fmtNumber(d.points, 2) : "–"}</strong>
                    <span className="muted"> / {fmtNumber(max, 2)}</span>
                  </div>
                </div>
                <div className="outcomes" role="radiogroup" aria-label={`${c.code} ${c.text}`}>
                  {OUTCOMES.map((o) => (
                    <ActionButton
                      key={o}
                      role="radio"
                      aria-checked={d.outcome === o}
                      className={`outcome outcome-${o} ${d.outcome === o ? "active" : ""}`}
                      why={readOnly && (readOnlyWhy || t("why.reportLocked"))}
                      onClick={() => setOutcome(c, o)}
                    >
                      {t(`outcome.${o}`)}
                    </ActionButton>
                  ))}
                  {d.outcome === "partial" && (
                    <label className="partial-points">
                      {t("run.points")}
                      <input
                        type="number"
                        min={0}
                        max={max}
                        step={0.5}
                        value={d.points}
                        disabled={readOnly}
                        className={problem === "points" ? "invalid" : ""}
                        aria-label={`${c.code} ${t("run.points")}`}
                        onChange={(e) => onChange(c.code, { ...d, points: Math.max(0, Math.min(max, Number(e.target.value))) })}
                      />
                    </label>
                  )}
                </div>
                {(needsText(d) || openNotes.has(c.code)) && (
                  <textarea
                    className={problem === "note" || problem === "reason" ? "invalid" : ""}
                    placeholder={d.outcome === "not_applicable" ? t("run.naReasonPlaceholder") : t("run.notePlaceholder")}
                    value={d.note}
                    disabled={readOnly}
                    aria-label={`${c.code} ${t("common.note")}`}
                    onChange={(e) => onChange(c.code, { ...d, note: e.target.value })}
                    rows={2}
                  />
                )}
                {problem === "note" && <div className="field-hint" style={{ color: "var(--red)" }}>{t("run.failNeedsNote")}</div>}
                {problem === "reason" && <div className="field-hint" style={{ color: "var(--red)" }}>{t("run.naNeedsReason", { min: MIN_REASON_LETTERS })}</div>}
                {!readOnly && serverErrors?.[c.code] && (
                  <div className="field-hint" role="alert" style={{ color: "var(--red)" }} data-testid={`server-error-${c.code}`}>
                    {t("run.serverRefused", { error: serverErrors[c.code] })}
                  </div>
                )}
                {problem === "points" && <div className="field-hint" style={{ color: "var(--red)" }}>{t("run.partialPoints", { max: fmtNumber(max, 2) })}</div>}
                <div className="criterion-actions">
                  {!readOnly && d.outcome && !needsText(d) && !openNotes.has(c.code) && (
                    <button type="button" className="btn btn-ghost btn-sm" onClick={() => setOpenNotes(new Set([...openNotes, c.code]))}>
                      + {t("run.addNote")}
                    </button>
                  )}
                  {renderExtra?.(c)}
                </div>
              </div>
            );
          })}
        </section>
      ))}
    </div>
  );
}

/** Why a check's report cannot be changed by this reader, the first reason that applies: a signed report
 *  is frozen for everybody (even the team), then only the team fills it, then it waits for the start. */
export function readOnlyReason({ signed, isTeam }: { signed: boolean; isTeam: boolean }): "why.reportSigned" | "why.teamOnly" | "why.checkNotStarted" {
  return signed ? "why.reportSigned" : !isTeam ? "why.teamOnly" : "why.checkNotStarted";
}
