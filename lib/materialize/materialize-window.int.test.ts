// The engine against the brute-force oracle, on real DuckDB, Redis and Postgres.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { resetEnvForTests } from "../config/env";
import { db } from "../db/client";
import { clockBoundsKey, entityKey } from "../online/keys";
import { materializeWindow, type MaterializeWindowInput } from "./materialize-window";
import { MaterializationCancelled, MaterializationError } from "./errors";
import { aggregate, generateRows, latestRow, entitiesUpTo, type AggFunction, type OracleRow } from "../../test/support/oracle";
import { testSourceDir } from "../../test/fixtures/data-roots";
import { createTestVersion, decodeOnline, deleteOnline, readParquetRows, snapshotDir, snapshotOnline, writeParquet, type TestViewInput } from "../../test/support/materialize";

const uid = `${Date.now().toString(36)}${process.pid}`;
const H = 3_600_000;
const D = 24 * H;
const T0 = Date.parse("2024-03-01T00:00:00Z");
const E1 = T0 + 3 * D + 5 * H + 17 * 60_000 + 13_000;
const E2 = E1 + 20 * H;
const WINDOWS: [string, number][] = [["1h", H], ["1d", D]];
const TTL_MS = 2 * D;
const FUNCS: AggFunction[] = ["sum", "count", "avg", "min", "max", "stddev", "last"];

let root: string;
/** Source files: a data root, not the offline store. */
let src: string;
let redis: Redis;
const projects: string[] = [];

const SOURCE_COLUMNS = [
  { name: "customer_id", type: "BIGINT" },
  { name: "ts", type: "TIMESTAMP" },
  { name: "created", type: "TIMESTAMP" },
  { name: "amount", type: "DOUBLE" },
  { name: "category", type: "VARCHAR" },
];

function toSourceRows(rows: OracleRow[]) {
  return rows.map((r) => ({ customer_id: Number(r.entity), ts: r.ts, created: r.created, amount: r.values.amount, category: r.values.category }));
}

function viewInput(project: string, file: string, over: Partial<TestViewInput> = {}): TestViewInput {
  return {
    projectName: project,
    viewName: "spend",
    source: { name: "tx", kind: "parquet", path: file, timestamp_field: "ts", created_timestamp_field: "created", description: "", owner: "", tags: {} },
    joinKeys: [{ name: "customer_id", dtype: "int64" }],
    ttl: "2d",
    transform: "SELECT customer_id, ts, created, amount, category, amount > 50 AS is_large FROM source",
    features: [
      { name: "amount", dtype: "float64" },
      { name: "category", dtype: "string" },
      { name: "is_large", dtype: "bool" },
    ],
    aggregations: [{ column: "amount", function: "sum", windows: ["1h", "1d"] }, ...FUNCS.filter((f) => f !== "sum").map((f) => ({ column: "amount", function: f, windows: ["1h", "1d"] }))],
    ...over,
  };
}

function closeTo(actual: unknown, expected: unknown, what: string) {
  if (typeof expected === "number" && typeof actual === "number") {
    expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
  } else {
    expect(actual, what).toEqual(expected);
  }
}

/** Compares every online value of every entity with the oracle at time t. */
function checkOnline(snapshot: Record<string, Record<string, string>>, project: string, rows: OracleRow[], t: number, version = 1) {
  const ROW_NAMES = ["amount", "category", "is_large"];
  const AGG_NAMES = FUNCS.flatMap((fn) => WINDOWS.map(([w]) => `amount_${fn}_${w}`));
  const expectedEntities = entitiesUpTo(rows, t);
  expect(Object.keys(snapshot).sort()).toEqual(expectedEntities.map((e) => entityKey(project, { customer_id: e })).sort());
  for (const e of expectedEntities) {
    const h = decodeOnline(snapshot[entityKey(project, { customer_id: e })], "spend", version, ROW_NAMES, AGG_NAMES);
    const row = latestRow(rows, e, t, TTL_MS);
    if (row) {
      expect(h.ts, `__ts of ${e}`).toBe(row.ts);
      closeTo(h.values.amount, row.values.amount, `amount of ${e}`);
      expect(h.values.category).toBe(row.values.category);
      expect(h.values.is_large).toBe(row.values.is_large);
    } else if (h.ts !== null) {
      // An older value may stay stored; it is outside ttl, so reads return null (OUTSIDE_MAX_AGE).
      expect(h.ts).toBeLessThan(t - TTL_MS);
    }
    // Entities whose rows all left the windows before the previous run keep that run's as-of time;
    // their count 0 / null values are still exact at t (checked below).
    expect(h.asof).toBeLessThanOrEqual(t);
    for (const [wName, wMs] of WINDOWS) {
      for (const fn of FUNCS) {
        const name = `amount_${fn}_${wName}`;
        closeTo(h.values[name], aggregate(rows, e, t, wMs, "amount", fn), `${name} of ${e} at ${new Date(t).toISOString()}`);
      }
    }
  }
}

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), "larder-mat-test-"));
  src = await testSourceDir("mat");
  process.env.OFFLINE_STORE_URI = root;
  resetEnvForTests();
  redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
});

