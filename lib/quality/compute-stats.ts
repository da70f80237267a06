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
 */
export async function computePartitionStats(
  conn: DuckDBConnection,
  relation: string,
  features: { name: string; dtype: string }[],
  dates: string[],
): Promise<FeatureStat[]> {
  if (!features.length || !dates.length) return [];
  const dateList = dates.map((d) => `'${d}'`).join(", ");
  const out: FeatureStat[] = [];
  for (const f of features) {
    const c = qid(f.name);
    const numeric = isNumericDtype(f.dtype);
    const asNum = numeric ? `CAST(${c} AS DOUBLE)` : f.dtype === "bool" ? `CAST(${c} AS DOUBLE)` : null;
    const distinct = f.dtype.startsWith("list<") ? "NULL" : `approx_count_distinct(${c})`;
    const sql = `SELECT strftime(event_timestamp, '%Y-%m-%d') AS d, count(*) AS n, count(${c}) AS nn,
      ${asNum ? `min(${asNum}) AS mn, max(${asNum}) AS mx, avg(${asNum}) AS mean, stddev_samp(${asNum}) AS sd` : "NULL AS mn, NULL AS mx, NULL AS mean, NULL AS sd"},
      ${distinct} AS dc
      FROM ${relation} WHERE strftime(event_timestamp, '%Y-%m-%d') IN (${dateList}) GROUP BY d`;
    const rows = (await conn.runAndReadAll(sql)).getRowObjects();
    const byDate = new Map(rows.map((r) => [String(r.d), r]));
    let hist = new Map<string, { lo: number; hi: number; count: number }[]>();
    if (numeric) hist = await histograms(conn, relation, c, dates, byDate);
    for (const d of dates) {
      const r = byDate.get(d);
      const n = r ? BigInt(r.n as bigint) : 0n;
      const nn = r ? Number(r.nn) : 0;
      out.push({
        featureName: f.name,
        partition: `date=${d}`,
        rowCount: n,
        nullFraction: n === 0n ? 0 : 1 - nn / Number(n),
        min: finite(num(r?.mn)),
        max: finite(num(r?.mx)),
        mean: finite(num(r?.mean)),
        stddev: finite(num(r?.sd)),
        distinct: r && r.dc !== null ? BigInt(r.dc as bigint) : n === 0n ? 0n : null,
        histogram: numeric ? (hist.get(d) ?? []) : null,
      });
    }
  }
  return out;
}

async function histograms(
  conn: DuckDBConnection,
  relation: string,
  c: string,
  dates: string[],
  byDate: Map<string, Record<string, unknown>>,
): Promise<Map<string, { lo: number; hi: number; count: number }[]>> {
  const result = new Map<string, { lo: number; hi: number; count: number }[]>();
  const bounds: string[] = [];
  for (const d of dates) {
    const r = byDate.get(d);
    const lo = finite(num(r?.mn));
    const hi = finite(num(r?.mx));
    if (lo === null || hi === null) continue;
    bounds.push(`('${d}', ${lo}::DOUBLE, ${hi}::DOUBLE)`);
  }
  if (!bounds.length) return result;
  const sql = `WITH b(d, lo, hi) AS (VALUES ${bounds.join(", ")})
    SELECT b.d, b.lo, b.hi,
      CASE WHEN b.hi = b.lo THEN 0 ELSE least(${HISTOGRAM_BINS - 1}, floor((CAST(${c} AS DOUBLE) - b.lo) / (b.hi - b.lo) * ${HISTOGRAM_BINS}))::INTEGER END AS bin,
      count(*) AS n
    FROM ${relation} r JOIN b ON strftime(r.event_timestamp, '%Y-%m-%d') = b.d
    WHERE isfinite(CAST(${c} AS DOUBLE))
    GROUP BY ALL`;
  const rows = (await conn.runAndReadAll(sql)).getRowObjects();
  const grouped = new Map<string, { lo: number; hi: number; counts: number[] }>();
  for (const r of rows) {
    const d = String(r.d);
    const lo = Number(r.lo);
    const hi = Number(r.hi);
    const g = grouped.get(d) ?? { lo, hi, counts: new Array(hi === lo ? 1 : HISTOGRAM_BINS).fill(0) };
    g.counts[Number(r.bin)] += Number(r.n);
    grouped.set(d, g);
  }
  for (const [d, g] of grouped) {
    const width = (g.hi - g.lo) / g.counts.length;
    result.set(
      d,
      g.counts.map((count, i) => ({ lo: g.lo + i * width, hi: i === g.counts.length - 1 ? g.hi : g.lo + (i + 1) * width, count })),
    );
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
