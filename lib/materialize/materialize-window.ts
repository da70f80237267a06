// Materializes one feature view version for the window [start, end) (issue 3, docs/materialization.md).
// The job infrastructure (queues, Job rows, retries, intervals) calls this; it owns no job state.
//
// Phases:
//   compute (cancellable between steps): bind the source in a fresh sandboxed DuckDB instance,
//     run the transform into table `rows`, write every date partition of the window to a private
//     work folder beside the partitions, compute statistics and the online snapshot as of `end`;
//   commit (not cancellable): upsert statistics, write the online snapshot through the newer-wins
//     script, then move each partition file over the old one (rename(2) replaces atomically).
// A failure or cancellation during compute leaves both stores exactly as they were.
import "server-only";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { db } from "../db/client";
import { qid, qlit } from "../duckdb/instance";
import { pingMasters } from "../redis/cluster";
import { createRedis, isCluster, type OnlineRedis } from "../redis/connection";
import { ENTITY_SEP, FIELD_SEP, onlineWriteTrip } from "../online/write-script";
import { entityKey } from "../online/keys";
import { computePartitionStats, type FeatureStat } from "../quality/compute-stats";
import { storeFeatureStats } from "../quality/store-feature-stats";
import { duckType, dtypeMismatch } from "../shared/dtypes";
import { AGG_ASOF_TABLE, aggregateAsOfTable, aggregateLookbackSeconds } from "./aggregate-stats";
import { evaluateRules, hasRules, mergeCounts, NO_RULES, ruleAggregates, ruleQueries, runRulePass, storeRuleResults, type RuleResult } from "../quality/rules";
import { computeAndStoreDrift } from "../quality/drift";
import { MaterializationCancelled, MaterializationError, causeText, type MaterializeStep } from "./errors";
import { openSandbox, parseSingleSelect, type Sandbox } from "../duckdb/sandbox";
import { bindSource, prepareSource, usLiteral, type SourceRange } from "./read-source";
import { onlineSpanSeconds, onlineSql } from "./online-sql";
import { versionDir as offlineVersionDir } from "../shared/offline-layout";
import { loadViewSpec, type ViewSpec } from "./view-spec";
import { recordWatermark } from "../registry/view-freshness";
import { jobLog, logFailure } from "../config/log";

export interface MaterializeWindowInput {
  projectName: string;
  viewName: string;
  version: number;
  /** FeatureViewVersion.id; the version is loaded from the registry. */
  versionId: string;
  /**
   * Window [start, end). Offline: every UTC date partition overlapping it, recomputed whole, and the
   * end's own partition when the end is a UTC midnight (see writeEndPartition).
   */
  start: Date;
  /** Online values are computed as of this instant (rows with event_timestamp ≤ end). */
  end: Date;
  writeOffline: boolean;
  writeOnline: boolean;
  /**
   * When `end` is a UTC midnight, also write the end's date partition (default true). Online values
   * are computed as of `end` inclusive, so without it rows exactly at the end would be online but
   * not offline, and historical retrieval at `end` would answer without them. Backfill children
   * whose end is the next child's start leave it to that child (one owner per partition).
   */
  writeEndPartition?: boolean;
  jobId: string;
  /**
   * End of the previous online materialization of this version, if the caller knows it. Entities
   * with rows in (previousOnlineEnd − longest window, end] get their aggregates rewritten (count 0 /
   * null once their rows leave the window). Default: looked up in MaterializedInterval; when there
   * is none, every entity with rows before `end` is rewritten (exact, costs one wider key scan).
   */
  previousOnlineEnd?: Date | null;
}

export interface MaterializeCounts {
  rowsRead: number;
  rowsWrittenOffline: number;
  rowsWrittenOnline: number;
}

export interface MaterializeHooks {
  progress?(fraction: number, counts: MaterializeCounts): void | Promise<void>;
  log?(line: string): void | Promise<void>;
  isCancelled?(): Promise<boolean>;
}

