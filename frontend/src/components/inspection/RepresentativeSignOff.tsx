import { useEffect, useRef, useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import SignaturePad from "signature_pad";
import { api } from "../../api/client";
import { Card, Field, InlineError } from "../ui";
import { ActionButton } from "../ActionButton";
import { useTypedTextError } from "../typedText";
import { leadTitle } from "./leadTitle";

type LeadTitled = Parameters<typeof leadTitle>[0];

/** A signature drawn with a finger on the inspector's screen (signature_pad), exported as PNG. */
export function SignatureBox({ onChange }: { onChange: (dataUrl: string) => void }) {
  const { t } = useTranslation();
  const canvas = useRef<HTMLCanvasElement>(null);
  const pad = useRef<SignaturePad | null>(null);
  useEffect(() => {
    const el = canvas.current!;
    const ratio = Math.max(window.devicePixelRatio || 1, 1);
    el.width = el.offsetWidth * ratio;
    el.height = el.offsetHeight * ratio;
    el.getContext("2d")!.scale(ratio, ratio);
    const p = new SignaturePad(el, { backgroundColor: "rgb(255,255,255)", penColor: "#0a2a5e" });
    p.addEventListener("endStroke", () => onChange(p.isEmpty() ? "" : p.toDataURL("image/png")));
    pad.current = p;
    return () => p.off();
  }, [onChange]);
  return (
    <div className="signature-box">
      <canvas ref={canvas} className="signature-canvas" data-testid="signature-canvas" aria-label={t("sign.pad")} />
      <button type="button" className="btn btn-ghost btn-sm" onClick={() => { pad.current?.clear(); onChange(""); }}>{t("sign.clear")}</button>
    </div>
  );
}

/** Step 2 of the minutes, on the hand-over screen after the lead signed: the inspected unit's side. With the
 * representative's own account, name and post come from their officer record (the server's); with a drawn
 * signature they are typed and recorded as declared. */
export function RepresentativeSignOff<T>({ checkId, leadTitled, onSigned }: { checkId: string; leadTitled: LeadTitled; onSigned: (r: T) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState("");
  const [post, setPost] = useState("");
  const [opinion, setOpinion] = useState("");
  const [method, setMethod] = useState<"drawn" | "login">("drawn");
  const [signature, setSignature] = useState("");
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const m = useMutation({
    networkMode: "always",
    mutationFn: () =>
      api.post<T>(`inspection/checks/${checkId}/report/representative/`,
        method === "drawn" ? { name, post, opinion, signature } : { opinion, username, password, code }),
    onSuccess: onSigned,
  });
  const ready = method === "drawn" ? name.trim() && post.trim() && signature : username && password;
  const typed = useTypedTextError();
  const nameError = method === "drawn" ? typed.name(name) : null;
  return (
    <Card title={t("sign.repTitle")}>
      <div data-testid="rep-signoff">
        <ol className="sign-steps">
          <li className="done">{t("sign.step1", { title: leadTitle(leadTitled, t), titleInline: leadTitle(leadTitled, t, true) })} ✓</li>
          <li className="current">{t("sign.step2")}</li>
        </ol>
        <Field label={t("sign.opinion")}><textarea rows={3} value={opinion} onChange={(e) => setOpinion(e.target.value)} data-testid="rep-opinion" /></Field>
        <fieldset className="sign-method">
          <legend>{t("sign.method")}</legend>
          <label><input type="radio" name="rep-method" checked={method === "drawn"} onChange={() => setMethod("drawn")} /> {t("sign.methodDraw")}</label>
          <label><input type="radio" name="rep-method" checked={method === "login"} onChange={() => setMethod("login")} data-testid="rep-method-login" /> {t("sign.methodLogin")}</label>
        </fieldset>
        {method === "drawn" ? (
          <>
            <p className="muted small" data-testid="rep-declared">{t("sign.declared")}</p>
            <Field label={t("sign.name")} error={nameError}><input value={name} onChange={(e) => setName(e.target.value)} data-testid="rep-name" autoComplete="off" /></Field>
            <Field label={t("sign.post")}><input value={post} onChange={(e) => setPost(e.target.value)} data-testid="rep-post" autoComplete="off" /></Field>
            <div className="field">
              <span className="field-label">{t("sign.pad")}</span>
              <SignatureBox onChange={setSignature} />
              {!signature && <span className="field-hint">{t("sign.empty")}</span>}
            </div>
          </>
        ) : (
          <>
            <p className="muted small">{t("sign.fromRecords")}</p>
            <Field label={t("sign.username")}><input value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" autoCapitalize="none" data-testid="rep-username" /></Field>
            <Field label={t("sign.password")}><input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="off" data-testid="rep-password" /></Field>
            <Field label={t("sign.code")}><input value={code} onChange={(e) => setCode(e.target.value)} inputMode="numeric" autoComplete="one-time-code" data-testid="rep-code" /></Field>
          </>
        )}
        {m.isError && <InlineError error={m.error} />}
        <ActionButton type="button" className="btn btn-success btn-lg btn-block" why={(m.isPending && t("why.busy")) || nameError || (!ready && t("why.repNotReady"))} onClick={() => m.mutate()} data-testid="rep-submit">
          {t("sign.submit")}
        </ActionButton>
      </div>
    </Card>
  );
}
