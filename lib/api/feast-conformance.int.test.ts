// Feast conformance (issue 14): request/response pairs modelled on Feast's documented examples
// (docs/reference/feature-servers/python-feature-server.md, v0.66) and on what Feast's remote online
// store client sends, replayed against the feature server; every answer is checked by the rules
// Feast's client uses to read it (test/support/feast-client.ts): type inference from the JSON
// literal, status names, timestamp units, feature names paired with results, and error bodies that
// map to Feast's exception classes with Feast's statuses.
import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deleteQueueKeys, jobsTestEnv } from "../../test/support/jobs";
import { fromErrorDetail, parseOnlineResponse, parsePythonJson, type PyValue } from "../../test/support/feast-client";
import { forgetProjectInRedis } from "../../test/support/materialize";
import { applyTestRepo, tokenFor, uniqueName } from "../../test/support/retrieval";

const queuePrefix = jobsTestEnv();
const { db } = await import("../db/client");
const { startFeatureServer } = await import("./feature-server");
const { closeQueues } = await import("../queues/contracts");
const { startWorkers } = await import("../../workers/register");
const { sharedRedis } = await import("../redis/connection");

const PORT = 6612;
const base = `http://127.0.0.1:${PORT}`;
const project = uniqueName("feast_conf");
let projectId: string;
let consumer: string;
let operator: string;
let server: Server;
let workers: ReturnType<typeof startWorkers> | undefined;

async function call(path: string, body: unknown, token?: string, method = "POST") {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: method === "GET" ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, type: res.headers.get("content-type"), text: await res.text() };
}

const recent = new Date(Date.now() - 3_600_000);
const iso = (d: Date) => d.toISOString().replace("Z", "+00:00");

beforeAll(async () => {
  // Feast's quickstart: driver_hourly_stats (conv_rate and acc_rate float32, avg_daily_trips int64)
  // fed by driver_stats_push_source, and the driver_activity feature service.
  projectId = await applyTestRepo({
    project,
    entities: [{ name: "driver", join_keys: [{ name: "driver_id", dtype: "int64" }] }],
    sources: [
      {
        name: "driver_stats_push_source",
        kind: "push",
        timestamp_field: "event_timestamp",
        created_timestamp_field: "created",
        schema: [
          { name: "driver_id", dtype: "int64" },
          { name: "conv_rate", dtype: "float32" },
          { name: "acc_rate", dtype: "float32" },
          { name: "avg_daily_trips", dtype: "int64" },
          { name: "rates", dtype: "list<float64>" },
        ],
      },
    ],
    feature_views: [
      {
        name: "driver_hourly_stats",
        entities: ["driver"],
        source: "driver_stats_push_source",
        features: [
          { name: "conv_rate", dtype: "float32" },
          { name: "acc_rate", dtype: "float32" },
          { name: "avg_daily_trips", dtype: "int64" },
          { name: "rates", dtype: "list<float64>" },
        ],
      },
    ],
    feature_services: [{ name: "driver_activity", features: ["driver_hourly_stats:conv_rate", "driver_hourly_stats:avg_daily_trips"] }],
  });
  consumer = (await tokenFor(projectId, "consumer")).token;
  operator = (await tokenFor(projectId, "operator")).token;
  server = await startFeatureServer(PORT, "127.0.0.1");
  workers = startWorkers({ concurrency: 1, log: () => undefined });
  // The rows Feast's docs read back: three drivers.
  const push = await call(
    "/push",
    {
      push_source_name: "driver_stats_push_source",
      df: {
        driver_id: [1001, 1002, 1003],
        event_timestamp: [iso(recent), iso(recent), iso(recent)],
        created: [iso(recent), iso(recent), iso(recent)],
        conv_rate: [0.7037263512611389, 0.038169607520103455, 1.0],
        acc_rate: [0.8724706768989563, 0.48534533381462097, 0.7793770432472229],
        avg_daily_trips: [308, 332, 779],
        rates: [[0.5, 1.0], [2], []],
      },
      to: "online",
    },
    operator,
  );
  expect(push.status, push.text).toBe(200);
}, 120_000);

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await workers?.close();
  await closeQueues();
  await deleteQueueKeys(queuePrefix);
  await forgetProjectInRedis(sharedRedis("online"), project);
});

/** A column of a parsed answer by name. */
const col = (p: ReturnType<typeof parseOnlineResponse>, name: string) => p.columns.find((c) => c.name === name)!;
const num = (v: PyValue) => (v && typeof v === "object" && "float" in v ? v.float : v && typeof v === "object" && "int" in v ? Number(v.int) : v);

