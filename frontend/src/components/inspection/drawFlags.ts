/** The i18n key of a draw's published flag: a unit left out by a planned check names the checks added by
 *  hand (not by a draw) only when there are some ("0 do lập tay" read as noise, issue 15). */
export function drawFlagKey(f: { code: string; manual?: number; never_checked?: number }): string {
  if (f.code === "excluded_pending_check" && (f.manual ?? 0) > 0) return "draw.flag.excluded_pending_check_manual";
  // likewise "(0 đơn vị chưa từng được kiểm tra)"
  if (f.code === "floor_units_left_out" && (f.never_checked ?? 0) > 0) return "draw.flag.floor_units_left_out_never";
  return `draw.flag.${f.code}`;
}

/** The months a unit may go unchecked before a draw must pick it (services_draws.POLICY_FLOOR_MONTHS); a
 *  draw's own value is in its params. */
export const POLICY_FLOOR_MONTHS = 6;

/** What a draw did, as a sentence a lead reads at once (issue 15: "0 theo rủi ro", "sàn bao phủ" were
 *  jargon): how many units were picked because they had gone unchecked too long, how many by risk, how
 *  many purely at random; a part that picked none is not said. */
export function splitSentence(
  t: (key: string, opts?: Record<string, unknown>) => string,
  split: { floor: number; risk: number; uniform: number; floor_room: number },
  drawn: number,
  months: number,
): string {
  if (drawn === 0) return t("draw.splitNone");
  const parts: string[] = [];
  if (split.floor > 0) parts.push(t("draw.splitFloor", { count: split.floor, months, room: split.floor_room }));
  if (split.risk > 0) parts.push(t("draw.splitRisk", { count: split.risk }));
  if (split.uniform > 0) parts.push(t("draw.splitUniform", { count: split.uniform }));
  return `${t("draw.split", { n: drawn })} ${parts.join("; ")}.`;
}
