// The monitor's processors (workers/register.ts): a tick re-evaluates every project and starts the
// skew checks that are due; a skew job checks one view; after a job finishes, its project is
// re-evaluated at once so its alert does not wait for the next tick.
import "server-only";
import type { Job as BullJob } from "bullmq";
import { env } from "../config/env";
import { db } from "../db/client";
import { enqueueSkewCheck, SkewPayload } from "../queues/contracts";
import { reconcileAll, reconcileProject } from "./reconcile";
import { checkSkew } from "./skew-check";
import { jobLog } from "../config/log";

export async function runMonitorTick(now = new Date()): Promise<{ projects: number; transitions: number; skewChecks: number }> {
  const results = await reconcileAll(now);
  const skewChecks = await queueDueSkewChecks(now);
  return { projects: results.length, transitions: results.reduce((a, r) => a + r.transitions.length, 0), skewChecks };
}

/** Views materialized online and offline whose last skew check is older than SKEW_CHECK_INTERVAL_MS. */
export async function queueDueSkewChecks(now = new Date()): Promise<number> {
  const every = env().SKEW_CHECK_INTERVAL_MS;
  if (!every) return 0;
  const online = await db().materializedInterval.findMany({
    where: { online: true, version: { featureView: { archivedAt: null, project: { archivedAt: null } } } },
    distinct: ["versionId"],
    select: { version: { select: { version: true, featureView: { select: { name: true, latestVersion: true, project: { select: { id: true, name: true } } } } } } },
  });
  const views = new Map<string, { project: string; projectId: string; view: string }>();
  for (const o of online) {
    const fv = o.version.featureView;
    if (o.version.version === fv.latestVersion) views.set(`${fv.project.name}/${fv.name}`, { project: fv.project.name, projectId: fv.project.id, view: fv.name });
  }
  let queued = 0;
  for (const v of views.values()) {
    const last = await db().skewCheck.findFirst({ where: { projectId: v.projectId, viewName: v.view }, orderBy: { checkedAt: "desc" }, select: { checkedAt: true } });
    if (last && now.getTime() - last.checkedAt.getTime() < every) continue;
    await enqueueSkewCheck({ projectName: v.project, viewName: v.view });
    queued++;
  }
  return queued;
}

export async function runSkewJob(bull: Pick<BullJob, "data">): Promise<{ status: string }> {
  const { projectName, viewName } = SkewPayload.parse(bull.data);
  const out = await checkSkew(projectName, viewName);
  const project = await db().project.findUnique({ where: { name: projectName }, select: { id: true, name: true } });
  if (project) await reconcileProject(project);
  return { status: out.status };
}

/** Re-evaluates the project of a finished job (alerts right away). Never throws. */
export async function reconcileAfterJob(jobId: string): Promise<void> {
  try {
    const job = await db().job.findUnique({ where: { id: jobId }, select: { status: true, project: { select: { id: true, name: true } } } });
    if (job && ["succeeded", "failed", "cancelled"].includes(job.status)) await reconcileProject(job.project);
  } catch (e) {
    jobLog(jobId).error({ err: e }, "monitoring after the job failed");
  }
}
