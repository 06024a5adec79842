import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useTranslation } from "react-i18next";
import { LanguageSwitch } from "../components/Layout";
import { LANG_KEY } from ".";
import { STRINGS } from "./strings";
import { SHELL } from "./shell";
import { WORKSPACE_STRINGS } from "./workspaces";

function Probe() {
  const { t } = useTranslation();
  return <h1>{t("nav.risk")}</h1>;
}

describe("language switch", () => {
  it("starts in Vietnamese and switches the whole UI to English and back", async () => {
    render(<><LanguageSwitch /><Probe /></>);
    expect(screen.getByRole("heading")).toHaveTextContent("Bảng rủi ro");
    expect(screen.getByRole("button", { name: "VI" })).toHaveAttribute("aria-pressed", "true");

    await userEvent.click(screen.getByRole("button", { name: "EN" }));
    expect(screen.getByRole("heading")).toHaveTextContent("Risk table");
    expect(localStorage.getItem(LANG_KEY)).toBe("en");
    expect(document.documentElement.lang).toBe("en");

    await userEvent.click(screen.getByRole("button", { name: "VI" }));
    expect(screen.getByRole("heading")).toHaveTextContent("Bảng rủi ro");
    expect(localStorage.getItem(LANG_KEY)).toBe("vi");
  });

  it("has both languages for every string", () => {
    const missing = Object.entries(STRINGS).filter(([, [vi, en]]) => !vi.trim() || !en.trim());
    expect(missing).toEqual([]);
  });

  it("names the team and its lead one way: tổ kiểm tra, tổ trưởng (never đoàn, trưởng đoàn)", () => {
    const odd = Object.entries(STRINGS).filter(([, [vi]]) => /đoàn/i.test(vi)).map(([key]) => key);
    expect(odd).toEqual([]);
  });

  it("loads every string: the shell's before sign-in, every other file's with the workspaces", () => {
    const loaded = new Set([...Object.keys(SHELL), ...Object.keys(WORKSPACE_STRINGS)]);
    expect(Object.keys(STRINGS).filter((key) => !loaded.has(key))).toEqual([]);
  });
});

describe("form of address", () => {
  it("addresses the officer as 'đồng chí', never 'bạn', in every Vietnamese string", () => {
    const informal = Object.entries({ ...SHELL, ...WORKSPACE_STRINGS })
      .filter(([, [vi]]) => /(^|[^\p{L}])bạn([^\p{L}]|$)/iu.test(vi))
      .map(([key]) => key);
    expect(informal).toEqual([]);
  });
});
