"use client";
// Lineage explorer: sources → view versions → features → services → models, laid out by dagre.
// Features are folded into their view by default and the API sends them folded (features=folded):
// only the views in `?expand=` come with their feature nodes, so a 10,000-feature project loads
// ~500 nodes. `?focus=view:x` shows only one node's upstream and downstream. Click a node to
// select it, double-click (or Open) to go to it.
import "@xyflow/react/dist/style.css";
import { Background, Controls, Handle, MiniMap, Position, ReactFlow, type Edge, type Node, type NodeHandle, type NodeProps, type ReactFlowInstance } from "@xyflow/react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { clsx } from "clsx";
import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { Boxes, Database, Layers, Package, Sparkles, Users } from "lucide-react";
import { api } from "@/lib/console/api-client";
import { plural } from "@/lib/console/format";
import { links } from "@/lib/console/links";
import { NODE_H, NODE_W, collapseFeatures, focusKey, focusSubgraph, layoutGraph, normalizeLineage, openingViewport, type LNode, type LineageKind } from "@/lib/console/lineage";
import { qk } from "@/lib/console/query-keys";
import { useUrlState } from "@/lib/console/use-url-state";
import { Button } from "../../ui/button";
import { Card, PageHeader } from "../../ui/card";
import { EmptyState } from "../../ui/empty-state";
import { Skeleton } from "../../ui/skeleton";
import { QueryState } from "../query-state";

const KIND_STYLE: Record<LineageKind, { label: string; icon: typeof Database; cls: string; mini: string }> = {
  source: { label: "Source", icon: Database, cls: "border-amber-400 dark:border-amber-600", mini: "#f59e0b" },
  entity: { label: "Entity", icon: Users, cls: "border-slate-400 dark:border-slate-500", mini: "#94a3b8" },
  view: { label: "View version", icon: Layers, cls: "border-emerald-500 dark:border-emerald-600", mini: "#10b981" },
  feature: { label: "Feature", icon: Sparkles, cls: "border-sky-400 dark:border-sky-600", mini: "#38bdf8" },
  service: { label: "Feature service", icon: Package, cls: "border-violet-400 dark:border-violet-600", mini: "#8b5cf6" },
  model: { label: "Model", icon: Boxes, cls: "border-rose-400 dark:border-rose-600", mini: "#f43f5e" },
};

/** selected: the clicked node; path: up- or downstream of it; off: neither (faded). */
type Highlight = "selected" | "path" | "off";
type LineageNodeData = { node: LNode; focused: boolean; label: string; highlight?: Highlight };

const STATE_DOT: Record<string, string> = { fresh: "bg-emerald-500", stale: "bg-amber-500", failing: "bg-red-600", unknown: "bg-slate-300 dark:bg-slate-600" };

function nodeLabel(n: LNode): string {
  if (n.kind === "view") return `${n.view ?? n.name}${n.version ? ` v${n.version}` : ""}`;
  return n.name;
}

function hrefOf(project: string, n: LNode): string | null {
  switch (n.kind) {
    case "source":
      return links.source(project, n.name);
    case "entity":
      return links.entity(project, n.name);
    case "view":
      return links.featureView(project, n.view ?? n.name, n.version ?? undefined);
    case "feature":
      return n.view ? links.feature(project, n.view, n.name) : null;
    case "service":
      return links.featureService(project, n.name);
    case "model":
      return links.model(project, n.name);
  }
}

