import i18n from "i18next";
import { expect, test } from "vitest";
import { value } from "./FieldQueueBar";

test("a partial score in the conflict panel reads in vi-VN numbers (5,5, not 5.5: user review of stop 26)", () => {
  const t = i18n.t.bind(i18n);
  expect(value({ outcome: "partial", points: "5.5", note: "" }, t)).toBe("Đạt một phần (5,5)");
  expect(value({ outcome: "partial", points: 2, note: "Thiếu bảng giá" }, t)).toBe("Đạt một phần (2) — “Thiếu bảng giá”");
});
