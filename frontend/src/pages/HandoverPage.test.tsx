// The hand-over screen names the signing steps as the check page does (leadTitle): "Tổ trưởng" only for a
// lead who holds that post, "Phụ trách cuộc kiểm tra" otherwise (UX review: the two screens differed).
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import { afterEach, expect, test, vi } from "vitest";
import HandoverPage from "./HandoverPage";

const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });

function step(lead_title: string) {
  return {
    check: "c-7f3a", reference: "KT-7F3A01", unit: "Công an xã Thanh Chương", counter: null,
    lead: { name: "Lê Văn Tâm", rank: "Thiếu tá" }, lead_title, signed_at: "2026-04-14T03:00:00Z", results: [],
    score: "10", max_score: "12", percent: "83.33", summary: "", lead_content_hash: "a".repeat(64), content_hash: "",
    representative: null,
  };
}

afterEach(() => { vi.unstubAllGlobals(); vi.restoreAllMocks(); });

function renderWith(lead_title: string) {
  // jsdom has no canvas: the signature pad draws on nothing
  vi.spyOn(HTMLCanvasElement.prototype, "getContext").mockReturnValue(new Proxy({}, { get: () => () => undefined }) as unknown as CanvasRenderingContext2D);
  vi.stubGlobal("fetch", vi.fn(async () => json(step(lead_title))));
  render(<QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}><HandoverPage /></QueryClientProvider>);
}

test("a team lead's check: step 1 says 'Tổ trưởng ký', as on the check page", async () => {
  renderWith("team_lead");
  expect(await screen.findByTestId("rep-signoff")).toHaveTextContent("1. Tổ trưởng ký");
});

test("a check led by an inspector: step 1 says 'Phụ trách cuộc kiểm tra ký'", async () => {
  renderWith("check_lead");
  expect(await screen.findByTestId("rep-signoff")).toHaveTextContent("1. Phụ trách cuộc kiểm tra ký");
});
