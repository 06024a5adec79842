import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useParams } from "react-router";
import { useTranslation } from "react-i18next";
import { DateInput, useDateValidity } from "../../components/DateInput";
import { Icon } from "../../components/Icon";
import { ApiError, api } from "../../api/client";
import { Badge, Card, ErrorState, Field, InlineError, Modal, PageHeader, Spinner } from "../../components/ui";
import { SeverityBadge, useBilingual } from "../../components/labels";
import { fmtBytes, fmtDate, fmtDateTime, localDay } from "../../components/format";
import { useMe } from "../../hooks/use-me";
import { CASE_STATES, LIM_TONE } from "./CasesPage";
import type { DisciplinaryCase, RuleSetFull } from "../../types/accountability";
import { ActionButton } from "../../components/ActionButton";

type Dialog = "propose" | "decide" | "appeal" | "accept" | "refuse" | "resolve" | "council" | "noSelfReview" | null;
const TITLES: Record<string, string> = {
  propose: "cases.propose", decide: "cases.decide", appeal: "cases.fileAppeal", resolve: "cases.resolveAppeal",
  council: "cases.recordCouncil", noSelfReview: "cases.noSelfReviewTitle", accept: "cases.acceptAppeal",
  refuse: "cases.refuseComplaint",
};
const ANSWER_TONE: Record<string, "blue" | "red" | "green" | "amber"> = {
  running: "blue", late: "red", answered: "green", answered_late: "amber",
};
const NEXT: Record<string, string[]> = {
  open: ["self_review", "considering", "dropped"],
  self_review: ["considering", "dropped"],
  considering: ["dropped"],
  decided: ["closed"],
  appealed: [],
};

