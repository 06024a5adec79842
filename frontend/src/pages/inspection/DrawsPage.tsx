import { useEffect, useRef, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useSearchParams } from "react-router";
import { useTranslation } from "react-i18next";
import { DateInput, useDateValidity } from "../../components/DateInput";
import { Icon } from "../../components/Icon";
import { ApiError, api, rows, type Page } from "../../api/client";
import { Badge, Card, Empty, Field, InlineError, Modal, PageHeader, QueryState, Spinner, ErrorState } from "../../components/ui";
import { ActionButton } from "../../components/ActionButton";
import { useTypedTextError } from "../../components/typedText";
import { CheckStateBadge, personName } from "../../components/labels";
import { fmtDate, fmtDateTime, fmtNumber, localToday } from "../../components/format";
import { byId, useCounters, useUnits } from "../../hooks/use-ref-data";
import { useMe } from "../../hooks/use-me";
import AbsencesCard from "./AbsencesCard";
import type { BiText, CheckBrief, Draw, DrawExclusion, DrawVerify } from "../../types/inspection";
import { POLICY_FLOOR_MONTHS, drawFlagKey, splitSentence } from "../../components/inspection/drawFlags";

/** A warning or flag in the reader's language (Vietnamese first). */
export function bi(item: { vi?: string; en?: string }, lang: string): string {
  return (lang.startsWith("en") ? item.en : item.vi) ?? item.vi ?? item.en ?? "";
}

/** Asks for a reason before a draw action (re-draw, close, cancel the whole draw). */
function ReasonDialog({ title, hint, required, pending, error, confirm, onConfirm, onClose }: {
  title: string; hint: string; required: boolean; pending: boolean; error: unknown; confirm: string;
  onConfirm: (reason: string) => void; onClose: () => void;
}) {
  const { t } = useTranslation();
  const [reason, setReason] = useState("");
  const reasonError = useTypedTextError().reason(reason);
  return (
    <Modal
      title={title}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn btn-secondary" onClick={onClose}>{t("action.cancel")}</button>
          <ActionButton type="button" className="btn btn-danger" why={(pending && t("why.busy")) || (required && !reason.trim() && t("why.reasonNeeded")) || reasonError} onClick={() => onConfirm(reason.trim())} data-testid="reason-confirm">
            {confirm}
          </ActionButton>
        </>
      }
    >
      <p className="muted small" style={{ marginTop: 0 }}>{hint}</p>
      <Field label={required ? `${t("draw.reasonLabel")} *` : t("draw.reasonLabel")} error={reasonError}>
        <textarea rows={3} value={reason} onChange={(e) => setReason(e.target.value)} name="reason" />
      </Field>
      {Boolean(error) && <InlineError error={error} />}
    </Modal>
  );
}

export function drawName(d: Draw): string {
  return d.name || `#${d.id} · ${fmtDate(d.created_at)}`;
}

