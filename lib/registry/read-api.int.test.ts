// Registry read API through the real route handlers on the real Postgres: lists, gets, paging,
// sorting, archived objects, 404s that say what is missing, and project visibility.
import { beforeAll, describe, expect, it } from "vitest";
import { callRoute, json } from "../../test/fixtures/api";
import { addTestMember, cookie, createTestProject, createTestSession, createTestUser } from "../../test/fixtures/auth";
import { seedRetailCatalog } from "../../test/fixtures/catalog";
import { db } from "../db/client";

type Page<T = Record<string, unknown>> = { items: T[]; total: number; limit: number; offset: number; nextOffset: number | null };
type Json = Record<string, any>;

let project: string;
let viewer: Record<string, string>;
let admin: Record<string, string>;
let otherProject: string;

beforeAll(async () => {
  const seeded = await seedRetailCatalog("readapi");
  project = seeded.project.name;
  otherProject = (await createTestProject("readapi_other")).name;
  const u = await createTestUser();
  await addTestMember(seeded.project.id, u.id, "viewer");
  viewer = cookie(await createTestSession(u.id));
  admin = cookie(await createTestSession((await createTestUser({ isAdmin: true })).id));
});

const get = (path: string, params: Record<string, string>, query?: Record<string, string>, headers = viewer) =>
  callRoute("GET", path, { params, query, headers });

describe("projects", () => {
  it("lists only the caller's projects, with role and counts", async () => {
    const res = await get("/api/v1/projects", {}, { limit: "200" });
    expect(res.status).toBe(200);
    const body = await json<Page<Json>>(res);
    expect(body.items.map((p) => p.name)).toEqual([project]);
    expect(body.items[0].role).toBe("viewer");
    expect(body.items[0].counts).toEqual({ entities: 1, sources: 2, featureViews: 2, features: 5, featureServices: 1, models: 1 });
  });

  it("says when a project was last active: its newest audited change or job", async () => {
    const other = await createTestProject("readapi_quiet");
    const u = await createTestUser();
    await addTestMember(other.id, u.id, "viewer");
    const h = cookie(await createTestSession(u.id));
    const activity = async () => (await json<Json>(await get("/api/v1/projects/{project}", { project: other.name }, {}, h))).lastActivityAt;
    expect(await activity()).toBeNull();
    const audited = new Date("2026-03-01T10:00:00.123Z");
    await db().auditLog.create({ data: { projectId: other.id, at: audited, actorType: "system", actorLabel: "test", action: "apply", targetType: "project", targetName: other.name } });
    expect(await activity()).toBe(audited.toISOString());
    const jobAt = new Date("2026-03-02T08:30:00.456Z");
    await db().job.create({ data: { kind: "materialize", projectId: other.id, createdAt: jobAt, triggeredBy: "test" } });
    expect(await activity()).toBe(jobAt.toISOString());
    // The list says the same.
    const listed = await json<Page<Json>>(await get("/api/v1/projects", {}, { limit: "200" }, h));
    expect(listed.items.find((p) => p.name === other.name)?.lastActivityAt).toBe(jobAt.toISOString());
  });

  it("shows instance admins every project with role null where they are not members", async () => {
    const body = await json<Page<Json>>(await get("/api/v1/projects", {}, { limit: "200" }, admin));
    const names = body.items.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining([project, otherProject]));
    expect(body.items.find((p) => p.name === project)?.role).toBeNull();
  });

  it("needs authentication, and rejects a bad sort", async () => {
    expect((await get("/api/v1/projects", {}, {}, {})).status).toBe(401);
    const bad = await get("/api/v1/projects", {}, { sort: "size" });
    expect(bad.status).toBe(400);
    expect((await json<Json>(bad)).invalid_params[0].name).toBe("query.sort");
  });

  it("gets one project; another project is 403 and an unknown one 404", async () => {
    const one = await json<Json>(await get("/api/v1/projects/{project}", { project }));
    expect(one.name).toBe(project);
    expect((await get("/api/v1/projects/{project}", { project: otherProject })).status).toBe(403);
    const missing = await get("/api/v1/projects/{project}", { project: "nope_nope" });
    expect(missing.status).toBe(404);
    expect((await json<Json>(missing)).detail).toBe('Project "nope_nope" does not exist.');
  });
});