export default function CaseDetailPage() {
  const { id = "" } = useParams();
  const { t } = useTranslation();
  const bi = useBilingual();
  const qc = useQueryClient();
  const me = useMe().data;
  const canEdit = me?.role === "disciplinary";
  const q = useQuery({ queryKey: ["case", id], queryFn: () => api.get<DisciplinaryCase>(`accountability/cases/${id}/`) });
  const rulesQ = useQuery({ queryKey: ["ruleset", "current"], queryFn: () => api.get<RuleSetFull>("accountability/rulesets/current/"), staleTime: 10 * 60_000 });
  const [dialog, setDialog] = useState<Dialog>(null);
  const [form, setForm] = useState("");
  const [note, setNote] = useState("");
  const [number, setNumber] = useState("");
  const [authority, setAuthority] = useState("");
  const [date, setDate] = useState(localDay(new Date()));
  const dates = useDateValidity();
  const [receivedOn, setReceivedOn] = useState("");
  const [result, setResult] = useState("upheld");
  const [acceptedOn, setAcceptedOn] = useState("");
  const [complex, setComplex] = useState(false);
  const [reason, setReason] = useState("");
  const [factorKind, setFactorKind] = useState<"aggravating" | "mitigating">("mitigating");
  const [factorText, setFactorText] = useState("");
  const [docKind, setDocKind] = useState("self_review");

  const onDone = (data: DisciplinaryCase) => {
    qc.setQueryData(["case", id], data);
    void qc.invalidateQueries({ queryKey: ["cases"] });
    setDialog(null);
    setNote("");
    setReceivedOn("");
    setAcceptedOn("");
    setComplex(false);
    setReason("");
    setNumber("");
    setAuthority("");
  };
  const post = useMutation({ mutationFn: ({ path, body }: { path: string; body: unknown }) => api.post<DisciplinaryCase>(`accountability/cases/${id}/${path}`, body), onSuccess: onDone });
  const del = useMutation({ mutationFn: (path: string) => api.del<DisciplinaryCase>(`accountability/cases/${id}/${path}`), onSuccess: onDone });

  if (q.isPending) return <Spinner />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => q.refetch()} />;
  const c = q.data;
  const comp = c.computed;
  const forms = (rulesQ.data?.forms ?? []).filter((f) => f.subject_kind === c.subject_kind);
  const lim = comp?.limitation;
  const stateIdx = CASE_STATES.indexOf(c.state);

  function submit() {
    if (dialog === "propose") post.mutate({ path: "propose/", body: { form, note } });
    if (dialog === "decide") post.mutate({ path: "decide/", body: { form, decision_number: number, authority, decision_date: date, received_on: receivedOn || null, note } });
    if (dialog === "appeal") post.mutate({ path: "appeal/", body: { filed_on: date, text: note, accepted_on: acceptedOn || null, is_complex: complex } });
    if (dialog === "accept") post.mutate({ path: "appeal/accept/", body: { accepted_on: date, is_complex: complex } });
    if (dialog === "refuse") post.mutate({ path: "complaints/refuse/", body: { received_on: date, text: note, refused_on: acceptedOn || null, reason } });
    if (dialog === "resolve") post.mutate({ path: "appeal/resolve/", body: { result, decided_on: date, received_on: receivedOn || null, note, form: result === "changed" ? form : "", decision_number: number, signer: authority } });
    if (dialog === "council") post.mutate({ path: "council/", body: { held_on: date, note } });
    if (dialog === "noSelfReview") post.mutate({ path: "transition/", body: { to: "considering", no_self_review_reason: note } });
  }
  const hasSelfReview = c.documents.some((d) => d.kind === "self_review");
  const canAppeal = c.state === "decided" && (!c.appeal_filed_on || (!!c.appeal_result && !c.appeal2_filed_on));
  const dl = comp?.deadlines;

  return (
    <>
      <div className="breadcrumb"><Link to="/accountability/cases">{t("cases.title")}</Link> / {c.reference}</div>
      <PageHeader
        title={`${c.reference} — ${c.title}`}
        subtitle={
          <span className="row">
            <Badge tone="blue">{t(`cases.state.${c.state}`)}</Badge>
            <span>{t(`cases.kind.${c.subject_kind}`)}: <strong>{c.officer ? `${c.officer.rank} ${c.officer.full_name}` : c.unit?.name}</strong></span>
            {c.officer && <Link to={`/accountability/heads/${c.officer.id}`}>{t("heads.profile")} →</Link>}
          </span>
        }
        actions={
          canEdit && (
            <>
              {(NEXT[c.state] ?? []).map((s) => (
                <button key={s} type="button" className="btn btn-secondary" onClick={() => (s === "considering" && c.subject_kind === "officer" && !hasSelfReview
                  ? setDialog("noSelfReview")
                  : post.mutate({ path: "transition/", body: { to: s, note: "" } }))}>
                  → {t(`cases.state.${s}`)}
                </button>
              ))}
              {["open", "self_review", "considering"].includes(c.state) && (
                <button type="button" className="btn btn-secondary" onClick={() => { setForm(comp?.computed_form?.code ?? ""); setDialog("propose"); }}>{t("cases.propose")}</button>
              )}
              {c.state === "considering" && !c.council_held_on && (
                <button type="button" className="btn btn-secondary" onClick={() => setDialog("council")}>{t("cases.recordCouncil")}</button>
              )}
              {c.state === "considering" && c.proposed_form && (
                <button type="button" className="btn btn-primary" onClick={() => { setForm(c.proposed_form?.code ?? comp?.computed_form?.code ?? ""); setDialog("decide"); }}>{t("cases.decide")}</button>
              )}
              {canAppeal && <button type="button" className="btn btn-secondary" onClick={() => setDialog("appeal")}>{t(c.appeal_filed_on ? "cases.fileAppeal2" : "cases.fileAppeal")}</button>}
              {c.state === "appealed" && <button type="button" className="btn btn-secondary" onClick={() => setDialog("accept")}>{t("cases.acceptAppeal")}</button>}
              {c.state === "appealed" && <button type="button" className="btn btn-primary" onClick={() => setDialog("resolve")}>{t("cases.resolveAppeal")}</button>}
              {["decided", "appealed", "closed"].includes(c.state) && c.decision_date && (
                <button type="button" className="btn btn-ghost" data-testid="refuse-complaint" onClick={() => setDialog("refuse")}>{t("cases.refuseComplaint")}</button>
              )}
            </>
          )
        }
      />
      {(post.isError || del.isError) && <InlineError error={post.error ?? del.error} />}
      <ol className="stepper" aria-label={t("cases.history")}>
        {["open", "self_review", "considering", "decided", "closed"].map((s, i) => (
          <li key={s} className={CASE_STATES.indexOf(s) <= stateIdx && c.state !== "dropped" ? "done" : ""}>
            <span className="step-dot">{i + 1}</span>
            {t(`cases.state.${s}`)}
          </li>
        ))}
      </ol>
      <div className="grid-main-side">
        <div>
          <Card title={t("cases.steps")}>
            {comp ? (
              <>
                <ol className="escalation" data-testid="escalation">
                  {comp.violations.map((v) => (
                    <li key={v.finding_id} className={v.time_barred ? "barred" : ""} data-testid="case-violation">
                      <Link to={`/accountability/trace/${v.finding_id}`}>{v.reference}</Link> ({fmtDate(v.occurred_on)}) → <strong>{bi(v.form.name_vi, v.form.name_en)}</strong>
                      {v.time_barred && <Badge tone="grey">{t("cases.timeBarred")}</Badge>}
                      {/* the rule by its name and basis, the code only in brackets (issue 15: never a bare "V1") */}
                      <div className="small" data-testid="case-violation-rule">
                        {t("cases.ruleApplied")}: <strong>{bi(v.rule_name_vi, v.rule_name_en) || v.rule}</strong> <span className="code muted">({v.rule})</span>
                        {v.rule_basis && <> · {t("cases.ruleBasis")}: {v.rule_basis}</>}
                      </div>
                      <div className="small muted">{bi(v.why_vi, v.why_en)}</div>
                    </li>
                  ))}
                  {comp.steps.map((s, i) => (
                    <li key={i} className={s.change > 0 ? "up" : s.change < 0 ? "down" : ""}>
                      <strong>{t(`cases.step.${s.code}`, { defaultValue: s.code })}:</strong> {bi(s.text_vi, s.text_en)}
                      {s.change !== 0 && <Badge tone={s.change > 0 ? "red" : "green"}>{s.change > 0 ? "+" : ""}{t("cases.change", { n: s.change })}</Badge>}
                    </li>
                  ))}
                </ol>
                <div className="computed-form">
                  {t("cases.computed")}: <strong>{comp.computed_form ? bi(comp.computed_form.name_vi, comp.computed_form.name_en) : "—"}</strong>
                </div>
              </>
            ) : (
              <p className="muted">—</p>
            )}
          </Card>
          <Card title={t("cases.findings")}>
            <ul className="plain-list">
              {c.findings.map((f) => (
                <li key={f.id} className="row">
                  <Link to={`/accountability/trace/${f.id}`}><strong>{f.reference}</strong></Link> {f.title} <SeverityBadge value={f.severity} />
                  <span className="muted small">{fmtDateTime(f.occurred_from)} · {f.unit.name}</span>
                  {canEdit && c.findings.length > 1 && <button type="button" className="icon-btn" onClick={() => del.mutate(`findings/${f.id}/`)} aria-label={t("action.delete")}>×</button>}
                </li>
              ))}
            </ul>
          </Card>
          <Card title={t("cases.explanations", { count: (c.explanations ?? []).length })}>
            {(c.explanations ?? []).length === 0 ? (
              <p className="muted" data-testid="case-no-explanations">{t("cases.noExplanations")}</p>
            ) : (
              <ul className="plain-list" data-testid="case-explanations">
                {(c.explanations ?? []).map((x) => (
                  <li key={x.id}>
                    <strong>{t(`cases.explainKind.${x.kind}`, { defaultValue: x.kind_label })}</strong>
                    {" · "}<Link to={`/accountability/trace/${x.finding_id}`}>{x.finding_reference}</Link>
                    <p style={{ whiteSpace: "pre-wrap", margin: "4px 0" }}>{x.text}</p>
                    <div className="muted small">{x.author.name || x.author.username} · {fmtDateTime(x.at)}</div>
                  </li>
                ))}
              </ul>
            )}
          </Card>
          <Card title={t("cases.factors")}>
            <p className="small muted">{t("cases.aggravating")}: {comp?.factors.aggravating ?? 0} · {t("cases.mitigating")}: {comp?.factors.mitigating ?? 0}</p>
            <ul className="plain-list">
              {c.factors.map((f) => (
                <li key={f.id} className="row">
                  <Badge tone={f.kind === "aggravating" ? "red" : "green"}>{t(`cases.${f.kind}`)}</Badge> {f.text}
                  {canEdit && <button type="button" className="icon-btn" onClick={() => del.mutate(`factors/${f.id}/`)} aria-label={t("action.delete")}>×</button>}
                </li>
              ))}
            </ul>
            {canEdit && (
              <div className="row" style={{ marginTop: 8 }}>
                <select value={factorKind} onChange={(e) => setFactorKind(e.target.value as "aggravating" | "mitigating")} aria-label={t("cases.factors")}>
                  <option value="aggravating">{t("cases.aggravating")}</option>
                  <option value="mitigating">{t("cases.mitigating")}</option>
                </select>
                <input className="grow" value={factorText} onChange={(e) => setFactorText(e.target.value)} placeholder={t("cases.addFactor")} />
                <ActionButton type="button" className="btn btn-secondary btn-sm" why={!factorText.trim() && t("why.factorText")} onClick={() => { post.mutate({ path: "factors/", body: { kind: factorKind, text: factorText } }); setFactorText(""); }}>{t("action.add")}</ActionButton>
              </div>
            )}
          </Card>
        </div>
        <div>
          <Card title={t("cases.limitation")}>
            {lim ? (
              <>
                <Badge tone={LIM_TONE[lim.status]}>{t(`cases.lim.${lim.status}`)}</Badge>
                {lim.deadline && (
                  <p style={{ margin: "8px 0 4px" }}>
                    <strong>{lim.status === "expired" ? t("cases.barredFrom", { date: fmtDate(lim.barred_from ?? lim.deadline) }) : t("cases.deadline", { date: fmtDate(lim.deadline), days: lim.days_left })}</strong>
                  </p>
                )}
                <ul className="plain-list small" data-testid="limitations">
                  {comp?.violations.map((v) => v.limitation && (
                    <li key={v.finding_id}>
                      <Badge tone={LIM_TONE[v.limitation.status] ?? "grey"}>{t(`cases.lim.${v.limitation.status}`)}</Badge> {bi(v.limitation.message_vi, v.limitation.message_en)}
                    </li>
                  ))}
                </ul>
                {lim.basis && <p className="small muted" style={{ margin: 0 }}>{t("trace.legalBasis")}: {lim.basis}</p>}
              </>
            ) : <p className="muted">—</p>}
          </Card>
          {dl && (
            <Card title={t("cases.periods")}>
              <dl className="kv small" data-testid="periods">
                <dt>{t("cases.handling")}</dt>
                <dd>
                  {bi(dl.handling.text_vi, dl.handling.text_en)} {dl.handling.status === "late" && <Badge tone="red">{t("cases.handlingLate")}</Badge>}
                  <div className="muted">{t("trace.legalBasis")}: {dl.handling.source}</div>
                </dd>
                <dt>{t("cases.council")}</dt>
                <dd>
                  {dl.council.required
                    ? (c.council_held_on ? t("cases.councilHeld", { date: fmtDate(c.council_held_on) }) : t("cases.councilRequired"))
                    : t("cases.councilNotRequired")}
                  {c.council_note && <div>{c.council_note}</div>}
                  <div className="muted">{t("trace.legalBasis")}: {dl.council.source}</div>
                </dd>
                {(["first", "second"] as const).map((k) => dl.complaints[k] && (
                  <span key={k} style={{ display: "contents" }}>
                    <dt>{t(k === "first" ? "cases.complaint1" : "cases.complaint2")}</dt>
                    <dd>
                      {bi(dl.complaints[k]!.text_vi, dl.complaints[k]!.text_en)}
                      <div className="muted">{t("trace.legalBasis")}: {dl.complaints[k]!.source}</div>
                      {dl.complaints[k]!.answer && (
                        <div className="complaint-answer" data-testid={`answer-${k}`} style={{ marginTop: 6 }}>
                          <strong>{t("cases.answerDeadline")}:</strong> <Badge tone={ANSWER_TONE[dl.complaints[k]!.answer!.status]}>{t(`cases.answer.${dl.complaints[k]!.answer!.status}`)}</Badge>{" "}
                          {bi(dl.complaints[k]!.answer!.text_vi, dl.complaints[k]!.answer!.text_en)}
                          <div className="muted">{t("trace.legalBasis")}: {dl.complaints[k]!.answer!.source}</div>
                        </div>
                      )}
                    </dd>
                  </span>
                ))}
              </dl>
            </Card>
          )}
          <Card title={t("cases.decided")}>
            <dl className="kv small">
              <dt>{t("cases.proposed")}</dt><dd>{c.proposed_form ? bi(c.proposed_form.name_vi, c.proposed_form.name_en) : "—"}{c.proposal_note && <div className="muted">{c.proposal_note}</div>}</dd>
              <dt>{t("cases.decided")}</dt><dd data-testid="decided-form">{c.decided_form ? bi(c.decided_form.name_vi, c.decided_form.name_en) : "—"}{c.original_form && <> {t("cases.afterComplaint")}</>}</dd>
              {c.original_form && (<><dt>{t("cases.originalDecision")}</dt><dd data-testid="original-decision">{t("cases.originalDecisionText", { form: bi(c.original_form.name_vi, c.original_form.name_en), number: c.decision_number || "—", date: fmtDate(c.decision_date) })}</dd></>)}
              <dt>{t("cases.decisionNumber")}</dt><dd>{c.decision_number || "—"}</dd>
              <dt>{t("cases.authority")}</dt><dd>{c.decision_authority || "—"}</dd>
              <dt>{t("cases.decisionDate")}</dt><dd>{fmtDate(c.decision_date)}</dd>
              {c.decision_received_on && (<><dt>{t("cases.decisionReceivedOn")}</dt><dd>{fmtDate(c.decision_received_on)}</dd></>)}
              {c.self_review_waiver && (<><dt>{t("cases.noSelfReview")}</dt><dd>{c.self_review_waiver}</dd></>)}
              {c.appeal_filed_on && (<><dt>{t("cases.appeal")}</dt><dd>{fmtDate(c.appeal_filed_on)} — {c.appeal_text}{c.appeal_result && <div><Badge>{t(`cases.appealResult.${c.appeal_result}`)}</Badge> {c.appeal_note}</div>}{c.appeal_result && c.appeal_decision_number && <div className="small" data-testid="answer-decision">{t("cases.answerDecisionText", { number: c.appeal_decision_number, signer: c.appeal_signer || "—", date: fmtDate(c.appeal_decided_on) })}</div>}</dd></>)}
              {(c.refused_complaints ?? []).map((r) => (
                <span key={`refused-${r.id}`} style={{ display: "contents" }}>
                  <dt>{t("cases.refused")}</dt>
                  <dd data-testid="refused-complaint">
                    <Badge tone="red">{t(`cases.refusedGround.${r.ground}`)}</Badge>{" "}
                    {t("cases.refusedDates", { received: fmtDate(r.received_on), refused: fmtDate(r.refused_on) })} — {r.text}
                    <div className="small">{bi(r.reason_vi, r.reason_en)}</div>
                  </dd>
                </span>
              ))}
              {c.appeal2_filed_on && (<><dt>{t("cases.appeal2")}</dt><dd>{fmtDate(c.appeal2_filed_on)} — {c.appeal2_text}{c.appeal2_result && <div><Badge>{t(`cases.appealResult.${c.appeal2_result}`)}</Badge> {c.appeal2_note}</div>}{c.appeal2_result && c.appeal2_decision_number && <div className="small">{t("cases.answerDecisionText", { number: c.appeal2_decision_number, signer: c.appeal2_signer || "—", date: fmtDate(c.appeal2_decided_on) })}</div>}</dd></>)}
            </dl>
          </Card>
          <Card title={t("cases.documents")}>
            <ul className="plain-list">
              {c.documents.map((d) => (
                <li key={d.id}><Icon name="doc" /> <a href={`/api/accountability/cases/${c.id}/documents/${d.id}/`}>{d.filename}</a> <span className="muted small">{t(`cases.kindDoc.${d.kind}`)} · {fmtBytes(d.size)}</span></li>
              ))}
            </ul>
            {canEdit && (
              <div className="row" style={{ marginTop: 8 }}>
                <select value={docKind} onChange={(e) => setDocKind(e.target.value)} aria-label={t("cases.documents")}>
                  {["self_review", "minutes", "decision", "appeal", "other"].map((k) => <option key={k} value={k}>{t(`cases.kindDoc.${k}`)}</option>)}
                </select>
                <label className="btn btn-secondary btn-sm file-btn">
                  {t("cases.addDocument")}
                  <input type="file" onChange={(e) => { const file = e.target.files?.[0]; if (!file) return; const fd = new FormData(); fd.append("kind", docKind); fd.append("file", file); post.mutate({ path: "documents/", body: fd }); }} />
                </label>
              </div>
            )}
          </Card>
          <Card title={t("cases.history")}>
            <ul className="timeline-list">
              {(c.events ?? []).map((e, i) => (
                <li key={i}>
                  <strong className="small">{t(`caseVerb.${e.verb}`, { defaultValue: e.verb })}</strong>
                  {e.to_state && t(`cases.state.${e.to_state}`, { defaultValue: e.to_state }) !== t(`caseVerb.${e.verb}`, { defaultValue: e.verb }) && <> <Badge>{t(`cases.state.${e.to_state}`, { defaultValue: e.to_state })}</Badge></>}
                  <div className="small muted">{fmtDateTime(e.at)} · {e.actor_name || e.actor}</div>
                  {e.note && <div className="small">{e.note}</div>}
                </li>
              ))}
            </ul>
          </Card>
        </div>
      </div>
      {dialog && (
        <Modal
          title={t(TITLES[dialog])}
          onClose={() => setDialog(null)}
          footer={
            <>
              <button type="button" className="btn btn-secondary" onClick={() => setDialog(null)}>{t("action.cancel")}</button>
              <ActionButton type="button" className="btn btn-primary" why={(post.isPending && t("why.busy")) || (dates.bad && t("why.badDate"))} onClick={submit}>{t("action.confirm")}</ActionButton>
            </>
          }
        >
          {(dialog === "propose" || dialog === "decide" || (dialog === "resolve" && result === "changed")) && (
            <Field label={t("trace.form")}>
              <select value={form} onChange={(e) => setForm(e.target.value)}>
                <option value="">—</option>
                {forms.map((f) => <option key={f.code} value={f.code}>{f.level}. {bi(f.name_vi, f.name_en)}</option>)}
              </select>
            </Field>
          )}
          {dialog === "resolve" && (
            <Field label={t("cases.appeal")}>
              <select value={result} onChange={(e) => setResult(e.target.value)}>
                {["upheld", "changed", "annulled"].map((r) => <option key={r} value={r}>{t(`cases.appealResult.${r}`)}</option>)}
              </select>
            </Field>
          )}
          {dialog === "resolve" && (
            <>
              {result === "changed" && <p className="small muted">{t("cases.notHeavierHint")}</p>}
              <Field label={t("cases.answerNumber")}><input value={number} onChange={(e) => setNumber(e.target.value)} placeholder="12/QĐ-GQKN" data-testid="answer-number" /></Field>
              <Field label={t("cases.answerSigner")}><input value={authority} onChange={(e) => setAuthority(e.target.value)} data-testid="answer-signer" /></Field>
            </>
          )}
          {dialog === "decide" && (
            <>
              <Field label={t("cases.decisionNumber")}><input value={number} onChange={(e) => setNumber(e.target.value)} placeholder="123/QĐ-CAT" /></Field>
              <Field label={t("cases.authority")}><input value={authority} onChange={(e) => setAuthority(e.target.value)} /></Field>
            </>
          )}
          {dialog !== "propose" && dialog !== "noSelfReview" && (
            <Field label={t(dialog === "council" ? "cases.councilDate" : dialog === "appeal" || dialog === "refuse" ? "cases.appealDate" : dialog === "accept" ? "cases.acceptedOn" : dialog === "resolve" ? "cases.answerDate" : "cases.decisionDate")}><DateInput value={date} onChange={(v) => setDate(v)} onValidity={dates.bind("date")} /></Field>
          )}
          {dialog === "appeal" && (
            <Field label={t("cases.acceptedOn")} hint={t("cases.acceptedHint")}><DateInput value={acceptedOn} onChange={(v) => setAcceptedOn(v)} onValidity={dates.bind("acceptedOn")} /></Field>
          )}
          {(dialog === "appeal" || dialog === "accept") && (
            <label className="row small"><input type="checkbox" checked={complex} onChange={(e) => setComplex(e.target.checked)} /> {t("cases.complaintComplex")}</label>
          )}
          {dialog === "refuse" && (
            <>
              <Field label={t("cases.refusedOn")} hint={t("cases.refusedOnHint")}><DateInput value={acceptedOn} onChange={(v) => setAcceptedOn(v)} onValidity={dates.bind("refusedOn")} /></Field>
              <Field label={t("cases.refuseReason")} hint={t("cases.refuseReasonHint")}><textarea value={reason} onChange={(e) => setReason(e.target.value)} /></Field>
            </>
          )}
          {(dialog === "decide" || dialog === "resolve") && (
            <Field label={t(dialog === "decide" ? "cases.decisionReceivedOn" : "cases.answerReceivedOn")} hint={t("cases.receivedHint")}>
              <DateInput value={receivedOn} onChange={(v) => setReceivedOn(v)} onValidity={dates.bind("receivedOn")} />
            </Field>
          )}
          {dialog !== "accept" && (
            <Field label={t(dialog === "noSelfReview" ? "cases.noSelfReviewReason" : dialog === "appeal" || dialog === "refuse" ? "cases.complaintText" : "common.note")}><textarea value={note} onChange={(e) => setNote(e.target.value)} data-testid="dialog-text" /></Field>
          )}
          {post.isError && <InlineError error={post.error} />}
          {dialog === "appeal" && post.error instanceof ApiError && ["complaint_late", "already_appealed"].includes(post.error.code) && (
            <button type="button" className="btn btn-secondary btn-sm" data-testid="refuse-late"
              onClick={() => post.mutate({ path: "complaints/refuse/", body: { received_on: date, text: note, refused_on: null, reason: "" } })}>
              {t("cases.refuseComplaint")}
            </button>
          )}
        </Modal>
      )}
    </>
  );
}
