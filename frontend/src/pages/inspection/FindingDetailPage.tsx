import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useParams } from "react-router";
import { useTranslation } from "react-i18next";
import { Icon } from "../../components/Icon";
import { ApiError, api, rows, type Page } from "../../api/client";
import { Badge, Card, ErrorState, Field, InlineError, Modal, PageHeader, Spinner } from "../../components/ui";
import { FindingStateBadge, SeverityBadge, personName, useLocalName } from "../../components/labels";
import { fmtBytes, fmtDateTime, fmtSeconds, fmtTime } from "../../components/format";
import { FOOTAGE_ROLES, useMe } from "../../hooks/use-me";
import { can } from "../../hooks/permissions";
import type { FindingDetail } from "../../types/inspection";
import type { EvidenceItem } from "../../types/media";
import { PackagesCard } from "../../components/evidence/Packages";
import { ActionButton } from "../../components/ActionButton";
import { EditFindingDialog } from "../../components/inspection/EditFindingDialog";
import { inWords } from "../../components/reasonRule";

/** Letters the server asks of an explanation (inspection.services_findings.EXPLANATION_MIN_LETTERS). */
const EXPLAIN_MIN = 20;
const letters = (s: string) => Array.from(s).filter((ch) => /[\p{L}\p{N}]/u.test(ch)).length;

type Action = "confirm" | "dismiss" | "action";
const TARGET: Record<Action, string> = { confirm: "confirmed", dismiss: "dismissed", action: "actioned" };
/** Words the server asks of a transition reason (inspection.services_findings.TRANSITION_REASON_MIN_*). */
const REASON_WORDS = 2;
const REASON_LETTERS = 6;

