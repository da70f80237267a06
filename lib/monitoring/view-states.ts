// The monitoring state of views (fresh, stale, failing, unknown) for search results and lineage
// nodes, from the stored conditions the monitor keeps current (every MONITOR_INTERVAL_MS and after
// each job): one query per request, not an evaluation. The health report evaluates live.
import "server-only";
import { db } from "../db/client";
import type { LineageGraph } from "../lineage/lineage-schema";
import type { SearchResult } from "../search/search-schema";
import type { ViewState } from "./health-schema";

/** project name → view name → state, for the views that have stored conditions. */
export async function storedViewStates(projectNames: string[]): Promise<Map<string, Map<string, ViewState>>> {
  const out = new Map<string, Map<string, ViewState>>();
  if (!projectNames.length) return out;
  const rows = await db().monitorCondition.findMany({
    where: { project: { name: { in: projectNames } }, viewName: { not: null }, kind: { in: ["job_failed", "stale", "rule_failed"] } },
    select: { kind: true, firing: true, viewName: true, evidence: true, project: { select: { name: true } } },
  });
  const rank: Record<ViewState, number> = { unknown: 0, fresh: 1, stale: 2, failing: 3 };
  for (const r of rows) {
    const views = out.get(r.project.name) ?? new Map<string, ViewState>();
    out.set(r.project.name, views);
    const failRule = r.kind === "rule_failed" && r.firing && ((r.evidence as { results?: { status: string }[] })?.results ?? []).some((x) => x.status === "fail");
    const state: ViewState = (r.kind === "job_failed" && r.firing) || failRule ? "failing" : r.kind === "stale" && r.firing ? "stale" : r.kind === "rule_failed" ? "unknown" : "fresh";
    const prev = views.get(r.viewName!) ?? "unknown";
    if (rank[state] > rank[prev]) views.set(r.viewName!, state);
  }
  return out;
}

/** Lineage with `state` on feature_view and feature nodes of the views' latest versions. */
export async function withLineageStates(projectName: string, graph: LineageGraph): Promise<LineageGraph> {
  const states = (await storedViewStates([projectName])).get(projectName) ?? new Map<string, ViewState>();
  return {
    ...graph,
    nodes: graph.nodes.map((n) => {
      if ((n.kind !== "feature_view" && n.kind !== "feature") || n.isLatest === false || n.archived) return n;
      const view = n.kind === "feature_view" ? n.name : n.view;
      return view ? { ...n, state: states.get(view) ?? "unknown" } : n;
    }),
  };
}

/** Search results with `state` on feature view and feature hits. */
export async function withSearchStates(result: SearchResult): Promise<SearchResult> {
  const projects = [...new Set(result.items.filter((h) => h.kind === "feature_view" || h.kind === "feature").map((h) => h.project))];
  const states = await storedViewStates(projects);
  return {
    ...result,
    items: result.items.map((h) => {
      if (h.kind !== "feature_view" && h.kind !== "feature") return h;
      const view = h.kind === "feature_view" ? h.name : h.viewName;
      return view ? { ...h, state: states.get(h.project)?.get(view) ?? "unknown" } : h;
    }),
  };
}
