import { expect, test } from "vitest";
import { outsidePeriod } from "./period";

const clip = "2026-05-04T02:00:00Z"; // 09:00 in Hanoi

test("a tag inside the finding's period, or within a minute of an instant, is not outside", () => {
  expect(outsidePeriod(clip, { start_s: 40, end_s: 60 }, { occurred_from: "2026-05-04T02:00:30Z", occurred_to: "2026-05-04T02:01:30Z" })).toBeNull();
  expect(outsidePeriod(clip, { start_s: 50, end_s: 55 }, { occurred_from: "2026-05-04T02:01:40Z", occurred_to: null })).toBeNull();
  expect(outsidePeriod(null, { start_s: 0, end_s: 1 }, { occurred_from: "2020-01-01T00:00:00Z" })).toBeNull();
});

test("a tag hours before the finding's period is outside, with both spans", () => {
  const out = outsidePeriod(clip, { start_s: 10, end_s: 20 }, { occurred_from: "2026-05-04T04:00:00Z", occurred_to: "2026-05-04T05:00:00Z" });
  expect(out?.moment.start.toISOString()).toBe("2026-05-04T02:00:10.000Z");
  expect(out?.period.end.toISOString()).toBe("2026-05-04T05:00:00.000Z");
  expect(outsidePeriod(clip, { start_s: 10, end_s: 20 }, { occurred_from: "2026-05-04T02:05:00Z" })).not.toBeNull();
});
