import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router";
import { afterEach, expect, test, vi } from "vitest";
import FindingDetailPage from "./FindingDetailPage";

const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });
const page = (results: unknown[]) => ({ count: results.length, next: null, previous: null, results });

afterEach(() => vi.unstubAllGlobals());

test("a finding with nothing to package disables the export with its reason before any reason is typed", async () => {
  const finding = {
    id: 2, reference: "VP-2026-601B9D", title: "Vắng mặt tại quầy", source: "check", severity: "minor", state: "confirmed",
    unit: { id: 3, code: "CAX-TC", name: "Công an xã Thanh Chương" }, category: { code: "absent", name_vi: "Vắng mặt", name_en: "Absent" },
    check: { id: "28fe277c", reference: "KT-734745A1" }, occurred_from: "2026-04-14T02:00:00Z", description: "", subjects: [],
    evidence: [], transitions: [], criterion: "1.1", exportable: false,
  };
  vi.stubGlobal("fetch", vi.fn(async (input: RequestInfo | URL) => {
    const url = String(input);
    if (url.includes("/auth/me/")) return json({ id: 1, username: "reviewer", full_name: "R", role: "reviewer", role_label: "", scope_unit: null });
    if (url.includes("/inspection/findings/2/") && !url.includes("?")) return json(finding);
    return json(page([]));
  }));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter initialEntries={["/inspection/findings/2"]}>
        <Routes><Route path="/inspection/findings/:id" element={<FindingDetailPage />} /></Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
  const button = await screen.findByTestId("package-export");
  expect(button).toBeDisabled();
  expect(button).toHaveAttribute("title", "Vi phạm chưa có chứng cứ để xuất.");
  expect(button).toHaveAccessibleDescription("Vi phạm chưa có chứng cứ để xuất.");
  expect(screen.getByText("Vi phạm chưa có chứng cứ để xuất.", { selector: "p" })).toBeVisible();
});
