// The first data query of the pages that open on a list or a chart, so that main.tsx can send it as
// soon as /api/auth/session/ says who is signed in, while the app's code is still arriving, and the
// page's own query (same key, same address) finds it answered or on the way. No React here.
import { buildUrl } from "../api/client";

export type QueryParams = Record<string, string | number>;

export interface PageQuery {
  queryKey: readonly unknown[];
  /** API path and parameters, as given to `api.get`. */
  path: string;
  params: QueryParams;
}

/** The clip list (ReviewClips page): its filters are the address's search parameters. */
export function clipListQuery(params: Record<string, string>): PageQuery {
  return { queryKey: ["clips", params], path: "media/clips/", params };
}

/** The rankings of one period (the whole year when `quarter` is ""). */
export function rankingsQuery(year: number, quarter: string, level: string): PageQuery {
  return { queryKey: ["rankings", year, quarter, level], path: "accountability/rankings/", params: { year, quarter, level } };
}

/** What the ranking page asks first: this year's ranking of communes, then each quarter's. */
export function rankingPageQueries(year: number, level: string): { year: PageQuery; quarters: PageQuery[] } {
  return { year: rankingsQuery(year, "", level), quarters: [1, 2, 3, 4].map((n) => rankingsQuery(year, String(n), level)) };
}

const ROUTE_DATA: [RegExp, (search: URLSearchParams) => PageQuery[]][] = [
  [/^\/review\/clips\/?$/, (search) => [clipListQuery(Object.fromEntries(search.entries()))]],
  [/^\/accountability\/ranking\/?$/, () => {
    const q = rankingPageQueries(new Date().getFullYear(), "commune");
    return [q.year, ...q.quarters];
  }],
];

/** The queries the page at `pathname` + `search` sends when it opens (none for most pages). */
export function routeData(pathname: string, search: string): PageQuery[] {
  const hit = ROUTE_DATA.find(([re]) => re.test(pathname));
  return hit ? hit[1](new URLSearchParams(search)) : [];
}

export function queryUrl(q: PageQuery): string {
  return buildUrl(q.path, q.params);
}