describe("entities and sources", () => {
  it("hides archived entities unless includeArchived=true", async () => {
    const active = await json<Page<Json>>(await get("/api/v1/projects/{project}/entities", { project }));
    expect(active.items.map((e) => e.name)).toEqual(["customer"]);
    expect(active.items[0].joinKeys).toEqual([{ name: "customer_id", dtype: "int64" }]);
    const all = await json<Page<Json>>(await get("/api/v1/projects/{project}/entities", { project }, { includeArchived: "true" }));
    expect(all.items.map((e) => [e.name, e.archived])).toEqual([
      ["customer", false],
      ["old_entity", true],
    ]);
  });

  it("gets an entity with the views that describe it, and 404s naming what is missing", async () => {
    const e = await json<Json>(await get("/api/v1/projects/{project}/entities/{name}", { project, name: "customer" }));
    expect(e.featureViews.map((v: Json) => v.name)).toEqual(["customer_profile", "customer_spend"]);
    const res = await get("/api/v1/projects/{project}/entities/{name}", { project, name: "ghost" });
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect((await json<Json>(res)).detail).toBe(`Entity "ghost" does not exist in project "${project}".`);
  });

  it("pages and sorts sources", async () => {
    const p1 = await json<Page<Json>>(await get("/api/v1/projects/{project}/sources", { project }, { limit: "1", sort: "-name" }));
    expect(p1).toMatchObject({ total: 2, limit: 1, offset: 0, nextOffset: 1 });
    expect(p1.items[0].name).toBe("transactions");
    const p2 = await json<Page<Json>>(await get("/api/v1/projects/{project}/sources", { project }, { limit: "1", offset: "1", sort: "-name" }));
    expect(p2.items[0].name).toBe("profiles");
    expect(p2.nextOffset).toBeNull();
    const src = await json<Json>(await get("/api/v1/projects/{project}/sources/{name}", { project, name: "transactions" }));
    expect(src.kind).toBe("parquet");
    expect(src.featureViews.map((v: Json) => v.name)).toEqual(["customer_spend"]);
    expect((await get("/api/v1/projects/{project}/sources", { project }, { limit: "0" })).status).toBe(400);
  });
});

describe("feature views", () => {
  it("lists views with the latest version summary", async () => {
    const body = await json<Page<Json>>(await get("/api/v1/projects/{project}/feature-views", { project }));
    const spend = body.items.find((v) => v.name === "customer_spend")!;
    expect(spend).toMatchObject({
      latestVersion: 2,
      versionsCount: 2,
      featuresCount: 3,
      source: "transactions",
      entities: ["customer"],
      owner: "risk-team@example.com",
      tags: { team: "risk" },
      materialization: { online: true, offline: true, schedule: "0 * * * *" },
      freshness: { materializedUntil: null, lastMaterializedAt: null },
    });
  });

  it("sorts by updatedAt", async () => {
    const view = await db().featureView.findFirstOrThrow({ where: { name: "customer_profile", project: { name: project } } });
    await db().featureView.update({ where: { id: view.id }, data: { description: "Demographics used for churn prediction" } });
    const desc = await json<Page<Json>>(await get("/api/v1/projects/{project}/feature-views", { project }, { sort: "-updatedAt" }));
    expect(desc.items[0].name).toBe("customer_profile");
    const asc = await json<Page<Json>>(await get("/api/v1/projects/{project}/feature-views", { project }, { sort: "updatedAt" }));
    expect(asc.items[0].name).toBe("customer_spend");
  });

  it("gets a view with all versions, features and where it is used", async () => {
    const v = await json<Json>(await get("/api/v1/projects/{project}/feature-views/{view}", { project, view: "customer_spend" }));
    expect(v.versions.map((x: Json) => [x.version, x.isLatest])).toEqual([
      [2, true],
      [1, false],
    ]);
    expect(v.versions[0].features.map((f: Json) => f.name)).toEqual(["is_large", "amount_sum_7d", "amount_sum_30d"]);
    expect(v.versions[0].transform).toContain("is_large");
    expect(v.versions[1].features.map((f: Json) => f.name)).toEqual(["amount_sum_7d", "amount_count_7d"]);
    expect(v.usedBy.featureServices.map((s: Json) => s.name)).toEqual(["churn_v1"]);
    expect(v.usedBy.models).toEqual([expect.objectContaining({ name: "churn_model", via: ["churn_v1"] })]);
  });

  it("gets one version, and 404s for unknown views and versions", async () => {
    const v1 = await json<Json>(
      await get("/api/v1/projects/{project}/feature-views/{view}/versions/{version}", { project, view: "customer_spend", version: "1" }),
    );
    expect(v1).toMatchObject({ view: "customer_spend", version: 1, isLatest: false });
    const noView = await get("/api/v1/projects/{project}/feature-views/{view}", { project, view: "x" });
    expect(noView.status).toBe(404);
    expect((await json<Json>(noView)).detail).toBe(`Feature view "x" does not exist in project "${project}".`);
    const noVersion = await get("/api/v1/projects/{project}/feature-views/{view}/versions/{version}", { project, view: "customer_spend", version: "9" });
    expect(noVersion.status).toBe(404);
    expect((await json<Json>(noVersion)).detail).toContain("Version 9 of feature view");
    const badVersion = await get("/api/v1/projects/{project}/feature-views/{view}/versions/{version}", { project, view: "customer_spend", version: "two" });
    expect(badVersion.status).toBe(400);
  });
});

