// The one online write path: a Lua script that applies many entities of ONE view version per call,
// newer-wins per entity, atomically per key. Used by materialization (batches of entities) and by
// push (a batch of one or more). Field layout: keys.ts.
//
// Two packed fields with their own clocks:
//   - `__row` (row-level values) + `__ts`: written only if the incoming event time ≥ the stored
//     `__ts` (an older event never overwrites a newer one);
//   - `__agg` (window aggregates) + `__asof`: written only if the incoming as-of time ≥ the stored
//     `__asof` (materializing an older window after a newer one cannot roll aggregates back).
// Per entity the script reads the clocks (HGET, or HMGET when the batch has aggregates) and does at
// most one HSET of four fields.
//
// Redis Cluster: all keys of one call must hash to one slot, so there the calls of a round trip are
// regrouped by slot (onlineWriteTrip) and sent as one pipeline per node, all nodes at once.
import type { ChainableCommander, Cluster, Redis } from "ioredis";
import { clusterReady, groupBySlot, NodePipelines } from "../redis/cluster";
import { isCluster, type OnlineRedis } from "../redis/connection";
import { aggField, asofField, rowField, tsField } from "./keys";

// ARGV: the four field names, the as-of time ('' = no aggregates), then ONE payload string for all
// keys: per key `ts US row US agg`, keys separated by RS (US = \x1f, RS = \x1e; packed values are
// JSON, which never holds raw control characters). One argument per call instead of three per
// entity: the client's per-argument encoding cost was the bottleneck, not Redis.
export const ONLINE_WRITE_LUA = `
local tsF, rowF, asofF, aggF, asof, payload = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local asofN = tonumber(asof)
local find, sub = string.find, string.sub
local written = 0
local pos = 1
for i = 1, #KEYS do
  local key = KEYS[i]
  local e1 = find(payload, '\\31', pos, true)
  local e2 = find(payload, '\\31', e1 + 1, true)
  local e3 = find(payload, '\\30', e2 + 1, true) or (#payload + 1)
  local ts = sub(payload, pos, e1 - 1)
  pos = e3 + 1
  local curTs, curAsof
  if asofN then
    local cur = redis.call('HMGET', key, tsF, asofF)
    curTs, curAsof = cur[1], cur[2]
  else
    -- No aggregates in this batch: one clock to read (HGET is measurably cheaper than HMGET).
    curTs = redis.call('HGET', key, tsF)
  end
  local wRow = ts ~= '' and ((not curTs) or tonumber(curTs) <= tonumber(ts))
  local wAgg = asofN ~= nil and ((not curAsof) or tonumber(curAsof) <= asofN)
  if wRow and wAgg then
    redis.call('HSET', key, tsF, ts, rowF, sub(payload, e1 + 1, e2 - 1), asofF, asof, aggF, sub(payload, e2 + 1, e3 - 1))
    written = written + 1
  elseif wRow then
    redis.call('HSET', key, tsF, ts, rowF, sub(payload, e1 + 1, e2 - 1))
    written = written + 1
  elseif wAgg then
    redis.call('HSET', key, asofF, asof, aggF, sub(payload, e2 + 1, e3 - 1))
    written = written + 1
  end
end
return written
`;

/** Separators of the script's payload. */
export const FIELD_SEP = "\x1f";
export const ENTITY_SEP = "\x1e";

const COMMAND = "larderOnlineWrite";

type WithCommand = { [COMMAND](...args: (string | number)[]): Promise<number> };

/** Registers the script on a connection (idempotent; each trip does it). ioredis sends EVALSHA and falls back to EVAL. */
function defineOnlineWrite<R extends OnlineRedis>(redis: R): R & WithCommand {
  const r = redis as R & WithCommand;
  if (typeof r[COMMAND] !== "function") redis.defineCommand(COMMAND, { lua: ONLINE_WRITE_LUA });
  return r;
}

export interface OnlineWriteBatch {
  view: string;
  version: number;
  /** Epoch ms the aggregates were computed as of; null when the batch writes no aggregates. */
  asofMs: number | null;
  rows: OnlineWriteRow[];
}

export interface OnlineWriteRow {
  key: string;
  /** Epoch ms of the row-level values; null = write no row-level values for this entity. */
  tsMs: number | string | null;
  /** Row-level values packed with `packValues` in feature position order (ignored when tsMs is null). */
  row: string | null;
  /** Aggregates packed with `packValues` in feature position order (required when asofMs is set). */
  agg: string | null;
}

