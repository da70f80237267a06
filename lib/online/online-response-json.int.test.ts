// The feature server answers with getOnlineFeaturesJson (the Feast response written as text straight
// from the packed values); the Next route and in-process callers use getOnlineFeatures (objects).
// Both must say the same thing for every status and value shape: rows written directly in the
// online layout (keys.ts) with nulls, missing rows, stale rows, short packed arrays, awkward
// strings, lists, aggregates, two join keys, pinned versions and full feature names.
import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../auth/principal";
import { sharedRedis } from "../redis/connection";
import { deleteOnline } from "../../test/support/materialize";
import { entityKey, packValues } from "./keys";
import { startFeatureServer } from "../api/feature-server";
import { getOnlineFeatures, getOnlineFeaturesJson } from "./get-online-features";
import { applyTestRepo, tokenFor, uniqueName } from "../../test/support/retrieval";
import { writeOnlineBatch } from "./write-script";
import { parseJsonExact, writeJson } from "../shared/exact-json";

const project = uniqueName("ret_json");
const now = Date.now();
const admin: Principal = { kind: "user", userId: "x", email: "x", name: "x", isAdmin: true, sessionId: "s", grants: [] } as Principal;

let projectId: string;

beforeAll(async () => {
  projectId = await applyTestRepo({
    project,
    entities: [
      { name: "user", join_keys: [{ name: "user_id", dtype: "int64" }] },
      { name: "shop", join_keys: [{ name: "shop", dtype: "string" }] },
    ],
    sources: [
      {
        name: "events",
        kind: "push",
        timestamp_field: "event_timestamp",
        schema: [
          { name: "user_id", dtype: "int64" },
          { name: "shop", dtype: "string" },
          { name: "name", dtype: "string" },
          { name: "score", dtype: "float64" },
          { name: "tags", dtype: "list<string>" },
          { name: "amount", dtype: "float64" },
        ],
      },
    ],
    feature_views: [
      {
        name: "profile",
        entities: ["user"],
        source: "events",
        ttl: "1h",
        features: [
          { name: "name", dtype: "string" },
          { name: "score", dtype: "float64" },
          { name: "tags", dtype: "list<string>" },
        ],
        aggregations: [{ column: "amount", function: "sum", windows: ["1d"] }],
      },
      {
        name: "visits",
        entities: ["user", "shop"],
        source: "events",
        features: [{ name: "score", dtype: "float64" }],
      },
    ],
  });
  const redis = sharedRedis("online");
  const key = (id: number) => entityKey(project, { user_id: id });
  await writeOnlineBatch(redis, {
    project,
    view: "profile",
    version: 1,
    asofUs: (now - 1000) * 1000,
    rows: [
      // fresh, with awkward strings and a list
      { key: key(1), tsUs: (now - 60_000) * 1000 + 7, row: packValues([JSON.stringify('a,b]"c\\[{'), "1.5", JSON.stringify(["x", "y,z"])]), agg: packValues(["12.25"]) },
      // nulls
      { key: key(2), tsUs: (now - 60_000) * 1000, row: packValues(["null", "9.0", "null"]), agg: packValues(["null"]) },
      // stale row-level values (ttl 1h), fresh aggregate
      { key: key(3), tsUs: (now - 2 * 3_600_000) * 1000, row: packValues([JSON.stringify("old"), "2", "[]"]), agg: packValues(["0"]) },
      // only an aggregate
      { key: key(4), tsUs: null, row: null, agg: packValues(["7"]) },
      // a short packed array (older writer): the missing feature is NOT_FOUND
      { key: key(5), tsUs: (now - 1500) * 1000, row: packValues([JSON.stringify("é ✓ \u2028"), "-0.5"]), agg: packValues(["1e+21"]) },
      // short and stale at once: NOT_FOUND wins for the missing features, as in getOnlineFeatures
      { key: key(6), tsUs: (now - 3 * 3_600_000) * 1000, row: packValues([JSON.stringify("s")]), agg: packValues(["1"]) },
    ],
  });
  await writeOnlineBatch(redis, {
    project,
    view: "visits",
    version: 1,
    asofUs: null,
    rows: [{ key: entityKey(project, { user_id: 1, shop: "a b/c" }), tsUs: (now - 5000) * 1000, row: packValues(["3"]), agg: null }],
  });
  // An int64 beyond 2^53 and a whole-number float, written as push writes them.
  await writeOnlineBatch(redis, {
    project,
    view: "profile",
    version: 1,
    asofUs: null,
    rows: [{ key: entityKey(project, { user_id: "9223372036854775807" }), tsUs: (now - 1000) * 1000 + 1, row: packValues([JSON.stringify("big"), "42.0", "[]"]), agg: null }],
  });
  // Values no writer of this build makes (an earlier one stored epoch ms; a bad write): such an
  // entity reads as absent instead of failing the request (issue 13, item 7).
  await redis.hset(key(7), "profile@v1:__ts", "100000000000000000000", "profile@v1:__row", packValues([JSON.stringify("junk"), "1.0", "[]"]));
  await redis.hset(key(8), "profile@v1:__ts", String((now - 1000) * 1000), "profile@v1:__row", "not json");
});

