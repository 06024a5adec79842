import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, expect, test, vi } from "vitest";
import ApprovalsPage from "./ApprovalsPage";

const grant = {
  id: 3, kind: "role", kind_label: "Giao vai trò tổ kiểm tra", state: "pending", state_label: "Chờ phê duyệt",
  target: { id: 7, username: "reviewer", full_name: "Lê Thị Hoa", role: "reviewer", is_active: true },
  role: "inspection_lead", requested_label: "admin", requested_by: { name: "Phạm Văn Quản", username: "admin" }, requested_at: "2026-11-30T05:00:00Z", expires_at: "2026-12-03T05:00:00Z",
  decided_label: "", decided_by: null, decided_at: null, reason: "", may_decide: true,
};
const aboutMe = { ...grant, id: 4, kind: "password", role: "", target: { ...grant.target, id: 2, username: "lead", full_name: "Tổ Trưởng" }, may_decide: false };
const refused = { ...grant, id: 1, state: "refused", decided_label: "lead2", decided_by: { name: "Đặng Quốc Bảo", username: "lead2" }, decided_at: "2026-11-29T05:00:00Z", reason: "Không có quyết định điều động", may_decide: false };

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

const EMPTY = { count: 0, next: null, previous: null, results: [] };

afterEach(() => vi.unstubAllGlobals());

test("a lead sees the requests waiting, refuses one only with a reason, and cannot decide one about themselves", async () => {
  const posts: { url: string; body: unknown }[] = [];
  vi.stubGlobal("fetch", vi.fn(async (url: string, init?: RequestInit) => {
    if (String(url).includes("remap-requests")) return json(EMPTY);
    if (init?.method === "POST") {
      posts.push({ url, body: JSON.parse(String(init.body)) });
      return json({ ...grant, state: "refused" });
    }
    return json({ count: 3, next: null, previous: null, results: [grant, aboutMe, refused] });
  }));
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(<QueryClientProvider client={qc}><ApprovalsPage /></QueryClientProvider>);

  const pending = await screen.findByTestId("grants-pending");
  expect(within(pending).getByText(/Giao vai trò · Tổ trưởng tổ kiểm tra/)).toBeInTheDocument();
  expect(within(pending).getByText(/người khác phải xử lý/)).toBeInTheDocument();
  expect(within(pending).queryByTestId("grant-approve-4")).not.toBeInTheDocument();
  const decided = screen.getByTestId("grants-decided");
  expect(within(decided).getByText("Bị từ chối")).toBeInTheDocument();
  expect(within(decided).getByText("Không có quyết định điều động")).toBeInTheDocument();

  fireEvent.click(screen.getByTestId("grant-refuse-3"));
  const button = screen.getByTestId("grant-decide");
  expect(button).toBeDisabled();
  expect(button).toHaveAttribute("title", "Nhập lý do từ chối (ít nhất 5 ký tự)");
  // a greeting is no reason (insider S2-2): said while typed, as the server refuses it
  fireEvent.change(screen.getByTestId("grant-reason"), { target: { value: "xin chào các bạn nhé" } });
  expect(button).toBeDisabled();
  expect(screen.getByTestId("grant-reason-problem")).toHaveTextContent("không phải là lý do");
  fireEvent.change(screen.getByTestId("grant-reason"), { target: { value: "Chưa có quyết định" } });
  expect(button).not.toBeDisabled();
  fireEvent.click(button);
  await waitFor(() => expect(posts).toHaveLength(1));
  expect(posts[0].url).toContain("auth/team-grants/3/refuse/");
  expect(posts[0].body).toEqual({ reason: "Chưa có quyết định" });
});