export function NewDrawDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (d: Draw) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState("");
  // the name an unnamed draw is saved under: the placeholder shows it, and an empty field sends it
  // (it used to be saved nameless and listed as "#id · date", not what the placeholder suggested)
  const [suggested] = useState(() => `${t("draw.title")} ${fmtDate(new Date())}`);
  const [n, setN] = useState(3);
  const [from, setFrom] = useState(localToday(1));
  const [to, setTo] = useState(localToday(14));
  const dates = useDateValidity();
  const [teamSize, setTeamSize] = useState(2);
  const [perDay, setPerDay] = useState(2);
  const [share, setShare] = useState(75);
  const [reason, setReason] = useState("");
  // the open draws the lead has been told this draw replaces (with how many planned checks it cancels)
  const [replaces, setReplaces] = useState<{ draw: number; name: string; planned: number }[] | null>(null);
  const create = useMutation({
    mutationFn: () =>
      api.post<Draw>("inspection/draws/", {
        name: name.trim() || suggested,
        n,
        start: from,
        end: to,
        team_size: teamSize,
        per_person_per_day: perDay,
        proportional_share: share / 100,
        reason: reason.trim(),
        confirm_supersedes: (replaces ?? []).map((r) => r.draw),
      }),
    onSuccess: onCreated,
    onError: (err) => {
      const told = err instanceof ApiError ? err.detail?.supersedes : undefined;
      setReplaces(Array.isArray(told) ? (told as { draw: number; name: string; planned: number }[]) : null);
    },
  });
  // a change of window may change what is replaced: the lead is told again
  useEffect(() => setReplaces(null), [from, to]);
  return (
    <Modal
      title={t("draw.new")}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            {t("action.cancel")}
          </button>
          <ActionButton className="btn btn-primary" why={(create.isPending && t("why.busy")) || (dates.bad && t("why.badDate")) || ((n < 1 || !from || !to) && t("why.drawNeeds"))} onClick={() => create.mutate()} data-testid="draw-run">
            {create.isPending ? t("draw.running") : replaces && replaces.length > 0 ? t("draw.runReplacing") : t("draw.run")}
          </ActionButton>
        </>
      }
    >
      <Field label={t("draw.name")}>
        <input value={name} onChange={(e) => setName(e.target.value)} placeholder={suggested} data-testid="draw-name" />
      </Field>
      <div className="grid-2">
        <Field label={t("draw.size")}>
          <input type="number" min={1} max={200} value={n} onChange={(e) => setN(Number(e.target.value))} name="n" />
        </Field>
        <Field label={t("draw.teamSize")} hint={t("draw.teamSizeHint")}>
          <input type="number" min={2} max={6} value={teamSize} onChange={(e) => setTeamSize(Number(e.target.value))} />
        </Field>
        <Field label={t("draw.periodFrom")}>
          <DateInput value={from} onChange={(v) => setFrom(v)} onValidity={dates.bind("from")} name="start" />
        </Field>
        <Field label={t("draw.periodTo")}>
          <DateInput value={to} onChange={(v) => setTo(v)} onValidity={dates.bind("to")} name="end" />
        </Field>
      </div>
      <div className="grid-2">
        <Field label={t("draw.perDay")}>
          <input type="number" min={1} max={4} value={perDay} onChange={(e) => setPerDay(Number(e.target.value))} name="per_person_per_day" />
        </Field>
        <Field label={`${t("draw.share")}: ${share}%`}>
          <input type="range" min={0} max={100} step={5} value={share} onChange={(e) => setShare(Number(e.target.value))} />
        </Field>
      </div>
      <Field label={t("draw.redrawReason")}>
        <textarea rows={2} value={reason} onChange={(e) => setReason(e.target.value)} name="reason" placeholder={t("draw.redrawReasonHint")} />
      </Field>
      {replaces && replaces.length > 0 && (
        <div className="notice notice-amber" role="alert" data-testid="draw-supersedes">
          {replaces.map((r) => (
            <p key={r.draw}>{t("draw.supersedesWarn", { draw: r.draw, name: r.name, planned: r.planned })}</p>
          ))}
          <p>{t("draw.supersedesConfirm")}</p>
        </div>
      )}
      <div className="notice">{t("draw.commitmentHint")}</div>
      {create.isError && !(replaces && replaces.length > 0 && create.error instanceof ApiError && create.error.code === "redraw_supersedes_unconfirmed") && <InlineError error={create.error} />}
    </Modal>
  );
}

/** Flags and warnings that only count the units left out or the places not filled: the exclusion box
 *  says the same thing unit by unit. */
const EXCLUSION_CODES = new Set(["excluded_pending_check", "floor_units_left_out", "n_exceeds_candidates", "drew_fewer_than_n"]);

