// What merging or abolishing a unit ends, shown before the admin confirms (issue 15): the head's,
// the deputies' (with their field) and the officers' posts, the sub-units that move, and what an end
// in the past would cut. Read from GET /api/org/units/{id}/end-preview/?on= (the same rules as the write).
import { useQueries } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client";
import { useLocalName } from "../../components/labels";
import { InlineError } from "../../components/ui";
import type { Assignment, UnitEndPreview } from "../../types/org";
import { fmtDay } from "./common";

const ISO = /^\d{4}-\d{2}-\d{2}$/;

/** The previews of the units that would end on `on` (none until a full date is chosen). */
export function useEndPreviews(unitIds: number[], on: string) {
  const ready = ISO.test(on);
  const qs = useQueries({
    queries: unitIds.map((id) => ({
      queryKey: ["org", "end-preview", id, on],
      queryFn: () => api.get<UnitEndPreview>(`org/units/${id}/end-preview/`, { on }),
      enabled: ready,
    })),
  });
  const previews = qs.map((q) => q.data).filter((p): p is UnitEndPreview => !!p);
  return {
    previews,
    // the server's refusal (a last day before the unit began, ...): shown, and the save waits (reviewer, issue 15)
    error: (ready && qs.find((q) => q.error)?.error) || null,
    loading: ready && qs.some((q) => q.isLoading),
    posts: previews.reduce((n, p) => n + p.posts.length, 0),
  };
}

function PostLine({ a }: { a: Assignment }) {
  const { t } = useTranslation();
  const name = useLocalName();
  const who = [a.officer.rank, a.officer.full_name].filter(Boolean).join(" ");
  const kind = a.is_head ? t("org.endPreview.head") : a.is_deputy ? t("org.endPreview.deputy") : null;
  return (
    <li data-testid="ending-post">
      <strong>{who}</strong> — {a.position}
      {kind && <> · {kind}</>}
      {a.is_deputy && a.field && <> ({t("org.endPreview.field")}: {name(a.field)})</>}
      <span className="muted small"> · {t("org.endPreview.since", { date: fmtDay(a.valid_from) })}</span>
    </li>
  );
}

export function EndPreview({ previews, loading, verb, error }: { previews: UnitEndPreview[]; loading: boolean; verb: "merge" | "abolish"; error?: unknown }) {
  const { t } = useTranslation();
  if (loading) return <p className="small muted" role="status">{t("org.endPreview.loading")}</p>;
  if (error) return <InlineError error={error} />;
  if (previews.length === 0) return null;
  return (
    <section className="notice notice-amber" data-testid="end-preview" aria-label={t("org.endPreview.title")}>
      {previews.map((p) => (
        <div key={p.unit.id} style={{ marginBottom: 8 }}>
          <strong>{t(`org.endPreview.${verb}Title`, { name: p.unit.name, date: fmtDay(p.last_day) })}</strong>
          {p.posts.length === 0 ? (
            <p className="small" style={{ margin: "4px 0" }}>{t("org.endPreview.noPosts")}</p>
          ) : (
            <>
              <p className="small" style={{ margin: "4px 0" }}>{t("org.endPreview.posts", { count: p.posts.length, date: fmtDay(p.last_day) })}</p>
              <ul className="small" style={{ margin: 0 }}>
                {p.posts.map((x) => <PostLine key={x.assignment.id} a={x.assignment} />)}
              </ul>
            </>
          )}
          {p.children.length > 0 && (
            <p className="small" style={{ margin: "4px 0" }}>
              {t("org.endPreview.children", { count: p.children.length, names: p.children.map((c) => c.name).join(", ") })}
            </p>
          )}
        </div>
      ))}
    </section>
  );
}
