import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router";
import { afterEach, expect, test, vi } from "vitest";
import CaseDetailPage from "./CaseDetailPage";

const khienTrach = { id: 5, code: "khien_trach", subject_kind: "officer", level: 5, name_vi: "Khiển trách", name_en: "Reprimand", limitation_years: 2, requires_council: true, basis: "TT 02/2021/TT-BCA, Điều 7" };
const barred = {
  start: "2024-03-04", restarted_by: null, years: 2, form: "khien_trach", deadline: "2026-03-04", days_left: -204, status: "expired",
  message_vi: "VP-1 (Khiển trách, thời hiệu 2 năm tính từ 04/03/2024): đã hết thời hiệu từ 05/03/2026; không xử lý và không tính để tăng nặng.",
  message_en: "VP-1 time-barred", basis: "Luật Cán bộ, công chức 2008 (sửa đổi 2019), Điều 80",
  barred_from: "2026-03-05", barred_vi: "Hết thời hiệu từ 05/03/2026", barred_en: "Time-barred since 05/03/2026",
};
const theCase = {
  id: 9, reference: "KL-2026-0009", title: "Xem xét kỷ luật", summary: "", subject_kind: "officer",
  officer: { id: 3, service_number: "F-1", full_name: "Lê Văn Chuyển", rank: "Đại úy" }, unit: null, state: "open",
  findings: [], factors: [], documents: [], ruleset_version: 1,
  computed: {
    violations: [{ finding_id: 1, reference: "VP-1", occurred_on: "2024-03-05", form: khienTrach, rule: "V1", rule_name_vi: "Vi phạm ít nghiêm trọng", rule_name_en: "Less-serious violation", rule_basis: "Thông tư 02/2021/TT-BCA, Điều 7", why_vi: "người vi phạm", why_en: "violator", time_barred: true, limitation: barred }],
    steps: [], computed_form: null, limitation: barred, factors: { aggravating: 0, mitigating: 0 }, notes: [],
    deadlines: {
      handling: { opened_on: "2026-11-29", days: 90, complex: false, deadline: "2027-02-27", status: "running", source: "Luật Cán bộ, công chức 2008 (sửa đổi 2019), Điều 80 khoản 3 (90 ngày)", text_vi: "Thời hạn xử lý 90 ngày kể từ ngày lập hồ sơ 29/11/2026: ra quyết định chậm nhất ngày 27/02/2027.", text_en: "Handling period 90 days" },
      council: { required: false, form: null, held_on: null, note: "", source: "Thông tư 02/2021/TT-BCA" },
      complaints: { first: null, second: null },
    },
  },
  proposed_form: null, proposal_note: "", decided_form: null, decision_number: "", decision_authority: "", decision_date: null,
  decision_received_on: null, is_complex: false, self_review_waiver: "", council_held_on: null, council_note: "",
  appeal_filed_on: null, appeal_text: "", appeal_result: "", appeal_decided_on: null, appeal_note: "", appeal_answer_received_on: null,
  appeal2_filed_on: null, appeal2_text: "", appeal2_result: "", appeal2_decided_on: null, appeal2_note: "",
  created_by: "discipline", created_at: "2026-11-29T01:00:00Z", updated_at: "2026-11-29T01:00:00Z", events: [],
};

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

afterEach(() => vi.unstubAllGlobals());

