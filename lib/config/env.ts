// The one place that reads process.env. Every variable is documented in docs/configuration.md.
import "server-only";
import { isIP } from "node:net";
import { z } from "zod";

const port = z.coerce.number().int().min(1).max(65535);
/** true/false (also 1/0, yes/no; empty = false); z.coerce.boolean would read "false" as true. */
const flag = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(["true", "false", "1", "0", "yes", "no", ""], { message: "must be true or false" }))
  .transform((v) => v === "true" || v === "1" || v === "yes");

/**
 * The SESSION_SECRET every checkout shares when none is set. Fine for development and tests; in
 * production it would let anyone forge device cookies (resetting the login throttle) and compute
 * token hashes offline, so production refuses it (productionSecretProblem).
 */
export const DEVELOPMENT_SESSION_SECRET = "larder-development-session-secret-change-me";
/** Shortest SESSION_SECRET production accepts. */
export const MIN_PRODUCTION_SECRET_LENGTH = 32;

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** Postgres registry. */
  DATABASE_URL: z.string().url().default("postgresql://postgres@127.0.0.1:5432/larder"),
  /** Redis for BullMQ queues (and the online store unless ONLINE_REDIS_URL is set). */
  REDIS_URL: z.string().url().default("redis://127.0.0.1:6379"),
  /** Optional separate Redis (or, with ONLINE_REDIS_CLUSTER, a seed node of a Redis Cluster) for the online store. */
  ONLINE_REDIS_URL: z.string().url().optional(),
  /** The online store is a Redis Cluster: ONLINE_REDIS_URL is a seed node (its credentials and TLS apply to every node). */
  ONLINE_REDIS_CLUSTER: flag.default(false),
  /** More seed nodes of the online cluster, `host:port,host:port` (any one reachable node is enough). */
  ONLINE_REDIS_CLUSTER_NODES: z
    .string()
    .optional()
    .transform((s, ctx) => {
      const nodes: { host: string; port: number }[] = [];
      for (const part of (s ?? "").split(",").map((p) => p.trim()).filter(Boolean)) {
        const m = /^(\[[0-9a-fA-F:]+\]|[^\s:/]+):(\d{1,5})$/.exec(part);
        const port = m ? Number(m[2]) : NaN;
        if (!m || port < 1 || port > 65535) {
          ctx.addIssue({ code: "custom", message: `"${part}" is not host:port (ONLINE_REDIS_CLUSTER_NODES is a comma-separated list such as 10.0.0.1:6379,10.0.0.2:6379)` });
          return z.NEVER;
        }
        nodes.push({ host: m[1].replace(/^\[|\]$/g, ""), port });
      }
      return nodes;
    }),
  /**
   * Root of the Parquet offline store: a local or mounted folder (or file:// URI). Object storage
   * (s3://, gs://, …) would need a DuckDB extension, and none is loaded at run time.
   */
  OFFLINE_STORE_URI: z
    .string()
    .min(1)
    .default("./.data/offline")
    .refine((v) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(v) || /^file:\/\//i.test(v), {
      message: "must be a local or mounted folder (object storage such as s3:// is not supported: mount the bucket, e.g. with s3fs or mountpoint-s3, and give its folder)",
    }),
  /** SMTP server for alert e-mails; unset = mails are recorded in the outbox and logged only. */
  SMTP_URL: z.string().url().optional(),
  MAIL_FROM: z.string().default("Larder <larder@localhost>"),
  /** How often the monitor re-evaluates every project's conditions (docs/monitoring.md). */
  MONITOR_INTERVAL_MS: z.coerce.number().int().min(1000).default(60_000),
  /** A condition that keeps firing is re-sent after this long (0: never). */
  ALERT_REMINDER_MS: z.coerce.number().int().min(0).default(24 * 3600_000),
  /** How often each materialized view gets a training/serving skew check (0: never). */
  SKEW_CHECK_INTERVAL_MS: z.coerce.number().int().min(0).default(3600_000),
  /** Entities sampled per skew check. */
  SKEW_SAMPLE_ENTITIES: z.coerce.number().int().min(1).max(10_000).default(100),
  /** Webhook delivery attempts (exponential backoff from JOB_BACKOFF_MS). */
  WEBHOOK_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  /** Key of every keyed hash (sessions, API tokens, device cookies); production refuses the default (≥ 32 chars). */
  SESSION_SECRET: z.string().min(16).default(DEVELOPMENT_SESSION_SECRET),
  /** Days a console session stays valid. */
  SESSION_TTL_DAYS: z.coerce.number().positive().default(14),
  /** Web console + REST API port. */
  PORT: port.default(3000),
  /** Lean feature server port (Feast's default). */
  FEATURE_SERVER_PORT: port.default(6566),
  /** Public URL of the console, used in e-mails and CLI defaults. */
  PUBLIC_URL: z.string().url().default("http://localhost:3000"),
  /**
   * Named Postgres connections for `postgres` sources: JSON object name → connection string (every
   * project may use it) or { "url": …, "projects": [names] } (only those projects may).
   */
  SOURCE_CONNECTIONS: z
    .string()
    .default("{}")
    .transform((s, ctx) => {
      const Entry = z.union([
        z.string().min(1).transform((url) => ({ url, projects: null as string[] | null })),
        z.object({ url: z.string().min(1), projects: z.array(z.string().min(1)).nullable().default(null) }).strict(),
      ]);
      try {
        return z.record(z.string(), Entry).parse(JSON.parse(s));
      } catch {
        ctx.addIssue({
          code: "custom",
          message: 'SOURCE_CONNECTIONS must be a JSON object of name → connection string or { "url": "postgres://…", "projects": ["name", …] }',
        });
        return z.NEVER;
      }
    }),
  /**
   * Folders file sources may read (docs/security.md): comma-separated, each `dir` (any project) or
   * `project=dir` (only that project); relative to the working directory.
   */
  DATA_ROOTS: z
    .string()
    .default("data,examples")
    .transform((s, ctx) => {
      const roots: { project: string | null; dir: string }[] = [];
      for (const part of s.split(",").map((p) => p.trim()).filter(Boolean)) {
        const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.+)$/.exec(part);
        const dir = (m ? m[2] : part).trim();
        if (/[\0-\x1f]/.test(dir) || /^[a-z][a-z0-9+.-]*:/i.test(dir)) {
          ctx.addIssue({ code: "custom", message: `"${part}" is not a folder (DATA_ROOTS is a comma-separated list of folders, each optionally "project=folder")` });
          return z.NEVER;
        }
        roots.push({ project: m ? m[1] : null, dir });
      }
      return roots;
    }),
  /**
   * Reverse proxies in front of the servers, comma-separated addresses or CIDR blocks (IPv4 or
   * IPv6). Only a request whose peer is one of them may speak for the client through
   * X-Forwarded-For / -Host / -Proto; without it (the default) those headers are ignored everywhere
   * (lib/auth/client-address.ts, docs/security.md).
   */
  TRUSTED_PROXIES: z
    .string()
    .default("")
    .transform((s, ctx) => {
      const blocks: { address: string; prefix: number; family: "ipv4" | "ipv6" }[] = [];
      for (const part of s.split(",").map((p) => p.trim()).filter(Boolean)) {
        const [address, bits, extra] = part.split("/");
        const v = isIP(address);
        const max = v === 4 ? 32 : 128;
        const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
        if (v === 0 || extra !== undefined || !(prefix >= 0 && prefix <= max)) {
          ctx.addIssue({ code: "custom", message: `"${part}" is not an address or CIDR block (TRUSTED_PROXIES is a comma-separated list such as 10.0.0.0/8,127.0.0.1,fd00::/8)` });
          return z.NEVER;
        }
        blocks.push({ address, prefix, family: v === 4 ? "ipv4" : "ipv6" });
      }
      return blocks;
    }),
  /** Largest JSON request body the API accepts, in bytes. */
  MAX_BODY_BYTES: z.coerce.number().int().positive().default(5 * 1024 * 1024),
  /**
   * `next start` answers bearer-token online reads (POST /api/v1/projects/{p}/online-features) at the
   * node:http level, before Next's routing (lib/api/online-fast-path.ts); false leaves them to Next.
   */
  ONLINE_FAST_PATH: flag.default(true),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  /** Jobs: prefix of every BullMQ key, also of the login-throttle counters (tests use a unique one per file). */
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]+$/, "letters, digits, _ . - only").default("larder"),
  /** Jobs: jobs each worker process runs at once, per queue. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  /**
   * Jobs: the queues this worker process runs, comma-separated (default: all). Lets an operator give
   * heavy materialization its own hosts, or run a worker without cron-fired jobs (the e2e suite).
   * Names are checked against the queues by the worker at start.
   */
  WORKER_QUEUES: z.string().regex(/^[a-z-]+(,[a-z-]+)*$/, "comma-separated queue names, e.g. materialize,backfill").optional(),
  /** Jobs: how long a worker's job lock lives without renewal; a killed worker's job is free again after it. */
  WORKER_LOCK_DURATION_MS: z.coerce.number().int().min(1000).default(30_000),
  /** Jobs: how often workers look for stalled jobs (jobs whose worker died) and move them back to wait. */
  WORKER_STALLED_INTERVAL_MS: z.coerce.number().int().min(500).default(30_000),
  /** Jobs: how many times one job may be recovered from a dead worker before it fails. */
  WORKER_MAX_STALLED_COUNT: z.coerce.number().int().min(0).default(2),
  /** Jobs: attempts per materialization job (first run + retries). */
  JOB_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
  /** Jobs: first retry delay; each further retry doubles it (exponential backoff). */
  JOB_BACKOFF_MS: z.coerce.number().int().min(0).default(10_000),
  /** Jobs: how often a worker reconciles cron schedules with the registry (0 = only at start and after apply). */
  SCHEDULE_SYNC_INTERVAL_MS: z.coerce.number().int().min(0).default(60_000),
  /** Jobs: hours a finished historical job's result file is kept before the worker's hourly cleanup deletes it. */
  HISTORICAL_RESULT_TTL_HOURS: z.coerce.number().positive().default(168),
  /** CLI: where the API is and which token to use. */
  LARDER_URL: z.string().url().default("http://localhost:3000"),
  LARDER_TOKEN: z.string().optional(),
});

