import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { api } from "../api/client";
import type { Activated } from "../types/auth";
import { ActionButton } from "../components/ActionButton";
import { InlineError } from "../components/ui";
import { LanguageSwitch } from "../components/Layout";

/** An inspection-team member activates their account with the one-time code the approving lead handed
 *  them and sets their own password (the administrator never knows it); two-factor enrolment follows at
 *  the first sign-in. Anonymous, throttled and counted like a sign-in on the server. */
export default function ActivatePage() {
  const { t } = useTranslation();
  const [username, setUsername] = useState("");
  const [code, setCode] = useState("");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);

  function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    void (async () => {
      try {
        await api.get("/api/auth/csrf/");
        const r = await api.post<Activated>("/api/auth/activate/", { username: username.trim(), code: code.trim(), password });
        setPassword("");
        setConfirm("");
        setCode("");
        setDone(r.username);
      } catch (err) {
        setError(err);
      } finally {
        setBusy(false);
      }
    })();
  }

  const why = (busy && t("why.busy")) || ((!username || !code || !password) && t("why.activation")) || (password !== confirm && t("activate.mismatch"));
  return (
    <main className="login-page">
      <div className="login-hero">
        <h1>Counterwatch</h1>
        <p>{t("login.hero")}</p>
      </div>
      <div className="login-panel">
        <div className="login-lang"><LanguageSwitch /></div>
        {done ? (
          <div className="login-form" data-testid="activate-done">
            <h2>{t("activate.title")}</h2>
            <p role="status">{t("activate.done", { username: done })}</p>
            <Link className="btn btn-primary btn-block" to="/login">{t("activate.toLogin")}</Link>
          </div>
        ) : (
          <form className="login-form" onSubmit={submit} noValidate data-testid="activate-form">
            <h2>{t("activate.title")}</h2>
            <p className="muted">{t("activate.subtitle")}</p>
            <label className="field">
              <span className="field-label">{t("login.username")}</span>
              <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} autoFocus />
            </label>
            <label className="field">
              <span className="field-label">{t("activate.code")}</span>
              <input name="code" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value.slice(0, 32))} />
            </label>
            <label className="field">
              <span className="field-label">{t("activate.password")}</span>
              <input name="password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
            </label>
            <label className="field">
              <span className="field-label">{t("activate.confirm")}</span>
              <input name="confirm" type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} />
            </label>
            {error ? <InlineError error={error} /> : null}
            <ActionButton className="btn btn-primary btn-block" type="submit" data-testid="activate-submit" why={why}>{t("activate.submit")}</ActionButton>
            <Link className="btn btn-ghost btn-block" to="/login">{t("activate.toLogin")}</Link>
          </form>
        )}
      </div>
    </main>
  );
}
