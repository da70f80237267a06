// Exact counts and moments per partition in one pass over every row, and min/max from the Parquet
// footers of the files just written.
import "server-only";
import type { DuckDBConnection } from "@duckdb/node-api";
import { qid, qlit } from "../duckdb/instance";
import { isFloatDtype } from "../shared/dtypes";
import { asNum, num, type Feature, type Moments } from "./stats-common";

export type DateMoments = { n: number; m: Moments[] };

/**
 * Aggregate states per date in the moments pass: rows are spread over this many states by rowid.
 * Consecutive rows of one date (time-ordered sources) then update independent states, so the
 * floating-point updates are not one serial dependency chain (3× less CPU on the benchmark).
 */
const STATE_SPREAD = 8;
/**
 * DuckDB's row group size, its unit of parallel scanning: grouping also by rowid // this keeps each
 * aggregate state within one thread's morsel, so no thread-order-dependent float combining.
 */
const ROW_GROUP_ROWS = 122_880;

/**
 * Row count, non-null counts, mean and stddev (and min/max when the footers cannot give them) per
 * date, in one grouped pass over (date, row group, rowid % STATE_SPREAD): DuckDB's avg/stddev_samp
 * per part, merged here in a fixed order with the parallel-variance formula (Chan et al.), so the
 * result is the same on every run. NaN or ±infinity in a float
 * feature (stddev_samp fails "out of range", or a part's mean is not finite) → the pass is repeated
 * over the finite values of float features; a stddev that still overflows (finite values near
 * ±1.8e308) is left out. `relation` must be a table (rowid).
 */
export async function moments(
  conn: DuckDBConnection,
  relation: string,
  features: Feature[],
  dates: string[],
  footers: Map<string, FooterMinMax[]> | null,
  counts: Record<string, string> = {},
  countsOut?: Map<string, Record<string, number>>,
): Promise<Map<string, DateMoments>> {
  const countNames = Object.keys(counts);
  const day = "CAST(event_timestamp AS DATE)";
  const inRange = `${day} BETWEEN DATE '${dates[0]}' AND DATE '${dates[dates.length - 1]}'`;
  // Features whose min/max the footers cannot give (no files, or a row group holding NaN/±infinity,
  // for which the Parquet writer leaves min/max out) get them from this pass.
  const scanMinMax = features.map((f, i) => !!asNum(f) && (!footers || [...footers.values()].some((m) => !m[i].complete)));
  const pass = (finiteOnly: boolean, withStddev: boolean) => {
    const parts: string[] = [];
    features.forEach((f, i) => {
      const x = asNum(f);
      parts.push(`count(${qid(f.name)}) AS nn${i}`);
      if (!x) return;
      const only = finiteOnly && isFloatDtype(f.dtype) ? ` FILTER (WHERE isfinite(${x}))` : "";
      parts.push(`count(${x})${only} AS fn${i}, avg(${x})${only} AS mean${i}, ${withStddev ? `stddev_samp(${x})${only}` : "NULL::DOUBLE"} AS sd${i}`);
      if (scanMinMax[i]) parts.push(`min(${x})${only} AS mn${i}, max(${x})${only} AS mx${i}`);
    });
    countNames.forEach((name, k) => parts.push(`${counts[name]} AS xc${k}`));
    return conn.runAndReadAll(
      `SELECT CAST(d AS VARCHAR) AS d, * EXCLUDE (d) FROM (
         SELECT ${day} AS d, rowid // ${ROW_GROUP_ROWS} AS rg, rowid % ${STATE_SPREAD} AS part, count(*) AS n, ${parts.join(", ")}
         FROM ${relation} WHERE ${inRange} GROUP BY ALL)`,
    );
  };
  const outOfRange = (e: unknown) => /out of range/i.test(String((e as Error)?.message ?? e));
  const run = (finiteOnly: boolean) =>
    pass(finiteOnly, true)
      .catch((e) => (outOfRange(e) ? pass(true, true) : Promise.reject(e)))
      .catch((e) => (outOfRange(e) ? pass(true, false) : Promise.reject(e)));
  let rows = (await run(false)).getRowObjects();
  const nonFinite = (v: unknown) => v !== null && v !== undefined && !Number.isFinite(Number(v));
  if (rows.some((r) => features.some((_, i) => nonFinite(r[`mean${i}`])))) rows = (await run(true)).getRowObjects();

  // Merge the parts of each date, in part order (the same float result on every run): (k, mean,
  // M2 = sd²·(k − 1)) into the running (fn, mean, m2).
  rows.sort((a, b) => (String(a.d) < String(b.d) ? -1 : String(a.d) > String(b.d) ? 1 : Number(a.rg) - Number(b.rg) || Number(a.part) - Number(b.part)));
  type Acc = { n: number; nn: number; fn: number; mean: number; m2: number; sdKnown: boolean; min: number | null; max: number | null };
  const acc = new Map<string, Acc[]>();
  for (const r of rows) {
    const d = String(r.d);
    if (countsOut && countNames.length) {
      const c = countsOut.get(d) ?? Object.fromEntries(countNames.map((name) => [name, 0]));
      countNames.forEach((name, k) => (c[name] += Number(r[`xc${k}`] ?? 0)));
      countsOut.set(d, c);
    }
    if (!acc.has(d)) acc.set(d, features.map(() => ({ n: 0, nn: 0, fn: 0, mean: 0, m2: 0, sdKnown: true, min: null, max: null })));
    acc.get(d)!.forEach((a, i) => {
      a.n += Number(r.n);
      a.nn += Number(r[`nn${i}`]);
      const k = Number(r[`fn${i}`] ?? 0);
      if (k === 0) return;
      const mean = Number(r[`mean${i}`]);
      const sd = num(r[`sd${i}`]);
      if (sd === null && k > 1) a.sdKnown = false;
      const delta = mean - a.mean;
      const fn = a.fn + k;
      a.m2 += (sd === null ? 0 : sd * sd * (k - 1)) + (delta * delta * a.fn * k) / fn;
      a.mean += (delta * k) / fn;
      a.fn = fn;
      const [mn, mx] = [num(r[`mn${i}`]), num(r[`mx${i}`])];
      if (mn !== null && (a.min === null || mn < a.min)) a.min = mn;
      if (mx !== null && (a.max === null || mx > a.max)) a.max = mx;
    });
  }
  const result = new Map<string, DateMoments>();
  for (const [d, parts] of acc) {
    result.set(d, {
      n: parts[0].n,
      m: parts.map((a, i) => {
        const fm = footers?.get(d)?.[i];
        const numeric = !!asNum(features[i]);
        return {
          nn: a.nn,
          mean: a.fn > 0 ? a.mean : null,
          sd: a.fn > 1 && a.sdKnown ? Math.sqrt(a.m2 / (a.fn - 1)) : null,
          min: !numeric ? null : scanMinMax[i] ? a.min : (fm?.min ?? null),
          max: !numeric ? null : scanMinMax[i] ? a.max : (fm?.max ?? null),
        };
      }),
    });
  }
  return result;
}

