import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes } from "react-router";
import { afterEach, expect, test, vi } from "vitest";
import { PackagesCard } from "./Packages";
import CustodyPage, { shortAgent } from "../../pages/review/CustodyPage";

afterEach(() => vi.unstubAllGlobals());

const base = {
  finding_id: 7, finding_reference: "VP-2026-0007", kind: "finding", tag_ids: [], signed: true,
  requested_by: { id: 4, name: "Ngô Thị Mai" }, requested_at: "2026-11-30T02:00:00Z", reason: "Chuyển hội đồng",
  finished_at: null, size_bytes: null, sha256: "", manifest_sha256: "", files: [], error: "",
};
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
const page = (results: unknown[]) => json({ count: results.length, next: null, previous: null, results });

function wrap(node: React.ReactNode, path = "/") {
  return render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter initialEntries={[path]}>{node}</MemoryRouter>
    </QueryClientProvider>,
  );
}

test("a building package shows its progress, then verifies: hashes, record and signature", async () => {
  let calls = 0;
  const fetchMock = vi.fn(async (url: string, init?: RequestInit) => {
    if (url.includes("/verify/") && init?.method === "POST") {
      return json({ ok: true, package_id: 3, checked: 4, manifest_sha256: "m", problems: [], signature: { present: true, valid: true, key_id: "d06a7c9520140ecd", problem: "" } });
    }
    calls += 1;
    const state = calls === 1
      ? { ...base, id: 3, state: "building", state_label: "Đang tạo", progress: 0.5 }
      : { ...base, id: 3, state: "ready", state_label: "Sẵn sàng", progress: 1, sha256: "ab".repeat(32), size_bytes: 2048, files: [{ path: "README.txt", sha256: "x", size: 1 }] };
    return page([state]);
  });
  vi.stubGlobal("fetch", fetchMock);
  wrap(<PackagesCard owner={{ finding: 7 }} canExport />);
  expect(await screen.findByText("Đang tạo gói… 50%")).toBeInTheDocument();
  expect(screen.getByTestId("package-export")).toBeDisabled(); // one package at a time
  expect(await screen.findByText("Sẵn sàng", {}, { timeout: 3000 })).toBeInTheDocument(); // polled
  await userEvent.click(screen.getByTestId("package-verify"));
  const result = await screen.findByTestId("package-verify-result");
  expect(result).toHaveTextContent("Toàn vẹn");
  expect(result).toHaveTextContent("Đã băm lại 4 tệp: khớp danh mục");
  expect(result).toHaveTextContent("Chữ ký số hợp lệ (khóa d06a7c9520140ecd)");
});

test("export says why it cannot run, and asks for a reason before it does", async () => {
  vi.stubGlobal("fetch", vi.fn(async () => page([])));
  const { unmount } = wrap(<PackagesCard owner={{ finding: 7 }} canExport exportDisabledReason="Vi phạm chưa có chứng cứ để xuất." />);
  expect(await screen.findByText("Chưa xuất gói chứng cứ nào.")).toBeInTheDocument();
  expect(screen.getByTestId("package-export")).toBeDisabled();
  expect(screen.getByTestId("package-export")).toHaveAttribute("title", "Vi phạm chưa có chứng cứ để xuất.");
  unmount();

  wrap(<PackagesCard owner={{ finding: 7 }} canExport />);
  await userEvent.click(await screen.findByTestId("package-export"));
  expect(screen.getByTestId("package-submit")).toBeDisabled();
  expect(screen.getByTestId("package-submit")).toHaveAttribute("title", "Nhập lý do trước");
  // typed but not worded: the button says what is wrong, not "enter a reason first" (user review, issue 15)
  await userEvent.type(screen.getByRole("textbox"), "...");
  expect(screen.getByTestId("package-submit")).toHaveAttribute("title", expect.stringContaining("viết thành lời"));
  await userEvent.clear(screen.getByRole("textbox"));
  await userEvent.type(screen.getByRole("textbox"), "Chuyển hội đồng kỷ luật");
  expect(screen.getByTestId("package-submit")).toBeEnabled();
});

