// Stores one job's statistics (upsert by version + feature + partition).
import "server-only";
import { randomUUID } from "node:crypto";
import { db } from "../db/client";
import type { FeatureStat } from "./stats-common";

export async function storeFeatureStats(versionId: string, stats: FeatureStat[], jobId: string | null): Promise<void> {
  if (!stats.length) return;
  // Prisma keeps DateTime as UTC wall time in timestamp(3): the ISO string's zone is dropped by the cast.
  const now = new Date();
  const col = <T>(f: (s: FeatureStat) => T) => stats.map(f);
  await db().$executeRaw`
    INSERT INTO "FeatureStatistic" ("id", "versionId", "featureName", "partition", "rowCount", "nullFraction", "min", "max", "mean", "stddev", "distinct", "histogram", "quantiles", "topValues", "approximate", "computedAt", "jobId")
    SELECT s.id, ${versionId}::text, s.feature, s.part, s.rows, s.nulls, s.mn, s.mx, s.mean, s.sd, s.dc, s.hist, s.q, s.top,
           CASE WHEN s.approx = '' THEN ARRAY[]::text[] ELSE string_to_array(s.approx, ',') END, ${now.toISOString()}::timestamp(3), ${jobId}::text
    FROM unnest(
      ${col(() => randomUUID())}::text[], ${col((s) => s.featureName)}::text[], ${col((s) => s.partition)}::text[],
      ${col((s) => String(s.rowCount))}::text[]::bigint[], ${col((s) => s.nullFraction)}::float8[],
      ${col((s) => s.min)}::float8[], ${col((s) => s.max)}::float8[], ${col((s) => s.mean)}::float8[], ${col((s) => s.stddev)}::float8[],
      ${col((s) => (s.distinct === null ? null : String(s.distinct)))}::text[]::bigint[],
      ${col((s) => (s.histogram === null ? null : JSON.stringify(s.histogram)))}::text[]::jsonb[],
      ${col((s) => (s.quantiles === null ? null : JSON.stringify(s.quantiles)))}::text[]::jsonb[],
      ${col((s) => (s.topValues === null ? null : JSON.stringify(s.topValues)))}::text[]::jsonb[],
      ${col((s) => s.approximate.join(","))}::text[]
    ) AS s(id, feature, part, rows, nulls, mn, mx, mean, sd, dc, hist, q, top, approx)
    ON CONFLICT ("versionId", "featureName", "partition") DO UPDATE SET
      "rowCount" = EXCLUDED."rowCount", "nullFraction" = EXCLUDED."nullFraction", "min" = EXCLUDED."min", "max" = EXCLUDED."max",
      "mean" = EXCLUDED."mean", "stddev" = EXCLUDED."stddev", "distinct" = EXCLUDED."distinct", "histogram" = EXCLUDED."histogram",
      "quantiles" = EXCLUDED."quantiles", "topValues" = EXCLUDED."topValues", "approximate" = EXCLUDED."approximate",
      "computedAt" = EXCLUDED."computedAt", "jobId" = EXCLUDED."jobId"`;
}
