// Reads the stored statistics of one view version for the console (most recent partitions).
import "server-only";
import type { ProjectRef } from "../auth/authorize";
import { canReadRestrictedView } from "../auth/authorize";
import type { Principal } from "../auth/principal";
import { db } from "../db/client";
import { forbidden, notFound } from "../errors";
import type { FeatureStatOut } from "./stats-schema";

export async function listVersionStats(
  principal: Principal,
  project: ProjectRef,
  viewName: string,
  version: number,
  opts: { feature?: string; partitions: number },
): Promise<{ view: string; version: number; items: FeatureStatOut[] }> {
  const view = await db().featureView.findUnique({ where: { projectId_name: { projectId: project.id, name: viewName } }, select: { id: true, restricted: true } });
  if (!view) throw notFound(`Feature view "${viewName}" does not exist in project "${project.name}".`);
  // Distributions reveal values, so restricted views show them only to those granted the view.
  if (view.restricted && !canReadRestrictedView(principal, project, viewName)) {
    throw forbidden(`Feature view "${viewName}" is restricted; ask a project admin to grant it to you.`);
  }
  const ver = await db().featureViewVersion.findUnique({ where: { featureViewId_version: { featureViewId: view.id, version } }, select: { id: true } });
  if (!ver) throw notFound(`Feature view "${viewName}" has no version ${version}.`);
  const where = { versionId: ver.id, ...(opts.feature ? { featureName: opts.feature } : {}) };
  const recent = await db().featureStatistic.findMany({ where, distinct: ["partition"], select: { partition: true }, orderBy: { partition: "desc" }, take: opts.partitions });
  const oldest = recent.at(-1)?.partition;
  const rows = oldest
    ? await db().featureStatistic.findMany({ where: { ...where, partition: { gte: oldest } }, orderBy: [{ partition: "asc" }, { featureName: "asc" }] })
    : [];
  return {
    view: viewName,
    version,
    items: rows.map((r) => ({
      featureName: r.featureName,
      partition: r.partition.replace(/^date=/, ""),
      rowCount: Number(r.rowCount),
      nullFraction: r.nullFraction,
      min: r.min,
      max: r.max,
      mean: r.mean,
      stddev: r.stddev,
      distinct: r.distinct === null ? null : Number(r.distinct),
      histogram: Array.isArray(r.histogram) ? (r.histogram as Array<{ lo: number; hi: number; count: number }>) : null,
      computedAt: r.computedAt.toISOString(),
    })),
  };
}