afterAll(async () => {
  await deleteOnline(sharedRedis("online"), project);
});

const requests: [string, unknown][] = [
  ["every status, row-level and aggregate", { features: ["profile:name", "profile:score", "profile:tags", "profile:amount_sum_1d"], entities: { user_id: [1, 2, 3, 4, 5, 99, 6] } }],
  ["whole view, pinned, full names", { features: ["profile@v1"], entities: { user_id: [5, 1, "3"] }, full_feature_names: true }],
  ["two join keys and two views", { features: ["visits:score", "profile:score"], entities: { shop: ["a b/c", "zz"], user_id: [1, 1] }, full_feature_names: true }],
  ["one entity", { features: ["profile:tags"], entities: { user_id: [1] } }],
    // More entities than one read-script call takes (READ_CHUNK): the chunks come back in order.
  ["int64 keys beyond 2^53 as numbers and digit strings, request data columns ignored, @latest", { features: ["profile@latest:name", "profile:score"], entities: { user_id: [9223372036854775807n, "9223372036854775807", 7, 8], request_data: ["a", "b", "c", "d"] } }],
  ["a large answer over several script calls", { features: ["profile:name", "profile:score", "profile:tags", "profile:amount_sum_1d"], entities: { user_id: Array.from({ length: 2300 }, (_, i) => (i % 8) + 1) } }],
];