describe("get-online-features, as Feast's client reads it", () => {
  it("the documented example: names pair with results, types from the JSON literals, statuses, event time", async () => {
    const r = await call(
      "/get-online-features",
      { features: ["driver_hourly_stats:conv_rate", "driver_hourly_stats:acc_rate", "driver_hourly_stats:avg_daily_trips"], entities: { driver_id: [1001, 1002, 1003] } },
      consumer,
    );
    expect(r.status).toBe(200);
    expect(r.type).toContain("application/json");
    const p = parseOnlineResponse(r.text);
    expect(p.columns.map((c) => c.name)).toEqual(["driver_id", "conv_rate", "acc_rate", "avg_daily_trips"]);
    expect(col(p, "driver_id").types).toEqual(["INT64", "INT64", "INT64"]);
    // float32 features stay floats (1.0 included: an int literal would make the column INT64), as
    // Feast prints a float32: its exact value in float64 notation.
    expect(col(p, "conv_rate").types).toEqual(["DOUBLE", "DOUBLE", "DOUBLE"]);
    expect(col(p, "conv_rate").values.map(num)).toEqual([0.7037263512611389, 0.038169607520103455, 1.0].map(Math.fround));
    expect(col(p, "acc_rate").values.map(num)).toEqual([0.8724706768989563, 0.48534533381462097, 0.7793770432472229].map(Math.fround));
    expect(col(p, "avg_daily_trips").types).toEqual(["INT64", "INT64", "INT64"]);
    for (const c of p.columns) expect(c.statuses).toEqual(["PRESENT", "PRESENT", "PRESENT"]);
    expect(p.eventTs?.getTime()).toBe(recent.getTime());
    // Feast's key order: results, then metadata.
    expect(Object.keys(JSON.parse(r.text))).toEqual(["results", "metadata"]);
  });

  it("a feature service instead of features; with both, the service wins (as in Feast)", async () => {
    const svc = await call("/get-online-features", { feature_service: "driver_activity", entities: { driver_id: [1001] } }, consumer);
    expect(parseOnlineResponse(svc.text).columns.map((c) => c.name)).toEqual(["driver_id", "conv_rate", "avg_daily_trips"]);
    const both = await call("/get-online-features", { feature_service: "driver_activity", features: ["driver_hourly_stats:acc_rate"], entities: { driver_id: [1001] } }, consumer);
    expect(both.status).toBe(200);
    expect(both.text).toBe(svc.text);
  });

  it("view@latest, request-data columns accepted and ignored, missing entities NOT_FOUND with the epoch time", async () => {
    const r = await call("/get-online-features", { features: ["driver_hourly_stats@latest:avg_daily_trips"], entities: { driver_id: [1001, 4040], val_to_add: [1, 2] }, full_feature_names: true }, consumer);
    const p = parseOnlineResponse(r.text);
    expect(p.columns.map((c) => c.name)).toEqual(["driver_id", "driver_hourly_stats__avg_daily_trips"]);
    const c = p.columns[1];
    expect(c.statuses).toEqual(["PRESENT", "NOT_FOUND"]);
    expect(c.types).toEqual(["INT64", null]);
    expect((JSON.parse(r.text) as { results: { event_timestamps: string[] }[] }).results[1].event_timestamps[1]).toBe("1970-01-01T00:00:00Z");
  });

  it("lists: [0.5, 1.0] stays a consistent DOUBLE_LIST; an empty list is the one value Feast's client cannot type (Feast's own server sends it too)", async () => {
    const r = await call("/get-online-features", { features: ["driver_hourly_stats:rates"], entities: { driver_id: [1001, 1002] } }, consumer);
    const p = parseOnlineResponse(r.text);
    expect(p.columns[1].types).toEqual(["DOUBLE_LIST", "DOUBLE_LIST"]);
    expect(r.text).toContain("[0.5,1.0]");
    const empty = await call("/get-online-features", { features: ["driver_hourly_stats:rates"], entities: { driver_id: [1003] } }, consumer);
    expect(() => parseOnlineResponse(empty.text)).toThrow(/empty value/);
  });

  it("int64 beyond 2^53 as JSON numbers in and out (Python reads ints exactly)", async () => {
    const big = "9223372036854775807";
    const push = await call(
      "/push",
      `{"push_source_name":"driver_stats_push_source","df":{"driver_id":[${big}],"event_timestamp":["${iso(recent)}"],"conv_rate":[1],"acc_rate":[2],"avg_daily_trips":[9007199254740993],"rates":[[1]]}}`,
      operator,
    );
    expect(push.status, push.text).toBe(200);
    const r = await call("/get-online-features", `{"features":["driver_hourly_stats:avg_daily_trips"],"entities":{"driver_id":[${big}]}}`, consumer);
    const p = parseOnlineResponse(r.text);
    expect(p.columns[0].values).toEqual([{ int: BigInt(big) }]);
    expect(p.columns[1].values).toEqual([{ int: 9007199254740993n }]);
    expect(p.columns[1].statuses).toEqual(["PRESENT"]);
  });

  it("the project from Feast's ?project= query parameter", async () => {
    const r = await call(`/get-online-features?project=${project}`, { features: ["driver_hourly_stats:conv_rate"], entities: { driver_id: [1001] } }, consumer);
    expect(r.status).toBe(200);
  });
});

