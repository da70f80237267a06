// HTTP adapter pieces of the historical endpoint: content negotiation, reading JSON or uploaded
// entity tables (CSV, Parquet, multipart), and turning an outcome into a Response.
import "server-only";
import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { HistoricalFeaturesJsonBody } from "./endpoints/retrieval";
import { parseJsonBody, readBodyLimited } from "./read-body";
import { zodIssuesToParams } from "./problem";
import { env } from "../config/env";
import { LarderError, badRequest } from "../errors";
import type { HistoricalFormat, HistoricalOutcome } from "../offline/get-historical-features";
import type { EntitySource } from "../offline/load-entity-table";

const PARQUET_TYPES = ["application/vnd.apache.parquet", "application/x-parquet", "application/parquet", "application/octet-stream"];

/** Output format from the Accept header (JSON unless CSV or Parquet is asked for). */
export function negotiateFormat(accept: string | null): HistoricalFormat {
  if (!accept || accept.trim() === "") return "json";
  for (const part of accept.split(",")) {
    const type = part.split(";")[0].trim().toLowerCase();
    if (type === "application/json" || type === "*/*" || type === "application/*") return "json";
    if (type === "text/csv" || type === "text/*") return "csv";
    if (PARQUET_TYPES.includes(type)) return "parquet";
  }
  throw new LarderError("not_acceptable", `Cannot answer with ${accept}; set Accept to application/json, text/csv or application/vnd.apache.parquet.`);
}

export interface HistoricalRequestParts {
  features?: string[];
  feature_service?: string;
  full_feature_names?: boolean;
  timestampColumn?: string;
  asJob?: boolean;
  entities: EntitySource;
  /** Temp files to delete once the request is done. */
  tempFiles: string[];
}

type Query = { features?: string; feature_service?: string; full_feature_names?: "true" | "false"; event_timestamp_column?: string; as_job?: "true" | "false" } | undefined;

function optionsFromQuery(q: Query) {
  return {
    features: q?.features ? q.features.split(",").map((s) => s.trim()).filter(Boolean) : undefined,
    feature_service: q?.feature_service || undefined,
    full_feature_names: q?.full_feature_names === "true",
    timestampColumn: q?.event_timestamp_column || undefined,
    asJob: q?.as_job === "true",
  };
}

async function tempFile(bytes: Uint8Array, ext: string): Promise<string> {
  const file = path.join(os.tmpdir(), `larder-upload-${randomUUID()}.${ext}`);
  await fs.writeFile(file, bytes);
  return file;
}

const UPLOAD_LIMIT = 512 * 1024 * 1024;
const UPLOAD_HINT = "Large entity tables: upload Parquet (Content-Type application/vnd.apache.parquet) or CSV (text/csv).";

const MULTIPART_HINT = 'send multipart/form-data with a boundary parameter and a file part named "entities", or upload the table as text/csv or Parquet';

/** A multipart body, or a 400 that says what is wrong with it (no boundary, cut short, malformed). */
async function readMultipart(request: Request): Promise<FormData> {
  if (!/;\s*boundary=("[^"]+"|[^\s;]+)/i.test(request.headers.get("content-type") ?? "")) {
    throw badRequest(`The multipart body has no boundary in its Content-Type; ${MULTIPART_HINT}.`, [{ name: "content-type", reason: "multipart/form-data needs a boundary" }]);
  }
  try {
    return await request.formData();
  } catch (e) {
    // The client went away: not a malformed body (the wrapper answers nobody).
    if (request.signal?.aborted || (e as Error | null)?.message === "aborted") throw e;
    throw badRequest(`The multipart body could not be read (cut short, or parts without the boundary); ${MULTIPART_HINT}.`, [{ name: "body", reason: "malformed multipart/form-data" }]);
  }
}

export async function readHistoricalRequest(request: Request, query: Query): Promise<HistoricalRequestParts> {
  const type = (request.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type === "application/json" || type === "") {
    const raw = parseJsonBody(await readBodyLimited(request, env().MAX_BODY_BYTES, UPLOAD_HINT), "send a JSON object with entity_rows and features");
    const parsed = HistoricalFeaturesJsonBody.safeParse(raw);
    if (!parsed.success) {
      throw new LarderError("bad_request", `The body is invalid: ${parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ")}`, {
        invalidParams: zodIssuesToParams(parsed.error),
      });
    }
    const b = parsed.data;
    return {
      features: b.features,
      feature_service: b.feature_service,
      full_feature_names: b.full_feature_names,
      timestampColumn: b.event_timestamp_column,
      asJob: b.as_job,
      entities: { kind: "rows", rows: b.entity_rows },
      tempFiles: [],
    };
  }
  if (type === "text/csv" || PARQUET_TYPES.includes(type)) {
    const format = type === "text/csv" ? "csv" : "parquet";
    const file = await tempFile(await readBodyLimited(request, UPLOAD_LIMIT, ""), format);
    return { ...optionsFromQuery(query), entities: { kind: "file", path: file, format }, tempFiles: [file] };
  }
  if (type === "multipart/form-data") {
    const form = await readMultipart(request);
    const part = form.get("entities") ?? form.get("file");
    if (!part || typeof part === "string") throw badRequest('Send the entity table as a file part named "entities".');
    const name = part.name.toLowerCase();
    const format = name.endsWith(".csv") || part.type === "text/csv" ? "csv" : "parquet";
    const file = await tempFile(new Uint8Array(await part.arrayBuffer()), format);
    const field = (k: string) => {
      const v = form.get(k);
      return typeof v === "string" ? v : undefined;
    };
    return {
      ...optionsFromQuery({
        features: field("features") ?? query?.features,
        feature_service: field("feature_service") ?? query?.feature_service,
        full_feature_names: (field("full_feature_names") as "true" | undefined) ?? query?.full_feature_names,
        event_timestamp_column: field("event_timestamp_column") ?? query?.event_timestamp_column,
        as_job: (field("as_job") as "true" | undefined) ?? query?.as_job,
      }),
      entities: { kind: "file", path: file, format },
      tempFiles: [file],
    };
  }
  throw new LarderError(
    "unsupported_media_type",
    "Send the entity table as JSON (application/json with entity_rows), CSV (text/csv), Parquet (application/vnd.apache.parquet) or multipart/form-data.",
  );
}

/** Streams a file as the response body and calls `done` once it was read or the client left. */
export function fileResponse(file: string, contentType: string, headers: Record<string, string>, done?: () => Promise<void>): Response {
  const stream = createReadStream(file);
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    void done?.();
  };
  stream.on("close", finish);
  stream.on("error", finish);
  return new Response(Readable.toWeb(stream) as ReadableStream, { status: 200, headers: { "content-type": contentType, ...headers } });
}

export function outcomeResponse(outcome: HistoricalOutcome, project: string, requestId: string): Response {
  const headers = { "x-request-id": requestId, "x-larder-rows": String(outcome.rows) };
  if (outcome.kind === "json") return new Response(outcome.body, { status: 200, headers: { "content-type": "application/json; charset=utf-8", ...headers } });
  if (outcome.kind === "file") return fileResponse(outcome.path, outcome.contentType, headers, outcome.cleanup);
  const resultUrl = `/api/v1/projects/${project}/historical-features/jobs/${outcome.jobId}/result`;
  return new Response(JSON.stringify({ job: { id: outcome.jobId, status: "queued", kind: "historical" }, rows: outcome.rows, result_url: resultUrl }), {
    status: 202,
    headers: { "content-type": "application/json; charset=utf-8", location: resultUrl, ...headers },
  });
}
