// Test support for engine tests: registry rows for a view version (contract `definition` JSON),
// Parquet sources from plain rows, and snapshots of the offline and online stores.
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { db } from "../../lib/db/client";
import { withDuckConnection, qid, qlit } from "../../lib/duckdb/instance";
import { parseDuration } from "../../lib/registry/duration";
import { aggregationDtype, aggregationFeatureName, type AggregationDef, type SourceDef } from "../../lib/registry/repo-schema";
import { clockBoundsKey, projectKeyPrefix, unpackValues } from "../../lib/online/keys";
import { registryGenerationKey } from "../../lib/redis/generations";
import { createRedis, type OnlineRedis } from "../../lib/redis/connection";
import { materializeWindow } from "../../lib/materialize/materialize-window";
import { scanPrefix, unlinkPrefix } from "../../lib/redis/prefix";

export interface TestViewInput {
  projectName: string;
  viewName: string;
  version?: number;
  source: SourceDef;
  joinKeys: { name: string; dtype: string }[];
  ttl?: string | null;
  transform?: string | null;
  features: { name: string; dtype: string }[];
  aggregations?: Pick<AggregationDef, "column" | "function" | "windows">[];
}

export async function ensureProject(name: string): Promise<string> {
  const p = await db().project.upsert({ where: { name }, create: { name }, update: {} });
  return p.id;
}

/** Creates (or reuses) the view and one version with the given definition; returns the version id. */
export async function createTestVersion(v: TestViewInput): Promise<{ versionId: string; version: number }> {
  const projectId = await ensureProject(v.projectName);
  const view = await db().featureView.upsert({
    where: { projectId_name: { projectId, name: v.viewName } },
    create: { projectId, name: v.viewName },
    update: {},
  });
  const version = v.version ?? 1;
  const aggs = (v.aggregations ?? []).map((a) => ({ ...a, description: "" }));
  const features = [
    ...v.features.map((f) => ({ name: f.name, dtype: f.dtype, kind: "field" as const })),
    ...aggs.flatMap((a) =>
      a.windows.map((w) => ({
        name: aggregationFeatureName(a, w),
        dtype: aggregationDtype(a),
        kind: "aggregation" as const,
        aggregation: { column: a.column, function: a.function, window: w, windowSeconds: parseDuration(w)! },
      })),
    ),
  ];
  const definition = {
    view: { name: v.viewName, entities: ["e"], source: v.source.name, ttl: v.ttl ?? null, transform: v.transform ?? null, features: v.features, aggregations: aggs },
    source: v.source,
    entities: [{ name: "e", join_keys: v.joinKeys }],
    join_keys: v.joinKeys,
    features,
  };
  const row = await db().featureViewVersion.create({
    data: {
      featureViewId: view.id,
      version,
      definitionHash: createHash("sha256").update(JSON.stringify(definition)).digest("hex"),
      definition,
      sourceName: v.source.name,
      entityNames: ["e"],
      ttlSeconds: v.ttl ? parseDuration(v.ttl) : null,
      transform: v.transform ?? null,
      materialization: { online: true, offline: true },
      features: { create: features.map((f, i) => ({ name: f.name, dtype: f.dtype, kind: f.kind, aggregation: "aggregation" in f ? f.aggregation : undefined, position: i })) },
    },
  });
  await db().featureView.update({ where: { id: view.id }, data: { latestVersion: Math.max(version, view.latestVersion) } });
  return { versionId: row.id, version };
}

function sqlValue(v: unknown, type: string): string {
  if (v === null || v === undefined) return `NULL::${type}`;
  // A BigInt time is epoch µs (exact); a number is epoch ms.
  if (type === "TIMESTAMP") return `make_timestamp(${typeof v === "bigint" ? v : Math.trunc(Number(v) * 1000)}::BIGINT)`;
  if (typeof v === "string") return `${qlit(v)}::${type}`;
  return `${String(v)}::${type}`;
}

/** Writes rows (column → value; timestamps as epoch ms, or epoch µs as BigInt) to a Parquet file with DuckDB. */
export async function writeParquet(file: string, columns: { name: string; type: string }[], rows: Record<string, unknown>[]): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await withDuckConnection(async (c) => {
    const table = `t_${randomUUID().replace(/-/g, "")}`;
    await c.run(`CREATE TEMP TABLE ${table} (${columns.map((col) => `${qid(col.name)} ${col.type}`).join(", ")})`);
    for (let i = 0; i < rows.length; i += 500) {
      const values = rows
        .slice(i, i + 500)
        .map((r) => `(${columns.map((col) => sqlValue(r[col.name], col.type)).join(", ")})`)
        .join(",\n");
      await c.run(`INSERT INTO ${table} VALUES ${values}`);
    }
    await c.run(`COPY ${table} TO ${qlit(file)} (FORMAT parquet)`);
    await c.run(`DROP TABLE ${table}`);
  });
}

