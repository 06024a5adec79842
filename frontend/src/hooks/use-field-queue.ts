import { useEffect, useState } from "react";
import { queueItems, subscribe, type QueueItem } from "../offline/store";
import { useMe } from "./use-me";
import { keepTeamChecks } from "../offline/keep";
import { useOnline } from "./use-online";

export { useOnline };

/** The field changes waiting on this device (of one check, or all), live: the signed-in user's own, and
 * — never readable, only counted with the name of the account — those another account left unsent. */
export function useFieldQueue(checkId?: string) {
  const me = useMe().data;
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
  const own = items.filter((i) => me && i.userId === me.id);
  const mine = checkId ? own.filter((i) => i.checkId === checkId) : own;
  const others = items.filter((i) => !me || i.userId !== me.id);
  const waitingFor = [...new Set(others.map((i) => i.userName || `#${i.userId}`))];
  return {
    items: mine,
    count: mine.length,
    conflicts: mine.filter((i) => i.status === "conflict"),
    failed: mine.filter((i) => i.status === "failed"),
    reportItem: mine.find((i) => i.kind === "report"),
    photos: mine.filter((i) => i.kind === "photo"),
    othersCount: others.length,
    waitingFor,
  };
}

/** With a network, keep the user's team's started checks on the device (the list and home call it), so
 * they open offline; a failure leaves what is already kept. */
export function useKeepTeamChecks(): void {
  const me = useMe().data;
  const online = useOnline();
  useEffect(() => {
    if (!me || !online || !me.is_inspection_team) return;
    void keepTeamChecks(me).catch(() => undefined);
  }, [me, online]);
}
