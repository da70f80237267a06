// Redis Cluster helpers for the online store. On a cluster every command's keys must hash to one
// slot (else CROSSSLOT), and a pipeline must go to one node: callers group keys by slot
// (`slotOf`, the slot function ioredis itself uses) and queue per-slot commands on NodePipelines,
// which keeps one pipeline per node and sends them all at once (one round trip of latency).
import calculateSlot from "cluster-key-slot";
import type { ChainableCommander, Cluster } from "ioredis";

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

/** Cluster errors after which a command is sent again (the slot moved, or is moving). */
const REDIRECTED = /^(MOVED|ASK|TRYAGAIN|CLUSTERDOWN) /;

/**
 * The commands of one round trip on a cluster, one pipeline per node. Every command queued must
 * have all its keys in the `slot` given with it (or no keys), and be safe to send twice (reads,
 * newer-wins writes). `exec` sends every node's pipeline at once and answers the replies in the
 * order the commands were added; the first error rejects. A command answered with a redirection
 * (the client's slot map is stale: resharding, failover) is sent again on its own, which ioredis
 * follows to the right node; ioredis does not re-send a pipeline in which other commands
 * succeeded.
 */
export class NodePipelines {
  private readonly byNode = new Map<string, { pipeline: ChainableCommander; at: number[] }>();
  private readonly queued: ((pipeline: ChainableCommander) => void)[] = [];

  constructor(private readonly cluster: Cluster) {}

  /** Queues one command (`queue` adds exactly one to the pipeline it is given); returns its reply's index. */
  add(slot: number, queue: (pipeline: ChainableCommander) => void): number {
    const nodes = this.cluster.slots[slot];
    // A slot the client has no node for yet (topology changing) gets a pipeline of its own.
    const id = nodes ? nodes.join(";") : `slot:${slot}`;
    let node = this.byNode.get(id);
    if (!node) {
      node = { pipeline: this.cluster.pipeline(), at: [] };
      this.byNode.set(id, node);
    }
    queue(node.pipeline);
    node.at.push(this.queued.length);
    this.queued.push(queue);
    return this.queued.length - 1;
  }

  async exec(): Promise<unknown[]> {
    const out: unknown[] = new Array(this.queued.length);
    await Promise.all(
      [...this.byNode.values()].map(async ({ pipeline, at }) => {
        const replies = (await pipeline.exec()) ?? [];
        const redirected: number[] = [];
        for (let i = 0; i < at.length; i++) {
          const [err, value] = replies[i] ?? [new Error("the cluster answered a pipeline short"), null];
          if (err && REDIRECTED.test(err.message)) redirected.push(at[i]);
          else if (err) throw err;
          else out[at[i]] = value;
        }
        await Promise.all(
          redirected.map(async (index) => {
            const [err, value] = await this.resend(index);
            if (err) throw err;
            out[index] = value;
          }),
        );
      }),
    );
    return out;
  }

  private async resend(index: number): Promise<[Error | null, unknown]> {
    const pipeline = this.cluster.pipeline();
    this.queued[index](pipeline);
    const [reply] = (await pipeline.exec()) ?? [];
    return reply ?? [new Error("the cluster answered a pipeline short"), null];
  }
}

/** Pings every master (a cluster answers only if each of them does: each holds a share of the keys). */
export async function pingMasters(cluster: Cluster): Promise<void> {
  await clusterReady(cluster);
  await Promise.all(cluster.nodes("master").map((node) => node.ping()));
}
