import { useEffect, useMemo, useRef, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useSearchParams } from "react-router";
import { useTranslation } from "react-i18next";
import { ApiError, api } from "../../api/client";
import { ActionButton } from "../../components/ActionButton";
import { DateInput, useDateValidity } from "../../components/DateInput";
import { Badge, Card, Empty, Field, InlineError, Modal, PageHeader, QueryState, useErrorText, useFocusHeadingOnPick } from "../../components/ui";
import { useUnits, useUnitsOn } from "../../hooks/use-ref-data";
import type { Assignment, TreeNode, Unit, UnitHistory, UnitTree } from "../../types/org";
import { AppointDialog, EndAssignment } from "./AppointDialog";
import { fmtDay, Period, todayIso } from "./common";
import { EndPreview, useEndPreviews } from "./EndPreview";

const LEVELS = ["province", "department", "district", "commune"];
/** The levels a unit of each level can sit under: a commune under a district (until the district level
 *  ended) or the province, a department or district under the province, the province under nothing. */
export const PARENT_LEVELS: Record<string, string[]> = {
  province: [], department: ["province"], district: ["province"], commune: ["district", "province"],
};

function depths(nodes: TreeNode[]): Map<number, number> {
  const parent = new Map(nodes.map((n) => [n.id, n.parent_id]));
  const out = new Map<number, number>();
  for (const n of nodes) {
    let d = 0;
    let p = n.parent_id;
    while (p != null && d < 10) {
      d += 1;
      p = parent.get(p) ?? null;
    }
    out.set(n.id, d);
  }
  return out;
}

function useInvalidateOrg() {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: ["org"] });
    void qc.invalidateQueries({ queryKey: ["ref", "units"] });
  };
}

function NewUnitDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (u: Unit) => void }) {
  const { t } = useTranslation();
  const invalidate = useInvalidateOrg();
  const [code, setCode] = useState("");
  const [name, setName] = useState("");
  const [level, setLevel] = useState("commune");
  const [parent, setParent] = useState<number | "">("");
  const [from, setFrom] = useState("");
  const dates = useDateValidity();
  // a parent that exists on the new unit's first day, of a level above the new unit's
  const parents = (useUnitsOn(from).data ?? []).filter((u) => (PARENT_LEVELS[level] ?? []).includes(u.level));
  const only = parents.length === 1 ? parents[0].id : null;
  useEffect(() => {
    // the one possible parent is offered chosen; a parent the new level cannot sit under is dropped
    if (parent === "" && only !== null) setParent(only);
    else if (parent !== "" && parents.length > 0 && !parents.some((u) => u.id === parent)) setParent(only ?? "");
  }, [level, only, parents.length]); // eslint-disable-line react-hooks/exhaustive-deps
  const m = useMutation({
    mutationFn: () => api.post<Unit>("org/units/", { code, name, level, parent_id: parent || null, valid_from: from }),
    onSuccess: (u) => {
      invalidate();
      onCreated(u);
    },
  });
  return (
    <Modal title={t("org.newUnit")} onClose={onClose} footer={
      <>
        <button type="button" className="btn btn-secondary" onClick={onClose}>{t("action.cancel")}</button>
        <ActionButton className="btn btn-primary" data-testid="unit-create" why={(m.isPending && t("why.busy")) || (dates.bad ? t("why.badDate") : !code.trim() || !name.trim() || !from ? t("org.needCode") : null)} onClick={() => m.mutate()}>{t("action.create")}</ActionButton>
      </>
    }>
      <div className="grid-2">
        <Field label={t("org.code")}><input value={code} onChange={(e) => setCode(e.target.value)} name="code" placeholder="CAX-..." /></Field>
        <Field label={t("org.name")}><input value={name} onChange={(e) => setName(e.target.value)} name="name" /></Field>
        <Field label={t("org.level")}>
          <select value={level} onChange={(e) => setLevel(e.target.value)} name="level">
            {LEVELS.map((l) => <option key={l} value={l}>{t(`org.level.${l}`)}</option>)}
          </select>
        </Field>
        <Field label={t("org.parent")}>
          <select value={parent} onChange={(e) => setParent(Number(e.target.value) || "")} name="parent">
            <option value="">{t("org.noParent")}</option>
            {parents.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
          </select>
        </Field>
        <Field label={t("org.validFrom")}><DateInput value={from} onChange={setFrom} onValidity={dates.bind("from")} name="valid_from" aria-label={t("org.validFrom")} /></Field>
      </div>
      {m.isError && <InlineError error={m.error} />}
    </Modal>
  );
}

type Done = (message: string) => void;

export function RenameDialog({ unit, onClose, onDone }: { unit: Unit; onClose: () => void; onDone: Done }) {
  const { t } = useTranslation();
  const invalidate = useInvalidateOrg();
  const [name, setName] = useState(unit.name);
  const [reason, setReason] = useState("");
  const m = useMutation({
    mutationFn: () => api.patch<Unit>(`org/units/${unit.id}/`, { name, reason }),
    onSuccess: (saved) => {
      invalidate();
      onDone(t("org.renamed", { name: saved.name ?? name }));
    },
  });
  return (
    <Modal title={`${t("org.rename")}: ${unit.name}`} onClose={onClose} footer={
      <>
        <button type="button" className="btn btn-secondary" onClick={onClose}>{t("action.cancel")}</button>
        <ActionButton className="btn btn-primary" why={(m.isPending && t("why.busy")) || (!name.trim() ? t("org.needName") : null)} onClick={() => m.mutate()}>{t("action.save")}</ActionButton>
      </>
    }>
      <Field label={t("org.name")}><input value={name} onChange={(e) => setName(e.target.value)} name="name" /></Field>
      {/* the name is not dated: renaming a unit a recorded finding names rewrites the past, the server asks for a reason (409) */}
      {(reason || (m.error instanceof ApiError && m.error.code === "reason_required")) && (
        <Field label={t("org.renameReason")}><textarea value={reason} onChange={(e) => setReason(e.target.value)} name="reason" rows={2} /></Field>
      )}
      {m.isError && <InlineError error={m.error} />}
    </Modal>
  );
}

function MergeDialog({ unit, at, onClose, onDone }: { unit: Unit; at: string; onClose: () => void; onDone: Done }) {
  const { t } = useTranslation();
  const units = useUnits().data ?? [];
  const invalidate = useInvalidateOrg();
  const [into, setInto] = useState<number | "">("");
  const [also, setAlso] = useState<number[]>([]);
  const [on, setOn] = useState(at); // the date the tree is showing
  const dates = useDateValidity();
  const [reason, setReason] = useState("");
  const [confirm, setConfirm] = useState(false);
  const m = useMutation({
    mutationFn: () => api.post<Unit>("org/units/merge/", { unit_ids: [unit.id, ...also], into_id: into, on, reason, confirm }),
    onSuccess: () => {
      invalidate();
      const target = units.find((u) => u.id === into)?.name ?? "";
      // every unit merged, not only the one the dialog was opened on
      const names = [unit.name, ...also.map((id) => units.find((u) => u.id === id)?.name ?? `#${id}`)];
      onDone(t("org.merged", { name: names.join(", "), into: target, date: fmtDay(on) }));
    },
  });
  const unitsOn = useUnitsOn(on).data ?? []; // what can be merged into: the units that exist that day
  // never the province itself (nothing merges into the force's top), listed by name as the tree reads
  const others = unitsOn.filter((u) => u.id !== unit.id && u.level !== "province").sort((a, b) => a.name.localeCompare(b.name, "vi"));
  const ending = useEndPreviews([unit.id, ...also], on); // the posts the merger ends, shown before confirming
  const errorText = useErrorText();
  return (
    <Modal title={`${t("org.merge")} ${unit.name}`} onClose={onClose} wide footer={
      <>
        <button type="button" className="btn btn-secondary" onClick={onClose}>{t("action.cancel")}</button>
        <ActionButton className="btn btn-primary" data-testid="merge-save" why={(m.isPending && t("why.busy")) || (dates.bad ? t("why.badDate") : !into ? t("org.needTarget") : !on ? t("org.needDate") : ending.loading ? t("org.endPreview.loading") : ending.error ? errorText(ending.error) : null)} onClick={() => m.mutate()}>{ending.posts > 0 ? t("org.mergeEnding", { count: ending.posts }) : t("action.confirm")}</ActionButton>
      </>
    }>
      <p className="small muted">{t("org.mergeHint")}</p>
      <div className="grid-2">
        <Field label={t("org.mergeInto")}>
          <select value={into} onChange={(e) => { const id = Number(e.target.value) || ""; setInto(id); setAlso((was) => was.filter((u) => u !== id)); }} name="into">
            <option value="">—</option>
            {others.map((u) => <option key={u.id} value={u.id}>{u.name} ({fmtDay(u.valid_from)})</option>)}
          </select>
        </Field>
        <Field label={t("org.mergeOn")}><DateInput value={on} onChange={setOn} onValidity={dates.bind("on")} name="on" aria-label={t("org.mergeOn")} /></Field>
      </div>
      {/* a checkbox each, not a <select multiple>: Ctrl+click is unknown on a phone and hard by keyboard (issue 15) */}
      <fieldset className="field check-list" data-testid="merge-also">
        <legend className="field-label">{t("org.mergeAlso")}</legend>
        {others.filter((u) => u.id !== into && u.level === unit.level).map((u) => (
          <label key={u.id} className="row small">
            <input type="checkbox" name="also" value={u.id} checked={also.includes(u.id)}
              onChange={(e) => setAlso((was) => (e.target.checked ? [...was, u.id] : was.filter((id) => id !== u.id)))} /> {u.name}
          </label>
        ))}
        <span className="field-hint">{t("org.mergeAlsoHint")}</span>
      </fieldset>
      <EndPreview previews={ending.previews} loading={ending.loading} verb="merge" error={ending.error} />
      <HistoryReason reason={reason} setReason={setReason} confirm={confirm} setConfirm={setConfirm} error={m.error} />
      {m.isError && <InlineError error={m.error} />}
    </Modal>
  );
}

function AbolishDialog({ unit, at, onClose, onDone }: { unit: Unit; at: string; onClose: () => void; onDone: Done }) {
  const { t } = useTranslation();
  const invalidate = useInvalidateOrg();
  const [on, setOn] = useState(at > unit.valid_from ? at : ""); // the date the tree is showing
  const dates = useDateValidity();
  const [successor, setSuccessor] = useState<number | "">("");
  const [childrenTo, setChildrenTo] = useState<number | "">(unit.parent?.id ?? "");
  const [reason, setReason] = useState("");
  const [confirm, setConfirm] = useState(false);
  const m = useMutation({
    mutationFn: () => api.post<Unit>(`org/units/${unit.id}/abolish/`, { on, successor_id: successor || null, children_to_id: childrenTo || null, reason, confirm }),
    onSuccess: () => {
      invalidate();
      onDone(t("org.abolished", { name: unit.name, date: fmtDay(on) }));
    },
  });
  const others = (useUnitsOn(on).data ?? []).filter((u) => u.id !== unit.id); // successors that exist that day
  const ending = useEndPreviews([unit.id], on); // the posts the abolition ends, shown before confirming
  const errorText = useErrorText();
  return (
    <Modal title={`${t("org.abolish")}: ${unit.name}`} onClose={onClose} wide footer={
      <>
        <button type="button" className="btn btn-secondary" onClick={onClose}>{t("action.cancel")}</button>
        <ActionButton className="btn btn-danger" data-testid="abolish-save" why={(m.isPending && t("why.busy")) || (dates.bad ? t("why.badDate") : !on ? t("org.needDate") : ending.loading ? t("org.endPreview.loading") : ending.error ? errorText(ending.error) : null)} onClick={() => m.mutate()}>{ending.posts > 0 ? t("org.abolishEnding", { count: ending.posts }) : t("org.abolish")}</ActionButton>
      </>
    }>
      <p className="small muted">{t("org.abolishHint")}</p>
      <div className="grid-2">
        <Field label={t("org.abolishOn")}><DateInput value={on} onChange={setOn} onValidity={dates.bind("on")} name="on" aria-label={t("org.abolishOn")} /></Field>
        <Field label={t("org.childrenTo")}>
          <select value={childrenTo} onChange={(e) => setChildrenTo(Number(e.target.value) || "")} name="children_to">
            <option value="">—</option>
            {others.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
          </select>
        </Field>
        <Field label={t("org.successor")}>
          <select value={successor} onChange={(e) => setSuccessor(Number(e.target.value) || "")} name="successor">
            <option value="">{t("org.noSuccessor")}</option>
            {others.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
          </select>
        </Field>
      </div>
      <EndPreview previews={ending.previews} loading={ending.loading} verb="abolish" error={ending.error} />
      <HistoryReason reason={reason} setReason={setReason} confirm={confirm} setConfirm={setConfirm} error={m.error} />
      {m.isError && <InlineError error={m.error} />}
    </Modal>
  );
}

/** Ending a unit from a past day rewrites history: a reason (audited), and the confirmation asked for
 * once the server has listed the clips / postings it would cut (409 confirm_required). */
function HistoryReason({ reason, setReason, confirm, setConfirm, error }: {
  reason: string; setReason: (v: string) => void; confirm: boolean; setConfirm: (v: boolean) => void; error: unknown;
}) {
  const { t } = useTranslation();
  const askConfirm = error instanceof ApiError && error.code === "confirm_required";
  return (
    <>
      <Field label={t("org.historyReason")}><textarea value={reason} onChange={(e) => setReason(e.target.value)} name="reason" rows={2} /></Field>
      {(askConfirm || confirm) && (
        <label className="small"><input type="checkbox" checked={confirm} onChange={(e) => setConfirm(e.target.checked)} name="confirm" /> {t("org.confirmCut")}</label>
      )}
    </>
  );
}

function PostBadge({ a }: { a: Assignment }) {
  const { t } = useTranslation();
  const staff = t("appt.kind.staff");
  if (a.is_head) return <Badge tone="blue">{t("appt.kind.head")}{a.is_acting ? ` · ${t("org.acting")}` : ""}</Badge>;
  if (a.is_deputy) return <Badge tone="purple">{t("appt.kind.deputy")}{a.is_acting ? ` · ${t("org.acting")}` : ""}</Badge>;
  return a.position.trim().toLowerCase() === staff.toLowerCase() ? null : <Badge>{staff}</Badge>; // not "Cán bộ [Cán bộ]"
}

export function AssignmentsTable({ list, show }: { list: Assignment[]; show: "officer" | "unit" }) {
  const { t, i18n } = useTranslation();
  const en = i18n.language.startsWith("en");
  if (!list.length) return <Empty title={t("officers.noPosts")} />;
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">{show === "officer" ? t("appt.officer") : t("appt.unit")}</th>
            <th scope="col">{t("appt.position")}</th>
            <th scope="col">{t("appt.field")}</th>
            <th scope="col">{t("common.from")} – {t("common.to")}</th>
          </tr>
        </thead>
        <tbody>
          {list.map((a) => (
            <tr key={a.id} data-testid="assignment-row">
              <td>{show === "officer" ? <Link to={`/admin/officers?officer=${a.officer.id}`}>{a.officer.rank} {a.officer.full_name}</Link> : <Link to={`/admin/org?unit=${a.unit.id}`}>{a.unit.name}</Link>}</td>
              <td>{a.position} <PostBadge a={a} /></td>
              <td>{a.field ? (en ? a.field.name_en : a.field.name_vi) : a.is_deputy ? <span className="muted">{t("appt.noField")}</span> : ""}{a.in_charge_of && <div className="small muted">{a.in_charge_of}</div>}</td>
              {/* the period and its decision in one narrow cell, so neither is clipped in the side panel */}
              <td data-testid="assignment-period">
                <Period from={a.valid_from} to={a.valid_to} />
                {a.decision_ref && <div className="small muted">{t("appt.decision")}: {a.decision_ref}</div>}
                <div><EndAssignment assignment={a} /></div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

type DialogKind = "rename" | "merge" | "abolish" | "appoint";

export function UnitPanel({ unitId, at, focusRequest = 0 }: { unitId: number; at: string; focusRequest?: number }) {
  const { t } = useTranslation();
  const [dialog, setDialog] = useState<DialogKind | null>(null);
  const [flash, setFlash] = useState("");
  const flashRef = useRef<HTMLParagraphElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  function open(kind: DialogKind) {
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setFlash("");
    setDialog(kind);
  }
  // Cancel: back to the button that opened the dialog; done: to the message saying what happened.
  function close() {
    setDialog(null);
    setTimeout(() => opener.current?.focus(), 0);
  }
  function done(message: string) {
    setDialog(null);
    setFlash(message);
  }
  useEffect(() => {
    if (flash) flashRef.current?.focus();
  }, [flash]);
  const q = useQuery({ queryKey: ["org", "history", unitId], queryFn: () => api.get<UnitHistory>(`org/units/${unitId}/history/`) });
  const h = q.data;
  const panel = useFocusHeadingOnPick(Boolean(h && h.unit.id === unitId), focusRequest);
  const notYet = h && h.unit.valid_from > at ? t("org.notYetInForce", { date: fmtDay(h.unit.valid_from) }) : null;
  // A recorded end: past ("Đã chấm dứt…") or still to come ("Sẽ chấm dứt…", the unit runs until then).
  const endWhy = h?.unit.valid_to ? t(h.unit.valid_to < todayIso() ? "org.ended" : "org.willEnd", { date: fmtDay(h.unit.valid_to) }) : null;
  const ended = endWhy ?? notYet; // merge, abolish: only a unit in force on the tree's date, with no end recorded yet
  // Appointments: any day the unit still runs (the server holds a post to the unit's last day).
  const gone = h?.unit.valid_to && h.unit.valid_to < at ? endWhy : null;
  return (
    <div ref={panel}>
    <QueryState q={q}>
      {h && (
        <Card
          title={<>{h.unit.name} <span className="muted small">{h.unit.code}</span></>}
          actions={
            <>
              <ActionButton className="btn btn-secondary btn-sm" why={notYet} onClick={() => open("rename")}>{t("org.rename")}</ActionButton>
              <ActionButton className="btn btn-secondary btn-sm" why={ended} onClick={() => open("merge")}>{t("org.merge")}</ActionButton>
              <ActionButton className="btn btn-secondary btn-sm" why={ended} onClick={() => open("abolish")}>{t("org.abolish")}</ActionButton>
              <ActionButton className="btn btn-primary btn-sm" why={gone} onClick={() => open("appoint")} data-testid="appoint-open">{t("org.appoint")}</ActionButton>
            </>
          }
        >
          {flash && <p className="notice notice-green" role="status" tabIndex={-1} ref={flashRef}>{flash}</p>}
          <dl className="kv">
            <dt>{t("org.level")}</dt><dd>{t(`org.level.${h.unit.level}`)}</dd>
            <dt>{t("org.existed")}</dt><dd><Period from={h.unit.valid_from} to={h.unit.valid_to} /></dd>
            {h.unit.successor && (<><dt>{t("org.successor")}</dt><dd><Link to={`/admin/org?unit=${h.unit.successor.id}&at=${at}`}>{h.unit.successor.name}</Link></dd></>)}
            {h.predecessors.length > 0 && (<><dt>{t("org.predecessors")}</dt><dd>{h.predecessors.map((p, i) => <span key={p.id}>{i > 0 && ", "}<Link to={`/admin/org?unit=${p.id}&at=${p.valid_to ?? at}`}>{p.name}</Link> <span className="small muted">({t("org.predecessorLastDay", { date: fmtDay(p.valid_to) })})</span></span>)}</dd></>)}
            <dt>{t("org.parents")}</dt>
            <dd>
              {h.parent_links.length === 0 ? (h.unit.parent?.name ?? t("org.noParent")) : (
                <ul className="plain">
                  {h.parent_links.map((l, i) => <li key={i}>{l.parent.name} · <Period from={l.valid_from} to={l.valid_to} /></li>)}
                </ul>
              )}
            </dd>
          </dl>
          <h3 className="section-title">{t("org.posts")}</h3>
          <AssignmentsTable list={h.assignments} show="officer" />
          {dialog === "rename" && <RenameDialog unit={h.unit} onClose={close} onDone={done} />}
          {dialog === "merge" && <MergeDialog unit={h.unit} at={at} onClose={close} onDone={done} />}
          {dialog === "abolish" && <AbolishDialog unit={h.unit} at={at} onClose={close} onDone={done} />}
          {dialog === "appoint" && <AppointDialog unitId={h.unit.id} defaultFrom={at} onClose={close} onDone={done} />}
        </Card>
      )}
    </QueryState>
    </div>
  );
}

export default function OrgPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const at = params.get("at") || todayIso();
  const unitId = Number(params.get("unit")) || null;
  const [creating, setCreating] = useState(false);
  const [focusRequest, setFocusRequest] = useState(0); // a pick in the tree sends focus to the unit's panel
  const q = useQuery({ queryKey: ["org", "tree", at], queryFn: () => api.get<UnitTree>("org/units/tree/", { at }) });
  const nodes = useMemo(() => q.data?.units ?? [], [q.data]);
  const depth = useMemo(() => depths(nodes), [nodes]);
  function set(next: Record<string, string | null>) {
    const p = new URLSearchParams(params);
    for (const [k, v] of Object.entries(next)) {
      if (v) p.set(k, v);
      else p.delete(k);
    }
    setParams(p, { replace: true });
  }
  return (
    <>
      <PageHeader
        title={t("org.title")}
        subtitle={t("org.subtitle")}
        actions={<button type="button" className="btn btn-primary" onClick={() => setCreating(true)} data-testid="unit-new">+ {t("org.newUnit")}</button>}
      />
      <div className="filters">
        <Field label={t("org.asOf")}><DateInput value={at} onChange={(v) => v && set({ at: v })} name="at" aria-label={t("org.asOf")} /></Field>
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => set({ at: null })}>{t("org.today")}</button>
        {["2025-02-28", "2025-03-01", "2025-07-01"].map((d) => (
          <button key={d} type="button" className={`btn btn-sm ${at === d ? "btn-primary" : "btn-secondary"}`} onClick={() => set({ at: d })} aria-pressed={at === d}>{fmtDay(d)}</button>
        ))}
      </div>
      <div className="grid-main-side" style={{ gridTemplateColumns: "minmax(280px, 1fr) minmax(0, 2fr)" }}>
        <Card title={t("org.tree")} className="flush">
          <QueryState q={q}>
            <p className="small muted" style={{ margin: "0 0 8px" }}>{t("org.treeCount", { count: nodes.length })}</p>
            <ul className="org-tree" aria-label={t("org.tree")}>
              {nodes.map((n) => (
                <li key={n.id} style={{ paddingLeft: (depth.get(n.id) ?? 0) * 18 }}>
                  <button type="button" className={`tree-item ${n.id === unitId ? "selected" : ""}`} aria-current={n.id === unitId ? "true" : undefined} onClick={() => { setFocusRequest((k) => k + 1); set({ unit: String(n.id) }); }} data-testid="tree-unit">
                    <span className="tree-name">{n.name}</span>
                    <span className="tree-sub">
                      {n.heads.length ? n.heads.map((h) => `${h.officer.full_name}${h.is_acting ? ` (${t("org.acting")})` : ""}`).join(", ") : <span className="tree-warn">{t("org.noHead")}</span>}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </QueryState>
        </Card>
        <div>
          {unitId ? <UnitPanel unitId={unitId} at={at} focusRequest={focusRequest} /> : <Card><Empty title={t("org.pickUnit")} /></Card>}
        </div>
      </div>
      {creating && <NewUnitDialog onClose={() => setCreating(false)} onCreated={(u) => { setCreating(false); set({ unit: String(u.id) }); }} />}
    </>
  );
}
