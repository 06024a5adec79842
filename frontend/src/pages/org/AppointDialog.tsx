import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { ApiError, api } from "../../api/client";
import { ActionButton } from "../../components/ActionButton";
import { DateInput, useDateValidity } from "../../components/DateInput";
import { OfficerPicker } from "../../components/OfficerPicker";
import { Field, InlineError, Modal } from "../../components/ui";
import { useUnits, useUnitsOn } from "../../hooks/use-ref-data";
import { fmtDate } from "../../components/format";
import type { Assignment, Officer } from "../../types/org";
import { unitLabel, useFields } from "./common";

type Kind = "staff" | "head" | "deputy";

/** Appoint an officer to a post in a unit: head / deputy (with the field of charge) / staff, acting
 *  or not, from/to dates and the decision. The server checks every rule and answers in Vietnamese. */
export function AppointDialog({ officer: fixedOfficer, unitId: fixedUnit, defaultFrom = "", onClose, onDone }: {
  officer?: Officer; unitId?: number; defaultFrom?: string; onClose: () => void; onDone?: (message: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const units = useUnits().data ?? [];
  const fields = useFields().data?.results ?? [];
  const [officer, setOfficer] = useState<Officer | null>(fixedOfficer ?? null);
  const [unitId, setUnitId] = useState<number | "">(fixedUnit ?? "");
  const [kind, setKind] = useState<Kind>("staff");
  const [acting, setActing] = useState(false);
  const [position, setPosition] = useState("");
  const [fieldId, setFieldId] = useState<number | "">("");
  const [inChargeOf, setInChargeOf] = useState("");
  const [from, setFrom] = useState(defaultFrom);
  const [to, setTo] = useState("");
  const [decision, setDecision] = useState("");
  const [reason, setReason] = useState("");
  const m = useMutation({
    mutationFn: () =>
      api.post<Assignment>("org/assignments/", {
        officer_id: officer?.id, unit_id: unitId, position, is_head: kind === "head", is_deputy: kind === "deputy",
        is_acting: kind !== "staff" && acting, field_id: kind === "deputy" && fieldId ? fieldId : null,
        in_charge_of: kind === "deputy" ? inChargeOf : "", valid_from: from, valid_to: to || null, decision_ref: decision,
        reason,
      }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ["org"] });
      if (onDone) onDone(t("appt.saved"));
      else onClose();
    },
  });
  // the unit picker lists the units that existed on the day the appointment starts
  const unitsOn = useUnitsOn(from);
  const existing = unitsOn.data ?? [];
  const chosen = units.find((u) => u.id === unitId);
  const chosenMissing = Boolean(chosen) && Boolean(unitsOn.data) && !existing.some((u) => u.id === unitId);
  const unitOptions = chosenMissing && chosen ? [chosen, ...existing] : existing;
  const unitMissingWhy = chosenMissing && chosen ? t("why.unitNotOnDay", { name: chosen.name, date: fmtDate(unitsOn.at) }) : null;
  const dates = useDateValidity();
  const why = dates.bad ? t("why.badDate") : !officer || !unitId || !position.trim() || !from ? t("appt.need") : to && to < from ? t("appt.endBeforeStart") : unitMissingWhy;
  const en = i18n.language.startsWith("en");
  return (
    <Modal
      title={t("appt.title")}
      onClose={onClose}
      wide
      footer={
        <>
          <button type="button" className="btn btn-secondary" onClick={onClose}>{t("action.cancel")}</button>
          <ActionButton className="btn btn-primary" data-testid="appt-save" why={(m.isPending && t("why.busy")) || (why)} onClick={() => m.mutate()}>{t("action.save")}</ActionButton>
        </>
      }
    >
      <div className="grid-2">
        <Field label={t("appt.officer")}>
          {fixedOfficer ? <strong>{fixedOfficer.rank} {fixedOfficer.full_name} · {fixedOfficer.service_number}</strong> : <OfficerPicker value={officer} onChange={setOfficer} />}
        </Field>
        <Field label={t("appt.unit")}>
          <select value={unitId} onChange={(e) => setUnitId(Number(e.target.value) || "")} disabled={Boolean(fixedUnit)} name="unit">
            <option value="">—</option>
            {unitOptions.map((u) => <option key={u.id} value={u.id}>{unitLabel(u, t)}</option>)}
          </select>
          {unitMissingWhy && <span className="field-hint field-warn" role="alert" data-testid="unit-not-on-day">{unitMissingWhy}</span>}
        </Field>
        <Field label={t("appt.kind")}>
          <select value={kind} onChange={(e) => setKind(e.target.value as Kind)} name="kind">
            {(["staff", "head", "deputy"] as Kind[]).map((k) => <option key={k} value={k}>{t(`appt.kind.${k}`)}</option>)}
          </select>
        </Field>
        <Field label={t("appt.position")}>
          <input value={position} onChange={(e) => setPosition(e.target.value)} name="position" placeholder={kind === "head" ? "Trưởng Công an xã" : kind === "deputy" ? "Phó Trưởng Công an xã" : "Cán bộ một cửa"} />
        </Field>
        {kind !== "staff" && (
          <Field label={t("appt.tenure")}>
            <span className="row"><input type="checkbox" checked={acting} onChange={(e) => setActing(e.target.checked)} name="acting" aria-label={t("appt.acting")} /> {t("appt.acting")}</span>
          </Field>
        )}
        {kind === "deputy" && (
          <>
            <Field label={t("appt.field")} hint={t("appt.fieldHint")}>
              <select value={fieldId} onChange={(e) => setFieldId(Number(e.target.value) || "")} name="field">
                <option value="">{t("appt.noField")}</option>
                {fields.map((f) => <option key={f.id} value={f.id}>{en ? f.name_en : f.name_vi}</option>)}
              </select>
            </Field>
            <Field label={t("appt.inChargeOf")}><input value={inChargeOf} onChange={(e) => setInChargeOf(e.target.value)} name="in_charge_of" /></Field>
          </>
        )}
        <Field label={t("appt.from")}><DateInput value={from} onChange={setFrom} onValidity={dates.bind("from")} name="valid_from" aria-label={t("appt.from")} /></Field>
        <Field label={t("appt.to")}><DateInput value={to} onChange={setTo} onValidity={dates.bind("to")} name="valid_to" aria-label={t("appt.to")} /></Field>
        <Field label={t("appt.decision")}><input value={decision} onChange={(e) => setDecision(e.target.value)} name="decision_ref" placeholder="123/QĐ-CAT" /></Field>
        {/* a post reaching into a recorded finding's period is a correction: the server asks for a reason (409) */}
        {(reason || (m.error instanceof ApiError && m.error.code === "records_in_period")) && (
          <Field label={t("appt.correctionReason")}><textarea value={reason} onChange={(e) => setReason(e.target.value)} name="reason" rows={2} /></Field>
        )}
      </div>
      {m.isError && <InlineError error={m.error} />}
    </Modal>
  );
}

