// Keys by prefix (SCAN, never KEYS): a project's online hashes, a test's or benchmark's keys. On a
// Redis Cluster each master holds only its own slots' keys, so every master is scanned, and a
// multi-key UNLINK is split by slot (CROSSSLOT otherwise).
import "server-only";
import type { Redis } from "ioredis";
import { clusterReady, groupBySlot } from "./cluster";
import { isCluster, type OnlineRedis } from "./connection";

/** Calls `onKeys` with each SCAN batch of keys starting with `prefix`, on every master of a cluster; `node` holds those keys. */
export async function scanPrefix(redis: OnlineRedis, prefix: string, onKeys: (keys: string[], node: Redis) => Promise<void>, count = 1000): Promise<void> {
  let nodes: Redis[] = [];
  if (isCluster(redis)) {
    await clusterReady(redis);
    nodes = redis.nodes("master");
  } else {
    nodes = [redis];
  }
  await Promise.all(
    nodes.map(async (node) => {
      let cursor = "0";
      do {
        const [next, keys] = await node.scan(cursor, "MATCH", `${prefix}*`, "COUNT", count);
        cursor = next;
        if (keys.length) await onKeys(keys, node);
      } while (cursor !== "0");
    }),
  );
}

/** Unlinks every key under a prefix (on every master of a cluster). */
export async function unlinkPrefix(redis: OnlineRedis, prefix: string): Promise<void> {
  const cluster = isCluster(redis);
  await scanPrefix(
    redis,
    prefix,
    async (keys, node) => {
      if (!cluster) {
        await node.unlink(...keys);
        return;
      }
      const pipeline = node.pipeline();
      for (const group of groupBySlot(keys, (k) => k).values()) pipeline.unlink(...group);
      for (const [err] of (await pipeline.exec()) ?? []) if (err) throw err;
    },
    5000,
  );
}
