// CCHC tasks of the user's units (rev15user F11): the unit head reads each task, its deadline and
// whether it is overdue (in words, not only colour) and reports its delivery; the inspection team
// and the disciplinary officer read the same list.
import { useEffect, useRef, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { api, rows, type Page } from "../../api/client";
import { Badge, Card, Empty, Field, InlineError, Modal, PageHeader, QueryState, type Tone } from "../../components/ui";
import { DateInput, useDateValidity } from "../../components/DateInput";
import { fmtDate, localDay } from "../../components/format";
import { useMe } from "../../hooks/use-me";
import type { CchcTask } from "../../types/accountability";
import { ActionButton } from "../../components/ActionButton";

const WRITERS = ["unit_head", "admin"];
const TONE: Record<CchcTask["status"], Tone> = { on_time: "green", late: "amber", reported_late: "amber", missed: "red", pending: "grey" };

export default function TasksPage() {
  const { t } = useTranslation();
  const me = useMe().data;
  const [params, setParams] = useSearchParams();
  const [year, setYear] = useState("");
  const [reporting, setReporting] = useState<CchcTask | null>(null);
  const [done, setDone] = useState("");
  const doneRef = useRef<HTMLParagraphElement>(null);
  const q = useQuery({ queryKey: ["cchc-tasks", year], queryFn: () => api.get<Page<CchcTask>>("accountability/cchc-tasks/", { year: year || undefined, page_size: 200 }) });
  const list = rows(q.data);
  const focusId = Number(params.get("task")) || null;
  const canReport = !!me && WRITERS.includes(me.role);

  // The home page links one task (?task=N): mark it and put the keyboard on it.
  useEffect(() => {
    if (!focusId) return;
    const row = document.getElementById(`task-${focusId}`);
    if (row) row.focus();
  }, [focusId, list.length]);

  function onReported(task: CchcTask) {
    setReporting(null);
    setDone(t("tasks.reported", { title: task.title }));
  }
  // once the message is on screen, the keyboard goes to it
  useEffect(() => {
    if (done) doneRef.current?.focus();
  }, [done]);

  return (
    <>
      <PageHeader title={t("tasks.title")} subtitle={t("tasks.subtitle")} />
      <div className="filters">
        <Field label={t("rank.year")}>
          <select value={year} onChange={(e) => { setYear(e.target.value); setParams({}); }}>
            <option value="">{t("tasks.allYears")}</option>
            {Array.from({ length: 6 }, (_, i) => new Date().getFullYear() + 1 - i).map((y) => <option key={y} value={y}>{y}</option>)}
          </select>
        </Field>
      </div>
      {done && <p className="notice notice-green" role="status" tabIndex={-1} ref={doneRef}>{done}</p>}
      <Card className="flush">
        <QueryState q={q}>
          {list.length === 0 ? (
            <Empty title={t("tasks.empty")} />
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th>{t("tasks.task")}</th>
                  <th>{t("tasks.unit")}</th>
                  <th>{t("tasks.due")}</th>
                  <th>{t("common.state")}</th>
                  {canReport && <th><span className="sr-only">{t("tasks.report")}</span></th>}
                </tr>
              </thead>
              <tbody>
                {list.map((task) => (
                  <tr key={task.id} id={`task-${task.id}`} tabIndex={focusId === task.id ? -1 : undefined} style={focusId === task.id ? { background: "#eef4ff" } : undefined} aria-current={focusId === task.id ? "true" : undefined}>
                    <td>
                      <strong>{task.title}</strong>
                      <div className="small muted">{t("tasks.target", { target: task.target })}</div>
                      {task.late_registration && <div><Badge tone="amber">{t("tasks.lateRegistration")}</Badge></div>}
                    </td>
                    <td>{task.unit.name}</td>
                    <td>
                      {fmtDate(task.due_date)}
                      {task.overdue_days != null && <div><Badge tone="red">{t("tasks.overdue", { n: task.overdue_days })}</Badge></div>}
                    </td>
                    <td>
                      <Badge tone={TONE[task.status]}>{t(`tasks.status.${task.status}`)}</Badge>
                      {task.delivered_on && <div className="small muted">{t("tasks.deliveredOn", { date: fmtDate(task.delivered_on) })}</div>}
                      {task.delivery_note && <div className="small">{task.delivery_note}</div>}
                    </td>
                    {canReport && (
                      <td>
                        {!task.delivered_on && (
                          <button type="button" className="btn btn-sm" id={`report-${task.id}`} onClick={() => { setDone(""); setReporting(task); }}>
                            {t("tasks.report")}
                          </button>
                        )}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </QueryState>
      </Card>
      {reporting && <ReportDialog task={reporting} onClose={() => { const id = reporting.id; setReporting(null); setTimeout(() => document.getElementById(`report-${id}`)?.focus(), 0); }} onDone={onReported} />}
    </>
  );
}

function ReportDialog({ task, onClose, onDone }: { task: CchcTask; onClose: () => void; onDone: (t: CchcTask) => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [on, setOn] = useState(localDay(new Date()));
  const dates = useDateValidity();
  const [note, setNote] = useState("");
  const m = useMutation({
    mutationFn: () => api.post<CchcTask>(`accountability/cchc-tasks/${task.id}/delivery/`, { delivered_on: on, note }),
    onSuccess: (saved) => {
      void qc.invalidateQueries({ queryKey: ["cchc-tasks"] });
      onDone(saved);
    },
  });
  return (
    <Modal
      title={t("tasks.reportTitle", { title: task.title })}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn btn-ghost" onClick={onClose}>{t("action.cancel")}</button>
          <ActionButton type="button" className="btn btn-primary" why={(m.isPending && t("why.busy")) || (dates.bad && t("why.badDate")) || (!on && t("why.pickDeliveryDate"))} onClick={() => m.mutate()}>{t("tasks.reportConfirm")}</ActionButton>
        </>
      }
    >
      <p className="small muted">{t("tasks.reportHint", { due: fmtDate(task.due_date) })}</p>
      <Field label={t("tasks.deliveredDate")}>
        <DateInput value={on} onChange={setOn} onValidity={dates.bind("on")} autoFocus aria-label={t("tasks.deliveredDate")} />
      </Field>
      <Field label={t("tasks.note")}>
        <textarea value={note} maxLength={2000} rows={3} onChange={(e) => setNote(e.target.value)} />
      </Field>
      {m.isError && <InlineError error={m.error} />}
    </Modal>
  );
}
