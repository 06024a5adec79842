import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, within } from "@testing-library/react";
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
  expect(screen.getByRole("columnheader", { name: "Số đơn vị cần rút" })).toBeInTheDocument();
});

test("the risk weights' version and hash are named in words; hashes are shown with a copy button, never overflowing", async () => {
  const commitment = {
    id: 4, created_at: "2026-11-30T02:00:00Z", created_by: "Trung tá Đặng Văn Bình", seed_sha256: "b".repeat(64), n: 3, start: "2026-12-01", end: "2026-12-31",
    state: "open", closed_at: null, seed: null, reason: "", close_reason: "", flags: [], checks_started: 1, checks_cancelled: 2,
    parameters: { risk_weights_version: 2, risk_weights_sha256: "c".repeat(64) },
  };
  vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify([commitment]), { status: 200, headers: { "Content-Type": "application/json" } })));
  const writeText = vi.fn(async () => undefined);
  Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter><CommitmentsPage /></MemoryRouter>
    </QueryClientProvider>,
  );
  const cell = await screen.findByTestId("commitment-parameters");
  expect(cell).not.toHaveTextContent(/risk_weights_version|risk_weights_sha256/);
  expect(cell).toHaveTextContent("Phiên bản trọng số rủi ro: 2");
  expect(cell).toHaveTextContent("Mã băm trọng số rủi ro (SHA-256)");
  expect(cell).not.toHaveTextContent("c".repeat(64)); // the head of it, the whole on hover and in the copy
  expect(screen.getByTitle("c".repeat(64))).toBeInTheDocument();
  expect(screen.getByText(/Người rút thăm/)).toHaveTextContent("Trung tá Đặng Văn Bình");
  expect(screen.getByText("1 đã tiến hành · 2 bị hủy")).toBeInTheDocument();
  const seed = screen.getByTestId("seed-hash-4");
  fireEvent.click(within(seed).getByRole("button", { name: "Chép toàn bộ giá trị" }));
  expect(writeText).toHaveBeenCalledWith("b".repeat(64));
});

test("checks added by hand are named in plain Vietnamese, and a zero count of them is not mentioned (issue 15: '1 do lập tay')", async () => {
  const base = {
    created_at: "2026-11-30T02:00:00Z", created_by: "Trung tá Đặng Văn Bình", seed_sha256: "d".repeat(64), n: 5, start: "2026-12-01", end: "2026-12-31",
    state: "open", closed_at: null, seed: null, reason: "", close_reason: "", checks_started: 0, checks_cancelled: 0, parameters: {},
  };
  const rowsBody = [
    { ...base, id: 7, flags: [{ code: "excluded_pending_check", count: 2, manual: 1 }], manual_checks_started: 1, manual_checks_cancelled: 0 },
    { ...base, id: 8, flags: [{ code: "excluded_pending_check", count: 3, manual: 0 }], manual_checks_started: 0, manual_checks_cancelled: 0 },
  ];
  vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify(rowsBody), { status: 200, headers: { "Content-Type": "application/json" } })));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter><CommitmentsPage /></MemoryRouter>
    </QueryClientProvider>,
  );
  const table = await screen.findByTestId("commitments-table");
  expect(table).not.toHaveTextContent("lập tay");
  const [, first, second] = within(table).getAllByRole("row");
  expect(first).toHaveTextContent("2 đơn vị không được đưa vào rút thăm vì đã có cuộc kiểm tra theo kế hoạch chưa tiến hành (trong đó 1 cuộc kiểm tra lập thủ công, không qua rút thăm)");
  expect(first).toHaveTextContent("Cuộc kiểm tra lập thủ công (không qua rút thăm) trong khoảng thời gian của đợt: 1 đã tiến hành, 0 bị hủy khi chưa tiến hành");
  expect(second).toHaveTextContent("3 đơn vị không được đưa vào rút thăm vì đã có cuộc kiểm tra theo kế hoạch chưa tiến hành");
  expect(second).not.toHaveTextContent("thủ công");
  expect(first).toHaveTextContent("Đang mở (chưa khóa sổ)");
});

test("outside the team, an open draw's count of hand-made checks cancelled unstarted is sealed, and says when it is published", async () => {
  const row = {
    id: 9, created_at: "2026-11-30T02:00:00Z", created_by: "Trung tá Đặng Văn Bình", seed_sha256: "e".repeat(64), n: 5, start: "2026-12-01", end: "2026-12-31",
    state: "open", closed_at: null, seed: null, reason: "", close_reason: "", checks_started: 0, checks_cancelled: 0, parameters: {},
    flags: [], manual_checks_started: 1, manual_checks_cancelled: null,
  };
  vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify([row]), { status: 200, headers: { "Content-Type": "application/json" } })));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter><CommitmentsPage /></MemoryRouter>
    </QueryClientProvider>,
  );
  const table = await screen.findByTestId("commitments-table");
  expect(table).toHaveTextContent("1 đã tiến hành; số bị hủy khi chưa tiến hành được công bố khi đợt rút thăm khóa sổ");
  expect(table).not.toHaveTextContent("null");
});

test("a reader the page is not for sees only that he may not read it, not the page's title first", async () => {
  vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify({ error: { code: "forbidden", message: "Đồng chí không có quyền xem cam kết rút thăm.", message_en: "You may not read the draw commitments.", fields: {} } }), { status: 403, headers: { "Content-Type": "application/json" } })));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter><CommitmentsPage /></MemoryRouter>
    </QueryClientProvider>,
  );
  expect(await screen.findByRole("alert")).toHaveTextContent("Đồng chí không có quyền xem cam kết rút thăm.");
  expect(screen.queryByRole("heading", { level: 1 })).toBeNull();
  expect(screen.queryByTestId("commitments-table")).toBeNull();
});
