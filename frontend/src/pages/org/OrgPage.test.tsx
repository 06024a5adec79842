import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, expect, test, vi } from "vitest";
import OrgPage, { AssignmentsTable, UnitPanel } from "./OrgPage";

const unit = (id: number, name: string, valid_to: string | null = null) => ({ id, code: `U${id}`, name, level: "department", parent: null, valid_from: "2000-01-01", valid_to, successor: null });
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

afterEach(() => vi.unstubAllGlobals());

function setup(panelUnit = unit(16, "Phòng Tham mưu"), ending: unknown[] = []) {
  const posts: unknown[] = [];
  vi.stubGlobal("fetch", vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    if (init?.method === "POST") {
      posts.push(JSON.parse(String(init.body)));
      return json(unit(15, "Phòng Thanh tra"));
    }
    if (url.includes("/history/")) return json({ unit: panelUnit, predecessors: [], parent_links: [], assignments: [] });
    if (url.includes("/end-preview/")) {
      const on = new URL(url, "http://x").searchParams.get("on");
      return json({ unit: { id: panelUnit.id, code: panelUnit.code, name: panelUnit.name, level: panelUnit.level }, on, last_day: "2025-06-30",
        already_ended: false, posts: ending, children: [], records: { findings: [], checks: [], clips: [], postings: [] } });
    }
    return json({ count: 3, next: null, previous: null, results: [panelUnit, unit(15, "Phòng Thanh tra"), unit(17, "Phòng Hậu cần")] });
  }));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter><UnitPanel unitId={panelUnit.id} at="2025-07-01" /></MemoryRouter>
    </QueryClientProvider>,
  );
  return posts;
}

test("the merge dialog takes the tree's date, says what was done and puts focus on that message", async () => {
  const posts = setup();
  const opener = await screen.findByRole("button", { name: "Sáp nhập vào…" });
  opener.focus();
  fireEvent.click(opener);
  const dialog = await screen.findByRole("dialog");
  expect(within(dialog).getByLabelText("Ngày đơn vị mới hoạt động")).toHaveValue("01/07/2025");
  await waitFor(() => expect(within(dialog).getByRole("combobox", { name: "Sáp nhập vào đơn vị" }).querySelector("option[value=\"15\"]")).not.toBeNull());
  fireEvent.change(within(dialog).getByRole("combobox", { name: "Sáp nhập vào đơn vị" }), { target: { value: "15" } });
  fireEvent.click(within(dialog).getByRole("button", { name: "Xác nhận" }));
  const done = await screen.findByRole("status");
  expect(done).toHaveTextContent("Đã sáp nhập Phòng Tham mưu vào Phòng Thanh tra từ ngày 01/07/2025.");
  expect(posts).toEqual([{ unit_ids: [16], into_id: 15, on: "2025-07-01", reason: "", confirm: false }]);
  await waitFor(() => expect(document.activeElement).toBe(done));
});

test("cancelling a dialog gives focus back to the button that opened it; the appointment starts on the tree's date", async () => {
  setup();
  const opener = await screen.findByRole("button", { name: "Bổ nhiệm / phân công" });
  opener.focus();
  fireEvent.click(opener);
  const dialog = await screen.findByRole("dialog");
  expect(within(dialog).getByLabelText("Từ ngày")).toHaveValue("01/07/2025");
  fireEvent.click(within(dialog).getByRole("button", { name: "Hủy" }));
  await waitFor(() => expect(document.activeElement).toBe(opener));
});

test("a unit that existed through 28/02/2025 is said to have ceased after that day, not from it", async () => {
  setup(unit(20, "Công an huyện Thanh Chương", "2025-02-28"));
  const merge = await screen.findByRole("button", { name: "Sáp nhập vào…" });
  expect(merge).toBeDisabled();
  expect(merge).toHaveAttribute("title", "Đã chấm dứt hoạt động sau ngày 28/02/2025");
});

