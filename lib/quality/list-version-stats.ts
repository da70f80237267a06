// Reads the stored statistics of one view version for the console (most recent partitions).
import "server-only";
import type { ProjectRef } from "../auth/authorize";
import type { Principal } from "../auth/principal";
import { db } from "../db/client";
import { readableVersionId } from "./readable-version";
import type { FeatureStatOut } from "./stats-schema";
import { QUANTILE_POINTS } from "./compute-stats";

/** p1 … p99 from the stored p0 … p100 grid (null without finite values or for other dtypes). */
export function percentilesOf(quantiles: unknown): FeatureStatOut["percentiles"] {
  if (!Array.isArray(quantiles) || quantiles.length !== QUANTILE_POINTS) return null;
  const q = quantiles as number[];
  return { p1: q[1], p5: q[5], p25: q[25], p50: q[50], p75: q[75], p95: q[95], p99: q[99] };
}

export async function listVersionStats(
  principal: Principal,
  project: ProjectRef,
  viewName: string,
  version: number,
  opts: { feature?: string; partitions: number },
): Promise<{ view: string; version: number; items: FeatureStatOut[] }> {
  const versionId = await readableVersionId(principal, project, viewName, version);
  const where = { versionId, ...(opts.feature ? { featureName: opts.feature } : {}) };
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
      percentiles: percentilesOf(r.quantiles),
      topValues: Array.isArray(r.topValues) ? (r.topValues as Array<{ value: string; count: number }>) : null,
      approximate: r.approximate.filter((a): a is FeatureStatOut["approximate"][number] => ["distinct", "histogram", "quantiles", "topValues"].includes(a)),
      computedAt: r.computedAt.toISOString(),
    })),
  };
}
