// computePartitionStats against a brute-force oracle in plain loops: exact for partitions up to the
// sample size (with and without Parquet footers, NaN/±infinity included), within tolerance and
// deterministic above it, and independent of the row order.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { qlit } from "../duckdb/instance";
import { seededRandom } from "../../test/support/oracle";
import { openSandbox, type Sandbox } from "../duckdb/sandbox";
import { computePartitionStats, HISTOGRAM_BINS, QUANTILE_POINTS, TOP_VALUES, type FeatureStat } from "./compute-stats";

const FEATURES = [
  { name: "amount", dtype: "float64" },
  { name: "qty", dtype: "int64" },
  { name: "ratio", dtype: "float32" },
  { name: "flag", dtype: "bool" },
  { name: "category", dtype: "string" },
  { name: "tags", dtype: "list<int64>" },
  // Non-null in ~2% of rows: exact (its own full sample) where the other features are sampled.
  { name: "rare", dtype: "float64" },
  // Half the rows one value, the other half all distinct: skew must not bias the distinct estimate.
  { name: "skewed", dtype: "int64" },
];
const DAY = 86_400_000;
const T0 = Date.parse("2024-05-01T00:00:00Z");

type Row = { id: number; ts: number; amount: number | null; qty: number | null; ratio: number | null; flag: boolean | null; category: string | null; rare: number | null; skewed: number };

/** `perDay[k]` rows on day k; day `weirdDay` gets a NaN and ±infinity amounts. */
function generate(seed: number, perDay: number[], weirdDay = -1): Row[] {
  const r = seededRandom(seed);
  const rows: Row[] = [];
  perDay.forEach((n, k) => {
    for (let j = 0; j < n; j++) {
      const p = r();
      rows.push({
        id: Math.floor(r() * 1000),
        ts: T0 + k * DAY + Math.floor(r() * DAY),
        amount: p < 0.1 ? null : Math.round(r() * 100_000) / 100 - 200,
        qty: p > 0.95 ? null : Math.floor(r() * 500),
        ratio: Math.fround(r()),
        flag: p < 0.05 ? null : r() < 0.3,
        category: p < 0.2 ? null : `c${Math.floor(r() * 40)}`,
        rare: r() < 0.02 ? Math.round(r() * 1e6) / 1e3 : null,
        skewed: r() < 0.5 ? 0 : k * 1_000_000 + j + 1,
      });
    }
    if (k === weirdDay) {
      rows.push({ ...rows[rows.length - 1], ts: T0 + k * DAY + 1, amount: NaN });
      rows.push({ ...rows[rows.length - 1], ts: T0 + k * DAY + 2, amount: Infinity });
    }
  });
  return rows;
}

/** Loads the rows through a CSV file (fast, and float32 values arrive bit-exact through DOUBLE). */
async function loadRows(sb: Sandbox, table: string, rows: Row[]): Promise<void> {
  const csv = path.join(dir, `${table}.csv`);
  const cell = (v: unknown) => (v === null ? "" : String(v));
  await fs.writeFile(
    csv,
    rows.map((x) => [x.id, new Date(x.ts).toISOString().replace("T", " ").replace("Z", ""), x.amount, x.qty, x.ratio, x.flag, x.category, x.rare, x.skewed].map(cell).join(",")).join("\n") + "\n",
  );
  await sb.conn.run(
    `CREATE OR REPLACE TABLE ${table} AS SELECT customer_id, event_timestamp, NULL::TIMESTAMP AS created_timestamp, amount, qty, ratio::FLOAT AS ratio, flag, category, [coalesce(qty, 0), 1] AS tags, rare, skewed
     FROM read_csv(${qlit(csv)}, header = false, columns = {'customer_id': 'BIGINT', 'event_timestamp': 'TIMESTAMP', 'amount': 'DOUBLE', 'qty': 'BIGINT', 'ratio': 'DOUBLE', 'flag': 'BOOLEAN', 'category': 'VARCHAR', 'rare': 'DOUBLE', 'skewed': 'BIGINT'})`,
  );
}

