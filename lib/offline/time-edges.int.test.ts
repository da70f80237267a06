// Time edges, exactly: a materialization whose end is a UTC midnight, rows on the first and last
// microsecond of a day and on the end itself, window and ttl edges at midnight, entity times given
// in zone offsets on both sides of a DST switch. Historical answers are compared with a brute-force
// oracle in microseconds; anything the offline store cannot answer exactly must be a 409; online
// equals historical at the (midnight) materialization end. Runs the real job layer (the job records
// which partitions it wrote) over real Postgres, Redis and DuckDB.
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deleteQueueKeys, jobsTestEnv } from "../../test/support/jobs";
import { writeParquet } from "../../test/support/materialize";
import { aggregate, latestRow, type OracleRow } from "../../test/support/oracle";
import { applyTestRepo, uniqueName } from "../../test/support/retrieval";
import { testSourceDir } from "../../test/fixtures/data-roots";

const queuePrefix = jobsTestEnv();
const { db } = await import("../db/client");
const { closeQueues } = await import("../queues/contracts");
const { runMaterializeJob } = await import("../jobs/run-materialize-job");
const { getHistoricalFeatures } = await import("./get-historical-features");
const { getOnlineFeatures } = await import("../online/get-online-features");

const US = 1n;
const MS = 1000n * US;
const SEC = 1000n * MS;
const HOUR = 3600n * SEC;
const DAY = 24n * HOUR;
const at = (iso: string) => BigInt(Date.parse(iso)) * MS;
// The window ends at a UTC midnight; the US switched from EST to EDT inside it (2025-03-09 07:00Z).
const S = at("2025-03-07T00:00:00Z");
const E = at("2025-03-11T00:00:00Z");
const DST = at("2025-03-09T07:00:00Z");

const project = uniqueName("time_edges");
let projectId: string;
let dir: string;
const admin = { kind: "user" as const, userId: "t", email: "t@example.com", name: "t", isAdmin: true, sessionId: "s", grants: [] };

interface Row {
  id: number;
  ts: bigint;
  amount: number;
}
const rows: Row[] = [
  // On the end itself and one microsecond before and after.
  { id: 1, ts: E - US, amount: 10 },
  { id: 1, ts: E, amount: 11 },
  { id: 1, ts: E + US, amount: 12 },
  // Exactly one window / ttl (1d) before the end, and one microsecond earlier.
  { id: 2, ts: E - DAY, amount: 20 },
  { id: 3, ts: E - DAY - US, amount: 30 },
  { id: 3, ts: E - DAY + US, amount: 31.5 },
  // The first and the last microsecond of the day before the end.
  { id: 4, ts: E - DAY, amount: 40 },
  { id: 4, ts: E - US, amount: 41.25 },
  // Around the DST switch.
  { id: 5, ts: DST - US, amount: 50 },
  { id: 5, ts: DST, amount: 51 },
  // Only after the end.
  { id: 6, ts: E + HOUR, amount: 60 },
  // Before the window's first partition (ttl lookback reads it).
  { id: 7, ts: S - US, amount: 70 },
];
const oracleRows: OracleRow[] = rows.map((r) => ({ entity: String(r.id), ts: Number(r.ts), created: null, values: { amount: r.amount } }));
const ids = [1, 2, 3, 4, 5, 6, 7];

function expected(t: bigint) {
  return ids.map((id) => {
    const row = latestRow(oracleRows, String(id), Number(t), Number(DAY));
    return {
      amount: row ? row.values.amount : null,
      amount_sum_1d: aggregate(oracleRows, String(id), Number(t), Number(DAY), "amount", "sum"),
      amount_count_1d: aggregate(oracleRows, String(id), Number(t), Number(DAY), "amount", "count"),
    };
  });
}

async function historical(times: string[], entityIds = ids) {
  const out = await getHistoricalFeatures({
    project,
    principal: admin,
    features: ["spend:amount", "spend:amount_sum_1d", "spend:amount_count_1d"],
    entities: { kind: "rows", rows: entityIds.map((id, i) => ({ customer_id: id, event_timestamp: times[i] ?? times[0] })) },
    format: "json",
    triggeredBy: "test",
  });
  if (out.kind !== "json") throw new Error(`expected JSON, got ${out.kind}`);
  const body = JSON.parse(out.body) as { columns: string[]; rows: Record<string, unknown>[] };
  return body.rows.map((r) => ({ amount: r.amount, amount_sum_1d: r.amount_sum_1d, amount_count_1d: r.amount_count_1d }));
}

const isoUs = (us: bigint) => {
  const ms = us / MS;
  const frac = (us % MS).toString().padStart(3, "0");
  return new Date(Number(ms)).toISOString().replace("Z", `${frac}Z`);
};

let partitions: string[] = [];

