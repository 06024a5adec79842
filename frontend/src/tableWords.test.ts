import { beforeAll, expect, test } from "vitest";

// the stylesheets as shipped (the test config does not process CSS, so they are read from disk)
let styles = "";
let phone = "";
beforeAll(async () => {
  const nodeFs = "node:fs";
  const fs = (await import(/* @vite-ignore */ nodeFs)) as { readFileSync: (path: string, encoding: string) => string };
  styles = fs.readFileSync("src/styles.css", "utf8"); // vitest runs from frontend/
  phone = fs.readFileSync("src/phone.css", "utf8");
});

/** The declarations of the rules whose selector list holds `selector` exactly. */
function rulesFor(css: string, selector: string): string[] {
  const plain = css.replace(/\/\*[\s\S]*?\*\//g, "");
  return Array.from(plain.matchAll(/([^{}]+)\{([^{}]*)\}/g))
    .filter(([, sel]) => sel.split(",").map((s) => s.trim()).includes(selector))
    .map(([, , body]) => body);
}

test("table cells keep their words whole: they undo the card's inherited overflow-wrap: anywhere (issue 15)", () => {
  // .card-body wraps anywhere, and a table inherits it: columns shrank to a letter ("Thượn g úy")
  expect(rulesFor(styles, ".card-body").join(";")).toMatch(/overflow-wrap:\s*anywhere/);
  for (const cell of [".table td", ".table th"]) {
    expect(rulesFor(styles, cell).join(";"), cell).toMatch(/overflow-wrap:\s*(normal|break-word)/);
  }
  // no rule breaks table text inside its words
  const breaking = Array.from(styles.matchAll(/([^{}]+)\{([^{}]*)\}/g))
    .filter(([, sel, body]) => /\.table\b/.test(sel) && !/commitments-table|hash/.test(sel) && /word-break:\s*break-all|overflow-wrap:\s*anywhere/.test(body))
    .map(([, sel]) => sel.trim());
  expect(breaking).toEqual([]);
  // a badge in a cell wraps at spaces; a wide table scrolls in its card with its action column in view
  expect(rulesFor(styles, ".table td .badge").join(";")).toMatch(/white-space:\s*normal/);
  expect(rulesFor(styles, ".card-body:has(> table.table)").join(";")).toMatch(/overflow-x:\s*auto/);
  expect(rulesFor(styles, ".table .sticky-end").join(";")).toMatch(/position:\s*sticky/);
});

test("on a phone the calendar's arrows keep their size beside the month, not full-width stacked (issue 15)", () => {
  expect(rulesFor(phone, ".page-actions .btn").join(";")).toMatch(/width:\s*100%/);
  expect(rulesFor(phone, ".page-actions .cal-nav .btn").join(";")).toMatch(/width:\s*auto/);
  expect(rulesFor(styles, ".cal-nav").join(";")).toMatch(/flex-wrap:\s*nowrap/);
});
