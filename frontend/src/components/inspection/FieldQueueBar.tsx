import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useFieldQueue, useOnline } from "../../hooks/use-field-queue";
import { dropChange, flushQueue, resendOverServer } from "../../offline/sync";
import type { QueueItem } from "../../offline/store";
import { ActionButton } from "../ActionButton";

function describe(item: QueueItem, t: (k: string, o?: Record<string, unknown>) => string): string {
  return item.kind === "report" ? t("field.kindReport") : t("field.kindPhoto", { name: item.photo?.name, criterion: item.photo?.criterion });
}

/** The field app's queue, where the inspector works: offline state, "3 thay đổi chờ gửi", conflicts. */
export function FieldQueueBar({ checkId }: { checkId?: string }) {
  const { t, i18n } = useTranslation();
  const online = useOnline();
  const q = useFieldQueue(checkId);
  const [busy, setBusy] = useState(false);
  const en = i18n.language.startsWith("en");
  const run = (fn: () => Promise<void>) => {
    setBusy(true);
    void fn().catch(() => undefined).finally(() => setBusy(false));
  };
  if (online && q.count === 0) return null;
  const waiting = q.items.filter((i) => i.status === "pending");
  const lastError = waiting.find((i) => i.lastError)?.lastError;
  return (
    <div className="field-queue" data-testid="field-queue" role="status">
      {!online && <div className="notice notice-amber" data-testid="offline-banner">{t("field.offline")}</div>}
      {q.count > 0 && (
        <div className="field-queue-row">
          <strong data-testid="queue-count">{t("field.pending", { count: q.count })}</strong>
          {online && waiting.length > 0 && (
            <ActionButton type="button" className="btn btn-secondary btn-sm" why={busy && t("why.busy")} onClick={() => run(() => flushQueue(true))}>
              {busy ? t("field.sending") : t("field.sendNow")}
            </ActionButton>
          )}
          {lastError && online && <span className="muted small">{t("field.retryAt", { error: en ? lastError.en : lastError.vi })}</span>}
        </div>
      )}
      {q.conflicts.map((item) => (
        <div key={item.seq} className="notice notice-red" data-testid="sync-conflict">
          <strong>{t("field.conflictTitle")}</strong>
          <div>{en ? item.lastError?.en : item.lastError?.vi}</div>
          <div className="row" style={{ marginTop: 8 }}>
            <ActionButton type="button" className="btn btn-secondary btn-sm" why={(busy && t("why.busy")) || (!online && t("why.offline"))} onClick={() => run(() => dropChange(item))} data-testid="conflict-take-server">{t("field.takeServer")}</ActionButton>
            <ActionButton type="button" className="btn btn-danger btn-sm" why={(busy && t("why.busy")) || (!online && t("why.offline"))} onClick={() => run(() => resendOverServer(item))} data-testid="conflict-keep-mine">{t("field.keepMine")}</ActionButton>
          </div>
        </div>
      ))}
      {q.failed.map((item) => (
        <div key={item.seq} className="notice notice-red" data-testid="sync-failed">
          <strong>{t("field.failedTitle")}</strong> — {describe(item, t)}
          <div>{en ? item.lastError?.en : item.lastError?.vi}</div>
          <ActionButton type="button" className="btn btn-secondary btn-sm" style={{ marginTop: 8 }} why={busy && t("why.busy")} onClick={() => run(() => dropChange(item))}>{t("field.drop")}</ActionButton>
        </div>
      ))}
    </div>
  );
}

/** In the top bar, on every page: how many field changes wait, and whether the device is offline. */
export function FieldQueueBadge() {
  const { t } = useTranslation();
  const online = useOnline();
  const q = useFieldQueue();
  if (online && q.count === 0) return null;
  return (
    <span className={`queue-badge ${q.conflicts.length || q.failed.length ? "queue-badge-red" : ""}`} data-testid="queue-badge" title={online ? "" : t("field.offline")}>
      {!online && <span className="queue-offline-dot" aria-hidden="true" />}
      {q.count > 0 ? t("field.pending", { count: q.count }) : t("field.offlineShort")}
    </span>
  );
}
