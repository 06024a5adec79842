import { expect, test } from "vitest";
import i18n from "../../i18n";
import { drawFlagKey } from "./drawFlags";

test("a published flag about units due for their check names the never-checked ones only when there are some", () => {
  const none = { code: "floor_units_left_out", count: 3, never_checked: 0 };
  expect(i18n.t(drawFlagKey(none), { count: 3, never: 0 })).toBe("3 đơn vị đến hạn phải kiểm tra không được đưa vào rút thăm");
  const some = { code: "floor_units_left_out", count: 3, never_checked: 2 };
  expect(i18n.t(drawFlagKey(some), { count: 3, never: 2 })).toBe("3 đơn vị đến hạn phải kiểm tra không được đưa vào rút thăm (2 đơn vị chưa từng được kiểm tra)");
  expect(drawFlagKey({ code: "excluded_pending_check", manual: 0 })).toBe("draw.flag.excluded_pending_check");
});
