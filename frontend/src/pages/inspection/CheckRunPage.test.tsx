// The check page on the working day (issue 15): ending a check asks first and says what ending means;
// "Ký biên bản" waits, with the server's own reason, while the signature would be refused; a failed
// critical criterion turns the score card red with its reason; starting early says so; a planned check
// shows its team.
import "fake-indexeddb/auto";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router";
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import CheckRunPage from "./CheckRunPage";
import { clearOfflineData, heldPhotos, queueItems } from "../../offline/store";

// the photo as the phone prepares it (resized, hashed, stamped): jsdom has no canvas or camera
vi.mock("../../offline/photo", () => ({
  preparePhoto: async (file: File, criterion: string) => ({
    blob: file, name: file.name, type: file.type, sha256: "a".repeat(64), criterion, capturedAt: "2026-04-14T01:30:00Z",
    latitude: null, longitude: null, accuracy: null,
  }),
}));

const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });
const lead = { id: 41, username: "totruong", full_name: "Lê Văn Tâm" };
const member = { id: 42, username: "canbo", full_name: "Trần Thị Hoa" };
const criteria = [
  { code: "1.1", text: "Niêm yết thủ tục", max_points: 10, weight: 1, critical: false },
  { code: "1.2", text: "Không thu tiền ngoài quy định", max_points: 2, weight: 1, critical: true },
];

function checkOf(state: string, extra: Record<string, unknown> = {}) {
  return {
    id: "c-7f3a", reference: "KT-7F3A01", state, mode: "surprise", unit: { id: 3, code: "CAX-TC", name: "Công an xã Thanh Chương" },
    counter: null, lead, lead_title: "team_lead", team: [lead, member], window_start: "2026-04-14T01:00:00Z", window_end: "2026-04-14T04:00:00Z",
    criteria_set: { id: 5, name: "Bộ tiêu chí 2026" }, ...extra,
  };
}

function reportOf(results: { criterion: string; outcome: string; note?: string }[], extra: Record<string, unknown> = {}) {
  return {
    check: "c-7f3a", criteria_set: { id: 5, name: "Bộ tiêu chí 2026" }, summary: "", score: 10, max_score: 12, percent: 83.33, flags: [],
    results: results.map((r) => ({ ...r, text: "", max_points: 10, weight: 1, critical: false, points: r.outcome === "pass" ? 10 : 0, note: r.note ?? "" })),
    evidence: [], signed: false, signed_at: null, signed_by: null, content_hash: "", version: 3, representative: null, amendments: [], sign_blockers: [], ...extra,
  };
}

function serve(check: unknown, report: unknown, me = lead) {
  const posts: string[] = [];
  vi.stubGlobal("fetch", vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    if (init?.method === "POST") posts.push(url);
    if (url.includes("/auth/session/")) return json({ signed_in: true, stage: "signed_in", user: { ...me, role: "inspector", role_label: "", scope_unit: null, is_inspection_team: true } });
    if (url.includes("/report/")) return json(report);
    if (url.includes("/criteria-sets/5/")) return json({ criteria });
    if (url.includes("/inspection/checks/c-7f3a/")) return json(check);
    return json({ count: 0, next: null, previous: null, results: [] });
  }));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter initialEntries={["/inspection/checks/c-7f3a"]}>
        <Routes><Route path="/inspection/checks/:id" element={<CheckRunPage />} /></Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return posts;
}

beforeEach(async () => { await clearOfflineData(); });
afterEach(() => { vi.unstubAllGlobals(); vi.useRealTimers(); vi.restoreAllMocks(); });

