// Redis Cluster helpers for the online store. On a cluster every command's keys must hash to one
// slot (else CROSSSLOT): callers group keys by slot
// (`slotOf`, the slot function ioredis itself uses) and queue per-slot commands on a ClusterBatch,
// which sends them all at once, one write per node (one round trip of latency).
import "server-only";
import calculateSlot from "cluster-key-slot";
import type { Cluster } from "ioredis";
import { coalesceWrites } from "./coalesce";

/** The hash slot (0..16383) of a key. */
export function slotOf(key: string): number {
  return calculateSlot(key);
}

/** Items grouped by the slot of their key, in first-seen order of the slots; order kept inside a group. */
export function groupBySlot<T>(items: Iterable<T>, keyOf: (item: T) => string): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const slot = calculateSlot(keyOf(item));
    const g = groups.get(slot);
    if (g) g.push(item);
    else groups.set(slot, [item]);
  }
  return groups;
}

/** Waits until the client knows which node serves which slot (the first command after connecting). */
export async function clusterReady(cluster: Cluster): Promise<void> {
  if (!cluster.slots.length) await cluster.ping();
}

/**
 * The commands of one round trip on a cluster. Each command added (a function that issues exactly
 * one command on the cluster client) must have all its keys in one slot (or no keys) and be safe
 * to send twice (reads, newer-wins writes): ioredis routes it by its keys' slot and, when a node
 * answers MOVED/ASK/TRYAGAIN/CLUSTERDOWN (a stale slot map: resharding, failover), refreshes the map
 * and sends it again to the right node. `exec` waits for the slot map (clusterReady), corks every
 * master's connection, issues all the commands, and answers their replies in the order they were
 * added (the first error rejects): each node gets one write, and the request waits for one round
 * trip (the slowest node's).
 * Plain commands, not an ioredis Pipeline per node: building a Pipeline per request keeps what it
 * references alive through scavenges (lib/redis/coalesce.ts).
 */
export class ClusterBatch {
  private readonly issues: ((cluster: Cluster) => Promise<unknown>)[] = [];

  constructor(private readonly cluster: Cluster) {}

  /** Queues one command; returns its reply's index. Nothing is sent before `exec`. */
  add(issue: (cluster: Cluster) => Promise<unknown>): number {
    this.issues.push(issue);
    return this.issues.length - 1;
  }

  async exec(): Promise<unknown[]> {
    await clusterReady(this.cluster);
    for (const node of this.cluster.nodes("master")) coalesceWrites(node);
    return Promise.all(this.issues.map((issue) => issue(this.cluster)));
  }
}

/** Pings every master (a cluster answers only if each of them does: each holds a share of the keys). */
export async function pingMasters(cluster: Cluster): Promise<void> {
  await clusterReady(cluster);
  await Promise.all(cluster.nodes("master").map((node) => node.ping()));
}
