// Lineage through the real routes: a registry with two versions of a view, a service with an
// unpinned and a pinned reference, and a model.
import { beforeAll, describe, expect, it } from "vitest";
import { callRoute, json } from "../../test/fixtures/api";
import { addTestMember, cookie, createTestSession, createTestUser } from "../../test/fixtures/auth";
import { createService, seedRetailCatalog } from "../../test/fixtures/catalog";
import type { LineageGraph } from "./lineage-schema";

let project: string;
let headers: Record<string, string>;

beforeAll(async () => {
  const seeded = await seedRetailCatalog("lineage");
  project = seeded.project.name;
  // Two more services: one takes a whole view (`*`), one names a feature the latest version no
  // longer has (an unpinned ref resolves to the latest version, so it draws no edge).
  await createService(seeded.project.id, "profile_all", [{ viewId: seeded.profile.id, view: "customer_profile", version: null, feature: "*" }]);
  await createService(seeded.project.id, "dangling", [{ viewId: seeded.spend.id, view: "customer_spend", version: null, feature: "amount_count_7d" }]);
  const u = await createTestUser();
  await addTestMember(seeded.project.id, u.id, "viewer");
  headers = cookie(await createTestSession(u.id));
});

const edgeSet = (g: LineageGraph) => new Set(g.edges.map((e) => `${e.source} -> ${e.target}`));
const ids = (g: LineageGraph) => g.nodes.map((n) => n.id).sort();

async function nodeLineage(nodeId: string, query: Record<string, string> = {}) {
  return callRoute("GET", "/api/v1/projects/{project}/lineage/{nodeId}", { params: { project, nodeId }, query, headers });
}

