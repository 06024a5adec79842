import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useTypedTextError } from "../../components/typedText";
import { ApiError, api, rows, type Page } from "../../api/client";
import { Badge, Card, ConfirmDialog, Empty, Field, InlineError, Modal, PageHeader, QueryState } from "../../components/ui";
import { OfficerPicker } from "../../components/OfficerPicker";
import { fmtDateTime } from "../../components/format";
import { useCounters, useUnits, useUnitsOn } from "../../hooks/use-ref-data";
import type { AdminUser, ApiToken, NewApiToken, Officer, PendingApproval, Role, Roles, TeamGrant, UnitHeads } from "../../types/org";
import { DecideDialog, GrantTable, GrantWhat, type Deciding } from "../inspection/ApprovalsPage";
import { ActionButton } from "../../components/ActionButton";


const ROLES: Role[] = ["inspector", "inspection_lead", "reviewer", "disciplinary", "unit_head", "admin"];

/** The roles with legal powers or secrets (created with no password, approved by a second person) come from the
 * server, the one owner of GUARDED_ROLES (GET /api/auth/roles/): no copy here (reviewer, issue 15). Until the
 * answer comes, a role counts as guarded: no password is asked or sent. */
function useGuarded(): (role: Role) => boolean {
  const roles = useQuery({ queryKey: ["auth-roles"], queryFn: () => api.get<Roles>("auth/roles/"), staleTime: Infinity }).data?.roles;
  return (role: Role) => roles?.find((r) => r.code === role)?.guarded ?? true;
}
const TOKEN_KINDS = ["rating_device", "minio_webhook", "camera_uploader", "integration"];

/** Role and unit scope of an account: the units in force today (the server's rule, as the list filters
 *  read it), and a unit no longer in force only if already chosen. A commune whose merger is recorded
 *  for a later date is still offered; its successor not before it starts. */
function RoleAndScope({ role, setRole, scope, setScope }: { role: Role; setRole: (r: Role) => void; scope: number | ""; setScope: (s: number | "") => void }) {
  const { t } = useTranslation();
  const inForce = useUnitsOn(null).data ?? [];
  const chosen = (useUnits().data ?? []).find((u) => u.id === scope && !inForce.some((f) => f.id === u.id));
  const units = chosen ? [...inForce, chosen] : inForce;
  return (
    <>
      <Field label={t("users.role")}>
        <select value={role} onChange={(e) => setRole(e.target.value as Role)} data-testid="user-role">
          {ROLES.map((r) => <option key={r} value={r}>{t(`role.${r}`)}</option>)}
        </select>
      </Field>
      <Field label={t("users.scope")} hint={role === "unit_head" && !scope ? t("users.scopeRequired") : undefined}>
        <select value={scope} onChange={(e) => setScope(Number(e.target.value) || "")} data-testid="user-scope">
          <option value="">{t("scope.province")}</option>
          {units.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
        </select>
        {role === "unit_head" && scope !== "" && <NoHeadWarning unitId={scope} />}
      </Field>
    </>
  );
}

/** A unit head's account scoped to a unit where nobody holds the head's post today (per the appointments):
 *  said, so the administrator records the appointment (Tổ chức) or picks the right unit. */
function NoHeadWarning({ unitId }: { unitId: number }) {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: ["unit-heads", unitId], queryFn: () => api.get<UnitHeads>(`org/units/${unitId}/heads/`) });
  if (!q.data || q.data.heads.length > 0) return null;
  return <span className="field-hint field-warn" role="alert" data-testid="user-scope-no-head">{t("users.scopeNoHead", { name: q.data.unit.name })}</span>;
}

/** Picking the officer fills "Họ tên" when it is empty or still the name of the officer picked before. */
function useOfficerName(officer: Officer | null, setOfficer: (o: Officer | null) => void, fullName: string, setFullName: (n: string) => void) {
  return (o: Officer | null) => {
    if (o && (!fullName.trim() || fullName === officer?.full_name)) setFullName(o.full_name);
    setOfficer(o);
  };
}

function NewUserDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const typed = useTypedTextError();
  const qc = useQueryClient();
  const [username, setUsername] = useState("");
  const [fullName, setFullName] = useState("");
  const [role, setRole] = useState<Role>("inspector");
  const [scope, setScope] = useState<number | "">("");
  const [officer, setOfficer] = useState<Officer | null>(null);
  const pickOfficer = useOfficerName(officer, setOfficer, fullName, setFullName);
  const [password, setPassword] = useState("");
  const [distinct, setDistinct] = useState("");
  const isGuarded = useGuarded();
  const m = useMutation({
    // an account with legal powers or secrets gets no password from the administrator (the API refuses one)
    mutationFn: () => api.post<AdminUser>("auth/users/", { username, full_name: fullName, role, scope_unit_id: scope || null, officer_id: officer?.id ?? null, password: isGuarded(role) ? "" : password,
      ...(distinct.trim() ? { distinct_reason: distinct.trim() } : {}) }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ["users"] });
      onClose();
    },
  });
  return (
    <Modal
      title={t("users.new")}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn btn-secondary" onClick={onClose}>{t("action.cancel")}</button>
          <ActionButton type="button" className="btn btn-primary" why={(m.isPending && t("why.busy")) || (!username && t("why.username")) || typed.name(fullName) || typed.reason(distinct) || (!isGuarded(role) && password.length < 8 && t("why.password8")) || (role === "unit_head" && !scope && t("why.scopeRequired"))} onClick={() => m.mutate()}>{t("action.create")}</ActionButton>
        </>
      }
    >
      <div className="grid-2">
        <Field label={t("users.username")}><input value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" /></Field>
        <Field label={t("users.fullName")} error={typed.name(fullName)}><input value={fullName} onChange={(e) => setFullName(e.target.value)} /></Field>
        <RoleAndScope role={role} setRole={setRole} scope={scope} setScope={setScope} />
      </div>
      <Field label={t("users.officer")}><OfficerPicker value={officer} onChange={pickOfficer} /></Field>
      {isGuarded(role)
        ? <p className="notice notice-amber small" data-testid="user-team-no-password">{t("users.teamNoPassword")}</p>
        : <Field label={t("users.password")} hint={t("users.passwordHint")}><input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" /></Field>}
      {/* a name like an existing account's or officer's: one person, one account (issue 15); the server names them
          (409 account_lookalike) and takes a worded reason that this is another person */}
      {(distinct || (m.error instanceof ApiError && m.error.code === "account_lookalike")) && (
        <Field label={t("users.distinctReason")} hint={t("users.distinctHint")} error={typed.reason(distinct)}>
          <textarea value={distinct} onChange={(e) => setDistinct(e.target.value)} name="distinct_reason" rows={2} data-testid="user-distinct-reason" />
        </Field>
      )}
      {m.isError && <InlineError error={m.error} />}
    </Modal>
  );
}

