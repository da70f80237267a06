// Strings and bools: exact distinct counts and top values up to CATEGORICAL_EXACT_ROWS values per
// partition; above, distinct sampling (labelled approximate).
import "server-only";
import type { DuckDBConnection } from "@duckdb/node-api";
import { qid } from "../duckdb/instance";
import { hashThreshold, samplingShift } from "./sample-estimates";
import { SAMPLE_PARTITIONS_CAP, SAMPLE_ROWS, TOP_VALUES, isCategorical, isList, type Feature, type Hist, type StatsOptions } from "./stats-common";
import { sampledDistributions } from "./stats-distributions";
import type { DateMoments } from "./stats-moments";

const MIN_KEPT_DISTINCT = 512;

export type Top = { value: string; count: number }[];
type Sampled = {
  distinct: bigint | null;
  /** The distinct count is a distinct-sampling estimate. */
  distinctSampled: boolean;
  histogram: Hist | null;
  quantiles: number[] | null;
  /** Top values from the row sample (only where categoricalExact did not count them). */
  top: Top | null;
  /** The histogram and quantiles come from a row sample (not every value). */
  rowsSampled: boolean;
};
type ExactCategorical = { distinct: bigint; top: Top };

/**
 * Exact distinct counts and top values of the string and bool features per date, where the
 * partition has at most CATEGORICAL_EXACT_ROWS non-null values (bools: always): one GROUP BY
 * (date, value) per feature; the number of groups is the distinct count.
 */
export async function categoricalExact(
  conn: DuckDBConnection,
  relation: string,
  features: Feature[],
  byDate: Map<string, DateMoments>,
  exactRows: number,
): Promise<Map<string, ExactCategorical>> {
  const result = new Map<string, ExactCategorical>();
  const parts = features
    .map((f, i) => ({ f, i }))
    .filter(({ f }) => isCategorical(f))
    .map(({ f, i }) => ({
      f,
      i,
      dates: [...byDate.keys()].filter((d) => {
        const nn = byDate.get(d)!.m[i].nn;
        return nn > 0 && (f.dtype === "bool" || nn <= exactRows);
      }),
    }))
    .filter((p) => p.dates.length);
  if (!parts.length) return result;
  const sql = parts
    .map(
      ({ f, i, dates }) => `SELECT ${i} AS i, CAST(d AS VARCHAR) AS d, v, c, g FROM (
        SELECT d, v, c, count(*) OVER (PARTITION BY d) AS g, row_number() OVER (PARTITION BY d ORDER BY c DESC, v) AS rn
        FROM (SELECT ${dayExpr} AS d, CAST(${qid(f.name)} AS VARCHAR) AS v, count(*) AS c FROM ${relation}
              WHERE ${dayExpr} IN (${dates.map((d) => `DATE '${d}'`).join(", ")}) AND ${qid(f.name)} IS NOT NULL GROUP BY ALL))
      WHERE rn <= ${TOP_VALUES}`,
    )
    .join(" UNION ALL ");
  const rows = (await conn.runAndReadAll(sql)).getRowObjects();
  rows.sort((a, b) => Number(a.i) - Number(b.i) || String(a.d).localeCompare(String(b.d)) || Number(b.c) - Number(a.c) || (String(a.v) < String(b.v) ? -1 : 1));
  for (const r of rows) {
    const k = `${r.i}|${r.d}`;
    if (!result.has(k)) result.set(k, { distinct: BigInt(Number(r.g)), top: [] });
    result.get(k)!.top.push({ value: String(r.v), count: Number(r.c) });
  }
  return result;
}

/**
 * Distinct counts, histograms, quantiles (and top values of large string partitions) of every
 * (feature, date) with values, exact or estimated at a rate 2^-shift chosen from the feature's
 * non-null count in the partition (samplingShift):
 * - distinct (exact up to SAMPLE_ROWS/2 values): the distinct values whose hash is ≤ the rate's
 *   threshold, counted exactly, times 2^shift. Distinct sampling: a value is in or out whatever its
 *   frequency, so skew does not bias it; relative standard error 1/√kept. Fewer than
 *   MIN_KEPT_DISTINCT kept values means few values, which a second pass counts exactly.
 * - histogram and quantiles (exact up to SAMPLE_ROWS values): the rows whose hash(sampleKey) is ≤
 *   the threshold, a row sample; bin counts scaled to the partition.
 * Per-partition sample sizes shrink when many partitions would exceed SAMPLE_PARTITIONS_CAP.
 * Pairs already in `exact` (categoricalExact) are not counted again.
 */
