import { describe, expect, it } from "vitest";
import { checksByDay, teamLabel } from "./CalendarPage";
import type { CheckBrief } from "../../types/inspection";

const check = (reference: string, window_start: string) => ({ reference, window_start }) as unknown as CheckBrief;

describe("calendar", () => {
  it("puts a day's checks in time order, on the Hanoi day", () => {
    const days = checksByDay([
      check("KT-3", "2026-12-01T14:00:00+07:00"),
      check("KT-1", "2026-12-01T08:30:00+07:00"),
      check("KT-2", "2026-12-01T10:00:00+07:00"),
      check("KT-4", "2026-11-30T18:00:00Z"), // 01:00 on 01/12 in Hanoi
    ]);
    expect(days.get("2026-12-01")!.map((c) => c.reference)).toEqual(["KT-4", "KT-1", "KT-2", "KT-3"]);
    expect(days.has("2026-11-30")).toBe(false);
  });

  it("names the check's team, the lead first, once each", () => {
    const lead = { id: 2, username: "lead", full_name: "Nguyễn Văn Lâm" };
    const member = { id: 5, username: "insp5", full_name: "" };
    const c = { reference: "KT-1", window_start: "2026-12-01T08:00:00+07:00", lead, team: [member, lead] } as unknown as CheckBrief;
    expect(teamLabel(c)).toBe("Nguyễn Văn Lâm, insp5");
    expect(teamLabel({ reference: "KT-2", window_start: "2026-12-01T08:00:00+07:00" } as unknown as CheckBrief)).toBe("");
  });
});
