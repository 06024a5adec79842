// Every UI string, Vietnamese first, English second. Keys are flat ("area.thing").
import { SHELL } from "./shell";
import { INSPECTION } from "./inspection";
import { REVIEW } from "./review";
import { ACCOUNTABILITY } from "./accountability";
import { ADMIN } from "./admin";
import { ORG } from "./org";
import { EVIDENCE } from "./evidence";
import { FIELD } from "./field";
import { QUEUE } from "./queue";

export type Pair = readonly [vi: string, en: string];
export type Dict = Record<string, Pair>;

export const STRINGS: Dict = { ...SHELL, ...INSPECTION, ...REVIEW, ...ACCOUNTABILITY, ...ADMIN, ...ORG, ...EVIDENCE, ...FIELD, ...QUEUE };
