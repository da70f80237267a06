// Catalog search on the real Postgres (pg_trgm + full-text): typo tolerance, rank tiers, facets and
// filters, visibility, and speed over 10,000 features.
import { beforeAll, describe, expect, it } from "vitest";
import { callRoute, json } from "../../test/fixtures/api";
import { addTestMember, cookie, createTestSession, createTestUser, uniqueName } from "../../test/fixtures/auth";
import { seedRetailCatalog } from "../../test/fixtures/catalog";
import { db } from "../db/client";
import { applyTestRepo } from "../../test/support/retrieval";
import { fillSearchVectors } from "./rebuild-documents";
import type { SearchResult } from "./search-schema";

let project: string;
let hidden: string;
let headers: Record<string, string>;

beforeAll(async () => {
  const mine = await seedRetailCatalog("search");
  const theirs = await seedRetailCatalog("search_hidden");
  project = mine.project.name;
  hidden = theirs.project.name;
  const u = await createTestUser();
  await addTestMember(mine.project.id, u.id, "viewer");
  headers = cookie(await createTestSession(u.id));
});

async function search(query: Record<string, string>, h = headers): Promise<SearchResult> {
  const res = await callRoute("GET", "/api/v1/search", { query: { project, ...query }, headers: h });
  expect(res.status).toBe(200);
  return json<SearchResult>(res);
}

