import type { ReactElement } from "react";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { Badge, type Tone } from "./ui";

const SEVERITY_TONE: Record<string, Tone> = {
  less_serious: "amber", serious: "red", very_serious: "red", especially_serious: "purple",
};
const CHECK_TONE: Record<string, Tone> = {
  planned: "purple", in_progress: "blue", completed: "amber", awaiting_unit: "amber", signed: "green", cancelled: "grey",
};
const FINDING_TONE: Record<string, Tone> = { draft: "grey", confirmed: "red", dismissed: "grey", actioned: "green" };
const CLIP_TONE: Record<string, Tone> = { discovered: "grey", indexing: "blue", indexed: "green", partial: "amber", failed: "red" };

export function SeverityBadge({ value }: { value: string }) {
  const { t } = useTranslation();
  return <Badge tone={SEVERITY_TONE[value] ?? "neutral"}>{t(`severity.${value}`, { defaultValue: value })}</Badge>;
}

/** A check's state as shown: "signed" only once both sides signed the minutes; signed by the lead alone it
 *  reads "Chờ đơn vị ký biên bản" (the server's `awaiting_unit_signature`, selectors_checks). */
export function CheckStateBadge({ value, awaitingUnit = false }: { value: string; awaitingUnit?: boolean }) {
  const { t } = useTranslation();
  if (value === "signed" && awaitingUnit) value = "awaiting_unit";
  return <Badge tone={CHECK_TONE[value] ?? "neutral"}>{t(`checkState.${value}`, { defaultValue: value })}</Badge>;
}

export function FindingStateBadge({ value }: { value: string }) {
  const { t } = useTranslation();
  return <Badge tone={FINDING_TONE[value] ?? "neutral"}>{t(`findingState.${value}`, { defaultValue: value })}</Badge>;
}

export function ClipStateBadge({ value }: { value: string }) {
  const { t } = useTranslation();
  return clipStateBadge(t, value);
}

/** The same badge drawn with the caller's `t`: a list's rows then hold no translation hook each
 *  (every useTranslation copies the i18n instance and listens to it: the clip list's 50 rows paid that). */
export function clipStateBadge(t: TFunction, value: string): ReactElement {
  return <Badge tone={CLIP_TONE[value] ?? "neutral"}>{t(`clipState.${value}`, { defaultValue: value })}</Badge>;
}

/** A camera zone by its name: the standard ones in words ("vùng cán bộ"), an admin's own name as typed. */
export function useZoneName(): (zone: string | null | undefined) => string {
  const { t } = useTranslation();
  return (zone) => (zone ? t(`zone.${zone}`, { defaultValue: zone }) : "");
}

/** Name of a user/officer reference whatever its shape (object, string, id). */
export function personName(p: unknown): string {
  if (!p) return "—";
  if (typeof p === "string") return p;
  if (typeof p === "number") return `#${p}`;
  const o = p as Record<string, unknown>;
  // an officer's rank and name; the login only when the account has neither
  const named = o.full_name || o.name;
  if (named) return o.rank ? `${String(o.rank)} ${String(named)}` : String(named);
  return String(o.username || (o.id ? `#${o.id}` : "—"));
}

/** Localized name for objects with name_vi/name_en (or text/text_en). */
export function useLocalName(): (o: unknown) => string {
  const { i18n } = useTranslation();
  const en = i18n.language.startsWith("en");
  return (o: unknown) => {
    if (!o) return "—";
    if (typeof o === "string") return o;
    const r = o as Record<string, unknown>;
    if (en) return String(r.name_en || r.text_en || r.label_en || r.name_vi || r.name || r.text || r.label || r.code || "—");
    return String(r.name_vi || r.name || r.text || r.label_vi || r.label || r.code || "—");
  };
}

/** Pick the Vietnamese or English variant of a pair of fields. */
export function useBilingual(): (vi?: string | null, en?: string | null) => string {
  const { i18n } = useTranslation();
  return (vi, en) => (i18n.language.startsWith("en") ? en || vi || "" : vi || en || "");
}

export function ScoreBar({ value, max = 100, tone }: { value: number; max?: number; tone?: "risk" | "score" }) {
  const pct = Math.max(0, Math.min(100, (value / (max || 1)) * 100));
  let color = "#1450b8";
  if (tone === "risk") color = pct > 66 ? "#b42318" : pct > 33 ? "#d97706" : "#13804b";
  if (tone === "score") color = pct >= 85 ? "#13804b" : pct >= 70 ? "#1450b8" : pct >= 50 ? "#d97706" : "#b42318";
  return (
    <div className="score-bar" aria-hidden="true">
      <span style={{ width: `${pct}%`, background: color }} />
    </div>
  );
}
