import type { TFunction } from "i18next";
import type { BiText, Criterion } from "../../types/inspection";
import type { Drafts } from "./CriteriaChecklist";

/** Critical criteria answered "Không đạt" (codes, in the list's order): the score cannot pass with one,
 *  whatever its percent (the server flags the report `critical_failed` the same way). */
export function criticalFailed(leaves: Criterion[], drafts: Drafts): string[] {
  return leaves.filter((c) => c.critical && drafts[c.code]?.outcome === "fail").map((c) => c.code);
}

/** The score card's colour: red with a failed critical criterion, else by the percent. */
export function scoreColour(percent: number, critical: string[]): string {
  if (critical.length) return "#b42318";
  return percent >= 85 ? "#13804b" : percent >= 70 ? "#1450b8" : percent >= 50 ? "#d97706" : "#b42318";
}

/** What the server's words say in the reader's language. */
export function biText(b: BiText, en: boolean): string {
  return (en ? b.en : b.vi) ?? b.vi ?? b.code;
}

export interface SignState {
  busy: boolean;
  isLead: boolean;
  online: boolean;
  /** results changed on the page and not saved yet: the server's reasons are about the saved ones */
  dirty: boolean;
  /** criteria the page itself would refuse to save (a "Không đạt" without its note…) */
  problems: number;
  blockers: BiText[];
  en: boolean;
}

/** Why "Ký biên bản" cannot be used now ("" when it can): each thing the server would refuse, said first. */
export function signWhy(s: SignState, t: TFunction): string {
  if (s.busy) return t("why.busy");
  if (!s.isLead) return t("why.leadOnlySign");
  if (!s.online) return t("why.offline");
  if (s.problems) return t("run.fixFirst");
  if (s.dirty) return t("why.saveBeforeSign");
  return s.blockers.map((b) => biText(b, s.en)).join(" ");
}

/** Why "Kết thúc kiểm tra" cannot be used now ("" when it can). */
export function completeWhy(s: { busy: boolean; loading: boolean; isLead: boolean; missing: number }, t: TFunction): string {
  if (s.busy) return t("why.busy");
  if (s.loading) return t("why.reportLoading");
  if (!s.isLead) return t("why.leadOnlyComplete");
  if (s.missing) return t("run.missing", { count: s.missing });
  return "";
}
