import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { CriteriaChecklist, draftProblems, flattenCriteria, readOnlyReason, runningScore, type Drafts } from "./CriteriaChecklist";
import type { Criterion } from "../../types/inspection";

const CRITERIA: Criterion[] = [
  { code: "1", text: "Bố trí cán bộ", text_en: "", max_points: 0, weight: 1, critical: false, children: [
    { code: "1.1", text: "Cán bộ có mặt tại quầy", text_en: "", max_points: 8, weight: 1, critical: true },
    { code: "1.2", text: "Mở cửa đúng giờ", text_en: "", max_points: 4, weight: 1, critical: false },
  ] },
  { code: "2", text: "Niêm yết", text_en: "", max_points: 0, weight: 1, critical: false, children: [
    { code: "2.1", text: "Niêm yết thủ tục", text_en: "", max_points: 5, weight: 2, critical: false },
  ] },
];

function Harness() {
  const [drafts, setDrafts] = useState<Drafts>({});
  const { leaves } = flattenCriteria(CRITERIA);
  const s = runningScore(leaves, drafts);
  return (
    <>
      <output aria-label="score">{`${s.score}/${s.max} ${s.answered}`}</output>
      <CriteriaChecklist criteria={CRITERIA} drafts={drafts} onChange={(code, d) => setDrafts((all) => ({ ...all, [code]: d }))} />
    </>
  );
}

describe("criteria checklist", () => {
  it("keeps a running score as outcomes are chosen, weights included", async () => {
    render(<Harness />);
    const score = screen.getByLabelText("score");
    expect(score).toHaveTextContent("0/22 0"); // 8 + 4 + 5×2
    const c11 = screen.getByTestId("criterion-1.1");
    const c12 = screen.getByTestId("criterion-1.2");
    const c21 = screen.getByTestId("criterion-2.1");
    await userEvent.click(within(c11).getByRole("radio", { name: "Đạt" }));
    expect(score).toHaveTextContent("8/22 1");
    await userEvent.click(within(c21).getByRole("radio", { name: "Đạt" }));
    expect(score).toHaveTextContent("18/22 2");
    await userEvent.click(within(c12).getByRole("radio", { name: "Đạt một phần" }));
    expect(score).toHaveTextContent("20/22 3"); // half of 4 by default
    const points = within(c12).getByLabelText("1.2 Điểm");
    await userEvent.clear(points);
    await userEvent.type(points, "3");
    expect(score).toHaveTextContent("21/22 3");
    await userEvent.click(within(c12).getByRole("radio", { name: "Không áp dụng" }));
    expect(score).toHaveTextContent("18/18 3"); // n.a. leaves the maximum
    await userEvent.click(within(c11).getByRole("radio", { name: "Không đạt" }));
    expect(score).toHaveTextContent("10/18 3");
    expect(within(c11).getByText("Tiêu chí không đạt cần ghi chú.")).toBeInTheDocument();
    await userEvent.type(within(c11).getByRole("textbox"), "Vắng mặt 20 phút");
    expect(within(c11).queryByText("Tiêu chí không đạt cần ghi chú.")).not.toBeInTheDocument();
  });

  it("flags what the server would refuse before saving", () => {
    const { leaves } = flattenCriteria(CRITERIA);
    expect(draftProblems(leaves, {
      "1.1": { outcome: "fail", points: 0, note: " " },
      "1.2": { outcome: "partial", points: 4, note: "" },
      "2.1": { outcome: "pass", points: 5, note: "" },
    })).toEqual({ "1.1": "note", "1.2": "points" });
  });

  it("asks the reason for a criterion marked n.a. before it is queued, as the server counts a reason", async () => {
    const { leaves } = flattenCriteria(CRITERIA);
    expect(draftProblems(leaves, { "1.2": { outcome: "not_applicable", points: 0, note: "" } })).toEqual({ "1.2": "reason" });
    expect(draftProblems(leaves, { "1.2": { outcome: "not_applicable", points: 0, note: "x." } })).toEqual({ "1.2": "reason" });
    // invisible characters are not letters (the Hangul filler counts as a letter in Python, not in a reason)
    expect(draftProblems(leaves, { "1.2": { outcome: "not_applicable", points: 0, note: "\u3164\u3164\u3164\u3164\u3164\u3164" } })).toEqual({ "1.2": "reason" });
    expect(draftProblems(leaves, { "1.2": { outcome: "not_applicable", points: 0, note: "Trụ sở đang sửa chữa" } })).toEqual({});
    render(<Harness />);
    const c12 = screen.getByTestId("criterion-1.2");
    await userEvent.click(within(c12).getByRole("radio", { name: "Không áp dụng" }));
    expect(within(c12).getByText(/Không áp dụng phải ghi rõ lý do/)).toBeInTheDocument();
    await userEvent.type(within(c12).getByRole("textbox"), "Trụ sở đang sửa chữa");
    expect(within(c12).queryByText(/Không áp dụng phải ghi rõ lý do/)).toBeNull();
  });

  it("calls a critical criterion 'trọng yếu', as the report's warning does", () => {
    render(<Harness />);
    expect(within(screen.getByTestId("criterion-1.1")).getByText("Tiêu chí trọng yếu")).toBeInTheDocument();
    expect(screen.queryByText(/bắt buộc/)).toBeNull();
  });

  it("shows under the criterion what the server refused in a queued change", () => {
    render(<CriteriaChecklist criteria={CRITERIA} drafts={{ "1.2": { outcome: "not_applicable", points: 0, note: "abc" } }} onChange={() => undefined} serverErrors={{ "1.2": "không áp dụng phải ghi rõ lý do" }} />);
    expect(screen.getByTestId("server-error-1.2")).toHaveTextContent("Máy chủ chưa nhận: không áp dụng phải ghi rõ lý do. Sửa tiêu chí này");
  });
});

describe("a locked report", () => {
  it("a signed report gives the signature as the reason, to the discipline officer too, once above the list and on each button", async () => {
    const i18n = (await import("../../i18n")).default;
    expect(readOnlyReason({ signed: true, isTeam: false })).toBe("why.reportSigned");
    expect(readOnlyReason({ signed: true, isTeam: true })).toBe("why.reportSigned");
    expect(readOnlyReason({ signed: false, isTeam: false })).toBe("why.teamOnly");
    const why = i18n.t(readOnlyReason({ signed: true, isTeam: false }));
    render(<CriteriaChecklist criteria={CRITERIA} drafts={{ "1.1": { outcome: "partial", points: 4, note: "thiếu" } }} onChange={() => undefined} readOnly readOnlyWhy={why} />);
    expect(screen.getByTestId("checklist-readonly")).toHaveTextContent(why);
    expect(why).not.toMatch(/Chỉ tổ kiểm tra/);
    const pass = screen.getAllByRole("radio")[0];
    expect(pass).toBeDisabled();
    expect(pass).toHaveAttribute("title", why);
    expect(screen.getByLabelText("1.1 Điểm")).toBeDisabled();
    expect(screen.getByTestId("checklist-readonly").closest(".checklist")).toHaveClass("checklist-readonly");
  });
});
