// Small glue the job route handlers share: the caller's label for triggeredBy, a job as JSON, and
// authorization of the un-scoped /api/v1/jobs paths on the job's own project.
import "server-only";
import { authorize, can } from "../auth/authorize";
import type { ProjectPermission } from "../auth/permissions";
import { principalLabel, type Principal } from "../auth/principal";
import { db } from "../db/client";
import { notFound } from "../errors";
import { jobProject } from "../jobs/get-job";
import type { Endpoint } from "./endpoint";
import { jobJsonInclude, toJobJson, withActorLabels, type JobJson } from "../jobs/job-json";

export function triggeredByOf(principal: Principal): string {
  return principalLabel(principal);
}

export async function jobJson(jobId: string): Promise<JobJson> {
  const row = await db().job.findUnique({ where: { id: jobId }, include: jobJsonInclude });
  if (!row) throw notFound(`Job "${jobId}" does not exist.`);
  return (await withActorLabels([toJobJson(row)]))[0];
}

/**
 * Loads the job's project and checks the endpoint's declared jobPermission there; a job the caller
 * cannot read is a 404.
 */
export async function authorizeOnJob(principal: Principal, ep: Pick<Endpoint, "id" | "jobPermission">, jobId: string): Promise<{ id: string; name: string }> {
  const permission: ProjectPermission | undefined = ep.jobPermission;
  if (!permission) throw new Error(`${ep.id}: an un-scoped job route must declare jobPermission`);
  const project = await jobProject(jobId);
  // Do not reveal that a job exists in a project the caller cannot even read.
  if (!can(principal, "jobs.read", project)) throw notFound(`Job "${jobId}" does not exist.`);
  authorize(principal, permission, project);
  return project;
}

/** Project ids whose jobs the caller may read (undefined = every project: instance admins). */
export async function readableProjectIds(principal: Principal, projectName?: string): Promise<string[] | undefined> {
  if (projectName) {
    const p = await db().project.findUnique({ where: { name: projectName }, select: { id: true, name: true, archivedAt: true } });
    if (!p || p.archivedAt || !can(principal, "jobs.read", p)) throw notFound(`Project "${projectName}" does not exist.`);
    return [p.id];
  }
  if (principal.kind === "user" && principal.isAdmin) return undefined;
  if (principal.kind === "anonymous") return [];
  return principal.grants.filter((g) => can(principal, "jobs.read", { id: g.projectId, name: g.projectName })).map((g) => g.projectId);
}
