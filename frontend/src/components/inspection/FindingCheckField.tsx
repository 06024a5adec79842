import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { fetchAll } from "../../api/client";
import { Field } from "../ui";
import { fmtDateTime } from "../format";
import { onTeamOf } from "../../offline/keep";
import type { CheckBrief } from "../../types/inspection";

/** The states of a check a finding may be filed on (the server: started, not cancelled). */
const FILABLE = ["in_progress", "completed", "signed"] as const;

/** The checks the signed-in user may file a finding on: started, not cancelled, and his team's (the
 *  server refuses any other: services_findings.finding_create), the most recent first. */
export function useFilableChecks(userId: number | undefined) {
  return useQuery({
    queryKey: ["checks", "filable", userId],
    enabled: userId !== undefined,
    queryFn: async () => {
      const lists = await Promise.all(FILABLE.map((state) => fetchAll<CheckBrief>("inspection/checks/", { state }, 300)));
      return lists.flat().filter((c) => onTeamOf(userId!, c))
        .sort((a, b) => String(b.window_start).localeCompare(String(a.window_start)));
    },
  });
}

/** A finding of the inspection team comes from a check: the dialog opened from the findings list asks
 *  which one (issue 15: without it the server refused every such finding). */
export function FindingCheckField({ checks, loading, value, onChange }: { checks: CheckBrief[]; loading: boolean; value: string; onChange: (check: CheckBrief | undefined) => void }) {
  const { t } = useTranslation();
  return (
    <Field label={t("findings.checkPick")}>
      <select value={value} onChange={(e) => onChange(checks.find((c) => c.id === e.target.value))} name="check" data-testid="finding-check">
        <option value="">—</option>
        {checks.map((c) => (
          <option key={c.id} value={c.id}>{`${c.reference} — ${c.unit.name} — ${fmtDateTime(c.window_start)} (${t(`checkState.${c.state}`)})`}</option>
        ))}
      </select>
      <span className="field-hint" data-testid="finding-check-hint">
        {loading ? t("state.loading") : checks.length ? t("findings.checkPickHint") : t("findings.checkPickNone")}
      </span>
    </Field>
  );
}
