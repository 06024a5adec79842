import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, expect, test, vi } from "vitest";
import UsersPage from "./UsersPage";

const reviewer = {
  id: 7, username: "reviewer", full_name: "Lê Thị Hoa", role: "reviewer", role_label: "Cán bộ xem xét hình ảnh",
  is_inspection_team: false, scope_unit: null, officer: null, language: "vi", is_active: true,
  two_factor_enabled: false, two_factor_required: false,
};

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

afterEach(() => vi.unstubAllGlobals());

test("an administrator deactivates an account and sees the server's refusal in words", async () => {
  const calls: { method: string; url: string; body: unknown }[] = [];
  let patchStatus = 200;
  vi.stubGlobal("fetch", vi.fn(async (url: string, init?: RequestInit) => {
    const method = init?.method ?? "GET";
    calls.push({ method, url, body: init?.body ? JSON.parse(String(init.body)) : undefined });
    if (url.includes("auth/users/7/") && method === "PATCH") {
      if (patchStatus !== 200) {
        return json({ error: { code: "scope_required", message: "Thủ trưởng đơn vị phải gắn với một đơn vị.", message_en: "A unit head needs a scope unit.", fields: {} } }, patchStatus);
      }
      return json({ ...reviewer, is_active: false });
    }
    if (url.includes("auth/users/")) return json({ count: 1, next: null, previous: null, results: [reviewer] });
    return json({ count: 0, next: null, previous: null, results: [] });
  }));
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(<QueryClientProvider client={qc}><UsersPage /></QueryClientProvider>);

  const table = await screen.findByTestId("users-table");
  expect(within(table).getByText("Đang hoạt động")).toBeInTheDocument();
  fireEvent.click(within(table).getByRole("button", { name: "Sửa tài khoản reviewer" }));

  patchStatus = 400;
  fireEvent.click(screen.getByTestId("user-active"));
  fireEvent.click(screen.getByTestId("user-save"));
  expect(await screen.findByText(/Thủ trưởng đơn vị phải gắn với một đơn vị/)).toBeInTheDocument();

  patchStatus = 200;
  fireEvent.click(screen.getByTestId("user-save"));
  await waitFor(() => expect(screen.queryByTestId("user-save")).not.toBeInTheDocument());
  const patches = calls.filter((c) => c.method === "PATCH");
  expect(patches).toHaveLength(2);
  expect(patches[1].body).toMatchObject({ is_active: false, role: "reviewer", scope_unit_id: null, officer_id: null });
  expect(patches[1].body).not.toHaveProperty("full_name"); // unchanged, so not sent back
});

test("an account's unit scope offers the units in force today: a commune ending later stays, an ended one only when already chosen", async () => {
  const kimLien = { id: 12, code: "CAX-KL", name: "Công an xã Kim Liên", valid_from: "2025-07-01", valid_to: "2026-12-31" };
  const ended = { id: 9, code: "CAX-CU", name: "Công an xã Cũ", valid_from: "2020-01-01", valid_to: "2025-06-30" };
  const successor = { id: 14, code: "CAX-VA", name: "Công an xã Vạn An", valid_from: "2027-01-01", valid_to: null };
  const scoped = { ...reviewer, id: 8, username: "truongxa", role: "unit_head", scope_unit: { id: 9, code: "CAX-CU", name: "Công an xã Cũ" } };
  vi.stubGlobal("fetch", vi.fn(async (url: string) => {
    if (url.includes("auth/users/")) return json({ count: 2, next: null, previous: null, results: [reviewer, scoped] });
    if (url.includes("org/units/") && url.includes("at=")) return json({ count: 1, next: null, previous: null, results: [kimLien] });
    if (url.includes("org/units/")) return json({ count: 3, next: null, previous: null, results: [kimLien, ended, successor] });
    return json({ count: 0, next: null, previous: null, results: [] });
  }));
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(<QueryClientProvider client={qc}><UsersPage /></QueryClientProvider>);

  const table = await screen.findByTestId("users-table");
  fireEvent.click(within(table).getByRole("button", { name: "Sửa tài khoản reviewer" }));
  await waitFor(() => expect(within(screen.getByTestId("user-scope")).getByText("Công an xã Kim Liên")).toBeInTheDocument());
  let options = within(screen.getByTestId("user-scope")).getAllByRole("option").map((o) => o.textContent);
  expect(options).not.toContain("Công an xã Vạn An"); // not in force before 01/01/2027
  expect(options).not.toContain("Công an xã Cũ");

  fireEvent.click(screen.getAllByRole("button", { name: /Đóng|Hủy/ })[0]);
  fireEvent.click(within(table).getByRole("button", { name: "Sửa tài khoản truongxa" }));
  await waitFor(() => expect(within(screen.getByTestId("user-scope")).getByText("Công an xã Cũ")).toBeInTheDocument());
  options = within(screen.getByTestId("user-scope")).getAllByRole("option").map((o) => o.textContent);
  expect(options).toContain("Công an xã Kim Liên");
  expect(options).not.toContain("Công an xã Vạn An");
});

