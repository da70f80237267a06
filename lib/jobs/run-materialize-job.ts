// The processor body of the `materialize` queue: one view version, one window [start, end).
// The Job row is updated as the run goes (status, attempts, timings, progress, counters, log lines);
// on success the window is recorded as a MaterializedInterval in the same transaction as the status.
import "server-only";
import { UnrecoverableError, type Job as BullJob } from "bullmq";
import { db } from "../db/client";
import { MaterializePayload } from "../queues/contracts";
import { loadMaterializeWindow, type MaterializeWindow } from "./engine";
import { afterJobFinished } from "./after-job-finished";
import type { MaterializeParams } from "./create-job";
import {
  JobLogger,
  ProgressWriter,
  attemptOf,
  cancelProbe,
  countColumns,
  countsOf,
  isFinal,
  isLastAttempt,
  markCancelled,
  messageOf,
  recordFailure,
  stepOf,
  succeededColumns,
  workerLabel,
} from "./job-run";

export type MaterializeJobOutcome =
  | { status: "succeeded"; partitions: string[] }
  | { status: "cancelled" }
  | { status: "skipped"; reason: string };

export async function runMaterializeJob(
  bull: Pick<BullJob, "data" | "attemptsMade" | "opts">,
  engine?: MaterializeWindow,
): Promise<MaterializeJobOutcome> {
  const { jobId } = MaterializePayload.parse(bull.data);
  const row = await db().job.findUnique({ where: { id: jobId }, include: { project: true, featureView: true } });
  // A row deleted with its project: nothing to do, and nothing to retry.
  if (!row) throw new UnrecoverableError(`Job ${jobId} no longer exists.`);
  // A duplicate delivery (e.g. a stalled job that had in fact finished) or a job cancelled while queued.
  if (isFinal(row.status)) return { status: "skipped", reason: `job is already ${row.status}` };

  const logger = new JobLogger(jobId);
  if (row.cancelRequested) {
    await markCancelled(jobId, logger, "cancelled before it started");
    await afterJobFinished(jobId);
    return { status: "cancelled" };
  }

  const { attempt, maxAttempts } = attemptOf(bull);
  const now = new Date();
  await db().job.update({
    where: { id: jobId },
    data: {
      status: "running",
      startedAt: row.startedAt ?? now,
      attempts: { increment: 1 },
      maxAttempts,
      progress: 0,
      finishedAt: null,
    },
  });
  if (row.parentId) {
    await db().job.updateMany({ where: { id: row.parentId, status: "queued" }, data: { status: "running", startedAt: now } });
  }
  logger.line(`attempt ${attempt} of ${maxAttempts} started on ${workerLabel()}`);

  const params = (row.params ?? {}) as MaterializeParams;
  const progress = new ProgressWriter(jobId);
  const isCancelled = cancelProbe(row.parentId ? [jobId, row.parentId] : [jobId]);

  try {
    if (!row.featureView || row.version === null || !row.windowStart || !row.windowEnd) {
      throw new UnrecoverableError("The job names no feature view version or window; it cannot run.");
    }
    const version = await db().featureViewVersion.findUnique({
      where: { featureViewId_version: { featureViewId: row.featureView.id, version: row.version } },
      select: { id: true },
    });
    if (!version) throw new UnrecoverableError(`Feature view ${row.featureView.name} has no version ${row.version}.`);
    const materializeWindow = engine ?? (await loadMaterializeWindow());
    const result = await materializeWindow(
      {
        projectName: row.project.name,
        viewName: row.featureView.name,
        version: row.version,
        versionId: version.id,
        start: row.windowStart,
        end: row.windowEnd,
        writeOffline: params.writeOffline !== false,
        writeOnline: params.writeOnline !== false,
        writeEndPartition: params.endPartition !== false,
        jobId,
      },
      {
        progress: (fraction, counts) => progress.report(fraction, counts),
        log: (line) => logger.line(line),
        isCancelled,
      },
    );
    await progress.flush();
    const counts = countsOf(result);
    await logger.commit(
      [
        db().job.update({
          where: { id: jobId },
          data: { ...succeededColumns(), ...countColumns(counts), result: { partitions: result.partitions } },
        }),
        db().materializedInterval.create({
          data: {
            versionId: version.id,
            start: row.windowStart,
            end: row.windowEnd,
            jobId,
            offline: params.writeOffline !== false,
            online: params.writeOnline !== false,
          },
        }),
      ],
      `succeeded: ${counts.rowsRead} rows read, ${counts.rowsWrittenOffline} written offline, ${counts.rowsWrittenOnline} online; partitions ${result.partitions.join(", ") || "(none)"}`,
    );
    await afterJobFinished(jobId);
    return { status: "succeeded", partitions: result.partitions };
  } catch (err) {
    await progress.flush();
    // A cancel wins over the error it caused: the engine stops by throwing, leaving nothing half-written.
    if (await isCancelled().catch(() => false)) {
      await markCancelled(jobId, logger, `cancelled while running (${messageOf(err)})`);
      await afterJobFinished(jobId);
      return { status: "cancelled" };
    }
    const step = stepOf(err, "materialize");
    const final = isLastAttempt(err, attempt, maxAttempts);
    const view = row.featureView?.name ?? "?";
    logger.line(`attempt ${attempt} of ${maxAttempts} failed at step ${step}: ${messageOf(err)}${final ? "" : " — will retry"}`, "error");
    await recordFailure(jobId, logger, err, step, final, progress.counts);
    if (final) await afterJobFinished(jobId);
    const e = err instanceof Error ? err : new Error(String(err));
    if (!e.message.includes(view)) e.message = `${view}: ${e.message}`;
    throw e;
  }
}
