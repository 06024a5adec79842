/** The i18n key of a draw's published flag: a unit left out by a planned check names the checks added by
 *  hand (not by a draw) only when there are some ("0 do lập tay" read as noise, issue 15). */
export function drawFlagKey(f: { code: string; manual?: number }): string {
  return f.code === "excluded_pending_check" && (f.manual ?? 0) > 0 ? "draw.flag.excluded_pending_check_manual" : `draw.flag.${f.code}`;
}
