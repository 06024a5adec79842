import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router";
import { afterEach, expect, test, vi } from "vitest";
import FindingDetailPage from "./FindingDetailPage";

const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });
const page = (results: unknown[]) => ({ count: results.length, next: null, previous: null, results });

afterEach(() => vi.unstubAllGlobals());

test("a finding with nothing to package disables the export with its reason before any reason is typed", async () => {
  const finding = {
    id: 2, reference: "VP-2026-601B9D", title: "Vắng mặt tại quầy", source: "check", severity: "minor", state: "confirmed",
    unit: { id: 3, code: "CAX-TC", name: "Công an xã Thanh Chương" }, category: { code: "absent", name_vi: "Vắng mặt", name_en: "Absent" },
    check: { id: "28fe277c", reference: "KT-734745A1" }, occurred_from: "2026-04-14T02:00:00Z", description: "", subjects: [],
    evidence: [], transitions: [], criterion: "1.1", exportable: false,
  };
  vi.stubGlobal("fetch", vi.fn(async (input: RequestInfo | URL) => {
    const url = String(input);
    if (url.includes("/auth/session/")) return json({ signed_in: true, stage: "signed_in", user: { id: 1, username: "reviewer", full_name: "R", role: "reviewer", role_label: "", scope_unit: null } });
    if (url.includes("/inspection/findings/2/") && !url.includes("?")) return json(finding);
    return json(page([]));
  }));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter initialEntries={["/inspection/findings/2"]}>
        <Routes><Route path="/inspection/findings/:id" element={<FindingDetailPage />} /></Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
  const button = await screen.findByTestId("package-export");
  expect(button).toBeDisabled();
  expect(button).toHaveAttribute("title", "Vi phạm chưa có chứng cứ để xuất.");
  expect(button).toHaveAccessibleDescription("Vi phạm chưa có chứng cứ để xuất.");
  expect(screen.getByText("Vi phạm chưa có chứng cứ để xuất.", { selector: "p" })).toBeVisible();
});

test("a unit head is told footage evidence exists (with its count) and the page does not ask for what he may not see", async () => {
  const finding = {
    id: 2, reference: "VP-2026-979BBF", title: "Vắng mặt tại quầy", source: "footage", severity: "minor", state: "confirmed",
    unit: { id: 3, code: "CAX-TC", name: "Công an xã Thanh Chương" }, category: { code: "absent", name_vi: "Vắng mặt", name_en: "Absent" },
    check: null, occurred_from: "2026-02-20T01:00:00Z", description: "", subjects: [],
    evidence: [], transitions: [], explanations: [], criterion: null, exportable: true, media_evidence_count: 2,
  };
  const calls: string[] = [];
  vi.stubGlobal("fetch", vi.fn(async (input: RequestInfo | URL) => {
    const url = String(input);
    calls.push(url);
    if (url.includes("/auth/session/")) return json({ signed_in: true, stage: "signed_in", user: { id: 7, username: "unithead", full_name: "U", role: "unit_head", role_label: "", scope_unit: { id: 3 } } });
    if (url.includes("/media/evidence/")) return new Response(JSON.stringify({ error: { code: "forbidden" } }), { status: 403, headers: { "Content-Type": "application/json" } });
    if (url.includes("/inspection/findings/2/") && !url.includes("?")) return json(finding);
    return json(page([]));
  }));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter initialEntries={["/inspection/findings/2"]}>
        <Routes><Route path="/inspection/findings/:id" element={<FindingDetailPage />} /></Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
  const line = await screen.findByTestId("media-evidence-hidden");
  expect(line).toHaveTextContent("Chứng cứ hình ảnh chỉ cán bộ được phân quyền xem; vi phạm này có 2 chứng cứ hình ảnh.");
  expect(screen.queryByText("Chưa có chứng cứ.")).toBeNull();
  expect(calls.some((u) => u.includes("/media/evidence/"))).toBe(false);
});

