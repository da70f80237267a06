// Materialize an explicit window [start, end) of the latest version of some (or all) views of a
// project: one job per view.
import "server-only";
import { badRequest } from "../errors";
import { createMaterializeJob, type JobRow } from "./create-job";
import { resolveTargetViews } from "./resolve-views";

export interface MaterializeRequest {
  projectId: string;
  featureViews?: string[];
  start: Date;
  end: Date;
  triggeredBy: string;
}

export function checkWindow(start: Date, end: Date): void {
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) throw badRequest("start and end must be valid times.");
  if (start.getTime() >= end.getTime()) {
    throw badRequest(`start (${start.toISOString()}) must be before end (${end.toISOString()}).`, [
      { name: "start", reason: "must be before end" },
    ]);
  }
}

export async function materialize(req: MaterializeRequest): Promise<JobRow[]> {
  checkWindow(req.start, req.end);
  const views = await resolveTargetViews(req.projectId, req.featureViews);
  const jobs: JobRow[] = [];
  for (const v of views) {
    jobs.push(
      await createMaterializeJob({
        kind: "materialize",
        projectId: req.projectId,
        featureViewId: v.featureViewId,
        version: v.version,
        windowStart: req.start,
        windowEnd: req.end,
        params: { writeOffline: v.offline, writeOnline: v.online },
        triggeredBy: req.triggeredBy,
      }),
    );
  }
  return jobs;
}
