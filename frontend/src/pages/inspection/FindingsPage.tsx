import { useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useNavigate, useSearchParams } from "react-router";
import { useTranslation } from "react-i18next";
import { api, rows, type Page } from "../../api/client";
import { Card, Empty, Field, PageHeader, Pager, QueryState } from "../../components/ui";
import { FindingStateBadge, SeverityBadge, useLocalName } from "../../components/labels";
import { fmtDateTime } from "../../components/format";
import { NewFindingDialog } from "../../components/inspection/NewFindingDialog";
import { useMe } from "../../hooks/use-me";
import { useUnits } from "../../hooks/use-ref-data";
import type { FindingBrief } from "../../types/inspection";

export function useFindings(query: Record<string, string | number | undefined>) {
  return useQuery({ queryKey: ["findings", query], queryFn: () => api.get<Page<FindingBrief> | FindingBrief[]>("inspection/findings/", query) });
}

export function FindingsTable({ list, onOpen }: { list: FindingBrief[]; onOpen: (f: FindingBrief) => void }) {
  const { t } = useTranslation();
  const name = useLocalName();
  return (
    <div className="table-wrap">
      <table className="table table-cards" data-testid="findings-table">
        <thead>
          <tr>
            <th>{t("findings.ref")}</th>
            <th>{t("findings.titleCol")}</th>
            <th>{t("common.unit")}</th>
            <th>{t("findings.occurred")}</th>
            <th>{t("findings.severity")}</th>
            <th>{t("findings.source")}</th>
            <th>{t("common.state")}</th>
          </tr>
        </thead>
        <tbody>
          {list.map((f) => (
            <tr key={f.id} className="clickable" onClick={() => onOpen(f)}>
              <td className="nowrap" data-label={t("findings.ref")}><button type="button" className="row-link" onClick={(e) => { e.stopPropagation(); onOpen(f); }}><strong>{f.reference}</strong></button></td>
              <td data-label={t("findings.titleCol")}>
                <div>
                  {f.title}
                  {f.category && <div className="muted small">{name(f.category)}</div>}
                </div>
              </td>
              <td data-label={t("common.unit")}>{f.unit.name}</td>
              <td className="nowrap" data-label={t("findings.occurred")}>{fmtDateTime(f.occurred_from)}</td>
              <td data-label={t("findings.severity")}><SeverityBadge value={f.severity} /></td>
              <td data-label={t("findings.source")}>{t(`source.${f.source}`, { defaultValue: f.source })}</td>
              <td data-label={t("common.state")}><FindingStateBadge value={f.state} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function FindingFilters({ params, setParams }: { params: URLSearchParams; setParams: (p: URLSearchParams) => void }) {
  const { t } = useTranslation();
  const units = useUnits().data ?? [];
  const me = useMe().data;
  const canSeeDrafts = Boolean(me?.is_inspection_team || me?.role === "reviewer");
  const set = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    next.delete("page");
    setParams(next);
  };
  return (
    <div className="filters">
      <Field label={t("action.search")}>
        <input type="search" defaultValue={params.get("search") ?? ""} placeholder={t("common.search")} onKeyDown={(e) => e.key === "Enter" && set("search", (e.target as HTMLInputElement).value)} onBlur={(e) => set("search", e.target.value)} />
      </Field>
      <Field label={t("common.state")}>
        <select value={params.get("state") ?? ""} onChange={(e) => set("state", e.target.value)}>
          <option value="">{t("common.all")}</option>
          {["draft", "confirmed", "dismissed", "actioned"].filter((s) => s !== "draft" || canSeeDrafts).map((s) => <option key={s} value={s}>{t(`findingState.${s}`)}</option>)}
        </select>
      </Field>
      <Field label={t("findings.severity")}>
        <select value={params.get("severity") ?? ""} onChange={(e) => set("severity", e.target.value)}>
          <option value="">{t("common.all")}</option>
          {["less_serious", "serious", "very_serious", "especially_serious"].map((s) => <option key={s} value={s}>{t(`severity.${s}`)}</option>)}
        </select>
      </Field>
      <Field label={t("findings.source")}>
        <select value={params.get("source") ?? ""} onChange={(e) => set("source", e.target.value)}>
          <option value="">{t("common.all")}</option>
          {["check", "footage", "complaint", "rating"].map((s) => <option key={s} value={s}>{t(`source.${s}`)}</option>)}
        </select>
      </Field>
      {(me?.role === "unit_head" || params.has("explained")) && (
        <Field label={t("findings.explainFilter")}>
          <select value={params.get("explained") ?? ""} onChange={(e) => set("explained", e.target.value)} name="explained">
            <option value="">{t("common.all")}</option>
            <option value="false">{t("findings.explainFilter.no")}</option>
            <option value="true">{t("findings.explainFilter.yes")}</option>
          </select>
        </Field>
      )}
      <Field label={t("common.unit")}>
        <select value={params.get("unit") ?? ""} onChange={(e) => set("unit", e.target.value)}>
          <option value="">{t("common.all")}</option>
          {units.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
        </select>
      </Field>
    </div>
  );
}

export default function FindingsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const me = useMe().data;
  const [params, setParams] = useSearchParams();
  const [creating, setCreating] = useState(false);
  const page = Number(params.get("page") ?? 1);
  const query = Object.fromEntries(params.entries());
  const q = useFindings(query);
  const list = rows(q.data);
  const count = (q.data as Page<FindingBrief> | undefined)?.count ?? list.length;
  const canCreate = me?.is_inspection_team || me?.role === "reviewer";
  return (
    <>
      <PageHeader
        title={t("findings.title")}
        subtitle={t("findings.subtitle")}
        actions={canCreate && <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>+ {t("findings.new")}</button>}
      />
      <FindingFilters params={params} setParams={setParams} />
      <Card className="flush">
        <QueryState q={q}>
          {list.length === 0 ? (
            <Empty title={t("findings.empty")} hint={t("findings.emptyHint")} />
          ) : (
            <>
              <FindingsTable list={list} onOpen={(f) => navigate(`/inspection/findings/${f.id}`)} />
              <Pager page={page} count={count} exact={(q.data as Page<FindingBrief> | undefined)?.count_exact !== false} pageSize={50} onPage={(p) => { const n = new URLSearchParams(params); n.set("page", String(p)); setParams(n); }} />
            </>
          )}
        </QueryState>
      </Card>
      {creating && (
        <NewFindingDialog
          prefill={{ source: me?.role === "reviewer" ? "footage" : "check" }}
          onClose={() => setCreating(false)}
          onCreated={(f) => {
            setCreating(false);
            void qc.invalidateQueries({ queryKey: ["findings"] });
            navigate(`/inspection/findings/${f.id}`);
          }}
        />
      )}
    </>
  );
}