type FooterMinMax = { min: number | null; max: number | null; complete: boolean };

/**
 * Min and max per date and numeric/bool feature from the row-group statistics of the files (exact:
 * the writer records every row group's min and max). `complete` is false when a row group with
 * non-null values has none (DuckDB writes none for a row group holding NaN or ±infinity).
 */
export async function footerMinMax(conn: DuckDBConnection, features: Feature[], files: Map<string, string>): Promise<Map<string, FooterMinMax[]>> {
  const cast = (f: Feature, v: string) =>
    f.dtype === "bool" ? `TRY_CAST(${v} AS BOOLEAN)::DOUBLE` : f.dtype === "float32" ? `TRY_CAST(${v} AS FLOAT)::DOUBLE` : `TRY_CAST(${v} AS DOUBLE)`;
  const aggs = features.flatMap((f, i) => {
    if (!asNum(f)) return [];
    const only = (extra = "") => `FILTER (WHERE path_in_schema = ${qlit(f.name)}${extra})`;
    return [
      `min(${cast(f, "stats_min_value")}) ${only()} AS mn${i}`,
      `max(${cast(f, "stats_max_value")}) ${only()} AS mx${i}`,
      `count(*) ${only(` AND num_values > coalesce(stats_null_count, 0) AND (${cast(f, "stats_min_value")} IS NULL OR ${cast(f, "stats_max_value")} IS NULL)`)} AS miss${i}`,
    ];
  });
  const result = new Map<string, FooterMinMax[]>();
  const byFile = new Map([...files].map(([d, file]) => [file, d]));
  if (aggs.length) {
    const list = `[${[...files.values()].map(qlit).join(", ")}]`;
    for (const r of (await conn.runAndReadAll(`SELECT file_name, ${aggs.join(", ")} FROM parquet_metadata(${list}) GROUP BY file_name`)).getRowObjects()) {
      const d = byFile.get(String(r.file_name));
      if (d !== undefined) result.set(d, features.map((_, i) => ({ min: num(r[`mn${i}`]), max: num(r[`mx${i}`]), complete: !Number(r[`miss${i}`] ?? 0) })));
    }
  }
  // Files without row groups (days without rows) have no values, so nothing is missing.
  for (const d of files.keys()) if (!result.has(d)) result.set(d, features.map(() => ({ min: null, max: null, complete: true })));
  return result;
}

/** Kept distinct values below which a sampled distinct count is replaced by an exact one. */
