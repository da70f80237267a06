// Historical (point-in-time) features (DESIGN §2, §5): the entity table with feature columns joined
// exactly as of each row's time, computed by DuckDB over the offline Parquet store
// (historical-sql.ts). Views not materialized offline over the time range the rows need are a 409
// naming the views and the missing intervals, never silently null. Large tables run as a job
// (Job kind `historical`, BullMQ queue `historical`, run by a worker: run-historical-job.ts) whose
// result is a Parquet file in the offline store. The request is validated and the entity table
// loaded and typed here, so every 4xx/409 is answered synchronously; the worker gets the typed
// table as a Parquet file beside the result.
import "server-only";
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { canReadRestrictedView } from "../auth/authorize";
import type { Principal } from "../auth/principal";
import { env } from "../config/env";
import { db } from "../db/client";
import { duckdb, qid, qlit } from "../duckdb/instance";
import { LarderError, badRequest, conflict, forbidden, gone, unavailable } from "../errors";
import { gapsWithin } from "../shared/intervals";
import { enqueueHistorical } from "../queues/contracts";
import { getFreshCatalog, resolveFromCatalog, type ResolvedFeature } from "../registry/catalog-cache";
import { buildHistoricalQuery, partitionFiles, slotLookbackMs, type ViewSlot } from "./historical-sql";
import { historicalEntitiesPath, historicalResultPath } from "../shared/offline-layout";
export { historicalEntitiesPath, historicalResultPath } from "../shared/offline-layout";
import { loadEntityTable, type EntitySource, type LoadedEntityTable } from "./load-entity-table";

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

export interface Plan {
  slots: ViewSlot[];
  outputs: { slot: number; output: string; kind: "row" | "agg" }[];
  joinKeys: Map<string, string>;
}

