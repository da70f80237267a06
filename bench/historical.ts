// npm run bench:historical — point-in-time retrieval at scale (issue 4):
//   1,000,000 entity rows × 3 feature views with 10,000,000 feature rows in total (offline store
//   layout, Parquet, date partitions), through the use case (getHistoricalFeatures, Parquet out)
//   and through the HTTP route (Parquet upload → job → result), against the floor: one raw DuckDB
//   statement with three ASOF JOINs over the same files writing Parquet (no tie-break, no ttl,
//   no checks). Target: end to end ≤ 2× the floor.
// Upload formats (issue 14): the same UPLOAD_ROWS (2,000) entity rows sent to the route handler as
//   JSON entity_rows, CSV and Parquet (inline answer, JSON out), alternating, BENCH_UPLOAD_REPEAT
//   (default 9) times each; the median of each and the ratios CSV/Parquet and JSON/Parquet. Target:
//   CSV ≤ 1.5× Parquet.
// Sizes: BENCH_ENTITY_ROWS (default 1,000,000), BENCH_FEATURE_ROWS (default 10,000,000).
// BENCH_PARTS=scale|upload runs one half (default both).
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";

const ENTITY_ROWS = Number(process.env.BENCH_ENTITY_ROWS ?? 1_000_000);
const FEATURE_ROWS = Number(process.env.BENCH_FEATURE_ROWS ?? 10_000_000);
const CUSTOMERS = 200_000;
const MERCHANTS = 20_000;
const DAYS = 30;
const T0 = Date.parse("2024-01-01T00:00:00Z");
const UPLOAD_ROWS = 2_000;
const UPLOAD_REPEAT = Number(process.env.BENCH_UPLOAD_REPEAT ?? 9);
const PARTS = (process.env.BENCH_PARTS ?? "scale,upload").split(",");

