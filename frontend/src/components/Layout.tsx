import { Suspense, useEffect, useRef, useState, type RefObject } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { NavLink, Outlet, useLocation, useNavigate } from "react-router";
import { useTranslation } from "react-i18next";
import { api } from "../api/client";
import { serverLogout } from "../api/session";
import { useWsStatus } from "../api/ws";
import { useOnline } from "../hooks/use-online";
import { setLang } from "../i18n";
import { ME_KEY, workspacesFor, type Workspace } from "../hooks/use-me";
import { ConfirmDialog, Field, InlineError, Modal, Spinner } from "./ui";
import { EnrolTwoFactor, RecoveryCodes } from "./TwoFactor";
import type { Me, Role } from "../types/org";
import { can, type Capability } from "../hooks/permissions";
import { clearOfflineData, ensureOwner, lockDevice, onOtherTab, queueItems, sessionExpired } from "../offline/store";
import { setSyncUser, startBackgroundSync } from "../offline/sync";
import { FieldQueueBadge } from "./inspection/FieldQueueBar";
import { ActionButton } from "./ActionButton";

interface NavItem {
  to: string;
  label: string;
  icon: string;
  roles?: Role[];
  /** Offered only to the roles the server lets use the page (hooks/permissions.ts) */
  cap?: Capability;
}

/** Roles the review websocket accepts (media_ingest.review.selectors.FOOTAGE_ROLES). */
export const liveRoles: Role[] = ["reviewer", "admin", "inspection_lead", "inspector", "disciplinary"];

export const NAV: Record<Workspace, NavItem[]> = {
  inspection: [
    { to: "/inspection/risk", label: "nav.risk", icon: "M3 17l5-6 4 3 6-8 3 3", cap: "risk" },
    { to: "/inspection/draws", label: "nav.draws", icon: "M12 3l2.5 5 5.5.8-4 3.9.9 5.5L12 15.6 7.1 18.2 8 12.7 4 8.8l5.5-.8z", cap: "draws" },
    // an administrator records the team's absences without seeing any draw: the same card on its own page
    { to: "/inspection/absences", label: "nav.absences", icon: "M12 12a4 4 0 100-8 4 4 0 000 8zM4 21c0-4 4-6 8-6M15 15l6 6M21 15l-6 6", roles: ["admin"] },
    { to: "/inspection/ratings", label: "nav.ratings", icon: "M12 17.3l-5.4 3 1-6.1L3 9.9l6.1-.9L12 3.5l2.9 5.5 6.1.9-4.6 4.3 1 6.1z", roles: ["inspector", "inspection_lead"] },
    { to: "/inspection/calendar", label: "nav.calendar", icon: "M4 6h16v14H4zM4 10h16M8 3v5M16 3v5", cap: "calendar" },
    { to: "/inspection/checks", label: "nav.checks", icon: "M9 11l3 3 8-8M4 4h10M4 12h3M4 20h16" },
    { to: "/inspection/findings", label: "nav.findings", icon: "M12 3l9 16H3zM12 10v4M12 17v.5" },
    // the two-person rule: a lead approves the requests that give the team's powers (backend services_grants)
    { to: "/inspection/approvals", label: "nav.approvals", icon: "M12 3l8 4v5c0 5-3.5 8-8 9-4.5-1-8-4-8-9V7zM9 12l2 2 4-4", roles: ["inspection_lead"] },
  ],
  review: [
    { to: "/review/clips", label: "nav.clips", icon: "M4 6h12v12H4zM16 10l5-3v10l-5-3" },
    { to: "/review/moments", label: "nav.moments", icon: "M12 4v8l5 3M12 21a9 9 0 100-18 9 9 0 000 18z" },
    { to: "/inspection/findings", label: "nav.findings", icon: "M12 3l9 16H3zM12 10v4M12 17v.5", roles: ["reviewer"] },
  ],
  accountability: [
    { to: "/accountability/findings", label: "nav.trace", icon: "M6 4v16M6 8h8l4 4-4 4H6", roles: ["disciplinary", "inspection_lead", "admin"] },
    { to: "/accountability/heads", label: "nav.heads", icon: "M12 12a4 4 0 100-8 4 4 0 000 8zM4 21c0-4 4-6 8-6s8 2 8 6", roles: ["disciplinary", "inspection_lead", "admin"] },
    { to: "/accountability/cases", label: "nav.cases", icon: "M5 4h14v16H5zM9 8h6M9 12h6M9 16h3", roles: ["disciplinary", "admin"] },
    { to: "/accountability/ranking", label: "nav.ranking", icon: "M5 20V10M12 20V4M19 20v-7" },
    { to: "/accountability/tasks", label: "nav.tasks", icon: "M9 11l3 3 8-8M4 6h3M4 12h3M4 18h16" },
    { to: "/inspection/commitments", label: "nav.commitments", icon: "M12 3l8 4v5c0 5-3.5 8-8 9-4.5-1-8-4-8-9V7z", roles: ["disciplinary", "admin", "inspection_lead", "inspector"] },
  ],
  admin: [
    { to: "/admin/ingest", label: "nav.ingest", icon: "M12 3v12M7 10l5 5 5-5M4 20h16" },
    { to: "/admin/cameras", label: "nav.cameras", icon: "M3 7h13v10H3zM16 11l5-3v8l-5-3" },
    { to: "/admin/users", label: "nav.users", icon: "M9 11a4 4 0 100-8 4 4 0 000 8zM2 21c0-4 3-6 7-6s7 2 7 6M17 11a3 3 0 000-6M22 21c0-3-2-5-5-5.5" },
    { to: "/admin/org", label: "nav.org", icon: "M10 3h4v4h-4zM4 17h4v4H4zM16 17h4v4h-4zM12 7v5M6 17v-5h12v5" },
    { to: "/admin/officers", label: "nav.officers", icon: "M12 12a4 4 0 100-8 4 4 0 000 8zM4 21c0-4 4-6 8-6s8 2 8 6M15 4l2 2 3-3" },
  ],
};

