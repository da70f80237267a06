// The environment of one e2e run: its own database, queue prefix, offline store and port, shared
// by the web server, the worker and the seed (the run id is fixed in the runner's environment so
// Playwright's worker processes, which re-read the config, agree on it).
import path from "node:path";

process.env.LARDER_E2E_RUN ??= `${Date.now().toString(36)}${process.pid}`;
export const RUN_ID = process.env.LARDER_E2E_RUN;
export const PORT = Number(process.env.LARDER_E2E_PORT ?? 3710);
export const BASE_URL = `http://127.0.0.1:${PORT}`;
export const RUN_DIR = path.resolve(".data", `e2e-${RUN_ID}`);
export const SEED_FILE = path.join(RUN_DIR, "seed.json");

function databaseUrl(): string {
  const url = new URL(process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/larder");
  url.pathname = `/larder_e2e_${RUN_ID}`;
  return url.toString();
}

/** Environment of every process of the run (web server, worker, seed). */
export const E2E_ENV: Record<string, string> = {
  DATABASE_URL: databaseUrl(),
  REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
  QUEUE_PREFIX: `e2e_${RUN_ID}`,
  OFFLINE_STORE_URI: path.join(RUN_DIR, "offline"),
  // The run's copy of the sample repo (and its generated data) is the only folder sources may read.
  DATA_ROOTS: path.join(RUN_DIR, "retail"),
  SESSION_SECRET: "e2e-session-secret-0123456789abcdef0123456789",
  PUBLIC_URL: BASE_URL,
  PORT: String(PORT),
  NEXT_TELEMETRY_DISABLED: "1",
  LOG_LEVEL: "warn",
  // Every queue but `schedules`: a cron-fired run (the sample's hourly customer_spend) would otherwise
  // rewrite what the seed arranged whenever the suite crosses the hour.
  WORKER_QUEUES: "materialize,backfill,alerts,historical,maintenance,monitor,skew,deliveries",
};

export const PASSWORD = "e2e-password-1";
export const ROLES = ["admin", "editor", "operator", "consumer", "viewer"] as const;
export type E2ERole = (typeof ROLES)[number];
export const emailOf = (role: E2ERole) => `${role}@e2e.test`;

export interface SeedInfo {
  project: string;
  failedJobId: string;
  /** A finished backfill of customer_profile with 40 partitions (34 succeeded, 3 failed, 3 cancelled), started by the token "nightly-ci". */
  backfillJobId: string;
  /** A job cancelled after an earlier attempt failed (its error stays on the row). */
  cancelledJobId: string;
  /** A queued job no worker will take (no queue entry): the cancel spec cancels it. */
  queuedJobId: string;
  dataStart: string;
  dataEnd: string;
  /** An API token of the consumer role (the snippets spec runs snippets with it). */
  consumerToken: string;
}