test("ending the check asks first, in the app's own dialog, and says what ending means", async () => {
  const confirm = vi.fn(() => true);
  vi.stubGlobal("confirm", confirm);
  const posts = serve(checkOf("in_progress"), reportOf([{ criterion: "1.1", outcome: "pass" }, { criterion: "1.2", outcome: "pass" }]));
  const button = await screen.findByTestId("check-complete");
  await waitFor(() => expect(button).toBeEnabled());
  fireEvent.click(button);
  const dialog = await screen.findByRole("dialog", { name: "Kết thúc kiểm tra" });
  expect(dialog).toHaveTextContent("không thể quay lại trạng thái đang kiểm tra");
  expect(dialog).toHaveTextContent("Kết quả vẫn sửa được cho đến khi tổ trưởng ký biên bản.");
  expect(confirm).not.toHaveBeenCalled();
  expect(posts.filter((u) => u.endsWith("/complete/"))).toEqual([]);
  fireEvent.click(within(dialog).getByTestId("confirm-cancel"));
  await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
  expect(posts.filter((u) => u.endsWith("/complete/"))).toEqual([]);
});

test("ending is held with the count of criteria still to score", async () => {
  serve(checkOf("in_progress"), reportOf([{ criterion: "1.1", outcome: "pass" }]));
  const button = await screen.findByTestId("check-complete");
  await waitFor(() => expect(button).toHaveAttribute("title", "Cần chấm đủ tất cả tiêu chí trước khi kết thúc (1 còn thiếu)."));
  expect(button).toBeDisabled();
});

test("signing waits, with the server's reason, while the signature would be refused", async () => {
  const reason = "Nhận xét chung ghi không có vi phạm nhưng kết quả có tiêu chí không đạt hoặc đã lập vi phạm; sửa nhận xét trước khi ký.";
  serve(checkOf("completed"), reportOf([{ criterion: "1.1", outcome: "pass" }, { criterion: "1.2", outcome: "fail", note: "Thu thêm phí" }],
    { sign_blockers: [{ code: "minutes_contradict_results", vi: reason, en: "The summary says there is no violation" }] }));
  const button = await screen.findByTestId("check-sign");
  await waitFor(() => expect(button).toHaveAttribute("title", reason));
  expect(button).toBeDisabled();
  expect(button).toHaveAccessibleDescription(reason);
});

test("signing is open when the server has nothing against it", async () => {
  serve(checkOf("completed"), reportOf([{ criterion: "1.1", outcome: "pass" }, { criterion: "1.2", outcome: "pass" }]));
  const button = await screen.findByTestId("check-sign");
  await waitFor(() => expect(button).toBeEnabled());
});

test("a failed critical criterion makes the score card a failure with its reason, whatever the percent", async () => {
  serve(checkOf("in_progress"), reportOf([{ criterion: "1.1", outcome: "pass" }, { criterion: "1.2", outcome: "fail", note: "Thu thêm phí" }]));
  const line = await screen.findByTestId("score-critical");
  expect(line).toHaveTextContent("tiêu chí trọng yếu 1.2 không đạt");
  expect(screen.getByTestId("running-score")).toHaveClass("score-failed");
});

test("a check started before its window says so in the question; a planned check shows its team", async () => {
  serve(checkOf("planned", { window_start: "2099-04-14T01:00:00Z", window_end: "2099-04-14T04:00:00Z" }), null);
  const team = await screen.findByTestId("check-team");
  expect(team).toHaveTextContent("Lê Văn Tâm");
  expect(team).toHaveTextContent("Trần Thị Hoa");
  fireEvent.click(screen.getByTestId("check-start"));
  const dialog = await screen.findByRole("dialog");
  expect(within(dialog).getByTestId("start-early")).toHaveTextContent("trước khung giờ dự kiến");
});

test("a team member who is not the lead sees why he cannot cancel the check, before writing a reason (user review, issue 15)", async () => {
  serve(checkOf("planned"), null, member);
  const cancel = await screen.findByTestId("check-cancel");
  await waitFor(() => expect(cancel).toBeDisabled());
  expect(cancel).toHaveAccessibleDescription("Chỉ tổ trưởng của cuộc kiểm tra (hoặc tổ trưởng lập kế hoạch) được hủy");
});

