import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, expect, test, vi } from "vitest";
import { OfficerDialog } from "./OfficersPage";

afterEach(() => vi.unstubAllGlobals());

test("a date of birth that does not exist holds the save with a reason instead of saving the officer without one", async () => {
  const fetchMock = vi.fn(async () => new Response("{}", { status: 201, headers: { "Content-Type": "application/json" } }));
  vi.stubGlobal("fetch", fetchMock);
  render(
    <QueryClientProvider client={new QueryClient()}>
      <OfficerDialog onClose={vi.fn()} onSaved={vi.fn()} />
    </QueryClientProvider>,
  );
  const dialog = screen.getByRole("dialog");
  const inputs = dialog.querySelectorAll("input");
  fireEvent.change(dialog.querySelector('input[name="service_number"]') ?? inputs[0], { target: { value: "F-123" } });
  fireEvent.change(dialog.querySelector('input[name="full_name"]') ?? inputs[1], { target: { value: "Nguyễn Văn An" } });
  const save = within(dialog).getByTestId("officer-save");
  expect(save).toBeEnabled();
  fireEvent.change(within(dialog).getByLabelText("Ngày sinh"), { target: { value: "31/02/1992" } });
  expect(within(dialog).getByTestId("date-problem")).toHaveTextContent("Ngày 31/02/1992 không có thật");
  expect(save).toBeDisabled();
  expect(save).toHaveAttribute("title", expect.stringContaining("Có ngày không có thật"));
  fireEvent.click(save);
  expect(fetchMock).not.toHaveBeenCalled();
  fireEvent.change(within(dialog).getByLabelText("Ngày sinh"), { target: { value: "28/02/1992" } });
  expect(save).toBeEnabled();
});
