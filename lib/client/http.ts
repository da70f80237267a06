// A small typed HTTP client for the Larder API (CLI and, later, the SDK): sends the bearer token,
// parses JSON, and turns 4xx/5xx problem+json answers into an Error that carries the problem.
import type { Problem } from "../api/problem";

export class LarderHttpError extends Error {
  readonly status: number;
  /** The problem+json body (RFC 9457) when the server sent one. */
  readonly problem?: Problem;
  constructor(status: number, message: string, problem?: Problem) {
    super(message);
    this.name = "LarderHttpError";
    this.status = status;
    this.problem = problem;
  }
}

export interface ClientOptions {
  /** e.g. http://localhost:3000 */
  baseUrl: string;
  token?: string;
  /** For tests and custom transports. */
  fetch?: typeof fetch;
  headers?: Record<string, string>;
}

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface LarderClient {
  readonly baseUrl: string;
  request<T>(method: HttpMethod, path: string, body?: unknown): Promise<T>;
}

export function createClient(opts: ClientOptions): LarderClient {
  const baseUrl = opts.baseUrl.replace(/\/+$/, "");
  const doFetch = opts.fetch ?? fetch;
  return {
    baseUrl,
    async request<T>(method: HttpMethod, path: string, body?: unknown): Promise<T> {
      const headers: Record<string, string> = { accept: "application/json, application/problem+json", ...opts.headers };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      if (body !== undefined) headers["content-type"] = "application/json";
      let res: Response;
      try {
        res = await doFetch(`${baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      } catch (e) {
        throw new LarderHttpError(0, `Cannot reach the Larder API at ${baseUrl}: ${(e as Error).message}. Set LARDER_URL.`);
      }
      const text = await res.text();
      let data: unknown = undefined;
      if (text) {
        try {
          data = JSON.parse(text);
        } catch {
          data = undefined;
        }
      }
      if (!res.ok) {
        const problem = data && typeof data === "object" && "status" in data ? (data as Problem) : feastProblem(res.status, data);
        const detail = problem?.detail ?? (text.slice(0, 300) || res.statusText);
        throw new LarderHttpError(res.status, `${method} ${path} failed with ${res.status}: ${detail}`, problem);
      }
      return data as T;
    },
  };
}

/**
 * A non-JSON request (file uploads, Parquet/CSV downloads): same auth, base URL and problem+json
 * errors as createClient, but the caller gets the Response to read as bytes or text.
 */
export async function requestRaw(
  opts: ClientOptions,
  method: HttpMethod,
  path: string,
  init: { body?: BodyInit; contentType?: string; accept?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  const baseUrl = opts.baseUrl.replace(/\/+$/, "");
  const headers: Record<string, string> = { accept: init.accept ?? "*/*", ...opts.headers, ...init.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (init.contentType) headers["content-type"] = init.contentType;
  let res: Response;
  try {
    res = await (opts.fetch ?? fetch)(`${baseUrl}${path}`, { method, headers, body: init.body });
  } catch (e) {
    throw new LarderHttpError(0, `Cannot reach the Larder API at ${baseUrl}: ${(e as Error).message}. Set LARDER_URL.`);
  }
  if (!res.ok) {
    const text = await res.text();
    let problem: Problem | undefined;
    try {
      const data = JSON.parse(text) as unknown;
      if (data && typeof data === "object" && "status" in data) problem = data as Problem;
    } catch {
      problem = undefined;
    }
    throw new LarderHttpError(res.status, `${method} ${path} failed with ${res.status}: ${problem?.detail ?? (text.slice(0, 300) || res.statusText)}`, problem);
  }
  return res;
}

/**
 * The feature server answers errors in Feast's shapes (docs/retrieval.md, "Feast compatibility"):
 * the error detail as a JSON string `{"module", "class", "message"}`, or FastAPI's `{"detail"}`.
 * Read as a problem so callers see the same `detail` whichever server answered.
 */
function feastProblem(status: number, data: unknown): Problem | undefined {
  let detail: string | undefined;
  let code = "error";
  if (typeof data === "string") {
    try {
      const m = JSON.parse(data) as { class?: string; message?: string };
      detail = m.message;
      code = m.class ?? code;
    } catch {
      detail = undefined;
    }
  } else if (data && typeof data === "object" && typeof (data as { detail?: unknown }).detail === "string") {
    detail = (data as { detail: string }).detail;
  }
  return detail === undefined ? undefined : ({ type: "about:blank", title: code, status, detail, code } as Problem);
}
