import { useMemo } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, rows, type Page } from "../../api/client";
import { Card, Empty, InlineError, PageHeader, QueryState, Stat } from "../../components/ui";
import { ScoreBar } from "../../components/labels";
import { fmtDateTime, fmtNumber } from "../../components/format";
import { useMe } from "../../hooks/use-me";
import type { RiskRow } from "../../types/inspection";
import { ActionButton } from "../../components/ActionButton";

/** The reasons behind a score: each feature's value times its weight, largest first. */
export function riskReasons(row: RiskRow): { feature: string; value: number; weight: number; points: number }[] {
  return Object.entries(row.contributions ?? {})
    .map(([feature, points]) => ({
      feature,
      value: Number(row.features?.[feature] ?? 0),
      weight: Number(row.weights?.[feature] ?? 0),
      points: Number(points),
    }))
    .filter((r) => r.points > 0)
    .sort((a, b) => b.points - a.points);
}

export default function RiskPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const me = useMe().data;
  const q = useQuery({ queryKey: ["risk"], queryFn: () => api.get<Page<RiskRow>>("inspection/risk/") });
  const recompute = useMutation({
    mutationFn: () => api.post<Page<RiskRow>>("inspection/risk/"),
    onSuccess: (data) => qc.setQueryData(["risk"], data),
  });
  const data = useMemo(() => [...rows(q.data)].sort((a, b) => Number(b.score) - Number(a.score)), [q.data]);
  const max = data.length ? Math.max(...data.map((r) => Number(r.score))) : 0;
  const avg = data.length ? data.reduce((s, r) => s + Number(r.score), 0) / data.length : 0;
  const canRecompute = me?.role === "inspection_lead";

  return (
    <>
      <PageHeader
        title={t("risk.title")}
        subtitle={t("risk.subtitle")}
        actions={
          canRecompute && (
            <ActionButton type="button" className="btn btn-primary" why={recompute.isPending && t("why.busy")} onClick={() => recompute.mutate()}>
              {t("risk.recompute")}
            </ActionButton>
          )
        }
      />
      {recompute.isError && <InlineError error={recompute.error} />}
      {/* the figures only from real data: not "0 / 0 / 0" above a refusal or while loading */}
      {q.isSuccess && <div className="stats" data-testid="risk-stats">
        <Stat label={t("risk.units")} value={data.length} tone="blue" />
        <Stat label={t("risk.highest")} value={fmtNumber(max, 1)} tone="red" />
        <Stat label={t("risk.average")} value={fmtNumber(avg, 1)} />
        <Stat label={t("risk.computedAt")} value={<span style={{ fontSize: 15 }}>{fmtDateTime(data[0]?.computed_at)}</span>} />
      </div>}
      <Card className="flush">
        <QueryState q={q}>
          {data.length === 0 ? (
            <Empty title={t("risk.empty")} hint={t("risk.emptyHint")} />
          ) : (
            <div className="table-wrap">
              <table className="table" data-testid="risk-table">
                <thead>
                  <tr>
                    <th>#</th>
                    <th>{t("common.unit")}</th>
                    <th style={{ width: 200 }}>{t("risk.score")}</th>
                    <th>{t("risk.reasons")}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.map((row, i) => (
                    <tr key={row.unit.id}>
                      <td className="muted">{i + 1}</td>
                      <td>
                        <strong>{row.unit.name}</strong>
                        <div className="muted small">{row.unit.code}</div>
                      </td>
                      <td>
                        <div className="row" style={{ gap: 8, flexWrap: "nowrap" }}>
                          <strong className="nowrap" style={{ minWidth: 44 }}>{fmtNumber(row.score, 1)}</strong>
                          <div className="grow">
                            <ScoreBar value={Number(row.score)} max={max || 1} tone="risk" />
                          </div>
                        </div>
                      </td>
                      <td>
                        <div className="reasons">
                          {riskReasons(row).map((r) => (
                            <span className="reason-chip" key={r.feature}>
                              {Math.abs(r.value * r.weight - r.points) > 0.01
                                ? t("risk.reasonFlat", { feature: t(`risk.feature.${r.feature}`, { defaultValue: r.feature }), points: fmtNumber(r.points, 2) })
                                : t("risk.reasonLine", {
                                feature: t(`risk.feature.${r.feature}`, { defaultValue: r.feature }),
                                value: fmtNumber(r.value, 2),
                                weight: fmtNumber(r.weight, 2),
                                points: fmtNumber(r.points, 2),
                              })}
                            </span>
                          ))}
                        </div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </QueryState>
      </Card>
    </>
  );
}
