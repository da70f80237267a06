// Lineage graph for the explorer: normalize the API's nodes and edges, collapse features into
// their view version (the default; keeps 500-node graphs readable), focus on one node's upstream
// and downstream, and lay out left-to-right with dagre (a linear layered layout above 150 nodes).
import { Graph, layout } from "@dagrejs/dagre";

export type LineageKind = "source" | "entity" | "view" | "feature" | "service" | "model";

export interface LNode {
  id: string;
  kind: LineageKind;
  name: string;
  /** View name for view versions and features. */
  view: string | null;
  version: number | null;
  href: string | null;
  /** The view version's features (folded or shown): from the API, or counted when folded here. */
  featureCount?: number;
  latest?: boolean;
  /** The view's monitoring state (latest-version view and feature nodes): fresh | stale | failing | unknown. */
  state?: string;
}
export interface LEdge {
  source: string;
  target: string;
}
export interface LGraph {
  nodes: LNode[];
  edges: LEdge[];
}

type Raw = Record<string, unknown>;

const KIND_ALIASES: Record<string, LineageKind> = {
  source: "source",
  entity: "entity",
  view: "view",
  feature_view: "view",
  feature_view_version: "view",
  featureViewVersion: "view",
  view_version: "view",
  feature: "feature",
  service: "service",
  feature_service: "service",
  featureService: "service",
  model: "model",
};

export function normalizeLineage(raw: unknown): LGraph {
  const r = (raw ?? {}) as Raw;
  const nodes = ((Array.isArray(r.nodes) ? r.nodes : []) as Raw[])
    .map((n): LNode | null => {
      const kind = KIND_ALIASES[String(n.kind ?? n.type ?? "")];
      if (!kind) return null;
      const data = (n.data && typeof n.data === "object" ? n.data : {}) as Raw;
      const get = (k: string) => n[k] ?? data[k];
      const view = get("view") ?? get("viewName") ?? (kind === "view" ? get("name") : null);
      const version = get("version");
      return {
        id: String(n.id),
        kind,
        name: String(get("name") ?? get("label") ?? n.id),
        view: view === null || view === undefined ? null : String(view),
        version: version === null || version === undefined ? null : Number(version),
        href: typeof get("href") === "string" ? (get("href") as string) : null,
        ...(typeof get("featureCount") === "number" ? { featureCount: get("featureCount") as number } : {}),
        latest: get("isLatest") === undefined ? (get("latest") === undefined ? undefined : Boolean(get("latest"))) : Boolean(get("isLatest")),
        ...(typeof get("state") === "string" ? { state: get("state") as string } : {}),
      };
    })
    .filter((n): n is LNode => n !== null);
  const ids = new Set(nodes.map((n) => n.id));
  const edges = ((Array.isArray(r.edges) ? r.edges : []) as Raw[])
    .map((e) => ({ source: String(e.source ?? e.from), target: String(e.target ?? e.to) }))
    .filter((e) => ids.has(e.source) && ids.has(e.target));
  return { nodes, edges };
}

/** The key used in `?focus=` and by detail pages' "Lineage" buttons: `view:customer_spend`. */
export function focusKey(n: LNode): string {
  return n.kind === "view" ? `view:${n.view ?? n.name}` : n.kind === "feature" ? `feature:${n.view}:${n.name}` : `${n.kind}:${n.name}`;
}

