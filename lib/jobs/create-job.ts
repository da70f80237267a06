// Creating a job: the Postgres row first (so the job is visible and accounted for), then the BullMQ
// job (whose id is the row id), then the row learns its queueJobId. If the enqueue fails the row is
// marked failed at step "enqueue" and the caller gets a 503: no row claims to be queued when
// nothing will ever run it.
import "server-only";
import { db } from "../db/client";
import type { Prisma } from "../db/generated/client";
import type { JobKind } from "../db/generated/enums";
import { env } from "../config/env";
import { unavailable, type LarderError } from "../errors";
import { enqueueMaterialize } from "../queues/contracts";
import { jobLog, logFailure } from "../config/log";

/** What a materialize job does with its window (stored in Job.params). */
export interface MaterializeParams {
  writeOffline: boolean;
  writeOnline: boolean;
  /** Backfill children: the UTC date partition the child owns. */
  partition?: string;
  /**
   * false: a window ending at a UTC midnight leaves the end's partition to another job (a backfill
   * child whose end is the next child's start). Default: written (docs/materialization.md).
   */
  endPartition?: boolean;
  /** A retry: the job this one repeats. */
  retryOf?: string;
  [k: string]: unknown;
}

export interface NewMaterializeJob {
  kind: Extract<JobKind, "materialize" | "materialize_incremental">;
  projectId: string;
  featureViewId: string;
  version: number;
  windowStart: Date;
  windowEnd: Date;
  params: MaterializeParams;
  triggeredBy: string;
  parentId?: string;
}

export type JobRow = Prisma.JobGetPayload<object>;

export function materializeJobData(j: NewMaterializeJob): Prisma.JobUncheckedCreateInput {
  return {
    kind: j.kind,
    projectId: j.projectId,
    featureViewId: j.featureViewId,
    version: j.version,
    windowStart: j.windowStart,
    windowEnd: j.windowEnd,
    params: j.params as Prisma.InputJsonObject,
    triggeredBy: j.triggeredBy,
    parentId: j.parentId ?? null,
    maxAttempts: env().JOB_ATTEMPTS,
  };
}

/** Marks rows whose enqueue failed and returns the error to throw. */
export async function failEnqueue(jobIds: string[], cause: unknown): Promise<LarderError> {
  const message = `Could not queue the job: ${(cause as Error)?.message ?? String(cause)}`;
  await db()
    .job.updateMany({
      where: { id: { in: jobIds } },
      data: { status: "failed", error: message, errorStep: "enqueue", finishedAt: new Date() },
    })
    // Postgres may be what is down; the 503 still tells the caller.
    .catch(logFailure(jobLog(jobIds.join(",")), "marking the jobs failed after the enqueue failure"));
  return unavailable(`${message}. Is Redis reachable? Try again.`, 5, cause);
}

/** Creates one materialize (or materialize-incremental) job and queues it. */
export async function createMaterializeJob(j: NewMaterializeJob): Promise<JobRow> {
  const row = await db().job.create({ data: materializeJobData(j) });
  try {
    const queueJobId = await enqueueMaterialize({ jobId: row.id });
    return await db().job.update({ where: { id: row.id }, data: { queueJobId } });
  } catch (e) {
    throw await failEnqueue([row.id], e);
  }
}
