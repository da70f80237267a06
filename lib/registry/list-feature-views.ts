// Feature views of a project with a summary of their latest version and freshness.
import "server-only";
import type { ProjectRef } from "../auth/authorize";
import { db } from "../db/client";
import { page, type Page } from "../shared/paging";
import { loadViewExtras, viewSummaryOut } from "./feature-view-out";
import { archivedFilter, orderByFor, type ListOptions } from "./read-common";
import type { FeatureViewSummaryOut } from "./read-models";

export async function listFeatureViews(project: ProjectRef, q: ListOptions): Promise<Page<FeatureViewSummaryOut>> {
  const where = { projectId: project.id, ...archivedFilter(q.includeArchived) };
  const result = await page(
    q,
    () => db().featureView.count({ where }),
    (p) => db().featureView.findMany({ where, orderBy: orderByFor(q.sort), ...p }),
  );
  const extras = await loadViewExtras(result.items);
  return { ...result, items: result.items.map((v) => viewSummaryOut(project.name, v, extras.get(v.id))) };
}
