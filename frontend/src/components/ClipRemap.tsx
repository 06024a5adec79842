// Corrections of a clip's camera or start time under the two-person rule (media_ingest/services_remap.py):
// the administrator asks with a reason on the ingest page; an inspection lead other than the requester approves
// or refuses on the approvals page, shown the holds he may know of (drafts included).
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, rows, type Page } from "../api/client";
import { ActionButton } from "./ActionButton";
import { DateTimeInput } from "./DateInput";
import { fmtDateTime, fmtDateTimeSeconds, fromLocalInput, toLocalInput } from "./format";
import { inWords } from "./reasonRule";
import { useBilingual } from "./labels";
import { Badge, Card, Empty, Field, InlineError, Modal, QueryState } from "./ui";
import { useCameras } from "../hooks/use-ref-data";
import type { ClipRemapRequest, IngestClip, RemapHold } from "../types/media";

const STATE_TONE = { pending: "amber", approved: "green", refused: "red" } as const;
// the server's rule for the reasons of a correction (media_ingest/services_remap.py REASON_WORDS, REASON_LETTERS)
const REASON_WORDS = 3;
const REASON_LETTERS = 12;
const REMAP_KEY = ["remap-requests"];

function Who({ who }: { who: { name: string; username: string } | null }) {
  if (!who) return <>—</>;
  return <>{who.name}{who.username && who.username !== who.name ? <span className="mono small muted"> ({who.username})</span> : null}</>;
}

function Move({ r }: { r: ClipRemapRequest }) {
  return (
    <span className="small">
      {r.previous_camera?.code ?? "—"} · {r.previous_started_at ? fmtDateTimeSeconds(r.previous_started_at) : "—"}
      {" → "}<strong>{r.camera.code} · {fmtDateTimeSeconds(r.started_at)}</strong>
    </span>
  );
}

/** "Đề nghị sửa camera/thời điểm": the administrator asks; nothing moves until a lead approves. */
export function RemapRequestDialog({ clip, onClose }: { clip: IngestClip; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const cameras = useCameras().data ?? [];
  const [camera, setCamera] = useState<number | "">(clip.camera?.id ?? "");
  const shown = toLocalInput(clip.started_at ?? new Date());
  const [start, setStart] = useState(shown);
  const [reason, setReason] = useState("");
  const m = useMutation({
    // the field shows minutes: an untouched time is not sent, so the clip keeps its own to the second
    // (a camera-only correction moved clips 52 s back: user review)
    mutationFn: () => api.post<ClipRemapRequest>(`media/clips/${clip.id}/remap-requests/`,
      { camera_id: camera, ...(start !== shown ? { started_at: fromLocalInput(start) } : {}), reason }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: REMAP_KEY });
      onClose();
    },
  });
  const why = (m.isPending && t("why.busy")) || (!camera && t("why.pickCamera")) || (!inWords(reason, REASON_WORDS, REASON_LETTERS) && t("remap.why.reason"));
  return (
    <Modal
      title={t("remap.ask")}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn btn-secondary" onClick={onClose}>{t("action.cancel")}</button>
          <ActionButton type="button" className="btn btn-primary" data-testid="remap-send" why={why} onClick={() => m.mutate()}>{t("remap.send")}</ActionButton>
        </>
      }
    >
      <p className="mono small">{clip.key}</p>
      <p className="notice notice-amber small">{t("remap.explain")}</p>
      <Field label={t("common.camera")}>
        <select value={camera} onChange={(e) => setCamera(Number(e.target.value) || "")} data-testid="remap-camera">
          <option value="">—</option>
          {cameras.map((c) => <option key={c.id} value={c.id}>{c.code} — {c.counter.unit.name}</option>)}
        </select>
      </Field>
      <Field label={t("ingest.startedAt")}>
        <DateTimeInput value={start} onChange={(v) => setStart(v)} />
      </Field>
      <Field label={t("remap.reason")} hint={t("remap.reasonHint")}>
        <textarea value={reason} onChange={(e) => setReason(e.target.value)} rows={3} data-testid="remap-reason" />
      </Field>
      {m.isError && <InlineError error={m.error} />}
    </Modal>
  );
}

function useRemapRequests() {
  return useQuery({ queryKey: REMAP_KEY, queryFn: () => api.get<Page<ClipRemapRequest>>("media/remap-requests/", { page_size: 200 }), staleTime: 0 });
}

