// The one online write path: a Lua script that applies many entities of ONE view version per call,
// newer-wins per entity, atomically per key. Used by materialization (batches of entities) and by
// push (a batch of one or more). Field layout: keys.ts.
//
// Two packed fields with their own clocks:
//   - `__row` (row-level values) + `__ts`: written only if the incoming event time ≥ the stored
//     `__ts` (an older event never overwrites a newer one);
//   - `__agg` (window aggregates) + `__asof`: written only if the incoming as-of time ≥ the stored
//     `__asof` (materializing an older window after a newer one cannot roll aggregates back).
//
// Clocks are epoch µs as decimal text, compared exactly as text in the script.
//
// Clock bounds (keys.ts `clockBoundsKey`): per project one hash holds, per view version and clock,
// a value no entity's clock exceeds. A call whose smallest incoming event time (`lo`) and as-of time
// are ≥ the bounds cannot lose to any stored value, so it writes without reading a single clock;
// otherwise each entity's clocks are read (HGET, or HMGET when the batch has aggregates) and compared.
// Each call then raises the bounds to its largest incoming times (atomically with its writes, so the
// bound stays an upper bound whatever other writers do). Materialization sends its entities in
// ascending event time, so the first load of a version and windows that move forward take the fast
// path call after call; a backfill of an older window, or a push older than what is stored, reads.
// Either way at most one HSET of four fields per entity.
//
// Redis Cluster: all keys of one call must hash to one slot, so there the calls of a round trip are
// regrouped by slot (onlineWriteTrip) and sent all at once, one write per node; the
// bounds hash lives in one slot, so cluster calls go without it and always read the clocks.
import "server-only";
import type { Cluster, Redis } from "ioredis";
import { ClusterBatch, groupBySlot } from "../redis/cluster";
import { coalesceWrites } from "../redis/coalesce";
import { isCluster, type OnlineRedis } from "../redis/connection";
import { aggField, asofField, clockBoundsKey, clockUs, rowField, tsField } from "./keys";

