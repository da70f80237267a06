// Example entities for snippets over HTTP: the keys exist (offline and online), the time answers
// historical retrieval, int64 keys keep every digit, a view without data is said so instead of
// inventing keys, and the preview's value rule holds (viewers 403; restricted views only with a
// grant, else no keys at all).
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { qlit, withDuckConnection } from "../duckdb/instance";
import { deleteOnline, materializeRecorded } from "../../test/support/materialize";
import { applyTestRepo, tokenFor, uniqueName } from "../../test/support/retrieval";
import { createRedis } from "../redis/connection";
import { callRoute } from "../../test/fixtures/api";
import { bearer } from "../../test/fixtures/auth";
import { testSourceDir } from "../../test/fixtures/data-roots";
import { answeringInstant } from "./snippet-example";

const project = uniqueName("snipex");
let projectId: string;
let dir: string;
let consumer: string;
let viewer: string;
let admin: string;
const BIG = "9223372036854775807";
const start = new Date("2025-01-01T00:00:00Z");
const end = new Date("2025-01-03T00:00:00Z");
const lateEnd = new Date("2025-01-20T00:00:00Z");

interface Example {
  joinKeys: { name: string; dtype: string }[];
  entityRows: Record<string, unknown>[];
  at: string | null;
  materialized: { start: string; end: string } | null;
  online: string;
  notes: string[];
}

beforeAll(async () => {
  dir = await testSourceDir("snipex");
  const file = path.join(dir, "tx.parquet");
  await withDuckConnection((c) =>
    c.run(`COPY (SELECT * FROM (VALUES
      (${BIG}::BIGINT, TIMESTAMP '2025-01-02 03:04:05.123456', 42.0::DOUBLE, 'gold'),
      (7::BIGINT, TIMESTAMP '2025-01-01 10:00:00', 0.5::DOUBLE, 'silver'),
      (8::BIGINT, TIMESTAMP '2025-01-02 11:00:00', 1.5::DOUBLE, 'bronze')
    ) t(customer_id, event_timestamp, amount, tier)) TO ${qlit(file)} (FORMAT parquet)`),
  );
  // Another entity (string keys) for a service over two entities.
  const shops = path.join(dir, "shops.parquet");
  await withDuckConnection((c) =>
    c.run(`COPY (SELECT * FROM (VALUES
      ('m-1', TIMESTAMP '2025-01-01 09:00:00', 4.5::DOUBLE),
      ('m''2', TIMESTAMP '2025-01-02 08:00:00', 3.0::DOUBLE)
    ) t(merchant_id, event_timestamp, rating)) TO ${qlit(shops)} (FORMAT parquet)`),
  );
  // No ttl: the online store would check it against now, and historical would need it covered.
  const view = (name: string) => ({
    name,
    entities: ["customer"],
    source: "tx",
    features: [
      { name: "amount", dtype: "float64" as const },
      { name: "tier", dtype: "string" as const },
    ],
  });
  projectId = await applyTestRepo({
    project,
    entities: [
      { name: "customer", join_keys: [{ name: "customer_id", dtype: "int64" }] },
      { name: "merchant", join_keys: [{ name: "merchant_id", dtype: "string" }] },
    ],
    sources: [
      { name: "tx", kind: "parquet", path: file, timestamp_field: "event_timestamp" },
      { name: "shops", kind: "parquet", path: shops, timestamp_field: "event_timestamp" },
    ],
    feature_views: [view("spend"), view("never"), view("late"), { name: "shop", entities: ["merchant"], source: "shops", features: [{ name: "rating", dtype: "float64" as const }] }],
    feature_services: [
      { name: "two", features: ["spend:tier", "shop:rating"] },
      { name: "ok", features: ["spend:amount", "spend:tier"] },
      { name: "half", features: ["spend:amount", "never:tier"] },
    ],
  });
  consumer = (await tokenFor(projectId, "consumer")).token;
  viewer = (await tokenFor(projectId, "viewer")).token;
  admin = (await tokenFor(projectId, "admin")).token;
  // As the job layer records it: the interval and the partitions its job wrote (the end is a midnight, so its day too).
  await materializeRecorded({ projectId, project, view: "spend", start, end, jobId: "snipex-test" });
  await materializeRecorded({ projectId, project, view: "shop", start, end, jobId: "snipex-shop" });
  // Materialized weeks past its last row: its newest partitions hold nothing.
  await materializeRecorded({ projectId, project, view: "late", start, end: lateEnd, jobId: "snipex-late" });
}, 120_000);

afterAll(async () => {
  const redis = createRedis("online");
  await deleteOnline(redis, project);
  redis.disconnect();
  await fs.rm(dir, { recursive: true, force: true });
});

const example = (token: string, query: Record<string, string>) => callRoute("GET", "/api/v1/projects/{project}/example-entities", { params: { project }, query, headers: bearer(token) });

async function exampleOf(token: string, query: Record<string, string>): Promise<Example> {
  const r = await example(token, query);
  const text = await r.text();
  expect(r.status, text).toBe(200);
  return JSON.parse(text) as Example;
}

