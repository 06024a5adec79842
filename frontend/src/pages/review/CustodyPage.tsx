// The chain-of-custody log of a clip or of an evidence package: who, when, what, from where, why;
// exportable as CSV or Excel (built by the server, in Vietnamese).
import { useQuery } from "@tanstack/react-query";
import { Link, useParams, useSearchParams } from "react-router";
import { useTranslation } from "react-i18next";
import { api, rows, type Page } from "../../api/client";
import { Card, Empty, Field, PageHeader, Pager, QueryState } from "../../components/ui";
import { fmtDateTime, fmtDateTimeSeconds, fmtSeconds, fmtTime } from "../../components/format";
import { packageLabel } from "../../components/evidence/Packages";
import type { CustodyEntry, EvidencePackage } from "../../types/media";

const PAGE_SIZE = 50;
/** The actions the log may be filtered by (media_ingest.review.models.AccessLog.Action). */
const ACTIONS = ["view", "download", "tag_create", "tag_update", "tag_delete", "evidence_link", "evidence_period", "export", "export_download", "preview", "expire", "preserve", "preserve_release", "remap_request", "remap_approve", "remap_refuse", "remap_apply"];
type CustodyPageData = Page<CustodyEntry> & { clip?: { id: number; camera: string | null; started_at: string | null } };

/** "Chrome 131 · Linux" from a user agent; the full string stays in the export. */
export function shortAgent(ua: string): string {
  if (!ua) return "";
  const browsers: [RegExp, string][] = [[/Edg\/(\d+)/, "Edge"], [/Firefox\/(\d+)/, "Firefox"], [/Chrom(?:e|ium)\/(\d+)/, "Chrome"], [/Version\/(\d+).*Safari/, "Safari"]];
  let browser = "";
  for (const [re, name] of browsers) {
    const m = re.exec(ua);
    if (m) {
      browser = `${name} ${m[1]}`;
      break;
    }
  }
  const systems: [RegExp, string][] = [[/Windows/, "Windows"], [/Android/, "Android"], [/iPhone|iPad/, "iOS"], [/Mac OS X/, "macOS"], [/Linux/, "Linux"]];
  const os = systems.find(([re]) => re.test(ua))?.[1] ?? "";
  return [browser, os].filter(Boolean).join(" · ") || ua.slice(0, 40);
}

export function useDescribe(): (e: CustodyEntry) => string {
  const { t } = useTranslation();
  return (e) => {
    const parts: string[] = [];
    const d = e.detail ?? {};
    if (e.clip_id) {
      const variant = typeof d.variant === "string" && (e.action === "view" || e.action === "download") ? t(`custody.obj.${d.variant}`, { defaultValue: "" }) : "";
      parts.push(t("custody.obj.clip", { id: e.clip_id }) + (variant ? ` (${variant})` : ""));
    }
    if (e.tag_id) {
      const span = typeof d.start_s === "number" && typeof d.end_s === "number" ? `, ${fmtSeconds(d.start_s)}–${fmtSeconds(d.end_s)}` : "";
      parts.push(t("custody.obj.tag", { id: e.tag_id }) + span);
    }
    if (e.package_id) parts.push(t("custody.obj.package", { id: e.package_id }));
    if (e.finding_id) parts.push(t("custody.obj.finding", { id: e.finding_reference ?? e.finding_id }));
    if (typeof d.filename === "string") parts.push(d.filename);
    if (d.state === "requested" || d.state === "ready") parts.push(t(`custody.obj.${d.state}`));
    return parts.join("; ") || e.object_key;
  };
}

/** An export is logged twice, as two distinct entries (the API's, not a double row): when it is asked for,
 *  and when the worker has built it (recorded under the requester, with the same reason, from the server).
 *  They read alike and were taken for a duplicate (issue 15): the action and the actor say which is which. */
export function useActionAndActor(): (e: CustodyEntry) => { action: string; who: string } {
  const { t } = useTranslation();
  return (e) => {
    const state = e.detail?.state;
    if (e.action === "export" && (state === "requested" || state === "ready")) {
      return { action: t(`custody.action.export_${state}`), who: state === "ready" ? t("custody.builtFor", { name: e.user.name }) : e.user.name || t("custody.system") };
    }
    return { action: t(`custody.action.${e.action}`, { defaultValue: e.action_label }), who: e.user.name || t("custody.system") };
  };
}

