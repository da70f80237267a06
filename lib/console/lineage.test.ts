import { describe, expect, it } from "vitest";
import { collapseFeatures, focusKey, focusSubgraph, layoutGraph, normalizeLineage } from "./lineage";

const raw = {
  nodes: [
    { id: "s", kind: "source", name: "transactions" },
    { id: "v1", kind: "feature_view_version", name: "customer_spend", version: 1 },
    { id: "v2", kind: "feature_view_version", name: "customer_spend", version: 2 },
    { id: "f1", kind: "feature", name: "amount_sum_7d", view: "customer_spend", version: 2 },
    { id: "f2", kind: "feature", name: "is_large", view: "customer_spend", version: 2 },
    { id: "svc", kind: "feature_service", name: "churn_v1" },
    { id: "m", kind: "model", name: "churn_model" },
    { id: "o", kind: "source", name: "other" },
    { id: "bogus", kind: "weird", name: "x" },
  ],
  edges: [
    { source: "s", target: "v1" },
    { source: "s", target: "v2" },
    { source: "v2", target: "f1" },
    { source: "v2", target: "f2" },
    { source: "f1", target: "svc" },
    { source: "f2", target: "svc" },
    { source: "svc", target: "m" },
    { source: "bogus", target: "m" },
  ],
};

describe("lineage", () => {
  const g = normalizeLineage(raw);
  it("normalizes kinds and drops unknown nodes and dangling edges", () => {
    expect(g.nodes).toHaveLength(8);
    expect(g.edges).toHaveLength(7);
    expect(g.nodes.find((n) => n.id === "v2")).toMatchObject({ kind: "view", view: "customer_spend", version: 2 });
    expect(focusKey(g.nodes.find((n) => n.id === "f1")!)).toBe("feature:customer_spend:amount_sum_7d");
  });
  it("collapses features into their view and keeps paths to services", () => {
    const c = collapseFeatures(g, new Set());
    expect(c.nodes.map((n) => n.id)).not.toContain("f1");
    expect(c.nodes.find((n) => n.id === "v2")?.featureCount).toBe(2);
    expect(c.edges).toContainEqual({ source: "v2", target: "svc" });
    expect(c.edges.filter((e) => e.source === "v2" && e.target === "svc")).toHaveLength(1);
    expect(collapseFeatures(g, new Set(["customer_spend"])).nodes).toHaveLength(8);
  });
  it("focuses on upstream and downstream of a node", () => {
    const f = focusSubgraph(g, ["m"]);
    expect(f.nodes.map((n) => n.id).sort()).toEqual(["f1", "f2", "m", "s", "svc", "v2"]);
    expect(focusSubgraph(g, ["o"]).nodes.map((n) => n.id)).toEqual(["o"]);
  });
  it("lays out left to right: sources before models", () => {
    const pos = layoutGraph(g);
    expect(pos.get("s")!.x).toBeLessThan(pos.get("m")!.x);
  });
  it("lays out 500 nodes quickly", () => {
    const nodes = [];
    const edges = [];
    for (let i = 0; i < 100; i++) {
      nodes.push({ id: `s${i}`, kind: "source", name: `s${i}` }, { id: `v${i}`, kind: "view", name: `v${i}` });
      edges.push({ source: `s${i}`, target: `v${i}` });
      for (let j = 0; j < 3; j++) {
        nodes.push({ id: `f${i}_${j}`, kind: "feature", name: `f${j}`, view: `v${i}` });
        edges.push({ source: `v${i}`, target: `f${i}_${j}` }, { source: `f${i}_${j}`, target: `svc${i % 10}` });
      }
    }
    for (let k = 0; k < 10; k++) nodes.push({ id: `svc${k}`, kind: "service", name: `svc${k}` });
    const big = normalizeLineage({ nodes, edges });
    const t = performance.now();
    layoutGraph(collapseFeatures(big, new Set()));
    expect(performance.now() - t).toBeLessThan(3000);
  });
});