test("the custody log reads who, what, from where; names the finding; offers CSV and Excel", async () => {
  const entry = {
    id: 1, at: "2026-11-30T02:24:58Z", action: "export", action_label: "Xuất gói chứng cứ", user: { id: 4, name: "Ngô Thị Mai" },
    clip_id: null, tag_id: null, package_id: 3, finding_id: 7, finding_reference: "VP-2026-0007", object_key: "", reason: "Chuyển hội đồng",
    ip: null, user_agent: "", expires_at: null, detail: { state: "ready" },
  };
  vi.stubGlobal("fetch", vi.fn(async (url: string) => (url.includes("/custody/") ? page([entry, { ...entry, id: 2, ip: "10.0.0.5", user_agent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36" }]) : json({ ...base, id: 3, state: "ready", state_label: "Sẵn sàng", progress: 1 }))));
  wrap(<Routes><Route path="/review/packages/:id/custody" element={<CustodyPage kind="package" />} /></Routes>, "/review/packages/3/custody");
  const rows = await screen.findAllByTestId("custody-row");
  expect(rows[0]).toHaveTextContent("Ngô Thị Mai");
  expect(rows[0]).toHaveTextContent("gói #3; vi phạm VP-2026-0007; đã tạo xong");
  expect(rows[0]).toHaveTextContent("máy chủ (tác vụ nền)");
  expect(rows[1]).toHaveTextContent("10.0.0.5");
  expect(rows[1]).toHaveTextContent("Chrome 131 · Linux");
  // the package reads as what it holds, not as its long random id (user review of stop 26)
  await waitFor(() => expect(document.body).toHaveTextContent(/Gói VP-2026-0007 · /));
  expect(document.body).not.toHaveTextContent("Gói #3");
  expect(screen.getByTestId("custody-csv")).toHaveAttribute("href", "/api/media/evidence/packages/3/custody/export/?type=csv");
  expect(screen.getByTestId("custody-xlsx")).toHaveAttribute("href", "/api/media/evidence/packages/3/custody/export/?type=xlsx");
  expect(await screen.findByRole("link", { name: "VP-2026-0007" })).toHaveAttribute("href", "/inspection/findings/7");
});

test("shortAgent names the browser and system", () => {
  expect(shortAgent("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36 Edg/120.0")).toBe("Edge 120 · Windows");
  expect(shortAgent("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")).toBe("Firefox 128 · Linux");
  expect(shortAgent("")).toBe("");
});

test("a failed package and a tampered one are explained in Vietnamese", async () => {
  const failed = { ...base, id: 5, state: "failed", state_label: "Lỗi", progress: 0.3, error: "tệp chứng cứ anh.jpg đã bị thay đổi sau khi tải lên (SHA-256 khác)", error_en: "evidence file anh.jpg: content changed since upload" };
  const ready = { ...base, id: 6, state: "ready", state_label: "Sẵn sàng", progress: 1, sha256: "cd".repeat(32) };
  vi.stubGlobal("fetch", vi.fn(async (url: string, init?: RequestInit) => {
    if (url.includes("/verify/") && init?.method === "POST") {
      return json({ ok: false, package_id: 6, checked: 3, manifest_sha256: "m", problems: ["segments/01.mkv: SHA-256 does not match the manifest"], problems_vi: ["segments/01.mkv: SHA-256 không khớp danh mục"], signature: { present: true, valid: true, key_id: "k", problem: "", problem_vi: "" } });
    }
    return page([ready, failed]);
  }));
  wrap(<PackagesCard owner={{ finding: 7 }} canExport />);
  expect(await screen.findByText(/tệp chứng cứ anh.jpg đã bị thay đổi sau khi tải lên/)).toBeInTheDocument();
  await userEvent.click(screen.getByTestId("package-verify"));
  const result = await screen.findByTestId("package-verify-result");
  expect(result).toHaveTextContent("KHÔNG toàn vẹn");
  expect(result).toHaveTextContent("segments/01.mkv: SHA-256 không khớp danh mục");
  expect(result).not.toHaveTextContent("Đã băm lại");
});

test("the download reason starts empty: what is typed is what the custody log gets, nothing glued to the export reason", async () => {
  const bodies: unknown[] = [];
  vi.stubGlobal("fetch", vi.fn(async (url: string, init?: RequestInit) => {
    if (url.includes("/download/") && init?.method === "POST") {
      bodies.push(JSON.parse(String(init.body)));
      return json({ url: "about:blank", expires_at: "2026-11-30T02:05:00Z", sha256: "ab" });
    }
    return page([{ ...base, id: 3, reason: "Chuyển Hội đồng kỷ luật xem xét", state: "ready", state_label: "Sẵn sàng", progress: 1,
      sha256: "ab".repeat(32), size_bytes: 2048, files: [{ path: "README.txt", sha256: "x", size: 1 }] }]);
  }));
  wrap(<PackagesCard owner={{ finding: 7 }} canExport />);
  await userEvent.click(await screen.findByTestId("package-download"));
  const box = screen.getByTestId("package-download-reason");
  expect(box).toHaveValue("");
  expect(screen.getByTestId("package-export-reason")).toHaveTextContent("Chuyển Hội đồng kỷ luật xem xét");
  await userEvent.type(box, "Gửi Hội đồng kỷ luật");
  await userEvent.click(screen.getByTestId("package-download-submit"));
  await screen.findByTestId("package-download-ok");
  expect(bodies).toEqual([{ reason: "Gửi Hội đồng kỷ luật" }]);
});

test("a package reads as what it holds and when, not as its long random id (fixui 7)", async () => {
  const { packageLabel } = await import("./Packages");
  const i18n = (await import("i18next")).default;
  const t = i18n.t.bind(i18n) as unknown as (k: string, o?: Record<string, unknown>) => string;
  const at = "2026-11-30T16:50:34Z";
  expect(packageLabel({ kind: "finding", finding_reference: "VP-2026-0007", tag_ids: [], requested_at: at }, t)).toBe("Gói VP-2026-0007 · 30/11/2026 23:50");
  const sel = packageLabel({ kind: "selection", finding_reference: null, tag_ids: [1, 2], requested_at: at }, t);
  expect(sel).toMatch(/^Gói 2 thẻ đã chọn · /);
  expect(sel).not.toMatch(/#/);
});

test("the download dialog closes once the download starts, the row says so, and the reason rule is written once", async () => {
  vi.stubGlobal("fetch", vi.fn(async (url: string, init?: RequestInit) => {
    if (url.includes("/download/") && init?.method === "POST") return json({ url: "about:blank", expires_at: "2026-11-30T02:05:00Z", sha256: "ab" });
    return page([{ ...base, id: 3, state: "ready", state_label: "Sẵn sàng", progress: 1, sha256: "ab".repeat(32), size_bytes: 2048, files: [] }]);
  }));
  wrap(<PackagesCard owner={{ finding: 7 }} canExport />);
  await userEvent.click(await screen.findByTestId("package-download"));
  const dialog = screen.getByRole("dialog");
  expect(screen.getAllByText(/Nhập lý do, viết thành lời/)).toHaveLength(1);
  expect(screen.getByTestId("package-download-submit")).toHaveAttribute("title", "Nhập lý do trước");
  await userEvent.type(screen.getByTestId("package-download-reason"), "Gửi Hội đồng kỷ luật");
  await userEvent.click(screen.getByTestId("package-download-submit"));
  expect(await screen.findByTestId("package-download-ok")).toHaveTextContent("Đã cấp liên kết tải (hết hạn lúc 09:05:00).");
  expect(dialog).not.toBeInTheDocument();
  expect(screen.queryByRole("dialog")).toBeNull();
});
