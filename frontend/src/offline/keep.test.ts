// The team's started checks are kept on the device when the list loads online (issue 16, finding 1 of the
// phone review): a started check the inspector never opened still opens offline; a planned one never lands.
import "fake-indexeddb/auto";
import { beforeEach, describe, expect, it, vi } from "vitest";

const get = vi.fn();
vi.mock("../api/client", async (orig) => {
  const real = await orig<typeof import("../api/client")>();
  return {
    ...real,
    api: { ...real.api, get: (...a: unknown[]) => get(...a) },
    fetchAll: async (path: string, query: Record<string, string>) => {
      const page = (await get(path, query)) as { results: unknown[] };
      return page.results;
    },
  };
});

import { clearOfflineData, keepCheck, keptChecks } from "./store";
import { keepTeamChecks } from "./keep";
import type { CheckDetail, CheckReport } from "../types/inspection";

const ME = 7;
const brief = (id: string, state: string, team: number[]) => ({
  id, reference: `KT-${id}`, mode: "dot_xuat", unit: { id: 1, code: "CAX-TC", name: "Công an xã Thanh Chương" },
  window_start: "2026-11-30T06:00:00Z", window_end: "2026-11-30T10:00:00Z", state,
  lead: { id: 99, username: "lead", full_name: "Tổ trưởng" }, team: team.map((u) => ({ id: u, username: `u${u}`, full_name: `U${u}` })),
});
const CHECKS: Record<string, ReturnType<typeof brief>> = {
  mine: brief("mine", "in_progress", [ME]),
  done: brief("done", "completed", [ME]),
  other: brief("other", "in_progress", [5]),
  secret: brief("secret", "planned", [ME]),
};

function server(lists: Record<string, string[]>) {
  get.mockImplementation(async (path: string, query?: Record<string, string>) => {
    if (path === "inspection/checks/") return { count: 0, next: null, previous: null, results: (lists[query!.state] ?? []).map((id) => CHECKS[id]) };
    const m = /^inspection\/checks\/(\w+)\/(report\/)?$/.exec(path);
    if (m && m[2]) return { id: 1, version: 3, summary: "", results: [], criteria_set: { id: 4, name: "Bộ 2026" } };
    if (m) return { ...CHECKS[m[1]], criteria_set: { id: 4, name: "Bộ 2026" } };
    if (path === "inspection/criteria-sets/4/") return { criteria: [{ code: "1.1", text: "Có mặt", max_points: 2, critical: false }] };
    throw new Error(`unexpected ${path}`);
  });
}

beforeEach(async () => {
  get.mockReset();
  await clearOfflineData();
});

describe("keeping the team's started checks", () => {
  it("keeps every started check of the user's team, with report and criteria, without opening it", async () => {
    server({ in_progress: ["mine", "other"], completed: ["done"] });
    expect(await keepTeamChecks({ id: ME, is_inspection_team: true })).toEqual(["mine", "done"]);
    const kept = await keptChecks(ME);
    expect(kept.map((k) => k.id).sort()).toEqual(["done", "mine"]);
    const row = kept.find((k) => k.id === "mine")!;
    expect(row.report.version).toBe(3);
    expect(row.criteria.map((c) => c.code)).toEqual(["1.1"]);
    // only the started states are asked for: a planned check is never fetched, let alone kept
    expect(get.mock.calls.filter(([p]) => p === "inspection/checks/").map(([, q]) => q.state).sort()).toEqual(["completed", "in_progress"]);
  });

  it("never keeps a planned check, even if a list ever carried one", async () => {
    server({ in_progress: ["secret", "mine"] });
    await keepTeamChecks({ id: ME, is_inspection_team: true });
    expect((await keptChecks(ME)).map((k) => k.id)).toEqual(["mine"]);
    expect(get.mock.calls.some(([p]) => String(p).includes("secret/"))).toBe(false);
  });

  it("drops a kept check that is no longer started or no longer the team's", async () => {
    await keepCheck(ME, { ...CHECKS.done, state: "completed" } as unknown as CheckDetail, { version: 1 } as CheckReport, []);
    server({ in_progress: ["mine"] });
    await keepTeamChecks({ id: ME, is_inspection_team: true });
    expect((await keptChecks(ME)).map((k) => k.id)).toEqual(["mine"]);
  });

  it("keeps nothing for someone outside the inspection team", async () => {
    server({ in_progress: ["mine"] });
    expect(await keepTeamChecks({ id: ME, is_inspection_team: false })).toEqual([]);
    expect(get).not.toHaveBeenCalled();
  });
});
