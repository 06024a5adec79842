import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, within } from "@testing-library/react";
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
