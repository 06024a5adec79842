import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, expect, test, vi } from "vitest";
import CasesPage from "./CasesPage";

const form = (code: string, level: number, name_vi: string) => ({ id: level, code, subject_kind: "officer", level, name_vi, name_en: name_vi, limitation_years: 2, requires_council: false, basis: "" });
const canhCao = form("canh_cao", 6, "Cảnh cáo");
const khienTrach = form("khien_trach", 5, "Khiển trách");
const expired = {
  start: "2024-03-04", restarted_by: null, years: 2, form: "khien_trach", deadline: "2026-03-04", days_left: -270, status: "expired",
  message_vi: "", message_en: "", basis: "", barred_from: "2026-03-05", barred_vi: "Hết thời hiệu từ 05/03/2026", barred_en: "",
};

afterEach(() => vi.unstubAllGlobals());

test("the column 'Hình thức theo quy tắc' shows the rules' form, the decided one sits in its own column", async () => {
  const row = {
    id: 9, reference: "KL-2026-0009", title: "Xem xét kỷ luật", subject_kind: "officer", state: "decided",
    officer: { id: 3, service_number: "F-1", full_name: "Lê Văn Chuyển", rank: "Đại úy" }, unit: null, findings: [],
    proposed_form: khienTrach, decided_form: khienTrach,
    computed: { violations: [], steps: [], computed_form: canhCao, limitation: expired, factors: { aggravating: 0, mitigating: 0 }, notes: [], deadlines: null },
  };
  vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify({ count: 1, next: null, previous: null, results: [row] }), { status: 200, headers: { "Content-Type": "application/json" } })));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter initialEntries={["/accountability/cases"]}><CasesPage /></MemoryRouter>
    </QueryClientProvider>,
  );
  const cells = (await screen.findByText("KL-2026-0009")).closest("tr")!.querySelectorAll("td");
  const headers = Array.from(screen.getAllByRole("columnheader")).map((h) => h.textContent);
  const ruleCol = headers.indexOf("Hình thức theo quy tắc");
  expect(within(cells[ruleCol] as HTMLElement).getByText("Cảnh cáo")).toBeInTheDocument();
  expect(within(cells[ruleCol + 1] as HTMLElement).getByText("Khiển trách")).toBeInTheDocument();
  expect(screen.getByText("Đã hết thời hiệu từ 05/03/2026")).toBeInTheDocument();
});
