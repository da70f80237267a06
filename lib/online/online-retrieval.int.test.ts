// Online read + push end to end against real Postgres and Redis: the lean feature server with
// Feast's documented request/response shapes, the Next route handler, statuses, ttl at read time,
// several views and entities, restricted views, cache invalidation on apply and token revoke.
import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Redis } from "ioredis";
import { POST as onlineRoute } from "@/app/api/v1/projects/[project]/online-features/route";
import { POST as pushRoute } from "@/app/api/v1/projects/[project]/push/route";
import { db } from "../db/client";
import { sharedRedis } from "../redis/connection";
import { countSocketWrites } from "../../test/support/redis-writes";
import { startFeatureServer } from "../api/feature-server";
import { getOnlineFeatures } from "./get-online-features";
import { bumpAuthGeneration } from "../redis/generations";
import { applyTestRepo, driverRepo, tokenFor, uniqueName } from "../../test/support/retrieval";
import { fromErrorDetail } from "../../test/support/feast-client";

const PORT = 6601;
const base = `http://127.0.0.1:${PORT}`;
let server: Server;
const project = uniqueName("ret_online");
let projectId: string;
let consumer: string;
let operator: string;
let granted: string;
const now = Date.now();
const iso = (ms: number) => new Date(ms).toISOString();

/** A feature server call; `detail` is the message of a Feast-shaped error (or FastAPI's `detail`). */
async function post(path: string, body: unknown, token?: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  const parsed = text === "" ? null : (JSON.parse(text) as any);
  const detail: string | undefined = fromErrorDetail(text)?.message ?? parsed?.detail;
  return { status: res.status, type: res.headers.get("content-type"), text, body: parsed, detail };
}

/** Push through Larder's own route, which answers with what it wrote (the feature server answers Feast's empty 200). */
async function apiPush(body: unknown, token: string) {
  const res = await pushRoute(
    new Request(`http://localhost/api/v1/projects/${project}/push`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify(body) }),
    { params: Promise.resolve({ project }) },
  );
  return { status: res.status, body: (await res.json()) as any };
}

beforeAll(async () => {
  projectId = await applyTestRepo(driverRepo(project));
  consumer = (await tokenFor(projectId, "consumer")).token;
  operator = (await tokenFor(projectId, "operator")).token;
  granted = (await tokenFor(projectId, "consumer", { restrictedGrants: ["customer_secret"] })).token;
  server = await startFeatureServer(PORT, "127.0.0.1");
  // Feast's documented push example (docs: feature server, "Pushing features to the online and
  // offline stores"), with a recent event time so the 1d ttl keeps it readable.
  const push = await post(
    "/push",
    {
      push_source_name: "driver_stats_push_source",
      df: {
        driver_id: [1001],
        event_timestamp: [iso(now - 3_600_000)],
        created: [iso(now - 3_600_000)],
        conv_rate: [1.0],
        acc_rate: [1.0],
        avg_daily_trips: [1000],
      },
      to: "online_and_offline",
    },
    operator,
  );
  expect(push.status, push.text).toBe(200);
  expect(push.text).toBe(""); // Feast's empty 200
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
});

describe("feature server (Feast compatible)", () => {
  it("answers Feast's documented get-online-features example", async () => {
    const r = await post(
      "/get-online-features",
      { features: ["driver_hourly_stats:conv_rate", "driver_hourly_stats:acc_rate"], entities: { driver_id: [1001, 1002] } },
      consumer,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.metadata.feature_names).toEqual(["driver_id", "conv_rate", "acc_rate"]);
    expect(r.body.results[0]).toEqual({
      values: [1001, 1002],
      statuses: ["PRESENT", "PRESENT"],
      event_timestamps: ["1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z"],
    });
    expect(r.body.results[1].values).toEqual([1.0, null]);
    expect(r.body.results[1].statuses).toEqual(["PRESENT", "NOT_FOUND"]);
    const ts = new Date(now - 3_600_000);
    expect(Date.parse(r.body.results[1].event_timestamps[0])).toBe(ts.getTime());
    expect(r.body.results[2].values).toEqual([1.0, null]);
  });

  it("health is open; unknown paths, missing tokens and bad JSON answer in Feast's shapes", async () => {
    const h = await fetch(`${base}/health`);
    expect(h.status).toBe(200);
    const nf = await post("/nope", {}, consumer);
    expect(nf.status).toBe(404);
    expect(nf.body).toEqual({ detail: "Not Found" });
    const anon = await post("/get-online-features", { features: ["driver_hourly_stats:conv_rate"], entities: { driver_id: [1] } });
    expect(anon.status).toBe(401);
    const badJson = await post("/get-online-features", "{not json", consumer);
    expect(badJson.status).toBe(422);
    expect(badJson.detail).toMatch(/not valid JSON/);
  });

  it("push needs the operator role; consumers get 403", async () => {
    const r = await post("/push", { push_source_name: "customer_push", df: { customer_id: ["c1"], tier: ["gold"], score: [1], event_timestamp: [iso(now)] } }, consumer);
    expect(r.status).toBe(403);
  });

  it("takes the project from the body or the X-Larder-Project header", async () => {
    const body = { features: ["driver_hourly_stats:conv_rate"], entities: { driver_id: [1001] } };
    expect((await post("/get-online-features", { ...body, project }, consumer)).status).toBe(200);
    expect((await post("/get-online-features", body, consumer, { "x-larder-project": project })).status).toBe(200);
    const other = await post("/get-online-features", { ...body, project: "someone_else" }, consumer);
    expect(other.status).toBe(403);
  });
});