test("after approving, the lead sees the account's recent changes and the one-time activation code once", async () => {
  const demoted = {
    ...grant, role: "inspector",
    recent_changes: [
      { at: "2026-11-30T04:00:00Z", by: "Quản Trị", verb: "user.update", change: { role: ["inspector", "disciplinary"] } },
      { at: "2026-11-30T04:05:00Z", by: "Quản Trị", verb: "user.update", change: { officer: ["Trung úy Hoàng Thị Lan", null] } },
    ],
  };
  const posts: string[] = [];
  vi.stubGlobal("fetch", vi.fn(async (url: string, init?: RequestInit) => {
    if (String(url).includes("remap-requests")) return json(EMPTY);
    if (init?.method === "POST") {
      posts.push(url);
      return json({ ...demoted, state: "approved", recent_changes: [], activation_code: "ABCD-EFGH-JKLM", activation_expires_at: "2026-12-03T05:00:00Z" });
    }
    return json({ count: 1, next: null, previous: null, results: posts.length ? [{ ...demoted, state: "approved" }] : [demoted] });
  }));
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(<QueryClientProvider client={qc}><ApprovalsPage /></QueryClientProvider>);

  fireEvent.click(await screen.findByTestId("grant-approve-3"));
  const recent = screen.getByTestId("grant-recent");
  expect(recent).toHaveTextContent("Vai trò: Cán bộ kiểm tra → Cán bộ kỷ luật");
  expect(recent).toHaveTextContent("Cán bộ gắn với tài khoản: Trung úy Hoàng Thị Lan → —");
  expect(recent).toHaveTextContent("Quản Trị");
  fireEvent.click(screen.getByTestId("grant-decide"));
  expect(await screen.findByTestId("grant-activation-code")).toHaveTextContent("ABCD-EFGH-JKLM");
  // still shown after the list refetched (the approved request left the pending table)
  await waitFor(() => expect(screen.getByTestId("grants-decided")).toBeInTheDocument());
  expect(screen.getByTestId("grant-activation-code")).toHaveTextContent("ABCD-EFGH-JKLM");
  expect(screen.getByText(/chỉ hiện một lần/)).toBeInTheDocument();
  fireEvent.click(screen.getByTestId("grant-code-done"));
  await waitFor(() => expect(screen.queryByTestId("grant-activation-code")).not.toBeInTheDocument());
  expect(posts).toEqual([expect.stringContaining("auth/team-grants/3/approve/")]);
});

test("the lead sees who the account is (its linked officer) and a request no lead can decide says so", async () => {
  const linked = {
    ...grant, kind: "create", kind_label: "Tạo tài khoản tổ kiểm tra", role: "inspector", no_approver: false,
    target: { ...grant.target, linked_officer: { id: 10, name: "Trung úy Hoàng Thị Lan", full_name: "Hoàng Thị Lan", rank: "Trung úy", service_number: "NA-2105", date_of_birth: null, unit: "Công an xã Thanh Chương", position: "Cán bộ một cửa", postings: [{ unit: "Công an xã Thanh Chương", unit_code: "CAX-TC", position: "Cán bộ một cửa", valid_from: "2025-07-01" }], warnings: [] } },
  };
  const stuck = { ...aboutMe, id: 5, no_approver: true };
  vi.stubGlobal("fetch", vi.fn(async (url: string) => json(String(url).includes("remap-requests") ? EMPTY : { count: 2, next: null, previous: null, results: [linked, stuck] })));
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(<QueryClientProvider client={qc}><ApprovalsPage /></QueryClientProvider>);

  expect(await screen.findByTestId("grant-officer-3")).toHaveTextContent(
    "Trung úy Hoàng Thị Lan · số hiệu NA-2105 · Cán bộ một cửa, Công an xã Thanh Chương");
  expect(screen.getByTestId("grant-officer-5")).toHaveTextContent("Chưa gắn với cán bộ nào");
  expect(screen.getByText(/chỉ xử lý được bằng lệnh team_grant_approve/)).toBeInTheDocument();
  fireEvent.click(screen.getByTestId("grant-approve-3"));
  expect(screen.getByTestId("grant-officer")).toHaveTextContent("NA-2105");
});

test("the history names people, not logins: who asked and who decided, the system in words (user review, ui15)", async () => {
  const expired = { ...grant, id: 9, state: "expired", decided_label: "expiry", decided_by: { name: "Tự động hết hạn (không ai quyết định)", username: "" }, decided_at: "2026-11-28T05:00:00Z", may_decide: false };
  vi.stubGlobal("fetch", vi.fn(async (url: string) => json(String(url).includes("remap-requests") ? EMPTY : { count: 3, next: null, previous: null, results: [grant, refused, expired] })));
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(<QueryClientProvider client={qc}><ApprovalsPage /></QueryClientProvider>);
  const asked = await screen.findByTestId("grant-requested-by-3");
  expect(asked).toHaveTextContent("Phạm Văn Quản (admin)");
  expect(screen.getByTestId("grant-decided-by-1")).toHaveTextContent("Đặng Quốc Bảo (lead2)");
  expect(screen.getByTestId("grant-decided-by-9")).toHaveTextContent("Tự động hết hạn (không ai quyết định)");
  expect(screen.getByTestId("grant-decided-by-9")).not.toHaveTextContent("expiry");
});

