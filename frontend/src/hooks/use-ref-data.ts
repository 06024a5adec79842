import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { fetchAll } from "../api/client";
import { localDay } from "../components/format";
import type { Camera, Counter, Unit } from "../types/org";

/** Reference lists used by pickers and to name ids (units in scope, counters, cameras). */
export function useUnits() {
  return useQuery({ queryKey: ["ref", "units"], queryFn: () => fetchAll<Unit>("org/units/"), staleTime: 5 * 60_000 });
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The units that existed on `day` ("YYYY-MM-DD"): a form about a date (a violation, an appointment,
 *  a merger) offers only those. The server owns the rule (org selectors, `?at=`); while the day is
 *  not a whole date yet, the units of today. */
export function useUnitsOn(day: string | null | undefined) {
  const at = day && ISO_DAY.test(day) ? day : localDay(new Date());
  const q = useQuery({
    queryKey: ["ref", "units", "on", at],
    queryFn: () => fetchAll<Unit>("org/units/", { at }),
    staleTime: 5 * 60_000,
    placeholderData: keepPreviousData,
  });
  return { ...q, at };
}

export function useCounters() {
  return useQuery({ queryKey: ["ref", "counters"], queryFn: () => fetchAll<Counter>("org/counters/"), staleTime: 5 * 60_000 });
}

export function useCameras() {
  return useQuery({ queryKey: ["ref", "cameras"], queryFn: () => fetchAll<Camera>("org/cameras/"), staleTime: 60_000 });
}

export function byId<T extends { id: number }>(items: T[] | undefined): Map<number, T> {
  return new Map((items ?? []).map((i) => [i.id, i]));
}