export function planSlots(resolved: ResolvedFeature[], fullNames: boolean): Plan {
  const slots: ViewSlot[] = [];
  const bySlot = new Map<string, number>();
  const joinKeys = new Map<string, string>();
  const outputs: Plan["outputs"] = [];
  const names = new Map<string, string>();
  for (const f of resolved) {
    let i = bySlot.get(f.versionId);
    if (i === undefined) {
      i = slots.length;
      const src = (f.viewVersion.definition.source ?? {}) as { created_timestamp_field?: string };
      slots.push({ vv: f.viewVersion, rowFeatures: [], aggFeatures: [], files: [], hasCreated: Boolean(src.created_timestamp_field) });
      bySlot.set(f.versionId, i);
      for (const k of f.viewVersion.joinKeys) {
        const prev = joinKeys.get(k.name);
        if (prev && prev !== k.dtype) throw badRequest(`Join key "${k.name}" has dtype ${prev} in one requested view and ${k.dtype} in ${f.view}.`);
        joinKeys.set(k.name, k.dtype);
      }
    }
    const output = fullNames ? `${f.view}${f.pinned ? `@v${f.version}` : ""}__${f.feature}` : f.feature;
    const id = `${f.versionId}:${f.feature}`;
    const prev = names.get(output);
    if (prev === id) continue;
    if (prev !== undefined) {
      throw badRequest(`Feature name "${output}" is requested from two views; set full_feature_names to tell them apart.`);
    }
    names.set(output, id);
    const entry = { feature: f, output };
    if (f.kind === "aggregation") slots[i].aggFeatures.push(entry);
    else slots[i].rowFeatures.push(entry);
    outputs.push({ slot: i, output, kind: f.kind === "aggregation" ? "agg" : "row" });
  }
  return { slots, outputs, joinKeys };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** 409 unless every slot's version is materialized offline over [min t − lookback, max t]. */
export async function checkMaterialized(slots: ViewSlot[], minT: number, maxT: number): Promise<void> {
  const intervals = await db().materializedInterval.findMany({
    where: { versionId: { in: slots.map((s) => s.vv.id) }, offline: true },
    select: { versionId: true, start: true, end: true },
  });
  const missing: { view: string; version: number; intervals: { start: string; end: string }[] }[] = [];
  for (const slot of slots) {
    const lb = slotLookbackMs(slot);
    // Unbounded lookback (row-level features without ttl): the rows' own time span must be covered.
    const lo = lb === null ? minT : minT - lb;
    // Intervals are [start, end); online values and historical rows at exactly `end` are included
    // by the engine (it recomputes whole date partitions), so coverage is checked closed at the end.
    const covered = intervals.filter((r) => r.versionId === slot.vv.id).map((r) => ({ start: r.start.getTime(), end: r.end.getTime() + 1 }));
    const gaps = gapsWithin(covered, lo, maxT + 1);
    if (gaps.length) {
      missing.push({
        view: slot.vv.view,
        version: slot.vv.version,
        intervals: gaps.map((g) => ({ start: iso(g.start), end: iso(Math.min(g.end, maxT)) })),
      });
    }
  }
  if (missing.length) {
    const text = missing
      .map((m) => `${m.view}@v${m.version}: ${m.intervals.map((g) => `${g.start} → ${g.end}`).join(", ")}`)
      .join("; ");
    throw conflict(
      `These feature views are not materialized offline for the times the entity rows need: ${text}. Backfill those intervals (POST …/backfill or \`larder backfill\`), then retry.`,
      { missing },
    );
  }
}

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

export async function computeInto(
  c: DuckDBConnection,
  project: string,
  p: { plan: Plan; table: LoadedEntityTable; timestampColumn: string },
  format: HistoricalFormat,
  target: string,
): Promise<void> {
  const { plan, table } = p;
  for (const slot of plan.slots) {
    const lb = slotLookbackMs(slot);
    slot.files = await partitionFiles(project, slot.vv, lb === null ? null : table.minT! - lb, table.maxT!);
  }
  const tag = `h${randomUUID().replace(/-/g, "").slice(0, 12)}`;
  const q = buildHistoricalQuery({
    entityTable: table.table,
    entityColumns: table.columns,
    timestampColumn: p.timestampColumn,
    slots: plan.slots,
    outputs: plan.outputs,
    tag,
  });
  try {
    for (const s of q.prepare) await c.run(s);
    let select = q.select;
    if (format !== "parquet") {
      // Text formats get ISO 8601 UTC times.
      const types = (await c.runAndReadAll(`DESCRIBE ${select}`)).getRowObjects();
      const cols = types.map((t) =>
        String(t.column_type) === "TIMESTAMP" ? `strftime(${qid(String(t.column_name))}, '%Y-%m-%dT%H:%M:%S.%gZ') AS ${qid(String(t.column_name))}` : qid(String(t.column_name)),
      );
      select = `SELECT ${cols.join(", ")} FROM (${select})`;
    }
    const opts = format === "parquet" ? "FORMAT parquet" : format === "csv" ? "FORMAT csv, HEADER true" : "FORMAT json, ARRAY true";
    await c.run(`COPY (${select}) TO ${qlit(target)} (${opts})`);
  } finally {
    for (const s of q.cleanup) await c.run(s).catch(() => undefined);
  }
}

/** What a historical Job row's `result` says about its file (run-historical-job.ts writes it; expire-historical-results.ts marks its expiry). */
export interface HistoricalResultJson {
  path?: string;
  rows?: number;
  /** When the retention cleanup deleted the file. */
  expiredAt?: string;
  /** The HISTORICAL_RESULT_TTL_HOURS in force when it did. */
  ttlHours?: number;
}

/** Jobs that finished before this time have outlived their result's retention (HISTORICAL_RESULT_TTL_HOURS). */
export function historicalResultCutoff(now: Date, ttlHours: number): Date {
  return new Date(now.getTime() - ttlHours * 3_600_000);
}

export function historicalResultOf(result: unknown): HistoricalResultJson {
  return result && typeof result === "object" && !Array.isArray(result) ? (result as HistoricalResultJson) : {};
}

/** What a queued historical job needs besides its entity table (Job.params). */
export interface HistoricalJobParams {
  features: string[] | null;
  feature_service: string | null;
  full_feature_names: boolean;
  rows: number;
  timestampColumn: string;
  columns: string[];
  minT: number;
  maxT: number;
  /** Feature view version ids the request resolved to; the worker refuses to compute others. */
  versionIds: string[];
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
    await db().job.update({ where: { id: job.id }, data: { status: "failed", finishedAt: new Date(), error: message, errorStep: "enqueue" } }).catch(() => undefined);
    await fs.rm(entities, { force: true }).catch(() => undefined);
    await fs.rm(`${entities}.tmp`, { force: true }).catch(() => undefined);
    throw unavailable(`${message}. Retry the request in a moment.`, 5, e);
  }
  return { kind: "job", jobId: job.id, rows: p.table.rows, resultPath: historicalResultPath(p.catalog.project, job.id) };
}

