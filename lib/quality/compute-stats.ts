// Feature statistics per materialized date partition (issue 3), computed in DuckDB over the same
// transformed rows the offline write uses, stored in FeatureStatistic (upsert by version + feature
// + partition) for the console's charts.
import type { DuckDBConnection } from "@duckdb/node-api";
import { db } from "../db/client";
import { qid } from "../duckdb/instance";
import { isNumericDtype } from "../materialize/dtypes";

export const HISTOGRAM_BINS = 20;

export interface FeatureStat {
  featureName: string;
  /** `date=YYYY-MM-DD` */
  partition: string;
  rowCount: bigint;
  nullFraction: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  stddev: number | null;
  distinct: bigint | null;
  histogram: { lo: number; hi: number; count: number }[] | null;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const finite = (v: number | null) => (v === null || !Number.isFinite(v) ? null : v);

/**
 * Stats of the row-level features of `relation` (columns event_timestamp + features) per UTC date
 * of event_timestamp, for the given dates. Numeric features get min/max/mean/stddev and a
 * histogram of HISTOGRAM_BINS equal-width bins; bool features get mean = share of true.
 * Two scans in total, whatever the number of features: moments, then all histograms.
 */
export async function computePartitionStats(
  conn: DuckDBConnection,
  relation: string,
  features: { name: string; dtype: string }[],
  dates: string[],
): Promise<FeatureStat[]> {
  if (!features.length || !dates.length) return [];
  const lo = `DATE '${dates[0]}'`;
  const hi = `DATE '${dates[dates.length - 1]}'`;
  const day = "CAST(event_timestamp AS DATE)";
  const asNum = (f: { name: string; dtype: string }) =>
    isNumericDtype(f.dtype) || f.dtype === "bool" ? `CAST(${qid(f.name)} AS DOUBLE)` : null;
  const parts: string[] = [];
  features.forEach((f, i) => {
    const c = qid(f.name);
    const n = asNum(f);
    parts.push(`count(${c}) AS nn${i}`);
    parts.push(n ? `min(${n}) AS mn${i}, max(${n}) AS mx${i}, avg(${n}) AS mean${i}, stddev_samp(${n}) AS sd${i}` : `NULL AS mn${i}, NULL AS mx${i}, NULL AS mean${i}, NULL AS sd${i}`);
    parts.push(f.dtype.startsWith("list<") ? `NULL AS dc${i}` : `approx_count_distinct(${c}) AS dc${i}`);
  });
  const rows = (
    await conn.runAndReadAll(
      `SELECT CAST(${day} AS VARCHAR) AS d, count(*) AS n, ${parts.join(", ")} FROM ${relation} WHERE ${day} BETWEEN ${lo} AND ${hi} GROUP BY ALL`,
    )
  ).getRowObjects();
  const byDate = new Map(rows.map((r) => [String(r.d), r]));
  const hist = await histograms(conn, relation, features, byDate);
  const out: FeatureStat[] = [];
  features.forEach((f, i) => {
    const numeric = isNumericDtype(f.dtype);
    for (const d of dates) {
      const r = byDate.get(d);
      const n = r ? BigInt(r.n as bigint) : 0n;
      const nn = r ? Number(r[`nn${i}`]) : 0;
      out.push({
        featureName: f.name,
        partition: `date=${d}`,
        rowCount: n,
        nullFraction: n === 0n ? 0 : 1 - nn / Number(n),
        min: finite(num(r?.[`mn${i}`])),
        max: finite(num(r?.[`mx${i}`])),
        mean: finite(num(r?.[`mean${i}`])),
        stddev: finite(num(r?.[`sd${i}`])),
        distinct: r && r[`dc${i}`] !== null ? BigInt(r[`dc${i}`] as bigint) : n === 0n ? 0n : null,
        histogram: numeric ? (hist.get(`${i}|${d}`) ?? []) : null,
      });
    }
  });
  return out;
}

/** All numeric features' histograms in one scan: bin indexes aggregated with histogram() per date. */
async function histograms(
  conn: DuckDBConnection,
  relation: string,
  features: { name: string; dtype: string }[],
  byDate: Map<string, Record<string, unknown>>,
): Promise<Map<string, { lo: number; hi: number; count: number }[]>> {
  const result = new Map<string, { lo: number; hi: number; count: number }[]>();
  const numeric = features.map((f, i) => ({ f, i })).filter(({ f }) => isNumericDtype(f.dtype));
  if (!numeric.length || !byDate.size) return result;
  const boundRows: string[] = [];
  for (const [d, r] of byDate) {
    const vals = numeric.flatMap(({ i }) => {
      const lo = finite(num(r[`mn${i}`]));
      const hi = finite(num(r[`mx${i}`]));
      return [lo === null ? "NULL::DOUBLE" : `${lo}::DOUBLE`, hi === null ? "NULL::DOUBLE" : `${hi}::DOUBLE`];
    });
    boundRows.push(`(DATE '${d}', ${vals.join(", ")})`);
  }
  const boundCols = numeric.flatMap(({ i }) => [`lo${i}`, `hi${i}`]);
  const aggs = numeric.map(({ f, i }) => {
    const x = `CAST(r.${qid(f.name)} AS DOUBLE)`;
    const bin = `CASE WHEN b.hi${i} = b.lo${i} THEN 0 ELSE least(${HISTOGRAM_BINS - 1}, floor((${x} - b.lo${i}) / (b.hi${i} - b.lo${i}) * ${HISTOGRAM_BINS}))::INTEGER END`;
    return `histogram(${bin}) FILTER (WHERE isfinite(${x})) AS h${i}`;
  });
  const sql = `WITH b(d, ${boundCols.join(", ")}) AS (VALUES ${boundRows.join(", ")})
    SELECT CAST(b.d AS VARCHAR) AS d, ${numeric.map(({ i }) => `any_value(b.lo${i}) AS lo${i}, any_value(b.hi${i}) AS hi${i}`).join(", ")}, ${aggs.join(", ")}
    FROM ${relation} r JOIN b ON CAST(r.event_timestamp AS DATE) = b.d GROUP BY b.d`;
  const rows = (await conn.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  for (const r of rows) {
    for (const { i } of numeric) {
      const lo = num(r[`lo${i}`]);
      const hi = num(r[`hi${i}`]);
      if (lo === null || hi === null) continue;
      const bins = hi === lo ? 1 : HISTOGRAM_BINS;
      const counts = new Array(bins).fill(0);
      for (const { key, value } of (r[`h${i}`] as { key: number; value: number }[] | null) ?? []) counts[Number(key)] += Number(value);
      const width = (hi - lo) / bins;
      result.set(
        `${i}|${r.d}`,
        counts.map((count, k) => ({ lo: lo + k * width, hi: k === bins - 1 ? hi : lo + (k + 1) * width, count })),
      );
    }
  }
  return result;
}

/** Upserts the stats of one version in one transaction. */
export async function storeFeatureStats(versionId: string, stats: FeatureStat[], jobId: string | null): Promise<void> {
  if (!stats.length) return;
  const now = new Date();
  await db().$transaction(
    stats.map((s) => {
      const data = {
        rowCount: s.rowCount,
        nullFraction: s.nullFraction,
        min: s.min,
        max: s.max,
        mean: s.mean,
        stddev: s.stddev,
        distinct: s.distinct,
        histogram: s.histogram ?? undefined,
        computedAt: now,
        jobId,
      };
      return db().featureStatistic.upsert({
        where: { versionId_featureName_partition: { versionId, featureName: s.featureName, partition: s.partition } },
        create: { versionId, featureName: s.featureName, partition: s.partition, ...data },
        update: data,
      });
    }),
  );
}
