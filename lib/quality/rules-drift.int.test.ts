// Data-quality rules and drift at materialization (issue 16), on real DuckDB, Postgres and Redis:
// every rule kind on data built to pass or violate it; `on_fail: fail` fails the job with both
// stores byte-identical to before; `warn` records and succeeds; PSI stays low on stable days and
// rises above the threshold on a shifted day, for numbers and categories, against each reference.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testSourceDir } from "../../test/fixtures/data-roots";
import { seededRandom } from "../../test/support/oracle";
import { createTestVersion, deleteOnline, snapshotDir, snapshotOnline, writeParquet } from "../../test/support/materialize";
import { resetEnvForTests } from "../config/env";
import { db } from "../db/client";
import { MaterializationError } from "../materialize/errors";
import { materializeWindow } from "../materialize/materialize-window";
import { compileMonitoring } from "../registry/monitoring-config";
import type { MonitoringDef } from "../registry/repo-schema";
import { MonitoringDef as MonitoringSchema } from "../registry/repo-schema";

const uid = `${Date.now().toString(36)}${process.pid}`;
const H = 3_600_000;
const D = 24 * H;
const T0 = Date.parse("2024-07-01T00:00:00Z");

let root: string;
let srcDir: string;
let redis: Redis;
const projects: string[] = [];

type Row = { id: number; ts: number; created: number; amount: number | null; tier: string | null; txn: number };

/** `days` days of rows; day 3 (index 2) is shifted: amounts ×3 and tier mostly "bronze". */
function generate(days: number, perDay = 400): Row[] {
  const r = seededRandom(99);
  const rows: Row[] = [];
  let txn = 0;
  for (let k = 0; k < days; k++) {
    for (let j = 0; j < perDay; j++) {
      const ts = T0 + k * D + Math.floor(r() * D);
      const shifted = k === 2;
      rows.push({
        id: Math.floor(r() * 50),
        ts,
        created: ts + (r() < 0.1 ? 3 * H : 60_000),
        amount: r() < 0.05 ? null : Math.round((shifted ? 300 : 100) * r() * 100) / 100,
        tier: shifted ? (r() < 0.8 ? "bronze" : "gold") : ["gold", "silver", "bronze"][Math.floor(r() * 3)],
        txn: ++txn,
      });
    }
  }
  return rows;
}

async function setup(name: string, rows: Row[]) {
  const project = `${name}_${uid}`;
  projects.push(project);
  const file = path.join(srcDir, `${project}.parquet`);
  await writeParquet(file, [
    { name: "customer_id", type: "BIGINT" },
    { name: "ts", type: "TIMESTAMP" },
    { name: "created", type: "TIMESTAMP" },
    { name: "amount", type: "DOUBLE" },
    { name: "tier", type: "VARCHAR" },
    { name: "txn", type: "BIGINT" },
  ], rows.map((x) => ({ customer_id: x.id, ts: x.ts, created: x.created, amount: x.amount, tier: x.tier, txn: x.txn })));
  const v = await createTestVersion({
    projectName: project,
    viewName: "tx",
    source: { name: "tx", kind: "parquet", path: file, timestamp_field: "ts", created_timestamp_field: "created", description: "", owner: "", tags: {} },
    joinKeys: [{ name: "customer_id", dtype: "int64" }],
    ttl: "30d",
    features: [
      { name: "amount", dtype: "float64" },
      { name: "tier", dtype: "string" },
      { name: "txn", dtype: "int64" },
    ],
    aggregations: [{ column: "amount", function: "sum", windows: ["1d"] }],
  });
  const setRules = async (m: Record<string, unknown>) => {
    const parsed: MonitoringDef = MonitoringSchema.parse(m);
    await db().featureViewVersion.update({ where: { id: v.versionId }, data: { monitoring: compileMonitoring({ monitoring: parsed }) as object } });
  };
  const run = (days: [number, number], jobId: string, online = true) =>
    // Whole days only: the end's (next) day is left out, as a backfill child leaves it to the next child.
    materializeWindow({ projectName: project, viewName: "tx", version: 1, versionId: v.versionId, start: new Date(T0 + days[0] * D), end: new Date(T0 + days[1] * D), writeOffline: true, writeOnline: online, writeEndPartition: false, jobId });
  const offlineDir = path.join(root, "offline", project);
  return { project, versionId: v.versionId, setRules, run, offlineDir };
}

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), "larder-rules-"));
  srcDir = await testSourceDir("rules");
  process.env.OFFLINE_STORE_URI = path.join(root, "offline");
  resetEnvForTests();
  redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
});

