// Point-in-time correctness of historical retrieval against the brute-force oracle
// (lib/materialize/oracle.ts), on generated data with ties, created-time tie-breaks, ttl and window
// edges, absent entities, rows before any feature row, two views with different entities and
// zone offsets in the input; online/offline consistency; uploads, job mode and bad input.
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as historicalRoute } from "@/app/api/v1/projects/[project]/historical-features/route";
import { GET as resultRoute } from "@/app/api/v1/projects/[project]/historical-features/jobs/[id]/result/route";
import { db } from "../db/client";
import { withDuckConnection, qlit } from "../duckdb/instance";
import { materializeWindow } from "../materialize/materialize-window";
import { aggregate, generateRows, latestRow, type AggFunction, type OracleRow } from "../../test/support/oracle";
import { writeParquet } from "../../test/support/materialize";
import { getOnlineFeatures } from "../online/get-online-features";
import { applyTestRepo, tokenFor, uniqueName } from "../../test/support/retrieval";
import { createRedis } from "../redis/connection";
import { deleteQueueKeys, jobsTestEnv, waitForJob } from "../../test/support/jobs";
import { testSourceDir } from "../../test/fixtures/data-roots";
import { historicalEntitiesPath, historicalResultPath } from "../shared/offline-layout";

// Large requests run on the `historical` queue: this file gets its own queue prefix and a worker.
const queuePrefix = jobsTestEnv();
const { startWorkers } = await import("../../workers/register");
const { closeQueues, queue, QUEUES } = await import("../queues/contracts");
const { requestCancel } = await import("../jobs/request-cancel");
const { runHistoricalJob } = await import("../jobs/run-historical-job");
let workers: ReturnType<typeof startWorkers> | undefined;

const H = 3_600_000;
const D = 86_400_000;
const t0 = Date.parse("2024-03-01T00:00:00Z");
const end = Date.parse("2024-03-08T13:30:00Z");
const ttlMs = 2 * D;
const windows = { "1h": H, "1d": D };
const FUNCS: AggFunction[] = ["sum", "count", "avg", "min", "max", "stddev", "last"];

const project = uniqueName("ret_hist");
let projectId: string;
let consumer: string;
let dir: string;
let spend: OracleRow[];
let merch: OracleRow[];
const admin = { kind: "user" as const, userId: "t", email: "t@example.com", name: "t", isAdmin: true, sessionId: "s", grants: [] };

async function writeSource(file: string, rows: OracleRow[], key: string, keyType: "BIGINT" | "VARCHAR") {
  await writeParquet(
    file,
    [
      { name: key, type: keyType },
      { name: "event_timestamp", type: "TIMESTAMP" },
      { name: "created_timestamp", type: "TIMESTAMP" },
      { name: "amount", type: "DOUBLE" },
      { name: "category", type: "VARCHAR" },
      { name: "is_large", type: "BOOLEAN" },
    ],
    rows.map((r) => ({
      [key]: keyType === "BIGINT" ? Number(r.entity) : `m${r.entity}`,
      event_timestamp: r.ts,
      created_timestamp: r.created,
      ...r.values,
    })),
  );
}

