import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useSearchParams } from "react-router";
import { useTranslation } from "react-i18next";
import { DateInput } from "../../components/DateInput";
import { Icon } from "../../components/Icon";
import { api, rows, type Page } from "../../api/client";
import { Badge, Card, Empty, Field, InlineError, Modal, PageHeader, QueryState, Spinner, ErrorState } from "../../components/ui";
import { ActionButton } from "../../components/ActionButton";
import { CheckStateBadge, personName } from "../../components/labels";
import { fmtDate, fmtDateTime, fmtNumber } from "../../components/format";
import { byId, useCounters, useUnits } from "../../hooks/use-ref-data";
import { useMe } from "../../hooks/use-me";
import type { CheckBrief, Draw, DrawVerify } from "../../types/inspection";

function addDays(days: number): string {
  const d = new Date(Date.now() + days * 86400_000);
  return d.toISOString().slice(0, 10);
}

export function drawName(d: Draw): string {
  return d.name || `#${d.id} · ${fmtDate(d.created_at)}`;
}

export function NewDrawDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (d: Draw) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState("");
  const [n, setN] = useState(3);
  const [from, setFrom] = useState(addDays(1));
  const [to, setTo] = useState(addDays(14));
  const [teamSize, setTeamSize] = useState(2);
  const [share, setShare] = useState(75);
  const create = useMutation({
    mutationFn: () =>
      api.post<Draw>("inspection/draws/", {
        name: name.trim(),
        n,
        start: from,
        end: to,
        team_size: teamSize,
        proportional_share: share / 100,
      }),
    onSuccess: onCreated,
  });
  return (
    <Modal
      title={t("draw.new")}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            {t("action.cancel")}
          </button>
          <ActionButton className="btn btn-primary" why={(n < 1 || !from || !to) && t("why.drawNeeds")} disabled={create.isPending} onClick={() => create.mutate()} data-testid="draw-run">
            {create.isPending ? t("draw.running") : t("draw.run")}
          </ActionButton>
        </>
      }
    >
      <Field label={t("draw.name")}>
        <input value={name} onChange={(e) => setName(e.target.value)} placeholder={`${t("draw.title")} ${fmtDate(new Date())}`} />
      </Field>
      <div className="grid-2">
        <Field label={t("draw.size")}>
          <input type="number" min={1} max={50} value={n} onChange={(e) => setN(Number(e.target.value))} name="n" />
        </Field>
        <Field label={t("draw.teamSize")}>
          <input type="number" min={1} max={6} value={teamSize} onChange={(e) => setTeamSize(Number(e.target.value))} />
        </Field>
        <Field label={t("draw.periodFrom")}>
          <DateInput value={from} onChange={(v) => setFrom(v)} name="start" />
        </Field>
        <Field label={t("draw.periodTo")}>
          <DateInput value={to} onChange={(v) => setTo(v)} name="end" />
        </Field>
      </div>
      <Field label={`${t("draw.share")}: ${share}%`}>
        <input type="range" min={0} max={100} step={5} value={share} onChange={(e) => setShare(Number(e.target.value))} />
      </Field>
      <div className="notice">{t("draw.commitmentHint")}</div>
      {create.isError && <InlineError error={create.error} />}
    </Modal>
  );
}

