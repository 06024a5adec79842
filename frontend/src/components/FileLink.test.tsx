import { describe, expect, it, vi, afterEach } from "vitest";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { FileLink, fileNameOf } from "./FileLink";
import "../i18n";

afterEach(() => vi.restoreAllMocks());

describe("FileLink", () => {
  it("shows the server's refusal in words instead of opening its JSON", async () => {
    const body = { error: { code: "issuer_has_no_signer", message: "Chưa có người ký văn bản.", message_en: "No signer.", fields: {} } };
    vi.spyOn(window, "fetch").mockResolvedValue(new Response(JSON.stringify(body), { status: 409, headers: { "Content-Type": "application/json" } }));
    const opened = vi.spyOn(window, "open").mockReturnValue(null);
    render(<FileLink href="/api/accountability/findings/7/report.pdf" open>Xuất PDF</FileLink>);
    await userEvent.click(screen.getByRole("link", { name: "Xuất PDF" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Chưa có người ký văn bản.");
    expect(opened).toHaveBeenCalledTimes(1);
    expect(screen.getByRole("link", { name: "Xuất PDF" })).toHaveAttribute("href", "/api/accountability/findings/7/report.pdf");
  });

  it("names the saved file as the server does", () => {
    const res = new Response("x", { headers: { "Content-Disposition": "attachment; filename*=UTF-8''b%C3%A1o-c%C3%A1o.xlsx" } });
    expect(fileNameOf(res, "/api/x/report.xlsx")).toBe("báo-cáo.xlsx");
    expect(fileNameOf(new Response("x"), "/api/x/report.xlsx")).toBe("report.xlsx");
  });
});
