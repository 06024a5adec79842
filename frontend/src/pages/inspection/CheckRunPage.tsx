import { useEffect, useMemo, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate, useParams } from "react-router";
import { useTranslation } from "react-i18next";
import { Icon } from "../../components/Icon";
import { ApiError, api, rows, type Page } from "../../api/client";
import { Card, ErrorState, InlineError, Modal, Field, PageHeader, Spinner } from "../../components/ui";
import { ActionButton } from "../../components/ActionButton";
import { CheckStateBadge, FindingStateBadge, SeverityBadge, personName } from "../../components/labels";
import { fmtBytes, fmtDateTime, fmtNumber, fmtTime } from "../../components/format";
import { CriteriaChecklist, draftProblems, flattenCriteria, runningScore, type Drafts } from "../../components/inspection/CriteriaChecklist";
import { NewFindingDialog } from "../../components/inspection/NewFindingDialog";
import { useMe } from "../../hooks/use-me";
import type { CheckDetail, CheckReport, Criterion, FindingBrief, ReportEvidence } from "../../types/inspection";

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
  const checkQ = useQuery({ queryKey: ["check", id], queryFn: () => api.get<CheckDetail>(`inspection/checks/${id}/`) });
  const check = checkQ.data;
  const reportQ = useQuery({
    queryKey: ["check", id, "report"],
    enabled: Boolean(check && check.state !== "planned" && check.state !== "cancelled"),
    queryFn: async () => {
      try {
        return await api.get<CheckReport>(`inspection/checks/${id}/report/`);
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
    queryFn: () => api.get<{ criteria: Criterion[] }>(`inspection/criteria-sets/${csId}/`),
  });
  const criteria = useMemo(() => criteriaQ.data?.criteria ?? [], [criteriaQ.data]);
  const findingsQ = useQuery({
    queryKey: ["findings", { check: id }],
    enabled: Boolean(check),
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

  useEffect(() => {
    if (report !== undefined && !dirty) {
      setDrafts(draftsFrom(report));
      setSummary(report?.summary ?? "");
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [report]);

  const leaves = useMemo(() => flattenCriteria(criteria).leaves, [criteria]);
  const live = runningScore(leaves, drafts);
  const signed = Boolean(report?.signed_at) || check?.state === "signed";
  const isTeam = Boolean(me?.is_inspection_team);
  const editable = isTeam && !signed && (check?.state === "in_progress" || check?.state === "completed");
  const isLead = Boolean(me && check?.lead && check.lead.id === me.id);
  const problems = draftProblems(leaves, drafts);

  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ["check", id] });
    void qc.invalidateQueries({ queryKey: ["checks"] });
  };

  const save = useMutation({
    mutationFn: () => {
      if (Object.keys(problems).length) {
        setLocalError(t("run.fixFirst"));
        return Promise.reject(new Error(t("run.fixFirst")));
      }
      setLocalError(null);
      return api.put<CheckReport>(`inspection/checks/${id}/report/`, {
        summary,
        results: leaves
          .filter((c) => drafts[c.code]?.outcome)
          .map((c) => {
            const d = drafts[c.code];
            return { criterion: c.code, outcome: d.outcome, points: d.outcome === "partial" ? d.points : null, note: d.note };
          }),
      });
    },
    onSuccess: (r) => {
      qc.setQueryData(["check", id, "report"], r);
      setDirty(false);
      setSavedAt(new Date());
    },
  });
  const transition = useMutation({
    mutationFn: async (action: "start" | "complete" | "sign" | "cancel") => {
      if ((action === "complete" || action === "sign") && dirty) await save.mutateAsync();
      if (action === "complete") {
        const missing = leaves.filter((c) => !drafts[c.code]?.outcome).length;
        if (missing) throw new Error(t("run.missing", { count: missing }));
      }
      if (action === "sign") return api.post(`inspection/checks/${id}/report/sign/`);
      if (action === "cancel") return api.post(`inspection/checks/${id}/cancel/`, { reason: cancelReason });
      return api.post(`inspection/checks/${id}/${action}/`);
    },
    onSuccess: () => {
      setCancelOpen(false);
      refresh();
    },
  });
  const upload = useMutation({
    mutationFn: ({ file, criterion }: { file: File; criterion?: Criterion }) => {
      const fd = new FormData();
      fd.append("file", file);
      if (criterion) fd.append("criterion", criterion.code);
      return api.post<ReportEvidence>(`inspection/checks/${id}/report/evidence/`, fd);
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: ["check", id, "report"] }),
  });

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
            <CheckStateBadge value={check.state} />
            <span>{t(`mode.${check.mode}`, { defaultValue: check.mode })}</span>
            <span>· {fmtDateTime(check.window_start)} – {fmtTime(check.window_end).slice(0, 5)}</span>
            {check.counter && <span>· {check.counter.name}</span>}
            <span>· {t("checks.lead")}: {personName(check.lead)}</span>
          </span>
        }
        actions={
          <>
            {check.state === "planned" && isTeam && (
              <>
                <button type="button" className="btn btn-ghost" onClick={() => setCancelOpen(true)}>{t("run.cancel")}</button>
                <ActionButton className="btn btn-primary btn-lg" why={!isLead && t("why.leadOnlyStart")} disabled={transition.isPending} onClick={() => window.confirm(t("run.startConfirm")) && transition.mutate("start")} data-testid="check-start">
                  {t("run.start")}
                </ActionButton>
              </>
            )}
            {check.state === "in_progress" && isTeam && (
              <button type="button" className="btn btn-secondary" disabled={transition.isPending} onClick={() => transition.mutate("complete")} data-testid="check-complete">
                {t("run.complete")}
              </button>
            )}
            {check.state === "completed" && isTeam && !signed && (
              <ActionButton className="btn btn-success" why={!isLead && t("why.leadOnlySign")} disabled={transition.isPending} onClick={() => window.confirm(t("run.signConfirm")) && transition.mutate("sign")} data-testid="check-sign">
                {t("run.sign")}
              </ActionButton>
            )}
            {report?.signed && (
              <a className="btn btn-secondary" href={`/api/inspection/checks/${id}/report/pdf/`} target="_blank" rel="noreferrer" data-testid="minutes-pdf">
                {t("run.minutes")}
              </a>
            )}
          </>
        }
      />
      {transition.isError && <InlineError error={transition.error} />}
      {check.state === "planned" && <div className="notice notice-amber" style={{ marginBottom: 16 }}>{t("run.plannedNote")}</div>}
      {signed && report && (
        <div className="notice notice-green" style={{ marginBottom: 16 }} data-testid="signed-banner">
          {t("run.signedBanner", { at: fmtDateTime(report.signed_at) })} <code className="hash" style={{ marginTop: 6 }}>{report.content_hash}</code>
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
                  readOnly={!editable}
                  onChange={(code, d) => {
                    setDrafts((all) => ({ ...all, [code]: d }));
                    setDirty(true);
                  }}
                  renderExtra={(c) => (
                    <>
                      {evidenceFor(c).map((e) => (
                        <span className="evidence-chip" key={e.id} title={e.sha256}>
                          <Icon name="clip" /> <a href={fileUrl(e)} target="_blank" rel="noreferrer">{e.filename}</a> <span className="muted">{fmtBytes(e.size)}</span>
                        </span>
                      ))}
                      {editable && (
                        <label className="btn btn-ghost btn-sm file-btn">
                          <Icon name="camera" /> {t("run.addPhoto")}
                          <input type="file" accept="image/*,application/pdf" capture="environment" onChange={(e) => e.target.files?.[0] && upload.mutate({ file: e.target.files[0], criterion: c })} />
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
              <div className="score-dial" data-testid="running-score">
                <div className="big">{fmtNumber(live.score, 1)}</div>
                <div className="muted">{t("run.of")} {fmtNumber(live.max, 1)} · {fmtNumber(live.percent, 1)}%</div>
              </div>
              <div className="score-bar" style={{ margin: "10px 0" }}>
                <span style={{ width: `${live.percent}%`, background: live.percent >= 85 ? "#13804b" : live.percent >= 70 ? "#1450b8" : live.percent >= 50 ? "#d97706" : "#b42318" }} />
              </div>
              <div className="muted small">{t("run.answered", { done: live.answered, total: leaves.length })}</div>
              {editable && (
                <div className="stack" style={{ marginTop: 12 }}>
                  <button type="button" className="btn btn-primary btn-block" disabled={save.isPending || !dirty} onClick={() => save.mutate()} data-testid="report-save">
                    {save.isPending ? t("run.saving") : t("run.save")}
                  </button>
                  <div className="small muted" style={{ textAlign: "center" }}>
                    {dirty ? t("run.unsaved") : savedAt ? t("run.saved", { time: fmtTime(savedAt) }) : ""}
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
            occurredFrom: check.started_at ?? check.window_start,
            criterion: findingFor.criterion?.code,
            title: findingFor.criterion ? findingFor.criterion.text : "",
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
      {cancelOpen && (
        <Modal
          title={t("run.cancel")}
          onClose={() => setCancelOpen(false)}
          footer={
            <>
              <button type="button" className="btn btn-secondary" onClick={() => setCancelOpen(false)}>{t("action.close")}</button>
              <ActionButton className="btn btn-danger" why={!cancelReason.trim() && t("why.reasonNeeded")} disabled={transition.isPending} onClick={() => transition.mutate("cancel")}>{t("run.cancel")}</ActionButton>
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
