// The online store on a real Redis Cluster: three masters started here from `redis-server`
// (lib/redis/test-cluster.ts) and torn down after, pass or fail. A view materialized onto the
// cluster holds the same hashes as on the single Redis, spread over every master; reads through
// getOnlineFeatures, its byte-built JSON twin and the feature server equal the single-node read
// and the oracle; newer-wins holds for pushes; a stale slot map is followed; delete-by-prefix
// empties every master.
import fs from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Principal } from "../auth/principal";
import { resetEnvForTests } from "../config/env";
import { db } from "../db/client";
import { materializeWindow, type MaterializeWindowInput } from "../materialize/materialize-window";
import { aggregate, entitiesUpTo, generateRows } from "../../test/support/oracle";
import { deleteOnline, snapshotOnline, writeParquet } from "../../test/support/materialize";
import { closeSharedRedis, isCluster, sharedRedis } from "../redis/connection";
import { slotOf } from "../redis/cluster";
import { scanPrefix } from "../redis/prefix";
import { countSocketWrites } from "../../test/support/redis-writes";
import { startTestCluster, type TestCluster } from "../../test/support/redis-cluster";
import { startFeatureServer } from "../api/feature-server";
import { getOnlineFeatures, getOnlineFeaturesJson } from "./get-online-features";
import { pushRows } from "./push";
import { type OnlineFeaturesRequest } from "./read-types";
import { entityKey, projectKeyPrefix } from "./keys";
import { bumpAuthGeneration } from "../redis/generations";
import { testSourceDir } from "../../test/fixtures/data-roots";
import { applyTestRepo, tokenFor, uniqueName } from "../../test/support/retrieval";

const H = 3_600_000;
const D = 86_400_000;
// Recent data, so the feature server's own clock (now) sees fresh and stale rows alike.
const T0 = Math.floor(Date.now() / D) * D - 5 * D;
const END = T0 + 4 * D + 7 * H + 13_000;
const TTL_MS = 2 * D;
const SINGLE_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const project = uniqueName("ret_cluster");
const admin = { kind: "user", userId: "x", email: "x", name: "x", isAdmin: true, sessionId: "s", grants: [] } as unknown as Principal;
const data = generateRows({ seed: 5, t0: T0, days: 5, entities: 150, end: END, windowsMs: [H, D], ttlMs: TTL_MS });
const ids = entitiesUpTo(data.rows, END).map(Number);

let cluster: TestCluster | undefined;
let single: Redis;
let root: string;
let srcDir: string | undefined;
let input: MaterializeWindowInput;
let server: Server | undefined;
let base: string;
let consumer: string;

/** Points the online store at the cluster or at the single Redis (the shared connection is re-made). */
async function useOnline(kind: "cluster" | "single") {
  await closeSharedRedis();
  if (kind === "cluster") {
    process.env.ONLINE_REDIS_URL = `redis://${cluster!.nodes[0]}`;
    process.env.ONLINE_REDIS_CLUSTER = "true";
    process.env.ONLINE_REDIS_CLUSTER_NODES = cluster!.nodes.slice(1).join(",");
  } else {
    process.env.ONLINE_REDIS_URL = SINGLE_URL;
    delete process.env.ONLINE_REDIS_CLUSTER;
    delete process.env.ONLINE_REDIS_CLUSTER_NODES;
  }
  resetEnvForTests();
}

/** Keys of this project on each master of the cluster. */
async function keysPerMaster(): Promise<number[]> {
  const c = sharedRedis("online");
  if (!isCluster(c)) throw new Error("not on the cluster");
  const counts = new Map<string, number>();
  await scanPrefix(c, projectKeyPrefix(project), async (keys, node) => {
    const id = `${node.options.host}:${node.options.port}`;
    counts.set(id, (counts.get(id) ?? 0) + keys.length);
  });
  return c.nodes("master").map((n) => counts.get(`${n.options.host}:${n.options.port}`) ?? 0);
}

async function post(route: string, body: unknown, token: string) {
  const res = await fetch(`${base}${route}`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: (text === "" ? null : JSON.parse(text)) as any };
}

/** A push through the use case (the feature server answers Feast's empty 200; this says what it wrote). */
async function push(body: unknown) {
  return { status: 200, body: await pushRows({ project, principal: admin, request: body }) };
}

