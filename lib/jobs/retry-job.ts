// Retry a failed or cancelled job. The choice: a retry is a NEW job row (params.retryOf = the old
// id), not a reset of the old one — the failed job keeps its error, attempts and log as history,
// the alert logic sees a clean "failed, then succeeded" sequence, and the new row gets a fresh
// attempt cycle. A backfill retry is a new backfill over the same window whose children are only
// the partitions that did not succeed (the succeeded ones are exact already); its final online step
// covers every view of the original.
import "server-only";
import { db } from "../db/client";
import { badRequest, conflict, notFound } from "../errors";
import { createBackfillJobs, type BackfillParams, type BackfillPlanItem } from "./backfill";
import { createMaterializeJob, type JobRow, type MaterializeParams } from "./create-job";

export async function retryJob(jobId: string, projectId: string | undefined, triggeredBy: string): Promise<JobRow> {
  const row = await db().job.findUnique({ where: { id: jobId } });
  if (!row || (projectId && row.projectId !== projectId)) throw notFound(`Job "${jobId}" does not exist.`);
  if (row.status !== "failed" && row.status !== "cancelled") {
    throw conflict(`Only failed or cancelled jobs can be retried; job ${jobId} is ${row.status}.`, { jobStatus: row.status });
  }

  if (row.kind === "materialize" || row.kind === "materialize_incremental") {
    if (!row.featureViewId || row.version === null || !row.windowStart || !row.windowEnd) {
      throw badRequest(`Job ${jobId} has no view version or window to repeat.`);
    }
    const params = (row.params ?? {}) as MaterializeParams;
    return createMaterializeJob({
      kind: row.kind,
      projectId: row.projectId,
      featureViewId: row.featureViewId,
      version: row.version,
      windowStart: row.windowStart,
      windowEnd: row.windowEnd,
      params: { writeOffline: params.writeOffline !== false, writeOnline: params.writeOnline !== false, ...(params.partition ? { partition: params.partition } : {}), retryOf: row.id },
      triggeredBy,
    });
  }

  if (row.kind === "backfill") {
    if (!row.windowStart || !row.windowEnd) throw badRequest(`Job ${jobId} has no window to repeat.`);
    const params = row.params as unknown as BackfillParams;
    const children = await db().job.findMany({ where: { parentId: row.id, status: { not: "succeeded" } }, orderBy: { windowStart: "asc" } });
    const plan: BackfillPlanItem[] = [];
    for (const v of params.views ?? []) {
      const pieces = children
        .filter((c) => c.featureViewId === v.featureViewId && c.windowStart && c.windowEnd)
        .map((c) => ({
          start: c.windowStart!.getTime(),
          end: c.windowEnd!.getTime(),
          day: (c.params as MaterializeParams)?.partition ?? c.windowStart!.toISOString().slice(0, 10),
        }));
      if (pieces.length) plan.push({ view: v, pieces });
    }
    const created = await createBackfillJobs({
      projectId: row.projectId,
      start: row.windowStart,
      end: row.windowEnd,
      plan,
      allViews: params.views ?? [],
      gaps: !!params.gaps,
      triggeredBy,
      retryOf: row.id,
    });
    return created.parent;
  }

  throw badRequest(`Jobs of kind ${row.kind} cannot be retried here.`);
}
