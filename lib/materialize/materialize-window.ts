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
// The steps live beside it: build-rows.ts, write-partitions.ts, quality-pass.ts, write-online.ts.
import "server-only";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { db } from "../db/client";
import { pingMasters } from "../redis/cluster";
import { createRedis, isCluster, type OnlineRedis } from "../redis/connection";
import { type FeatureStat } from "../quality/compute-stats";
import { storeFeatureStats } from "../quality/store-feature-stats";
import { hasRules, storeRuleResults, type RuleResult } from "../quality/rules";
import { computeAndStoreDrift } from "../quality/drift";
import { duckType } from "../shared/dtypes";
import { partitionFile, partitionName, versionDir as offlineVersionDir } from "../shared/offline-layout";
import { recordWatermark } from "../registry/view-freshness";
import { openSandbox, type Sandbox } from "../duckdb/sandbox";
import { jobLog, logFailure } from "../config/log";
import { aggregateLookbackSeconds } from "./aggregate-stats";
import { MaterializationCancelled, MaterializationError, causeText, type MaterializeStep } from "./errors";
import { bindSource, prepareSource, usLiteral, type SourceRange } from "./read-source";
import { onlineSpanSeconds, onlineSql } from "./online-sql";
import { loadViewSpec, type ViewSpec } from "./view-spec";
import { buildRows } from "./build-rows";
import { partitionDates, writePartitions } from "./write-partitions";
import { qualityPass } from "./quality-pass";
import { onlineCallsSql, writeOnline, type OnlineWriteOptions } from "./write-online";

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

export interface EngineOptions extends OnlineWriteOptions {
  /** Online store connection (default: a new connection for purpose "online", closed afterwards). */
  redis?: OnlineRedis;
  threads?: number;
}

const DAY_MS = 86_400_000;

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
    let ruleResults: RuleResult[] = [];
    if (input.writeOffline) {
      counts.rowsWrittenOffline = await writePartitions(conn, spec, dates, workDir, partitionFiles);
      await log(`wrote ${dates.length} partition(s), ${counts.rowsWrittenOffline} rows, to the work folder`);
      await progress(0.5);
      await checkCancel();
      ({ stats, ruleResults } = await qualityPass(conn, spec, dates, partitionFiles, input.jobId, log));
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
          const target = partitionFile(versionDir, d);
          await fs.mkdir(path.dirname(target), { recursive: true });
          await fs.rename(partitionFiles.get(d)!, target);
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
      partitions: dates.map(partitionName),
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