function EditUserDialog({ user, onClose }: { user: AdminUser; onClose: () => void }) {
  const { t } = useTranslation();
  const typed = useTypedTextError();
  const qc = useQueryClient();
  const [fullName, setFullName] = useState(user.full_name);
  const [role, setRole] = useState<Role>(user.role);
  const [scope, setScope] = useState<number | "">(user.scope_unit?.id ?? "");
  const [officer, setOfficer] = useState<Officer | null>(user.officer ? ({ ...user.officer, service_number: user.officer.service_number ?? "" } as Officer) : null);
  const pickOfficer = useOfficerName(officer, setOfficer, fullName, setFullName);
  const [active, setActive] = useState(user.is_active);
  const [password, setPassword] = useState("");
  const [distinct, setDistinct] = useState("");
  const isGuarded = useGuarded();
  const save = useMutation({
    // the listed name falls back to the username: send the name only when it was edited; a new name is checked
    // for look-alikes as a new account is (insider review S1-4), with the same worded reason
    mutationFn: () => api.patch<AdminUser>(`auth/users/${user.id}/`, { ...(fullName !== user.full_name ? { full_name: fullName } : {}), role, scope_unit_id: scope || null, officer_id: officer?.id ?? null, is_active: active,
      ...(distinct.trim() ? { distinct_reason: distinct.trim() } : {}) }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ["users"] });
      onClose();
    },
  });
  // a guarded account's reset is a request (202 with it) until a second person approves it
  const reset = useMutation({
    mutationFn: () => api.post<TeamGrant | undefined>(`auth/users/${user.id}/password/`, { password: team ? "" : password }),
    onSuccess: () => {
      setPassword("");
      void qc.invalidateQueries({ queryKey: ["users"] });
      void qc.invalidateQueries({ queryKey: ["team-grants"] });
    },
  });
  const resetTwoFactor = useMutation({
    mutationFn: () => api.post<TeamGrant | undefined>(`auth/users/${user.id}/2fa/reset/`),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ["users"] });
      void qc.invalidateQueries({ queryKey: ["team-grants"] });
    },
  });
  const team = user.reset_needs_approval ?? isGuarded(user.role);
  const [askTwoFactor, setAskTwoFactor] = useState(false);
  const twoFactorPending = Boolean(resetTwoFactor.data) || (user.pending_approvals ?? []).some((p) => p.kind === "two_factor");
  return (
    <>
    <Modal
      title={t("users.edit", { name: user.username })}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn btn-secondary" onClick={onClose}>{t("action.cancel")}</button>
          <ActionButton type="button" className="btn btn-primary" data-testid="user-save" why={(save.isPending && t("why.busy")) || typed.name(fullName) || typed.reason(distinct) || (role === "unit_head" && !scope && t("why.scopeRequired"))} onClick={() => save.mutate()}>{t("action.save")}</ActionButton>
        </>
      }
    >
      <div className="grid-2">
        <Field label={t("users.fullName")} error={typed.name(fullName)}><input value={fullName} onChange={(e) => setFullName(e.target.value)} /></Field>
        <RoleAndScope role={role} setRole={setRole} scope={scope} setScope={setScope} />
        <Field label={t("common.state")}>
          <span className="row"><input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} data-testid="user-active" /> {t("users.active")}</span>
        </Field>
      </div>
      <Field label={t("users.officer")}><OfficerPicker value={officer} onChange={pickOfficer} /></Field>
      <p className="small muted">{t("users.changeNote")}</p>
      {(distinct || (save.error instanceof ApiError && save.error.code === "account_lookalike")) && (
        <Field label={t("users.distinctReason")} hint={t("users.distinctHint")} error={typed.reason(distinct)}>
          <textarea value={distinct} onChange={(e) => setDistinct(e.target.value)} name="distinct_reason" rows={2} data-testid="user-edit-distinct-reason" />
        </Field>
      )}
      {save.isError && <InlineError error={save.error} />}
      <hr />
      <Field label={t("users.resetPassword")} hint={team ? t("users.teamResetHint") : t("users.resetHint")}>
        <div className="row">
          {!team && <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" />}
          <ActionButton type="button" className="btn btn-secondary" data-testid="user-password-reset" why={(reset.isPending && t("why.busy")) || (!team && password.length < 8 && t("why.password8"))} onClick={() => reset.mutate()}>{team ? t("users.requestReset") : t("users.setPassword")}</ActionButton>
        </div>
      </Field>
      {reset.isSuccess && <p className="small" role="status" data-testid="user-password-result">{reset.data ? t("users.passwordPending") : t("users.passwordSet")}</p>}
      {reset.data?.no_approver && <p className="notice notice-amber small" role="alert" data-testid="grant-no-approver">{t("grants.noApprover")}</p>}
      {reset.isError && <InlineError error={reset.error} />}
      <hr />
      <Field label={t("users.twoFactor")} hint={t("users.twoFactorResetHint")}>
        <div className="row">
          <span data-testid="user-2fa-state">
            {(resetTwoFactor.isSuccess && !resetTwoFactor.data) || !user.two_factor_enabled ? t("users.twoFactorOff") : t("users.twoFactorOn")}
            {user.two_factor_required ? ` · ${t("users.twoFactorRequired")}` : ""}
          </span>
          {user.two_factor_enabled && !resetTwoFactor.isSuccess && !twoFactorPending && (
            <ActionButton type="button" className="btn btn-secondary" data-testid="user-2fa-reset" why={resetTwoFactor.isPending && t("why.busy")}
              onClick={() => setAskTwoFactor(true)}>
              {t("users.twoFactorReset")}
            </ActionButton>
          )}
        </div>
      </Field>
      {resetTwoFactor.isSuccess && <p className="small" role="status">{resetTwoFactor.data ? t("users.twoFactorPending") : t("users.twoFactorWasReset")}</p>}
      {resetTwoFactor.data?.no_approver && <p className="notice notice-amber small" role="alert">{t("grants.noApprover")}</p>}
      {!resetTwoFactor.isSuccess && twoFactorPending && <p className="small" role="status"><Badge tone="amber">{t("users.pending")}</Badge></p>}
      {resetTwoFactor.isError && <InlineError error={resetTwoFactor.error} />}
    </Modal>
    {askTwoFactor && (
      <ConfirmDialog title={t("users.twoFactorReset")} message={t("users.twoFactorConfirm", { name: user.username })} confirmLabel={t("users.twoFactorReset")} danger
        onConfirm={() => { setAskTwoFactor(false); resetTwoFactor.mutate(); }} onClose={() => setAskTwoFactor(false)} />
    )}
    </>
  );
}

