import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, expect, test, vi } from "vitest";
import DrawsPage, { DrawDetail, NewDrawDialog } from "./DrawsPage";

const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });
const page = (results: unknown[]) => ({ count: results.length, next: null, previous: null, results });

afterEach(() => vi.unstubAllGlobals());

test("the draw states its window in dd/mm/yyyy, the shortfall with its reason and the check that kept a unit out", async () => {
  const draw = {
    id: 4, name: "Đợt tháng 12/2026", state: "open", created_at: "2026-11-30T02:00:00Z", created_by: null, seed_sha256: "a".repeat(64), seed: null,
    params: { n: 3, start: "2026-12-01", end: "2026-12-14", excluded: [{ unit_id: 12, reason: "planned_check_pending" }] },
    result: [1, 2].map((i) => ({ order: i, unit_id: 10 + i - 1, reason: "risk", score: 14.4, team: [], slot: null, notes: [] })),
    closed_at: null, closed_by: null, checks_count: 2, reason: "", close_reason: "", flags: [], warnings: [],
    candidates: [{ unit_id: 10, score: 14.4 }, { unit_id: 11, score: 9 }],
    excluded: [{ unit_id: 12, reason: "planned_check_pending", check: { reference: "KT-FF4A3794", date: "2026-12-01" } }],
  };
  vi.stubGlobal("fetch", vi.fn(async (input: RequestInfo | URL) => {
    const url = String(input);
    if (url.includes("/draws/4/")) return json(draw);
    if (url.includes("/org/units/")) return json(page([{ id: 12, code: "CAX-ND", name: "Công an xã Nam Đàn", level: "commune", parent: null, valid_from: "2025-07-01", valid_to: null }]));
    return json(page([]));
  }));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter><DrawDetail id={4} /></MemoryRouter>
    </QueryClientProvider>,
  );
  expect(await screen.findByText(/01\/12\/2026 – 14\/12\/2026/)).toBeInTheDocument();
  expect(screen.queryByText(/2026-12-01/)).toBeNull();
  expect(screen.getByTestId("draw-shortfall")).toHaveTextContent("Yêu cầu 3 đơn vị, chỉ chọn được 2: chỉ có 2 đơn vị đủ điều kiện (1 đơn vị bị loại");
  expect(screen.getByTestId("draw-excluded")).toHaveTextContent("Đã có cuộc kiểm tra dự kiến (cuộc kiểm tra KT-FF4A3794 ngày 01/12/2026)");
});

test("after a draw the lead reads what was drawn and the keyboard is on that message; cancel returns to the button", async () => {
  const created = { id: 9, name: "Đợt tháng 12/2026", state: "open", created_at: "2026-11-30T02:00:00Z", params: { n: 3 }, result: [], flags: [], warnings: [] };
  let drawn = false;
  vi.stubGlobal("fetch", vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    if (url.includes("/auth/session/")) return json({ signed_in: true, stage: "signed_in", user: { id: 1, username: "lead", full_name: "L", role: "inspection_lead", role_label: "", scope_unit: null } });
    if (init?.method === "POST") {
      drawn = true;
      return json({ ...created, result: [{ order: 1, unit_id: 10, reason: "risk", score: 1, team: [], slot: null }, { order: 2, unit_id: 11, reason: "risk", score: 1, team: [], slot: null }] });
    }
    if (url.includes("/inspection/draws/9/")) return json({ ...created, candidates: [] });
    if (url.includes("/inspection/draws/")) return json(page(drawn ? [created] : []));
    return json(page([]));
  }));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter><DrawsPage /></MemoryRouter>
    </QueryClientProvider>,
  );
  const open = await screen.findByTestId("draw-new");
  fireEvent.click(open);
  fireEvent.click(within(await screen.findByRole("dialog")).getByRole("button", { name: "Hủy" }));
  await waitFor(() => expect(document.activeElement).toBe(open));
  fireEvent.click(open);
  fireEvent.click(within(await screen.findByRole("dialog")).getByTestId("draw-run"));
  const done = await screen.findByRole("status");
  expect(done).toHaveTextContent("Đã rút thăm “Đợt tháng 12/2026”: chọn được 2/3 đơn vị.");
  await waitFor(() => expect(document.activeElement).toBe(done));
});