/** One Parquet file per date, small row groups so footers combine several. */
async function writeFiles(sb: Sandbox, table: string, dates: string[], dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const d of dates) {
    const file = path.join(dir, `${table}-${d}.parquet`);
    await sb.conn.run(`COPY (SELECT * FROM ${table} WHERE CAST(event_timestamp AS DATE) = DATE '${d}') TO ${qlit(file)} (FORMAT parquet, ROW_GROUP_SIZE 100)`);
    files.set(d, file);
  }
  return files;
}

type Oracle = Omit<FeatureStat, "histogram"> & { histogram: number[] | null; finiteCount: number };

/** Plain-loop statistics; min, max, mean, stddev and histogram over the finite values. */
function oracle(rows: Row[], dates: string[]): Map<string, Oracle> {
  const out = new Map<string, Oracle>();
  for (const d of dates) {
    const inDay = rows.filter((x) => new Date(x.ts).toISOString().slice(0, 10) === d);
    for (const f of FEATURES) {
      const raw = inDay.map((x) => (f.name === "tags" ? [x.qty ?? 0, 1] : (x as unknown as Record<string, unknown>)[f.name]));
      const vals = raw.filter((v) => v !== null && v !== undefined);
      const nums = f.dtype === "string" || f.dtype.startsWith("list") ? null : vals.map((v) => (typeof v === "boolean" ? (v ? 1 : 0) : (v as number)));
      let min: number | null = null;
      let max: number | null = null;
      let mean: number | null = null;
      let stddev: number | null = null;
      let histogram: number[] | null = null;
      let quantiles: number[] | null = null;
      let finiteCount = 0;
      if (nums) {
        const finite = nums.filter(Number.isFinite);
        if (finite.length) {
          min = Math.min(...finite);
          max = Math.max(...finite);
          mean = finite.reduce((a, b) => a + b, 0) / finite.length;
        }
        if (finite.length > 1) stddev = Math.sqrt(finite.reduce((a, b) => a + (b - mean!) ** 2, 0) / (finite.length - 1));
        if (f.dtype !== "bool") {
          // quantile_cont: linear interpolation between the closest ranks (type 7).
          const sorted = [...finite].sort((a, b) => a - b);
          quantiles = sorted.length
            ? Array.from({ length: QUANTILE_POINTS }, (_, k) => {
                const pos = (k / (QUANTILE_POINTS - 1)) * (sorted.length - 1);
                const lo = Math.floor(pos);
                const hi = Math.ceil(pos);
                return lo === hi ? sorted[lo] : sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
              })
            : [];
          histogram = [];
          finiteCount = finite.length;
          if (min !== null && max !== null) {
            const bins = max === min ? 1 : HISTOGRAM_BINS;
            histogram = new Array(bins).fill(0);
            const scale = max === min ? 0 : HISTOGRAM_BINS / (max - min);
            for (const x of finite) histogram[Math.min(bins - 1, Math.floor((x - min!) * scale))]++;
          }
        }
      }
      out.set(`${f.name}|${d}`, {
        featureName: f.name,
        partition: `date=${d}`,
        rowCount: BigInt(inDay.length),
        nullFraction: inDay.length ? 1 - vals.length / inDay.length : 0,
        min,
        max,
        mean,
        stddev,
        distinct: f.dtype.startsWith("list") ? (inDay.length ? null : 0n) : BigInt(new Set(vals.map((v) => (Number.isNaN(v) ? "NaN" : String(v)))).size),
        histogram,
        quantiles,
        topValues: f.dtype === "string" || f.dtype === "bool" ? topOf(vals.map(String)) : null,
        approximate: [],
        finiteCount,
      });
    }
  }
  return out;
}

/** The TOP_VALUES most frequent values, most frequent first, ties by value. */
function topOf(vals: string[]): { value: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const v of vals) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1))
    .slice(0, TOP_VALUES);
}

