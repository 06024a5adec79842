import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client";
import { Badge, Card, ErrorState, InlineError, PageHeader, Spinner } from "../../components/ui";
import { DateInput, useDateValidity } from "../../components/DateInput";
import { fmtDate } from "../../components/format";
import { useMe } from "../../hooks/use-me";
import { useBilingual } from "../../components/labels";
import type { ForceRegulation, RuleSetFull } from "../../types/accountability";
import { ActionButton } from "../../components/ActionButton";

const PERIODS = ["handling_days", "handling_days_complex", "complaint_days", "second_complaint_days", "complaint_accept_days",
  "complaint_answer_days", "complaint_answer_days_complex", "second_answer_days", "second_answer_days_complex", "repeat_window_days"] as const;

/** The force's own regulations: their number is a setting the admin fills in; until then every basis
 *  citing one reads "chưa có số văn bản — cần xác nhận". */
function Regulations({ regulations }: { regulations: ForceRegulation[] }) {
  const { t } = useTranslation();
  const bi = useBilingual();
  const qc = useQueryClient();
  const isAdmin = useMe().data?.role === "admin";
  const [edit, setEdit] = useState<Record<string, { number: string; issued_on: string }>>({});
  const dates = useDateValidity();
  const save = useMutation({
    mutationFn: (code: string) => api.patch(`accountability/regulations/${code}/`, { number: edit[code]?.number ?? "", issued_on: edit[code]?.issued_on || null }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["ruleset"] }),
  });
  return (
    <Card title={t("rules.regulations")}>
      <table className="table" data-testid="ruleset-regulations">
        <thead><tr><th>{t("rules.text")}</th><th>{t("rules.regulationNumber")}</th><th>{t("rules.regulationIssued")}</th><th>{t("rules.regulationCited")}</th></tr></thead>
        <tbody>
          {regulations.map((r) => (
            <tr key={r.code}>
              <td>{bi(r.title_vi, r.title_en)}</td>
              <td>
                {isAdmin ? (
                  <input aria-label={t("rules.regulationNumber")} placeholder="1234/QĐ-CAT" value={edit[r.code]?.number ?? r.number}
                    onChange={(e) => setEdit({ ...edit, [r.code]: { number: e.target.value, issued_on: edit[r.code]?.issued_on ?? r.issued_on ?? "" } })} />
                ) : (r.number || <Badge tone="amber">{t("rules.noNumber")}</Badge>)}
              </td>
              <td>
                {isAdmin ? (
                  <DateInput value={edit[r.code]?.issued_on ?? r.issued_on ?? ""} onChange={(v) => setEdit({ ...edit, [r.code]: { number: edit[r.code]?.number ?? r.number, issued_on: v } })} onValidity={dates.bind(r.code)} />
                ) : fmtDate(r.issued_on)}
              </td>
              <td className="small">
                {r.cited_as_vi}
                {isAdmin && edit[r.code] && <div><ActionButton type="button" className="btn btn-primary btn-sm" why={(save.isPending && t("why.busy")) || (dates.isBad(r.code) && t("why.badDate"))} onClick={() => save.mutate(r.code)}>{t("rules.saveNumber")}</ActionButton></div>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {save.isError && <InlineError error={save.error} />}
    </Card>
  );
}

/** The rule set in force: the ladders, every rule with its legal basis, the category policies and
 *  every period with its source, in Vietnamese first (issue 12: "shown in the UI with its source"). */
export default function RuleSetPage() {
  const { t } = useTranslation();
  const bi = useBilingual();
  const q = useQuery({ queryKey: ["ruleset", "current", "full"], queryFn: () => api.get<RuleSetFull>("accountability/rulesets/current/") });
  if (q.isPending) return <Spinner />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => q.refetch()} />;
  const rs = q.data;
  return (
    <>
      <div className="breadcrumb"><Link to="/accountability/cases">{t("cases.title")}</Link> / {t("rules.title")}</div>
          <>
            <PageHeader title={t("rules.title")} subtitle={t("rules.subtitle", { v: rs.version })} />
            <Card title={t("rules.periods")}>
              <table className="table" data-testid="ruleset-periods">
                <thead><tr><th>{t("rules.setting")}</th><th>{t("rules.value")}</th><th>{t("trace.legalBasis")}</th></tr></thead>
                <tbody>
                  {PERIODS.map((k) => (
                    <tr key={k}><td>{t(`rules.period.${k}`)}</td><td>{t("rules.days", { n: rs[k] })}</td><td className="small">{rs.sources[k] ?? "—"}</td></tr>
                  ))}
                  <tr><td>{t("rules.period.limitation")}</td><td>{t("rules.limitationValue")}</td><td className="small">{rs.sources.limitation ?? "—"}</td></tr>
                  <tr><td>{t("rules.period.restart")}</td><td>{rs.restart_on_new_violation ? t("rules.yes") : t("rules.no")}</td><td className="small">{rs.sources.restart_on_new_violation ?? "—"}</td></tr>
                </tbody>
              </table>
            </Card>
            <Regulations regulations={rs.regulations ?? []} />
            {(["officer", "unit"] as const).map((kind) => (
              <Card key={kind} title={t(`rules.ladder.${kind}`)}>
                <table className="table" data-testid={`ladder-${kind}`}>
                  <thead><tr><th>{t("rules.level")}</th><th>{t("trace.form")}</th><th>{t("cases.limitation")}</th><th>{t("cases.council")}</th><th>{t("trace.legalBasis")}</th></tr></thead>
                  <tbody>
                    {rs.forms.filter((f) => f.subject_kind === kind).map((f) => (
                      <tr key={f.code}>
                        <td>{f.level}</td><td><strong>{bi(f.name_vi, f.name_en)}</strong></td>
                        <td>{t("rules.years", { n: f.limitation_years })}</td>
                        <td>{f.requires_council ? t("rules.yes") : t("rules.no")}</td>
                        <td className="small">{f.basis || "—"}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </Card>
            ))}
            <Card title={t("rules.rules")}>
              <table className="table" data-testid="ruleset-rules">
                <thead><tr><th>{t("rules.code")}</th><th>{t("rules.text")}</th><th>{t("rules.categories")}</th><th>{t("trace.legalBasis")}</th></tr></thead>
                <tbody>
                  {rs.rules.map((r) => (
                    <tr key={r.code}>
                      <td style={{ whiteSpace: "nowrap" }}><span className="code">{r.code}</span></td>
                      <td>{bi(r.text_vi, r.text_en)} {r.cap_at_violator && <Badge tone="blue">{t("rules.capped")}</Badge>}</td>
                      <td>{t(`rules.scope.${r.categories}`)}</td>
                      <td className="small">{r.basis}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Card>
            <Card title={t("rules.categoryPolicies")}>
              <table className="table" data-testid="ruleset-categories">
                <thead><tr><th>{t("rules.category")}</th><th>{t("rules.corruption")}</th><th>{t("rules.noLimitation")}</th><th>{t("trace.legalBasis")}</th></tr></thead>
                <tbody>
                  {rs.categories.map((c) => (
                    <tr key={c.category_code}>
                      <td><span className="code">{c.category_code}</span><div className="small muted">{c.note}</div></td>
                      <td>{c.is_corruption ? t("rules.yes") : t("rules.no")}</td>
                      <td>{c.no_limitation ? t("rules.yes") : t("rules.no")}</td>
                      <td className="small">{c.basis}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Card>
          </>
    </>
  );
}
