import { useNavigate, useSearchParams } from "react-router";
import { useTranslation } from "react-i18next";
import { rows, type Page } from "../../api/client";
import { Card, Empty, PageHeader, Pager, QueryState } from "../../components/ui";
import { FindingFilters, FindingsTable, useFindings } from "../inspection/FindingsPage";
import type { FindingBrief } from "../../types/inspection";

export default function TraceListPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const query = Object.fromEntries(params.entries());
  if (!query.state) query.state = "confirmed";
  const page = Number(params.get("page") ?? 1);
  const q = useFindings(query);
  const list = rows(q.data);
  return (
    <>
      <PageHeader title={t("trace.listTitle")} subtitle={t("trace.listSubtitle")} />
      <FindingFilters params={params.get("state") ? params : new URLSearchParams({ ...query })} setParams={setParams} />
      <Card className="flush">
        <QueryState q={q}>
          {list.length === 0 ? (
            <Empty title={t("findings.empty")} hint={t("findings.emptyHint")} />
          ) : (
            <>
              <FindingsTable list={list} onOpen={(f) => navigate(`/accountability/trace/${f.id}`)} />
              <Pager page={page} count={(q.data as Page<FindingBrief>).count ?? list.length} pageSize={50} onPage={(p) => { const n = new URLSearchParams(params); n.set("page", String(p)); setParams(n); }} />
            </>
          )}
        </QueryState>
      </Card>
    </>
  );
}
