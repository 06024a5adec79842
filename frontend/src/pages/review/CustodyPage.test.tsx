import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, within } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router";
import { afterEach, expect, test, vi } from "vitest";
import CustodyPage from "./CustodyPage";

const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });

afterEach(() => vi.unstubAllGlobals());

const entry = (over: Record<string, unknown>) => ({
  id: 1, at: "2026-11-28T02:05:00Z", action: "view", action_label: "Xem", user: { id: 3, name: "Nguyễn Thu Hà" },
  clip_id: 4, tag_id: null, package_id: null, finding_id: null, finding_reference: null, object_key: "k",
  reason: "Xác minh phản ánh", ip: "10.0.0.5", user_agent: "", expires_at: null, detail: { variant: "proxy" },
  count: 1, last_at: "2026-11-28T02:05:00Z", ...over,
});

test("repeated views counted on one entry show the count and the last time", async () => {
  vi.stubGlobal("fetch", vi.fn(async (input: RequestInfo | URL) => {
    const url = String(input);
    if (url.includes("/custody/")) {
      return json({ count: 2, next: null, previous: null, results: [
        entry({ id: 1, count: 1240, last_at: "2026-11-28T02:40:12Z" }),
        entry({ id: 2, action: "download", action_label: "Tải xuống" }),
      ] });
    }
    return json({ count: 0, next: null, previous: null, results: [] });
  }));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter initialEntries={["/review/clips/4/custody"]}>
        <Routes><Route path="/review/clips/:id/custody" element={<CustodyPage kind="clip" />} /></Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
  const rows = await screen.findAllByTestId("custody-row");
  expect(screen.getByRole("columnheader", { name: "Số lần" })).toBeInTheDocument();
  const counts = rows.map((r) => within(r).getByTestId("custody-count").textContent);
  expect(counts[0]).toBe("1.240lần cuối 28/11/2026 09:40:12");
  expect(counts[1]).toBe("1");
});

test("an export's request and its build are two entries that read apart, not one row twice", async () => {
  vi.stubGlobal("fetch", vi.fn(async (input: RequestInfo | URL) => {
    const url = String(input);
    if (url.includes("/custody/")) {
      return json({ count: 2, next: null, previous: null, results: [
        entry({ id: 1, action: "export", action_label: "Xuất gói", clip_id: null, package_id: 3, reason: "Chuyển hội đồng kỷ luật", detail: { state: "requested" } }),
        entry({ id: 2, action: "export", action_label: "Xuất gói", clip_id: null, package_id: 3, reason: "Chuyển hội đồng kỷ luật", ip: null, detail: { state: "ready", sha256: "ab" } }),
      ] });
    }
    return json({ count: 0, next: null, previous: null, results: [] });
  }));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter initialEntries={["/review/packages/3/custody"]}>
        <Routes><Route path="/review/packages/:id/custody" element={<CustodyPage kind="package" />} /></Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
  const rows = await screen.findAllByTestId("custody-row");
  expect(rows).toHaveLength(2);
  expect(rows[0]).toHaveTextContent("Nguyễn Thu HàYêu cầu xuất gói chứng cứ");
  expect(rows[1]).toHaveTextContent("Hệ thống (theo yêu cầu của Nguyễn Thu Hà)Gói chứng cứ đã được tạo xong");
});
