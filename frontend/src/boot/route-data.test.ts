import { buildUrl } from "../api/client";
import { pageAt } from "./routes";
import { queryUrl, routeData } from "./route-data";

describe("the opening page's first queries", () => {
  it("clip list: the address's filters, as the page sends them", () => {
    const [q, ...rest] = routeData("/review/clips", "?camera=C01&state=indexed&page=2");
    expect(rest).toEqual([]);
    expect(q.queryKey).toEqual(["clips", { camera: "C01", state: "indexed", page: "2" }]);
    expect(queryUrl(q)).toBe("/api/media/clips/?camera=C01&state=indexed&page=2");
    expect(queryUrl(routeData("/review/clips/", "")[0])).toBe(buildUrl("media/clips/", {}));
  });

  it("ranking: this year's communes, whole year then each quarter", () => {
    const year = new Date().getFullYear();
    const qs = routeData("/accountability/ranking", "");
    expect(qs.map((q) => q.queryKey)).toEqual([
      ["rankings", year, "", "commune"],
      ...[1, 2, 3, 4].map((n) => ["rankings", year, String(n), "commune"]),
    ]);
    expect(qs.map(queryUrl)).toEqual([
      `/api/accountability/rankings/?year=${year}&level=commune`,
      ...[1, 2, 3, 4].map((n) => `/api/accountability/rankings/?year=${year}&quarter=${n}&level=commune`),
    ]);
  });

  it("nothing for other pages (a clip's player, the sign-in page)", () => {
    expect(routeData("/review/clips/12", "")).toEqual([]);
    expect(routeData("/login", "")).toEqual([]);
  });

  it("each route's page code is found by its address", () => {
    expect(pageAt("/review/clips")).toBe("ClipsPage");
    expect(pageAt("/review/clips/5")).toBe("PlayerPage");
    expect(pageAt("/accountability/ranking")).toBe("RankingPage");
    expect(pageAt("/login")).toBeUndefined();
  });
});