test("footage attached outside the finding's period is marked so, with the reason given", async () => {
  const finding = {
    id: 2, reference: "VP-2026-601B9D", title: "Vắng mặt tại quầy", source: "footage", severity: "minor", state: "confirmed",
    unit: { id: 3, code: "CAX-TC", name: "Công an xã Thanh Chương" }, category: { code: "absent", name_vi: "Vắng mặt", name_en: "Absent" },
    check: null, occurred_from: "2026-04-14T02:00:00Z", description: "", subjects: [],
    evidence: [], transitions: [], criterion: null, exportable: true, media_evidence_count: 1,
  };
  const item = {
    id: 5, finding_id: 2, kind: "tag", tag_id: 9, clip_id: 4, start_s: 10, end_s: 20, filename: "", size_bytes: null,
    sha256: "ab".repeat(32), note: "", camera: "CAM-TC-01", moment_from: "2026-04-13T02:00:10Z", moment_to: "2026-04-13T02:00:20Z",
    out_of_period: true, out_of_period_reason: "Hình ảnh đối chứng ngày trước đó",
    added_by: { id: 1, name: "Nguyễn Thu Hà" }, added_at: "2026-04-15T02:00:00Z",
  };
  vi.stubGlobal("fetch", vi.fn(async (input: RequestInfo | URL) => {
    const url = String(input);
    if (url.includes("/auth/session/")) return json({ signed_in: true, stage: "signed_in", user: { id: 1, username: "reviewer", full_name: "R", role: "reviewer", role_label: "", scope_unit: null } });
    if (url.includes("/inspection/findings/2/") && !url.includes("?")) return json(finding);
    if (url.includes("/media/evidence/?")) return json(page([item]));
    return json(page([]));
  }));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter initialEntries={["/inspection/findings/2"]}>
        <Routes><Route path="/inspection/findings/:id" element={<FindingDetailPage />} /></Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
  const mark = await screen.findByTestId("evidence-outside-period");
  expect(mark).toHaveTextContent("Ngoài thời gian vi phạm");
  expect(mark).toHaveTextContent("Lý do vẫn gắn: Hình ảnh đối chứng ngày trước đó");
});

test("one evidence model: an item attached on the finding page is listed once, and a reviewer's file downloads", async () => {
  const finding = {
    id: 2, reference: "VP-2026-601B9D", title: "Vắng mặt tại quầy", source: "footage", severity: "minor", state: "confirmed",
    unit: { id: 3, code: "CAX-TC", name: "Công an xã Thanh Chương" }, category: { code: "absent", name_vi: "Vắng mặt", name_en: "Absent" },
    check: null, occurred_from: "2026-04-14T02:00:00Z", description: "", subjects: [], transitions: [], criterion: null,
    exportable: true, media_evidence_count: 1,
    evidence: [{ id: 8817263512, kind: "file", filename: "bien-ban.pdf", size: 10, sha256: "cd".repeat(32), media_ref: "", description: "", added_at: "2026-04-15T02:00:00Z" }],
  };
  const base = { finding_id: 2, tag_id: null, clip_id: null, start_s: null, end_s: null, note: "", added_by: { id: 1, name: "Hà" }, added_at: "2026-04-15T02:00:00Z" };
  const onPage = { ...base, id: 8817263512, kind: "file", attached_in: "finding", filename: "bien-ban.pdf", size_bytes: 10, sha256: "cd".repeat(32) };
  const inReview = { ...base, id: 4503599627, kind: "file", attached_in: "review", filename: "anh-quay.jpg", size_bytes: 20, sha256: "ef".repeat(32) };
  vi.stubGlobal("fetch", vi.fn(async (input: RequestInfo | URL) => {
    const url = String(input);
    if (url.includes("/auth/session/")) return json({ signed_in: true, stage: "signed_in", user: { id: 1, username: "lead", full_name: "L", role: "inspection_lead", role_label: "", scope_unit: null, is_inspection_team: true } });
    if (url.includes("/inspection/findings/2/") && !url.includes("?")) return json(finding);
    if (url.includes("/media/evidence/?")) return json(page([onPage, inReview]));
    return json(page([]));
  }));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter initialEntries={["/inspection/findings/2"]}>
        <Routes><Route path="/inspection/findings/:id" element={<FindingDetailPage />} /></Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
  await screen.findByText(/anh-quay\.jpg/);
  expect(screen.getAllByText(/bien-ban\.pdf/)).toHaveLength(1);
  const links = screen.getAllByTestId("evidence-download").map((a) => a.getAttribute("href"));
  expect(links.sort()).toEqual(["/api/inspection/findings/2/evidence/4503599627/", "/api/inspection/findings/2/evidence/8817263512/"]);
});