test("a draw over an open one says beforehand which draw it replaces and how many planned checks it cancels, and only a confirmed resend replaces it", async () => {
  const sent: Record<string, unknown>[] = [];
  const created = { id: 12, name: "Bổ sung", state: "open", created_at: "2026-11-30T02:00:00Z", params: { n: 5 }, result: [], flags: [], warnings: [] };
  const refusal = (code: string) => new Response(JSON.stringify({ error: {
    code, message: "Cần xác nhận trước khi rút thăm lại", message_en: "Confirm", fields: {},
    detail: { overlapping: [3], supersedes: [{ draw: 3, name: "Tháng 12", planned: 39 }], cancels: 39 },
  } }), { status: 400, headers: { "Content-Type": "application/json" } });
  vi.stubGlobal("fetch", vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    if (url.includes("/auth/session/")) return json({ signed_in: true, stage: "signed_in", user: { id: 1, username: "lead", full_name: "L", role: "inspection_lead", role_label: "", scope_unit: null } });
    if (init?.method === "POST") {
      const body = JSON.parse(String(init.body));
      sent.push(body);
      return (body.confirm_supersedes ?? []).includes(3) ? json(created) : refusal("redraw_supersedes_unconfirmed");
    }
    return json(page([]));
  }));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter><DrawsPage /></MemoryRouter>
    </QueryClientProvider>,
  );
  fireEvent.click(await screen.findByTestId("draw-new"));
  const dialog = await screen.findByRole("dialog");
  fireEvent.change(within(dialog).getByRole("textbox", { name: /Lý do rút thăm lại/ }), { target: { value: "Bổ sung 5 đơn vị cuối tháng" } });
  fireEvent.click(within(dialog).getByTestId("draw-run"));
  const warning = await within(dialog).findByTestId("draw-supersedes");
  expect(warning).toHaveTextContent("Đợt rút thăm mới sẽ thay thế đợt #3 và hủy 39 cuộc kiểm tra đã lên kế hoạch");
  expect(sent).toHaveLength(1);
  expect(sent[0].confirm_supersedes).toEqual([]);
  expect(within(dialog).getByTestId("draw-run")).toHaveTextContent("Rút thăm và thay thế");
  fireEvent.click(within(dialog).getByTestId("draw-run"));
  await waitFor(() => expect(sent).toHaveLength(2));
  expect(sent[1].confirm_supersedes).toEqual([3]);
});

test("a lead kept off one check for a conflict of interest reads what happened and the draw's own count of planned checks", async () => {
  const draw = {
    id: 5, name: "Tháng 12", state: "open", created_at: "2026-11-30T02:00:00Z", created_by: null, seed_sha256: "a".repeat(64), seed: null,
    params: { n: 3, start: "2026-12-01", end: "2026-12-31", excluded: [] },
    result: [
      { order: 1, unit_id: 10, reason: "risk", score: 14, team: [], slot: null, notes: [] },
      { order: 2, unit_id: 11, reason: "risk", score: 12, team: [], slot: null, notes: [] },
      { order: 3, unit_id: 12, reason: "risk", score: 46.8, team: [], slot: null, redacted: true, notes: [{ code: "drawing_lead_conflicted" }] },
    ],
    closed_at: null, closed_by: null, checks_count: 3, planned_count: 3, reason: "", close_reason: "", flags: [], warnings: [], candidates: [], excluded: [],
  };
  const check = (i: number) => ({ id: `c${i}`, reference: `KT-${i}`, state: "planned", unit: 10 + i, draw: 5 });
  vi.stubGlobal("fetch", vi.fn(async (input: RequestInfo | URL) => {
    const url = String(input);
    if (url.includes("/draws/5/")) return json(draw);
    if (url.includes("/inspection/checks/")) return json(page([check(0), check(1)]));
    return json(page([]));
  }));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter><DrawDetail id={5} /></MemoryRouter>
    </QueryClientProvider>,
  );
  expect(await screen.findByText("Đã giao tổ trưởng khác do xung đột lợi ích")).toBeInTheDocument();
  expect(screen.queryByText(/đổi tổ trưởng/)).toBeNull();
  await waitFor(() => expect(screen.getByTestId("draw-pending")).toHaveTextContent("Còn 3 cuộc kiểm tra chưa tiến hành"));
  expect(screen.getByTestId("draw-pending")).toHaveTextContent("Trong đó 1 cuộc đồng chí không xem được lịch và tổ (xung đột lợi ích)");
});