beforeAll(async () => {
  cluster = await startTestCluster(3);
  single = new Redis(SINGLE_URL);
  root = await fs.mkdtemp(path.join(os.tmpdir(), "larder-cluster-test-"));
  process.env.OFFLINE_STORE_URI = root;
  await useOnline("cluster");
  srcDir = await testSourceDir("cluster");
  const file = path.join(srcDir, "tx.parquet");
  await writeParquet(
    file,
    [
      { name: "customer_id", type: "BIGINT" },
      { name: "event_timestamp", type: "TIMESTAMP" },
      { name: "created_timestamp", type: "TIMESTAMP" },
      { name: "amount", type: "DOUBLE" },
      { name: "category", type: "VARCHAR" },
    ],
    data.rows.map((r) => ({ customer_id: Number(r.entity), event_timestamp: r.ts, created_timestamp: r.created, amount: r.values.amount, category: r.values.category })),
  );
  const projectId = await applyTestRepo({
    project,
    entities: [{ name: "customer", join_keys: [{ name: "customer_id", dtype: "int64" }] }],
    sources: [
      { name: "tx", kind: "parquet", path: file, timestamp_field: "event_timestamp", created_timestamp_field: "created_timestamp" },
      {
        name: "profile_push",
        kind: "push",
        timestamp_field: "event_timestamp",
        schema: [
          { name: "customer_id", dtype: "int64" },
          { name: "tier", dtype: "string" },
        ],
      },
    ],
    feature_views: [
      {
        name: "spend",
        entities: ["customer"],
        source: "tx",
        ttl: "2d",
        features: [
          { name: "amount", dtype: "float64" },
          { name: "category", dtype: "string" },
        ],
        aggregations: [
          { column: "amount", function: "sum", windows: ["1h", "1d"] },
          { column: "amount", function: "count", windows: ["1d"] },
        ],
      },
      { name: "profile", entities: ["customer"], source: "profile_push", features: [{ name: "tier", dtype: "string" }] },
    ],
  });
  const v = await db().featureViewVersion.findFirstOrThrow({ where: { featureView: { projectId, name: "spend" }, version: 1 } });
  input = { projectName: project, viewName: "spend", version: 1, versionId: v.id, start: new Date(T0), end: new Date(END), writeOffline: false, writeOnline: true, jobId: "cluster-1" };
  consumer = (await tokenFor(projectId, "consumer")).token;

  server = await startFeatureServer(0, "127.0.0.1");
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  await closeSharedRedis();
  if (single) {
    await deleteOnline(single, project);
    single.disconnect();
  }
  await cluster?.stop();
  for (const k of ["ONLINE_REDIS_URL", "ONLINE_REDIS_CLUSTER", "ONLINE_REDIS_CLUSTER_NODES"]) delete process.env[k];
  resetEnvForTests();
  if (root) await fs.rm(root, { recursive: true, force: true });
  if (srcDir) await fs.rm(srcDir, { recursive: true, force: true });
});