export function initial(name: string): string {
  return (name.trim().split(/\s+/).slice(-1)[0]?.[0] ?? "?").toUpperCase();
}

export function navFor(me: Me): { ws: Workspace; items: NavItem[] }[] {
  return workspacesFor(me)
    .map((ws) => ({ ws, items: NAV[ws].filter((i) => (!i.roles || i.roles.includes(me.role)) && (!i.cap || can(me.role, i.cap))) }))
    .filter((g) => g.items.length > 0);
}

function Icon({ d }: { d: string }) {
  return (
    <svg className="nav-icon" width="18" height="18" viewBox="0 0 24 24" aria-hidden="true">
      <path d={d} fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

export function ConnectionIndicator() {
  const { t } = useTranslation();
  const socket = useWsStatus();
  // without a network nothing is live, whatever the socket last said
  const online = useOnline();
  const status = !online && (socket === "open" || socket === "connecting") ? "closed" : socket;
  return (
    <span className={`conn conn-${status}`} data-testid="ws-status" data-status={status} title={t(`ws.${status}.hint`)}>
      <span className="conn-dot" aria-hidden="true" />
      {t(`ws.${status}`)}
    </span>
  );
}

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language.startsWith("en") ? "en" : "vi";
  return (
    <div className="lang-switch" role="group" aria-label={t("lang.label")}>
      {(["vi", "en"] as const).map((l) => (
        <button
          key={l}
          type="button"
          className={lang === l ? "active" : ""}
          aria-pressed={lang === l}
          onClick={() => setLang(l)}
        >
          {l === "vi" ? "VI" : "EN"}
        </button>
      ))}
    </div>
  );
}

/** Change one's own password. `forced`: the server requires it (the password is like the person's name, F7):
 *  nothing else answers until it is done, so the dialog cannot be dismissed (logging out still can). */
function PasswordDialog({ onClose, forced = false, why = "" }: { onClose: () => void; forced?: boolean; why?: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [old, setOld] = useState("");
  const [next, setNext] = useState("");
  const [again, setAgain] = useState("");
  const m = useMutation({
    mutationFn: () => api.post("auth/me/password/", { old_password: old, password: next }),
    onSuccess: () => { if (forced) void qc.invalidateQueries(); },
  });
  const mismatch = again.length > 0 && again !== next;
  return (
    <Modal
      title={t("auth.changePassword")}
      onClose={forced && !m.isSuccess ? () => undefined : onClose}
      footer={
        m.isSuccess ? (
          <button type="button" className="btn btn-primary" onClick={onClose}>{t("action.close")}</button>
        ) : (
          <>
            {!forced && <button type="button" className="btn btn-secondary" onClick={onClose}>{t("action.cancel")}</button>}
            <ActionButton type="button" className="btn btn-primary" why={(m.isPending && t("why.busy")) || (!old && t("why.oldPassword")) || (next.length < 8 && t("why.password8")) || (next !== again && t("why.passwordMismatch"))} onClick={() => m.mutate()}>{t("action.save")}</ActionButton>
          </>
        )
      }
    >
      {m.isSuccess ? (
        <p role="status">{t("auth.passwordChanged")}</p>
      ) : (
        <>
          {forced && <p className="notice-red" role="alert" data-testid="password-change-required">{t(why === "like_the_person" ? "auth.passwordChangeRequired" : "auth.passwordChangeSetByAnother")}</p>}
          <Field label={t("auth.oldPassword")}><input type="password" value={old} onChange={(e) => setOld(e.target.value)} autoComplete="current-password" /></Field>
          <Field label={t("auth.newPassword")} hint={t("auth.passwordRule")}><input type="password" value={next} onChange={(e) => setNext(e.target.value)} autoComplete="new-password" /></Field>
          <Field label={t("auth.repeatPassword")} hint={mismatch ? t("auth.mismatch") : undefined}><input type="password" value={again} onChange={(e) => setAgain(e.target.value)} autoComplete="new-password" /></Field>
          {m.isError && <InlineError error={m.error} />}
        </>
      )}
    </Modal>
  );
}

function TwoFactorDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [codes, setCodes] = useState<string[] | null>(null);
  function done() {
    void qc.invalidateQueries({ queryKey: ME_KEY });
    onClose();
  }
  return (
    <Modal title={t("twofa.enrolTitle")} onClose={codes ? done : onClose}>
      {codes ? <RecoveryCodes codes={codes} onDone={done} /> : <EnrolTwoFactor onConfirmed={(r) => setCodes(r.recovery_codes)} />}
    </Modal>
  );
}

/** After a client-side navigation, focus moves to the page's main heading (screen readers announce
 *  the new page; keyboard users continue from the content, not from the menu). The page may still
 *  be loading: wait for its h1 a little. */
function useFocusHeadingOnNavigate(main: RefObject<HTMLElement | null>) {
  const { pathname } = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    let tries = 0;
    let timer = 0;
    const focus = () => {
      const h1 = main.current?.querySelector<HTMLElement>("h1");
      if (h1) {
        if (!h1.hasAttribute("tabindex")) h1.setAttribute("tabindex", "-1");
        h1.focus({ preventScroll: false });
      } else if (tries++ < 40) timer = window.setTimeout(focus, 50);
    };
    focus();
    return () => window.clearTimeout(timer);
  }, [pathname, main]);
}

