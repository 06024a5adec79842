import { useMemo, useState } from "react";
import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { ApiError, rows } from "../../api/client";
import { Card, ErrorState, PageHeader, QueryState, Spinner } from "../../components/ui";
import { useMe } from "../../hooks/use-me";
import { can } from "../../hooks/permissions";
import { CheckStateBadge, personName } from "../../components/labels";
import { fmtTime, localDay } from "../../components/format";
import { useChecks } from "../../hooks/use-checks";
import type { CheckBrief } from "../../types/inspection";

/** "Công an xã Kim Liên" -> "Kim Liên" for the narrow calendar cells (full name in the tooltip). */
export function shortUnit(name: string): string {
  return name.replace(/^Công an (xã|phường|thị trấn|đặc khu|huyện|tỉnh)\s+/i, "");
}

/** Checks by local calendar day (Hanoi), each day's entries in time order (then by reference). */
export function checksByDay(checks: CheckBrief[]): Map<string, CheckBrief[]> {
  const map = new Map<string, CheckBrief[]>();
  for (const c of checks) {
    const d = localDay(c.window_start);
    if (!map.has(d)) map.set(d, []);
    map.get(d)!.push(c);
  }
  for (const list of map.values()) {
    list.sort((a, b) => new Date(a.window_start).getTime() - new Date(b.window_start).getTime() || a.reference.localeCompare(b.reference));
  }
  return map;
}

/** The check's people for its calendar entry: the lead first, then the members (names, else usernames). */
export function teamLabel(check: CheckBrief, leadWord = ""): string {
  const people = [check.lead, ...(check.team ?? []).filter((u) => u && u.id !== check.lead?.id)];
  return people.filter(Boolean).map((u, i) => `${personName(u)}${i === 0 && check.lead && leadWord ? ` (${leadWord})` : ""}`).join(", ");
}

function monthGrid(year: number, month: number): string[] {
  // Monday-first weeks covering the month; ISO day strings.
  const first = new Date(Date.UTC(year, month - 1, 1));
  const offset = (first.getUTCDay() + 6) % 7;
  const start = new Date(first.getTime() - offset * 86400_000);
  const days: string[] = [];
  for (let i = 0; i < 42; i++) days.push(new Date(start.getTime() + i * 86400_000).toISOString().slice(0, 10));
  return days;
}

/** The team's calendar; other roles (an administrator typing the address) are told it is not theirs,
 *  without reading the team's checks for it. */
export default function CalendarPage() {
  const meQ = useMe();
  const me = meQ.data;
  const { t } = useTranslation();
  if (meQ.isPending) return <Spinner />;
  if (me && !can(me.role, "calendar")) {
    return (
      <>
        <PageHeader title={t("cal.title")} />
        <ErrorState error={new ApiError(403, { code: "forbidden", message: t("cal.notYours", { lng: "vi" }), message_en: t("cal.notYours", { lng: "en" }), fields: {} })} />
      </>
    );
  }
  return <TeamCalendar />;
}

function TeamCalendar() {
  const { t } = useTranslation();
  const today = localDay(new Date());
  const [ym, setYm] = useState(() => ({ y: Number(today.slice(0, 4)), m: Number(today.slice(5, 7)) }));
  const days = useMemo(() => monthGrid(ym.y, ym.m), [ym]);
  const q = useChecks({ from: days[0], to: days[41], page_size: 200 });
  const byDay = useMemo(() => checksByDay(rows(q.data)), [q.data]);
  const move = (delta: number) =>
    setYm(({ y, m }) => {
      const idx = y * 12 + (m - 1) + delta;
      return { y: Math.floor(idx / 12), m: (idx % 12) + 1 };
    });
  const monthPrefix = `${ym.y}-${String(ym.m).padStart(2, "0")}`;
  return (
    <>
      <PageHeader
        title={t("cal.title")}
        subtitle={t("cal.subtitle")}
        actions={
          <div className="cal-nav" data-testid="cal-nav">
            <button type="button" className="btn btn-secondary btn-sm" onClick={() => move(-1)} aria-label={t("cal.prev")} data-testid="cal-prev">‹</button>
            <strong className="cal-month" aria-live="polite" data-testid="cal-month">{t("cal.month", { month: ym.m, year: ym.y })}</strong>
            <button type="button" className="btn btn-secondary btn-sm" onClick={() => move(1)} aria-label={t("cal.next")} data-testid="cal-next">›</button>
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => setYm({ y: Number(today.slice(0, 4)), m: Number(today.slice(5, 7)) })}>
              {t("cal.today")}
            </button>
          </div>
        }
      />
      <Card className="flush">
        <QueryState q={q}>
          <div className="calendar">
            {t("cal.weekdays").split(",").map((w) => (
              <div className="cal-head" key={w}>{w}</div>
            ))}
            {days.map((d) => (
              <div key={d} className={`cal-cell ${d.startsWith(monthPrefix) ? "" : "cal-out"} ${d === today ? "cal-today" : ""}`}
                aria-current={d === today ? "date" : undefined} data-day={d}>
                <div className="cal-day">{Number(d.slice(8))}</div>
                {(byDay.get(d) ?? []).map((c) => (
                  <Link key={c.id} to={`/inspection/checks/${c.id}`} className={`cal-item cal-${c.state}`}
                    title={`${c.reference} — ${c.unit.name}${teamLabel(c) ? ` — ${t("cal.team")}: ${teamLabel(c, t("cal.lead"))}` : ""}`}>
                    <span className="cal-time">{fmtTime(c.window_start).slice(0, 5)}</span> {shortUnit(c.unit.name)}
                    {teamLabel(c) && <span className="cal-team" data-testid="cal-team">{t("cal.team")}: {teamLabel(c, t("cal.lead"))}</span>}
                  </Link>
                ))}
              </div>
            ))}
          </div>
          {rows(q.data).length === 0 && <p className="muted" style={{ padding: "0 16px 14px" }}>{t("cal.empty")}</p>}
          <div className="row" style={{ padding: "10px 16px", borderTop: "1px solid var(--line-2)" }}>
            {(["planned", "in_progress", "completed", "signed", "cancelled"] as const).map((s) => (
              <CheckStateBadge key={s} value={s} />
            ))}
          </div>
        </QueryState>
      </Card>
    </>
  );
}
