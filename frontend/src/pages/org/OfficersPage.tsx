import { useEffect, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useSearchParams } from "react-router";
import { useTranslation } from "react-i18next";
import { useTypedTextError } from "../../components/typedText";
import { ApiError, api, rows, type Page } from "../../api/client";
import { ActionButton } from "../../components/ActionButton";
import { DateInput, useDateValidity } from "../../components/DateInput";
import { Card, Empty, Field, InlineError, Modal, PageHeader, Pager, QueryState, useFocusHeadingOnPick } from "../../components/ui";
import type { Officer, OfficerDetail } from "../../types/org";
import { AppointDialog } from "./AppointDialog";
import { AssignmentsTable } from "./OrgPage";
import { fmtDay } from "./common";

const SN = /^[0-9A-Za-z-]{3,20}$/;

export function OfficerDialog({ officer, onClose, onSaved }: { officer?: Officer; onClose: () => void; onSaved: (o: Officer) => void }) {
  const { t } = useTranslation();
  const typed = useTypedTextError();
  const qc = useQueryClient();
  const [sn, setSn] = useState(officer?.service_number ?? "");
  const [name, setName] = useState(officer?.full_name ?? "");
  const [rank, setRank] = useState(officer?.rank ?? "");
  const [dob, setDob] = useState(officer?.date_of_birth ?? "");
  const [reason, setReason] = useState("");
  const [distinct, setDistinct] = useState("");
  const dates = useDateValidity();
  const m = useMutation({
    mutationFn: () => {
      const body = { service_number: sn.trim(), full_name: name.trim(), rank: rank.trim(), date_of_birth: dob || null,
        ...(distinct.trim() ? { distinct_reason: distinct.trim() } : {}) };
      return officer ? api.patch<Officer>(`org/officers/${officer.id}/`, { ...body, reason }) : api.post<Officer>("org/officers/", body);
    },
    onSuccess: (o) => {
      void qc.invalidateQueries({ queryKey: ["org"] });
      void qc.invalidateQueries({ queryKey: ["officers"] });
      onSaved(o);
    },
  });
  return (
    <Modal title={officer ? `${t("officers.edit")}: ${officer.full_name}` : t("officers.new")} onClose={onClose} footer={
      <>
        <button type="button" className="btn btn-secondary" onClick={onClose}>{t("action.cancel")}</button>
        <ActionButton className="btn btn-primary" data-testid="officer-save" why={(m.isPending && t("why.busy")) || (dates.bad ? t("why.badDate") : !SN.test(sn.trim()) || !name.trim() ? t("officers.needFields") : null) || typed.name(name) || typed.reason(reason) || typed.reason(distinct)} onClick={() => m.mutate()}>{t("action.save")}</ActionButton>
      </>
    }>
      <div className="grid-2">
        <Field label={t("officers.serviceNumber")}><input value={sn} onChange={(e) => setSn(e.target.value)} name="service_number" /></Field>
        <Field label={t("officers.fullName")} error={typed.name(name)}><input value={name} onChange={(e) => setName(e.target.value)} name="full_name" /></Field>
        <Field label={t("officers.rank")}><input value={rank} onChange={(e) => setRank(e.target.value)} name="rank" list="ranks" /></Field>
        <Field label={t("officers.dob")}><DateInput value={dob} onChange={setDob} onValidity={dates.bind("dob")} name="date_of_birth" aria-label={t("officers.dob")} /></Field>
      </div>
      {/* correcting the identity of an officer a recorded finding names rewrites the past: the server asks for a reason (409) */}
      {officer && (reason || (m.error instanceof ApiError && m.error.code === "reason_required")) && (
        <Field label={t("officers.correctionReason")} error={typed.reason(reason)}><textarea value={reason} onChange={(e) => setReason(e.target.value)} name="reason" rows={2} /></Field>
      )}
      {/* a look-alike of an existing officer (same name without marks, same birth date): one person, one record (F1);
          the server names the existing officer (409 officer_lookalike) and takes a worded reason that they are two people */}
      {(distinct || (m.error instanceof ApiError && m.error.code === "officer_lookalike")) && (
        <Field label={t("officers.distinctReason")} hint={t("officers.distinctHint")} error={typed.reason(distinct)}>
          <textarea value={distinct} onChange={(e) => setDistinct(e.target.value)} name="distinct_reason" rows={2} data-testid="officer-distinct-reason" />
        </Field>
      )}
      <datalist id="ranks">
        {["Thiếu úy", "Trung úy", "Thượng úy", "Đại úy", "Thiếu tá", "Trung tá", "Thượng tá", "Đại tá"].map((r) => <option key={r} value={r} />)}
      </datalist>
      {m.isError && <InlineError error={m.error} />}
    </Modal>
  );
}

