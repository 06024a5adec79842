import { useQuery } from "@tanstack/react-query";
import { Link, useNavigate, useSearchParams } from "react-router";
import { useTranslation } from "react-i18next";
import { api, rows, type Page } from "../../api/client";
import { Badge, Card, Empty, Field, PageHeader, Pager, QueryState } from "../../components/ui";
import { useBilingual } from "../../components/labels";
import { fmtDate } from "../../components/format";
import type { DisciplinaryCase } from "../../types/accountability";

export const CASE_STATES = ["open", "self_review", "considering", "decided", "appealed", "closed", "dropped"];
export const LIM_TONE = { ok: "green", warning: "amber", expired: "red", none: "grey" } as const;

export default function CasesPage() {
  const { t } = useTranslation();
  const bi = useBilingual();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const query = Object.fromEntries(params.entries());
  const page = Number(params.get("page") ?? 1);
  const q = useQuery({ queryKey: ["cases", query], queryFn: () => api.get<Page<DisciplinaryCase>>("accountability/cases/", query) });
  const list = rows(q.data);
  const set = (k: string, v: string) => {
    const n = new URLSearchParams(params);
    if (v) n.set(k, v);
    else n.delete(k);
    n.delete("page");
    setParams(n);
  };
  return (
    <>
      <PageHeader title={t("cases.title")} subtitle={t("cases.subtitle")}
        actions={<Link className="btn btn-secondary" to="/accountability/rules">{t("rules.link")}</Link>} />
      <div className="filters">
        <Field label={t("common.state")}>
          <select value={params.get("state") ?? ""} onChange={(e) => set("state", e.target.value)}>
            <option value="">{t("common.all")}</option>
            {CASE_STATES.map((s) => <option key={s} value={s}>{t(`cases.state.${s}`)}</option>)}
          </select>
        </Field>
        <Field label={t("cases.limitation")}>
          <select value={params.get("limitation") ?? ""} onChange={(e) => set("limitation", e.target.value)}>
            <option value="">{t("common.all")}</option>
            {(["ok", "warning", "expired"] as const).map((s) => <option key={s} value={s}>{t(`cases.lim.${s}`)}</option>)}
          </select>
        </Field>
      </div>
      <Card className="flush">
        <QueryState q={q}>
          {list.length === 0 ? (
            <Empty title={t("cases.empty")} hint={t("cases.emptyHint")} />
          ) : (
            <>
              <table className="table">
                <thead>
                  <tr>
                    <th>{t("findings.ref")}</th>
                    <th>{t("cases.subject")}</th>
                    <th>{t("cases.findings")}</th>
                    <th>{t("cases.computed")}</th>
                    <th>{t("cases.finalForm")}</th>
                    <th>{t("cases.limitation")}</th>
                    <th>{t("common.state")}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((c) => {
                    const lim = c.computed?.limitation;
                    const ruleForm = c.computed?.computed_form;
                    const form = c.decided_form ?? c.proposed_form;
                    return (
                      <tr key={c.id} className="clickable" onClick={() => navigate(`/accountability/cases/${c.id}`)}>
                        <td><Link className="row-link" to={`/accountability/cases/${c.id}`} onClick={(e) => e.stopPropagation()}><strong>{c.reference}</strong></Link><div className="small muted">{c.title}</div></td>
                        <td>{c.officer ? `${c.officer.rank} ${c.officer.full_name}` : c.unit?.name}<div className="small muted">{t(`cases.kind.${c.subject_kind}`)}</div></td>
                        <td className="small">{c.findings.map((f) => f.reference).join(", ")}</td>
                        <td>{ruleForm ? bi(ruleForm.name_vi, ruleForm.name_en) : "—"}</td>
                        <td>{form ? bi(form.name_vi, form.name_en) : "—"}{form && <div className="small muted">{t(c.decided_form ? "cases.decided" : "cases.proposed")}</div>}</td>
                        <td>{lim ? <Badge tone={LIM_TONE[lim.status]}>{lim.status === "expired" ? t("cases.barredFrom", { date: fmtDate(lim.barred_from ?? lim.deadline) }) : `${t(`cases.lim.${lim.status}`)} · ${fmtDate(lim.deadline)}`}</Badge> : "—"}</td>
                        <td><Badge tone="blue">{t(`cases.state.${c.state}`)}</Badge></td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
              <Pager page={page} count={q.data?.count ?? list.length} exact={q.data?.count_exact !== false} pageSize={50} onPage={(p) => { const n = new URLSearchParams(params); n.set("page", String(p)); setParams(n); }} />
            </>
          )}
        </QueryState>
      </Card>
    </>
  );
}
