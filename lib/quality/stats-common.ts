// The statistics pass's figures, limits and shared helpers (compute-stats.ts orchestrates the pass).
import "server-only";
import { qid } from "../duckdb/instance";
import { isNumericDtype } from "../shared/dtypes";

export const HISTOGRAM_BINS = 20;
/**
 * Non-null values of a feature in one partition above which its histogram comes from a row sample
 * of SAMPLE_ROWS/2 … SAMPLE_ROWS rows, and above half of which its distinct count comes from
 * distinct sampling (see sampleStats).
 */
export const SAMPLE_ROWS = 32_768;
/** Rows sampled over all partitions of one call at most, as a multiple of SAMPLE_ROWS. */
export const SAMPLE_PARTITIONS_CAP = 16;
/** Most frequent values kept per string/bool feature and partition. */
export const TOP_VALUES = 20;
/**
 * Non-null values of a string feature in one partition up to which its distinct count and top
 * values are exact (one GROUP BY over every value); above, both are estimates, labelled as such in
 * `approximate`. Bool features are always exact (two values).
 */
export const CATEGORICAL_EXACT_ROWS = 1_000_000;
/** The quantile grid: p0, p1, …, p100 (101 points), over the finite values. */
export const QUANTILE_POINTS = 101;
/** A sampled partition's quantiles come from 1/this of its histogram sample (SAMPLE_ROWS/4 rows or so). */
export const QUANTILE_SAMPLE_DIVISOR = 4;

/** Figures of a FeatureStat that can be estimates (listed in `approximate` when they are). */
export type ApproximateFigure = "distinct" | "histogram" | "quantiles" | "topValues";

/**
 * Statistics of one feature in one date partition. Moments are over the finite values (NaN and
 * ±infinity count as values for the null fraction and distinct, not for min … histogram).
 */
export interface FeatureStat {
  featureName: string;
  /** `date=YYYY-MM-DD` */
  partition: string;
  /** Exact. */
  rowCount: bigint;
  /** Exact. */
  nullFraction: number;
  /** Exact (numeric and bool features). */
  min: number | null;
  /** Exact (numeric and bool features). */
  max: number | null;
  /** Exact up to floating-point rounding; bool: share of true. */
  mean: number | null;
  /** Sample standard deviation, exact up to floating-point rounding. */
  stddev: number | null;
  /**
   * Distinct non-null values: exact up to SAMPLE_ROWS/2 non-null values in the partition or when
   * there are few distinct values; else estimated by distinct sampling (relative standard error
   * ≤ 4.4%, see sampleStats and docs/materialization.md). Null for lists.
   */
  distinct: bigint | null;
  /**
   * Numeric features: HISTOGRAM_BINS equal-width bins over [min, max] of the whole partition (one
   * bin when min = max; empty without finite values). Exact counts up to SAMPLE_ROWS non-null
   * values; above, counts of a row sample scaled to the partition (integers summing to its
   * estimated finite count).
   */
  histogram: { lo: number; hi: number; count: number }[] | null;
  /**
   * Numeric features: quantiles_cont at p0, p1, …, p100 of the finite values (QUANTILE_POINTS; empty
   * without finite values). Exact up to SAMPLE_ROWS non-null values per partition, else from the
   * histogram's row sample. Null for other dtypes.
   */
  quantiles: number[] | null;
  /**
   * String and bool features: the TOP_VALUES most frequent non-null values (most frequent first,
   * ties by value), bools as "true"/"false". Exact up to CATEGORICAL_EXACT_ROWS non-null values,
   * else counts of a row sample scaled to the partition. Null for other dtypes.
   */
  topValues: { value: string; count: number }[] | null;
  /** The figures above that are estimates for this partition (empty: all exact). */
  approximate: ApproximateFigure[];
}

export interface StatsOptions {
  /** The Parquet file written for each date (date → path): min and max are read from its footer. */
  files?: Map<string, string>;
  /** Columns whose hash picks the sample rows (default: event_timestamp and every feature). */
  sampleKey?: string[];
  /** Override of SAMPLE_ROWS (tests). */
  sampleRows?: number;
  /** Override of CATEGORICAL_EXACT_ROWS (tests). */
  categoricalExactRows?: number;
  /**
   * Extra additive counts per date computed in the same pass over the rows (name → an SQL count
   * aggregate such as `count(*) FILTER (WHERE …)`): the data-quality rules' counts. Results go to
   * `countsOut` (date → name → count).
   */
  counts?: Record<string, string>;
  countsOut?: Map<string, Record<string, number>>;
}

export type Feature = { name: string; dtype: string };
export type Hist = { lo: number; hi: number; count: number }[];
export type Moments = { nn: number; mean: number | null; sd: number | null; min: number | null; max: number | null };

export const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
export const finite = (v: number | null) => (v === null || !Number.isFinite(v) ? null : v);
export const isList = (f: Feature) => f.dtype.startsWith("list<");
/** Features whose values are categories: top values and an exact distinct count. */
export const isCategorical = (f: Feature) => f.dtype === "string" || f.dtype === "bool";
/** The feature as DOUBLE for moments, or null when it has none (strings, timestamps, lists…). */
export const asNum = (f: Feature, col = qid(f.name)) => (isNumericDtype(f.dtype) || f.dtype === "bool" ? `CAST(${col} AS DOUBLE)` : null);
/** A DOUBLE literal that DuckDB parses back to exactly `v` (a bare numeric literal goes through DECIMAL). */
export const dbl = (v: number | null) => (v === null || !Number.isFinite(v) ? "NULL::DOUBLE" : `'${v}'::DOUBLE`);
