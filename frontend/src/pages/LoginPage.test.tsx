import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router";
import { afterEach, expect, test, vi } from "vitest";
import LoginPage from "./LoginPage";
import { cleanCode, groupSecret } from "../components/TwoFactor";

const lead = {
  id: 2, username: "lead", full_name: "Đặng Văn Bình", role: "inspection_lead", role_label: "Tổ trưởng tổ kiểm tra",
  is_inspection_team: true, scope_unit: null, officer: null, language: "vi", is_active: true,
  two_factor_enabled: true, two_factor_required: true,
};

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

const signedOut = { stage: "signed_out", username: "", enabled: false, required_for_role: false, recovery_codes_left: 0 };

afterEach(() => vi.unstubAllGlobals());

function renderLogin() {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <MemoryRouter initialEntries={["/login"]}>
        <Routes>
          <Route path="/login" element={<LoginPage />} />
          <Route path="/" element={<p>việc cần làm hôm nay</p>} />
          <Route path="/inspection/risk" element={<p>bảng rủi ro</p>} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

test("after the password, a user with an authenticator is asked for the code, and a wrong one is refused in words", async () => {
  const posts: { url: string; body: unknown }[] = [];
  vi.stubGlobal("fetch", vi.fn(async (url: string, init?: RequestInit) => {
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    if (init?.method === "POST") posts.push({ url, body });
    if (url === "/api/auth/2fa/") return json(signedOut);
    if (url === "/api/auth/csrf/") return json({ csrf_token: "t" });
    if (url === "/api/auth/login/") return json({ stage: "code_required", user: null });
    if (url === "/api/auth/2fa/verify/") {
      return body.code === "654321"
        ? json({ stage: "signed_in", user: lead })
        : json({ error: { code: "bad_code", message: "Mã xác thực không đúng.", message_en: "Wrong code.", fields: {} } }, 400);
    }
    return json({}, 404);
  }));
  renderLogin();

  fireEvent.change(await screen.findByLabelText("Tên đăng nhập"), { target: { value: "lead" } });
  fireEvent.change(screen.getByLabelText("Mật khẩu"), { target: { value: "Demo@12345" } });
  fireEvent.click(screen.getByRole("button", { name: "Đăng nhập" }));

  const code = await screen.findByRole("textbox", { name: /^Mã xác thực/ });
  expect(screen.getByRole("heading", { name: "Xác thực hai lớp" })).toBeInTheDocument();
  fireEvent.change(code, { target: { value: "111111" } });
  fireEvent.click(screen.getByTestId("twofa-verify"));
  expect(await screen.findByRole("alert")).toHaveTextContent("Mã xác thực không đúng.");

  fireEvent.change(code, { target: { value: "654321" } });
  fireEvent.click(screen.getByTestId("twofa-verify"));
  expect(await screen.findByText("việc cần làm hôm nay")).toBeInTheDocument();
  expect(posts.map((p) => p.url)).toEqual(["/api/auth/login/", "/api/auth/2fa/verify/", "/api/auth/2fa/verify/"]);
});

test("a session that still owes an enrolment resumes at the QR code, and the recovery codes are shown once", async () => {
  vi.stubGlobal("fetch", vi.fn(async (url: string, init?: RequestInit) => {
    if (url === "/api/auth/2fa/") return json({ ...signedOut, stage: "enrolment_required", username: "lead", required_for_role: true });
    if (url === "/api/auth/2fa/enrol/") {
      return json({ secret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", otpauth_url: "otpauth://totp/x", qr_svg: "<svg xmlns='http://www.w3.org/2000/svg'/>" });
    }
    if (url === "/api/auth/2fa/enrol/confirm/" && init?.method === "POST") {
      return json({ stage: "signed_in", user: lead, recovery_codes: ["abcdefgh", "ijklmnop"] });
    }
    return json({}, 404);
  }));
  renderLogin();

  expect(await screen.findByTestId("totp-secret")).toHaveTextContent("JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP");
  const confirm = screen.getByTestId("twofa-confirm");
  expect(confirm).toBeDisabled();
  fireEvent.change(screen.getByLabelText("Nhập mã 6 chữ số ứng dụng hiển thị"), { target: { value: "12 34 56" } });
  expect(confirm).toBeEnabled();
  fireEvent.click(confirm);

  expect(await screen.findByText("abcdefgh")).toBeInTheDocument();
  const done = screen.getByTestId("recovery-done");
  expect(done).toBeDisabled();
  fireEvent.click(screen.getByTestId("recovery-saved"));
  fireEvent.click(done);
  await waitFor(() => expect(screen.getByText("việc cần làm hôm nay")).toBeInTheDocument());
});

test("codes and secrets are cleaned for typing", () => {
  expect(cleanCode(" 12-34 56 7")).toBe("123456");
  expect(groupSecret("ABCDEFGH==")).toBe("ABCD EFGH");
});

test("a password like the person's name signs in to the change-password form: the answer says so (F7)", async () => {
  vi.stubGlobal("fetch", vi.fn(async (url: string) => {
    if (url === "/api/auth/2fa/") return json(signedOut);
    if (url === "/api/auth/csrf/") return json({ csrf_token: "t" });
    if (url === "/api/auth/login/") return json({ stage: "password_change_required", user: { ...lead, two_factor_enabled: false, password_change_required: true } });
    return json({}, 404);
  }));
  renderLogin();
  fireEvent.change(await screen.findByLabelText("Tên đăng nhập"), { target: { value: "lead" } });
  fireEvent.change(screen.getByLabelText("Mật khẩu"), { target: { value: "Nguyeenx@2026" } });
  fireEvent.click(screen.getByRole("button", { name: "Đăng nhập" }));
  // signed in (the shell then shows only the change-password form, see Layout)
  expect(await screen.findByText(/bảng rủi ro|việc cần làm hôm nay/)).toBeInTheDocument();
});
