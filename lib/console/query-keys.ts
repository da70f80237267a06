// Query-key factory: every TanStack Query key of the console is built here, so invalidation after
// a mutation can target exactly the lists and details it changed.
import type { QueryValue } from "./api-client";

type Q = Record<string, QueryValue>;

export const qk = {
  me: () => ["me"] as const,
  projects: () => ["projects"] as const,
  project: (p: string) => ["project", p] as const,
  /** Catalog lists of one kind: entities, sources, feature-views, features, feature-services, models. */
  list: (p: string, kind: string, query: Q = {}) => ["project", p, "list", kind, query] as const,
  lists: (p: string) => ["project", p, "list"] as const,
  object: (p: string, kind: string, name: string) => ["project", p, "object", kind, name] as const,
  featureView: (p: string, view: string) => ["project", p, "object", "feature-views", view] as const,
  stats: (p: string, view: string, version: number) => ["project", p, "stats", view, version] as const,
  intervals: (p: string, view: string) => ["project", p, "intervals", view] as const,
  preview: (p: string, view: string, version: number, query: Q) => ["project", p, "preview", view, version, query] as const,
  exampleEntities: (p: string, query: Q) => ["project", p, "example-entities", query] as const,
  sourcePreview: (p: string, source: string) => ["project", p, "source-preview", source] as const,
  /** `expand`: the views whose feature nodes are fetched (the rest come folded). */
  lineage: (p: string, expand = "") => ["project", p, "lineage", expand] as const,
  search: (query: Q) => ["search", query] as const,
  jobs: (query: Q = {}) => ["jobs", query] as const,
  allJobs: () => ["jobs"] as const,
  job: (id: string) => ["job", id] as const,
  members: (p: string) => ["project", p, "members"] as const,
  tokens: (p: string) => ["project", p, "tokens"] as const,
  alerts: (p: string) => ["project", p, "alerts"] as const,
  audit: (p: string) => ["project", p, "audit"] as const,
};
