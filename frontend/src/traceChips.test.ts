import { beforeAll, expect, test } from "vitest";

// UX review: on a 390 px phone the accountability trace was 469 px wide; its chips ("Xác định theo thời gian vi
// phạm: …", "Lĩnh vực …") kept .badge's nowrap and were clipped. The stylesheet is read from disk (the test
// config does not process CSS); the width itself was checked in Chromium at 390x844.
let styles = "";
beforeAll(async () => {
  const nodeFs = "node:fs";
  const fs = (await import(/* @vite-ignore */ nodeFs)) as { readFileSync: (path: string, encoding: string) => string };
  styles = fs.readFileSync("src/styles.css", "utf8"); // vitest runs from frontend/
});

function rulesFor(css: string, selector: string): string {
  const plain = css.replace(/\/\*[\s\S]*?\*\//g, "");
  return Array.from(plain.matchAll(/([^{}]+)\{([^{}]*)\}/g))
    .filter(([, sel]) => sel.split(",").map((s) => s.trim()).includes(selector))
    .map(([, , body]) => body).join(";");
}

test("the trace's chips wrap inside the screen instead of widening the page", () => {
  expect(rulesFor(styles, ".trace-meta")).toMatch(/flex-wrap:\s*wrap/);
  const chip = rulesFor(styles, ".trace-meta .badge");
  expect(chip).toMatch(/white-space:\s*normal/);
  expect(chip).toMatch(/max-width:\s*100%/);
  expect(chip).toMatch(/overflow-wrap:\s*anywhere/);
});