describe("statuses, ttl, several views", () => {
  beforeAll(async () => {
    const r = await apiPush(
      {
        push_source_name: "customer_push",
        df: { customer_id: ["c1", "c2", "c1"], tier: ["gold", null, "silver"], score: [0.5, 0.25, 0.75], event_timestamp: [iso(now - 10_000), iso(now - 5_000), iso(now - 20_000)] },
        to: "online",
      },
      operator,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.online.views.sort()).toEqual(["customer_profile@v1", "customer_secret@v1"]);
  });

  it("NULL_VALUE, newer-wins inside one push, and entities of two views in one request", async () => {
    const r = await post(
      "/get-online-features",
      {
        features: ["driver_hourly_stats:conv_rate", "customer_profile:tier", "customer_profile:score"],
        entities: { driver_id: [1001, 1001, 7], customer_id: ["c1", "c2", "zz"] },
        full_feature_names: true,
      },
      consumer,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.metadata.feature_names).toEqual([
      "driver_id",
      "customer_id",
      "driver_hourly_stats__conv_rate",
      "customer_profile__tier",
      "customer_profile__score",
    ]);
    expect(r.body.results[2].values).toEqual([1, 1, null]);
    // c1: the row at now−10s wins over the one at now−20s although it came first.
    expect(r.body.results[3].values).toEqual(["gold", null, null]);
    expect(r.body.results[3].statuses).toEqual(["PRESENT", "NULL_VALUE", "NOT_FOUND"]);
    expect(r.body.results[4].values).toEqual([0.5, 0.25, null]);
  });

  it("returns OUTSIDE_MAX_AGE for values older than the ttl at read time", async () => {
    const principal = { kind: "user" as const, userId: "x", email: "x", name: "x", isAdmin: true, sessionId: "s", grants: [] };
    const later = await getOnlineFeatures({
      project,
      principal,
      request: { features: ["driver_hourly_stats:conv_rate"], entities: { driver_id: [1001] } },
      now: now - 3_600_000 + 86_400_000 + 1,
    });
    expect(later.results[1]).toMatchObject({ values: [null], statuses: ["OUTSIDE_MAX_AGE"] });
    const edge = await getOnlineFeatures({
      project,
      principal,
      request: { features: ["driver_hourly_stats:conv_rate"], entities: { driver_id: [1001] } },
      now: now - 3_600_000 + 86_400_000,
    });
    expect(edge.results[1].statuses).toEqual(["PRESENT"]);
  });

  it("feature services and whole-view refs resolve", async () => {
    const svc = await post("/get-online-features", { feature_service: "driver_activity", entities: { driver_id: [1001], customer_id: ["c1"] } }, consumer);
    expect(svc.status, JSON.stringify(svc.body)).toBe(200);
    expect(svc.body.metadata.feature_names).toEqual(["driver_id", "customer_id", "conv_rate", "tier"]);
    const whole = await post("/get-online-features", { features: ["driver_hourly_stats"], entities: { driver_id: [1001] } }, consumer);
    expect(whole.body.metadata.feature_names).toEqual(["driver_id", "conv_rate", "acc_rate", "avg_daily_trips"]);
    expect(whole.body.results[3].values).toEqual([1000]);
  });

  it("restricted views need an explicit grant (403 names the view)", async () => {
    const body = { features: ["customer_secret:score"], entities: { customer_id: ["c1"] } };
    const denied = await post("/get-online-features", body, consumer);
    expect(denied.status).toBe(403);
    expect(denied.detail).toContain("customer_secret");
    const ok = await post("/get-online-features", body, granted);
    expect(ok.status).toBe(200);
    expect(ok.body.results[1].values).toEqual([0.5]);
  });
});