export interface MaterializeWindowResult extends MaterializeCounts {
  /** Partitions written, as `date=YYYY-MM-DD` (empty when writeOffline is false). */
  partitions: string[];
  /** Entities sent to the online store (written or skipped by newer-wins). */
  entitiesOnline: number;
  /** Statistics rows upserted. */
  statistics: number;
  /** Data-quality rule results (empty without rules); none failed with on_fail: fail, or the job threw. */
  rules: RuleResult[];
  /** Seconds spent writing to the online store, from the first call sent to the last reply (0 without online writes). */
  onlineWriteSeconds: number;
}

export interface EngineOptions {
  /** Online store connection (default: a new connection for purpose "online", closed afterwards). */
  redis?: OnlineRedis;
  /** Entities per Lua call (default 500) and calls per pipelined round trip (default 20; 100 on a Redis Cluster). */
  entitiesPerCall?: number;
  callsPerRoundTrip?: number;
  /** Round trips sent before waiting for the oldest reply (default 2). */
  tripsInFlight?: number;
  threads?: number;
}

const DAY_MS = 86_400_000;

/** UTC date partitions of [start, end), plus the end's own when it is a midnight and `withEnd`. */
export function partitionDates(start: Date, end: Date, withEnd = true): string[] {
  const out: string[] = [];
  const first = Math.floor(start.getTime() / DAY_MS) * DAY_MS;
  const last = withEnd && end.getTime() % DAY_MS === 0 ? end.getTime() : end.getTime() - 1;
  for (let t = first; t <= last; t += DAY_MS) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}