test("a team role or a team member's reset shows as waiting for a lead's approval, and the admin's requests are listed", async () => {
  const waiting = { ...reviewer, pending_approvals: [{ id: 5, kind: "role", role: "inspector", requested_at: "2026-11-30T05:00:00Z", expires_at: "2026-12-03T05:00:00Z" }] };
  const lead = { ...reviewer, id: 2, username: "lead", role: "inspection_lead", is_inspection_team: true, pending_approvals: [] };
  const grant = {
    id: 5, kind: "role", kind_label: "", state: "pending", state_label: "", target: { id: 7, username: "reviewer", full_name: "Lê Thị Hoa", role: "reviewer", is_active: true },
    role: "inspector", requested_label: "admin", requested_at: "2026-11-30T05:00:00Z", expires_at: "2026-12-03T05:00:00Z", decided_label: "", decided_at: null, reason: "", may_decide: false,
  };
  const resetBodies: unknown[] = [];
  vi.stubGlobal("fetch", vi.fn(async (url: string, init?: RequestInit) => {
    if (url.includes("auth/users/2/password/") && init?.method === "POST") {
      resetBodies.push(JSON.parse(String(init.body)));
      return json({ ...grant, id: 6, kind: "password", role: "" }, 202);
    }
    if (url.includes("auth/users/")) return json({ count: 2, next: null, previous: null, results: [waiting, lead] });
    if (url.includes("auth/team-grants/")) return json({ count: 1, next: null, previous: null, results: [grant] });
    return json({ count: 0, next: null, previous: null, results: [] });
  }));
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(<QueryClientProvider client={qc}><UsersPage /></QueryClientProvider>);

  expect(await screen.findByTestId("user-pending-reviewer")).toHaveTextContent("Chờ người thứ hai phê duyệt: vai trò Cán bộ kiểm tra");
  expect(screen.queryByTestId("user-pending-lead")).not.toBeInTheDocument();
  const mine = await screen.findByTestId("my-grants");
  expect(within(mine).getByText("Chờ phê duyệt")).toBeInTheDocument();

  fireEvent.click(within(screen.getByTestId("users-table")).getByRole("button", { name: "Sửa tài khoản lead" }));
  // a team member's password is never typed by the admin: the reset is a request, the lead gets a code
  expect(document.querySelector('input[autocomplete="new-password"]')).toBeNull();
  expect(screen.getByText(/vừa rời vai trò đó trong 90 ngày/)).toBeInTheDocument();
  const resetButton = screen.getByTestId("user-password-reset");
  expect(resetButton).toHaveTextContent("Yêu cầu đặt lại (mã kích hoạt)");
  fireEvent.click(resetButton);
  expect(await screen.findByTestId("user-password-result")).toHaveTextContent("có hiệu lực khi người thứ hai (tổ trưởng tổ kiểm tra");
  expect(resetBodies).toEqual([{ password: "" }]);
});

test("a new account takes its name from the officer picked, and a unit head's unit with nobody in the head's post is said", async () => {
  const officer = { id: 31, service_number: "NA-2301", full_name: "Nguyễn Văn Lâm", rank: "Đại úy", date_of_birth: null };
  const kimLien = { id: 12, code: "CAX-KL", name: "Công an xã Kim Liên", valid_from: "2025-07-01", valid_to: null };
  vi.stubGlobal("fetch", vi.fn(async (url: string) => {
    if (url.includes("auth/users/")) return json({ count: 1, next: null, previous: null, results: [reviewer] });
    if (url.includes("org/officers/")) return json({ count: 1, next: null, previous: null, results: [officer] });
    if (url.includes("org/units/12/heads/")) return json({ unit: kimLien, at: "2026-12-01", unit_existed: true, parent: null, heads: [], deputies: [] });
    if (url.includes("org/units/")) return json({ count: 1, next: null, previous: null, results: [kimLien] });
    return json({ count: 0, next: null, previous: null, results: [] });
  }));
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(<QueryClientProvider client={qc}><UsersPage /></QueryClientProvider>);
  await screen.findByTestId("users-table");
  fireEvent.click(screen.getByRole("button", { name: /Thêm người dùng/ }));
  const dialog = await screen.findByRole("dialog", { name: "Thêm người dùng" });
  const picker = within(dialog).getByTestId("officer-picker");
  fireEvent.focus(picker);
  fireEvent.change(picker, { target: { value: "Lâm" } });
  fireEvent.mouseDown(await within(dialog).findByRole("option", { name: /Nguyễn Văn Lâm/ }));
  expect(within(dialog).getByLabelText("Họ tên")).toHaveValue("Nguyễn Văn Lâm");

  fireEvent.change(within(dialog).getByTestId("user-role"), { target: { value: "unit_head" } });
  await within(dialog).findByRole("option", { name: "Công an xã Kim Liên" });
  expect(within(dialog).queryByTestId("user-scope-no-head")).toBeNull();
  fireEvent.change(within(dialog).getByTestId("user-scope"), { target: { value: "12" } });
  expect(await within(dialog).findByTestId("user-scope-no-head")).toHaveTextContent("Công an xã Kim Liên hiện không có ai giữ chức vụ thủ trưởng");
});

