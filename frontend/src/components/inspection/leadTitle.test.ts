import { expect, test } from "vitest";
import i18n from "../../i18n";
import { leadTitle } from "./leadTitle";

test("a check's lead is called as in the minutes: Tổ trưởng only for one holding the post", () => {
  const t = (key: string) => i18n.t(key);
  expect(leadTitle({ lead_title: "team_lead" }, t)).toBe("Tổ trưởng");
  expect(leadTitle({ lead_title: "check_lead" }, t)).toBe("Phụ trách cuộc kiểm tra");
  expect(leadTitle({ lead_title: "check_lead" }, t, true)).toBe("phụ trách cuộc kiểm tra");
  expect(leadTitle({ lead_title: "team_lead" }, t, true)).toBe("tổ trưởng");
  // a check kept on the device from before the server said: the words true of any lead
  expect(leadTitle({}, t)).toBe("Phụ trách cuộc kiểm tra");
});