afterAll(async () => {
  for (const p of projects) await deleteOnline(redis, p);
  redis.disconnect();
  await fs.rm(root, { recursive: true, force: true });
  await fs.rm(src, { recursive: true, force: true });
  await db().$disconnect();
});

function newProject(name: string) {
  const p = `${name}_${uid}`;
  projects.push(p);
  return p;
}

describe("materializeWindow against the oracle", () => {
  const data = generateRows({ seed: 42, t0: T0, days: 5, entities: 120, end: E1, windowsMs: WINDOWS.map((w) => w[1]), ttlMs: TTL_MS });
  let project: string;
  let base: MaterializeWindowInput;
  const file = () => path.join(src, "tx.parquet");

  beforeAll(async () => {
    project = newProject("oracle");
    await writeParquet(file(), SOURCE_COLUMNS, toSourceRows(data.rows));
    const v = await createTestVersion(viewInput(project, file()));
    base = {
      projectName: project,
      viewName: "spend",
      version: v.version,
      versionId: v.versionId,
      start: new Date(T0 + D + 7 * H),
      end: new Date(E1),
      writeOffline: true,
      writeOnline: true,
      jobId: "job-oracle-1",
    };
  });

  it("writes whole date partitions and online values equal to the oracle at end", async () => {
    const progress: number[] = [];
    const res = await materializeWindow(base, { progress: (f) => void progress.push(f) }, { redis, entitiesPerCall: 17, callsPerRoundTrip: 3 });
    expect(res.partitions).toEqual(["date=2024-03-02", "date=2024-03-03", "date=2024-03-04"]);
    expect(progress.at(-1)).toBe(1);
    // Offline: every transformed row of each whole UTC day, and nothing else.
    const lo = Date.parse("2024-03-02T00:00:00Z");
    const hi = Date.parse("2024-03-05T00:00:00Z");
    const expected = data.rows.filter((r) => r.ts >= lo && r.ts < hi);
    expect(res.rowsWrittenOffline).toBe(expected.length);
    const files = await fs.readdir(path.join(root, project, "spend", "v1"));
    expect(files.sort()).toEqual(["date=2024-03-02", "date=2024-03-03", "date=2024-03-04"]);
    const got = await readParquetRows(path.join(root, project, "spend", "v1", "date=*", "data.parquet"));
    expect(got.length).toBe(expected.length);
    const key = (r: { id: unknown; ts: number; created: number | null }) => `${r.id}|${r.ts}|${r.created}`;
    const gotByKey = new Map(got.map((g) => [key({ id: g.customer_id, ts: Date.parse(`${g.event_timestamp}Z`), created: g.created_timestamp === null ? null : Date.parse(`${g.created_timestamp}Z`) }), g]));
    for (const r of expected) {
      const g = gotByKey.get(key({ id: r.entity, ts: r.ts, created: r.created }));
      expect(g, `offline row ${r.entity}@${new Date(r.ts).toISOString()}`).toBeDefined();
      expect(g!.amount).toBe(r.values.amount);
      expect(g!.category).toBe(r.values.category);
      expect(g!.is_large).toBe(r.values.is_large);
    }
    expect(Object.keys(got[0]).sort()).toEqual(["amount", "category", "created_timestamp", "customer_id", "event_timestamp", "is_large"]);
    // Online: as of end, every entity with rows up to end.
    checkOnline(await snapshotOnline(redis, project), project, data.rows, E1);
    expect(res.rowsWrittenOnline).toBe(entitiesUpTo(data.rows, E1).length);
    // Statistics per partition and row-level feature.
    const stats = await db().featureStatistic.findMany({ where: { versionId: base.versionId, featureName: "amount" }, orderBy: { partition: "asc" } });
    expect(stats.map((s) => s.partition)).toEqual(res.partitions);
    const day2 = expected.filter((r) => r.ts < lo + D);
    expect(Number(stats[0].rowCount)).toBe(day2.length);
    const amounts = day2.map((r) => r.values.amount).filter((a): a is number => a !== null);
    closeTo(stats[0].nullFraction, 1 - amounts.length / day2.length, "null fraction");
    closeTo(stats[0].min, Math.min(...amounts), "min");
    closeTo(stats[0].max, Math.max(...amounts), "max");
    const hist = stats[0].histogram as { lo: number; hi: number; count: number }[];
    expect(hist.length).toBe(20);
    expect(hist.reduce((a, b) => a + b.count, 0)).toBe(amounts.length);
  });

  it("is idempotent: the same window twice gives identical results and counts", async () => {
    const glob = path.join(root, project, "spend", "v1", "date=*", "data.parquet");
    const before = await readParquetRows(glob);
    const onlineBefore = await snapshotOnline(redis, project);
    const res = await materializeWindow({ ...base, jobId: "job-oracle-2" }, {}, { redis });
    expect(JSON.stringify(await readParquetRows(glob))).toBe(JSON.stringify(before));
    expect(res.rowsWrittenOffline).toBe(before.length);
    expect(await snapshotOnline(redis, project)).toEqual(onlineBefore);
    const left = (await fs.readdir(path.join(root, project, "spend", "v1"))).filter((n) => n.startsWith(".tmp"));
    expect(left).toEqual([]);
  });

  it("slides aggregates at a later end (entities without new rows included) and newer wins over an older window", async () => {
    await materializeWindow({ ...base, start: new Date(E1), end: new Date(E2), writeOffline: false, jobId: "job-oracle-3", previousOnlineEnd: new Date(E1) }, {}, { redis });
    const atE2 = await snapshotOnline(redis, project);
    checkOnline(atE2, project, data.rows, E2);
    // An older window after a newer one changes nothing online.
    await materializeWindow({ ...base, writeOffline: false, jobId: "job-oracle-4", previousOnlineEnd: null }, {}, { redis });
    expect(await snapshotOnline(redis, project)).toEqual(atE2);
  });
});

