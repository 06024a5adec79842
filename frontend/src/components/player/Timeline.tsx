import { useMemo, useRef, useState, type PointerEvent } from "react";
import { useTranslation } from "react-i18next";
import { fmtClock } from "../format";
import type { ClipEvent, Tag, Viewer } from "../../types/media";
import { cueAt, type SpriteCue } from "./vtt";

export const EVENT_COLORS: Record<string, string> = {
  presence: "#2563d6",
  motion: "#7c8aa5",
  unattended: "#d97706",
  officer_absent: "#b42318",
  tamper: "#6b3fa0",
};

/** Text on a 10 % tint of its colour must reach 4.5:1 (WCAG AA): the amber is darkened for text. */
export const EVENT_TEXT_COLORS: Record<string, string> = { ...EVENT_COLORS, unattended: "#8a4a00", motion: "#5a6880" };

const W = 1000;

/** Overlapping events go on separate sub-lanes (greedy interval packing, at most 4 lanes). */
export function packLanes(events: ClipEvent[]): { lanes: number; items: { ev: ClipEvent; lane: number }[] } {
  const ends: number[] = [];
  const items = [...events]
    .sort((a, b) => a.start_s - b.start_s || b.end_s - a.end_s)
    .map((ev) => {
      let lane = ends.findIndex((end) => end <= ev.start_s);
      if (lane < 0) {
        lane = ends.length < 4 ? ends.length : ends.indexOf(Math.min(...ends));
      }
      ends[lane] = Math.max(ends[lane] ?? 0, ev.end_s);
      return { ev, lane };
    });
  return { lanes: Math.max(1, ends.length), items };
}

export interface Range {
  start: number | null;
  end: number | null;
}

