import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, expect, test, vi } from "vitest";
import { LinkFindingDialog } from "./PlayerPage";
import type { ClipDetail, Tag } from "../../types/media";

afterEach(() => vi.unstubAllGlobals());

const clip = { id: 4, started_at: "2026-11-20T01:00:00Z", unit: { id: 9, code: "CAX-TC", name: "Công an xã Thanh Chương" }, counter: null, camera: null } as unknown as ClipDetail;
const tag = { id: 11, clip_id: 4, label: { code: "absent", name_vi: "Vắng mặt", name_en: "Absent" }, start_s: 10, end_s: 20, note: "", author: { id: 2, name: "Mai" }, created_at: "", updated_at: "", revision: 1 } as Tag;
const dismissed = { id: 3, reference: "VP-2026-0003", title: "Thái độ", source: "footage", severity: "serious", state: "dismissed", unit: clip.unit, category: { code: "x", name_vi: "x", name_en: "x" }, occurred_from: "2026-11-20T01:00:00Z" };

function serve(role: string, findings: unknown[]) {
  vi.stubGlobal("fetch", vi.fn(async (input: RequestInfo | URL) => {
    const url = String(input);
    const body = url.includes("auth/session")
      ? { signed_in: true, stage: "signed_in", user: { id: 2, username: role, full_name: role, role, scope_unit: null, officer: null, is_inspection_team: false } }
      : { count: findings.length, next: null, previous: null, results: findings };
    return new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });
  }));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter><LinkFindingDialog tag={tag} clip={clip} labels={[]} onClose={() => undefined} /></MemoryRouter>
    </QueryClientProvider>,
  );
}

test("with no open finding of the unit, the dialog says why and what to do instead of an empty box (issue 15)", async () => {
  serve("reviewer", [dismissed]); // the only finding is dismissed: it takes no evidence, so it is not offered
  const dialog = await screen.findByRole("dialog");
  const notice = await within(dialog).findByTestId("link-no-findings");
  expect(notice).toHaveTextContent("Công an xã Thanh Chương chưa có vi phạm nào đang mở mà đồng chí gắn chứng cứ được");
  expect(notice).toHaveTextContent("Bấm “Lập vi phạm mới từ thẻ này”");
  expect(within(dialog).queryByRole("radio")).toBeNull();
  expect(within(dialog).getByTestId("finding-from-tag")).toBeInTheDocument();
  fireEvent.change(within(dialog).getByPlaceholderText(/Tìm/), { target: { value: "quầy" } });
  expect(await within(dialog).findByText(/khớp “quầy”/)).toBeInTheDocument();
});

test("a role that cannot file a finding is told to ask the inspection team", async () => {
  serve("admin", []);
  const notice = await screen.findByTestId("link-no-findings");
  expect(notice).toHaveTextContent("Hãy báo đội kiểm tra lập vi phạm cho đơn vị này");
  expect(screen.queryByTestId("finding-from-tag")).toBeNull();
});

test("open findings are listed to pick, without the notice", async () => {
  serve("reviewer", [{ ...dismissed, id: 5, reference: "VP-2026-0005", state: "confirmed" }]);
  expect(await screen.findByRole("radio", { name: "VP-2026-0005" })).toBeInTheDocument();
  expect(screen.queryByTestId("link-no-findings")).toBeNull();
});
