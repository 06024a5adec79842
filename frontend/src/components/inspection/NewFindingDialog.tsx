import { useState } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { DateTimeInput, useDateValidity } from "../DateInput";
import { api } from "../../api/client";
import { Field, InlineError, Modal } from "../ui";
import { SubjectsEditor, emptySubject, subjectsPayload, unitReasonProblem, type SubjectDraft } from "./SubjectsEditor";
import { fmtDate, fmtDateTime, fromLocalInput, toLocalInput } from "../format";
import { useLocalName } from "../labels";
import { useCounters, useUnits, useUnitsOn } from "../../hooks/use-ref-data";
import type { CheckBrief, FindingBrief, FindingCategory, Severity } from "../../types/inspection";
import { ActionButton } from "../ActionButton";
import { useMe } from "../../hooks/use-me";
import { FindingCheckField, useFilableChecks } from "./FindingCheckField";

const SEVERITIES: Severity[] = ["less_serious", "serious", "very_serious", "especially_serious"];

/** The catch-all kind of violation ("Vi phạm khác"), listed last. */
export const OTHER_CATEGORY = "KHAC";

/** Kinds of violation in the order a user scans them: by Vietnamese name, the catch-all last. */
export function orderCategories(cats: FindingCategory[]): FindingCategory[] {
  return [...cats].sort((a, b) => Number(a.code === OTHER_CATEGORY) - Number(b.code === OTHER_CATEGORY) || a.name_vi.localeCompare(b.name_vi, "vi"));
}

export function useCategories() {
  return useQuery({
    queryKey: ["ref", "categories"],
    queryFn: async () => orderCategories(await api.get<FindingCategory[]>("inspection/categories/")),
    staleTime: 10 * 60_000,
  });
}

export interface FindingPrefill {
  source?: "check" | "footage" | "complaint" | "rating";
  check?: string;
  unitId?: number;
  counterId?: number | null;
  occurredFrom?: string;
  occurredTo?: string | null;
  title?: string;
  description?: string;
  criterion?: string;
  categoryCode?: string;
  /** the criterion's photos in the check's report: attached to the finding once it is filed */
  reportPhotos?: { id: number; filename: string }[];
  /** When the check ran: shown as a hint with a quick fill, never filled in for the user (the trace is
   *  made as of the violation time, which the inspector states). */
  window?: { from: string; to?: string | null };
}

/** A finding filed from a failed criterion states the violation, not the criterion's positive wording. */
export function criterionFindingTitle(t: (k: string, o?: Record<string, unknown>) => string, c: { code: string; text: string }): string {
  return t("findings.criterionTitle", { code: c.code, text: c.text });
}

