import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, expect, test, vi } from "vitest";
import CommitmentsPage from "./CommitmentsPage";

afterEach(() => vi.unstubAllGlobals());

test("/verify names the draw's parameters in words, not the raw keys", async () => {
  const commitment = {
    id: 3, created_at: "2026-11-30T02:00:00Z", created_by: "province-lead", seed_sha256: "a".repeat(64), n: 40, start: "2026-12-01", end: "2026-12-31",
    state: "open", closed_at: null, seed: null, reason: "", close_reason: "", flags: [], checks_started: 0, checks_cancelled: 0,
    parameters: { proportional_share: 0.75, floor_months: 6, conflict_years: 3, include_weekends: false, check_minutes: 120, mode: "dot_xuat", pool_size: 7 },
  };
  vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify([commitment]), { status: 200, headers: { "Content-Type": "application/json" } })));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter><CommitmentsPage /></MemoryRouter>
    </QueryClientProvider>,
  );
  const cell = await screen.findByTestId("commitment-parameters");
  expect(cell).toHaveTextContent("Tỷ lệ chọn theo rủi ro: 75%");
  expect(cell).toHaveTextContent("Số năm xét xung đột lợi ích: 3");
  expect(cell).toHaveTextContent("Kiểm tra cả cuối tuần: Không");
  expect(cell).toHaveTextContent("Thời lượng mỗi cuộc: 120 phút");
  expect(cell).toHaveTextContent("Hình thức kiểm tra: Đột xuất");
  expect(cell).not.toHaveTextContent(/proportional_share|conflict_years|pool_size/);
  expect(screen.getByRole("columnheader", { name: "Số đơn vị yêu cầu" })).toBeInTheDocument();
});