/** Hides feature nodes of views not in `expanded`; their edges pass through to the view node. */
export function collapseFeatures(g: LGraph, expanded: Set<string>): LGraph {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const hidden = new Set(g.nodes.filter((n) => n.kind === "feature" && !expanded.has(n.view ?? "")).map((n) => n.id));
  if (hidden.size === 0) return g;
  const into = new Map<string, string[]>(); // hidden feature → its view-version nodes
  const outOf = new Map<string, string[]>(); // hidden feature → downstream nodes
  for (const e of g.edges) {
    if (hidden.has(e.target)) into.set(e.target, [...(into.get(e.target) ?? []), e.source]);
    if (hidden.has(e.source)) outOf.set(e.source, [...(outOf.get(e.source) ?? []), e.target]);
  }
  const counts = new Map<string, number>();
  const edges = new Map<string, LEdge>();
  const add = (source: string, target: string) => edges.set(`${source}->${target}`, { source, target });
  for (const e of g.edges) if (!hidden.has(e.source) && !hidden.has(e.target)) add(e.source, e.target);
  for (const f of hidden) {
    for (const v of into.get(f) ?? []) {
      counts.set(v, (counts.get(v) ?? 0) + 1);
      for (const t of outOf.get(f) ?? []) if (!hidden.has(t)) add(v, t);
    }
  }
  const nodes = g.nodes.filter((n) => !hidden.has(n.id)).map((n) => (counts.has(n.id) ? { ...n, featureCount: n.featureCount ?? counts.get(n.id) } : byId.get(n.id)!));
  return { nodes, edges: [...edges.values()] };
}

/** Nodes upstream and downstream of the focus nodes (and the focus nodes themselves). */
export function focusSubgraph(g: LGraph, focusIds: string[]): LGraph {
  if (focusIds.length === 0) return g;
  const out = new Map<string, string[]>();
  const inn = new Map<string, string[]>();
  for (const e of g.edges) {
    out.set(e.source, [...(out.get(e.source) ?? []), e.target]);
    inn.set(e.target, [...(inn.get(e.target) ?? []), e.source]);
  }
  const keep = new Set<string>(focusIds);
  for (const adj of [out, inn]) {
    const stack = [...focusIds];
    while (stack.length) {
      const id = stack.pop()!;
      for (const next of adj.get(id) ?? []) {
        if (!keep.has(next)) {
          keep.add(next);
          stack.push(next);
        }
      }
    }
  }
  return { nodes: g.nodes.filter((n) => keep.has(n.id)), edges: g.edges.filter((e) => keep.has(e.source) && keep.has(e.target)) };
}

export const NODE_W = 200;
export const NODE_H = 44;

/** Left-to-right layout: node id → top-left position (dagre, or `layeredLayout` for large graphs). */
export function layoutGraph(g: LGraph): Map<string, { x: number; y: number }> {
  if (g.nodes.length > DAGRE_MAX_NODES) return layeredLayout(g);
  const dg = new Graph();
  dg.setGraph({ rankdir: "LR", nodesep: 14, ranksep: 70, marginx: 10, marginy: 10 });
  dg.setDefaultEdgeLabel(() => ({}));
  for (const n of g.nodes) dg.setNode(n.id, { width: NODE_W, height: NODE_H });
  for (const e of g.edges) dg.setEdge(e.source, e.target);
  layout(dg);
  const pos = new Map<string, { x: number; y: number }>();
  for (const n of g.nodes) {
    const p = dg.node(n.id) as { x: number; y: number };
    pos.set(n.id, { x: p.x - NODE_W / 2, y: p.y - NODE_H / 2 });
  }
  return pos;
}

/**
 * Above this many nodes dagre's layout costs seconds (3.4 s for the 511 nodes of a 500-view
 * project: bench:console, docs/benchmarks.md), so a layered layout of our own takes over: a node's
 * column is its longest path from a root, and each column is ordered once by the mean row of its
 * upstream nodes (barycenter), then by name. Linear in the graph; lineage is a DAG by construction.
 */
export const DAGRE_MAX_NODES = 150;

const NODESEP = 14;
const RANKSEP = 70;
const MARGIN = 10;

