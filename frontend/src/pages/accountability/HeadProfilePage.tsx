import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { Link, useParams } from "react-router";
import { useTranslation } from "react-i18next";
import { DateInput } from "../../components/DateInput";
import { api } from "../../api/client";
import { Badge, Card, ErrorState, Field, PageHeader, Spinner, Stat } from "../../components/ui";
import { FindingStateBadge, SeverityBadge, useBilingual } from "../../components/labels";
import { fmtDate, fmtDateTime } from "../../components/format";
import type { HeadProfile, Tenure } from "../../types/accountability";
import { mayProduceReports, useMe } from "../../hooks/use-me";
import { FileLink } from "../../components/FileLink";

const DAY = 86400_000;

function TenureTimeline({ tenures, from, to }: { tenures: Tenure[]; from: string | null; to: string | null }) {
  // Span the tenures themselves (the period may be open-ended), with a little margin.
  const first = Math.min(...tenures.map((tn) => new Date(tn.from).getTime()), from ? new Date(from).getTime() : Infinity);
  const last = Math.max(...tenures.map((tn) => new Date(tn.to).getTime()), to ? new Date(to).getTime() : 0);
  const margin = Math.max(30 * DAY, (last - first) * 0.03);
  const start = first - margin;
  const end = Math.max(last + margin, start + DAY);
  const x = (d: string) => ((new Date(d).getTime() - start) / (end - start)) * 100;
  const y0 = new Date(start).getFullYear() + 1;
  const y1 = new Date(end).getFullYear();
  const step = Math.max(1, Math.ceil((y1 - y0 + 1) / 12));
  const years: number[] = [];
  for (let y = y0; y <= y1; y += step) years.push(y);
  return (
    <div className="tenure-tl" aria-hidden="true">
      {years.filter((y) => x(`${y}-01-01`) < 96).map((y) => (
        <div key={y} className="tenure-year" style={{ left: `${x(`${y}-01-01`)}%` }}>{y}</div>
      ))}
      {tenures.map((tn, i) => (
        <div key={i} className="tenure-row">
          <div className={`tenure-bar tenure-${tn.role}`} style={{ left: `${x(tn.from)}%`, width: `${Math.max(1, x(tn.to) - x(tn.from))}%` }} title={`${tn.unit.name}`}>
            <span>{tn.unit.name}</span>
          </div>
          {tn.findings.map((f) => (
            <Link key={f.id} to={`/accountability/trace/${f.id}`} className={`tenure-mark sev-${f.severity}`} style={{ left: `${x(f.occurred_from.slice(0, 10))}%` }} title={`${f.reference} ${f.title}`} />
          ))}
        </div>
      ))}
    </div>
  );
}

