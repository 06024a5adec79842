import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, expect, test, vi } from "vitest";
import AbsencesCard from "./AbsencesCard";
import { isoToDmy } from "../../components/DateInput";
import { localToday } from "../../components/format";

afterEach(() => vi.unstubAllGlobals());

test("the absence form's dates are the project's dd/mm/yyyy fields, not the browser's own date input", async () => {
  vi.stubGlobal("fetch", vi.fn(async (input: RequestInfo | URL) => {
    const body = String(input).includes("team") ? [{ id: 3, username: "insp", full_name: "Lê Văn Cường", role: "inspector" }] : { count: 0, next: null, previous: null, results: [] };
    return new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });
  }));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <AbsencesCard canEdit />
    </QueryClientProvider>,
  );
  const form = await screen.findByTestId("absence-form");
  for (const label of ["Từ ngày", "Đến ngày"]) {
    const input = within(form).getByLabelText(label);
    expect(input).toHaveAttribute("type", "text");
    expect(input).toHaveAttribute("placeholder", "dd/mm/yyyy");
    expect(input).toHaveValue(isoToDmy(localToday()));
  }
  // the only native date inputs left are the hidden pickers behind the calendar buttons
  form.querySelectorAll('input[type="date"]').forEach((el) => expect(el).toHaveAttribute("aria-hidden", "true"));
});

test("the absence form holds its button with a Vietnamese reason: no reason given, or a day that does not exist", async () => {
  vi.stubGlobal("fetch", vi.fn(async (input: RequestInfo | URL) => {
    const body = String(input).includes("team") ? [{ id: 3, username: "insp", full_name: "Lê Văn Cường", role: "inspector" }] : { count: 0, next: null, previous: null, results: [] };
    return new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });
  }));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <AbsencesCard canEdit />
    </QueryClientProvider>,
  );
  const form = await screen.findByTestId("absence-form");
  const person = within(form).getByRole("combobox", { name: "Cán bộ" });
  await within(form).findByRole("option", { name: "Lê Văn Cường" });
  fireEvent.change(person, { target: { value: "3" } });
  const add = within(form).getByRole("button", { name: "Ghi nhận vắng mặt" });
  expect(add).toBeDisabled();
  expect(add).toHaveAttribute("title", "Nhập lý do vắng mặt");
  expect(form.querySelector("[required]")).toBeNull(); // no browser bubble in English
  fireEvent.change(within(form).getByLabelText("Lý do"), { target: { value: "Nghỉ phép năm" } });
  expect(add).toBeEnabled();
  fireEvent.change(within(form).getByLabelText("Đến ngày"), { target: { value: "31/02/2027" } });
  expect(add).toBeDisabled();
  expect(add).toHaveAttribute("title", expect.stringContaining("Có ngày không có thật"));
});

test("an absence whose details the server withholds shows who is unavailable when, and says the reason is personal (issue 15)", async () => {
  const row = { id: 9, user: { id: 3, username: "insp", full_name: "Lê Văn Cường" }, kind: null, start: "2026-12-02", end: "2026-12-06", reason: null, created_at: "2026-11-30T05:00:00Z", created_by: null, withdrawn_at: null, withdraw_reason: null, details_hidden: true };
  vi.stubGlobal("fetch", vi.fn(async (input: RequestInfo | URL) => {
    const body = String(input).includes("team") ? [] : { count: 1, next: null, previous: null, results: [row] };
    return new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });
  }));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <AbsencesCard canEdit privateHint />
    </QueryClientProvider>,
  );
  const table = await screen.findByTestId("absences-table");
  expect(table).toHaveTextContent("Lê Văn Cường");
  expect(table).toHaveTextContent("Không có mặt");
  expect(table).not.toHaveTextContent("absence.kind");
  expect(screen.getByTestId("absence-reason-9")).toHaveTextContent("chỉ tổ trưởng và chính cán bộ đó xem được");
  expect(screen.getByTestId("absence-private-hint")).toHaveTextContent("thông tin cá nhân");
});

