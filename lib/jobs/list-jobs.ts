// Jobs of one or more projects, newest first, filtered by view, status, kind and parent.
import "server-only";
import { page, type Page } from "../shared/paging";
import { db } from "../db/client";
import type { Prisma } from "../db/generated/client";
import type { JobKind, JobStatus } from "../db/generated/enums";
import type { Principal } from "../auth/principal";
import { readableJobsFilter } from "./job-access";
import { jobJsonInclude, toJobJson, withActorLabels, type JobJson } from "./job-json";

export interface ListJobsQuery {
  /** Who asks: jobs holding values they may not read are left out (job-access.ts). */
  principal: Principal;
  /** Projects to list from; undefined = all (instance admins only). */
  projectIds?: string[];
  featureView?: string;
  status?: JobStatus[];
  kind?: JobKind[];
  /** A backfill's children; by default only top-level jobs are listed. */
  parentId?: string;
  includeChildren?: boolean;
  limit: number;
  offset: number;
}

export async function listJobs(q: ListJobsQuery): Promise<Page<JobJson>> {
  const where: Prisma.JobWhereInput = {
    ...(await readableJobsFilter(q.principal, q.projectIds)),
    ...(q.projectIds ? { projectId: { in: q.projectIds } } : {}),
    ...(q.featureView ? { featureView: { name: q.featureView } } : {}),
    ...(q.status?.length ? { status: { in: q.status } } : {}),
    ...(q.kind?.length ? { kind: { in: q.kind } } : {}),
    ...(q.parentId ? { parentId: q.parentId } : q.includeChildren ? {} : { parentId: null }),
  };
  return page(
    q,
    () => db().job.count({ where }),
    // A backfill's children in partition order (as its detail lists them); other lists newest first.
    async (p) =>
      withActorLabels(
        (await db().job.findMany({ where, include: jobJsonInclude, orderBy: q.parentId ? [{ windowStart: "asc" }, { id: "asc" }] : [{ createdAt: "desc" }, { id: "desc" }], ...p })).map(toJobJson),
      ),
  );
}
