import { render, screen } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { expect, test } from "vitest";
import { mergeTag, TagEvidenceOf } from "./PlayerPage";
import type { Tag } from "../../types/media";

const tag = { id: 11, clip_id: 4, label: { code: "absent", name_vi: "Vắng mặt", name_en: "Absent" }, start_s: 10, end_s: 20, note: "", author: { id: 2, name: "Mai" }, created_at: "", updated_at: "", revision: 1 } as Tag;

test("a tag that is evidence says of which finding, with a link to it", () => {
  render(<MemoryRouter><TagEvidenceOf findings={[{ id: 77, reference: "VP-2026-0007", title: "Vắng mặt tại quầy" }]} /></MemoryRouter>);
  const line = screen.getByTestId("tag-evidence-of");
  expect(line).toHaveTextContent("Chứng cứ của vi phạm: VP-2026-0007 Vắng mặt tại quầy");
  expect(screen.getByRole("link")).toHaveAttribute("href", "/inspection/findings/77");
});

test("a tag of no finding the reader may open says nothing (the server lists none: a draft is the team's)", () => {
  const { container } = render(<MemoryRouter><TagEvidenceOf findings={[]} /></MemoryRouter>);
  expect(container).toBeEmptyDOMElement();
  expect(screen.queryByText(/Chứng cứ của vi phạm/)).toBeNull();
});

test("a websocket event's tag (without the reader's findings) keeps the findings fetched before", () => {
  const fetched = { ...tag, findings: [{ id: 77, reference: "VP-2026-0007", title: "Vắng mặt" }] };
  const event = { ...tag, note: "sửa", revision: 2 };
  expect(mergeTag(fetched, event)).toEqual({ ...event, findings: fetched.findings });
  expect(mergeTag(undefined, event).findings).toEqual([]);
  expect(mergeTag(fetched, { ...event, findings: [] }).findings).toEqual([]); // an answer's own list wins
});