/** The changes to an account waiting for a second person's approval (the two-person rule). */
function PendingBadges({ pending, username }: { pending: PendingApproval[]; username: string }) {
  const { t } = useTranslation();
  if (pending.length === 0) return null;
  return (
    <div className="small" data-testid={`user-pending-${username}`}>
      {pending.map((p) => (
        <Badge key={p.id} tone="amber" title={`${t("grants.expiresAt")}: ${fmtDateTime(p.expires_at)}`}>
          {t("users.pending")}: {t(`users.pendingKind.${p.kind}`, { role: p.role ? t(`role.${p.role}`) : "" })}
        </Badge>
      ))}
    </div>
  );
}

/** Requests of another administrator about an administrator's, disciplinary officer's or unit head's account
 *  that this administrator may approve or refuse (the two-person rule; the team's go to a lead). */
function ToDecide() {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: ["team-grants"], queryFn: () => api.get<Page<TeamGrant>>("auth/team-grants/", { page_size: 50 }) });
  const [deciding, setDeciding] = useState<Deciding | null>(null);
  const grants = rows(q.data).filter((g) => g.state === "pending" && g.may_decide);
  return (
    <>
      {grants.length > 0 && (
        <Card title={<>{t("grants.toDecide")} <Badge tone="red">{grants.length}</Badge></>} className="flush">
          <p className="small muted" style={{ padding: "0 1rem" }}>{t("grants.toDecideHint")}</p>
          <div data-testid="admin-to-decide"><GrantTable grants={grants} decided={false} setDeciding={setDeciding} /></div>
        </Card>
      )}
      {deciding && <DecideDialog key={deciding.grant.id} grant={deciding.grant} refuse={deciding.refuse} onClose={() => setDeciding(null)} />}
    </>
  );
}

