// The processor body of the `backfill` queue. BullMQ runs a backfill parent once every child has
// finished (succeeded, failed after its last attempt, or removed by a cancel). The parent then
// judges its children from their rows: any cancelled → cancelled; any failed → failed, naming them;
// all succeeded → write online values as of the backfill end, then succeeded.
import "server-only";
import { UnrecoverableError, type Job as BullJob } from "bullmq";
import { db } from "../db/client";
import { BackfillPayload } from "../queues/contracts";
import { afterJobFinished } from "./after-job-finished";
import type { BackfillParams } from "./backfill";
import { loadMaterializeWindow, type MaterializeWindow } from "./engine";
import {
  JobLogger,
  attemptOf,
  cancelProbe,
  isFinal,
  isLastAttempt,
  markCancelled,
  messageOf,
  recordFailure,
  stepOf,
  succeededColumns,
  workerLabel,
} from "./job-run";

export type BackfillJobOutcome = { status: "succeeded" | "failed" | "cancelled" } | { status: "skipped"; reason: string };

export async function runBackfillJob(bull: Pick<BullJob, "data" | "attemptsMade" | "opts">, engine?: MaterializeWindow): Promise<BackfillJobOutcome> {
  const { jobId } = BackfillPayload.parse(bull.data);
  const row = await db().job.findUnique({ where: { id: jobId }, include: { project: true } });
  if (!row) throw new UnrecoverableError(`Job ${jobId} no longer exists.`);
  if (isFinal(row.status)) return { status: "skipped", reason: `job is already ${row.status}` };
  const logger = new JobLogger(jobId);

  const children = await db().job.findMany({
    where: { parentId: jobId },
    select: { id: true, status: true, error: true, errorStep: true, params: true, rowsRead: true, rowsWrittenOffline: true, featureView: { select: { name: true } } },
    orderBy: { windowStart: "asc" },
  });
  const rowsRead = children.reduce((s, c) => s + c.rowsRead, 0n);
  const rowsWrittenOffline = children.reduce((s, c) => s + c.rowsWrittenOffline, 0n);
  const counters = { rowsRead, rowsWrittenOffline };

  if (row.cancelRequested || children.some((c) => c.status === "cancelled")) {
    await db().job.update({ where: { id: jobId }, data: counters });
    await markCancelled(jobId, logger, `cancelled: ${children.filter((c) => c.status === "cancelled").length} of ${children.length} partitions were cancelled`);
    await afterJobFinished(jobId);
    return { status: "cancelled" };
  }

  const bad = children.filter((c) => c.status !== "succeeded");
  if (bad.length) {
    const first = bad[0];
    const partition = (first.params as { partition?: string })?.partition ?? "?";
    const error = `${bad.length} of ${children.length} partitions did not succeed; first: ${first.featureView?.name ?? "?"} ${partition} (${first.status}${first.errorStep ? ` at step ${first.errorStep}` : ""}): ${first.error ?? "no error recorded"}`;
    logger.line(error, "error");
    await logger.commit([
      db().job.update({
        where: { id: jobId },
        data: { ...counters, status: "failed", error, errorStep: "partitions", finishedAt: new Date(), progress: 1 },
      }),
    ]);
    await afterJobFinished(jobId);
    throw new UnrecoverableError(error);
  }

  // All partitions are written offline: now the online store, as of the backfill end.
  const { attempt, maxAttempts } = attemptOf(bull);
  await db().job.update({
    where: { id: jobId },
    data: { ...counters, status: "running", startedAt: row.startedAt ?? new Date(), attempts: { increment: 1 }, maxAttempts, finishedAt: null },
  });
  const params = row.params as unknown as BackfillParams;
  const onlineViews = (params.views ?? []).filter((v) => v.online);
  logger.line(`all ${children.length} partitions succeeded; writing online values of ${onlineViews.length} view(s) as of ${row.windowEnd?.toISOString()} (attempt ${attempt} of ${maxAttempts} on ${workerLabel()})`);
  const isCancelled = cancelProbe([jobId]);
  let rowsWrittenOnline = 0;
  try {
    if (onlineViews.length) {
      if (!row.windowStart || !row.windowEnd) throw new UnrecoverableError("The backfill has no window.");
      const materializeWindow = engine ?? (await loadMaterializeWindow());
      for (const v of onlineViews) {
        const r = await materializeWindow(
          {
            projectName: row.project.name,
            viewName: v.viewName,
            version: v.version,
            versionId: v.versionId,
            start: row.windowStart,
            end: row.windowEnd,
            writeOffline: false,
            writeOnline: true,
            jobId,
          },
          { progress: () => undefined, log: (line) => logger.line(`${v.viewName}: ${line}`), isCancelled },
        );
        rowsWrittenOnline += Number(r.rowsWrittenOnline);
      }
    }
  } catch (err) {
    if (await isCancelled().catch(() => false)) {
      await markCancelled(jobId, logger, `cancelled during the online step (${messageOf(err)})`);
      await afterJobFinished(jobId);
      return { status: "cancelled" };
    }
    const step = stepOf(err, "online");
    const final = isLastAttempt(err, attempt, maxAttempts);
    logger.line(`online step failed (attempt ${attempt} of ${maxAttempts}) at step ${step}: ${messageOf(err)}${final ? "" : " — will retry"}`, "error");
    await recordFailure(jobId, logger, err, step, final);
    if (final) await afterJobFinished(jobId);
    throw err;
  }
  await logger.commit(
    [
      db().job.update({
        where: { id: jobId },
        data: {
          ...succeededColumns(),
          rowsWrittenOnline: BigInt(rowsWrittenOnline),
          result: { partitions: children.length, onlineViews: onlineViews.map((v) => v.viewName) },
        },
      }),
    ],
    `succeeded: ${children.length} partitions, ${rowsWrittenOffline} rows offline, ${rowsWrittenOnline} online`,
  );
  await afterJobFinished(jobId);
  return { status: "succeeded" };
}
