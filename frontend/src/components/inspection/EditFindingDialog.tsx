import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { DateTimeInput, useDateValidity } from "../DateInput";
import { ApiError, api } from "../../api/client";
import { Field, InlineError, Modal, useErrorText } from "../ui";
import { fromLocalInput, toLocalInput } from "../format";
import { OUTSIDE_REASON_MIN } from "../evidence/period";
import { ActionButton } from "../ActionButton";
import type { FindingDetail, Severity } from "../../types/inspection";
import { SubjectsEditor, subjectDrafts, subjectsPayload, unitReasonProblem, type SubjectDraft } from "./SubjectsEditor";

const SEVERITIES: Severity[] = ["less_serious", "serious", "very_serious", "especially_serious"];

/** Editing a draft finding (PATCH inspection/findings/{id}/). When the new period leaves footage already
 *  attached outside it, the server answers 409 `outside_period` naming each item and its time: the dialog
 *  shows that answer, asks for the reason and sends the edit again with `out_of_period_reason` (the
 *  reason is kept with each item and in the custody log; issue 15: the form had no way to give it). */
export function EditFindingDialog({ finding, onClose, onSaved }: { finding: FindingDetail; onClose: () => void; onSaved: (f: FindingDetail) => void }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [title, setTitle] = useState(finding.title);
  const [description, setDescription] = useState(finding.description ?? "");
  const [severity, setSeverity] = useState<Severity>(finding.severity);
  const [from, setFrom] = useState(toLocalInput(finding.occurred_from));
  const [to, setTo] = useState(finding.occurred_to ? toLocalInput(finding.occurred_to) : "");
  const [reason, setReason] = useState("");
  // the subjects (or why none can be named) are edited here too: confirming needs one or the other
  const [subjects, setSubjects] = useState<SubjectDraft[]>(() => subjectDrafts(finding.subjects));
  const [unitReason, setUnitReason] = useState(finding.unit_level_reason ?? "");
  const subjectsBody = subjectsPayload(subjects);
  const subjectsChanged = JSON.stringify(subjectsBody) !== JSON.stringify(subjectsPayload(subjectDrafts(finding.subjects)));
  const named = subjectsBody.length > 0;
  const dates = useDateValidity();
  const periodChanged = from !== toLocalInput(finding.occurred_from) || to !== (finding.occurred_to ? toLocalInput(finding.occurred_to) : "");
  const save = useMutation({
    mutationFn: () => {
      const body: Record<string, unknown> = {};
      if (title.trim() !== finding.title) body.title = title.trim();
      if (description.trim() !== (finding.description ?? "").trim()) body.description = description.trim();
      if (severity !== finding.severity) body.severity = severity;
      if (subjectsChanged) body.subjects = subjectsBody;
      const keptReason = named ? "" : unitReason.trim();
      if (keptReason !== (finding.unit_level_reason ?? "")) body.unit_level_reason = keptReason;
      if (periodChanged) {
        body.occurred_from = fromLocalInput(from);
        body.occurred_to = to ? fromLocalInput(to) : null;
        if (reason.trim()) body.out_of_period_reason = reason.trim();
      }
      return api.patch<FindingDetail>(`inspection/findings/${finding.id}/`, body);
    },
    onSuccess: onSaved,
    // the server's refusal for footage left outside the new period: its own words stay above the reason
    onError: (e) => { if (e instanceof ApiError && e.code === "outside_period") setOutside(errorText(e)); },
  });
  const [outside, setOutside] = useState("");
  const needsReason = Boolean(outside) && periodChanged;
  const reasonShort = needsReason && reason.trim().length < OUTSIDE_REASON_MIN;
  const why = (save.isPending && t("why.busy")) || (dates.bad && t("why.badDate")) || (!title.trim() && t("why.findingTitle"))
    || (!from && t("why.findingWhen")) || (reasonShort && t("findings.edit.reasonNeeded", { n: OUTSIDE_REASON_MIN }))
    || (!named && unitReasonProblem(unitReason, t));
  return (
    <Modal
      wide
      title={t("findings.edit.title", { ref: finding.reference })}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn btn-secondary" onClick={onClose}>{t("action.cancel")}</button>
          <ActionButton type="button" className="btn btn-primary" why={why} onClick={() => save.mutate()} data-testid="finding-edit-save">
            {needsReason ? t("findings.edit.saveWithReason") : t("findings.edit.save")}
          </ActionButton>
        </>
      }
    >
      <Field label={t("findings.titleCol")}>
        <input value={title} onChange={(e) => setTitle(e.target.value)} name="title" maxLength={300} />
      </Field>
      <Field label={t("findings.description")}>
        <textarea value={description} onChange={(e) => setDescription(e.target.value)} rows={3} name="description" />
      </Field>
      <Field label={t("findings.severity")}>
        <select value={severity} onChange={(e) => setSeverity(e.target.value as Severity)} name="severity">
          {SEVERITIES.map((s) => <option key={s} value={s}>{t(`severity.${s}`)}</option>)}
        </select>
      </Field>
      <div className="grid-2">
        <Field label={t("findings.occurredFrom")}>
          <DateTimeInput value={from} onChange={setFrom} onValidity={dates.bind("from")} name="occurred_from" />
        </Field>
        <Field label={t("findings.occurredTo")}>
          <DateTimeInput value={to} onChange={setTo} onValidity={dates.bind("to")} name="occurred_to" />
        </Field>
      </div>
      <SubjectsEditor subjects={subjects} onChange={setSubjects} unitId={finding.unit.id} unitName={finding.unit.name}
        day={from.slice(0, 10)} unitReason={unitReason} onUnitReason={setUnitReason} />
      {needsReason && (
        <div className="notice notice-amber" role="alert" data-testid="finding-edit-outside">
          {outside}
          <Field label={t("findings.edit.reason", { n: OUTSIDE_REASON_MIN })}>
            <textarea value={reason} onChange={(e) => setReason(e.target.value)} name="out_of_period_reason" rows={2} />
          </Field>
        </div>
      )}
      {save.isError && !(save.error instanceof ApiError && save.error.code === "outside_period") && <InlineError error={save.error} />}
    </Modal>
  );
}
