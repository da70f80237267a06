// Data previews over HTTP: a view version's offline rows (exact values, newest first, bounded,
// filtered), one entity's online value beside its historical value, a source's first rows; and the
// value rule on both (features.read, restricted views only with a grant), plus a source whose stored
// path leads outside the data roots.
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../db/client";
import { qlit, withDuckConnection } from "../duckdb/instance";
import { deleteOnline, materializeRecorded } from "../../test/support/materialize";
import { applyTestRepo, tokenFor, uniqueName } from "../../test/support/retrieval";
import { createRedis } from "../redis/connection";
import { ALL_ENDPOINTS } from "../api/endpoints";
import { LarderClient } from "../client";
import { callRoute, routeFetch } from "../../test/fixtures/api";
import { bearer } from "../../test/fixtures/auth";
import { testSourceDir } from "../../test/fixtures/data-roots";

const project = uniqueName("preview");
let projectId: string;
let dir: string;
let consumer: string;
let viewer: string;
let admin: string;
const BIG = "9223372036854775807";
const end = new Date("2025-01-03T00:00:00Z");

beforeAll(async () => {
  dir = await testSourceDir("preview");
  const file = path.join(dir, "tx.parquet");
  await withDuckConnection((c) =>
    c.run(`COPY (SELECT * FROM (VALUES
      (${BIG}::BIGINT, TIMESTAMP '2025-01-02 03:04:05.123456', 42.0::DOUBLE, 0.1::FLOAT, 'gold', true),
      (1::BIGINT, TIMESTAMP '2025-01-01 10:00:00.000001', 0.5::DOUBLE, 3::FLOAT, 'silver', false),
      (1::BIGINT, TIMESTAMP '2025-01-02 11:00:00', 1.5::DOUBLE, NULL::FLOAT, NULL, NULL)
    ) t(customer_id, event_timestamp, amount, score, tier, active)) TO ${qlit(file)} (FORMAT parquet)`),
  );
  projectId = await applyTestRepo({
    project,
    entities: [{ name: "customer", join_keys: [{ name: "customer_id", dtype: "int64" }] }],
    sources: [{ name: "tx", kind: "parquet", path: file, timestamp_field: "event_timestamp" }],
    feature_views: [
      {
        name: "spend",
        entities: ["customer"],
        source: "tx",
        features: [
          { name: "amount", dtype: "float64" },
          { name: "score", dtype: "float32" },
          { name: "tier", dtype: "string" },
          { name: "active", dtype: "bool" },
        ],
        aggregations: [{ column: "amount", function: "sum", windows: ["7d"] }],
      },
    ],
  });
  consumer = (await tokenFor(projectId, "consumer")).token;
  viewer = (await tokenFor(projectId, "viewer")).token;
  admin = (await tokenFor(projectId, "admin")).token;
  // As the job layer records it: the interval and the partitions its job wrote (the end is a midnight, so its day too).
  await materializeRecorded({ projectId, project, view: "spend", start: new Date("2025-01-01T00:00:00Z"), end, jobId: "preview-test" });
}, 120_000);

afterAll(async () => {
  const redis = createRedis("online");
  await deleteOnline(redis, project);
  redis.disconnect();
  await fs.rm(dir, { recursive: true, force: true });
});

const preview = (token: string, query: Record<string, string> = {}) =>
  callRoute("GET", "/api/v1/projects/{project}/feature-views/{view}/versions/{version}/preview", { params: { project, view: "spend", version: "1" }, query, headers: bearer(token) });
const sourcePreview = (token: string, name = "tx") => callRoute("GET", "/api/v1/projects/{project}/sources/{name}/preview", { params: { project, name }, headers: bearer(token) });