/** The requests this administrator asked, with their state and the approver's reason once decided. */
function MyRequests() {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: ["team-grants"], queryFn: () => api.get<Page<TeamGrant>>("auth/team-grants/", { page_size: 50 }) });
  const grants = rows(q.data).filter((g) => g.asked_by_you !== false);
  if (grants.length === 0) return null;
  return (
    <Card title={t("users.myRequests")} className="flush">
      <table className="table" data-testid="my-grants">
        <thead>
          <tr><th>{t("grants.kind")}</th><th>{t("grants.target")}</th><th>{t("grants.requestedAt")}</th><th>{t("grants.state")}</th><th>{t("grants.reason")}</th></tr>
        </thead>
        <tbody>
          {grants.map((g) => (
            <tr key={g.id}>
              <td><GrantWhat g={g} /></td>
              <td className="mono">{g.target.username}</td>
              <td className="small">{fmtDateTime(g.requested_at)}</td>
              <td><Badge tone={g.state === "approved" ? "green" : g.state === "pending" ? "amber" : "grey"}>{t(`grants.state.${g.state}`)}</Badge>{g.state === "pending" ? <span className="small muted"> · {t("grants.expiresAt")} {fmtDateTime(g.expires_at)}</span> : g.decided_label ? <span className="small muted"> · {g.decided_label}</span> : null}{g.no_approver && <div className="small notice-amber" data-testid={`my-grant-no-approver-${g.id}`}>{t("grants.noApprover")}</div>}</td>
              <td className="small">{g.reason || "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}

function NewTokenDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const counters = useCounters().data ?? [];
  const [name, setName] = useState("");
  const [kind, setKind] = useState("rating_device");
  const [counter, setCounter] = useState<number | "">("");
  const m = useMutation({
    mutationFn: () => api.post<NewApiToken>("auth/tokens/", { name, kind, counter_id: counter || null }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["tokens"] }),
  });
  return (
    <Modal
      title={t("users.newToken")}
      onClose={onClose}
      footer={
        m.isSuccess ? (
          <button type="button" className="btn btn-primary" onClick={onClose}>{t("action.close")}</button>
        ) : (
          <>
            <button type="button" className="btn btn-secondary" onClick={onClose}>{t("action.cancel")}</button>
            <ActionButton type="button" className="btn btn-primary" why={(m.isPending && t("why.busy")) || (!name && t("why.nameRequired"))} onClick={() => m.mutate()}>{t("action.create")}</ActionButton>
          </>
        )
      }
    >
      {m.isSuccess ? (
        <Field label={t("users.tokenKey")}><code className="hash">{m.data.key}</code></Field>
      ) : (
        <>
          <Field label={t("users.tokenName")}><input value={name} onChange={(e) => setName(e.target.value)} /></Field>
          <Field label={t("users.tokenKind")}>
            <select value={kind} onChange={(e) => setKind(e.target.value)}>
              {TOKEN_KINDS.map((k) => <option key={k} value={k}>{t(`tokenKind.${k}`)}</option>)}
            </select>
          </Field>
          {kind === "rating_device" && (
            <Field label={t("common.counter")}>
              <select value={counter} onChange={(e) => setCounter(Number(e.target.value) || "")}>
                <option value="">—</option>
                {counters.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
              </select>
            </Field>
          )}
          {m.isError && <InlineError error={m.error} />}
        </>
      )}
    </Modal>
  );
}

export default function UsersPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [dialog, setDialog] = useState<"user" | "token" | null>(null);
  const [editing, setEditing] = useState<AdminUser | null>(null);
  const usersQ = useQuery({ queryKey: ["users"], queryFn: () => api.get<Page<AdminUser>>("auth/users/", { page_size: 200 }) });
  const tokensQ = useQuery({ queryKey: ["tokens"], queryFn: () => api.get<Page<ApiToken>>("auth/tokens/", { page_size: 200 }) });
  const revoke = useMutation({ mutationFn: (id: number) => api.post(`auth/tokens/${id}/revoke/`), onSuccess: () => qc.invalidateQueries({ queryKey: ["tokens"] }) });
  const users = rows(usersQ.data).filter((u) => u.role !== "service");
  const tokens = rows(tokensQ.data);
  return (
    <>
      <PageHeader
        title={t("users.title")}
        subtitle={t("users.subtitle")}
        actions={
          <>
            <button type="button" className="btn btn-secondary" onClick={() => setDialog("token")}>+ {t("users.newToken")}</button>
            <button type="button" className="btn btn-primary" onClick={() => setDialog("user")}>+ {t("users.new")}</button>
          </>
        }
      />
      <Card className="flush">
        <QueryState q={usersQ}>
          {users.length === 0 ? (
            <Empty title={t("common.none")} />
          ) : (
            <table className="table" data-testid="users-table">
              <thead>
                <tr><th>{t("users.username")}</th><th>{t("users.fullName")}</th><th>{t("users.role")}</th><th>{t("users.scope")}</th><th>{t("users.officer")}</th><th>{t("common.state")}</th><th>{t("users.twoFactor")}</th><th className="sticky-end"><span className="sr-only">{t("action.edit")}</span></th></tr>
              </thead>
              <tbody>
                {users.map((u) => (
                  <tr key={u.id}>
                    <td className="mono">{u.username}</td>
                    <td><strong>{u.full_name}</strong></td>
                    <td><Badge tone={u.role === "admin" ? "purple" : u.is_inspection_team ? "blue" : "neutral"}>{t(`role.${u.role}`)}</Badge></td>
                    <td>{u.scope_unit ? u.scope_unit.name : <span className="muted">{t("scope.province")}</span>}</td>
                    <td>{u.officer ? `${u.officer.rank} ${u.officer.full_name}` : "—"}</td>
                    <td>
                      {u.is_active ? <Badge tone="green">{t("users.active")}</Badge> : <Badge tone="grey">{t("users.inactive")}</Badge>}
                      <PendingBadges pending={u.pending_approvals ?? []} username={u.username} />
                    </td>
                    <td data-testid={`user-2fa-${u.username}`}>
                      {u.two_factor_enabled ? <Badge tone="green">{t("users.twoFactorOn")}</Badge>
                        : <Badge tone={u.two_factor_required ? "amber" : "grey"} title={u.two_factor_required ? t("users.twoFactorRequired") : undefined}>{t("users.twoFactorOff")}</Badge>}
                    </td>
                    <td className="right sticky-end"><button type="button" className="btn btn-ghost btn-sm" onClick={() => setEditing(u)} aria-label={t("users.edit", { name: u.username })}>{t("action.edit")}</button></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </QueryState>
      </Card>
      <p className="small muted">{t("users.roleNote")}</p>
      <p className="small muted">{t("users.teamRoleNote")}</p>
      <ToDecide />
      <MyRequests />
      <Card title={t("users.tokens")} className="flush">
        <QueryState q={tokensQ}>
          {tokens.length === 0 ? (
            <Empty title={t("common.none")} />
          ) : (
            <table className="table">
              <thead>
                <tr><th>{t("users.tokenName")}</th><th>{t("users.tokenKind")}</th><th>{t("users.lastUsed")}</th><th>{t("common.state")}</th><th></th></tr>
              </thead>
              <tbody>
                {tokens.map((k) => (
                  <tr key={k.id}>
                    <td><strong>{k.name}</strong> <span className="mono small muted">{k.key_prefix}…</span></td>
                    <td>{t(`tokenKind.${k.kind}`, { defaultValue: k.kind })}</td>
                    <td className="small">{fmtDateTime(k.last_used_at)}</td>
                    <td>{k.revoked_at ? <Badge tone="grey">{t("users.revoked")}</Badge> : <Badge tone="green">{t("cams.active")}</Badge>}</td>
                    <td className="right">{!k.revoked_at && <button type="button" className="btn btn-ghost btn-sm" onClick={() => revoke.mutate(k.id)}>{t("users.revoke")}</button>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </QueryState>
      </Card>
      {revoke.isError && <InlineError error={revoke.error} />}
      {dialog === "user" && <NewUserDialog onClose={() => setDialog(null)} />}
      {dialog === "token" && <NewTokenDialog onClose={() => setDialog(null)} />}
      {editing && <EditUserDialog user={editing} onClose={() => setEditing(null)} />}
    </>
  );
}