test("a disciplinary officer's reset is a request too, and another administrator approves it on the users page and gets the code once (F-D)", async () => {
  const discipline = { ...reviewer, id: 9, username: "kyluat", full_name: "Đỗ Văn Khánh", role: "disciplinary", pending_approvals: [], reset_needs_approval: true };
  const grant = {
    id: 11, kind: "password", kind_label: "", state: "pending", state_label: "", role: "", officer: null, recent_changes: [], no_approver: false,
    target: { id: 9, username: "kyluat", full_name: "Đỗ Văn Khánh", role: "disciplinary", is_active: true, linked_officer: null },
    requested_label: "qtv2", requested_by: { name: "Phạm Thị Loan", username: "qtv2" }, requested_at: "2026-11-30T05:00:00Z",
    expires_at: "2026-12-03T05:00:00Z", decided_label: "", decided_by: null, decided_at: null, reason: "", may_decide: true, asked_by_you: false,
  };
  const posts: { url: string; body: unknown }[] = [];
  vi.stubGlobal("fetch", vi.fn(async (url: string, init?: RequestInit) => {
    if (init?.method === "POST") {
      posts.push({ url, body: JSON.parse(String(init.body ?? "{}")) });
      if (url.includes("auth/team-grants/11/approve/")) return json({ ...grant, state: "approved", may_decide: false, activation_code: "ABCD-EFGH-JKLM", activation_expires_at: "2026-12-04T05:00:00Z" });
      if (url.includes("auth/users/9/password/")) return json({ ...grant, id: 12, asked_by_you: true, may_decide: false }, 202);
    }
    if (url.includes("auth/users/")) return json({ count: 1, next: null, previous: null, results: [discipline] });
    if (url.includes("auth/team-grants/")) return json({ count: 1, next: null, previous: null, results: [grant] });
    return json({ count: 0, next: null, previous: null, results: [] });
  }));
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(<QueryClientProvider client={qc}><UsersPage /></QueryClientProvider>);

  // the request of another administrator is this one's to decide, not listed among his own requests
  const inbox = await screen.findByTestId("admin-to-decide");
  expect(within(inbox).getByText("Đỗ Văn Khánh")).toBeInTheDocument();
  expect(screen.queryByTestId("my-grants")).not.toBeInTheDocument();
  fireEvent.click(within(inbox).getByTestId("grant-approve-11"));
  fireEvent.click(await screen.findByTestId("grant-decide"));
  expect(await screen.findByTestId("grant-activation-code")).toHaveTextContent("ABCD-EFGH-JKLM");
  fireEvent.click(screen.getByTestId("grant-code-done"));

  // his own reset of the account: no password typed, a request waiting for a second person
  fireEvent.click(within(screen.getByTestId("users-table")).getByRole("button", { name: "Sửa tài khoản kyluat" }));
  expect(document.querySelector('input[autocomplete="new-password"]')).toBeNull();
  fireEvent.click(screen.getByTestId("user-password-reset"));
  expect(await screen.findByTestId("user-password-result")).toHaveTextContent("Đã gửi yêu cầu đặt lại mật khẩu");
  expect(posts.map((p) => p.url.replace(/^.*\/api\//, ""))).toEqual(["auth/team-grants/11/approve/", "auth/users/9/password/"]);
  expect(posts[1].body).toEqual({ password: "" });
});

test("a new account like an existing one shows the server's message naming it, and sends the worded reason (issue 15)", async () => {
  const posts: Record<string, unknown>[] = [];
  const lookalike = "Có thể đây là một người đã có tài khoản hoặc hồ sơ cán bộ: tài khoản hanh.lt (Lương Thị Hạnh, Cán bộ xem xét hình ảnh).";
  vi.stubGlobal("fetch", vi.fn(async (url: string, init?: RequestInit) => {
    if (url.includes("auth/users/") && init?.method === "POST") {
      const body = JSON.parse(String(init.body)) as Record<string, unknown>;
      posts.push(body);
      if (!body.distinct_reason) return json({ error: { code: "account_lookalike", message: lookalike, message_en: "x", fields: { distinct_reason: ["required"] } } }, 409);
      return json({ ...reviewer, id: 9, username: "hanh2", full_name: "Lương Thị Hạnh" }, 201);
    }
    if (url.includes("auth/roles/")) return json({ roles: [{ code: "reviewer", label_vi: "Cán bộ xem xét hình ảnh", guarded: false, team: false }] });
    if (url.includes("auth/users/")) return json({ count: 1, next: null, previous: null, results: [reviewer] });
    return json({ count: 0, next: null, previous: null, results: [] });
  }));
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(<QueryClientProvider client={qc}><UsersPage /></QueryClientProvider>);
  await screen.findByTestId("users-table");
  fireEvent.click(screen.getByRole("button", { name: /Thêm người dùng/ }));
  const dialog = await screen.findByRole("dialog", { name: "Thêm người dùng" });
  fireEvent.change(within(dialog).getByLabelText("Tên đăng nhập"), { target: { value: "hanh2" } });
  fireEvent.change(within(dialog).getByLabelText("Họ tên"), { target: { value: "Lương Thị Hạnh" } });
  fireEvent.change(within(dialog).getByTestId("user-role"), { target: { value: "reviewer" } });
  fireEvent.change(await within(dialog).findByLabelText(/Mật khẩu ban đầu/), { target: { value: "Demo@12345" } });
  expect(within(dialog).queryByTestId("user-distinct-reason")).toBeNull();
  fireEvent.click(within(dialog).getByRole("button", { name: "Tạo mới" }));
  expect(await within(dialog).findByText(lookalike)).toBeInTheDocument();
  fireEvent.change(await within(dialog).findByTestId("user-distinct-reason"), { target: { value: "Hai người khác nhau, cùng họ tên nhưng công tác ở hai đơn vị" } });
  fireEvent.click(within(dialog).getByRole("button", { name: "Tạo mới" }));
  await waitFor(() => expect(posts).toHaveLength(2));
  expect(posts[1]).toMatchObject({ full_name: "Lương Thị Hạnh", distinct_reason: "Hai người khác nhau, cùng họ tên nhưng công tác ở hai đơn vị" });
});

test("which roles get no password from the administrator is the server's list (GET /api/auth/roles/), not a copy", async () => {
  // a server that (for the test) does not guard the disciplinary role: the page follows it, whatever its own idea
  const roles = [
    { code: "inspector", label_vi: "Cán bộ kiểm tra", guarded: true, team: true },
    { code: "reviewer", label_vi: "Cán bộ xem xét hình ảnh", guarded: false, team: false },
    { code: "disciplinary", label_vi: "Cán bộ kỷ luật", guarded: false, team: false },
    { code: "admin", label_vi: "Quản trị viên", guarded: true, team: false },
  ];
  const asked: string[] = [];
  vi.stubGlobal("fetch", vi.fn(async (url: string) => {
    asked.push(url);
    if (url.includes("auth/roles/")) return json({ roles });
    if (url.includes("auth/users/")) return json({ count: 1, next: null, previous: null, results: [reviewer] });
    return json({ count: 0, next: null, previous: null, results: [] });
  }));
  render(<QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}><UsersPage /></QueryClientProvider>);
  fireEvent.click(await screen.findByRole("button", { name: /Thêm người dùng/ }));
  const dialog = await screen.findByRole("dialog");
  await waitFor(() => expect(asked.some((u) => u.includes("auth/roles/"))).toBe(true));
  expect(await within(dialog).findByTestId("user-team-no-password")).toBeInTheDocument(); // inspector: guarded
  fireEvent.change(within(dialog).getByTestId("user-role"), { target: { value: "disciplinary" } });
  await waitFor(() => expect(within(dialog).queryByTestId("user-team-no-password")).toBeNull());
  fireEvent.change(within(dialog).getByTestId("user-role"), { target: { value: "admin" } });
  expect(within(dialog).getByTestId("user-team-no-password")).toBeInTheDocument();
});

test("the approval card shows the look-alikes found and the reason given, and says when one is the approver (insider S2-4)", async () => {
  const grant = {
    id: 21, kind: "create", kind_label: "", state: "pending", state_label: "", role: "disciplinary", officer: null, recent_changes: [], no_approver: false,
    target: { id: 30, username: "dvbinh-kl", full_name: "Đặng Văn Bình", role: "disciplinary", is_active: false, linked_officer: null },
    requested_label: "qtv2", requested_by: { name: "Phạm Thị Loan", username: "qtv2" }, requested_at: "2026-11-30T05:00:00Z",
    expires_at: "2026-12-03T05:00:00Z", decided_label: "", decided_by: null, decided_at: null, reason: "", may_decide: true, asked_by_you: false,
    full_name: "", scope_unit: null,
    lookalikes: {
      accounts: [{ id: 2, username: "lead", full_name: "Đặng Văn Bình", role: "inspection_lead", is_you: false, date_of_birth: "1980-01-01" },
                 { id: 1, username: "admin", full_name: "Đặng Văn Bình", role: "admin", is_you: true, date_of_birth: null }],
      officers: [{ id: 4, service_number: "NA-1002", full_name: "Đặng Văn Bình", rank: "Trung tá", date_of_birth: null, is_you: false }],
      distinct_reason: "Hai người khác nhau, cùng họ tên nhưng công tác ở hai đơn vị riêng biệt",
    },
  };
  vi.stubGlobal("fetch", vi.fn(async (url: string) => {
    if (url.includes("auth/users/")) return json({ count: 1, next: null, previous: null, results: [reviewer] });
    if (url.includes("auth/team-grants/")) return json({ count: 1, next: null, previous: null, results: [grant] });
    return json({ count: 0, next: null, previous: null, results: [] });
  }));
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(<QueryClientProvider client={qc}><UsersPage /></QueryClientProvider>);

  const inbox = await screen.findByTestId("admin-to-decide");
  const card = within(inbox).getByTestId("grant-lookalikes-21");
  expect(card).toHaveTextContent("Có thể là cùng một người với");
  expect(card).toHaveTextContent("Tài khoản lead: Đặng Văn Bình · Tổ trưởng tổ kiểm tra · sinh ngày 01/01/1980");
  expect(card).toHaveTextContent("Tài khoản admin: Đặng Văn Bình · Quản trị viên · đây là đồng chí");
  expect(card).toHaveTextContent("Cán bộ Trung tá Đặng Văn Bình (số hiệu NA-1002)");
  expect(card).toHaveTextContent("Hai người khác nhau, cùng họ tên nhưng công tác ở hai đơn vị riêng biệt");
  fireEvent.click(within(inbox).getByTestId("grant-approve-21"));
  expect(await screen.findByTestId("grant-lookalikes")).toHaveTextContent("đây là đồng chí");
});

test("renaming an account like another person's asks the worded reason and sends it (insider S1-4)", async () => {
  const patches: Record<string, unknown>[] = [];
  vi.stubGlobal("fetch", vi.fn(async (url: string, init?: RequestInit) => {
    if (url.includes("auth/users/7/") && init?.method === "PATCH") {
      const body = JSON.parse(String(init.body)) as Record<string, unknown>;
      patches.push(body);
      if (!body.distinct_reason) return json({ error: { code: "account_lookalike", message: "Có thể đây là một người đã có tài khoản: tài khoản lead (Đặng Văn Bình).", message_en: "x", fields: { distinct_reason: ["required"] } } }, 409);
      return json({ ...reviewer, full_name: "Lê Thị Hoa" });
    }
    if (url.includes("auth/users/")) return json({ count: 1, next: null, previous: null, results: [reviewer] });
    return json({ count: 0, next: null, previous: null, results: [] });
  }));
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(<QueryClientProvider client={qc}><UsersPage /></QueryClientProvider>);
  fireEvent.click(within(await screen.findByTestId("users-table")).getByRole("button", { name: "Sửa tài khoản reviewer" }));
  fireEvent.change(screen.getByLabelText("Họ tên"), { target: { value: "Đặng Văn Bình" } });
  fireEvent.click(screen.getByTestId("user-save"));
  expect(await screen.findByText(/tài khoản lead \(Đặng Văn Bình\)/)).toBeInTheDocument();
  fireEvent.change(screen.getByTestId("user-edit-distinct-reason"), { target: { value: "Hai người khác nhau, cùng họ tên nhưng khác đơn vị công tác" } });
  fireEvent.click(screen.getByTestId("user-save"));
  await waitFor(() => expect(patches).toHaveLength(2));
  expect(patches[1]).toMatchObject({ full_name: "Đặng Văn Bình", distinct_reason: "Hai người khác nhau, cùng họ tên nhưng khác đơn vị công tác" });
});
