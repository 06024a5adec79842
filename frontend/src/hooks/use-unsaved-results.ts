import { useEffect, useState } from "react";
import { keepUnsaved, unsavedFor, type UnsavedRow } from "../offline/store";

interface Editing {
  drafts: UnsavedRow["drafts"];
  summary: string;
  baseVersion: number;
  /** changed since the last save */
  dirty: boolean;
  /** the user may change these results (on the team, not signed) */
  editable: boolean;
}

/** Results the inspector changed but has not saved yet (a "Không đạt" still without its note cannot be
 *  saved) are kept in the field store on the device as they change, so a reload or a closed tab does not
 *  lose them; `restored` is what the last visit left, read once when the page opens. The save that goes
 *  through drops them (offline/store dropUnsaved). */
export function useUnsavedResults(userId: number, checkId: string, editing: Editing): UnsavedRow | null | undefined {
  // undefined while reading, null when nothing was left
  const [restored, setRestored] = useState<UnsavedRow | null | undefined>(undefined);
  const { drafts, summary, baseVersion, dirty, editable } = editing;

  useEffect(() => {
    if (userId < 0 || !checkId) return;
    let live = true;
    void unsavedFor(userId, checkId)
      .then((row) => { if (live) setRestored(row ?? null); })
      .catch(() => { if (live) setRestored(null); });
    return () => { live = false; };
  }, [userId, checkId]);

  useEffect(() => {
    if (!dirty || !editable || userId < 0 || !checkId) return;
    // written a moment after the last keystroke, not on each one
    const timer = window.setTimeout(() => {
      void keepUnsaved(userId, checkId, { drafts, summary, baseVersion }).catch(() => undefined);
    }, 300);
    return () => window.clearTimeout(timer);
  }, [userId, checkId, drafts, summary, baseVersion, dirty, editable]);

  return restored;
}
