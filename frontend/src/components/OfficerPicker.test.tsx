import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, expect, test, vi } from "vitest";
import { OfficerPicker } from "./OfficerPicker";
import { ActionButton } from "./ActionButton";

afterEach(() => vi.unstubAllGlobals());

const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });
const posting = (id: number, name: string, position: string) => ({
  id: 100 + id, officer: { id, service_number: `NA-${id}`, full_name: name, rank: "Đại úy" }, unit: { id: 7, code: "CAX-TC", name: "Công an xã Thanh Chương" },
  position, is_head: false, is_deputy: false, is_acting: false, field: null, in_charge_of: "", valid_from: "2025-07-01", valid_to: null, decision_ref: "",
});

function wrap(node: React.ReactNode) {
  return render(<QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>{node}</QueryClientProvider>);
}

test("scoped to a unit and a day it asks who served there then, shows the post, and picks with the keyboard", async () => {
  const fetchMock = vi.fn(async () => json({ count: 2, next: null, previous: null, results: [posting(1, "Phạm Quốc Anh", "Cán bộ một cửa"), posting(2, "Hoàng Thị Lan", "Cán bộ một cửa")] }));
  vi.stubGlobal("fetch", fetchMock);
  const onChange = vi.fn();
  wrap(<OfficerPicker value={null} onChange={onChange} unitId={7} at="2026-04-02" unitName="Công an xã Thanh Chương" />);
  const box = screen.getByRole("combobox");
  await userEvent.click(box);
  expect(await screen.findByText("Phạm Quốc Anh")).toBeInTheDocument();
  const url = String((fetchMock.mock.calls[0] as unknown[])[0]);
  expect(url).toContain("/api/org/units/7/officers/");
  expect(url).toContain("at=2026-04-02");
  expect(screen.getAllByText("Cán bộ một cửa — Công an xã Thanh Chương")).toHaveLength(2);
  expect(screen.getByRole("listbox")).toHaveAccessibleName("Cán bộ công tác tại Công an xã Thanh Chương ngày 02/04/2026");
  await userEvent.keyboard("{ArrowDown}{Enter}");
  expect(onChange).toHaveBeenCalledWith(expect.objectContaining({ full_name: "Hoàng Thị Lan" }));
});

test("without a unit it searches the officers in scope", async () => {
  const fetchMock = vi.fn(async () => json({ count: 0, next: null, previous: null, results: [] }));
  vi.stubGlobal("fetch", fetchMock);
  wrap(<OfficerPicker value={null} onChange={() => undefined} />);
  await userEvent.click(screen.getByRole("combobox"));
  expect(await screen.findByText("Không có")).toBeInTheDocument();
  expect(String((fetchMock.mock.calls[0] as unknown[])[0])).toContain("/api/org/officers/");
});

test("a disabled action says why, to the eye and to a screen reader", () => {
  render(<ActionButton why="Nhập ngày hiệu lực (dd/mm/yyyy)">Lưu</ActionButton>);
  const button = screen.getByRole("button", { name: "Lưu" });
  expect(button).toBeDisabled();
  expect(button).toHaveAttribute("title", "Nhập ngày hiệu lực (dd/mm/yyyy)");
  expect(button).toHaveAccessibleDescription("Nhập ngày hiệu lực (dd/mm/yyyy)");
});
