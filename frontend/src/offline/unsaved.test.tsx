// Results changed but not saved (a "Không đạt" still without its note cannot be saved) are kept in the field
// store on the device as they change: a reload shows them again; the save drops them; logout and the lock
// keep them from anyone else. Against a real IndexedDB implementation (fake-indexeddb).
import "fake-indexeddb/auto";
import { render, screen, waitFor } from "@testing-library/react";
import { beforeEach, expect, test } from "vitest";
import { clearOfflineData, dropUnsaved, ensureOwner, lockDevice, unsavedFor } from "./store";
import { useUnsavedResults } from "../hooks/use-unsaved-results";

const failed = { "1.2": { outcome: "fail", points: 0, note: "" } };

function Page({ dirty = true, editable = true, drafts = failed }: { dirty?: boolean; editable?: boolean; drafts?: typeof failed }) {
  const restored = useUnsavedResults(1, "c1", { drafts, summary: "Quầy một cửa", baseVersion: 4, dirty, editable });
  return <div data-testid="restored">{restored === undefined ? "reading" : restored ? JSON.stringify(restored.drafts) : "none"}</div>;
}

beforeEach(async () => {
  await clearOfflineData();
  await ensureOwner({ id: 1, username: "inspector" });
});

test("a failed criterion without its note survives a reload of the page", async () => {
  const first = render(<Page />);
  await waitFor(() => expect(screen.getByTestId("restored")).toHaveTextContent("none"));
  await waitFor(async () => expect((await unsavedFor(1, "c1"))?.drafts).toEqual(failed));
  first.unmount(); // the page reloads: nothing in memory

  render(<Page dirty={false} drafts={{ "1.2": { outcome: "", points: 0, note: "" } }} />);
  await waitFor(() => expect(screen.getByTestId("restored")).toHaveTextContent('"outcome":"fail"'));
  const row = await unsavedFor(1, "c1");
  expect([row?.summary, row?.baseVersion]).toEqual(["Quầy một cửa", 4]);
});

test("nothing is kept when nothing changed or the user may not change it, and the save drops it", async () => {
  const idle = render(<Page dirty={false} />);
  const readOnly = render(<Page editable={false} />);
  await new Promise((r) => setTimeout(r, 400));
  expect(await unsavedFor(1, "c1")).toBeUndefined();
  idle.unmount();
  readOnly.unmount();

  render(<Page />);
  await waitFor(async () => expect(await unsavedFor(1, "c1")).toBeDefined());
  await dropUnsaved(1, "c1");
  expect(await unsavedFor(1, "c1")).toBeUndefined();
});

test("another person cannot read them: not while the device is locked, and logout deletes them", async () => {
  render(<Page />);
  await waitFor(async () => expect(await unsavedFor(1, "c1")).toBeDefined());
  await lockDevice();
  expect(await unsavedFor(1, "c1")).toBeUndefined();
  await clearOfflineData();
  await ensureOwner({ id: 1, username: "inspector" });
  expect(await unsavedFor(1, "c1")).toBeUndefined();
});