beforeAll(async () => {
  dir = await testSourceDir("time-edges");
  const file = path.join(dir, "tx.parquet");
  await writeParquet(
    file,
    [
      { name: "customer_id", type: "BIGINT" },
      { name: "event_timestamp", type: "TIMESTAMP" },
      { name: "amount", type: "DOUBLE" },
    ],
    rows.map((r) => ({ customer_id: r.id, event_timestamp: r.ts, amount: r.amount })),
  );
  projectId = await applyTestRepo({
    project,
    entities: [{ name: "customer", join_keys: [{ name: "customer_id", dtype: "int64" }] }],
    sources: [{ name: "tx", kind: "parquet", path: file, timestamp_field: "event_timestamp" }],
    feature_views: [
      {
        name: "spend",
        entities: ["customer"],
        source: "tx",
        ttl: "1d",
        features: [{ name: "amount", dtype: "float64" }],
        aggregations: [{ column: "amount", function: "sum", windows: ["1d"] }, { column: "amount", function: "count", windows: ["1d"] }],
      },
    ],
  });
  // The job layer records the interval and the partitions the job wrote, as a worker would.
  const view = await db().featureView.findFirstOrThrow({ where: { projectId, name: "spend" } });
  const job = await db().job.create({
    data: {
      kind: "materialize",
      projectId,
      featureViewId: view.id,
      version: 1,
      windowStart: new Date(Number(S / MS)),
      windowEnd: new Date(Number(E / MS)),
      params: { writeOffline: true, writeOnline: true },
      triggeredBy: "test",
      maxAttempts: 1,
    },
  });
  const outcome = await runMaterializeJob({ data: { jobId: job.id }, attemptsMade: 0, opts: { attempts: 1 } });
  expect(outcome.status).toBe("succeeded");
  partitions = outcome.status === "succeeded" ? outcome.partitions : [];
}, 120_000);

afterAll(async () => {
  await closeQueues();
  await deleteQueueKeys(queuePrefix);
  await fs.rm(dir, { recursive: true, force: true });
});

describe("a materialization ending at a UTC midnight", () => {
  it("writes the end's date partition, so rows exactly at the end are offline", () => {
    expect(partitions).toContain("date=2025-03-11");
    expect(partitions[0]).toBe("date=2025-03-07");
  });

  it("historical at the end (and one microsecond after) equals the oracle", async () => {
    expect(await historical([isoUs(E)])).toEqual(expected(E));
    // The end's partition is whole, so one microsecond later is still exact (and sees id 1's row at E + 1 µs).
    expect(await historical([isoUs(E + US)])).toEqual(expected(E + US));
  });

  it("a time the offline store cannot answer exactly is a 409 naming the interval", async () => {
    const err = await historical([isoUs(E + MS)]).then(
      () => null,
      (e: unknown) => e as { status?: number; message: string; details?: { missing?: { intervals: { start: string }[] }[] } },
    );
    expect(err?.status).toBe(409);
    expect(err?.details?.missing?.[0].intervals[0].start).toBe("2025-03-11T00:00:00.001Z");
    expect(err?.message).toMatch(/spend@v1/);
  });

  it("online values equal historical retrieval at the midnight end", async () => {
    const online = await getOnlineFeatures({
      project,
      principal: admin,
      request: { features: ["spend:amount", "spend:amount_sum_1d", "spend:amount_count_1d"], entities: { customer_id: ids } },
      now: Number(E / MS),
    });
    const names = online.metadata.feature_names;
    const asRows = ids.map((_, i) => Object.fromEntries(["amount", "amount_sum_1d", "amount_count_1d"].map((n) => [n, online.results[names.indexOf(n)].values[i]])));
    const hist = await historical([isoUs(E)]);
    // Entity 6 has no row up to the end: online has no hash (null values, NOT_FOUND), historical nulls and count 0.
    expect(asRows.map((r, i) => (ids[i] === 6 ? { ...r, amount_count_1d: 0 } : r))).toEqual(hist);
  });
});

describe("edges inside the window", () => {
  it("first and last microsecond of a day, window and ttl edges at midnight", async () => {
    const t = E - US;
    expect(await historical([isoUs(t)])).toEqual(expected(t));
    const mid = E - DAY;
    expect(await historical([isoUs(mid)])).toEqual(expected(mid));
  });

  it("entity times in zone offsets across a DST switch are converted exactly", async () => {
    // 01:59:59.999999 EST is one microsecond before the switch; 03:00:00 EDT is the switch itself.
    const before = await historical(["2025-03-09T01:59:59.999999-05:00"], [5]);
    const after = await historical(["2025-03-09T03:00:00-04:00"], [5]);
    expect(before).toEqual([expected(DST - US)[4]]);
    expect(after).toEqual([expected(DST)[4]]);
    expect(before[0].amount).toBe(50);
    expect(after[0].amount).toBe(51);
  });
});
