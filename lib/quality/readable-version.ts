// The version whose distributions (statistics, drift) a principal asks for: the view must exist,
// a restricted view only for principals granted it (distributions reveal values), the version must
// exist. Shared by the statistics and drift reads.
import "server-only";
import { canReadRestrictedView, type ProjectRef } from "../auth/authorize";
import type { Principal } from "../auth/principal";
import { db } from "../db/client";
import { forbidden, notFound } from "../errors";

export async function readableVersionId(principal: Principal, project: ProjectRef, viewName: string, version: number): Promise<string> {
  const view = await db().featureView.findUnique({ where: { projectId_name: { projectId: project.id, name: viewName } }, select: { id: true, restricted: true } });
  if (!view) throw notFound(`Feature view "${viewName}" does not exist in project "${project.name}".`);
  if (view.restricted && !canReadRestrictedView(principal, project, viewName)) {
    throw forbidden(`Feature view "${viewName}" is restricted; ask a project admin to grant it to you.`);
  }
  const ver = await db().featureViewVersion.findUnique({ where: { featureViewId_version: { featureViewId: view.id, version } }, select: { id: true } });
  if (!ver) throw notFound(`Feature view "${viewName}" has no version ${version}.`);
  return ver.id;
}