describe("getOnlineFeaturesJson = JSON of getOnlineFeatures", () => {
  for (const [name, request] of requests) {
    it(name, async () => {
      const objects = await getOnlineFeatures({ project, principal: admin, request, now });
      const text = await getOnlineFeaturesJson({ project, principal: admin, request, now });
      expect(parseJsonExact(text.toString())).toEqual(parseJsonExact(writeJson(objects)));
      // Feast's key order: results, then metadata.
      expect(Object.keys(JSON.parse(text.toString()))).toEqual(["results", "metadata"]);
    });
  }

  it("keeps entity order across script calls", async () => {
    const ids = Array.from({ length: 2300 }, (_, i) => (i % 8) + 1);
    const text = await getOnlineFeaturesJson({ project, principal: admin, request: { features: ["profile:score"], entities: { user_id: ids } }, now });
    const body = JSON.parse(text.toString()) as { results: { values: unknown[] }[] };
    const byUser: Record<number, unknown> = { 1: 1.5, 2: 9, 3: null, 4: null, 5: -0.5, 6: null, 7: null, 8: null };
    expect(body.results[1].values).toEqual(ids.map((id) => byUser[id]));
  });

  it("covers each status", async () => {
    const text = await getOnlineFeaturesJson({ project, principal: admin, request: requests[0][1], now });
    const body = JSON.parse(text.toString()) as { results: { statuses: string[]; values: unknown[] }[] };
    expect(body.results[1].statuses).toEqual(["PRESENT", "NULL_VALUE", "OUTSIDE_MAX_AGE", "NOT_FOUND", "PRESENT", "NOT_FOUND", "OUTSIDE_MAX_AGE"]);
    expect(body.results[1].values).toEqual(['a,b]"c\\[{', null, null, null, "é ✓ \u2028", null, null]);
    expect(body.results[3].statuses[4]).toBe("NOT_FOUND"); // short packed array
    expect(body.results[3].statuses[6]).toBe("NOT_FOUND"); // short and stale
    expect(body.results[3].values[0]).toEqual(["x", "y,z"]);
    expect(body.results[4].values).toEqual([12.25, null, 0, 7, 1e21, null, 1]);
    expect(body.results[4].statuses).toEqual(["PRESENT", "NULL_VALUE", "PRESENT", "PRESENT", "PRESENT", "NOT_FOUND", "PRESENT"]);
  });

  it("keeps int64 digits, float form and microseconds on the wire; bad stored values read as NOT_FOUND", async () => {
    const text = (await getOnlineFeaturesJson({ project, principal: admin, request: requests[4][1], now })).toString();
    // The join key echoed as a number with every digit, whether sent as a number or as digits.
    expect(text).toContain('{"values":[9223372036854775807,9223372036854775807,7,8]');
    expect(text).toContain('{"values":["big","big",null,null]');
    expect(text).toContain('{"values":[42.0,42.0,null,null]');
    const body = JSON.parse(text) as { results: { statuses: string[]; event_timestamps: string[] }[]; metadata: { feature_names: string[] } };
    expect(body.metadata.feature_names).toEqual(["user_id", "name", "score"]);
    expect(body.results[1].statuses).toEqual(["PRESENT", "PRESENT", "NOT_FOUND", "NOT_FOUND"]);
    expect(body.results[1].event_timestamps[0]).toMatch(/\.\d{6}Z$/);
    const first = await getOnlineFeaturesJson({ project, principal: admin, request: requests[0][1], now });
    expect((JSON.parse(first.toString()) as { results: { event_timestamps: string[] }[] }).results[1].event_timestamps[0]).toBe(new Date(now - 60_000).toISOString().replace("Z", "007Z"));
  });
});

describe("feature server answers", () => {
  const PORT = 6603;
  let server: Server;
  let token: string;
  beforeAll(async () => {
    token = (await tokenFor(projectId, "consumer")).token;
    server = await startFeatureServer(PORT, "127.0.0.1");
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
  });

  it("many large answers at once stay intact (response buffers are pooled and reused)", async () => {
    const features = ["profile:name", "profile:score", "profile:tags", "profile:amount_sum_1d"];
    const requests = Array.from({ length: 24 }, (_, r) => ({ features, entities: { user_id: Array.from({ length: 400 }, (_, i) => ((i + r) % 8) + 1) } }));
    for (let round = 0; round < 3; round++) {
      const bodies = await Promise.all(
        requests.map(async (request) => {
          const res = await fetch(`http://127.0.0.1:${PORT}/get-online-features`, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
            body: JSON.stringify(request),
          });
          expect(res.status).toBe(200);
          return res.json();
        }),
      );
      for (let r = 0; r < requests.length; r++) {
        const expected = await getOnlineFeatures({ project, principal: admin, request: requests[r], now });
        const got = bodies[r] as { results: { values: unknown[]; statuses: string[] }[] };
        expect(got.results.map((x) => x.values)).toEqual(JSON.parse(JSON.stringify(expected.results.map((x) => x.values))));
        expect(got.results.map((x) => x.statuses)).toEqual(expected.results.map((x) => x.statuses));
      }
    }
  });
});
