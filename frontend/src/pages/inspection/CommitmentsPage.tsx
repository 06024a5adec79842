import { useMutation, useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { ApiError, api } from "../../api/client";
import { Badge, Card, Empty, ErrorState, PageHeader, QueryState } from "../../components/ui";
import { fmtDate, fmtDateTime } from "../../components/format";
import { HashText } from "../../components/HashText";
import type { DrawCommitment, DrawVerify } from "../../types/inspection";
import { drawFlagKey } from "../../components/inspection/drawFlags";

/** Recompute a draw from its revealed seed (the API sends discipline and administrators no target). */
function VerifyButton({ id }: { id: number }) {
  const { t, i18n } = useTranslation();
  const verify = useMutation({ mutationFn: () => api.get<DrawVerify>(`inspection/draws/${id}/verify/`) });
  const v = verify.data;
  const en = i18n.language.startsWith("en");
  return (
    <div className="small" style={{ marginTop: 4 }}>
      <button type="button" className="btn btn-secondary btn-sm" disabled={verify.isPending} onClick={() => verify.mutate()} data-testid={`verify-${id}`}>
        {t("verify.button")}
      </button>
      {v && (
        <div data-testid={`verify-result-${id}`} style={{ maxWidth: 240 }}>
          <div style={{ whiteSpace: "normal", fontWeight: 600, color: !v.revealed ? "var(--muted, #667)" : v.match ? "var(--green, #17803d)" : "var(--red)" }}>
            {!v.revealed ? t("verify.notRevealed") : v.match ? `✓ ${t("verify.match")}` : `✗ ${t("verify.mismatch")}`}
          </div>
          {v.revealed && !v.match && v.reasons.map((r, i) => <div key={i}>{en ? r.en : r.vi}</div>)}
          {v.risk_weights_sha256 && (
            <div data-testid={`verify-weights-${id}`} style={{ wordBreak: "break-all" }}>
              {t("verify.riskWeights", { version: v.risk_weights_version ?? 0, hash: v.risk_weights_sha256.slice(0, 16) })}
            </div>
          )}
        </div>
      )}
    </div>
  );
}

/** Every draw's public commitment, for disciplinary officers and administrators (and the team):
 * seed hash, time, n, window, the revealed seed once closed, re-draw / cancellation reasons.
 * Never a target, a slot or a team: the API does not send them. */
/** A published draw parameter's value in words: shares as percentages, yes/no, minutes, the mode's name. */
function paramValue(key: string, value: unknown, t: (k: string, o?: Record<string, unknown>) => string): string {
  if (typeof value === "boolean") return value ? t("common.yes") : t("common.no");
  if ((key === "proportional_share" || key === "floor_share") && typeof value === "number") return `${Math.round(value * 100)}%`;
  if ((key === "check_minutes" || key === "travel_minutes") && typeof value === "number") return t("draw.param.minutes", { n: value });
  if (key === "mode") return t(`mode.${String(value)}`, { defaultValue: String(value) });
  return String(value);
}

export default function CommitmentsPage() {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: ["draw-commitments"], queryFn: () => api.get<DrawCommitment[]>("inspection/draws/commitments/") });
  const list = q.data ?? [];
  // a reader the page is not for (a unit head) is told only that: no title and description of a page
  // that then says it may not be read (issue 15)
  if (q.error instanceof ApiError && q.error.status === 403) return <ErrorState error={q.error} />;
  return (
    <>
      <PageHeader title={t("commitments.title")} subtitle={t("commitments.subtitle")} />
      <Card className="flush">
        <QueryState q={q}>
          {list.length === 0 ? (
            <Empty title={t("commitments.empty")} />
          ) : (
            <div className="table-wrap">
              <table className="table commitments-table" data-testid="commitments-table">
                {/* fixed layout: the table fits the card at 1366 px; long values wrap inside their column */}
                <colgroup>
                  <col style={{ width: "4%" }} /><col style={{ width: "13%" }} /><col style={{ width: "7%" }} /><col style={{ width: "11%" }} />
                  <col style={{ width: "18%" }} /><col style={{ width: "22%" }} /><col style={{ width: "10%" }} /><col style={{ width: "15%" }} />
                </colgroup>
                <thead>
                  <tr>
                    <th>#</th>
                    <th>{t("draw.created")}</th>
                    <th>{t("commitments.n")}</th>
                    <th>{t("draw.window")}</th>
                    <th>{t("draw.commitment")}</th>
                    <th>{t("commitments.parameters")}</th>
                    <th>{t("commitments.checks")}</th>
                    <th>{t("commitments.reasons")}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((c) => (
                    <tr key={c.id}>
                      <td className="muted">{c.id}</td>
                      <td>
                        <span className="nowrap">{fmtDateTime(c.created_at)}</span>
                        <div className="muted small">{t("commitments.by")}: {c.created_by ?? "—"}</div>
                        <Badge tone={c.state === "open" ? "blue" : "green"}>{t(`draw.state.${c.state}`)}</Badge>
                      </td>
                      <td>{c.n ?? "—"}</td>
                      <td>{c.start ? fmtDate(c.start) : "—"} → {c.end ? fmtDate(c.end) : "—"}</td>
                      <td>
                        <HashText value={c.seed_sha256} testId={`seed-hash-${c.id}`} />
                        {c.seed && (
                          <div className="small">
                            {t("draw.seed")}: <HashText value={c.seed} />
                          </div>
                        )}
                        <VerifyButton id={c.id} />
                      </td>
                      <td className="small" data-testid="commitment-parameters">
                        {Object.entries(c.parameters ?? {}).map(([k, v]) => (
                          <div key={k}>
                            <span className="muted">{t(`draw.param.${k}`, { defaultValue: k })}</span>:{" "}
                            {k.endsWith("sha256") && typeof v === "string" ? <HashText value={v} short /> : paramValue(k, v, t)}
                          </div>
                        ))}
                      </td>
                      <td className="small">{t("commitments.checksCounts", { started: c.checks_started, cancelled: c.checks_cancelled })}</td>
                      <td className="small">
                        {c.reason && <div>{t("draw.redrawReason")}: “{c.reason}”</div>}
                        {c.close_reason && <div>{t("draw.closeReason")}: “{c.close_reason}”</div>}
                        {c.flags.map((f, i) => (
                          <div key={i} style={{ color: "var(--red)", fontWeight: 600 }}>
                            ⚑ {t(drawFlagKey(f), {
                              defaultValue: f.code, draws: (f.draws ?? []).join(", "),
                              count: f.cancelled ?? f.count ?? 0, manual: f.manual ?? 0, never: f.never_checked ?? 0, n: f.n, drawn: f.drawn,
                              total: f.total, by: f.by, date: fmtDate(c.counts_published_at),
                              params: (f.deviations ?? []).map((d) => `${d.param} ${d.value} (${d.policy})`).join(", "),
                            })}
                            {f.reason && f.code !== "overlapping_window" && <span className="muted"> — “{f.reason}”</span>}
                          </div>
                        ))}
                        {c.manual_checks_cancelled === null ? (
                          <div className="muted">{t("commitments.manualSealed", { started: c.manual_checks_started })}</div>
                        ) : (c.manual_checks_started > 0 || c.manual_checks_cancelled > 0) && (
                          <div>{t("commitments.manual", { started: c.manual_checks_started, cancelled: c.manual_checks_cancelled })}</div>
                        )}
                        {!c.reason && !c.close_reason && c.flags.length === 0 && <span className="muted">—</span>}
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
