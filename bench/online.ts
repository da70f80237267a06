// npm run bench:online — online read latency and throughput (issue 4):
//   1 entity × 50 features and 100 entities × 50 features, against
//     - the lean feature server (POST /get-online-features, bearer token, registry cache),
//     - the Next route (POST /api/v1/projects/{p}/online-features) when a `next build` exists,
//     - a raw node:http + ioredis pipelined HMGET server (the floor issue 4 names;
//       bench/raw-online-server.ts),
//     - the same raw server reading with the feature server's own read script (get-online-features.ts
//       READ_LUA: one call, one US-joined string back), the floor for the access the server uses;
//     - the same raw server answering a constant without reading anything (RAW_MODE=echo): the
//       machine's floor for one HTTP exchange with this load generator, printed beside the latency
//       targets because on a noisy host it alone can be above them;
//   throughput at max load: autocannon, closed loop, 16 connections, in this process (which is
//     otherwise idle while it runs), with each server's CPU per answered request (user + system
//     time of its process tree from /proc over the run ÷ requests): unlike req/s, it barely moves
//     when something else is using the machine's two cores;
//   latency at a fixed 200 req/s: bench/load-gen.ts in its own process — open loop, one request
//     every 5 ms on an even schedule whatever the previous ones are doing, latency measured from
//     the scheduled send time to the last response byte (no coordinated omission), 1 s unrecorded
//     warm-up then BENCH_RATE_SECONDS (10) recorded. autocannon's own `overallRate` is not used for
//     this: it lets each connection send its per-second quota back to back at the top of every
//     second (a burst at full speed, then idle) and "corrects" the histogram with a 1 ms expected
//     interval, so its p99 at 200 req/s measured bursts, not a 200 req/s stream.
// BENCH_SERVER_NODE_ARGS / BENCH_FLOOR_NODE_ARGS add node flags to the feature server / the floor
// (e.g. "--cpu-prof"); BENCH_VERBOSE=1 shows the servers' stdout (e.g. with "--trace-gc").
// BENCH_TARGETS=echo,floor,floor-script,server,next and BENCH_SCENARIOS=1,100 pick a subset while iterating.
// BENCH_HOLD=1 starts the servers, prints their URLs, headers and request bodies, and keeps them up
// until Ctrl-C instead of measuring (to drive them with another load generator, e.g. wrk).
// Uses a throwaway registry database and its own Redis key prefix, removed afterwards.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import autocannon from "autocannon";
import { stealMeter, stealNote } from "./host";
import type { LoadGenResult, LoadGenSpec } from "./load-gen";

const FEATURES = 50;
const ENTITIES = 10_000;
const DURATION = Number(process.env.BENCH_SECONDS ?? 8);
const RATE = 200;
/** Issue 4's p99 targets at RATE req/s, by scenario id, and its throughput target vs the HMGET floor. */
const P99_TARGET_MS: Record<string, number> = { "1": 2, "100": 10 };
/** Issue 14's p99 targets for the Next route at RATE req/s, by scenario id. */
const NEXT_P99_TARGET_MS: Record<string, number> = { "1": 10, "100": 20 };
const THROUGHPUT_TARGET = 0.5;
const RATE_SECONDS = Number(process.env.BENCH_RATE_SECONDS ?? 10);
const ONLY_TARGETS = process.env.BENCH_TARGETS?.split(",");
const ONLY_SCENARIOS = process.env.BENCH_SCENARIOS?.split(",");
// BENCH_PORT (default 6610) and the next three ports for the feature server and floors,
// BENCH_NEXT_PORT (default 3610) for `next start`: several benches can run on one host.
const FS_PORT = Number(process.env.BENCH_PORT ?? 6610);
const RAW_PORT = FS_PORT + 1;
const RAW_SCRIPT_PORT = FS_PORT + 2;
const ECHO_PORT = FS_PORT + 3;
const NEXT_PORT = Number(process.env.BENCH_NEXT_PORT ?? 3610);

