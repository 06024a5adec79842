/** The i18n key of a draw's published flag: a unit left out by a planned check names the checks added by
 *  hand (not by a draw) only when there are some ("0 do lập tay" read as noise, issue 15). */
export function drawFlagKey(f: { code: string; manual?: number; never_checked?: number }): string {
  if (f.code === "excluded_pending_check" && (f.manual ?? 0) > 0) return "draw.flag.excluded_pending_check_manual";
  // likewise "(0 đơn vị chưa từng được kiểm tra)"
  if (f.code === "floor_units_left_out" && (f.never_checked ?? 0) > 0) return "draw.flag.floor_units_left_out_never";
  return `draw.flag.${f.code}`;
}
