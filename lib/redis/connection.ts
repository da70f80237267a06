// The one Redis connection factory. Queues use REDIS_URL (always one Redis); the online store uses
// ONLINE_REDIS_URL when set (it may be a separate Redis), else REDIS_URL. With
// ONLINE_REDIS_CLUSTER=true the online store is a Redis Cluster: the choice is made here, once per
// connection, and the online paths branch on `isCluster` (single-node code stays as it was).
import "server-only";
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from "ioredis";
import { env } from "../config/env";
import { log } from "../config/log";

/** A client of the online store: one Redis, or a Redis Cluster (ONLINE_REDIS_CLUSTER). */
export type OnlineRedis = Redis | Cluster;

const g = globalThis as unknown as { larderRedis?: Map<string, OnlineRedis> };

/** A new connection (BullMQ workers need their own, with maxRetriesPerRequest: null). */
export function createRedis(purpose: "queue", opts?: RedisOptions): Redis;
export function createRedis(purpose: "online", opts?: RedisOptions): OnlineRedis;
export function createRedis(purpose: "queue" | "online", opts: RedisOptions = {}): OnlineRedis {
  const e = env();
  if (purpose === "online" && e.ONLINE_REDIS_CLUSTER) return createCluster(e.ONLINE_REDIS_URL!, e.ONLINE_REDIS_CLUSTER_NODES, opts);
  const url = purpose === "online" ? (e.ONLINE_REDIS_URL ?? e.REDIS_URL) : e.REDIS_URL;
  return new Redis(url, { lazyConnect: false, enableAutoPipelining: false, ...opts });
}

/** Reconnect attempts a request's command waits for on a single online Redis before it fails. */
export const ONLINE_REQUEST_RETRIES = 2;

/**
 * The process's shared online-store connection for request paths. (Queues have theirs in
 * lib/queues/contracts.ts, the login throttle its own: each with the retry policy its callers need.)
 */
export function sharedRedis(purpose: "online"): OnlineRedis {
  g.larderRedis ??= new Map();
  let r = g.larderRedis.get(purpose);
  // A cluster client that gave up reaching the cluster (see createCluster) is done: make a new one,
  // so the next request tries again instead of failing for the rest of the process's life.
  if (!r || r.status === "end") {
    // A single online Redis that is down fails a request's command after ONLINE_REQUEST_RETRIES
    // reconnect attempts at most 500 ms apart (the request answers 503 + Retry-After within ~1.5 s)
    // instead of ioredis's 20 attempts up to 2 s apart (~10 s and more). A cluster client bounds its
    // own wait (see createCluster).
    r = createRedis(
      "online",
      env().ONLINE_REDIS_CLUSTER ? {} : { maxRetriesPerRequest: ONLINE_REQUEST_RETRIES, retryStrategy: (n) => Math.min(50 * n, 500) },
    );
    logOutagesOnce(r, purpose);
    g.larderRedis.set(purpose, r);
  }
  return r;
}

/**
 * One log line when a shared connection loses Redis and one when it is back, instead of ioredis's
 * "Unhandled error event" on every reconnect attempt (requests meanwhile answer 503).
 */
function logOutagesOnce(r: OnlineRedis, purpose: string): void {
  let down = false;
  r.on("error", (e: Error) => {
    if (down) return;
    down = true;
    log().warn({ redis: purpose, err: e.message }, `${purpose} Redis unreachable; requests that need it answer 503 until it is back`);
  });
  r.on("ready", () => {
    if (!down) return;
    down = false;
    log().warn({ redis: purpose }, `${purpose} Redis reachable again`);
  });
}

export async function closeSharedRedis(): Promise<void> {
  for (const r of g.larderRedis?.values() ?? []) r.disconnect();
  g.larderRedis?.clear();
}

/** Whether an online store client talks to a Redis Cluster. */
export function isCluster(r: OnlineRedis): r is Cluster {
  return r.isCluster === true;
}

/** Reconnect attempts (100 ms, 200 ms, … apart) before a shared cluster client gives up and fails its queued commands. */
export const CLUSTER_CONNECT_ATTEMPTS = 10;

/**
 * A cluster client: seed nodes from ONLINE_REDIS_URL (whose user, password and rediss:// TLS apply
 * to every node) plus ONLINE_REDIS_CLUSTER_NODES. Reads and writes go to masters only (a replica
 * could answer with a value older than the newer-wins write just made). `opts` are per-node
 * options; a finite maxRetriesPerRequest also bounds how often the client retries reaching the
 * cluster at all, so short-lived callers (materialization, generation bumps) fail instead of waiting.
 */
function createCluster(url: string, extraNodes: { host: string; port: number }[], opts: RedisOptions): Cluster {
  const u = new URL(url);
  const seed = { host: u.hostname.replace(/^\[|\]$/g, ""), port: Number(u.port || 6379) };
  const { lazyConnect, retryStrategy: _r, enableOfflineQueue: _q, host: _h, port: _p, ...nodeOpts } = opts;
  const redisOptions: ClusterOptions["redisOptions"] = {
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === "rediss:" ? { tls: {} } : {}),
    ...nodeOpts,
  };
  // A cluster client queues commands while no node answers and, by default, retries forever: a
  // request would hang for as long as the cluster is down (a single Redis client fails a command
  // after its 20 retries instead). So the client gives up after a bounded number of attempts —
  // maxRetriesPerRequest when given (short-lived callers), else CLUSTER_CONNECT_ATTEMPTS (about 5.5 s)
  // — which fails every queued command; sharedRedis then makes a new client for the next request.
  const maxRetries = typeof opts.maxRetriesPerRequest === "number" ? opts.maxRetriesPerRequest : CLUSTER_CONNECT_ATTEMPTS;
  return new Cluster([seed, ...extraNodes], {
    lazyConnect: lazyConnect ?? false,
    enableAutoPipelining: false,
    scaleReads: "master",
    redisOptions,
    clusterRetryStrategy: (times: number) => (times > maxRetries ? null : Math.min(100 * times, 2000)),
  });
}
