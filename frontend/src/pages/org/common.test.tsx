import { afterEach, expect, test, vi } from "vitest";
import i18n from "../../i18n";
import { unitLabel } from "./common";

afterEach(() => vi.useRealTimers());

test("a unit's label words an end still to come as future, a past one as past", () => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date("2026-12-01T03:00:00Z"));
  const t = i18n.getFixedT("vi");
  const u = { id: 40, code: "U40", name: "Công an xã Kim Liên", level: "commune", parent: null, valid_from: "2000-01-01", successor: null };
  expect(unitLabel({ ...u, valid_to: "2026-12-31" } as never, t)).toBe("Công an xã Kim Liên (Sẽ chấm dứt hoạt động sau ngày 31/12/2026)");
  expect(unitLabel({ ...u, valid_to: "2025-02-28" } as never, t)).toBe("Công an xã Kim Liên (Đã chấm dứt hoạt động sau ngày 28/02/2025)");
});
