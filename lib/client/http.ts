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
        const problem = data && typeof data === "object" && "status" in data ? (data as Problem) : undefined;
        const detail = problem?.detail ?? (text.slice(0, 300) || res.statusText);
        throw new LarderHttpError(res.status, `${method} ${path} failed with ${res.status}: ${detail}`, problem);
      }
      return data as T;
    },
  };
}
