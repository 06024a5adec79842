import { useState } from "react";
import { useQueries, useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client";
import { Badge, Card, Empty, Field, PageHeader, QueryState } from "../../components/ui";
import { useBilingual } from "../../components/labels";
import { fmtNumber } from "../../components/format";
import { HBarChart, LineChart } from "../../components/charts";
import type { Rankings, RankingRow } from "../../types/accountability";
import { rankingPageQueries, rankingsQuery } from "../../boot/route-data";

const TREND_ICON: Record<RankingRow["trend"], string> = { up: "▲", down: "▼", same: "■", new: "○", unranked: "–" };

function rowColor(r: RankingRow): string {
  if (r.emulation.unit?.code === "khong_xet_tang") return "#b42318";
  if (r.emulation.unit) return "#d97706";
  return "#1450b8";
}

export default function RankingPage() {
  const { t } = useTranslation();
  const bi = useBilingual();
  const [year, setYear] = useState(new Date().getFullYear());
  const [quarter, setQuarter] = useState("");
  const [level, setLevel] = useState("commune");
  // the ones of the opening year and level may have been sent already by main.tsx (boot/route-data.ts)
  const periodQ = rankingsQuery(year, quarter, level);
  const q = useQuery({ queryKey: periodQ.queryKey, queryFn: () => api.get<Rankings>(periodQ.path, periodQ.params) });
  const quarters = useQueries({
    queries: rankingPageQueries(year, level).quarters.map((qq) => ({
      queryKey: qq.queryKey,
      queryFn: () => api.get<Rankings>(qq.path, qq.params),
      staleTime: 60_000,
    })),
  });
  const data = q.data;
  const quarterSeries = (data?.rows ?? []).map((r) => ({
    label: r.unit.name,
    values: quarters.map((qq) => qq.data?.rows.find((x) => x.unit.id === r.unit.id)?.score ?? null),
  }));
  const rowsSorted = [...(data?.rows ?? [])].sort((a, b) => (a.rank ?? 999) - (b.rank ?? 999));
  return (
    <>
      <PageHeader title={t("rank.title")} subtitle={t("rank.subtitle")} />
      <div className="filters">
        <Field label={t("rank.year")}>
          <select value={year} onChange={(e) => setYear(Number(e.target.value))}>
            {Array.from({ length: 6 }, (_, i) => new Date().getFullYear() - i).map((y) => <option key={y} value={y}>{y}</option>)}
          </select>
        </Field>
        <Field label={t("rank.quarter")}>
          <select value={quarter} onChange={(e) => setQuarter(e.target.value)}>
            <option value="">{t("rank.wholeYear")}</option>
            {[1, 2, 3, 4].map((n) => <option key={n} value={n}>Q{n}</option>)}
          </select>
        </Field>
        <Field label={t("rank.level")}>
          <select value={level} onChange={(e) => setLevel(e.target.value)}>
            {["commune", "department", "district"].map((l) => <option key={l} value={l}>{t(`rank.level.${l}`)}</option>)}
          </select>
        </Field>
      </div>
      <QueryState q={q}>
        {data && (
          <>
            <div className="trace-meta">
              <Badge tone="blue">{data.period.label}</Badge>
              {data.period.provisional && <Badge tone="amber">{t("rank.provisional")}</Badge>}
              <Badge tone="grey">{t("rank.policy", { v: data.policy_version })}</Badge>
              <Badge tone="grey">{t("rank.ranked", { ranked: data.ranked, units: data.units })}</Badge>
            </div>
            {rowsSorted.length === 0 ? (
              <Card><Empty title={t("rank.empty")} /></Card>
            ) : (
              <>
                <div className="grid-2">
                  <Card title={t("rank.chart")}>
                    <HBarChart data={rowsSorted.map((r) => ({ label: r.unit.name, value: r.score, color: rowColor(r), hint: r.emulation.unit ? bi(r.emulation.unit.label_vi, r.emulation.unit.label_en) : undefined }))} label={t("rank.chart")} />
                    <div className="legend">
                      <span><i style={{ background: "#1450b8" }} />{t("rank.noConsequence")}</span>
                      <span><i style={{ background: "#d97706" }} />{t("rank.downgrade")}</span>
                      <span><i style={{ background: "#b42318" }} />{t("rank.noAward")}</span>
                    </div>
                  </Card>
                  <Card title={t("rank.quarterTrend", { year })}>
                    <LineChart periods={["Q1", "Q2", "Q3", "Q4"]} series={quarterSeries} label={t("rank.quarterTrend", { year })} />
                  </Card>
                </div>
                <Card className="flush">
                  <div className="table-wrap">
                    <table className="table" data-testid="ranking-table">
                      <thead>
                        <tr>
                          <th>{t("rank.rank")}</th>
                          <th>{t("common.unit")}</th>
                          <th className="num">{t("rank.score")}</th>
                          <th className="num">{t("rank.checks")}</th>
                          <th className="num">{t("rank.tasks")}</th>
                          <th className="num">{t("rank.deductions")}</th>
                          <th>{t("rank.trend")}</th>
                          <th>{t("rank.emulation")}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {rowsSorted.map((r) => (
                          <tr key={r.unit.id}>
                            <td><strong>{r.rank ?? "—"}</strong></td>
                            <td><strong>{r.unit.name}</strong>{(r.note_vi || r.note_en) && <div className="small muted">{bi(r.note_vi, r.note_en)}</div>}</td>
                            <td className="num"><strong>{fmtNumber(r.score, 1)}</strong></td>
                            <td className="num">{r.components.checks.percent === null ? "—" : `${fmtNumber(r.components.checks.percent, 1)}%`}<div className="small muted">{r.components.checks.signed_reports}</div></td>
                            <td className="num">{r.components.tasks.percent === null ? "—" : `${fmtNumber(r.components.tasks.percent, 1)}%`}<div className="small muted">{r.components.tasks.on_time}/{r.components.tasks.total}</div></td>
                            <td className="num" style={{ color: r.components.deductions.points ? "var(--red)" : undefined }}>{r.components.deductions.points ? `−${fmtNumber(r.components.deductions.points, 1)}` : "0"}<div className="small muted">{r.components.deductions.findings}</div></td>
                            <td className="nowrap">
                              <span className={`trend trend-${r.trend}`}>{TREND_ICON[r.trend]}</span>{" "}
                              <span data-testid={`trend-${r.unit.code}`}>{t(`rank.trend.${r.trend}`, { count: Math.abs(r.rank_change ?? 0) })}</span>
                              {r.trend !== "new" && r.trend !== "unranked" && (
                                <div className="small muted" data-testid={`trend-detail-${r.unit.code}`}>
                                  {r.comparable ? t("rank.amongBoth", { count: r.comparable }) : ""}
                                  {r.score_change !== null && <> · {t("rank.points", { change: `${r.score_change > 0 ? "+" : r.score_change < 0 ? "−" : "±"}${fmtNumber(Math.abs(r.score_change), 1)}` })}</>}
                                  {" · "}{t("rank.prev", { p: r.previous.period })}: {r.previous.rank === null ? "—" : r.previous.ranked ? t("rank.prevRankOf", { rank: r.previous.rank, of: r.previous.ranked }) : r.previous.rank}
                                </div>
                              )}
                            </td>
                            <td style={{ maxWidth: 320 }}>
                              {r.emulation.unit ? (
                                <>
                                  <Badge tone="red">{bi(r.emulation.unit.label_vi, r.emulation.unit.label_en)}</Badge>
                                  <div className="small muted">{bi(r.emulation.unit.reason_vi, r.emulation.unit.reason_en)}</div>
                                </>
                              ) : <span className="muted">—</span>}
                              {r.emulation.heads.map((h, i) => (
                                <div key={i} className="small"><strong>{h.officer.full_name}</strong>: {bi(h.label_vi, h.label_en)}</div>
                              ))}
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                </Card>
              </>
            )}
          </>
        )}
      </QueryState>
    </>
  );
}
