import { useQuery } from "@tanstack/react-query";
import { fetchAll } from "../api/client";
import type { Camera, Counter, Unit } from "../types/org";

/** Reference lists used by pickers and to name ids (units in scope, counters, cameras). */
export function useUnits() {
  return useQuery({ queryKey: ["ref", "units"], queryFn: () => fetchAll<Unit>("org/units/"), staleTime: 5 * 60_000 });
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
