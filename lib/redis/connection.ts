// The one Redis connection factory. Queues use REDIS_URL; the online store uses ONLINE_REDIS_URL
// when set (it may be a separate Redis), else REDIS_URL.
import { Redis, type RedisOptions } from "ioredis";
import { env } from "../config/env";

const g = globalThis as unknown as { larderRedis?: Map<string, Redis> };

/** A new connection (BullMQ workers need their own, with maxRetriesPerRequest: null). */
export function createRedis(purpose: "queue" | "online", opts: RedisOptions = {}): Redis {
  const url = purpose === "online" ? (env().ONLINE_REDIS_URL ?? env().REDIS_URL) : env().REDIS_URL;
  return new Redis(url, { lazyConnect: false, enableAutoPipelining: false, ...opts });
}

/** A shared connection per purpose for request paths. */
export function sharedRedis(purpose: "queue" | "online"): Redis {
  g.larderRedis ??= new Map();
  let r = g.larderRedis.get(purpose);
  if (!r) {
    r = createRedis(purpose, purpose === "queue" ? { maxRetriesPerRequest: null } : {});
    g.larderRedis.set(purpose, r);
  }
  return r;
}

export async function closeSharedRedis(): Promise<void> {
  for (const r of g.larderRedis?.values() ?? []) r.disconnect();
  g.larderRedis?.clear();
}
