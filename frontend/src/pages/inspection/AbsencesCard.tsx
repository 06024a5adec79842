import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, rows, type Page } from "../../api/client";
import { ActionButton } from "../../components/ActionButton";
import { DateInput, useDateValidity } from "../../components/DateInput";
import { Badge, Card, ConfirmDialog, Empty, Field, QueryState, useErrorText } from "../../components/ui";
import { fmtDate, localToday } from "../../components/format";
import type { Absence, UserBrief } from "../../types/inspection";

const KINDS = ["leave", "illness", "conflict", "other"] as const;

/** Who of the inspection team is out of the draw's pool (leave, illness, conflict), and, for a lead or
 * an administrator, recording and withdrawing an absence with its reason. */
export default function AbsencesCard({ canEdit, privateHint = false }: { canEdit: boolean; privateHint?: boolean }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ["absences"], queryFn: () => api.get<Page<Absence>>("inspection/absences/") });
  const team = useQuery({ queryKey: ["absence-team"], queryFn: () => api.get<(UserBrief & { role: string })[]>("inspection/absences/team/"), enabled: canEdit });
  const today = localToday();
  const [user, setUser] = useState("");
  const [kind, setKind] = useState<(typeof KINDS)[number]>("leave");
  const [start, setStart] = useState(today);
  const [end, setEnd] = useState(today);
  const [reason, setReason] = useState("");
  const dates = useDateValidity();
  const add = useMutation({
    mutationFn: () => api.post<Absence>("inspection/absences/", { user: Number(user), kind, start, end, reason }),
    // recorded: the form starts afresh (it kept the person, kind and dates, and read as not yet saved)
    onSuccess: () => {
      setUser(""); setKind("leave"); setStart(today); setEnd(today); setReason("");
      void qc.invalidateQueries({ queryKey: ["absences"] });
    },
  });
  // the absence being withdrawn: the app's dialog asks the reason (it was the browser's window.prompt)
  const [withdrawing, setWithdrawing] = useState<Absence | null>(null);
  const withdraw = useMutation({
    mutationFn: ({ id, why }: { id: number; why: string }) => api.post<Absence>(`inspection/absences/${id}/withdraw/`, { reason: why }),
    onSuccess: () => { setWithdrawing(null); void qc.invalidateQueries({ queryKey: ["absences"] }); },
  });
  const list = rows(q.data);
  return (
    <Card title={t("absence.title")}>
      <p className="muted small" style={{ marginTop: 0 }}>{t("absence.subtitle")}</p>
      <QueryState q={q}>
        {list.length === 0 ? (
          <Empty title={t("absence.empty")} />
        ) : (
          <table className="table" data-testid="absences-table">
            <tbody>
              {list.map((a) => (
                <tr key={a.id}>
                  <td>{a.user?.full_name || a.user?.username}</td>
                  <td><Badge tone={a.kind ? "amber" : "grey"}>{a.kind ? t(`absence.kind.${a.kind}`) : t("absence.unavailable")}</Badge></td>
                  <td className="nowrap">{fmtDate(a.start)} → {fmtDate(a.end)}</td>
                  <td className="small" data-testid={`absence-reason-${a.id}`}>
                    {a.details_hidden ? <span className="muted">{t("absence.private")}</span> : a.reason}
                    {a.withdrawn_at && <div className="muted">{t("absence.withdrawn")}{a.withdraw_reason ? `: “${a.withdraw_reason}”` : ""}</div>}
                  </td>
                  <td>
                    {canEdit && !a.withdrawn_at && (
                      <ActionButton type="button" className="btn btn-ghost btn-sm" why={withdraw.isPending && t("why.busy")}
                        onClick={() => { withdraw.reset(); setWithdrawing(a); }} data-testid={`absence-withdraw-${a.id}`}>
                        {t("absence.withdraw")}
                      </ActionButton>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryState>
      {canEdit && (
        <form className="row" style={{ flexWrap: "wrap", alignItems: "flex-end", gap: 8, marginTop: 10 }}
          onSubmit={(e) => { e.preventDefault(); add.mutate(); }} data-testid="absence-form">
          <Field label={t("absence.user")}>
            <select className="input" value={user} onChange={(e) => setUser(e.target.value)} aria-required="true">
              <option value="">—</option>
              {(Array.isArray(team.data) ? team.data : []).map((u) => <option key={u.id} value={u.id}>{u.full_name || u.username}</option>)}
            </select>
          </Field>
          <Field label={t("absence.kind")}>
            <select className="input" value={kind} onChange={(e) => setKind(e.target.value as (typeof KINDS)[number])}>
              {KINDS.map((k) => <option key={k} value={k}>{t(`absence.kind.${k}`)}</option>)}
            </select>
          </Field>
          <Field label={t("absence.from")}><DateInput value={start} onChange={setStart} onValidity={dates.bind("start")} name="start" aria-label={t("absence.from")} aria-required="true" /></Field>
          <Field label={t("absence.to")}><DateInput value={end} onChange={setEnd} onValidity={dates.bind("end")} name="end" aria-label={t("absence.to")} aria-required="true" /></Field>
          <Field label={t("absence.reason")}><input className="input" value={reason} onChange={(e) => setReason(e.target.value)} name="reason" aria-label={t("absence.reason")} aria-required="true" /></Field>
          <ActionButton type="submit" className="btn btn-secondary" why={(add.isPending && t("why.busy")) || (!user && t("why.absencePerson")) || (dates.bad && t("why.badDate")) || ((!start || !end) && t("why.absenceDates")) || (!reason.trim() && t("why.absenceReason"))}>{t("absence.add")}</ActionButton>
          {privateHint && <p className="muted small" style={{ flexBasis: "100%", margin: 0 }} data-testid="absence-private-hint">{t("absence.privateHint")}</p>}
          {add.error && <p className="notice notice-red small" role="alert">{errorText(add.error)}</p>}
        </form>
      )}
      {withdrawing && (
        <ConfirmDialog
          title={t("absence.withdraw")}
          message={t("absence.withdrawConfirm", { name: withdrawing.user?.full_name || withdrawing.user?.username || "", from: fmtDate(withdrawing.start), to: fmtDate(withdrawing.end) })}
          confirmLabel={t("absence.withdraw")}
          reasonLabel={t("absence.withdrawReason")}
          busy={withdraw.isPending}
          error={withdraw.isError ? withdraw.error : undefined}
          onConfirm={(why) => withdraw.mutate({ id: withdrawing.id, why })}
          onClose={() => setWithdrawing(null)}
        />
      )}
    </Card>
  );
}
