import { useEffect, useState, useSyncExternalStore } from "react";
import { queueItems, subscribe, type QueueItem } from "../offline/store";

function subscribeOnline(fn: () => void): () => void {
  window.addEventListener("online", fn);
  window.addEventListener("offline", fn);
  return () => {
    window.removeEventListener("online", fn);
    window.removeEventListener("offline", fn);
  };
}

export function useOnline(): boolean {
  return useSyncExternalStore(subscribeOnline, () => navigator.onLine, () => true);
}

/** The field changes waiting on this device (of one check, or all), live. */
export function useFieldQueue(checkId?: string) {
  const [items, setItems] = useState<QueueItem[]>([]);
  useEffect(() => {
    let alive = true;
    const load = () => void queueItems().then((all) => alive && setItems(all)).catch(() => undefined);
    load();
    const off = subscribe(load);
    return () => {
      alive = false;
      off();
    };
  }, []);
  const mine = checkId ? items.filter((i) => i.checkId === checkId) : items;
  return {
    items: mine,
    count: mine.length,
    conflicts: mine.filter((i) => i.status === "conflict"),
    failed: mine.filter((i) => i.status === "failed"),
    reportItem: mine.find((i) => i.kind === "report"),
    photos: mine.filter((i) => i.kind === "photo"),
  };
}
