// Date and time fields in the Vietnamese order (dd/mm/yyyy, 24-hour HH:mm) whatever the
// browser's own language: the native pickers follow the browser UI locale, not the page.
import { useEffect, useId, useRef, useState, type InputHTMLAttributes } from "react";
import { useTranslation } from "react-i18next";

// d/m/yyyy, with "/", "-" or "." between the parts, or the eight digits ddmmyyyy typed without
// separators (as a native vi-VN date field lets a keyboard user do).
const DMY = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/;
const COMPACT = /^(\d{2})(\d{2})(\d{4})$/;
const HM = /^(\d{1,2})[:hg](\d{2})$/;

export function isoToDmy(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : "";
}

/** "25/11/2026" -> "2026-11-25"; null when it is not a real calendar day. */
export function dmyToIso(text: string): string | null {
  const m = DMY.exec(text.trim()) ?? COMPACT.exec(text.trim());
  if (!m) return null;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return null;
  return `${y}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

export function normalizeTime(text: string): string | null {
  const m = HM.exec(text.trim());
  if (!m) return null;
  const [h, mi] = [Number(m[1]), Number(m[2])];
  if (h > 23 || mi > 59) return null;
  return `${String(h).padStart(2, "0")}:${String(mi).padStart(2, "0")}`;
}

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, "value" | "onChange" | "type">;

/** Why a typed date is refused, as the field says it: a day/month/year that is not on the calendar
 *  ("31/02/2026"), or text that is not a date in the dd/mm/yyyy form; null when it is a real day or empty. */
export function dateProblem(text: string): "notReal" | "format" | null {
  if (!text.trim() || dmyToIso(text) !== null) return null;
  return DMY.test(text.trim()) || COMPACT.test(text.trim()) ? "notReal" : "format";
}

/** value/onChange use ISO "YYYY-MM-DD" ("" when empty); the user types or picks dd/mm/yyyy. A date
 *  that does not exist, or text that is not a date, is named under the field (every form gets it),
 *  and the form is told: onChange("") (the last good date is no longer the field's value, so no
 *  preview or save can use it) and onValidity(false), so the form can hold its save with a reason
 *  (use `useDateValidity`). */
export function DateInput({ value, onChange, onValidity, ...rest }: Props & { value: string; onChange: (iso: string) => void; onValidity?: (ok: boolean) => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState(isoToDmy(value));
  const [bad, setBad] = useState(false);
  const [left, setLeft] = useState(false); // the format hint waits until the field is left; a non-existent day shows at once
  const picker = useRef<HTMLInputElement>(null);
  const msgId = useId();
  const sent = useRef<string | null>(null); // the value this field last handed its form
  const validity = useRef(onValidity);
  validity.current = onValidity;
  useEffect(() => () => validity.current?.(true), []); // a field that goes away holds no form back
  useEffect(() => {
    if (value === sent.current) return; // our own "" for a bad date must not wipe what was typed
    sent.current = null;
    if (dmyToIso(text) !== value) { setText(isoToDmy(value)); setBad(false); onValidity?.(true); }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value]);
  function commit(next: string) {
    setText(next);
    const iso = next.trim() ? dmyToIso(next) : "";
    setBad(iso === null);
    onValidity?.(iso !== null);
    if (iso) setText(isoToDmy(iso)); // typed as "01072025" or "1/7/2025": show it back as dd/mm/yyyy
    sent.current = iso ?? "";
    onChange(iso ?? "");
  }
  const problem = bad ? dateProblem(text) : null;
  const shown = problem === "notReal" || (problem === "format" && left) ? problem : null;
  const { onBlur, ...inputRest } = rest;
  return (
    <>
    <span className="date-input">
      <input {...inputRest} type="text" inputMode="numeric" placeholder="dd/mm/yyyy" value={text} className={bad ? "invalid" : ""} aria-invalid={bad}
        aria-describedby={shown ? msgId : rest["aria-describedby"]}
        onChange={(e) => { setLeft(false); commit(e.target.value); }}
        onBlur={(e) => { setLeft(true); onBlur?.(e); }} />
      <button type="button" className="date-btn" tabIndex={-1} aria-hidden="true" onClick={() => picker.current?.showPicker?.()}>
        <svg width="16" height="16" viewBox="0 0 24 24"><path d="M4 6h16v14H4zM4 10h16M8 3v5M16 3v5" fill="none" stroke="currentColor" strokeWidth="1.8" /></svg>
      </button>
      <input ref={picker} type="date" className="date-native" tabIndex={-1} aria-hidden="true" value={value} onChange={(e) => commit(isoToDmy(e.target.value))} />
    </span>
    {shown && (
      <span id={msgId} className="field-hint field-warn date-problem" role="alert" data-testid="date-problem">
        {shown === "notReal" ? t("date.notReal", { text: text.trim() }) : t("date.format")}
      </span>
    )}
    </>
  );
}

/** A form's record of which of its date fields hold a day that is not real (or not a date):
 *  `bind("name")` goes on each DateInput as onValidity, `bad` is true while any of them does. */
export function useDateValidity() {
  const [badOnes, setBadOnes] = useState<Record<string, boolean>>({});
  const bind = (name: string) => (ok: boolean) =>
    setBadOnes((prev) => (!!prev[name] === !ok ? prev : { ...prev, [name]: !ok }));
  return { bad: Object.values(badOnes).some(Boolean), bind, isBad: (name: string) => !!badOnes[name] };
}

/** value/onChange use a local wall-clock "YYYY-MM-DDTHH:mm" (like datetime-local). */
export function DateTimeInput({ value, onChange, name, onValidity }: { value: string; onChange: (local: string) => void; name?: string; onValidity?: (ok: boolean) => void }) {
  const [date, time] = value ? value.split("T") : ["", ""];
  const [timeText, setTimeText] = useState(time ?? "");
  const [badTime, setBadTime] = useState(false);
  const [badDate, setBadDate] = useState(false);
  useEffect(() => setTimeText(time ?? ""), [time]);
  useEffect(() => onValidity?.(!badDate && !badTime), [badDate, badTime]); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <span className="datetime-input">
      <DateInput value={date ?? ""} name={name ? `${name}_date` : undefined} onValidity={(ok) => setBadDate(!ok)} onChange={(d) => onChange(d ? `${d}T${time || "08:00"}` : "")} />
      <input
        type="text"
        inputMode="numeric"
        placeholder="HH:mm"
        className={`time-text ${badTime ? "invalid" : ""}`}
        name={name ? `${name}_time` : undefined}
        value={timeText}
        onChange={(e) => {
          setTimeText(e.target.value);
          const t = normalizeTime(e.target.value);
          setBadTime(t === null && e.target.value.trim() !== "");
          if (t && date) onChange(`${date}T${t}`);
        }}
      />
    </span>
  );
}
