import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router";
import { afterEach, expect, test, vi } from "vitest";
import FindingDetailPage from "./FindingDetailPage";
import { NewFindingDialog } from "../../components/inspection/NewFindingDialog";

// Issue 15 (ui15): a finding was confirmed with no named officer, and its violation time defaulted to now.

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
const empty = { count: 0, next: null, previous: null, results: [] };
const LEAD = { signed_in: true, stage: "signed_in", user: { id: 2, username: "lead", full_name: "Trần Văn Minh", role: "inspection_lead", is_inspection_team: true, scope_unit: null } };
const REASON = "Camera không ghi rõ mặt, không xác định được cán bộ nào vắng mặt";

afterEach(() => vi.unstubAllGlobals());

const wrap = (ui: React.ReactNode) => (
  <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>{ui}</QueryClientProvider>
);

test("a draft naming no officer cannot be confirmed until the lead records why no individual can be named", async () => {
  const finding = {
    id: 7, reference: "VP-2026-0007", title: "Vắng mặt tại quầy", source: "footage", severity: "serious", state: "draft",
    unit: { id: 3, code: "CAX-TC", name: "Công an xã Thanh Chương" }, category: { code: "absent", name_vi: "Vắng mặt", name_en: "Absent" },
    check: null, occurred_from: "2026-11-20T01:00:00Z", occurred_to: null, description: "", subjects: [], unit_level_reason: "",
    evidence: [], transitions: [], explanations: [], exportable: true, created_by: { id: 5, username: "inspector", full_name: "Lê Văn Hùng" },
  };
  const patches: Record<string, unknown>[] = [];
  vi.stubGlobal("fetch", vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    if (url.includes("/auth/session/")) return json(LEAD);
    if (url.includes("/inspection/findings/7/") && init?.method === "PATCH") {
      const body = JSON.parse(String(init.body)) as Record<string, unknown>;
      patches.push(body);
      return json({ ...finding, ...body });
    }
    if (url.includes("/inspection/findings/7/") && !url.includes("?")) return json(finding);
    return json(empty);
  }));
  render(wrap(
    <MemoryRouter initialEntries={["/inspection/findings/7"]}>
      <Routes><Route path="/inspection/findings/:id" element={<FindingDetailPage />} /></Routes>
    </MemoryRouter>,
  ));
  const confirm = await screen.findByTestId("finding-confirm");
  expect(confirm).toBeDisabled();
  expect(confirm.getAttribute("title")).toMatch(/^Chưa xác nhận được: vi phạm chưa có cán bộ vi phạm/);
  expect(screen.getByTestId("finding-no-subject")).toHaveTextContent("ghi rõ lý do không xác định được cá nhân");
  fireEvent.click(screen.getByTestId("finding-edit"));
  const reason = await screen.findByTestId("unit-level-reason");
  const inWords = "Lý do phải viết thành lời bằng tiếng Việt có dấu: ít nhất 4 từ khác nhau (mỗi từ từ 2 chữ cái, không phải một chữ cái lặp lại hay các phím gõ liền nhau), tổng cộng ít nhất 20 chữ cái";
  fireEvent.change(reason, { target: { value: "không rõ" } });
  expect(screen.getByTestId("finding-edit-save")).toHaveAttribute("title", inWords);
  // issue 15, S2-2: twenty letters of one repeated character are not a reason
  fireEvent.change(reason, { target: { value: "aaaaaaaaaaaaaaaaaaaa" } });
  expect(screen.getByTestId("finding-edit-save")).toHaveAttribute("title", inWords);
  fireEvent.change(reason, { target: { value: REASON } });
  fireEvent.click(screen.getByTestId("finding-edit-save"));
  await waitFor(() => expect(patches).toEqual([{ unit_level_reason: REASON }]));
  await waitFor(() => expect(screen.getByTestId("finding-confirm")).toBeEnabled());
  expect(screen.getByTestId("finding-unit-level")).toHaveTextContent(REASON);
  expect(screen.queryByTestId("finding-no-subject")).toBeNull();
});