/** End an appointment on a day (the server refuses an end before the start, in Vietnamese). */
export function EndAssignment({ assignment, onDone }: { assignment: Assignment; onDone?: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [on, setOn] = useState("");
  const [reason, setReason] = useState("");
  const endDates = useDateValidity();
  const m = useMutation({
    mutationFn: () => api.post<Assignment>(`org/assignments/${assignment.id}/end/`, { on, reason }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ["org"] });
      setOpen(false);
      onDone?.();
    },
  });
  if (assignment.valid_to) return null;
  return (
    <>
      <button type="button" className="btn btn-ghost btn-sm" onClick={() => setOpen(true)}>{t("appt.end")}</button>
      {open && (
        <Modal
          title={`${t("appt.end")}: ${assignment.officer.full_name} — ${assignment.position}`}
          onClose={() => setOpen(false)}
          footer={
            <>
              <button type="button" className="btn btn-secondary" onClick={() => setOpen(false)}>{t("action.cancel")}</button>
              <ActionButton className="btn btn-primary" why={(m.isPending && t("why.busy")) || (endDates.bad ? t("why.badDate") : !on ? t("org.needDate") : null)} onClick={() => m.mutate()}>{t("action.save")}</ActionButton>
            </>
          }
        >
          <Field label={t("appt.endOn")}><DateInput value={on} onChange={setOn} onValidity={endDates.bind("on")} name="end_on" aria-label={t("appt.endOn")} /></Field>
          <Field label={t("appt.endReason")}><textarea value={reason} onChange={(e) => setReason(e.target.value)} name="reason" rows={2} /></Field>
          {m.isError && <InlineError error={m.error} />}
        </Modal>
      )}
    </>
  );
}
