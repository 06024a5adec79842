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

// formatToParts is the slow part of a list's render (a clip row writes its start twice): the text of an
// instant given as a string, kept (a list's few hundred distinct values; emptied past CACHE_MAX).
const CACHE_MAX = 2000;
const dateTimeText = new Map<string, string>();

/** 25/11/2026 14:05 */
export function fmtDateTime(value: string | Date | null | undefined): string {
  if (typeof value === "string") {
    const kept = dateTimeText.get(value);
    if (kept !== undefined) return kept;
  }
  const d = toDate(value);
  if (!d) return "—";
  const p = parts(dtf, d);
  const text = `${p.day}/${p.month}/${p.year} ${p.hour === "24" ? "00" : p.hour}:${p.minute}`;
  if (typeof value === "string") {
    if (dateTimeText.size >= CACHE_MAX) dateTimeText.clear();
    dateTimeText.set(value, text);
  }
  return text;
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

/** Seconds as m:ss or h:mm:ss (timeline). */
export function fmtClock(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) seconds = 0;
  const s = Math.floor(seconds % 60);
  const m = Math.floor(seconds / 60) % 60;
  const h = Math.floor(seconds / 3600);
  const mm = h ? String(m).padStart(2, "0") : String(m);
  return `${h ? h + ":" : ""}${mm}:${String(s).padStart(2, "0")}`;
}

/** Seconds into a clip to the tenth, with the Vietnamese decimal comma: "1:05,3". */
export function fmtSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "—";
  const s = Math.max(0, seconds);
  return `${fmtClock(s)},${Math.floor(Math.round((s % 1) * 100) / 10) % 10}`;
}

/** A length in seconds to the tenth: "12,5". */
export function fmtDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "—";
  return Math.max(0, seconds).toLocaleString("vi-VN", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

/** 25/11/2026 14:05:09 — an instant to the second (tags, evidence). */
export function fmtDateTimeSeconds(value: string | Date | null | undefined): string {
  const d = toDate(value);
  if (!d) return "—";
  return `${fmtDate(d)} ${fmtTime(d)}`;
}

/** The wall-clock instant of an offset into a clip that started at `startedAt`. */
export function clipInstant(startedAt: string | null | undefined, offsetS: number): Date | null {
  const d = toDate(startedAt);
  return d ? new Date(d.getTime() + Math.round(offsetS * 1000)) : null;
}

/** Today's calendar day in Hanoi (YYYY-MM-DD), `days` later: date fields default to it, never to UTC's day. */
export function localToday(days = 0, now: Date = new Date()): string {
  const [y, m, d] = localDay(now).split("-").map(Number);
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return `${t.getUTCFullYear()}-${String(t.getUTCMonth() + 1).padStart(2, "0")}-${String(t.getUTCDate()).padStart(2, "0")}`;
}

export function fmtNumber(value: number | string | null | undefined, digits = 1): string {
  if (value === null || value === undefined || value === "") return "—";
  const n = typeof value === "string" ? Number(value) : value;
  if (!Number.isFinite(n)) return String(value);
  return numberFormat(digits).format(n);
}

// Number#toLocaleString with options builds a formatter on every call (a list of 50 rows spent
// milliseconds there); the same formatter, kept.
const numberFormats = new Map<number, Intl.NumberFormat>();
function numberFormat(digits: number): Intl.NumberFormat {
  let fmt = numberFormats.get(digits);
  if (!fmt) {
    fmt = new Intl.NumberFormat("vi-VN", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
    numberFormats.set(digits, fmt);
  }
  return fmt;
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
