// Histograms, quantiles and top values from a deterministic hash sample of each large partition
// (exact below SAMPLE_ROWS values).
import "server-only";
import type { DuckDBConnection } from "@duckdb/node-api";
import { qid } from "../duckdb/instance";
import { isFloatDtype, isNumericDtype } from "../shared/dtypes";
import { hashThreshold, samplingShift, scaleCounts } from "./sample-estimates";
import { dayExpr, inRangeOf, keepExpr, type Top } from "./stats-categorical";
import { HISTOGRAM_BINS, QUANTILE_POINTS, QUANTILE_SAMPLE_DIVISOR, SAMPLE_ROWS, TOP_VALUES, dbl, finite, type Feature, type Hist, type StatsOptions } from "./stats-common";
import type { DateMoments } from "./stats-moments";

type Distribution = { histogram: Hist | null; quantiles: number[] | null; top: Top | null; sampled: boolean };

/**
 * p0, p1, …, p100 of a sorted list `l` of `n` values, interpolated as quantile_cont does: position
 * k·(n − 1)/100, the value below plus the fraction times the step to the value above.
 */
const QUANTILES_OF_SORTED = (() => {
  const pos = `(k * (n - 1) / ${QUANTILE_POINTS - 1})`;
  const at = (f: string) => `l[1 + ${f}(${pos})::BIGINT]`;
  return `list_transform(range(${QUANTILE_POINTS}), k -> ${at("floor")} + (${pos} - floor(${pos})) * (${at("ceil")} - ${at("floor")}))`;
})();

/**
 * Histograms and quantiles of the numeric features per date, and top values of the string
 * partitions too large for categoricalExact, from one row sample: the rows with hash(sampleKey) ≤
 * the largest threshold any feature needs on that date go to a temp table, each feature then keeps
 * its own sample (a join with per-date thresholds only where they differ) and groups it by bin or
 * value (or takes its quantiles); sampled counts are scaled to the partition.
 */
