// The one HTTP client: session cookie + CSRF header, errors normalised to ApiError.
import { takeEarly } from "../boot/early";
import type { components } from "../types/api.gen";

/** The error every refusal carries: {"error": ErrorBody} (backend/core/errors.py, the schema's ErrorEnvelope). */
export type ErrorBody = components["schemas"]["ErrorBody"];
type ErrorEnvelope = components["schemas"]["ErrorEnvelope"];

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly messageVi: string;
  readonly messageEn: string;
  readonly fields: Record<string, unknown>;
  readonly detail: Record<string, unknown> | undefined;

  constructor(status: number, body: ErrorBody) {
    super(body.message_en || body.message);
    this.name = "ApiError";
    this.status = status;
    this.code = body.code;
    this.messageVi = body.message;
    this.messageEn = body.message_en;
    this.fields = body.fields ?? {};
    this.detail = body.detail;
  }

  /** The message in the UI language (Vietnamese unless English is chosen). */
  localized(lang: string): string {
    return lang.startsWith("en") ? this.messageEn || this.messageVi : this.messageVi || this.messageEn;
  }
}

/** A page of a list (backend/core/pagination.py): the envelope of the schema's Paginated…List components. Taken
 *  from one whose `next` and `previous` may be absent, the loosest of them; `count` is exact when `count_exact`,
 *  otherwise a lower bound (the server stops counting a large list). */
export type Page<T> = Omit<components["schemas"]["PaginatedRuleSetBriefList"], "results"> & { results: T[] };

type Query = Record<string, string | number | boolean | null | undefined>;

export function readCookie(name: string): string {
  const match = document.cookie.split(";").map((c) => c.trim()).find((c) => c.startsWith(name + "="));
  return match ? decodeURIComponent(match.slice(name.length + 1)) : "";
}

