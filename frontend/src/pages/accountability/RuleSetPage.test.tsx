import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, expect, test, vi } from "vitest";
import RuleSetPage from "./RuleSetPage";

const ruleset = {
  id: 1, version: 1, note: "", repeat_window_days: 365, limitation_warn_days: 90, restart_on_new_violation: false,
  handling_days: 90, handling_days_complex: 150, complaint_days: 15, second_complaint_days: 10,
  sources: { complaint_days: "Luật Khiếu nại 2011, Điều 49", handling_days: "Luật Cán bộ, công chức 2008 (sửa đổi 2019), Điều 80 khoản 3 (90 ngày)" },
  forms: [
    { id: 1, code: "ha_bac_thi_dua", subject_kind: "officer", level: 2, name_vi: "Hạ bậc danh hiệu thi đua năm", name_en: "x", limitation_years: 2, requires_council: false, basis: "Thông tư 02/2021/TT-BCA, Điều 7" },
    { id: 2, code: "khong_xet_tang", subject_kind: "officer", level: 3, name_vi: "Không xét tặng danh hiệu thi đua năm", name_en: "y", limitation_years: 2, requires_council: false, basis: "Thông tư 02/2021/TT-BCA, Điều 7" },
  ],
  rules: [{ code: "TN-H1", applies_to: "head", trigger: "severity", text_vi: "Người đứng đầu để xảy ra tham nhũng ít nghiêm trọng: khiển trách.", text_en: "", basis: "Nghị định 59/2019/NĐ-CP, Điều 78", categories: "corruption", cap_at_violator: false, form: "khien_trach" }],
  regulations: [{ code: "lien_doi", title_vi: "Quy định của Công an tỉnh về trách nhiệm liên đới của người đứng đầu", title_en: "x", number: "", issued_on: null,
    cited_as_vi: "Quy định của Công an tỉnh về trách nhiệm liên đới của người đứng đầu (chưa có số văn bản — cần xác nhận)", updated_at: null }],
  categories: [{ category_code: "VAN_BANG_GIA", is_corruption: false, no_limitation: true, basis: "Luật Cán bộ, công chức 2008 (sửa đổi 2019), Điều 80 khoản 2", note: "Văn bằng giả" }],
};

afterEach(() => vi.unstubAllGlobals());

test("the rule set page shows each period, rung and rule with its legal basis, in Vietnamese", async () => {
  vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify(ruleset), { status: 200, headers: { "Content-Type": "application/json" } })));
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(<QueryClientProvider client={qc}><MemoryRouter><RuleSetPage /></MemoryRouter></QueryClientProvider>);
  const periods = await screen.findByTestId("ruleset-periods");
  const complaint = within(periods).getByText("Thời hiệu khiếu nại quyết định kỷ luật").closest("tr")!;
  expect(complaint).toHaveTextContent("15 ngày");
  expect(complaint).toHaveTextContent("Luật Khiếu nại 2011, Điều 49");
  const ladder = screen.getByTestId("ladder-officer");
  expect(within(ladder).getAllByRole("row")).toHaveLength(3); // header + one row per form: never two forms on one rung
  expect(within(ladder).getAllByText("Thông tư 02/2021/TT-BCA, Điều 7")).toHaveLength(2);
  const rule = within(screen.getByTestId("ruleset-rules")).getByText("TN-H1").closest("tr")!;
  expect(rule).toHaveTextContent("Chỉ vi phạm thuộc nhóm tham nhũng");
  expect(rule).toHaveTextContent("Nghị định 59/2019/NĐ-CP, Điều 78");
  expect(within(screen.getByTestId("ruleset-categories")).getByText("VAN_BANG_GIA").closest("tr")).toHaveTextContent(/Không\s*Có/); // not corruption, no limitation
});

test("the force's regulation without a number says so", async () => {
  vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify(ruleset), { status: 200, headers: { "Content-Type": "application/json" } })));
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(<QueryClientProvider client={qc}><MemoryRouter><RuleSetPage /></MemoryRouter></QueryClientProvider>);
  const regs = await screen.findByTestId("ruleset-regulations");
  const row = within(regs).getByText(/trách nhiệm liên đới của người đứng đầu$/).closest("tr")!;
  expect(row).toHaveTextContent("chưa có số văn bản — cần xác nhận");
});
