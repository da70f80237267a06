// application/problem+json (RFC 9457) for every error the API returns.
import "server-only";
import { randomUUID } from "node:crypto";
import { ERROR_STATUS, LarderError, type InvalidParam } from "../errors";
import { storeUnavailable } from "../errors/store-unavailable";
import { requestLog } from "../config/log";

export { zodIssuesToParams } from "../errors";

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  requestId: string;
  invalid_params?: InvalidParam[];
  [extra: string]: unknown;
}

const TITLES: Record<string, string> = {
  400: "Bad request",
  401: "Unauthenticated",
  403: "Forbidden",
  404: "Not found",
  405: "Method not allowed",
  406: "Not acceptable",
  409: "Conflict",
  410: "Gone",
  413: "Payload too large",
  415: "Unsupported media type",
  422: "Validation failed",
  429: "Too many requests",
  500: "Internal server error",
  503: "Service unavailable",
};

export function problemFromError(err: unknown, requestId: string = randomUUID()): Problem {
  // A store outage is the client's cue to retry (503 + Retry-After), not a bug (500).
  const outage = err instanceof LarderError ? undefined : storeUnavailable(err);
  if (outage) {
    requestLog(requestId).warn({ err: (err as Error)?.message ?? String(err) }, outage.message.split(".")[0]);
    err = outage;
  }
  if (err instanceof LarderError) {
    const status = ERROR_STATUS[err.code];
    return {
      type: `https://larder.dev/problems/${err.code}`,
      title: TITLES[status] ?? "Error",
      status,
      detail: err.message,
      code: err.code,
      requestId,
      ...(err.invalidParams ? { invalid_params: err.invalidParams } : {}),
      ...(err.details ?? {}),
    };
  }
  // A unique constraint lost to a concurrent writer is a conflict, not a server fault. Duck-typed so
  // this module does not pull in the generated Prisma client.
  const prismaCode = (err as { name?: string; code?: string } | null)?.code;
  if ((err as { name?: string } | null)?.name === "PrismaClientKnownRequestError" && prismaCode === "P2002") {
    return {
      type: "https://larder.dev/problems/conflict",
      title: TITLES[409],
      status: 409,
      detail: "Something with the same name already exists (it may have been created at the same moment). Reload and try again.",
      code: "conflict",
      requestId,
    };
  }
  // Never leak internals: the cause goes to the log with the request id, not to the client.
  requestLog(requestId).error({ err }, "request failed");
  return {
    type: "https://larder.dev/problems/internal",
    title: TITLES[500],
    status: 500,
    detail: `An unexpected error occurred. Quote request id ${requestId} when reporting it.`,
    code: "internal",
    requestId,
  };
}

/** The headers of a problem response (the Next routes' and the feature server's). */
export function problemHeaders(p: Problem): Record<string, string> {
  const headers: Record<string, string> = { "content-type": "application/problem+json", "x-request-id": p.requestId };
  // RFC 9110: a 401 names the scheme the client should use.
  if (p.status === 401) headers["www-authenticate"] = 'Bearer realm="larder"';
  // RFC 9110: how many seconds to wait (rateLimited() and unavailable() put it in the problem).
  if (typeof p.retryAfter === "number") headers["retry-after"] = String(p.retryAfter);
  return headers;
}

export function problemResponse(err: unknown, requestId?: string): Response {
  const p = problemFromError(err, requestId);
  return new Response(JSON.stringify(p), { status: p.status, headers: problemHeaders(p) });
}

export function isProblem(x: unknown): x is Problem {
  return typeof x === "object" && x !== null && "status" in x && "title" in x && "code" in x;
}
