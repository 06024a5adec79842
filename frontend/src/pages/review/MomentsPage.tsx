import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { useNavigate, useSearchParams } from "react-router";
import { useTranslation } from "react-i18next";
import { DateInput } from "../../components/DateInput";
import { UnitFilter } from "../../components/UnitFilter";
import { Icon } from "../../components/Icon";
import { api, rows, type Page } from "../../api/client";
import { Badge, Card, Empty, Field, PageHeader, Pager, QueryState } from "../../components/ui";
import { useBilingual } from "../../components/labels";
import { fmtDateTime, fmtSeconds } from "../../components/format";
import type { Moment } from "../../types/media";
import { ExportDialog, PackageTracker } from "../../components/evidence/Packages";
import { useLocalName } from "../../components/labels";
import { useMe } from "../../hooks/use-me";

export default function MomentsPage() {
  const { t } = useTranslation();
  const bi = useBilingual();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const query = Object.fromEntries(params.entries());
  const page = Number(params.get("page") ?? 1);
  const q = useQuery({ queryKey: ["moments", query], queryFn: () => api.get<Page<Moment>>("media/moments/", query) });
  const list = rows(q.data);
  const name = useLocalName();
  const me = useMe().data;
  const canExport = ["reviewer", "admin", "inspection_lead", "inspector"].includes(me?.role ?? "");
  const [picked, setPicked] = useState<Set<number>>(new Set());
  const [exportOpen, setExportOpen] = useState(false);
  const [exported, setExported] = useState<number | null>(null);
  const toggle = (tagId: number) =>
    setPicked((old) => {
      const next = new Set(old);
      if (next.has(tagId)) next.delete(tagId);
      else next.add(tagId);
      return next;
    });
  const set = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    next.delete("page");
    setParams(next);
  };
  return (
    <>
      <PageHeader title={t("moments.title")} subtitle={t("moments.subtitle")} />
      <div className="filters">
        <Field label={t("common.unit")}>
          <UnitFilter value={params.get("unit") ?? ""} onChange={(v) => set("unit", v)} />
        </Field>
        <Field label={t("common.from")}>
          <DateInput value={params.get("from") ?? ""} onChange={(v) => set("from", v)} />
        </Field>
        <Field label={t("common.to")}>
          <DateInput value={params.get("to") ?? ""} onChange={(v) => set("to", v)} />
        </Field>
        <Field label={t("findings.source")}>
          <select value={params.get("kind") ?? ""} onChange={(e) => set("kind", e.target.value)}>
            <option value="">{t("common.all")}</option>
            <option value="complaint">{t("moments.kind.complaint")}</option>
            <option value="rating">{t("moments.kind.rating")}</option>
          </select>
        </Field>
        <Field label={t("moments.footage")}>
          <select value={params.get("footage") ?? ""} onChange={(e) => set("footage", e.target.value)}>
            <option value="">{t("common.all")}</option>
            <option value="true">{t("moments.withFootage")}</option>
            <option value="false">{t("moments.noFootage")}</option>
          </select>
        </Field>
      </div>
      {canExport && (picked.size > 0 || exported !== null) && (
        <Card>
          {picked.size > 0 && (
            <div className="row" style={{ gap: 8 }}>
              <strong>{t("moments.selected", { count: picked.size })}</strong>
              <button type="button" className="btn btn-primary btn-sm" onClick={() => setExportOpen(true)} data-testid="package-export">
                <Icon name="doc" /> {t("pkg.exportSelected", { count: picked.size })}
              </button>
              <button type="button" className="btn btn-ghost btn-sm" onClick={() => setPicked(new Set())}>{t("moments.clearSelection")}</button>
            </div>
          )}
          {exported !== null && <PackageTracker id={exported} />}
        </Card>
      )}
      {exportOpen && (
        <ExportDialog
          owner={{ tags: "moments" }}
          tagIds={[...picked]}
          onClose={() => setExportOpen(false)}
          onDone={(p) => {
            setExported(p.id);
            setPicked(new Set());
          }}
        />
      )}
      <Card className="flush">
        <QueryState q={q}>
          {list.length === 0 ? (
            <Empty title={t("moments.empty")} hint={t("moments.emptyHint")} />
          ) : (
            <>
              <div className="table-wrap">
                <table className="table" data-testid="moments-table">
                  <thead>
                    <tr>
                      <th>{t("moments.risk")}</th>
                      <th>{t("common.at")}</th>
                      <th>{t("findings.source")}</th>
                      <th>{t("common.counter")}</th>
                      <th>{t("common.details")}</th>
                      <th>{t("moments.tags")}</th>
                      <th>{t("moments.footage")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((m) => (
                      <tr key={`${m.kind}-${m.id}`}>
                        <td><Badge tone={m.risk >= 100 ? "red" : m.risk >= 60 ? "amber" : "blue"}>{m.risk}</Badge></td>
                        <td className="nowrap">{fmtDateTime(m.at)}</td>
                        <td>
                          <Badge tone={m.kind === "complaint" ? "purple" : "amber"}>{t(`moments.kind.${m.kind}`)}</Badge>
                          {m.kind === "rating" && m.detail.score !== undefined && <div className="small muted">{t("moments.score", { score: m.detail.score })}</div>}
                          {m.kind === "complaint" && m.detail.reference ? <div className="small muted">{String(m.detail.reference)}</div> : null}
                        </td>
                        <td>{m.counter.name}<div className="small muted">{m.unit?.name}</div></td>
                        <td style={{ maxWidth: 360 }}>{m.summary || <span className="muted">—</span>}</td>
                        <td className="small">
                          {(m.tags ?? []).length === 0 ? (
                            <span className="muted">{m.footage.available ? t("moments.noTags") : "—"}</span>
                          ) : (
                            (m.tags ?? []).map((tag) => (
                              <label key={tag.id} className="row nowrap" style={{ gap: 4 }}>
                                {canExport && <input type="checkbox" checked={picked.has(tag.id)} onChange={() => toggle(tag.id)} data-testid={`moment-tag-${tag.id}`} />}
                                {name(tag.label)} <span className="mono muted">{fmtSeconds(tag.start_s)}–{fmtSeconds(tag.end_s)}</span>
                              </label>
                            ))
                          )}
                        </td>
                        <td>
                          {m.footage.available && m.footage.clip_id ? (
                            <button
                              type="button"
                              className="btn btn-primary btn-sm"
                              onClick={() => navigate(`/review/clips/${m.footage.clip_id}?t=${m.footage.offset_s ?? 0}&reason=complaint`)}
                            >
                              <Icon name="play" /> {t("moments.watch")} <span className="mono">{fmtSeconds(m.footage.offset_s ?? 0)}</span>
                            </button>
                          ) : (
                            <Badge tone="grey" title={bi(m.footage.reason_vi, m.footage.reason_en)}>{t("moments.noFootage")}</Badge>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <Pager page={page} count={q.data?.count ?? list.length} exact={q.data?.count_exact !== false} pageSize={50} onPage={(p) => { const n = new URLSearchParams(params); n.set("page", String(p)); setParams(n); }} />
            </>
          )}
        </QueryState>
      </Card>
    </>
  );
}