const CheckedEnvSchema = EnvSchema.superRefine((e, ctx) => {
  if (e.ONLINE_REDIS_CLUSTER) {
    // Queues (REDIS_URL) stay on one Redis: a cluster online store always has its own URL.
    if (!e.ONLINE_REDIS_URL) {
      ctx.addIssue({ code: "custom", path: ["ONLINE_REDIS_URL"], message: "ONLINE_REDIS_CLUSTER=true needs ONLINE_REDIS_URL (a seed node of the cluster, e.g. redis://10.0.0.1:6379)" });
    } else {
      const db = new URL(e.ONLINE_REDIS_URL).pathname.replace(/^\//, "");
      if (db !== "" && db !== "0") {
        ctx.addIssue({ code: "custom", path: ["ONLINE_REDIS_URL"], message: `a Redis Cluster has only database 0; remove "/${db}" from ONLINE_REDIS_URL` });
      }
    }
  } else if (e.ONLINE_REDIS_CLUSTER_NODES.length) {
    ctx.addIssue({ code: "custom", path: ["ONLINE_REDIS_CLUSTER_NODES"], message: "is only used with ONLINE_REDIS_CLUSTER=true" });
  }
});

export type Env = z.infer<typeof EnvSchema>;

let cached: Env | undefined;

/** Parsed environment. Throws a readable error naming every bad variable. */
export function env(): Env {
  if (cached) return cached;
  const parsed = CheckedEnvSchema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  cached = parsed.data;
  return cached;
}

/**
 * Why this environment must not serve in production, or null. Checked at the start of every server
 * process (exitUnlessReadyToServe) and again by every keyed hash (lib/auth/secrets.ts), not by the
 * schema: `next build` runs with NODE_ENV=production and no secret, and must still build.
 */
export function productionSecretProblem(e: Env = env()): string | null {
  if (e.NODE_ENV !== "production") return null;
  if (e.SESSION_SECRET === DEVELOPMENT_SESSION_SECRET || e.SESSION_SECRET.startsWith("larder-development")) {
    return `SESSION_SECRET is not set (or is the development default) and NODE_ENV is production: with the shared default anyone can forge device cookies and compute token hashes. Set SESSION_SECRET to at least ${MIN_PRODUCTION_SECRET_LENGTH} random characters, e.g. \`openssl rand -hex 32\` (docs/security.md, "What an operator must set in production").`;
  }
  if (e.SESSION_SECRET.length < MIN_PRODUCTION_SECRET_LENGTH) {
    return `SESSION_SECRET is ${e.SESSION_SECRET.length} characters; production needs at least ${MIN_PRODUCTION_SECRET_LENGTH} random characters, e.g. \`openssl rand -hex 32\`.`;
  }
  return null;
}

/**
 * The first thing a server process (web, worker, feature server) does: an invalid environment or a
 * production without its own SESSION_SECRET prints why to stderr and exits with status 78
 * (EX_CONFIG) instead of serving.
 */
export function exitUnlessReadyToServe(processName: string): Env {
  let problem: string | null;
  try {
    problem = productionSecretProblem(env());
  } catch (e) {
    problem = (e as Error).message;
  }
  if (problem === null) return env();
  process.stderr.write(`[larder ${processName}] refusing to start: ${problem}\n`);
  process.exit(78);
}

/** Tests change variables between cases; they call this to re-read them. */
export function resetEnvForTests(): void {
  cached = undefined;
}
