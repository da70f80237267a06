// Feature services of a project, paged and sorted.
import "server-only";
import type { ProjectRef } from "../auth/authorize";
import { db } from "../db/client";
import { page, type Page } from "../shared/paging";
import { hrefs } from "../shared/hrefs";
import { archivedFilter, commonOut, orderByFor, type ListOptions } from "./read-common";
import type { FeatureServiceOut } from "./read-models";
import { resolveServiceFeatures } from "./resolve-service-features";

const include = {
  features: true,
  models: { include: { model: { select: { name: true } } } },
} as const;

export async function listFeatureServices(project: ProjectRef, q: ListOptions): Promise<Page<FeatureServiceOut>> {
  const where = { projectId: project.id, ...archivedFilter(q.includeArchived) };
  const result = await page(
    q,
    () => db().featureService.count({ where }),
    (p) => db().featureService.findMany({ where, orderBy: orderByFor(q.sort), include, ...p }),
  );
  const resolved = await resolveServiceFeatures(project.name, result.items.flatMap((s) => s.features));
  return {
    ...result,
    items: result.items.map((s) => ({
      ...commonOut(s, hrefs.featureService(project.name, s.name)),
      featureRefs: s.featureRefs,
      featuresCount: resolved.get(s.id)?.length ?? 0,
      models: s.models.map((m) => m.model.name).sort(),
    })),
  };
}
