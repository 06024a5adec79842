import { useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate, useSearchParams } from "react-router";
import { useTranslation } from "react-i18next";
import type { TFunction } from "i18next";
import { DateInput } from "../../components/DateInput";
import { UnitFilter } from "../../components/UnitFilter";
import { api, rows, type Page } from "../../api/client";
import { useWsEvent, useWsTopics } from "../../api/ws";
import { Badge, Card, Empty, Field, PageHeader, Pager, QueryState } from "../../components/ui";
import { clipStateBadge } from "../../components/labels";
import { fmtClock, fmtDateTime } from "../../components/format";
import { EVENT_COLORS, EVENT_TEXT_COLORS } from "../../components/player/Timeline";
import { useCameras } from "../../hooks/use-ref-data";
import { useMe } from "../../hooks/use-me";
import type { Clip } from "../../types/media";
import { clipListQuery } from "../../boot/route-data";

const KINDS = ["presence", "unattended", "officer_absent", "tamper", "motion"];

export default function ClipsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const me = useMe().data;
  const [params, setParams] = useSearchParams();
  const cameras = useCameras().data ?? [];
  const [fresh, setFresh] = useState(0);
  const page = Number(params.get("page") ?? 1);
  const query = Object.fromEntries(params.entries());
  const listQ = clipListQuery(query); // main.tsx may have sent it already (boot/route-data.ts)
  const q = useQuery({ queryKey: listQ.queryKey, queryFn: () => api.get<Page<Clip>>(listQ.path, listQ.params) });
  const list = rows(q.data);
  const set = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    next.delete("page");
    setParams(next);
  };

  // Live: new/updated clips of the cameras in view (or of the user's scope unit).
  useWsTopics(me?.scope_unit ? [`unit:${me.scope_unit.id}`] : cameras.map((c) => `camera:${c.code}`));
  useWsEvent(["clip.discovered", "clip.indexed", "clip.failed", "clip.progress"], (m) => {
    if (m.type === "clip.discovered") setFresh((n) => n + 1);
    else void qc.invalidateQueries({ queryKey: ["clips"] });
  });

  return (
    <>
      <PageHeader title={t("clips.title")} subtitle={t("clips.subtitle")} />
      <div className="filters">
        <Field label={t("common.unit")}>
          <UnitFilter value={params.get("unit") ?? ""} onChange={(v) => set("unit", v)} />
        </Field>
        <Field label={t("clips.camera")}>
          <select value={params.get("camera") ?? ""} onChange={(e) => set("camera", e.target.value)}>
            <option value="">{t("common.all")}</option>
            {cameras.map((c) => <option key={c.id} value={c.code}>{c.code} — {c.counter.unit.name}</option>)}
          </select>
        </Field>
        <Field label={t("common.from")}>
          <DateInput value={params.get("from") ?? ""} onChange={(v) => set("from", v)} />
        </Field>
        <Field label={t("common.to")}>
          <DateInput value={params.get("to") ?? ""} onChange={(v) => set("to", v)} />
        </Field>
        <Field label={t("clips.eventKind")}>
          <select value={params.get("event_kind") ?? ""} onChange={(e) => set("event_kind", e.target.value)}>
            <option value="">{t("common.all")}</option>
            {KINDS.map((k) => <option key={k} value={k}>{t(`event.${k}`)}</option>)}
          </select>
        </Field>
        <Field label={t("common.state")}>
          <select value={params.get("state") ?? ""} onChange={(e) => set("state", e.target.value)}>
            <option value="">{t("common.all")}</option>
            {["indexed", "partial", "indexing", "discovered", "failed"].map((s) => <option key={s} value={s}>{t(`clipState.${s}`)}</option>)}
          </select>
        </Field>
        <Field label={t("clips.tagged")}>
          <select value={params.get("tagged") ?? ""} onChange={(e) => set("tagged", e.target.value)}>
            <option value="">{t("common.all")}</option>
            <option value="true">{t("clips.taggedYes")}</option>
            <option value="false">{t("clips.taggedNo")}</option>
          </select>
        </Field>
        {params.toString() && <button type="button" className="btn btn-ghost btn-sm" onClick={() => setParams(new URLSearchParams())}>{t("action.clear")}</button>}
      </div>
      {fresh > 0 && (
        <button type="button" className="notice" style={{ width: "100%", marginBottom: 12, cursor: "pointer", textAlign: "left" }} onClick={() => { setFresh(0); void q.refetch(); }}>
          ● {t("clips.newArrived", { count: fresh })}
        </button>
      )}
      <Card className="flush">
        <QueryState q={q}>
          {list.length === 0 ? (
            <Empty title={t("clips.empty")} hint={t("clips.emptyHint")} />
          ) : (
            <>
              <div className="table-wrap">
                <table className="table" data-testid="clips-table">
                  <thead>
                    <tr>
                      <th>{t("clips.poster")}</th>
                      <th>{t("clips.start")}</th>
                      <th>{t("clips.camera")}</th>
                      <th>{t("clips.duration")}</th>
                      <th>{t("clips.events")}</th>
                      <th className="num">{t("clips.tags")}</th>
                      <th>{t("common.state")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((c) => (
                      <tr key={c.id} className="clickable" onClick={() => navigate(`/review/clips/${c.id}`)} data-testid={`clip-row-${c.id}`}>
                        <td><ClipPoster clip={c} t={t} /></td>
                        <td className="nowrap"><Link className="row-link" to={`/review/clips/${c.id}`} onClick={(e) => e.stopPropagation()}><strong>{fmtDateTime(c.started_at)}</strong></Link><div className="muted small mono">{c.key}</div></td>
                        <td>
                          {c.camera ? <strong className="nowrap">{c.camera.code}</strong> : <Badge tone="amber">—</Badge>}
                          <div className="muted small">{c.unit?.name ?? c.unassigned_reason}</div>
                        </td>
                        <td className="nowrap">{c.duration_s ? fmtClock(c.duration_s) : "—"}</td>
                        <td>
                          <div className="kind-chips">
                            {Object.entries((c.event_kinds as Record<string, number> | null) ?? {})
                              .filter(([k]) => k !== "motion")
                              .map(([k, n]) => (
                                <span key={k} className="badge" style={{ background: `${EVENT_COLORS[k] ?? "#555"}1a`, color: EVENT_TEXT_COLORS[k] ?? "#555" }}>
                                  {t(`event.${k}`, { defaultValue: k })} · {n}
                                </span>
                              ))}
                          </div>
                        </td>
                        <td className="num">{c.tag_count ?? 0}</td>
                        <td>{clipStateBadge(t, c.state)}</td>
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
      <p className="muted small">{t("clips.live")}</p>
    </>
  );
}

const POSTER_W = 96;
const POSTER_H = 54;

/** The clip's poster, fetched only when its row scrolls into view (each fetch is a custody entry). The
 *  list's `t`: no translation hook in each row. */
function ClipPoster({ clip, t }: { clip: Clip; t: TFunction }) {
  const box = { width: POSTER_W, height: POSTER_H, borderRadius: 4, display: "block", background: "#0b1a33" } as const;
  if (!clip.has_poster) {
    return <span className="muted small" style={{ ...box, background: "#eef2f8", display: "grid", placeItems: "center" }}>{t("clips.noPoster")}</span>;
  }
  return (
    <img
      src={`/api/media/clips/${clip.id}/poster/`}
      loading="lazy"
      decoding="async"
      width={POSTER_W}
      height={POSTER_H}
      style={{ ...box, objectFit: "cover" }}
      alt={t("clips.posterAlt", { camera: clip.camera?.code ?? "—", at: fmtDateTime(clip.started_at) })}
      data-testid={`clip-poster-${clip.id}`}
    />
  );
}
