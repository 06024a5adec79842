// Small hand-drawn SVG charts (no charting dependency).
import { fmtNumber } from "./format";

export interface BarDatum {
  label: string;
  value: number | null;
  color?: string;
  hint?: string;
}

/** The accessible name of a chart: its title and the values it draws, for screen readers. */
export function chartName(label: string | undefined, parts: string[]): string {
  return [label, parts.join("; ")].filter(Boolean).join(": ");
}

export function HBarChart({ data, max = 100, unit = "", label }: { data: BarDatum[]; max?: number; unit?: string; label?: string }) {
  const rowH = 30;
  const labelW = 170;
  const width = 540;
  const barW = width - labelW - 50;
  return (
    <svg viewBox={`0 0 ${width} ${data.length * rowH + 24}`} width="100%" role="img" className="chart"
      aria-label={chartName(label, data.map((d) => `${d.label} ${d.value === null ? "—" : fmtNumber(d.value, 1) + unit}`))}>
      {[0, 25, 50, 75, 100].map((g) => (
        <g key={g}>
          <line x1={labelW + (g / 100) * barW} x2={labelW + (g / 100) * barW} y1={0} y2={data.length * rowH} stroke="#eef2f7" />
          <text x={labelW + (g / 100) * barW} y={data.length * rowH + 16} fontSize="11" fill="#5a6880" textAnchor="middle">{fmtNumber((g / 100) * max, 0)}</text>
        </g>
      ))}
      {data.map((d, i) => {
        const y = i * rowH;
        const w = d.value === null ? 0 : Math.max(0, Math.min(1, d.value / max)) * barW;
        return (
          <g key={i}>
            <text x={labelW - 8} y={y + rowH / 2 + 4} fontSize="12" textAnchor="end" fill="#17233a">{d.label.length > 26 ? d.label.slice(0, 25) + "…" : d.label}</text>
            <rect x={labelW} y={y + 5} width={w} height={rowH - 10} rx="4" fill={d.color ?? "#1450b8"}>
              {d.hint && <title>{d.hint}</title>}
            </rect>
            <text x={labelW + w + 6} y={y + rowH / 2 + 4} fontSize="12" fontWeight="600" fill="#3b4a63">{d.value === null ? "—" : `${fmtNumber(d.value, 1)}${unit}`}</text>
          </g>
        );
      })}
    </svg>
  );
}

export const PALETTE = ["#0b3d91", "#d97706", "#13804b", "#6b3fa0", "#b42318", "#0891b2", "#65a30d", "#db2777"];

/** Lines over a few periods (e.g. quarters), one per series; gaps where a value is missing. */
export function LineChart({ periods, series, max = 100, label }: { periods: string[]; series: { label: string; values: (number | null)[] }[]; max?: number; label?: string }) {
  const width = 540;
  const height = 220;
  const left = 34;
  const right = 12;
  const top = 12;
  const bottom = 28;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const x = (i: number) => left + (periods.length <= 1 ? plotW / 2 : (i / (periods.length - 1)) * plotW);
  const y = (v: number) => top + plotH - (Math.max(0, Math.min(max, v)) / max) * plotH;
  return (
    <div>
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" className="chart"
        aria-label={chartName(label, series.map((s) => `${s.label} ${s.values.map((v, i) => `${periods[i]} ${v === null ? "—" : fmtNumber(v, 1)}`).join(", ")}`))}>
        {[0, 25, 50, 75, 100].map((g) => (
          <g key={g}>
            <line x1={left} x2={width - right} y1={y(g)} y2={y(g)} stroke="#eef2f7" />
            <text x={left - 6} y={y(g) + 4} fontSize="11" fill="#5a6880" textAnchor="end">{g}</text>
          </g>
        ))}
        {periods.map((p, i) => (
          <text key={p} x={x(i)} y={height - 8} fontSize="12" fill="#3b4a63" textAnchor="middle">{p}</text>
        ))}
        {series.map((s, si) => {
          const color = PALETTE[si % PALETTE.length];
          const segs: string[] = [];
          let cur = "";
          s.values.forEach((v, i) => {
            if (v === null) {
              if (cur) segs.push(cur);
              cur = "";
            } else cur += `${cur ? "L" : "M"}${x(i)},${y(v)} `;
          });
          if (cur) segs.push(cur);
          return (
            <g key={s.label}>
              {segs.map((d, k) => <path key={k} d={d} fill="none" stroke={color} strokeWidth="2.5" />)}
              {s.values.map((v, i) => v !== null && <circle key={i} cx={x(i)} cy={y(v)} r="4" fill="#fff" stroke={color} strokeWidth="2"><title>{`${s.label} · ${periods[i]}: ${fmtNumber(v, 1)}`}</title></circle>)}
            </g>
          );
        })}
      </svg>
      <div className="legend">
        {series.map((s, si) => <span key={s.label}><i style={{ background: PALETTE[si % PALETTE.length] }} />{s.label}</span>)}
      </div>
    </div>
  );
}