export async function sampleStats(
  conn: DuckDBConnection,
  relation: string,
  features: Feature[],
  byDate: Map<string, DateMoments>,
  exact: Map<string, ExactCategorical>,
  opts: StatsOptions,
): Promise<Map<string, Sampled>> {
  const result = new Map<string, Sampled>();
  const dates = [...byDate.keys()].sort();
  if (!dates.length) return result;
  let perPartition = opts.sampleRows ?? SAMPLE_ROWS;
  const cap = SAMPLE_PARTITIONS_CAP * perPartition;
  const wanted = dates.reduce((a, d) => a + Math.min(byDate.get(d)!.n, perPartition), 0);
  if (wanted > cap) perPartition = Math.max(1, Math.floor((perPartition * cap) / wanted));
  // Per feature and date: the sampling shift (null: no values, or counted exactly already);
  // distinct sampling at half the rows.
  const shift = (rows: number) => (i: number, d: string) => {
    const nn = byDate.get(d)!.m[i].nn;
    return nn > 0 && !exact.has(`${i}|${d}`) ? samplingShift(nn, rows) : null;
  };
  const distinct = await distinctCounts(conn, relation, features, dates, shift(Math.max(1, perPartition / 2)));
  const dist = await sampledDistributions(conn, relation, features, byDate, dates, shift(perPartition), opts);
  features.forEach((f, i) => {
    for (const d of dates) {
      const k = `${i}|${d}`;
      const h = dist.get(k);
      result.set(k, {
        distinct: distinct.counts.get(k) ?? null,
        distinctSampled: distinct.sampled.has(k),
        histogram: h?.histogram ?? null,
        quantiles: h?.quantiles ?? null,
        top: h?.top ?? null,
        rowsSampled: h?.sampled ?? false,
      });
    }
  });
  return result;
}

export const dayExpr = "CAST(event_timestamp AS DATE)";
export const inRangeOf = (dates: string[]) => `${dayExpr} BETWEEN DATE '${dates[0]}' AND DATE '${dates[dates.length - 1]}'`;

/**
 * `<hash> <= threshold of the row's date` with per-date thresholds (null: keep none), or "" when
 * every date keeps everything. A constant when all dates share one threshold, else a list indexed
 * by the day offset from the first date.
 */
export function keepExpr(hash: string, dates: string[], threshold: (d: string) => bigint | null, day = dayExpr): string {
  const ts = dates.map(threshold);
  const all = hashThreshold(0);
  if (ts.every((t) => t === all)) return "";
  if (ts.every((t) => t === ts[0]) && ts[0] !== null) return `${hash} <= ${ts[0]}::UBIGINT`;
  const first = Date.parse(`${dates[0]}T00:00:00Z`);
  const span = Math.round((Date.parse(`${dates[dates.length - 1]}T00:00:00Z`) - first) / 86_400_000) + 1;
  const list = new Array<string>(span).fill("NULL::UBIGINT");
  dates.forEach((d, k) => {
    if (ts[k] !== null) list[Math.round((Date.parse(`${d}T00:00:00Z`) - first) / 86_400_000)] = `${ts[k]}::UBIGINT`;
  });
  return `${hash} <= [${list.join(", ")}][date_diff('day', DATE '${dates[0]}', ${day}) + 1]`;
}

/** Distinct non-null values per (feature, date): exact, or by distinct sampling (see sampleStats). */
async function distinctCounts(
  conn: DuckDBConnection,
  relation: string,
  features: Feature[],
  dates: string[],
  shift: (i: number, d: string) => number | null,
): Promise<{ counts: Map<string, bigint>; sampled: Set<string> }> {
  const result = new Map<string, bigint>();
  const sampledKeys = new Set<string>();
  const counted = features.map((f, i) => ({ f, i })).filter(({ f, i }) => !isList(f) && dates.some((d) => shift(i, d) !== null));
  if (!counted.length) return { counts: result, sampled: sampledKeys };
  // Per feature and date: distinct values among those kept (SELECT DISTINCT, then count per date).
  const query = (parts: { i: number; keep: string; where: string }[]) =>
    parts
      .map(
        ({ i, keep, where }) => `SELECT ${i} AS i, CAST(d AS VARCHAR) AS d, c FROM (SELECT d, count(*) AS c FROM (
          SELECT DISTINCT ${dayExpr} AS d, ${qid(features[i].name)} AS v FROM ${relation}
          WHERE ${where} AND ${qid(features[i].name)} IS NOT NULL${keep ? ` AND ${keep}` : ""}) GROUP BY d)`,
      )
      .join(" UNION ALL ");
  const sampled = counted.map(({ f, i }) => ({
    i,
    keep: keepExpr(`hash(${qid(f.name)})`, dates, (d) => {
      const s = shift(i, d);
      return s === null ? null : hashThreshold(s);
    }),
    where: inRangeOf(dates),
  }));
  const kept = new Map<string, number>();
  for (const r of (await conn.runAndReadAll(query(sampled))).getRowObjects()) kept.set(`${r.i}|${r.d}`, Number(r.c));
  // Scale up, or count exactly where too few values were kept to estimate from.
  const exact = new Map<number, string[]>();
  for (const { i } of counted) {
    for (const d of dates) {
      const s = shift(i, d);
      if (s === null) continue;
      const c = kept.get(`${i}|${d}`) ?? 0;
      if (s === 0) result.set(`${i}|${d}`, BigInt(c));
      else if (c >= MIN_KEPT_DISTINCT) {
        result.set(`${i}|${d}`, BigInt(c) << BigInt(s));
        sampledKeys.add(`${i}|${d}`);
      }
      else exact.set(i, [...(exact.get(i) ?? []), d]);
    }
  }
  if (exact.size) {
    const parts = [...exact].map(([i, ds]) => ({ i, keep: "", where: `${dayExpr} IN (${ds.map((d) => `DATE '${d}'`).join(", ")})` }));
    for (const r of (await conn.runAndReadAll(query(parts))).getRowObjects()) result.set(`${r.i}|${r.d}`, BigInt(Number(r.c)));
  }
  return { counts: result, sampled: sampledKeys };
}