const LineageNode = memo(function LineageNode({ data, selected }: NodeProps<Node<LineageNodeData>>) {
  const n = data.node;
  const s = KIND_STYLE[n.kind];
  const Icon = s.icon;
  return (
    <div
      className={clsx(
        "flex h-[44px] w-[200px] items-center gap-2 rounded-md border-l-4 border bg-surface px-2 text-left text-xs shadow-sm",
        s.cls,
        (selected || data.highlight === "selected") && "ring-2 ring-brand-500",
        data.highlight === "path" && "ring-1 ring-brand-400",
        data.highlight === "off" && "opacity-35",
        data.focused && "bg-accent-soft",
      )}
      data-testid={`lineage-node-${n.kind}`}
      data-name={nodeLabel(n)}
      data-state={n.state}
      data-highlight={data.highlight}
      title={`${s.label}: ${nodeLabel(n)}${n.state ? ` (monitoring: ${n.state})` : ""}`}
    >
      <Handle type="target" position={Position.Left} className="!size-1.5 !border-0 !bg-line-strong" />
      <Icon aria-hidden className="size-3.5 shrink-0 text-fg-muted" />
      <span className="min-w-0 flex-1">
        <span className="block truncate font-medium text-fg">{data.label}</span>
        <span className="block truncate text-[10px] text-fg-subtle">
          {s.label}
          {n.featureCount ? ` · ${plural(n.featureCount, "feature")}` : ""}
          {n.kind === "feature" && n.view ? ` · ${n.view}` : ""}
          {n.state ? ` · ${n.state}` : ""}
        </span>
      </span>
      {n.state ? <span aria-hidden className={clsx("size-2.5 shrink-0 rounded-full", STATE_DOT[n.state] ?? STATE_DOT.unknown)} /> : null}
      <Handle type="source" position={Position.Right} className="!size-1.5 !border-0 !bg-line-strong" />
    </div>
  );
});

const nodeTypes = { lineage: LineageNode };

const EDGE_OPTIONS = { interactionWidth: 0, focusable: false, selectable: false } as const;

const SIZE = { width: NODE_W, height: NODE_H };

/** Where LineageNode's two handles sit (6 px, centred on the left and right edges). */
const HANDLE = 6;
const HANDLES: NodeHandle[] = [
  { type: "target", position: Position.Left, x: -HANDLE / 2, y: (NODE_H - HANDLE) / 2, width: HANDLE, height: HANDLE },
  { type: "source", position: Position.Right, x: NODE_W - HANDLE / 2, y: (NODE_H - HANDLE) / 2, width: HANDLE, height: HANDLE },
];

