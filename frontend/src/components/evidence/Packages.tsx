// Evidence packages of a finding or of a clip's tag selections: export (with a reason), progress
// while the job builds the ZIP, download, and an integrity check (hashes, server record, signature).
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { api, rows, type Page } from "../../api/client";
import { Badge, Card, Field, InlineError, Modal } from "../ui";
import { Icon } from "../Icon";
import { fmtBytes, fmtDateTime, fmtTime } from "../format";
import { useBilingual } from "../labels";
import { inWords } from "../reasonRule";
import type { EvidencePackage, PackageDownload, PackageVerifyReport } from "../../types/media";
import { ActionButton } from "../ActionButton";

// the server's rule (media_ingest/review/services.py PACKAGE_REASON_WORDS, PACKAGE_REASON_LETTERS)
const REASON_WORDS = 2;
const REASON_LETTERS = 6;
const BUSY = new Set(["pending", "building"]);

/** Whose packages: a finding's, a clip's tag selections, or a selection picked across clips. */
export type PackageOwner = { finding: number } | { clip: number } | { tags: "moments" };

export function packagesKey(owner: PackageOwner): unknown[] {
  return ["evidence-packages", owner];
}

/** Ask for a package: of a finding, or of a selection of tags. */
export function ExportDialog({ owner, tagIds, onClose, onDone }: {
  owner: PackageOwner;
  tagIds?: number[];
  onClose: () => void;
  onDone?: (p: EvidencePackage) => void;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [reason, setReason] = useState("");
  const body = "finding" in owner ? { finding_id: owner.finding, reason } : { tag_ids: tagIds ?? [], reason };
  const request = useMutation({
    mutationFn: () => api.post<EvidencePackage>("media/evidence/packages/", body),
    onSuccess: (p) => {
      void qc.invalidateQueries({ queryKey: packagesKey(owner) });
      onDone?.(p);
      onClose();
    },
  });
  const short = !inWords(reason, REASON_WORDS, REASON_LETTERS);
  return (
    <Modal
      title={t("pkg.export")}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn btn-secondary" onClick={onClose}>{t("action.cancel")}</button>
          <ActionButton type="button" className="btn btn-primary" why={(request.isPending && t("why.busy")) || (short && (reason.trim() ? t("pkg.reasonShort") : t("why.reasonNeeded")))} onClick={() => request.mutate()} data-testid="package-submit">
            {t("pkg.export")}
          </ActionButton>
        </>
      }
    >
      <p className="notice">{t("finding" in owner ? "pkg.exportFindingHint" : "pkg.exportTagsHint")}</p>
      <Field label={t("pkg.reason")} hint={short ? t("pkg.reasonShort") : undefined}>
        <textarea value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t("pkg.reasonPlaceholder")} name="package-reason" />
      </Field>
      {request.isError && <InlineError error={request.error} />}
    </Modal>
  );
}

