// What the registry read API returns: one zod schema per shape. The use cases in lib/registry
// produce exactly these types, the endpoint contracts use them as response schemas, and the
// OpenAPI document is generated from them.
import "server-only";
import { z } from "zod";
import { ROLES } from "../auth/permissions";

const Timestamp = z.string().meta({ format: "date-time", example: "2025-01-31T12:00:00.000Z" });
export const Tags = z.record(z.string(), z.string());
export const JoinKeyOut = z.object({ name: z.string(), dtype: z.string() });

/** Console URL of an object, so API clients (and search, lineage) can link to it. */
const Href = z.string().meta({ description: "Path of the object's page in the console." });

const common = {
  name: z.string(),
  description: z.string(),
  owner: z.string(),
  tags: Tags,
  createdAt: Timestamp,
  updatedAt: Timestamp,
  archived: z.boolean(),
  archivedAt: Timestamp.nullable(),
  href: Href,
};

export const ProjectCounts = z.object({
  entities: z.number().int(),
  sources: z.number().int(),
  featureViews: z.number().int(),
  features: z.number().int().meta({ description: "Features of the latest versions of active views." }),
  featureServices: z.number().int(),
  models: z.number().int(),
});

export const ProjectOut = z
  .object({
    name: z.string(),
    description: z.string(),
    /** null when the caller sees the project only as an instance administrator. */
    role: z.enum(ROLES).nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    lastActivityAt: Timestamp.nullable().meta({ description: "Latest audited change (apply, edit, access) or job of the project; null when there has been none." }),
    counts: ProjectCounts,
    href: Href,
  })
  .meta({ id: "Project" });

export const EntityOut = z
  .object({ ...common, joinKeys: z.array(JoinKeyOut) })
  .meta({ id: "Entity" });

export const ViewRef = z.object({ name: z.string(), latestVersion: z.number().int(), href: Href });

export const EntityDetailOut = EntityOut.extend({
  featureViews: z.array(ViewRef).meta({ description: "Active views whose latest version describes this entity." }),
}).meta({ id: "EntityDetail" });

export const SourceOut = z
  .object({
    ...common,
    kind: z.enum(["parquet", "csv", "postgres", "push"]),
    timestampField: z.string(),
    createdTimestampField: z.string().nullable(),
    definition: z.record(z.string(), z.unknown()),
  })
  .meta({ id: "Source" });

export const SourceDetailOut = SourceOut.extend({
  featureViews: z.array(ViewRef).meta({ description: "Active views whose latest version reads this source." }),
}).meta({ id: "SourceDetail" });

export const MaterializationOut = z.object({
  online: z.boolean(),
  offline: z.boolean(),
  schedule: z.string().optional(),
});

export const FeatureOut = z
  .object({
    name: z.string(),
    dtype: z.string(),
    description: z.string(),
    kind: z.enum(["field", "aggregation"]),
    aggregation: z.record(z.string(), z.unknown()).nullable(),
    position: z.number().int(),
  })
  .meta({ id: "Feature" });

export const Freshness = z.object({
  /** End of the latest materialized interval of the latest version (null: never materialized). */
  materializedUntil: Timestamp.nullable(),
  /** When the latest materialized interval was recorded. */
  lastMaterializedAt: Timestamp.nullable(),
});

export const FeatureViewSummaryOut = z
  .object({
    ...common,
    restricted: z.boolean(),
    latestVersion: z.number().int(),
    versionsCount: z.number().int(),
    entities: z.array(z.string()),
    source: z.string(),
    ttlSeconds: z.number().int().nullable(),
    featuresCount: z.number().int(),
    materialization: MaterializationOut,
    freshness: Freshness,
  })
  .meta({ id: "FeatureViewSummary" });

