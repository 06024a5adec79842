import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
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

test("on a mapped clip the admin asks for a correction with a reason; nothing is moved, the request is sent", async () => {
  const posts: { url: string; body: unknown }[] = [];
  const clip = { id: 5, bucket: "b", key: "CAM-TC-01/2026/03/02/080000.mp4", camera: { id: 1, code: "CAM-TC-01" }, unassigned_reason: "",
    started_at: "2026-03-02T01:00:00Z", duration_s: 60, state: "indexed", progress: 1, error: "", warnings: [], attempts: 1,
    source: "store", discovered_at: "2026-03-02T01:05:00Z", indexed_at: null, size_bytes: 10 };
  vi.stubGlobal("fetch", vi.fn(async (url: string, init?: RequestInit) => {
    if (init?.method === "POST") {
      posts.push({ url, body: JSON.parse(String(init.body)) });
      return json({ id: 1 }, 201);
    }
    if (url.includes("media/ingest/clips/")) return json({ count: 1, next: null, previous: null, results: [clip] });
    if (url.includes("org/cameras/")) return json({ count: 2, next: null, previous: null, results: [
      { id: 1, code: "CAM-TC-01", counter: { id: 1, name: "Quầy", unit: { id: 1, name: "Thanh Chương" } } },
      { id: 2, code: "CAM-ND-01", counter: { id: 2, name: "Quầy", unit: { id: 2, name: "Nam Đàn" } } }] });
    if (url.includes("media/ingest/status/")) return json({ total: 1, by_state: {}, unassigned: 0, outdated: 0, analysis_version: "1", reconcile: [], store: { ok: true }, job_queue: { ok: true, mode: "inline", queues: {} } });
    if (url.includes("media/retention/")) return json({ retention_days_default: 90, footage_bytes: 0, deletable_bytes: 0, deletable: [], held: [], expiring_this_week: 0, manual_holds: 0 });
    return json({ count: 0, next: null, previous: null, results: [] });
  }));
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(<QueryClientProvider client={qc}><IngestPage /></QueryClientProvider>);
  fireEvent.click(await screen.findByTestId("remap-ask-5"));
  expect(screen.getByText(/chỉ có hiệu lực khi một tổ trưởng tổ kiểm tra khác người đề nghị phê duyệt/)).toBeInTheDocument();
  const send = screen.getByTestId("remap-send");
  expect(send).toBeDisabled();
  await screen.findByRole("option", { name: /CAM-ND-01/ });
  fireEvent.change(screen.getByTestId("remap-camera"), { target: { value: "2" } });
  // the server's rule, told before sending: three Vietnamese words, fifteen letters ("asdf qwer zxcv" is not)
  fireEvent.change(screen.getByTestId("remap-reason"), { target: { value: "asdf qwer zxcv" } });
  expect(send).toBeDisabled();
  fireEvent.change(screen.getByTestId("remap-reason"), { target: { value: "Camera tải lên nhầm quầy Nam Đàn" } });
  expect(send).not.toBeDisabled();
  fireEvent.click(send);
  await waitFor(() => expect(posts).toHaveLength(1));
  expect(posts[0].url).toContain("media/clips/5/remap-requests/");
  expect(posts[0].body).toMatchObject({ camera_id: 2, reason: "Camera tải lên nhầm quầy Nam Đàn" });
  // a camera-only correction keeps the clip's start to the second: the time field (minutes) is not sent untouched
  expect(posts[0].body).not.toHaveProperty("started_at");
});