describe("online writes in ascending event time", () => {
  it("sends a version's first load in ascending event time, so no call reads a clock (clock bounds, write-script.ts)", async () => {
    const project = newProject("ascend");
    const file = path.join(src, `ascend-${uid}.parquet`);
    // 40 entities, one row each, event times in an order unrelated to the entity ids.
    const N = 40;
    const tsOf = (e: number) => T0 + D + ((e * 17) % N) * 60_000;
    await writeParquet(
      file,
      SOURCE_COLUMNS,
      Array.from({ length: N }, (_, e) => ({ customer_id: e, ts: tsOf(e), created: null, amount: e, category: "c" })),
    );
    const v = await createTestVersion(viewInput(project, file, { aggregations: [] }));
    // Every entity gets a clock far in the future, planted around the script (no bound covers it).
    // A call that reads clocks keeps such a value; only a call at or above the bound overwrites it.
    for (let e = 0; e < N; e++) {
      await redis.hset(entityKey(project, { customer_id: e }), "spend@v1:__ts", String(T0 + 1000 * D), "spend@v1:__row", '["planted"]');
    }
    const res = await materializeWindow(
      { projectName: project, viewName: "spend", version: v.version, versionId: v.versionId, start: new Date(T0), end: new Date(T0 + 2 * D), writeOffline: false, writeOnline: true, jobId: "job-ascend" },
      {},
      { redis, entitiesPerCall: 3, callsPerRoundTrip: 2 },
    );
    // All overwritten: each of the 14 calls started at or above the bound the calls before it raised.
    expect(res.rowsWrittenOnline).toBe(N);
    const snapshot = await snapshotOnline(redis, project);
    for (let e = 0; e < N; e++) {
      const h = decodeOnline(snapshot[entityKey(project, { customer_id: e })], "spend", 1, ["amount", "category", "is_large"], []);
      expect(h.ts, `__ts of ${e}`).toBe(tsOf(e));
      expect(h.values.amount).toBe(e);
    }
    expect(await redis.hget(clockBoundsKey(project), "spend@v1:__ts")).toBe(String((T0 + D + (N - 1) * 60_000) * 1000));
  });
});