export function buildUrl(path: string, query?: Query): string {
  const url = path.startsWith("/") ? path : `/api/${path}`;
  if (!query) return url;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === "") continue;
    params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${url}${url.includes("?") ? "&" : "?"}${qs}` : url;
}

let unauthorizedHandler: (() => void) | null = null;
/** The shell registers a handler so an expired session sends the user back to login. */
export function onUnauthorized(handler: (() => void) | null): void {
  unauthorizedHandler = handler;
}

let passwordChangeHandler: (() => void) | null = null;
/** The shell registers a handler so a 403 password_change_required opens the change-password form. */
export function onPasswordChangeRequired(handler: (() => void) | null): void {
  passwordChangeHandler = handler;
}

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const SIGN_IN_CODES = new Set(["not_authenticated", "two_factor_required", "two_factor_enrolment_required"]);

/** The error a failed answer carries, in both languages (the server's words when it sent some). */
export async function toError(res: Response): Promise<ApiError> {
  let body: unknown = null;
  const type = res.headers.get("content-type") ?? "";
  if (type.includes("json")) {
    try {
      body = await res.json();
    } catch {
      body = null;
    }
  }
  // an answer from something other than the API (a proxy's page, a cut-off body) may lack any part of it
  const err = (body as { error?: Partial<ErrorEnvelope["error"]> } | null)?.error;
  if (err && typeof err === "object" && ("message" in err || "message_en" in err)) {
    return new ApiError(res.status, {
      code: err.code ?? "error",
      message: err.message ?? err.message_en ?? "",
      message_en: err.message_en ?? err.message ?? "",
      fields: err.fields ?? {},
      detail: err.detail,
    });
  }
  const generic: Record<number, [string, string, string]> = {
    401: ["not_authenticated", "Đồng chí cần đăng nhập.", "Authentication required."],
    403: ["forbidden", "Đồng chí không có quyền thực hiện thao tác này.", "You do not have permission to do this."],
    404: ["not_found", "Không tìm thấy.", "Not found."],
    413: ["too_large", "Tệp quá lớn.", "File too large."],
    429: ["throttled", "Quá nhiều yêu cầu, vui lòng thử lại sau.", "Too many requests, try again later."],
  };
  const [code, vi, en] = generic[res.status] ?? [
    "server_error",
    `Máy chủ gặp lỗi (HTTP ${res.status}). Vui lòng thử lại.`,
    `The server failed (HTTP ${res.status}). Please try again.`,
  ];
  return new ApiError(res.status, { code, message: vi, message_en: en, fields: {} });
}

/** No answer at all: the network or the server is down. */
export function networkError(): ApiError {
  return new ApiError(0, {
    code: "network",
    message: "Không kết nối được máy chủ. Kiểm tra mạng và thử lại.",
    message_en: "Cannot reach the server. Check the network and try again.",
    fields: {},
  });
}

export interface RequestOptions {
  method?: string;
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const method = (opts.method ?? "GET").toUpperCase();
  const headers: Record<string, string> = { Accept: "application/json", ...opts.headers };
  let body: BodyInit | undefined;
  if (opts.body instanceof FormData) {
    body = opts.body;
  } else if (opts.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(opts.body);
  }
  if (UNSAFE.has(method)) headers["X-CSRFToken"] = readCookie("csrftoken");
  let res: Response;
  const url = buildUrl(path, opts.query);
  // a plain GET the start-up already sent (boot/early.ts, main.tsx) is answered by that request
  const early = method === "GET" && body === undefined && !opts.signal && !opts.headers ? takeEarly(url) : undefined;
  try {
    res = await (early ?? fetch(url, {
      method,
      headers,
      body,
      credentials: "same-origin",
      signal: opts.signal,
    }));
  } catch (e) {
    if ((e as Error).name === "AbortError") throw e;
    throw networkError();
  }
  if (!res.ok) {
    const err = await toError(res);
    // a session that owes a two-factor code or enrolment goes back to the sign-in page, which
    // resumes at that step
    const signIn = res.status === 401 || (res.status === 403 && SIGN_IN_CODES.has(err.code));
    if (signIn && unauthorizedHandler) {
      unauthorizedHandler();
    }
    // the device was handed over to the inspected unit's representative (in another tab, say): the whole
    // page reloads into the hand-over screen, the only one this session may see
    if (res.status === 403 && err.code === "handover_locked" && typeof window !== "undefined" && window.location.pathname !== "/handover") {
      window.location.assign("/handover");
    }
    // the password must be changed first (F7): the shell re-reads who is signed in and opens the form
    if (res.status === 403 && err.code === "password_change_required" && passwordChangeHandler) passwordChangeHandler();
    throw err;
  }
  if (res.status === 204) return undefined as T;
  const type = res.headers.get("content-type") ?? "";
  if (type.includes("json")) return (await res.json()) as T;
  return (await res.blob()) as unknown as T;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>(path, { query, signal }),
  post: <T>(path: string, body?: unknown, headers?: Record<string, string>) => request<T>(path, { method: "POST", body: body ?? {}, headers }),
  patch: <T>(path: string, body: unknown) => request<T>(path, { method: "PATCH", body }),
  put: <T>(path: string, body: unknown, headers?: Record<string, string>) => request<T>(path, { method: "PUT", body, headers }),
  del: <T>(path: string) => request<T>(path, { method: "DELETE" }),
};

/** Follows `next` links; for small reference lists (units, cameras). Stops at `max` items. */
export async function fetchAll<T>(path: string, query?: Query, max = 1000): Promise<T[]> {
  const out: T[] = [];
  let page = await api.get<Page<T> | T[]>(path, { page_size: 200, ...query });
  if (Array.isArray(page)) return page;
  out.push(...page.results);
  while (page.next && out.length < max) {
    const next: URL = new URL(page.next, window.location.origin);
    page = await api.get<Page<T>>(next.pathname + next.search);
    out.push(...page.results);
  }
  return out;
}

/** Accepts either a paginated body or a bare list. */
export function rows<T>(data: Page<T> | T[] | undefined | null): T[] {
  if (!data) return [];
  return Array.isArray(data) ? data : data.results ?? [];
}