export default function FindingDetailPage() {
  const { id = "" } = useParams();
  const { t } = useTranslation();
  const name = useLocalName();
  const qc = useQueryClient();
  const me = useMe().data;
  const q = useQuery({ queryKey: ["finding", id], queryFn: () => api.get<FindingDetail>(`inspection/findings/${id}/`) });
  // Footage evidence is for FOOTAGE_ROLES only: others are not sent to a refusal (a 403 shown as
  // "no evidence" told a unit head there was nothing against the unit); they get the count below.
  const seesFootage = Boolean(me && FOOTAGE_ROLES.includes(me.role));
  const mediaQ = useQuery({
    queryKey: ["media-evidence", id],
    enabled: seesFootage,
    queryFn: async () => {
      try {
        return rows(await api.get<Page<EvidenceItem>>("media/evidence/", { finding: id }));
      } catch (e) {
        if (e instanceof ApiError && (e.status === 404 || e.status === 403)) return [];
        throw e;
      }
    },
  });
  const [pending, setPending] = useState<Action | null>(null);
  const [editing, setEditing] = useState(false);
  const [edited, setEdited] = useState(false);
  const [explaining, setExplaining] = useState(false);
  const [explainKind, setExplainKind] = useState<"explanation" | "self_review">("explanation");
  const [explainText, setExplainText] = useState("");
  const [explained, setExplained] = useState(false);
  const explain = useMutation({
    mutationFn: () => api.post<FindingDetail>(`inspection/findings/${id}/explanations/`, { kind: explainKind, text: explainText }),
    onSuccess: (data) => {
      qc.setQueryData(["finding", id], data);
      setExplaining(false);
      setExplainText("");
      setExplained(true);
    },
  });
  const [reason, setReason] = useState("");
  const act = useMutation({
    mutationFn: (a: Action) => api.post(`inspection/findings/${id}/transition/`, { to: TARGET[a], reason }),
    onSuccess: () => {
      setPending(null);
      setReason("");
      void qc.invalidateQueries({ queryKey: ["finding", id] });
      void qc.invalidateQueries({ queryKey: ["findings"] });
    },
  });
  // a refusal shown in the dialog belongs to that attempt: it does not greet the next one
  const closeAction = () => {
    setPending(null);
    act.reset();
  };
  const upload = useMutation({
    mutationFn: (file: File) => {
      const fd = new FormData();
      fd.append("file", file);
      return api.post(`inspection/findings/${id}/evidence/`, fd);
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: ["finding", id] }),
  });

  if (q.isPending) return <Spinner />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => q.refetch()} />;
  const f = q.data;
  const evidence = f.evidence ?? [];
  // one evidence model: what the finding page attached is in f.evidence, the rest is listed here
  const media = (mediaQ.data ?? []).filter((e) => e.attached_in !== "finding");
  const isTeam = Boolean(me?.is_inspection_team);
  const canDecide = me?.role === "inspection_lead";
  // a draft is edited by the team or by whoever filed it (a reviewer, from footage): services_findings.finding_update
  const canEdit = f.state === "draft" && Boolean(me) && (isTeam || f.created_by?.id === me?.id);
  const canAction = me?.role === "inspection_lead" || me?.role === "disciplinary";
  const canTrace = ["disciplinary", "inspection_lead", "admin"].includes(me?.role ?? "") && f.state !== "draft" && f.state !== "dismissed";
  const check = f.check;
  const isUnitHead = me?.role === "unit_head";
  // confirming needs a named officer or the recorded reason why none can be named (server: finding_without_subject)
  const noOneAnswers = f.subjects.length === 0 && !f.unit_level_reason;
  const explainable = f.state === "confirmed" || f.state === "actioned";
  const explanations = f.explanations ?? [];
  const canExport = ["reviewer", "admin", "inspection_lead", "inspector"].includes(me?.role ?? "");
  // The server says whether a package can be built (report photos of the finding's criterion count
  // too); an older answer without it: only a finding with no check and nothing attached has nothing.
  const nothingToExport = f.exportable === false || (f.exportable === undefined && evidence.length + media.length === 0 && !check);

  return (
    <>
      <div className="breadcrumb">
        <Link to="/inspection/findings">{t("findings.title")}</Link> / {f.reference}
      </div>
      <PageHeader
        title={f.title}
        subtitle={
          <span className="row">
            <strong>{f.reference}</strong>
            <SeverityBadge value={f.severity} />
            <FindingStateBadge value={f.state} />
            <span>{t(`source.${f.source}`, { defaultValue: f.source })}</span>
          </span>
        }
        actions={
          <>
            {canEdit && (
              <button type="button" className="btn btn-secondary" onClick={() => { setEdited(false); setEditing(true); }} data-testid="finding-edit">{t("findings.edit.open")}</button>
            )}
            {canDecide && f.state === "draft" && (
              <>
                <button type="button" className="btn btn-secondary" onClick={() => setPending("dismiss")}>{t("findings.dismiss")}</button>
                <ActionButton className="btn btn-primary" onClick={() => setPending("confirm")} data-testid="finding-confirm" why={noOneAnswers && t("findings.whyNoSubject")}>{t("findings.confirm")}</ActionButton>
              </>
            )}
            {canDecide && f.state === "confirmed" && (
              <button type="button" className="btn btn-ghost" onClick={() => setPending("dismiss")}>{t("findings.dismiss")}</button>
            )}
            {canAction && f.state === "confirmed" && (
              <button type="button" className="btn btn-secondary" onClick={() => setPending("action")}>{t("findings.action")}</button>
            )}
            {canTrace && (
              <Link className="btn btn-primary" to={`/accountability/trace/${f.id}`} data-testid="open-trace">{t("findings.trace")} →</Link>
            )}
          </>
        }
      />
      {canDecide && f.state === "draft" && noOneAnswers && (
        <div className="notice notice-amber" role="note" data-testid="finding-no-subject" style={{ marginBottom: 12 }}>{t("findings.whyNoSubject")}</div>
      )}
      {edited && <div className="notice notice-green" role="status" data-testid="finding-edited" style={{ marginBottom: 12 }}>{t("findings.edit.saved")}</div>}
      {editing && (
        <EditFindingDialog
          finding={f}
          onClose={() => setEditing(false)}
          onSaved={(data) => {
            qc.setQueryData(["finding", id], data);
            void qc.invalidateQueries({ queryKey: ["findings"] });
            void qc.invalidateQueries({ queryKey: ["media-evidence", id] });
            setEditing(false);
            setEdited(true);
          }}
        />
      )}
      <div className="grid-main-side">
        <div>
          <Card title={t("common.details")}>
            <dl className="kv">
              <dt>{t("findings.category")}</dt>
              <dd>{name(f.category)}</dd>
              <dt>{t("common.unit")}</dt>
              <dd>{f.unit.name}</dd>
              {f.counter && (<><dt>{t("common.counter")}</dt><dd>{f.counter.name}</dd></>)}
              <dt>{t("findings.occurred")}</dt>
              <dd>{fmtDateTime(f.occurred_from)}{f.occurred_to ? ` – ${fmtDateTime(f.occurred_to)}` : ""}</dd>
              {check && (<><dt>{t("findings.fromCheck")}</dt><dd><Link to={`/inspection/checks/${check.id}`}>{check.reference}</Link></dd></>)}
            </dl>
            {f.description && <p style={{ whiteSpace: "pre-wrap", marginBottom: 0 }}>{f.description}</p>}
          </Card>
          <Card title={t("findings.subjects")}>
            {f.subjects.length === 0 ? (
              f.unit_level_reason ? (
                <p data-testid="finding-unit-level"><strong>{t("findings.unitLevel")}</strong> — {f.unit_level_reason}</p>
              ) : (
                <p className="muted">{t("findings.noSubjects")}</p>
              )
            ) : (
              <table className="table">
                <thead>
                  <tr><th>{t("findings.officer")}</th><th>{t("findings.role")}</th><th></th></tr>
                </thead>
                <tbody>
                  {f.subjects.map((s) => (
                    <tr key={`${s.officer.id}-${s.role}`}>
                      <td>
                        {can(me?.role, "officerProfile")
                          ? <Link to={`/accountability/heads/${s.officer.id}`}><strong>{s.officer.full_name}</strong></Link>
                          : <strong>{s.officer.full_name}</strong>}
                        <div className="muted small">{s.officer.rank} · {s.officer.service_number}</div>
                      </td>
                      <td>{t(`subjectRole.${s.role}`, { defaultValue: s.role })}</td>
                      <td className="small">
                        {s.knew_and_did_not_act && <span className="badge badge-amber">{t("findings.knew")}</span>}{" "}
                        {s.covered_up && <span className="badge badge-red">{t("findings.coveredUp")}</span>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Card>
          <Card
            title={t("findings.evidence")}
            actions={
              isTeam && (
                <label className="btn btn-secondary btn-sm file-btn">
                  + {t("findings.uploadEvidence")}
                  <input type="file" onChange={(e) => e.target.files?.[0] && upload.mutate(e.target.files[0])} />
                </label>
              )
            }
          >
            {upload.isError && <InlineError error={upload.error} />}
            {me && !seesFootage && (f.media_evidence_count ?? 0) > 0 && (
              <p className="muted" data-testid="media-evidence-hidden">
                <Icon name="film" /> {t("findings.mediaHidden", { count: f.media_evidence_count })}
              </p>
            )}
            {evidence.length + media.length === 0 ? (
              (seesFootage || !f.media_evidence_count) && <p className="muted">{t("findings.noEvidence")}</p>
            ) : (
              <ul className="plain-list" data-testid="evidence-list">
                {media.map((e) => (
                  <li key={`m-${e.id}`}>
                    {e.kind === "tag" && e.clip_id ? (
                      <>
                        <Icon name="film" /> {t("findings.mediaEvidence")}{" "}
                        <Link to={`/review/clips/${e.clip_id}?t=${e.start_s ?? 0}`}>
                          {e.camera && e.moment_from && e.moment_to
                            ? `${e.camera} · ${fmtDateTime(e.moment_from)}:${fmtTime(e.moment_from).slice(6)} – ${fmtTime(e.moment_to)}`
                            : `#${e.clip_id} · ${fmtSeconds(e.start_s)} – ${fmtSeconds(e.end_s)}`}
                        </Link>
                      </>
                    ) : (
                      <>
                        <Icon name="clip" /> {e.filename || e.media_ref} <span className="muted">{fmtBytes(e.size_bytes)}</span>
                        {(e.kind === "file" || e.kind === "report_photo") && (
                          <> · <a href={`/api/inspection/findings/${id}/evidence/${e.id}/`} download data-testid="evidence-download">{t("action.download")}</a></>
                        )}
                      </>
                    )}
                    {e.out_of_period && (
                      <div className="small" data-testid="evidence-outside-period">
                        <Badge tone="amber">{t("findings.outsidePeriod")}</Badge> {t("findings.outsideReason")}: {e.out_of_period_reason}
                      </div>
                    )}
                    {e.note && <div className="small">{e.note}</div>}
                    <div className="muted small">
                      {e.added_by.name} · {fmtDateTime(e.added_at)} · SHA-256 <code>{e.sha256.slice(0, 16)}…</code>
                    </div>
                  </li>
                ))}
                {evidence.map((e) => (
                  <li key={`f-${e.id}`}>
                    <Icon name="clip" /> {e.filename || e.media_ref || t(`evidenceKind.${e.kind}`, { defaultValue: e.kind })} {e.size ? <span className="muted">{fmtBytes(e.size)}</span> : null}
                    {(e.kind === "file" || e.kind === "report_photo") && (
                      <> · <a href={`/api/inspection/findings/${id}/evidence/${e.id}/`} download data-testid="evidence-download">{t("action.download")}</a></>
                    )}
                    {e.description && <div className="small">{e.description}</div>}
                    <div className="muted small">
                      {fmtDateTime(e.added_at)}
                      {e.sha256 && <> · SHA-256 <code>{e.sha256.slice(0, 16)}…</code></>}
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </Card>
          <Card
            title={t("findings.explanations")}
            actions={isUnitHead && (
              <ActionButton className="btn btn-primary btn-sm" onClick={() => setExplaining(true)} data-testid="finding-explain"
                why={!explainable && t("findings.explainOnlyConfirmed")}>
                {t("findings.explain")}
              </ActionButton>
            )}
          >
            {explained && <p className="notice notice-green" role="status">{t("findings.explained")}</p>}
            {explanations.length === 0 ? (
              <p className="muted">{t("findings.noExplanation")}</p>
            ) : (
              <ul className="plain-list" data-testid="explanation-list">
                {explanations.map((x) => (
                  <li key={x.id}>
                    <strong>{t(`findings.explainKind.${x.kind}`)}</strong>
                    <p style={{ whiteSpace: "pre-wrap", margin: "4px 0" }}>{x.text}</p>
                    <div className="muted small">{personName(x.author)} · {fmtDateTime(x.at)}</div>
                  </li>
                ))}
              </ul>
            )}
          </Card>
          {me && FOOTAGE_ROLES.includes(me.role) && (
            <PackagesCard owner={{ finding: f.id }} canExport={canExport} exportDisabledReason={nothingToExport ? t("pkg.noEvidence") : undefined} />
          )}
        </div>
        <Card title={t("findings.history")}>
          {(f.transitions ?? []).length === 0 ? (
            <p className="muted">{t("common.none")}</p>
          ) : (
            <ul className="timeline-list">
              {(f.transitions ?? []).map((tr, i) => (
                <li key={i}>
                  <div className="row" style={{ gap: 6 }}>
                    {tr.from && <FindingStateBadge value={tr.from} />} {tr.from && "→"} <FindingStateBadge value={tr.to} />
                  </div>
                  <div className="small muted">{fmtDateTime(tr.at)} · {personName(tr.actor)}</div>
                  {/* the first entry is the recording itself; older data stored a bilingual reason there */}
                  {!tr.from ? <div className="small">{t("findings.createdEvent")}</div> : tr.reason && <div className="small">{tr.reason}</div>}
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
      {explaining && (
        <Modal
          title={t("findings.explain")}
          onClose={() => setExplaining(false)}
          footer={
            <>
              <button type="button" className="btn btn-secondary" onClick={() => setExplaining(false)}>{t("action.cancel")}</button>
              <ActionButton className="btn btn-primary" onClick={() => explain.mutate()} data-testid="explain-submit"
                why={(explain.isPending && t("why.busy")) || (letters(explainText) < EXPLAIN_MIN && t("findings.explainTooShort"))}>
                {t("action.send")}
              </ActionButton>
            </>
          }
        >
          <Field label={t("findings.explainKind")}>
            <select name="kind" value={explainKind} onChange={(e) => setExplainKind(e.target.value as "explanation" | "self_review")}>
              <option value="explanation">{t("findings.explainKind.explanation")}</option>
              <option value="self_review">{t("findings.explainKind.self_review")}</option>
            </select>
          </Field>
          <Field label={t("findings.explainText")}>
            <textarea name="text" rows={6} value={explainText} onChange={(e) => setExplainText(e.target.value)} />
          </Field>
          {explain.isError && <InlineError error={explain.error} />}
        </Modal>
      )}
      {pending && (
        <Modal
          title={t(pending === "confirm" ? "findings.confirm" : pending === "dismiss" ? "findings.dismiss" : "findings.action")}
          onClose={closeAction}
          footer={
            <>
              <button type="button" className="btn btn-secondary" onClick={closeAction}>{t("action.cancel")}</button>
              <ActionButton type="button" className="btn btn-primary" why={(act.isPending && t("why.busy")) || (!reason.trim() && t("why.reasonNeeded")) || (!inWords(reason, REASON_WORDS, REASON_LETTERS) && t("trace.reasonInWords"))} onClick={() => act.mutate(pending)} data-testid="finding-action-submit">
                {t("action.confirm")}
              </ActionButton>
            </>
          }
        >
          <Field label={t("common.reason")}>
            <textarea value={reason} onChange={(e) => setReason(e.target.value)} data-testid="finding-action-reason" />
          </Field>
          {act.isError && <div data-testid="finding-action-error"><InlineError error={act.error} /></div>}
        </Modal>
      )}
    </>
  );
}
