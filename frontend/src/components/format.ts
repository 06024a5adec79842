// Dates and numbers as Vietnamese users read them: dd/MM/yyyy HH:mm in Asia/Ho_Chi_Minh.
export const TZ = "Asia/Ho_Chi_Minh";

const dtf = new Intl.DateTimeFormat("vi-VN", {
  timeZone: TZ, day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit", hour12: false,
});
const df = new Intl.DateTimeFormat("vi-VN", { timeZone: TZ, day: "2-digit", month: "2-digit", year: "numeric" });
const tf = new Intl.DateTimeFormat("vi-VN", {
  timeZone: TZ, hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false,
});

function parts(fmt: Intl.DateTimeFormat, d: Date): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of fmt.formatToParts(d)) out[p.type] = p.value;
  return out;
}

function toDate(value: string | Date | null | undefined): Date | null {
  if (!value) return null;
  if (value instanceof Date) return value;
  // A bare date (YYYY-MM-DD) is a calendar day, not an instant.
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const [y, m, d] = value.split("-").map(Number);
    return new Date(Date.UTC(y, m - 1, d, 5)); // 12:00 in Hanoi: never crosses a day boundary
  }
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** 25/11/2026 14:05 */
export function fmtDateTime(value: string | Date | null | undefined): string {
  const d = toDate(value);
  if (!d) return "—";
  const p = parts(dtf, d);
  return `${p.day}/${p.month}/${p.year} ${p.hour === "24" ? "00" : p.hour}:${p.minute}`;
}

/** 25/11/2026 */
export function fmtDate(value: string | Date | null | undefined): string {
  const d = toDate(value);
  if (!d) return "—";
  const p = parts(df, d);
  return `${p.day}/${p.month}/${p.year}`;
}

/** 14:05:09 */
export function fmtTime(value: string | Date | null | undefined): string {
  const d = toDate(value);
  if (!d) return "—";
  const p = parts(tf, d);
  return `${p.hour === "24" ? "00" : p.hour}:${p.minute}:${p.second}`;
}

/** Local calendar day (YYYY-MM-DD) in Hanoi for an instant. */
export function localDay(value: string | Date): string {
  const d = toDate(value)!;
  const p = parts(df, d);
  return `${p.year}-${p.month}-${p.day}`;
}

/** The local (Asia/Ho_Chi_Minh) calendar day, `days` after `now`: a date field's default. Not the UTC
 * day: before 07:00 in Hanoi the UTC date is still yesterday. */
export function localDayPlus(days: number, now: Date = new Date()): string {
  const [y, m, d] = localDay(now).split("-").map(Number);
  const day = new Date(Date.UTC(y, m - 1, d + days));
  return day.toISOString().slice(0, 10);
}

/** Seconds as m:ss or h:mm:ss (timeline). */
export function fmtClock(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) seconds = 0;
  const s = Math.floor(seconds % 60);
  const m = Math.floor(seconds / 60) % 60;
  const h = Math.floor(seconds / 3600);
  const mm = h ? String(m).padStart(2, "0") : String(m);
  return `${h ? h + ":" : ""}${mm}:${String(s).padStart(2, "0")}`;
}

export function fmtSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "—";
  return `${fmtClock(seconds)}.${Math.floor((seconds % 1) * 10)}`;
}

export function fmtNumber(value: number | string | null | undefined, digits = 1): string {
  if (value === null || value === undefined || value === "") return "—";
  const n = typeof value === "string" ? Number(value) : value;
  if (!Number.isFinite(n)) return String(value);
  return n.toLocaleString("vi-VN", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

export function fmtBytes(n: number | null | undefined): string {
  if (!n && n !== 0) return "—";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v.toLocaleString("vi-VN", { maximumFractionDigits: 1 })} ${units[i]}`;
}

/** datetime-local input value (Hanoi wall clock) <-> ISO instant with +07:00. */
export function toLocalInput(value: string | Date | null | undefined): string {
  const d = toDate(value ?? new Date());
  if (!d) return "";
  const p = parts(dtf, d);
  return `${p.year}-${p.month}-${p.day}T${p.hour === "24" ? "00" : p.hour}:${p.minute}`;
}

export function fromLocalInput(value: string): string {
  return value ? `${value}:00+07:00` : "";
}