export async function sampledDistributions(
  conn: DuckDBConnection,
  relation: string,
  features: Feature[],
  byDate: Map<string, DateMoments>,
  dates: string[],
  shift: (i: number, d: string) => number | null,
  opts: StatsOptions,
): Promise<Map<string, Distribution>> {
  const result = new Map<string, Distribution>();
  const numeric = features.map((f, i) => ({ f, i })).filter(({ f }) => isNumericDtype(f.dtype));
  // Strings whose top values are not counted exactly on some date (shift is null where they are).
  const cats = features.map((f, i) => ({ f, i })).filter(({ f, i }) => f.dtype === "string" && dates.some((d) => shift(i, d) !== null));
  const members = [...numeric, ...cats];
  // Per date and numeric feature: the bin origin and scale (bins/(max − min); 0 when max = min).
  const bounds = (i: number, d: string) => {
    const m = byDate.get(d)!.m[i];
    const [lo, hi] = [finite(m.min), finite(m.max)];
    return lo === null || hi === null ? null : { lo, hi, scale: hi === lo ? 0 : HISTOGRAM_BINS / (hi - lo) };
  };
  const isNum = new Set(numeric.map(({ i }) => i));
  const threshold = (i: number, d: string) => {
    const s = shift(i, d);
    return s === null || (isNum.has(i) && !bounds(i, d)) ? null : hashThreshold(s);
  };
  const params = dates
    .map((d) => {
      const t = members.map(({ i }) => threshold(i, d));
      return { d, t, table: t.reduce<bigint | null>((a, b) => (b !== null && (a === null || b > a) ? b : a), null) };
    })
    .filter((p) => p.table !== null);
  if (!params.length) return result;

  const key = (opts.sampleKey ?? ["event_timestamp", ...features.map((f) => f.name)]).map(qid).join(", ");
  const tableT = new Map(params.map((p) => [p.d, p.table]));
  const keep = keepExpr("h", dates, (d) => tableT.get(d) ?? null, "d");
  // A feature needs its own threshold only where it is below the table's.
  const ownFlag = new Set(members.filter((_, j) => params.some((p) => p.t[j] !== p.table)).map(({ i }) => i));
  // Quantiles of a sampled partition come from a quarter of its sample (nested: the rows whose hash
  // is also below the lower threshold): sorting is most of their cost, and 8k values give p1…p99
  // within ~0.5% of rank (they are labelled estimates either way).
  const qRows = Math.max(1, Math.floor((opts.sampleRows ?? SAMPLE_ROWS) / QUANTILE_SAMPLE_DIVISOR));
  const qThreshold = (i: number, d: string, t: bigint | null) => {
    const nn = byDate.get(d)!.m[i].nn;
    if (t === null || nn <= (opts.sampleRows ?? SAMPLE_ROWS)) return null;
    const q = hashThreshold(samplingShift(nn, qRows));
    return q < t ? q : null;
  };
  const qFlag = new Set(numeric.filter(({ i }) => params.some((p) => qThreshold(i, p.d, p.t[members.findIndex((m) => m.i === i)]) !== null)).map(({ i }) => i));
  const pCols = ["d", ...members.filter(({ i }) => ownFlag.has(i)).map(({ i }) => `t${i}`), ...numeric.flatMap(({ i }) => [`lo${i}`, `sc${i}`]), ...numeric.filter(({ i }) => qFlag.has(i)).map(({ i }) => `q${i}`)];
  const pRows = params.map((p) => {
    const vals = [
      `DATE '${p.d}'`,
      ...members.flatMap(({ i }, j) => (ownFlag.has(i) ? [p.t[j] === null ? "NULL::UBIGINT" : `${p.t[j]}::UBIGINT`] : [])),
      ...numeric.flatMap(({ i }) => {
        const b = bounds(i, p.d);
        return [dbl(b?.lo ?? null), dbl(b?.scale ?? null)];
      }),
      ...numeric
        .filter(({ i }) => qFlag.has(i))
        .map(({ i }) => {
          const q = qThreshold(i, p.d, p.t[members.findIndex((m) => m.i === i)]);
          return q === null ? "NULL::UBIGINT" : `${q}::UBIGINT`;
        }),
    ];
    return `(${vals.join(", ")})`;
  });
  const pWith = `WITH p AS (SELECT * FROM (VALUES ${pRows.join(", ")}) p(${pCols.join(", ")}))`;
  const own = (i: number) => (ownFlag.has(i) ? `s.h <= p.t${i} AND ` : "");
  const sample = "__larder_stats_sample";
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE ${sample} AS SELECT d, ${ownFlag.size || qFlag.size ? "h, " : ""}${members.map(({ i }) => `v${i}`).join(", ")}
     FROM (SELECT ${dayExpr} AS d, hash(${key}) AS h, ${members.map(({ f, i }) => `${qid(f.name)} AS v${i}`).join(", ")} FROM ${relation} WHERE ${inRangeOf(dates)})
     ${keep ? `WHERE ${keep}` : ""}`,
  );
  const counts = new Map<string, { bins: number[]; kept: number }>();
  const quantiles = new Map<string, number[]>();
  const tops = new Map<string, { top: Top; kept: number }>();
  try {
    if (numeric.length) {
      // Per numeric feature, date and bin: finite values in its sample. The bin is a DOUBLE (x ≥ min,
      // so ≥ 0; NaN/±infinity are filtered out first); `kept` counts its non-null sampled values.
      const perFeature = numeric.map(({ f, i }) => {
        const x = `CAST(s.v${i} AS DOUBLE)`;
        const bin = isFloatDtype(f.dtype) ? `CASE WHEN isfinite(${x}) THEN least(${HISTOGRAM_BINS - 1}, floor((${x} - p.lo${i}) * p.sc${i})) END` : `least(${HISTOGRAM_BINS - 1}, floor((${x} - p.lo${i}) * p.sc${i}))`;
        return `SELECT ${i} AS i, CAST(d AS VARCHAR) AS d, b, c FROM (
          SELECT s.d, ${bin} AS b, count(*) AS c FROM ${sample} s JOIN p ON s.d = p.d
          WHERE ${own(i)}s.v${i} IS NOT NULL AND p.lo${i} IS NOT NULL GROUP BY ALL)`;
      });
      for (const r of (await conn.runAndReadAll(`${pWith} ${perFeature.join(" UNION ALL ")}`)).getRowObjects()) {
        const k = `${r.i}|${r.d}`;
        if (!counts.has(k)) counts.set(k, { bins: new Array<number>(HISTOGRAM_BINS).fill(0), kept: 0 });
        const c = counts.get(k)!;
        c.kept += Number(r.c);
        if (r.b !== null) c.bins[Math.max(0, Number(r.b))] += Number(r.c);
      }
      // Quantiles of the finite sampled values (the same sample as the histogram): quantile_cont's
      // interpolation over each date's sorted list (list_sort: ~12× faster than quantile_cont with 101
      // fractions on the benchmark's samples).
      const perFeatureQ = numeric.map(({ i }) => {
        const x = `CAST(s.v${i} AS DOUBLE)`;
        return `SELECT ${i} AS i, d, ${QUANTILES_OF_SORTED} AS q FROM (
          SELECT CAST(s.d AS VARCHAR) AS d, list_sort(list(${x})) AS l, count(*) AS n FROM ${sample} s JOIN p ON s.d = p.d
          WHERE ${own(i)}${qFlag.has(i) ? `(p.q${i} IS NULL OR s.h <= p.q${i}) AND ` : ""}isfinite(${x}) AND p.lo${i} IS NOT NULL GROUP BY s.d)`;
      });
      for (const r of (await conn.runAndReadAll(`${pWith} ${perFeatureQ.join(" UNION ALL ")}`)).getRowObjects()) {
        const q = r.q as { items?: unknown[] } | unknown[] | null;
        const items = Array.isArray(q) ? q : (q?.items ?? []);
        quantiles.set(`${r.i}|${r.d}`, items.map(Number));
      }
    }
    if (cats.length) {
      const perFeature = cats.map(
        ({ i }) => `SELECT ${i} AS i, CAST(d AS VARCHAR) AS d, v, c, kept FROM (
          SELECT d, v, c, sum(c) OVER (PARTITION BY d) AS kept, row_number() OVER (PARTITION BY d ORDER BY c DESC, v) AS rn FROM (
            SELECT s.d, CAST(s.v${i} AS VARCHAR) AS v, count(*) AS c FROM ${sample} s JOIN p ON s.d = p.d
            WHERE ${own(i)}s.v${i} IS NOT NULL GROUP BY ALL))
        WHERE rn <= ${TOP_VALUES}`,
      );
      const rows = (await conn.runAndReadAll(`${pWith} ${perFeature.join(" UNION ALL ")}`)).getRowObjects();
      rows.sort((a, b) => Number(b.c) - Number(a.c) || (String(a.v) < String(b.v) ? -1 : String(a.v) > String(b.v) ? 1 : 0));
      for (const r of rows) {
        const k = `${r.i}|${r.d}`;
        if (!tops.has(k)) tops.set(k, { top: [], kept: Number(r.kept) });
        tops.get(k)!.top.push({ value: String(r.v), count: Number(r.c) });
      }
    }
  } finally {
    await conn.run(`DROP TABLE IF EXISTS ${sample}`);
  }
  for (const { i } of numeric) {
    for (const { d } of params) {
      const b = bounds(i, d);
      if (!b) continue;
      const nn = byDate.get(d)!.m[i].nn;
      const bins = b.hi === b.lo ? 1 : HISTOGRAM_BINS;
      const c = counts.get(`${i}|${d}`) ?? { bins: new Array<number>(HISTOGRAM_BINS).fill(0), kept: 0 };
      const sampleCounts = c.bins.slice(0, bins);
      // Sampled: scale to the partition (the sample's finite share of the exact non-null count).
      const finiteKept = sampleCounts.reduce((a, x) => a + x, 0);
      const sampled = !(c.kept >= nn || c.kept === 0);
      const scaled = sampled ? scaleCounts(sampleCounts, Math.round((nn * finiteKept) / c.kept)) : sampleCounts;
      const width = (b.hi - b.lo) / bins;
      result.set(`${i}|${d}`, {
        histogram: scaled.map((count, k) => ({ lo: b.lo + k * width, hi: k === bins - 1 ? b.hi : b.lo + (k + 1) * width, count })),
        quantiles: quantiles.get(`${i}|${d}`) ?? [],
        top: null,
        sampled,
      });
    }
  }
  for (const { i } of cats) {
    for (const { d } of params) {
      const t = tops.get(`${i}|${d}`);
      if (!t) continue;
      const nn = byDate.get(d)!.m[i].nn;
      const scale = t.kept > 0 ? nn / t.kept : 1;
      result.set(`${i}|${d}`, { histogram: null, quantiles: null, top: t.top.map((x) => ({ value: x.value, count: Math.round(x.count * scale) })), sampled: t.kept < nn });
    }
  }
  return result;
}

/**
 * Upserts the stats of one version in one statement (INSERT … ON CONFLICT over unnest'ed arrays;
 * one upsert per row through the client cost ~0.6 s for 100 rows, more than the statistics pass).
 */
