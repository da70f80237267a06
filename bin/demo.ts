// `npm run demo`: the whole product with demo data on this machine.
//  0. SESSION_SECRET from the environment, or this install's own (.data/session-secret, made once).
//  1. Postgres at DATABASE_URL, or an embedded one under ./.data; Redis at REDIS_URL, or
//     redis-server from PATH under ./.data.
//  2. Migrate the registry; create (or reset) the demo admin; generate the sample data and apply
//     the sample repo `examples/retail`.
//  3. Build the console if needed; start web, worker and feature server.
//  4. Backfill the sample views over their 90 days of data and print the login and a token.
//  The second, larger example (examples/acme: four projects, 40 views) is applied and materialized
//  too, with one stale view, one failing job and one view never materialized.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import {
  postgresAnswers,
  redisAnswers,
  startEmbeddedPostgres,
  startLocalRedis,
  type StartedService,
} from "../lib/devstack/services";

const ROOT = path.resolve(import.meta.dirname, "..");
process.chdir(ROOT);
const started: StartedService[] = [];
const children: ChildProcess[] = [];
const say = (s: string) => console.log(`\x1b[36m[demo]\x1b[0m ${s}`);

async function main() {
  // The servers run in production mode, which refuses the shared development secret: this install
  // gets its own (kept in .data/session-secret), unless the environment sets one.
  const { demoSessionSecret } = await import("../lib/devstack/session-secret");
  const secret = demoSessionSecret(path.join(ROOT, ".data"));
  process.env.SESSION_SECRET = secret.secret;
  if (secret.source === "created") say(`generated this install's SESSION_SECRET in ${path.relative(ROOT, secret.file)} (mode 0600)`);
  // Service discovery happens before env() is first read, so the children inherit the result.
  const { env } = await import("../lib/config/env");
  const wanted = env();
  let databaseUrl = wanted.DATABASE_URL;
  if (!(await postgresAnswers(databaseUrl))) {
    say(`no Postgres answers at ${databaseUrl}; starting an embedded Postgres under ./.data/pg`);
    const pg = await startEmbeddedPostgres("larder");
    started.push(pg);
    databaseUrl = pg.url;
  }
  let redisUrl = wanted.REDIS_URL;
  if (!(await redisAnswers(redisUrl))) {
    say(`no Redis answers at ${redisUrl}; starting redis-server under ./.data/redis`);
    const r = await startLocalRedis();
    started.push(r);
    redisUrl = r.url;
  }
  process.env.DATABASE_URL = databaseUrl;
  process.env.REDIS_URL = redisUrl;
  (await import("../lib/config/env")).resetEnvForTests();

  const { migrateDeploy } = await import("../lib/db/migrate");
  const applied = await migrateDeploy(databaseUrl);
  say(applied.length ? `registry migrated (${applied.join(", ")})` : "registry is up to date");

  const { seedDemo } = await import("../lib/devstack/seed-demo");
  const seeded = await seedDemo({ repoDir: path.join(ROOT, "examples", "retail") });
  // The second, larger example: four teams' projects (examples/acme).
  const { seedAcme, materializeAcme } = await import("../lib/devstack/seed-acme");
  const acme = await seedAcme(seeded.adminUserId, (line) => say(line));

  if (!existsSync(path.join(ROOT, ".next", "BUILD_ID")) || process.env.DEMO_REBUILD) {
    say("building the console (next build) — first run only");
    const b = spawnSync("npx", ["next", "build"], { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
    if (b.status !== 0) throw new Error("next build failed");
  }
  const e = env();
  const node = [process.execPath, "--conditions=react-server", "--import", "tsx"];
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" };
  const run = (name: string, cmd: string, args: string[]) => {
    // Its own process group, so shutdown reaches grandchildren too (npx → next → next-server).
    const c = spawn(cmd, args, { env: childEnv, stdio: "pipe", detached: true });
    const tag = `\x1b[2m[${name}]\x1b[0m `;
    c.stdout!.on("data", (d: Buffer) => process.stdout.write(d.toString().replace(/^(?=.)/gm, tag)));
    c.stderr!.on("data", (d: Buffer) => process.stderr.write(d.toString().replace(/^(?=.)/gm, tag)));
    c.on("exit", (code: number | null) => code !== null && code !== 0 && say(`${name} exited with ${code}`));
    children.push(c);
  };
  run("web", "npx", ["next", "start", "-p", String(e.PORT)]);
  run("worker", node[0], [...node.slice(1), "workers/main.ts"]);
  // Same Node flags as `npm run feature-server` (fewer full GCs on the hot path: docs/retrieval.md).
  run("feature-server", node[0], ["--heap-growing-percent=100", ...node.slice(1), "bin/feature-server.ts"]);

  const { materializeDemo } = await import("../lib/devstack/seed-demo");
  await materializeDemo(seeded, (line) => say(line));
  await materializeAcme(acme, (line) => say(line));

  console.log(`
\x1b[1mLarder is running.\x1b[0m
  Console         ${e.PUBLIC_URL}   (port ${e.PORT})
  Login           ${seeded.email}  /  ${seeded.password}
  Projects        ${[seeded.project, ...acme.projects.map((p) => p.name)].join(", ")}
  Feature server  http://localhost:${e.FEATURE_SERVER_PORT}
  API token       ${seeded.token}   (project ${seeded.project}, role editor)

  Try:
    curl -s -X POST http://localhost:${e.FEATURE_SERVER_PORT}/get-online-features \\
      -H "Authorization: Bearer ${seeded.token}" -H "Content-Type: application/json" \\
      -d '{"features":["customer_spend:amount_sum_7d","customer_profile:segment"],"entities":{"customer_id":[1,2,3]}}'
    LARDER_TOKEN=${seeded.token} npx larder plan examples/retail

Press Ctrl-C to stop.`);
}

/** SIGTERM to the child's whole process group; SIGKILL if it is still there after 10 s. */
function stopChild(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null || !c.pid) return Promise.resolve();
  const pid = c.pid;
  return new Promise((resolve) => {
    const signal = (s: NodeJS.Signals) => {
      try {
        process.kill(-pid, s);
      } catch {
        /* already gone */
      }
    };
    const timer = setTimeout(() => {
      signal("SIGKILL");
      resolve();
    }, 10_000);
    c.once("exit", () => {
      clearTimeout(timer);
      signal("SIGTERM"); // grandchildren the group leader left behind
      resolve();
    });
    signal("SIGTERM");
  });
}

let stopping = false;
async function shutdown(code: number) {
  if (stopping) {
    // A second Ctrl-C: no more waiting for graceful stops.
    for (const c of children) if (c.pid) try { process.kill(-c.pid, "SIGKILL"); } catch { /* gone */ }
    process.exit(1);
  }
  stopping = true;
  await Promise.all(children.map(stopChild));
  for (const s of started.reverse()) await s.stop().catch(() => {});
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

main().catch(async (err) => {
  console.error(`[demo] failed: ${(err as Error).stack ?? err}`);
  await shutdown(1);
});