test("the draw result adds up, names the empty place, and says the exclusion once with its reason in view", async () => {
  const draw = {
    id: 5, name: "Đợt tháng 12/2026", state: "open", created_at: "2026-11-30T02:00:00Z", created_by: null, seed_sha256: "a".repeat(64), seed: null,
    params: { n: 3, start: "2026-12-01", end: "2026-12-14" },
    result: [1, 2].map((i) => ({ order: i, unit_id: 10 + i - 1, reason: "floor", score: 14.4, team: [], slot: null, notes: [] })),
    split: { n: 3, floor: 2, floor_room: 2, risk: 0, uniform: 0 },
    closed_at: null, closed_by: null, checks_count: 2, reason: "", close_reason: "",
    flags: [{ code: "excluded_pending_check", count: 1, manual: 0 }, { code: "drew_fewer_than_n", n: 3, drawn: 2, candidates: 2 }],
    warnings: [{ code: "excluded_pending_check", count: 1, vi: "1 đơn vị không được đưa vào rút thăm vì đang có cuộc kiểm tra kế hoạch", en: "1 unit left out" },
      { code: "n_exceeds_candidates", vi: "Yêu cầu chọn 3 đơn vị nhưng chỉ có 2 đơn vị đủ điều kiện rút thăm.", en: "3 asked, 2 eligible" }],
    candidates: [{ unit_id: 10, score: 14.4 }, { unit_id: 11, score: 9 }],
    excluded: [{ unit_id: 12, reason: "planned_check_pending", check: { reference: "KT-FF4A3794", date: "2026-12-01" }, past_floor: true, never_checked: false, due: "2026-11-15" }],
  };
  vi.stubGlobal("fetch", vi.fn(async (input: RequestInfo | URL) => {
    const url = String(input);
    if (url.includes("/draws/5/")) return json(draw);
    if (url.includes("/org/units/")) return json(page([{ id: 12, code: "CAX-ND", name: "Công an xã Nam Đàn", level: "commune", parent: null, valid_from: "2025-07-01", valid_to: null }]));
    return json(page([]));
  }));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter><DrawDetail id={5} /></MemoryRouter>
    </QueryClientProvider>,
  );
  const split = await screen.findByTestId("draw-split");
  // plain sentences: what the draw did and why, no "sàn bao phủ", no part that picked none (issue 15)
  expect(split).toHaveTextContent("Đợt này đã chọn 2 đơn vị: 2 đơn vị bắt buộc phải kiểm tra vì đã quá 6 tháng chưa được kiểm tra (loại này chiếm tối đa 2 vị trí, phần còn lại để dành cho rủi ro).");
  expect(split).not.toHaveTextContent(/sàn|0 đơn vị|theo rủi ro/);
  expect(split).toHaveTextContent("1 trên 3 vị trí yêu cầu để trống");
  // said once: no red box nor orange warning repeating the count
  expect(screen.queryByTestId("draw-flags")).toBeNull();
  expect(screen.queryByTestId("draw-warnings")).toBeNull();
  const excluded = screen.getByTestId("draw-excluded");
  expect(excluded.closest("details")).toBeNull(); // in view, not collapsed at the bottom
  await waitFor(() => expect(excluded).toHaveTextContent("Công an xã Nam Đàn: Đã có cuộc kiểm tra dự kiến (cuộc kiểm tra KT-FF4A3794 ngày 01/12/2026) · đã đến hạn phải kiểm tra (15/11/2026)"));
  expect(excluded).toHaveTextContent("được công bố cùng cam kết");
});

test("a draw window ending on a day that does not exist holds the draw with the reason, and nothing is sent", async () => {
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    void init;
    const url = String(input);
    if (url.includes("/auth/session/")) return json({ signed_in: true, stage: "signed_in", user: { id: 1, username: "lead", full_name: "L", role: "inspection_lead", role_label: "", scope_unit: null } });
    return json(page([]));
  });
  vi.stubGlobal("fetch", fetchMock);
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter><DrawsPage /></MemoryRouter>
    </QueryClientProvider>,
  );
  fireEvent.click(await screen.findByTestId("draw-new"));
  const dialog = await screen.findByRole("dialog");
  fireEvent.change(dialog.querySelector('input[name="end"]') as HTMLInputElement, { target: { value: "31/02/2027" } });
  const run = within(dialog).getByTestId("draw-run");
  expect(run).toBeDisabled();
  expect(run).toHaveAttribute("title", expect.stringContaining("Có ngày không có thật"));
  fireEvent.click(run);
  expect(fetchMock.mock.calls.some(([, init]) => (init as RequestInit | undefined)?.method === "POST")).toBe(false);
});

test("an unnamed draw is saved under the name its placeholder suggests, not nameless (listed as '#id · date')", async () => {
  const sent: Record<string, unknown>[] = [];
  vi.stubGlobal("fetch", vi.fn(async (_input: RequestInfo | URL, init?: RequestInit) => {
    if (init?.method === "POST") {
      const body = JSON.parse(String(init.body));
      sent.push(body);
      return json({ id: 1, name: body.name, state: "open", created_at: "2026-11-30T02:00:00Z", params: { n: 3 }, result: [], flags: [], warnings: [] });
    }
    return json(page([]));
  }));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter><NewDrawDialog onClose={() => undefined} onCreated={() => undefined} /></MemoryRouter>
    </QueryClientProvider>,
  );
  const field = screen.getByTestId("draw-name");
  // today in Hanoi (the app's dates), not the test machine's zone: from 17:00 UTC it is already tomorrow there
  const hanoi = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Ho_Chi_Minh", day: "2-digit", month: "2-digit", year: "numeric" })
    .format(new Date());
  expect(field).toHaveAttribute("placeholder", `Rút thăm đối tượng kiểm tra ${hanoi}`);
  fireEvent.click(screen.getByTestId("draw-run"));
  await waitFor(() => expect(sent).toHaveLength(1));
  expect(sent[0].name).toBe(field.getAttribute("placeholder"));
  // a typed name is sent as typed
  fireEvent.change(field, { target: { value: "  Đợt bổ sung  " } });
  fireEvent.click(screen.getByTestId("draw-run"));
  await waitFor(() => expect(sent).toHaveLength(2));
  expect(sent[1].name).toBe("Đợt bổ sung");
});

