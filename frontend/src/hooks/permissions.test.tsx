import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, expect, test, vi } from "vitest";
import { ApiError } from "../api/client";
import { navFor } from "../components/Layout";
import { ErrorState } from "../components/ui";
import RiskPage from "../pages/inspection/RiskPage";
import type { Me, Role } from "../types/org";
import { can } from "./permissions";

afterEach(() => vi.unstubAllGlobals());

const me = (role: Role) => ({ id: 1, username: role, full_name: role, role, scope_unit: null, officer: null }) as unknown as Me;
const links = (role: Role) => navFor(me(role)).flatMap((g) => g.items.map((i) => i.to));

test("the menu offers no page the role is refused: an admin gets no risk table and no draws, but the absences", () => {
  expect(links("admin")).not.toContain("/inspection/risk");
  expect(links("admin")).not.toContain("/inspection/draws");
  expect(links("admin")).toContain("/inspection/absences");
  expect(links("inspection_lead")).toEqual(expect.arrayContaining(["/inspection/risk", "/inspection/draws"]));
  expect(links("inspection_lead")).not.toContain("/inspection/absences"); // the lead has them under the draws
  // a reviewer reads the trace but not an officer's profile: no link to it
  expect(can("reviewer", "officerProfile")).toBe(false);
  expect(can("disciplinary", "officerProfile")).toBe(true);
  expect(can(undefined, "risk")).toBe(false);
});

test("a refusal (403) is explained, without a retry button", () => {
  render(<ErrorState error={new ApiError(403, { code: "forbidden", message: "Đồng chí không có quyền.", message_en: "Forbidden" } as never)} onRetry={() => undefined} />);
  expect(screen.getByTestId("forbidden-hint")).toHaveTextContent("Vai trò của đồng chí không được dùng chức năng này");
  expect(screen.queryByRole("button", { name: "Thử lại" })).toBeNull();
});

test("another error keeps its retry", () => {
  render(<ErrorState error={new ApiError(500, { code: "error", message: "Lỗi máy chủ", message_en: "Server error" } as never)} onRetry={() => undefined} />);
  expect(screen.getByRole("button", { name: "Thử lại" })).toBeInTheDocument();
});

test("the risk page shows no placeholder figures above a refusal", async () => {
  vi.stubGlobal("fetch", vi.fn(async (input: RequestInfo | URL) => String(input).includes("auth/me")
    ? new Response(JSON.stringify(me("admin")), { status: 200, headers: { "Content-Type": "application/json" } })
    : new Response(JSON.stringify({ code: "forbidden", message: "Đồng chí không có quyền.", message_en: "Forbidden" }), { status: 403, headers: { "Content-Type": "application/json" } })));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter><RiskPage /></MemoryRouter>
    </QueryClientProvider>,
  );
  expect(await screen.findByTestId("forbidden-hint")).toBeInTheDocument();
  expect(screen.queryByTestId("risk-stats")).toBeNull();
  expect(screen.queryByText("0")).toBeNull();
});

test("the inspection calendar is the team's: not in the administrator's menu, and its page refuses him without reading the checks (issue 15)", async () => {
  expect(links("admin")).not.toContain("/inspection/calendar");
  expect(links("inspection_lead")).toContain("/inspection/calendar");
  expect(links("inspector")).toContain("/inspection/calendar");
  const calls: string[] = [];
  vi.stubGlobal("fetch", vi.fn(async (input: RequestInfo | URL) => {
    calls.push(String(input));
    const body = String(input).includes("auth/session") ? { signed_in: true, stage: "signed_in", user: me("admin") } : { count: 0, next: null, previous: null, results: [] };
    return new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });
  }));
  const { default: CalendarPage } = await import("../pages/inspection/CalendarPage");
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter><CalendarPage /></MemoryRouter>
    </QueryClientProvider>,
  );
  expect(await screen.findByText(/Lịch kiểm tra là việc của tổ kiểm tra/)).toBeInTheDocument();
  expect(screen.getByTestId("forbidden-hint")).toBeInTheDocument();
  expect(calls.some((u) => u.includes("inspection/checks"))).toBe(false);
});
