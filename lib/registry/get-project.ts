// One project with the caller's role and object counts (the route has already authorized it).
import "server-only";
import type { Principal } from "../auth/principal";
import { db } from "../db/client";
import { notFound } from "../errors";
import { projectOut } from "./list-projects";
import { projectActivity } from "./project-activity";
import { projectCounts } from "./project-counts";
import type { ProjectOut } from "./read-models";

export async function getProject(principal: Principal, projectId: string): Promise<ProjectOut> {
  const row = await db().project.findUnique({ where: { id: projectId } });
  if (!row) throw notFound(`Project "${projectId}" does not exist.`);
  const [counts, activity] = await Promise.all([projectCounts([row.id]), projectActivity([row.id])]);
  return projectOut(principal, row, counts.get(row.id), activity.get(row.id));
}
