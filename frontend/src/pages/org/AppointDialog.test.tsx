import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, expect, test, vi } from "vitest";
import { AppointDialog } from "./AppointDialog";

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
const unit = { id: 12, code: "CAX-TC", name: "Công an xã Thanh Chương", level: "commune", parent: null, valid_from: "2025-07-01", valid_to: null, successor: null };
const officer = { id: 7, service_number: "NA-2399", full_name: "Lý Văn Quyền", rank: "Thiếu tá", date_of_birth: null };

afterEach(() => vi.unstubAllGlobals());

test("a post across a recorded finding asks for the reason the server requires, and sends it", async () => {
  const posts: Record<string, unknown>[] = [];
  vi.stubGlobal("fetch", vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    if (init?.method === "POST") {
      const body = JSON.parse(String(init.body)) as Record<string, unknown>;
      posts.push(body);
      if (!body.reason) {
        return json({ error: { code: "records_in_period", message: "Chức vụ … trùng thời gian vi phạm VP-1 đã ghi nhận. Cần nêu lý do đính chính.", message_en: "x", fields: { reason: ["required"] } } }, 409);
      }
      return json({ id: 99 }, 201);
    }
    if (url.includes("org/fields/")) return json({ count: 0, results: [] });
    return json({ count: 1, next: null, previous: null, results: [unit] });
  }));
  const onDone = vi.fn();
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter><AppointDialog officer={officer} unitId={12} defaultFrom="2026-03-01" onClose={() => undefined} onDone={onDone} /></MemoryRouter>
    </QueryClientProvider>,
  );
  const dialog = await screen.findByRole("dialog");
  expect(within(dialog).queryByRole("textbox", { name: /Lý do đính chính/ })).toBeNull();
  fireEvent.change(dialog.querySelector("input[name=position]")!, { target: { value: "Cán bộ" } });
  await waitFor(() => expect(within(dialog).getByTestId("appt-save")).not.toBeDisabled());
  fireEvent.click(within(dialog).getByTestId("appt-save"));
  const reason = await within(dialog).findByRole("textbox", { name: /Lý do đính chính/ });
  expect(within(dialog).getByText(/VP-1/)).toBeInTheDocument();
  fireEvent.change(reason, { target: { value: "Nhập bổ sung quyết định 7/QĐ" } });
  fireEvent.click(within(dialog).getByTestId("appt-save"));
  await waitFor(() => expect(onDone).toHaveBeenCalled());
  expect(posts.map((p) => p.reason)).toEqual(["", "Nhập bổ sung quyết định 7/QĐ"]);
});