const close = (a: number | null, b: number | null, what: string) => {
  if (a === null || b === null) return expect(a, what).toBe(b);
  expect(Math.abs(a - b), `${what}: ${a} vs ${b}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b)));
};

function checkExactFields(got: FeatureStat[], want: Map<string, Oracle>) {
  expect(got.length).toBe(want.size);
  for (const g of got) {
    const w = want.get(`${g.featureName}|${g.partition.slice(5)}`)!;
    const what = `${g.featureName} ${g.partition}`;
    expect(g.rowCount, what).toBe(w.rowCount);
    close(g.nullFraction, w.nullFraction, `${what} null fraction`);
    expect(g.min, `${what} min`).toBe(w.min);
    expect(g.max, `${what} max`).toBe(w.max);
    close(g.mean, w.mean, `${what} mean`);
    close(g.stddev, w.stddev, `${what} stddev`);
    if (w.histogram === null) expect(g.histogram, what).toBeNull();
    else if (w.histogram.length) {
      expect(g.histogram!.length, what).toBe(w.histogram.length);
      expect(g.histogram![0].lo, `${what} first bin starts at min`).toBe(w.min);
      expect(g.histogram!.at(-1)!.hi, `${what} last bin ends at max`).toBe(w.max);
    }
  }
}

let sb: Sandbox;
let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "larder-stats-"));
  sb = await openSandbox({ threads: 2, workDirectory: dir });
});
afterAll(async () => {
  sb.close();
  await fs.rm(dir, { recursive: true, force: true });
});

const dates = ["2024-05-01", "2024-05-02", "2024-05-03", "2024-05-04"];
const key = { sampleKey: ["customer_id", "event_timestamp", "created_timestamp"] };

describe("computePartitionStats, partitions up to the sample size (exact)", () => {
  // Day 3 has no rows; day 2 holds a NaN and ±infinity amount.
  const rows = generate(11, [700, 450, 0, 900], 1);
  const want = oracle(rows, dates);

  it("matches the oracle field by field, histograms and distinct counts included, with or without footers", async () => {
    await loadRows(sb, "exact_rows", rows);
    const files = await writeFiles(sb, "exact_rows", dates, dir);
    const scanned = await computePartitionStats(sb.conn, "exact_rows", FEATURES, dates, key);
    const footed = await computePartitionStats(sb.conn, "exact_rows", FEATURES, dates, { ...key, files });
    for (const got of [scanned, footed]) {
      checkExactFields(got, want);
      for (const g of got) {
        const w = want.get(`${g.featureName}|${g.partition.slice(5)}`)!;
        expect(g.distinct, `${g.featureName} ${g.partition} distinct`).toBe(w.distinct);
        expect(g.histogram?.map((h) => h.count) ?? null, `${g.featureName} ${g.partition} histogram`).toEqual(w.histogram);
        expect(g.topValues, `${g.featureName} ${g.partition} top values`).toEqual(w.topValues);
        expect(g.approximate, `${g.featureName} ${g.partition} approximate`).toEqual([]);
        if (w.quantiles === null) expect(g.quantiles).toBeNull();
        else {
          expect(g.quantiles!.length, `${g.featureName} ${g.partition} quantiles`).toBe(w.quantiles.length);
          g.quantiles!.forEach((q, k) => close(q, w.quantiles![k], `${g.featureName} ${g.partition} p${k}`));
        }
      }
    }
    // The NaN/±infinity day: moments and bins over its finite values; NaN and infinity still count
    // as values (null fraction, distinct).
    const amountDay2 = footed.find((s) => s.featureName === "amount" && s.partition === "date=2024-05-02")!;
    expect(amountDay2.max).not.toBeNull();
    expect(amountDay2.stddev).not.toBeNull();
    expect(amountDay2.histogram!.length).toBe(HISTOGRAM_BINS);
  });
});

describe("computePartitionStats, sampled partitions (sample size lowered to 4096)", () => {
  const rows = generate(23, [30_000, 50_000, 200, 41_000]);
  const want = oracle(rows, dates);
  const opts = { ...key, sampleRows: 4096 };

  /** The finite values of a numeric feature on a date, sorted. */
  const partitionValues = (feature: string, date: string) =>
    rows
      .filter((x) => new Date(x.ts).toISOString().startsWith(date))
      .map((x) => (x as unknown as Record<string, number | null>)[feature])
      .filter((v): v is number => typeof v === "number" && Number.isFinite(v))
      .sort((a, b) => a - b);
  const lowerBound = (a: number[], x: number) => {
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (a[m] < x) lo = m + 1;
      else hi = m;
    }
    return lo;
  };
  const upperBound = (a: number[], x: number) => {
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (a[m] <= x) lo = m + 1;
      else hi = m;
    }
    return lo;
  };

  it("keeps counts, null fractions, min, max, mean and stddev exact; histograms and distinct within tolerance", async () => {
    await loadRows(sb, "sampled_rows", rows);
    const files = await writeFiles(sb, "sampled_rows", dates, dir);
    const got = await computePartitionStats(sb.conn, "sampled_rows", FEATURES, dates, { ...opts, files });
    checkExactFields(got, want);
    for (const g of got) {
      const w = want.get(`${g.featureName}|${g.partition.slice(5)}`)!;
      const what = `${g.featureName} ${g.partition}`;
      if (g.histogram?.length) {
        // Scaled to the partition: the counts sum to the exact number of finite values (none are NaN here).
        expect(g.histogram.reduce((a, b) => a + b.count, 0), what).toBe(w.finiteCount);
        if (w.finiteCount > 4096) {
          // Sampled: each bin within 6 standard errors of a ~n/16 sample.
          const rate = 2 ** Math.ceil(Math.log2(w.finiteCount / 4096));
          g.histogram.forEach((h, k) => {
            const sd = Math.sqrt(Math.max(1, w.histogram![k]) * rate);
            expect(Math.abs(h.count - w.histogram![k]), `${what} bin ${k}`).toBeLessThanOrEqual(6 * sd + rate);
          });
        } else {
          expect(g.histogram.map((h) => h.count), what).toEqual(w.histogram);
        }
      }
      if (w.distinct !== null && g.featureName !== "tags") {
        // Distinct sampling keeps ≥ 512 values (≤ 4.4% standard error) or counts exactly: qty (≤ 500
        // values), category (40), flag (2) and rare are exact; amount and ratio estimated.
        if (["qty", "category", "flag", "rare"].includes(g.featureName)) expect(g.distinct, what).toBe(w.distinct);
        expect(Number(g.distinct), `${what} distinct vs ${w.distinct}`).toBeGreaterThanOrEqual(0.85 * Number(w.distinct));
        expect(Number(g.distinct), `${what} distinct vs ${w.distinct}`).toBeLessThanOrEqual(1.15 * Number(w.distinct));
      }
    }
    // Labels: sampled histograms/quantiles and distinct estimates say so; top values stay exact
    // (strings up to CATEGORICAL_EXACT_ROWS, bools always), as does everything on the small day.
    for (const g of got) {
      const w = want.get(`${g.featureName}|${g.partition.slice(5)}`)!;
      const what = `${g.featureName} ${g.partition}`;
      expect(g.topValues, `${what} top values`).toEqual(w.topValues);
      expect(g.approximate.includes("histogram"), `${what} histogram label`).toBe(g.histogram !== null && w.finiteCount > 4096);
      expect(g.approximate.includes("quantiles"), `${what} quantiles label`).toBe(g.histogram !== null && w.finiteCount > 4096);
      expect(g.approximate.includes("distinct"), `${what} distinct label`).toBe(g.distinct !== w.distinct);
      if (g.partition === "date=2024-05-03") expect(g.approximate, what).toEqual([]);
      if (g.quantiles?.length && w.finiteCount > 4096) {
        // Sampled quantiles from 512–1024 rows (a quarter of the 4096-row sample): each pk lies where
        // the partition's own CDF passes k% ± 6% (rank standard error ≤ 2.2%). In rank, not in value:
        // a quantile at a jump (half the values 0, then large ones) may land on either side of it.
        const sorted = partitionValues(g.featureName, g.partition.slice(5));
        g.quantiles.forEach((q, k) => {
          const below = lowerBound(sorted, q) / sorted.length;
          const atOrBelow = upperBound(sorted, q) / sorted.length;
          expect(k / 100, `${what} p${k} = ${q}: CDF ${below}…${atOrBelow}`).toBeGreaterThanOrEqual(below - 0.06);
          expect(k / 100, `${what} p${k} = ${q}: CDF ${below}…${atOrBelow}`).toBeLessThanOrEqual(atOrBelow + 0.06);
        });
      }
    }
    // Strings above the exact limit: top values from the row sample, scaled, labelled; distinct estimated.
    const capped = await computePartitionStats(sb.conn, "sampled_rows", FEATURES, dates, { ...opts, files, categoricalExactRows: 1000 });
    const cat = capped.find((x) => x.featureName === "category" && x.partition === "date=2024-05-02")!;
    const wcat = want.get("category|2024-05-02")!;
    expect(cat.approximate).toContain("topValues");
    expect(cat.topValues!.length).toBe(TOP_VALUES);
    const catRate = 2 ** Math.ceil(Math.log2((Number(wcat.rowCount) * (1 - wcat.nullFraction)) / 4096));
    for (const t of cat.topValues!) {
      // A row sample at rate 1/catRate: each count within 6 standard errors.
      const exactCount = rows.filter((x) => x.category === t.value && new Date(x.ts).toISOString().startsWith("2024-05-02")).length;
      expect(Math.abs(t.count - exactCount), `${t.value}: ${t.count} vs ${exactCount}`).toBeLessThanOrEqual(6 * Math.sqrt(exactCount * catRate) + catRate);
    }
    expect(cat.distinct).toBe(wcat.distinct); // 40 values: the distinct pass counts them exactly
    const smallCat = capped.find((x) => x.featureName === "category" && x.partition === "date=2024-05-03")!;
    expect(smallCat.approximate).toEqual([]);
    expect(capped.find((x) => x.featureName === "flag" && x.partition === "date=2024-05-02")!.approximate).toEqual([]);

    // The large days were sampled (scaled histograms and distinct estimates differ from the exact ones).
    const amount = got.find((x) => x.featureName === "amount" && x.partition === "date=2024-05-02")!;
    expect(amount.histogram!.map((h) => h.count)).not.toEqual(want.get("amount|2024-05-02")!.histogram);
    for (const name of ["ratio", "skewed"]) {
      const g = got.find((x) => x.featureName === name && x.partition === "date=2024-05-02")!;
      expect(g.distinct, name).not.toBe(want.get(`${name}|2024-05-02`)!.distinct);
    }
    // The sparse feature (≤ 1100 values per day) is exact beside sampled ones.
    for (const s of got.filter((x) => x.featureName === "rare")) {
      const w = want.get(`rare|${s.partition.slice(5)}`)!;
      expect(s.distinct, s.partition).toBe(w.distinct);
      expect(s.histogram?.map((h) => h.count), s.partition).toEqual(w.histogram);
    }
    // The small day (200 rows) is not sampled: exact.
    const small = got.filter((s) => s.partition === "date=2024-05-03");
    for (const s of small) {
      const w = want.get(`${s.featureName}|2024-05-03`)!;
      expect(s.distinct).toBe(w.distinct);
      expect(s.histogram?.map((h) => h.count) ?? null).toEqual(w.histogram);
    }
  }, 60_000); // DuckDB over ~50k rows: seconds on a busy host

  it("is deterministic and independent of the row order", async () => {
    const first = await computePartitionStats(sb.conn, "sampled_rows", FEATURES, dates, opts);
    const again = await computePartitionStats(sb.conn, "sampled_rows", FEATURES, dates, opts);
    expect(again).toEqual(first);
    await sb.conn.run("CREATE OR REPLACE TABLE shuffled_rows AS SELECT * FROM sampled_rows ORDER BY hash(customer_id * 7 + epoch_us(event_timestamp))");
    const shuffled = await computePartitionStats(sb.conn, "shuffled_rows", FEATURES, dates, opts);
    const strip = (xs: FeatureStat[]) => xs.map(({ mean, stddev, ...rest }) => ({ ...rest, mean: mean?.toPrecision(12), stddev: stddev?.toPrecision(12) }));
    expect(strip(shuffled)).toEqual(strip(first));
  });

  it("caps the total sample over many partitions and stays exact where it must", async () => {
    const manyDates = Array.from({ length: 40 }, (_, k) => new Date(T0 + k * DAY).toISOString().slice(0, 10));
    const many = generate(5, new Array(40).fill(300));
    await loadRows(sb, "many_rows", many);
    const got = await computePartitionStats(sb.conn, "many_rows", FEATURES, manyDates, { ...key, sampleRows: 64 });
    const w = oracle(many, manyDates);
    checkExactFields(got, w);
    let differ = 0;
    for (const g of got.filter((s) => s.histogram?.length)) {
      const o = w.get(`${g.featureName}|${g.partition.slice(5)}`)!;
      expect(g.histogram!.reduce((a, b) => a + b.count, 0)).toBe(o.finiteCount);
      if (JSON.stringify(g.histogram!.map((h) => h.count)) !== JSON.stringify(o.histogram)) differ++;
    }
    // 300 rows per day is below the per-partition sample size, but 40 days exceed the total: sampled.
    expect(differ).toBeGreaterThan(0);
  });
});

describe("computePartitionStats, moments far from the window's middle", () => {
  it("keeps stddev exact for values far from the window's middle and 0 for a constant partition", async () => {
    // Day 1: 1e9 + tiny noise; day 2: values in [0, 1]; day 3: one constant. The window's middle is
    // ~5e8: a sum of squares around it would lose every digit of day 1's variance.
    const r = seededRandom(3);
    const big: number[][] = [Array.from({ length: 500 }, () => 1e9 + r() * 1e-3), Array.from({ length: 500 }, () => r()), new Array(300).fill(42.5)];
    const feats = [{ name: "big", dtype: "float64" }];
    const values = big.flatMap((xs, k) => xs.map((x, j) => `(make_timestamp(${(T0 + k * DAY + j * 1000) * 1000}::BIGINT), '${x}'::DOUBLE)`));
    await sb.conn.run(`CREATE OR REPLACE TABLE far_rows AS SELECT * FROM (VALUES ${values.join(", ")}) t(event_timestamp, big)`);
    const farDates = dates.slice(0, 3);
    const files = await writeFiles(sb, "far_rows", farDates, dir);
    const got = await computePartitionStats(sb.conn, "far_rows", feats, farDates, { files });
    got.forEach((g, k) => {
      const xs = big[k];
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
      close(g.mean, mean, `day ${k} mean`);
      // 1e9 + noise keeps ~4 digits of noise per value, so even a stable algorithm (DuckDB's
      // stddev_samp) only agrees with the two-pass oracle to ~1e-5 there; plain sums would be off by 1e8×.
      expect(Math.abs(g.stddev! - sd), `day ${k} stddev ${g.stddev} vs ${sd}`).toBeLessThanOrEqual(1e-4 * sd);
      expect(g.min).toBe(Math.min(...xs));
      expect(g.max).toBe(Math.max(...xs));
    });
    expect(got[2].stddev).toBe(0);
  });
});