afterAll(async () => {
  for (const p of projects) await deleteOnline(redis, p);
  redis.disconnect();
  await fs.rm(root, { recursive: true, force: true });
  await fs.rm(srcDir, { recursive: true, force: true });
  await db().$disconnect();
});

describe("data-quality rules at materialization", () => {
  const rows = generate(2);
  // A duplicate txn and a duplicate (customer_id, ts) on day 2, a tier outside the set on day 2.
  rows.push({ ...rows[rows.length - 1], txn: rows[rows.length - 2].txn, tier: "platinum" });

  it("records every rule per partition with the observed figure (warn: the job succeeds)", async () => {
    const t = await setup("rules_warn", rows);
    await t.setRules({
      row_count: { min: 1, max: 400 },
      late_rows: { after: "1h", max_fraction: 0.05 },
      unique_keys: {},
      features: {
        amount: { not_null: true, min: 0, max: 50 },
        tier: { allowed_values: ["gold", "silver", "bronze"] },
        txn: { unique: true, max_null_fraction: 0.5, allowed_values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] },
        amount_sum_1d: { min: 0 },
      },
    });
    const res = await t.run([0, 2], `warn-${uid}`);
    const stored = await db().qualityResult.findMany({ where: { jobId: `warn-${uid}` } });
    expect(stored.length).toBe(res.rules.length);
    const get = (p: string, rule: string, feature: string | null = null) => res.rules.find((r) => r.partition === `date=${p}` && r.rule === rule && r.feature === feature)!;
    const day1 = rows.filter((x) => x.ts < T0 + D);
    const day2 = rows.filter((x) => x.ts >= T0 + D);
    expect(get("2024-07-01", "row_count")).toMatchObject({ status: "pass", observed: day1.length });
    expect(get("2024-07-02", "row_count")).toMatchObject({ status: "warn", observed: day2.length });
    const late1 = day1.filter((x) => x.created - x.ts > H).length;
    expect(get("2024-07-01", "late_rows").observed).toBeCloseTo(late1 / day1.length, 12);
    expect(get("2024-07-01", "late_rows").status).toBe(late1 / day1.length <= 0.05 ? "pass" : "warn");
    expect(get("2024-07-01", "unique_keys")).toMatchObject({ status: "pass", observed: 0 });
    expect(get("2024-07-02", "unique_keys")).toMatchObject({ status: "warn", observed: 1 });
    expect(get("2024-07-01", "not_null", "amount")).toMatchObject({ status: "warn" });
    expect(get("2024-07-01", "not_null", "amount").observed).toBeCloseTo(day1.filter((x) => x.amount === null).length / day1.length, 12);
    expect(get("2024-07-01", "min", "amount")).toMatchObject({ status: "pass" });
    expect(get("2024-07-01", "max", "amount")).toMatchObject({ status: "warn", observed: Math.max(...day1.map((x) => x.amount ?? -1)) });
    expect(get("2024-07-01", "allowed_values", "tier")).toMatchObject({ status: "pass", observed: 0 });
    expect(get("2024-07-02", "allowed_values", "tier")).toMatchObject({ status: "warn", observed: 1 });
    expect(get("2024-07-01", "unique", "txn")).toMatchObject({ status: "pass", observed: 0 });
    expect(get("2024-07-02", "unique", "txn")).toMatchObject({ status: "warn", observed: 1 });
    expect(get("2024-07-01", "max_null_fraction", "txn")).toMatchObject({ status: "pass", observed: 0 });
    // A list longer than IN_LIST_MAX is counted by an anti join: every txn above 10 is outside it.
    expect(get("2024-07-01", "allowed_values", "txn")).toMatchObject({ status: "warn", observed: day1.filter((x) => x.txn > 10).length });
    expect(get("2024-07-02", "allowed_values", "txn")).toMatchObject({ status: "warn", observed: day2.filter((x) => x.txn > 10).length });
    expect(get("2024-07-02", "min", "amount_sum_1d")).toMatchObject({ status: "pass" });
    expect(get("2024-07-02", "allowed_values", "tier").message).toMatch(/1 value\(s\) outside the allowed set; expected values in \[gold, silver, bronze\]/);
    // The window was written.
    expect(res.partitions).toEqual(["date=2024-07-01", "date=2024-07-02"]);
  });

  it("on_fail: fail fails the job and leaves the offline and online stores exactly as before", async () => {
    const t = await setup("rules_fail", rows);
    await t.run([0, 1], `good-${uid}`);
    const offlineBefore = await snapshotDir(t.offlineDir);
    const onlineBefore = await snapshotOnline(redis, t.project);
    expect(Object.keys(offlineBefore).length).toBe(1);
    expect(Object.keys(onlineBefore).length).toBeGreaterThan(0);
    const statsBefore = await db().featureStatistic.findMany({ where: { versionId: t.versionId }, orderBy: [{ partition: "asc" }, { featureName: "asc" }] });

    await t.setRules({ features: { tier: { allowed_values: ["gold", "silver", "bronze"], on_fail: "fail" }, amount: { max: 1e9, on_fail: "fail" } } });
    const err = await t.run([0, 2], `bad-${uid}`).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(MaterializationError);
    expect((err as MaterializationError).step).toBe("quality");
    expect((err as Error).message).toMatch(/date=2024-07-02 tier: 1 value\(s\) outside the allowed set/);
    expect(await snapshotDir(t.offlineDir)).toEqual(offlineBefore);
    expect(await snapshotOnline(redis, t.project)).toEqual(onlineBefore);
    expect(await db().featureStatistic.findMany({ where: { versionId: t.versionId }, orderBy: [{ partition: "asc" }, { featureName: "asc" }] })).toEqual(statsBefore);
    // The results are kept for the job page.
    const stored = await db().qualityResult.findMany({ where: { jobId: `bad-${uid}` } });
    expect(stored.filter((r) => r.status === "fail").map((r) => `${r.partition} ${r.rule} ${r.feature}`)).toEqual(["date=2024-07-02 allowed_values tier"]);
    expect(stored.some((r) => r.status === "pass")).toBe(true);
  });
});

