// One feature service with its references resolved to concrete feature versions.
import "server-only";
import type { ProjectRef } from "../auth/authorize";
import { db } from "../db/client";
import { notFound } from "../errors";
import { hrefs } from "../shared/hrefs";
import { commonOut } from "./read-common";
import type { FeatureServiceDetailOut } from "./read-models";
import { resolveServiceFeatures } from "./resolve-service-features";

export async function getFeatureService(project: ProjectRef, name: string): Promise<FeatureServiceDetailOut> {
  const s = await db().featureService.findUnique({
    where: { projectId_name: { projectId: project.id, name } },
    include: { features: true, models: { include: { model: true } } },
  });
  if (!s) throw notFound(`Feature service "${name}" does not exist in project "${project.name}".`);
  const features = (await resolveServiceFeatures(project.name, s.features)).get(s.id) ?? [];
  const models = s.models.map((m) => m.model).sort((a, b) => a.name.localeCompare(b.name));
  return {
    ...commonOut(s, hrefs.featureService(project.name, s.name)),
    featureRefs: s.featureRefs,
    featuresCount: features.length,
    models: models.map((m) => m.name),
    features,
    modelRefs: models.map((m) => ({ name: m.name, href: hrefs.model(project.name, m.name), archived: m.archivedAt !== null })),
  };
}