export function DrawDetail({ id }: { id: number }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const me = useMe().data;
  const units = byId(useUnits().data);
  const counters = byId(useCounters().data);
  const q = useQuery({ queryKey: ["draw", id], queryFn: () => api.get<Draw>(`inspection/draws/${id}/`) });
  const checksQ = useQuery({ queryKey: ["checks", { draw: id }], queryFn: () => api.get<Page<CheckBrief>>("inspection/checks/", { draw: id, page_size: 200 }) });
  const [dialog, setDialog] = useState<"close" | "cancel" | null>(null);
  const done = () => {
    setDialog(null);
    void qc.invalidateQueries({ queryKey: ["draw", id] });
    void qc.invalidateQueries({ queryKey: ["draws"] });
    void qc.invalidateQueries({ queryKey: ["checks"] });
  };
  const close = useMutation({
    mutationFn: (reason: string) => api.post<Draw>(`inspection/draws/${id}/close/`, { reason }),
    onSuccess: done,
  });
  const cancelAll = useMutation({
    mutationFn: (reason: string) => api.post<Draw>(`inspection/draws/${id}/cancel/`, { reason }),
    onSuccess: done,
  });
  const verify = useMutation({ mutationFn: () => api.get<DrawVerify>(`inspection/draws/${id}/verify/`) });
  const plannedVisible = rows(checksQ.data).filter((c) => c.state === "planned").length;
  // the draw's own count (the card, the toast and home agree); a check the reader is kept off for a
  // conflict of interest is counted, and said to be hidden
  const planned = Math.max(q.data?.planned_count ?? plannedVisible, plannedVisible);
  const plannedHidden = planned - plannedVisible;
  const allCancelled = rows(checksQ.data).length > 0 && rows(checksQ.data).every((c) => c.state === "cancelled");
  // checks dropped one by one are counted in the commitment: closing then needs a reason (published)
  const anyCancelled = rows(checksQ.data).some((c) => c.state === "cancelled");
  const lang = i18n.language;
  const teamNames = new Map<number, string>();
  for (const c of rows(checksQ.data)) for (const u of [c.lead, ...(c.team ?? [])]) if (u) teamNames.set(u.id, personName(u));
  const teamName = (uid: number) => teamNames.get(uid) ?? `#${uid}`;
  if (q.isPending) return <Spinner />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => q.refetch()} />;
  const d = q.data;
  const checksByUnit = new Map(rows(checksQ.data).map((c) => [c.unit.id, c]));
  const candidates = d.candidates ?? [];
  const forcedIds = new Set(candidates.filter((c) => c.forced).map((c) => c.unit_id));
  const excluded: DrawExclusion[] = d.excluded ?? (d.params.excluded as DrawExclusion[] | undefined) ?? [];
  const asked = Number(d.params.n ?? 0);
  const drawn = (d.result ?? []).length;
  // places left empty because drawn units found no team (absence, conflict, no free slot), not for want of units
  const noTeam = (d.warnings ?? []).some((w) => w.code === "schedule_shortfall");
  // the units left out and the shortfall are said once, in their own box with each unit's reason: the
  // flags and warnings that only count them are not repeated (the published flags are noted there)
  const flags = (d.flags ?? []).filter((f) => !EXCLUSION_CODES.has(f.code));
  const warnings = (d.warnings ?? []).filter((w) => !EXCLUSION_CODES.has(String(w.code)));
  const publishedExclusion = (d.flags ?? []).some((f) => EXCLUSION_CODES.has(f.code));
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
            <>
              <ActionButton
                className="btn btn-secondary btn-sm"
                why={(close.isPending && t("why.busy")) || (planned > 0 && t("draw.pendingChecks", { count: planned }))}
               
                onClick={() => setDialog("close")}
              >
                {t("draw.close")}
              </ActionButton>
              {planned > 0 && (
                <button type="button" className="btn btn-danger btn-sm" onClick={() => setDialog("cancel")} data-testid="draw-cancel-all">
                  {t("draw.cancelAll")}
                </button>
              )}
            </>
          )}
          {d.state === "closed" && (
            <ActionButton type="button" className="btn btn-primary btn-sm" why={verify.isPending && t("why.busy")} onClick={() => verify.mutate()} data-testid="draw-verify">
              {t("draw.verify")}
            </ActionButton>
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
        {d.split && (
          <p className="small" style={{ margin: 0 }} data-testid="draw-split">
            {/* the parts add up to what was drawn; places asked for and not filled are said as such */}
            {splitSentence(t, d.split, drawn, Number(d.params.floor_months ?? POLICY_FLOOR_MONTHS))}
            {asked > drawn && <> <strong>{t(noTeam ? "draw.splitEmptyNoTeam" : "draw.splitEmpty", { count: asked - drawn, asked })}</strong>.</>}
          </p>
        )}
        {d.state === "open" && planned > 0 && <p className="muted small" style={{ margin: 0 }} data-testid="draw-pending">{t("draw.pendingChecks", { count: planned })}{plannedHidden > 0 && ` ${t("draw.pendingHidden", { count: plannedHidden })}`}</p>}
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
        {flags.length > 0 && (
          <div className="notice notice-red small" data-testid="draw-flags">
            <strong>{t("draw.flagsTitle")}</strong>
            <ul style={{ margin: "4px 0 0", paddingLeft: 18 }}>
              {flags.map((f, i) => (
                <li key={i}>
                  {t(drawFlagKey(f), {
                    defaultValue: f.code, draws: (f.draws ?? []).join(", "), count: f.cancelled ?? f.count ?? 0,
                    manual: f.manual ?? 0, never: f.never_checked ?? 0, n: f.n, drawn: f.drawn, total: f.total, by: f.by, date: fmtDate(d.counts_published_at),
                    params: (f.deviations ?? []).map((x) => `${x.param} ${x.value} (${x.policy})`).join(", "),
                  })}
                  {f.reason ? ` — ${t("draw.reasonLabel")}: “${f.reason}”` : ""}
                </li>
              ))}
            </ul>
          </div>
        )}
        {warnings.length > 0 && (
          <div className="notice notice-amber small" data-testid="draw-warnings">
            <strong>{t("draw.warningsTitle")}</strong>
            <ul style={{ margin: "4px 0 0", paddingLeft: 18 }}>
              {warnings.map((w: BiText, i) => (
                <li key={i}>
                  {bi(w, lang)}
                  {Array.isArray(w.units) && (w.code === "schedule_shortfall" || w.code === "units_without_team") && (
                    <div className="muted">
                      {(w.units as { unit_id: number; vi?: string; en?: string }[]).slice(0, 12).map((u) => `${units.get(u.unit_id)?.name ?? `#${u.unit_id}`}: ${bi(u, lang)}`).join("; ")}
                      {(w.units as unknown[]).length > 12 ? " …" : ""}
                    </div>
                  )}
                  {Array.isArray(w.deferred) && (
                    <div className="muted">
                      {t("draw.deferred")}: {(w.deferred as { unit_id: number }[]).slice(0, 15).map((u) => units.get(u.unit_id)?.name ?? `#${u.unit_id}`).join(", ")}
                      {(w.deferred as unknown[]).length > 15 ? ` … (+${(w.deferred as unknown[]).length - 15})` : ""}
                    </div>
                  )}
                </li>
              ))}
            </ul>
          </div>
        )}
        <div className="row small" data-testid="draw-candidates">
          <span>{t("draw.candidates")}: <strong>{candidates.length}</strong></span>
          <span>· {t("draw.forcedCount")}: <strong>{forcedIds.size}</strong></span>
          <span>· {t("draw.excludedCount")}: <strong>{excluded.length}</strong></span>
          <span>· {t("draw.window")}: {fmtDate(String(d.params.start ?? ""))} – {fmtDate(String(d.params.end ?? ""))}</span>
        </div>
        {(asked > drawn || excluded.length > 0) && (
          <div className="notice notice-amber small" data-testid="draw-shortfall">
            {asked > drawn && (
              <p style={{ margin: 0 }}>
                {candidates.length < asked
                  ? t("draw.shortEligible", { n: asked, m: drawn, eligible: candidates.length, excluded: excluded.length })
                  : t("draw.shortCapacity", { n: asked, m: drawn })}
              </p>
            )}
            {excluded.length > 0 && (
              <div data-testid="draw-excluded">
                <strong>{t("draw.excludedTitle", { count: excluded.length })}</strong>
                <ul style={{ margin: "4px 0 0", paddingLeft: 18 }}>
                  {excluded.map((e) => (
                    <li key={e.unit_id}>
                      <strong>{units.get(e.unit_id)?.name ?? `#${e.unit_id}`}</strong>: {t(`draw.exclusion.${e.reason}`, { defaultValue: e.reason })}
                      {e.check && ` (${t("draw.exclusionCheck", { reference: e.check.reference, date: fmtDate(e.check.date) })})`}
                      {e.past_floor && ` · ${e.never_checked ? t("draw.excludedNeverChecked") : t("draw.excludedPastFloor", { due: fmtDate(e.due ?? "") })}`}
                    </li>
                  ))}
                </ul>
                {publishedExclusion && <div className="muted">{t("draw.excludedPublished")}</div>}
              </div>
            )}
          </div>
        )}
        {d.state === "open" && <div className="notice notice-amber small">{t("draw.secretNote")}</div>}
        <div className="table-wrap" data-testid="draw-table">
          <table className="table draw-table">
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
                    <td className="draw-unit">
                      <strong>{unit?.name ?? `#${r.unit_id}`}</strong>
                      {r.slot && <div className="muted small">{counters.get(r.slot.counter_id)?.name}</div>}
                    </td>
                    <td className="draw-result">
                      <Badge tone={r.reason === "risk" ? "red" : r.reason === "floor" ? "amber" : "blue"}>{t(`draw.reason.${r.reason}`, { defaultValue: r.reason })}</Badge>
                      {r.reason !== "floor" && forcedIds.has(r.unit_id) && <Badge tone="amber">{t("draw.forced")}</Badge>}
                      <div className="muted small">{t("risk.score")}: {fmtNumber(r.score, 1)}</div>
                      {(r.notes ?? []).map((note, i) => (
                        <div key={i}><Badge tone="amber">{t(note.code === "after_due" && note.never_checked ? "draw.note.never_checked" : note.code === "after_due" && note.days_late != null ? "draw.note.after_due_days" : `draw.note.${note.code}`, { defaultValue: note.code, asked: note.asked, free: note.free, due: note.due ? fmtDate(note.due) : "", days: note.days_late })}</Badge></div>
                      ))}
                    </td>
                    <td className="draw-slot">{r.slot ? `${fmtDateTime(r.slot.window_start)}` : "—"}</td>
                    <td className="small draw-team">{r.team.map((u, i) => (i === 0 ? `${teamName(u)} (${t("draws.checkLead")})` : teamName(u))).join(", ")}</td>
                    <td>
                      {check ? (
                        <div className="nowrap">
                          <Link to={`/inspection/checks/${check.id}`}>{check.reference}</Link>
                          <div><CheckStateBadge value={check.state} awaitingUnit={check.awaiting_unit_signature} /></div>
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
        {(d.reason || d.close_reason) && (
          <p className="small" style={{ margin: 0 }}>
            {d.reason && <span>{t("draw.redrawReason")}: “{d.reason}” </span>}
            {d.close_reason && <span>· {t("draw.closeReason")}: “{d.close_reason}”</span>}
          </p>
        )}
        <p className="muted small">
          {t("draw.created")}: {fmtDateTime(d.created_at)} · {personName(d.created_by)}
        </p>
        {dialog === "close" && (
          <ReasonDialog
            title={t("draw.close")}
            hint={allCancelled ? t("draw.closeAllCancelledHint") : anyCancelled ? t("draw.closeSomeCancelledHint") : t("draw.closeConfirm")}
            required={anyCancelled}
            pending={close.isPending}
            error={close.error}
            confirm={t("draw.close")}
            onConfirm={(reason) => close.mutate(reason)}
            onClose={() => setDialog(null)}
          />
        )}
        {dialog === "cancel" && (
          <ReasonDialog
            title={t("draw.cancelAll")}
            hint={t("draw.cancelAllHint", { count: planned })}
            required
            pending={cancelAll.isPending}
            error={cancelAll.error}
            confirm={t("draw.cancelAll")}
            onConfirm={(reason) => cancelAll.mutate(reason)}
            onClose={() => setDialog(null)}
          />
        )}
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
  const [flash, setFlash] = useState("");
  const flashRef = useRef<HTMLParagraphElement>(null);
  const newRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (flash) flashRef.current?.focus(); // the keyboard goes to the message once it is on screen
  }, [flash]);
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
            <button type="button" className="btn btn-primary" ref={newRef} onClick={() => { setFlash(""); setDialog(true); }} data-testid="draw-new">
              + {t("draw.new")}
            </button>
          )
        }
      />
      {flash && <p className="notice notice-green" role="status" tabIndex={-1} ref={flashRef}>{flash}</p>}
      {/* who reads which draw is the secrecy rule (selectors_draws): said to those who cannot draw, so a
          short or empty list is not a mystery (issue 15) */}
      {!canDraw && list.length > 0 && <p className="muted small" data-testid="draw-who-sees">{t("draw.whoSees")}</p>}
      <div className="grid-main-side draws-layout">
        <Card className="flush">
          <QueryState q={q}>
            {list.length === 0 ? (
              <Empty title={t("draw.empty")} hint={canDraw ? t("draw.emptyHint") : t("draw.whoSees")} />
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
      <div style={{ marginTop: 16 }}><AbsencesCard canEdit={me?.role === "inspection_lead" || me?.role === "admin"} /></div>
      {dialog && (
        <NewDrawDialog
          onClose={() => {
            setDialog(false);
            setTimeout(() => newRef.current?.focus(), 0); // back to the button that opened it
          }}
          onCreated={(d) => {
            setDialog(false);
            // say what was drawn and put the keyboard on that message
            setFlash(t("draw.done", { name: drawName(d), m: (d.result ?? []).length, n: Number(d.params.n ?? 0) }));
            void qc.invalidateQueries({ queryKey: ["draws"] });
            void qc.invalidateQueries({ queryKey: ["checks"] });
            setParams({ id: String(d.id) });
          }}
        />
      )}
    </>
  );
}
