// npm run bench:online — online read latency and throughput (issue 4):
//   1 entity × 50 features and 100 entities × 50 features, against
//     - the lean feature server (POST /get-online-features, bearer token, registry cache),
//     - the Next route (POST /api/v1/projects/{p}/online-features) when a `next build` exists,
//     - a raw node:http + ioredis pipelined HMGET server (the floor; bench/raw-online-server.ts);
//   load generator autocannon: throughput at max load (16 connections) and p99 at a fixed 200 req/s.
// Uses a throwaway registry database and its own Redis key prefix, removed afterwards.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import autocannon from "autocannon";

const FEATURES = 50;
const ENTITIES = 10_000;
const DURATION = Number(process.env.BENCH_SECONDS ?? 8);
const FS_PORT = 6610;
const RAW_PORT = 6611;
const NEXT_PORT = 3610;

const baseUrl = new URL(process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/larder");
const benchDb = `larder_bench_online_${process.pid}`;
const dbUrl = new URL(baseUrl.toString());
dbUrl.pathname = `/${benchDb}`;
process.env.DATABASE_URL = dbUrl.toString();

const { dropDatabase, migrateDeploy } = await import("../lib/db/migrate");
const { disconnectDb } = await import("../lib/db/client");
const { createRedis } = await import("../lib/redis/connection");
const { applyTestRepo, tokenFor } = await import("../lib/online/retrieval-test-support");
const { writeOnlineBatch } = await import("../lib/online/write-script");
const { entityKey, projectKeyPrefix, packValues, rowField, tsField } = await import("../lib/online/keys");

const project = `bench_online_${process.pid}`;
const redis = createRedis("online");
const children: ChildProcess[] = [];

const dropDb = () => dropDatabase(dbUrl.toString());

async function unlinkPrefix(prefix: string) {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 5000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== "0");
}

function start(cmd: string, args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  return child;
}

async function waitFor(url: string, init?: RequestInit): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      const r = await fetch(url, init);
      if (r.status < 500) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not come up`);
}

interface Target {
  name: string;
  url: string;
  headers: Record<string, string>;
}

async function run(t: Target, body: string, opts: { connections: number; overallRate?: number }) {
  const r = await autocannon({
    url: t.url,
    method: "POST",
    headers: { "content-type": "application/json", ...t.headers },
    body,
    connections: opts.connections,
    duration: DURATION,
    ...(opts.overallRate ? { overallRate: opts.overallRate } : {}),
  });
  if (r.non2xx || r.errors) throw new Error(`${t.name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99 };
}