describe("push, write-to-online-store, materialize: Feast's request shapes and answers", () => {
  it("the documented push example (online and offline) answers Feast's empty 200", async () => {
    const r = await call(
      "/push",
      {
        push_source_name: "driver_stats_push_source",
        df: {
          driver_id: [1001],
          event_timestamp: ["2022-05-13 10:59:42+00:00"],
          created: ["2022-05-13 10:59:42"],
          conv_rate: [1.0],
          acc_rate: [1.0],
          avg_daily_trips: [1000],
          rates: [[1.0]],
        },
        to: "online_and_offline",
      },
      operator,
    );
    expect(r.status, r.text).toBe(200);
    expect(r.text).toBe("");
  });

  it("the documented Python push (a single value broadcast down the rows, an extra column, transform_on_write)", async () => {
    const r = await call(
      "/push",
      {
        push_source_name: "driver_stats_push_source",
        df: { driver_id: [1002], event_timestamp: [iso(recent)], created: [iso(recent)], conv_rate: [1.0], acc_rate: [1.0], avg_daily_trips: [1000], rates: [[3.0]], string_feature: "test2" },
        to: "online",
        transform_on_write: true,
      },
      operator,
    );
    expect(r.status, r.text).toBe(200);
    const read = parseOnlineResponse((await call("/get-online-features", { features: ["driver_hourly_stats:avg_daily_trips"], entities: { driver_id: [1002] } }, consumer)).text);
    expect(read.columns[1].values).toEqual([{ int: 1000n }]);
  });

  it("write-to-online-store as Feast's remote online store sends it answers null and is read back", async () => {
    const ts = new Date(Date.now() - 60_000);
    const r = await call(
      "/write-to-online-store",
      {
        feature_view_name: "driver_hourly_stats",
        df: { driver_id: [2001], conv_rate: [0.25], acc_rate: [0.5], avg_daily_trips: [7], rates: [[1.5]], event_timestamp: [ts.toISOString().replace("Z", "")], created: [null] },
        allow_registry_cache: false,
      },
      operator,
    );
    expect(r.status, r.text).toBe(200);
    expect(r.text).toBe("null");
    const read = parseOnlineResponse((await call("/get-online-features", { features: ["driver_hourly_stats:avg_daily_trips"], entities: { driver_id: [2001] } }, consumer)).text);
    expect(read.columns[1].values).toEqual([{ int: 7n }]);
    expect(read.eventTs?.getTime()).toBe(ts.getTime());
  });

  it("materialize (documented example) runs Larder's jobs and answers once done; ?async=true answers 202 at once", async () => {
    const sync = await call("/materialize", { start_ts: "2022-05-13T00:00:00", end_ts: "2022-05-14T00:00:00", feature_views: ["driver_hourly_stats"] }, operator);
    expect(sync.status, sync.text).toBe(200);
    expect(sync.text).toBe("null");
    const jobs = await db().job.findMany({ where: { projectId, kind: "materialize" } });
    expect(jobs.map((j) => j.status)).toEqual(["succeeded"]);
    const later = await call("/materialize?async=true", { start_ts: "2022-05-14T00:00:00", end_ts: "2022-05-15T00:00:00", feature_views: ["driver_hourly_stats"] }, operator);
    expect(later.status).toBe(202);
    expect(JSON.parse(later.text)).toEqual({ status: "accepted", feature_views: ["driver_hourly_stats"] });
    const incr = await call("/materialize-incremental", { end_ts: new Date().toISOString(), feature_views: ["driver_hourly_stats"] }, operator);
    expect(incr.status, incr.text).toBe(200);
    expect(incr.text).toBe("null");
  });

  it("health answers Feast's empty 200", async () => {
    const r = await fetch(`${base}/health`);
    expect(r.status).toBe(200);
    expect(await r.text()).toBe("");
  });
});

