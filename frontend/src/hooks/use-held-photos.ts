import { useCallback, useEffect, useRef, useState } from "react";
import { dropHeldPhoto, heldPhotos, holdPhoto, queueHeldPhotos, type PhotoPayload } from "../offline/store";

const same = (a: PhotoPayload, b: PhotoPayload) => a.criterion === b.criterion && a.sha256 === b.sha256;

/** Photos taken for a criterion whose results cannot be saved yet (a "Không đạt" without its note), kept
 *  in the field store on the device by check and criterion, so a reload does not lose them: read back when
 *  the page opens, queued behind the next save that goes through, or removed by the user. */
export function useHeldPhotos(userId: number, checkId: string) {
  const [held, setHeld] = useState<PhotoPayload[]>([]);
  const heldRef = useRef<PhotoPayload[]>([]);
  heldRef.current = held;

  useEffect(() => {
    if (userId < 0 || !checkId) return;
    let live = true;
    void heldPhotos(userId, checkId)
      .then((kept) => {
        if (live) setHeld((now) => [...kept.filter((k) => !now.some((p) => same(p, k))), ...now]);
      })
      .catch(() => undefined);
    return () => { live = false; };
  }, [userId, checkId]);

  const hold = useCallback(async (photo: PhotoPayload) => {
    await holdPhoto(userId, checkId, photo);
    setHeld((all) => [...all.filter((p) => !same(p, photo)), photo]);
  }, [userId, checkId]);

  const remove = useCallback(async (photo: PhotoPayload) => {
    await dropHeldPhoto(userId, checkId, photo);
    setHeld((all) => all.filter((p) => !same(p, photo)));
  }, [userId, checkId]);

  /** After a save went through: every held photo joins the queue behind it, or those `ready` says may
   *  (a photo whose criterion has no result yet stays held: it is never dropped). */
  const queueAll = useCallback(async (userName?: string, ready: (photo: PhotoPayload) => boolean = () => true) => {
    const waiting = heldRef.current.filter(ready);
    if (!waiting.length) return;
    await queueHeldPhotos(userId, checkId, waiting, userName);
    setHeld((all) => all.filter((p) => !waiting.includes(p)));
  }, [userId, checkId]);

  return { held, hold, remove, queueAll };
}
