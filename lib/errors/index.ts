// Typed errors. Services throw these; lib/api/problem.ts maps `code` → HTTP status in one table.
import "server-only";
import type { ZodError } from "zod";
export type ErrorCode =
  | "bad_request"
  | "validation_failed"
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "gone"
  | "payload_too_large"
  | "unsupported_media_type"
  | "not_acceptable"
  | "unprocessable"
  | "rate_limited"
  | "unavailable"
  | "internal";

export const ERROR_STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 422,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  not_acceptable: 406,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

export interface InvalidParam {
  /** Dotted path to the offending field, e.g. `feature_views[0].ttl`, or a file path for repo errors. */
  name: string;
  reason: string;
  /** For repo validation: the file the object came from. */
  file?: string;
  /** For repo validation: `feature_view customer_spend`, etc. */
  object?: string;
}

/**
 * What kind of thing an error is about, when that is more than its code says: Feast's feature server
 * answers an unknown feature view with 404 and an unknown push source with 422, where Larder's own
 * API answers 400 for every bad reference (lib/api/feast-errors.ts maps by it). Never shown to clients.
 */
export type ErrorSubject =
  | "feature_view"
  | "feature_view_version"
  | "feature"
  | "feature_service"
  | "push_source"
  | "project"
  | "entity_columns"
  | "feature_name_collision"
  /** A bearer token that matches no token at all (a guess, not a revoked or expired one). */
  | "unknown_token";

export class LarderError extends Error {
  readonly code: ErrorCode;
  readonly invalidParams?: InvalidParam[];
  readonly details?: Record<string, unknown>;
  readonly subject?: ErrorSubject;
  constructor(
    code: ErrorCode,
    message: string,
    opts: { cause?: unknown; invalidParams?: InvalidParam[]; details?: Record<string, unknown>; subject?: ErrorSubject } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = "LarderError";
    this.code = code;
    this.invalidParams = opts.invalidParams;
    this.details = opts.details;
    this.subject = opts.subject;
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const badRequest = (msg: string, invalidParams?: InvalidParam[], subject?: ErrorSubject) => new LarderError("bad_request", msg, { invalidParams, subject });
export const validationFailed = (msg: string, invalidParams: InvalidParam[]) =>
  new LarderError("validation_failed", msg, { invalidParams });
export const notFound = (msg: string, subject?: ErrorSubject) => new LarderError("not_found", msg, { subject });
export const conflict = (msg: string, details?: Record<string, unknown>) => new LarderError("conflict", msg, { details });
/** The thing existed and was deleted for good (e.g. an expired job result); the message says what to do instead. */
export const gone = (msg: string) => new LarderError("gone", msg);
export const forbidden = (msg = "You do not have permission to do this.") => new LarderError("forbidden", msg);
export const unauthenticated = (msg = "Sign in or send a valid bearer token.", subject?: ErrorSubject) => new LarderError("unauthenticated", msg, { subject });
/** 429: the problem carries `retryAfter` (seconds) and the response a matching `Retry-After` header. */
export const rateLimited = (msg: string, retryAfterSeconds: number) =>
  new LarderError("rate_limited", msg, { details: { retryAfter: retryAfterSeconds } });

/** 503: a store the request needs is unreachable; the problem carries `retryAfter` (seconds) and a `Retry-After` header. */
export const unavailable = (msg: string, retryAfterSeconds = 5, cause?: unknown) =>
  new LarderError("unavailable", msg, { details: { retryAfter: retryAfterSeconds }, cause });

export function isLarderError(e: unknown): e is LarderError {
  return e instanceof LarderError;
}

/** zod issues as invalid_params: the dotted field path (under `prefix`) and what is wrong. */
export function zodIssuesToParams(error: ZodError, prefix = ""): InvalidParam[] {
  return error.issues.map((i) => ({
    name: [prefix, ...i.path.map(String)].filter(Boolean).join(".") || "(root)",
    reason: i.message,
  }));
}
