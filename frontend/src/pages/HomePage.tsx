import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { api } from "../api/client";
import { isoToDmy } from "../components/DateInput";
import { Badge, Card, PageHeader, QueryState } from "../components/ui";
import type { Home, HomeRow } from "../types/home";
import { useKeepTeamChecks } from "../hooks/use-field-queue";

/** Detail words the server sends as keys (deadline kinds, account problems); the rest is data. */
const DETAIL_KEYS = new Set(["handling", "complaint_first", "complaint_second", "two_factor_missing", "unit_gone",
  "grant_create", "grant_role", "grant_activate", "grant_password", "grant_two_factor", "grant_officer", "clip_remap"]);

function RowDetail({ row, cardKey }: { row: HomeRow; cardKey: string }) {
  const { t } = useTranslation();
  if (DETAIL_KEYS.has(row.detail)) return <>{t(`home.detail.${row.detail}`)}</>;
  if (cardKey === "open_draws") return <>{t("home.draws.checks", { n: row.detail })}</>;
  const rating = /^(\d\d:\d\d) · rating_(\d)$/.exec(row.detail);
  if (rating) return <>{rating[1]} · {t("home.detail.rating", { score: rating[2] })}</>;
  return <>{row.detail}</>;
}

export default function HomePage() {
  const { t } = useTranslation();
  useKeepTeamChecks(); // the team's started checks, on the device for the commune without a signal
  // always fresh when opened: the inbox must not show work that was just done elsewhere in the app
  const q = useQuery({ queryKey: ["home"], queryFn: () => api.get<Home>("home/"), refetchInterval: 60_000, staleTime: 0, refetchOnMount: "always" });
  const cards = q.data?.cards ?? [];
  return (
    <>
      <PageHeader title={t("home.title")} subtitle={t("home.subtitle")} />
      <QueryState q={q}>
        <nav className="stats" aria-label={t("home.title")}>
          {cards.map((c) => (
            <Link key={c.key} to={c.link} className={`stat stat-link stat-${c.count ? c.tone : "neutral"}`} data-testid={`home-count-${c.key}`}>
              <span className="stat-label">{t(`home.card.${c.key}`)}</span>
              <span className="stat-value">{c.count}</span>
            </Link>
          ))}
        </nav>
        <div className="grid-2">
          {/* a card with nothing in it is left out, but the unit head's findings card stays to lead to what he answered */}
          {cards.filter((c) => c.rows.length > 0 || (c.key === "unit_findings" && c.count === 0)).map((c) => (
            <Card key={c.key} title={<>{t(`home.card.${c.key}`)} <Badge tone={c.count ? c.tone : "grey"}>{c.count}</Badge></>} actions={<span className="row small">
              {/* the inbox holds only what still needs the unit head; what he answered is in the list's filter */}
              {c.key === "unit_findings" && <Link to="/inspection/findings?explained=true" data-testid="home-explained-history">{t("home.explainedHistory")} ›</Link>}
              <Link to={c.link}>{t("home.openAll")} ›</Link>
            </span>}>
              {c.rows.length === 0 && <p className="muted small" data-testid={`home-empty-${c.key}`}>{t("home.unitFindingsNone")}</p>}
              <ul className="inbox" data-testid={`home-card-${c.key}`}>
                {c.rows.map((r, i) => (
                  <li key={i} className={r.tone ? `inbox-${r.tone}` : ""}>
                    <Link to={r.link}>{r.title}</Link>
                    <span className="small muted">
                      {r.date && <span className="nowrap">{isoToDmy(r.date)}</span>}
                      {r.date && r.detail && " · "}
                      <RowDetail row={r} cardKey={c.key} />
                    </span>
                  </li>
                ))}
              </ul>
            </Card>
          ))}
        </div>
        {cards.length > 0 && cards.every((c) => c.count === 0) && <p className="muted">{t("home.nothing")}</p>}
      </QueryState>
    </>
  );
}
