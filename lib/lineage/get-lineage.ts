// Lineage of a project: source → feature view version → feature → feature service → model, and
// entity → feature view version. Feature services' unpinned references resolve to the latest
// version of their view. Per-node lineage walks the same graph up (towards sources), down
// (towards models) or both, to a depth.
import "server-only";
import type { ProjectRef } from "../auth/authorize";
import { db } from "../db/client";
import { notFound } from "../errors";
import { hrefs } from "../shared/hrefs";
import type { LineageEdge, LineageGraph, LineageNode, NodeLineageQuery } from "./lineage-schema";

export const nodeIds = {
  source: (name: string) => `source:${name}`,
  entity: (name: string) => `entity:${name}`,
  featureView: (view: string, version: number) => `feature_view:${view}@v${version}`,
  feature: (view: string, version: number, feature: string) => `feature:${view}@v${version}:${feature}`,
  featureService: (name: string) => `feature_service:${name}`,
  model: (name: string) => `model:${name}`,
};

const ALL_FEATURES = new Set(["*", ""]);

export interface LineageOptions {
  includeArchived?: boolean;
  /** "folded": feature nodes only for the views in `expand` (the console's default view of big projects). */
  features?: "all" | "folded";
  expand?: readonly string[];
}

/**
 * The project graph. Folded, a view version's hidden features are only counted (featureCount) and a
 * feature service that uses any of them gets an edge from the version node instead: the graph of a
 * 500-view, 10,000-feature project is ~500 nodes instead of ~10,500 (docs/search-and-lineage.md).
 */
export async function getLineage(project: ProjectRef, opts: LineageOptions = {}): Promise<LineageGraph> {
  const active = opts.includeArchived ? { projectId: project.id } : { projectId: project.id, archivedAt: null };
  const [sources, entities, views, services, models] = await Promise.all([
    db().source.findMany({ where: { projectId: project.id }, orderBy: { name: "asc" }, select: { name: true, archivedAt: true } }),
    db().entity.findMany({ where: { projectId: project.id }, orderBy: { name: "asc" }, select: { name: true, archivedAt: true } }),
    db().featureView.findMany({
      where: active,
      orderBy: { name: "asc" },
      select: {
        id: true,
        name: true,
        latestVersion: true,
        archivedAt: true,
        versions: {
          orderBy: { version: "asc" },
          select: { id: true, version: true, sourceName: true, entityNames: true, _count: { select: { features: true } } },
        },
      },
    }),
    db().featureService.findMany({ where: active, orderBy: { name: "asc" }, include: { features: { orderBy: { position: "asc" } } } }),
    db().model.findMany({ where: active, orderBy: { name: "asc" }, include: { featureServices: true } }),
  ]);
  const folded = opts.features === "folded";
  const expanded = new Set(opts.expand ?? []);
  const showsFeatures = (view: string) => !folded || expanded.has(view);

  // Feature names only where they are drawn or a service names one of them.
  const viewById = new Map(views.map((v) => [v.id, v]));
  const versionOf = (viewId: string, version: number | null) => {
    const v = viewById.get(viewId);
    const ver = v?.versions.find((x) => x.version === (version ?? v.latestVersion));
    return v && ver ? { v, ver } : null;
  };
  const needNames = new Set<string>();
  for (const v of views) if (showsFeatures(v.name)) for (const ver of v.versions) needNames.add(ver.id);
  for (const s of services) {
    for (const ref of s.features) {
      const hit = ALL_FEATURES.has(ref.featureName) ? null : versionOf(ref.featureViewId, ref.version);
      if (hit) needNames.add(hit.ver.id);
    }
  }
  const featureRows = needNames.size
    ? await db().feature.findMany({ where: { versionId: { in: [...needNames] } }, select: { versionId: true, name: true }, orderBy: [{ versionId: "asc" }, { position: "asc" }] })
    : [];
  const featuresOf = new Map<string, string[]>();
  for (const f of featureRows) (featuresOf.get(f.versionId) ?? featuresOf.set(f.versionId, []).get(f.versionId)!).push(f.name);

  const p = project.name;
  const nodes = new Map<string, LineageNode>();
  const edges = new Map<string, LineageEdge>();
  const addEdge = (source: string, target: string) => {
    const id = `${source}->${target}`;
    if (!edges.has(id)) edges.set(id, { id, source, target });
  };

  const sourceRow = new Map(sources.map((s) => [s.name, s]));
  const entityRow = new Map(entities.map((e) => [e.name, e]));
  // Sources and entities appear when a shown view version uses them, or when they are active.
  const ensureSource = (name: string) => {
    const id = nodeIds.source(name);
    if (!nodes.has(id)) {
      const row = sourceRow.get(name);
      nodes.set(id, { id, kind: "source", name, label: name, archived: !row || row.archivedAt !== null, href: hrefs.source(p, name) });
    }
    return id;
  };
  const ensureEntity = (name: string) => {
    const id = nodeIds.entity(name);
    if (!nodes.has(id)) {
      const row = entityRow.get(name);
      nodes.set(id, { id, kind: "entity", name, label: name, archived: !row || row.archivedAt !== null, href: hrefs.entity(p, name) });
    }
    return id;
  };
  for (const s of sources) if (opts.includeArchived || !s.archivedAt) ensureSource(s.name);
  for (const e of entities) if (opts.includeArchived || !e.archivedAt) ensureEntity(e.name);

  for (const v of views) {
    const archived = v.archivedAt !== null;
    for (const ver of v.versions) {
      const vid = nodeIds.featureView(v.name, ver.version);
      const isLatest = ver.version === v.latestVersion;
      nodes.set(vid, {
        id: vid,
        kind: "feature_view",
        name: v.name,
        label: `${v.name} v${ver.version}`,
        version: ver.version,
        archived,
        isLatest,
        featureCount: ver._count.features,
        href: hrefs.featureViewVersion(p, v.name, ver.version),
      });
      addEdge(ensureSource(ver.sourceName), vid);
      for (const e of ver.entityNames) addEdge(ensureEntity(e), vid);
      if (!showsFeatures(v.name)) continue;
      for (const name of featuresOf.get(ver.id) ?? []) {
        const fid = nodeIds.feature(v.name, ver.version, name);
        nodes.set(fid, {
          id: fid,
          kind: "feature",
          name,
          label: name,
          version: ver.version,
          view: v.name,
          archived,
          isLatest,
          href: hrefs.feature(p, v.name, ver.version, name),
        });
        addEdge(vid, fid);
      }
    }
  }

  for (const s of services) {
    const sid = nodeIds.featureService(s.name);
    nodes.set(sid, { id: sid, kind: "feature_service", name: s.name, label: s.name, archived: s.archivedAt !== null, href: hrefs.featureService(p, s.name) });
    for (const ref of s.features) {
      const hit = versionOf(ref.featureViewId, ref.version); // none: the view is archived and archived objects are hidden
      if (!hit) continue;
      const { v, ver } = hit;
      if (!showsFeatures(v.name)) {
        // Folded: the version node stands for its features.
        const uses = ALL_FEATURES.has(ref.featureName) ? ver._count.features > 0 : (featuresOf.get(ver.id) ?? []).includes(ref.featureName);
        if (uses) addEdge(nodeIds.featureView(v.name, ver.version), sid);
        continue;
      }
      const names = ALL_FEATURES.has(ref.featureName) ? (featuresOf.get(ver.id) ?? []) : [ref.featureName];
      for (const n of names) {
        const fid = nodeIds.feature(v.name, ver.version, n);
        if (nodes.has(fid)) addEdge(fid, sid);
      }
    }
  }
  const serviceById = new Map(services.map((s) => [s.id, s]));
  for (const m of models) {
    const mid = nodeIds.model(m.name);
    nodes.set(mid, { id: mid, kind: "model", name: m.name, label: m.name, archived: m.archivedAt !== null, href: hrefs.model(p, m.name) });
    for (const link of m.featureServices) {
      const svc = serviceById.get(link.serviceId);
      if (svc) addEdge(nodeIds.featureService(svc.name), mid);
    }
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()] };
}

