// The one websocket: connects to /ws/review/, keeps topic subscriptions across reconnects and
// routes each server message to the handlers registered for its `type`.
import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";

export type WsStatus = "connecting" | "open" | "closed" | "off";

export interface WsMessage {
  type: string;
  [key: string]: unknown;
}

type Handler = (msg: WsMessage) => void;

export interface SocketLike {
  readyState: number;
  send(data: string): void;
  close(): void;
  onopen: ((ev: Event) => void) | null;
  onclose: ((ev: CloseEvent) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
  onerror: ((ev: Event) => void) | null;
}

export type SocketFactory = (url: string) => SocketLike;

/** Keeps handlers by type and topics by reference count; independent of React for testing. */
export class ReviewSocket {
  private handlers = new Map<string, Set<Handler>>();
  private topics = new Map<string, number>();
  private socket: SocketLike | null = null;
  private retry = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private viewing: number | null = null;
  status: WsStatus = "off";
  private statusListeners = new Set<(s: WsStatus) => void>();

  constructor(
    private readonly url: string,
    private readonly factory: SocketFactory = (u) => new WebSocket(u) as unknown as SocketLike,
  ) {}

  start(): void {
    this.stopped = false;
    // the network came back: try at once rather than after the retry wait (up to 15 s), so "Mất kết nối"
    // clears as soon as the phone has a signal again
    if (typeof window !== "undefined") {
      window.addEventListener("online", this.onOnline);
      window.addEventListener("offline", this.onOffline);
    }
    this.connect();
  }

  /** Reconnect now if the socket is down and waiting to retry. */
  reconnectNow(): void {
    if (this.stopped || (this.socket && this.socket.readyState <= 1)) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.retry = 0;
    this.connect();
  }

  private onOnline = (): void => this.reconnectNow();

  /** The browser lost its network: the socket may still look open for minutes (until TCP gives up), and the
   *  live dot stayed green (issue 15). It is dropped now and said lost; "online" reconnects at once. */
  private onOffline = (): void => {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.retire(this.socket);
    this.socket = null;
    this.setStatus("closed");
  };

  stop(): void {
    if (typeof window !== "undefined") {
      window.removeEventListener("online", this.onOnline);
      window.removeEventListener("offline", this.onOffline);
    }
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.retire(this.socket);
    this.socket = null;
    this.setStatus("off");
  }

  onStatus(fn: (s: WsStatus) => void): () => void {
    this.statusListeners.add(fn);
    return () => this.statusListeners.delete(fn);
  }

  on(type: string, fn: Handler): () => void {
    let set = this.handlers.get(type);
    if (!set) this.handlers.set(type, (set = new Set()));
    set.add(fn);
    return () => set!.delete(fn);
  }

  subscribe(topic: string): () => void {
    const n = this.topics.get(topic) ?? 0;
    this.topics.set(topic, n + 1);
    if (n === 0) this.send({ type: "subscribe", topic });
    return () => {
      const left = (this.topics.get(topic) ?? 1) - 1;
      if (left <= 0) {
        this.topics.delete(topic);
        this.send({ type: "unsubscribe", topic });
      } else this.topics.set(topic, left);
    };
  }

  setViewing(clipId: number | null): void {
    this.viewing = clipId;
    this.send({ type: "viewing", clip_id: clipId });
  }

  send(msg: WsMessage): void {
    if (this.socket && this.socket.readyState === 1) this.socket.send(JSON.stringify(msg));
  }

  /** Routes one raw message; exposed for tests. */
  dispatch(raw: string): void {
    let msg: WsMessage;
    try {
      msg = JSON.parse(raw) as WsMessage;
    } catch {
      return;
    }
    if (!msg || typeof msg.type !== "string") return;
    for (const key of [msg.type, "*"]) {
      this.handlers.get(key)?.forEach((fn) => {
        try {
          fn(msg);
        } catch (e) {
          console.error("websocket handler failed", e);
        }
      });
    }
  }

  private setStatus(s: WsStatus): void {
    this.status = s;
    this.statusListeners.forEach((fn) => fn(s));
  }