export const FeatureViewVersionOut = z
  .object({
    view: z.string(),
    version: z.number().int(),
    isLatest: z.boolean(),
    definitionHash: z.string(),
    sourceName: z.string(),
    entityNames: z.array(z.string()),
    ttlSeconds: z.number().int().nullable(),
    transform: z.string().nullable(),
    materialization: MaterializationOut,
    definition: z.record(z.string(), z.unknown()),
    createdAt: Timestamp,
    createdBy: z.string(),
    /** createdBy for people: an API token by its name instead of its id. */
    createdByLabel: z.string(),
    features: z.array(FeatureOut),
    href: Href,
  })
  .meta({ id: "FeatureViewVersion" });

export const ServiceRef = z.object({ name: z.string(), href: Href, archived: z.boolean() });
export const ModelRef = z.object({ name: z.string(), href: Href, archived: z.boolean(), via: z.array(z.string()) });

export const FeatureViewDetailOut = FeatureViewSummaryOut.extend({
  /** Newest first. */
  versions: z.array(FeatureViewVersionOut),
  usedBy: z.object({ featureServices: z.array(ServiceRef), models: z.array(ModelRef) }),
}).meta({ id: "FeatureViewDetail" });

export const FeatureListItemOut = z
  .object({
    view: z.string(),
    version: z.number().int(),
    name: z.string(),
    /** `view:feature` — how feature services reference it. */
    qualifiedName: z.string(),
    dtype: z.string(),
    description: z.string(),
    kind: z.enum(["field", "aggregation"]),
    aggregation: z.record(z.string(), z.unknown()).nullable(),
    entities: z.array(z.string()),
    owner: z.string(),
    tags: Tags,
    restricted: z.boolean(),
    createdAt: Timestamp,
    href: Href,
  })
  .meta({ id: "FeatureListItem" });

export const ResolvedFeatureOut = z.object({
  /** The reference as resolved, always pinned: `view@v2:feature`. */
  ref: z.string(),
  view: z.string(),
  version: z.number().int(),
  /** false = the service follows the latest version of the view. */
  pinned: z.boolean(),
  name: z.string(),
  dtype: z.string().nullable(),
  kind: z.string().nullable(),
  description: z.string(),
  /** false when the view or version no longer has this feature (should not happen after apply). */
  exists: z.boolean(),
  href: Href,
});

export const FeatureServiceOut = z
  .object({
    ...common,
    featureRefs: z.array(z.string()),
    featuresCount: z.number().int(),
    models: z.array(z.string()),
  })
  .meta({ id: "FeatureService" });

export const FeatureServiceDetailOut = FeatureServiceOut.extend({
  features: z.array(ResolvedFeatureOut),
  modelRefs: z.array(ServiceRef),
}).meta({ id: "FeatureServiceDetail" });

export const ModelOut = z
  .object({ ...common, featureServices: z.array(z.string()) })
  .meta({ id: "Model" });

export const ModelDetailOut = ModelOut.extend({
  featureServiceRefs: z.array(ServiceRef.extend({ featuresCount: z.number().int() })),
  /** Every feature the model reads, deduplicated, in service order. */
  features: z.array(ResolvedFeatureOut),
}).meta({ id: "ModelDetail" });

export type ProjectOut = z.infer<typeof ProjectOut>;
export type EntityOut = z.infer<typeof EntityOut>;
export type EntityDetailOut = z.infer<typeof EntityDetailOut>;
export type SourceOut = z.infer<typeof SourceOut>;
export type SourceDetailOut = z.infer<typeof SourceDetailOut>;
export type FeatureOut = z.infer<typeof FeatureOut>;
export type FeatureViewSummaryOut = z.infer<typeof FeatureViewSummaryOut>;
export type FeatureViewVersionOut = z.infer<typeof FeatureViewVersionOut>;
export type FeatureViewDetailOut = z.infer<typeof FeatureViewDetailOut>;
export type FeatureListItemOut = z.infer<typeof FeatureListItemOut>;
export type ResolvedFeatureOut = z.infer<typeof ResolvedFeatureOut>;
export type FeatureServiceOut = z.infer<typeof FeatureServiceOut>;
export type FeatureServiceDetailOut = z.infer<typeof FeatureServiceDetailOut>;
export type ModelOut = z.infer<typeof ModelOut>;
export type ModelDetailOut = z.infer<typeof ModelDetailOut>;
