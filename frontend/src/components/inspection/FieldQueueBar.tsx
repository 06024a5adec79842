import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useFieldQueue, useOnline } from "../../hooks/use-field-queue";
import { WAITS_FOR_REPORT, bilingualPart, dropChange, flushQueue, mergedSummary, ownChanges, reapplyOnServer, summaryInConflict, type Resolution } from "../../offline/sync";
import type { QueueItem, ServerChange } from "../../offline/store";
import { ActionButton } from "../ActionButton";
import { fmtDateTime, fmtNumber } from "../format";
import "./queue.css";

type T = (k: string, o?: Record<string, unknown>) => string;

function describe(item: QueueItem, t: T): string {
  return item.kind === "report" ? t("field.kindReport") : t("field.kindPhoto", { name: item.photo?.name, criterion: item.photo?.criterion });
}

export function value(v: { outcome: string; points: string | number | null; note: string } | null | undefined, t: T): string {
  if (!v) return t("queue.none");
  const outcome = t(`outcome.${v.outcome}`, { defaultValue: v.outcome });
  const points = v.outcome === "partial" && v.points !== null && v.points !== "None" ? ` (${fmtNumber(Number(v.points))})` : "";
  return v.note ? `${outcome}${points} — “${v.note}”` : `${outcome}${points}`;
}

/** A choice between a few values, as rows a finger can hit (each at least 44 px high). */
function Choice<V extends string>({ name, value, options, onChange, testid }: { name: string; value: V; options: [V, string][]; onChange: (v: V) => void; testid: string }) {
  return (
    <div className="conflict-choice" role="radiogroup">
      {options.map(([v, label]) => (
        <label key={v} className="conflict-option" data-testid={`${testid}-${v}`}>
          <input type="radio" name={name} checked={value === v} onChange={() => onChange(v)} /> {label}
        </label>
      ))}
    </div>
  );
}

/** What changed on the server after the user's version (who, when, which criteria and notes, the summary's
 * text), next to what the user would re-apply; for each item both changed, the user chooses: the inspector
 * decides with the facts in front of them, and nobody's text is dropped without having been shown. */
function ConflictDetail({ item, t, choice, onChoice }: { item: QueueItem; t: T; choice: Resolution; onChoice: (c: Resolution) => void }) {
  const changes: ServerChange[] = item.lastError?.serverChanges ?? [];
  const mine = ownChanges(item);
  const touched = new Set(changes.flatMap((c) => c.criteria.map((x) => x.criterion)));
  const serverSummary = item.lastError?.serverSummary;
  const summaryBoth = summaryInConflict(item);
  const summaryBy = [...new Set(changes.filter((c) => c.summary_changed).map((c) => c.by))].join(", ");
  const how = choice.summary ?? "both";
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
        {/* the criteria both sides changed first, in full, each with its choice; the others in one line */}
        {mine.results.filter((r) => touched.has(r.criterion)).map((r) => (
          <li key={r.criterion}>
            {t("queue.criterion", { code: r.criterion })}: <strong>{value(r, t)}</strong>
            <span className="badge badge-red conflict-both">{t("queue.bothChanged")}</span>
            <Choice name={`c${item.seq}-${r.criterion}`} testid={`conflict-criterion-${r.criterion}`} value={choice.criteria?.[r.criterion] ?? "mine"}
              options={[["mine", t("queue.keepMineItem")], ["theirs", t("queue.keepTheirsItem")]]}
              onChange={(v) => onChoice({ ...choice, criteria: { ...choice.criteria, [r.criterion]: v } })} />
          </li>
        ))}
        {mine.results.some((r) => !touched.has(r.criterion)) && (
          <li>{t("queue.others", { codes: mine.results.filter((r) => !touched.has(r.criterion)).map((r) => `${r.criterion} (${value(r, t)})`).join(", ") })}</li>
        )}
        {mine.summaryChanged && !summaryBoth && <li>{t("queue.yourSummary", { summary: mine.summary })}</li>}
        {mine.results.length === 0 && !mine.summaryChanged && <li>{t("queue.nothingOfYours")}</li>}
      </ul>
      {summaryBoth && (
        <div className="conflict-summary" data-testid="conflict-summary">
          <div className="conflict-head">
            {t("queue.summaryTitle")} <span className="badge badge-red conflict-both">{t("queue.bothChanged")}</span>
          </div>
          <div data-testid="conflict-summary-theirs">
            {t("queue.theirSummary", { by: summaryBy || t("queue.someoneElse") })}{" "}
            {serverSummary !== undefined ? <q>{serverSummary || t("queue.emptySummary")}</q> : <em>{t("queue.summaryUnread")}</em>}
          </div>
          <div data-testid="conflict-summary-mine">{t("queue.mySummary")} <q>{mine.summary || t("queue.emptySummary")}</q></div>
          <Choice name={`s${item.seq}`} testid="conflict-summary-choice" value={how}
            options={[["both", t("queue.summaryBoth")], ["theirs", t("queue.summaryTheirs")], ["mine", t("queue.summaryMine")]]}
            onChange={(v) => onChoice({ ...choice, summary: v })} />
          {serverSummary !== undefined && (
            <div className="muted small" data-testid="conflict-summary-result">
              {t("queue.summaryResult")} <q>{how === "theirs" ? serverSummary : how === "mine" ? mine.summary : mergedSummary(serverSummary, mine.summary)}</q>
            </div>
          )}
        </div>
      )}
    </div>
  );
}