// KEYS: [the clock bounds hash, when ARGV[9] = '1'], then the entity keys.
// ARGV: the four field names, the as-of time ('' = no aggregates), then ONE payload string for all
// entity keys: per key `ts US row US agg`, keys separated by RS (US = \x1f, RS = \x1e; packed values
// are JSON, which never holds raw control characters). One argument per call instead of three per
// entity: the client's per-argument encoding cost was the bottleneck, not Redis. Then the smallest
// and largest event time among the payload's non-empty `ts` ('' when none), and the bounds flag.
export const ONLINE_WRITE_LUA = `
local tsF, rowF, asofF, aggF, asof, payload = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local lo, hi, bounded = ARGV[7], ARGV[8], ARGV[9] == '1'
local find, sub, match = string.find, string.sub, string.match
-- Clocks are epoch µs as canonical decimal text (keys.ts); they are compared as text, exactly (a Lua
-- number is a double: beyond 2^53 µs, in the year 2255, it would round). A stored clock that is not
-- one (not canonical digits, or outside 0001-01-01 … 9999-12-31) counts as absent, so a bad value
-- can never block later writes.
local function clock(x)
  if not x or x == '' or not match(x, '^%-?[1-9]%d*$') and x ~= '0' then return nil end
  local neg = sub(x, 1, 1) == '-'
  local n = neg and #x - 1 or #x
  if neg then
    if n > 17 or (n == 17 and x > '-62135596800000000') then return nil end
  elseif n > 18 or (n == 18 and x > '253402300799999999') then return nil end
  return x
end
-- a <= b for canonical decimal integers.
local function le(a, b)
  local na, nb = sub(a, 1, 1) == '-', sub(b, 1, 1) == '-'
  if na ~= nb then return na end
  if #a ~= #b then
    if na then return #a > #b end
    return #a < #b
  end
  if na then return a >= b end
  return a <= b
end
local asofC = clock(asof)
lo, hi = clock(lo), clock(hi)
local written = 0
local pos = 1
local first = 1
local fast = false
local boundTs, boundAsof, badTs, badAsof
if bounded then
  first = 2
  local b = redis.call('HMGET', KEYS[1], tsF, asofF)
  boundTs, boundAsof = clock(b[1]), clock(b[2])
  -- A stored bound that is not a clock bounds nothing we can compare: no fast path, and it is left
  -- alone (replacing it by this call's times could put it below some entity's clock).
  badTs, badAsof = b[1] and not boundTs, b[2] and not boundAsof
  fast = ((not lo) or (not badTs and ((not boundTs) or le(boundTs, lo)))) and ((not asofC) or (not badAsof and ((not boundAsof) or le(boundAsof, asofC))))
end
for i = first, #KEYS do
  local key = KEYS[i]
  local e1 = find(payload, '\\31', pos, true)
  local e2 = find(payload, '\\31', e1 + 1, true)
  local e3 = find(payload, '\\30', e2 + 1, true) or (#payload + 1)
  local ts = sub(payload, pos, e1 - 1)
  pos = e3 + 1
  local wRow, wAgg
  if fast then
    -- No stored clock of this version exceeds the bounds, and the bounds do not exceed ours.
    wRow = ts ~= ''
    wAgg = asofC ~= nil
  else
    local curTs, curAsof
    if asofC then
      local cur = redis.call('HMGET', key, tsF, asofF)
      curTs, curAsof = clock(cur[1]), clock(cur[2])
    else
      -- No aggregates in this batch: one clock to read (HGET is measurably cheaper than HMGET).
      curTs = clock(redis.call('HGET', key, tsF))
    end
    wRow = ts ~= '' and ((not curTs) or le(curTs, ts))
    wAgg = asofC ~= nil and ((not curAsof) or le(curAsof, asofC))
  end
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
if bounded and written > 0 then
  -- hi bounds every event time this call wrote (and entities it did not write keep clocks ≤ the old bound).
  if hi and not badTs and ((not boundTs) or not le(hi, boundTs)) then redis.call('HSET', KEYS[1], tsF, hi) end
  if asofC and not badAsof and ((not boundAsof) or not le(asofC, boundAsof)) then redis.call('HSET', KEYS[1], asofF, asofC) end
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

/** What one trip writes to: a view version of a project, and the as-of time of its aggregates. */
export interface OnlineWriteTarget {
  project: string;
  view: string;
  version: number;
  /** Epoch µs the aggregates were computed as of (decimal digits or BigInt); null when the batch writes no aggregates. */
  asofUs: bigint | string | number | null;
}

export interface OnlineWriteBatch extends OnlineWriteTarget {
  rows: OnlineWriteRow[];
}

export interface OnlineWriteRow {
  key: string;
  /** Epoch µs of the row-level values (decimal digits or BigInt); null = write no row-level values for this entity. */
  tsUs: bigint | string | number | null;
  /** Row-level values packed with `packValues` in feature position order (ignored when tsUs is null). */
  row: string | null;
  /** Aggregates packed with `packValues` in feature position order (required when asofUs is set). */
  agg: string | null;
}

/** The smallest and largest event time of a call's entities that carry row-level values, as strings ('' when none). */
export interface EventTimeRange {
  lo: string;
  hi: string;
}

/** One entity's part of the payload: `ts US row US agg` ('' for no row-level values). */
function payloadEntry(r: Pick<OnlineWriteRow, "tsUs" | "row" | "agg">): string {
  const hasRow = r.tsUs !== null && r.row !== null;
  return `${hasRow ? String(r.tsUs) : ""}${FIELD_SEP}${hasRow ? r.row : ""}${FIELD_SEP}${r.agg ?? "[]"}`;
}

function rowsTimeRange(rows: readonly OnlineWriteRow[]): EventTimeRange {
  let lo: bigint | null = null;
  let hi: bigint | null = null;
  for (const r of rows) {
    if (r.tsUs === null || r.row === null) continue;
    const t = clockUs(String(r.tsUs));
    if (t === null) throw new Error(`online write: event time ${String(r.tsUs)} of ${r.key} is not epoch microseconds in 0001-01-01 … 9999-12-31`);
    if (lo === null || t < lo) lo = t;
    if (hi === null || t > hi) hi = t;
  }
  return lo === null || hi === null ? { lo: "", hi: "" } : { lo: lo.toString(), hi: hi.toString() };
}

/**
 * The arguments of one script call (numkeys first) from keys and a payload already joined by the
 * caller (materialization has DuckDB build it): `payload` holds one `payloadEntry` per key, in key
 * order, joined by ENTITY_SEP. `range` null: a call without the clock bounds (cluster).
 */
function packedWriteArgs(t: OnlineWriteTarget, keys: readonly string[], payload: string, range: EventTimeRange | null): (string | number)[] {
  const { view, version } = t;
  const fields = [tsField(view, version), rowField(view, version), asofField(view, version), aggField(view, version), t.asofUs === null ? "" : String(t.asofUs), payload];
  return range
    ? [keys.length + 1, clockBoundsKey(t.project), ...keys, ...fields, range.lo, range.hi, "1"]
    : [keys.length, ...keys, ...fields, "", "", ""];
}

/** Writes one batch now; resolves to the number of entity hashes changed. */
export async function writeOnlineBatch(redis: OnlineRedis, b: OnlineWriteBatch): Promise<number> {
  if (!b.rows.length) return 0;
  // One trip of one call (a cluster splits it by slot).
  const trip = onlineWriteTrip(redis, b);
  trip.add(
    b.rows.map((r) => r.key),
    b.rows.map(payloadEntry).join(ENTITY_SEP),
    rowsTimeRange(b.rows),
  );
  return await trip.send();
}

/**
 * The script calls of one round trip for one view version. `add` queues one call's keys, its
 * payload (as packedWriteArgs takes them) and the range of its event times; `send` sends everything
 * queued since the last send and resolves to the number of hashes changed. One Redis: one write,
 * a call per `add`, in order (materialization adds calls in ascending event time, so the clock bounds
 * let each call skip reading clocks). A cluster: the trip's entities are regrouped by slot, one call
 * per slot (at most `maxPerCall` keys), all sent at once, one write per node (ClusterBatch).
 */
export interface OnlineWriteTrip {
  add(keys: readonly string[], payload: string, range: EventTimeRange): void;
  send(): Promise<number>;
}

export function onlineWriteTrip(redis: OnlineRedis, target: OnlineWriteTarget, maxPerCall = 500): OnlineWriteTrip {
  const t: OnlineWriteTarget = { project: target.project, view: target.view, version: target.version, asofUs: target.asofUs };
  return isCluster(redis) ? clusterWriteTrip(redis, t, maxPerCall) : singleWriteTrip(redis, t);
}

/**
 * One Redis: the queued calls are sent as plain script calls on the corked connection (one write,
 * one round trip), not through an ioredis Pipeline (lib/redis/coalesce.ts says why).
 */
function singleWriteTrip(redis: Redis, t: OnlineWriteTarget): OnlineWriteTrip {
  const r = defineOnlineWrite(redis);
  let calls: (string | number)[][] = [];
  return {
    add(keys, payload, range) {
      calls.push(packedWriteArgs(t, keys, payload, range));
    },
    async send() {
      const queued = calls;
      calls = [];
      coalesceWrites(redis);
      let written = 0;
      for (const n of await Promise.all(queued.map((args) => r[COMMAND](...args)))) written += Number(n);
      return written;
    },
  };
}

function clusterWriteTrip(cluster: Cluster, t: OnlineWriteTarget, maxPerCall: number): OnlineWriteTrip {
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
      const batch = new ClusterBatch(cluster);
      for (const at of groupBySlot(ks.keys(), (i) => ks[i]).values()) {
        for (let from = 0; from < at.length; from += maxPerCall) {
          const part = at.slice(from, from + maxPerCall);
          const args = packedWriteArgs(t, part.map((i) => ks[i]), part.map((i) => es[i]).join(ENTITY_SEP), null);
          batch.add((c) => (c as Cluster & WithCommand)[COMMAND](...args));
        }
      }
      let written = 0;
      for (const v of await batch.exec()) written += Number(v);
      return written;
    },
  };
}