export function PackagesCard({ owner, canExport, exportDisabledReason, onExport, exportLabel }: {
  owner: { finding: number } | { clip: number };
  canExport: boolean;
  exportLabel?: string;
  /** Why export is not possible now (shown on the disabled button). */
  exportDisabledReason?: string;
  /** Replaces the default export dialog (e.g. a selection of tags chosen elsewhere). */
  onExport?: () => void;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const query = "finding" in owner ? { finding: owner.finding } : { clip: owner.clip };
  const q = useQuery({
    queryKey: packagesKey(owner),
    queryFn: () => api.get<Page<EvidencePackage>>("media/evidence/packages/", { ...query, page_size: 20 }),
    // While a job builds a package, follow its progress.
    refetchInterval: (state) => (rows(state.state.data).some((p) => BUSY.has(p.state)) ? 1000 : false),
  });
  const list = rows(q.data);
  const busy = list.some((p) => BUSY.has(p.state));
  return (
    <Card
      title={t("pkg.title")}
      actions={
        canExport && (
          <ActionButton
            type="button"
            className="btn btn-primary btn-sm"
            why={(busy && t("pkg.pending")) || exportDisabledReason}
            onClick={() => (onExport ? onExport() : setOpen(true))}
            data-testid="package-export"
          >
            <Icon name="doc" /> {exportLabel ?? t("pkg.export")}
          </ActionButton>
        )
      }
    >
      {exportDisabledReason && canExport && <p className="muted small">{exportDisabledReason}</p>}
      {q.isError ? (
        <InlineError error={q.error} />
      ) : list.length === 0 ? (
        <p className="muted small">{t("pkg.none")}</p>
      ) : (
        <ul className="plain-list" data-testid="package-list">
          {list.map((p) => <PackageRow key={p.id} p={p} />)}
        </ul>
      )}
      {open && <ExportDialog owner={owner} onClose={() => setOpen(false)} />}
    </Card>
  );
}

/** One package followed by id until it is built (a selection exported from the moments list). */
export function PackageTracker({ id }: { id: number }) {
  const q = useQuery({
    queryKey: ["evidence-package", String(id)],
    queryFn: () => api.get<EvidencePackage>(`media/evidence/packages/${id}/`),
    refetchInterval: (state) => (state.state.data && BUSY.has(state.state.data.state) ? 1000 : false),
  });
  if (q.isError) return <InlineError error={q.error} />;
  if (!q.data) return null;
  return <ul className="plain-list" data-testid="package-list"><PackageRow p={q.data} /></ul>;
}

/** A package as a person reads it: what it holds (the finding's reference, or the chosen tags) and when it
 *  was asked for; the long random id stays in the tooltip and the custody page. */
export function packageLabel(p: Pick<EvidencePackage, "kind" | "finding_reference" | "tag_ids" | "requested_at">, t: (k: string, o?: Record<string, unknown>) => string): string {
  const what = p.kind === "finding" && p.finding_reference ? p.finding_reference : t("pkg.ofTags", { n: p.tag_ids.length });
  return t("pkg.label", { what, at: fmtDateTime(p.requested_at) });
}

function PackageRow({ p }: { p: EvidencePackage }) {
  const { t } = useTranslation();
  const bi = useBilingual();
  const [downloadOpen, setDownloadOpen] = useState(false);
  // the link's expiry once the download started: said on the row, the dialog closed (it stayed open)
  const [downloadedUntil, setDownloadedUntil] = useState<string | null>(null);
  const verify = useMutation({ mutationFn: () => api.post<PackageVerifyReport>(`media/evidence/packages/${p.id}/verify/`) });
  const pct = Math.round((p.progress ?? 0) * 100);
  const tone = p.state === "ready" ? "green" : p.state === "failed" ? "red" : "amber";
  return (
    <li data-testid={`package-${p.id}`}>
      <div className="row" style={{ justifyContent: "space-between", gap: 8 }}>
        <span>
          <strong title={t("pkg.name", { id: p.id })} data-testid="package-label">{packageLabel(p, t)}</strong>
          {p.kind === "selection" && <span className="muted"> · {t("pkg.kind.selection")} ({p.tag_ids.length})</span>}{" "}
          <Badge tone={tone}>{t(`pkg.state.${p.state}`, { defaultValue: p.state_label })}</Badge>{" "}
          {p.signed && <Badge tone="blue">{t("pkg.signed")}</Badge>}
        </span>
        <Link to={`/review/packages/${p.id}/custody`} className="small">{t("pkg.custody")} →</Link>
      </div>
      <div className="muted small">
        {t("pkg.requested", { name: p.requested_by.name, at: fmtDateTime(p.requested_at) })}
        {p.reason && <> · “{p.reason}”</>}
      </div>
      {BUSY.has(p.state) && (
        <div className="small" role="status" data-testid="package-progress">
          <progress max={100} value={pct} aria-label={t("pkg.building", { pct })} style={{ width: "100%" }} />
          {p.state === "pending" ? t("pkg.pending") : t("pkg.building", { pct })}
        </div>
      )}
      {p.state === "failed" && <div className="notice notice-red small">{t("pkg.failed")}: {bi(p.error, p.error_en || p.error)}</div>}
      {p.state === "ready" && (
        <>
          <div className="muted small">
            {t("pkg.files", { count: p.files.length })} · {fmtBytes(p.size_bytes)} · {t("pkg.sha")} <code>{p.sha256.slice(0, 16)}…</code>
          </div>
          <div className="row" style={{ gap: 6, marginTop: 4 }}>
            <button type="button" className="btn btn-secondary btn-sm" onClick={() => setDownloadOpen(true)} data-testid="package-download">
              {t("pkg.download")}
            </button>
            <ActionButton type="button" className="btn btn-ghost btn-sm" why={verify.isPending && t("why.busy")} onClick={() => verify.mutate()} data-testid="package-verify">
              <Icon name="check" /> {verify.isPending ? t("pkg.verifying") : t("pkg.verify")}
            </ActionButton>
          </div>
          {downloadedUntil && <p className="notice notice-green small" role="status" data-testid="package-download-ok">{t("pkg.downloadStarted", { time: fmtTime(downloadedUntil) })}</p>}
          {verify.isError && <InlineError error={verify.error} />}
          {verify.data && <VerifyResult report={verify.data} />}
        </>
      )}
      {downloadOpen && <DownloadDialog p={p} onClose={() => setDownloadOpen(false)} onDone={(until) => { setDownloadedUntil(until); setDownloadOpen(false); }} />}
    </li>
  );
}

function VerifyResult({ report }: { report: PackageVerifyReport }) {
  const { t } = useTranslation();
  const bi = useBilingual();
  const sig = report.signature;
  return (
    <div className={`notice ${report.ok ? "notice-green" : "notice-red"} small`} style={{ marginTop: 6 }} data-testid="package-verify-result" role="status">
      <strong>{report.ok ? t("pkg.ok") : t("pkg.notOk")}</strong>
      <ul style={{ margin: "4px 0 0", paddingLeft: 18 }}>
        {report.ok && <li>{t("pkg.hashesOk", { count: report.checked })}</li>}
        {report.ok && <li>{t("pkg.recordOk")}</li>}
        <li>{!sig.present ? t("pkg.unsigned") : sig.valid ? t("pkg.signatureOk", { key: sig.key_id }) : t("pkg.signatureBad")}</li>
      </ul>
      {report.problems.length > 0 && (
        <>
          <div>{t("pkg.problems")}:</div>
          <ul style={{ margin: 0, paddingLeft: 18 }}>
            {report.problems.map((x, i) => <li key={x}>{bi(report.problems_vi?.[i] ?? x, x)}</li>)}
          </ul>
        </>
      )}
    </div>
  );
}

function DownloadDialog({ p, onClose, onDone }: { p: EvidencePackage; onClose: () => void; onDone: (expiresAt: string) => void }) {
  const { t } = useTranslation();
  // Empty: each download is its own entry in the custody log, in the words of whoever downloads.
  // (Pre-filled with the export reason, the cursor at its start, typed words were glued in front.)
  const [reason, setReason] = useState("");
  const download = useMutation({
    mutationFn: () => api.post<PackageDownload>(`media/evidence/packages/${p.id}/download/`, { reason }),
    onSuccess: (r) => {
      const a = document.createElement("a");
      a.href = r.url;
      a.rel = "noopener";
      a.download = "";
      document.body.appendChild(a);
      a.click();
      a.remove();
      onDone(r.expires_at);
    },
  });
  const short = !inWords(reason, REASON_WORDS, REASON_LETTERS);
  return (
    <Modal
      title={t("pkg.download")}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn btn-secondary" onClick={onClose}>{t("action.cancel")}</button>
          <ActionButton type="button" className="btn btn-primary" why={(download.isPending && t("why.busy")) || (short && (reason.trim() ? t("pkg.reasonShort") : t("why.reasonNeeded")))} onClick={() => download.mutate()} data-testid="package-download-submit">
            {t("pkg.download")}
          </ActionButton>
        </>
      }
    >
      {p.reason && <p className="small muted" data-testid="package-export-reason">{t("pkg.exportReasonWas", { reason: p.reason })}</p>}
      <Field label={t("pkg.downloadReason")} hint={short ? t("pkg.reasonShort") : undefined}>
        <textarea value={reason} onChange={(e) => setReason(e.target.value)} autoFocus data-testid="package-download-reason" />
      </Field>
      {download.isError && <InlineError error={download.error} />}
    </Modal>
  );
}
