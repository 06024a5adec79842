import { useEffect, useMemo, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate, useParams } from "react-router";
import { useTranslation } from "react-i18next";
import { Icon } from "../../components/Icon";
import { ApiError, api, rows, type Page } from "../../api/client";
import { Card, ConfirmDialog, ErrorState, InlineError, Modal, Field, PageHeader, Spinner } from "../../components/ui";
import { ActionButton } from "../../components/ActionButton";
import { CheckStateBadge, FindingStateBadge, SeverityBadge, personName } from "../../components/labels";
import { fmtBytes, fmtDate, fmtDateTime, fmtNumber, fmtTime } from "../../components/format";
import { CriteriaChecklist, draftProblems, flattenCriteria, readOnlyReason, runningScore, type Drafts } from "../../components/inspection/CriteriaChecklist";
import { NewFindingDialog, criterionFindingTitle } from "../../components/inspection/NewFindingDialog";
import { FieldQueueBar } from "../../components/inspection/FieldQueueBar";
import { SignatureBox } from "../../components/inspection/RepresentativeSignOff";
import { useMe } from "../../hooks/use-me";
import { useFieldQueue, useOnline } from "../../hooks/use-field-queue";
import { useHeldPhotos } from "../../hooks/use-held-photos";
import { useUnsavedResults } from "../../hooks/use-unsaved-results";
import { HeldPhotoChip } from "../../components/inspection/HeldPhotoChip";
import { dropUnsaved, enqueuePhoto, enqueueReport, enterHandover, keepCheck, keptCheck, queueItems, type QueueItem, type ReportBase, type StoredCheck } from "../../offline/store";

type QueueDrafts = QueueItem["drafts"];
import { bilingualPart, flushQueue, onSent } from "../../offline/sync";
import { preparePhoto } from "../../offline/photo";
import type { CheckDetail, CheckReport, CriteriaSetTree, Criterion, FindingBrief, ReportEvidence } from "../../types/inspection";
import { leadTitle } from "../../components/inspection/leadTitle";
import { completeWhy, criticalFailed, scoreColour, signWhy } from "../../components/inspection/runRules";
import { FileLink } from "../../components/FileLink";

/** Ask the server; without a network, answer from the copy kept on this device (started checks only). */
async function orKept<T>(fetcher: () => Promise<T>, kept: () => Promise<StoredCheck | undefined>, pick: (k: StoredCheck) => T, onKept: (k: StoredCheck) => void): Promise<T> {
  try {
    return await fetcher();
  } catch (e) {
    if (e instanceof ApiError && e.status === 0) {
      const row = await kept();
      if (row) {
        onKept(row);
        return pick(row);
      }
    }
    throw e;
  }
}

/** The report the user's edits start from: a conflict re-applies only what they changed from it. */
function baseOf(report: CheckReport | null | undefined): ReportBase {
  const results: ReportBase["results"] = {};
  for (const r of report?.results ?? []) results[r.criterion] = { outcome: r.outcome, points: r.outcome === "partial" ? Number(r.points) : null, note: r.note ?? "" };
  return { summary: report?.summary ?? "", results };
}

function draftsFrom(report: CheckReport | null | undefined): Drafts {
  const out: Drafts = {};
  for (const r of report?.results ?? []) out[r.criterion] = { outcome: r.outcome, points: Number(r.points), note: r.note ?? "" };
  return out;
}

