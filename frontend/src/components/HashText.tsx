import { useState } from "react";
import { useTranslation } from "react-i18next";

/** A hash (SHA-256, a seed) that never overflows its cell: it wraps (or, `short`, shows its first
 *  characters with an ellipsis and the whole value on hover), with a button that copies the whole value. */
export function HashText({ value, short = false, testId }: { value: string; short?: boolean; testId?: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  const copy = () => {
    void navigator.clipboard?.writeText(value).then(() => {
      setCopied(true);
      window.setTimeout(() => setCopied(false), 2000);
    });
  };
  return (
    <span className={`hash-text${short ? " hash-text-short" : ""}`} data-testid={testId}>
      <code className="hash-value" title={value}>{short ? `${value.slice(0, 12)}…` : value}</code>
      <button type="button" className="btn btn-ghost btn-sm hash-copy" onClick={copy} aria-label={t("hash.copy")} title={t("hash.copy")}>
        {copied ? t("hash.copied") : t("hash.copyShort")}
      </button>
    </span>
  );
}
