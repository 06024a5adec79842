import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate, useParams } from "react-router";
import { useTranslation } from "react-i18next";
import { api, rows, type Page } from "../../api/client";
import { Badge, Card, ErrorState, Field, InlineError, Modal, PageHeader, Spinner } from "../../components/ui";
import { SeverityBadge, useBilingual } from "../../components/labels";
import { fmtDate, fmtDateTime } from "../../components/format";
import { mayProduceReports, useMe } from "../../hooks/use-me";
import { initial } from "../../components/Layout";
import { ruleName } from "../../components/accountability/ruleName";
import { can } from "../../hooks/permissions";
import type { CaseDetail, Liability, LiabilityProposal, Trace, TraceLeader, TraceUnitGroup } from "../../types/accountability";
import { ActionButton } from "../../components/ActionButton";
import { FileLink } from "../../components/FileLink";
import { inWords } from "../../components/reasonRule";

function Person({ name, rank, sn, to }: { name: string; rank: string; sn: string; to: string }) {
  const me = useMe().data;
  return (
    <div className="person">
      <div className="avatar" aria-hidden="true">{initial(name)}</div>
      <div>
        {can(me?.role, "officerProfile") ? <Link to={to} className="person-name">{name}</Link> : <span className="person-name">{name}</span>}
        <div className="muted small">{rank} · {sn}</div>
      </div>
    </div>
  );
}

function LeaderCard({ leader, liability, onDecide }: { leader: TraceLeader; liability?: Liability; onDecide?: (l: Liability, action: "confirm" | "reject") => void }) {
  const { t } = useTranslation();
  const bi = useBilingual();
  return (
    <div className={`chain-node chain-${leader.role}`} data-testid={`leader-${leader.role}`}>
      <div className="chain-role">
        {bi(leader.role_label_vi, leader.role_label_en)}
        {leader.is_acting && <Badge tone="amber">{t("trace.acting")}</Badge>}
        {leader.rule && <Badge tone={leader.basis === "own" ? "red" : "blue"}>{t(`trace.basis.${leader.basis}`)}</Badge>}
      </div>
      <Person name={leader.officer.full_name} rank={leader.officer.rank} sn={leader.officer.service_number} to={`/accountability/heads/${leader.officer.id}`} />
      <dl className="kv small" style={{ marginTop: 8 }}>
        <dt>{t("trace.post")}</dt>
        <dd>{leader.assignment.position} — {leader.unit.name}</dd>
        {leader.role === "deputy" && (<><dt>{t("trace.field")}</dt><dd data-testid="deputy-field">{leader.field ? bi(leader.field.name_vi, leader.field.name_en) : t("trace.noField")}</dd></>)}
        <dt>{t("common.date")}</dt>
        <dd>{leader.in_charge_from === leader.in_charge_to
          ? t("trace.inChargeDay", { day: fmtDate(leader.in_charge_from) })
          : t("trace.inCharge", { from: fmtDate(leader.in_charge_from), to: fmtDate(leader.in_charge_to) })}</dd>
        {leader.assignment.decision_ref && (<><dt>{t("trace.decision")}</dt><dd>{leader.assignment.decision_ref}</dd></>)}
      </dl>
      <div className="chain-rule">
        {leader.rule ? (
          <>
            <div className="row" style={{ justifyContent: "space-between" }}>
              <span>{t("trace.rule")}: <strong data-testid="rule-name" title={leader.rule.code}>{ruleName(leader.rule, bi)}</strong></span>
              {leader.suggested_form && (leader.time_barred_vi
                ? <Badge tone="grey">{t("trace.formIfNotBarred")}: {bi(leader.suggested_form.name_vi, leader.suggested_form.name_en)}</Badge>
                : <Badge tone="red">{t("trace.proposed")}: {bi(leader.suggested_form.name_vi, leader.suggested_form.name_en)}</Badge>)}
            </div>
            {leader.rule.basis && <div className="small muted" data-testid="rule-basis">{t("trace.legalBasis")}: {leader.rule.basis}</div>}
          </>
        ) : (
          <span className="muted">{t("trace.noRule")}</span>
        )}
        <p className="why">{bi(leader.why_vi, leader.why_en)}</p>
        {leader.time_barred_vi && <div className="notice notice-red small" data-testid="time-barred">{bi(leader.time_barred_vi, leader.time_barred_en)}</div>}
        {leader.exemption && <div className="notice notice-green small" data-testid="exemption">{t("trace.exempt")}: {leader.exemption.basis}</div>}
        {leader.other_rules.length > 0 && (
          <details className="small">
            <summary>{t("trace.otherRules")} ({leader.other_rules.length})</summary>
            <ul>{leader.other_rules.map((m, i) => <li key={i}><strong title={m.rule.code}>{ruleName(m.rule, bi)}</strong>{m.rule.basis ? ` (${t("trace.legalBasis")}: ${m.rule.basis})` : ""}: {bi(m.why_vi, m.why_en)} → {bi(m.form.name_vi, m.form.name_en)}</li>)}</ul>
          </details>
        )}
      </div>
      {liability && (
        <div className="row chain-liability">
          <Badge tone={liability.state === "confirmed" ? "green" : liability.state === "rejected" ? "grey" : "amber"}>{t(`liab.state.${liability.state}`)}</Badge>
          {liability.confirmed_form && <span className="small">{bi(liability.confirmed_form.name_vi, liability.confirmed_form.name_en)}</span>}
          {liability.decision_reason && <span className="small muted">“{liability.decision_reason}”</span>}
          {liability.state === "proposed" && onDecide && (
            <span className="row" style={{ marginLeft: "auto" }}>
              <button type="button" className="btn btn-ghost btn-sm" onClick={() => onDecide(liability, "reject")}>{t("trace.reject")}</button>
              <button type="button" className="btn btn-success btn-sm" onClick={() => onDecide(liability, "confirm")}>{t("trace.confirm")}</button>
            </span>
          )}
        </div>
      )}
    </div>
  );
}