export default function CheckRunPage() {
  const { id = "" } = useParams();
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const me = useMe().data;
  const userId = me?.id ?? -1;
  const online = useOnline();
  const fieldQ = useFieldQueue(id);
  const [keptAt, setKeptAt] = useState<string | null>(null);
  const kept = () => keptCheck(id, userId);
  const fromDevice = (k: StoredCheck) => setKeptAt(k.savedAt);
  const checkQ = useQuery({
    queryKey: ["check", id],
    networkMode: "always",
    queryFn: () => orKept(() => api.get<CheckDetail>(`inspection/checks/${id}/`), kept, (k) => k.check, fromDevice),
  });
  const check = checkQ.data;
  const reportQ = useQuery({
    queryKey: ["check", id, "report"],
    networkMode: "always",
    enabled: Boolean(check && check.state !== "planned" && check.state !== "cancelled"),
    queryFn: async () => {
      try {
        const r = await orKept(() => api.get<CheckReport>(`inspection/checks/${id}/report/`), kept, (k) => k.report, fromDevice);
        if (r && navigator.onLine) setKeptAt(null);
        return r;
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }
    },
  });
  const report = reportQ.data;
  const csId = report?.criteria_set?.id ?? check?.criteria_set?.id;
  const criteriaQ = useQuery({
    queryKey: ["criteria-set", csId],
    enabled: Boolean(csId),
    staleTime: 10 * 60_000,
    networkMode: "always",
    queryFn: () => orKept(() => api.get<Pick<CriteriaSetTree, "criteria">>(`inspection/criteria-sets/${csId}/`), kept, (k) => ({ criteria: k.criteria }), fromDevice),
  });
  const criteria = useMemo(() => criteriaQ.data?.criteria ?? [], [criteriaQ.data]);
  const findingsQ = useQuery({
    queryKey: ["findings", { check: id }],
    enabled: Boolean(check) && online,
    queryFn: () => api.get<Page<FindingBrief> | FindingBrief[]>("inspection/findings/", { check: id }),
  });

  const [drafts, setDrafts] = useState<Drafts>({});
  const [summary, setSummary] = useState("");
  const [dirty, setDirty] = useState(false);
  const [savedAt, setSavedAt] = useState<Date | null>(null);
  const [findingFor, setFindingFor] = useState<{ criterion?: Criterion } | null>(null);
  const [localError, setLocalError] = useState<string | null>(null);
  const [cancelOpen, setCancelOpen] = useState(false);
  const [cancelReason, setCancelReason] = useState("");
  const [baseVersion, setBaseVersion] = useState(0);
  // photos taken while the results cannot be saved yet (a "Không đạt" without its note): kept on the
  // device with their check and criterion (a reload keeps them), shown next to the criterion's photo
  // button, and queued by the next save that goes through
  const { held, hold: holdPhoto, remove: removeHeld, queueAll: queueHeld } = useHeldPhotos(userId, id);
  const [signOpen, setSignOpen] = useState(false);
  const [startOpen, setStartOpen] = useState(false);
  const [completeOpen, setCompleteOpen] = useState(false);
  const [leadSignature, setLeadSignature] = useState("");
  const queued = fieldQ.reportItem;
  // a queued change the server refused: which criteria (the inspector fixes those, the rest is kept)
  const refused = queued?.status === "failed" ? queued.lastError?.criteria ?? [] : [];

  // results changed but not saved when the page was last left (a "Không đạt" waiting for its note): read
  // back from the device, once, and shown as unsaved
  const [restoredUnsaved, setRestoredUnsaved] = useState(false);
  const signed = Boolean(report?.signed_at) || check?.state === "signed";
  const isTeam = Boolean(me?.is_inspection_team);
  const editable = isTeam && !signed && (check?.state === "in_progress" || check?.state === "completed");
  const unsaved = useUnsavedResults(userId, id, { drafts: drafts as Record<string, { outcome: string | null; points: number; note: string }>, summary, baseVersion, dirty, editable });

  useEffect(() => {
    // left unsaved on a check that can no longer change (signed, cancelled): nothing to come back to
    if (report !== undefined && check && me && unsaved && !editable) void dropUnsaved(userId, id).catch(() => undefined);
    if (report !== undefined && unsaved && editable && !restoredUnsaved) {
      setRestoredUnsaved(true);
      setDrafts(unsaved.drafts as Drafts);
      setSummary(unsaved.summary);
      setBaseVersion(unsaved.baseVersion);
      setDirty(true);
      return;
    }
    if (report !== undefined && !dirty && unsaved !== undefined) {
      // unsent edits kept on this device win over the copy they were made on
      if (queued?.body) {
        setDrafts((queued.drafts ?? Object.fromEntries(queued.body.results.map((r) => [r.criterion, { outcome: r.outcome, points: Number(r.points ?? 0), note: r.note }]))) as Drafts);
        setSummary(queued.body.summary);
        setBaseVersion(queued.baseVersion ?? report?.version ?? 0);
      } else {
        setDrafts(draftsFrom(report));
        setSummary(report?.summary ?? "");
        setBaseVersion(report?.version ?? 0);
      }
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [report, queued?.seq, unsaved, editable]);

  // what reached the server replaces what the page shows
  useEffect(() => onSent((checkId, r) => {
    if (checkId !== id) return;
    if (r) qc.setQueryData(["check", id, "report"], r);
    else void qc.invalidateQueries({ queryKey: ["check", id, "report"] });
  }), [id, qc]);

  const leaves = useMemo(() => flattenCriteria(criteria).leaves, [criteria]);
  const live = runningScore(leaves, drafts);
  // until the report and its criteria are on the page, "complete" would count every answer as missing
  const reportLoading = report === undefined || leaves.length === 0;
  // a late photo is printed apart and does not stop the unit from signing; a change of the results does
  const amendedAfterSigning = (report?.amendments ?? []).some((a) => Object.keys((a.changes ?? {}) as object).some((k) => k !== "evidence_added"));
  const isLead = Boolean(me && check?.lead && check.lead.id === me.id);
  const onTeam = Boolean(me && check && (isLead || (check.team ?? []).some((u) => u.id === me.id)));
  const problems = draftProblems(leaves, drafts);
  const critical = criticalFailed(leaves, drafts);
  const en = i18n.language.startsWith("en");

  // a started check of the user's team is kept on the device for offline work (never a planned one)
  useEffect(() => {
    if (!me || !check || !report || !criteriaQ.data || keptAt || !onTeam) return;
    void keepCheck(me.id, check, report, criteriaQ.data.criteria).catch(() => undefined);
  }, [me, check, report, criteriaQ.data, keptAt, onTeam]);

  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ["check", id] });
    void qc.invalidateQueries({ queryKey: ["checks"] });
  };

  // Every save goes through the device's queue: sent at once when there is a network, kept and sent
  // later when there is not, always with the version the edits were made on.
  const save = useMutation({
    networkMode: "always",
    mutationFn: async () => {
      if (Object.keys(problems).length) {
        setLocalError(t("run.fixFirst"));
        throw new Error(t("run.fixFirst"));
      }
      setLocalError(null);
      await enqueueReport(userId, id, baseVersion, {
        summary,
        results: leaves
          .filter((c) => drafts[c.code]?.outcome)
          .map((c) => {
            const d = drafts[c.code];
            return { criterion: c.code, outcome: d.outcome as string, points: d.outcome === "partial" ? d.points : null, note: d.note };
          }),
      }, drafts as QueueDrafts, baseOf(report), me?.full_name || me?.username);
      await dropUnsaved(userId, id);
      setDirty(false);
      // a photo whose criterion has no result yet stays held: the server files a photo under its result
      await queueHeld(me?.full_name || me?.username, (p) => Boolean(drafts[p.criterion]?.outcome));
      await flushQueue(true);
    },
    onSuccess: () => { setSavedAt(new Date()); upload.reset(); },
  });
  const transition = useMutation({
    networkMode: "always",
    mutationFn: async (action: "start" | "complete" | "sign" | "cancel") => {
      if (!navigator.onLine) throw new Error(t("field.needsNetwork"));
      if ((action === "complete" || action === "sign") && dirty) await save.mutateAsync();
      if (action === "complete" || action === "sign") {
        await flushQueue(true);
        const left = (await queueItems(userId)).filter((i) => i.checkId === id).length;
        if (left) throw new Error(t("field.pending", { count: left }));
      }
      if (action === "complete") {
        const missing = leaves.filter((c) => !drafts[c.code]?.outcome).length;
        if (missing) throw new Error(t("run.missing", { count: missing }));
      }
      if (action === "sign") return api.post(`inspection/checks/${id}/report/sign/`, leadSignature ? { signature: leadSignature } : {});
      if (action === "cancel") return api.post(`inspection/checks/${id}/cancel/`, { reason: cancelReason });
      return api.post(`inspection/checks/${id}/${action}/`);
    },
    onSuccess: () => {
      setCancelOpen(false);
      setSignOpen(false);
      setCompleteOpen(false);
      refresh();
    },
  });
  // The device goes to the unit's representative: the server limits this session to the signature step,
  // and the whole page reloads into the hand-over screen (nothing of the app stays in memory).
  const handover = useMutation({
    networkMode: "always",
    mutationFn: async () => {
      await api.post(`inspection/checks/${id}/report/handover/`);
      // before the reload: a phone that goes offline now still opens the hand-over screen, not the app
      if (me) await enterHandover({ ...me, handover: id }).catch(() => undefined);
    },
    onSuccess: () => window.location.assign("/handover"),
  });
  // A photo is resized and hashed on the device, stamped with its time and position, queued behind the
  // results it illustrates (saved first), and sent when the network allows.
  const upload = useMutation({
    networkMode: "always",
    mutationFn: async ({ file, criterion }: { file: File; criterion: Criterion }) => {
      const takenAt = new Date();
      const photo = await preparePhoto(file, criterion.code, takenAt);
      // the results it illustrates cannot be saved yet (no result chosen for its criterion, or a result
      // not valid yet): never drop the photo, keep it with its criterion until a save carries its result
      if (!drafts[criterion.code]?.outcome || (dirty && Object.keys(problems).length)) {
        await holdPhoto(photo);
        return;
      }
      if (dirty) await save.mutateAsync();
      await enqueuePhoto(userId, id, photo, me?.full_name || me?.username);
      await flushQueue(true);
    },
  });

  // the signing steps call the check's lead what the minutes call him (leadTitle): "Tổ trưởng" only for
  // one who holds that post, else "Phụ trách cuộc kiểm tra" (issue 15)
  const titled = check ? { title: leadTitle(check, t), titleInline: leadTitle(check, t, true) } : {};
  if (checkQ.isPending) return <Spinner />;
  if (checkQ.isError || !check) return <ErrorState error={checkQ.error} onRetry={() => checkQ.refetch()} />;

  const evidence = report?.evidence ?? [];
  const evidenceFor = (c: Criterion) => evidence.filter((e) => e.criterion === c.code);
  const fileUrl = (e: ReportEvidence) => `/api/inspection/checks/${id}/report/evidence/${e.id}/`;
  const findings = rows(findingsQ.data);

  return (
    <>
      <div className="breadcrumb">
        <Link to="/inspection/checks">{t("checks.title")}</Link> / {check.reference}
      </div>
      <PageHeader
        title={`${check.reference} — ${check.unit.name}`}
        subtitle={
          <span className="row">
            <CheckStateBadge value={check.state} awaitingUnit={check.awaiting_unit_signature} />
            <span>{t(`mode.${check.mode}`, { defaultValue: check.mode })}</span>
            {/* once carried out, when it ran (the planned window in brackets): user review of stop 26 */}
            {check.started_at
              ? <span data-testid="check-ran">· {t("run.ran", { from: fmtDateTime(check.started_at), to: check.completed_at ? fmtTime(check.completed_at).slice(0, 5) : "…", planned: fmtDateTime(check.window_start) })}</span>
              : <span>· {fmtDateTime(check.window_start)} – {fmtTime(check.window_end).slice(0, 5)}</span>}
            {check.counter && <span>· {check.counter.name}</span>}
            <span data-testid="check-lead">· {leadTitle(check, t)}: {personName(check.lead)}</span>
          </span>
        }
        actions={
          <>
            {check.state === "planned" && isTeam && (
              <>
                <ActionButton type="button" className="btn btn-ghost" why={!isLead && me?.role !== "inspection_lead" && t("why.leadOnlyCancel")} onClick={() => setCancelOpen(true)} data-testid="check-cancel">{t("run.cancel")}</ActionButton>
                <ActionButton className="btn btn-primary btn-lg" why={(transition.isPending && t("why.busy")) || (!isLead && t("why.leadOnlyStart"))} onClick={() => { transition.reset(); setStartOpen(true); }} data-testid="check-start">
                  {t("run.start")}
                </ActionButton>
              </>
            )}
            {check.state === "in_progress" && isTeam && (
              <ActionButton type="button" className="btn btn-secondary" why={completeWhy({ busy: transition.isPending, loading: reportLoading, isLead, missing: leaves.filter((c) => !drafts[c.code]?.outcome).length }, t)}
                onClick={() => { transition.reset(); setCompleteOpen(true); }} data-testid="check-complete">
                {t("run.complete")}
              </ActionButton>
            )}
            {check.state === "completed" && isTeam && !signed && (
              <ActionButton className="btn btn-success" why={signWhy({ busy: transition.isPending, isLead, online, dirty, problems: Object.keys(problems).length, blockers: report?.sign_blockers ?? [], en }, t)}
                onClick={() => { transition.reset(); setSignOpen(true); }} data-testid="check-sign">
                {t("run.sign")}
              </ActionButton>
            )}
            {report?.signed && (
              <FileLink href={`/api/inspection/checks/${id}/report/pdf/`} open data-testid="minutes-pdf">
                {t("run.minutes")}
              </FileLink>
            )}
          </>
        }
      />
      <FieldQueueBar checkId={id} />
      {keptAt && !online && <div className="notice" style={{ marginBottom: 12 }} data-testid="kept-copy">{t("field.fromDevice", { time: fmtDateTime(keptAt) })}</div>}
      {transition.isError && <InlineError error={transition.error} />}
      {check.state === "planned" && <div className="notice notice-amber" style={{ marginBottom: 16 }}>{t("run.plannedNote")}</div>}
      {check.state === "planned" && (
        <Card title={t("run.team")}>
          <ul className="plain-list" data-testid="check-team">
            {check.lead && <li>{personName(check.lead)} ({leadTitle(check, t)})</li>}
            {(check.team ?? []).filter((u) => u.id !== check.lead?.id).map((u) => <li key={u.id}>{personName(u)}</li>)}
          </ul>
        </Card>
      )}
      {check.unit_gone && (
        <div className="notice notice-red" style={{ marginBottom: 16 }} data-testid="check-unit-gone">
          {t("run.unitGone", { day: fmtDate(check.unit_gone.last_day) })}
          {check.unit_gone.successor && <> {t("run.unitGoneSuccessor", { name: check.unit_gone.successor.name })}</>}
        </div>
      )}
      {signed && report && (
        <div className={`notice ${report.representative ? "notice-green" : "notice-amber"}`} style={{ marginBottom: 16 }} data-testid="signed-banner">
          {/* the seal code right after its label (it read as missing when the representative's lines came between);
              signed by the lead alone, the minutes are not yet signed: they await the unit (step 2) */}
          <div data-testid="seal">{report.representative ? t("run.signedBanner", { at: fmtDateTime(report.signed_at) }) : t("run.leadSignedBanner", { ...titled, at: fmtDateTime(report.signed_at) })} <code className="hash" style={{ display: "inline", padding: "1px 4px" }}>{report.content_hash}</code></div>
          {report.representative && (
            <div data-testid="rep-signed" style={{ marginTop: 6 }}>
              {t("sign.done", { name: report.representative.name, post: report.representative.post, at: fmtDateTime(report.representative.signed_at) })}
              {" "}<span className="badge" data-testid="rep-identity">{t(report.representative.identity === "verified" ? "sign.verifiedBadge" : "sign.declaredBadge")}</span>
              {report.representative.opinion && <div>{t("sign.opinionShown", { opinion: report.representative.opinion })}</div>}
            </div>
          )}
        </div>
      )}
      {(report?.flags ?? []).length > 0 && (
        <div className="notice notice-red" style={{ marginBottom: 16 }} data-testid="report-flags">
          <strong>{t("run.flagsTitle")}</strong>
          <ul style={{ margin: "4px 0 0", paddingLeft: 18 }}>
            {(report?.flags ?? []).map((f, i) => (
              <li key={i}>{(i18n.language.startsWith("en") ? f.en : f.vi) ?? f.code}</li>
            ))}
          </ul>
        </div>
      )}
      {signed && report && !report.representative && isLead && online && !amendedAfterSigning && (
        <Card title={t("sign.repTitle")}>
          <div data-testid="handover-card">
            <ol className="sign-steps">
              <li className="done">{t("sign.step1", titled)} ✓</li>
              <li className="current">{t("sign.step2")}</li>
            </ol>
            <p className="muted">{t("handover.startHint")}</p>
            {handover.isError && <InlineError error={handover.error} />}
            <ActionButton type="button" className="btn btn-success btn-lg btn-block" why={handover.isPending && t("why.busy")} onClick={() => handover.mutate()} data-testid="handover-start">
              {t("handover.start")}
            </ActionButton>
          </div>
        </Card>
      )}
      {check.state !== "planned" && check.state !== "cancelled" && (
        <div className="run-layout">
          <div>
            {reportQ.isPending || criteriaQ.isPending ? (
              <Spinner />
            ) : reportQ.isError || criteriaQ.isError ? (
              <ErrorState error={reportQ.error ?? criteriaQ.error} onRetry={() => { void reportQ.refetch(); void criteriaQ.refetch(); }} />
            ) : (
              <Card title={t("run.criteria")}>
                <CriteriaChecklist
                  criteria={criteria}
                  drafts={drafts}
                  serverErrors={Object.fromEntries(refused.map((c) => [c.code, bilingualPart(c.message, i18n.language.startsWith("en"))]))}
                  readOnly={!editable}
                  readOnlyWhy={t(readOnlyReason({ signed, isTeam }))}
                  onChange={(code, d) => {
                    setDrafts((all) => ({ ...all, [code]: d }));
                    setDirty(true);
                  }}
                  renderExtra={(c) => (
                    <>
                      {evidenceFor(c).map((e) => {
                        // the photo's time and place are what the device declared; the receipt time is the server's
                        const d = e.device_declared;
                        const lines = [
                          d?.captured_at ? t("photo.declared", { time: fmtDateTime(d.captured_at) }) : "",
                          d && d.latitude != null ? t("photo.declaredWhere", { lat: d.latitude, lon: d.longitude, acc: d.accuracy_m ?? "?" }) : "",
                          e.received_at ? t("photo.received", { time: fmtDateTime(e.received_at) }) : "",
                        ].filter(Boolean);
                        return (
                          <span className="evidence-chip" key={e.id} title={[e.sha256, ...lines].join(" · ")} data-testid="evidence-chip">
                            <Icon name="clip" /> <a href={fileUrl(e)} target="_blank" rel="noreferrer">{e.filename}</a> <span className="muted evidence-size">{fmtBytes(e.size)}</span>
                            {lines.map((l) => <span key={l} className="muted evidence-declared">{l}</span>)}
                            {e.device_time_before_check && <span className="badge badge-amber evidence-declared" data-testid="device-time-doubtful">{t("photo.beforeCheck")}</span>}
                          </span>
                        );
                      })}
                      {fieldQ.photos.filter((p) => p.photo?.criterion === c.code).map((p) => (
                        <span className="evidence-chip evidence-queued" key={`q${p.seq}`} data-testid="photo-queued">
                          <Icon name="clip" /> {p.photo?.name} <span className="muted">{t("field.photoQueued")}</span>
                        </span>
                      ))}
                      {held.filter((p) => p.criterion === c.code).map((p) => (
                        <HeldPhotoChip key={`h${p.sha256}`} photo={p} onRemove={() => void removeHeld(p)}
                          hint={t(!drafts[c.code]?.outcome ? "run.photoHeldOutcome" : problems[c.code] ? "run.photoHeldNote" : Object.keys(problems).length ? "run.photoHeldSave" : "run.photoHeldReady")} />
                      ))}
                      {editable && (
                        <label className="btn btn-ghost btn-sm file-btn">
                          <Icon name="camera" /> {upload.isPending && upload.variables?.criterion.code === c.code ? t("field.preparing") : t("run.addPhoto")}
                          <input type="file" accept="image/jpeg,image/png,image/webp" capture="environment" data-testid={`photo-${c.code}`} onChange={(e) => { const f = e.target.files?.[0]; e.target.value = ""; if (f) upload.mutate({ file: f, criterion: c }); }} />
                        </label>
                      )}
                      {isTeam && drafts[c.code]?.outcome === "fail" && (
                        <button type="button" className="btn btn-ghost btn-sm" onClick={() => setFindingFor({ criterion: c })}>
                          <Icon name="warning" /> {t("run.fileFinding")}
                        </button>
                      )}
                    </>
                  )}
                />
                <Field label={t("run.summary")}>
                  <textarea value={summary} disabled={!editable} onChange={(e) => { setSummary(e.target.value); setDirty(true); }} rows={3} />
                </Field>
                {upload.isError && <InlineError error={upload.error} />}
              </Card>
            )}
          </div>
          <aside className="run-side">
            <Card title={t("run.runningScore")}>
              <div className={`score-dial${critical.length ? " score-failed" : ""}`} data-testid="running-score">
                <div className="big">{fmtNumber(live.score, 1)}</div>
                <div className="muted">{t("run.of")} {fmtNumber(live.max, 1)} · {fmtNumber(live.percent, 1)}%</div>
              </div>
              <div className="score-bar" style={{ margin: "10px 0" }}>
                <span style={{ width: `${live.percent}%`, background: scoreColour(live.percent, critical) }} />
              </div>
              {critical.length > 0 && <div className="inline-error" data-testid="score-critical">{t("run.criticalFailed", { codes: critical.join(", ") })}</div>}
              <div className="muted small">{t("run.answered", { done: live.answered, total: leaves.length })}</div>
              {editable && (
                <div className="stack" style={{ marginTop: 12 }}>
                  <ActionButton type="button" className="btn btn-primary btn-block" why={(save.isPending && t("why.busy")) || (!dirty && t("why.nothingChanged"))} onClick={() => save.mutate()} data-testid="report-save">
                    {save.isPending ? t("run.saving") : t("run.save")}
                  </ActionButton>
                  <div className="small muted" style={{ textAlign: "center" }}>
                    {dirty ? <span data-testid="report-unsaved">{restoredUnsaved ? t("run.unsavedRestored") : t("run.unsaved")}</span> : refused.length ? <span style={{ color: "var(--red)" }} data-testid="report-refused">{t("field.refused", { codes: refused.map((c) => c.code).join(", ") })}</span> : queued ? t("field.savedLocal") : savedAt ? t("run.saved", { time: fmtTime(savedAt) }) : ""}
                  </div>
                  {localError ? <div className="inline-error">{localError}</div> : save.isError && <InlineError error={save.error} />}
                </div>
              )}
            </Card>
            <Card
              title={t("run.findings")}
              actions={isTeam && <button type="button" className="btn btn-secondary btn-sm" onClick={() => setFindingFor({})} data-testid="file-finding">+ {t("run.fileFinding")}</button>}
            >
              {findings.length === 0 ? (
                <p className="muted">{t("run.noFindings")}</p>
              ) : (
                <ul className="plain-list">
                  {findings.map((f) => (
                    <li key={f.id}>
                      <Link to={`/inspection/findings/${f.id}`}><strong>{f.reference}</strong></Link> {f.title}
                      <div className="row" style={{ gap: 6, marginTop: 3 }}>
                        <SeverityBadge value={f.severity} /> <FindingStateBadge value={f.state} />
                      </div>
                    </li>
                  ))}
                </ul>
              )}
            </Card>
          </aside>
        </div>
      )}
      {findingFor && (
        <NewFindingDialog
          prefill={{
            source: "check",
            check: check.id,
            unitId: check.unit.id,
            counterId: check.counter?.id ?? null,
            window: { from: check.started_at ?? check.window_start, to: check.completed_at ?? null },
            criterion: findingFor.criterion?.code,
            categoryCode: findingFor.criterion?.category,
            reportPhotos: findingFor.criterion ? evidenceFor(findingFor.criterion).map((e) => ({ id: e.id, filename: e.filename })) : [],
            title: findingFor.criterion ? criterionFindingTitle(t, findingFor.criterion) : "",
            description: findingFor.criterion ? drafts[findingFor.criterion.code]?.note ?? "" : "",
          }}
          onClose={() => setFindingFor(null)}
          onCreated={(f) => {
            setFindingFor(null);
            void qc.invalidateQueries({ queryKey: ["findings"] });
            navigate(`/inspection/findings/${f.id}`);
          }}
        />
      )}
      {startOpen && (
        <ConfirmDialog
          title={t("run.start")}
          message={<>{t("run.startConfirm")}{new Date(check.window_start) > new Date() && <><br /><strong data-testid="start-early">{t("run.startEarly", { from: fmtDateTime(check.window_start), to: fmtDateTime(check.window_end) })}</strong></>}</>}
          confirmLabel={t("run.start")}
          busy={transition.isPending}
          error={transition.isError ? transition.error : undefined}
          onConfirm={() => transition.mutate("start", { onSuccess: () => setStartOpen(false) })}
          onClose={() => setStartOpen(false)}
        />
      )}
      {completeOpen && (
        <ConfirmDialog
          title={t("run.complete")}
          message={t("run.completeConfirm")}
          confirmLabel={t("run.complete")}
          busy={transition.isPending}
          error={transition.isError ? transition.error : undefined}
          onConfirm={() => transition.mutate("complete")}
          onClose={() => setCompleteOpen(false)}
        />
      )}
      {signOpen && (
        <Modal
          title={t("sign.leadTitle", titled)}
          onClose={() => setSignOpen(false)}
          footer={
            <>
              <button type="button" className="btn btn-secondary" onClick={() => setSignOpen(false)}>{t("action.close")}</button>
              <ActionButton type="button" className="btn btn-success" why={transition.isPending && t("why.busy")} onClick={() => transition.mutate("sign")} data-testid="lead-sign-submit">{t("sign.leadSubmit")}</ActionButton>
            </>
          }
        >
          <p>{t("run.signConfirm")}</p>
          <p className="muted small">{t("sign.leadHint")}</p>
          <div className="field">
            <span className="field-label">{t("sign.leadPad", titled)}</span>
            <SignatureBox onChange={setLeadSignature} />
          </div>
          {transition.isError && <InlineError error={transition.error} />}
        </Modal>
      )}
      {cancelOpen && (
        <Modal
          title={t("run.cancel")}
          onClose={() => setCancelOpen(false)}
          footer={
            <>
              <button type="button" className="btn btn-secondary" onClick={() => setCancelOpen(false)}>{t("action.close")}</button>
              <ActionButton className="btn btn-danger" why={(transition.isPending && t("why.busy")) || (!cancelReason.trim() && t("why.reasonNeeded"))} onClick={() => transition.mutate("cancel")}>{t("run.cancel")}</ActionButton>
            </>
          }
        >
          <Field label={t("run.cancelReason")}>
            <textarea value={cancelReason} onChange={(e) => setCancelReason(e.target.value)} />
          </Field>
          {transition.isError && <InlineError error={transition.error} />}
        </Modal>
      )}
    </>
  );
}
