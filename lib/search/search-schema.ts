// Contract of catalog search: the query (filters may repeat: `?tag=team:risk&tag=pii:false`) and
// the result with facets. Free of server-only imports so the console can share the types.
import "server-only";
import { z } from "zod";

export const SEARCH_KINDS = ["feature_view", "feature", "feature_service", "model", "entity", "source"] as const;
export const FACETS = ["project", "kind", "entity", "owner", "tag", "dtype"] as const;
export type Facet = (typeof FACETS)[number];

/** A filter that may be given once or repeated; values within one filter are OR-ed. */
const multi = (description: string) =>
  z
    .union([z.string().min(1), z.array(z.string().min(1))])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .optional()
    .meta({ description });

export const SearchQuery = z
  .object({
    q: z.string().max(200, "q must be at most 200 characters").optional().meta({ description: "Words, a name or a typo of one." }),
    kind: z
      .union([z.enum(SEARCH_KINDS), z.array(z.enum(SEARCH_KINDS))])
      .transform((v) => (Array.isArray(v) ? v : [v]))
      .optional()
      .meta({ description: `Object kinds: ${SEARCH_KINDS.join(", ")}.` }),
    project: multi("Project names."),
    entity: multi("Entity names."),
    owner: multi("Owners."),
    tag: multi("Tags as key:value."),
    dtype: multi("Feature dtypes, e.g. float64."),
    limit: z.coerce.number().int().min(1, "limit must be at least 1").max(100, "limit must be at most 100").default(20),
    offset: z.coerce.number().int().min(0, "offset must be 0 or more").default(0),
  })
  .strict();
export type SearchQuery = z.output<typeof SearchQuery>;

export const SearchHit = z
  .object({
    kind: z.enum(SEARCH_KINDS),
    project: z.string(),
    name: z.string(),
    /** `view:feature` for features, the name otherwise. */
    qualifiedName: z.string(),
    viewName: z.string().nullable(),
    description: z.string(),
    owner: z.string(),
    tags: z.record(z.string(), z.string()),
    entities: z.array(z.string()),
    dtype: z.string().nullable(),
    score: z.number(),
    /** Why it matched: the rank tier. */
    match: z.enum(["exact", "prefix", "fuzzy", "text", "all"]),
    updatedAt: z.string(),
    href: z.string(),
    /** Feature views and features: the view's monitoring state (docs/monitoring.md). */
    state: z.enum(["fresh", "stale", "failing", "unknown"]).optional(),
  })
  .meta({ id: "SearchHit" });
export type SearchHit = z.infer<typeof SearchHit>;

const FacetValues = z.array(z.object({ value: z.string(), count: z.number().int() }));

export const SearchResult = z
  .object({
    query: z.string(),
    items: z.array(SearchHit),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
    /** Counts of every facet value over the matches (most frequent first), each facet with every filter applied except its own. */
    facets: z.object({
      project: FacetValues,
      kind: FacetValues,
      entity: FacetValues,
      owner: FacetValues,
      tag: FacetValues,
      dtype: FacetValues,
    }),
    tookMs: z.number(),
  })
  .meta({ id: "SearchResult" });
export type SearchResult = z.infer<typeof SearchResult>;
