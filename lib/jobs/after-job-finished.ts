// What follows a job reaching a final status: a backfill child moves its parent's progress; a
// top-level job may send alert e-mails (failure after the last attempt, first success after failures).
import "server-only";
import { db } from "../db/client";
import { notifyJobOutcome } from "../alerts/notify-job-outcome";
import { FINAL_STATUSES } from "./job-run";
import { jobLog, logFailure } from "../config/log";

export async function afterJobFinished(jobId: string): Promise<void> {
  const row = await db().job.findUnique({ where: { id: jobId }, select: { parentId: true } });
  if (!row) return;
  if (row.parentId) {
    await updateParentProgress(row.parentId);
    return;
  }
  // Alerts never fail the job they report on.
  await notifyJobOutcome(jobId).catch(logFailure(jobLog(jobId), "job alerts"));
}

/** Parent progress = finished children / all children; counters = the children's sums. */
export async function updateParentProgress(parentId: string): Promise<void> {
  const [total, finished, sums] = await Promise.all([
    db().job.count({ where: { parentId } }),
    db().job.count({ where: { parentId, status: { in: FINAL_STATUSES } } }),
    db().job.aggregate({ where: { parentId }, _sum: { rowsRead: true, rowsWrittenOffline: true, rowsWrittenOnline: true } }),
  ]);
  await db().job.updateMany({
    where: { id: parentId, status: { in: ["queued", "running", "retrying"] } },
    data: {
      progress: total ? finished / total : 0,
      rowsRead: sums._sum.rowsRead ?? 0n,
      rowsWrittenOffline: sums._sum.rowsWrittenOffline ?? 0n,
    },
  });
}