describe("search", () => {
  it('finds customer_spend and its features for the typo "spnd", before anything else', async () => {
    const r = await search({ q: "spnd" });
    expect(r.items.length).toBeGreaterThan(0);
    expect(r.items[0]).toMatchObject({ kind: "feature_view", name: "customer_spend", match: "fuzzy" });
    const names = r.items.map((h) => h.qualifiedName);
    expect(names).toContain("customer_spend:amount_sum_7d");
    // Everything found is customer_spend-related.
    expect(r.items.every((h) => h.name === "customer_spend" || h.viewName === "customer_spend")).toBe(true);
  });

  it("ranks name matches above description matches", async () => {
    const r = await search({ q: "churn" });
    const order = r.items.map((h) => `${h.kind}:${h.name}`);
    // churn_model and churn_v1 are named "churn…"; customer_profile only says churn in its description.
    expect(order.indexOf("model:churn_model")).toBeLessThan(order.indexOf("feature_view:customer_profile"));
    expect(order.indexOf("feature_service:churn_v1")).toBeLessThan(order.indexOf("feature_view:customer_profile"));
    expect(r.items.find((h) => h.name === "customer_profile")?.match).toBe("text");
    expect(r.items[0].match).toBe("prefix");
  });

  it("ranks an exact name first, then prefixes and name parts", async () => {
    const r = await search({ q: "amount_sum_7d" });
    expect(r.items[0]).toMatchObject({ kind: "feature", name: "amount_sum_7d", match: "exact" });
    const sum = await search({ q: "sum", kind: "feature" });
    expect(sum.items.map((h) => h.name).slice(0, 2).sort()).toEqual(["amount_sum_30d", "amount_sum_7d"]);
    expect(sum.items[0].match).toBe("prefix");
  });

  it("searches descriptions, owners and tags by full text", async () => {
    expect((await search({ q: "demographics" })).items[0].name).toBe("customer_profile");
    const owner = await search({ q: "risk-team" });
    expect(owner.items.some((h) => h.name === "customer_spend")).toBe(true);
  });

  it("counts facets over the matches and filters on them", async () => {
    const all = await search({ q: "" });
    const kinds = Object.fromEntries(all.facets.kind.map((f) => [f.value, f.count]));
    expect(kinds).toEqual({ feature: 5, feature_view: 2, source: 2, entity: 1, feature_service: 1, model: 1 });
    expect(all.total).toBe(12);
    expect(all.facets.project).toEqual([{ value: project, count: 12 }]);

    const features = await search({ q: "", kind: "feature" });
    expect(features.total).toBe(5);
    // A facet ignores its own filter, so the kind facet still offers the other kinds.
    expect(features.facets.kind.length).toBe(6);
    expect(Object.fromEntries(features.facets.dtype.map((f) => [f.value, f.count]))).toEqual({ float64: 2, int64: 1, bool: 1, string: 1 });
    expect(features.facets.tag).toEqual(expect.arrayContaining([{ value: "team:risk", count: 3 }, { value: "team:crm", count: 2 }]));

    const risk = await search({ q: "", tag: "team:risk" });
    expect(risk.items.every((h) => h.tags.team === "risk")).toBe(true);
    expect(risk.total).toBe(4); // the view and its three features
    const floats = await search({ q: "amount", dtype: "float64" });
    expect(floats.items.map((h) => h.name).sort()).toEqual(["amount_sum_30d", "amount_sum_7d"]);
    const byOwner = await search({ q: "", owner: "crm@example.com", kind: "entity" });
    expect(byOwner.items.map((h) => h.name)).toEqual(["customer"]);
    const byEntity = await search({ q: "", entity: "customer", kind: "feature_service" });
    expect(byEntity.items.map((h) => h.name)).toEqual(["churn_v1"]);
  });

  it("counts every facet value (not the top 25) and pages through every match exactly once", async () => {
    const wide = await db().project.create({ data: { name: uniqueName("search_wide") } });
    const u = await createTestUser();
    await addTestMember(wide.id, u.id, "viewer");
    const h = cookie(await createTestSession(u.id));
    // 82 features named alike (equal scores: the order must still be total), 30 owners, 41 tags.
    const docs = Array.from({ length: 82 }, (_, i) => ({
      projectId: wide.id,
      kind: "feature",
      objectId: `${wide.id}-${i}`,
      name: `basket_value_${i % 3}`,
      qualifiedName: `view_${Math.floor(i / 3)}:basket_value_${i % 3}`,
      viewName: `view_${Math.floor(i / 3)}`,
      description: "Basket value",
      owner: `owner${i % 30}@example.com`,
      tags: { batch: `b${i % 41}` },
      tagPairs: [`batch:b${i % 41}`],
      entities: ["basket"],
      dtype: "float64",
      body: `basket_value_${i % 3} Basket value`,
    }));
    await db().searchDocument.createMany({ data: docs });
    await fillSearchVectors(db(), wide.id);
    const page = async (offset: number) => {
      const res = await callRoute("GET", "/api/v1/search", { query: { q: "basket", project: wide.name, limit: "20", offset: String(offset) }, headers: h });
      expect(res.status).toBe(200);
      return json<SearchResult>(res);
    };
    const first = await page(0);
    expect(first.total).toBe(82);
    expect(first.facets.owner).toHaveLength(30);
    expect(first.facets.tag).toHaveLength(41);
    expect(first.facets.owner.reduce((n, f) => n + f.count, 0)).toBe(82);
    const seen: string[] = [];
    for (let offset = 0; offset < first.total; offset += 20) seen.push(...(await page(offset)).items.map((x) => x.qualifiedName));
    expect(seen).toHaveLength(82);
    expect(new Set(seen).size).toBe(82);
    expect((await page(100)).items).toEqual([]);
  });

  it("only searches projects the caller can see", async () => {
    const res = await callRoute("GET", "/api/v1/search", { query: { q: "customer_spend" }, headers });
    const r = await json<SearchResult>(res);
    expect(r.items.length).toBeGreaterThan(0);
    expect(r.items.every((h) => h.project === project)).toBe(true);
    const other = await callRoute("GET", "/api/v1/search", { query: { q: "customer_spend", project: hidden }, headers });
    expect((await json<SearchResult>(other)).total).toBe(0);
    expect((await callRoute("GET", "/api/v1/search", { query: { q: "x" } })).status).toBe(401);
  });

  it("rejects bad filters with 400 and survives query syntax characters", async () => {
    const bad = await callRoute("GET", "/api/v1/search", { query: { q: "x", kind: "table" }, headers });
    expect(bad.status).toBe(400);
    for (const q of ["'; DROP TABLE \"SearchDocument\"; --", "a & | ! (b", "%_\\", "spend:*"]) {
      const r = await callRoute("GET", "/api/v1/search", { query: { q }, headers });
      expect(r.status, q).toBe(200);
    }
    expect(await db().searchDocument.count()).toBeGreaterThan(0);
  });

  it("an apply that changes the catalog refreshes the planner's statistics of the search documents", async () => {
    // Without them the search statement is planned for a handful of rows (nested loops: 0.75 s
    // instead of 0.1 s over 10,000 features) until autovacuum gets to the table.
    const lastAnalyze = async () =>
      (await db().$queryRaw<{ at: Date | null }[]>`SELECT last_analyze AS at FROM pg_stat_user_tables WHERE relname = 'SearchDocument'`)[0]?.at ?? null;
    const before = await lastAnalyze();
    const started = new Date();
    await applyTestRepo({
      project: uniqueName("search_apply"),
      entities: [{ name: "driver", join_keys: [{ name: "driver_id", dtype: "int64" }] }],
      sources: [{ name: "trips", kind: "push", timestamp_field: "ts", schema: [{ name: "driver_id", dtype: "int64" }, { name: "km", dtype: "float64" }] }],
      feature_views: [{ name: "driver_trips", entities: ["driver"], source: "trips", features: [{ name: "km", dtype: "float64" }] }],
    });
    const after = await lastAnalyze();
    expect(after).not.toBeNull();
    expect(after!.getTime()).toBeGreaterThanOrEqual(Math.max(started.getTime() - 1000, before?.getTime() ?? 0));
  });

  it("stays interactive over 10,000 features (figures: npm run bench:console)", async () => {
    const big = await db().project.create({ data: { name: uniqueName("search_big") } });
    const u = await createTestUser();
    await addTestMember(big.id, u.id, "viewer");
    const h = cookie(await createTestSession(u.id));
    // 500 views of 20 features each, names built from a small vocabulary (like real catalogs).
    const words = ["spend", "amount", "clicks", "sessions", "orders", "refunds", "basket", "visits", "churn", "tenure", "merchant", "device"];
    const fns = ["sum", "count", "avg", "max", "min"];
    const windows = ["1h", "1d", "7d", "30d"];
    const docs = Array.from({ length: 10_000 }, (_, i) => {
      const v = Math.floor(i / 20);
      const view = `${words[v % 12]}_${words[Math.floor(v / 12) % 12]}_${v}`;
      const name = `${words[(i * 7) % 12]}_${fns[i % 5]}_${windows[Math.floor(i / 5) % 4]}`;
      return {
        projectId: big.id,
        kind: "feature",
        objectId: `${big.id}-${i}`,
        name,
        qualifiedName: `${view}:${name}`,
        viewName: view,
        description: `Generated feature ${i} over ${words[v % 12]}`,
        owner: `team${v % 7}@example.com`,
        tags: { team: `t${v % 5}` },
        tagPairs: [`team:t${v % 5}`],
        entities: [v % 2 ? "customer" : "merchant"],
        dtype: i % 3 ? "float64" : "int64",
        body: `${name} Generated feature ${i} over ${words[v % 12]} team${v % 7}@example.com team t${v % 5} ${view}`,
      };
    });
    await db().searchDocument.createMany({ data: docs });
    await fillSearchVectors(db(), big.id);
    await db().$executeRawUnsafe(`ANALYZE "SearchDocument"`);
    const run = async (q: string) => {
      const t = performance.now();
      const res = await callRoute("GET", "/api/v1/search", { query: { q, project: big.name }, headers: h });
      const body = await json<SearchResult>(res);
      return { ms: performance.now() - t, body };
    };
    await run("spnd"); // warm-up (connections, plan cache)
    const timings: Record<string, number> = {};
    for (const q of ["spnd", "amount_sum", "refnds", "basket churn"]) {
      const { ms, body } = await run(q);
      expect(body.total, q).toBeGreaterThan(0);
      timings[q] = Math.round(ms);
    }
    const best: number[] = [];
    for (let i = 0; i < 3; i++) best.push((await run("spnd")).ms);
    const { body } = await run("spnd");
    expect(body.items[0].name.includes("spend") || body.items[0].viewName?.includes("spend")).toBe(true);
    console.log(`search over 10k features (ms): ${JSON.stringify(timings)}; "spnd" x3: ${best.map((t) => t.toFixed(0)).join(", ")}`);
    // Not a benchmark (CI runs test files in parallel): a guard against pathological plans
    // (sequential scans with per-row similarity over every document), which take seconds.
    expect(Math.min(...best)).toBeLessThan(1000);
  });
});
