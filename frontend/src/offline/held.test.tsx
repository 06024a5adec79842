// A photo held for a criterion that cannot be saved yet (a "Không đạt" without its note) is kept in the
// field store on the device, by check and criterion: a reload shows it again ("Ảnh đang chờ lưu"), the next
// save queues it, the user may drop it. Against a real IndexedDB implementation (fake-indexeddb).
import "fake-indexeddb/auto";
import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { beforeEach, expect, test } from "vitest";
import { openDB } from "idb";
import { DB_NAME, clearOfflineData, ensureOwner, heldPhotos, holdPhoto, lockDevice, queueItems } from "./store";
import { useHeldPhotos } from "../hooks/use-held-photos";
import { HeldPhotoChip } from "../components/inspection/HeldPhotoChip";

const photo = (criterion: string, n = 1) => ({
  blob: new Blob([`jpeg-${criterion}-${n}`]), name: `quay-${n}.jpg`, type: "image/jpeg", sha256: String(n).repeat(64).slice(0, 64),
  criterion, capturedAt: "2026-03-02T02:15:00Z", latitude: 18.6, longitude: 105.6, accuracy: 10,
});

function Page({ userId = 1, checkId = "c1" }: { userId?: number; checkId?: string }) {
  const h = useHeldPhotos(userId, checkId);
  return (
    <div>
      {h.held.map((p) => <HeldPhotoChip key={p.sha256 + p.criterion} photo={p} hint="" onRemove={() => void h.remove(p)} />)}
      <button type="button" onClick={() => void h.hold(photo("1.2"))}>chụp</button>
      <button type="button" onClick={() => void h.queueAll("Võ Thanh Tùng")}>lưu</button>
      <button type="button" onClick={() => void h.hold(photo("2.1", 2))}>chụp 2.1</button>
      <button type="button" onClick={() => void h.queueAll("Võ Thanh Tùng", (p) => p.criterion === "1.2")}>lưu 1.2</button>
    </div>
  );
}

beforeEach(async () => {
  await clearOfflineData();
  await ensureOwner({ id: 1, username: "inspector" });
});

test("a held photo survives a reload of the page and is shown waiting for the save", async () => {
  const first = render(<Page />);
  fireEvent.click(screen.getByText("chụp"));
  expect(await screen.findByTestId("photo-held")).toHaveTextContent("quay-1.jpg Ảnh đang chờ lưu");
  first.unmount(); // the page reloads: nothing in memory

  render(<Page />);
  const chip = await screen.findByTestId("photo-held");
  expect(chip).toHaveTextContent("Ảnh đang chờ lưu");
  expect(chip).toHaveTextContent("quay-1.jpg");
  expect(await queueItems(1)).toEqual([]); // held, not sent: the results it illustrates are not saved
});

test("the save queues the held photo behind it and it stops being held, also after a reload", async () => {
  const first = render(<Page />);
  fireEvent.click(screen.getByText("chụp"));
  await screen.findByTestId("photo-held");
  fireEvent.click(screen.getByText("lưu"));
  await waitFor(() => expect(screen.queryByTestId("photo-held")).toBeNull());
  const queued = await queueItems(1);
  expect(queued.map((i) => [i.kind, i.checkId, i.photo?.criterion, i.userName])).toEqual([["photo", "c1", "1.2", "Võ Thanh Tùng"]]);
  first.unmount();
  render(<Page />);
  await act(async () => { await heldPhotos(1, "c1"); });
  expect(screen.queryByTestId("photo-held")).toBeNull();
  expect(await heldPhotos(1, "c1")).toEqual([]);
});

test("the user removes a held photo: it is gone after a reload and never sent", async () => {
  const first = render(<Page />);
  fireEvent.click(screen.getByText("chụp"));
  await screen.findByTestId("photo-held");
  fireEvent.click(screen.getByRole("button", { name: "Bỏ ảnh quay-1.jpg" }));
  await waitFor(() => expect(screen.queryByTestId("photo-held")).toBeNull());
  first.unmount();
  expect(await heldPhotos(1, "c1")).toEqual([]);
  expect(await queueItems(1)).toEqual([]);
});

test("held photos are kept by check and criterion, for their owner only; a locked device shows none", async () => {
  await holdPhoto(1, "c1", photo("1.2", 1));
  await holdPhoto(1, "c1", photo("1.2", 1)); // the same photo twice is one
  await holdPhoto(1, "c1", photo("2.1", 2));
  await holdPhoto(1, "c2", photo("1.2", 3));
  expect((await heldPhotos(1, "c1")).map((p) => [p.criterion, p.name])).toEqual([["1.2", "quay-1.jpg"], ["2.1", "quay-2.jpg"]]);
  expect(await heldPhotos(2, "c1")).toEqual([]);
  await lockDevice();
  expect(await heldPhotos(1, "c1")).toEqual([]); // unreadable while locked...
  await ensureOwner({ id: 1, username: "inspector" });
  expect(await heldPhotos(1, "c1")).toHaveLength(2); // ...kept for the same inspector signing in again
  await ensureOwner({ id: 2, username: "other" }); // another account: the store starts from nothing
  await ensureOwner({ id: 1, username: "inspector" });
  expect(await heldPhotos(1, "c1")).toEqual([]);
});

test("a device with the store of the version before keeps its queue and gains the held photos", async () => {
  await clearOfflineData();
  const old = await openDB(DB_NAME, 1, {
    upgrade(d) {
      d.createObjectStore("checks", { keyPath: "id" });
      d.createObjectStore("queue", { keyPath: "seq", autoIncrement: true }).createIndex("byCheck", "checkId");
      d.createObjectStore("meta", { keyPath: "key" });
    },
  });
  await old.add("queue", { checkId: "c1", userId: 1, kind: "report", status: "pending", attempts: 0, nextTryAt: 0, createdAt: "2026-03-02T02:00:00Z" });
  old.close();
  await holdPhoto(1, "c1", photo("1.2"));
  expect((await queueItems(1)).map((i) => i.kind)).toEqual(["report"]);
  expect(await heldPhotos(1, "c1")).toHaveLength(1);
});

test("a save queues only the photos whose criterion has a result; the other stays held (issue 15)", async () => {
  render(<Page />);
  fireEvent.click(screen.getByText("chụp"));
  fireEvent.click(screen.getByText("chụp 2.1"));
  await waitFor(() => expect(screen.getAllByTestId("photo-held")).toHaveLength(2));
  fireEvent.click(screen.getByText("lưu 1.2"));
  await waitFor(() => expect(screen.getAllByTestId("photo-held")).toHaveLength(1));
  expect((await queueItems(1)).map((i) => i.photo?.criterion)).toEqual(["1.2"]);
  expect((await heldPhotos(1, "c1")).map((p) => p.criterion)).toEqual(["2.1"]);
});
