import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { describe, expect, it, vi } from "vitest";
import CalendarPage, { checksByDay, dayHeading, teamLabel } from "./CalendarPage";
import type { CheckBrief } from "../../types/inspection";
import { localDay } from "../../components/format";

const check = (reference: string, window_start: string) => ({ reference, window_start }) as unknown as CheckBrief;

describe("calendar", () => {
  it("puts a day's checks in time order, on the Hanoi day", () => {
    const days = checksByDay([
      check("KT-3", "2026-12-01T14:00:00+07:00"),
      check("KT-1", "2026-12-01T08:30:00+07:00"),
      check("KT-2", "2026-12-01T10:00:00+07:00"),
      check("KT-4", "2026-11-30T18:00:00Z"), // 01:00 on 01/12 in Hanoi
    ]);
    expect(days.get("2026-12-01")!.map((c) => c.reference)).toEqual(["KT-4", "KT-1", "KT-2", "KT-3"]);
    expect(days.has("2026-11-30")).toBe(false);
  });

  it("names the check's team, the lead first, once each", () => {
    const lead = { id: 2, username: "lead", full_name: "Nguyễn Văn Lâm" };
    const member = { id: 5, username: "insp5", full_name: "" };
    const c = { reference: "KT-1", window_start: "2026-12-01T08:00:00+07:00", lead, team: [member, lead] } as unknown as CheckBrief;
    expect(teamLabel(c)).toBe("Nguyễn Văn Lâm, insp5");
    expect(teamLabel({ reference: "KT-2", window_start: "2026-12-01T08:00:00+07:00" } as unknown as CheckBrief)).toBe("");
  });
});

describe("people and legend (issue 13, the lead's month)", () => {
  it("names people by rank and name, marks the check lead, and shows the login only without a name", () => {
    const lead = { id: 2, username: "province-inspector-4", full_name: "Trần Văn Bình", rank: "Thiếu tá" };
    const member = { id: 5, username: "province-inspector-2", full_name: "", rank: "" };
    const c = { reference: "KT-1", window_start: "2026-12-01T08:00:00+07:00", lead, team: [member, lead] } as unknown as CheckBrief;
    expect(teamLabel(c, "tổ trưởng")).toBe("Thiếu tá Trần Văn Bình (tổ trưởng), province-inspector-2");
  });

  it("the legend has 'Đã hủy' for the struck-through checks", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify({ count: 0, next: null, previous: null, results: [] }), { status: 200, headers: { "Content-Type": "application/json" } })));
    render(
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <MemoryRouter><CalendarPage /></MemoryRouter>
      </QueryClientProvider>,
    );
    expect(await screen.findByText("Đã hủy")).toBeInTheDocument();
    vi.unstubAllGlobals();
  });

  it("marks today for everyone, screen readers too (aria-current=date), and keeps ‹ month › together (issue 15)", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify({ count: 0, next: null, previous: null, results: [] }), { status: 200, headers: { "Content-Type": "application/json" } })));
    render(
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <MemoryRouter><CalendarPage /></MemoryRouter>
      </QueryClientProvider>,
    );
    await screen.findByText("Đã hủy");
    const today = localDay(new Date());
    const now = { day: Number(today.slice(8)), month: Number(today.slice(5, 7)), year: Number(today.slice(0, 4)) };
    const marked = document.querySelectorAll("[aria-current=date]");
    expect(marked).toHaveLength(1);
    expect(marked[0]).toHaveAttribute("data-day", today);
    expect(marked[0]).toHaveTextContent(String(now.day));
    // the arrows and the month's name are one group, in reading order (phone.css keeps it on one row)
    const nav = screen.getByTestId("cal-nav");
    expect(Array.from(nav.children).slice(0, 3).map((el) => el.getAttribute("data-testid"))).toEqual(["cal-prev", "cal-month", "cal-next"]);
    // the arrows move the month
    fireEvent.click(screen.getByRole("button", { name: "Tháng sau" }));
    await waitFor(() => expect(screen.getByTestId("cal-month")).not.toHaveTextContent(`Tháng ${now.month}/${now.year}`));
    vi.unstubAllGlobals();
  });
});

