// The online write script's clock bounds (write-script.ts) on a real Redis: each call raises the
// project's bounds to the largest times it wrote and never lowers them; a call starting below a bound
// reads every clock, so newer-wins holds per entity; a call at or above the bounds writes without
// reading (shown by a store deliberately left inconsistent: a clock above its bound is overwritten,
// which is why every writer must go through this script).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Redis } from "ioredis";
import { deleteOnline } from "../../test/support/materialize";
import { countSocketWrites } from "../../test/support/redis-writes";
import { asofField, clockBoundsKey, entityKey, packValues, rowField, tsField } from "./keys";
import { onlineWriteTrip, writeOnlineBatch, type OnlineWriteRow } from "./write-script";

const uid = `${Date.now().toString(36)}${process.pid}`;
const projects: string[] = [];
let redis: Redis;

function newProject(name: string) {
  const p = `wscript_${name}_${uid}`;
  projects.push(p);
  return p;
}

beforeAll(() => {
  redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
});

afterAll(async () => {
  for (const p of projects) await deleteOnline(redis, p);
  redis.disconnect();
});

const row = (project: string, id: number, tsUs: number, value: string): OnlineWriteRow => ({
  key: entityKey(project, { id }),
  tsUs,
  row: packValues([JSON.stringify(value)]),
  agg: null,
});

async function stored(project: string, id: number) {
  const [ts, r] = await redis.hmget(entityKey(project, { id }), tsField("v", 1), rowField("v", 1));
  return { ts: ts === null ? null : Number(ts), value: r === null ? null : (JSON.parse(r) as string[])[0] };
}

