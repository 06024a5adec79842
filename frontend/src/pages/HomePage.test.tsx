import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, expect, test, vi } from "vitest";
import HomePage from "./HomePage";

afterEach(() => vi.unstubAllGlobals());

test("each count links to the work, rows link to the item, server keys become words", async () => {
  const home = {
    role: "disciplinary", today: "2026-11-30",
    cards: [
      { key: "deadlines", count: 1, link: "/accountability/cases", tone: "red", rows: [
        { title: "KL-2026-0001 · Vắng mặt", detail: "handling", link: "/accountability/cases/1", date: "2026-12-10", tone: "amber" }] },
      { key: "undecided_liabilities", count: 0, link: "/accountability/findings", tone: "amber", rows: [] },
    ],
  };
  vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify(home), { status: 200, headers: { "Content-Type": "application/json" } })));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter><HomePage /></MemoryRouter>
    </QueryClientProvider>,
  );
  const count = await screen.findByTestId("home-count-deadlines");
  expect(count).toHaveAttribute("href", "/accountability/cases");
  expect(within(count).getByText("1")).toBeInTheDocument();
  expect(screen.getByTestId("home-count-undecided_liabilities")).toHaveAttribute("href", "/accountability/findings");
  const row = within(screen.getByTestId("home-card-deadlines")).getByRole("link", { name: "KL-2026-0001 · Vắng mặt" });
  expect(row).toHaveAttribute("href", "/accountability/cases/1");
  expect(screen.getByText("10/12/2026").parentElement).toHaveTextContent("10/12/2026 · Hạn ra quyết định kỷ luật");
  expect(screen.queryByTestId("home-card-undecided_liabilities")).toBeNull();
});

test("the unit head's findings card is an inbox: what still needs him, and a link to what he already explained (issue 15)", async () => {
  const home = {
    role: "unit_head", today: "2026-11-30",
    cards: [
      { key: "unit_findings", count: 1, link: "/inspection/findings?explained=false", tone: "amber", rows: [
        { title: "VP-2026-0002 · Quầy vắng", detail: "Công an xã Kim Liên", link: "/inspection/findings/2", date: "2026-11-20", tone: "" }] },
    ],
  };
  vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify(home), { status: 200, headers: { "Content-Type": "application/json" } })));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter><HomePage /></MemoryRouter>
    </QueryClientProvider>,
  );
  const count = await screen.findByTestId("home-count-unit_findings");
  expect(count).toHaveAttribute("href", "/inspection/findings?explained=false");
  expect(count).toHaveTextContent("chờ giải trình");
  expect(within(count).getByText("1")).toBeInTheDocument();
  const card = screen.getByTestId("home-card-unit_findings");
  expect(within(card).getAllByRole("link")).toHaveLength(1);
  expect(screen.getByTestId("home-explained-history")).toHaveAttribute("href", "/inspection/findings?explained=true");
  expect(screen.getByTestId("home-explained-history")).toHaveTextContent("Xem các vi phạm đơn vị đã giải trình");
});

test("with nothing left to explain, the unit head's findings card stays, says so and leads to what he answered", async () => {
  const home = { role: "unit_head", today: "2026-11-30", cards: [{ key: "unit_findings", count: 0, link: "/inspection/findings?explained=false", tone: "amber", rows: [] }] };
  vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify(home), { status: 200, headers: { "Content-Type": "application/json" } })));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter><HomePage /></MemoryRouter>
    </QueryClientProvider>,
  );
  expect(await screen.findByTestId("home-empty-unit_findings")).toHaveTextContent("Không còn vi phạm nào chờ đơn vị giải trình");
  expect(screen.getByTestId("home-explained-history")).toHaveAttribute("href", "/inspection/findings?explained=true");
});

test("a planned check whose unit has ended shows its unit's last day in words, linked to the check", async () => {
  const home = {
    role: "lead", today: "2026-11-30",
    cards: [
      { key: "planned_unit_gone", count: 1, link: "/inspection/checks", tone: "red", rows: [
        { title: "KT-2026-0009 · Công an xã Nam Đàn", detail: "unit_gone", link: "/inspection/checks/abc", date: "2026-11-30", tone: "red" }] },
    ],
  };
  vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify(home), { status: 200, headers: { "Content-Type": "application/json" } })));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter><HomePage /></MemoryRouter>
    </QueryClientProvider>,
  );
  expect(await screen.findByTestId("home-count-planned_unit_gone")).toHaveTextContent("Cuộc kiểm tra có đơn vị đã chấm dứt");
  const card = screen.getByTestId("home-card-planned_unit_gone");
  expect(within(card).getByRole("link", { name: "KT-2026-0009 · Công an xã Nam Đàn" })).toHaveAttribute("href", "/inspection/checks/abc");
  expect(within(card).getByText("30/11/2026").parentElement).toHaveTextContent("30/11/2026 · Ngày cuối của đơn vị: hủy hoặc lập lại kế hoạch");
});
