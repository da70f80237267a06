// The projects a caller can see (instance admins: all), with the caller's role, object counts and
// last activity.
import "server-only";
import type { Principal } from "../auth/principal";
import { db } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { page, type Page, type PageQuery } from "../shared/paging";
import { hrefs } from "../shared/hrefs";
import { projectActivity } from "./project-activity";
import { projectCounts } from "./project-counts";
import { iso, orderByFor, type Sort } from "./read-common";
import type { ProjectOut } from "./read-models";

/** Where-clause of the projects a principal may see (membership or token scope; admins see all). */
export function visibleProjectsWhere(principal: Principal): Prisma.ProjectWhereInput {
  if (principal.kind === "user" && principal.isAdmin) return { archivedAt: null };
  const ids = principal.kind === "anonymous" ? [] : principal.grants.map((g) => g.projectId);
  return { archivedAt: null, id: { in: ids } };
}

export async function listProjects(
  principal: Principal,
  q: Pick<PageQuery, "limit" | "offset"> & { sort: Sort },
): Promise<Page<ProjectOut>> {
  const where = visibleProjectsWhere(principal);
  const result = await page(
    q,
    () => db().project.count({ where }),
    (p) => db().project.findMany({ where, orderBy: orderByFor(q.sort), ...p }),
  );
  const ids = result.items.map((r) => r.id);
  const [counts, activity] = await Promise.all([projectCounts(ids), projectActivity(ids)]);
  return { ...result, items: result.items.map((r) => projectOut(principal, r, counts.get(r.id), activity.get(r.id))) };
}

export function projectOut(
  principal: Principal,
  r: { id: string; name: string; description: string; createdAt: Date; updatedAt: Date },
  counts: ProjectOut["counts"] | undefined,
  lastActivity: Date | undefined,
): ProjectOut {
  const grant = principal.kind === "anonymous" ? undefined : principal.grants.find((g) => g.projectId === r.id);
  return {
    name: r.name,
    description: r.description,
    role: grant?.role ?? null,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
    lastActivityAt: lastActivity ? iso(lastActivity) : null,
    counts: counts ?? { entities: 0, sources: 0, featureViews: 0, features: 0, featureServices: 0, models: 0 },
    href: hrefs.project(r.name),
  };
}