export function Layout({ me }: { me: Me }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const groups = navFor(me);
  const [changingPassword, setChangingPassword] = useState(false);
  const [enrolling, setEnrolling] = useState(false);
  const mainRef = useRef<HTMLElement>(null);
  useFocusHeadingOnNavigate(mainRef);
  const [menuOpen, setMenuOpen] = useState(false);
  const location = useLocation();
  useEffect(() => setMenuOpen(false), [location.pathname]);
  // the field store belongs to the signed-in user; unsent changes go out whenever the network allows
  useEffect(() => {
    setSyncUser(me.id);
    void ensureOwner(me).then(startBackgroundSync).catch(() => undefined);
    return () => setSyncUser(null);
  }, [me]);
  // another tab logged out, locked the device or signed in another account: re-read who is signed in
  // here (this tab's page must not go on sending or showing the previous account's data)
  useEffect(() => onOtherTab(() => {
    setSyncUser(null);
    void qc.invalidateQueries({ queryKey: ME_KEY });
  }), [qc]);
  // offline longer than the session lasts: the check's data is hidden, as after a 401
  useEffect(() => {
    const timer = window.setInterval(() => {
      void sessionExpired().then(async (gone) => {
        if (!gone) return;
        setSyncUser(null);
        await lockDevice();
        qc.clear();
        qc.setQueryData(ME_KEY, null);
        navigate("/login", { replace: true });
      }).catch(() => undefined);
    }, 30_000);
    return () => window.clearInterval(timer);
  }, [qc, navigate]);

  // changes still waiting on this device: logging out deletes them, so the app's dialog asks first
  const [unsentAsk, setUnsentAsk] = useState(0);
  async function logout(confirmed = false) {
    const unsent = (await queueItems(me.id).catch(() => [])).length;
    if (unsent && !confirmed) {
      setUnsentAsk(unsent);
      return;
    }
    setUnsentAsk(0);
    try {
      await serverLogout(); // without network it stays pending and is sent when the network is back
    } finally {
      // nothing of a check stays on the device after logout (other tabs let go of the store and re-read
      // who is signed in)
      setSyncUser(null);
      await clearOfflineData().catch(() => undefined);
      qc.clear();
      qc.setQueryData(ME_KEY, null);
      navigate("/login", { replace: true });
    }
  }

  return (
    <div className={`app ${menuOpen ? "menu-open" : ""}`}>
      <a className="skip-link" href="#main" onClick={(e) => { e.preventDefault(); const h1 = mainRef.current?.querySelector<HTMLElement>("h1"); if (h1) { h1.setAttribute("tabindex", "-1"); h1.focus(); } else mainRef.current?.focus(); }}>{t("a11y.skip")}</a>
      <aside className="sidebar">
        <div className="sidebar-inner">
        <div className="brand">
          <svg width="30" height="30" viewBox="0 0 32 32" aria-hidden="true">
            <path d="M16 2 4 7v8c0 7.5 5.1 13.3 12 15 6.9-1.7 12-7.5 12-15V7z" fill="#f5c518" />
            <path d="M16 5.5 7 9.3v5.9c0 5.6 3.8 10 9 11.3 5.2-1.3 9-5.7 9-11.3V9.3z" fill="#0b3d91" />
          </svg>
          <div>
            <div className="brand-name">Counterwatch</div>
            <div className="brand-sub">{t("app.tagline")}</div>
          </div>
        </div>
        <nav aria-label={t("nav.main")}>
          <NavLink to="/" end className={({ isActive }) => `nav-link nav-home ${isActive ? "active" : ""}`}>
            <Icon d="M3 11l9-7 9 7M5 10v10h5v-6h4v6h5V10" />
            <span>{t("nav.home")}</span>
          </NavLink>
          {groups.map((g) => (
            <div className="nav-group" key={g.ws}>
              <div className="nav-group-title">{t(`ws.${g.ws}`)}</div>
              {g.items.map((item) => (
                <NavLink key={item.to} to={item.to} title={t(item.label)} className={({ isActive }) => `nav-link ${isActive ? "active" : ""}`}>
                  <Icon d={item.icon} />
                  <span>{t(item.label)}</span>
                </NavLink>
              ))}
            </div>
          ))}
        </nav>
        <div className="phone-menu" data-testid="phone-menu">
          <div className="phone-menu-user">{me.officer ? `${me.officer.rank} ${me.full_name}` : me.full_name} · {t(`role.${me.role}`)}</div>
          <LanguageSwitch />
          {!me.two_factor_enabled && (
            <button type="button" className="btn btn-ghost" onClick={() => setEnrolling(true)}>{t("twofa.turnOn")}</button>
          )}
          <button type="button" className="btn btn-ghost" onClick={() => setChangingPassword(true)}>{t("auth.changePassword")}</button>
          <button type="button" className="btn btn-ghost" onClick={() => void logout()} data-testid="phone-logout">{t("auth.logout")}</button>
        </div>
        <div className="sidebar-foot">
          <div className="scope" data-testid="scope">
            <span className="scope-label">{t("scope.label")}</span>
            <span className="scope-value">{me.scope_unit ? me.scope_unit.name : t("scope.province")}</span>
          </div>
        </div>
        </div>
      </aside>
      <div className="main">
        <header className="topbar">
          <div className="topbar-left">
            <button type="button" className="menu-toggle" aria-expanded={menuOpen} aria-label={menuOpen ? t("field.closeMenu") : t("field.menu")} onClick={() => setMenuOpen((o) => !o)} data-testid="menu-toggle">
              <svg width="22" height="22" viewBox="0 0 24 24" aria-hidden="true"><path d={menuOpen ? "M6 6l12 12M18 6L6 18" : "M4 7h16M4 12h16M4 17h16"} fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" /></svg>
            </button>
            <span className="phone-brand">Counterwatch</span>
            {liveRoles.includes(me.role) && <ConnectionIndicator />}
            <FieldQueueBadge />
          </div>
          <div className="topbar-right">
            <LanguageSwitch />
            <div className="user" data-testid="user">
              <div className="avatar" aria-hidden="true">
                {initial(me.full_name || me.username)}
              </div>
              <div className="user-text">
                <div className="user-name">{me.officer ? `${me.officer.rank} ${me.full_name}` : me.full_name}</div>
                <div className="user-role">{t(`role.${me.role}`)}</div>
              </div>
            </div>
            {me.two_factor_enabled ? (
              <span className="twofa-on" data-testid="twofa-on" title={t("twofa.onHint")}>{t("twofa.on")}</span>
            ) : (
              <button type="button" className="btn btn-ghost btn-sm" data-testid="twofa-open" onClick={() => setEnrolling(true)}>
                {t("twofa.turnOn")}
              </button>
            )}
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => setChangingPassword(true)}>
              {t("auth.changePassword")}
            </button>
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => void logout()}>
              {t("auth.logout")}
            </button>
          </div>
        </header>
        {(changingPassword || me.password_change_required) && (
          <PasswordDialog forced={me.password_change_required} why={me.password_change_reason} onClose={() => setChangingPassword(false)} />
        )}
        {enrolling && <TwoFactorDialog onClose={() => setEnrolling(false)} />}
        {unsentAsk > 0 && (
          <ConfirmDialog title={t("auth.logout")} message={t("field.logoutPending", { count: unsentAsk })} confirmLabel={t("auth.logout")} danger
            onConfirm={() => void logout(true)} onClose={() => setUnsentAsk(0)} />
        )}
        <main className="content" id="main" ref={mainRef} tabIndex={-1}>
          {me.password_change_required ? null : (
            <Suspense fallback={<Spinner />}>
              <Outlet />
            </Suspense>
          )}
        </main>
      </div>
    </div>
  );
}
