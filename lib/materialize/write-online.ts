// Materialization's online write: the snapshot as of the window's end (online_out, online-sql.ts)
// grouped into script calls by DuckDB and streamed to Redis through the newer-wins script
// (lib/online/write-script.ts), several round trips in flight.
import "server-only";
import type { DuckDBConnection } from "@duckdb/node-api";
import { qid } from "../duckdb/instance";
import { isCluster, type OnlineRedis } from "../redis/connection";
import { ENTITY_SEP, FIELD_SEP, onlineWriteTrip } from "../online/write-script";
import { entityKey } from "../online/keys";
import { MaterializationError, causeText } from "./errors";
import type { ViewSpec } from "./view-spec";

export interface OnlineWriteOptions {
  /** Entities per Lua call (default 500) and calls per pipelined round trip (default 20; 100 on a Redis Cluster). */
  entitiesPerCall?: number;
  callsPerRoundTrip?: number;
  /** Round trips sent before waiting for the oldest reply (default 2). */
  tripsInFlight?: number;
}

/**
 * SQL creating table `online_calls`: one row per script call, two strings built by DuckDB in
 * parallel — the keys (RS-joined) and the script's payload (write-script.ts). JS then handles two
 * long strings per call instead of four short ones per entity (converting DuckDB strings and
 * encoding Redis arguments one by one, not Redis, was the bottleneck). Key parts not computed in SQL
 * travel as JSON arrays. Rows whose join key is null have no entity to serve
 * them to and are left out. Entities go in ascending event time (call `g` after call `g − 1`), each
 * call with the range of its event times (`lo`, `hi`): every call then starts at or above the clock
 * bound its predecessors raised, so none has to read clocks unless another writer went further.
 */
export function onlineCallsSql(spec: ViewSpec, keyInSql: boolean, perCall: number): string {
  const partCols = spec.joinKeys.map((k) => k.name).sort().map((k) => qid("__k_" + k));
  const keyExpr = keyInSql ? "__key" : `to_json([${partCols.join(", ")}])::VARCHAR`;
  const notNull = keyInSql ? "__key IS NOT NULL" : partCols.map((c) => `${c} IS NOT NULL`).join(" AND ");
  const entry = `concat_ws(${sepSql(FIELD_SEP)}, coalesce(CAST(__ts_us AS VARCHAR), ''), coalesce(__row_packed, ''), __agg_packed)`;
  return `CREATE TABLE online_calls AS
    WITH o AS (
      SELECT ${keyExpr} AS k, ${entry} AS e, __ts_us AS t, row_number() OVER (ORDER BY __ts_us NULLS FIRST) - 1 AS n
      FROM online_out WHERE ${notNull})
    SELECT n // ${Math.max(1, Math.floor(perCall))} AS g,
           string_agg(k, ${sepSql(ENTITY_SEP)} ORDER BY n) AS k,
           string_agg(e, ${sepSql(ENTITY_SEP)} ORDER BY n) AS p,
           coalesce(CAST(min(t) AS VARCHAR), '') AS lo,
           coalesce(CAST(max(t) AS VARCHAR), '') AS hi
    FROM o GROUP BY g ORDER BY g`;
}

/** A one-character separator as a DuckDB expression (control characters do not survive as literals in logs). */
function sepSql(sep: string): string {
  return `chr(${sep.charCodeAt(0)})`;
}

/** Streams online_calls to Redis: one script call per row, many calls per round trip. */
export async function writeOnline(
  conn: DuckDBConnection,
  spec: ViewSpec,
  end: Date,
  keyInSql: boolean,
  redis: OnlineRedis,
  options: OnlineWriteOptions,
  onProgress: (done: number) => Promise<void>,
): Promise<number> {
  // A cluster regroups each trip's entities by slot: larger trips give larger per-slot calls
  // (10k entities per trip: ~35k entities/s on a 3-master test cluster; 50k: ~57k/s).
  const perTrip = options.callsPerRoundTrip ?? (isCluster(redis) ? 100 : 20);
  const asofUs = spec.aggregations.length ? BigInt(end.getTime()) * 1000n : null;
  const sortedKeys = spec.joinKeys.map((k) => k.name).sort();
  const fail = (m: string, cause?: unknown) => new MaterializationError(spec.viewName, "write_online", m, { cause, code: "unavailable" });
  let written = 0;
  let done = 0;
  // Round trips on the wire at once: two, so Redis always has the next trip queued when it finishes
  // one (with one, it idled while the reply travelled back and the next trip was sent).
  const maxInFlight = Math.max(1, options.tripsInFlight ?? 2);
  const inFlight: Promise<void>[] = [];
  // One write per trip; on a cluster, the trip's entities regrouped by slot (write-script.ts).
  const writer = onlineWriteTrip(redis, { project: spec.projectName, view: spec.viewName, version: spec.version, asofUs }, options.entitiesPerCall ?? 500);
  let calls = 0;
  // Trips can complete out of order (on a cluster, a later trip may need only nodes that answer
  // first), but progress is reported in trip order, so it never goes back.
  let previous: Promise<void> = Promise.resolve();
  const sendTrip = async () => {
    if (!calls) return;
    const n = done;
    calls = 0;
    const before = previous;
    const trip = writer.send().then(async (w) => {
      await before;
      written += w;
      await onProgress(n);
    });
    previous = trip;
    trip.catch(() => undefined); // awaited below; this only keeps a failure from going unhandled meanwhile
    inFlight.push(trip);
    while (inFlight.length >= maxInFlight) await inFlight.shift();
  };
  try {
    const keyParts = keyInSql ? 0 : sortedKeys.length;
    // In insertion order, which onlineCallsSql made ascending event time (an ORDER BY here would sort
    // the whole payload again before the first call could leave; the order only affects speed).
    const result = await conn.stream("SELECT k, p, lo, hi FROM online_calls");
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const [keyGroups, payloads, los, his] = chunk.getColumns() as string[][];
      for (let g = 0; g < keyGroups.length; g++) {
        let keys = keyGroups[g].split(ENTITY_SEP);
        if (keyParts) {
          keys = keys.map((json) => {
            const parts = JSON.parse(json) as string[];
            const jk: Record<string, unknown> = {};
            for (let k = 0; k < keyParts; k++) jk[sortedKeys[k]] = parts[k];
            return entityKey(spec.projectName, jk);
          });
        }
        writer.add(keys, payloads[g], { lo: los[g], hi: his[g] });
        calls++;
        done += keys.length;
        if (calls >= perTrip) await sendTrip();
      }
    }
    await sendTrip();
    while (inFlight.length) await inFlight.shift();
    return written;
  } catch (e) {
    if (e instanceof MaterializationError) throw e;
    throw fail(`writing to the online store: ${causeText(e)}`, e);
  }
}