/** The part of the project graph reachable from one node, following edges up, down or both. */
export async function getNodeLineage(project: ProjectRef, nodeId: string, q: Partial<NodeLineageQuery> = {}): Promise<LineageGraph> {
  const graph = await getLineage(project, { includeArchived: q.includeArchived ?? false });
  if (!graph.nodes.some((n) => n.id === nodeId)) {
    throw notFound(
      `Lineage node "${nodeId}" does not exist in project "${project.name}". Node ids look like source:transactions, ` +
        `feature_view:customer_spend@v2, feature:customer_spend@v2:amount_sum_7d, feature_service:churn_v1 or model:churn_model.`,
    );
  }
  return subgraph(graph, nodeId, q.direction ?? "both", q.depth ?? 10);
}

/** Nodes within `depth` steps of `root` against (up) or along (down) the edges; the walk never turns around. */
export function subgraph(graph: LineageGraph, root: string, direction: "up" | "down" | "both", depth: number): LineageGraph {
  const out = new Map<string, string[]>();
  const inc = new Map<string, string[]>();
  for (const e of graph.edges) {
    out.set(e.source, [...(out.get(e.source) ?? []), e.target]);
    inc.set(e.target, [...(inc.get(e.target) ?? []), e.source]);
  }
  const keep = new Set<string>([root]);
  const walk = (next: Map<string, string[]>) => {
    let frontier = [root];
    const seen = new Set<string>([root]);
    for (let d = 0; d < depth && frontier.length; d++) {
      const n: string[] = [];
      for (const id of frontier) {
        for (const x of next.get(id) ?? []) {
          if (seen.has(x)) continue;
          seen.add(x);
          keep.add(x);
          n.push(x);
        }
      }
      frontier = n;
    }
    return seen;
  };
  const up = direction !== "down" ? walk(inc) : new Set<string>([root]);
  const down = direction !== "up" ? walk(out) : new Set<string>([root]);
  // Keep only edges on the walked paths: both ends on the up side, or both on the down side.
  const edges = graph.edges.filter((e) => (up.has(e.source) && up.has(e.target)) || (down.has(e.source) && down.has(e.target)));
  return { root, nodes: graph.nodes.filter((n) => keep.has(n.id)), edges };
}
