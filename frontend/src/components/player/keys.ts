// Keyboard shortcuts of the player, as a pure function so they can be tested without a video.
export interface PlayerControls {
  time: number;
  duration: number;
  eventStarts: number[];
  selection: { start: number | null; end: number | null };
  togglePlay(): void;
  seek(t: number): void;
  setSelection(sel: { start: number | null; end: number | null }): void;
  openTag(): void;
}

export const SHORTCUTS: { keys: string[]; action: string }[] = [
  { keys: ["Space", "K"], action: "player.key.play" },
  { keys: ["←", "J"], action: "player.key.back" },
  { keys: ["→", "L"], action: "player.key.forward" },
  { keys: ["N"], action: "player.key.nextEvent" },
  { keys: ["P"], action: "player.key.prevEvent" },
  { keys: ["I"], action: "player.key.markIn" },
  { keys: ["O"], action: "player.key.markOut" },
  { keys: ["T"], action: "player.key.tag" },
  { keys: ["Esc"], action: "player.key.clear" },
];

const clamp = (t: number, d: number) => Math.max(0, Math.min(d || 0, t));

/** Returns true when the key was handled. */
export function handlePlayerKey(key: string, c: PlayerControls): boolean {
  const k = key.length === 1 ? key.toLowerCase() : key;
  switch (k) {
    case " ":
    case "k":
      c.togglePlay();
      return true;
    case "ArrowLeft":
    case "j":
      c.seek(clamp(c.time - 5, c.duration));
      return true;
    case "ArrowRight":
    case "l":
      c.seek(clamp(c.time + 5, c.duration));
      return true;
    case "n": {
      const next = c.eventStarts.find((s) => s > c.time + 0.25);
      if (next !== undefined) c.seek(next);
      return true;
    }
    case "p": {
      const prev = [...c.eventStarts].reverse().find((s) => s < c.time - 0.25);
      c.seek(prev ?? 0);
      return true;
    }
    case "i": {
      const end = c.selection.end !== null && c.selection.end > c.time ? c.selection.end : null;
      c.setSelection({ start: c.time, end });
      return true;
    }
    case "o": {
      const start = c.selection.start !== null && c.selection.start < c.time ? c.selection.start : Math.max(0, c.time - 5);
      c.setSelection({ start, end: c.time });
      return true;
    }
    case "t":
      if (c.selection.start !== null && c.selection.end !== null && c.selection.end > c.selection.start) c.openTag();
      return true;
    case "Escape":
      c.setSelection({ start: null, end: null });
      return true;
    default:
      return false;
  }
}

/** Ignore shortcuts while typing in a form field. */
export function isTypingTarget(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  const tag = el.tagName.toLowerCase();
  return tag === "input" || tag === "textarea" || tag === "select" || el.isContentEditable === true;
}
