import { expect, test } from "vitest";
import { ruleName } from "./ruleName";

const vi = (a: string) => a;
const en = (_: string, b: string) => b;

test("a rule is named in words, not by its bare code (issue 15)", () => {
  const rule = { code: "LD-H1", name_vi: "Người đứng đầu đơn vị có cán bộ vi phạm", name_en: "Head of a unit where a subordinate violated",
    text_vi: "Người đứng đầu đơn vị có cán bộ vi phạm: kiểm điểm, phê bình.", text_en: "Head of a unit where a subordinate violated: criticism." };
  expect(ruleName(rule, vi)).toBe("Người đứng đầu đơn vị có cán bộ vi phạm");
  expect(ruleName(rule, en)).toBe("Head of a unit where a subordinate violated");
  // a trace stored before the name was sent: its text up to the colon
  const older = { code: "V1", text_vi: "Người vi phạm ít nghiêm trọng: khiển trách.", text_en: "Violator, less serious: reprimand." };
  expect(ruleName(older, vi)).toBe("Người vi phạm ít nghiêm trọng");
  expect(ruleName({ code: "X9", text_vi: "", text_en: "" }, vi)).toBe("X9");
});