describe("failures leave both stores as they were", () => {
  let project: string;
  let file: string;
  let snapshot: () => Promise<unknown>;
  const rows = generateRows({ seed: 7, t0: T0, days: 3, entities: 20, end: T0 + 2 * D, windowsMs: [H, D], ttlMs: TTL_MS }).rows;

  beforeAll(async () => {
    project = newProject("fail");
    file = path.join(src, `fail-${uid}.parquet`);
    await writeParquet(file, SOURCE_COLUMNS, toSourceRows(rows));
    const v = await createTestVersion(viewInput(project, file));
    await materializeWindow(
      { projectName: project, viewName: "spend", version: 1, versionId: v.versionId, start: new Date(T0), end: new Date(T0 + 2 * D), writeOffline: true, writeOnline: true, jobId: "ok" },
      {},
      { redis },
    );
    snapshot = async () => ({ offline: await snapshotDir(path.join(root, project)), online: await snapshotOnline(redis, project) });
  });

  let n = 2;
  async function expectFailure(over: Partial<TestViewInput>, step: string, message: RegExp, extra: Partial<MaterializeWindowInput> = {}) {
    const version = n++;
    const v = await createTestVersion({ ...viewInput(project, file, over), version });
    const before = await snapshot();
    const err = await materializeWindow(
      { projectName: project, viewName: "spend", version, versionId: v.versionId, start: new Date(T0), end: new Date(T0 + 2 * D), writeOffline: true, writeOnline: true, jobId: `fail-${version}`, ...extra },
      {},
      { redis },
    ).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err, "expected a failure").toBeInstanceOf(MaterializationError);
    const me = err as MaterializationError;
    expect(me.step).toBe(step);
    expect(me.message).toMatch(/Feature view spend, step /);
    expect(me.message).toMatch(message);
    const after = await snapshot();
    expect(after).toEqual(before);
    const vdir = path.join(root, project, "spend", `v${version}`);
    const leftovers = await fs.readdir(vdir).catch(() => []);
    expect(leftovers.filter((x) => x.startsWith(".tmp"))).toEqual([]);
  }

  it("missing source file", async () => {
    await expectFailure({ source: { ...viewInput(project, file).source, path: path.join(src, "nope", "missing.parquet") } as TestViewInput["source"] }, "read_source", /no file matches/);
  });
  it("missing declared timestamp column", async () => {
    await expectFailure({ source: { ...viewInput(project, file).source, timestamp_field: "when" } as TestViewInput["source"] }, "read_source", /no column when/);
  });
  it("missing feature column", async () => {
    await expectFailure({ features: [{ name: "nope", dtype: "float64" }] }, "transform", /has no column nope/);
  });
  it("transform failing at run time", async () => {
    await expectFailure(
      { transform: "SELECT *, CAST(category AS INTEGER) AS cat_num FROM source", features: [{ name: "cat_num", dtype: "int32" }] },
      "transform",
      /failed at run time: Conversion Error/,
    );
  });
  it("declared dtype does not match the data", async () => {
    await expectFailure({ features: [{ name: "category", dtype: "int64" }] }, "transform", /dtype mismatch: column category is declared int64 but the data is VARCHAR/);
  });
  it.each([
    ["read_parquet('/etc/passwd')", "SELECT * FROM read_parquet('/etc/passwd')", /disabled by configuration/],
    ["read_csv of another file", "SELECT * FROM read_csv('/etc/hostname')", /disabled by configuration/],
    ["ATTACH", "ATTACH '/tmp/x.duckdb' AS x", /single SELECT/],
    ["INSTALL", "INSTALL httpfs", /single SELECT/],
    ["LOAD", "LOAD httpfs", /single SELECT/],
    ["SET", "SET enable_external_access=true", /single SELECT/],
    ["COPY ... TO", "COPY source TO '/tmp/larder-leak.csv'", /single SELECT/],
    ["two statements", "SELECT * FROM source; SELECT 1", /single SELECT/],
  ])("sandbox refuses %s", async (_n, transform, message) => {
    await expectFailure({ transform }, "transform", message);
  });

  it("cancellation before commit writes nothing and cleans up", async () => {
    const v = await createTestVersion({ ...viewInput(project, file), version: 99 });
    const before = await snapshot();
    let calls = 0;
    const err = await materializeWindow(
      { projectName: project, viewName: "spend", version: 99, versionId: v.versionId, start: new Date(T0), end: new Date(T0 + 2 * D), writeOffline: true, writeOnline: true, jobId: "cancel" },
      { isCancelled: async () => ++calls >= 3 },
      { redis },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MaterializationCancelled);
    expect(await snapshot()).toEqual(before);
    expect((await fs.readdir(path.join(root, project, "spend", "v99")).catch(() => [] as string[])).filter((x) => x.startsWith(".tmp"))).toEqual([]);
  });
});