const baseUrl = new URL(process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/larder");
const benchDb = `larder_bench_hist_${process.pid}`;
const dbUrl = new URL(baseUrl.toString());
dbUrl.pathname = `/${benchDb}`;
const tmp = await fs.mkdtemp(path.join(os.tmpdir(), "larder-bench-hist-"));
process.env.DATABASE_URL = dbUrl.toString();
process.env.OFFLINE_STORE_URI = path.join(tmp, "offline");
// Its own queue prefix: the HTTP path queues the join on `historical`, run by a worker started here.
process.env.QUEUE_PREFIX = `larder-bench-hist-${process.pid}`;

const { dropDatabase, migrateDeploy } = await import("../lib/db/migrate");
const { db, disconnectDb } = await import("../lib/db/client");
const { withDuckConnection, qlit } = await import("../lib/duckdb/instance");
const { applyTestRepo, tokenFor } = await import("../test/support/retrieval");
const { getHistoricalFeatures } = await import("../lib/offline/get-historical-features");
const { POST: historicalRoute } = await import("../app/api/v1/projects/[project]/historical-features/route");
const { startWorkers } = await import("../workers/register");
const { closeQueues } = await import("../lib/queues/contracts");
const { deleteQueueKeys } = await import("../test/support/jobs");
let workers: ReturnType<typeof startWorkers> | undefined;

const project = `bench_hist_${process.pid}`;
const secs = (t: number) => (performance.now() - t) / 1000;
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

const dropDb = () => dropDatabase(dbUrl.toString());

// Three views: two on customers, one on merchants; 5/3/2 tenths of the feature rows.
const VIEWS = [
  { name: "cust_txn", key: "customer_id", keyType: "BIGINT", keys: CUSTOMERS, share: 0.5, features: ["amount", "fee"], ttl: "7d" },
  { name: "cust_profile", key: "customer_id", keyType: "BIGINT", keys: CUSTOMERS, share: 0.3, features: ["score"], ttl: null },
  { name: "merch_stats", key: "merchant_id", keyType: "BIGINT", keys: MERCHANTS, share: 0.2, features: ["risk", "volume"], ttl: "30d" },
] as const;

/**
 * The same UPLOAD_ROWS entity rows uploaded as JSON, CSV and Parquet to the route handler (inline,
 * JSON answer): the upload formats differ, everything after the typed entity table is the same.
 */
async function uploadFormats(features: string[], token: string): Promise<void> {
  const dir = path.join(tmp, "upload");
  await fs.mkdir(dir, { recursive: true });
  const pq = path.join(dir, "entities.parquet");
  const csv = path.join(dir, "entities.csv");
  const sql = `SELECT (hash(i * 3) % ${CUSTOMERS})::BIGINT AS customer_id, (hash(i * 5) % ${MERCHANTS})::BIGINT AS merchant_id,
        make_timestamp(${(T0 + 2 * 86_400_000) * 1000}::BIGINT + (hash(i * 11) % ${(DAYS - 2) * 86_400})::BIGINT * 1000000 + (hash(i * 17) % 1000000)::BIGINT) AS event_timestamp
      FROM range(${UPLOAD_ROWS}) t(i)`;
  let rows: Record<string, unknown>[] = [];
  await withDuckConnection(async (c) => {
    await c.run(`COPY (${sql}) TO ${qlit(pq)} (FORMAT parquet)`);
    // Times as ISO 8601 with a zone, to the microsecond: what a pandas to_csv of UTC times writes.
    await c.run(`COPY (SELECT customer_id, merchant_id, strftime(event_timestamp, '%Y-%m-%dT%H:%M:%S.%fZ') AS event_timestamp FROM (${sql})) TO ${qlit(csv)} (FORMAT csv, HEADER true)`);
    rows = (await c.runAndReadAll(`SELECT customer_id::VARCHAR AS customer_id, merchant_id::VARCHAR AS merchant_id, strftime(event_timestamp, '%Y-%m-%dT%H:%M:%S.%fZ') AS event_timestamp FROM (${sql})`))
      .getRowObjects()
      .map((r) => ({ customer_id: Number(r.customer_id), merchant_id: Number(r.merchant_id), event_timestamp: String(r.event_timestamp) }));
  });
  const bodies = {
    json: { type: "application/json", body: JSON.stringify({ features, entity_rows: rows }) as BodyInit, query: "" },
    csv: { type: "text/csv", body: (await fs.readFile(csv)) as unknown as BodyInit, query: `?features=${encodeURIComponent(features.join(","))}` },
    parquet: { type: "application/vnd.apache.parquet", body: (await fs.readFile(pq)) as unknown as BodyInit, query: `?features=${encodeURIComponent(features.join(","))}` },
  };
  const once = async (kind: keyof typeof bodies): Promise<number> => {
    const b = bodies[kind];
    const t = performance.now();
    const res = await historicalRoute(
      new Request(`http://localhost/api/v1/projects/${project}/historical-features${b.query}`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": b.type, accept: "application/json" },
        body: b.body,
      }),
      { params: Promise.resolve({ project }) },
    );
    const text = await res.text();
    const took = performance.now() - t;
    if (res.status !== 200) throw new Error(`${kind} upload answered ${res.status}: ${text.slice(0, 500)}`);
    if (res.headers.get("x-larder-rows") !== String(UPLOAD_ROWS)) throw new Error(`${kind} upload: ${res.headers.get("x-larder-rows")} rows answered, not ${UPLOAD_ROWS}`);
    return took;
  };
  const kinds = ["json", "csv", "parquet"] as const;
  for (const k of kinds) await once(k); // warm-up
  const samples: Record<(typeof kinds)[number], number[]> = { json: [], csv: [], parquet: [] };
  for (let i = 0; i < UPLOAD_REPEAT; i++) for (const k of kinds) samples[k].push(await once(k));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const m = Object.fromEntries(kinds.map((k) => [k, median(samples[k])])) as Record<(typeof kinds)[number], number>;
  console.log(`upload formats: ${fmt(UPLOAD_ROWS)} entity rows × 3 views, inline, JSON answer; median of ${UPLOAD_REPEAT} alternating runs each`);
  for (const k of kinds) console.log(`  ${k.padEnd(8)} ${m[k].toFixed(1).padStart(7)} ms   (samples ${samples[k].map((x) => x.toFixed(0)).join(", ")})`);
  const ratio = m.csv / m.parquet;
  console.log(`  CSV / Parquet ${ratio.toFixed(2)}× (target ≤ 1.5×: ${ratio <= 1.5 ? "met" : "missed"}); JSON / Parquet ${(m.json / m.parquet).toFixed(2)}×`);
}

