// The one online write path: a Lua script that applies many entities of ONE view version per call,
// newer-wins per entity, atomically per key. Used by materialization (batches of entities) and by
// push (a batch of one or more).
//
// Two groups of fields with their own clocks:
//   - row-level values + `__ts`: written only if the incoming event time ≥ the stored `__ts`
//     (an older event never overwrites a newer one);
//   - window aggregates + `__asof`: written only if the incoming as-of time ≥ the stored `__asof`
//     (materializing an older window after a newer one cannot roll aggregates back).
// The field names travel once per call; each entity then sends only its values.
//
// Redis Cluster: all keys of one call must hash to one slot; group batches by slot there.
import type { ChainableCommander, Redis } from "ioredis";
import { asofField, featureField, tsField } from "./keys";

export const ONLINE_WRITE_LUA = `
local tsF, asofF, asof = ARGV[1], ARGV[2], ARGV[3]
local nRow, nAgg = tonumber(ARGV[4]), tonumber(ARGV[5])
local asofN = tonumber(asof)
local stride = 2 + nRow + nAgg
local base = 5 + nRow + nAgg
local written = 0
for i = 1, #KEYS do
  local key = KEYS[i]
  local o = base + (i - 1) * stride
  local cur = redis.call('HMGET', key, tsF, asofF)
  local args = {}
  local n = 0
  if ARGV[o + 1] == '1' then
    local ts = ARGV[o + 2]
    if (not cur[1]) or tonumber(cur[1]) <= tonumber(ts) then
      args[n + 1] = tsF; args[n + 2] = ts; n = n + 2
      for j = 1, nRow do
        args[n + 1] = ARGV[5 + j]; args[n + 2] = ARGV[o + 2 + j]; n = n + 2
      end
    end
  end
  if nAgg > 0 and asofN and ((not cur[2]) or tonumber(cur[2]) <= asofN) then
    args[n + 1] = asofF; args[n + 2] = asof; n = n + 2
    for j = 1, nAgg do
      args[n + 1] = ARGV[5 + nRow + j]; args[n + 2] = ARGV[o + 2 + nRow + j]; n = n + 2
    end
  end
  if n > 0 then
    redis.call('HSET', key, unpack(args))
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
  /** Row-level feature names (values in `rows[i].rowValues`, same order). */
  rowFeatures: string[];
  /** Aggregate feature names (values in `rows[i].aggValues`, same order). */
  aggFeatures: string[];
  /** Epoch ms the aggregates were computed as of; null when the batch has no aggregates. */
  asofMs: number | null;
  rows: OnlineWriteRow[];
}

export interface OnlineWriteRow {
  key: string;
  /** Epoch ms of the row-level values; null = write no row-level values for this entity. */
  tsMs: number | string | null;
  /** JSON-encoded values (`null` allowed). */
  rowValues: string[];
  aggValues: string[];
}

/** The arguments of one script call (numkeys first), for pipelines built by the caller. */
export function onlineWriteArgs(b: OnlineWriteBatch): (string | number)[] {
  const args: (string | number)[] = [b.rows.length];
  for (const r of b.rows) args.push(r.key);
  args.push(tsField(b.view, b.version), asofField(b.view, b.version), b.asofMs === null ? "" : String(b.asofMs));
  args.push(String(b.rowFeatures.length), String(b.aggFeatures.length));
  for (const f of b.rowFeatures) args.push(featureField(b.view, b.version, f));
  for (const f of b.aggFeatures) args.push(featureField(b.view, b.version, f));
  for (const r of b.rows) {
    if (r.tsMs === null) {
      args.push("0", "0");
      for (let j = 0; j < b.rowFeatures.length; j++) args.push("");
    } else {
      args.push("1", String(r.tsMs));
      for (const v of r.rowValues) args.push(v);
    }
    for (const v of r.aggValues) args.push(v);
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