test("withdrawing an absence asks its reason in the app's own dialog, not the browser's window.prompt (issue 15)", async () => {
  const row = { id: 9, user: { id: 3, username: "insp", full_name: "Lê Văn Cường" }, kind: "leave", start: "2026-12-02", end: "2026-12-06", reason: "Nghỉ phép", created_at: "2026-11-30T05:00:00Z", created_by: null, withdrawn_at: null, withdraw_reason: null, details_hidden: false };
  const sent: { url: string; body: unknown }[] = [];
  vi.stubGlobal("fetch", vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    if (init?.method === "POST") sent.push({ url: String(input), body: JSON.parse(String(init.body)) });
    const body = String(input).includes("team") ? [] : { count: 1, next: null, previous: null, results: [row] };
    return new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });
  }));
  const prompt = vi.fn(() => "lý do từ hộp thoại của trình duyệt");
  vi.stubGlobal("prompt", prompt);
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <AbsencesCard canEdit />
    </QueryClientProvider>,
  );
  fireEvent.click(await screen.findByTestId("absence-withdraw-9"));
  expect(prompt).not.toHaveBeenCalled();
  const dialog = screen.getByRole("dialog", { name: "Hủy vắng mặt" });
  expect(dialog).toHaveTextContent("Hủy vắng mặt của Lê Văn Cường (02/12/2026 → 06/12/2026)?");
  const ok = within(dialog).getByTestId("confirm-ok");
  expect(ok).toBeDisabled();
  expect(ok).toHaveAttribute("title", "Nhập lý do trước");
  const reason = within(dialog).getByLabelText("Lý do hủy vắng mặt");
  expect(document.activeElement).toBe(reason);
  fireEvent.change(reason, { target: { value: "  Được gọi về sớm  " } });
  fireEvent.click(ok);
  await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
  expect(sent).toEqual([{ url: expect.stringContaining("/inspection/absences/9/withdraw/"), body: { reason: "Được gọi về sớm" } }]);
});

test("a recorded absence leaves the form empty for the next one", async () => {
  const posted: unknown[] = [];
  vi.stubGlobal("fetch", vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    if (init?.method === "POST") {
      posted.push(JSON.parse(String(init.body)));
      return new Response(JSON.stringify({ id: 9 }), { status: 201, headers: { "Content-Type": "application/json" } });
    }
    const body = String(input).includes("team") ? [{ id: 3, username: "insp", full_name: "Lê Văn Cường", role: "inspector" }] : { count: 0, next: null, previous: null, results: [] };
    return new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });
  }));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <AbsencesCard canEdit />
    </QueryClientProvider>,
  );
  const form = await screen.findByTestId("absence-form");
  await within(form).findByRole("option", { name: "Lê Văn Cường" });
  fireEvent.change(within(form).getByRole("combobox", { name: "Cán bộ" }), { target: { value: "3" } });
  fireEvent.change(within(form).getByRole("combobox", { name: "Loại" }), { target: { value: "illness" } });
  fireEvent.change(within(form).getByLabelText("Đến ngày"), { target: { value: "31/12/2099" } });
  fireEvent.change(within(form).getByLabelText("Lý do"), { target: { value: "Nghỉ ốm có giấy của bệnh viện" } });
  fireEvent.click(within(form).getByRole("button", { name: "Ghi nhận vắng mặt" }));
  await waitFor(() => expect(posted).toHaveLength(1));
  expect(posted[0]).toMatchObject({ user: 3, kind: "illness", end: "2099-12-31" });
  await waitFor(() => expect(within(form).getByLabelText("Lý do")).toHaveValue(""));
  expect(within(form).getByRole("combobox", { name: "Cán bộ" })).toHaveValue("");
  expect(within(form).getByRole("combobox", { name: "Loại" })).toHaveValue("leave");
  expect(within(form).getByLabelText("Đến ngày")).toHaveValue(isoToDmy(localToday()));
});
