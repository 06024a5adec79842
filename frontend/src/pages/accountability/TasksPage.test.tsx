import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, expect, test, vi } from "vitest";
import TasksPage from "./TasksPage";

const task = {
  id: 7, unit: { id: 3, code: "CAX-TC", name: "Công an xã Thanh Chương" }, year: 2026, title: "Rút ngắn thời gian chờ tại quầy",
  target: "Dưới 15 phút", due_date: "2026-09-30", late_registration: true, registered_by: "admin", registered_at: "2025-10-10T01:00:00Z",
  delivered_on: null, delivery_note: "", reported_at: null, status: "missed", status_vi: "Quá hạn, chưa báo cáo", overdue_days: 61,
};
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

afterEach(() => vi.unstubAllGlobals());

function setup(role: string) {
  const posts: { url: string; body: unknown }[] = [];
  vi.stubGlobal("fetch", vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    if (url.includes("/auth/session/")) return json({ signed_in: true, stage: "signed_in", user: { id: 1, username: "u", full_name: "U", role, role_label: role, scope_unit: null } });
    if (init?.method === "POST") {
      posts.push({ url, body: JSON.parse(String(init.body)) });
      return json({ ...task, delivered_on: "2026-11-30", status: "late", overdue_days: null });
    }
    return json({ count: 1, next: null, previous: null, results: [task] });
  }));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter initialEntries={["/accountability/tasks?task=7"]}><TasksPage /></MemoryRouter>
    </QueryClientProvider>,
  );
  return posts;
}

test("the unit head reads the task with its deadline, overdue in words and the late-registration flag, and reports delivery", async () => {
  const posts = setup("unit_head");
  const row = (await screen.findByText("Rút ngắn thời gian chờ tại quầy")).closest("tr")!;
  expect(within(row).getByText("30/09/2026")).toBeInTheDocument();
  expect(within(row).getByText("Quá hạn 61 ngày")).toBeInTheDocument();
  // an open overdue task is not a verdict (issue 15: it read "Không hoàn thành")
  expect(within(row).getByText("Quá hạn, chưa báo cáo")).toBeInTheDocument();
  expect(within(row).getByText("Đăng ký muộn")).toBeInTheDocument();
  await waitFor(() => expect(document.activeElement).toBe(row));
  fireEvent.click(await within(row).findByRole("button", { name: "Báo cáo hoàn thành" }));
  const dialog = await screen.findByRole("dialog");
  fireEvent.change(within(dialog).getByLabelText("Ngày hoàn thành"), { target: { value: "28112026" } });
  fireEvent.change(within(dialog).getByLabelText("Ghi chú kết quả"), { target: { value: "Đã bố trí thêm quầy" } });
  fireEvent.click(within(dialog).getByRole("button", { name: "Ghi nhận hoàn thành" }));
  const done = await screen.findByRole("status");
  expect(done).toHaveTextContent("Đã ghi nhận hoàn thành nhiệm vụ “Rút ngắn thời gian chờ tại quầy”.");
  expect(posts).toEqual([{ url: expect.stringContaining("/accountability/cchc-tasks/7/delivery/"), body: { delivered_on: "2026-11-28", note: "Đã bố trí thêm quầy" } }]);
  await waitFor(() => expect(document.activeElement).toBe(done));
});

test("the disciplinary officer reads the tasks but has no report action", async () => {
  setup("disciplinary");
  const row = (await screen.findByText("Rút ngắn thời gian chờ tại quầy")).closest("tr")!;
  expect(within(row).getByText("Quá hạn 61 ngày")).toBeInTheDocument();
  // an open overdue task is not a verdict (issue 15: it read "Không hoàn thành")
  expect(within(row).getByText("Quá hạn, chưa báo cáo")).toBeInTheDocument();
  await new Promise((r) => setTimeout(r, 50));
  expect(screen.queryByRole("button", { name: "Báo cáo hoàn thành" })).toBeNull();
});

test("a delivery date that does not exist holds the report with the reason and nothing is posted", async () => {
  const posts = setup("unit_head");
  const row = (await screen.findByText("Rút ngắn thời gian chờ tại quầy")).closest("tr")!;
  fireEvent.click(await within(row).findByRole("button", { name: "Báo cáo hoàn thành" }));
  const dialog = await screen.findByRole("dialog");
  fireEvent.change(within(dialog).getByLabelText("Ngày hoàn thành"), { target: { value: "31/11/2026" } });
  const confirm = within(dialog).getByRole("button", { name: "Ghi nhận hoàn thành" });
  expect(confirm).toBeDisabled();
  expect(confirm).toHaveAttribute("title", expect.stringContaining("Có ngày không có thật"));
  fireEvent.click(confirm);
  expect(posts).toEqual([]);
});