export function LineagePage({ project }: { project: string }) {
  const router = useRouter();
  const [s, set] = useUrlState(["focus", "expand"] as const);
  const [selected, setSelected] = useState<LNode | null>(null);
  const expanded = useMemo(() => new Set(s.expand ? s.expand.split(",") : []), [s.expand]);
  // A focused feature must be visible, so its view is expanded too.
  const fetchExpand = useMemo(() => {
    const exp = new Set(expanded);
    if (s.focus.startsWith("feature:")) exp.add(s.focus.split(":")[1]);
    return [...exp].filter(Boolean).sort().join(",");
  }, [expanded, s.focus]);
  const q = useQuery({
    queryKey: qk.lineage(project, fetchExpand),
    queryFn: async ({ signal }) =>
      normalizeLineage(
        await api.get(`/api/v1/projects/${encodeURIComponent(project)}/lineage`, { features: "folded", expand: fetchExpand || undefined }, signal),
      ),
    // Unfolding a view keeps the current graph on screen until the bigger one arrives.
    placeholderData: keepPreviousData,
  });
  const view = useMemo(() => {
    if (!q.data) return null;
    const full = q.data;
    const collapsed = collapseFeatures(full, new Set(fetchExpand.split(",")));
    let focusIds = collapsed.nodes.filter((n) => focusKey(n) === s.focus).map((n) => n.id);
    if (s.focus.startsWith("view:") && focusIds.length > 1) {
      // Focus on a view = its latest version unless a version is given.
      const latest = focusIds.map((id) => collapsed.nodes.find((n) => n.id === id)!).sort((a, b) => (b.version ?? 0) - (a.version ?? 0))[0];
      focusIds = [latest.id];
    }
    const g = focusSubgraph(collapsed, focusIds);
    const pos = layoutGraph(g);
    const focusSet = new Set(focusIds);
    const nodes: Node<LineageNodeData>[] = g.nodes.map((n) => ({
      id: n.id,
      type: "lineage",
      position: pos.get(n.id)!,
      width: NODE_W,
      height: NODE_H,
      // Known size and handle places: React Flow otherwise draws every node once to measure it,
      // even with onlyRenderVisibleElements (all 511 nodes of a 500-view project on first paint);
      // `measured` also lets fitView run while nodes off screen have never been drawn.
      measured: SIZE,
      handles: HANDLES,
      data: { node: n, focused: focusSet.has(n.id), label: nodeLabel(n) },
      ariaLabel: `${KIND_STYLE[n.kind].label} ${nodeLabel(n)}`,
    }));
    const edges: Edge[] = g.edges.map((e) => ({ id: `${e.source}->${e.target}`, source: e.source, target: e.target, style: { stroke: "var(--line-strong)" } }));
    // The whole graph: every node but the features, plus each version's feature count (shown or folded).
    const total = full.nodes.reduce((sum, n) => sum + (n.kind === "feature" ? 0 : 1) + (n.featureCount ?? 0), 0);
    return { nodes, edges, graph: g, pos, total, focusMissing: !!s.focus && focusIds.length === 0 };
  }, [q.data, fetchExpand, s.focus]);

  // The selected node, and everything up- and downstream of it, stand out; the rest fades.
  const selectedId = selected && view?.graph.nodes.some((n) => n.id === selected.id) ? selected.id : null;
  const shown = useMemo(() => {
    if (!view || !selectedId) return view;
    const path = focusSubgraph(view.graph, [selectedId]);
    const onPath = new Set(path.nodes.map((n) => n.id));
    const pathEdges = new Set(path.edges.map((e) => `${e.source}->${e.target}`));
    return {
      ...view,
      nodes: view.nodes.map((n) => ({ ...n, data: { ...n.data, highlight: (n.id === selectedId ? "selected" : onPath.has(n.id) ? "path" : "off") as Highlight } })),
      edges: view.edges.map((e) =>
        pathEdges.has(e.id)
          ? { ...e, className: "lineage-path", style: { stroke: "var(--color-brand-500)", strokeWidth: 2 }, zIndex: 1 }
          : { ...e, className: "lineage-off", style: { stroke: "var(--line)", opacity: 0.5 } },
      ),
    };
  }, [view, selectedId]);

  // Unfolding features or changing the focus changes the graph's size: once the graph for the new
  // state has arrived (not the previous one kept on screen meanwhile), fit it to the canvas again.
  // A graph too big to fit readably opens at a readable zoom on its top-left corner instead
  // (openingViewport): the canvas's size is measured before React Flow first draws.
  const flow = useRef<ReactFlowInstance<Node<LineageNodeData>> | null>(null);
  const canvasRef = useRef<HTMLDivElement | null>(null);
  const [canvas, setCanvas] = useState<{ width: number; height: number } | null>(null);
  const hasData = !!q.data;
  useLayoutEffect(() => {
    const el = canvasRef.current;
    if (el) setCanvas({ width: el.clientWidth, height: el.clientHeight });
  }, [hasData]);
  const opening = useMemo(() => (view && canvas ? openingViewport(view.pos, canvas) : null), [view, canvas]);
  const fitKey = q.isPlaceholderData || !q.data ? null : `${fetchExpand}|${s.focus}`;
  useEffect(() => {
    if (fitKey === null) return;
    const t = setTimeout(() => {
      const el = canvasRef.current;
      if (!flow.current || !el || !view) return;
      const o = openingViewport(view.pos, { width: el.clientWidth, height: el.clientHeight });
      if (o.fit) void flow.current.fitView({ duration: 200 });
      else void flow.current.setViewport({ x: o.x, y: o.y, zoom: o.zoom }, { duration: 200 });
    }, 50);
    return () => clearTimeout(t);
    // Only when the state shown changes (the graph object also changes with monitoring refreshes).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [fitKey]);

  const toggleExpand = (viewName: string) => {
    const next = new Set(expanded);
    if (next.has(viewName)) next.delete(viewName);
    else next.add(viewName);
    set({ expand: [...next].join(",") || undefined });
  };

  return (
    <>
      <PageHeader
        title="Lineage"
        subtitle="Sources and entities → feature view versions → features → feature services → models. Click a node for actions; double-click to open it."
        actions={
          <>
            {s.focus ? (
              <Button size="sm" onClick={() => set({ focus: undefined })}>
                Show whole graph
              </Button>
            ) : null}
            {expanded.size ? (
              <Button size="sm" onClick={() => set({ expand: undefined })}>
                Collapse all features
              </Button>
            ) : null}
          </>
        }
      />
      <QueryState query={q} skeleton={<Skeleton className="h-[70vh] w-full" />} isEmpty={(data) => data.nodes.length === 0} empty={(
          <Card>
            <EmptyState title="No lineage yet" next="Apply a feature repo with sources, feature views and services; the graph is built from the registry." />
          </Card>
        )}>
        {() => (
          <div className="relative">
            {view?.focusMissing ? <p className="mb-2 text-sm text-fg-muted">“{s.focus}” is not in the lineage graph; showing everything.</p> : null}
            <p className="mb-2 text-xs text-fg-muted" role="status">
              {s.focus ? `Focused on ${s.focus}: ` : ""}
              {view?.nodes.length} of {plural(view?.total ?? 0, "node")} shown{fetchExpand ? "" : " (features folded into their views)"}.
            </p>
            {/* The selection's actions sit above the canvas, in a row that is always there: over the
                canvas they covered nodes, and a row appearing on the first click of a double-click
                would move the graph under the pointer. */}
            <div className="mb-2 flex min-h-10 flex-wrap items-center gap-x-3 gap-y-2 rounded-lg border border-line bg-surface px-3 py-1.5 text-sm">
              {selected ? (
                <div role="dialog" aria-label={`Selected ${nodeLabel(selected)}`} className="flex min-w-0 flex-1 flex-wrap items-center gap-x-3 gap-y-2">
                  <p className="min-w-0 truncate">
                    <span className="text-xs text-fg-muted">{KIND_STYLE[selected.kind].label}</span>{" "}
                    <span className="font-semibold">{nodeLabel(selected)}</span>
                  </p>
                  <div className="flex flex-wrap gap-2">
                    {hrefOf(project, selected) ? (
                      <Button size="sm" variant="primary" onClick={() => router.push(hrefOf(project, selected)!)}>
                        Open
                      </Button>
                    ) : null}
                    <Button
                      size="sm"
                      onClick={() => {
                        set({ focus: focusKey(selected) });
                        setSelected(null);
                      }}
                    >
                      Focus
                    </Button>
                    {selected.kind === "view" ? (
                      <Button size="sm" onClick={() => toggleExpand(selected.view ?? selected.name)}>
                        {expanded.has(selected.view ?? selected.name) ? "Fold features" : "Show features"}
                      </Button>
                    ) : null}
                    <Button size="sm" variant="ghost" onClick={() => setSelected(null)}>
                      Close
                    </Button>
                  </div>
                </div>
              ) : (
                <p className="text-xs text-fg-muted">Select a node to open it, focus on its lineage or show its features.</p>
              )}
            </div>
            <div ref={canvasRef} className="h-[70vh] overflow-hidden rounded-lg border border-line bg-canvas" data-testid="lineage-canvas">
              {opening ? (
              <ReactFlow
                nodes={shown?.nodes ?? []}
                edges={shown?.edges ?? []}
                nodeTypes={nodeTypes}
                fitView={opening.fit}
                defaultViewport={opening.fit ? undefined : { x: opening.x, y: opening.y, zoom: opening.zoom }}
                onInit={(instance) => {
                  flow.current = instance;
                }}
                onPaneClick={() => setSelected(null)}
                zoomOnDoubleClick={false}
                minZoom={0.05}
                nodesDraggable={false}
                nodesConnectable={false}
                // Edges are drawn, not used: no tab stop and no invisible 20 px hit path per edge
                // (a 500-view project has 1,000 edges).
                edgesFocusable={false}
                defaultEdgeOptions={EDGE_OPTIONS}
                onlyRenderVisibleElements
                onNodeClick={(_, n) => setSelected((n.data as LineageNodeData).node)}
                onNodeDoubleClick={(_, n) => {
                  const href = hrefOf(project, (n.data as LineageNodeData).node);
                  if (href) router.push(href);
                }}
                proOptions={{ hideAttribution: true }}
              >
                <Background gap={24} color="var(--line)" />
                <Controls showInteractive={false} />
                <MiniMap pannable zoomable nodeColor={(n) => KIND_STYLE[(n.data as LineageNodeData).node.kind].mini} maskColor="rgb(100 116 139 / 0.15)" />
              </ReactFlow>
              ) : null}
            </div>
            <ul className="mt-2 flex flex-wrap gap-3 text-xs text-fg-muted" aria-label="Legend">
              {Object.entries(KIND_STYLE).map(([k, v]) => (
                <li key={k} className="inline-flex items-center gap-1">
                  <span aria-hidden className="inline-block size-2.5 rounded-sm" style={{ background: v.mini }} /> {v.label}
                </li>
              ))}
            </ul>
          </div>
        )}
      </QueryState>
    </>
  );
}
