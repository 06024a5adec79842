import { useEffect, useRef, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../api/client";
import { ActionButton } from "./ActionButton";
import { fmtNumber } from "./format";
import { useTypedTextError } from "./typedText";

export function useErrorText(): (e: unknown) => string {
  const { t, i18n } = useTranslation();
  return (e: unknown) => {
    if (e instanceof ApiError) return e.localized(i18n.language);
    if (e instanceof Error) return e.message;
    return t("error.unknown");
  };
}

export function Spinner({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label ?? t("state.loading")}</span>
    </div>
  );
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const text = useErrorText();
  const status = error instanceof ApiError ? error.status : 0;
  return (
    <div className="state state-error" role="alert">
      <div className="state-icon" aria-hidden="true">!</div>
      <div>
        <strong>{status === 404 ? t("error.notFoundTitle") : status === 403 ? t("error.forbiddenTitle") : t("error.title")}</strong>
        <p>{text(error)}</p>
        {status === 403 && <p className="muted small" data-testid="forbidden-hint">{t("error.forbiddenHint")}</p>}
        {onRetry && status !== 403 && (
          <button type="button" className="btn btn-secondary btn-sm" onClick={onRetry}>
            {t("action.retry")}
          </button>
        )}
      </div>
    </div>
  );
}

export function Empty({ title, hint, children }: { title: string; hint?: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <svg width="40" height="40" viewBox="0 0 24 24" aria-hidden="true">
        <path d="M4 5h16v14H4z M4 9h16" fill="none" stroke="currentColor" strokeWidth="1.5" />
      </svg>
      <strong>{title}</strong>
      {hint && <p>{hint}</p>}
      {children}
    </div>
  );
}

