// Which feature view versions a job request is about: the named views (or every active view of the
// project), each at its latest version, with what the jobs need to know about it.
import "server-only";
import { db } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { badRequest } from "../errors";
import { materializationOf, objectOf } from "../registry/read-common";

export interface TargetView {
  featureViewId: string;
  viewName: string;
  version: number;
  versionId: string;
  ttlSeconds: number | null;
  online: boolean;
  offline: boolean;
  schedule?: string;
  /** Largest aggregation window of the version in seconds (0 without aggregations). */
  largestWindowSeconds: number;
}

export function largestWindowSeconds(definition: Prisma.JsonValue): number {
  const features = objectOf(definition).features;
  let max = 0;
  if (Array.isArray(features)) {
    for (const f of features) {
      const agg = objectOf(f as Prisma.JsonValue).aggregation;
      const w = objectOf(agg as Prisma.JsonValue).windowSeconds;
      if (typeof w === "number" && w > max) max = w;
    }
  }
  return max;
}

/**
 * The latest versions of `names` (all active views when omitted). Unknown or archived names are a
 * 400 that lists them, and the views that do exist, so the caller can fix the request.
 */
export async function resolveTargetViews(projectId: string, names?: string[]): Promise<TargetView[]> {
  const views = await db().featureView.findMany({
    where: { projectId, archivedAt: null, ...(names?.length ? { name: { in: names } } : {}) },
    orderBy: { name: "asc" },
  });
  if (names?.length) {
    const found = new Set(views.map((v) => v.name));
    const missing = [...new Set(names)].filter((n) => !found.has(n));
    if (missing.length) {
      const all = await db().featureView.findMany({ where: { projectId, archivedAt: null }, select: { name: true }, orderBy: { name: "asc" } });
      throw badRequest(
        `Unknown feature view${missing.length > 1 ? "s" : ""} ${missing.map((m) => `"${m}"`).join(", ")}. ` +
          (all.length ? `This project has: ${all.map((v) => v.name).join(", ")}.` : "This project has no feature views yet."),
        missing.map((m) => ({ name: `featureViews[${names.indexOf(m)}]`, reason: `no feature view named "${m}"` })),
        "feature_view",
      );
    }
  } else if (views.length === 0) {
    throw badRequest("This project has no feature views to materialize; apply definitions first.");
  }
  const versions = await db().featureViewVersion.findMany({
    where: { OR: views.map((v) => ({ featureViewId: v.id, version: v.latestVersion })) },
  });
  const byView = new Map(versions.map((v) => [v.featureViewId, v]));
  return views.flatMap((v) => {
    const ver = byView.get(v.id);
    if (!ver) return [];
    const m = materializationOf(ver.materialization);
    return [
      {
        featureViewId: v.id,
        viewName: v.name,
        version: ver.version,
        versionId: ver.id,
        ttlSeconds: ver.ttlSeconds,
        online: m.online,
        offline: m.offline,
        ...(m.schedule ? { schedule: m.schedule } : {}),
        largestWindowSeconds: largestWindowSeconds(ver.definition),
      },
    ];
  });
}
