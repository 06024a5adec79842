// The strings of the workspaces (inspection, review, accountability, admin): a chunk of their own,
// loaded for a signed-in user (index.ts `loadWorkspaceStrings`), never before sign-in.
import i18n from "i18next";
import { ACCOUNTABILITY } from "./accountability";
import { ADMIN } from "./admin";
import { INSPECTION } from "./inspection";
import { REVIEW } from "./review";
import { ORG } from "./org";
import { EVIDENCE } from "./evidence";
import { FIELD } from "./field";
import { QUEUE } from "./queue";
import type { Dict } from "./strings";

export const WORKSPACE_STRINGS: Dict = { ...INSPECTION, ...REVIEW, ...ACCOUNTABILITY, ...ADMIN, ...ORG, ...EVIDENCE, ...FIELD, ...QUEUE };

export function addWorkspaceStrings(): void {
  for (const [lng, idx] of [["vi", 0], ["en", 1]] as const) {
    const out: Record<string, string> = {};
    for (const [key, pair] of Object.entries(WORKSPACE_STRINGS)) out[key] = pair[idx];
    i18n.addResourceBundle(lng, "translation", out, true, false);
  }
}
