import { useState } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { DateTimeInput, useDateValidity } from "../DateInput";
import { api } from "../../api/client";
import { Field, InlineError, Modal } from "../ui";
import { OfficerPicker } from "../OfficerPicker";
import { fmtDate, fromLocalInput, toLocalInput } from "../format";
import { useLocalName } from "../labels";
import { useCounters, useUnits, useUnitsOn } from "../../hooks/use-ref-data";
import type { FindingBrief, FindingCategory, Severity } from "../../types/inspection";
import type { Officer } from "../../types/org";
import { ActionButton } from "../ActionButton";

const SEVERITIES: Severity[] = ["less_serious", "serious", "very_serious", "especially_serious"];
const ROLES = ["violator", "co_violator", "responsible_head"] as const;

interface SubjectDraft {
  officer: Officer | null;
  role: (typeof ROLES)[number];
  knew: boolean;
  covered: boolean;
}

export function useCategories() {
  return useQuery({
    queryKey: ["ref", "categories"],
    queryFn: () => api.get<FindingCategory[]>("inspection/categories/"),
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
  const [from, setFrom] = useState(toLocalInput(prefill.occurredFrom ?? new Date()));
  const [to, setTo] = useState(prefill.occurredTo ? toLocalInput(prefill.occurredTo) : "");
  const dates = useDateValidity();
  const [subjects, setSubjects] = useState<SubjectDraft[]>([{ officer: null, role: "violator", knew: false, covered: false }]);

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

  const create = useMutation({
    mutationFn: () =>
      api.post<FindingBrief>("inspection/findings/", {
        source: prefill.source ?? "check",
        check: prefill.check || null,
        criterion: prefill.criterion || "",
        category: effectiveCategory,
        severity: effectiveSeverity || undefined,
        title: title.trim(),
        description: description.trim(),
        unit_id: unitId || null,
        counter_id: counterId || null,
        occurred_from: fromLocalInput(from),
        occurred_to: to ? fromLocalInput(to) : null,
        subjects: subjects
          .filter((s) => s.officer)
          .map((s) => ({ officer_id: s.officer!.id, role: s.role, knew_and_did_not_act: s.knew, covered_up: s.covered })),
      }),
    onSuccess: onCreated,
  });

  const patch = (i: number, p: Partial<SubjectDraft>) => setSubjects((list) => list.map((s, j) => (i === j ? { ...s, ...p } : s)));

  return (
    <Modal
      wide
      title={t("findings.new")}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn btn-secondary" onClick={onClose}>{t("action.cancel")}</button>
          <ActionButton type="button" className="btn btn-primary" why={(create.isPending && t("why.busy")) || (dates.bad && t("why.badDate")) || (!title.trim() && t("why.findingTitle")) || (!unitId && t("why.findingUnit")) || unitMissingWhy || (!effectiveCategory && t("why.findingCategory"))} onClick={() => create.mutate()} data-testid="finding-submit">
            {t("findings.new")}
          </ActionButton>
        </>
      }
    >
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
          <select value={unitId} onChange={(e) => setUnitId(Number(e.target.value) || "")} disabled={Boolean(prefill.unitId)} name="unit">
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
        </Field>
        <Field label={t("findings.occurredTo")}>
          <DateTimeInput value={to} onChange={(v) => setTo(v)} onValidity={dates.bind("to")} name="occurred_to" />
        </Field>
      </div>
      <div className="field-label" style={{ marginBottom: 6 }}>{t("findings.subjects")}</div>
      {subjects.map((s, i) => (
        <div className="subject-row" key={i}>
          {unitId ? (
            <OfficerPicker value={s.officer} onChange={(o) => patch(i, { officer: o })} unitId={unitId} at={from.slice(0, 10)} unitName={units.find((u) => u.id === unitId)?.name} />
          ) : (
            <span className="muted small">{t("picker.needUnit")}</span>
          )}
          <select value={s.role} onChange={(e) => patch(i, { role: e.target.value as SubjectDraft["role"] })} aria-label={t("findings.role")}>
            {ROLES.map((r) => (
              <option key={r} value={r}>{t(`subjectRole.${r}`)}</option>
            ))}
          </select>
          <label className="check-inline"><input type="checkbox" checked={s.knew} onChange={(e) => patch(i, { knew: e.target.checked })} />{t("findings.knew")}</label>
          <label className="check-inline"><input type="checkbox" checked={s.covered} onChange={(e) => patch(i, { covered: e.target.checked })} />{t("findings.coveredUp")}</label>
          <button type="button" className="icon-btn" onClick={() => setSubjects((l) => l.filter((_, j) => j !== i))} aria-label={t("action.delete")}>×</button>
        </div>
      ))}
      <button type="button" className="btn btn-ghost btn-sm" onClick={() => setSubjects((l) => [...l, { officer: null, role: "violator", knew: false, covered: false }])}>
        + {t("findings.addSubject")}
      </button>
      {create.isError && <InlineError error={create.error} />}
    </Modal>
  );
}
