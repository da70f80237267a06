// The Redis read of an online request: one Lua script call per up to READ_CHUNK entities, with the
// generation counters riding in the same call, on one Redis (one corked write, one round trip) or
// per slot on a cluster.
// The entity hashes are read by a small Lua script rather than one HMGET per entity: the client's
// per-command cost (a Command object, a promise, its RESP encoding — about 2.5 KB of garbage each)
// was most of a 100-entity read; Redis does the same HMGETs either way. The script answers with ONE
// string (fields joined by US, \x1f, which valid JSON and decimal times never contain), so the
// client decodes one reply, not 100 arrays of 2.
import "server-only";
import type { Cluster, Redis } from "ioredis";
import { ClusterBatch, groupBySlot } from "../redis/cluster";
import { coalesceWrites } from "../redis/coalesce";
import type { OnlineRedis } from "../redis/connection";
import type { OnlinePlan } from "./read-plan";

/**
 * The first ARGV[1] KEYS are plain string keys (the generation counters, read in the same call so
 * a request is one command); every other key gets an HMGET of the fields ARGV[2..]. Answered as
 * one string: the counters, then per key per field the value ('' when absent), joined by US (\x1f).
 */
export const READ_LUA = `local nc, parts, k, fields = tonumber(ARGV[1]), {}, 0, {}
for f = 2, #ARGV do fields[f - 1] = ARGV[f] end
local nf = #fields
for i = 1, nc do k = k + 1; parts[k] = redis.call('GET', KEYS[i]) or '' end
for i = nc + 1, #KEYS do
  local v = redis.call('HMGET', KEYS[i], unpack(fields))
  for f = 1, nf do k = k + 1; parts[k] = v[f] or '' end
end
return table.concat(parts, '\\31')`;
export const US = 0x1f;
/** Entities per script call: bounds how long one call holds Redis (about 1 ms per 1000). */
export const READ_CHUNK = 1000;
const READ_COMMAND = "larderOnlineRead";

type ReadCommander = {
  larderOnlineRead(numKeys: number, ...args: string[]): unknown;
  larderOnlineReadBuffer(numKeys: number, ...args: string[]): unknown;
};

function defineRead(redis: OnlineRedis): void {
  if (typeof (redis as unknown as Partial<ReadCommander>)[READ_COMMAND] !== "function") redis.defineCommand(READ_COMMAND, { lua: READ_LUA });
}

/**
 * What one read brings back from Redis: per plan group, its answers in chunks of READ_CHUNK
 * entities (fields joined by US), and the generation counters in counterKeys order.
 */
interface RedisAnswers {
  chunks: (string | Buffer)[][];
  counters: (string | null)[];
}

/**
 * readOnline on a Redis Cluster, where one script call's keys must share a slot: each group's
 * entities are grouped by slot (one read-script call per slot, at most READ_CHUNK keys), the
 * generation counters are plain GETs, and every call goes out at once (one write per node), so a
 * request still costs one round trip of latency. The answers are put back together in the single-node
 * shape (chunks[g][c]: entities c·READ_CHUNK.. of group g, fields joined by US, no counters), so
 * both response builders read them unchanged.
 */