export async function materializeWindow(
  input: MaterializeWindowInput,
  hooks: MaterializeHooks = {},
  options: EngineOptions = {},
): Promise<MaterializeWindowResult> {
  if (!(input.start.getTime() < input.end.getTime())) {
    throw new MaterializationError(input.viewName, "load_version", `empty window: start ${input.start.toISOString()} is not before end ${input.end.toISOString()}`, { code: "bad_request" });
  }
  const spec = await loadViewSpec(input);
  const view = `${spec.viewName}@v${spec.version}`;
  const log = async (line: string) => hooks.log?.(line);
  const counts: MaterializeCounts = { rowsRead: 0, rowsWrittenOffline: 0, rowsWrittenOnline: 0 };
  const progress = async (f: number) => hooks.progress?.(Math.min(1, Math.max(0, f)), { ...counts });
  const checkCancel = async () => {
    if (await hooks.isCancelled?.()) {
      await log("cancelled before commit; nothing written");
      throw new MaterializationCancelled(spec.viewName);
    }
  };
  const fail = (step: MaterializeStep, m: string, cause?: unknown, code?: "unavailable") =>
    new MaterializationError(spec.viewName, step, m, { cause, code });

  const dates = input.writeOffline ? partitionDates(input.start, input.end, input.writeEndPartition !== false) : [];
  let versionDir: string | null = null;
  let createdVersionDir: string | undefined;
  let workDir: string;
  let committed = false;
  try {
    if (input.writeOffline) {
      versionDir = offlineVersionDir(spec.projectName, spec.viewName, spec.version);
      createdVersionDir = await fs.mkdir(versionDir, { recursive: true });
      // Beside the partitions (same file system, so the final rename is atomic); the dot name and the
      // .tmp extension keep readers' `date=*/*.parquet` globs away from it.
      const tmpPrefix = `.tmp-${input.jobId.replace(/[^\w-]/g, "_")}-`;
      // A previous attempt of this job that died mid-write (kill -9, then BullMQ's stalled check
      // handed the job here) left its work folder behind; only one worker holds a job at a time.
      for (const name of await fs.readdir(versionDir)) {
        // mkdtemp appends exactly six characters: another job whose id merely starts alike is not matched.
        if (name.startsWith(tmpPrefix) && name.length === tmpPrefix.length + 6) await fs.rm(path.join(versionDir, name), { recursive: true, force: true });
      }
      workDir = await fs.mkdtemp(path.join(versionDir, tmpPrefix));
    } else {
      workDir = await fs.mkdtemp(path.join(os.tmpdir(), "larder-mat-"));
    }
  } catch (e) {
    throw fail("write_offline", `cannot prepare the offline store folder: ${causeText(e)}`, e);
  }

  let sandbox: Sandbox | undefined;
  const ownsRedis = !options.redis && input.writeOnline;
  let redis: OnlineRedis | null = options.redis ?? null;
  try {
    await log(`materializing ${view} window [${input.start.toISOString()}, ${input.end.toISOString()}) offline=${input.writeOffline} online=${input.writeOnline}`);
    // ---- read_source: only the rows the job needs.
    const endUs = input.end.getTime() * 1000;
    const ranges: SourceRange[] = [];
    if (input.writeOffline) {
      // Statistics of aggregation features need each day's longest window before it.
      const lookbackUs = aggregateLookbackSeconds(spec) * 1e6;
      ranges.push({ loUs: Date.parse(`${dates[0]}T00:00:00Z`) * 1000 - lookbackUs, hiUs: (Date.parse(`${dates[dates.length - 1]}T00:00:00Z`) + DAY_MS) * 1000 - 1 });
    }
    let previousEnd: Date | null = null;
    if (input.writeOnline) {
      const span = onlineSpanSeconds(spec);
      let lo: number | null = span === null ? null : endUs - span * 1e6;
      if (lo !== null && spec.aggregations.length) {
        previousEnd = input.previousOnlineEnd !== undefined ? input.previousOnlineEnd : await previousOnlineEnd(spec, input.end);
        const maxWindowUs = Math.max(...spec.aggregations.map((a) => a.windowSeconds)) * 1e6;
        lo = previousEnd === null ? null : Math.min(lo, previousEnd.getTime() * 1000 - maxWindowUs);
      }
      ranges.push({ loUs: lo, hiUs: endUs });
    }
    const range: SourceRange = {
      loUs: ranges.some((r) => r.loUs === null) ? null : Math.min(...ranges.map((r) => r.loUs!)),
      hiUs: Math.max(...ranges.map((r) => r.hiUs)),
    };
    // The source is located (and its path confined) outside DuckDB; the sandbox then reads exactly
    // what that found, and the view's SQL runs only there.
    const prepared = await prepareSource(spec, range, workDir);
    sandbox = await openSandbox({ threads: options.threads, readDirectories: prepared.readDirectories, readPaths: prepared.readPaths, workDirectory: workDir });
    const conn = sandbox.conn;
    await bindSource(conn, spec, range, prepared);
    try {
      counts.rowsRead = Number((await conn.runAndReadAll("SELECT count(*) AS n FROM source")).getRowObjects()[0].n);
    } catch (e) {
      throw fail("read_source", `source ${spec.source.name}: ${causeText(e)}`, e);
    }
    await log(`read ${counts.rowsRead} source rows`);
    await progress(0.15);
    await checkCancel();

    // ---- transform: the view's SQL (sandboxed) → typed, named rows.
    await buildRows(conn, spec, range);
    await log("transformed rows ready");
    // The newest event time this job materializes (freshness: see registry/view-freshness.ts).
    const newestMs = (await conn.runAndReadAll(`SELECT epoch_ms(max(event_timestamp)) AS t FROM rows WHERE event_timestamp <= ${usLiteral(endUs)}`)).getRowObjects()[0].t;
    await progress(0.35);
    await checkCancel();

    // ---- write_offline (to the work folder) + stats.
    const partitionFiles = new Map<string, string>();
    let stats: FeatureStat[] = [];
    const checkRules = hasRules(spec.monitoring);
    const rulePass = new Map<string, Record<string, number>>();
    let ruleResults: RuleResult[] = [];
    if (input.writeOffline) {
      counts.rowsWrittenOffline = await writePartitions(conn, spec, dates, workDir, partitionFiles);
      await log(`wrote ${dates.length} partition(s), ${counts.rowsWrittenOffline} rows, to the work folder`);
      await progress(0.5);
      await checkCancel();
      try {
        // Min/max from the footers of the files just written; samples picked by row identity.
        // Data-quality rules need a few counts beyond the statistics: the additive ones are computed
        // in the statistics pass over the same rows, repeated values (unique) by one more query.
        const rowRules = checkRules ? ruleAggregates(spec.rowFeatures, spec.monitoring, { joinKeys: spec.joinKeys.map((k) => k.name) }) : NO_RULES;
        const inPass = spec.rowFeatures.length > 0;
        stats = await computePartitionStats(conn, "rows", spec.rowFeatures, dates, {
          files: partitionFiles,
          sampleKey: [...spec.joinKeys.map((k) => k.name), "event_timestamp", "created_timestamp"],
          ...(inPass ? { counts: rowRules.additive, countsOut: rulePass } : {}),
        });
        mergeCounts(rulePass, await runRulePass(conn, ruleQueries("rows", rowRules, dates, !inPass)));
        // Aggregation features: their values per entity as of each day's end (aggregate-stats.ts).
        const aggFeatures = await aggregateAsOfTable(conn, spec, dates);
        if (aggFeatures.length) {
          const aggRules = checkRules ? ruleAggregates(aggFeatures, spec.monitoring) : NO_RULES;
          const aggCounts = new Map<string, Record<string, number>>();
          stats.push(...(await computePartitionStats(conn, AGG_ASOF_TABLE, aggFeatures, dates, { sampleKey: [...spec.joinKeys.map((k) => k.name), "event_timestamp"], counts: aggRules.additive, countsOut: aggCounts })));
          mergeCounts(rulePass, aggCounts);
          mergeCounts(rulePass, await runRulePass(conn, ruleQueries(AGG_ASOF_TABLE, aggRules, dates)));
          await conn.run(`DROP TABLE IF EXISTS ${AGG_ASOF_TABLE}`);
        }
      } catch (e) {
        throw fail("stats", causeText(e), e);
      }
      await log(`computed statistics of ${spec.rowFeatures.length + spec.aggregations.length} feature(s) × ${dates.length} partition(s)`);
      if (checkRules) {
        ruleResults = evaluateRules(spec.monitoring, dates, stats, rulePass);
        const failed = ruleResults.filter((r) => r.status === "fail");
        const warned = ruleResults.filter((r) => r.status === "warn");
        await log(`data-quality rules: ${ruleResults.length - failed.length - warned.length} passed, ${warned.length} warned, ${failed.length} failed`);
        if (failed.length) {
          // Nothing is written: the results are kept for the job page, the stores stay as they were.
          await storeRuleResults(spec.versionId, input.jobId, ruleResults).catch(() => undefined);
          throw fail("quality", `${failed.length} data-quality rule(s) with on_fail: fail violated: ${failed.slice(0, 3).map((r) => `${r.partition} ${failedRuleText(r)}`).join("; ")}${failed.length > 3 ? "; …" : ""}`);
        }
      }
      await progress(0.55);
    }

    // ---- online snapshot as of end (computed, not yet written).
    let onlineEntities = 0;
    /** Whether DuckDB built the full Redis keys (else the key parts travel as JSON: onlineCallsSql). */
    let keyInSql = true;
    if (input.writeOnline) {
      const plan = onlineSql(spec, endUs, { agg: (a) => duckType(a.dtype) });
      keyInSql = plan.keyInSql;
      try {
        await conn.run(plan.sql);
        onlineEntities = Number((await conn.runAndReadAll("SELECT count(*) AS n FROM online_out")).getRowObjects()[0].n);
        // The script calls' arguments are built here too, so the commit phase only streams them.
        await conn.run(onlineCallsSql(spec, plan.keyInSql, options.entitiesPerCall ?? 500));
      } catch (e) {
        throw fail("transform", `computing online values: ${causeText(e)}`, e);
      }
      await log(`computed online values of ${onlineEntities} entities as of ${input.end.toISOString()}`);
      redis ??= createRedis("online", { maxRetriesPerRequest: 1 });
      try {
        // On a cluster every master must answer: each holds a share of the entities.
        await (isCluster(redis) ? pingMasters(redis) : redis.ping());
      } catch (e) {
        throw fail("write_online", `the online store (Redis) is unavailable: ${causeText(e)}`, e, "unavailable");
      }
    }
    await progress(0.6);
    await checkCancel();

    // ---- commit.
    if (stats.length) {
      try {
        await storeFeatureStats(spec.versionId, stats, input.jobId);
        if (checkRules) await storeRuleResults(spec.versionId, input.jobId, ruleResults);
        // Drift reuses the distributions just computed (no scan): PSI against the reference.
        const drift = await computeAndStoreDrift({ versionId: spec.versionId, featureViewId: spec.featureViewId, jobId: input.jobId }, spec.monitoring, stats);
        if (drift.length) await log(`drift: ${drift.filter((d) => d.drifting).length} of ${drift.length} feature partition(s) above PSI ${spec.monitoring.drift?.threshold}`);
      } catch (e) {
        throw fail("stats", `storing statistics: ${causeText(e)}`, e, "unavailable");
      }
    }
    let onlineWriteSeconds = 0;
    if (input.writeOnline && redis) {
      const writeStart = performance.now();
      counts.rowsWrittenOnline = await writeOnline(conn, spec, input.end, keyInSql, redis, options, async (done) => {
        await progress(0.6 + 0.35 * (onlineEntities ? done / onlineEntities : 1));
      });
      onlineWriteSeconds = (performance.now() - writeStart) / 1000;
      await log(`online: ${counts.rowsWrittenOnline} of ${onlineEntities} entities written in ${onlineWriteSeconds.toFixed(1)} s (others already held newer values)`);
    }
    if (input.writeOffline && versionDir) {
      try {
        for (const d of dates) {
          const target = path.join(versionDir, `date=${d}`);
          await fs.mkdir(target, { recursive: true });
          await fs.rename(partitionFiles.get(d)!, path.join(target, "data.parquet"));
        }
      } catch (e) {
        throw fail("write_offline", `replacing partitions: ${causeText(e)}`, e);
      }
    }
    committed = true;
    if (newestMs !== null && newestMs !== undefined) {
      // After the commit: a registry hiccup here must not fail a job whose data is written.
      await recordWatermark(spec.versionId, new Date(Number(newestMs))).catch((e) => log(`could not record the newest event time: ${causeText(e)}`));
    }
    await progress(1);
    return {
      ...counts,
      partitions: dates.map((d) => `date=${d}`),
      entitiesOnline: onlineEntities,
      statistics: stats.length,
      rules: ruleResults,
      onlineWriteSeconds,
    };
  } catch (e) {
    if (e instanceof MaterializationError || e instanceof MaterializationCancelled) throw e;
    throw fail("transform", causeText(e), e);
  } finally {
    sandbox?.close();
    await fs.rm(workDir, { recursive: true, force: true }).catch(logFailure(jobLog(input.jobId), "removing the work folder"));
    // A failed first run leaves no empty folders behind (rmdir refuses non-empty ones).
    if (!committed && createdVersionDir) {
      for (let d = versionDir!; d.length >= createdVersionDir.length; d = path.dirname(d)) {
        if (!(await fs.rmdir(d).then(() => true, () => false))) break;
      }
    }
    if (ownsRedis && redis) redis.disconnect();
  }
}

