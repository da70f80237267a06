// Feature statistics per materialized date partition (issue 3), computed in DuckDB over the same
// transformed rows the offline write uses, stored in FeatureStatistic (upsert by version + feature
// + partition) for the console's charts.
//
// Cost (docs/materialization.md, "Statistics"): one pass over every row gives the exact counts and
// moments; min and max come from the footers of the Parquet files just written (exact, free); the
// histograms and distinct counts come from a deterministic hash sample of each large partition.
import "server-only";
import type { DuckDBConnection } from "@duckdb/node-api";
import { isNumericDtype } from "../shared/dtypes";
import { categoricalExact, sampleStats } from "./stats-categorical";
import { CATEGORICAL_EXACT_ROWS, finite, isCategorical, isList, type ApproximateFigure, type Feature, type FeatureStat, type StatsOptions } from "./stats-common";
import { footerMinMax, moments } from "./stats-moments";
import { partitionName } from "../shared/offline-layout";

export { HISTOGRAM_BINS, SAMPLE_ROWS, SAMPLE_PARTITIONS_CAP, TOP_VALUES, CATEGORICAL_EXACT_ROWS, QUANTILE_POINTS, QUANTILE_SAMPLE_DIVISOR, type ApproximateFigure, type FeatureStat, type StatsOptions } from "./stats-common";


/**
 * Stats of the row-level features of `relation` (columns event_timestamp + features) per UTC date
 * of event_timestamp, for the given dates. Numeric features get min/max/mean/stddev and a
 * histogram of HISTOGRAM_BINS equal-width bins; bool features get mean = share of true.
 */
export async function computePartitionStats(
  conn: DuckDBConnection,
  relation: string,
  features: Feature[],
  dates: string[],
  opts: StatsOptions = {},
): Promise<FeatureStat[]> {
  if (!features.length || !dates.length) return [];
  const files = opts.files;
  const footers = files && dates.every((d) => files.has(d)) ? await footerMinMax(conn, features, files) : null;
  const byDate = await moments(conn, relation, features, dates, footers, opts.counts ?? {}, opts.countsOut);
  const exact = await categoricalExact(conn, relation, features, byDate, opts.categoricalExactRows ?? CATEGORICAL_EXACT_ROWS);
  const sampled = await sampleStats(conn, relation, features, byDate, exact, opts);
  const out: FeatureStat[] = [];
  features.forEach((f, i) => {
    for (const d of dates) {
      const r = byDate.get(d);
      const n = r?.n ?? 0;
      const m = r?.m[i];
      const nn = m?.nn ?? 0;
      const s = sampled.get(`${i}|${d}`);
      const c = exact.get(`${i}|${d}`);
      const numeric = isNumericDtype(f.dtype);
      const approximate: ApproximateFigure[] = [];
      if (nn > 0 && !isList(f) && !c && s?.distinctSampled) approximate.push("distinct");
      if (numeric && s?.rowsSampled) approximate.push("histogram", "quantiles");
      if (isCategorical(f) && nn > 0 && !c) approximate.push("topValues");
      out.push({
        featureName: f.name,
        partition: partitionName(d),
        rowCount: BigInt(n),
        nullFraction: n === 0 ? 0 : 1 - nn / n,
        min: finite(m?.min ?? null),
        max: finite(m?.max ?? null),
        mean: finite(m?.mean ?? null),
        stddev: finite(m?.sd ?? null),
        distinct: isList(f) ? (n === 0 ? 0n : null) : nn === 0 ? 0n : (c?.distinct ?? s?.distinct ?? null),
        histogram: numeric ? (s?.histogram ?? []) : null,
        quantiles: numeric ? (s?.quantiles ?? []) : null,
        topValues: isCategorical(f) ? (c?.top ?? s?.top ?? []) : null,
        approximate,
      });
    }
  });
  return out;
}
