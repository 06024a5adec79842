// Two-factor sign-in: enrolling an authenticator app (QR code, confirmation code) and the
// recovery codes shown once. Used by the login page (a role that must enrol) and the top bar
// (an optional enrolment from a signed-in session).
import { useEffect, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../api/client";
import type { TwoFactorConfirmed, TwoFactorEnrolment } from "../types/auth";
import { InlineError, Spinner } from "./ui";
import { ActionButton } from "./ActionButton";

/** "JBSWY3DPEHPK3PXP" -> "JBSW Y3DP EHPK 3PXP", easier to type into a phone. */
export function groupSecret(secret: string): string {
  return secret.replace(/=+$/, "").replace(/(.{4})(?=.)/g, "$1 ");
}

/** Keeps digits only, at most 6: what an authenticator app shows. */
export function cleanCode(raw: string): string {
  return raw.replace(/\D/g, "").slice(0, 6);
}

export function EnrolTwoFactor({ onConfirmed }: { onConfirmed: (result: TwoFactorConfirmed) => void }) {
  const { t } = useTranslation();
  const [enrolment, setEnrolment] = useState<TwoFactorEnrolment | null>(null);
  const [startError, setStartError] = useState<unknown>(null);
  const [code, setCode] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return; // one secret per visit, even when effects run twice
    started.current = true;
    api.post<TwoFactorEnrolment>("/api/auth/2fa/enrol/").then(setEnrolment, setStartError);
  }, []);

  async function confirm(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onConfirmed(await api.post<TwoFactorConfirmed>("/api/auth/2fa/enrol/confirm/", { code }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  if (startError) return <InlineError error={startError} />;
  if (!enrolment) return <Spinner />;
  return (
    <form className="twofa" onSubmit={confirm} noValidate data-testid="twofa-enrol">
      <ol className="twofa-steps">
        <li>{t("twofa.step1")}</li>
        <li>{t("twofa.step2")}</li>
      </ol>
      <img className="twofa-qr" data-testid="totp-qr" alt={t("twofa.qrAlt")}
        src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(enrolment.qr_svg)}`} />
      <p className="small muted">{t("twofa.manual")}</p>
      <code className="twofa-secret" data-testid="totp-secret">{groupSecret(enrolment.secret)}</code>
      <label className="field">
        <span className="field-label">{t("twofa.step3")}</span>
        <input name="code" inputMode="numeric" autoComplete="one-time-code" placeholder="123456" value={code}
          onChange={(e) => setCode(cleanCode(e.target.value))} />
      </label>
      {error ? <InlineError error={error} /> : null}
      <ActionButton className="btn btn-primary btn-block" type="submit" data-testid="twofa-confirm" why={(busy && t("why.busy")) || (code.length !== 6 && t("why.codeSix"))}>
        {busy ? t("twofa.checking") : t("twofa.confirm")}
      </ActionButton>
    </form>
  );
}

export function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const { t } = useTranslation();
  const [saved, setSaved] = useState(false);
  return (
    <div className="twofa" data-testid="recovery-codes">
      <p role="status" className="twofa-ok">{t("twofa.enabled")}</p>
      <p>{t("twofa.recoveryIntro")}</p>
      <ul className="twofa-codes">
        {codes.map((c) => (
          <li key={c}><code>{c}</code></li>
        ))}
      </ul>
      <p className="small muted">{t("twofa.recoveryOnce")}</p>
      <label className="row small">
        <input type="checkbox" checked={saved} onChange={(e) => setSaved(e.target.checked)} data-testid="recovery-saved" />
        {t("twofa.recoverySaved")}
      </label>
      <ActionButton type="button" className="btn btn-primary btn-block" data-testid="recovery-done" why={!saved && t("why.recoverySaved")} onClick={onDone}>
        {t("twofa.continue")}
      </ActionButton>
    </div>
  );
}