const baseUrl = new URL(process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/larder");
const benchDb = `larder_bench_online_${process.pid}`;
const dbUrl = new URL(baseUrl.toString());
dbUrl.pathname = `/${benchDb}`;
process.env.DATABASE_URL = dbUrl.toString();
// The servers run with NODE_ENV=production, which refuses the development secret; the tokens made
// here must hash the same in both processes.
process.env.SESSION_SECRET ??= `bench-session-secret-${"0".repeat(32)}`;

const { dropDatabase, migrateDeploy } = await import("../lib/db/migrate");
const { disconnectDb } = await import("../lib/db/client");
const { createRedis } = await import("../lib/redis/connection");
const { applyTestRepo, tokenFor } = await import("../test/support/retrieval");
const { forgetProjectInRedis } = await import("../test/support/materialize");
const { writeOnlineBatch } = await import("../lib/online/write-script");
const { entityKey, projectKeyPrefix, packValues, rowField, tsField } = await import("../lib/online/keys");
const { READ_LUA } = await import("../lib/online/read-redis");

const project = `bench_online_${process.pid}`;
const redis = createRedis("online");
const children: ChildProcess[] = [];

const dropDb = () => dropDatabase(dbUrl.toString());


function start(cmd: string, args: string[], env: Record<string, string>): ChildProcess {
  // Servers' stdout is drained (never left to fill the pipe and block them); BENCH_VERBOSE=1 shows it.
  const verbose = process.env.BENCH_VERBOSE === "1";
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ["ignore", verbose ? "inherit" : "pipe", "inherit"] });
  child.stdout?.resume();
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

/** CPU seconds (user + system) used so far by a process and its descendants, from /proc. */
function cpuSeconds(rootPid: number): number {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const raw = readFileSync(`/proc/${d}/stat`, "utf8");
      const f = raw.slice(raw.lastIndexOf(")") + 2).split(" ");
      stats.set(Number(d), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      /* gone */
    }
  }
  let ticks = 0;
  const todo = [rootPid];
  while (todo.length) {
    const pid = todo.pop()!;
    ticks += stats.get(pid)?.ticks ?? 0;
    for (const [child, st] of stats) if (st.ppid === pid) todo.push(child);
  }
  return ticks / 100; // USER_HZ
}

interface Target {
  id: "echo" | "floor" | "floor-script" | "server" | "next";
  name: string;
  pid: number;
  url: string;
  headers: Record<string, string>;
}

