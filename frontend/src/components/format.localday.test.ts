import { localToday } from "./format";

describe("localToday", () => {
  it("counts from the Hanoi calendar day, not the UTC one", () => {
    // 06:30 on 1 Dec in Hanoi is still 30 Nov in UTC
    const early = new Date("2026-11-30T23:30:00Z");
    expect(localToday(0, early)).toBe("2026-12-01");
    expect(localToday(1, early)).toBe("2026-12-02");
    expect(localToday(14, new Date("2026-12-25T18:00:00Z"))).toBe("2027-01-09");
  });
});