export default function HeadProfilePage() {
  const { id = "" } = useParams();
  const { t } = useTranslation();
  const bi = useBilingual();
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const me = useMe().data;
  const q = useQuery({ queryKey: ["profile", id, from, to], queryFn: () => api.get<HeadProfile>(`accountability/officers/${id}/`, { from, to }) });
  if (q.isPending) return <Spinner />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => q.refetch()} />;
  const p = q.data;
  const sev = p.summary.findings_by_severity;
  return (
    <>
      <div className="breadcrumb"><Link to="/accountability/heads">{t("heads.title")}</Link> / {p.officer.full_name}</div>
      <PageHeader
        title={`${p.officer.rank} ${p.officer.full_name}`}
        subtitle={`${p.officer.service_number} · ${t("profile.period")}: ${p.period.from ? fmtDate(p.period.from) : t("profile.start")} – ${fmtDate(p.period.to)}`}
        actions={
          <>
            {mayProduceReports(me) && (<>
              <FileLink href={`/api/accountability/officers/${p.officer.id}/report.pdf`} open>{t("trace.exportPdf")}</FileLink>
              <FileLink href={`/api/accountability/officers/${p.officer.id}/report.xlsx`}>{t("trace.exportXlsx")}</FileLink>
            </>)}
          </>
        }
      />
      <div className="filters">
        <Field label={t("common.from")}><DateInput value={from} onChange={(v) => setFrom(v)} /></Field>
        <Field label={t("common.to")}><DateInput value={to} onChange={(v) => setTo(v)} /></Field>
      </div>
      <div className="stats">
        <Stat label={t("profile.findings")} value={p.summary.findings} tone={p.summary.findings ? "red" : "green"} hint={Object.entries(sev).map(([k, n]) => `${t(`severity.${k}`)}: ${n}`).join(" · ")} />
        <Stat label={t("profile.liabilities")} value={Object.values(p.summary.liabilities_by_state).reduce((a, b) => a + b, 0)} hint={Object.entries(p.summary.liabilities_by_state).map(([k, n]) => `${t(`liab.state.${k}`)}: ${n}`).join(" · ")} />
        <Stat label={t("profile.cases")} value={p.summary.cases} />
        <Stat label={t("profile.tenures")} value={p.tenures.length} tone="blue" />
      </div>
      <Card title={t("profile.tenures")}>
        {p.tenures.length === 0 ? (
          <p className="muted">{t("profile.noTenures")}</p>
        ) : (
          <>
            <TenureTimeline tenures={p.tenures} from={p.period.from} to={p.period.to} />
            <ul className="timeline-list" style={{ marginTop: 16 }}>
              {p.tenures.map((tn, i) => (
                <li key={i}>
                  <div className="row">
                    <strong>{tn.assignment.position}</strong> — {tn.unit.name}
                    <Badge tone={tn.role === "head" ? "blue" : "purple"}>{t(`profile.role.${tn.role}`)}</Badge>
                    {tn.is_acting && <Badge tone="amber">{t("trace.acting")}</Badge>}
                  </div>
                  <div className="muted small">{fmtDate(tn.from)} – {fmtDate(tn.to)}{tn.assignment.decision_ref ? ` · ${t("trace.decision")} ${tn.assignment.decision_ref}` : ""}{tn.unit.note_vi ? ` · ${bi(tn.unit.note_vi, tn.unit.note_en)}` : ""}</div>
                  <div style={{ marginTop: 6 }}>
                    {tn.findings.length === 0 ? (
                      <span className="muted small">{t("profile.noFindings")}</span>
                    ) : (
                      <ul className="plain-list">
                        {tn.findings.map((f) => (
                          <li key={f.id} className="row">
                            <Link to={`/accountability/trace/${f.id}`}><strong>{f.reference}</strong></Link> {f.title}
                            <SeverityBadge value={f.severity} /> <FindingStateBadge value={f.state} />
                            <span className="muted small">{fmtDateTime(f.occurred_from)}</span>
                          </li>
                        ))}
                      </ul>
                    )}
                  </div>
                </li>
              ))}
            </ul>
          </>
        )}
      </Card>
      {p.liabilities.length > 0 && (
        <Card title={t("profile.liabilities")} className="flush">
          <table className="table">
            <thead><tr><th>{t("findings.ref")}</th><th>{t("findings.role")}</th><th>{t("trace.form")}</th><th>{t("common.state")}</th></tr></thead>
            <tbody>
              {p.liabilities.map((l) => (
                <tr key={l.id}>
                  <td><Link to={`/accountability/trace/${l.finding.id}`}>{l.finding.reference}</Link><div className="small muted">{l.finding.title}</div></td>
                  <td>{t(`liab.role.${l.role}`)}</td>
                  <td>{bi((l.confirmed_form ?? l.suggested_form).name_vi, (l.confirmed_form ?? l.suggested_form).name_en)}</td>
                  <td><Badge tone={l.state === "confirmed" ? "green" : l.state === "proposed" ? "amber" : "grey"}>{t(`liab.state.${l.state}`)}</Badge></td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      )}
      {p.cases.length > 0 && (
        <Card title={t("profile.cases")}>
          <ul className="plain-list">
            {p.cases.map((c) => (
              <li key={c.id}><Link to={`/accountability/cases/${c.id}`}><strong>{c.reference}</strong></Link> {c.title} <Badge>{t(`cases.state.${c.state}`)}</Badge></li>
            ))}
          </ul>
        </Card>
      )}
    </>
  );
}