test("a disciplinary officer sees each period with its source and states why there is no self-review", async () => {
  const calls: { method: string; url: string; body: unknown }[] = [];
  vi.stubGlobal("fetch", vi.fn(async (url: string, init?: RequestInit) => {
    const method = init?.method ?? "GET";
    calls.push({ method, url, body: init?.body ? JSON.parse(String(init.body)) : undefined });
    if (url.includes("/auth/session/")) return json({ signed_in: true, stage: "signed_in", user: { id: 1, username: "discipline", role: "disciplinary", full_name: "Bùi Quang Huy", language: "vi" } });
    if (url.includes("rulesets/current")) return json({ forms: [khienTrach] });
    if (url.includes("transition/")) return json({ ...theCase, state: "considering", self_review_waiver: "Cán bộ đang điều trị dài ngày" });
    if (url.includes("accountability/cases/9/")) return json(theCase);
    return json({ count: 0, next: null, previous: null, results: [] });
  }));
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <MemoryRouter initialEntries={["/accountability/cases/9"]}>
        <Routes><Route path="/accountability/cases/:id" element={<CaseDetailPage />} /></Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
  const periods = await screen.findByTestId("periods");
  expect(within(periods).getByText(/Thời hạn xử lý 90 ngày/)).toBeInTheDocument();
  expect(within(periods).getAllByText(/Căn cứ: Luật Cán bộ, công chức 2008/).length).toBeGreaterThan(0);
  const violation = screen.getByTestId("case-violation");
  expect(within(violation).getByText(/Hết thời hiệu: không xử lý/)).toBeInTheDocument();
  expect(within(screen.getByTestId("limitations")).getByText(/đã hết thời hiệu từ 05\/03\/2026/)).toBeInTheDocument();

  await waitFor(() => expect(screen.getByRole("button", { name: /Xem xét, đề xuất/ })).toBeInTheDocument());
  fireEvent.click(screen.getByRole("button", { name: /Xem xét, đề xuất/ }));
  fireEvent.change(screen.getByLabelText(/Nêu lý do không có bản tự kiểm điểm/), { target: { value: "Cán bộ đang điều trị dài ngày" } });
  fireEvent.click(screen.getByRole("button", { name: "Xác nhận" }));
  await waitFor(() => expect(calls.some((c) => c.url.includes("transition/"))).toBe(true));
  const sent = calls.find((c) => c.url.includes("transition/"));
  expect(sent?.body).toEqual({ to: "considering", no_self_review_reason: "Cán bộ đang điều trị dài ngày" });
});

