import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, within } from "@testing-library/react";
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