describe("bad input says what to fix", () => {
  // Feast's statuses: 404 for what does not exist, 422 for the rest (lib/api/feast-errors.ts).
  const cases: [string, unknown, number, RegExp][] = [
    ["unknown feature", { features: ["driver_hourly_stats:nope"], entities: { driver_id: [1] } }, 404, /Feature "nope" does not exist/],
    ["unknown view", { features: ["ghost:x"], entities: { driver_id: [1] } }, 404, /Feature view "ghost"/],
    ["unknown version", { features: ["driver_hourly_stats@v9:conv_rate"], entities: { driver_id: [1] } }, 404, /no version 9/],
    ["wrong join key type", { features: ["driver_hourly_stats:conv_rate"], entities: { driver_id: ["abc"] } }, 422, /"driver_id" has dtype int64/],
    ["missing join key", { features: ["driver_hourly_stats:conv_rate", "customer_profile:tier"], entities: { driver_id: [1] } }, 422, /Missing entity column "customer_id"/],
    ["unequal columns", { feature_service: "driver_activity", entities: { driver_id: [1, 2], customer_id: ["a"] } }, 422, /same length/],
    ["no features", { entities: { driver_id: [1] } }, 422, /Send "features"/],
    ["bad ref", { features: ["a:b:c"], entities: { driver_id: [1] } }, 422, /not a feature reference/],
  ];
  for (const [name, body, status, detail] of cases) {
    it(name, async () => {
      const r = await post("/get-online-features", body, consumer);
      expect(r.status).toBe(status);
      expect(r.type).toContain("application/json");
      expect(r.detail).toMatch(detail);
    });
  }

  it("entity columns that are not join keys are accepted and ignored (Feast's request data)", async () => {
    const r = await post("/get-online-features", { features: ["driver_hourly_stats:conv_rate"], entities: { driver_id: [1001], val_to_add: [3] } }, consumer);
    expect(r.status).toBe(200);
    expect(r.body.metadata.feature_names).toEqual(["driver_id", "conv_rate"]);
    const unequal = await post("/get-online-features", { features: ["driver_hourly_stats:conv_rate"], entities: { driver_id: [1001], val_to_add: [3, 4] } }, consumer);
    expect(unequal.status).toBe(422);
  });

  it("push: extra columns (ignored online, refused offline), missing timestamp, wrong dtype", async () => {
    const df = { customer_id: ["c1"], tier: ["gold"], score: [1], event_timestamp: [iso(now)] };
    const extra = await apiPush({ push_source_name: "customer_push", df: { ...df, bogus: [1] } }, operator);
    expect(extra.status).toBe(200);
    expect(extra.body.ignored_columns).toEqual(["bogus"]);
    const extraOffline = await post("/push", { push_source_name: "customer_push", df: { ...df, bogus: [1] }, to: "offline" }, operator);
    expect(extraOffline.status).toBe(422);
    expect(extraOffline.detail).toMatch(/not in the source: bogus/);
    const missingOffline = await post("/push", { push_source_name: "customer_push", df: { customer_id: ["c1"], event_timestamp: [iso(now)] }, to: "offline" }, operator);
    expect(missingOffline.status).toBe(422);
    expect(missingOffline.detail).toMatch(/Missing: tier, score/);
    const missingOnline = await post("/push", { push_source_name: "customer_push", df: { customer_id: ["c1"], event_timestamp: [iso(now)] } }, operator);
    expect(missingOnline.status).toBe(422);
    expect(missingOnline.detail).toMatch(/needs column\(s\) tier, score/);
    const { event_timestamp: _, ...noTs } = df;
    const missing = await post("/push", { push_source_name: "customer_push", df: noTs }, operator);
    expect(missing.status).toBe(422);
    expect(missing.detail).toMatch(/timestamp column "event_timestamp"/);
    const wrong = await post("/push", { push_source_name: "customer_push", df: { ...df, score: ["high"] } }, operator);
    expect(wrong.status).toBe(422);
    expect(wrong.detail).toMatch(/"score" has dtype float64/);
    const unknown = await post("/push", { push_source_name: "nope", df }, operator);
    expect(unknown.status).toBe(422);
  });
});