test("the draw table marks who leads each drawn check (the draw puts the check's lead first; fixui 5)", async () => {
  const draw = {
    id: 5, name: "Tháng 12", state: "open", created_at: "2026-11-30T02:00:00Z", created_by: null, seed_sha256: "a".repeat(64), seed: null,
    params: { n: 1, start: "2026-12-01", end: "2026-12-31", excluded: [] },
    result: [{ order: 1, unit_id: 10, reason: "risk", score: 14, team: [7, 2], slot: null, notes: [] }],
    closed_at: null, closed_by: null, checks_count: 1, planned_count: 1, reason: "", close_reason: "", flags: [], warnings: [], candidates: [], excluded: [],
  };
  const people = { lead: { id: 7, username: "insp7", full_name: "Lê Văn Nam", rank: "Đại úy" }, team: [{ id: 7, username: "insp7", full_name: "Lê Văn Nam", rank: "Đại úy" }, { id: 2, username: "lead", full_name: "Đặng Văn Bình", rank: "Trung tá" }] };
  vi.stubGlobal("fetch", vi.fn(async (input: RequestInfo | URL) => {
    const url = String(input);
    if (url.includes("/draws/5/")) return json(draw);
    if (url.includes("/inspection/checks/")) return json(page([{ id: "c1", reference: "KT-1", state: "planned", unit: { id: 10, name: "X" }, draw: 5, ...people }]));
    return json(page([]));
  }));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter><DrawDetail id={5} /></MemoryRouter>
    </QueryClientProvider>,
  );
  await waitFor(() => expect(document.querySelector(".draw-team")).toHaveTextContent("Đại úy Lê Văn Nam (phụ trách), Trung tá Đặng Văn Bình"));
});

test("an inspector with no draw he may read is told who reads draws, not shown an unexplained empty page (issue 15)", async () => {
  vi.stubGlobal("fetch", vi.fn(async (input: RequestInfo | URL) => {
    const url = String(input);
    if (url.includes("/auth/session/")) return json({ signed_in: true, stage: "signed_in", user: { id: 42, username: "canbo", full_name: "Trần Thị Hoa", role: "inspector", role_label: "", scope_unit: null, is_inspection_team: true } });
    return json(page([]));
  }));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter><DrawsPage /></MemoryRouter>
    </QueryClientProvider>,
  );
  expect(await screen.findByText("Chưa có đợt rút thăm nào")).toBeInTheDocument();
  await waitFor(() => expect(screen.getByText(/khi đợt còn mở, chỉ tổ trưởng đã rút thăm xem được/)).toBeInTheDocument());
  expect(screen.queryByText("Tạo đợt rút thăm để chọn đơn vị kiểm tra đột xuất.")).toBeNull(); // he cannot make one
  expect(screen.queryByTestId("draw-new")).toBeNull();
});

test("places left empty because no team of two could be formed do not say 'không đủ đơn vị' (UX review)", async () => {
  const draw = {
    id: 6, name: "", state: "open", created_at: "2026-11-30T02:00:00Z", created_by: null, seed_sha256: "a".repeat(64), seed: null,
    params: { n: 3, start: "2026-12-03", end: "2026-12-04" }, result: [],
    split: { n: 3, floor: 0, floor_room: 2, risk: 0, uniform: 0 },
    closed_at: null, closed_by: null, checks_count: 0, reason: "", close_reason: "", flags: [], excluded: [], candidates: [],
    warnings: [{ code: "schedule_shortfall", n: 3, scheduled: 0, missing: 3, units: [], capacity: 1,
      vi: "Chỉ xếp được 0/3 cuộc kiểm tra. Mở rộng khoảng thời gian hoặc giảm số đơn vị cần kiểm tra.", en: "0/3" }],
  };
  vi.stubGlobal("fetch", vi.fn(async (input: RequestInfo | URL) => (String(input).includes("/draws/6/") ? json(draw) : json(page([])))));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter><DrawDetail id={6} /></MemoryRouter>
    </QueryClientProvider>,
  );
  const split = await screen.findByTestId("draw-split");
  expect(split).toHaveTextContent("3 trên 3 vị trí yêu cầu để trống (không xếp được tổ kiểm tra hai người");
  expect(split).not.toHaveTextContent("không đủ đơn vị");
});
