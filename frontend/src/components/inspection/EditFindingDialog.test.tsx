import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router";
import { afterEach, expect, test, vi } from "vitest";
import FindingDetailPage from "../../pages/inspection/FindingDetailPage";

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

afterEach(() => vi.unstubAllGlobals());

const OUTSIDE_VI = "Thời gian vi phạm mới của VP-2026-0007 (20/11/2026 09:00 – 20/11/2026 09:30) không chứa đoạn hình ảnh đã gắn làm chứng cứ: chứng cứ #4 ghi lúc 20/11/2026 08:00:10 – 08:00:20. Chỉ đổi thời gian vi phạm khi nêu lý do (ít nhất 10 ký tự).";

test("a draft's period edit that leaves footage outside shows the server's explanation, asks the reason and sends it again (issue 15)", async () => {
  const finding = {
    id: 7, reference: "VP-2026-0007", title: "Vắng mặt tại quầy", source: "footage", severity: "serious", state: "draft",
    unit: { id: 3, code: "CAX-TC", name: "Công an xã Thanh Chương" }, category: { code: "absent", name_vi: "Vắng mặt", name_en: "Absent" },
    check: null, occurred_from: "2026-11-20T01:00:00Z", occurred_to: "2026-11-20T01:30:00Z", description: "", subjects: [],
    evidence: [], transitions: [], explanations: [], exportable: true, created_by: { id: 5, username: "reviewer", full_name: "Ngô Thị Mai" },
  };
  const patches: Record<string, unknown>[] = [];
  vi.stubGlobal("fetch", vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    if (url.includes("/auth/session/")) return json({ signed_in: true, stage: "signed_in", user: { id: 5, username: "reviewer", full_name: "Ngô Thị Mai", role: "reviewer", scope_unit: null } });
    if (url.includes("/inspection/findings/7/") && init?.method === "PATCH") {
      const body = JSON.parse(String(init.body)) as Record<string, unknown>;
      patches.push(body);
      if (!body.out_of_period_reason) return json({ error: { code: "outside_period", message: OUTSIDE_VI, message_en: "outside", fields: {}, detail: { evidence: [4] } } }, 409);
      return json({ ...finding, occurred_from: body.occurred_from, occurred_to: body.occurred_to });
    }
    if (url.includes("/inspection/findings/7/") && !url.includes("?")) return json(finding);
    return json({ count: 0, next: null, previous: null, results: [] });
  }));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter initialEntries={["/inspection/findings/7"]}>
        <Routes><Route path="/inspection/findings/:id" element={<FindingDetailPage />} /></Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
  fireEvent.click(await screen.findByTestId("finding-edit"));
  const dialog = await screen.findByRole("dialog");
  // move the start half an hour later: the footage (08:00 local) falls outside
  const fromTime = dialog.querySelector<HTMLInputElement>('input[name="occurred_from_time"]')!;
  expect(fromTime).toHaveValue("08:00");
  fireEvent.change(fromTime, { target: { value: "09:00" } });
  fireEvent.click(within(dialog).getByTestId("finding-edit-save"));
  const notice = await within(dialog).findByTestId("finding-edit-outside");
  expect(notice).toHaveTextContent("không chứa đoạn hình ảnh đã gắn làm chứng cứ: chứng cứ #4");
  const save = within(dialog).getByTestId("finding-edit-save");
  expect(save).toHaveTextContent("Lưu, kèm lý do");
  expect(save).toBeDisabled();
  fireEvent.change(within(notice).getByRole("textbox"), { target: { value: "Giờ vi phạm xác định lại theo biên bản, hình ảnh vẫn cho thấy quầy vắng từ trước" } });
  expect(save).toBeEnabled();
  fireEvent.click(save);
  await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
  expect(patches).toHaveLength(2);
  expect(patches[0].out_of_period_reason).toBeUndefined();
  expect(patches[1].out_of_period_reason).toMatch(/^Giờ vi phạm xác định lại/);
  expect(patches[1].occurred_from).toBe(patches[0].occurred_from);
  expect(await screen.findByTestId("finding-edited")).toHaveTextContent("Đã lưu thay đổi.");
});