export function layeredLayout(g: LGraph): Map<string, { x: number; y: number }> {
  const ids = new Set(g.nodes.map((n) => n.id));
  const inn = new Map<string, string[]>();
  const out = new Map<string, string[]>();
  const indegree = new Map<string, number>(g.nodes.map((n) => [n.id, 0]));
  for (const e of g.edges) {
    if (!ids.has(e.source) || !ids.has(e.target) || e.source === e.target) continue;
    (out.get(e.source) ?? out.set(e.source, []).get(e.source)!).push(e.target);
    (inn.get(e.target) ?? inn.set(e.target, []).get(e.target)!).push(e.source);
    indegree.set(e.target, indegree.get(e.target)! + 1);
  }
  // Longest path from a root, in topological order (Kahn); a node left over by a cycle keeps rank 0.
  const rank = new Map<string, number>(g.nodes.map((n) => [n.id, 0]));
  const queue = g.nodes.filter((n) => indegree.get(n.id) === 0).map((n) => n.id);
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i];
    for (const t of out.get(id) ?? []) {
      rank.set(t, Math.max(rank.get(t)!, rank.get(id)! + 1));
      indegree.set(t, indegree.get(t)! - 1);
      if (indegree.get(t) === 0) queue.push(t);
    }
  }
  const columns: LNode[][] = [];
  for (const n of g.nodes) (columns[rank.get(n.id)!] ??= []).push(n);
  const row = new Map<string, number>();
  for (const col of columns) {
    if (!col) continue;
    const key = new Map(
      col.map((n) => {
        const ups = (inn.get(n.id) ?? []).map((u) => row.get(u)).filter((r): r is number => r !== undefined);
        return [n.id, ups.length ? ups.reduce((a, b) => a + b, 0) / ups.length : -1];
      }),
    );
    col.sort((a, b) => key.get(a.id)! - key.get(b.id)! || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    col.forEach((n, i) => row.set(n.id, i));
  }
  const pos = new Map<string, { x: number; y: number }>();
  columns.forEach((col, r) => {
    if (!col) return;
    // Columns start at the top (dagre centres them): a large graph opens at its top-left corner
    // (`openingViewport`), where every column then has its first nodes.
    col.forEach((n, i) => pos.set(n.id, { x: MARGIN + r * (NODE_W + RANKSEP), y: MARGIN + i * (NODE_H + NODESEP) }));
  });
  return pos;
}

/** Below this zoom a node's text cannot be read (12 px type at 0.4 is under 5 px). */
export const READABLE_ZOOM = 0.4;
/** The zoom a graph too large to fit readably opens at. */
export const OPENING_ZOOM = 0.75;

/**
 * How the canvas first shows a laid-out graph: fitted, unless it is a large graph (the layered
 * layout's size, above DAGRE_MAX_NODES) that would fit only below a readable zoom; that one opens
 * at OPENING_ZOOM on its top-left corner (the minimap and the fit button show the rest). Fitting a
 * 500-view column drew every node at 5% (unreadable) and cost the first paint of ~230 nodes;
 * opening readable draws the ~25 nodes on screen (React Flow's onlyRenderVisibleElements).
 * Smaller graphs are always fitted: unfolding a view's features must show them all.
 */
export function openingViewport(
  pos: Map<string, { x: number; y: number }>,
  canvas: { width: number; height: number },
  padding = 24,
): { fit: true } | { fit: false; x: number; y: number; zoom: number } {
  if (pos.size <= DAGRE_MAX_NODES || canvas.width <= 0 || canvas.height <= 0) return { fit: true };
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const p of pos.values()) {
    minX = Math.min(minX, p.x);
    minY = Math.min(minY, p.y);
    maxX = Math.max(maxX, p.x + NODE_W);
    maxY = Math.max(maxY, p.y + NODE_H);
  }
  const fitZoom = Math.min((canvas.width - 2 * padding) / (maxX - minX), (canvas.height - 2 * padding) / (maxY - minY));
  if (fitZoom >= READABLE_ZOOM) return { fit: true };
  return { fit: false, x: padding - minX * OPENING_ZOOM, y: padding - minY * OPENING_ZOOM, zoom: OPENING_ZOOM };
}
