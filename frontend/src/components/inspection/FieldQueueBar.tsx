import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useFieldQueue, useOnline } from "../../hooks/use-field-queue";
import { bilingualPart, dropChange, flushQueue, ownChanges, reapplyOnServer } from "../../offline/sync";
import type { QueueItem, ServerChange } from "../../offline/store";
import { ActionButton } from "../ActionButton";
import { fmtDateTime } from "../format";
import "./queue.css";

type T = (k: string, o?: Record<string, unknown>) => string;

function describe(item: QueueItem, t: T): string {
  return item.kind === "report" ? t("field.kindReport") : t("field.kindPhoto", { name: item.photo?.name, criterion: item.photo?.criterion });
}

function value(v: { outcome: string; points: string | number | null; note: string } | null | undefined, t: T): string {
  if (!v) return t("queue.none");
  const outcome = t(`outcome.${v.outcome}`, { defaultValue: v.outcome });
  const points = v.outcome === "partial" && v.points !== null && v.points !== "None" ? ` (${Number(v.points)})` : "";
  return v.note ? `${outcome}${points} — “${v.note}”` : `${outcome}${points}`;
}

/** What changed on the server after the user's version (who, when, which criteria and notes), next to what
 * the user would re-apply: the inspector decides with the facts in front of them. */
function ConflictDetail({ item, t }: { item: QueueItem; t: T }) {
  const changes: ServerChange[] = item.lastError?.serverChanges ?? [];
  const mine = ownChanges(item);
  const touched = new Set(changes.flatMap((c) => c.criteria.map((x) => x.criterion)));
  return (
    <div className="conflict-detail" data-testid="conflict-detail">
      {changes.length > 0 && (
        <>
          <div className="conflict-head">{t("queue.onServer")}</div>
          <ul>
            {changes.map((c) => (
              <li key={c.version} data-testid="conflict-server-change">
                <strong>{c.by}</strong> · {fmtDateTime(c.at)} · {t("queue.version", { version: c.version })}
                <ul>
                  {c.criteria.map((x) => (
                    <li key={x.criterion}>
                      {t("queue.criterion", { code: x.criterion })}: {value(x.before, t)} → <strong>{value(x.after, t)}</strong>
                    </li>
                  ))}
                  {c.summary_changed && <li>{t("queue.summaryChanged")}</li>}
                </ul>
              </li>
            ))}
          </ul>
        </>
      )}
      <div className="conflict-head">{t("queue.yours")}</div>
      <ul data-testid="conflict-mine">
        {/* the criteria both sides changed first, in full; the others in one line */}
        {mine.results.filter((r) => touched.has(r.criterion)).map((r) => (
          <li key={r.criterion}>
            {t("queue.criterion", { code: r.criterion })}: <strong>{value(r, t)}</strong>
            <span className="badge badge-red conflict-both">{t("queue.bothChanged")}</span>
          </li>
        ))}
        {mine.results.some((r) => !touched.has(r.criterion)) && (
          <li>{t("queue.others", { codes: mine.results.filter((r) => !touched.has(r.criterion)).map((r) => `${r.criterion} (${value(r, t)})`).join(", ") })}</li>
        )}
        {mine.summaryChanged && <li>{t("queue.yourSummary", { summary: mine.summary })}</li>}
        {mine.results.length === 0 && !mine.summaryChanged && <li>{t("queue.nothingOfYours")}</li>}
      </ul>
    </div>
  );
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
  if (online && q.count === 0 && q.othersCount === 0) return null;
  const waiting = q.items.filter((i) => i.status === "pending");
  const lastError = waiting.find((i) => i.lastError)?.lastError;
  return (
    <div className="field-queue" data-testid="field-queue" role="status">
      {!online && <div className="notice notice-amber" data-testid="offline-banner">{t("field.offline")}</div>}
      {q.othersCount > 0 && (
        <div className="notice notice-amber" data-testid="queue-other-account">
          {t("queue.otherAccount", { count: q.othersCount, names: q.waitingFor.join(", ") })}
        </div>
      )}
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
          <ConflictDetail item={item} t={t} />
          <div className="conflict-actions">
            <ActionButton type="button" className="btn btn-primary" why={(busy && t("why.busy")) || (!online && t("why.offline"))} onClick={() => run(() => reapplyOnServer(item))} data-testid="conflict-keep-mine">{t("queue.reapply")}</ActionButton>
            <ActionButton type="button" className="btn btn-secondary" why={(busy && t("why.busy")) || (!online && t("why.offline"))} onClick={() => run(() => dropChange(item))} data-testid="conflict-take-server">{t("queue.dropMine")}</ActionButton>
          </div>
        </div>
      ))}
      {q.failed.map((item) => (
        <div key={item.seq} className="notice notice-red" data-testid="sync-failed">
          <strong>{t("field.failedTitle")}</strong> — {describe(item, t)}
          <div>{en ? item.lastError?.en : item.lastError?.vi}</div>
          {(item.lastError?.criteria ?? []).length > 0 && (
            <>
              <ul data-testid="sync-failed-criteria">
                {item.lastError!.criteria!.map((c) => (
                  <li key={c.code}>{t("queue.criterion", { code: c.code })}: {bilingualPart(c.message, en)}</li>
                ))}
              </ul>
              <div>{t("field.fixCriteria")}</div>
            </>
          )}
          <ActionButton type="button" className="btn btn-secondary btn-sm" style={{ marginTop: 8 }} why={busy && t("why.busy")} onClick={() => run(() => dropChange(item))}>{item.kind === "report" && (item.lastError?.criteria ?? []).length > 0 ? t("field.dropAll") : t("field.drop")}</ActionButton>
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