describe("the phone's day list (user review, ui15: cramped day cells at 390 px)", () => {
  it("writes every entry of the month out under the month, by day, with the unit's full name, and the cell's dots say how many", async () => {
    const today = localDay(new Date());
    const day = `${today.slice(0, 8)}15`;
    const lead = { id: 2, username: "lead", full_name: "Đặng Văn Bình", rank: "Trung tá" };
    const inspector = { id: 4, username: "inspector", full_name: "Võ Thanh Tùng", rank: "Đại úy" };
    const mk = (id: string, hour: string, unit: string, state: string, by = lead, title = "team_lead") => ({
      id, reference: `KT-${id}`, window_start: `${day}T${hour}:00+07:00`, state, lead: by, lead_title: title, team: [by],
      unit: { id: 1, code: "X", name: unit },
    });
    const results = [mk("B", "14", "Công an xã Nam Đàn", "planned", inspector, "check_lead"), mk("A", "08", "Công an xã Thanh Chương", "in_progress")];
    vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify({ count: 2, next: null, previous: null, results }), { status: 200, headers: { "Content-Type": "application/json" } })));
    render(
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <MemoryRouter><CalendarPage /></MemoryRouter>
      </QueryClientProvider>,
    );
    const agenda = await screen.findByTestId("cal-agenda");
    const entry = agenda.querySelector(`[data-day="${day}"]`)!;
    expect(entry.querySelector("h3")).toHaveTextContent(dayHeading(day));
    const items = Array.from(entry.querySelectorAll("[data-testid=cal-agenda-item]"));
    expect(items.map((el) => el.textContent)).toEqual([
      expect.stringMatching(/^08:00 Công an xã Thanh Chương.*Đang kiểm tra.*KT-A.*Tổ: Trung tá Đặng Văn Bình \(tổ trưởng\)/),
      // an inspector leading a check is not "tổ trưởng": the minutes' words (fixui, ui15c)
      expect.stringMatching(/^14:00 Công an xã Nam Đàn.*Tổ: Đại úy Võ Thanh Tùng \(phụ trách cuộc kiểm tra\)$/),
    ]);
    expect(items[1].textContent).not.toMatch(/tổ trưởng/i);
    const dots = document.querySelector(`[data-day="${day}"].cal-cell [data-testid=cal-dots]`)!;
    expect(dots).toHaveAccessibleName(`Ngày 15: 2 cuộc kiểm tra — xem danh sách bên dưới`);
    vi.unstubAllGlobals();
  });

  it("lists the checks of the spill-over days the grid shows, next month's first days too (fixui 6)", async () => {
    const today = localDay(new Date());
    const y = Number(today.slice(0, 4)), m = Number(today.slice(5, 7));
    const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
    const lead = { id: 2, username: "lead", full_name: "Đặng Văn Bình", rank: "Trung tá" };
    const results = [{ id: "N", reference: "KT-N", window_start: `${next}T09:00:00+07:00`, state: "planned", lead, team: [lead], unit: { id: 1, code: "X", name: "Công an xã Nam Đàn" } }];
    vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify({ count: 1, next: null, previous: null, results }), { status: 200, headers: { "Content-Type": "application/json" } })));
    render(
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <MemoryRouter><CalendarPage /></MemoryRouter>
      </QueryClientProvider>,
    );
    const agenda = await screen.findByTestId("cal-agenda");
    // the grid shows 42 days: next month's 1st is always among them, with its dot
    await waitFor(() => expect(document.querySelector(`[data-day="${next}"].cal-cell [data-testid=cal-dots]`)).not.toBeNull());
    expect(agenda).not.toHaveTextContent("Không có cuộc kiểm tra");
    expect(agenda.querySelector(`#cal-agenda-${next} [data-testid=cal-agenda-item]`)).toHaveTextContent("Công an xã Nam Đàn");
    vi.unstubAllGlobals();
  });

  it("heads each day with its weekday in Vietnamese", () => {
    expect(dayHeading("2026-11-30")).toBe("Thứ Hai, 30/11/2026");
  });
});