export function NewFindingDialog({ prefill, onClose, onCreated }: { prefill: FindingPrefill; onClose: () => void; onCreated: (f: FindingBrief) => void }) {
  const { t } = useTranslation();
  const name = useLocalName();
  const cats = useCategories().data ?? [];
  const units = useUnits().data ?? [];
  const counters = useCounters().data ?? [];
  const [categoryCode, setCategoryCode] = useState("");
  const [severity, setSeverity] = useState<Severity | "">("");
  const [title, setTitle] = useState(prefill.title ?? "");
  const [description, setDescription] = useState(prefill.description ?? "");
  const [unitId, setUnitId] = useState<number | "">(prefill.unitId ?? "");
  const [counterId, setCounterId] = useState<number | "">(prefill.counterId ?? "");
  // the violation time is entered (or comes from the footage it was seen on), never "now": the trace
  // finds who served and who headed the unit as of that day (issue 15, ui15)
  const [from, setFrom] = useState(prefill.occurredFrom ? toLocalInput(prefill.occurredFrom) : "");
  const [to, setTo] = useState(prefill.occurredTo ? toLocalInput(prefill.occurredTo) : "");
  const dates = useDateValidity();
  const [subjects, setSubjects] = useState<SubjectDraft[]>([emptySubject()]);
  const [unitReason, setUnitReason] = useState("");
  // opened from the findings list, a check finding asks which check of the user's team it comes from
  const pickCheck = (prefill.source ?? "check") === "check" && !prefill.check;
  const me = useMe().data;
  const filable = useFilableChecks(pickCheck ? me?.id : undefined);
  const [picked, setPicked] = useState<CheckBrief | undefined>(undefined);
  const onPick = (c: CheckBrief | undefined) => {
    setPicked(c);
    setUnitId(c ? c.unit.id : "");
    setCounterId(c?.counter?.id ?? "");
  };
  const checkWindow = prefill.window ?? (picked ? { from: picked.started_at ?? picked.window_start, to: picked.completed_at } : undefined);

  // the unit picker lists the units that existed on the day of the violation
  const unitsOn = useUnitsOn(from.slice(0, 10));
  const existing = unitsOn.data ?? [];
  const chosen = units.find((u) => u.id === unitId);
  const chosenMissing = Boolean(chosen) && Boolean(unitsOn.data) && !existing.some((u) => u.id === unitId);
  const unitOptions = chosenMissing && chosen ? [chosen, ...existing] : existing;
  const unitMissingWhy = chosenMissing && chosen ? t("why.unitNotOnDay", { name: chosen.name, date: fmtDate(unitsOn.at) }) : "";

  const effectiveCategory = categoryCode || prefill.categoryCode || "";
  const cat = cats.find((c) => c.code === effectiveCategory);
  const effectiveSeverity = severity || cat?.default_severity || "";

  const photos = prefill.reportPhotos ?? [];
  const create = useMutation({
    mutationFn: async () => {
      const finding = await api.post<FindingBrief>("inspection/findings/", {
        source: prefill.source ?? "check",
        check: prefill.check || picked?.id || null,
        criterion: prefill.criterion || "",
        category: effectiveCategory,
        severity: effectiveSeverity || undefined,
        title: title.trim(),
        description: description.trim(),
        unit_id: unitId || null,
        counter_id: counterId || null,
        occurred_from: fromLocalInput(from),
        occurred_to: to ? fromLocalInput(to) : null,
        subjects: subjectsPayload(subjects),
        unit_level_reason: subjects.some((s) => s.officer) ? "" : unitReason.trim(),
      });
      // the criterion's photos go with it (the same files of the report, by reference: no second upload);
      // the finding exists by now, so a photo refused here is added on its page, not a second finding filed
      for (const p of photos) await api.post(`inspection/findings/${finding.id}/evidence/`, { report_evidence_id: p.id }).catch(() => undefined);
      return finding;
    },
    onSuccess: onCreated,
  });

  const why = (create.isPending && t("why.busy")) || (pickCheck && !picked && t("why.findingCheck")) || (!from && t("why.findingWhen")) || (dates.bad && t("why.badDate"))
    || (!title.trim() && t("why.findingTitle")) || (!unitId && t("why.findingUnit")) || unitMissingWhy
    || (!effectiveCategory && t("why.findingCategory")) || (!subjects.some((s) => s.officer) && unitReasonProblem(unitReason, t));

  return (
    <Modal
      wide
      title={t("findings.new")}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn btn-secondary" onClick={onClose}>{t("action.cancel")}</button>
          <ActionButton type="button" className="btn btn-primary" why={why} onClick={() => create.mutate()} data-testid="finding-submit">
            {t("findings.new")}
          </ActionButton>
        </>
      }
    >
      {pickCheck && <FindingCheckField checks={filable.data ?? []} loading={filable.isPending && Boolean(me)} value={picked?.id ?? ""} onChange={onPick} />}
      <div className="grid-2">
        <Field label={t("findings.category")}>
          <select value={effectiveCategory} onChange={(e) => setCategoryCode(e.target.value)} name="category">
            <option value="">—</option>
            {cats.map((c) => (
              <option key={c.code} value={c.code}>{name(c)}</option>
            ))}
          </select>
        </Field>
        <Field label={t("findings.severity")}>
          <select value={effectiveSeverity} onChange={(e) => setSeverity(e.target.value as Severity)} name="severity">
            <option value="">—</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>{t(`severity.${s}`)}</option>
            ))}
          </select>
        </Field>
      </div>
      <Field label={t("findings.titleCol")}>
        <input value={title} onChange={(e) => setTitle(e.target.value)} name="title" maxLength={300} />
      </Field>
      <Field label={t("findings.description")}>
        <textarea value={description} onChange={(e) => setDescription(e.target.value)} rows={3} name="description" />
      </Field>
      <div className="grid-2">
        <Field label={t("common.unit")}>
          <select value={unitId} onChange={(e) => setUnitId(Number(e.target.value) || "")} disabled={Boolean(prefill.unitId) || Boolean(picked)} name="unit">
            <option value="">—</option>
            {unitOptions.map((u) => (
              <option key={u.id} value={u.id}>{u.name}</option>
            ))}
          </select>
          {unitMissingWhy && <span className="field-hint field-warn" role="alert" data-testid="unit-not-on-day">{unitMissingWhy}</span>}
        </Field>
        <Field label={t("common.counter")}>
          <select value={counterId} onChange={(e) => setCounterId(Number(e.target.value) || "")} name="counter">
            <option value="">—</option>
            {counters.filter((c) => !unitId || c.unit.id === unitId).map((c) => (
              <option key={c.id} value={c.id}>{c.name}</option>
            ))}
          </select>
        </Field>
        <Field label={t("findings.occurredFrom")}>
          <DateTimeInput value={from} onChange={(v) => setFrom(v)} onValidity={dates.bind("from")} name="occurred_from" />
          {!from && <span className="field-hint" data-testid="occurred-from-needed">{t("findings.whenNeeded")}</span>}
          {checkWindow && (
            <span className="field-hint" data-testid="check-window-hint">
              {t("findings.checkWindow", { from: fmtDateTime(checkWindow.from), to: checkWindow.to ? fmtDateTime(checkWindow.to) : "…" })}{" "}
              <button type="button" className="btn btn-ghost btn-sm" onClick={() => setFrom(toLocalInput(checkWindow.from))} data-testid="use-check-start">
                {t("findings.useCheckStart")}
              </button>
            </span>
          )}
        </Field>
        <Field label={t("findings.occurredTo")}>
          <DateTimeInput value={to} onChange={(v) => setTo(v)} onValidity={dates.bind("to")} name="occurred_to" />
        </Field>
      </div>
      {photos.length > 0 && (
        <p className="field-hint" data-testid="finding-photos">{t("findings.photosCarried", { names: photos.map((p) => p.filename).join(", ") })}</p>
      )}
      <SubjectsEditor subjects={subjects} onChange={setSubjects} unitId={unitId} unitName={units.find((u) => u.id === unitId)?.name}
        day={from.slice(0, 10)} unitReason={unitReason} onUnitReason={setUnitReason} />
      {create.isError && <InlineError error={create.error} />}
    </Modal>
  );
}