/** One entity's part of the payload: `ts US row US agg` ('' for no row-level values). */
function payloadEntry(r: Pick<OnlineWriteRow, "tsMs" | "row" | "agg">): string {
  const hasRow = r.tsMs !== null && r.row !== null;
  return `${hasRow ? r.tsMs : ""}${FIELD_SEP}${hasRow ? r.row : ""}${FIELD_SEP}${r.agg ?? "[]"}`;
}

/**
 * The arguments of one script call (numkeys first) from keys and a payload already joined by the
 * caller (materialization has DuckDB build it): `payload` holds one `payloadEntry` per key, in key
 * order, joined by ENTITY_SEP.
 */
function packedWriteArgs(view: string, version: number, asofMs: number | null, keys: readonly string[], payload: string): (string | number)[] {
  return [keys.length, ...keys, tsField(view, version), rowField(view, version), asofField(view, version), aggField(view, version), asofMs === null ? "" : String(asofMs), payload];
}

/** Queues one call on a pipeline (call defineOnlineWrite on the connection first). */
function pipelineOnlineWrite(pipeline: ChainableCommander, args: (string | number)[]): void {
  (pipeline as unknown as WithCommand)[COMMAND](...args);
}

/** Writes one batch now; resolves to the number of entity hashes changed. */
export async function writeOnlineBatch(redis: OnlineRedis, b: OnlineWriteBatch): Promise<number> {
  if (!b.rows.length) return 0;
  // One trip of one call (a cluster splits it by slot).
  const trip = onlineWriteTrip(redis, b.view, b.version, b.asofMs);
  trip.add(
    b.rows.map((r) => r.key),
    b.rows.map(payloadEntry).join(ENTITY_SEP),
  );
  return await trip.send();
}

/**
 * The script calls of one round trip for one view version. `add` queues one call's keys and its
 * payload (as packedWriteArgs takes them); `send` sends everything queued since the last send and
 * resolves to the number of hashes changed. One Redis: one pipeline, a call per `add`. A cluster:
 * the trip's entities are regrouped by slot, one call per slot (at most `maxPerCall` keys), one
 * pipeline per node, all nodes at once.
 */
export interface OnlineWriteTrip {
  add(keys: readonly string[], payload: string): void;
  send(): Promise<number>;
}

export function onlineWriteTrip(redis: OnlineRedis, view: string, version: number, asofMs: number | null, maxPerCall = 500): OnlineWriteTrip {
  return isCluster(redis) ? clusterWriteTrip(redis, view, version, asofMs, maxPerCall) : singleWriteTrip(redis, view, version, asofMs);
}

function sumReplies(replies: [Error | null, unknown][] | null): number {
  let written = 0;
  for (const [err, v] of replies ?? []) {
    if (err) throw err;
    written += Number(v);
  }
  return written;
}

function singleWriteTrip(redis: Redis, view: string, version: number, asofMs: number | null): OnlineWriteTrip {
  defineOnlineWrite(redis);
  let pipeline = redis.pipeline();
  return {
    add(keys, payload) {
      pipelineOnlineWrite(pipeline, packedWriteArgs(view, version, asofMs, keys, payload));
    },
    async send() {
      const p = pipeline;
      pipeline = redis.pipeline();
      return sumReplies(await p.exec());
    },
  };
}

function clusterWriteTrip(cluster: Cluster, view: string, version: number, asofMs: number | null, maxPerCall: number): OnlineWriteTrip {
  defineOnlineWrite(cluster);
  let keys: string[] = [];
  let entries: string[] = [];
  return {
    add(k, payload) {
      const e = payload.split(ENTITY_SEP);
      if (e.length !== k.length) throw new Error(`online write: ${k.length} keys but ${e.length} payload entries`);
      for (let i = 0; i < k.length; i++) {
        keys.push(k[i]);
        entries.push(e[i]);
      }
    },
    async send() {
      const ks = keys;
      const es = entries;
      keys = [];
      entries = [];
      if (!ks.length) return 0;
      await clusterReady(cluster);
      const pipelines = new NodePipelines(cluster);
      for (const [slot, at] of groupBySlot(ks.keys(), (i) => ks[i])) {
        for (let from = 0; from < at.length; from += maxPerCall) {
          const part = at.slice(from, from + maxPerCall);
          const args = packedWriteArgs(view, version, asofMs, part.map((i) => ks[i]), part.map((i) => es[i]).join(ENTITY_SEP));
          pipelines.add(slot, (p) => pipelineOnlineWrite(p, args));
        }
      }
      let written = 0;
      for (const v of await pipelines.exec()) written += Number(v);
      return written;
    },
  };
}
