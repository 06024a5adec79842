import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, expect, test, vi } from "vitest";
import i18n from "i18next";
import { NewFindingDialog, criterionFindingTitle, orderCategories } from "./NewFindingDialog";
import type { FindingCategory } from "../../types/inspection";

const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });

afterEach(() => vi.unstubAllGlobals());

test("a finding filed from a failed criterion states the violation, not the criterion's positive wording (fixui 3)", () => {
  const title = criterionFindingTitle(i18n.t.bind(i18n), { code: "1.1", text: "Cán bộ có mặt tại quầy trong giờ làm việc" });
  expect(title).toBe("Không đạt tiêu chí 1.1: Cán bộ có mặt tại quầy trong giờ làm việc");
});

test("a finding filed from a check leaves the violation time empty and offers the check's window as a quick fill (fixui 4)", async () => {
  vi.stubGlobal("fetch", vi.fn(async (input: RequestInfo | URL) => json(String(input).includes("/categories/") ? [] : { count: 0, next: null, previous: null, results: [] })));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter>
        <NewFindingDialog
          prefill={{ source: "check", check: "c1", unitId: 3, window: { from: "2026-11-30T01:00:00Z", to: null }, title: "Không đạt tiêu chí 1.1: x" }}
          onClose={() => undefined} onCreated={() => undefined} />
      </MemoryRouter>
    </QueryClientProvider>,
  );
  const dialog = await screen.findByRole("dialog");
  const fromDate = dialog.querySelector<HTMLInputElement>('input[name="occurred_from_date"]') ?? dialog.querySelector<HTMLInputElement>('input[name="occurred_from"]');
  expect(fromDate).not.toBeNull();
  expect(fromDate!.value).toBe("");
  expect(within(dialog).getByTestId("occurred-from-needed")).toBeInTheDocument();
  expect(within(dialog).getByTestId("check-window-hint")).toHaveTextContent("30/11/2026");
  fireEvent.click(within(dialog).getByTestId("use-check-start"));
  expect(within(dialog).queryByTestId("occurred-from-needed")).toBeNull();
  expect(fromDate!.value).toBe("30/11/2026");
});

test("the kinds of violation are listed by name with the catch-all 'Vi phạm khác' last (fixui 7)", () => {
  const cat = (code: string, name_vi: string) => ({ code, name_vi, name_en: code, default_severity: "serious" }) as unknown as FindingCategory;
  const ordered = orderCategories([cat("VANG_MAT", "Vắng mặt tại quầy"), cat("KHAC", "Vi phạm khác"), cat("THU_PHI", "Thu phí sai quy định"), cat("GIAO_THONG", "Xử lý vi phạm giao thông")]);
  expect(ordered.map((c) => c.code)).toEqual(["THU_PHI", "VANG_MAT", "GIAO_THONG", "KHAC"]);
});

// "+ Lập vi phạm" on the findings list (issue 15): the server needs the check a team finding comes from;
// the dialog asks for it among the started checks of the user's own team, and takes its unit.
function serveFiling(checks: unknown[]) {
  const me = { id: 41, username: "canbo", full_name: "Trần Thị Hoa", role: "inspector", role_label: "", scope_unit: null, is_inspection_team: true };
  const unit = { id: 3, code: "CAX-TC", name: "Công an xã Thanh Chương" };
  const posts: { url: string; body: unknown }[] = [];
  vi.stubGlobal("fetch", vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    if (init?.method === "POST") posts.push({ url, body: JSON.parse(String(init.body)) });
    if (url.includes("/auth/session/")) return json({ signed_in: true, stage: "signed_in", user: me });
    if (url.includes("/org/units/")) return json([unit]);
    if (url.includes("/inspection/checks/")) {
      const state = new URL(url, "http://x").searchParams.get("state");
      return json({ count: 0, next: null, previous: null, results: checks.filter((c) => (c as { state: string }).state === state) });
    }
    return json(url.includes("/categories/") ? [] : { count: 0, next: null, previous: null, results: [] });
  }));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter>
        <NewFindingDialog prefill={{ source: "check" }} onClose={() => undefined} onCreated={() => undefined} />
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return posts;
}

const checkOf = (id: string, reference: string, team: number[], state = "in_progress") => ({
  id, reference, state, mode: "dot_xuat", unit: { id: 3, name: "Công an xã Thanh Chương" }, counter: null,
  window_start: "2026-11-30T01:00:00Z", window_end: "2026-11-30T03:00:00Z", started_at: "2026-11-30T01:05:00Z", completed_at: null,
  lead: { id: team[0], username: "u", full_name: "" }, lead_title: "team_lead", team: team.map((u) => ({ id: u, username: "u", full_name: "" })),
});

test("a finding from the findings list asks which of the user's team's started checks it comes from, and takes its unit (issue 15)", async () => {
  serveFiling([checkOf("c-mine", "KT-000111", [40, 41]), checkOf("c-other", "KT-000222", [40, 43], "completed")]);
  const dialog = await screen.findByRole("dialog");
  const pick = await within(dialog).findByRole("combobox", { name: /^Cuộc kiểm tra phát hiện vi phạm/ });
  await within(pick).findByRole("option", { name: /KT-000111/ });
  expect(within(pick).queryByRole("option", { name: /KT-000222/ })).toBeNull(); // not the user's team: the server refuses it
  expect(within(dialog).getByTestId("finding-submit")).toHaveAccessibleDescription(/Chọn cuộc kiểm tra phát hiện vi phạm/);
  fireEvent.change(pick, { target: { value: "c-mine" } });
  const unitSelect = dialog.querySelector<HTMLSelectElement>('select[name="unit"]')!;
  await screen.findByRole("option", { name: "Công an xã Thanh Chương" });
  expect(unitSelect.value).toBe("3");
  expect(unitSelect).toBeDisabled();
  expect(within(dialog).getByTestId("check-window-hint")).toHaveTextContent("30/11/2026");
});

test("with no started check of his team, the dialog says where a team finding is filed (issue 15)", async () => {
  serveFiling([checkOf("c-other", "KT-000222", [40, 43])]);
  const dialog = await screen.findByRole("dialog");
  await waitFor(() => expect(within(dialog).getByTestId("finding-check-hint")).toHaveTextContent("Đồng chí không ở tổ của cuộc kiểm tra nào đã bắt đầu"));
});
