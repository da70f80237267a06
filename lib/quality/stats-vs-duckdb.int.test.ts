// Issue 15, "statistics to trust": every figure the materialization stores is checked against
// DuckDB queries written here, directly over the partition files it wrote (and, for aggregation
// features, over the source file) — independent SQL, not the engine's code paths.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvForTests } from "../config/env";
import { db } from "../db/client";
import { qlit, withDuckConnection } from "../duckdb/instance";
import { materializeWindow } from "../materialize/materialize-window";
import { seededRandom } from "../../test/support/oracle";
import { createTestVersion, writeParquet } from "../../test/support/materialize";
import { testSourceDir } from "../../test/fixtures/data-roots";
import { HISTOGRAM_BINS, QUANTILE_POINTS } from "./compute-stats";

const uid = `${Date.now().toString(36)}${process.pid}`;
const H = 3_600_000;
const D = 24 * H;
const T0 = Date.parse("2024-06-01T00:00:00Z");
const DATES = ["2024-06-01", "2024-06-02", "2024-06-03"];

let root: string;
let src: string;
let srcDir: string;
let versionId: string;
const project = `statsdb_${uid}`;

const query = (sql: string) => withDuckConnection(async (c) => (await c.runAndReadAll(sql)).getRowObjects());
const close = (a: number | null, b: number | null, what: string) => {
  if (a === null || b === null) return expect(a, what).toBe(b);
  expect(Math.abs(a - b), `${what}: ${a} vs ${b}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b)));
};
const list = (v: unknown): number[] => (Array.isArray(v) ? v : ((v as { items: unknown[] }).items ?? [])).map(Number);

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), "larder-statsdb-"));
  process.env.OFFLINE_STORE_URI = path.join(root, "offline");
  resetEnvForTests();
  const r = seededRandom(7);
  const rows: Record<string, unknown>[] = [];
  // 40 entities, ~600 rows a day over 3 days (and one day before, for the 1d aggregate's lookback).
  for (let k = -1; k < DATES.length; k++) {
    for (let j = 0; j < 600; j++) {
      const p = r();
      rows.push({
        customer_id: Math.floor(r() * 40),
        ts: T0 + k * D + Math.floor(r() * D),
        amount: p < 0.1 ? null : Math.round(r() * 1e5) / 100 - 100,
        qty: p > 0.9 ? null : Math.floor(r() * 7),
        // The issue's case: a 3-value string feature.
        tier: p < 0.05 ? null : ["gold", "silver", "bronze"][Math.floor(r() ** 2 * 3)],
        active: p > 0.97 ? null : r() < 0.7,
      });
    }
  }
  srcDir = await testSourceDir("statsdb");
  src = path.join(srcDir, "tx.parquet");
  await writeParquet(src, [
    { name: "customer_id", type: "BIGINT" },
    { name: "ts", type: "TIMESTAMP" },
    { name: "amount", type: "DOUBLE" },
    { name: "qty", type: "BIGINT" },
    { name: "tier", type: "VARCHAR" },
    { name: "active", type: "BOOLEAN" },
  ], rows);
  const v = await createTestVersion({
    projectName: project,
    viewName: "tx",
    source: { name: "tx", kind: "parquet", path: src, timestamp_field: "ts", description: "", owner: "", tags: {} },
    joinKeys: [{ name: "customer_id", dtype: "int64" }],
    ttl: "2d",
    features: [
      { name: "amount", dtype: "float64" },
      { name: "qty", dtype: "int64" },
      { name: "tier", dtype: "string" },
      { name: "active", dtype: "bool" },
    ],
    aggregations: [{ column: "amount", function: "sum", windows: ["1d"] }, { column: "amount", function: "count", windows: ["2h"] }],
  });
  versionId = v.versionId;
  await materializeWindow({ projectName: project, viewName: "tx", version: 1, versionId, start: new Date(T0), end: new Date(T0 + DATES.length * D), writeOffline: true, writeOnline: false, jobId: `statsdb-${uid}` });
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
  await fs.rm(srcDir, { recursive: true, force: true });
  await db().$disconnect();
});

const stored = async (feature: string, date: string) => {
  const s = await db().featureStatistic.findUnique({ where: { versionId_featureName_partition: { versionId, featureName: feature, partition: `date=${date}` } } });
  expect(s, `${feature} ${date}`).not.toBeNull();
  return s!;
};
const partition = (d: string) => qlit(path.join(root, "offline", project, "tx", "v1", `date=${d}`, "data.parquet"));

/** Checks one stored row against DuckDB over `rel` (a FROM clause) and column `col`. */
async function checkFigures(feature: string, d: string, rel: string, col: string, kind: "numeric" | "categorical") {
  const s = await stored(feature, d);
  const what = `${feature} ${d}`;
  const grid = `[${Array.from({ length: QUANTILE_POINTS }, (_, k) => k / (QUANTILE_POINTS - 1)).join(", ")}]`;
  const [w] = await query(
    `SELECT count(*) AS n, count(${col}) AS nn, count(DISTINCT ${col}) AS dc,
            ${kind === "numeric" ? `min(${col})::DOUBLE AS mn, max(${col})::DOUBLE AS mx, avg(${col}) AS mean, stddev_samp(${col}) AS sd, quantile_cont(${col}::DOUBLE, ${grid}) AS q` : "NULL AS mn"}
     FROM ${rel}`,
  );
  expect(Number(s.rowCount), `${what} rows`).toBe(Number(w.n));
  close(s.nullFraction, Number(w.n) ? 1 - Number(w.nn) / Number(w.n) : 0, `${what} null fraction`);
  expect(Number(s.distinct), `${what} distinct`).toBe(Number(w.dc));
  expect(s.approximate, `${what} approximate`).toEqual([]);
  if (kind === "numeric") {
    close(s.min, Number(w.mn), `${what} min`);
    close(s.max, Number(w.mx), `${what} max`);
    close(s.mean, Number(w.mean), `${what} mean`);
    close(s.stddev, Number(w.sd), `${what} stddev`);
    const q = s.quantiles as number[];
    list(w.q).forEach((x, k) => close(q[k], x, `${what} p${k}`));
    const width = (Number(w.mx) - Number(w.mn)) / HISTOGRAM_BINS;
    const bins = await query(
      `SELECT least(${HISTOGRAM_BINS - 1}, floor((${col} - ${Number(w.mn)}) / ${width}))::INT AS b, count(*) AS c FROM ${rel} WHERE ${col} IS NOT NULL GROUP BY 1 ORDER BY 1`,
    );
    const want = new Array(HISTOGRAM_BINS).fill(0);
    for (const b of bins) want[Number(b.b)] = Number(b.c);
    expect((s.histogram as { count: number }[]).map((h) => h.count), `${what} histogram`).toEqual(want);
  } else {
    const top = await query(`SELECT CAST(${col} AS VARCHAR) AS value, count(*) AS count FROM ${rel} WHERE ${col} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20`);
    expect(s.topValues, `${what} top values`).toEqual(top.map((t) => ({ value: String(t.value), count: Number(t.count) })));
  }
}

describe("feature statistics against DuckDB on the written partitions", () => {
  for (const d of DATES) {
    it(`row-level features of ${d}: every figure`, async () => {
      await checkFigures("amount", d, `read_parquet(${partition(d)})`, "amount", "numeric");
      await checkFigures("qty", d, `read_parquet(${partition(d)})`, "qty", "numeric");
      await checkFigures("tier", d, `read_parquet(${partition(d)})`, "tier", "categorical");
      await checkFigures("active", d, `read_parquet(${partition(d)})`, "active", "categorical");
      // The 3-value string: exact distinct 3 and its three top values.
      const tier = await stored("tier", d);
      expect(Number(tier.distinct)).toBe(3);
      expect((tier.topValues as unknown[]).length).toBe(3);
    });

    it(`aggregation features of ${d}: per entity as of the day's last instant`, async () => {
      // t = the day's 23:59:59.999999; entities with rows in (t − 1d, t]; sum over 1d, count over 2h.
      const t = `(TIMESTAMP '${d}' + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND)`;
      const rel = `(SELECT customer_id,
                      sum(amount) FILTER (WHERE ts > ${t} - INTERVAL 1 DAY) AS amount_sum_1d,
                      count(amount) FILTER (WHERE ts > ${t} - INTERVAL 2 HOUR) AS amount_count_2h
                    FROM read_parquet(${qlit(src)}) WHERE ts <= ${t} AND ts > ${t} - INTERVAL 1 DAY GROUP BY customer_id)`;
      await checkFigures("amount_sum_1d", d, rel, "amount_sum_1d", "numeric");
      await checkFigures("amount_count_2h", d, rel, "amount_count_2h", "numeric");
    });
  }
});
