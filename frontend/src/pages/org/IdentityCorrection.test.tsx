import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import type { ReactNode } from "react";
import { MemoryRouter } from "react-router";
import { afterEach, expect, test, vi } from "vitest";
import { OfficerDialog } from "./OfficersPage";
import { RenameDialog } from "./OrgPage";
import type { Unit } from "../../types/org";

// Correcting the identity of an officer, or the name of a unit, that a recorded finding names rewrites what the
// trace prints for the past: the server answers 409 reason_required, the dialog shows a reason box and sends it.
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
const unit: Unit = { id: 12, code: "CAX-TC", name: "Công an xã Thanh Chương", level: "commune", parent: null, valid_from: "2025-07-01", valid_to: null, successor: null };
const officer = { id: 13, service_number: "NA-2105", full_name: "Hoàng Thị Lan", rank: "Thượng úy", date_of_birth: null };

afterEach(() => vi.unstubAllGlobals());

function stubPatch(patches: Record<string, unknown>[], saved: unknown) {
  vi.stubGlobal("fetch", vi.fn(async (_input: RequestInfo | URL, init?: RequestInit) => {
    if (init?.method === "PATCH") {
      const body = JSON.parse(String(init.body)) as Record<string, unknown>;
      patches.push(body);
      if (!body.reason) {
        return json({ error: { code: "reason_required", message: "Đính chính: được ghi trong VP-2026-1. Cần nêu lý do đính chính.", message_en: "x", fields: { reason: ["required"] } } }, 409);
      }
      return json(saved);
    }
    return json({ count: 0, next: null, previous: null, results: [] });
  }));
}

const wrap = (node: ReactNode) => render(
  <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
    <MemoryRouter>{node}</MemoryRouter>
  </QueryClientProvider>,
);

test("the officer edit dialog asks for the reason the server requires for an identity correction, and sends it", async () => {
  const patches: Record<string, unknown>[] = [];
  stubPatch(patches, { ...officer, full_name: "Hoàng Thị Lành" });
  const onSaved = vi.fn();
  wrap(<OfficerDialog officer={officer} onClose={() => undefined} onSaved={onSaved} />);
  const dialog = await screen.findByRole("dialog");
  expect(within(dialog).queryByRole("textbox", { name: /Lý do đính chính/ })).toBeNull();
  fireEvent.change(dialog.querySelector("input[name=full_name]")!, { target: { value: "Hoàng Thị Lành" } });
  fireEvent.click(within(dialog).getByTestId("officer-save"));
  const reason = await within(dialog).findByRole("textbox", { name: /Lý do đính chính/ });
  expect(within(dialog).getByText(/VP-2026-1/)).toBeInTheDocument();
  expect(onSaved).not.toHaveBeenCalled();
  fireEvent.change(reason, { target: { value: "Đính chính theo hồ sơ 12/QĐ" } });
  fireEvent.click(within(dialog).getByTestId("officer-save"));
  await waitFor(() => expect(onSaved).toHaveBeenCalled());
  expect(patches.map((p) => [p.full_name, p.reason])).toEqual([["Hoàng Thị Lành", ""], ["Hoàng Thị Lành", "Đính chính theo hồ sơ 12/QĐ"]]);
});

test("the unit rename dialog asks for the reason the server requires, and sends it", async () => {
  const patches: Record<string, unknown>[] = [];
  stubPatch(patches, { ...unit, name: "Công an xã Thanh Chương (đổi tên)" });
  const onDone = vi.fn();
  wrap(<RenameDialog unit={unit} onClose={() => undefined} onDone={onDone} />);
  const dialog = await screen.findByRole("dialog");
  expect(within(dialog).queryByRole("textbox", { name: /Lý do đổi tên/ })).toBeNull();
  fireEvent.change(dialog.querySelector("input[name=name]")!, { target: { value: "Công an xã Thanh Chương (đổi tên)" } });
  fireEvent.click(within(dialog).getByRole("button", { name: /Lưu/ }));
  const reason = await within(dialog).findByRole("textbox", { name: /Lý do đổi tên/ });
  expect(onDone).not.toHaveBeenCalled();
  fireEvent.change(reason, { target: { value: "Đổi tên theo quyết định 7/QĐ" } });
  fireEvent.click(within(dialog).getByRole("button", { name: /Lưu/ }));
  await waitFor(() => expect(onDone).toHaveBeenCalled());
  expect(patches.map((p) => p.reason)).toEqual(["", "Đổi tên theo quyết định 7/QĐ"]);
});

test("a new officer who looks like an existing one: the server names him, the dialog asks why they are two people and sends it (F1)", async () => {
  const posts: Record<string, unknown>[] = [];
  vi.stubGlobal("fetch", vi.fn(async (_input: RequestInfo | URL, init?: RequestInit) => {
    if (init?.method === "POST") {
      const body = JSON.parse(String(init.body)) as Record<string, unknown>;
      posts.push(body);
      if (!body.distinct_reason) {
        return json({ error: { code: "officer_lookalike", message: "Đã có cán bộ trùng họ tên (không kể dấu) và ngày sinh: Đặng Văn Bình (số hiệu NA-1002).", message_en: "x", fields: { distinct_reason: ["required"] } } }, 409);
      }
      return json({ ...officer, id: 14, service_number: "NA-9001", full_name: "Dang Van Binh" }, 201);
    }
    return json({ count: 0, next: null, previous: null, results: [] });
  }));
  const onSaved = vi.fn();
  wrap(<OfficerDialog onClose={() => undefined} onSaved={onSaved} />);
  const dialog = await screen.findByRole("dialog");
  expect(within(dialog).queryByTestId("officer-distinct-reason")).toBeNull();
  fireEvent.change(dialog.querySelector("input[name=service_number]")!, { target: { value: "NA-9001" } });
  fireEvent.change(dialog.querySelector("input[name=full_name]")!, { target: { value: "Dang Van Binh" } });
  fireEvent.click(within(dialog).getByTestId("officer-save"));
  const why = await within(dialog).findByTestId("officer-distinct-reason");
  expect(within(dialog).getByText(/NA-1002/)).toBeInTheDocument();
  fireEvent.change(why, { target: { value: "Hai cán bộ khác nhau, công tác ở hai đơn vị riêng biệt" } });
  fireEvent.click(within(dialog).getByTestId("officer-save"));
  await waitFor(() => expect(onSaved).toHaveBeenCalled());
  expect(posts.map((p) => p.distinct_reason)).toEqual([undefined, "Hai cán bộ khác nhau, công tác ở hai đơn vị riêng biệt"]);
});