test("a check carried out says when it ran, the planned window in brackets (user review of stop 26)", async () => {
  serve(checkOf("completed", { started_at: "2026-04-13T14:24:00Z", completed_at: "2026-04-13T14:55:00Z" }),
    reportOf([{ criterion: "1.1", outcome: "pass" }, { criterion: "1.2", outcome: "pass" }]));
  expect(await screen.findByTestId("check-ran")).toHaveTextContent("tiến hành 13/04/2026 21:24 – 21:55 (kế hoạch 14/04/2026 08:00)");
});

test("the check's lead may cancel it", async () => {
  serve(checkOf("planned"), null);
  await waitFor(() => expect(screen.getByTestId("check-cancel")).toBeEnabled());
});

test("a finding filed from a failed criterion starts from its category and takes its photo along", async () => {
  const withCategory = criteria.map((c) => (c.code === "1.2" ? { ...c, category: "THU_PHI" } : c));
  const posts: { url: string; body: unknown }[] = [];
  const evidence = [{ id: 71, filename: "quay-1.jpg", size: 2048, sha256: "ab".repeat(32), criterion: "1.2" }, { id: 72, filename: "niem-yet.jpg", size: 1024, sha256: "cd".repeat(32), criterion: "1.1" }];
  const report = reportOf([{ criterion: "1.1", outcome: "pass" }, { criterion: "1.2", outcome: "fail", note: "Thu thêm phí hồ sơ" }], { evidence });
  vi.stubGlobal("fetch", vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    if (init?.method === "POST") {
      posts.push({ url, body: JSON.parse(String(init.body)) });
      return url.endsWith("/inspection/findings/") ? json({ id: 88, reference: "VP-2026-88" }) : json({ id: 5 });
    }
    if (url.includes("/auth/session/")) return json({ signed_in: true, stage: "signed_in", user: { ...lead, role: "inspector", role_label: "", scope_unit: null, is_inspection_team: true } });
    if (url.includes("/report/")) return json(report);
    if (url.includes("/criteria-sets/5/")) return json({ criteria: withCategory });
    if (url.includes("/inspection/categories/")) return json([{ id: 1, code: "THU_PHI", name_vi: "Thu tiền, phí ngoài quy định", name_en: "Unofficial fee", default_severity: "serious" }, { id: 2, code: "KHAC", name_vi: "Vi phạm khác", name_en: "Other", default_severity: "less_serious" }]);
    if (url.includes("/inspection/checks/c-7f3a/")) return json(checkOf("in_progress"));
    return json({ count: 0, next: null, previous: null, results: [] });
  }));
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter initialEntries={["/inspection/checks/c-7f3a"]}>
        <Routes><Route path="/inspection/checks/:id" element={<CheckRunPage />} /><Route path="/inspection/findings/:id" element={<p>trang vi phạm</p>} /></Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
  await waitFor(() => expect(screen.getAllByRole("button", { name: /Lập vi phạm/ })).toHaveLength(2), { timeout: 5000 });
  fireEvent.click(screen.getAllByRole("button", { name: /Lập vi phạm/ }).find((b) => b.getAttribute("data-testid") !== "file-finding")!);
  const dialog = await screen.findByRole("dialog");
  await waitFor(() => expect(within(dialog).getByRole("combobox", { name: "Loại vi phạm" })).toHaveValue("THU_PHI"), { timeout: 5000 });
  expect(within(dialog).getByTestId("finding-photos")).toHaveTextContent("quay-1.jpg");
  expect(within(dialog).getByTestId("finding-photos")).not.toHaveTextContent("niem-yet.jpg");
  // filed: the photo goes to the finding by reference to the report's file
  fireEvent.click(within(dialog).getByTestId("use-check-start"));
  const submit = within(dialog).getByTestId("finding-submit");
  await waitFor(() => expect(submit).toBeEnabled(), { timeout: 5000 });
  fireEvent.click(submit);
  await screen.findByText("trang vi phạm", undefined, { timeout: 5000 });
  expect(posts.find((p) => p.url.endsWith("/inspection/findings/"))?.body).toMatchObject({ category: "THU_PHI", criterion: "1.2" });
  expect(posts.filter((p) => p.url.includes("/evidence/")).map((p) => [p.url.replace(/^.*\/api\//, ""), p.body]))
    .toEqual([["inspection/findings/88/evidence/", { report_evidence_id: 71 }]]);
}, 20_000);

test("a photo taken before the criterion's result is chosen is kept on the device, never lost (issue 15)", async () => {
  serve(checkOf("in_progress"), reportOf([{ criterion: "1.1", outcome: "pass" }]));
  const input = await screen.findByTestId("photo-1.2", undefined, { timeout: 5000 });
  fireEvent.change(input, { target: { files: [new File(["jpeg"], "quay-thu-tien.jpg", { type: "image/jpeg" })] } });
  const chip = await screen.findByTestId("photo-held", undefined, { timeout: 5000 });
  expect(chip).toHaveTextContent("quay-thu-tien.jpg");
  expect(chip).toHaveTextContent("chọn kết quả của tiêu chí rồi bấm Lưu, ảnh sẽ được gửi kèm");
  expect((await heldPhotos(41, "c-7f3a")).map((p) => [p.criterion, p.name])).toEqual([["1.2", "quay-thu-tien.jpg"]]);
  expect(await queueItems(41)).toEqual([]); // not sent before its result: the server files a photo under its result
}, 20_000);

// the signature pad draws on a canvas, which jsdom does not have
const stubCanvas = () => vi.spyOn(HTMLCanvasElement.prototype, "getContext").mockReturnValue(new Proxy({}, { get: () => () => undefined }) as unknown as CanvasRenderingContext2D);

test("the signing dialog calls the check's lead what his role is: an inspector in charge is not 'Tổ trưởng' (issue 15)", async () => {
  stubCanvas();
  const inspector = { id: 43, username: "canbo2", full_name: "Phan Văn Đức" };
  serve(checkOf("completed", { lead: inspector, lead_title: "check_lead", team: [inspector, member] }),
    reportOf([{ criterion: "1.1", outcome: "pass" }, { criterion: "1.2", outcome: "pass" }]), inspector);
  const button = await screen.findByTestId("check-sign");
  await waitFor(() => expect(button).toBeEnabled());
  fireEvent.click(button);
  const dialog = await screen.findByRole("dialog", { name: "Phụ trách cuộc kiểm tra ký biên bản" });
  expect(dialog).toHaveTextContent("Chữ ký của phụ trách cuộc kiểm tra (không bắt buộc)");
  expect(dialog).not.toHaveTextContent(/tổ trưởng/i);
});

test("a team lead in charge signs as 'Tổ trưởng' (issue 15)", async () => {
  stubCanvas();
  serve(checkOf("completed"), reportOf([{ criterion: "1.1", outcome: "pass" }, { criterion: "1.2", outcome: "pass" }]));
  const button = await screen.findByTestId("check-sign");
  await waitFor(() => expect(button).toBeEnabled());
  fireEvent.click(button);
  expect(await screen.findByRole("dialog", { name: "Tổ trưởng ký biên bản" })).toHaveTextContent("Chữ ký của tổ trưởng");
});

test("signed by the lead alone, the check reads 'Chờ đơn vị ký biên bản', not signed (UX review)", async () => {
  const results = [{ criterion: "1.1", outcome: "pass" }, { criterion: "1.2", outcome: "pass" }];
  serve(checkOf("signed", { awaiting_unit_signature: true }),
    reportOf(results, { signed: true, signed_at: "2026-04-14T03:00:00Z", content_hash: "b".repeat(64) }));
  const banner = await screen.findByTestId("signed-banner");
  expect(banner).toHaveTextContent("Tổ trưởng đã ký lúc");
  expect(banner).toHaveTextContent("biên bản chờ đại diện đơn vị ký");
  expect(banner).not.toHaveTextContent("Biên bản đã ký lúc");
  expect(screen.getByText("Chờ đơn vị ký biên bản")).toBeInTheDocument();
  expect(screen.queryByText("Đã ký biên bản")).toBeNull();
});