async function maxLoad(t: Target, body: string, connections: number, duration = DURATION) {
  const cpu0 = cpuSeconds(t.pid);
  const r = await autocannon({
    url: t.url,
    method: "POST",
    headers: { "content-type": "application/json", ...t.headers },
    body,
    connections,
    duration,
  });
  const cpu = cpuSeconds(t.pid) - cpu0;
  if (r.non2xx || r.errors) throw new Error(`${t.name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  // Server CPU per answered request: what the server itself spends, whatever else runs on the machine.
  return { rps: r.requests.average, cpuUsPerReq: (cpu * 1e6) / Math.max(1, r.requests.total) };
}

/** p50/p99 at a fixed rate, from bench/load-gen.ts in a child process. */
function fixedRate(t: Target, body: string): Promise<LoadGenResult & { stealPct: number | null }> {
  const spec: LoadGenSpec = {
    url: t.url,
    headers: { "content-type": "application/json", ...t.headers },
    body,
    rate: RATE,
    seconds: RATE_SECONDS,
    warmupSeconds: 1,
    connections: 32,
  };
  const steal = stealMeter();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "bench/load-gen.ts", JSON.stringify(spec)], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString("utf8")));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`load-gen exited with ${code}`));
      const r = JSON.parse(out) as LoadGenResult;
      if (r.non2xx || r.errors) return reject(new Error(`${t.name}: ${r.non2xx} non-2xx, ${r.errors} errors at ${RATE} req/s`));
      resolve({ ...r, stealPct: steal() });
    });
  });
}

const ms = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1));

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
      tsUs: BigInt(now) * 1000n,
      row: packValues(featureNames.map((_, k) => JSON.stringify(Math.round((i + j + k) * 1.37 * 100) / 100))),
      agg: null,
    }));
    await writeOnlineBatch(redis, { project, view: "driver_stats", version: 1, asofUs: null, rows });
  }

  const tsxArgs = ["--conditions=react-server", "--import", "tsx"];
  // The feature server starts exactly as `npm run feature-server` starts it (same node flags).
  const npmScript = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts["feature-server"].split(/\s+/);
  const serverArgs = npmScript.slice(1);
  // BENCH_SERVER_NODE_ARGS: extra node flags for the feature server (e.g. --cpu-prof while profiling).
  const serverNodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
  const fs = start(process.execPath, [...serverNodeArgs, ...serverArgs], { FEATURE_SERVER_PORT: String(FS_PORT), NODE_ENV: "production" });
  const floorNodeArgs = process.env.BENCH_FLOOR_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
  const rawEnv = {
    RAW_KEY_PREFIX: projectKeyPrefix(project),
    RAW_JOIN_KEY: "driver_id",
    RAW_FIELDS: JSON.stringify([tsField("driver_stats", 1), rowField("driver_stats", 1)]),
  };
  const raw = start(process.execPath, [...floorNodeArgs, ...tsxArgs, "bench/raw-online-server.ts"], { ...rawEnv, RAW_PORT: String(RAW_PORT) });
  const rawScript = start(process.execPath, [...floorNodeArgs, ...tsxArgs, "bench/raw-online-server.ts"], {
    ...rawEnv,
    RAW_PORT: String(RAW_SCRIPT_PORT),
    RAW_MODE: "script",
    RAW_READ_LUA: READ_LUA,
  });
  const echo = start(process.execPath, [...floorNodeArgs, ...tsxArgs, "bench/raw-online-server.ts"], { ...rawEnv, RAW_PORT: String(ECHO_PORT), RAW_MODE: "echo" });
  let targets: Target[] = [
    { id: "echo", name: "echo: node:http, no read (machine floor)", pid: echo.pid!, url: `http://127.0.0.1:${ECHO_PORT}/`, headers: {} },
    { id: "floor", name: "raw node:http + ioredis HMGET (floor)", pid: raw.pid!, url: `http://127.0.0.1:${RAW_PORT}/`, headers: {} },
    { id: "floor-script", name: "raw node:http + ioredis read script", pid: rawScript.pid!, url: `http://127.0.0.1:${RAW_SCRIPT_PORT}/`, headers: {} },
    { id: "server", name: "feature server", pid: fs.pid!, url: `http://127.0.0.1:${FS_PORT}/get-online-features`, headers: { authorization: `Bearer ${token}` } },
  ];
  const hasNextBuild = existsSync(path.resolve(".next/BUILD_ID")) && (!ONLY_TARGETS || ONLY_TARGETS.includes("next"));
  if (hasNextBuild) {
    const next = start(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(NEXT_PORT)], { NODE_ENV: "production" });
    targets.push({ id: "next", name: "Next route", pid: next.pid!, url: `http://127.0.0.1:${NEXT_PORT}/api/v1/projects/${project}/online-features`, headers: { authorization: `Bearer ${token}` } });
  }
  if (ONLY_TARGETS) targets = targets.filter((t) => ONLY_TARGETS.includes(t.id));
  for (const t of targets) await waitFor(t.url, { method: "POST", headers: { "content-type": "application/json", ...t.headers }, body: JSON.stringify({ features: ["driver_stats:f0"], entities: { driver_id: [1] } }) });

  const features = featureNames.map((f) => `driver_stats:${f}`);
  let scenarios = [
    { id: "1", name: "1 entity × 50 features", body: JSON.stringify({ features, entities: { driver_id: [4242] } }) },
    { id: "100", name: "100 entities × 50 features", body: JSON.stringify({ features, entities: { driver_id: Array.from({ length: 100 }, (_, i) => i * 97) } }) },
  ];
  if (ONLY_SCENARIOS) scenarios = scenarios.filter((s) => ONLY_SCENARIOS.includes(s.id));
  if (process.env.BENCH_HOLD === "1") {
    for (const t of targets) console.log(`${t.id}: POST ${t.url} ${JSON.stringify(t.headers)}`);
    for (const s of scenarios) console.log(`body ${s.id}: ${s.body}`);
    console.log("holding; Ctrl-C ends the bench and cleans up");
    await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
  } else {
    console.log(
      `online bench: ${ENTITIES} entities × ${FEATURES} features in Redis; max load ${DURATION}s (autocannon, 16 connections); ` +
        `latency at ${RATE} req/s open loop for ${RATE_SECONDS}s (bench/load-gen.ts); node ${process.version}`,
    );
    if (!hasNextBuild) console.log("Next route: skipped (no .next build; run `flock /tmp/next.lock npx next build` first to include it)");
    const results: Record<string, Record<string, { rps: number; cpuUsPerReq: number; fixed: LoadGenResult & { stealPct: number | null } }>> = {};
    for (const s of scenarios) {
      results[s.name] = {};
      for (const t of targets) {
        await maxLoad(t, s.body, 4, 3); // warm-up (JIT, caches, connections)
        const max = await maxLoad(t, s.body, 16);
        const fixed = await fixedRate(t, s.body);
        results[s.name][t.name] = { rps: max.rps, cpuUsPerReq: max.cpuUsPerReq, fixed };
        const l = fixed.latency;
        console.log(
          `  ${s.name.padEnd(28)} ${t.name.padEnd(40)} max ${Math.round(max.rps).toString().padStart(6)} req/s (${Math.round(max.cpuUsPerReq)} µs CPU/req)   ` +
            `@${RATE} req/s: p50 ${ms(l.p50)} ms, p99 ${ms(l.p99)} ms, p99.9 ${ms(l.p999)} ms (send lag p99 ${ms(fixed.sendLag.p99)} ms${stealNote(fixed.stealPct)})`,
        );
      }
    }
    const floorTarget = targets.find((t) => t.id === "floor");
    const scriptFloorTarget = targets.find((t) => t.id === "floor-script");
    console.log(`\nratios (throughput at max load vs the HMGET floor, and vs the read-script floor) and p99 at ${RATE} req/s:`);
    for (const s of scenarios) {
      const floor = floorTarget ? results[s.name][floorTarget.name] : undefined;
      const scriptFloor = scriptFloorTarget ? results[s.name][scriptFloorTarget.name] : undefined;
      for (const t of targets.filter((x) => x.id === "server" || x.id === "next")) {
        const r = results[s.name][t.name];
        console.log(
          `  ${s.name.padEnd(28)} ${t.name.padEnd(16)} ${(r.rps / (floor?.rps ?? NaN)).toFixed(2)}× of floor (CPU/req ${(r.cpuUsPerReq / (floor?.cpuUsPerReq ?? NaN)).toFixed(2)}×)   ` +
            `${(r.rps / (scriptFloor?.rps ?? NaN)).toFixed(2)}× of script floor (CPU/req ${(r.cpuUsPerReq / (scriptFloor?.cpuUsPerReq ?? NaN)).toFixed(2)}×)   p99 @${RATE} req/s ${ms(r.fixed.latency.p99)} ms`,
        );
      }
    }
    // Issue 4's targets for the feature server, with the floors that bound them in this same run.
    const server = targets.find((t) => t.id === "server");
    const echoTarget = targets.find((t) => t.id === "echo");
    if (server) {
      console.log(`\ntargets (feature server):`);
      for (const s of scenarios) {
        const r = results[s.name][server.name];
        const p99 = r.fixed.latency.p99;
        const limit = P99_TARGET_MS[s.id];
        const floorsP99 = [echoTarget, floorTarget, scriptFloorTarget]
          .filter((t): t is Target => t !== undefined)
          .map((t) => `${t.id} ${ms(results[s.name][t.name].fixed.latency.p99)} ms`)
          .join(", ");
        console.log(
          `  ${s.name.padEnd(28)} p99 @${RATE} req/s ${ms(p99)} ms (target ≤ ${limit} ms: ${p99 <= limit ? "met" : "missed"}; same run's p99: ${floorsP99 || "no floors run"})`,
        );
        const floor = floorTarget ? results[s.name][floorTarget.name] : undefined;
        if (floor) {
          const ratio = r.rps / floor.rps;
          console.log(`  ${s.name.padEnd(28)} throughput ${ratio.toFixed(2)}× of the HMGET floor (target ≥ ${THROUGHPUT_TARGET}×: ${ratio >= THROUGHPUT_TARGET ? "met" : "missed"})`);
        }
      }
    }
    // Issue 14's targets for the Next route, beside the feature server's and the echo floor's p99 in this run.
    const nextTarget = targets.find((t) => t.id === "next");
    if (nextTarget) {
      console.log(`\ntargets (Next route, issue 14):`);
      for (const s of scenarios) {
        const r = results[s.name][nextTarget.name];
        const p99 = r.fixed.latency.p99;
        const limit = NEXT_P99_TARGET_MS[s.id];
        const beside = [echoTarget, server]
          .filter((t): t is Target => t !== undefined)
          .map((t) => `${t.id} ${ms(results[s.name][t.name].fixed.latency.p99)} ms`)
          .join(", ");
        const cpuVsServer = server ? ` (CPU/req ${(r.cpuUsPerReq / results[s.name][server.name].cpuUsPerReq).toFixed(2)}× the feature server's)` : "";
        console.log(`  ${s.name.padEnd(28)} p99 @${RATE} req/s ${ms(p99)} ms (target ≤ ${limit} ms: ${p99 <= limit ? "met" : "missed"}; same run's p99: ${beside || "none"})${cpuVsServer}`);
      }
    }
  }
} finally {
  for (const c of children) c.kill("SIGTERM");
  await forgetProjectInRedis(redis, project);
  redis.disconnect();
  await disconnectDb().catch(() => undefined);
  const { closeSharedRedis } = await import("../lib/redis/connection");
  await closeSharedRedis();
  await dropDb().catch((e) => console.error("could not drop bench db:", e));
}
// Open handles (DuckDB, pools) must not keep a finished bench alive.
process.exit(process.exitCode ?? 0);
