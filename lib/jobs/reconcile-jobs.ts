// Job rows that BullMQ finished without calling our processor: a job that stalled more often than
// WORKER_MAX_STALLED_COUNT is moved to `failed` by BullMQ's stalled check itself. Workers call this
// periodically so such rows do not stay `running` forever.
import "server-only";
import { db } from "../db/client";
import { queue, queueOfJobKind } from "../queues/contracts";
import { afterJobFinished } from "./after-job-finished";
import { JobLogger } from "./job-run";

export async function reconcileStuckJobs(olderThanMs = 60_000): Promise<string[]> {
  const rows = await db().job.findMany({
    where: { status: { in: ["running", "queued", "retrying"] }, queueJobId: { not: null }, updatedAt: { lt: new Date(Date.now() - olderThanMs) } },
    select: { id: true, kind: true, queueJobId: true },
    take: 500,
  });
  const fixed: string[] = [];
  for (const r of rows) {
    const q = queue(queueOfJobKind(r.kind));
    const bull = await q.getJob(r.queueJobId!);
    const state = bull ? await bull.getState() : "missing";
    if (state !== "failed") continue;
    const reason = bull?.failedReason || "the queue marked the job failed";
    // The status and the log line that explains it land together (JobLogger.commitIfChanged).
    const changed = await new JobLogger(r.id).commitIfChanged(
      (tx) =>
        tx.job.updateMany({
          where: { id: r.id, status: { in: ["running", "queued", "retrying"] } },
          data: { status: "failed", error: reason, errorStep: "worker", finishedAt: new Date() },
        }),
      `failed by the queue: ${reason}`,
      "error",
    );
    if (changed) {
      await afterJobFinished(r.id);
      fixed.push(r.id);
    }
  }
  return fixed;
}

/** BullMQ's stalled check moved a job back to wait (its worker died): say so in the job's log. */
export async function recordStalled(jobId: string): Promise<void> {
  const row = await db().job.findUnique({ where: { id: jobId }, select: { id: true } });
  if (!row) return;
  const log = new JobLogger(jobId);
  log.line("the worker running this job stopped responding; the job went back to the queue and will run again", "warn");
  await log.flush();
}