describe("features, services and models", () => {
  it("flattens features of latest versions, with filters and paging", async () => {
    const all = await json<Page<Json>>(await get("/api/v1/projects/{project}/features", { project }));
    expect(all.total).toBe(5);
    expect(all.items.map((f) => f.qualifiedName)).toEqual([
      "customer_profile:age",
      "customer_spend:amount_sum_30d",
      "customer_spend:amount_sum_7d",
      "customer_spend:is_large",
      "customer_profile:segment",
    ]);
    expect(all.items.every((f) => f.version === (f.view === "customer_spend" ? 2 : 1))).toBe(true);
    const floats = await json<Page<Json>>(await get("/api/v1/projects/{project}/features", { project }, { dtype: "float64" }));
    expect(floats.items.map((f) => f.name)).toEqual(["amount_sum_30d", "amount_sum_7d"]);
    const byView = await json<Page<Json>>(await get("/api/v1/projects/{project}/features", { project }, { view: "customer_profile" }));
    expect(byView.total).toBe(2);
    const text = await json<Page<Json>>(await get("/api/v1/projects/{project}/features", { project }, { q: "above 500" }));
    expect(text.items.map((f) => f.name)).toEqual(["is_large"]);
    const page2 = await json<Page<Json>>(await get("/api/v1/projects/{project}/features", { project }, { limit: "2", offset: "4" }));
    expect(page2).toMatchObject({ total: 5, nextOffset: null });
    expect(page2.items).toHaveLength(1);
    const past = await json<Page<Json>>(await get("/api/v1/projects/{project}/features", { project }, { offset: "50" }));
    expect(past).toMatchObject({ total: 5, items: [] });
  });

  it("resolves a service's unpinned refs to the latest version and keeps pinned ones", async () => {
    const list = await json<Page<Json>>(await get("/api/v1/projects/{project}/feature-services", { project }));
    expect(list.items[0]).toMatchObject({ name: "churn_v1", featuresCount: 3, models: ["churn_model"] });
    const s = await json<Json>(await get("/api/v1/projects/{project}/feature-services/{name}", { project, name: "churn_v1" }));
    expect(s.features.map((f: Json) => [f.ref, f.pinned, f.dtype])).toEqual([
      ["customer_spend@v2:amount_sum_7d", false, "float64"],
      ["customer_spend@v1:amount_count_7d", true, "int64"],
      ["customer_profile@v1:age", false, "int64"],
    ]);
    const missing = await get("/api/v1/projects/{project}/feature-services/{name}", { project, name: "nope" });
    expect((await json<Json>(missing)).detail).toBe(`Feature service "nope" does not exist in project "${project}".`);
  });

  it("gets models with their services and features", async () => {
    const list = await json<Page<Json>>(await get("/api/v1/projects/{project}/models", { project }));
    expect(list.items.map((m) => [m.name, m.featureServices])).toEqual([["churn_model", ["churn_v1"]]]);
    const m = await json<Json>(await get("/api/v1/projects/{project}/models/{name}", { project, name: "churn_model" }));
    expect(m.featureServiceRefs).toEqual([expect.objectContaining({ name: "churn_v1", featuresCount: 3 })]);
    expect(m.features).toHaveLength(3);
    expect((await get("/api/v1/projects/{project}/models/{name}", { project, name: "nope" })).status).toBe(404);
  });

  it("refuses a project the caller is not a member of", async () => {
    expect((await get("/api/v1/projects/{project}/features", { project: otherProject })).status).toBe(403);
    expect((await get("/api/v1/projects/{project}/features", { project }, {}, {})).status).toBe(401);
  });
});
