import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import i18n from "../i18n";
import { STRINGS } from "../i18n/strings";
import { useZoneName } from "./labels";

function Zones({ names }: { names: string[] }) {
  const zoneName = useZoneName();
  return <ul>{names.map((n) => <li key={n}>{zoneName(n)}</li>)}</ul>;
}

describe("words on screen", () => {
  it("names the standard camera zones in the UI language and keeps an admin's own zone name", async () => {
    render(<Zones names={["officer", "citizen", "scene", "quay-2"]} />);
    expect(screen.getAllByRole("listitem").map((li) => li.textContent)).toEqual(
      ["vùng cán bộ", "vùng công dân", "toàn khung hình", "quay-2"]);
    await i18n.changeLanguage("en");
    expect(await screen.findByText("officer zone")).toBeInTheDocument();
  });

  it("never mixes the English string into the Vietnamese one", () => {
    const mixed = Object.entries(STRINGS).filter(([, [vi, en]]) =>
      en.trim().split(/\s+/).length >= 2 && /[a-z]/i.test(en) && vi.toLowerCase().includes(en.toLowerCase()));
    expect(mixed).toEqual([]);
  });

  it("says 'Bác bỏ', not the clipped 'Bác'", () => {
    expect(STRINGS["trace.reject"][0]).toBe("Bác bỏ");
    expect(Object.values(STRINGS).filter(([vi]) => /\bBác\b(?! bỏ)/.test(vi))).toEqual([]);
  });
});