export default function CustodyPage({ kind }: { kind: "clip" | "package" }) {
  const { id = "" } = useParams();
  const { t } = useTranslation();
  const describe = useDescribe();
  const actionAndActor = useActionAndActor();
  const [params, setParams] = useSearchParams();
  const page = Number(params.get("page") ?? 1);
  // "" every entry; "-preview" all but the thumbnail views; otherwise one action.
  const action = params.get("action") ?? "";
  const filter = action === "-preview" ? { previews: false } : action ? { action } : {};
  const setAction = (value: string) => {
    const n = new URLSearchParams(params);
    if (value) n.set("action", value); else n.delete("action");
    n.delete("page");
    setParams(n);
  };
  const base = kind === "clip" ? `media/clips/${id}/custody/` : `media/evidence/packages/${id}/custody/`;
  const q = useQuery({
    queryKey: ["custody", kind, id, page, action],
    queryFn: () => api.get<CustodyPageData>(base, { page, page_size: PAGE_SIZE, ...filter }),
  });
  const clipInfo = q.data?.clip;
  const clipName = clipInfo?.camera && clipInfo.started_at ? `${clipInfo.camera} · ${fmtDateTime(clipInfo.started_at)}` : null;
  const list = rows(q.data);
  const pkgQ = useQuery({
    queryKey: ["evidence-package", id],
    queryFn: () => api.get<EvidencePackage>(`media/evidence/packages/${id}/`),
    enabled: kind === "package",
  });
  const pkg = pkgQ.data;
  // a package reads as what it holds and when, not as its long random id (user review of stop 26)
  const pkgName = pkg?.requested_at ? packageLabel(pkg, t) : t("custody.ofPackage", { id });
  const what = kind === "clip" ? (clipName ?? t("custody.ofClip", { id })) : pkgName;
  return (
    <>
      <div className="breadcrumb">
        {kind === "clip" ? (
          <><Link to="/review/clips">{t("clips.title")}</Link> / <Link to={`/review/clips/${id}`}>{clipName ?? `#${id}`}</Link> / {t("custody.title")}</>
        ) : (
          <>
            {pkg?.finding_id ? (
              <><Link to={`/inspection/findings/${pkg.finding_id}`}>{pkg.finding_reference}</Link> / </>
            ) : null}
            {pkgName} / {t("custody.title")}
          </>
        )}
      </div>
      <PageHeader
        title={`${t("custody.title")} — ${what}${pkg?.kind === "selection" ? ` (${t("pkg.kind.selection")})` : ""}`}
        subtitle={t("custody.subtitle")}
        actions={
          <>
            <a className="btn btn-secondary btn-sm" href={`/api/${base}export/?type=csv`} download data-testid="custody-csv">{t("custody.csv")}</a>
            <a className="btn btn-primary btn-sm" href={`/api/${base}export/?type=xlsx`} download data-testid="custody-xlsx">{t("custody.xlsx")}</a>
          </>
        }
      />
      <div className="row" style={{ marginBottom: 12 }}>
        <Field label={t("custody.filter")}>
          <select value={action} onChange={(e) => setAction(e.target.value)} data-testid="custody-action">
            <option value="">{t("custody.filterAll")}</option>
            <option value="-preview">{t("custody.filterNoPreview")}</option>
            {ACTIONS.map((a) => <option key={a} value={a}>{t(`custody.action.${a}`)}</option>)}
          </select>
        </Field>
      </div>
      <Card className="flush">
        <QueryState q={q}>
          {list.length === 0 ? (
            <Empty title={t("custody.empty")} />
          ) : (
            <>
              <div className="table-wrap">
                <table className="table" data-testid="custody-table" aria-label={`${t("custody.title")} — ${what}`}>
                  <thead>
                    <tr>
                      <th scope="col">{t("custody.at")}</th>
                      <th scope="col">{t("custody.who")}</th>
                      <th scope="col">{t("custody.what")}</th>
                      <th scope="col">{t("custody.count")}</th>
                      <th scope="col">{t("custody.object")}</th>
                      <th scope="col">{t("custody.reason")}</th>
                      <th scope="col">{t("custody.from")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((e) => (
                      <tr key={e.id} data-testid="custody-row">
                        <td className="nowrap">{fmtDateTime(e.at)}<span className="muted">:{fmtTime(e.at).slice(6)}</span></td>
                        <td>{actionAndActor(e).who}</td>
                        <td>{actionAndActor(e).action}</td>
                        <td className="small" data-testid="custody-count">
                          {(e.count ?? 1).toLocaleString("vi-VN")}
                          {(e.count ?? 1) > 1 && e.last_at && <div className="muted">{t("custody.lastAt", { at: fmtDateTimeSeconds(e.last_at) })}</div>}
                        </td>
                        <td className="small">{describe(e)}</td>
                        <td className="small">{e.reason || "—"}</td>
                        <td className="small">
                          {e.ip ? <span className="mono">{e.ip}</span> : <span className="muted">{e.user_agent ? t("custody.unknownIp") : t("custody.serverSide")}</span>}
                          {e.user_agent && <div className="muted" title={e.user_agent}>{shortAgent(e.user_agent)}</div>}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <Pager page={page} count={q.data?.count ?? list.length} exact={q.data?.count_exact !== false} pageSize={PAGE_SIZE} onPage={(p) => { const n = new URLSearchParams(params); n.set("page", String(p)); setParams(n); }} />
            </>
          )}
        </QueryState>
      </Card>
    </>
  );
}