describe("project lineage", () => {
  it("has source → view version → feature → service → model edges, and entity → view version", async () => {
    const res = await callRoute("GET", "/api/v1/projects/{project}/lineage", { params: { project }, headers });
    expect(res.status).toBe(200);
    const g = await json<LineageGraph>(res);
    expect(ids(g)).toEqual(
      [
        "source:transactions",
        "source:profiles",
        "entity:customer",
        "feature_view:customer_spend@v1",
        "feature_view:customer_spend@v2",
        "feature_view:customer_profile@v1",
        "feature:customer_spend@v1:amount_sum_7d",
        "feature:customer_spend@v1:amount_count_7d",
        "feature:customer_spend@v2:is_large",
        "feature:customer_spend@v2:amount_sum_7d",
        "feature:customer_spend@v2:amount_sum_30d",
        "feature:customer_profile@v1:age",
        "feature:customer_profile@v1:segment",
        "feature_service:churn_v1",
        "feature_service:profile_all",
        "feature_service:dangling",
        "model:churn_model",
      ].sort(),
    );
    const edges = edgeSet(g);
    for (const e of [
      "source:transactions -> feature_view:customer_spend@v1",
      "source:transactions -> feature_view:customer_spend@v2",
      "source:profiles -> feature_view:customer_profile@v1",
      "entity:customer -> feature_view:customer_spend@v2",
      "feature_view:customer_spend@v2 -> feature:customer_spend@v2:amount_sum_7d",
      "feature_view:customer_spend@v1 -> feature:customer_spend@v1:amount_count_7d",
      // unpinned ref → latest version; pinned ref → v1
      "feature:customer_spend@v2:amount_sum_7d -> feature_service:churn_v1",
      "feature:customer_spend@v1:amount_count_7d -> feature_service:churn_v1",
      "feature:customer_profile@v1:age -> feature_service:churn_v1",
      "feature_service:churn_v1 -> model:churn_model",
    ]) {
      expect(edges.has(e), e).toBe(true);
    }
    expect(edges.has("feature:customer_spend@v1:amount_sum_7d -> feature_service:churn_v1")).toBe(false);
    // 3 source→version, 3 entity→version, 7 version→feature, 3 + 2 feature→service, 1 service→model
    expect(g.edges).toHaveLength(3 + 3 + 7 + 3 + 2 + 1);
    expect([...edges].filter((e) => e.endsWith("feature_service:dangling"))).toEqual([]);
    const v1 = g.nodes.find((n) => n.id === "feature_view:customer_spend@v1")!;
    expect(v1).toMatchObject({ kind: "feature_view", name: "customer_spend", label: "customer_spend v1", version: 1, isLatest: false, archived: false });
    expect(v1.href).toContain("/feature-views/customer_spend?version=1");
    // every edge joins two nodes of the graph
    const nodeIds = new Set(g.nodes.map((n) => n.id));
    expect(g.edges.every((e) => nodeIds.has(e.source) && nodeIds.has(e.target))).toBe(true);
  });

  it("folds features into their view versions, except the views asked for, with the same paths", async () => {
    const get = async (query: Record<string, string>) => {
      const res = await callRoute("GET", "/api/v1/projects/{project}/lineage", { params: { project }, query, headers });
      expect(res.status).toBe(200);
      return json<LineageGraph>(res);
    };
    const full = await get({});
    // The oracle: fold the full graph by hand. A hidden feature's edges to services start at its version.
    const fold = (g: LineageGraph, expand: Set<string>) => {
      const hidden = new Map(g.nodes.filter((n) => n.kind === "feature" && !expand.has(n.view!)).map((n) => [n.id, `feature_view:${n.view}@v${n.version}`]));
      const e = new Set<string>();
      for (const x of g.edges) if (!hidden.has(x.target)) e.add(`${hidden.get(x.source) ?? x.source} -> ${x.target}`);
      return { ids: g.nodes.filter((n) => !hidden.has(n.id)).map((n) => n.id).sort(), edges: e };
    };
    for (const expand of [[], ["customer_spend"], ["customer_profile", "customer_spend"], ["no_such_view"]]) {
      const g = await get({ features: "folded", ...(expand.length ? { expand: expand.join(",") } : {}) });
      const want = fold(full, new Set(expand));
      expect(ids(g), expand.join()).toEqual(want.ids);
      expect(edgeSet(g), expand.join()).toEqual(want.edges);
    }
    const folded = await get({ features: "folded" });
    expect(folded.nodes.filter((n) => n.kind === "feature")).toEqual([]);
    expect(folded.nodes.find((n) => n.id === "feature_view:customer_spend@v2")?.featureCount).toBe(3);
    expect(folded.nodes.find((n) => n.id === "feature_view:customer_spend@v1")?.featureCount).toBe(2);
    // the same counts in the full graph, and the nodes otherwise identical
    expect(full.nodes.find((n) => n.id === "feature_view:customer_spend@v1")).toEqual(folded.nodes.find((n) => n.id === "feature_view:customer_spend@v1"));
    expect(edgeSet(folded).has("feature_view:customer_spend@v1 -> feature_service:churn_v1")).toBe(true);
    expect(edgeSet(folded).has("feature_view:customer_profile@v1 -> feature_service:profile_all")).toBe(true);
    expect([...edgeSet(folded)].filter((e) => e.endsWith("feature_service:dangling"))).toEqual([]);
  });

  it("refuses a bad features value with what to write", async () => {
    const res = await callRoute("GET", "/api/v1/projects/{project}/lineage", { params: { project }, query: { features: "some" }, headers });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(JSON.stringify(await res.json())).toContain("features must be all or folded");
  });

  it("expand: another project's view, odd bytes and a too-long list show nothing extra and never 5xx", async () => {
    const other = await seedRetailCatalog("lineage_other");
    const get = (expand: string) =>
      callRoute("GET", "/api/v1/projects/{project}/lineage", { params: { project }, query: { features: "folded", expand }, headers });
    // A view of the same name in another project unfolds only this project's view; a name that
    // exists only elsewhere unfolds nothing. Nothing of the other project appears.
    expect(other.project.name).not.toBe(project);
    for (const expand of ["customer_spend", `${other.project.name}:customer_spend`, "customer_spend%00", "\u202ecustomer_spend", ",,, ,", "💥".repeat(500)]) {
      const res = await get(expand);
      expect(res.status, expand).toBe(200);
      const g = await json<LineageGraph>(res);
      expect(g.nodes.every((n) => !n.href.includes(other.project.name)), expand).toBe(true);
      const features = g.nodes.filter((n) => n.kind === "feature");
      expect(features.every((n) => n.view === "customer_spend"), expand).toBe(true);
      if (expand !== "customer_spend") expect(features, expand).toEqual([]);
    }
    // A NUL byte (Postgres cannot store it) is refused like in every other query, with what to fix.
    const nul = await get("customer_spend\u0000");
    expect(nul.status).toBe(400);
    expect(nul.headers.get("content-type")).toContain("application/problem+json");
    const tooLong = await get("v,".repeat(10_001));
    expect(tooLong.status).toBe(400);
    expect(JSON.stringify(await tooLong.json())).toContain("expand is too long");
  });

  it("shows archived objects only when asked", async () => {
    const g = await json<LineageGraph>(
      await callRoute("GET", "/api/v1/projects/{project}/lineage", { params: { project }, query: { includeArchived: "true" }, headers }),
    );
    expect(g.nodes.find((n) => n.id === "entity:old_entity")?.archived).toBe(true);
  });
});