test("org history shows the decision number under the whole period, and a plain staff post without a duplicate badge", async () => {
  const officer = { id: 5, service_number: "F-5", full_name: "Lê Văn Chuyển", rank: "Đại úy", date_of_birth: null };
  const a = { id: 1, officer, unit: { id: 16, code: "U16", name: "Phòng Tham mưu", level: "department" as const }, position: "Cán bộ", is_head: false, is_deputy: false,
    is_acting: false, field: null, in_charge_of: "", valid_from: "2020-01-01", valid_to: "2025-02-28", decision_ref: "45/QĐ-CAT" };
  vi.stubGlobal("fetch", vi.fn(async () => json({ count: 0, next: null, previous: null, results: [] })));
  render(
    <QueryClientProvider client={new QueryClient()}>
      <MemoryRouter><AssignmentsTable list={[a]} show="officer" /></MemoryRouter>
    </QueryClientProvider>,
  );
  const period = screen.getByTestId("assignment-period");
  expect(period).toHaveTextContent("01/01/2020 – 28/02/2025");
  expect(period).toHaveTextContent("Số quyết định: 45/QĐ-CAT");
  expect(within(screen.getByTestId("assignment-row")).getAllByText("Cán bộ")).toHaveLength(1);
});

test("before confirming a merger the admin reads the posts it ends: rank and name, head or deputy with the field", async () => {
  const officer = (id: number, full_name: string, rank: string) => ({ id, service_number: `F-${id}`, full_name, rank });
  const post = (id: number, o: unknown, position: string, extra: Record<string, unknown>) => ({
    assignment: { id, officer: o, unit: { id: 16, code: "U16", name: "Phòng Tham mưu", level: "department" as const }, position, is_head: false, is_deputy: false,
      is_acting: false, field: null, in_charge_of: "", valid_from: "2021-03-01", valid_to: null, decision_ref: "", ...extra },
    starts_after_end: false,
  });
  const posts = setup(unit(16, "Phòng Tham mưu"), [
    post(1, officer(1, "Lê Văn Hải", "Thiếu tá"), "Trưởng phòng", { is_head: true }),
    post(2, officer(2, "Phạm Thị Lan", "Đại úy"), "Phó Trưởng phòng", { is_deputy: true, field: { id: 3, code: "tt", name_vi: "Trật tự", name_en: "Public order" } }),
  ]);
  fireEvent.click(await screen.findByRole("button", { name: "Sáp nhập vào…" }));
  const dialog = await screen.findByRole("dialog");
  const preview = await within(dialog).findByTestId("end-preview");
  expect(preview).toHaveTextContent("Phòng Tham mưu chấm dứt hoạt động sau ngày 30/06/2025");
  expect(preview).toHaveTextContent("2 chức vụ kết thúc vào ngày 30/06/2025");
  const lines = within(preview).getAllByTestId("ending-post").map((li) => li.textContent);
  expect(lines[0]).toBe("Thiếu tá Lê Văn Hải — Trưởng phòng · người đứng đầu · từ 01/03/2021");
  expect(lines[1]).toBe("Đại úy Phạm Thị Lan — Phó Trưởng phòng · cấp phó (phụ trách: Trật tự) · từ 01/03/2021");
  await waitFor(() => expect(within(dialog).getByRole("combobox", { name: "Sáp nhập vào đơn vị" }).querySelector("option[value=\"15\"]")).not.toBeNull());
  fireEvent.change(within(dialog).getByRole("combobox", { name: "Sáp nhập vào đơn vị" }), { target: { value: "15" } });
  // the button says what it does
  fireEvent.click(within(dialog).getByRole("button", { name: "Sáp nhập, kết thúc 2 chức vụ" }));
  await screen.findByRole("status");
  expect(posts).toHaveLength(1);
});

test("picking a unit in the tree puts focus on the heading of its panel (not left in the list)", async () => {
  const node = { ...unit(16, "Phòng Tham mưu"), heads: [], parent_id: null };
  vi.stubGlobal("fetch", vi.fn(async (input: RequestInfo | URL) => {
    const url = String(input);
    if (url.includes("/tree/")) return json({ at: "2025-07-01", units: [node] });
    if (url.includes("/history/")) return json({ unit: unit(16, "Phòng Tham mưu"), predecessors: [], parent_links: [], assignments: [] });
    return json([]);
  }));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter initialEntries={["/admin/org?at=2025-07-01"]}><OrgPage /></MemoryRouter>
    </QueryClientProvider>,
  );
  const item = await screen.findByTestId("tree-unit");
  item.focus();
  fireEvent.click(item); // Enter on the button
  const heading = await screen.findByRole("heading", { name: /Phòng Tham mưu/, level: 2 });
  await waitFor(() => expect(document.activeElement).toBe(heading));
});

