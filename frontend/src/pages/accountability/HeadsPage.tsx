import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { DateInput } from "../../components/DateInput";
import { fetchAll } from "../../api/client";
import { Badge, Card, Empty, Field, PageHeader, QueryState } from "../../components/ui";
import { fmtDate, localDay } from "../../components/format";
import { useBilingual } from "../../components/labels";
import type { Assignment } from "../../types/org";

export default function HeadsPage() {
  const { t } = useTranslation();
  const bi = useBilingual();
  const [at, setAt] = useState(localDay(new Date()));
  const [search, setSearch] = useState("");
  const q = useQuery({ queryKey: ["assignments", at], queryFn: () => fetchAll<Assignment>("org/assignments/", { at }) });
  const leaders = (q.data ?? []).filter((a) => a.is_head || a.is_deputy);
  const byUnit = new Map<number, { unit: Assignment["unit"]; heads: Assignment[]; deputies: Assignment[] }>();
  for (const a of leaders) {
    const row = byUnit.get(a.unit.id) ?? { unit: a.unit, heads: [], deputies: [] };
    (a.is_head ? row.heads : row.deputies).push(a);
    byUnit.set(a.unit.id, row);
  }
  const term = search.trim().toLowerCase();
  const list = [...byUnit.values()]
    .filter((r) => !term || r.unit.name.toLowerCase().includes(term) || [...r.heads, ...r.deputies].some((a) => a.officer.full_name.toLowerCase().includes(term)))
    .sort((a, b) => a.unit.name.localeCompare(b.unit.name, "vi"));
  return (
    <>
      <PageHeader title={t("heads.title")} subtitle={t("heads.subtitle")} />
      <div className="filters">
        <Field label={t("heads.at")}>
          <DateInput value={at} onChange={(v) => { if (v) setAt(v); }} />
        </Field>
        <Field label={t("action.search")}>
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder={t("common.search")} />
        </Field>
      </div>
      <Card className="flush">
        <QueryState q={q}>
          {list.length === 0 ? (
            <Empty title={t("heads.noHead")} />
          ) : (
            <table className="table">
              <thead>
                <tr><th>{t("common.unit")}</th><th>{t("heads.current")}</th><th>{t("heads.deputies")}</th></tr>
              </thead>
              <tbody>
                {list.map((r) => (
                  <tr key={r.unit.id}>
                    <td><strong>{r.unit.name}</strong><div className="muted small">{r.unit.code}</div></td>
                    <td>
                      {r.heads.length === 0 ? <span className="muted">—</span> : r.heads.map((a) => (
                        <div key={a.id}>
                          <Link to={`/accountability/heads/${a.officer.id}`}><strong>{a.officer.rank} {a.officer.full_name}</strong></Link>{" "}
                          {a.is_acting && <Badge tone="amber">{t("trace.acting")}</Badge>}
                          <div className="muted small">{a.position} · {fmtDate(a.valid_from)} – {a.valid_to ? fmtDate(a.valid_to) : t("common.present")}</div>
                        </div>
                      ))}
                    </td>
                    <td>
                      {r.deputies.length === 0 ? <span className="muted">—</span> : r.deputies.map((a) => (
                        <div key={a.id}>
                          <Link to={`/accountability/heads/${a.officer.id}`}>{a.officer.rank} {a.officer.full_name}</Link>
                          <div className="muted small">{a.position} · {a.field ? bi(a.field.name_vi, a.field.name_en) : t("trace.noField")}</div>
                        </div>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </QueryState>
      </Card>
    </>
  );
}