try {
  await migrateDeploy(dbUrl.toString());
  const featureNames = Array.from({ length: FEATURES }, (_, i) => `f${i}`);
  const projectId = await applyTestRepo({
    project,
    entities: [{ name: "driver", join_keys: [{ name: "driver_id", dtype: "int64" }] }],
    sources: [
      {
        name: "stats_push",
        kind: "push",
        timestamp_field: "event_timestamp",
        schema: [{ name: "driver_id", dtype: "int64" }, ...featureNames.map((n) => ({ name: n, dtype: "float64" as const }))],
      },
    ],
    feature_views: [{ name: "driver_stats", entities: ["driver"], source: "stats_push", ttl: "7d", features: featureNames.map((n) => ({ name: n, dtype: "float64" as const })) }],
  });
  const { token } = await tokenFor(projectId, "consumer");
  const now = Date.now();
  for (let i = 0; i < ENTITIES; i += 1000) {
    const rows = Array.from({ length: 1000 }, (_, j) => ({
      key: entityKey(project, { driver_id: i + j }),
      tsMs: now,
      row: packValues(featureNames.map((_, k) => JSON.stringify(Math.round((i + j + k) * 1.37 * 100) / 100))),
      agg: null,
    }));
    await writeOnlineBatch(redis, { view: "driver_stats", version: 1, asofMs: null, rows });
  }

  const tsxArgs = ["--conditions=react-server", "--import", "tsx"];
  start(process.execPath, [...tsxArgs, "bin/feature-server.ts"], { FEATURE_SERVER_PORT: String(FS_PORT), NODE_ENV: "production" });
  start(process.execPath, [...tsxArgs, "bench/raw-online-server.ts"], {
    RAW_PORT: String(RAW_PORT),
    RAW_KEY_PREFIX: projectKeyPrefix(project),
    RAW_JOIN_KEY: "driver_id",
    RAW_FIELDS: JSON.stringify([tsField("driver_stats", 1), rowField("driver_stats", 1)]),
  });
  const targets: Target[] = [
    { name: "raw node:http + ioredis HMGET (floor)", url: `http://127.0.0.1:${RAW_PORT}/`, headers: {} },
    { name: "feature server", url: `http://127.0.0.1:${FS_PORT}/get-online-features`, headers: { authorization: `Bearer ${token}` } },
  ];
  const hasNextBuild = existsSync(path.resolve(".next/BUILD_ID"));
  if (hasNextBuild) {
    start(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(NEXT_PORT)], { NODE_ENV: "production" });
    targets.push({ name: "Next route", url: `http://127.0.0.1:${NEXT_PORT}/api/v1/projects/${project}/online-features`, headers: { authorization: `Bearer ${token}` } });
  }
  for (const t of targets) await waitFor(t.url, { method: "POST", headers: { "content-type": "application/json", ...t.headers }, body: JSON.stringify({ features: ["driver_stats:f0"], entities: { driver_id: [1] } }) });

  const features = featureNames.map((f) => `driver_stats:${f}`);
  const scenarios = [
    { name: "1 entity × 50 features", body: JSON.stringify({ features, entities: { driver_id: [4242] } }) },
    { name: "100 entities × 50 features", body: JSON.stringify({ features, entities: { driver_id: Array.from({ length: 100 }, (_, i) => i * 97) } }) },
  ];
  console.log(`online bench: ${ENTITIES} entities × ${FEATURES} features in Redis; ${DURATION}s per run; node ${process.version}`);
  if (!hasNextBuild) console.log("Next route: skipped (no .next build; run `flock /tmp/next.lock npx next build` first to include it)");
  const results: Record<string, Record<string, { rps: number; p99At200: number; p50At200: number }>> = {};
  for (const s of scenarios) {
    results[s.name] = {};
    for (const t of targets) {
      await run(t, s.body, { connections: 4 }); // warm-up (JIT, caches, connections)
      const max = await run(t, s.body, { connections: 16 });
      const fixed = await run(t, s.body, { connections: 10, overallRate: 200 });
      results[s.name][t.name] = { rps: max.rps, p99At200: fixed.p99, p50At200: fixed.p50 };
      console.log(`  ${s.name.padEnd(28)} ${t.name.padEnd(40)} max ${Math.round(max.rps).toString().padStart(6)} req/s   @200 req/s: p50 ${fixed.p50} ms, p99 ${fixed.p99} ms`);
    }
  }
  console.log("\nratios (feature server vs floor, throughput at max load):");
  for (const s of scenarios) {
    const floor = results[s.name][targets[0].name].rps;
    for (const t of targets.slice(1)) {
      const r = results[s.name][t.name];
      console.log(`  ${s.name.padEnd(28)} ${t.name.padEnd(16)} ${(r.rps / floor).toFixed(2)}× of floor   p99 @200 req/s ${r.p99At200} ms`);
    }
  }
} finally {
  for (const c of children) c.kill("SIGTERM");
  await unlinkPrefix(projectKeyPrefix(project));
  redis.disconnect();
  await disconnectDb().catch(() => undefined);
  const { closeSharedRedis } = await import("../lib/redis/connection");
  await closeSharedRedis();
  await dropDb().catch((e) => console.error("could not drop bench db:", e));
}
// Open handles (DuckDB, pools) must not keep a finished bench alive.
process.exit(process.exitCode ?? 0);