export function Timeline({
  duration,
  time,
  activity,
  events,
  tags,
  selection,
  viewers,
  sprites,
  spriteUrl,
  onSeek,
  onSelect,
  onTagClick,
}: {
  duration: number;
  time: number;
  activity: number[];
  events: ClipEvent[];
  tags: Tag[];
  selection: Range;
  viewers?: Viewer[];
  sprites?: SpriteCue[];
  spriteUrl?: string | null;
  onSeek: (t: number) => void;
  onSelect: (r: Range) => void;
  onTagClick?: (tag: Tag) => void;
}) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  const drag = useRef<{ t0: number; x0: number; moved: boolean } | null>(null);
  const [temp, setTemp] = useState<Range | null>(null);
  const [hover, setHover] = useState<{ x: number; t: number } | null>(null);
  const d = duration > 0 ? duration : 1;
  const x = (s: number) => (Math.max(0, Math.min(d, s)) / d) * W;

  const path = useMemo(() => {
    if (!activity.length) return "";
    const max = Math.max(0.05, ...activity);
    const step = W / Math.max(1, activity.length);
    let p = `M0,48`;
    activity.forEach((v, i) => {
      const y = 48 - (Math.max(0, v) / max) * 44;
      p += ` L${(i * step).toFixed(1)},${y.toFixed(1)} L${((i + 1) * step).toFixed(1)},${y.toFixed(1)}`;
    });
    return p + ` L${W},48 Z`;
  }, [activity]);

  function timeAt(clientX: number): { t: number; px: number } {
    const rect = ref.current?.getBoundingClientRect();
    const width = rect && rect.width ? rect.width : 1;
    const px = Math.max(0, Math.min(width, clientX - (rect?.left ?? 0)));
    return { t: (px / width) * d, px };
  }

  function onDown(e: PointerEvent<HTMLDivElement>) {
    if (e.button !== 0) return;
    const { t: t0 } = timeAt(e.clientX);
    drag.current = { t0, x0: e.clientX, moved: false };
    (e.currentTarget as HTMLElement).setPointerCapture?.(e.pointerId);
  }
  function onMove(e: PointerEvent<HTMLDivElement>) {
    const { t: tt, px } = timeAt(e.clientX);
    setHover({ x: px, t: tt });
    const dr = drag.current;
    if (!dr) return;
    if (Math.abs(e.clientX - dr.x0) > 4) dr.moved = true;
    if (dr.moved) setTemp({ start: Math.min(dr.t0, tt), end: Math.max(dr.t0, tt) });
  }
  function onUp(e: PointerEvent<HTMLDivElement>) {
    const dr = drag.current;
    drag.current = null;
    setTemp(null);
    if (!dr) return;
    const { t: t1 } = timeAt(e.clientX);
    if (dr.moved && Math.abs(e.clientX - dr.x0) > 4) onSelect({ start: Math.min(dr.t0, t1), end: Math.max(dr.t0, t1) });
    else onSeek(t1);
  }

  const packed = useMemo(() => packLanes(events), [events]);
  const laneH = 16 / Math.max(1, packed.lanes);
  const sel = temp ?? selection;
  const cue = hover && sprites?.length ? cueAt(sprites, hover.t) : null;
  const ticks = useMemo(() => {
    const step = [5, 10, 15, 30, 60, 120, 300, 600, 900, 1800].find((s) => d / s <= 12) ?? 3600;
    const out: number[] = [];
    for (let s = 0; s <= d; s += step) out.push(s);
    return out;
  }, [d]);

  return (
    <div className="timeline" data-testid="timeline">
      <div
        className="timeline-track"
        ref={ref}
        role="slider"
        aria-label={t("player.timeline")}
        aria-valuemin={0}
        aria-valuemax={Math.round(d)}
        aria-valuenow={Math.round(time)}
        aria-valuetext={fmtClock(time)}
        tabIndex={-1}
        onPointerDown={onDown}
        onPointerMove={onMove}
        onPointerUp={onUp}
        onPointerLeave={() => setHover(null)}
      >
        <svg viewBox={`0 0 ${W} 100`} preserveAspectRatio="none" width="100%" height="100%" aria-hidden="true">
          <rect x="0" y="0" width={W} height="50" fill="#f2f6fd" />
          {path && <path d={path} fill="rgba(37,99,214,.28)" stroke="#2563d6" strokeWidth="1" vectorEffect="non-scaling-stroke" />}
          <rect x="0" y="52" width={W} height="20" fill="#f7f8fb" />
          {packed.items.map(({ ev, lane }) => (
            <rect key={ev.id} x={x(ev.start_s)} y={54 + lane * laneH} width={Math.max(2, x(ev.end_s) - x(ev.start_s))} height={Math.max(2, laneH - 1)} rx="2" fill={EVENT_COLORS[ev.kind] ?? "#555"} opacity="0.9">
              <title>{`${t(`event.${ev.kind}`, { defaultValue: ev.kind })} ${t(`zone.${ev.zone}`, { defaultValue: ev.zone })} ${fmtClock(ev.start_s)}–${fmtClock(ev.end_s)}`}</title>
            </rect>
          ))}
          <rect x="0" y="74" width={W} height="24" fill="#fbfbfd" />
          {tags.map((tag) => (
            <rect
              key={tag.id}
              x={x(tag.start_s)}
              y="77"
              width={Math.max(3, x(tag.end_s) - x(tag.start_s))}
              height="18"
              rx="3"
              fill="#f5c518"
              stroke="#a37f00"
              strokeWidth="1"
              vectorEffect="non-scaling-stroke"
              style={{ cursor: onTagClick ? "pointer" : undefined }}
              onPointerDown={(e) => {
                if (onTagClick) {
                  e.stopPropagation();
                  onTagClick(tag);
                }
              }}
            >
              <title>{`${tag.label.name_vi} · ${tag.author.name} · ${fmtClock(tag.start_s)}–${fmtClock(tag.end_s)}`}</title>
            </rect>
          ))}
          {sel.start !== null && sel.end !== null && (
            <rect x={x(sel.start)} y="0" width={Math.max(1, x(sel.end) - x(sel.start))} height="100" fill="rgba(11,61,145,.18)" stroke="#0b3d91" strokeWidth="1.5" vectorEffect="non-scaling-stroke" data-testid="selection" />
          )}
          {sel.start !== null && sel.end === null && <line x1={x(sel.start)} x2={x(sel.start)} y1="0" y2="100" stroke="#0b3d91" strokeDasharray="4 3" strokeWidth="2" vectorEffect="non-scaling-stroke" />}
          {(viewers ?? []).filter((v) => v.position !== null).map((v) => (
            <line key={v.user_id} x1={x(v.position!)} x2={x(v.position!)} y1="0" y2="100" stroke="#13804b" strokeWidth="1.5" strokeDasharray="2 2" vectorEffect="non-scaling-stroke">
              <title>{v.name}</title>
            </line>
          ))}
          <line x1={x(time)} x2={x(time)} y1="0" y2="100" stroke="#b42318" strokeWidth="2" vectorEffect="non-scaling-stroke" />
        </svg>
        {hover && (
          <div className="timeline-hover" style={{ left: hover.x }}>
            {cue && (spriteUrl || cue.url) && (
              <div
                className="sprite-thumb"
                data-testid="sprite-thumb"
                style={{ width: cue.w, height: cue.h, backgroundImage: `url("${spriteUrl || cue.url}")`, backgroundPosition: `-${cue.x}px -${cue.y}px` }}
              />
            )}
            <span>{fmtClock(hover.t)}</span>
          </div>
        )}
      </div>
      <div className="timeline-ticks" aria-hidden="true">
        {ticks.map((s) => (
          <span key={s} style={{ left: `${(s / d) * 100}%` }}>{fmtClock(s)}</span>
        ))}
      </div>
    </div>
  );
}
