import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, rows, type Page } from "../../api/client";
import { ActionButton } from "../../components/ActionButton";
import { fmtDate, fmtDateTime } from "../../components/format";
import { Badge, Card, Empty, Field, InlineError, Modal, PageHeader, QueryState } from "../../components/ui";
import { RemapApprovals } from "../../components/ClipRemap";
import { useTypedTextError } from "../../components/typedText";
import type { OfficerCard, TeamGrant, TeamGrantApproved } from "../../types/org";

const STATE_TONE = { pending: "amber", approved: "green", refused: "red", expired: "grey" } as const;

/** What the request asks for, in words: the kind, and the role for a new account or a role change. */
export function GrantWhat({ g }: { g: Pick<TeamGrant, "kind" | "role"> & Partial<Pick<TeamGrant, "officer" | "full_name" | "scope_unit">> }) {
  const { t } = useTranslation();
  const officer = g.kind === "officer" && g.officer !== undefined
    ? ` · ${g.officer ? t("grants.officerTo", { name: g.officer.name }) : t("grants.officerClear")}` : "";
  const name = g.kind === "name" && g.full_name ? ` · ${t("grants.nameTo", { name: g.full_name })}` : "";
  const scope = g.kind === "scope" && g.scope_unit !== undefined
    ? ` · ${g.scope_unit ? t("grants.scopeTo", { name: g.scope_unit.name }) : t("grants.scopeProvince")}` : "";
  return <>{t(`grants.kind.${g.kind}`)}{g.role ? ` · ${t(`role.${g.role}`)}` : ""}{officer}{name}{scope}</>;
}

/** The look-alike accounts and officers found when the account was asked for or renamed, and the requester's
 *  reason that it is another person (insider review S2-4): the approver sees that the new account may be himself. */
export function Lookalikes({ grant, testId }: { grant: TeamGrant; testId: string }) {
  const { t } = useTranslation();
  const found = grant.lookalikes;
  if (!found || (found.accounts.length === 0 && found.officers.length === 0 && !found.distinct_reason)) return null;
  const you = (isYou: boolean) => (isYou ? <strong> · {t("grants.lookalikeYou")}</strong> : null);
  return (
    <div className="small notice-red" role="alert" data-testid={testId}>
      <strong>{t("grants.lookalikes")}:</strong>
      <ul>
        {found.accounts.map((a) => <li key={`a${a.id}`}>{t("grants.lookalikeAccount", { username: a.username, name: a.full_name })} · {t(`role.${a.role}`)}{a.date_of_birth ? ` · ${t("grants.born")} ${fmtDate(a.date_of_birth)}` : ""}{you(a.is_you)}</li>)}
        {found.officers.map((o) => <li key={`o${o.id}`}>{t("grants.lookalikeOfficer", { name: [o.rank, o.full_name].filter(Boolean).join(" "), number: o.service_number })}{o.date_of_birth ? ` · ${t("grants.born")} ${fmtDate(o.date_of_birth)}` : ""}{you(o.is_you)}</li>)}
      </ul>
      {found.distinct_reason && <div>{t("grants.distinctReason")}: <em>{found.distinct_reason}</em></div>}
    </div>
  );
}

/** A person as people read it: the full name, the username small beside it (user review, ui15). */
export function Person({ who }: { who: { name: string; username?: string } | null | undefined }) {
  if (!who) return <>—</>;
  return <>{who.name}{who.username && who.username !== who.name ? <span className="mono small muted"> ({who.username})</span> : null}</>;
}

/** One recorded account change, in words: roles by their names, the account's state, officers by name. */
function ChangeText({ field, before, after }: { field: string; before: unknown; after: unknown }) {
  const { t } = useTranslation();
  const show = (v: unknown) => {
    if (v === null || v === "" || v === undefined) return "—";
    if (field === "role") return t(`role.${String(v)}`);
    if (field === "is_active") return t(v ? "grants.active" : "grants.inactive");
    return String(v);
  };
  return <span> · {t(`grants.field.${field}`, { defaultValue: field })}: {show(before)} → {show(after)}</span>;
}

/** What happened to the account since it last held a team role: the approving lead sees a demotion, a
 *  credential reset or an officer-link change made in between. */
