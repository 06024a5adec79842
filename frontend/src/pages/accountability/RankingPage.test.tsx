import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, expect, test, vi } from "vitest";
import RankingPage from "./RankingPage";

afterEach(() => vi.unstubAllGlobals());

const row = (code: string, over: Record<string, unknown>) => ({
  rank: 1, unit: { id: code.length + code.charCodeAt(0), code, name: `Công an xã ${code}`, level: "commune" }, score: 90, base: 90,
  components: { checks: { percent: 90, signed_reports: 1, weight: 1 }, tasks: { percent: null, total: 0, on_time: 0, late: 0, missed: 0, pending: 0, weight: 0 }, deductions: { points: 0, findings: 0, by_severity: {} } },
  previous: { period: "2025", score: 86, rank: 15, ranked: 77, basis: "same_units_and_predecessors" },
  trend: "up", score_change: 4, rank_change: 14, comparable: 41,
  emulation: { unit: null, heads: [] }, note_vi: "", note_en: "",
  ...over,
});

test("the trend says places moved among the units ranked in both periods, and the points as points; no previous data is not 'new'", async () => {
  const rankings = {
    level: "commune", period: { label: "2026", start: "2026-01-01", end: "2026-12-31" }, previous_period: { label: "2025", start: "2025-01-01", end: "2025-12-31" },
    policy_version: 1, units: 3, ranked: 3,
    rows: [
      row("ANH35", {}),
      row("DIEN2", { rank: 41, score: 42.5, previous: { period: "2025", score: 60.5, rank: 76, ranked: 77 }, trend: "down", score_change: -18, rank_change: -3 }),
      row("CON9", { rank: 2, previous: { period: "2025", score: null, rank: null, ranked: 77 }, trend: "new", score_change: null, rank_change: null }),
    ],
  };
  vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify(rankings), { status: 200, headers: { "Content-Type": "application/json" } })));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter><RankingPage /></MemoryRouter>
    </QueryClientProvider>,
  );
  expect(await screen.findByTestId("trend-ANH35")).toHaveTextContent("Tăng 14 bậc");
  expect(screen.getByTestId("trend-detail-ANH35")).toHaveTextContent("so với 41 đơn vị có xếp hạng cả hai kỳ · điểm +4 · Kỳ trước (2025): hạng 15/77");
  expect(screen.getByTestId("trend-DIEN2")).toHaveTextContent("Giảm 3 bậc");
  expect(screen.getByTestId("trend-detail-DIEN2")).toHaveTextContent("điểm −18");
  expect(screen.getByTestId("trend-CON9")).toHaveTextContent("Kỳ trước chưa có dữ liệu");
  expect(screen.queryByText(/Mới xếp hạng|Tăng hạng/)).toBeNull();
});