describe("view version preview", () => {
  it("returns the newest offline rows with exact values", async () => {
    const r = await preview(consumer);
    const text = await r.text();
    expect(r.status, text).toBe(200);
    // Exact on the wire: every digit, float form, microseconds.
    expect(text).toContain(`"customer_id":${BIG}`);
    expect(text).toContain(`"amount":42.0`);
    // float32 reads back as the stored float32 in float64 notation (docs/retrieval.md, "Values on the wire").
    expect(text).toContain(`"score":0.10000000149011612`);
    expect(text).toContain(`"event_timestamp":"2025-01-02T03:04:05.123456Z"`);
    const body = JSON.parse(text) as { rows: Record<string, unknown>[]; partitions: string[]; truncated: boolean; columns: { name: string }[] };
    expect(body.rows).toHaveLength(3);
    expect(body.rows.map((x) => x.event_timestamp)).toEqual(["2025-01-02T11:00:00.000000Z", "2025-01-02T03:04:05.123456Z", "2025-01-01T10:00:00.000001Z"]);
    expect(body.partitions).toEqual(["2025-01-03", "2025-01-02", "2025-01-01"]);
    expect(body.truncated).toBe(false);
    expect(body.columns.map((c) => c.name)).toEqual(["customer_id", "event_timestamp", "created_timestamp", "amount", "score", "tier", "active"]);
  });

  it("is bounded by limit and says when it cut", async () => {
    const body = (await (await preview(consumer, { limit: "1" })).json()) as { rows: unknown[]; truncated: boolean };
    expect(body.rows).toHaveLength(1);
    expect(body.truncated).toBe(true);
    expect((await preview(consumer, { limit: "501" })).status).toBe(400);
    expect((await preview(consumer, { limit: "0" })).status).toBe(400);
  });

  it("filters by entity and time, and compares the entity's online and historical values", async () => {
    const r = await preview(consumer, { entity: "customer_id=1", start: "2025-01-02T00:00:00Z" });
    const body = (await r.json()) as { rows: { customer_id: number; amount: number }[]; comparison: { at: string; online: { results: { values: unknown[] }[] }; offline: { rows: Record<string, unknown>[] } } };
    expect(body.rows.map((x) => x.amount)).toEqual([1.5]);
    expect(body.comparison.at).toBe(end.toISOString());
    const onlineValues = body.comparison.online.results.slice(1).map((x) => x.values[0]);
    const offline = body.comparison.offline.rows[0];
    expect(onlineValues).toEqual([offline.amount, offline.score, offline.tier, offline.active, offline.amount_sum_7d]);
    expect(offline.amount_sum_7d).toBe(2);
  });

  it("refuses what is not a value request: bad keys, bad values, unknown versions", async () => {
    expect((await preview(consumer, { entity: "nope=1" })).status).toBe(400);
    expect((await preview(consumer, { entity: "customer_id=abc" })).status).toBe(400);
    expect((await preview(consumer, { entity: "customer_id" })).status).toBe(400);
    expect((await preview(consumer, { start: "yesterday" })).status).toBe(400);
    const r = await callRoute("GET", "/api/v1/projects/{project}/feature-views/{view}/versions/{version}/preview", { params: { project, view: "spend", version: "9" }, headers: bearer(consumer) });
    expect(r.status).toBe(404);
  });

  it("obeys the value rule: viewers and consumers without a grant of a restricted view get 403", async () => {
    expect((await preview(viewer)).status).toBe(403);
    expect((await sourcePreview(viewer)).status).toBe(403);
    const patch = await callRoute("PATCH", "/api/v1/projects/{project}/feature-views/{view}", { params: { project, view: "spend" }, headers: bearer(admin), body: { tags: { restricted: "true" } } });
    expect(patch.status).toBe(200);
    const r = await preview(consumer);
    expect(r.status).toBe(403);
    expect(await r.text()).not.toContain("gold");
    const s = await sourcePreview(consumer);
    expect(s.status).toBe(403);
    expect(await s.text()).not.toContain("gold");
    const granted = (await tokenFor(projectId, "consumer", { restrictedGrants: ["spend"] })).token;
    expect((await preview(granted)).status).toBe(200);
    expect((await sourcePreview(granted)).status).toBe(200);
    await callRoute("PATCH", "/api/v1/projects/{project}/feature-views/{view}", { params: { project, view: "spend" }, headers: bearer(admin), body: { tags: {} } });
  });
});

describe("source preview", () => {
  it("shows the schema and first rows, exactly", async () => {
    const r = await sourcePreview(consumer);
    const text = await r.text();
    expect(r.status, text).toBe(200);
    expect(text).toContain(`"customer_id":${BIG}`);
    const body = JSON.parse(text) as { columns: { name: string; type: string }[]; rows: unknown[] };
    expect(body.columns).toEqual(expect.arrayContaining([{ name: "customer_id", type: "BIGINT" }, { name: "score", type: "FLOAT" }]));
    expect(body.rows).toHaveLength(3);
  });

  it("refuses a stored path outside the data roots without saying what the file holds", async () => {
    const firstLine = (await fs.readFile("/etc/passwd", "utf8")).split("\n")[0];
    await db().source.create({
      data: { projectId, name: "smuggled", kind: "csv", definition: { name: "smuggled", kind: "csv", path: "/etc/passwd", timestamp_field: "event_timestamp" }, definitionHash: "x", timestampField: "event_timestamp" },
    });
    const r = await sourcePreview(consumer, "smuggled");
    const text = await r.text();
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(text).toMatch(/not allowed/);
    expect(text).not.toContain(firstLine);
  });

  it("404s an unknown source", async () => {
    expect((await sourcePreview(consumer, "nope")).status).toBe(404);
  });
});

describe("SDK", () => {
  it("previews a view version and a source", async () => {
    const sdk = new LarderClient({ baseUrl: "http://api.test", token: consumer, fetch: routeFetch(ALL_ENDPOINTS) });
    const p = await sdk.previewFeatureView(project, "spend", 1, { limit: 2, entity: { customer_id: 1 } });
    expect(p.rows.map((r) => r.amount)).toEqual([1.5, 0.5]);
    expect(p.comparison?.at).toBe(end.toISOString());
    const s = await sdk.previewSource(project, "tx", { limit: 1 });
    expect(s.rows).toHaveLength(1);
    expect(s.truncated).toBe(true);
  });
});
