import { useEffect, useState, type FormEvent } from "react";
import { Link, useNavigate, useLocation } from "react-router";
import { useTranslation } from "react-i18next";
import { useQueryClient } from "@tanstack/react-query";
import { ApiError, api } from "../api/client";
import { InlineError, Spinner } from "../components/ui";
import { LanguageSwitch } from "../components/Layout";
import { EnrolTwoFactor, RecoveryCodes } from "../components/TwoFactor";
import { homeFor, useSetMe } from "../hooks/use-me";
import type { LoginResult, TwoFactorStatus } from "../types/auth";
import type { Me } from "../types/org";
import { ActionButton } from "../components/ActionButton";
import { lockedFor, subscribe } from "../offline/store";

type Step = "password" | "code" | "enrol" | "recovery";

export default function LoginPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const qc = useQueryClient();
  const setMe = useSetMe();
  const [step, setStep] = useState<Step | null>(null);
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [recovery, setRecovery] = useState<{ codes: string[]; user: Me } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // a session that ended with changes still queued on this device: say whose they are and what happens
  const [locked, setLocked] = useState<Awaited<ReturnType<typeof lockedFor>>>(undefined);
  useEffect(() => {
    let live = true;
    const read = () => void lockedFor().then((l) => live && setLocked(l)).catch(() => undefined);
    read();
    const off = subscribe(read); // the lock may land just after this page opened (the 401 that led here)
    return () => {
      live = false;
      off();
    };
  }, []);

  // A browser that already passed the password step (a reload), or a signed-in session that now
  // owes a code or an enrolment, continues where it stands.
  useEffect(() => {
    let live = true;
    api.get<TwoFactorStatus>("/api/auth/2fa/").then(
      (s) => {
        if (!live) return;
        if (s.stage === "code_required") setStep("code");
        else if (s.stage === "enrolment_required") setStep("enrol");
        else setStep("password");
        setUsername(s.username);
      },
      () => live && setStep("password"),
    );
    return () => {
      live = false;
    };
  }, []);

  function enter(me: Me) {
    setMe(me);
    void qc.invalidateQueries();
    const from = (location.state as { from?: string } | null)?.from;
    navigate(from && from !== "/login" ? from : homeFor(me), { replace: true });
  }

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setStep("password"); // the pending step expired
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  function submitPassword(e: FormEvent) {
    e.preventDefault();
    void run(async () => {
      await api.get("/api/auth/csrf/");
      const result = await api.post<LoginResult>("/api/auth/login/", { username: username.trim(), password });
      setPassword("");
      // password_change_required: signed in, the app opens the change-password form before anything else (F7)
      if ((result.stage === "signed_in" || result.stage === "password_change_required") && result.user) enter(result.user);
      else setStep(result.stage === "code_required" ? "code" : "enrol");
    });
  }

  function submitCode(e: FormEvent) {
    e.preventDefault();
    void run(async () => {
      const result = await api.post<LoginResult>("/api/auth/2fa/verify/", { code });
      if (result.user) enter(result.user);
    });
  }

  async function startOver() {
    try {
      await api.post("/api/auth/logout/");
    } finally {
      setCode("");
      setError(null);
      setStep("password");
    }
  }

  let panel;
  if (step === null) {
    panel = <Spinner />;
  } else if (step === "password") {
    panel = (
      <form className="login-form" onSubmit={submitPassword} noValidate>
        <h2>{t("login.title")}</h2>
        <p className="muted">{t("login.subtitle")}</p>
        {locked && locked.count > 0 && <div className="notice notice-amber" data-testid="locked-queue">{t("auth.lockedQueue", { count: locked.count, name: locked.userName })}</div>}
        <label className="field">
          <span className="field-label">{t("login.username")}</span>
          <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required autoFocus />
        </label>
        <label className="field">
          <span className="field-label">{t("login.password")}</span>
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        {error ? <InlineError error={error} /> : null}
        <ActionButton className="btn btn-primary btn-block" type="submit" why={(busy && t("why.busy")) || ((!username || !password) && t("why.credentials"))}>
          {busy ? t("login.busy") : t("login.submit")}
        </ActionButton>
        <p className="login-note">{t("login.note")}</p>
        <p className="login-note"><Link to="/activate" data-testid="activate-link">{t("login.activateLink")}</Link></p>
      </form>
    );
  } else if (step === "code") {
    panel = (
      <form className="login-form" onSubmit={submitCode} noValidate data-testid="twofa-code-step">
        <h2>{t("twofa.codeTitle")}</h2>
        <p className="muted">{t("twofa.codeSubtitle", { name: username })}</p>
        <label className="field">
          <span className="field-label">{t("twofa.code")}</span>
          <input name="code" inputMode="text" autoComplete="one-time-code" value={code} autoFocus
            onChange={(e) => setCode(e.target.value.trim().slice(0, 32))} />
          <span className="field-hint">{t("twofa.codeHint")}</span>
        </label>
        {error ? <InlineError error={error} /> : null}
        <ActionButton className="btn btn-primary btn-block" type="submit" data-testid="twofa-verify" why={(busy && t("why.busy")) || (code.length < 6 && t("why.codeSix"))}>
          {busy ? t("twofa.checking") : t("twofa.verify")}
        </ActionButton>
        <button type="button" className="btn btn-ghost btn-block" onClick={startOver}>{t("twofa.otherAccount")}</button>
      </form>
    );
  } else if (step === "enrol") {
    panel = (
      <div className="login-form">
        <h2>{t("twofa.enrolTitle")}</h2>
        <p className="muted">{t("twofa.enrolRequired")}</p>
        <EnrolTwoFactor onConfirmed={(r) => r.user && (setRecovery({ codes: r.recovery_codes, user: r.user }), setStep("recovery"))} />
        <button type="button" className="btn btn-ghost btn-block" onClick={startOver}>{t("twofa.otherAccount")}</button>
      </div>
    );
  } else {
    panel = (
      <div className="login-form">
        <h2>{t("twofa.recoveryTitle")}</h2>
        {recovery && <RecoveryCodes codes={recovery.codes} onDone={() => enter(recovery.user)} />}
      </div>
    );
  }

  return (
    <main className="login-page">
      <div className="login-hero">
        <svg width="64" height="64" viewBox="0 0 32 32" aria-hidden="true">
          <path d="M16 2 4 7v8c0 7.5 5.1 13.3 12 15 6.9-1.7 12-7.5 12-15V7z" fill="#f5c518" />
          <path d="M16 5.5 7 9.3v5.9c0 5.6 3.8 10 9 11.3 5.2-1.3 9-5.7 9-11.3V9.3z" fill="#0b3d91" />
          <path d="M16 10l1.8 3.7 4 .6-2.9 2.8.7 4-3.6-1.9-3.6 1.9.7-4-2.9-2.8 4-.6z" fill="#f5c518" />
        </svg>
        <h1>Counterwatch</h1>
        <p>{t("login.hero")}</p>
        <ul>
          <li>{t("login.point1")}</li>
          <li>{t("login.point2")}</li>
          <li>{t("login.point3")}</li>
        </ul>
      </div>
      <div className="login-panel">
        <div className="login-lang">
          <LanguageSwitch />
        </div>
        {panel}
      </div>
    </main>
  );
}