function UnitChain({ group, liabilities, onDecide, onOpenCase }: { group: TraceUnitGroup; liabilities: Liability[]; onDecide?: (l: Liability, a: "confirm" | "reject") => void; onOpenCase?: (officerId: number, name: string) => void }) {
  const { t } = useTranslation();
  const bi = useBilingual();
  const order: TraceLeader["role"][] = ["upper_head", "head", "deputy"];
  const leaders = [...group.leaders].sort((a, b) => order.indexOf(a.role) - order.indexOf(b.role) || a.in_charge_from.localeCompare(b.in_charge_from));
  const findLiab = (l: TraceLeader) => liabilities.find((x) => x.officer.id === l.officer.id && x.role === l.role && x.state !== "superseded");
  return (
    <Card
      title={
        <span>
          {t("trace.unitAt")}: {group.unit.name}{" "}
          {group.from && group.to && <span className="muted small">({t("trace.unitSpan", { from: fmtDate(group.from), to: fmtDate(group.to) })}){" "}</span>}
          {group.unit.successor && group.unit.valid_to && <Badge tone="grey">{t("trace.unitGone", { name: group.unit.successor.name })}</Badge>}
        </span>
      }
      actions={group.parent && (
        <span className="muted small" data-testid="trace-parent">
          {t("trace.parent")}:{" "}
          {group.parents.length > 1
            ? group.parents.map((p) => t("trace.parentSpan", { name: p.name, from: fmtDate(p.from), to: fmtDate(p.to) })).join("; ")
            : group.parent.name}
        </span>
      )}
    >
      <div className="chain" data-testid="trace-chain">
        {leaders.map((l, i) => (
          <div key={`${l.role}-${l.officer.id}-${i}`} className="chain-step">
            <LeaderCard leader={l} liability={findLiab(l)} onDecide={onDecide} />
            <div className="chain-arrow" aria-hidden="true">↓</div>
          </div>
        ))}
        {group.violators.map((v, i) => (
          <div key={`v-${v.officer.id}-${i}`} className="chain-step">
            <div className="chain-node chain-violator" data-testid="violator">
              <div className="chain-role">
                {t("trace.violator")} {v.suggested_form && <Badge tone="red">{t("trace.proposed")}: {bi(v.suggested_form.name_vi, v.suggested_form.name_en)}</Badge>}
              </div>
              <Person name={v.officer.full_name} rank={v.officer.rank} sn={v.officer.service_number} to={`/accountability/heads/${v.officer.id}`} />
              {v.assignment && <div className="small" style={{ marginTop: 6 }}>{t("trace.post")}: {v.assignment.position}</div>}
              <p className="why">{bi(v.why_vi, v.why_en)}</p>
              {onOpenCase && (
                <button type="button" className="btn btn-ghost btn-sm" data-testid="open-violator-case" onClick={() => onOpenCase(v.officer.id, v.officer.full_name)}>
                  {t("trace.openCaseViolator")}
                </button>
              )}
            </div>
          </div>
        ))}
      </div>
      {group.notes.length > 0 && (
        <div className="notice notice-amber small" style={{ marginTop: 10 }}>
          {group.notes.map((n, i) => <div key={i}>• {bi(n.vi, n.en)}</div>)}
        </div>
      )}
    </Card>
  );
}