test("a unit not yet in force on the tree's date cannot be renamed, merged or abolished there, and says why", async () => {
  setup({ ...unit(30, "Công an xã Vạn An"), valid_from: "2027-01-01" });
  for (const name of ["Đổi tên", "Sáp nhập vào…", "Giải thể"]) {
    const button = await screen.findByRole("button", { name });
    expect(button).toBeDisabled();
    expect(button).toHaveAttribute("title", expect.stringContaining("chưa hoạt động vào ngày đang xem (bắt đầu từ 01/01/2027)"));
  }
});

test("the merge message names every unit merged", async () => {
  const posts = setup();
  const opener = await screen.findByRole("button", { name: "Sáp nhập vào…" });
  fireEvent.click(opener);
  const dialog = await screen.findByRole("dialog");
  await waitFor(() => expect(within(dialog).getByRole("combobox", { name: "Sáp nhập vào đơn vị" }).querySelector("option[value=\"15\"]")).not.toBeNull());
  fireEvent.change(within(dialog).getByRole("combobox", { name: "Sáp nhập vào đơn vị" }), { target: { value: "15" } });
  const also = within(dialog).getByTestId("merge-also");
  fireEvent.click(await within(also).findByRole("checkbox", { name: "Phòng Hậu cần" }));
  // the second unit's end preview loads first (the button waits for it)
  await waitFor(() => expect(within(dialog).getByTestId("merge-save")).toBeEnabled());
  fireEvent.click(within(dialog).getByRole("button", { name: "Xác nhận" }));
  const done = await screen.findByRole("status");
  expect(posts[0]).toMatchObject({ unit_ids: [16, 17], into_id: 15 });
  expect(done).toHaveTextContent("Đã sáp nhập Phòng Tham mưu, Phòng Hậu cần vào Phòng Thanh tra từ ngày 01/07/2025.");
});

test("a new unit is offered only parents of a higher level, the one possible parent chosen; a predecessor's date is its last day", async () => {
  const province = { ...unit(1, "Công an tỉnh Nghệ An"), level: "province" };
  const commune = { ...unit(40, "Công an xã Kim Liên", "2026-12-31"), level: "commune" };
  vi.stubGlobal("fetch", vi.fn(async (input: RequestInfo | URL) => {
    const url = String(input);
    if (url.includes("/tree/")) return json({ at: "2027-01-01", units: [] });
    if (url.includes("/history/")) return json({ unit: { ...unit(41, "Công an xã Vạn An"), level: "commune" }, predecessors: [commune], parent_links: [], assignments: [] });
    return json([province, commune, unit(16, "Phòng Tham mưu")]);
  }));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter initialEntries={["/admin/org?at=2027-01-01&unit=41"]}><OrgPage /></MemoryRouter>
    </QueryClientProvider>,
  );
  expect(await screen.findByText("(ngày hoạt động cuối cùng: 31/12/2026)")).toBeInTheDocument();
  fireEvent.click(screen.getByTestId("unit-new"));
  const dialog = await screen.findByRole("dialog");
  expect(within(dialog).getByRole("combobox", { name: "Cấp" })).toHaveValue("commune");
  const parent = within(dialog).getByRole("combobox", { name: "Trực thuộc" });
  await waitFor(() => expect(parent).toHaveValue("1"));
  const offered = Array.from(parent.querySelectorAll("option")).map((o) => o.textContent);
  expect(offered).not.toContain("Công an xã Kim Liên");
  expect(offered).not.toContain("Phòng Tham mưu");
});

