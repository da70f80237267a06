// One feature view: every version with its features and definition, and where it is used.
import "server-only";
import type { ProjectRef } from "../auth/authorize";
import { db } from "../db/client";
import { notFound } from "../errors";
import { hrefs } from "../shared/hrefs";
import { loadViewExtras, versionOut, viewSummaryOut, withCreatorLabels } from "./feature-view-out";
import type { FeatureViewDetailOut } from "./read-models";

export async function getFeatureView(project: ProjectRef, name: string): Promise<FeatureViewDetailOut> {
  const view = await db().featureView.findUnique({
    where: { projectId_name: { projectId: project.id, name } },
    include: { versions: { include: { features: true }, orderBy: { version: "desc" } } },
  });
  if (!view) throw notFound(`Feature view "${name}" does not exist in project "${project.name}".`);
  const { versions, ...row } = view;
  const [extras, versionsOut, usedBy] = await Promise.all([
    loadViewExtras([view]),
    withCreatorLabels(versions.map((v) => versionOut(project.name, view, v))),
    whereUsed(project.name, view.id),
  ]);
  return { ...viewSummaryOut(project.name, row, extras.get(view.id)), versions: versionsOut, usedBy };
}

/** Feature services that reference the view (any version) and the models that use those services. */
export async function whereUsed(projectName: string, viewId: string): Promise<FeatureViewDetailOut["usedBy"]> {
  const services = await db().featureService.findMany({
    where: { features: { some: { featureViewId: viewId } } },
    include: { models: { include: { model: true } } },
    orderBy: { name: "asc" },
  });
  const models = new Map<string, { name: string; href: string; archived: boolean; via: string[] }>();
  for (const s of services) {
    for (const { model } of s.models) {
      const m = models.get(model.name) ?? { name: model.name, href: hrefs.model(projectName, model.name), archived: model.archivedAt !== null, via: [] };
      m.via.push(s.name);
      models.set(model.name, m);
    }
  }
  return {
    featureServices: services.map((s) => ({ name: s.name, href: hrefs.featureService(projectName, s.name), archived: s.archivedAt !== null })),
    models: [...models.values()].sort((a, b) => a.name.localeCompare(b.name)),
  };
}
