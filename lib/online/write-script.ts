// The one online write path: a Lua script that applies many entities of ONE view version per call,
// newer-wins per entity, atomically per key. Used by materialization (batches of entities) and by
// push (a batch of one or more). Field layout: keys.ts.
//
// Two packed fields with their own clocks:
//   - `__row` (row-level values) + `__ts`: written only if the incoming event time ≥ the stored
//     `__ts` (an older event never overwrites a newer one);
//   - `__agg` (window aggregates) + `__asof`: written only if the incoming as-of time ≥ the stored
//     `__asof` (materializing an older window after a newer one cannot roll aggregates back).
// Per entity the script does one HMGET of the two clocks and at most one HSET of four fields.
//
// Redis Cluster: all keys of one call must hash to one slot; group batches by slot there.
import type { ChainableCommander, Redis } from "ioredis";
import { aggField, asofField, rowField, tsField } from "./keys";

export const ONLINE_WRITE_LUA = `
local tsF, rowF, asofF, aggF, asof = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local asofN = tonumber(asof)
local written = 0
for i = 1, #KEYS do
  local key = KEYS[i]
  local o = 5 + (i - 1) * 3
  local ts = ARGV[o + 1]
  local cur = redis.call('HMGET', key, tsF, asofF)
  local wRow = ts ~= '' and ((not cur[1]) or tonumber(cur[1]) <= tonumber(ts))
  local wAgg = asofN ~= nil and ((not cur[2]) or tonumber(cur[2]) <= asofN)
  if wRow and wAgg then
    redis.call('HSET', key, tsF, ts, rowF, ARGV[o + 2], asofF, asof, aggF, ARGV[o + 3])
    written = written + 1
  elseif wRow then
    redis.call('HSET', key, tsF, ts, rowF, ARGV[o + 2])
    written = written + 1
  elseif wAgg then
    redis.call('HSET', key, asofF, asof, aggF, ARGV[o + 3])
    written = written + 1
  end
end
return written
`;

const COMMAND = "larderOnlineWrite";

type WithCommand = { [COMMAND](...args: (string | number)[]): Promise<number> };

/** Registers the script on a connection (idempotent). ioredis sends EVALSHA and falls back to EVAL. */
export function defineOnlineWrite(redis: Redis): Redis & WithCommand {
  const r = redis as Redis & WithCommand;
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

/** The arguments of one script call (numkeys first), for pipelines built by the caller. */
export function onlineWriteArgs(b: OnlineWriteBatch): (string | number)[] {
  const n = b.rows.length;
  const args: (string | number)[] = new Array(1 + n + 5 + 3 * n);
  args[0] = n;
  for (let i = 0; i < n; i++) args[1 + i] = b.rows[i].key;
  let o = 1 + n;
  args[o++] = tsField(b.view, b.version);
  args[o++] = rowField(b.view, b.version);
  args[o++] = asofField(b.view, b.version);
  args[o++] = aggField(b.view, b.version);
  args[o++] = b.asofMs === null ? "" : String(b.asofMs);
  for (const r of b.rows) {
    const hasRow = r.tsMs !== null && r.row !== null;
    args[o++] = hasRow ? String(r.tsMs) : "";
    args[o++] = hasRow ? r.row! : "";
    args[o++] = r.agg ?? "[]";
  }
  return args;
}

/** Queues one batch on a pipeline (call defineOnlineWrite on the connection first). */
export function pipelineOnlineWrite(pipeline: ChainableCommander, b: OnlineWriteBatch): void {
  (pipeline as unknown as WithCommand)[COMMAND](...onlineWriteArgs(b));
}

/** Writes one batch now; resolves to the number of entity hashes changed. */
export async function writeOnlineBatch(redis: Redis, b: OnlineWriteBatch): Promise<number> {
  if (!b.rows.length) return 0;
  return await defineOnlineWrite(redis)[COMMAND](...onlineWriteArgs(b));
}
