import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client";
import { isoToDmy } from "../../components/DateInput";
import type { FieldOfChargeList, Unit } from "../../types/org";

export function fmtDay(iso: string | null | undefined): string {
  return iso ? isoToDmy(iso) : "";
}

/** "01/07/2025 – nay" */
export function Period({ from, to }: { from: string; to: string | null }) {
  const { t } = useTranslation();
  return <span className="nowrap">{fmtDay(from)} – {to ? fmtDay(to) : t("common.present")}</span>;
}

export function todayIso(): string {
  const d = new Date();
  const local = new Date(d.toLocaleString("en-US", { timeZone: "Asia/Ho_Chi_Minh" }));
  return `${local.getFullYear()}-${String(local.getMonth() + 1).padStart(2, "0")}-${String(local.getDate()).padStart(2, "0")}`;
}

export function unitLabel(u: Unit, t: (k: string, o?: Record<string, unknown>) => string): string {
  return u.valid_to ? `${u.name} (${t(u.valid_to < todayIso() ? "org.ended" : "org.willEnd", { date: fmtDay(u.valid_to) })})` : u.name;
}

export function useFields() {
  return useQuery({
    queryKey: ["ref", "fields"],
    queryFn: () => api.get<FieldOfChargeList>("org/fields/", { active: 1 }),
    staleTime: 5 * 60_000,
  });
}
