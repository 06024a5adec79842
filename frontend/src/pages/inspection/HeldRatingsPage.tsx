import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, rows, type Page } from "../../api/client";
import { Badge, Card, Empty, Field, InlineError, PageHeader, QueryState } from "../../components/ui";
import { fmtDateTime } from "../../components/format";
import type { RatingReview, RatingRow } from "../../types/inspection";
import { ActionButton } from "../../components/ActionButton";

/** Ratings held as a burst from one device: the inspection team accepts (counted again) or rejects
 * them (a note is required). Decisions can be revised. */
export default function HeldRatingsPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [note, setNote] = useState("");
  const q = useQuery({ queryKey: ["ratings", "held"], queryFn: () => api.get<Page<RatingRow>>("inspection/ratings/", { held: "true", page_size: 200 }) });
  const review = useMutation({
    mutationFn: (decision: "accepted" | "rejected") =>
      api.post<RatingReview>("inspection/ratings/review/", { ids: [...selected], decision, note: note.trim() }),
    onSuccess: () => {
      setSelected(new Set());
      setNote("");
      void qc.invalidateQueries({ queryKey: ["ratings"] });
    },
  });
  const list = rows(q.data);
  const toggle = (id: number) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  return (
    <>
      <PageHeader title={t("ratings.title")} subtitle={t("ratings.subtitle")} />
      <Card>
        <div className="row" style={{ alignItems: "flex-end", gap: 12, flexWrap: "wrap" }}>
          <Field label={t("ratings.note")}>
            <input value={note} onChange={(e) => setNote(e.target.value)} name="note" style={{ minWidth: 320 }} />
          </Field>
          <span className="muted small">{t("ratings.selected", { count: selected.size })}</span>
          <ActionButton type="button" className="btn btn-primary" why={(review.isPending && t("why.busy")) || (!selected.size && t("why.selectRatings"))} onClick={() => review.mutate("accepted")} data-testid="ratings-accept">
            {t("ratings.accept")}
          </ActionButton>
          <ActionButton type="button" className="btn btn-danger" why={(review.isPending && t("why.busy")) || (!selected.size && t("why.selectRatings")) || (!note.trim() && t("why.reasonNeeded"))} onClick={() => review.mutate("rejected")} data-testid="ratings-reject">
            {t("ratings.reject")}
          </ActionButton>
        </div>
        {review.isError && <InlineError error={review.error} />}
      </Card>
      <Card className="flush">
        <QueryState q={q}>
          {list.length === 0 ? (
            <Empty title={t("ratings.empty")} />
          ) : (
            <div className="table-wrap">
              <table className="table" data-testid="held-ratings">
                <thead>
                  <tr>
                    <th>
                      <input
                        type="checkbox"
                        aria-label="all"
                        checked={selected.size === list.length}
                        onChange={(e) => setSelected(e.target.checked ? new Set(list.map((r) => r.id)) : new Set())}
                      />
                    </th>
                    <th>{t("common.unit")}</th>
                    <th>{t("ratings.device")}</th>
                    <th>{t("ratings.at")}</th>
                    <th>{t("ratings.score")}</th>
                    <th>{t("commitments.reasons")}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((r) => (
                    <tr key={r.id}>
                      <td><input type="checkbox" checked={selected.has(r.id)} onChange={() => toggle(r.id)} aria-label={`#${r.id}`} /></td>
                      <td>
                        <strong>{r.counter?.unit?.name ?? "—"}</strong>
                        <div className="muted small">{r.counter?.name}</div>
                      </td>
                      <td className="small">{r.device_code}</td>
                      <td className="nowrap">{fmtDateTime(r.rated_at)}</td>
                      <td>{r.score}</td>
                      <td className="small">
                        <Badge tone={r.review === "accepted" ? "green" : r.review === "rejected" ? "red" : "amber"}>
                          {t(`ratings.review.${r.review || "none"}`)}
                        </Badge>
                        {r.review_note && <div className="muted">“{r.review_note}”</div>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </QueryState>
      </Card>
    </>
  );
}