const remap = {
  id: 11, state: "pending", state_label: "Chờ phê duyệt", clip: { id: 5, key: "CAM-TC-01/2026/03/02/080000.mp4" },
  camera: { id: 2, code: "CAM-ND-01", counter: "Quầy Nam Đàn" }, started_at: "2026-03-02T01:00:00Z",
  previous_camera: { id: 1, code: "CAM-TC-01", counter: "Quầy Thanh Chương" }, previous_started_at: "2026-03-02T01:00:00Z",
  reason: "Camera tải lên nhầm quầy", requested_by: { name: "Phạm Văn Quản", username: "admin" }, requested_at: "2026-11-30T05:00:00Z",
  decided_by: null, decided_at: null, decision_reason: "", may_decide: true,
  holds: [{ code: "finding", reference: "VP-7", draft: true, vi: "Vi phạm VP-7 (dự thảo, chưa công bố) giữ đoạn video theo thời gian", en: "Finding VP-7 holds the clip" }],
};

test("a lead decides a clip correction beside the account approvals, told of the holds, drafts included", async () => {
  const posts: { url: string; body: unknown }[] = [];
  vi.stubGlobal("fetch", vi.fn(async (url: string, init?: RequestInit) => {
    if (init?.method === "POST") {
      posts.push({ url, body: JSON.parse(String(init.body)) });
      return json({ ...remap, state: "refused" });
    }
    return json(String(url).includes("remap-requests") ? { count: 1, next: null, previous: null, results: [remap] } : EMPTY);
  }));
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(<QueryClientProvider client={qc}><ApprovalsPage /></QueryClientProvider>);
  const pending = await screen.findByTestId("remap-pending");
  expect(within(pending).getByText("Camera tải lên nhầm quầy")).toBeInTheDocument();
  fireEvent.click(screen.getByTestId("remap-refuse-11"));
  expect(within(screen.getByTestId("remap-holds")).getByText(/VP-7 \(dự thảo/)).toBeInTheDocument();
  const button = screen.getByTestId("remap-decide");
  expect(button).toBeDisabled();
  fireEvent.change(screen.getByTestId("remap-decide-reason"), { target: { value: "Dự thảo cần giữ nguyên vị trí" } });
  fireEvent.click(button);
  await waitFor(() => expect(posts).toHaveLength(1));
  expect(posts[0].url).toContain("media/remap-requests/11/refuse/");
  expect(posts[0].body).toEqual({ reason: "Dự thảo cần giữ nguyên vị trí" });
});

test("an officer-link card shows the new officer in full and warns that it looks like the lead himself (F3)", async () => {
  const link = {
    ...grant, id: 11, kind: "officer", kind_label: "Đổi cán bộ gắn với tài khoản tổ kiểm tra", role: "", may_decide: false,
    officer: { id: 21, name: "Đại úy Dang Van Binh", full_name: "Dang Van Binh", rank: "Đại úy", service_number: "X-66120", date_of_birth: "1986-02-03",
      unit: "", position: "", postings: [],
      warnings: [
        { code: "lookalike", vi: "Có thể là cùng một người với Thiếu tá Đặng Văn Bình (số hiệu NA-1002, tài khoản lead (Tổ trưởng tổ kiểm tra))", en: "May be the same person" },
        { code: "you", vi: "Cán bộ này là chính đồng chí (hoặc trùng nhân thân với đồng chí).", en: "This officer is you" },
      ] },
  };
  vi.stubGlobal("fetch", vi.fn(async (url: string) => json(String(url).includes("remap-requests") ? EMPTY : { count: 1, next: null, previous: null, results: [link] })));
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(<QueryClientProvider client={qc}><ApprovalsPage /></QueryClientProvider>);
  const card = await screen.findByTestId("grant-new-officer-11");
  expect(card).toHaveTextContent("Đại úy Dang Van Binh · số hiệu X-66120 · sinh ngày 03/02/1986 · không giữ chức vụ nào hôm nay");
  const warnings = within(card).getAllByTestId("officer-warning");
  expect(warnings[0]).toHaveTextContent("NA-1002");
  expect(warnings[1]).toHaveTextContent("chính đồng chí");
});
