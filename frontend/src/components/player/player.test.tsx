import { fireEvent, render, screen } from "@testing-library/react";
import { handlePlayerKey, isTypingTarget, type PlayerControls } from "./keys";
import { Timeline, packLanes } from "./Timeline";
import { cueAt, parseSpriteVtt } from "./vtt";
import type { ClipEvent } from "../../types/media";

function controls(over: Partial<PlayerControls> = {}): PlayerControls & { calls: Record<string, unknown[]> } {
  const calls: Record<string, unknown[]> = { togglePlay: [], seek: [], setSelection: [], openTag: [] };
  return {
    time: 20,
    duration: 60,
    eventStarts: [5, 18, 31, 47],
    selection: { start: null, end: null },
    togglePlay: () => calls.togglePlay.push(true),
    seek: (t) => calls.seek.push(t),
    setSelection: (s) => calls.setSelection.push(s),
    openTag: () => calls.openTag.push(true),
    calls,
    ...over,
  };
}

describe("player keyboard shortcuts", () => {
  it("plays, seeks ±5 s within the clip and jumps between events", () => {
    const c = controls();
    expect(handlePlayerKey(" ", c)).toBe(true);
    expect(handlePlayerKey("k", c)).toBe(true);
    expect(c.calls.togglePlay).toHaveLength(2);
    handlePlayerKey("ArrowRight", c);
    handlePlayerKey("ArrowLeft", c);
    handlePlayerKey("L", c);
    handlePlayerKey("n", c);
    handlePlayerKey("p", c);
    expect(c.calls.seek).toEqual([25, 15, 25, 31, 18]);
    const atEnd = controls({ time: 58 });
    handlePlayerKey("ArrowRight", atEnd);
    handlePlayerKey("n", atEnd);
    expect(atEnd.calls.seek).toEqual([60]);
    const atStart = controls({ time: 2 });
    handlePlayerKey("j", atStart);
    expect(atStart.calls.seek).toEqual([0]);
  });

  it("marks in and out, tags only a real range, and clears with Esc", () => {
    const c = controls({ time: 12 });
    handlePlayerKey("i", c);
    expect(c.calls.setSelection).toEqual([{ start: 12, end: null }]);
    const withIn = controls({ time: 19, selection: { start: 12, end: null } });
    handlePlayerKey("o", withIn);
    expect(withIn.calls.setSelection).toEqual([{ start: 12, end: 19 }]);
    handlePlayerKey("t", withIn);
    expect(withIn.calls.openTag).toHaveLength(0); // selection not yet applied in this snapshot
    const ready = controls({ selection: { start: 12, end: 19 } });
    handlePlayerKey("t", ready);
    expect(ready.calls.openTag).toHaveLength(1);
    handlePlayerKey("Escape", ready);
    expect(ready.calls.setSelection).toEqual([{ start: null, end: null }]);
    expect(handlePlayerKey("x", ready)).toBe(false);
  });

  it("ignores keys typed into form fields", () => {
    expect(isTypingTarget(document.createElement("textarea"))).toBe(true);
    expect(isTypingTarget(document.createElement("input"))).toBe(true);
    expect(isTypingTarget(document.createElement("div"))).toBe(false);
  });
});

// the events' shape as GET /api/media/clips/{id}/events/ sends it (ReviewClipEvent)
const EVENT = { kind_label: "", detail: {}, thumbnail_url: null };
const EVENTS: ClipEvent[] = [
  { ...EVENT, id: 1, kind: "presence", zone: "officer", start_s: 1, end_s: 30, score: 0.9 },
  { ...EVENT, id: 2, kind: "presence", zone: "citizen", start_s: 3, end_s: 12, score: 0.8 },
  { ...EVENT, id: 3, kind: "tamper", zone: "scene", start_s: 18, end_s: 25, score: 1 },
];

describe("timeline", () => {
  function setup() {
    const onSeek = vi.fn();
    const onSelect = vi.fn();
    render(<Timeline duration={100} time={10} activity={[0.1, 0.5, 0.2]} events={EVENTS} tags={[]} selection={{ start: null, end: null }} onSeek={onSeek} onSelect={onSelect} />);
    const track = screen.getByRole("slider");
    track.getBoundingClientRect = () => ({ left: 100, width: 500, top: 0, height: 110, right: 600, bottom: 110, x: 100, y: 0, toJSON: () => ({}) });
    return { track, onSeek, onSelect };
  }

  it("selects a range by dragging", () => {
    const { track, onSeek, onSelect } = setup();
    fireEvent.pointerDown(track, { clientX: 200, button: 0, pointerId: 1 });
    fireEvent.pointerMove(track, { clientX: 260, pointerId: 1 });
    fireEvent.pointerMove(track, { clientX: 300, pointerId: 1 });
    fireEvent.pointerUp(track, { clientX: 300, pointerId: 1 });
    expect(onSeek).not.toHaveBeenCalled();
    expect(onSelect).toHaveBeenCalledWith({ start: 20, end: 40 });
  });

  it("seeks on a click and selects right-to-left drags in order", () => {
    const { track, onSeek, onSelect } = setup();
    fireEvent.pointerDown(track, { clientX: 350, button: 0 });
    fireEvent.pointerUp(track, { clientX: 352 });
    expect(onSeek).toHaveBeenCalledWith(50.4); // a 2 px wobble is still a click, at the release point
    fireEvent.pointerDown(track, { clientX: 400, button: 0 });
    fireEvent.pointerMove(track, { clientX: 300 });
    fireEvent.pointerUp(track, { clientX: 300 });
    expect(onSelect).toHaveBeenCalledWith({ start: 40, end: 60 });
  });

  it("puts overlapping events on separate lanes", () => {
    const packed = packLanes(EVENTS);
    expect(packed.lanes).toBe(2);
    expect(packed.items.map((i) => [i.ev.id, i.lane])).toEqual([[1, 0], [2, 1], [3, 1]]);
  });

  it("reads sprite cues for hover thumbnails", () => {
    const cues = parseSpriteVtt("WEBVTT\n\n00:00:00.000 --> 00:00:05.000\nsprite.jpg#xywh=0,0,160,90\n\n00:00:05.000 --> 00:00:10.000\nsprite.jpg#xywh=160,0,160,90\n", "/objects/abc/clip.vtt");
    expect(cues).toHaveLength(2);
    expect(cueAt(cues, 7)).toMatchObject({ x: 160, y: 0, w: 160, h: 90 });
    expect(cues[0].url).toBe("/objects/abc/sprite.jpg");
  });
});