export function DrawDetail({ id }: { id: number }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const me = useMe().data;
  const units = byId(useUnits().data);
  const counters = byId(useCounters().data);
  const q = useQuery({ queryKey: ["draw", id], queryFn: () => api.get<Draw>(`inspection/draws/${id}/`) });
  const checksQ = useQuery({ queryKey: ["checks", { draw: id }], queryFn: () => api.get<Page<CheckBrief>>("inspection/checks/", { draw: id, page_size: 200 }) });
  const close = useMutation({
    mutationFn: () => api.post<Draw>(`inspection/draws/${id}/close/`),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ["draw", id] });
      void qc.invalidateQueries({ queryKey: ["draws"] });
    },
  });
  const verify = useMutation({ mutationFn: () => api.get<DrawVerify>(`inspection/draws/${id}/verify/`) });
  const planned = rows(checksQ.data).filter((c) => c.state === "planned").length;
  const teamNames = new Map<number, string>();
  for (const c of rows(checksQ.data)) for (const u of [c.lead, ...(c.team ?? [])]) if (u) teamNames.set(u.id, personName(u));
  const teamName = (uid: number) => teamNames.get(uid) ?? `#${uid}`;
  if (q.isPending) return <Spinner />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => q.refetch()} />;
  const d = q.data;
  const checksByUnit = new Map(rows(checksQ.data).map((c) => [c.unit.id, c]));
  return (
    <Card
      title={
        <span className="row">
          {drawName(d)} <Badge tone={d.state === "open" ? "blue" : "green"}>{t(`draw.state.${d.state}`)}</Badge>
        </span>
      }
      actions={
        <>
          {d.state === "open" && me?.role === "inspection_lead" && (
            <ActionButton
              className="btn btn-secondary btn-sm"
              why={planned > 0 && t("draw.pendingChecks", { count: planned })}
              disabled={close.isPending}
              onClick={() => window.confirm(t("draw.closeConfirm")) && close.mutate()}
            >
              {t("draw.close")}
            </ActionButton>
          )}
          {d.state === "closed" && (
            <button type="button" className="btn btn-primary btn-sm" disabled={verify.isPending} onClick={() => verify.mutate()} data-testid="draw-verify">
              {t("draw.verify")}
            </button>
          )}
        </>
      }
    >
      <div className="stack">
        <div>
          <div className="field-label">{t("draw.commitment")}</div>
          <code className="hash" data-testid="seed-commitment">{d.seed_sha256}</code>
          {d.seed ? (
            <>
              <div className="field-label" style={{ marginTop: 8 }}>{t("draw.seed")}</div>
              <code className="hash">{d.seed}</code>
            </>
          ) : (
            <p className="muted small">{t("draw.commitmentHint")}</p>
          )}
        </div>
        {close.isError && <InlineError error={close.error} />}
        {d.state === "open" && planned > 0 && <p className="muted small" style={{ margin: 0 }}>{t("draw.pendingChecks", { count: planned })}</p>}
        {verify.isError && <InlineError error={verify.error} />}
        {verify.data && (
          <div className={`notice ${verify.data.match ? "notice-green" : "notice-red"}`} data-testid="verify-result">
            <strong><Icon name={verify.data.match ? "check" : "cross"} /> {verify.data.match ? t("draw.verifyOk") : t("draw.verifyFail")}</strong>
            {verify.data.reasons.length > 0 && (
              <ul style={{ margin: "6px 0 0", paddingLeft: 18 }}>
                {verify.data.reasons.map((r, i) => <li key={i}>{i18n.language.startsWith("en") ? r.en : r.vi}</li>)}
              </ul>
            )}
          </div>
        )}
        {d.state === "open" && <div className="notice notice-amber small">{t("draw.secretNote")}</div>}
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>#</th>
                <th>{t("common.unit")}</th>
                <th>{t("draw.result")}</th>
                <th>{t("draw.slot")}</th>
                <th>{t("draw.team")}</th>
                <th>{t("nav.checks")}</th>
              </tr>
            </thead>
            <tbody>
              {(d.result ?? []).map((r) => {
                const unit = units.get(r.unit_id);
                const check = checksByUnit.get(r.unit_id);
                return (
                  <tr key={r.order}>
                    <td className="muted">{r.order}</td>
                    <td style={{ minWidth: 170 }}>
                      <strong>{unit?.name ?? `#${r.unit_id}`}</strong>
                      {r.slot && <div className="muted small">{counters.get(r.slot.counter_id)?.name}</div>}
                    </td>
                    <td>
                      <Badge tone={r.reason === "risk" ? "red" : r.reason === "floor" ? "amber" : "blue"}>{t(`draw.reason.${r.reason}`, { defaultValue: r.reason })}</Badge>
                      <div className="muted small">{t("risk.score")}: {fmtNumber(r.score, 1)}</div>
                    </td>
                    <td className="nowrap">{r.slot ? `${fmtDateTime(r.slot.window_start)}` : "—"}</td>
                    <td className="small" style={{ maxWidth: 150 }}>{r.team.map((u) => teamName(u)).join(", ")}</td>
                    <td>
                      {check ? (
                        <div className="nowrap">
                          <Link to={`/inspection/checks/${check.id}`}>{check.reference}</Link>
                          <div><CheckStateBadge value={check.state} /></div>
                        </div>
                      ) : (
                        "—"
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <p className="muted small">
          {t("draw.created")}: {fmtDateTime(d.created_at)} · {personName(d.created_by)}
        </p>
      </div>
    </Card>
  );
}

export default function DrawsPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const me = useMe().data;
  const [params, setParams] = useSearchParams();
  const [dialog, setDialog] = useState(false);
  const q = useQuery({ queryKey: ["draws"], queryFn: () => api.get<Page<Draw> | Draw[]>("inspection/draws/") });
  const list = rows(q.data);
  const selected = Number(params.get("id")) || list[0]?.id;
  const canDraw = me?.role === "inspection_lead";
  return (
    <>
      <PageHeader
        title={t("draw.title")}
        subtitle={t("draw.subtitle")}
        actions={
          canDraw && (
            <button type="button" className="btn btn-primary" onClick={() => setDialog(true)} data-testid="draw-new">
              + {t("draw.new")}
            </button>
          )
        }
      />
      <div className="grid-main-side" style={{ gridTemplateColumns: "270px minmax(0, 1fr)" }}>
        <Card className="flush">
          <QueryState q={q}>
            {list.length === 0 ? (
              <Empty title={t("draw.empty")} hint={t("draw.emptyHint")} />
            ) : (
              <table className="table">
                <tbody>
                  {list.map((d) => (
                    <tr key={d.id} className={`clickable ${d.id === selected ? "selected" : ""}`} onClick={() => setParams({ id: String(d.id) })}>
                      <td>
                        <div className="row" style={{ justifyContent: "space-between" }}>
                          <button type="button" className="row-link" aria-pressed={d.id === selected} onClick={(e) => { e.stopPropagation(); setParams({ id: String(d.id) }); }}><strong>{drawName(d)}</strong></button>
                          <Badge tone={d.state === "open" ? "blue" : "green"}>{t(`draw.state.${d.state}`)}</Badge>
                        </div>
                        <div className="muted small">{fmtDateTime(d.created_at)} · {t("draw.units")}: {(d.result ?? []).length}</div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </QueryState>
        </Card>
        <div>{selected ? <DrawDetail id={selected} key={selected} /> : null}</div>
      </div>
      {dialog && (
        <NewDrawDialog
          onClose={() => setDialog(false)}
          onCreated={(d) => {
            setDialog(false);
            void qc.invalidateQueries({ queryKey: ["draws"] });
            void qc.invalidateQueries({ queryKey: ["checks"] });
            setParams({ id: String(d.id) });
          }}
        />
      )}
    </>
  );
}
