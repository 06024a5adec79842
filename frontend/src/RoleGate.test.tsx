import { QueryClient, QueryClientProvider, useQuery } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import { MemoryRouter, Navigate, Route, Routes } from "react-router";
import { afterEach, expect, test, vi } from "vitest";
import { RoleGate } from "./App";
import { pageIsFor } from "./access";
import { api } from "./api/client";
import type { Role } from "./types/org";

// Issue 15 (user review): a unit head at /admin/users, /review/clips or /accountability/trace saw the page's
// working controls beside "Không có quyền truy cập", or "Không tìm thấy".

afterEach(() => vi.unstubAllGlobals());

function UsersStandIn() {
  const q = useQuery({ queryKey: ["users"], queryFn: () => api.get("org/users/") });
  return <div><button type="button">+ Thêm người dùng</button>{q.isError && <p>Không có quyền truy cập</p>}</div>;
}

const renderAt = (role: Role, path: string) => render(
  <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
    <MemoryRouter initialEntries={[path]}>
      <Routes>
        <Route element={<RoleGate role={role} />}>
          <Route path="admin/users" element={<UsersStandIn />} />
          <Route path="review/clips" element={<p>Đoạn phim mới sẽ tự xuất hiện</p>} />
          <Route path="accountability/findings" element={<p>Danh sách truy trách nhiệm</p>} />
          <Route path="accountability/trace" element={<Navigate to="/accountability/findings" replace />} />
        </Route>
      </Routes>
    </MemoryRouter>
  </QueryClientProvider>,
);

test.each(["/admin/users", "/review/clips", "/accountability/trace"])("a unit head at %s is told the page is not for the role, and nothing else", async (path) => {
  const fetch = vi.fn(async () => new Response("{}", { status: 200, headers: { "Content-Type": "application/json" } }));
  vi.stubGlobal("fetch", fetch);
  renderAt("unit_head", path);
  expect(await screen.findByTestId("not-for-role")).toHaveTextContent("Trang này không dành cho vai trò của đồng chí");
  expect(screen.queryByText("+ Thêm người dùng")).toBeNull();
  expect(screen.queryByText("Đoạn phim mới sẽ tự xuất hiện")).toBeNull();
  expect(screen.queryByText(/Không tìm thấy|Không có quyền truy cập/)).toBeNull();
  expect(fetch).not.toHaveBeenCalled();
});

test("a page the server refuses (403) is replaced by the same notice, not its controls beside a refusal", async () => {
  vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify({ error: { code: "forbidden", message: "Đồng chí không có quyền.", message_en: "Forbidden." } }), { status: 403, headers: { "Content-Type": "application/json" } })));
  renderAt("admin", "/admin/users");
  expect(await screen.findByTestId("not-for-role")).toHaveTextContent("Trang này không dành cho vai trò của đồng chí");
  expect(screen.queryByText("+ Thêm người dùng")).toBeNull();
});

test("the roles a page is for still see it", async () => {
  vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify({ count: 0, results: [] }), { status: 200, headers: { "Content-Type": "application/json" } })));
  renderAt("admin", "/admin/users");
  expect(await screen.findByText("+ Thêm người dùng")).toBeInTheDocument();
  expect(screen.queryByTestId("not-for-role")).toBeNull();
});

test("every workspace page has its roles: the routes a unit head, reviewer and inspector may and may not open", () => {
  expect(pageIsFor("unit_head", "/admin/users")).toBe(false);
  expect(pageIsFor("unit_head", "/review/clips")).toBe(false);
  expect(pageIsFor("unit_head", "/accountability/trace")).toBe(false);
  expect(pageIsFor("unit_head", "/accountability/trace/12")).toBe(true);
  expect(pageIsFor("unit_head", "/accountability/findings")).toBe(true); // the home card's link (inspection/home.py)
  expect(pageIsFor("unit_head", "/accountability/heads/4")).toBe(true);
  expect(pageIsFor("unit_head", "/inspection/findings/9")).toBe(true);
  expect(pageIsFor("unit_head", "/inspection/draws")).toBe(false);
  expect(pageIsFor("reviewer", "/inspection/findings")).toBe(true);
  expect(pageIsFor("reviewer", "/inspection/checks")).toBe(false);
  expect(pageIsFor("inspector", "/review/clips/3")).toBe(true);
  expect(pageIsFor("inspector", "/admin/org")).toBe(false);
  expect(pageIsFor("admin", "/inspection/draws")).toBe(false);
  expect(pageIsFor("inspection_lead", "/inspection/approvals")).toBe(true);
  expect(pageIsFor("unit_head", "/verify")).toBe(true);
});