describe("example entities", () => {
  it("gives keys of the newest partition that the online store holds, and a time historical retrieval answers at", async () => {
    const e = await exampleOf(consumer, { features: "spend:amount,spend:tier" });
    // The newest rows first: 8 (11:00) then BIG (03:04).
    expect(e.entityRows).toEqual([{ customer_id: 8 }, { customer_id: BIG }]);
    expect(e.online).toBe("present");
    expect(e.at).toBe(end.toISOString());
    expect(e.materialized).toEqual({ start: start.toISOString(), end: end.toISOString() });
    expect(e.notes).toEqual([]);

    // As pasted: historical at `at` with those keys answers with values.
    const h = await callRoute("POST", "/api/v1/projects/{project}/historical-features", {
      params: { project },
      headers: bearer(consumer),
      body: { features: ["spend:amount", "spend:tier"], entity_rows: e.entityRows.map((r) => ({ ...r, event_timestamp: e.at })) },
    });
    const text = await h.text();
    expect(h.status, text).toBe(200);
    expect((JSON.parse(text) as { rows: { tier: string }[] }).rows.map((r) => r.tier)).toEqual(["bronze", "gold"]);
    expect(text).toContain(`"customer_id":${BIG}`);
  });

  it("looks back past partitions without rows for the newest keys", async () => {
    const e = await exampleOf(consumer, { features: "late:tier" });
    expect(e.entityRows).toEqual([{ customer_id: 8 }, { customer_id: BIG }]);
    expect(e.at).toBe(lateEnd.toISOString());
    expect(e.online).toBe("present");
  });

  it("answers for a feature service whose views all have data", async () => {
    const e = await exampleOf(consumer, { feature_service: "ok" });
    expect(e.entityRows.length).toBeGreaterThan(0);
    expect(e.online).toBe("present");
    expect(e.at).toBe(end.toISOString());
  });

  it("gives rows with every entity's keys for a service over two entities, and historical answers there", async () => {
    const e = await exampleOf(consumer, { feature_service: "two" });
    expect(e.joinKeys).toEqual([
      { name: "customer_id", dtype: "int64" },
      { name: "merchant_id", dtype: "string" },
    ]);
    expect(e.entityRows).toEqual([
      { customer_id: 8, merchant_id: "m'2" },
      { customer_id: BIG, merchant_id: "m-1" },
    ]);
    expect(e.online).toBe("present");
    const h = await callRoute("POST", "/api/v1/projects/{project}/historical-features", {
      params: { project },
      headers: bearer(consumer),
      body: { feature_service: "two", entity_rows: e.entityRows.map((r) => ({ ...r, event_timestamp: e.at })) },
    });
    const text = await h.text();
    expect(h.status, text).toBe(200);
    expect((JSON.parse(text) as { rows: Record<string, unknown>[] }).rows.map((r) => [r.tier, r.rating])).toEqual([
      ["bronze", 3.0],
      ["gold", 4.5],
    ]);
  });

  it("says a view has no data instead of giving a time, and that its values are not online", async () => {
    const e = await exampleOf(consumer, { feature_service: "half" });
    expect(e.at).toBeNull();
    expect(e.materialized).toBeNull();
    expect(e.notes.join(" ")).toMatch(/never has no offline data yet/);
    expect(e.online).toBe("partial");
    const only = await exampleOf(consumer, { features: "never:tier" });
    expect(only.entityRows).toEqual([]);
    expect(only.notes.join(" ")).toMatch(/never has no offline data yet/);
  });

  it("refuses what is not a request: both or neither selection, unknown features", async () => {
    expect((await example(consumer, {})).status).toBe(400);
    expect((await example(consumer, { features: "spend:amount", feature_service: "ok" })).status).toBe(400);
    expect((await example(consumer, { features: "spend:nope" })).status).toBe(400);
  });

  it("follows the preview's value rule: viewers 403, restricted views only with a grant", async () => {
    expect((await example(viewer, { features: "spend:amount" })).status).toBe(403);
    const patch = await callRoute("PATCH", "/api/v1/projects/{project}/feature-views/{view}", { params: { project, view: "spend" }, headers: bearer(admin), body: { tags: { restricted: "true" } } });
    expect(patch.status).toBe(200);
    try {
      const r = await example(consumer, { feature_service: "ok" });
      const text = await r.text();
      expect(r.status, text).toBe(200);
      expect(text).not.toContain(BIG);
      const withheld = JSON.parse(text) as Example;
      expect(withheld.entityRows).toEqual([]);
      expect(withheld.at).toBeNull();
      expect(withheld.notes.join(" ")).toMatch(/spend is restricted/);
      const granted = (await tokenFor(projectId, "consumer", { restrictedGrants: ["spend"] })).token;
      expect((await exampleOf(granted, { feature_service: "ok" })).entityRows).toContainEqual({ customer_id: BIG });
    } finally {
      await callRoute("PATCH", "/api/v1/projects/{project}/feature-views/{view}", { params: { project, view: "spend" }, headers: bearer(admin), body: { tags: {} } });
    }
  });
});

describe("answeringInstant", () => {
  const DAY = 86_400_000;
  it("picks the latest instant every view covers over its lookback, on a whole second", () => {
    const a = { lookbackMs: DAY, ranges: [{ start: 0, end: 10 * DAY + 1 }] };
    const b = { lookbackMs: 3 * DAY, ranges: [{ start: 0, end: 4 * DAY }, { start: 5 * DAY, end: 7 * DAY }] };
    // b's last range is 2 days long, shorter than its 3-day lookback: the first range's end answers.
    expect(answeringInstant([a, b], 100 * DAY)).toEqual({ at: 4 * DAY - 1000, span: { start: 0, end: 4 * DAY } });
    expect(answeringInstant([a], 100 * DAY)?.at).toBe(10 * DAY);
    // Never after now.
    expect(answeringInstant([a], 5 * DAY + 123)?.at).toBe(5 * DAY);
    expect(answeringInstant([{ lookbackMs: 2 * DAY, ranges: [{ start: 0, end: DAY }] }], 100 * DAY)).toBeNull();
    expect(answeringInstant([{ lookbackMs: null, ranges: [{ start: DAY, end: 2 * DAY }] }], 100 * DAY)?.at).toBe(2 * DAY - 1000);
  });
});
