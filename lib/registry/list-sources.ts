// Sources of a project, paged and sorted.
import "server-only";
import type { ProjectRef } from "../auth/authorize";
import { db } from "../db/client";
import type { Source } from "../db/generated/client";
import { page, type Page } from "../shared/paging";
import { hrefs } from "../shared/hrefs";
import { archivedFilter, commonOut, objectOf, orderByFor, type ListOptions } from "./read-common";
import type { SourceOut } from "./read-models";

export async function listSources(project: ProjectRef, q: ListOptions): Promise<Page<SourceOut>> {
  const where = { projectId: project.id, ...archivedFilter(q.includeArchived) };
  const result = await page(
    q,
    () => db().source.count({ where }),
    (p) => db().source.findMany({ where, orderBy: orderByFor(q.sort), ...p }),
  );
  return { ...result, items: result.items.map((s) => sourceOut(project.name, s)) };
}

export function sourceOut(projectName: string, s: Source): SourceOut {
  return {
    ...commonOut(s, hrefs.source(projectName, s.name)),
    kind: s.kind,
    timestampField: s.timestampField,
    createdTimestampField: s.createdTimestampField,
    definition: objectOf(s.definition),
  };
}
