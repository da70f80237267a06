// The processor body of the `schedules` queue: a cron tick of one view becomes a
// materialize-incremental job (a Job row on the `materialize` queue, like one started by hand).
import "server-only";
import type { Job as BullJob } from "bullmq";
import { db } from "../db/client";
import { SchedulePayload } from "../queues/contracts";
import { materializeIncremental } from "./materialize-incremental";

export async function runScheduledJob(bull: Pick<BullJob, "data">): Promise<{ jobIds: string[]; skipped: string[] }> {
  const { projectName, viewName } = SchedulePayload.parse(bull.data);
  const project = await db().project.findUnique({ where: { name: projectName } });
  const view = project && (await db().featureView.findUnique({ where: { projectId_name: { projectId: project.id, name: viewName } } }));
  // The view went away between the tick and now; the next schedule sync removes the scheduler.
  if (!project || project.archivedAt || !view || view.archivedAt) return { jobIds: [], skipped: [viewName] };
  // Do not pile up: while an incremental run of this view waits or runs, a tick adds nothing.
  const busy = await db().job.count({
    where: { featureViewId: view.id, kind: "materialize_incremental", status: { in: ["queued", "running", "retrying"] } },
  });
  if (busy) return { jobIds: [], skipped: [viewName] };
  const r = await materializeIncremental({ projectId: project.id, featureViews: [viewName], triggeredBy: `schedule:${viewName}` });
  return { jobIds: r.jobs.map((j) => j.id), skipped: r.skipped.map((s) => s.featureView) };
}
