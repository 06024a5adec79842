import { describe, expect, it } from "vitest";
import { isVietnameseSyllable, reasonWords, unitReasonProblem } from "./SubjectsEditor";

const t = (k: string) => k;

describe("unit-level reason in words (issue 15, S2-2)", () => {
  it("refuses a repeated letter and too few words, as the server does", () => {
    expect(unitReasonProblem("aaaaaaaaaaaaaaaaaaaa", t)).toBe("findings.unitLevelTooShort");
    expect(unitReasonProblem("không không không không không", t)).toBe("findings.unitLevelTooShort");
    expect(unitReasonProblem("aaaa bbbb cccc dddd eeee", t)).toBe("findings.unitLevelTooShort");
  });
  it("accepts a real reason, and an empty one (a named officer)", () => {
    expect(unitReasonProblem("Hình ảnh không cho thấy cán bộ nào, chưa xác định được cá nhân", t)).toBe("");
    expect(unitReasonProblem("  ", t)).toBe("");
  });
  it("counts each word once", () => {
    expect(reasonWords("Aaaa aaaa bb Xác minh xác")).toEqual(["Xác", "minh"]);
  });
  it("refuses keyboard runs made of different words, as the server does (issue 15, S2)", () => {
    expect(unitReasonProblem("asdf qwer zxcv hjkl uiop", t)).toBe("findings.unitLevelTooShort");
    expect(unitReasonProblem("an em ba ca asdfghjkl qwertyuiop", t)).toBe("findings.unitLevelTooShort");
    expect(["asdf", "qwer", "zxcv", "hjkl"].some(isVietnameseSyllable)).toBe(false);
    expect(["Quyết", "nghiêng", "được", "khuya", "Đã", "người"].every(isVietnameseSyllable)).toBe(true);
  });
});