/** The field app's queue, where the inspector works: offline state, "3 thay đổi chờ gửi", conflicts. */
export function FieldQueueBar({ checkId }: { checkId?: string }) {
  const { t, i18n } = useTranslation();
  const online = useOnline();
  const q = useFieldQueue(checkId);
  const [busy, setBusy] = useState(false);
  const [choices, setChoices] = useState<Record<number, Resolution>>({});
  // after a conflict was resolved: say so once the queue is empty (the card alone just disappearing
  // leaves the inspector to trust that it went)
  const [resolving, setResolving] = useState(false);
  const [allSent, setAllSent] = useState(false);
  const en = i18n.language.startsWith("en");
  const run = (fn: () => Promise<void>, resolves = false) => {
    setBusy(true);
    if (resolves) setResolving(true);
    void fn().catch(() => undefined).finally(() => setBusy(false));
  };
  useEffect(() => {
    if (resolving && !busy && q.count === 0) {
      setResolving(false);
      setAllSent(true);
    } else if (q.conflicts.length > 0 && allSent) setAllSent(false);
  }, [resolving, busy, q.count, q.conflicts.length, allSent]);
  useEffect(() => {
    if (!allSent) return;
    const timer = window.setTimeout(() => setAllSent(false), 8_000);
    return () => window.clearTimeout(timer);
  }, [allSent]);
  if (online && q.count === 0 && q.othersCount === 0) {
    return allSent ? <div className="notice notice-green field-queue" role="status" data-testid="queue-all-sent">{t("field.allSent")}</div> : null;
  }
  const waiting = q.items.filter((i) => i.status === "pending");
  // a photo whose criterion's result is held by an open conflict cannot go before the conflict is resolved
  const heldByConflict = (i: QueueItem) => i.kind === "photo" && i.lastError?.code === WAITS_FOR_REPORT && q.conflicts.some((c) => c.checkId === i.checkId);
  const sendable = waiting.filter((i) => !heldByConflict(i));
  const errorItem = waiting.find((i) => i.lastError);
  const lastError = errorItem?.lastError;
  const waitText = (i: QueueItem) => heldByConflict(i)
    ? t("field.photoWaitsConflict", { criterion: i.photo?.criterion })
    : t("field.photoWaitsReport", { criterion: i.photo?.criterion });
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
          {online && sendable.length > 0 && (
            <ActionButton type="button" className="btn btn-secondary btn-sm" why={busy && t("why.busy")} onClick={() => run(() => flushQueue(true))} data-testid="queue-send-now">
              {busy ? t("field.sending") : t("field.sendNow")}
            </ActionButton>
          )}
          {errorItem && lastError && online && (
            <span className="muted small" data-testid="queue-retry">
              {lastError.code === WAITS_FOR_REPORT ? waitText(errorItem) : t("field.retryAt", { error: en ? lastError.en : lastError.vi })}
            </span>
          )}
        </div>
      )}
      {q.conflicts.map((item) => (
        <div key={item.seq} className="notice notice-red" data-testid="sync-conflict">
          <strong>{t("field.conflictTitle")}</strong>
          <div>{en ? item.lastError?.en : item.lastError?.vi}</div>
          <ConflictDetail item={item} t={t} choice={choices[item.seq!] ?? {}} onChoice={(c) => setChoices((all) => ({ ...all, [item.seq!]: c }))} />
          <div className="conflict-actions">
            <ActionButton type="button" className="btn btn-primary" why={(busy && t("why.busy")) || (!online && t("why.offline"))} onClick={() => run(() => reapplyOnServer(item, choices[item.seq!] ?? {}), true)} data-testid="conflict-keep-mine">{t("queue.reapply")}</ActionButton>
            <ActionButton type="button" className="btn btn-secondary" why={(busy && t("why.busy")) || (!online && t("why.offline"))} onClick={() => run(() => dropChange(item), true)} data-testid="conflict-take-server">{t("queue.dropMine")}</ActionButton>
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