test("a new finding's violation time starts empty and filing waits for it, said in Vietnamese", async () => {
  vi.stubGlobal("fetch", vi.fn(async (input: RequestInfo | URL) => {
    const url = String(input);
    if (url.includes("/auth/session/")) return json(LEAD);
    if (url.includes("inspection/categories/")) return json([{ code: "VANG_MAT", name_vi: "Vắng mặt", name_en: "Absent", default_severity: "serious" }]);
    return json(empty);
  }));
  render(wrap(<NewFindingDialog prefill={{ source: "footage", unitId: 3, title: "Vắng mặt tại quầy", categoryCode: "VANG_MAT" }} onClose={() => {}} onCreated={() => {}} />));
  const when = document.querySelector<HTMLInputElement>("input[name='occurred_from']");
  expect(when?.value ?? "").toBe("");
  expect(screen.getByTestId("occurred-from-needed")).toHaveTextContent("trách nhiệm được xác định theo ngày vi phạm");
  expect(screen.getByTestId("finding-submit")).toHaveAttribute("title", "Nhập thời điểm xảy ra vi phạm");
  expect(screen.getByTestId("finding-submit")).toBeDisabled();
  expect(screen.getByTestId("picker-need-when")).toBeInTheDocument();
});

test("the confirm dialog waits for a reason in words and shows the server's refusal in the dialog", async () => {
  const finding = {
    id: 8, reference: "VP-2026-4C1A08", title: "Vắng mặt tại quầy", source: "check", severity: "minor", state: "draft",
    unit: { id: 3, code: "CAX-TC", name: "Công an xã Thanh Chương" }, category: { code: "absent", name_vi: "Vắng mặt", name_en: "Absent" },
    check: null, occurred_from: "2026-11-20T01:00:00Z", occurred_to: null, description: "", unit_level_reason: "",
    subjects: [{ id: 4, officer: { id: 9, full_name: "Lê Văn Hùng" }, role: "primary" }],
    evidence: [], transitions: [], explanations: [], exportable: true, created_by: { id: 5, username: "inspector", full_name: "Lê Văn Hùng" },
  };
  const posts: Record<string, unknown>[] = [];
  vi.stubGlobal("fetch", vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    if (url.includes("/auth/session/")) return json(LEAD);
    if (url.includes("/inspection/findings/8/transition/")) {
      posts.push(JSON.parse(String(init?.body)) as Record<string, unknown>);
      return json({ error: { code: "invalid_transition", message: "Không thể chuyển vi phạm từ trạng thái “Đã hủy” sang “Đã xác nhận”.", message_en: "A finding cannot go from dismissed to confirmed." } }, 409);
    }
    if (url.includes("/inspection/findings/8/") && !url.includes("?")) return json(finding);
    return json(empty);
  }));
  render(wrap(
    <MemoryRouter initialEntries={["/inspection/findings/8"]}>
      <Routes><Route path="/inspection/findings/:id" element={<FindingDetailPage />} /></Routes>
    </MemoryRouter>,
  ));
  const confirm = await screen.findByTestId("finding-confirm");
  await waitFor(() => expect(confirm).toBeEnabled());
  fireEvent.click(confirm);
  const submit = await screen.findByTestId("finding-action-submit");
  expect(submit).toBeDisabled();
  expect(submit).toHaveAttribute("title", "Nhập lý do trước");
  expect(submit).toHaveAccessibleDescription("Nhập lý do trước");
  fireEvent.change(screen.getByTestId("finding-action-reason"), { target: { value: "asdf qwer" } });
  expect(screen.getByTestId("finding-action-submit")).toBeDisabled();
  fireEvent.change(screen.getByTestId("finding-action-reason"), { target: { value: "Cán bộ vắng mặt tại quầy tiếp dân" } });
  expect(screen.getByTestId("finding-action-submit")).toBeEnabled();
  fireEvent.click(screen.getByTestId("finding-action-submit"));
  await waitFor(() => expect(posts).toEqual([{ to: "confirmed", reason: "Cán bộ vắng mặt tại quầy tiếp dân" }]));
  expect(await screen.findByTestId("finding-action-error")).toHaveTextContent("Không thể chuyển vi phạm từ trạng thái “Đã hủy”");
});