function renderCase(body: unknown, calls: { method: string; url: string; body: unknown }[] = []) {
  vi.stubGlobal("fetch", vi.fn(async (url: string, init?: RequestInit) => {
    const method = init?.method ?? "GET";
    calls.push({ method, url, body: init?.body ? JSON.parse(String(init.body)) : undefined });
    if (url.includes("/auth/session/")) return json({ signed_in: true, stage: "signed_in", user: { id: 1, username: "discipline", role: "disciplinary", full_name: "Bùi Quang Huy", language: "vi" } });
    if (url.includes("rulesets/current")) return json({ forms: [khienTrach] });
    if (url.includes("accountability/cases/9/")) return json(body);
    return json({ count: 0, next: null, previous: null, results: [] });
  }));
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <MemoryRouter initialEntries={["/accountability/cases/9"]}>
        <Routes><Route path="/accountability/cases/:id" element={<CaseDetailPage />} /></Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

test("the officer reads Vietnamese words: step names, the person's name, an expired limitation by its date", async () => {
  const step = (code: string, text: string) => ({ code, change: 0, form: khienTrach, text_vi: text, text_en: text });
  renderCase({
    ...theCase,
    computed: { ...theCase.computed, steps: [step("single", "VP-1 — người vi phạm → Khiển trách."), step("factors", "Tình tiết cân bằng")] },
    events: [{ verb: "create", from_state: "", to_state: "open", note: "", data: {}, actor: "canbo.kyluat", actor_name: "Bùi Quang Huy", at: "2026-11-29T01:00:00Z" }],
  });
  const steps = await screen.findByTestId("escalation");
  expect(within(steps).queryByText("single")).toBeNull();
  expect(within(steps).queryByText("factors")).toBeNull();
  expect(within(steps).getByText("Một vi phạm, một lần xử lý:")).toBeInTheDocument();
  // the label is said once and the step's own text already ends with the form: no "→ form" twice
  const single = [...steps.querySelectorAll("li")].find((li) => li.textContent?.includes("VP-1 —"));
  expect(single?.textContent?.match(/Khiển trách/g)).toHaveLength(1);
  expect(within(steps).getByText("Tình tiết tăng nặng, giảm nhẹ:")).toBeInTheDocument();
  const history = screen.getByText("Diễn biến hồ sơ").closest("section") ?? document.body;
  expect(within(history as HTMLElement).getAllByText("Lập hồ sơ")).toHaveLength(1);
  expect(within(history as HTMLElement).getByText(/Bùi Quang Huy/)).toBeInTheDocument();
  expect(within(history as HTMLElement).queryByText(/canbo\.kyluat/)).toBeNull();
  expect(screen.getByText("Đã hết thời hiệu từ 05/03/2026")).toBeInTheDocument();
  expect(screen.queryByText(/còn -\d+ ngày/)).toBeNull();
});

test("a violation names its rule in words with its basis, the code only in brackets (issue 15)", async () => {
  renderCase(theCase);
  const rule = await screen.findByTestId("case-violation-rule");
  expect(rule).toHaveTextContent("Quy tắc áp dụng: Vi phạm ít nghiêm trọng (V1) · căn cứ: Thông tư 02/2021/TT-BCA, Điều 7");
  // no bare code standing for the rule anywhere on the violation
  const violation = screen.getByTestId("case-violation");
  expect(within(violation).queryByText("V1")).toBeNull();
});

test("the decision and the answer to a complaint record the day they were received", async () => {
  const calls: { method: string; url: string; body: unknown }[] = [];
  renderCase({ ...theCase, state: "considering", proposed_form: khienTrach }, calls);
  fireEvent.click(await screen.findByRole("button", { name: "Ra quyết định" }));
  const typeInto = (label: string, value: string) => {
    const input = within(screen.getByRole("dialog")).getByText(label, { selector: ".field-label" }).closest("label")!.querySelector("input[type=text], input:not([type])")!;
    fireEvent.change(input, { target: { value } });
  };
  typeInto("Số quyết định", "15/QĐ-CAT");
  typeInto("Cấp có thẩm quyền", "Giám đốc Công an tỉnh");
  typeInto("Ngày quyết định", "01/06/2026");
  typeInto("Ngày nhận quyết định", "05/06/2026");
  fireEvent.click(screen.getByRole("button", { name: "Xác nhận" }));
  await waitFor(() => expect(calls.some((c) => c.url.includes("decide/"))).toBe(true));
  expect(calls.find((c) => c.url.includes("decide/"))?.body).toMatchObject({ decision_date: "2026-06-01", received_on: "2026-06-05" });
});

test("resolving a complaint records the day the answer was received", async () => {
  const calls: { method: string; url: string; body: unknown }[] = [];
  renderCase({ ...theCase, state: "appealed", decided_form: khienTrach, decision_date: "2026-06-01", appeal_filed_on: "2026-06-10", appeal_text: "Khiếu nại" }, calls);
  fireEvent.click(await screen.findByRole("button", { name: "Giải quyết khiếu nại" }));
  const typeInto = (label: string, value: string) => {
    const input = within(screen.getByRole("dialog")).getByText(label, { selector: ".field-label" }).closest("label")!.querySelector("input[type=text], input:not([type])")!;
    fireEvent.change(input, { target: { value } });
  };
  typeInto("Ngày giải quyết khiếu nại", "20/06/2026");
  typeInto("Ngày nhận quyết định giải quyết khiếu nại", "24/06/2026");
  fireEvent.change(within(screen.getByRole("dialog")).getByText("Ghi chú", { selector: ".field-label" }).closest("label")!.querySelector("textarea")!, { target: { value: "Giữ nguyên quyết định" } });
  fireEvent.click(screen.getByRole("button", { name: "Xác nhận" }));
  await waitFor(() => expect(calls.some((c) => c.url.includes("appeal/resolve/"))).toBe(true));
  expect(calls.find((c) => c.url.includes("appeal/resolve/"))?.body).toMatchObject({ decided_on: "2026-06-20", received_on: "2026-06-24" });
});

test("a complaint decision is recorded with its own number and signer, beside the original decision", async () => {
  const calls: { method: string; url: string; body: unknown }[] = [];
  renderCase({ ...theCase, state: "appealed", decided_form: khienTrach, decision_number: "15/QĐ-CAT", decision_date: "2026-06-01", appeal_filed_on: "2026-06-10", appeal_text: "Khiếu nại" }, calls);
  fireEvent.click(await screen.findByRole("button", { name: "Giải quyết khiếu nại" }));
  const dialog = within(screen.getByRole("dialog"));
  fireEvent.change(dialog.getByTestId("answer-number"), { target: { value: "7/QĐ-GQKN" } });
  fireEvent.change(dialog.getByTestId("answer-signer"), { target: { value: "Phó Giám đốc Nguyễn Văn A" } });
  fireEvent.change(dialog.getByText("Ghi chú", { selector: ".field-label" }).closest("label")!.querySelector("textarea")!, { target: { value: "Giữ nguyên quyết định" } });
  fireEvent.click(screen.getByRole("button", { name: "Xác nhận" }));
  await waitFor(() => expect(calls.some((c) => c.url.includes("appeal/resolve/"))).toBe(true));
  expect(calls.find((c) => c.url.includes("appeal/resolve/"))?.body).toMatchObject({ decision_number: "7/QĐ-GQKN", signer: "Phó Giám đốc Nguyễn Văn A" });
});

test("after a complaint changed the form, the original decision stays shown with its number and date", async () => {
  renderCase({ ...theCase, state: "decided", decided_form: { ...khienTrach, code: "phe_binh", level: 1, name_vi: "Phê bình", name_en: "Criticism" }, original_form: khienTrach, decision_number: "15/QĐ-CAT", decision_date: "2026-06-01", appeal_filed_on: "2026-06-10", appeal_text: "Khiếu nại", appeal_result: "changed", appeal_decided_on: "2026-06-20", appeal_decision_number: "7/QĐ-GQKN", appeal_signer: "Phó Giám đốc Nguyễn Văn A" });
  expect((await screen.findByTestId("original-decision")).textContent).toContain("15/QĐ-CAT");
  expect(screen.getByTestId("original-decision").textContent).toContain("01/06/2026");
  expect(screen.getByTestId("original-decision").textContent).toContain("Khiển trách");
  expect(screen.getByTestId("decided-form").textContent).toContain("sau giải quyết khiếu nại");
  expect(screen.getByTestId("answer-decision").textContent).toContain("7/QĐ-GQKN");
  expect(screen.getByTestId("answer-decision").textContent).toContain("Phó Giám đốc Nguyễn Văn A");
});

test("no decision before a proposed form, and a recorded council is not entered a second time", async () => {
  renderCase({ ...theCase, state: "considering", council_held_on: "2026-06-01", council_note: "Hội đồng họp" });
  await screen.findByRole("button", { name: "Đề xuất hình thức" });
  expect(screen.queryByRole("button", { name: "Ra quyết định" })).toBeNull();
  expect(screen.queryByRole("button", { name: "Ghi nhận họp Hội đồng kỷ luật" })).toBeNull();
});

test("the case shows when the answer to a complaint is due, and a late complaint is recorded as refused", async () => {
  const calls: { method: string; url: string; body: unknown }[] = [];
  const answer = {
    received_on: "2026-06-10", accept_by: "2026-06-20", accept_days: 10, accepted_on: "2026-06-12", complex: false, days: 30,
    deadline: "2026-07-12", answered_on: null, status: "late",
    source: "Luật Khiếu nại 2011, Điều 50 dẫn chiếu Điều 27 và Điều 36; Luật Khiếu nại 2011, Điều 50 dẫn chiếu Điều 28",
    text_vi: "Giải quyết khiếu nại lần đầu trong 30 ngày kể từ ngày thụ lý 12/06/2026: chậm nhất ngày 12/07/2026.", text_en: "x",
  };
  const first = { from: "2026-06-01", days: 15, deadline: "2026-06-16", filed_on: "2026-06-10", source: "Luật Khiếu nại 2011, Điều 48", text_vi: "Khiếu nại lần đầu trong 15 ngày", text_en: "x", answer };
  const refused = {
    id: 1, level: 1, received_on: "2026-10-21", text: "Đề nghị xem xét lại", ground: "late", ground_vi: "Quá thời hiệu khiếu nại",
    deadline: "2026-06-16", refused_on: "2026-10-23", reason_vi: "Khiếu nại quá hạn: chỉ được khiếu nại trong 15 ngày kể từ ngày 01/06/2026, tức đến hết ngày 16/06/2026", reason_en: "late",
  };
  renderCase({
    ...theCase, state: "appealed", decided_form: khienTrach, decision_date: "2026-06-01", appeal_filed_on: "2026-06-10", appeal_text: "Khiếu nại",
    refused_complaints: [refused],
    computed: { ...theCase.computed, deadlines: { ...theCase.computed.deadlines, complaints: { first, second: null } } },
  }, calls);
  const due = await screen.findByTestId("answer-first");
  expect(due).toHaveTextContent("Hạn giải quyết khiếu nại");
  expect(due).toHaveTextContent("Quá hạn giải quyết");
  expect(due).toHaveTextContent("chậm nhất ngày 12/07/2026");
  expect(due).toHaveTextContent("Điều 28");
  const row = screen.getByTestId("refused-complaint");
  expect(row).toHaveTextContent("Quá thời hạn khiếu nại");
  expect(row).not.toHaveTextContent("Quá thời hiệu nhận");
  expect(row).toHaveTextContent("đơn nhận ngày 21/10/2026; từ chối thụ lý ngày 23/10/2026");
  expect(row).toHaveTextContent("16/06/2026");
  fireEvent.click(screen.getByTestId("refuse-complaint"));
  const dialog = screen.getByRole("dialog");
  fireEvent.change(within(dialog).getByText("Ngày nhận đơn khiếu nại", { selector: ".field-label" }).closest("label")!.querySelector("input")!, { target: { value: "21/10/2026" } });
  fireEvent.change(within(dialog).getByTestId("dialog-text"), { target: { value: "Đề nghị xem xét lại" } });
  fireEvent.click(screen.getByRole("button", { name: "Xác nhận" }));
  await waitFor(() => expect(calls.some((c) => c.url.includes("complaints/refuse/"))).toBe(true));
  expect(calls.find((c) => c.url.includes("complaints/refuse/"))?.body).toMatchObject({ received_on: "2026-10-21", text: "Đề nghị xem xét lại" });
});

test("a complaint refused as late by the server is recorded as refused from the same dialog", async () => {
  const calls: { method: string; url: string; body: unknown }[] = [];
  vi.stubGlobal("fetch", vi.fn(async (url: string, init?: RequestInit) => {
    const method = init?.method ?? "GET";
    calls.push({ method, url, body: init?.body ? JSON.parse(String(init.body)) : undefined });
    if (url.includes("/auth/session/")) return json({ signed_in: true, stage: "signed_in", user: { id: 1, username: "discipline", role: "disciplinary", full_name: "Bùi Quang Huy", language: "vi" } });
    if (url.includes("rulesets/current")) return json({ forms: [khienTrach] });
    if (url.includes("/appeal/")) return json({ error: { code: "complaint_late", message: "Khiếu nại quá hạn: chỉ được khiếu nại trong 15 ngày kể từ ngày 01/06/2026, tức đến hết ngày 16/06/2026. Có thể ghi nhận đơn và từ chối thụ lý.", message_en: "late", fields: {} } }, 409);
    if (url.includes("complaints/refuse/")) return json({ ...theCase, state: "decided", decision_date: "2026-06-01", refused_complaints: [] }, 201);
    if (url.includes("accountability/cases/9/")) return json({ ...theCase, state: "decided", decided_form: khienTrach, decision_date: "2026-06-01", refused_complaints: [] });
    return json({ count: 0, next: null, previous: null, results: [] });
  }));
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <MemoryRouter initialEntries={["/accountability/cases/9"]}>
        <Routes><Route path="/accountability/cases/:id" element={<CaseDetailPage />} /></Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
  fireEvent.click(await screen.findByRole("button", { name: "Ghi nhận khiếu nại" }));
  const dialog = screen.getByRole("dialog");
  fireEvent.change(within(dialog).getByText("Ngày nhận đơn khiếu nại", { selector: ".field-label" }).closest("label")!.querySelector("input")!, { target: { value: "21/10/2026" } });
  fireEvent.change(within(dialog).getByTestId("dialog-text"), { target: { value: "Đề nghị xem xét lại" } });
  fireEvent.click(screen.getByRole("button", { name: "Xác nhận" }));
  fireEvent.click(await screen.findByTestId("refuse-late"));
  await waitFor(() => expect(calls.some((c) => c.url.includes("complaints/refuse/"))).toBe(true));
  expect(calls.find((c) => c.url.includes("complaints/refuse/"))?.body).toMatchObject({ received_on: "2026-10-21", text: "Đề nghị xem xét lại" });
});


test("the case shows the unit's explanations of its findings: kind, finding, text, rank and name, vi-VN date", async () => {
  renderCase({
    ...theCase,
    explanations: [{
      id: 4, finding_id: 12, finding_reference: "VP-2026-0012", kind: "self_review", kind_label: "Tự kiểm điểm",
      text: "Đơn vị đã chấn chỉnh lịch trực.", at: "2026-11-28T02:05:00Z",
      author: { id: 7, username: "unithead", full_name: "Trần Minh Đức", rank: "Thiếu tá", name: "Thiếu tá Trần Minh Đức" },
    }],
  });
  const list = await screen.findByTestId("case-explanations");
  expect(within(list).getByText("Tự kiểm điểm")).toBeInTheDocument();
  expect(within(list).getByRole("link", { name: "VP-2026-0012" })).toHaveAttribute("href", "/accountability/trace/12");
  expect(within(list).getByText("Đơn vị đã chấn chỉnh lịch trực.")).toBeInTheDocument();
  expect(within(list).getByText("Thiếu tá Trần Minh Đức · 28/11/2026 09:05")).toBeInTheDocument();
  expect(screen.queryByText("unithead")).toBeNull();
});

test("a case with no answer from the unit says so", async () => {
  renderCase({ ...theCase, explanations: [] });
  expect(await screen.findByTestId("case-no-explanations")).toHaveTextContent("Đơn vị chưa gửi giải trình");
});
