import { useState, type FormEvent } from "react";
import { useNavigate, useLocation } from "react-router";
import { useTranslation } from "react-i18next";
import { api } from "../api/client";
import { InlineError } from "../components/ui";
import { LanguageSwitch } from "../components/Layout";
import { homeFor, useSetMe } from "../hooks/use-me";
import type { Me } from "../types/org";

export default function LoginPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const setMe = useSetMe();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.get("/api/auth/csrf/");
      const me = await api.post<Me>("/api/auth/login/", { username: username.trim(), password });
      setMe(me);
      const from = (location.state as { from?: string } | null)?.from;
      navigate(from && from !== "/login" ? from : homeFor(me), { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="login-page">
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
        <form className="login-form" onSubmit={submit} noValidate>
          <h2>{t("login.title")}</h2>
          <p className="muted">{t("login.subtitle")}</p>
          <label className="field">
            <span className="field-label">{t("login.username")}</span>
            <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required autoFocus />
          </label>
          <label className="field">
            <span className="field-label">{t("login.password")}</span>
            <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
          </label>
          {error ? <InlineError error={error} /> : null}
          <button className="btn btn-primary btn-block" type="submit" disabled={busy || !username || !password}>
            {busy ? t("login.busy") : t("login.submit")}
          </button>
          <p className="login-note">{t("login.note")}</p>
        </form>
      </div>
    </div>
  );
}
