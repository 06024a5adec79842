import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../api/client";
import { ActionButton } from "../components/ActionButton";
import { ErrorState, Field, InlineError, Modal, Spinner } from "../components/ui";
import { fmtDateTime } from "../components/format";
import { RepresentativeSignOff } from "../components/inspection/RepresentativeSignOff";
import type { HandoverStep } from "../types/inspection";

const OUTCOME: Record<string, string> = { pass: "outcome.pass", partial: "outcome.partial", fail: "outcome.fail", not_applicable: "outcome.not_applicable" };

/**
 * The device handed over to the inspected unit's representative (issue 16): the signature step of one check
 * and nothing else of the app. The server answers this session only here (and refuses everything else) until
 * the team lead re-enters their password; leaving reloads the whole page, so nothing of the app stays in memory.
 */
export default function HandoverPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const stepQ = useQuery({ queryKey: ["handover"], queryFn: () => api.get<HandoverStep>("inspection/handover/") });
  const [exitOpen, setExitOpen] = useState(false);
  const [password, setPassword] = useState("");
  const exit = useMutation({
    mutationFn: () => api.post("inspection/handover/exit/", { password }),
    onSuccess: () => window.location.assign(stepQ.data ? `/inspection/checks/${stepQ.data.check}` : "/"),
  });

  if (stepQ.isPending) return <div className="boot"><Spinner /></div>;
  if (stepQ.isError || !stepQ.data) return <div className="boot"><ErrorState error={stepQ.error} onRetry={() => stepQ.refetch()} /></div>;
  const step = stepQ.data;
  const leadName = [step.lead.rank, step.lead.name].filter(Boolean).join(" ");
  return (
    <main className="handover" data-testid="handover">
      <header className="handover-head">
        <h1>{t("handover.title")}</h1>
        <div className="handover-for">{t("handover.for", { reference: step.reference, unit: step.unit })}</div>
        <div className="muted small">{t("handover.leadSigned", { name: leadName || "—", at: fmtDateTime(step.signed_at) })}</div>
      </header>
      <details className="handover-minutes card" data-testid="handover-minutes">
        <summary>{t("handover.read")}</summary>
        <p><strong>{t("handover.score", { score: step.score, max: step.max_score, percent: step.percent })}</strong></p>
        <ul className="plain-list">
          {step.results.map((r) => (
            <li key={r.criterion}><strong>{r.criterion}</strong> {r.text} — {t(OUTCOME[r.outcome] ?? r.outcome, { defaultValue: r.outcome })}{r.note ? ` (${r.note})` : ""}</li>
          ))}
        </ul>
        <p><strong>{t("handover.summary")}:</strong> {step.summary || "—"}</p>
        <div className="muted small">{t("handover.hash")}: <code className="hash">{step.lead_content_hash}</code></div>
      </details>
      {step.representative ? (
        <div className="notice notice-green" data-testid="handover-done">
          <div>{t("sign.done", { name: step.representative.name, post: step.representative.post, at: fmtDateTime(step.representative.signed_at) })}
            {" "}<span className="badge">{t(step.representative.identity === "verified" ? "sign.verifiedBadge" : "sign.declaredBadge")}</span></div>
          <strong>{t("handover.done")}</strong>
        </div>
      ) : (
        <RepresentativeSignOff<HandoverStep> checkId={step.check} leadTitled={step} onSigned={(r) => qc.setQueryData(["handover"], r)} />
      )}
      <button type="button" className="btn btn-secondary btn-lg btn-block" onClick={() => setExitOpen(true)} data-testid="handover-exit">
        {t("handover.exit")}
      </button>
      {exitOpen && (
        <Modal
          title={t("handover.exitTitle")}
          onClose={() => { setExitOpen(false); setPassword(""); exit.reset(); }}
          footer={
            <ActionButton type="button" className="btn btn-primary" why={(exit.isPending && t("why.busy")) || (!password && t("why.handoverPassword"))} onClick={() => exit.mutate()} data-testid="handover-exit-submit">
              {t("handover.exitSubmit")}
            </ActionButton>
          }
        >
          <p>{t("handover.exitHint", { name: leadName })}</p>
          <Field label={t("sign.password")}>
            <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" data-testid="handover-password" />
          </Field>
          {exit.isError && <InlineError error={exit.error} />}
        </Modal>
      )}
    </main>
  );
}