describe("other source kinds", () => {
  it("push source: reads the _push partitions of the contract", async () => {
    const project = newProject("push");
    const dir = path.join(root, project, "_push", "events", "date=2024-03-01");
    await writeParquet(path.join(dir, "a.parquet"), [{ name: "user_id", type: "VARCHAR" }, { name: "score", type: "DOUBLE" }, { name: "ts", type: "TIMESTAMP" }], [
      { user_id: "u/1", score: 1.5, ts: T0 + H },
      { user_id: "u/1", score: 2.5, ts: T0 + 2 * H },
      { user_id: "u 2", score: 9, ts: T0 + 3 * H },
    ]);
    const v = await createTestVersion({
      projectName: project,
      viewName: "scores",
      source: { name: "events", kind: "push", schema: [{ name: "user_id", dtype: "string" }, { name: "score", dtype: "float64" }], timestamp_field: "ts", description: "", owner: "", tags: {} },
      joinKeys: [{ name: "user_id", dtype: "string" }],
      features: [{ name: "score", dtype: "float64" }],
      aggregations: [{ column: "score", function: "sum", windows: ["1d"] }],
    });
    const res = await materializeWindow(
      { projectName: project, viewName: "scores", version: 1, versionId: v.versionId, start: new Date(T0), end: new Date(T0 + D), writeOffline: true, writeOnline: true, jobId: "push" },
      {},
      { redis },
    );
    expect(res.rowsRead).toBe(3);
    expect(res.rowsWrittenOffline).toBe(3);
    const h = decodeOnline(await redis.hgetall(entityKey(project, { user_id: "u/1" })), "scores", 1, ["score"], ["score_sum_1d"]);
    expect(h.values).toEqual({ score: 2.5, score_sum_1d: 4 });
    // Floats keep their decimal point in the stored JSON (9.0, not 9).
    expect(await redis.hget(entityKey(project, { user_id: "u 2" }), "scores@v1:__row")).toBe("[9.0]");
  });

  it("postgres source through a named server-side connection", async () => {
    const project = newProject("pg");
    const table = `larder_src_${uid}`;
    await db().$executeRawUnsafe(`CREATE TABLE ${table} (store_id bigint, ts timestamptz, sales double precision)`);
    await db().$executeRawUnsafe(`INSERT INTO ${table} VALUES (1, '2024-03-01T01:00:00Z', 10), (1, '2024-03-01T05:00:00Z', 20), (2, '2024-03-01T06:00:00+02:00', 7)`);
    process.env.SOURCE_CONNECTIONS = JSON.stringify({ registry: process.env.DATABASE_URL });
    resetEnvForTests();
    const v = await createTestVersion({
      projectName: project,
      viewName: "sales",
      source: { name: "pgsales", kind: "postgres", connection: "registry", query: `SELECT * FROM ${table}`, timestamp_field: "ts", description: "", owner: "", tags: {} },
      joinKeys: [{ name: "store_id", dtype: "int64" }],
      features: [{ name: "sales", dtype: "float64" }],
      aggregations: [{ column: "sales", function: "count", windows: ["1d"] }],
    });
    await materializeWindow(
      { projectName: project, viewName: "sales", version: 1, versionId: v.versionId, start: new Date(T0), end: new Date(T0 + D), writeOffline: true, writeOnline: true, jobId: "pg" },
      {},
      { redis },
    );
    const h1 = decodeOnline(await redis.hgetall(entityKey(project, { store_id: 1 })), "sales", 1, ["sales"], ["sales_count_1d"]);
    expect(h1.values).toEqual({ sales: 20, sales_count_1d: 2 });
    expect(h1.ts).toBe(T0 + 5 * H);
    // 06:00+02:00 is 04:00 UTC.
    expect(decodeOnline(await redis.hgetall(entityKey(project, { store_id: 2 })), "sales", 1, ["sales"], []).ts).toBe(T0 + 4 * H);
    const off = await readParquetRows(path.join(root, project, "sales", "v1", "date=*", "data.parquet"));
    expect(off.length).toBe(3);
    await db().$executeRawUnsafe(`DROP TABLE ${table}`);
  });
});