  /** Close a socket we are done with and let nothing of it reach us any more: a stop() followed at once
   *  by start() (React StrictMode runs every effect twice) left the old socket's late `close` scheduling
   *  a reconnect beside the new socket, and two live sockets delivered each message twice (issue 15). */
  private retire(sock: SocketLike | null): void {
    if (!sock) return;
    sock.onopen = null;
    sock.onmessage = null;
    sock.onclose = null;
    sock.onerror = null;
    sock.close();
  }

  private connect(): void {
    if (this.stopped) return;
    if (this.socket) this.retire(this.socket);
    this.setStatus("connecting");
    let sock: SocketLike;
    try {
      sock = this.factory(this.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = sock;
    sock.onopen = () => {
      if (this.socket !== sock) return;
      this.retry = 0;
      this.setStatus("open");
      for (const topic of this.topics.keys()) this.send({ type: "subscribe", topic });
      if (this.viewing !== null) this.send({ type: "viewing", clip_id: this.viewing });
    };
    sock.onmessage = (ev) => {
      if (this.socket === sock) this.dispatch(String(ev.data));
    };
    sock.onclose = (ev) => {
      if (this.socket !== sock) return; // an old socket: not ours to reconnect
      this.socket = null;
      if (ev && (ev.code === 4401 || ev.code === 4403)) {
        // Refused by the server (signed out / role without live review): do not hammer it.
        this.setStatus("off");
        return;
      }
      if (!this.stopped) {
        this.setStatus("closed");
        this.scheduleReconnect();
      }
    };
    sock.onerror = () => undefined;
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    const delay = Math.min(15000, 500 * 2 ** this.retry);
    this.retry += 1;
    this.timer = setTimeout(() => this.connect(), delay);
  }
}

export function wsUrl(path = "/ws/review/"): string {
  const { protocol, host } = window.location;
  return `${protocol === "https:" ? "wss" : "ws"}://${host}${path}`;
}

const WsContext = createContext<ReviewSocket | null>(null);

export function WebSocketProvider({
  children,
  enabled = true,
  socket,
}: {
  children: ReactNode;
  enabled?: boolean;
  socket?: ReviewSocket;
}) {
  const value = useMemo(() => socket ?? new ReviewSocket(wsUrl()), [socket]);
  useEffect(() => {
    if (!enabled) return;
    value.start();
    return () => value.stop();
  }, [value, enabled]);
  return <WsContext.Provider value={value}>{children}</WsContext.Provider>;
}

export function useSocket(): ReviewSocket | null {
  return useContext(WsContext);
}

export function useWsStatus(): WsStatus {
  const sock = useSocket();
  const [status, setStatus] = useState<WsStatus>(sock?.status ?? "off");
  useEffect(() => {
    if (!sock) return;
    setStatus(sock.status);
    return sock.onStatus(setStatus);
  }, [sock]);
  return status;
}

/** Calls `handler` for each server message of one of `types` (latest handler, no resubscribe). */
export function useWsEvent(types: string | string[], handler: Handler): void {
  const sock = useSocket();
  const ref = useRef(handler);
  ref.current = handler;
  const key = Array.isArray(types) ? types.join("|") : types;
  useEffect(() => {
    if (!sock) return;
    const offs = key.split("|").map((t) => sock.on(t, (m) => ref.current(m)));
    return () => offs.forEach((off) => off());
  }, [sock, key]);
}

/** Subscribes to a topic while mounted (e.g. `clip:12`, `camera:CAM-01`). */
export function useWsTopic(topic: string | null | undefined): void {
  const sock = useSocket();
  useEffect(() => {
    if (!sock || !topic) return;
    return sock.subscribe(topic);
  }, [sock, topic]);
}

/** Subscribes to several topics while mounted; the list may change between renders. */
export function useWsTopics(topics: string[]): void {
  const sock = useSocket();
  const key = [...new Set(topics)].sort().join("|");
  useEffect(() => {
    if (!sock || !key) return;
    const offs = key.split("|").map((tp) => sock.subscribe(tp));
    return () => offs.forEach((off) => off());
  }, [sock, key]);
}
