import type { TraceLeader } from "../../types/accountability";

export type TraceRule = NonNullable<TraceLeader["rule"]>;

const head = (text: string) => text.split(":")[0].trim().replace(/\.$/, "");

/** A rule named in words (its name from the server, else its text up to the colon; issue 15: never a bare
 *  "LD-H1"); the page prints the code beside it in brackets. */
export function ruleName(rule: Pick<TraceRule, "code" | "text_vi" | "text_en" | "name_vi" | "name_en">,
  bi: (vi: string, en: string) => string): string {
  return bi(rule.name_vi ?? head(rule.text_vi), rule.name_en ?? head(rule.text_en)) || rule.code;
}