describe("node lineage", () => {
  it("walks down from a view version to its features, services and models", async () => {
    const g = await json<LineageGraph>(await nodeLineage("feature_view:customer_spend@v2", { direction: "down" }));
    expect(g.root).toBe("feature_view:customer_spend@v2");
    expect(ids(g)).toEqual(
      [
        "feature_view:customer_spend@v2",
        "feature:customer_spend@v2:is_large",
        "feature:customer_spend@v2:amount_sum_7d",
        "feature:customer_spend@v2:amount_sum_30d",
        "feature_service:churn_v1",
        "model:churn_model",
      ].sort(),
    );
  });

  it("walks up from a feature to its view version, source and entity", async () => {
    const g = await json<LineageGraph>(await nodeLineage("feature:customer_spend@v2:amount_sum_7d", { direction: "up" }));
    expect(ids(g)).toEqual(
      ["feature:customer_spend@v2:amount_sum_7d", "feature_view:customer_spend@v2", "source:transactions", "entity:customer"].sort(),
    );
    expect(edgeSet(g)).toEqual(
      new Set([
        "feature_view:customer_spend@v2 -> feature:customer_spend@v2:amount_sum_7d",
        "source:transactions -> feature_view:customer_spend@v2",
        "entity:customer -> feature_view:customer_spend@v2",
      ]),
    );
  });

  it("limits the walk by depth and goes both ways by default", async () => {
    const up1 = await json<LineageGraph>(await nodeLineage("model:churn_model", { direction: "up", depth: "2" }));
    expect(ids(up1)).toEqual(
      [
        "model:churn_model",
        "feature_service:churn_v1",
        "feature:customer_spend@v2:amount_sum_7d",
        "feature:customer_spend@v1:amount_count_7d",
        "feature:customer_profile@v1:age",
      ].sort(),
    );
    const both = await json<LineageGraph>(await nodeLineage("feature_service:churn_v1", { depth: "1" }));
    expect(ids(both)).toContain("model:churn_model");
    expect(ids(both)).toContain("feature:customer_profile@v1:age");
    expect(ids(both)).not.toContain("feature_view:customer_profile@v1");
    // percent-encoded ids work too
    const enc = await nodeLineage(encodeURIComponent("source:profiles"), { direction: "down" });
    expect(ids(await json<LineageGraph>(enc))).toContain("feature:customer_profile@v1:segment");
  });

  it("404s for an unknown node and 400s for a bad direction", async () => {
    const res = await nodeLineage("feature_view:nope@v1");
    expect(res.status).toBe(404);
    expect((await json<{ detail: string }>(res)).detail).toContain(`Lineage node "feature_view:nope@v1" does not exist in project "${project}"`);
    expect((await nodeLineage("model:churn_model", { direction: "sideways" })).status).toBe(400);
  });
});
