import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { DateTimeInput } from "../../components/DateInput";
import { Icon } from "../../components/Icon";
import { api, rows, type Page } from "../../api/client";
import { useWsEvent, useWsTopics } from "../../api/ws";
import { Badge, Card, Empty, Field, InlineError, Modal, PageHeader, Pager, QueryState, Stat } from "../../components/ui";
import { ClipStateBadge, useBilingual } from "../../components/labels";
import { fmtBytes, fmtClock, fmtDateTime, fromLocalInput, toLocalInput } from "../../components/format";
import { useCameras } from "../../hooks/use-ref-data";
import type { IngestClip, IngestStatus, RetentionReport } from "../../types/media";
import { ActionButton } from "../../components/ActionButton";
import { MyRemapRequests, RemapRequestDialog } from "../../components/ClipRemap";

const FILTERS = ["", "queued", "failed", "partial", "unassigned"] as const;

function AssignDialog({ clip, onClose }: { clip: IngestClip; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const cameras = useCameras().data ?? [];
  const [camera, setCamera] = useState<number | "">("");
  const [start, setStart] = useState(toLocalInput(clip.started_at ?? new Date()));
  const m = useMutation({
    mutationFn: () => api.post(`media/clips/${clip.id}/assign/`, { camera_id: camera, started_at: fromLocalInput(start) }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ["ingest"] });
      onClose();
    },
  });
  return (
    <Modal
      title={t("ingest.assign")}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn btn-secondary" onClick={onClose}>{t("action.cancel")}</button>
          <ActionButton type="button" className="btn btn-primary" why={(m.isPending && t("why.busy")) || (!camera && t("why.pickCamera"))} onClick={() => m.mutate()}>{t("action.save")}</ActionButton>
        </>
      }
    >
      <p className="mono small">{clip.key}</p>
      {clip.unassigned_reason && <div className="notice notice-amber small">{clip.unassigned_reason}</div>}
      <Field label={t("common.camera")}>
        <select value={camera} onChange={(e) => setCamera(Number(e.target.value) || "")}>
          <option value="">—</option>
          {cameras.map((c) => <option key={c.id} value={c.id}>{c.code} — {c.counter.unit.name}</option>)}
        </select>
      </Field>
      <Field label={t("ingest.startedAt")}>
        <DateTimeInput value={start} onChange={(v) => setStart(v)} />
      </Field>
      {m.isError && <InlineError error={m.error} />}
    </Modal>
  );
}

