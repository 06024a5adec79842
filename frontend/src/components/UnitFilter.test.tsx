import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, within } from "@testing-library/react";
import { afterEach, expect, test, vi } from "vitest";
import { UnitFilter } from "./UnitFilter";
import { localToday } from "./format";

afterEach(() => { vi.unstubAllGlobals(); vi.useRealTimers(); });

const unit = (id: number, name: string, valid_from: string, valid_to: string | null) =>
  ({ id, name, code: `U${id}`, level: "commune", parent: null, valid_from, valid_to, successor: null });

test("offers the units in force today (local day): merged communes until their last day, not a successor not yet in force", async () => {
  // 23:30 UTC on 30/11 is already 01/12 in Hà Nội: the day asked for is the local one
  vi.useFakeTimers({ shouldAdvanceTime: true, now: new Date("2026-11-30T23:30:00Z") });
  const asked: string[] = [];
  vi.stubGlobal("fetch", vi.fn(async (input: RequestInfo | URL) => {
    const url = new URL(String(input), "http://x");
    asked.push(url.search);
    const at = url.searchParams.get("at");
    // the server answers `at` with the units in force that day; without it, every unit ever
    const body = at === "2026-12-01"
      ? [unit(1, "Kim Liên", "2020-01-01", "2026-12-31"), unit(2, "Nam Đàn", "2020-01-01", "2026-12-31"), unit(4, "Diễn Châu", "2020-01-01", null)]
      : [unit(1, "Kim Liên", "2020-01-01", "2026-12-31"), unit(2, "Nam Đàn", "2020-01-01", "2026-12-31"), unit(3, "Vạn An", "2027-01-01", null), unit(4, "Diễn Châu", "2020-01-01", null)];
    return new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });
  }));
  expect(localToday()).toBe("2026-12-01");
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <UnitFilter value="" onChange={() => undefined} />
    </QueryClientProvider>,
  );
  const select = screen.getByTestId("unit-filter");
  await within(select).findByRole("option", { name: "Kim Liên" });
  expect(within(select).getByRole("option", { name: "Nam Đàn" })).toBeInTheDocument();
  expect(within(select).getByRole("option", { name: "Diễn Châu" })).toBeInTheDocument();
  expect(within(select).queryByRole("option", { name: "Vạn An" })).toBeNull();
  expect(asked.some((s) => s.includes("at=2026-12-01"))).toBe(true);
});
