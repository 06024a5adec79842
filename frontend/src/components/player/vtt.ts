// WebVTT sprite map: each cue names a region of the sprite sheet (`sprite.jpg#xywh=x,y,w,h`).
export interface SpriteCue {
  start: number;
  end: number;
  url: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

function parseTime(s: string): number {
  const parts = s.trim().split(":");
  let sec = 0;
  for (const p of parts) sec = sec * 60 + Number(p.replace(",", "."));
  return sec;
}

export function parseSpriteVtt(text: string, baseUrl?: string): SpriteCue[] {
  const cues: SpriteCue[] = [];
  const blocks = text.replace(/\r/g, "").split(/\n\n+/);
  for (const block of blocks) {
    const lines = block.split("\n").map((l) => l.trim()).filter(Boolean);
    const timeIdx = lines.findIndex((l) => l.includes("-->"));
    if (timeIdx < 0 || !lines[timeIdx + 1]) continue;
    const [a, b] = lines[timeIdx].split("-->");
    const target = lines[timeIdx + 1];
    const m = /^(.*)#xywh=(\d+),(\d+),(\d+),(\d+)$/.exec(target);
    if (!m) continue;
    let url = m[1];
    try {
      if (baseUrl) url = new URL(url, new URL(baseUrl, "http://x/").href).href.replace(/^http:\/\/x/, "");
    } catch {
      /* keep as is */
    }
    cues.push({ start: parseTime(a), end: parseTime(b.split(" ")[1] ?? b), url, x: +m[2], y: +m[3], w: +m[4], h: +m[5] });
  }
  return cues;
}

export function cueAt(cues: SpriteCue[], t: number): SpriteCue | null {
  let lo = 0;
  let hi = cues.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cues[mid].end <= t) lo = mid + 1;
    else if (cues[mid].start > t) hi = mid - 1;
    else return cues[mid];
  }
  return cues.length ? cues[Math.max(0, Math.min(cues.length - 1, lo))] : null;
}
