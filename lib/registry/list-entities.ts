// Entities of a project, paged and sorted.
import "server-only";
import { db } from "../db/client";
import { page, type Page } from "../shared/paging";
import { hrefs } from "../shared/hrefs";
import { archivedFilter, commonOut, orderByFor, type ListOptions } from "./read-common";
import type { EntityOut } from "./read-models";
import type { Entity } from "../db/generated/client";
import type { ProjectRef } from "../auth/authorize";

export async function listEntities(project: ProjectRef, q: ListOptions): Promise<Page<EntityOut>> {
  const where = { projectId: project.id, ...archivedFilter(q.includeArchived) };
  const result = await page(
    q,
    () => db().entity.count({ where }),
    (p) => db().entity.findMany({ where, orderBy: orderByFor(q.sort), ...p }),
  );
  return { ...result, items: result.items.map((e) => entityOut(project.name, e)) };
}

export function entityOut(projectName: string, e: Entity): EntityOut {
  const joinKeys = Array.isArray(e.joinKeys)
    ? (e.joinKeys as Array<{ name?: unknown; dtype?: unknown }>).map((k) => ({ name: String(k?.name ?? ""), dtype: String(k?.dtype ?? "") }))
    : [];
  return { ...commonOut(e, hrefs.entity(projectName, e.name)), joinKeys };
}
