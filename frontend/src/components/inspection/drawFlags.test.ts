import { expect, test } from "vitest";
import i18n from "../../i18n";
import { drawFlagKey, splitSentence } from "./drawFlags";

test("a published flag about units due for their check names the never-checked ones only when there are some", () => {
  const none = { code: "floor_units_left_out", count: 3, never_checked: 0 };
  expect(i18n.t(drawFlagKey(none), { count: 3, never: 0 })).toBe("3 đơn vị đến hạn phải kiểm tra không được đưa vào rút thăm");
  const some = { code: "floor_units_left_out", count: 3, never_checked: 2 };
  expect(i18n.t(drawFlagKey(some), { count: 3, never: 2 })).toBe("3 đơn vị đến hạn phải kiểm tra không được đưa vào rút thăm (2 đơn vị chưa từng được kiểm tra)");
  expect(drawFlagKey({ code: "excluded_pending_check", manual: 0 })).toBe("draw.flag.excluded_pending_check");
});

test("what a draw did is said in sentences, in both languages, without the parts that picked none (issue 15)", async () => {
  const t = (k: string, o?: Record<string, unknown>) => i18n.t(k, o);
  const split = { floor: 1, risk: 3, uniform: 0, floor_room: 3 };
  await i18n.changeLanguage("vi");
  const vi = splitSentence(t, split, 4, 6);
  expect(vi).toBe("Đợt này đã chọn 4 đơn vị: 1 đơn vị bắt buộc phải kiểm tra vì đã quá 6 tháng chưa được kiểm tra "
    + "(loại này chiếm tối đa 3 vị trí, phần còn lại để dành cho rủi ro); 3 đơn vị được bốc thăm theo mức rủi ro "
    + "(đơn vị rủi ro cao dễ được chọn hơn).");
  expect(vi).not.toMatch(/sàn|ngẫu nhiên/);
  await i18n.changeLanguage("en");
  const en = splitSentence(t, { floor: 0, risk: 2, uniform: 1, floor_room: 2 }, 3, 6);
  expect(en).toBe("This draw picked 3 units: 2 drawn by lot by risk (a riskier unit is more likely to be picked); "
    + "1 drawn by lot purely at random, every unit with the same chance.");
  expect(en).not.toMatch(/floor|0 /);
  expect(splitSentence(t, { floor: 0, risk: 0, uniform: 0, floor_room: 0 }, 0, 6)).toBe("This draw picked no unit.");
  await i18n.changeLanguage("vi");
});