describe("Next route handlers call the same use cases", () => {
  const call = (handler: typeof onlineRoute, path: string, body: unknown, token: string) =>
    handler(
      new Request(`http://localhost/api/v1/projects/${project}/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      }),
      { params: Promise.resolve({ project }) },
    );

  it("POST /online-features returns the same Feast shape", async () => {
    const body = { features: ["driver_hourly_stats:conv_rate", "driver_hourly_stats:acc_rate"], entities: { driver_id: [1001, 1002] } };
    const res = await call(onlineRoute, "online-features", body, consumer);
    expect(res.status).toBe(200);
    const viaServer = await post("/get-online-features", body, consumer);
    expect(await res.json()).toEqual(viaServer.body);
  });

  it("POST /online-features: a warm request makes no Postgres query; a revoked token stops at once", async () => {
    const t = await tokenFor(projectId, "consumer");
    const body = { features: ["driver_hourly_stats@v1:conv_rate"], entities: { driver_id: [1001] } };
    expect((await call(onlineRoute, "online-features", body, t.token)).status).toBe(200);
    const q = vi.spyOn(db().project, "findUnique");
    const tk = vi.spyOn(db().apiToken, "findUnique");
    const warm = await call(onlineRoute, "online-features", body, t.token);
    expect(warm.status).toBe(200);
    expect(q).not.toHaveBeenCalled();
    expect(tk).not.toHaveBeenCalled();
    vi.restoreAllMocks();
    await db().apiToken.update({ where: { id: t.tokenId }, data: { revokedAt: new Date() } });
    await bumpAuthGeneration();
    const revoked = await call(onlineRoute, "online-features", body, t.token);
    expect(revoked.status).toBe(401);
    expect(revoked.headers.get("content-type")).toContain("problem+json");
    // An unknown token is a 401 on the cached path too.
    const other = await call(onlineRoute, "online-features", body, "lrd_not_a_real_token");
    expect(other.status).toBe(401);
  });

  it("POST /online-features ignores unknown body fields (as Feast does) and POST /push needs operator", async () => {
    const res = await call(onlineRoute, "online-features", { features: ["driver_hourly_stats:conv_rate"], entities: { driver_id: [1] }, nope: 1 }, consumer);
    expect(res.status).toBe(200);
    const push = await call(pushRoute, "push", { push_source_name: "customer_push", df: { customer_id: ["c9"], tier: ["x"], score: [1], event_timestamp: [iso(now)] } }, consumer);
    expect(push.status).toBe(403);
    const ok = await call(pushRoute, "push", { push_source_name: "customer_push", df: { customer_id: ["c9"], tier: ["x"], score: [1], event_timestamp: [iso(now)] } }, operator);
    expect(ok.status).toBe(200);
  });
});

describe("hot path and caches", () => {
  it("a warm request is one Redis round trip and no Postgres query", async () => {
    const body = { features: ["driver_hourly_stats:conv_rate", "customer_profile:tier"], entities: { driver_id: [1001, 2], customer_id: ["c1", "c2"] } };
    await post("/get-online-features", body, consumer);
    const redis = sharedRedis("online") as Redis;
    // Two views with different entities: two read-script calls, which must leave in ONE socket
    // write (the connection is corked for the turn), i.e. one round trip.
    const commands = vi.spyOn(redis, "sendCommand");
    // No ioredis Pipeline per request: building one made V8 promote per-request garbage (5–8 ms
    // scavenges; docs/retrieval.md "Performance notes").
    const pipeline = vi.spyOn(redis, "pipeline");
    const writes = countSocketWrites(redis);
    const q = vi.spyOn(db().project, "findUnique");
    const t = vi.spyOn(db().apiToken, "findUnique");
    const r = await post("/get-online-features", body, consumer);
    expect(r.status).toBe(200);
    expect(commands).toHaveBeenCalledTimes(2);
    expect(writes.count()).toBe(1);
    expect(writes.chunksOfFirst()).toHaveLength(2);
    expect(pipeline).not.toHaveBeenCalled();
    expect(q).not.toHaveBeenCalled();
    expect(t).not.toHaveBeenCalled();
    vi.restoreAllMocks();
  });

  it("sees a new view version after apply (generation bump from the apply hook)", async () => {
    const repo = driverRepo(project);
    repo.feature_views![0].features!.push({ name: "acc_rate_x", dtype: "float64" } as never);
    repo.sources![0] = { ...(repo.sources![0] as object), schema: [...(repo.sources![0] as any).schema, { name: "acc_rate_x", dtype: "float64" }] } as never;
    await applyTestRepo(repo);
    const r = await post("/get-online-features", { features: ["driver_hourly_stats:acc_rate_x", "driver_hourly_stats@v1:conv_rate"], entities: { driver_id: [1001] } }, consumer);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    // v2 has no online rows yet; v1 still answers when pinned.
    expect(r.body.results[1].statuses).toEqual(["NOT_FOUND"]);
    expect(r.body.results[2].values).toEqual([1]);
  });

  it("a revoked token stops working at once on the feature server", async () => {
    const t = await tokenFor(projectId, "consumer");
    const body = { features: ["driver_hourly_stats@v1:conv_rate"], entities: { driver_id: [1001] } };
    expect((await post("/get-online-features", body, t.token)).status).toBe(200);
    await db().apiToken.update({ where: { id: t.tokenId }, data: { revokedAt: new Date() } });
    await bumpAuthGeneration();
    expect((await post("/get-online-features", body, t.token)).status).toBe(401);
  });
});
