// Retention of historical-job files (docs/retrieval.md, "Retention of job results"): run hourly by
// the `maintenance` queue's job scheduler. Three kinds of files in `<store>/<project>/_historical/`:
// - the result `<jobId>.parquet` of a succeeded job whose finishedAt is older than
//   HISTORICAL_RESULT_TTL_HOURS is deleted and the Job row records it (`result.expiredAt`,
//   `result.ttlHours`, one log line), so the download answers 410 and GET of the job shows why;
// - leftovers of jobs that are no longer queued/running/retrying (entity tables, `.tmp` files of a
//   killed run, a result of a job that did not succeed) are deleted;
// - files with no historical Job row at all (a crash between writing and recording, a deleted
//   project) are deleted once their mtime is older than the TTL.
// Files of queued, running or retrying jobs are never touched. Everything is idempotent: files that
// are already gone are fine and the row is marked with a conditional update, so several workers may
// run this at once. Like the historical jobs themselves, this works on a local (or mounted) store.
import "server-only";
import fs from "node:fs/promises";
import path from "node:path";
import type { Job as BullJob } from "bullmq";
import { env } from "../config/env";
import { db } from "../db/client";
import { JobLogger, isFinal, messageOf } from "./job-run";
import { MaintenancePayload } from "../queues/contracts";
import { historicalDir, offlineRoot } from "../shared/offline-layout";
import { historicalResultCutoff, historicalResultOf } from "../offline/historical-results";
import { historicalResultPath } from "../shared/offline-layout";

export interface ExpireHistoricalResultsReport {
  /** Jobs whose result expired in this run (file deleted, row marked). */
  expired: string[];
  /** Other files deleted: leftovers of finished jobs and orphans. */
  removed: string[];
  /** Files that could not be deleted (left for the next run). */
  errors: string[];
}

// `<jobId>.parquet`, `<jobId>.entities.parquet`, and either with `.tmp` (written aside, then renamed).
const FILE_NAME = /^([A-Za-z0-9_-]+)(\.entities)?\.parquet(\.tmp)?$/;
const BATCH = 500;

export async function expireHistoricalResults(opts: { now?: Date; ttlHours?: number } = {}): Promise<ExpireHistoricalResultsReport> {
  const now = opts.now ?? new Date();
  const ttlHours = opts.ttlHours ?? env().HISTORICAL_RESULT_TTL_HOURS;
  const cutoff = historicalResultCutoff(now, ttlHours);
  const report: ExpireHistoricalResultsReport = { expired: [], removed: [], errors: [] };

  // 1. Succeeded jobs past the TTL that are not marked yet (also those whose file went missing).
  // Prisma keeps DateTime as UTC wall time in timestamp(3): the ISO string's zone is dropped by the cast.
  for (let after = ""; ;) {
    const rows = await db().$queryRaw<{ id: string; project: string }[]>`
      SELECT j.id, p.name AS project FROM "Job" j JOIN "Project" p ON p.id = j."projectId"
      WHERE j.kind = 'historical' AND j.status = 'succeeded' AND j."finishedAt" < ${cutoff.toISOString()}::timestamp(3)
        AND (j.result->>'expiredAt') IS NULL AND j.id > ${after}
      ORDER BY j.id LIMIT ${BATCH}::int`;
    for (const r of rows) await expireResult(r.id, historicalResultPath(r.project, r.id), now, ttlHours, report);
    if (rows.length < BATCH) break;
    after = rows[rows.length - 1].id;
  }

  // 2. Every file under <store>/*/_historical/: leftovers and orphans.
  for (const project of await dirNames(offlineRoot())) {
    const dir = historicalDir(project);
    const files = (await dirNames(dir, "files")).map((name) => ({ name, m: FILE_NAME.exec(name) })).filter((f) => f.m);
    for (let i = 0; i < files.length; i += BATCH) {
      const batch = files.slice(i, i + BATCH);
      const ids = [...new Set(batch.map((f) => f.m![1]))];
      const jobs = new Map(
        (await db().job.findMany({ where: { id: { in: ids }, kind: "historical" }, select: { id: true, status: true, finishedAt: true, result: true } })).map((j) => [j.id, j]),
      );
      for (const { name, m } of batch) {
        const file = path.join(dir, name);
        const [, id, entities, tmp] = m!;
        const job = jobs.get(id);
        if (!job) {
          // An orphan: only once it is older than the TTL (mtime), so nothing in flight is touched.
          const stat = await fs.stat(file).catch(() => null);
          if (stat && stat.mtime < cutoff) await remove(file, report);
          continue;
        }
        if (!isFinal(job.status)) continue;
        const isResult = !entities && !tmp;
        if (!isResult || job.status !== "succeeded") {
          await remove(file, report);
        } else if (historicalResultOf(job.result).expiredAt || (job.finishedAt && job.finishedAt < cutoff)) {
          // Marked expired but the file is back (or step 1 raced a restore): delete it again.
          await expireResult(id, file, now, ttlHours, report);
        }
      }
    }
  }
  return report;
}

/** The `maintenance` queue's processor: one cleanup; a file it could not delete fails the tick (the next one retries it). */
export async function runMaintenanceTick(job: Pick<BullJob, "data">): Promise<{ expired: number; removed: number }> {
  MaintenancePayload.parse(job.data);
  const r = await expireHistoricalResults();
  if (r.errors.length) throw new Error(`could not delete ${r.errors.length} historical file(s): ${r.errors.slice(0, 5).join("; ")}`);
  return { expired: r.expired.length, removed: r.removed.length };
}

/** Deletes the result file, then marks the row (once, whoever gets there first). */
async function expireResult(jobId: string, file: string, now: Date, ttlHours: number, report: ExpireHistoricalResultsReport): Promise<void> {
  if (!(await remove(file, report, false))) return;
  const marked = await db().$executeRaw`
    UPDATE "Job" SET result = COALESCE(result, '{}'::jsonb) || jsonb_build_object('expiredAt', ${now.toISOString()}::text, 'ttlHours', ${ttlHours}::float8),
      "updatedAt" = ${now.toISOString()}::timestamp(3)
    WHERE id = ${jobId} AND (result->>'expiredAt') IS NULL`;
  if (!marked) return;
  report.expired.push(jobId);
  const log = new JobLogger(jobId);
  log.line(`result expired after ${ttlHours} hours (HISTORICAL_RESULT_TTL_HOURS); its file was deleted. Send the request again for a new result.`);
  await log.flush();
}

/** rm -f; true when the file is gone (whoever deleted it). */
async function remove(file: string, report: ExpireHistoricalResultsReport, record = true): Promise<boolean> {
  try {
    await fs.rm(file, { force: true });
    if (record) report.removed.push(file);
    return true;
  } catch (e) {
    report.errors.push(`${file}: ${messageOf(e)}`);
    return false;
  }
}

async function dirNames(dir: string, kind: "dirs" | "files" = "dirs"): Promise<string[]> {
  try {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    return entries.filter((e) => (kind === "dirs" ? e.isDirectory() : e.isFile())).map((e) => e.name);
  } catch {
    // A store without that folder (yet): nothing to clean.
    return [];
  }
}
