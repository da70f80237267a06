// Errors on the feature server's Feast paths, in Feast's shapes (docs/retrieval.md, "Feast
// compatibility"), so Feast's own client maps them to its exception classes:
//   - domain errors: Feast's REST handler answers `JSONResponse(status, content=exc.to_error_detail())`,
//     i.e. a JSON *string* holding `{"module": "feast.errors", "class": …, "message": …}`; the client
//     (rest_error_handler.py) json-loads that string and raises `feast.errors.<class>(message)`.
//     Statuses as Feast's classes declare them: 404 for an unknown feature view / service / version /
//     project, 422 for an unknown push source and for every validation failure, 403 for permission;
//   - HTTP-level refusals (401, 404 unknown path, 405, 413, 415, 429), which FastAPI answers before a
//     handler runs: `{"detail": "…"}`.
// Larder's own /api/v1 keeps problem+json (problem.ts); the message is the same text either way.
import "server-only";
import { randomUUID } from "node:crypto";
import { LarderError, type ErrorSubject } from "../errors";
import { problemFromError } from "./problem";

export interface FeastErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Feast exception classes by what a Larder error is about (feast/errors.py). */
const NOT_FOUND_CLASS: Partial<Record<ErrorSubject, string>> = {
  feature_view: "FeatureViewNotFoundException",
  feature_view_version: "FeatureViewVersionNotFound",
  feature_service: "FeatureServiceNotFoundException",
  feature: "FeastObjectNotFoundException",
  project: "ProjectObjectNotFoundException",
};

/** Codes FastAPI would answer itself, before any Feast handler: `{"detail": …}`. */
const HTTP_LEVEL = new Set(["unauthenticated", "payload_too_large", "unsupported_media_type", "rate_limited", "not_acceptable"]);

/** Python's json.dumps (ensure_ascii, ", " and ": " separators) of a flat string map: Feast's to_error_detail. */
function pythonJsonDumps(m: Record<string, string>): string {
  const s = (v: string) => JSON.stringify(v).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return `{${Object.entries(m)
    .map(([k, v]) => `${s(k)}: ${s(v)}`)
    .join(", ")}}`;
}

/** The body Feast's REST handler writes for a FeastError: the error detail as a JSON string. */
export function feastErrorBody(cls: string, message: string): string {
  return JSON.stringify(pythonJsonDumps({ module: "feast.errors", class: cls, message }));
}

/** An HTTP-level refusal in FastAPI's shape. */
export function fastApiDetail(status: number, detail: string, requestId: string, extra: Record<string, string> = {}): FeastErrorResponse {
  const body = JSON.stringify({ detail });
  return { status, headers: { "content-type": "application/json", "x-request-id": requestId, ...extra }, body };
}

/** Any error of a Feast path as Feast answers it (a 500 never carries internals: problem.ts logs the cause). */
export function feastErrorResponse(err: unknown, requestId: string = randomUUID()): FeastErrorResponse {
  const p = problemFromError(err, requestId);
  const headers: Record<string, string> = { "content-type": "application/json", "x-request-id": requestId };
  if (typeof p.retryAfter === "number") headers["retry-after"] = String(p.retryAfter);
  if (p.status === 401) headers["www-authenticate"] = 'Bearer realm="larder"';
  if (HTTP_LEVEL.has(p.code)) return { status: p.status, headers, body: JSON.stringify({ detail: p.detail }) };
  const subject = err instanceof LarderError ? err.subject : undefined;
  let cls = "FeastError";
  let status = p.status;
  if (subject && NOT_FOUND_CLASS[subject] && (p.code === "bad_request" || p.code === "not_found")) {
    cls = NOT_FOUND_CLASS[subject]!;
    status = 404;
  } else if (subject === "push_source") {
    cls = "PushSourceNotFoundException";
    status = 422;
  } else if (p.code === "forbidden") {
    cls = "FeastPermissionError";
  } else if (p.code === "bad_request" || p.code === "validation_failed" || p.code === "unprocessable") {
    cls = subject === "feature_name_collision" ? "FeatureNameCollisionError" : "FeastError";
    status = 422;
  }
  return { status, headers, body: feastErrorBody(cls, p.detail) };
}