export async function readCluster(
  cluster: Cluster,
  plan: OnlinePlan,
  cols: Record<string, string[]>,
  n: number,
  counterKeys: string[],
  bytes: boolean,
): Promise<RedisAnswers> {
  defineRead(cluster);
  const batch = new ClusterBatch(cluster);
  const counterAt = counterKeys.map((k) => batch.add((c) => c.get(k)));
  // Per group, its script calls: the reply index and the entities (rows) each answers for.
  const calls: { at: number; rows: number[] }[][] = [];
  for (const g of plan.groups) {
    const keyCols = g.keyNames.map((k) => cols[k]);
    const keys: string[] = new Array(n);
    for (let i = 0; i < n; i++) keys[i] = g.buildKey(keyCols.map((c) => c[i]));
    const groupCalls: { at: number; rows: number[] }[] = [];
    for (const rows of groupBySlot(keys.keys(), (i) => keys[i]).values()) {
      for (let from = 0; from < rows.length; from += READ_CHUNK) {
        const part = rows.slice(from, from + READ_CHUNK);
        const args = [...part.map((i) => keys[i]), "0", ...g.fields];
        const at = batch.add((c) => {
          const script = c as unknown as ReadCommander;
          return (bytes ? script.larderOnlineReadBuffer(part.length, ...args) : script.larderOnlineRead(part.length, ...args)) as Promise<unknown>;
        });
        groupCalls.push({ at, rows: part });
      }
    }
    calls.push(groupCalls);
  }
  const replies = await batch.exec();
  const counters = counterAt.map((at) => (replies[at] as string | null) ?? null);
  const chunks = plan.groups.map((g, gi) => {
    // Each entity's fields are one run of its call's answer: [from, to) in that answer.
    const nf = g.fields.length;
    const src: (string | Buffer)[] = new Array(n);
    const from = new Int32Array(n);
    const to = new Int32Array(n);
    for (const { at, rows } of calls[gi]) {
      const answer = replies[at] as string | Buffer;
      let pos = 0;
      for (const i of rows) {
        src[i] = answer;
        from[i] = Math.min(pos, answer.length);
        let end = pos - 1;
        for (let f = 0; f < nf; f++) {
          end = typeof answer === "string" ? answer.indexOf("\x1f", end + 1) : answer.indexOf(US, end + 1);
          if (end < 0) end = answer.length;
        }
        to[i] = Math.max(from[i], end);
        pos = end + 1;
      }
    }
    const out: (string | Buffer)[] = [];
    for (let c = 0; c < n; c += READ_CHUNK) {
      const last = Math.min(n, c + READ_CHUNK);
      if (!bytes) {
        const parts: string[] = new Array(last - c);
        for (let i = c; i < last; i++) parts[i - c] = (src[i] as string).slice(from[i], to[i]);
        out.push(parts.join("\x1f"));
        continue;
      }
      let size = last - c - 1;
      for (let i = c; i < last; i++) size += to[i] - from[i];
      const chunk = Buffer.allocUnsafe(size);
      let w = 0;
      for (let i = c; i < last; i++) {
        if (i > c) chunk[w++] = US;
        w += (src[i] as Buffer).copy(chunk, w, from[i], to[i]);
      }
      out.push(chunk);
    }
    return out;
  });
  return { chunks, counters };
}

/**
 * readOnline on one Redis: the read-script calls (READ_CHUNK entities each) written back to back
 * on the corked connection, so they leave in one write and their answers come back in one round
 * trip; the generation counters ride in front of the first call's keys and answer. Plain
 * commands, not an ioredis Pipeline (lib/redis/coalesce.ts says why); Redis sees the same bytes.
 */
export async function readSingle(
  redis: Redis,
  plan: OnlinePlan,
  cols: Record<string, string[]>,
  n: number,
  counterKeys: string[],
  bytes: boolean,
): Promise<RedisAnswers> {
  defineRead(redis);
  coalesceWrites(redis);
  const script = redis as unknown as ReadCommander;
  const calls: Promise<string | Buffer>[] = [];
  for (let gi = 0; gi < plan.groups.length; gi++) {
    const g = plan.groups[gi];
    const keyCols = g.keyNames.map((k) => cols[k]);
    const vals: string[] = new Array(keyCols.length);
    for (let from = 0; from < n; from += READ_CHUNK) {
      const to = Math.min(n, from + READ_CHUNK);
      const head = gi === 0 && from === 0 ? counterKeys : [];
      const nk = head.length + to - from;
      const args: string[] = new Array(nk + 1 + g.fields.length);
      for (let c = 0; c < head.length; c++) args[c] = head[c];
      for (let i = from; i < to; i++) {
        for (let k = 0; k < keyCols.length; k++) vals[k] = keyCols[k][i];
        args[head.length + i - from] = g.buildKey(vals);
      }
      args[nk] = String(head.length);
      for (let f = 0; f < g.fields.length; f++) args[nk + 1 + f] = g.fields[f];
      calls.push((bytes ? script.larderOnlineReadBuffer(nk, ...args) : script.larderOnlineRead(nk, ...args)) as Promise<string | Buffer>);
    }
  }
  // Every call is already written (or queued while reconnecting); the first failure fails the read.
  const replies = await Promise.all(calls);
  const chunks: (string | Buffer)[][] = [];
  let r = 0;
  for (let g = 0; g < plan.groups.length; g++) {
    const group: (string | Buffer)[] = [];
    for (let from = 0; from < n; from += READ_CHUNK) group.push(replies[r++]);
    chunks.push(group);
  }
  // Take the counters off the front of the first answer.
  const counters: (string | null)[] = [];
  let first = chunks[0][0];
  let at = 0;
  for (let c = 0; c < counterKeys.length; c++) {
    let end = typeof first === "string" ? first.indexOf("\x1f", at) : first.indexOf(US, at);
    if (end < 0) end = first.length;
    const v = typeof first === "string" ? first.slice(at, end) : first.toString("latin1", at, end);
    counters.push(v === "" ? null : v);
    at = end + 1;
  }
  first = typeof first === "string" ? first.slice(at) : first.subarray(Math.min(at, first.length));
  chunks[0][0] = first;
  return { chunks, counters };
}