test("the acting checkbox of an appointment is labelled once, under a field label of its own", async () => {
  setup();
  fireEvent.click(await screen.findByRole("button", { name: "Bổ nhiệm / phân công" }));
  const dialog = await screen.findByRole("dialog");
  fireEvent.change(within(dialog).getByRole("combobox", { name: "Loại chức vụ" }), { target: { value: "head" } });
  expect(within(dialog).getAllByText("Quyền / phụ trách (tạm thời)")).toHaveLength(1);
  expect(within(dialog).getByText("Hình thức giao nhiệm vụ")).toBeInTheDocument();
});

test("a non-existent merger date holds the save with a reason, drops the stale preview and never merges on another day", async () => {
  const officer = { id: 1, service_number: "F-1", full_name: "Lê Văn Hải", rank: "Thiếu tá" };
  const post = { assignment: { id: 1, officer, unit: { id: 16, code: "U16", name: "Phòng Tham mưu", level: "department" as const }, position: "Trưởng phòng", is_head: true, is_deputy: false,
    is_acting: false, field: null, in_charge_of: "", valid_from: "2021-03-01", valid_to: null, decision_ref: "" }, starts_after_end: false };
  const posts = setup(unit(16, "Phòng Tham mưu"), [post, { ...post, assignment: { ...post.assignment, id: 2 } }]);
  fireEvent.click(await screen.findByRole("button", { name: "Sáp nhập vào…" }));
  const dialog = await screen.findByRole("dialog");
  await within(dialog).findByTestId("end-preview");
  await waitFor(() => expect(within(dialog).getByRole("combobox", { name: "Sáp nhập vào đơn vị" }).querySelector("option[value=\"15\"]")).not.toBeNull());
  fireEvent.change(within(dialog).getByRole("combobox", { name: "Sáp nhập vào đơn vị" }), { target: { value: "15" } });
  fireEvent.change(within(dialog).getByLabelText("Ngày đơn vị mới hoạt động"), { target: { value: "31/02/2027" } });
  expect(within(dialog).getByTestId("date-problem")).toHaveTextContent("Ngày 31/02/2027 không có thật");
  const save = within(dialog).getByTestId("merge-save");
  expect(save).toBeDisabled();
  expect(save).toHaveAttribute("title", expect.stringContaining("Có ngày không có thật"));
  expect(within(dialog).queryByTestId("end-preview")).toBeNull();
  fireEvent.click(save);
  expect(posts).toHaveLength(0);
});

test("the abolish dialog holds its save too while its date does not exist", async () => {
  const posts = setup();
  fireEvent.click(await screen.findByRole("button", { name: "Giải thể" }));
  const dialog = await screen.findByRole("dialog");
  fireEvent.change(within(dialog).getByLabelText("Ngày giải thể có hiệu lực"), { target: { value: "30/02/2026" } });
  const save = within(dialog).getByTestId("abolish-save");
  expect(save).toBeDisabled();
  expect(save).toHaveAttribute("title", expect.stringContaining("Có ngày không có thật"));
  fireEvent.click(save);
  expect(posts).toHaveLength(0);
});

test("a unit with a merger recorded for the future still takes appointments until its last day, and its end is worded as to come", async () => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date("2026-12-01T03:00:00Z"));
  try {
    setup(unit(40, "Công an xã Kim Liên", "2026-12-31"));
    const merge = await screen.findByRole("button", { name: "Sáp nhập vào…" });
    expect(merge).toBeDisabled();
    expect(merge).toHaveAttribute("title", "Sẽ chấm dứt hoạt động sau ngày 31/12/2026");
    expect(screen.getByRole("button", { name: "Giải thể" })).toHaveAttribute("title", "Sẽ chấm dứt hoạt động sau ngày 31/12/2026");
    const appoint = screen.getByTestId("appoint-open");
    expect(appoint).toBeEnabled();
    fireEvent.click(appoint);
    expect(await screen.findByRole("dialog")).toBeInTheDocument();
  } finally {
    vi.useRealTimers();
  }
});

