// Cancel: sets cancelRequested. A job still waiting in the queue (queued, or retrying = delayed
// for backoff) is removed from BullMQ and marked cancelled at once. A running job is stopped by the
// engine between batches through the isCancelled hook (it throws, writing nothing half-way: offline
// partitions are replaced atomically, never partly), and its processor marks it cancelled. A running
// historical join is interrupted and publishes no result (run-historical-job.ts).
// A backfill cancels every unfinished child; the parent ends cancelled once no child still runs.
import "server-only";
import { db } from "../db/client";
import { conflict, notFound } from "../errors";
import { QUEUES, queue, queueOfJobKind, type QueueName } from "../queues/contracts";
import { afterJobFinished } from "./after-job-finished";
import { FINAL_STATUSES, JobLogger, isFinal, markCancelled } from "./job-run";
import { jobLog, logFailure } from "../config/log";

export interface CancelResult {
  jobId: string;
  /** cancelled = done now; cancelling = a running job will stop at its next batch. */
  state: "cancelled" | "cancelling";
}

/** Removes a waiting job from its queue; false when a worker holds it (it is running). */
async function removeFromQueue(queueName: QueueName, queueJobId: string | null): Promise<boolean> {
  if (!queueJobId) return true;
  const q = queue(queueName);
  const job = await q.getJob(queueJobId);
  if (!job) return true;
  const state = await job.getState();
  if (state === "active") return false;
  if (state === "completed" || state === "failed") return true;
  // removeChildren: false — a backfill parent's children are cancelled one by one, by their rows.
  return (await q.remove(queueJobId, { removeChildren: false })) === 1;
}

async function cancelOne(row: { id: string; status: string; queueJobId: string | null; kind: string }, reason: string): Promise<boolean> {
  if (row.status !== "queued" && row.status !== "retrying") return false;
  const removed = await removeFromQueue(queueOfJobKind(row.kind), row.queueJobId);
  if (!removed) return false;
  const logger = new JobLogger(row.id);
  return await markCancelled(row.id, logger, reason);
}

export async function requestCancel(jobId: string, projectId: string | undefined, actor: string): Promise<CancelResult> {
  const row = await db().job.findUnique({ where: { id: jobId } });
  if (!row || (projectId && row.projectId !== projectId)) throw notFound(`Job "${jobId}" does not exist.`);
  if (isFinal(row.status)) throw conflict(`Job ${jobId} is already ${row.status}; there is nothing to cancel.`, { jobStatus: row.status });

  await db().job.update({ where: { id: jobId }, data: { cancelRequested: true } });
  const logger = new JobLogger(jobId);
  logger.line(`cancel requested by ${actor}`, "warn");
  await logger.flush();

  if (row.kind !== "backfill") {
    const done = await cancelOne(row, `cancelled by ${actor} before it ran`);
    if (done) await afterJobFinished(jobId);
    return { jobId, state: done ? "cancelled" : "cancelling" };
  }

  const children = await db().job.findMany({ where: { parentId: jobId, status: { notIn: FINAL_STATUSES } } });
  if (children.length) {
    await db().job.updateMany({ where: { id: { in: children.map((c) => c.id) } }, data: { cancelRequested: true } });
  }
  for (const c of children) await cancelOne(c, `cancelled with backfill ${jobId} by ${actor}`);
  if (children.length) await afterJobFinishedSafe(children[0].id);
  // With no child left running, the parent will never be woken by one: finish it here. Otherwise
  // the last running child's end wakes the parent processor, which marks it cancelled.
  const running = await db().job.count({ where: { parentId: jobId, status: { notIn: FINAL_STATUSES } } });
  if (running === 0) {
    const parentRow = await db().job.findUniqueOrThrow({ where: { id: jobId } });
    const removed = await removeFromQueue(QUEUES.backfill, parentRow.queueJobId);
    if (removed) {
      const parentLog = new JobLogger(jobId);
      await markCancelled(jobId, parentLog, `cancelled by ${actor}`);
    }
  }
  const after = await db().job.findUniqueOrThrow({ where: { id: jobId }, select: { status: true } });
  return { jobId, state: after.status === "cancelled" ? "cancelled" : "cancelling" };
}

async function afterJobFinishedSafe(childId: string): Promise<void> {
  await afterJobFinished(childId).catch(logFailure(jobLog(childId), "the after-job step"));
}