export function InlineError({ error }: { error: unknown }) {
  const text = useErrorText();
  if (!error) return null;
  const fields = error instanceof ApiError ? error.fields : {};
  const entries = Object.entries(fields ?? {}).filter(([k]) => k !== "non_field_errors");
  return (
    <div className="inline-error" role="alert">
      {text(error)}
      {entries.length > 1 && (
        <ul>
          {entries.map(([k, v]) => (
            <li key={k}>
              <code>{k}</code>: {Array.isArray(v) ? v.join(", ") : typeof v === "string" ? v : JSON.stringify(v)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export type Tone = "neutral" | "blue" | "green" | "amber" | "red" | "purple" | "grey";

export function Badge({ tone = "neutral", children, title }: { tone?: Tone; children: ReactNode; title?: string }) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}

export function PageHeader({ title, subtitle, actions }: { title: string; subtitle?: ReactNode; actions?: ReactNode }) {
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        {subtitle && <p className="subtitle">{subtitle}</p>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </header>
  );
}

export function Card({ title, actions, children, className }: { title?: ReactNode; actions?: ReactNode; children: ReactNode; className?: string }) {
  return (
    <section className={`card ${className ?? ""}`}>
      {(title || actions) && (
        <div className="card-head">
          {title && <h2>{title}</h2>}
          {actions && <div className="card-actions">{actions}</div>}
        </div>
      )}
      <div className="card-body">{children}</div>
    </section>
  );
}

export function Stat({ label, value, tone, hint }: { label: string; value: ReactNode; tone?: Tone; hint?: string }) {
  return (
    <div className={`stat ${tone ? "stat-" + tone : ""}`}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {hint && <div className="stat-hint">{hint}</div>}
    </div>
  );
}

/** The dialogs open now, the last one on top. */
const OPEN_DIALOGS: HTMLElement[] = [];

export function Modal({
  title,
  onClose,
  children,
  footer,
  wide,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  wide?: boolean;
}) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  const bodyRef = useRef<HTMLDivElement>(null);
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  // Once per opening: focus the first field (or the content itself), keep Tab inside the dialog,
  // and give focus back to whatever opened it when it closes. Not on every render: the parent
  // passes a new onClose each time, and refocusing would pull the caret out of the field being typed in.
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const dialog = ref.current;
    const body = bodyRef.current;
    const first = (body && focusables(body, FIELD_SELECTOR)[0]) ?? body;
    first?.focus();
    if (dialog) OPEN_DIALOGS.push(dialog);
    const onKey = (e: KeyboardEvent) => {
      // a question asked over a dialog (a ConfirmDialog over an edit form): only the top one answers keys
      if (dialog && OPEN_DIALOGS[OPEN_DIALOGS.length - 1] !== dialog) return;
      if (e.key === "Escape") {
        e.stopPropagation();
        closeRef.current();
        return;
      }
      if (e.key !== "Tab" || !dialog) return;
      const stops = focusables(dialog);
      if (stops.length === 0) {
        e.preventDefault();
        return;
      }
      const firstStop = stops[0];
      const lastStop = stops[stops.length - 1];
      const active = document.activeElement;
      if (!dialog.contains(active)) {
        e.preventDefault();
        firstStop.focus();
      } else if (e.shiftKey && (active === firstStop || active === body)) {
        e.preventDefault();
        lastStop.focus();
      } else if (!e.shiftKey && active === lastStop) {
        e.preventDefault();
        firstStop.focus();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => {
      window.removeEventListener("keydown", onKey);
      if (dialog && OPEN_DIALOGS.includes(dialog)) OPEN_DIALOGS.splice(OPEN_DIALOGS.indexOf(dialog), 1);
      if (opener && opener.isConnected) opener.focus();
    };
  }, []);
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className={`modal ${wide ? "modal-wide" : ""}`} role="dialog" aria-modal="true" aria-label={title} ref={ref}>
        <div className="modal-head">
          <h2>{title}</h2>
          <button type="button" className="icon-btn" onClick={onClose} aria-label={t("action.close")}>
            ×
          </button>
        </div>
        <div className="modal-body" ref={bodyRef} tabIndex={-1}>{children}</div>
        {footer && <div className="modal-foot">{footer}</div>}
      </div>
    </div>
  );
}

/** The app's own yes/no question (never the browser's window.confirm/prompt: unstyled, English buttons,
 *  blocks the page and cannot be read by the e2e flows the same way). With `reasonLabel` it asks for a
 *  reason, and holds its button until one is typed; `onConfirm` gets the trimmed reason ("" without). */
export function ConfirmDialog({
  title,
  message,
  confirmLabel,
  reasonLabel,
  busy = false,
  error,
  danger = false,
  onConfirm,
  onClose,
}: {
  title: string;
  message?: ReactNode;
  confirmLabel?: string;
  reasonLabel?: string;
  busy?: boolean;
  error?: unknown;
  danger?: boolean;
  onConfirm: (reason: string) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [reason, setReason] = useState("");
  const asks = reasonLabel !== undefined;
  const typed = useTypedTextError();
  const reasonError = asks ? typed.reason(reason) : null;
  const why = (busy && t("why.busy")) || (asks && !reason.trim() && t("why.reasonNeeded")) || reasonError;
  return (
    <Modal
      title={title}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn btn-secondary" onClick={onClose} data-testid="confirm-cancel">{t("action.cancel")}</button>
          <ActionButton type="button" className={`btn ${danger ? "btn-danger" : "btn-primary"}`} why={why} onClick={() => onConfirm(reason.trim())} data-testid="confirm-ok">
            {confirmLabel ?? t("action.confirm")}
          </ActionButton>
        </>
      }
    >
      {message && <p style={{ marginTop: 0 }}>{message}</p>}
      {asks && (
        <Field label={reasonLabel} error={reasonError}>
          <textarea name="reason" rows={3} value={reason} onChange={(e) => setReason(e.target.value)} aria-required="true" data-testid="confirm-reason" />
        </Field>
      )}
      {error ? <InlineError error={error} /> : null}
    </Modal>
  );
}

/** The fields a dialog opens on: what the person came to fill in, not its close button. */
const FIELD_SELECTOR =
  "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled]), [contenteditable=true]";

const FOCUSABLE =
  "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1']), [contenteditable=true]";

/** What Tab reaches inside `root`, in order (not the hidden helpers some inputs carry, tabindex -1). */
function focusables(root: HTMLElement, selector = FOCUSABLE): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>(selector)).filter((el) => el.tabIndex >= 0 && !el.closest("[hidden]"));
}

export function Field({ label, children, hint, error }: { label: string; children: ReactNode; hint?: string; error?: string | null }) {
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      {children}
      {hint && <span className="field-hint">{hint}</span>}
      {error && <span className="field-hint field-warn" role="alert" data-testid="field-error">{error}</span>}
    </label>
  );
}

/** Page controls. `exact` is false when the server stopped counting (a large list): the total is
 * then a lower bound, and there is a next page while the server says so. */
export function Pager({ page, count, pageSize, onPage, exact = true }: { page: number; count: number; pageSize: number; onPage: (p: number) => void; exact?: boolean }) {
  const { t } = useTranslation();
  const pages = Math.max(1, Math.ceil(count / pageSize));
  const total = exact ? t("table.total", { count: fmtNumber(count, 0) })
    : t("table.totalAtLeast", { count: fmtNumber(Math.max(0, count - 1), 0) });
  if (pages <= 1) return <div className="pager muted">{total}</div>;
  return (
    <div className="pager">
      <span className="muted">{total}</span>
      <ActionButton type="button" className="btn btn-ghost btn-sm" why={page <= 1 && t("why.firstPage")} onClick={() => onPage(page - 1)}>
        ‹ {t("table.prev")}
      </ActionButton>
      <span>
        {page} / {exact ? pages : `${pages - 1}+`}
      </span>
      <ActionButton type="button" className="btn btn-ghost btn-sm" why={page >= pages && t("why.lastPage")} onClick={() => onPage(page + 1)}>
        {t("table.next")} ›
      </ActionButton>
    </div>
  );
}

/** Renders loading / error / empty states around a list query. */
export function QueryState({
  q,
  empty,
  children,
}: {
  q: { isPending: boolean; isError: boolean; error: unknown; refetch: () => unknown };
  empty?: boolean;
  children: ReactNode;
}) {
  if (q.isPending) return <Spinner />;
  // a refusal (403) is not retried: the role decides, and the page says so instead (ErrorState)
  if (q.isError) return <ErrorState error={q.error} onRetry={() => q.refetch()} />;
  if (empty) return null;
  return <>{children}</>;
}

/** After a pick in a list (Enter or a click), focus goes to the heading of the panel that shows the
 *  picked item, once it is on screen: a keyboard or screen-reader user lands on what they opened.
 *  `request` grows by one per pick (0: nothing picked yet, so a page opened from a link keeps its focus). */
export function useFocusHeadingOnPick<T extends HTMLElement = HTMLDivElement>(ready: boolean, request: number) {
  const ref = useRef<T>(null);
  const done = useRef(0);
  useEffect(() => {
    if (!ready || request === done.current) return;
    const heading = ref.current?.querySelector<HTMLElement>("h2, h1");
    if (!heading) return;
    done.current = request;
    heading.tabIndex = -1;
    heading.focus();
  }, [ready, request]);
  return ref;
}
