import { act, render, screen } from "@testing-library/react";
import { StrictMode } from "react";
import { useState } from "react";
import { ReviewSocket, WebSocketProvider, useWsEvent, useWsStatus, useWsTopic, type SocketLike } from "./ws";

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: unknown[] = [];
  onopen: ((ev: Event) => void) | null = null;
  onclose: ((ev: CloseEvent) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.(new Event("open"));
  }
  receive(msg: unknown) {
    this.onmessage?.(new MessageEvent("message", { data: JSON.stringify(msg) }));
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code } as CloseEvent);
  }
}

function harness() {
  const sockets: FakeSocket[] = [];
  const rs = new ReviewSocket("ws://test/ws/review/", () => {
    const s = new FakeSocket();
    sockets.push(s);
    return s;
  });
  return { rs, sockets };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("ReviewSocket", () => {
  it("reconnects as soon as the browser is online again, not after the retry wait", () => {
    const { rs, sockets } = harness();
    rs.start();
    sockets[0].open();
    for (let i = 0; i < 6; i++) {
      // the network is gone: every try fails and the wait between tries grows
      sockets[sockets.length - 1].drop();
      vi.advanceTimersByTime(500 * 2 ** i);
    }
    sockets[sockets.length - 1].drop();
    const tries = sockets.length;
    expect(rs.status).toBe("closed");
    window.dispatchEvent(new Event("online"));
    expect(sockets.length).toBe(tries + 1); // at once
    sockets[sockets.length - 1].open();
    expect(rs.status).toBe("open");
    rs.stop();
  });

  it("says the connection is lost as soon as the browser goes offline, though the socket still looked open", () => {
    const { rs, sockets } = harness();
    rs.start();
    sockets[0].open();
    expect(rs.status).toBe("open");
    window.dispatchEvent(new Event("offline"));
    expect(rs.status).toBe("closed");
    expect(sockets[0].readyState).toBe(3); // dropped, not left to time out
    vi.advanceTimersByTime(60_000);
    expect(sockets.length).toBe(1); // no tries while there is no network
    window.dispatchEvent(new Event("online"));
    expect(sockets.length).toBe(2);
    sockets[1].open();
    expect(rs.status).toBe("open");
    rs.stop();
  });

  it("routes each message to the handlers of its type only", () => {
    const { rs, sockets } = harness();
    rs.start();
    sockets[0].open();
    const created = vi.fn();
    const presence = vi.fn();
    const any = vi.fn();
    rs.on("tag.created", created);
    rs.on("presence", presence);
    rs.on("*", any);
    sockets[0].receive({ type: "tag.created", clip_id: 4, tag: { id: 9 } });
    sockets[0].receive({ type: "presence", clip_id: 4, viewers: [] });
    sockets[0].receive({ notype: true });
    expect(created).toHaveBeenCalledTimes(1);
    expect(created.mock.calls[0][0]).toMatchObject({ clip_id: 4, tag: { id: 9 } });
    expect(presence).toHaveBeenCalledTimes(1);
    expect(any).toHaveBeenCalledTimes(2);
  });

  it("keeps subscriptions by reference count and restores them after a reconnect", () => {
    const { rs, sockets } = harness();
    rs.start();
    sockets[0].open();
    const off1 = rs.subscribe("clip:4");
    const off2 = rs.subscribe("clip:4");
    expect(sockets[0].sent).toEqual([{ type: "subscribe", topic: "clip:4" }]);
    off1();
    expect(sockets[0].sent).toHaveLength(1);
    rs.setViewing(4);

    sockets[0].drop();
    expect(rs.status).toBe("closed");
    vi.advanceTimersByTime(600);
    expect(sockets).toHaveLength(2);
    sockets[1].open();
    expect(rs.status).toBe("open");
    expect(sockets[1].sent).toEqual([{ type: "subscribe", topic: "clip:4" }, { type: "viewing", clip_id: 4 }]);

    off2();
    expect(sockets[1].sent.at(-1)).toEqual({ type: "unsubscribe", topic: "clip:4" });
  });

  it("does not reconnect when the server refuses the user", () => {
    const { rs, sockets } = harness();
    rs.start();
    sockets[0].drop(4403);
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
    expect(rs.status).toBe("off");
  });
});

function Live({ onTag }: { onTag: (id: number) => void }) {
  const status = useWsStatus();
  const [count, setCount] = useState(0);
  useWsTopic("clip:7");
  useWsEvent(["tag.created", "tag.updated"], (m) => {
    setCount((c) => c + 1);
    onTag((m.tag as { id: number }).id);
  });
  return <p>{status} {count}</p>;
}

describe("WebSocketProvider", () => {
  it("connects, subscribes for mounted components and delivers messages by type", () => {
    const { rs, sockets } = harness();
    const onTag = vi.fn();
    render(<WebSocketProvider socket={rs}><Live onTag={onTag} /></WebSocketProvider>);
    expect(screen.getByText("connecting 0")).toBeInTheDocument();
    act(() => sockets[0].open());
    expect(screen.getByText("open 0")).toBeInTheDocument();
    expect(sockets[0].sent).toContainEqual({ type: "subscribe", topic: "clip:7" });
    act(() => {
      sockets[0].receive({ type: "tag.created", tag: { id: 11 } });
      sockets[0].receive({ type: "clip.indexed", clip: { id: 7 } });
      sockets[0].receive({ type: "tag.updated", tag: { id: 11 } });
    });
    expect(screen.getByText("open 2")).toBeInTheDocument();
    expect(onTag.mock.calls.map((c) => c[0])).toEqual([11, 11]);
  });
});

describe("one live socket, one delivery (issue 15: the clip page showed a new tag's notice twice)", () => {
  it("a socket closed by stop() and restarted at once (StrictMode's double effect) neither reconnects nor delivers", () => {
    const { rs, sockets } = harness();
    const seen: unknown[] = [];
    rs.on("tag.created", (m) => seen.push(m.tag));
    rs.start();
    rs.stop();
    rs.start();
    expect(sockets).toHaveLength(2);
    sockets[1].open();
    // the first socket's close arrives late: it must not open a third socket beside the live one
    sockets[0].drop(1000);
    vi.advanceTimersByTime(20_000);
    expect(sockets).toHaveLength(2);
    expect(rs.status).toBe("open");
    // a message still in flight on the old socket is not delivered; the live one's is, once
    sockets[0].receive({ type: "tag.created", tag: 7 });
    sockets[1].receive({ type: "tag.created", tag: 7 });
    expect(seen).toEqual([7]);
  });

  it("the provider under StrictMode keeps one socket and calls a page's handler once per message", () => {
    const sockets: FakeSocket[] = [];
    const rs = new ReviewSocket("ws://test/ws/review/", () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    });
    const calls: unknown[] = [];
    function Page() {
      useWsEvent("tag.created", (m) => calls.push(m.tag));
      return null;
    }
    render(
      <StrictMode>
        <WebSocketProvider socket={rs}><Page /></WebSocketProvider>
      </StrictMode>,
    );
    const live = sockets[sockets.length - 1];
    act(() => live.open());
    act(() => sockets.filter((s) => s !== live).forEach((s) => s.drop(1000)));
    act(() => vi.advanceTimersByTime(20_000));
    expect(sockets.filter((s) => s.readyState !== 3)).toHaveLength(1);
    act(() => sockets.forEach((s) => s.receive({ type: "tag.created", tag: 9 })));
    expect(calls).toEqual([9]);
  });
});
