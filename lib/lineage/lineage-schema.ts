// Lineage graph shapes: nodes `{ id, kind, name, label, version?, archived, href }` and edges
// `{ id, source, target }` flowing source → view version → feature → feature service → model
// (and entity → view version). Free of server-only imports so the console can share the types.
import "server-only";
import { z } from "zod";

export const LINEAGE_KINDS = ["source", "entity", "feature_view", "feature", "feature_service", "model"] as const;
export type LineageKind = (typeof LINEAGE_KINDS)[number];

export const LineageNode = z
  .object({
    /** `source:transactions`, `entity:customer`, `feature_view:customer_spend@v2`,
     * `feature:customer_spend@v2:amount_sum_7d`, `feature_service:churn_v1`, `model:churn_model`. */
    id: z.string(),
    kind: z.enum(LINEAGE_KINDS),
    name: z.string(),
    label: z.string(),
    /** View version (feature_view and feature nodes). */
    version: z.number().int().optional(),
    /** For features: the view they belong to. */
    view: z.string().optional(),
    /** The object (or, for versions and features, its view) is archived. */
    archived: z.boolean(),
    /** feature_view and feature nodes: whether this is the latest version of the view. */
    isLatest: z.boolean().optional(),
    href: z.string(),
    /** feature_view nodes: how many features the version has (shown or folded). */
    featureCount: z.number().int().optional(),
    /** Latest-version feature_view and feature nodes: the view's monitoring state (docs/monitoring.md). */
    state: z.enum(["fresh", "stale", "failing", "unknown"]).optional(),
  })
  .meta({ id: "LineageNode" });
export type LineageNode = z.infer<typeof LineageNode>;

export const LineageEdge = z.object({ id: z.string(), source: z.string(), target: z.string() }).meta({ id: "LineageEdge" });
export type LineageEdge = z.infer<typeof LineageEdge>;

export const LineageGraph = z
  .object({
    nodes: z.array(LineageNode),
    edges: z.array(LineageEdge),
    /** The node asked for (per-node lineage only). */
    root: z.string().optional(),
  })
  .meta({ id: "LineageGraph" });
export type LineageGraph = z.infer<typeof LineageGraph>;

export const LineageQuery = z
  .object({
    includeArchived: z
      .stringbool({ error: 'includeArchived must be "true" or "false"' })
      .default(false)
      .meta({ description: "Also include archived objects." }),
  })
  .strict();

/** The project graph's query: the node lineage's plus whether feature nodes are folded into their views. */
export const ProjectLineageQuery = LineageQuery.extend({
  features: z
    .enum(["all", "folded"], { message: "features must be all or folded" })
    .default("all")
    .meta({
      description:
        "all = a node per feature of every view version; folded = feature nodes only for the views named in expand, the others' features counted on their version node (featureCount) and their edges to feature services drawn from the version node.",
    }),
  expand: z
    .string()
    .max(20_000, "expand is too long: name at most a few hundred views")
    .optional()
    .transform((v) => [...new Set((v ?? "").split(",").map((x) => x.trim()).filter(Boolean))])
    .meta({ description: "With features=folded: comma-separated view names whose feature nodes are shown." }),
});
export type ProjectLineageQuery = z.output<typeof ProjectLineageQuery>;

export const NodeLineageQuery = LineageQuery.extend({
  direction: z
    .enum(["up", "down", "both"], { message: "direction must be up, down or both" })
    .default("both")
    .meta({ description: "up = what the node is built from, down = what uses it." }),
  depth: z.coerce
    .number({ error: "depth must be a whole number" })
    .int("depth must be a whole number")
    .min(1, "depth must be at least 1")
    .max(20, "depth must be at most 20")
    .default(10),
});
export type NodeLineageQuery = z.output<typeof NodeLineageQuery>;