export default function IngestPage() {
  const { t } = useTranslation();
  const bi = useBilingual();
  const qc = useQueryClient();
  const cameras = useCameras().data ?? [];
  const [problem, setProblem] = useState<(typeof FILTERS)[number]>("");
  const [page, setPage] = useState(1);
  const [assigning, setAssigning] = useState<IngestClip | null>(null);
  const [remapping, setRemapping] = useState<IngestClip | null>(null);
  const statusQ = useQuery({ queryKey: ["ingest", "status"], queryFn: () => api.get<IngestStatus>("media/ingest/status/"), refetchInterval: 30_000 });
  const retentionQ = useQuery({ queryKey: ["ingest", "retention"], queryFn: () => api.get<RetentionReport>("media/retention/"), refetchInterval: 300_000 });
  const listQ = useQuery({ queryKey: ["ingest", "clips", problem, page], queryFn: () => api.get<Page<IngestClip>>("media/ingest/clips/", { problem, page }) });
  const retry = useMutation({ mutationFn: (id: number) => api.post(`media/clips/${id}/retry/`), onSuccess: () => qc.invalidateQueries({ queryKey: ["ingest"] }) });
  const reconcile = useMutation({ mutationFn: () => api.post("media/ingest/reconcile/") });
  useWsTopics(cameras.map((c) => `camera:${c.code}`));
  useWsEvent(["clip.discovered", "clip.indexed", "clip.failed", "clip.progress"], (m) => {
    const clip = m.clip as { id: number; state: string; progress: number } | undefined;
    if (m.type === "clip.progress" && clip) {
      qc.setQueriesData<Page<IngestClip>>({ queryKey: ["ingest", "clips"] }, (old) =>
        old ? { ...old, results: old.results.map((c) => (c.id === clip.id ? { ...c, state: clip.state as IngestClip["state"], progress: clip.progress } : c)) } : old,
      );
    } else void qc.invalidateQueries({ queryKey: ["ingest"] });
  });
  const st = statusQ.data;
  const by = st?.by_state ?? {};
  const list = rows(listQ.data);
  return (
    <>
      <PageHeader
        title={t("ingest.title")}
        subtitle={t("ingest.subtitle")}
        actions={
          <ActionButton type="button" className="btn btn-secondary" why={reconcile.isPending && t("why.busy")} onClick={() => reconcile.mutate()}>
            <Icon name="refresh" /> {t("ingest.reconcile")}
          </ActionButton>
        }
      />
      {reconcile.isSuccess && <div className="notice notice-green" style={{ marginBottom: 12 }}>{t("ingest.reconcileQueued")}</div>}
      {reconcile.isError && <InlineError error={reconcile.error} />}
      <div className="stats">
        <Stat label={t("ingest.total")} value={st?.total ?? "—"} tone="blue" />
        <Stat label={t("ingest.queued")} value={(by.discovered ?? 0) + (by.indexing ?? 0)} />
        <Stat label={t("ingest.failed")} value={by.failed ?? 0} tone={by.failed ? "red" : undefined} />
        <Stat label={t("ingest.partial")} value={by.partial ?? 0} tone={by.partial ? "amber" : undefined} />
        <Stat label={t("ingest.unassigned")} value={st?.unassigned ?? 0} tone={st?.unassigned ? "amber" : undefined} />
        <Stat label={t("ingest.outdated")} value={st?.outdated ?? 0} hint={st ? t("ingest.analysisVersion", { v: st.analysis_version }) : undefined} />
      </div>
      {retentionQ.data && (
        <div className="stats" data-testid="retention-stats">
          <Stat label={t("ingest.footageBytes")} value={fmtBytes(retentionQ.data.footage_bytes)} tone="blue" />
          <Stat label={t("ingest.deletable")} value={retentionQ.data.deletable.length} hint={fmtBytes(retentionQ.data.deletable_bytes)} />
          <Stat label={t("ingest.expiringWeek")} value={retentionQ.data.expiring_this_week} />
          <Stat label={t("ingest.onHold")} value={retentionQ.data.held.length} tone={retentionQ.data.held.length ? "amber" : undefined} />
          <Stat label={t("ingest.manualHolds")} value={retentionQ.data.manual_holds} />
        </div>
      )}
      {st && (
        <div className="row" style={{ marginBottom: 14 }}>
          <Badge tone={st.store.ok ? "green" : "red"}>{t("ingest.store")}: {st.store.ok ? t("ingest.ok") : t("ingest.down")}</Badge>
          <Badge tone={st.job_queue.ok === false ? "red" : "green"}>{t("ingest.jobs")}: {st.job_queue.ok === false ? t("ingest.down") : t("ingest.ok")}</Badge>
          {Object.entries(st.job_queue.queues ?? {}).map(([name, q]) => (
            <Badge key={name} tone={q.listening ? "green" : "red"} title={q.tasks.join(", ")}>
              {t("ingest.queue")} {name}: {q.listening ? `${q.workers} ×` : t("ingest.noWorker")}{q.depth ? ` · ${q.depth} ${t("ingest.waiting")}` : ""}
            </Badge>
          ))}
          {st.reconcile.map((c, i) => (
            <Badge key={i} tone={c.last_error ? "red" : "grey"} title={c.last_error || c.last_key}>
              {t("ingest.cursor")} {c.prefix || t("ingest.wholeBucket")} · {t("ingest.passes")} {c.passes} · {t("ingest.lastRun")} {fmtDateTime(c.last_run_at)}
            </Badge>
          ))}
        </div>
      )}
      <div className="tabs" role="tablist">
        {FILTERS.map((f) => (
          <button key={f || "all"} type="button" role="tab" aria-selected={problem === f} className={problem === f ? "active" : ""} onClick={() => { setProblem(f); setPage(1); }}>
            {t(`ingest.filter.${f || "all"}`)}
          </button>
        ))}
      </div>
      <Card className="flush">
        <QueryState q={listQ}>
          {list.length === 0 ? (
            <Empty title={t("ingest.empty")} />
          ) : (
            <>
              <div className="table-wrap">
                <table className="table" data-testid="ingest-table">
                  <thead>
                    <tr>
                      <th>{t("ingest.key")}</th>
                      <th>{t("common.camera")}</th>
                      <th>{t("common.state")}</th>
                      <th>{t("ingest.error")}</th>
                      <th className="num">{t("ingest.attempts")}</th>
                      <th>{t("ingest.discovered")}</th>
                      <th></th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((c) => (
                      <tr key={c.id}>
                        <td><span className="mono small">{c.key}</span><div className="small muted">{fmtBytes(c.size_bytes)} · {c.duration_s ? fmtClock(c.duration_s) : "—"} · {t(`clipSource.${c.source}`, { defaultValue: c.source })}</div></td>
                        <td>{c.camera?.code ?? <Badge tone="amber">{t("ingest.unassigned")}</Badge>}</td>
                        <td>
                          <ClipStateBadge value={c.state} />
                          {c.state === "indexing" && <div className="score-bar" style={{ marginTop: 4 }}><span style={{ width: `${Math.round(c.progress * 100)}%`, background: "#1450b8" }} /></div>}
                        </td>
                        <td style={{ maxWidth: 360 }} className="small">
                          {c.error ? <span style={{ color: "var(--red)" }}>{bi(c.error, c.error_en)}</span> : c.unassigned_reason ? <span className="muted">{c.unassigned_reason}</span> : null}
                          {c.warnings?.length > 0 && <div className="muted">{c.warnings.join("; ")}</div>}
                        </td>
                        <td className="num">{c.attempts}</td>
                        <td className="nowrap small">{fmtDateTime(c.discovered_at)}</td>
                        <td className="nowrap right">
                          {(c.state === "failed" || c.state === "partial") && (
                            <ActionButton type="button" className="btn btn-secondary btn-sm" why={retry.isPending && t("why.busy")} onClick={() => retry.mutate(c.id)}>{t("ingest.retry")}</ActionButton>
                          )}
                          {!c.camera && <button type="button" className="btn btn-secondary btn-sm" onClick={() => setAssigning(c)}>{t("ingest.assign")}</button>}
                          {c.camera && c.started_at && <button type="button" className="btn btn-secondary btn-sm" onClick={() => setRemapping(c)} data-testid={`remap-ask-${c.id}`}>{t("remap.ask")}</button>}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <Pager page={page} count={listQ.data?.count ?? list.length} exact={listQ.data?.count_exact !== false} pageSize={50} onPage={setPage} />
            </>
          )}
        </QueryState>
      </Card>
      {retry.isError && <InlineError error={retry.error} />}
      {assigning && <AssignDialog clip={assigning} onClose={() => setAssigning(null)} />}
      {remapping && <RemapRequestDialog clip={remapping} onClose={() => setRemapping(null)} />}
      <MyRemapRequests />
    </>
  );
}
