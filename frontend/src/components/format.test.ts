import { describe, expect, it } from "vitest";
import { clipInstant, fmtDateTimeSeconds, fmtDuration, fmtNumber, fmtSeconds, fmtTime, localToday } from "./format";

describe("vi-VN numbers", () => {
  it("writes a decimal comma in points, durations and clip offsets", () => {
    expect(fmtNumber(92.5, 2)).toBe("92,5");
    expect(fmtNumber("1234.5", 1)).toBe("1.234,5");
    expect(fmtDuration(12.46)).toBe("12,5");
    expect(fmtDuration(5)).toBe("5,0");
    expect(fmtSeconds(65.3)).toBe("1:05,3");
    expect(fmtSeconds(2.9)).toBe("0:02,9"); // 2.9 % 1 is 0.8999…: still nine tenths
    expect(fmtSeconds(null)).toBe("—");
  });
});

describe("tag times", () => {
  it("are shown to the second in Hanoi time", () => {
    const at = clipInstant("2026-11-29T08:30:00+07:00", 14.6);
    expect(fmtTime(at)).toBe("08:30:14");
    expect(fmtDateTimeSeconds("2026-11-29T01:30:09Z")).toBe("29/11/2026 08:30:09");
    expect(clipInstant(null, 3)).toBeNull();
  });
});

describe("local dates", () => {
  it("default to Hanoi's calendar day, not UTC's", () => {
    // 23:30 UTC on 29/11 is already 06:30 on 30/11 in Hanoi
    const now = new Date("2026-11-29T23:30:00Z");
    expect(localToday(0, now)).toBe("2026-11-30");
    expect(localToday(1, now)).toBe("2026-12-01");
    expect(localToday(-30, now)).toBe("2026-10-31");
  });
});