beforeAll(async () => {
  dir = await testSourceDir("hist");
  spend = generateRows({ seed: 7, t0, days: 7, entities: 40, end, windowsMs: Object.values(windows), ttlMs }).rows;
  merch = generateRows({ seed: 11, t0, days: 7, entities: 15, end, windowsMs: Object.values(windows), ttlMs }).rows;
  await writeSource(path.join(dir, "tx.parquet"), spend, "customer_id", "BIGINT");
  await writeSource(path.join(dir, "merchant.parquet"), merch, "merchant_id", "VARCHAR");
  const aggregations = [{ column: "amount", function: "sum" as const, windows: ["1h", "1d"] }, ...FUNCS.filter((f) => f !== "sum").map((f) => ({ column: "amount", function: f, windows: ["1h", "1d"] }))];
  projectId = await applyTestRepo({
    project,
    entities: [
      { name: "customer", join_keys: [{ name: "customer_id", dtype: "int64" }] },
      { name: "merchant", join_keys: [{ name: "merchant_id", dtype: "string" }] },
    ],
    sources: [
      { name: "tx", kind: "parquet", path: path.join(dir, "tx.parquet"), timestamp_field: "event_timestamp", created_timestamp_field: "created_timestamp" },
      { name: "merchant_tx", kind: "parquet", path: path.join(dir, "merchant.parquet"), timestamp_field: "event_timestamp", created_timestamp_field: "created_timestamp" },
    ],
    feature_views: [
      {
        name: "spend",
        entities: ["customer"],
        source: "tx",
        ttl: "2d",
        features: [
          { name: "amount", dtype: "float64" },
          { name: "category", dtype: "string" },
          { name: "is_large", dtype: "bool" },
        ],
        aggregations,
      },
      { name: "merchant_stats", entities: ["merchant"], source: "merchant_tx", features: [{ name: "category", dtype: "string" }], aggregations: [{ column: "amount", function: "sum", windows: ["1d"] }] },
    ],
  });
  consumer = (await tokenFor(projectId, "consumer")).token;
  const redis = createRedis("online");
  try {
    for (const view of ["spend", "merchant_stats"]) {
      const v = await db().featureViewVersion.findFirstOrThrow({ where: { featureView: { projectId, name: view }, version: 1 } });
      const start = new Date(t0 - 3 * D);
      await materializeWindow(
        { projectName: project, viewName: view, version: 1, versionId: v.id, start, end: new Date(end), writeOffline: true, writeOnline: true, jobId: `test-${view}` },
        {},
        { redis },
      );
      // The job layer records intervals; this test drives the engine directly.
      await db().materializedInterval.create({ data: { versionId: v.id, start, end: new Date(end), online: true, offline: true } });
    }
  } finally {
    redis.disconnect();
  }
}, 120_000);

afterAll(async () => {
  await workers?.close();
  await closeQueues();
  await deleteQueueKeys(queuePrefix);
  await fs.rm(dir, { recursive: true, force: true });
});

function close(a: unknown, b: unknown): boolean {
  if (a === null || b === null || a === undefined || b === undefined) return (a ?? null) === (b ?? null);
  if (typeof a === "number" && typeof b === "number") return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  return a === b;
}

async function callRoute(body: unknown, headers: Record<string, string> = {}, query = "") {
  const isJson = typeof body !== "string" && !(body instanceof Uint8Array);
  return historicalRoute(
    new Request(`http://localhost/api/v1/projects/${project}/historical-features${query}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${consumer}`, ...headers },
      body: isJson ? JSON.stringify(body) : (body as BodyInit),
    }),
    { params: Promise.resolve({ project }) },
  );
}

