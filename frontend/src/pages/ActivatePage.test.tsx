import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router";
import { afterEach, expect, test, vi } from "vitest";
import ActivatePage from "./ActivatePage";
import LoginPage from "./LoginPage";

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

afterEach(() => vi.unstubAllGlobals());

function renderAt(path: string) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path="/login" element={<LoginPage />} />
          <Route path="/activate" element={<ActivatePage />} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

const signedOut = { stage: "signed_out", username: "", enabled: false, required_for_role: false, recovery_codes_left: 0 };

test("the login page links to the activation page, which refuses a wrong code in words and then activates", async () => {
  const posts: { url: string; body: unknown }[] = [];
  vi.stubGlobal("fetch", vi.fn(async (url: string, init?: RequestInit) => {
    if (url.includes("/api/auth/2fa/")) return json(signedOut);
    if (url.includes("/api/auth/csrf/")) return json({ csrf_token: "t" });
    if (url.includes("/api/auth/activate/")) {
      const body = JSON.parse(String(init?.body)) as { code: string };
      posts.push({ url, body });
      if (body.code !== "ABCD-EFGH-JKLM") {
        return json({ error: { code: "bad_activation", message: "Tên đăng nhập hoặc mã kích hoạt không đúng, hoặc mã đã hết hạn hay đã dùng.", message_en: "Wrong", fields: {} } }, 400);
      }
      return json({ activated: true, username: "inspector" });
    }
    return json({});
  }));
  renderAt("/login");
  const link = await screen.findByTestId("activate-link");
  expect(link).toHaveTextContent("Kích hoạt tài khoản");
  fireEvent.click(link);
  const form = await screen.findByTestId("activate-form");
  const type = (name: string, value: string) => fireEvent.change(form.querySelector(`input[name="${name}"]`) as HTMLInputElement, { target: { value } });
  type("username", "inspector");
  type("code", "WRONG-CODE");
  type("password", "Mat-khau-rieng-2026");
  type("confirm", "Mat-khau-khac-2026");
  const submit = screen.getByTestId("activate-submit");
  expect(submit).toBeDisabled();
  expect(submit).toHaveAttribute("title", "Hai mật khẩu không khớp");
  type("confirm", "Mat-khau-rieng-2026");
  fireEvent.click(submit);
  expect(await screen.findByText(/mã kích hoạt không đúng/)).toBeInTheDocument();
  type("code", "ABCD-EFGH-JKLM");
  fireEvent.click(screen.getByTestId("activate-submit"));
  expect(await screen.findByTestId("activate-done")).toHaveTextContent("Đã kích hoạt tài khoản inspector");
  await waitFor(() => expect(posts).toHaveLength(2));
  expect(posts[1].body).toEqual({ username: "inspector", code: "ABCD-EFGH-JKLM", password: "Mat-khau-rieng-2026" });
});

test("the empty activation form's button says the activation code is needed (fixui 7)", async () => {
  vi.stubGlobal("fetch", vi.fn(async () => json(signedOut)));
  renderAt("/activate");
  const submit = await screen.findByTestId("activate-submit");
  expect(submit).toBeDisabled();
  expect(submit.getAttribute("title") ?? "").toMatch(/mã kích hoạt/);
});
