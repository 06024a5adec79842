import { useEffect, useRef, useState } from "react";
import { useSocket, useWsEvent, useWsTopic } from "../api/ws";
import type { Viewer } from "../types/media";

/** Who else watches this clip; tells the server we do, with our position every few seconds. */
export function usePresence(clipId: number | null, position: number, meId?: number): Viewer[] {
  const sock = useSocket();
  const [viewers, setViewers] = useState<Viewer[]>([]);
  const pos = useRef(position);
  pos.current = position;
  useWsTopic(clipId ? `clip:${clipId}` : null);
  useWsEvent("presence", (m) => {
    if (Number(m.clip_id) === clipId && Array.isArray(m.viewers)) setViewers(m.viewers as Viewer[]);
  });
  useWsEvent("hello", () => {
    if (clipId) sock?.setViewing(clipId);
  });
  useEffect(() => {
    if (!sock || !clipId) return;
    const send = () => sock.send({ type: "viewing", clip_id: clipId, position: Math.round(pos.current * 10) / 10 });
    sock.setViewing(clipId);
    send();
    const h = setInterval(send, 5000);
    return () => {
      clearInterval(h);
      sock.setViewing(null);
    };
  }, [sock, clipId]);
  return viewers.filter((v) => v.user_id !== meId);
}
