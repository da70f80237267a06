// The console's one fetch client (browser side). Every server-state request of the console goes
// through apiFetch: it sends the session cookie, encodes query strings and JSON bodies, and turns
// any non-2xx answer into an ApiError carrying the API's problem+json, so error states can show
// its title, detail and request id.

export interface ProblemDetails {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  code?: string;
  requestId?: string;
  invalid_params?: Array<{ name: string; reason: string; file?: string; object?: string }>;
  [extra: string]: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly problem: ProblemDetails;
  constructor(problem: ProblemDetails) {
    super(problem.detail ? `${problem.title}: ${problem.detail}` : problem.title);
    this.name = "ApiError";
    this.status = problem.status;
    this.problem = problem;
  }
  get requestId(): string | undefined {
    return this.problem.requestId;
  }
}

export type QueryValue = string | number | boolean | null | undefined | Array<string | number>;

export interface ApiRequest {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** "text": answer the body as text whatever its type (the caller parses it). */
  accept?: "text";
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal;
}

/** `/api/v1/x` + `?a=1&b=2`, skipping empty values and repeating arrays (`tag=a&tag=b`). */
export function buildUrl(path: string, query?: Record<string, QueryValue>): string {
  if (!query) return path;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === "") continue;
    if (Array.isArray(v)) for (const item of v) qs.append(k, String(item));
    else qs.append(k, String(v));
  }
  const s = qs.toString();
  return s ? `${path}${path.includes("?") ? "&" : "?"}${s}` : path;
}

/** Reads an error response into problem details, also when the server did not send problem+json. */
export async function problemFromResponse(res: Response): Promise<ProblemDetails> {
  const text = await res.text().catch(() => "");
  try {
    const parsed = JSON.parse(text) as Partial<ProblemDetails>;
    if (parsed && typeof parsed === "object" && typeof parsed.title === "string") {
      return { ...parsed, title: parsed.title, status: parsed.status ?? res.status };
    }
  } catch {
    // not JSON: fall through
  }
  return {
    title: res.statusText || `HTTP ${res.status}`,
    status: res.status,
    detail: text.slice(0, 300) || undefined,
    requestId: res.headers.get("x-request-id") ?? undefined,
  };
}

export async function apiFetch<T>(path: string, req: ApiRequest = {}): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json, application/problem+json" };
  let body: string | undefined;
  if (req.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(req.body);
  }
  let res: Response;
  try {
    res = await fetch(buildUrl(path, req.query), {
      method: req.method ?? (body ? "POST" : "GET"),
      headers,
      body,
      credentials: "same-origin",
      signal: req.signal,
    });
  } catch (err) {
    if ((err as Error).name === "AbortError") throw err;
    throw new ApiError({ title: "Network error", status: 0, detail: "The server could not be reached. Check your connection and try again." });
  }
  if (!res.ok) throw new ApiError(await problemFromResponse(res));
  if (res.status === 204) return undefined as T;
  if (req.accept === "text") return (await res.text()) as T;
  const type = res.headers.get("content-type") ?? "";
  if (!type.includes("json")) return (await res.text()) as T;
  return (await res.json()) as T;
}

/**
 * JSON with every number kept as the exact text the server sent (`9223372036854775807`, `42.0`),
 * for pages that show stored values (previews): JavaScript numbers would round int64 and drop the
 * float form. Uses JSON.parse's source-text access (the reviver's third argument).
 */
export function parseJsonNumbersAsText(text: string): unknown {
  return JSON.parse(text, function (this: unknown, _key: string, value: unknown, context?: { source?: string }) {
    return typeof value === "number" && context?.source !== undefined ? new ExactNumber(context.source) : value;
  } as (this: unknown, key: string, value: unknown) => unknown);
}

/** A JSON number as the server wrote it. */
export class ExactNumber {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export const api = {
  get: <T>(path: string, query?: Record<string, QueryValue>, signal?: AbortSignal) => apiFetch<T>(path, { query, signal }),
  post: <T>(path: string, body?: unknown) => apiFetch<T>(path, { method: "POST", body: body ?? {} }),
  patch: <T>(path: string, body: unknown) => apiFetch<T>(path, { method: "PATCH", body }),
  put: <T>(path: string, body: unknown) => apiFetch<T>(path, { method: "PUT", body }),
  delete: <T>(path: string) => apiFetch<T>(path, { method: "DELETE" }),
  /** GET whose numbers stay exact text (ExactNumber): see parseJsonNumbersAsText. */
  getExact: async <T>(path: string, query?: Record<string, QueryValue>, signal?: AbortSignal) =>
    parseJsonNumbersAsText(await apiFetch<string>(path, { query, signal, accept: "text" })) as T,
};

/** Encodes one path segment (project, view and feature names). */
export const seg = encodeURIComponent;
