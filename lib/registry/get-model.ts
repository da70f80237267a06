// One model: the feature services it uses and every feature it reads.
import "server-only";
import type { ProjectRef } from "../auth/authorize";
import { db } from "../db/client";
import { notFound } from "../errors";
import { hrefs } from "../shared/hrefs";
import { commonOut } from "./read-common";
import type { ModelDetailOut, ResolvedFeatureOut } from "./read-models";
import { resolveServiceFeatures } from "./resolve-service-features";

export async function getModel(project: ProjectRef, name: string): Promise<ModelDetailOut> {
  const m = await db().model.findUnique({
    where: { projectId_name: { projectId: project.id, name } },
    include: { featureServices: { include: { service: { include: { features: true } } } } },
  });
  if (!m) throw notFound(`Model "${name}" does not exist in project "${project.name}".`);
  const services = m.featureServices.map((x) => x.service).sort((a, b) => a.name.localeCompare(b.name));
  const resolved = await resolveServiceFeatures(project.name, services.flatMap((s) => s.features));
  const features = new Map<string, ResolvedFeatureOut>();
  for (const s of services) for (const f of resolved.get(s.id) ?? []) if (!features.has(f.ref)) features.set(f.ref, f);
  return {
    ...commonOut(m, hrefs.model(project.name, m.name)),
    featureServices: services.map((s) => s.name),
    featureServiceRefs: services.map((s) => ({
      name: s.name,
      href: hrefs.featureService(project.name, s.name),
      archived: s.archivedAt !== null,
      featuresCount: resolved.get(s.id)?.length ?? 0,
    })),
    features: [...features.values()],
  };
}
