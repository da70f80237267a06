// One version of a feature view (versions are immutable, so old ones stay readable).
import "server-only";
import type { ProjectRef } from "../auth/authorize";
import { db } from "../db/client";
import { notFound } from "../errors";
import { versionOut, withCreatorLabels } from "./feature-view-out";
import type { FeatureViewVersionOut } from "./read-models";

export async function getFeatureViewVersion(project: ProjectRef, name: string, version: number): Promise<FeatureViewVersionOut> {
  const view = await db().featureView.findUnique({ where: { projectId_name: { projectId: project.id, name } } });
  if (!view) throw notFound(`Feature view "${name}" does not exist in project "${project.name}".`);
  const v = await db().featureViewVersion.findUnique({
    where: { featureViewId_version: { featureViewId: view.id, version } },
    include: { features: true },
  });
  if (!v) {
    throw notFound(
      `Version ${version} of feature view "${name}" does not exist in project "${project.name}"; the latest version is ${view.latestVersion}.`,
    );
  }
  return (await withCreatorLabels([versionOut(project.name, view, v)]))[0];
}
