// A link to a document the server makes on request (a report's PDF or XLSX). The link stays a link (keyboard,
// middle click, "save link as" still work), but a plain click fetches the file first: when the server refuses
// (409: no signer posted, say) the reason shows beside the link in words, instead of a tab of raw JSON.
import { useState, type MouseEvent, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { networkError, toError } from "../api/client";
import { useErrorText } from "./ui";

/** The file name the server gave (Content-Disposition), else the last part of the address. */
export function fileNameOf(res: Response, href: string): string {
  const header = res.headers.get("content-disposition") ?? "";
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (star) return decodeURIComponent(star[1]);
  const plain = /filename="?([^";]+)"?/i.exec(header);
  return plain ? plain[1] : href.split("?")[0].split("/").filter(Boolean).pop() ?? "download";
}

/** Fetch `href`; the file as a blob and its name, or the server's refusal as an ApiError. */
export async function fetchFile(href: string): Promise<{ blob: Blob; name: string }> {
  let res: Response;
  try {
    res = await fetch(href, { credentials: "same-origin" });
  } catch {
    throw networkError();
  }
  if (!res.ok) throw await toError(res);
  return { blob: await res.blob(), name: fileNameOf(res, href) };
}

interface Props {
  href: string;
  children: ReactNode;
  /** Open in a new tab (a PDF to read) rather than save. */
  open?: boolean;
  className?: string;
  "data-testid"?: string;
}

export function FileLink({ href, children, open = false, className = "btn btn-secondary", ...rest }: Props) {
  const { t } = useTranslation();
  const text = useErrorText();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function onClick(e: MouseEvent<HTMLAnchorElement>) {
    // a modified click (new tab, save) is the browser's: the server's answer shows there
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    // opened now, while the click still counts as the user's, and filled when the file has come
    const tab = open ? window.open("", "_blank") : null;
    try {
      const { blob, name } = await fetchFile(href);
      const url = URL.createObjectURL(blob);
      if (tab) {
        tab.location.href = url;
      } else {
        const a = document.createElement("a");
        a.href = url;
        a.download = name;
        document.body.appendChild(a);
        a.click();
        a.remove();
      }
      window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (err) {
      tab?.close();
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <span className="file-link">
      <a className={className} href={href} onClick={onClick} aria-busy={busy || undefined}
         aria-describedby={error ? `${href}-error` : undefined} data-testid={rest["data-testid"]}>
        {busy ? t("state.loading") : children}
      </a>
      {error != null && (
        <span id={`${href}-error`} className="field-hint field-warn" role="alert" data-testid="file-link-error">
          {text(error)}
        </span>
      )}
    </span>
  );
}
