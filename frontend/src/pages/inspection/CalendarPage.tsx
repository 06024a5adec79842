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
import { leadTitle } from "../../components/inspection/leadTitle";
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

/** "2026-11-30" -> "Thứ Hai, 30/11/2026" (the phone's day list heading). */
export function dayHeading(day: string, lang = "vi-VN"): string {
  const date = new Date(`${day}T00:00:00Z`);
  const text = date.toLocaleDateString(lang, { weekday: "long", day: "2-digit", month: "2-digit", year: "numeric", timeZone: "UTC" });
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** On a phone the month's cells are too narrow for the entries: each day shows dots (one a check, in its
 *  state's colour) that jump to the day in the list under the month, where every entry is written out
 *  (time, the unit's full name, state, team). Desktop keeps the entries in the cells (user review, ui15). */
function DayAgenda({ days, byDay }: { days: string[]; byDay: Map<string, CheckBrief[]> }) {
  const { t, i18n } = useTranslation();
  const withChecks = days.filter((d) => (byDay.get(d) ?? []).length > 0);
  return (
    <section className="cal-agenda" data-testid="cal-agenda" aria-label={t("cal.agenda")}>
      <h2 className="cal-agenda-title">{t("cal.agenda")}</h2>
      {withChecks.length === 0 ? <p className="muted">{t("cal.empty")}</p> : (
        <ol className="cal-agenda-days">
          {withChecks.map((d) => (
            <li key={d} id={`cal-agenda-${d}`} className="cal-agenda-day" data-day={d}>
              <h3>{dayHeading(d, i18n.language === "en" ? "en-GB" : "vi-VN")}</h3>
              <ul className="card-list">
                {(byDay.get(d) ?? []).map((c) => (
                  <li key={c.id}>
                    <Link to={`/inspection/checks/${c.id}`} className={`list-card cal-agenda-item cal-agenda-${c.state}`} data-testid="cal-agenda-item">
                      <span className="row"><strong className="cal-time">{fmtTime(c.window_start).slice(0, 5)}</strong> <span>{c.unit.name}</span></span>
                      <span className="row small"><CheckStateBadge value={c.state} awaitingUnit={c.awaiting_unit_signature} /> <span className="mono">{c.reference}</span></span>
                      {teamLabel(c) && <span className="small">{t("cal.team")}: {teamLabel(c, leadTitle(c, t, true))}</span>}
                    </Link>
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function DayDots({ day, checks }: { day: string; checks: CheckBrief[] }) {
  const { t } = useTranslation();
  if (checks.length === 0) return null;
  const jump = () => document.getElementById(`cal-agenda-${day}`)?.scrollIntoView({ behavior: "smooth", block: "start" });
  return (
    <button type="button" className="cal-dots" onClick={jump} data-testid="cal-dots"
      aria-label={t("cal.dayChecks", { day: Number(day.slice(8)), n: checks.length })}>
      {checks.slice(0, 3).map((c) => <i key={c.id} className={`cal-dot cal-dot-${c.state}`} />)}
      {checks.length > 3 && <span className="cal-more">+{checks.length - 3}</span>}
    </button>
  );
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
                <DayDots day={d} checks={byDay.get(d) ?? []} />
                {(byDay.get(d) ?? []).map((c) => (
                  <Link key={c.id} to={`/inspection/checks/${c.id}`} className={`cal-item cal-${c.state}`}
                    title={`${c.reference} — ${c.unit.name}${teamLabel(c) ? ` — ${t("cal.team")}: ${teamLabel(c, leadTitle(c, t, true))}` : ""}`}>
                    <span className="cal-time">{fmtTime(c.window_start).slice(0, 5)}</span> {shortUnit(c.unit.name)}
                    {teamLabel(c) && <span className="cal-team" data-testid="cal-team">{t("cal.team")}: {teamLabel(c, leadTitle(c, t, true))}</span>}
                  </Link>
                ))}
              </div>
            ))}
          </div>
          {rows(q.data).length === 0 && <p className="muted cal-empty" style={{ padding: "0 16px 14px" }}>{t("cal.empty")}</p>}
          {/* every day the grid shows, the spill-over week's too: a dot on 1/12 under November has its entry */}
          <DayAgenda days={days} byDay={byDay} />
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