test("a merger is never into the province, its lists read by name, and picking several units is explained", async () => {
  const province = { ...unit(1, "Công an tỉnh Nghệ An"), level: "province" };
  vi.stubGlobal("fetch", vi.fn(async (input: RequestInfo | URL) => {
    const url = String(input);
    if (url.includes("/history/")) return json({ unit: unit(16, "Phòng Tham mưu"), predecessors: [], parent_links: [], assignments: [] });
    if (url.includes("/end-preview/")) {
      return json({ unit: { id: 16, code: "U16", name: "Phòng Tham mưu", level: "department" }, on: "2025-07-01", last_day: "2025-06-30",
        already_ended: false, posts: [], children: [], records: { findings: [], checks: [], clips: [], postings: [] } });
    }
    return json({ count: 5, next: null, previous: null, results: [unit(16, "Phòng Tham mưu"), unit(19, "Phòng Xây dựng phong trào"), province, unit(17, "Phòng Hậu cần"), unit(15, "Phòng Cảnh sát hình sự")] });
  }));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter><UnitPanel unitId={16} at="2025-07-01" /></MemoryRouter>
    </QueryClientProvider>,
  );
  fireEvent.click(await screen.findByRole("button", { name: "Sáp nhập vào…" }));
  const dialog = await screen.findByRole("dialog");
  const into = within(dialog).getByRole("combobox", { name: "Sáp nhập vào đơn vị" });
  await waitFor(() => expect(into.querySelector("option[value=\"15\"]")).not.toBeNull());
  expect(Array.from(into.querySelectorAll("option")).map((o) => o.textContent?.replace(/ \(.*\)$/, ""))).toEqual(["—", "Phòng Cảnh sát hình sự", "Phòng Hậu cần", "Phòng Xây dựng phong trào"]);
  // a checkbox each (keyboard and phone friendly, issue 15), not a <select multiple> picked with Ctrl+click
  expect(dialog.querySelector("select[multiple]")).toBeNull();
  const also = within(dialog).getByRole("group", { name: "Cùng sáp nhập các đơn vị" });
  expect(within(also).getAllByRole("checkbox").map((c) => c.closest("label")?.textContent?.trim())).toEqual(["Phòng Cảnh sát hình sự", "Phòng Hậu cần", "Phòng Xây dựng phong trào"]);
  fireEvent.click(within(also).getByRole("checkbox", { name: "Phòng Hậu cần" }));
  fireEvent.click(within(also).getByRole("checkbox", { name: "Phòng Cảnh sát hình sự" }));
  expect(within(also).getByRole("checkbox", { name: "Phòng Hậu cần" })).toBeChecked();
  fireEvent.click(within(also).getByRole("checkbox", { name: "Phòng Hậu cần" }));
  expect(within(also).getByRole("checkbox", { name: "Phòng Hậu cần" })).not.toBeChecked();
  expect(within(also).getByRole("checkbox", { name: "Phòng Cảnh sát hình sự" })).toBeChecked();
  expect(within(dialog).queryByText(/Ctrl/)).toBeNull();
});

test("a merger day before the unit began: the server's refusal is shown and the save waits (reviewer, issue 15)", async () => {
  const message = "Ngày hiệu lực phải sau ngày thành lập đơn vị Phòng Tham mưu (01/01/2000): ngày cuối cùng của đơn vị (31/12/1999) không thể trước ngày thành lập.";
  vi.stubGlobal("fetch", vi.fn(async (input: RequestInfo | URL) => {
    const url = String(input);
    if (url.includes("/history/")) return json({ unit: unit(16, "Phòng Tham mưu"), predecessors: [], parent_links: [], assignments: [] });
    if (url.includes("/end-preview/")) return json({ error: { code: "invalid_period", message, message_en: "before it began", fields: { on: ["before the unit started"] } } }, 400);
    return json({ count: 2, next: null, previous: null, results: [unit(16, "Phòng Tham mưu"), unit(15, "Phòng Thanh tra")] });
  }));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter><UnitPanel unitId={16} at="2000-01-01" /></MemoryRouter>
    </QueryClientProvider>,
  );
  fireEvent.click(await screen.findByRole("button", { name: "Sáp nhập vào…" }));
  const dialog = await screen.findByRole("dialog");
  await within(dialog).findByText(message, { exact: false });
  expect(within(dialog).queryByTestId("end-preview")).toBeNull();
  expect(within(dialog).getByTestId("merge-save")).toBeDisabled();
});