try {
  await migrateDeploy(dbUrl.toString());
  const projectId = await applyTestRepo({
    project,
    entities: [
      { name: "customer", join_keys: [{ name: "customer_id", dtype: "int64" }] },
      { name: "merchant", join_keys: [{ name: "merchant_id", dtype: "int64" }] },
    ],
    sources: VIEWS.map((v) => ({
      name: `${v.name}_src`,
      kind: "push" as const,
      timestamp_field: "event_timestamp",
      created_timestamp_field: "created_timestamp",
      schema: [{ name: v.key, dtype: "int64" as const }, ...v.features.map((f) => ({ name: f, dtype: "float64" as const }))],
    })),
    feature_views: VIEWS.map((v) => ({
      name: v.name,
      entities: [v.key === "customer_id" ? "customer" : "merchant"],
      source: `${v.name}_src`,
      ...(v.ttl ? { ttl: v.ttl } : {}),
      features: v.features.map((f) => ({ name: f, dtype: "float64" as const })),
    })),
  });
  const { token } = await tokenFor(projectId, "consumer");

  // Feature rows straight into the offline store layout (this bench measures retrieval, not
  // materialization): date-partitioned Parquet per view version.
  let t = performance.now();
  const entityFile = path.join(tmp, "entities.parquet");
  await withDuckConnection(async (c) => {
    for (const v of VIEWS) {
      const rows = Math.round(FEATURE_ROWS * v.share);
      const dir = path.join(process.env.OFFLINE_STORE_URI!, project, v.name, "v1");
      await fs.mkdir(dir, { recursive: true });
      await c.run(`COPY (
          SELECT (hash(i) % ${v.keys})::BIGINT AS ${v.key},
                 make_timestamp(${T0 * 1000}::BIGINT + (hash(i * 7) % ${DAYS * 86_400})::BIGINT * 1000000) AS event_timestamp,
                 make_timestamp(${T0 * 1000}::BIGINT + (hash(i * 7) % ${DAYS * 86_400})::BIGINT * 1000000 + (hash(i * 13) % 60000000)::BIGINT) AS created_timestamp,
                 ${v.features.map((f, k) => `round((hash(i * ${k + 3}) % 100000) / 100.0, 2)::DOUBLE AS ${f}`).join(", ")},
                 strftime(make_timestamp(${T0 * 1000}::BIGINT + (hash(i * 7) % ${DAYS * 86_400})::BIGINT * 1000000), '%Y-%m-%d') AS date
          FROM range(${rows}) t(i)
        ) TO ${qlit(dir)} (FORMAT parquet, PARTITION_BY (date), OVERWRITE_OR_IGNORE true)`);
    }
    await c.run(`COPY (
        SELECT (hash(i * 3) % ${CUSTOMERS})::BIGINT AS customer_id, (hash(i * 5) % ${MERCHANTS})::BIGINT AS merchant_id,
               make_timestamp(${(T0 + 2 * 86_400_000) * 1000}::BIGINT + (hash(i * 11) % ${(DAYS - 2) * 86_400})::BIGINT * 1000000) AS event_timestamp
        FROM range(${ENTITY_ROWS}) t(i)
      ) TO ${qlit(entityFile)} (FORMAT parquet)`);
  });
  for (const v of VIEWS) {
    const ver = await db().featureViewVersion.findFirstOrThrow({ where: { featureView: { projectId, name: v.name }, version: 1 } });
    await db().materializedInterval.create({ data: { versionId: ver.id, start: new Date(T0 - 31 * 86_400_000), end: new Date(T0 + DAYS * 86_400_000), offline: true } });
  }
  console.log(`historical bench: ${fmt(ENTITY_ROWS)} entity rows × 3 views, ${fmt(FEATURE_ROWS)} feature rows; data generated in ${secs(t).toFixed(1)}s`);

  const features = VIEWS.flatMap((v) => v.features.map((f) => `${v.name}:${f}`));
  const principal = { kind: "user" as const, userId: "bench", email: "bench@example.com", name: "bench", isAdmin: true, sessionId: "bench", grants: [] };

  if (PARTS.includes("scale")) {
    // Floor: one raw DuckDB statement, three ASOF JOINs over the same files, Parquet out.
    const floorOut = path.join(tmp, "floor.parquet");
    t = performance.now();
    await withDuckConnection(async (c) => {
      const glob = (v: (typeof VIEWS)[number]) => qlit(path.join(process.env.OFFLINE_STORE_URI!, project, v.name, "v1", "date=*", "*.parquet"));
      const [a, b, m] = VIEWS;
      await c.run(`COPY (
          SELECT e.*, a.amount, a.fee, b.score, m.risk, m.volume
          FROM read_parquet(${qlit(entityFile)}) e
          ASOF LEFT JOIN (SELECT customer_id, event_timestamp, amount, fee FROM read_parquet(${glob(a)})) a ON e.customer_id = a.customer_id AND a.event_timestamp <= e.event_timestamp
          ASOF LEFT JOIN (SELECT customer_id, event_timestamp, score FROM read_parquet(${glob(b)})) b ON e.customer_id = b.customer_id AND b.event_timestamp <= e.event_timestamp
          ASOF LEFT JOIN (SELECT merchant_id, event_timestamp, risk, volume FROM read_parquet(${glob(m)})) m ON e.merchant_id = m.merchant_id AND m.event_timestamp <= e.event_timestamp
        ) TO ${qlit(floorOut)} (FORMAT parquet)`);
    });
    const floor = secs(t);
    console.log(`  floor: raw DuckDB 3× ASOF JOIN → Parquet          ${floor.toFixed(2)} s`);

    // Through the use case: point-in-time with created-time tie-break, ttl, coverage check, Parquet out.
    t = performance.now();
    const out = await getHistoricalFeatures({
      project,
      principal,
      features,
      entities: { kind: "file", path: entityFile, format: "parquet" },
      format: "parquet",
      inline: true,
      triggeredBy: "bench",
    });
    const useCase = secs(t);
    if (out.kind === "file") await out.cleanup();
    console.log(`  getHistoricalFeatures (use case, Parquet out)     ${useCase.toFixed(2)} s   ${(useCase / floor).toFixed(2)}× floor`);

    // Through HTTP: Parquet upload to the route handler → job (1M rows > 100k) on the `historical`
    // queue → a worker (in this process) joins → result file ready.
    workers = startWorkers({ queues: ["historical"], concurrency: 1, log: () => undefined });
    t = performance.now();
    const res = await historicalRoute(
      new Request(`http://localhost/api/v1/projects/${project}/historical-features?as_job=true&features=${encodeURIComponent(features.join(","))}`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/vnd.apache.parquet", accept: "application/vnd.apache.parquet" },
        body: await fs.readFile(entityFile),
      }),
      { params: Promise.resolve({ project }) },
    );
    if (res.status !== 202) throw new Error(`route answered ${res.status}: ${await res.text()}`);
    const { job } = (await res.json()) as { job: { id: string } };
    for (;;) {
      const row = await db().job.findUniqueOrThrow({ where: { id: job.id } });
      if (row.status === "succeeded") break;
      if (row.status !== "running" && row.status !== "queued") throw new Error(`job ${row.status}: ${row.error}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const http = secs(t);
    console.log(`  POST /historical-features (upload → queued job → worker → result) ${http.toFixed(2)} s   ${(http / floor).toFixed(2)}× floor`);
  }

  if (PARTS.includes("upload")) await uploadFormats(features, token);
} finally {
  await workers?.close().catch(() => undefined);
  await closeQueues().catch(() => undefined);
  await deleteQueueKeys(process.env.QUEUE_PREFIX!).catch(() => undefined);
  await disconnectDb().catch(() => undefined);
  const { closeSharedRedis, sharedRedis } = await import("../lib/redis/connection");
  const { forgetProjectInRedis } = await import("../test/support/materialize");
  await forgetProjectInRedis(sharedRedis("online"), project).catch(() => undefined);
  await closeSharedRedis();
  await dropDb().catch((e) => console.error("could not drop bench db:", e));
  await fs.rm(tmp, { recursive: true, force: true });
}
// Open handles (DuckDB, pools) must not keep a finished bench alive.
process.exit(process.exitCode ?? 0);
