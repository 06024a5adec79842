import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, within } from "@testing-library/react";
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