function OfficerPanel({ id, focusRequest = 0 }: { id: number; focusRequest?: number }) {
  const { t } = useTranslation();
  const [dialog, setDialog] = useState<"edit" | "appoint" | null>(null);
  const q = useQuery({ queryKey: ["org", "officer", id], queryFn: () => api.get<OfficerDetail>(`org/officers/${id}/`) });
  const o = q.data;
  const panel = useFocusHeadingOnPick(Boolean(o && o.id === id), focusRequest);
  return (
    <div ref={panel}>
    <QueryState q={q}>
      {o && (
        <Card
          title={<>{o.rank} {o.full_name} <span className="muted small">{o.service_number}</span></>}
          actions={
            <>
              <button type="button" className="btn btn-secondary btn-sm" onClick={() => setDialog("edit")} data-testid="officer-edit">{t("officers.edit")}</button>
              <button type="button" className="btn btn-primary btn-sm" onClick={() => setDialog("appoint")} data-testid="appoint-open">{t("org.appoint")}</button>
            </>
          }
        >
          {o.date_of_birth && <p className="small muted">{t("officers.dob")}: {fmtDay(o.date_of_birth)}</p>}
          <h3 className="section-title">{t("officers.history")}</h3>
          <AssignmentsTable list={o.assignments} show="unit" />
          {o.chain_of_command.length > 0 && (
            <>
              <h3 className="section-title">{t("officers.chain", { date: fmtDay(o.at) })}</h3>
              <ol className="plain">
                {o.chain_of_command.map((c) => (
                  <li key={c.unit.id}>
                    <Link to={`/admin/org?unit=${c.unit.id}`}>{c.unit.name}</Link>: {c.heads.map((h) => `${h.officer.rank} ${h.officer.full_name}`).join(", ") || <span className="muted">{t("org.noHead")}</span>}
                  </li>
                ))}
              </ol>
            </>
          )}
          {dialog === "edit" && <OfficerDialog officer={o} onClose={() => setDialog(null)} onSaved={() => setDialog(null)} />}
          {dialog === "appoint" && <AppointDialog officer={o} onClose={() => setDialog(null)} />}
        </Card>
      )}
    </QueryState>
    </div>
  );
}

export default function OfficersPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const selected = Number(params.get("officer")) || null;
  const [text, setText] = useState(params.get("search") ?? "");
  const [search, setSearch] = useState(text);
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);
  useEffect(() => {
    const h = setTimeout(() => { setSearch(text); setPage(1); }, 250);
    return () => clearTimeout(h);
  }, [text]);
  const q = useQuery({ queryKey: ["officers", "admin", search, page], queryFn: () => api.get<Page<Officer>>("org/officers/", { search, page, page_size: 25 }) });
  const list = rows(q.data);
  const [focusRequest, setFocusRequest] = useState(0);
  function open(id: number) {
    setFocusRequest((n) => n + 1); // focus goes to the officer's panel once shown
    const p = new URLSearchParams(params);
    p.set("officer", String(id));
    setParams(p, { replace: true });
  }
  return (
    <>
      <PageHeader title={t("officers.title")} subtitle={t("officers.subtitle")}
        actions={<button type="button" className="btn btn-primary" onClick={() => setCreating(true)} data-testid="officer-new">+ {t("officers.new")}</button>} />
      <div className="grid-main-side" style={{ gridTemplateColumns: "minmax(280px, 1fr) minmax(0, 2fr)" }}>
        <Card className="flush">
          <div className="filters" style={{ padding: "12px 16px 0" }}>
            <Field label={t("action.search")}><input type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder={t("officers.search")} name="search" style={{ width: "100%", minWidth: 220 }} /></Field>
          </div>
          <QueryState q={q}>
            {list.length === 0 ? <Empty title={t("common.none")} /> : (
              <ul className="org-tree" aria-label={t("officers.title")}>
                {list.map((o) => (
                  <li key={o.id}>
                    <button type="button" className={`tree-item ${o.id === selected ? "selected" : ""}`} aria-current={o.id === selected ? "true" : undefined} onClick={() => open(o.id)} data-testid="officer-item">
                      <span className="tree-name">{o.full_name}</span>
                      <span className="tree-sub">{o.rank} · {o.service_number}</span>
                    </button>
                  </li>
                ))}
              </ul>
            )}
            {q.data && <div style={{ padding: "0 16px 12px" }}><Pager page={page} count={q.data.count} pageSize={25} onPage={setPage} /></div>}
          </QueryState>
        </Card>
        <div>{selected ? <OfficerPanel id={selected} focusRequest={focusRequest} /> : <Card><Empty title={t("officers.pick")} /></Card>}</div>
      </div>
      {creating && <OfficerDialog onClose={() => setCreating(false)} onSaved={(o) => { setCreating(false); open(o.id); }} />}
    </>
  );
}
