import { useQuery } from "@tanstack/react-query";
import { api, type Page } from "../api/client";
import type { CheckBrief } from "../types/inspection";

export function useChecks(query: Record<string, string | number | undefined>) {
  return useQuery({
    queryKey: ["checks", query],
    queryFn: () => api.get<Page<CheckBrief> | CheckBrief[]>("inspection/checks/", query),
  });
}