describe("drift (PSI) at materialization", () => {
  const rows = generate(4);

  it("is low between stable days and above the threshold on a shifted day, numbers and categories (reference: previous)", async () => {
    const t = await setup("drift_prev", rows);
    await t.setRules({ drift: { reference: "previous", threshold: 0.2 } });
    await t.run([0, 4], `drift-${uid}`, false);
    const got = await db().driftResult.findMany({ where: { versionId: t.versionId }, orderBy: [{ featureName: "asc" }, { partition: "asc" }] });
    const psi = (f: string, d: string) => got.find((g) => g.featureName === f && g.partition === `date=${d}`)!;
    expect(psi("amount", "2024-07-02")).toMatchObject({ reference: "date=2024-07-01", drifting: false });
    expect(psi("amount", "2024-07-02").psi).toBeLessThan(0.1);
    expect(psi("amount", "2024-07-03")).toMatchObject({ reference: "date=2024-07-02", drifting: true });
    expect(psi("tier", "2024-07-02").psi).toBeLessThan(0.1);
    expect(psi("tier", "2024-07-03")).toMatchObject({ drifting: true });
    // Day 4 is back to normal, against the shifted day 3: drifting again (the reference moved).
    expect(psi("amount", "2024-07-04").drifting).toBe(true);
    // The first day has no reference.
    expect(got.some((g) => g.partition === "date=2024-07-01")).toBe(false);
    // txn is unique per row (an id): present, and its PSI is computed from quantiles as well.
    expect(psi("txn", "2024-07-02")).toBeDefined();
  });

  it("against a pinned window, every later day compares with it", async () => {
    const t = await setup("drift_pin", rows);
    await t.setRules({ drift: { reference: "window:2024-07-01", threshold: 0.2, features: ["amount"] } });
    await t.run([0, 4], `pin-${uid}`, false);
    const got = await db().driftResult.findMany({ where: { versionId: t.versionId }, orderBy: { partition: "asc" } });
    expect(got.map((g) => [g.featureName, g.partition, g.reference, g.drifting])).toEqual([
      ["amount", "date=2024-07-02", "date=2024-07-01", false],
      ["amount", "date=2024-07-03", "date=2024-07-01", true],
      ["amount", "date=2024-07-04", "date=2024-07-01", false],
    ]);
  });

  it("does not measure partitions with fewer non-null values than min_values", async () => {
    const t = await setup("drift_min", rows);
    await t.setRules({ drift: { reference: "previous", threshold: 0.2, min_values: 390 } });
    await t.run([0, 4], `min-${uid}`, false);
    const got = await db().driftResult.findMany({ where: { versionId: t.versionId } });
    // 400 rows a day: tier (no nulls) is measured, amount (~5% null, < 390 values) is not.
    expect(got.length).toBeGreaterThan(0);
    expect(got.some((g) => g.featureName === "amount")).toBe(false);
    expect(got.some((g) => g.featureName === "tier")).toBe(true);
  });
});