async function previousOnlineEnd(spec: ViewSpec, end: Date): Promise<Date | null> {
  try {
    const row = await db().materializedInterval.findFirst({
      where: { versionId: spec.versionId, online: true, end: { lte: end } },
      orderBy: { end: "desc" },
      select: { end: true },
    });
    return row?.end ?? null;
  } catch (e) {
    throw new MaterializationError(spec.viewName, "load_version", `the registry (Postgres) is unavailable: ${causeText(e)}`, { cause: e, code: "unavailable" });
  }
}

/**
 * A failed rule in the job's error, which every reader of jobs sees: counts stay, but a min or max
 * rule's observed figure is a feature value, so it is left to the quality results (hidden for
 * restricted views, lib/monitoring/monitoring-reads.ts).
 */
function failedRuleText(r: RuleResult): string {
  if (r.rule === "min" || r.rule === "max") return `${r.feature}: ${r.rule} rule failed; expected ${r.expected}`;
  return r.message;
}

/** Runs the transform (a single SELECT over `source`) into table `rows` with the offline columns. */
async function buildRows(conn: DuckDBConnection, spec: ViewSpec, range: SourceRange): Promise<void> {
  const fail = (m: string, cause?: unknown) => new MaterializationError(spec.viewName, "transform", m, { cause });
  let body = "SELECT * FROM source";
  if (spec.transform) {
    const checked = await parseSingleSelect(conn, spec.transform);
    if (!checked.ok) throw fail(checked.reason);
    body = checked.sql;
  }
  const sub = `(\n${body}\n) AS t`;
  let columns: { name: string; type: string }[];
  try {
    columns = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${sub}`)).getRowObjects().map((o) => ({ name: String(o.column_name), type: String(o.column_type) }));
  } catch (e) {
    throw fail(`the transform failed: ${causeText(e)}`, e);
  }
  const type = new Map(columns.map((c) => [c.name, c.type]));
  const need = (name: string, what: string) => {
    if (!type.has(name)) throw fail(`${spec.transform ? "the transform's output" : `source ${spec.source.name}`} has no column ${name} (${what}); columns: ${columns.map((c) => c.name).join(", ")}`);
    return type.get(name)!;
  };
  const problems: string[] = [];
  const select: string[] = [];
  for (const k of spec.joinKeys) {
    const m = dtypeMismatch(k.name, k.dtype, need(k.name, "join key"));
    if (m) problems.push(m);
    select.push(`CAST(${qid(k.name)} AS ${duckType(k.dtype)}) AS ${qid(k.name)}`);
  }
  const tsField = spec.source.timestamp_field;
  const tsM = dtypeMismatch(tsField, "timestamp", need(tsField, "timestamp field"));
  if (tsM && !/^VARCHAR$/i.test(type.get(tsField)!)) problems.push(tsM);
  select.push(`CAST(${qid(tsField)} AS TIMESTAMP) AS event_timestamp`);
  const crField = spec.source.created_timestamp_field;
  if (crField) {
    const m = dtypeMismatch(crField, "timestamp", need(crField, "created timestamp field"));
    if (m && !/^VARCHAR$/i.test(type.get(crField)!)) problems.push(m);
    select.push(`CAST(${qid(crField)} AS TIMESTAMP) AS created_timestamp`);
  } else {
    select.push(`NULL::TIMESTAMP AS created_timestamp`);
  }
  for (const f of spec.rowFeatures) {
    const m = dtypeMismatch(f.name, f.dtype, need(f.name, "feature"));
    if (m) problems.push(m);
    select.push(`CAST(${qid(f.name)} AS ${duckType(f.dtype)}) AS ${qid(f.name)}`);
  }
  for (const a of spec.aggregations) {
    const t = need(a.column, `input of ${a.name}`);
    if (["sum", "avg", "stddev"].includes(a.function) && dtypeMismatch(a.column, "float64", t) !== null) {
      problems.push(`column ${a.column} is ${t}; ${a.function} needs numbers (${a.name})`);
    }
  }
  for (const c of spec.extraColumns) select.push(qid(c));
  if (problems.length) throw fail(`dtype mismatch: ${problems.join("; ")}`);
  const filter = [`event_timestamp <= ${usLiteral(range.hiUs)}`, ...(range.loUs === null ? [] : [`event_timestamp >= ${usLiteral(range.loUs)}`])];
  try {
    await conn.run(`CREATE TABLE rows AS SELECT * FROM (SELECT ${select.join(", ")} FROM ${sub}) WHERE ${filter.join(" AND ")}`);
  } catch (e) {
    throw fail(`the transform failed at run time: ${causeText(e)}`, e);
  }
}

/** Offline columns in contract order. */
function offlineColumns(spec: ViewSpec): string[] {
  const cols = [...spec.joinKeys.map((k) => k.name), "event_timestamp", "created_timestamp", ...spec.rowFeatures.map((f) => f.name), ...spec.extraColumns];
  return [...new Set(cols)];
}

/** Writes one file per date into the work folder; returns the rows written. */
async function writePartitions(
  conn: DuckDBConnection,
  spec: ViewSpec,
  dates: string[],
  workDir: string,
  files: Map<string, string>,
): Promise<number> {
  const cols = offlineColumns(spec).map(qid).join(", ");
  const lo = Date.parse(`${dates[0]}T00:00:00Z`) * 1000;
  const hi = (Date.parse(`${dates[dates.length - 1]}T00:00:00Z`) + DAY_MS) * 1000;
  const outDir = path.join(workDir, "offline");
  try {
    // One partitioned COPY writes every day; days without rows get an empty file with the schema, so
    // a re-run over a source that lost rows also replaces (empties) that partition.
    await conn.run(
      `COPY (SELECT ${cols}, CAST(event_timestamp AS DATE) AS date FROM rows
             WHERE event_timestamp >= ${usLiteral(lo)} AND event_timestamp < ${usLiteral(hi)})
       TO ${qlit(outDir)} (FORMAT parquet, PARTITION_BY (date), FILENAME_PATTERN 'data_{i}', FILE_EXTENSION 'parquet.tmp')`,
    );
    let total = 0;
    let empty: string | null = null;
    for (const d of dates) {
      const dir = path.join(outDir, `date=${d}`);
      const names = await fs.readdir(dir).catch(() => [] as string[]);
      if (names.length === 1) {
        files.set(d, path.join(dir, names[0]));
      } else if (names.length > 1) {
        // Several files for one day (parallel writers): rewrite the day as one file.
        const one = path.join(workDir, `date=${d}.parquet.tmp`);
        await conn.run(`COPY (SELECT ${cols} FROM rows WHERE CAST(event_timestamp AS DATE) = DATE ${qlit(d)}) TO ${qlit(one)} (FORMAT parquet)`);
        files.set(d, one);
      } else {
        if (!empty) {
          empty = path.join(workDir, "empty.parquet.tmp");
          await conn.run(`COPY (SELECT ${cols} FROM rows LIMIT 0) TO ${qlit(empty)} (FORMAT parquet)`);
        }
        const copy = path.join(workDir, `empty-${d}.parquet.tmp`);
        await fs.copyFile(empty, copy);
        files.set(d, copy);
      }
    }
    const r = await conn.runAndReadAll(`SELECT count(*) AS n FROM rows WHERE event_timestamp >= ${usLiteral(lo)} AND event_timestamp < ${usLiteral(hi)}`);
    total = Number(r.getRowObjects()[0].n);
    return total;
  } catch (e) {
    throw new MaterializationError(spec.viewName, "write_offline", causeText(e), { cause: e });
  }
}

/**
 * SQL creating table `online_calls`: one row per script call, two strings built by DuckDB in
 * parallel — the keys (RS-joined) and the script's payload (write-script.ts). JS then handles two
 * long strings per call instead of four short ones per entity (converting DuckDB strings and
 * encoding Redis arguments one by one, not Redis, was the bottleneck). Key parts not computed in SQL
 * travel as JSON arrays. Rows whose join key is null have no entity to serve
 * them to and are left out. Entities go in ascending event time (call `g` after call `g − 1`), each
 * call with the range of its event times (`lo`, `hi`): every call then starts at or above the clock
 * bound its predecessors raised, so none has to read clocks unless another writer went further.
 */
function onlineCallsSql(spec: ViewSpec, keyInSql: boolean, perCall: number): string {
  const partCols = spec.joinKeys.map((k) => k.name).sort().map((k) => qid("__k_" + k));
  const keyExpr = keyInSql ? "__key" : `to_json([${partCols.join(", ")}])::VARCHAR`;
  const notNull = keyInSql ? "__key IS NOT NULL" : partCols.map((c) => `${c} IS NOT NULL`).join(" AND ");
  const entry = `concat_ws(${sepSql(FIELD_SEP)}, coalesce(CAST(__ts_us AS VARCHAR), ''), coalesce(__row_packed, ''), __agg_packed)`;
  return `CREATE TABLE online_calls AS
    WITH o AS (
      SELECT ${keyExpr} AS k, ${entry} AS e, __ts_us AS t, row_number() OVER (ORDER BY __ts_us NULLS FIRST) - 1 AS n
      FROM online_out WHERE ${notNull})
    SELECT n // ${Math.max(1, Math.floor(perCall))} AS g,
           string_agg(k, ${sepSql(ENTITY_SEP)} ORDER BY n) AS k,
           string_agg(e, ${sepSql(ENTITY_SEP)} ORDER BY n) AS p,
           coalesce(CAST(min(t) AS VARCHAR), '') AS lo,
           coalesce(CAST(max(t) AS VARCHAR), '') AS hi
    FROM o GROUP BY g ORDER BY g`;
}

/** A one-character separator as a DuckDB expression (control characters do not survive as literals in logs). */
function sepSql(sep: string): string {
  return `chr(${sep.charCodeAt(0)})`;
}

/** Streams online_calls to Redis: one script call per row, many calls per round trip. */
async function writeOnline(
  conn: DuckDBConnection,
  spec: ViewSpec,
  end: Date,
  keyInSql: boolean,
  redis: OnlineRedis,
  options: EngineOptions,
  onProgress: (done: number) => Promise<void>,
): Promise<number> {
  // A cluster regroups each trip's entities by slot: larger trips give larger per-slot calls
  // (10k entities per trip: ~35k entities/s on a 3-master test cluster; 50k: ~57k/s).
  const perTrip = options.callsPerRoundTrip ?? (isCluster(redis) ? 100 : 20);
  const asofUs = spec.aggregations.length ? BigInt(end.getTime()) * 1000n : null;
  const sortedKeys = spec.joinKeys.map((k) => k.name).sort();
  const fail = (m: string, cause?: unknown) => new MaterializationError(spec.viewName, "write_online", m, { cause, code: "unavailable" });
  let written = 0;
  let done = 0;
  // Round trips on the wire at once: two, so Redis always has the next trip queued when it finishes
  // one (with one, it idled while the reply travelled back and the next trip was sent).
  const maxInFlight = Math.max(1, options.tripsInFlight ?? 2);
  const inFlight: Promise<void>[] = [];
  // One write per trip; on a cluster, the trip's entities regrouped by slot (write-script.ts).
  const writer = onlineWriteTrip(redis, { project: spec.projectName, view: spec.viewName, version: spec.version, asofUs }, options.entitiesPerCall ?? 500);
  let calls = 0;
  // Trips can complete out of order (on a cluster, a later trip may need only nodes that answer
  // first), but progress is reported in trip order, so it never goes back.
  let previous: Promise<void> = Promise.resolve();
  const sendTrip = async () => {
    if (!calls) return;
    const n = done;
    calls = 0;
    const before = previous;
    const trip = writer.send().then(async (w) => {
      await before;
      written += w;
      await onProgress(n);
    });
    previous = trip;
    trip.catch(() => undefined); // awaited below; this only keeps a failure from going unhandled meanwhile
    inFlight.push(trip);
    while (inFlight.length >= maxInFlight) await inFlight.shift();
  };
  try {
    const keyParts = keyInSql ? 0 : sortedKeys.length;
    // In insertion order, which onlineCallsSql made ascending event time (an ORDER BY here would sort
    // the whole payload again before the first call could leave; the order only affects speed).
    const result = await conn.stream("SELECT k, p, lo, hi FROM online_calls");
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const [keyGroups, payloads, los, his] = chunk.getColumns() as string[][];
      for (let g = 0; g < keyGroups.length; g++) {
        let keys = keyGroups[g].split(ENTITY_SEP);
        if (keyParts) {
          keys = keys.map((json) => {
            const parts = JSON.parse(json) as string[];
            const jk: Record<string, unknown> = {};
            for (let k = 0; k < keyParts; k++) jk[sortedKeys[k]] = parts[k];
            return entityKey(spec.projectName, jk);
          });
        }
        writer.add(keys, payloads[g], { lo: los[g], hi: his[g] });
        calls++;
        done += keys.length;
        if (calls >= perTrip) await sendTrip();
      }
    }
    await sendTrip();
    while (inFlight.length) await inFlight.shift();
    return written;
  } catch (e) {
    if (e instanceof MaterializationError) throw e;
    throw fail(`writing to the online store: ${causeText(e)}`, e);
  }
}