describe("point-in-time correctness vs the oracle", () => {
  it("matches the brute-force oracle at edges, ties, absent entities and with zone offsets", async () => {
    const entityRows: { customer_id: number; merchant_id: string; event_timestamp: string; t: number }[] = [];
    const times = [end, end - H, end - D, end - ttlMs, end - ttlMs - 1000, end - ttlMs + 1000, t0 - H, t0 + 3 * D + 17_000];
    // Times exactly on each entity's rows (ties on event time, window edges).
    for (const r of spend.filter((_, i) => i % 9 === 0)) times.push(r.ts, r.ts + H, r.ts + D, r.ts + ttlMs);
    let k = 0;
    for (const t of times) {
      if (t > end) continue;
      for (const c of [1, 2, 3, 4, 5, 6, 7, 8, 12, 23, 999]) {
        const zoned = k++ % 3 === 0;
        // Same instant written with a +05:30 offset: must be read as UTC.
        const ts = zoned ? new Date(t + 5.5 * H).toISOString().replace("Z", "+05:30") : new Date(t).toISOString();
        entityRows.push({ customer_id: c, merchant_id: `m${(c % 16) + 1}`, event_timestamp: ts, t });
      }
    }
    const features = ["spend", "merchant_stats:category", "merchant_stats:amount_sum_1d"];
    const res = await callRoute({ features, full_feature_names: true, entity_rows: entityRows.map(({ t: _, ...r }) => r) });
    const body = (await res.json()) as { columns: string[]; rows: Record<string, unknown>[] };
    expect(res.status, JSON.stringify(body).slice(0, 500)).toBe(200);
    expect(body.rows).toHaveLength(entityRows.length);
    expect(body.columns.slice(0, 3)).toEqual(["customer_id", "merchant_id", "event_timestamp"]);
    let checked = 0;
    for (let i = 0; i < entityRows.length; i++) {
      const e = entityRows[i];
      const got = body.rows[i];
      expect(got.customer_id).toBe(e.customer_id);
      expect(Date.parse(String(got.event_timestamp))).toBe(e.t);
      const latest = latestRow(spend, String(e.customer_id), e.t, ttlMs);
      for (const f of ["amount", "category", "is_large"]) {
        const want = latest ? latest.values[f] ?? null : null;
        expect(close(got[`spend__${f}`], want), `row ${i} spend.${f} at ${new Date(e.t).toISOString()} c=${e.customer_id}: got ${got[`spend__${f}`]} want ${want}`).toBe(true);
        checked++;
      }
      for (const fn of FUNCS) {
        for (const [w, ms] of Object.entries(windows)) {
          const want = aggregate(spend, String(e.customer_id), e.t, ms, "amount", fn);
          const name = `spend__amount_${fn}_${w}`;
          expect(close(got[name], want), `row ${i} ${name} at ${new Date(e.t).toISOString()} c=${e.customer_id}: got ${got[name]} want ${want}`).toBe(true);
          checked++;
        }
      }
      const m = e.merchant_id.slice(1);
      const ml = latestRow(merch, m, e.t, null);
      expect(got.merchant_stats__category).toBe(ml ? ml.values.category : null);
      expect(close(got.merchant_stats__amount_sum_1d, aggregate(merch, m, e.t, D, "amount", "sum"))).toBe(true);
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it("online values equal historical retrieval at the materialization end", async () => {
    const ids = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 13, 27];
    const online = await getOnlineFeatures({ project, principal: admin, request: { features: ["spend"], entities: { customer_id: ids } }, now: end });
    const res = await callRoute({ features: ["spend"], entity_rows: ids.map((c) => ({ customer_id: c, event_timestamp: new Date(end).toISOString() })) });
    const hist = (await res.json()) as { rows: Record<string, unknown>[] };
    expect(res.status).toBe(200);
    online.metadata.feature_names.forEach((name, col) => {
      if (name === "customer_id") return;
      ids.forEach((_, i) => {
        const o = online.results[col].values[i];
        const h = hist.rows[i][name];
        expect(close(o, h), `${name} of customer ${ids[i]}: online ${o} historical ${h}`).toBe(true);
      });
    });
  });
});

describe("formats, uploads and jobs", () => {
  it("accepts a Parquet upload and answers Parquet, CSV and JSON by Accept", async () => {
    const file = path.join(dir, "entities.parquet");
    await withDuckConnection((c) =>
      c.run(`COPY (SELECT * FROM (VALUES (1::BIGINT, TIMESTAMPTZ '2024-03-05 12:00:00+02'), (2, TIMESTAMPTZ '2024-03-06 00:00:00+00')) t(customer_id, event_timestamp)) TO ${qlit(file)} (FORMAT parquet)`),
    );
    const bytes = await fs.readFile(file);
    const q = "?features=spend:amount,spend:amount_count_1d";
    const pq = await callRoute(bytes, { "content-type": "application/vnd.apache.parquet", accept: "application/vnd.apache.parquet" }, q);
    expect(pq.status).toBe(200);
    const out = path.join(dir, "out.parquet");
    await fs.writeFile(out, Buffer.from(await pq.arrayBuffer()));
    const rows = await withDuckConnection(async (c) => (await c.runAndReadAll(`SELECT * FROM read_parquet(${qlit(out)})`)).getRowObjectsJson());
    expect(rows.map((r) => r.event_timestamp)).toEqual(["2024-03-05 10:00:00", "2024-03-06 00:00:00"]);
    const want = latestRow(spend, "1", Date.parse("2024-03-05T10:00:00Z"), ttlMs)?.values.amount ?? null;
    expect(close(rows[0].amount === null ? null : Number(rows[0].amount), want)).toBe(true);

    const csv = await callRoute("customer_id,event_timestamp\n1,2024-03-05T12:00:00+02:00\n2,2024-03-06 00:00:00\n", { "content-type": "text/csv", accept: "text/csv" }, q);
    expect(csv.status).toBe(200);
    const text = await csv.text();
    expect(text.split("\n")[0]).toBe("customer_id,event_timestamp,amount,amount_count_1d");
    expect(text.split("\n")[1]).toContain("2024-03-05T10:00:00.000000Z");
  });

  it("cancel: a queued job leaves the historical queue; a join whose cancel flag is set publishes nothing", async () => {
    // No worker runs yet in this file: jobs stay queued.
    const asJob = async () => {
      const res = await callRoute({ features: ["spend:amount"], as_job: true, entity_rows: [{ customer_id: 3, event_timestamp: "2024-03-07T00:00:00Z" }] });
      expect(res.status).toBe(202);
      return ((await res.json()) as { job: { id: string } }).job.id;
    };
    const a = await asJob();
    expect(await queue(QUEUES.historical).getJob(a)).toBeTruthy();
    expect(await requestCancel(a, projectId, "test")).toEqual({ jobId: a, state: "cancelled" });
    expect(await queue(QUEUES.historical).getJob(a)).toBeUndefined();
    expect((await db().job.findUniqueOrThrow({ where: { id: a } })).status).toBe("cancelled");
    // A late duplicate delivery skips it and drops the entity table it no longer needs.
    expect(await runHistoricalJob({ data: { jobId: a } })).toMatchObject({ status: "skipped" });
    await expect(fs.access(historicalEntitiesPath(project, a))).rejects.toThrow();

    // Cancel requested as a worker takes the job: the run ends cancelled without a result.
    const b = await asJob();
    await queue(QUEUES.historical).remove(b);
    await db().job.update({ where: { id: b }, data: { cancelRequested: true } });
    expect(await runHistoricalJob({ data: { jobId: b } })).toEqual({ status: "cancelled" });
    const row = await db().job.findUniqueOrThrow({ where: { id: b } });
    expect(row.status).toBe("cancelled");
    expect(row.finishedAt).toBeTruthy();
    await expect(fs.access(historicalResultPath(project, b))).rejects.toThrow();
    await expect(fs.access(`${historicalResultPath(project, b)}.tmp`)).rejects.toThrow();
    await expect(fs.access(historicalEntitiesPath(project, b))).rejects.toThrow();
    const logs = await db().jobLog.findMany({ where: { jobId: b }, orderBy: { id: "asc" } });
    expect(logs.map((l) => l.message).join("\n")).toMatch(/cancelled while running \(step load\); no result was written/);
  });

  it("runs as a job on a worker when asked (or when large) and serves the Parquet result", async () => {
    const at = Date.parse("2024-03-07T00:00:00Z");
    const res = await callRoute({ features: ["spend:amount"], as_job: true, entity_rows: [{ customer_id: 3, event_timestamp: "2024-03-07T00:00:00Z" }] });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { job: { id: string; status: string }; result_url: string };
    expect(body.job.status).toBe("queued");
    // No worker yet: the job waits in the queue, its result is not there.
    expect((await db().job.findUniqueOrThrow({ where: { id: body.job.id } })).status).toBe("queued");
    const early = await resultRoute(new Request(`http://localhost${body.result_url}`, { headers: { authorization: `Bearer ${consumer}` } }), {
      params: Promise.resolve({ project, id: body.job.id }),
    });
    expect(early.status).toBe(409);
    workers = startWorkers({ queues: ["historical"], concurrency: 1, log: () => undefined });
    const job = await waitForJob(body.job.id);
    expect(job.error).toBeNull();
    expect(job.status).toBe("succeeded");
    expect(job.kind).toBe("historical");
    // The typed entity table handed to the worker is removed once the job is done.
    await expect(fs.access(historicalEntitiesPath(project, body.job.id))).rejects.toThrow();
    const dl = await resultRoute(
      new Request(`http://localhost${body.result_url}`, { headers: { authorization: `Bearer ${consumer}` } }),
      { params: Promise.resolve({ project, id: body.job.id }) },
    );
    expect(dl.status).toBe(200);
    expect(dl.headers.get("content-type")).toContain("parquet");
    const file = path.join(dir, "job-result.parquet");
    await fs.writeFile(file, Buffer.from(await dl.arrayBuffer()));
    const rows = await withDuckConnection(async (c) => (await c.runAndReadAll(`SELECT customer_id, amount FROM read_parquet(${qlit(file)})`)).getRowObjectsJson());
    expect(rows.length).toBe(1);
    expect(close(rows[0].amount, latestRow(spend, "3", at, ttlMs)?.values.amount ?? null)).toBe(true);
  });
});

describe("bad input says what to fix", () => {
  const expectProblem = async (res: Response, status: number, detail: RegExp) => {
    const body = (await res.json()) as { detail: string };
    expect(res.status, body.detail).toBe(status);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(body.detail).toMatch(detail);
    return body;
  };
  it("unknown feature, unknown version", async () => {
    await expectProblem(await callRoute({ features: ["spend:nope"], entity_rows: [{ customer_id: 1, event_timestamp: "2024-03-05T00:00:00Z" }] }), 400, /"nope" does not exist/);
    await expectProblem(await callRoute({ features: ["spend@v4:amount"], entity_rows: [{ customer_id: 1, event_timestamp: "2024-03-05T00:00:00Z" }] }), 400, /no version 4/);
  });
  it("wrong join key type, missing timestamp column, empty table", async () => {
    await expectProblem(await callRoute({ features: ["spend:amount"], entity_rows: [{ customer_id: "abc", event_timestamp: "2024-03-05T00:00:00Z" }] }), 400, /"customer_id" has dtype int64/);
    await expectProblem(await callRoute({ features: ["spend:amount"], entity_rows: [{ customer_id: 1, ts: "2024-03-05T00:00:00Z" }] }), 400, /no "event_timestamp" column/);
    await expectProblem(await callRoute({ features: ["spend:amount"], entity_rows: [] }), 400, /empty/);
    await expectProblem(await callRoute("customer_id,when\n1,2024-03-05\n", { "content-type": "text/csv" }, "?features=spend:amount"), 400, /no "event_timestamp" column/);
    // CSV uploads (read without DuckDB's dialect sniffing): other separators, bad keys, ragged rows, no rows.
    await expectProblem(await callRoute("customer_id;event_timestamp\n1;2024-03-05\n", { "content-type": "text/csv" }, "?features=spend:amount"), 400, /comma-separated/);
    await expectProblem(await callRoute("customer_id,event_timestamp\nabc,2024-03-05\n", { "content-type": "text/csv" }, "?features=spend:amount"), 400, /join key and time types/);
    await expectProblem(await callRoute("customer_id,event_timestamp\n1,2024-03-05,extra\n", { "content-type": "text/csv" }, "?features=spend:amount"), 400, /cannot be read|not a readable CSV/);
    await expectProblem(await callRoute("customer_id,event_timestamp\n", { "content-type": "text/csv" }, "?features=spend:amount"), 400, /empty/);
    await expectProblem(await callRoute("customer_id,event_timestamp\n1,not a time\n", { "content-type": "text/csv" }, "?features=spend:amount"), 400, /cannot be read|no time/);
  });
  it("a 100k-row JSON body is refused with a pointer to file uploads", async () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => ({ customer_id: i, event_timestamp: "2024-03-05T00:00:00Z" }));
    await expectProblem(await callRoute({ features: ["spend:amount"], entity_rows: rows }), 413, /Parquet|CSV/);
  });
  it("malformed Parquet upload", async () => {
    await expectProblem(
      await callRoute(new TextEncoder().encode("PAR1 this is not parquet"), { "content-type": "application/vnd.apache.parquet" }, "?features=spend:amount"),
      400,
      /not a readable Parquet file/,
    );
  });
  it("times outside the materialized range are a 409 naming the view and interval", async () => {
    const body = await expectProblem(
      await callRoute({ features: ["spend:amount"], entity_rows: [{ customer_id: 1, event_timestamp: "2024-03-20T00:00:00Z" }] }),
      409,
      /spend@v1: 2024-03-18T00:00:00\.000Z → 2024-03-20T00:00:00\.000Z/,
    );
    expect((body as unknown as { missing: unknown[] }).missing).toHaveLength(1);
  });
  it("unsupported Accept is a 406", async () => {
    await expectProblem(await callRoute({ features: ["spend:amount"], entity_rows: [{ customer_id: 1, event_timestamp: "2024-03-05T00:00:00Z" }] }, { accept: "image/png" }), 406, /Accept/);
  });
});