describe("errors map to Feast's exception classes, with Feast's statuses", () => {
  const cases: [string, string, unknown, () => string, number, string, RegExp][] = [
    ["unknown feature view", "/get-online-features", { features: ["nope:x"], entities: { driver_id: [1] } }, () => consumer, 404, "FeatureViewNotFoundException", /nope/],
    ["unknown feature service", "/get-online-features", { feature_service: "nope", entities: { driver_id: [1] } }, () => consumer, 404, "FeatureServiceNotFoundException", /nope/],
    ["unknown version", "/get-online-features", { features: ["driver_hourly_stats@v9:conv_rate"], entities: { driver_id: [1] } }, () => consumer, 404, "FeatureViewVersionNotFound", /v9/],
    ["unknown feature", "/get-online-features", { features: ["driver_hourly_stats:nope"], entities: { driver_id: [1] } }, () => consumer, 404, "FeastObjectNotFoundException", /nope/],
    ["a join key of the wrong type", "/get-online-features", { features: ["driver_hourly_stats:conv_rate"], entities: { driver_id: ["x"] } }, () => consumer, 422, "FeastError", /driver_id/],
    ["a missing join key", "/get-online-features", { features: ["driver_hourly_stats:conv_rate"], entities: { other: [1] } }, () => consumer, 422, "FeastError", /driver_id/],
    ["no entities", "/get-online-features", { features: ["driver_hourly_stats:conv_rate"] }, () => consumer, 422, "FeastError", /entities/],
    ["unknown push source", "/push", { push_source_name: "nope", df: { a: [1] } }, () => operator, 422, "PushSourceNotFoundException", /nope/],
    ["a pushed value of the wrong type", "/push", { push_source_name: "driver_stats_push_source", df: { driver_id: [1], event_timestamp: ["2024-01-01T00:00:00Z"], conv_rate: ["high"], acc_rate: [1], avg_daily_trips: [1], rates: [[1]] } }, () => operator, 422, "FeastError", /conv_rate/],
    ["an offline push missing source columns", "/push", { push_source_name: "driver_stats_push_source", df: { driver_id: [1], event_timestamp: ["2024-01-01T00:00:00Z"] }, to: "offline" }, () => operator, 422, "FeastError", /Missing: conv_rate/],
    ["a consumer pushing", "/push", { push_source_name: "driver_stats_push_source", df: { driver_id: [1] } }, () => consumer, 403, "FeastPermissionError", /./],
    ["write-to-online-store of an unknown view", "/write-to-online-store", { feature_view_name: "nope", df: { a: [1] } }, () => operator, 404, "FeatureViewNotFoundException", /nope/],
    ["materialize without times", "/materialize", { feature_views: ["driver_hourly_stats"] }, () => operator, 422, "FeastError", /start_ts and end_ts are required/],
    ["materialize of an unknown view", "/materialize", { start_ts: "2022-01-01T00:00:00", end_ts: "2022-01-02T00:00:00", feature_views: ["nope"] }, () => operator, 404, "FeatureViewNotFoundException", /nope/],
    ["materialize without event timestamps (not supported)", "/materialize", { feature_views: ["driver_hourly_stats"], disable_event_timestamp: true }, () => operator, 422, "FeastError", /disable_event_timestamp/],
    ["a body that is not JSON", "/get-online-features", "{not json", () => consumer, 422, "FeastError", /not valid JSON/],
  ];
  for (const [name, path, body, token, status, cls, message] of cases) {
    it(name, async () => {
      const r = await call(path, body, token());
      expect(r.status, r.text).toBe(status);
      const mapped = fromErrorDetail(r.text);
      expect(mapped, r.text).not.toBeNull();
      expect(mapped!.cls).toBe(cls);
      expect(mapped!.message).toMatch(message);
    });
  }

  it("HTTP-level refusals are FastAPI's {detail}: no token (401), an unknown path (404), a wrong method (405)", async () => {
    const anon = await call("/get-online-features", { features: ["driver_hourly_stats:conv_rate"], entities: { driver_id: [1] } });
    expect(anon.status).toBe(401);
    expect(parsePythonJson(anon.text)).toEqual({ detail: expect.any(String) });
    const unknown = await call("/nope", {}, consumer);
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text)).toEqual({ detail: "Not Found" });
    const method = await call("/push", null, operator, "GET");
    expect(method.status).toBe(405);
    expect(JSON.parse(method.text)).toEqual({ detail: "Method Not Allowed" });
  });
});