describe("online store on a 3-master Redis Cluster", () => {
  it("materializes the same hashes as on one Redis, spread over every master, with correct counts and progress", async () => {
    const progress: number[] = [];
    // Small calls and trips: many round trips, each regrouped by slot.
    const res = await materializeWindow(input, { progress: (f) => void progress.push(f) }, { entitiesPerCall: 7, callsPerRoundTrip: 3 });
    expect(res.rowsWrittenOnline).toBe(ids.length);
    expect(res.entitiesOnline).toBe(ids.length);
    expect(progress.at(-1)).toBe(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const onSingle = await materializeWindow({ ...input, jobId: "single-1" }, {}, { redis: single });
    expect(onSingle.rowsWrittenOnline).toBe(ids.length);
    const snap = await snapshotOnline(sharedRedis("online"), project);
    expect(Object.keys(snap)).toHaveLength(ids.length);
    expect(snap).toEqual(await snapshotOnline(single, project));
    const perMaster = await keysPerMaster();
    expect(perMaster).toHaveLength(3);
    for (const n of perMaster) expect(n).toBeGreaterThan(0);
    expect(perMaster.reduce((a, b) => a + b, 0)).toBe(ids.length);
    // Idempotent: the same window again changes no hash (newer-wins keeps equal clocks' values).
    await materializeWindow({ ...input, jobId: "cluster-2" }, {}, {});
    expect(await snapshotOnline(sharedRedis("online"), project)).toEqual(snap);
  });

  it("reads equal the single-node read and the oracle, in objects, bytes and through the feature server", async () => {
    const now = END + D; // row-level values older than END − 1d read as OUTSIDE_MAX_AGE
    const features = ["spend:amount", "spend:category", "spend:amount_sum_1h", "spend:amount_sum_1d", "spend:amount_count_1d"];
    const small: OnlineFeaturesRequest = { features, entities: { customer_id: [...ids, 99_999, 123_456] } };
    // More rows than one read-script call takes, with repeats: order and chunking survive regrouping.
    const large: OnlineFeaturesRequest = { features, entities: { customer_id: Array.from({ length: 2600 }, (_, i) => (i % 7 === 0 ? 777_777 : ids[(i * 31) % ids.length])) } };
    const onCluster = [];
    const c = sharedRedis("online");
    if (!isCluster(c)) throw new Error("not on the cluster");
    await getOnlineFeatures({ project, principal: admin, request: small, now }); // catalog cached
    for (const request of [small, large]) {
      const pipeline = vi.spyOn(c, "pipeline");
      const writes = countSocketWrites(...c.nodes("master"));
      const objects = await getOnlineFeatures({ project, principal: admin, request, now });
      // Every call (one per slot; hundreds for the large request) sent at once, one write per
      // master at most: one round trip of latency; and no ioredis Pipeline.
      expect(writes.count()).toBeLessThanOrEqual(3);
      expect(pipeline).not.toHaveBeenCalled();
      vi.restoreAllMocks();
      const text = await getOnlineFeaturesJson({ project, principal: admin, request, now });
      expect(JSON.parse(text.toString("utf8"))).toEqual(objects);
      onCluster.push(objects);
    }
    // Aggregates (not subject to ttl) against the oracle at END.
    const [sum1d, count1d] = [onCluster[0].results[4].values, onCluster[0].results[5].values];
    ids.forEach((id, i) => {
      const want = aggregate(data.rows, String(id), END, D, "amount", "sum") as number | null;
      if (want === null) expect(sum1d[i]).toBeNull();
      else expect(Math.abs((sum1d[i] as number) - want)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want)));
      expect(count1d[i]).toBe(aggregate(data.rows, String(id), END, D, "amount", "count"));
    });
    expect(onCluster[0].results[1].statuses.slice(-2)).toEqual(["NOT_FOUND", "NOT_FOUND"]);
    expect(new Set(onCluster[0].results[1].statuses)).toContain("OUTSIDE_MAX_AGE");
    // The feature server (its own clock; the principal comes from its cache on the second call,
    // so the auth counter is read from the cluster too).
    for (let round = 0; round < 2; round++) {
      const r = await post("/get-online-features", small, consumer);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body).toEqual(await getOnlineFeatures({ project, principal: admin, request: small }));
    }
    // The same requests on the single Redis.
    await useOnline("single");
    try {
      expect(await getOnlineFeatures({ project, principal: admin, request: small, now })).toEqual(onCluster[0]);
      expect(await getOnlineFeatures({ project, principal: admin, request: large, now })).toEqual(onCluster[1]);
    } finally {
      await useOnline("cluster");
    }
  });

  it("a revoked token is refused at once: the auth generation bump reaches the cluster", async () => {
    const t = await tokenFor((await db().project.findUniqueOrThrow({ where: { name: project } })).id, "consumer");
    const body = { features: ["spend:amount_sum_1d"], entities: { customer_id: [ids[0]] } };
    expect((await post("/get-online-features", body, t.token)).status).toBe(200);
    await db().apiToken.update({ where: { id: t.tokenId }, data: { revokedAt: new Date() } });
    await bumpAuthGeneration();
    expect((await post("/get-online-features", body, t.token)).status).toBe(401);
  });

  it("newer wins on the cluster: an older push after a newer one changes nothing", async () => {
    const pushed = ids.slice(0, 60);
    const at = (ms: number) => pushed.map(() => new Date(ms).toISOString());
    const pushVia = push;
    const pushTier = (tier: string, ms: number | number[], who = pushed) =>
      pushVia({ push_source_name: "profile_push", df: { customer_id: who, tier: who.map(() => tier), event_timestamp: Array.isArray(ms) ? ms.map((m) => new Date(m).toISOString()) : at(ms) } });
    const tiers = async () => (await post("/get-online-features", { features: ["profile:tier"], entities: { customer_id: pushed } }, consumer)).body.results[1].values;
    const t2 = Date.now() - H;
    const first = await pushTier("new", t2);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.online!.rows_written).toBe(60);
    expect((await pushTier("old", t2 - H)).body.online!.rows_written).toBe(0);
    expect(await tiers()).toEqual(pushed.map(() => "new"));
    // One push with newer rows for half the entities and older rows for the other half.
    const mixed = await pushTier("newer", pushed.map((_, i) => (i % 2 ? t2 + 1000 : t2 - 1000)));
    expect(mixed.body.online!.rows_written).toBe(30);
    expect(await tiers()).toEqual(pushed.map((_, i) => (i % 2 ? "newer" : "new")));
  });

  it("follows a stale slot map (as after resharding or failover): redirected calls are sent again", async () => {
    const c = sharedRedis("online");
    if (!isCluster(c)) throw new Error("not on the cluster");
    const request = { features: ["spend:amount_sum_1d", "profile:tier"], entities: { customer_id: ids.slice(0, 20) } };
    const before = await getOnlineFeatures({ project, principal: admin, request });
    // Point the slot of the first entity at a master that does not own it: that node answers MOVED
    // to the call for that slot while the other calls of the batch succeed; the client follows the
    // redirection (and refreshes its slot map), so the read still equals the one before.
    const slot = slotOf(entityKey(project, { customer_id: ids[0] }));
    const wrong = c.nodes("master").map((n) => `${n.options.host}:${n.options.port}`).find((k) => k !== c.slots[slot][0])!;
    const stale = () => {
      c.slots[slot] = [wrong];
      c._groupsBySlot[slot] = c._groupsIds[wrong];
    };
    const refresh = vi.spyOn(c, "refreshSlotsCache");
    stale();
    expect(await getOnlineFeatures({ project, principal: admin, request })).toEqual(before);
    expect(refresh).toHaveBeenCalled();
    stale();
    const pushed = await push({ push_source_name: "profile_push", df: { customer_id: [ids[0], ids[1]], tier: ["moved", "moved"], event_timestamp: [new Date().toISOString(), new Date().toISOString()] } });
    expect(pushed.body.online!.rows_written).toBe(2);
    vi.restoreAllMocks();
    const after = await getOnlineFeatures({ project, principal: admin, request });
    expect(after.results[2].values.slice(0, 2)).toEqual(["moved", "moved"]);
  });

  it("deleting the project's keys by prefix empties every master", async () => {
    const before = await keysPerMaster();
    for (const n of before) expect(n).toBeGreaterThan(0);
    await deleteOnline(sharedRedis("online"), project);
    expect(await keysPerMaster()).toEqual([0, 0, 0]);
  });

  it("an unreachable cluster fails a read after the bounded reconnect attempts instead of hanging, and the next request gets a new client", async () => {
    // A port nothing listens on: bind one, then close it.
    const { createServer } = await import("node:net");
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const deadPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    await closeSharedRedis();
    process.env.ONLINE_REDIS_URL = `redis://127.0.0.1:${deadPort}`;
    process.env.ONLINE_REDIS_CLUSTER = "true";
    delete process.env.ONLINE_REDIS_CLUSTER_NODES;
    resetEnvForTests();
    try {
      const dead = sharedRedis("online");
      const started = performance.now();
      await expect(getOnlineFeatures({ project, principal: admin, request: { features: ["spend:amount"], entities: { customer_id: ids.slice(0, 3) } } })).rejects.toThrow();
      const waited = performance.now() - started;
      expect(waited).toBeLessThan(15_000);
      expect(dead.status).toBe("end");
      expect(sharedRedis("online")).not.toBe(dead);
    } finally {
      await useOnline("cluster");
    }
  }, 30_000);
});