export default function TracePage() {
  const { id = "" } = useParams();
  const { t } = useTranslation();
  const bi = useBilingual();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const me = useMe().data;
  const isDecider = me?.role === "disciplinary";
  const q = useQuery({ queryKey: ["trace", id], queryFn: () => api.get<Trace>(`accountability/findings/${id}/trace/`) });
  const liabQ = useQuery({ queryKey: ["liabilities", { finding: id }], queryFn: () => api.get<Page<Liability>>("accountability/liabilities/", { finding: id, page_size: 200 }) });
  const propose = useMutation({
    mutationFn: () => api.post<LiabilityProposal>("accountability/liabilities/", { finding_id: Number(id) }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["liabilities"] }),
  });
  const [deciding, setDeciding] = useState<{ l: Liability; action: "confirm" | "reject" } | null>(null);
  const [reason, setReason] = useState("");
  const decide = useMutation({
    mutationFn: () => api.post(`accountability/liabilities/${deciding!.l.id}/${deciding!.action}/`, { reason }),
    onSuccess: () => {
      setDeciding(null);
      setReason("");
      void qc.invalidateQueries({ queryKey: ["liabilities"] });
    },
  });
  const openCase = useMutation({
    mutationFn: (l: { officer_id: number; title: string; liability_id?: number }) =>
      api.post<CaseDetail>("accountability/cases/", l.liability_id
        ? { subject_kind: "officer", liability_id: l.liability_id, title: l.title }
        : { subject_kind: "officer", officer_id: l.officer_id, finding_ids: [Number(id)], title: l.title }),
    onSuccess: (c) => navigate(`/accountability/cases/${c.id}`),
  });

  if (q.isPending) return <Spinner />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => q.refetch()} />;
  const tr = q.data;
  const f = tr.finding;
  const liabilities = rows(liabQ.data);
  const confirmedPeople = liabilities.filter((l) => l.state === "confirmed");

  return (
    <>
      <div className="breadcrumb">
        <Link to="/accountability/findings">{t("trace.listTitle")}</Link> / <Link to={`/inspection/findings/${f.id}`}>{f.reference}</Link>
      </div>
      <PageHeader
        title={t("trace.title", { ref: f.reference })}
        subtitle={
          <span className="row">
            <strong>{f.title}</strong>
            <SeverityBadge value={f.severity} />
            <span>{bi(f.category.name_vi, f.category.name_en)}</span>
            <span>· {f.unit.name}</span>
          </span>
        }
        actions={
          <>
            {mayProduceReports(me) && (<>
              <FileLink href={`/api/accountability/findings/${f.id}/report.pdf`} open>{t("trace.exportPdf")}</FileLink>
              <FileLink href={`/api/accountability/findings/${f.id}/report.xlsx`}>{t("trace.exportXlsx")}</FileLink>
            </>)}
            {isDecider && (
              <ActionButton type="button" className="btn btn-primary" why={propose.isPending && t("why.busy")} onClick={() => propose.mutate()} data-testid="propose">
                {t("trace.propose")}
              </ActionButton>
            )}
          </>
        }
      />
      <div className="trace-meta">
        <span className="badge badge-blue">
          {f.is_period
            ? t("trace.asOfPeriod", { from: fmtDate(tr.as_of.from), to: fmtDate(tr.as_of.to) })
            : t("trace.asOf", { from: fmtDateTime(f.occurred_from) })}
        </span>
        <span className="badge badge-grey">{t("trace.ruleset", { v: tr.ruleset.version })}</span>
        <span className="badge badge-grey" data-testid="category-fields">
          {t("trace.categoryFields")}: {f.category.fields.length ? f.category.fields.map((x) => bi(x.name_vi, x.name_en)).join(", ") : t("trace.noCategoryField")}
        </span>
      </div>
      {propose.isError && <InlineError error={propose.error} />}
      {propose.isSuccess && <div className="notice notice-green" style={{ marginBottom: 12 }}>{t("trace.proposed_ok", { n: propose.data.created.length })}</div>}
      {tr.notes.length > 0 && (
        <div className="notice notice-amber" style={{ marginBottom: 12 }}>
          {tr.notes.map((n, i) => <div key={i}>• {bi(n.vi, n.en)}</div>)}
        </div>
      )}
      <Card title={t("trace.explanations", { count: (tr.explanations ?? []).length })}>
        {(tr.explanations ?? []).length === 0 ? (
          <p className="muted" data-testid="trace-no-explanations">{t("trace.noExplanations")}</p>
        ) : (
          <ul className="plain-list" data-testid="trace-explanations">
            {(tr.explanations ?? []).map((x) => (
              <li key={x.id}>
                <strong>{t(`findings.explainKind.${x.kind}`)}</strong>
                <p style={{ whiteSpace: "pre-wrap", margin: "4px 0" }}>{x.text}</p>
                <div className="muted small">{x.author?.full_name || x.author?.username} · {fmtDateTime(x.at)}</div>
              </li>
            ))}
          </ul>
        )}
      </Card>
      {tr.units.map((g) => (
        <UnitChain key={g.unit.id} group={g} liabilities={liabilities} onDecide={isDecider ? (l, action) => setDeciding({ l, action }) : undefined}
          onOpenCase={isDecider ? (officerId, name) => openCase.mutate({ officer_id: officerId, title: `${f.reference} — ${name}` }) : undefined} />
      ))}
      {isDecider && (
        <Card title={t("trace.liabilities")}>
          {liabilities.length === 0 ? (
            <p className="muted">{t("trace.noLiabilities")}</p>
          ) : (
            <table className="table">
              <thead>
                <tr><th>{t("findings.officer")}</th><th>{t("findings.role")}</th><th>{t("trace.form")}</th><th>{t("common.state")}</th><th></th></tr>
              </thead>
              <tbody>
                {liabilities.map((l) => (
                  <tr key={l.id}>
                    <td><strong>{l.officer.full_name}</strong><div className="muted small">{l.unit.name}</div></td>
                    <td>{t(`liab.role.${l.role}`)}</td>
                    <td>{bi((l.confirmed_form ?? l.suggested_form).name_vi, (l.confirmed_form ?? l.suggested_form).name_en)}</td>
                    <td><Badge tone={l.state === "confirmed" ? "green" : l.state === "proposed" ? "amber" : "grey"}>{t(`liab.state.${l.state}`)}</Badge></td>
                    <td className="right">
                      {confirmedPeople.includes(l) && (
                        <button type="button" className="btn btn-ghost btn-sm" onClick={() => openCase.mutate({ officer_id: l.officer.id, liability_id: l.id, title: `${f.reference} — ${l.officer.full_name}` })}>
                          {t("trace.openCase")}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {openCase.isError && <InlineError error={openCase.error} />}
        </Card>
      )}
      {deciding && (
        <Modal
          title={deciding.action === "confirm" ? t("trace.confirm") : t("trace.reject")}
          onClose={() => setDeciding(null)}
          footer={
            <>
              <button type="button" className="btn btn-secondary" onClick={() => setDeciding(null)}>{t("action.cancel")}</button>
              <ActionButton type="button" className={`btn ${deciding.action === "confirm" ? "btn-success" : "btn-danger"}`} why={(decide.isPending && t("why.busy")) || (!reason.trim() && t("why.reasonNeeded")) || (!inWords(reason, 2, 6) && t("trace.reasonInWords"))} onClick={() => decide.mutate()}>
                {deciding.action === "confirm" ? t("trace.confirm") : t("trace.reject")}
              </ActionButton>
            </>
          }
        >
          <p><strong>{deciding.l.officer.full_name}</strong> — {t(`liab.role.${deciding.l.role}`)} · {bi(deciding.l.suggested_form.name_vi, deciding.l.suggested_form.name_en)}</p>
          <p className="small">{bi(deciding.l.reason_vi, deciding.l.reason_en)}</p>
          {(tr.explanations ?? []).length > 0 && (
            <details className="small" data-testid="decide-explanations">
              <summary>{t("trace.readExplanations", { count: (tr.explanations ?? []).length })}</summary>
              {(tr.explanations ?? []).map((x) => (
                <p key={x.id} style={{ whiteSpace: "pre-wrap" }}><strong>{t(`findings.explainKind.${x.kind}`)}:</strong> {x.text}</p>
              ))}
            </details>
          )}
          <Field label={t("trace.decideReason")}>
            <textarea value={reason} onChange={(e) => setReason(e.target.value)} />
          </Field>
          {decide.isError && <InlineError error={decide.error} />}
        </Modal>
      )}
    </>
  );
}
