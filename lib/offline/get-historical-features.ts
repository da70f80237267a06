// Historical (point-in-time) features (docs/retrieval.md): the entity table with feature columns joined
// exactly as of each row's time, computed by DuckDB over the offline Parquet store
// (historical-sql.ts). Views not materialized offline over the time range the rows need are a 409
// naming the views and the missing intervals, never silently null. Large tables run as a job
// (Job kind `historical`, BullMQ queue `historical`, run by a worker: run-historical-job.ts) whose
// result is a Parquet file in the offline store. The request is validated and the entity table
// loaded and typed here, so every 4xx/409 is answered synchronously; the worker gets the typed
// table as a Parquet file beside the result.
import "server-only";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { canReadRestrictedView } from "../auth/authorize";
import type { Principal } from "../auth/principal";
import { db } from "../db/client";
import { duckdb, qlit } from "../duckdb/instance";
import { badRequest, forbidden, unavailable } from "../errors";
import { enqueueHistorical } from "../queues/contracts";
import { getFreshCatalog, resolveFromCatalog } from "../registry/catalog-cache";
import { historicalEntitiesPath, historicalResultPath } from "../shared/offline-layout";
import { loadEntityTable, type EntitySource } from "./load-entity-table";
import { computeInto } from "./historical-compute";
import { checkMaterialized } from "./historical-coverage";
import { planSlots } from "./historical-plan";
import { type HistoricalJobParams } from "./historical-results";
import { jobLog, logFailure } from "../config/log";

export type HistoricalFormat = "json" | "csv" | "parquet";

export const CONTENT_TYPES: Record<HistoricalFormat, string> = {
  json: "application/json",
  csv: "text/csv; charset=utf-8",
  parquet: "application/vnd.apache.parquet",
};

/** Entity tables larger than this run as a job whose result is a Parquet file. */
export const HISTORICAL_JOB_ROWS = 100_000;

export interface HistoricalInput {
  project: string;
  principal: Principal;
  features?: string[];
  feature_service?: string;
  full_feature_names?: boolean;
  entities: EntitySource;
  timestampColumn?: string;
  format: HistoricalFormat;
  /** Force a job even for a small table. */
  asJob?: boolean;
  /** Never run as a job (benchmarks, CLI-local use): compute inline whatever the size. */
  inline?: boolean;
  triggeredBy: string;
}

export type HistoricalOutcome =
  | { kind: "json"; body: string; rows: number }
  | { kind: "file"; path: string; contentType: string; rows: number; cleanup: () => Promise<void> }
  | { kind: "job"; jobId: string; rows: number; resultPath: string };

async function prepare(c: DuckDBConnection, input: HistoricalInput) {
  const catalog = await getFreshCatalog(input.project);
  const resolved = resolveFromCatalog(catalog, { features: input.features, feature_service: input.feature_service });
  const plan = planSlots(resolved, input.full_feature_names === true);
  for (const s of plan.slots) {
    if (s.vv.restricted && !canReadRestrictedView(input.principal, { id: catalog.projectId, name: catalog.project }, s.vv.view)) {
      throw forbidden(`Feature view "${s.vv.view}" is restricted; ask a project admin to grant you access to its values.`);
    }
  }
  const timestampColumn = input.timestampColumn ?? "event_timestamp";
  const table = await loadEntityTable(c, input.entities, plan.joinKeys, timestampColumn);
  for (const o of plan.outputs) {
    if (table.columns.includes(o.output)) {
      throw badRequest(`Feature column "${o.output}" would overwrite an entity table column of the same name; rename it or set full_feature_names.`);
    }
  }
  return { catalog, plan, table, timestampColumn };
}

export async function getHistoricalFeatures(input: HistoricalInput): Promise<HistoricalOutcome> {
  const conn = await (await duckdb()).connect();
  try {
    const p = await prepare(conn, input);
    await checkMaterialized(p.plan.slots, p.table.minT!, p.table.maxT!);
    if (!input.inline && (input.asJob || p.table.rows > HISTORICAL_JOB_ROWS)) {
      return await queueJob(conn, input, p);
    }
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "larder-hist-"));
    const target = path.join(dir, `result.${input.format}`);
    const cleanup = () => fs.rm(dir, { recursive: true, force: true });
    try {
      await computeInto(conn, p.catalog.project, p, input.format, target);
    } catch (e) {
      await cleanup();
      throw e;
    }
    if (input.format === "json") {
      const rows = await fs.readFile(target, "utf8");
      await cleanup();
      const columns = [...p.table.columns, ...p.plan.outputs.map((o) => o.output)];
      return { kind: "json", body: `{"columns":${JSON.stringify(columns)},"rows":${rows.trim() || "[]"}}`, rows: p.table.rows };
    }
    return { kind: "file", path: target, contentType: CONTENT_TYPES[input.format], rows: p.table.rows, cleanup };
  } finally {
    conn.closeSync();
  }
}

async function queueJob(
  conn: DuckDBConnection,
  input: HistoricalInput,
  p: Awaited<ReturnType<typeof prepare>>,
): Promise<HistoricalOutcome> {
  const params: HistoricalJobParams = {
    features: input.features ?? null,
    feature_service: input.feature_service ?? null,
    full_feature_names: input.full_feature_names ?? false,
    rows: p.table.rows,
    timestampColumn: p.timestampColumn,
    columns: p.table.columns,
    minT: p.table.minT!,
    maxT: p.table.maxT!,
    versionIds: p.plan.slots.map((s) => s.vv.id),
  };
  const job = await db().job.create({
    data: {
      kind: "historical",
      projectId: p.catalog.projectId,
      status: "queued",
      attempts: 0,
      maxAttempts: 1,
      triggeredBy: input.triggeredBy,
      params: params as unknown as object,
    },
  });
  const entities = historicalEntitiesPath(p.catalog.project, job.id);
  try {
    await fs.mkdir(path.dirname(entities), { recursive: true });
    await conn.run(`COPY (SELECT * FROM ${p.table.table} ORDER BY __row) TO ${qlit(`${entities}.tmp`)} (FORMAT parquet)`);
    await fs.rename(`${entities}.tmp`, entities);
    await enqueueHistorical({ jobId: job.id });
    await db().job.update({ where: { id: job.id }, data: { queueJobId: job.id } });
  } catch (e) {
    const message = `could not queue the historical job: ${(e as Error).message.split("\n")[0]}`;
    const jl = jobLog(job.id);
    await db().job.update({ where: { id: job.id }, data: { status: "failed", finishedAt: new Date(), error: message, errorStep: "enqueue" } }).catch(logFailure(jl, "marking the job failed"));
    await fs.rm(entities, { force: true }).catch(logFailure(jl, "removing the entity table"));
    await fs.rm(`${entities}.tmp`, { force: true }).catch(logFailure(jl, "removing the entity table's temp file"));
    throw unavailable(`${message}. Retry the request in a moment.`, 5, e);
  }
  return { kind: "job", jobId: job.id, rows: p.table.rows, resultPath: historicalResultPath(p.catalog.project, job.id) };
}

