// Jobs that carry feature values (historical jobs: their result file is the entity table joined with
// feature values) are readable only by principals that could run the same request now: features.read
// in the project, and a grant for every restricted view among the versions the job joined
// (docs/security.md, "Values: one rule on every path"). Decided from the registry as it is now, so a
// view restricted after the job ran binds its result at once. Other jobs (materialization, backfill)
// carry counts and logs only and follow jobs.read.
import "server-only";
import { can, canReadRestrictedView } from "../auth/authorize";
import type { Principal } from "../auth/principal";
import { db } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { forbidden } from "../errors";

const VALUE_KINDS = ["historical"] as const;

function versionIdsOf(params: unknown): string[] {
  const p = params && typeof params === "object" && !Array.isArray(params) ? (params as { versionIds?: unknown }) : {};
  return Array.isArray(p.versionIds) ? p.versionIds.filter((x): x is string => typeof x === "string") : [];
}

/** Views among the job's versions the principal may not read now (names); [] = may read all. */
async function unreadableViews(principal: Principal, project: { id: string; name: string }, params: unknown): Promise<string[]> {
  const ids = versionIdsOf(params);
  if (!ids.length) return [];
  const rows = await db().featureViewVersion.findMany({
    where: { id: { in: ids } },
    select: { featureView: { select: { name: true, restricted: true } } },
  });
  return [...new Set(rows.filter((r) => r.featureView.restricted && !canReadRestrictedView(principal, project, r.featureView.name)).map((r) => r.featureView.name))];
}

/** Whether the principal may see this job at all (values jobs: the rule above). */
export async function mayReadJob(principal: Principal, project: { id: string; name: string }, job: { kind: string; params: unknown }): Promise<boolean> {
  if (!(VALUE_KINDS as readonly string[]).includes(job.kind)) return true;
  if (!can(principal, "features.read", project)) return false;
  return (await unreadableViews(principal, project, job.params)).length === 0;
}

/** Throws 403 unless the principal could run the job's request now. */
export async function assertMayReadJobValues(principal: Principal, project: { id: string; name: string }, job: { params: unknown }): Promise<void> {
  const views = await unreadableViews(principal, project, job.params);
  if (views.length) {
    throw forbidden(`This result holds values of restricted feature view${views.length === 1 ? "" : "s"} ${views.join(", ")}; ask a project admin to grant you access to ${views.length === 1 ? "it" : "them"}.`);
  }
}

/**
 * A job-list filter that leaves out the values jobs the principal may not read, in the projects
 * listed (undefined = instance admin: nothing is left out).
 */
export async function readableJobsFilter(principal: Principal, projectIds: string[] | undefined): Promise<Prisma.JobWhereInput> {
  if (projectIds === undefined || (principal.kind === "user" && principal.isAdmin)) return {};
  const projects = await db().project.findMany({ where: { id: { in: projectIds } }, select: { id: true, name: true } });
  const noValues = projects.filter((p) => !can(principal, "features.read", p)).map((p) => p.id);
  const readers = projects.filter((p) => can(principal, "features.read", p));
  const restricted = readers.length
    ? await db().featureViewVersion.findMany({
        where: { featureView: { projectId: { in: readers.map((p) => p.id) }, restricted: true } },
        select: { id: true, featureView: { select: { name: true, projectId: true } } },
      })
    : [];
  const byId = new Map(readers.map((p) => [p.id, p]));
  const hiddenVersions = restricted.filter((v) => !canReadRestrictedView(principal, byId.get(v.featureView.projectId)!, v.featureView.name)).map((v) => v.id);
  const hide: Prisma.JobWhereInput[] = [
    ...(noValues.length ? [{ projectId: { in: noValues } }] : []),
    ...hiddenVersions.map((id) => ({ params: { path: ["versionIds"], array_contains: [id] } })),
  ];
  if (!hide.length) return {};
  return { NOT: { AND: [{ kind: { in: [...VALUE_KINDS] } }, { OR: hide }] } };
}
