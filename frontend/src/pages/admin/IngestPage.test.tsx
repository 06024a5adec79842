import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, within } from "@testing-library/react";
import { afterEach, expect, test, vi } from "vitest";
import IngestPage from "./IngestPage";

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

afterEach(() => vi.unstubAllGlobals());

test("the ingest page shows storage used, what expires this week, what is held, and each queue's workers", async () => {
  vi.stubGlobal("fetch", vi.fn(async (url: string) => {
    if (url.includes("media/ingest/status/")) {
      return json({
        total: 3, by_state: { indexed: 3 }, unassigned: 0, outdated: 0, analysis_version: "1", reconcile: [],
        store: { ok: true },
        job_queue: { ok: false, mode: "celery", queues: {
          ingest: { workers: 2, listening: true, depth: 0, tasks: ["media_ingest.index_clip"] },
          evidence: { workers: 0, listening: false, depth: 4, tasks: ["review.evidence_package_build"] },
        } },
      });
    }
    if (url.includes("media/retention/")) {
      return json({
        retention_days_default: 90, footage_bytes: 5 * 1024 * 1024 * 1024, deletable_bytes: 1024,
        deletable: [{ id: 1, key: "CAM-01/2026/01/01/080000.mp4", camera: "CAM-01", started_at: null, size_bytes: 1024, hold: [] }],
        held: [{ id: 2, key: "CAM-01/2026/01/01/090000.mp4", camera: "CAM-01", started_at: null, size_bytes: 1, hold: ["tag"] }],
        expiring_this_week: 7, manual_holds: 1,
      });
    }
    return json({ count: 0, next: null, previous: null, results: [] });
  }));
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(<QueryClientProvider client={qc}><IngestPage /></QueryClientProvider>);

  const stats = await screen.findByTestId("retention-stats");
  expect(within(stats).getByText("Dung lượng hình ảnh")).toBeInTheDocument();
  expect(within(stats).getByText("Hết hạn trong 7 ngày").parentElement).toHaveTextContent("7");
  expect(within(stats).getByText("Đang giữ lại (hết hạn)").parentElement).toHaveTextContent("1");
  expect(await screen.findByText(/Hàng đợi evidence: không có tiến trình xử lý · 4 đang chờ/)).toBeInTheDocument();
  expect(screen.getByText(/Hàng đợi ingest: 2 ×/)).toBeInTheDocument();
});