/** Every file under a folder with its sha256 (offline store snapshot; empty folders do not count). */
export async function snapshotDir(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  let names: string[] = [];
  try {
    names = (await fs.readdir(dir, { recursive: true })) as string[];
  } catch {
    return out;
  }
  for (const n of names.sort()) {
    const p = path.join(dir, n);
    const st = await fs.stat(p);
    if (st.isFile()) out[n] = createHash("sha256").update(await fs.readFile(p)).digest("hex");
  }
  return out;
}

/** Every online hash of a project (SCAN on the project's prefix only; every master of a cluster). */
export async function snapshotOnline(redis: OnlineRedis, project: string): Promise<Record<string, Record<string, string>>> {
  const out: Record<string, Record<string, string>> = {};
  await scanPrefix(redis, projectKeyPrefix(project), async (keys, node) => {
    for (const k of keys) out[k] = await node.hgetall(k);
  });
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * Decodes one online hash of a view version (keys.ts layout) into its clocks and feature values.
 * `rowNames` / `aggNames`: the version's row-level and aggregate feature names in position order.
 */
export function decodeOnline(
  h: Record<string, string> | undefined,
  view: string,
  version: number,
  rowNames: string[],
  aggNames: string[],
): { ts: number | null; asof: number | null; tsUs: bigint | null; asofUs: bigint | null; values: Record<string, unknown> } {
  const values: Record<string, unknown> = {};
  const get = (f: string) => h?.[`${view}@v${version}:${f}`];
  const row = unpackValues(get("__row"));
  const agg = unpackValues(get("__agg"));
  rowNames.forEach((n, i) => row && (values[n] = row[i]));
  aggNames.forEach((n, i) => agg && (values[n] = agg[i]));
  // Clocks are stored in epoch µs (keys.ts); `ts` / `asof` give them in ms for ms-based tests.
  const us = (v: string | undefined) => (v === undefined ? null : BigInt(v));
  const ms = (v: string | undefined) => (v === undefined ? null : Number(v) / 1000);
  return { ts: ms(get("__ts")), asof: ms(get("__asof")), tsUs: us(get("__ts")), asofUs: us(get("__asof")), values };
}

// Tests and benchmarks clean up with it (SCAN on that prefix only).
export { unlinkPrefix };

/** Deletes a project's online hashes (every master of a cluster) and its clock bounds. */
export async function deleteOnline(redis: OnlineRedis, project: string): Promise<void> {
  await unlinkPrefix(redis, projectKeyPrefix(project));
  // Last: while entity hashes remain, their clock bounds must too (write-script.ts).
  await redis.unlink(clockBoundsKey(project));
}

/** Everything a (test or bench) project left in Redis: its online data and its registry generation counter. */
export async function forgetProjectInRedis(redis: OnlineRedis, project: string): Promise<void> {
  await deleteOnline(redis, project);
  await redis.unlink(registryGenerationKey(project));
}

/** Reads a Parquet glob back as JSON rows ordered by all columns. */
export async function readParquetRows(glob: string): Promise<Record<string, unknown>[]> {
  return withDuckConnection(async (c) => {
    const r = await c.runAndReadAll(`SELECT * FROM read_parquet(${qlit(glob)}, hive_partitioning=false) ORDER BY ALL`);
    return r.getRowObjectsJson() as Record<string, unknown>[];
  });
}

/**
 * Materializes version 1 of a view over [start, end) offline and online, and records it as the job
 * layer does: a succeeded job with the partitions it wrote, and the materialized interval.
 */
export async function materializeRecorded(i: { projectId: string; project: string; view: string; start: Date; end: Date; jobId: string }): Promise<void> {
  const v = await db().featureViewVersion.findFirstOrThrow({ where: { featureView: { projectId: i.projectId, name: i.view } } });
  const redis = createRedis("online");
  try {
    const { start, end } = i;
    const res = await materializeWindow({ projectName: i.project, viewName: i.view, version: 1, versionId: v.id, start, end, writeOffline: true, writeOnline: true, jobId: i.jobId }, {}, { redis });
    const job = await db().job.create({ data: { kind: "materialize", projectId: i.projectId, featureViewId: v.featureViewId, version: 1, windowStart: start, windowEnd: end, status: "succeeded", triggeredBy: "test", result: { partitions: res.partitions } } });
    await db().materializedInterval.create({ data: { versionId: v.id, start, end, online: true, offline: true, jobId: job.id } });
  } finally {
    redis.disconnect();
  }
}
