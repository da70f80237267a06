// One job with its log lines (the last `logLimit`, in order) and its child jobs (a backfill's partitions).
import "server-only";
import { db } from "../db/client";
import { notFound } from "../errors";
import type { Principal } from "../auth/principal";
import { mayReadJob } from "./job-access";
import type { JobStatus } from "../db/generated/enums";
import { JOB_STATUSES, jobJsonInclude, toJobJson, withActorLabels, type JobJson } from "./job-json";

export interface JobDetail extends JobJson {
  logs: { at: string; level: string; message: string }[];
  children: JobJson[];
  /** How many children are in each status (every status, 0 when none). */
  childCounts: Record<JobStatus, number>;
}

/** The job's project id (for authorization of the un-scoped /api/v1/jobs/{id} paths). */
export async function jobProject(jobId: string): Promise<{ id: string; name: string }> {
  const row = await db().job.findUnique({ where: { id: jobId }, select: { project: { select: { id: true, name: true } } } });
  if (!row) throw notFound(`Job "${jobId}" does not exist.`);
  return row.project;
}

/** The job with its log and children; a job whose values the principal may not read is a 404 (job-access.ts). */
export async function getJob(jobId: string, principal: Principal, projectId?: string, logLimit = 500): Promise<JobDetail> {
  const row = await db().job.findUnique({ where: { id: jobId }, include: jobJsonInclude });
  if (!row || (projectId && row.projectId !== projectId)) throw notFound(`Job "${jobId}" does not exist.`);
  if (!(await mayReadJob(principal, { id: row.projectId, name: row.project.name }, row))) throw notFound(`Job "${jobId}" does not exist.`);
  const [logs, children] = await Promise.all([
    db().jobLog.findMany({ where: { jobId }, orderBy: { id: "desc" }, take: logLimit }),
    db().job.findMany({ where: { parentId: jobId }, include: jobJsonInclude, orderBy: [{ windowStart: "asc" }, { id: "asc" }] }),
  ]);
  const [job, ...kids] = await withActorLabels([toJobJson(row), ...children.map(toJobJson)]);
  const childCounts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
  for (const c of kids) childCounts[c.status] += 1;
  return {
    ...job,
    logs: logs.reverse().map((l) => ({ at: l.at.toISOString(), level: l.level, message: l.message })),
    children: kids,
    childCounts,
  };
}