/** The administrator's own requests and their outcome: the lead's decision and words, nothing else. */
export function MyRemapRequests() {
  const { t } = useTranslation();
  const q = useRemapRequests();
  const list = rows(q.data);
  if (q.isSuccess && list.length === 0) return null;
  return (
    <Card title={t("remap.mine")} className="flush">
      <QueryState q={q}>
        <table className="table" data-testid="remap-mine">
          <thead><tr><th>{t("remap.clip")}</th><th>{t("remap.change")}</th><th>{t("remap.reason")}</th><th>{t("grants.state")}</th><th>{t("grants.decidedBy")}</th><th>{t("grants.reason")}</th></tr></thead>
          <tbody>
            {list.map((r) => (
              <tr key={r.id}>
                <td className="mono small">{r.clip.key}</td>
                <td><Move r={r} /></td>
                <td className="small">{r.reason}</td>
                <td><Badge tone={STATE_TONE[r.state]}>{t(`remap.state.${r.state}`)}</Badge></td>
                <td className="small"><Who who={r.decided_by} />{r.decided_at ? <span className="muted"> · {fmtDateTime(r.decided_at)}</span> : null}</td>
                <td className="small">{r.decision_reason || "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </QueryState>
    </Card>
  );
}

function DecideRemap({ r, refuse, onClose }: { r: ClipRemapRequest; refuse: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const bi = useBilingual();
  const qc = useQueryClient();
  const [reason, setReason] = useState("");
  const m = useMutation({
    mutationFn: () => api.post<ClipRemapRequest>(`media/remap-requests/${r.id}/${refuse ? "refuse" : "approve"}/`, { reason }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: REMAP_KEY });
      onClose();
    },
  });
  const holds: RemapHold[] = r.holds;
  // approving moves footage and is written in the custody log: in words, like a refusal (the server decides the rule)
  const why = (m.isPending && t("why.busy")) || (!inWords(reason, REASON_WORDS, REASON_LETTERS) && t(refuse ? "remap.why.refuseReason" : "remap.why.approveReason"));
  return (
    <Modal
      title={`${refuse ? t("grants.refuse") : t("grants.approve")}: ${t("remap.ask")}`}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn btn-secondary" onClick={onClose}>{t("action.cancel")}</button>
          <ActionButton type="button" className={refuse ? "btn btn-danger" : "btn btn-primary"} data-testid="remap-decide" why={why} onClick={() => m.mutate()}>
            {refuse ? t("grants.refuse") : t("grants.approve")}
          </ActionButton>
        </>
      }
    >
      <p className="mono small">{r.clip.key}</p>
      <p><Move r={r} /></p>
      <p className="small">{t("grants.requestedBy")}: <Who who={r.requested_by} /> · {fmtDateTime(r.requested_at)} — {r.reason}</p>
      <div data-testid="remap-holds">
        <strong className="small">{t("remap.holds")}</strong>
        {holds.length === 0 ? <p className="small muted">{t("remap.holdsNone")}</p> : (
          <ul className="small">
            {holds.map((h, i) => <li key={i}>{bi(h.vi, h.en)}{h.draft ? <> <Badge tone="amber">{t("remap.draft")}</Badge></> : null}</li>)}
          </ul>
        )}
        {!refuse && holds.length > 0 && <p className="small notice notice-amber">{t("remap.holdsWarn")}</p>}
      </div>
      <Field label={refuse ? t("grants.refuseReason") : t("remap.approveReason")}>
        <textarea value={reason} onChange={(e) => setReason(e.target.value)} rows={3} data-testid="remap-decide-reason" />
      </Field>
      {m.isError && <InlineError error={m.error} />}
    </Modal>
  );
}

/** The lead's inbox of clip corrections, beside the team-account approvals. */
export function RemapApprovals() {
  const { t } = useTranslation();
  const q = useRemapRequests();
  const list = rows(q.data);
  const pending = list.filter((r) => r.state === "pending");
  const [deciding, setDeciding] = useState<{ r: ClipRemapRequest; refuse: boolean } | null>(null);
  return (
    <>
      <Card title={<>{t("remap.pending")} <Badge tone={pending.length ? "red" : "grey"}>{pending.length}</Badge></>} className="flush">
        <QueryState q={q}>
          {pending.length === 0 ? <Empty title={t("remap.none")} /> : (
            <table className="table" data-testid="remap-pending">
              <thead><tr><th>{t("remap.clip")}</th><th>{t("remap.change")}</th><th>{t("grants.requestedBy")}</th><th>{t("remap.reason")}</th><th></th></tr></thead>
              <tbody>
                {pending.map((r) => (
                  <tr key={r.id}>
                    <td className="mono small">{r.clip.key}</td>
                    <td><Move r={r} /></td>
                    <td className="small"><Who who={r.requested_by} /><div className="muted">{fmtDateTime(r.requested_at)}</div></td>
                    <td className="small">{r.reason}</td>
                    <td className="right nowrap">
                      {r.may_decide ? (
                        <>
                          <button type="button" className="btn btn-primary btn-sm" onClick={() => setDeciding({ r, refuse: false })} data-testid={`remap-approve-${r.id}`}>{t("grants.approve")}</button>{" "}
                          <button type="button" className="btn btn-secondary btn-sm" onClick={() => setDeciding({ r, refuse: true })} data-testid={`remap-refuse-${r.id}`}>{t("grants.refuse")}</button>
                        </>
                      ) : <span className="small muted">{t("grants.notYours")}</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </QueryState>
      </Card>
      {deciding && <DecideRemap key={deciding.r.id} r={deciding.r} refuse={deciding.refuse} onClose={() => setDeciding(null)} />}
    </>
  );
}
