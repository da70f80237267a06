// Models (consumers of feature services) of a project, paged and sorted.
import "server-only";
import type { ProjectRef } from "../auth/authorize";
import { db } from "../db/client";
import { page, type Page } from "../shared/paging";
import { hrefs } from "../shared/hrefs";
import { archivedFilter, commonOut, orderByFor, type ListOptions } from "./read-common";
import type { ModelOut } from "./read-models";

export async function listModels(project: ProjectRef, q: ListOptions): Promise<Page<ModelOut>> {
  const where = { projectId: project.id, ...archivedFilter(q.includeArchived) };
  const result = await page(
    q,
    () => db().model.count({ where }),
    (p) =>
      db().model.findMany({
        where,
        orderBy: orderByFor(q.sort),
        include: { featureServices: { include: { service: { select: { name: true } } } } },
        ...p,
      }),
  );
  return {
    ...result,
    items: result.items.map((m) => ({
      ...commonOut(m, hrefs.model(project.name, m.name)),
      featureServices: m.featureServices.map((x) => x.service.name).sort(),
    })),
  };
}
