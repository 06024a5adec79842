import { useEffect, useState } from "react";
import { Link, useNavigate } from "react-router";
import { useTranslation } from "react-i18next";
import { rows, type Page } from "../../api/client";
import { Card, Empty, Field, PageHeader, Pager, QueryState } from "../../components/ui";
import { CheckStateBadge, personName } from "../../components/labels";
import { fmtDate, fmtDateTime, fmtNumber, fmtTime } from "../../components/format";
import { useChecks } from "../../hooks/use-checks";
import { useMe } from "../../hooks/use-me";
import type { CheckBrief } from "../../types/inspection";
import { FieldQueueBar } from "../../components/inspection/FieldQueueBar";
import { useKeepTeamChecks, useOnline } from "../../hooks/use-field-queue";
import { keptChecks, subscribe, type StoredCheck } from "../../offline/store";

/** Without a network: the started checks kept on this device, to carry on working. */
function KeptChecks({ userId }: { userId: number }) {
  const { t } = useTranslation();
  const [kept, setKept] = useState<StoredCheck[] | null>(null);
  useEffect(() => {
    let alive = true;
    // read again whenever the device store changes (the owner written at start, a check kept or dropped)
    const load = () => void keptChecks(userId).then((k) => alive && setKept(k)).catch(() => alive && setKept([]));
    load();
    const off = subscribe(load);
    return () => {
      alive = false;
      off();
    };
  }, [userId]);
  if (kept === null) return null;
  if (kept.length === 0) return <Empty title={t("field.noneKept")} hint={t("field.noneKeptHint")} />;
  return (
    <ul className="card-list" data-testid="kept-checks">
      {kept.map((k) => (
        <li key={k.id} className="list-card">
          <Link className="stretched" to={`/inspection/checks/${k.id}`}><strong>{k.check.reference}</strong> — {k.check.unit.name}</Link>
          <div className="row small"><CheckStateBadge value={k.check.state} /> <span className="muted">{t("field.keptOffline")} · {fmtDateTime(k.savedAt)}</span></div>
        </li>
      ))}
    </ul>
  );
}

export default function ChecksPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const me = useMe().data;
  const online = useOnline();
  useKeepTeamChecks();
  const [state, setState] = useState("");
  const [page, setPage] = useState(1);
  const q = useChecks({ state, page });
  const list = rows(q.data);
  const count = (q.data as Page<CheckBrief> | undefined)?.count ?? list.length;
  const states = me?.is_inspection_team || me?.role === "admin"
    ? ["planned", "in_progress", "completed", "signed", "cancelled"]
    : ["in_progress", "completed", "signed"];
  return (
    <>
      <PageHeader title={t("checks.title")} subtitle={t("checks.subtitle")} />
      <FieldQueueBar />
      {!online && me && <KeptChecks userId={me.id} />}
      <div className="filters">
        <Field label={t("common.state")}>
          <select value={state} onChange={(e) => { setState(e.target.value); setPage(1); }}>
            <option value="">{t("common.all")}</option>
            {states.map((s) => (
              <option key={s} value={s}>{t(`checkState.${s}`)}</option>
            ))}
          </select>
        </Field>
      </div>
      {online && <Card className="flush">
        <QueryState q={q}>
          {list.length === 0 ? (
            <Empty title={t("checks.empty")} hint={me?.is_inspection_team ? t("checks.emptyHint") : undefined} />
          ) : (
            <>
              <div className="table-wrap">
                <table className="table table-cards" data-testid="checks-table">
                  <thead>
                    <tr>
                      <th>{t("checks.ref")}</th>
                      <th>{t("common.unit")}</th>
                      <th>{t("checks.window")}</th>
                      <th>{t("checks.mode")}</th>
                      <th>{t("checks.lead")}</th>
                      <th>{t("common.state")}</th>
                      <th className="num">{t("checks.score")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((c) => (
                      <tr key={c.id} className="clickable" onClick={() => navigate(`/inspection/checks/${c.id}`)}>
                        <td data-label={t("checks.ref")}><Link className="row-link stretched" to={`/inspection/checks/${c.id}`} onClick={(e) => e.stopPropagation()}><strong className="nowrap">{c.reference}</strong></Link></td>
                        <td data-label={t("common.unit")}>
                          <div>
                            {c.unit.name}
                            {c.counter && <div className="muted small">{c.counter.name}</div>}
                            {c.unit_gone && <div className="small badge badge-red" data-testid="check-unit-gone">{t("check.unitGone", { day: fmtDate(c.unit_gone.last_day) })}</div>}
                          </div>
                        </td>
                        <td className="nowrap" data-label={t("checks.window")}>{fmtDateTime(c.window_start)} – {fmtTime(c.window_end).slice(0, 5)}</td>
                        <td data-label={t("checks.mode")}>
                          {t(`mode.${c.mode}`, { defaultValue: c.mode })}
                          {c.origin && <div className="muted small" data-testid="check-origin">{t(`check.origin.${c.origin}`)}</div>}
                        </td>
                        <td data-label={t("checks.lead")}>{personName(c.lead)}</td>
                        <td data-label={t("common.state")}><CheckStateBadge value={c.state} awaitingUnit={c.awaiting_unit_signature} /></td>
                        <td className="num" data-label={t("checks.score")}>{c.score ? `${fmtNumber(c.score.percent, 1)}%` : "—"}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <Pager page={page} count={count} exact={(q.data as Page<CheckBrief> | undefined)?.count_exact !== false} pageSize={50} onPage={setPage} />
            </>
          )}
        </QueryState>
      </Card>}
    </>
  );
}
