// One source and the views that read it.
import "server-only";
import type { ProjectRef } from "../auth/authorize";
import { db } from "../db/client";
import { notFound } from "../errors";
import { sourceOut } from "./list-sources";
import type { SourceDetailOut } from "./read-models";
import { viewsUsing } from "./views-using";

export async function getSource(project: ProjectRef, name: string): Promise<SourceDetailOut> {
  const s = await db().source.findUnique({ where: { projectId_name: { projectId: project.id, name } } });
  if (!s) throw notFound(`Source "${name}" does not exist in project "${project.name}".`);
  return { ...sourceOut(project.name, s), featureViews: await viewsUsing(project, { source: name }) };
}
