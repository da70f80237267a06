// Test support for job tests: per-file environment (unique queue prefix, short backoff and stall
// timings), a small project applied through the real registry with a Parquet source over a few
// UTC days, and polling helpers. Data stays tiny: tests take seconds.
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { resetEnvForTests } from "../../lib/config/env";
import { db } from "../../lib/db/client";
import type { JobStatus } from "../../lib/db/generated/enums";
import { writeParquet } from "./materialize";
import { applyRepo } from "../../lib/registry/apply-repo";
import { TEST_SOURCES_ROOT } from "../fixtures/data-roots";
import { RepoDef, type RepoInput } from "../../lib/registry/repo-schema";

export const DAY_MS = 86_400_000;
export const BASE_DAY = Date.parse("2024-03-01T00:00:00Z");

/** Call at the top of a test file, before anything reads env(). */
export function jobsTestEnv(extra: Record<string, string> = {}): string {
  const prefix = `larder-test-${randomBytes(4).toString("hex")}`;
  Object.assign(process.env, {
    QUEUE_PREFIX: prefix,
    JOB_BACKOFF_MS: "200",
    JOB_ATTEMPTS: "3",
    WORKER_LOCK_DURATION_MS: "4000",
    WORKER_STALLED_INTERVAL_MS: "1000",
    WORKER_MAX_STALLED_COUNT: "3",
    SCHEDULE_SYNC_INTERVAL_MS: "0",
    ...extra,
  });
  resetEnvForTests();
  return prefix;
}

export const uniqueName = (base: string) => `${base}_${randomBytes(4).toString("hex")}`;

export interface SourceRow {
  customer_id: number;
  event_timestamp: number;
  amount: number;
}

/** Rows over `days` UTC days from BASE_DAY: `perDay` rows a day over 5 customers. */
export function makeRows(days: number, perDay = 24): SourceRow[] {
  const rows: SourceRow[] = [];
  for (let d = 0; d < days; d++) {
    for (let i = 0; i < perDay; i++) {
      rows.push({ customer_id: (i % 5) + 1, event_timestamp: BASE_DAY + d * DAY_MS + i * Math.floor(DAY_MS / perDay) + 1000, amount: d * 100 + i });
    }
  }
  return rows;
}

export interface TestProject {
  project: string;
  projectId: string;
  view: string;
  sourceFile: string;
  dir: string;
}

export function testRepo(project: string, view: string, sourceFile: string, opts: { schedule?: string; ttl?: string; transform?: string } = {}): RepoInput {
  return {
    project,
    entities: [{ name: "customer", join_keys: [{ name: "customer_id", dtype: "int64" }] }],
    sources: [{ name: "tx", kind: "parquet", path: sourceFile, timestamp_field: "event_timestamp" }],
    feature_views: [
      {
        name: view,
        entities: ["customer"],
        source: "tx",
        ttl: opts.ttl ?? "30d",
        ...(opts.transform ? { transform: opts.transform } : {}),
        features: [{ name: "amount", dtype: "float64" }],
        aggregations: [{ column: "amount", function: "sum", windows: ["1d"] }],
        materialization: { online: true, offline: true, ...(opts.schedule ? { schedule: opts.schedule } : {}) },
      },
    ],
  };
}

export async function applyTestRepo(repo: RepoInput): Promise<string> {
  await applyRepo({ repo: RepoDef.parse(repo), actor: { kind: "system", label: "test" }, projectCreate: true });
  const p = await db().project.findUniqueOrThrow({ where: { name: repo.project } });
  return p.id;
}

/** A project with one view `spend` over a Parquet source of `days` days. */
export async function createTestProject(opts: { days?: number; perDay?: number; schedule?: string; transform?: string } = {}): Promise<TestProject> {
  const project = uniqueName("jobs");
  const view = "spend";
  const dir = path.join(TEST_SOURCES_ROOT, "jobs", project);
  const sourceFile = path.join(dir, "tx.parquet");
  await writeParquet(
    sourceFile,
    [
      { name: "customer_id", type: "BIGINT" },
      { name: "event_timestamp", type: "TIMESTAMP" },
      { name: "amount", type: "DOUBLE" },
    ],
    makeRows(opts.days ?? 3, opts.perDay ?? 24) as unknown as Record<string, unknown>[],
  );
  const projectId = await applyTestRepo(testRepo(project, view, sourceFile, { schedule: opts.schedule, transform: opts.transform }));
  return { project, projectId, view, sourceFile, dir };
}

export async function removeDir(dir: string): Promise<void> {
  await fs.rm(dir, { recursive: true, force: true });
}

/** Polls until the job reaches one of `statuses` (fails the test after `timeoutMs`). */
export async function waitForJob(jobId: string, statuses: JobStatus[] = ["succeeded", "failed", "cancelled"], timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await db().job.findUniqueOrThrow({ where: { id: jobId } });
    if (statuses.includes(row.status)) return row;
    if (Date.now() > deadline) throw new Error(`job ${jobId} is still ${row.status} after ${timeoutMs} ms (waiting for ${statuses.join("/")}): ${row.error ?? ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A transform that takes a couple of seconds of DuckDB time (to catch a job mid-run). */
export const SLOW_TRANSFORM =
  "SELECT customer_id, event_timestamp, amount FROM source WHERE (SELECT sum(hash(i)) FROM range(120000000) t(i)) IS NOT NULL";

/** Offline partition folders of a view version (date=YYYY-MM-DD). */
export async function offlinePartitions(project: string, view: string, version = 1): Promise<string[]> {
  const { env } = await import("../../lib/config/env");
  try {
    const names = await fs.readdir(path.resolve(env().OFFLINE_STORE_URI, project, view, `v${version}`));
    return names.filter((n) => n.startsWith("date=")).sort();
  } catch {
    return [];
  }
}

/** Offline rows of a view version (all partitions), ordered: comparable across projects. */
export async function offlineRows(project: string, view: string, version = 1): Promise<Record<string, unknown>[]> {
  const { env } = await import("../../lib/config/env");
  const { readParquetRows } = await import("./materialize");
  return readParquetRows(path.resolve(env().OFFLINE_STORE_URI, project, view, `v${version}`, "date=*", "*.parquet"));
}

/** Online hashes of a project with the project name cut out of the keys (comparable across projects). */
export async function onlineSnapshot(project: string): Promise<Record<string, Record<string, string>>> {
  const { createRedis } = await import("../../lib/redis/connection");
  const { snapshotOnline } = await import("./materialize");
  const { projectKeyPrefix } = await import("../../lib/online/keys");
  const r = createRedis("online");
  try {
    const snap = await snapshotOnline(r, project);
    return Object.fromEntries(Object.entries(snap).map(([k, v]) => [k.slice(projectKeyPrefix(project).length), v]));
  } finally {
    r.disconnect();
  }
}

/** Deletes this test file's BullMQ keys (its own prefix only; never a global wipe). */
export async function deleteQueueKeys(prefix: string): Promise<void> {
  const { createRedis } = await import("../../lib/redis/connection");
  const { unlinkPrefix } = await import("../../lib/redis/prefix");
  const r = createRedis("queue");
  try {
    await unlinkPrefix(r, `${prefix}:`);
  } finally {
    r.disconnect();
  }
}