describe("online write script: clock bounds", () => {
  it("raises the bounds to the largest event and as-of time written, per view version, and never lowers them", async () => {
    const p = newProject("raise");
    const bounds = () => redis.hgetall(clockBoundsKey(p));
    await writeOnlineBatch(redis, { project: p, view: "v", version: 1, asofUs: null, rows: [row(p, 1, 5_000, "a"), row(p, 2, 9_000, "b"), row(p, 3, 7_000, "c")] });
    expect(await bounds()).toEqual({ [tsField("v", 1)]: "9000" });
    // Older rows: the bound stays (they lose or land below it).
    await writeOnlineBatch(redis, { project: p, view: "v", version: 1, asofUs: null, rows: [row(p, 1, 4_000, "old"), row(p, 4, 1_000, "d")] });
    expect(await bounds()).toEqual({ [tsField("v", 1)]: "9000" });
    expect(await stored(p, 1)).toEqual({ ts: 5_000, value: "a" });
    expect(await stored(p, 4)).toEqual({ ts: 1_000, value: "d" });
    // Aggregates only: the as-of bound; another version keeps its own bounds.
    const agg = { key: entityKey(p, { id: 1 }), tsUs: null, row: null, agg: packValues(["3"]) };
    await writeOnlineBatch(redis, { project: p, view: "v", version: 2, asofUs: 20_000, rows: [agg] });
    await writeOnlineBatch(redis, { project: p, view: "v", version: 2, asofUs: 15_000, rows: [agg] });
    expect(await bounds()).toEqual({ [tsField("v", 1)]: "9000", [asofField("v", 2)]: "20000" });
    expect(await redis.hget(entityKey(p, { id: 1 }), asofField("v", 2))).toBe("20000");
  });

  it("below the bound, newer wins per entity: a mixed batch writes only the entities it is newer for", async () => {
    const p = newProject("mixed");
    await writeOnlineBatch(redis, { project: p, view: "v", version: 1, asofUs: null, rows: [row(p, 1, 200, "a@200"), row(p, 2, 100, "b@100")] });
    const written = await writeOnlineBatch(redis, {
      project: p,
      view: "v",
      version: 1,
      asofUs: null,
      rows: [row(p, 1, 150, "a@150"), row(p, 2, 150, "b@150"), row(p, 3, 50, "c@50"), row(p, 2, 100, "b@100 again")],
    });
    // b@150 and c@50 are written; a@150 loses to a@200, and "b@100 again" to b@150 (same call, in order).
    expect(written).toBe(2);
    expect(await stored(p, 1)).toEqual({ ts: 200, value: "a@200" });
    expect(await stored(p, 2)).toEqual({ ts: 150, value: "b@150" });
    expect(await stored(p, 3)).toEqual({ ts: 50, value: "c@50" });
    // Equal clocks: the incoming values win (a re-run of the same window rewrites identical values).
    await writeOnlineBatch(redis, { project: p, view: "v", version: 1, asofUs: null, rows: [row(p, 1, 200, "a@200 again")] });
    expect(await stored(p, 1)).toEqual({ ts: 200, value: "a@200 again" });
  });

  it("at or above the bounds, calls trust them and read no clock; calls of one trip see the bounds their predecessors raised", async () => {
    const p = newProject("fast");
    // Inconsistent on purpose: a clock written around the script, with no bound covering it.
    await redis.hset(entityKey(p, { id: 1 }), tsField("v", 1), "1000000", rowField("v", 1), packValues([JSON.stringify("planted")]));
    const trip = onlineWriteTrip(redis, { project: p, view: "v", version: 1, asofUs: null });
    const call = (ids: number[], ts: number[]) =>
      trip.add(
        ids.map((id) => entityKey(p, { id })),
        ids.map((id, i) => `${ts[i]}\x1f${packValues([JSON.stringify(`${id}@${ts[i]}`)])}\x1f[]`).join("\x1e"),
        { lo: String(Math.min(...ts)), hi: String(Math.max(...ts)) },
      );
    call([1, 2], [10, 20]); // no bound yet: written without reading, the planted clock included
    call([3, 4], [20, 30]); // lo 20 ≥ bound 20: no read
    call([5, 1], [25, 40]); // lo 25 < bound 30: reads, and 1@40 is newer than 1@10 anyway
    expect(await trip.send()).toBe(6);
    expect(await stored(p, 1)).toEqual({ ts: 40, value: "1@40" });
    expect(await redis.hget(clockBoundsKey(p), tsField("v", 1))).toBe("40");
    // Below the bound the planted clock would have won: plant again and write an older value.
    await redis.hset(entityKey(p, { id: 2 }), tsField("v", 1), "1000000", rowField("v", 1), packValues([JSON.stringify("planted")]));
    call([2], [35]);
    expect(await trip.send()).toBe(0);
    expect(await stored(p, 2)).toEqual({ ts: 1_000_000, value: "planted" });
  });

  it("a trip's calls leave in one socket write, without an ioredis Pipeline", async () => {
    const p = newProject("onewrite");
    await redis.ping(); // connected, so the writes go to the socket rather than the offline queue
    const trip = onlineWriteTrip(redis, { project: p, view: "v", version: 1, asofUs: null });
    for (const id of [1, 2, 3]) trip.add([entityKey(p, { id })], `${id}\x1f${packValues([JSON.stringify(String(id))])}\x1f[]`, { lo: String(id), hi: String(id) });
    const writes = countSocketWrites(redis);
    const commands = vi.spyOn(redis, "sendCommand");
    const pipeline = vi.spyOn(redis, "pipeline");
    try {
      expect(await trip.send()).toBe(3);
      expect(commands).toHaveBeenCalledTimes(3);
      expect(writes.count()).toBe(1);
      expect(pipeline).not.toHaveBeenCalled();
    } finally {
      vi.restoreAllMocks();
    }
    expect(await stored(p, 3)).toEqual({ ts: 3, value: "3" });
  });

  it("a batch whose event times are not epoch microseconds in range is refused before anything is sent", async () => {
    const p = newProject("bad");
    for (const tsUs of ["soon", "1e20", "100000000000000000000", "007"]) {
      await expect(writeOnlineBatch(redis, { project: p, view: "v", version: 1, asofUs: null, rows: [{ key: entityKey(p, { id: 1 }), tsUs, row: "[1]", agg: null }] })).rejects.toThrow(/not epoch microseconds/);
    }
    expect(await redis.exists(entityKey(p, { id: 1 }), clockBoundsKey(p))).toBe(0);
  });

  it("compares clocks exactly as text: beyond 2^53 µs, negative times, and across digit counts", async () => {
    const p = newProject("exact");
    // 253402300799999999 and 253402300799999998 are the same double; the script must still tell them apart.
    await writeOnlineBatch(redis, { project: p, view: "v", version: 1, asofUs: null, rows: [row(p, 1, 0, "x")].map((r) => ({ ...r, tsUs: "253402300799999999" })) });
    const older = await writeOnlineBatch(redis, { project: p, view: "v", version: 1, asofUs: null, rows: [{ ...row(p, 1, 0, "older"), tsUs: "253402300799999998" }] });
    expect(older).toBe(0);
    expect((await stored(p, 1)).value).toBe("x");
    // Before 1970, and a shorter positive against a longer negative.
    await writeOnlineBatch(redis, { project: p, view: "v", version: 1, asofUs: null, rows: [{ ...row(p, 2, 0, "-2"), tsUs: "-2000000" }] });
    expect(await writeOnlineBatch(redis, { project: p, view: "v", version: 1, asofUs: null, rows: [{ ...row(p, 2, 0, "-3"), tsUs: "-3000000" }] })).toBe(0);
    expect(await writeOnlineBatch(redis, { project: p, view: "v", version: 1, asofUs: null, rows: [{ ...row(p, 2, 0, "5"), tsUs: "5" }] })).toBe(1);
    expect((await stored(p, 2)).value).toBe("5");
  });

  it("a stored clock that is not a clock counts as absent, so it never blocks later writes (issue 13, item 7)", async () => {
    const p = newProject("garbage");
    // What an earlier build stored for a push of event_timestamp 1e20 (ms), and other junk.
    for (const [id, junk] of [[1, "100000000000000000000"], [2, "1e+20"], [3, "not a time"], [4, "-99999999999999999999"]] as const) {
      await redis.hset(entityKey(p, { id }), tsField("v", 1), junk, rowField("v", 1), packValues([JSON.stringify("junk")]));
    }
    // The bounds hash holds junk too: no fast path, and the junk bound is left alone.
    await redis.hset(clockBoundsKey(p), tsField("v", 1), "100000000000000000000");
    const written = await writeOnlineBatch(redis, { project: p, view: "v", version: 1, asofUs: null, rows: [1, 2, 3, 4].map((id) => row(p, id, 1_700_000_000_000_000, `ok${id}`)) });
    expect(written).toBe(4);
    for (const id of [1, 2, 3, 4]) expect(await stored(p, id)).toEqual({ ts: 1_700_000_000_000_000, value: `ok${id}` });
    expect(await redis.hget(clockBoundsKey(p), tsField("v", 1))).toBe("100000000000000000000");
  });
});
