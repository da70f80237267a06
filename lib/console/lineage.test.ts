import { describe, expect, it } from "vitest";
import { DAGRE_MAX_NODES, NODE_H, OPENING_ZOOM, collapseFeatures, focusKey, focusSubgraph, layoutGraph, normalizeLineage, openingViewport } from "./lineage";

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
  it("lays out a 500-view project in well under a second, columns by depth, edges left to right", () => {
    // bench:console's 10,000-feature project, collapsed: dagre took 3.4 s for these 511 nodes.
    const nodes: Array<Record<string, unknown>> = [{ id: "e", kind: "entity", name: "customer" }];
    const edges: Array<{ source: string; target: string }> = [];
    for (let s = 0; s < 10; s++) nodes.push({ id: `s${s}`, kind: "source", name: `events_${s}` });
    for (let i = 0; i < 500; i++) {
      nodes.push({ id: `v${i}`, kind: "view", name: `view_${String(i).padStart(3, "0")}`, version: 1 });
      edges.push({ source: `s${i % 10}`, target: `v${i}` }, { source: "e", target: `v${i}` });
      for (let j = 0; j < 20; j++) {
        nodes.push({ id: `f${i}_${j}`, kind: "feature", name: `f${j}`, view: `view_${String(i).padStart(3, "0")}`, version: 1 });
        edges.push({ source: `v${i}`, target: `f${i}_${j}` });
      }
    }
    nodes.push({ id: "svc", kind: "feature_service", name: "svc" }, { id: "m", kind: "model", name: "m" });
    edges.push({ source: "f7_0", target: "svc" }, { source: "svc", target: "m" });
    const g = collapseFeatures(normalizeLineage({ nodes, edges }), new Set());
    expect(g.nodes.length).toBeGreaterThan(DAGRE_MAX_NODES);
    const t = performance.now();
    const pos = layoutGraph(g);
    expect(performance.now() - t).toBeLessThan(500);
    expect(pos.size).toBe(g.nodes.length);
    for (const e of g.edges) expect(pos.get(e.source)!.x, `${e.source} -> ${e.target}`).toBeLessThan(pos.get(e.target)!.x);
    // Nothing overlaps: within a column, rows are at least a node's height apart.
    const byColumn = new Map<number, number[]>();
    for (const p of pos.values()) byColumn.set(p.x, [...(byColumn.get(p.x) ?? []), p.y]);
    for (const ys of byColumn.values()) {
      ys.sort((a, b) => a - b);
      for (let i = 1; i < ys.length; i++) expect(ys[i] - ys[i - 1]).toBeGreaterThanOrEqual(NODE_H);
    }
    // Depths: sources and the entity, then views, then the service, then the model.
    expect(new Set([pos.get("s0")!.x, pos.get("e")!.x]).size).toBe(1);
    expect(pos.get("svc")!.x).toBeLessThan(pos.get("m")!.x);
    // Every column starts at the top, so the opening corner shows the first nodes of each.
    for (const ys of byColumn.values()) expect(ys[0]).toBe(Math.min(...[...pos.values()].map((p) => p.y)));
    // Too tall to read when fitted (500 rows): it opens readable at its top-left corner.
    const canvas = { width: 1140, height: 630 };
    const o = openingViewport(pos, canvas);
    expect(o).toMatchObject({ fit: false, zoom: OPENING_ZOOM });
    if (o.fit) throw new Error("unreachable");
    const minX = Math.min(...[...pos.values()].map((p) => p.x));
    const minY = Math.min(...[...pos.values()].map((p) => p.y));
    expect(minX * o.zoom + o.x).toBe(24);
    expect(minY * o.zoom + o.y).toBe(24);
    const onScreen = [...pos.values()].filter((p) => p.x * o.zoom + o.x < canvas.width && p.y * o.zoom + o.y < canvas.height);
    expect(onScreen.length).toBeGreaterThan(5);
    expect(onScreen.length).toBeLessThan(60);
  });
  it("fits every graph up to the dagre size, however small the canvas, and a large one that reads fitted", () => {
    const small = layoutGraph(collapseFeatures(g, new Set()));
    expect(openingViewport(small, { width: 1140, height: 630 })).toEqual({ fit: true });
    expect(openingViewport(small, { width: 100, height: 100 })).toEqual({ fit: true });
    const wide = new Map(Array.from({ length: DAGRE_MAX_NODES + 1 }, (_, i) => [`n${i}`, { x: (i % 20) * 10, y: Math.floor(i / 20) * 10 }]));
    expect(openingViewport(wide, { width: 1140, height: 630 })).toEqual({ fit: true });
    expect(openingViewport(new Map(), { width: 1140, height: 630 })).toEqual({ fit: true });
    expect(openingViewport(small, { width: 0, height: 0 })).toEqual({ fit: true });
  });
  it("lays out a large graph with a cycle without losing a node", () => {
    const cyc = normalizeLineage({
      nodes: Array.from({ length: DAGRE_MAX_NODES + 1 }, (_, i) => ({ id: `n${i}`, kind: "source", name: `n${i}` })),
      edges: [{ source: "n0", target: "n1" }, { source: "n1", target: "n0" }],
    });
    const pos = layoutGraph(cyc);
    expect(pos.size).toBe(DAGRE_MAX_NODES + 1);
  });
});
