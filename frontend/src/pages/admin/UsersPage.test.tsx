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
