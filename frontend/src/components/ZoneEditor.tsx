import { useRef, useState, type PointerEvent } from "react";
import type { Zone } from "../types/org";
import { useZoneName } from "./labels";

const COLORS = ["#2563d6", "#d97706", "#13804b", "#6b3fa0", "#b42318"];

/** Polygons in normalized 0..1 coordinates drawn over a still frame. */
export function ZoneEditor({ zones, selected, image, onChange, onSelect }: {
  zones: Zone[];
  selected: number;
  image?: string | null;
  onChange: (zones: Zone[]) => void;
  onSelect: (i: number) => void;
}) {
  const ref = useRef<SVGSVGElement>(null);
  const zoneName = useZoneName();
  const [drag, setDrag] = useState<{ zone: number; point: number } | null>(null);
  const W = 1000;
  const H = 562.5;

  function pos(e: { clientX: number; clientY: number }): [number, number] {
    const r = ref.current!.getBoundingClientRect();
    const x = Math.max(0, Math.min(1, (e.clientX - r.left) / (r.width || 1)));
    const y = Math.max(0, Math.min(1, (e.clientY - r.top) / (r.height || 1)));
    return [Math.round(x * 1000) / 1000, Math.round(y * 1000) / 1000];
  }
  function update(zi: number, points: Zone["points"]) {
    onChange(zones.map((z, i) => (i === zi ? { ...z, points } : z)));
  }
  function onBackground(e: PointerEvent<SVGSVGElement>) {
    if (drag || e.button !== 0 || !zones[selected]) return;
    update(selected, [...zones[selected].points, pos(e)]);
  }
  return (
    <div className="zone-editor" style={image ? { backgroundImage: `url("${image}")` } : undefined}>
      <svg
        ref={ref}
        viewBox={`0 0 ${W} ${H}`}
        preserveAspectRatio="none"
        width="100%"
        onPointerDown={onBackground}
        onPointerMove={(e) => {
          if (!drag) return;
          const pts = [...zones[drag.zone].points];
          pts[drag.point] = pos(e);
          update(drag.zone, pts);
        }}
        onPointerUp={() => setDrag(null)}
        onContextMenu={(e) => e.preventDefault()}
        data-testid="zone-editor"
      >
        {!image && (
          <g stroke="#dfe5ee">
            {Array.from({ length: 9 }, (_, i) => <line key={`v${i}`} x1={(i + 1) * 100} x2={(i + 1) * 100} y1={0} y2={H} />)}
            {Array.from({ length: 5 }, (_, i) => <line key={`h${i}`} y1={(i + 1) * 93.75} y2={(i + 1) * 93.75} x1={0} x2={W} />)}
          </g>
        )}
        {zones.map((z, zi) => {
          const color = COLORS[zi % COLORS.length];
          const pts = z.points.map(([x, y]) => `${x * W},${y * H}`).join(" ");
          return (
            <g key={zi} onPointerDown={(e) => { if (zi !== selected) { e.stopPropagation(); onSelect(zi); } }}>
              <polygon points={pts} fill={color} fillOpacity={zi === selected ? 0.28 : 0.15} stroke={color} strokeWidth={zi === selected ? 3 : 2} vectorEffect="non-scaling-stroke" />
              {z.points.length > 0 && (
                <text x={z.points[0][0] * W + 6} y={z.points[0][1] * H + 18} fill="#fff" fontSize="18" fontWeight="700" style={{ paintOrder: "stroke", stroke: color, strokeWidth: 4 }}>{zoneName(z.name)}</text>
              )}
              {zi === selected && z.points.map(([x, y], pi) => (
                <circle
                  key={pi}
                  cx={x * W}
                  cy={y * H}
                  r={9}
                  fill="#fff"
                  stroke={color}
                  strokeWidth={3}
                  style={{ cursor: "move" }}
                  onPointerDown={(e) => {
                    e.stopPropagation();
                    if (e.button === 2) {
                      update(zi, z.points.filter((_, k) => k !== pi));
                      return;
                    }
                    (e.target as Element).setPointerCapture?.(e.pointerId);
                    setDrag({ zone: zi, point: pi });
                  }}
                />
              ))}
            </g>
          );
        })}
      </svg>
    </div>
  );
}
