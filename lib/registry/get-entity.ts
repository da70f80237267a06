// One entity and the views that describe it.
import "server-only";
import type { ProjectRef } from "../auth/authorize";
import { db } from "../db/client";
import { notFound } from "../errors";
import { entityOut } from "./list-entities";
import type { EntityDetailOut } from "./read-models";
import { viewsUsing } from "./views-using";

export async function getEntity(project: ProjectRef, name: string): Promise<EntityDetailOut> {
  const e = await db().entity.findUnique({ where: { projectId_name: { projectId: project.id, name } } });
  if (!e) throw notFound(`Entity "${name}" does not exist in project "${project.name}".`);
  return { ...entityOut(project.name, e), featureViews: await viewsUsing(project, { entity: name }) };
}
