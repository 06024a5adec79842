import type { CheckBrief } from "../../types/inspection";

/** What a check's lead is called, as in the signed minutes: "Tổ trưởng" only for one who holds that post,
 *  otherwise "Phụ trách cuộc kiểm tra" (the draw rotates who leads a check among the team, so an inspector
 *  may lead one). The server decides by the minutes' own rule (`lead_title`); a check kept on the device
 *  from before it was sent says the wording true of any lead. `inline` is the lower-case form used after a
 *  name ("Tổ: Bình (tổ trưởng)"). Every page naming a check's lead uses this. */
export function leadTitle(check: Partial<Pick<CheckBrief, "lead_title">>, t: (key: string) => string, inline = false): string {
  const key = check.lead_title === "team_lead" ? "lead.teamLead" : "lead.checkLead";
  return t(inline ? `${key}Inline` : key);
}