function RecentChanges({ grant }: { grant: TeamGrant }) {
  const { t } = useTranslation();
  const changes = grant.recent_changes ?? [];
  return (
    <div data-testid="grant-recent">
      <strong className="small">{t("grants.recent")}</strong>
      {changes.length === 0 ? <p className="small muted">{t("grants.recentNone")}</p> : (
        <ul className="small">
          {changes.map((c, i) => (
            <li key={i}>
              {fmtDateTime(c.at)} · <Person who={{ name: c.by, username: c.by_username }} /> · {t(`grants.verb.${c.verb}`)}
              {Object.entries(c.change).map(([k, [a, b]]) => <ChangeText key={k} field={k} before={a} after={b} />)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The one-time activation code, shown once after approving: only its hash is kept on the server. */
function ActivationCode({ result, onDone }: { result: TeamGrantApproved; onDone: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal title={t("grants.codeTitle")} onClose={onDone}
      footer={<button type="button" className="btn btn-primary" onClick={onDone} data-testid="grant-code-done">{t("grants.codeDone")}</button>}>
      <p className="mono" style={{ fontSize: "1.6rem", letterSpacing: "0.1em" }} data-testid="grant-activation-code">{result.activation_code}</p>
      <p>{t("grants.codeOnce", { name: result.target.full_name, username: result.target.username, until: fmtDateTime(result.activation_expires_at ?? "") })}</p>
    </Modal>
  );
}

/** Approve (optional note) or refuse (reason required): the server names who may decide. */
export function DecideDialog({ grant, refuse, onClose }: { grant: TeamGrant; refuse: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [reason, setReason] = useState("");
  const typed = useTypedTextError(); // the server's reason rule, said while typed: "xin chào" is no reason (insider S2-2)
  const m = useMutation({
    mutationFn: () => api.post<TeamGrantApproved>(`auth/team-grants/${grant.id}/${refuse ? "refuse" : "approve"}/`, { reason }),
    onSuccess: (result) => {
      void qc.invalidateQueries({ queryKey: ["team-grants"] });
      void qc.invalidateQueries({ queryKey: ["home"] });
      if (!result?.activation_code) onClose(); // else the code is shown once, then the dialog closes
    },
  });
  if (m.data?.activation_code) return <ActivationCode result={m.data} onDone={onClose} />;
  const reasonError = reason.trim() ? typed.reason(reason) : null;
  const why = (m.isPending && t("why.busy")) || (refuse && reason.trim().length < 5 && t("why.refuseReason")) || reasonError;
  return (
    <Modal
      title={`${refuse ? t("grants.refuse") : t("grants.approve")}: ${grant.target.full_name} (${grant.target.username})`}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn btn-secondary" onClick={onClose}>{t("action.cancel")}</button>
          <ActionButton type="button" className={refuse ? "btn btn-danger" : "btn btn-primary"} data-testid="grant-decide" why={why} onClick={() => m.mutate()}>
            {refuse ? t("grants.refuse") : t("grants.approve")}
          </ActionButton>
        </>
      }
    >
      <p><GrantWhat g={grant} /> · {t("grants.requestedBy")}: <Person who={grant.requested_by} /> · {fmtDateTime(grant.requested_at)}</p>
      <div data-testid="grant-officer"><strong>{t("grants.linkedOfficer")}:</strong> <LinkedOfficer grant={grant} inline /></div>
      <NewOfficer grant={grant} testId="grant-new-officer" />
      <Lookalikes grant={grant} testId="grant-lookalikes" />
      {!refuse && <RecentChanges grant={grant} />}
      <Field label={refuse ? t("grants.refuseReason") : t("grants.approveNote")}>
        <textarea value={reason} onChange={(e) => setReason(e.target.value)} rows={3} data-testid="grant-reason" />
      </Field>
      {reasonError && <p className="small text-danger" data-testid="grant-reason-problem">{reasonError}</p>}
      {m.isError && <InlineError error={m.error} />}
    </Modal>
  );
}

/** An officer in full (insider review F3): rank and name, service number, birth date, every posting held today,
 *  and the server's warnings (linked to another account, looks like another officer, is you) in red. */
function OfficerFull({ o, testId }: { o: OfficerCard; testId?: string }) {
  const { t, i18n } = useTranslation();
  const en = i18n.language.startsWith("en");
  const postings = o.postings.map((p) => [p.position, p.unit].filter(Boolean).join(", ")).join("; ");
  return (
    <div className="small" data-testid={testId}>
      <span>{o.name} · {t("grants.serviceNumber")} <span className="mono">{o.service_number}</span>
        {o.date_of_birth ? ` · ${t("grants.born")} ${fmtDate(o.date_of_birth)}` : ""}
        {` · ${postings || t("grants.noPosting")}`}</span>
      {o.warnings.map((w) => <div key={w.code + w.vi} className="notice-red" role="alert" data-testid="officer-warning">{en ? w.en : w.vi}</div>)}
    </div>
  );
}

/** Who the account is (its linked officer, rank, number and where he serves today): the approving lead checks
 *  the person, not only the account's name (user review, issue 15). */
function LinkedOfficer({ grant, inline = false }: { grant: TeamGrant; inline?: boolean }) {
  const { t } = useTranslation();
  const o = grant.target.linked_officer;
  if (!o) return inline ? <span>{t("grants.noLinkedOfficer")}</span> : <div className="small muted" data-testid={`grant-officer-${grant.id}`}>{t("grants.noLinkedOfficer")}</div>;
  return <OfficerFull o={o} testId={inline ? undefined : `grant-officer-${grant.id}`} />;
}

/** For an officer-link change: the officer to link, in full (F3: it showed a name only). */
function NewOfficer({ grant, testId }: { grant: TeamGrant; testId: string }) {
  const { t } = useTranslation();
  if (grant.kind !== "officer") return null;
  return (
    <div data-testid={testId}>
      <strong className="small">{t("grants.newOfficer")}:</strong>{" "}
      {grant.officer ? <OfficerFull o={grant.officer} /> : <span className="small">{t("grants.officerClear")}</span>}
    </div>
  );
}

export type Deciding = { grant: TeamGrant; refuse: boolean };

export function GrantTable({ grants, decided, setDeciding }: { grants: TeamGrant[]; decided: boolean; setDeciding?: (d: Deciding) => void }) {
  const { t } = useTranslation();
  return (
    <>
      <table className="table" data-testid={decided ? "grants-decided" : "grants-pending"}>
        <thead>
          <tr>
            <th>{t("grants.kind")}</th><th>{t("grants.target")}</th><th>{t("grants.requestedBy")}</th>
            <th>{t("grants.requestedAt")}</th>
            {decided ? <><th>{t("grants.state")}</th><th>{t("grants.decidedBy")}</th><th>{t("grants.reason")}</th></> : <><th>{t("grants.expiresAt")}</th><th></th></>}
          </tr>
        </thead>
        <tbody>
          {grants.map((g) => (
            <tr key={g.id}>
              <td><GrantWhat g={g} /></td>
              <td><strong>{g.target.full_name}</strong> <span className="mono small muted">{g.target.username}</span><LinkedOfficer grant={g} /><NewOfficer grant={g} testId={`grant-new-officer-${g.id}`} /><Lookalikes grant={g} testId={`grant-lookalikes-${g.id}`} />{!decided && g.no_approver && <div className="small notice-amber">{t("grants.noApprover")}</div>}</td>
              <td data-testid={`grant-requested-by-${g.id}`}><Person who={g.requested_by} /></td>
              <td className="small">{fmtDateTime(g.requested_at)}</td>
              {decided ? (
                <>
                  <td><Badge tone={STATE_TONE[g.state]}>{t(`grants.state.${g.state}`)}</Badge></td>
                  <td data-testid={`grant-decided-by-${g.id}`}><Person who={g.decided_by} />{g.decided_at ? <span className="small muted"> · {fmtDateTime(g.decided_at)}</span> : null}</td>
                  <td className="small">{g.reason || "—"}</td>
                </>
              ) : (
                <>
                  <td className="small">{fmtDateTime(g.expires_at)}</td>
                  <td className="right nowrap">
                    {g.may_decide ? (
                      <>
                        <button type="button" className="btn btn-primary btn-sm" onClick={() => setDeciding?.({ grant: g, refuse: false })} data-testid={`grant-approve-${g.id}`}>{t("grants.approve")}</button>{" "}
                        <button type="button" className="btn btn-secondary btn-sm" onClick={() => setDeciding?.({ grant: g, refuse: true })} data-testid={`grant-refuse-${g.id}`}>{t("grants.refuse")}</button>
                      </>
                    ) : <span className="small muted">{t("grants.notYours")}</span>}
                  </td>
                </>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** The inspection lead's inbox of requests under the two-person rule (and their history). */
export default function ApprovalsPage() {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: ["team-grants"], queryFn: () => api.get<Page<TeamGrant>>("auth/team-grants/", { page_size: 200 }), staleTime: 0 });
  const all = rows(q.data);
  const pending = all.filter((g) => g.state === "pending");
  const decided = all.filter((g) => g.state !== "pending");
  // held here, not in the table: the approved request leaves the pending list while its code is still shown
  const [deciding, setDeciding] = useState<Deciding | null>(null);
  return (
    <>
      <PageHeader title={t("grants.title")} subtitle={t("grants.subtitle")} />
      <QueryState q={q}>
        <Card title={<>{t("grants.pending")} <Badge tone={pending.length ? "red" : "grey"}>{pending.length}</Badge></>} className="flush">
          {pending.length === 0 ? <Empty title={t("grants.none")} /> : <GrantTable grants={pending} decided={false} setDeciding={setDeciding} />}
        </Card>
        {decided.length > 0 && (
          <Card title={t("grants.history")} className="flush">
            <GrantTable grants={decided} decided />
          </Card>
        )}
      </QueryState>
      <RemapApprovals />
      {deciding && <DecideDialog key={deciding.grant.id} grant={deciding.grant} refuse={deciding.refuse} onClose={() => setDeciding(null)} />}
    </>
  );
}
