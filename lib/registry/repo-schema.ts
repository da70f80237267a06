// The feature repo format (docs/materialization.md, "Time semantics"): one zod schema validates the YAML, produces the JSON Schema
// in docs/, and types the registry. Structural checks live here; cross-object checks (references,
// duplicates, DuckDB parsing of transforms) live in validate-repo.ts.
import "server-only";
import { z } from "zod";
import { DURATION_PATTERN } from "./duration";

export const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
const name = z
  .string()
  .regex(NAME_PATTERN, "must start with a letter or _ and contain only letters, digits and _")
  .max(128);

export const SCALAR_DTYPES = ["int32", "int64", "float32", "float64", "string", "bool", "timestamp", "bytes"] as const;
export const LIST_DTYPES = ["list<int32>", "list<int64>", "list<float32>", "list<float64>", "list<string>"] as const;
export const DTYPES = [...SCALAR_DTYPES, ...LIST_DTYPES] as const;
export const Dtype = z.enum(DTYPES, { message: `must be one of ${DTYPES.join(", ")}` });
export type Dtype = z.infer<typeof Dtype>;

export const Duration = z.string().regex(DURATION_PATTERN, 'must be a duration like "30m", "1h", "7d" or "2w"');

export const AGGREGATION_FUNCTIONS = ["sum", "count", "avg", "min", "max", "stddev", "last"] as const;
export const AggregationFunction = z.enum(AGGREGATION_FUNCTIONS);

const tags = z.record(z.string(), z.string()).default({});
const meta = {
  description: z.string().default(""),
  owner: z.string().default(""),
  tags,
};

export const JoinKey = z.object({ name, dtype: Dtype }).strict();

export const EntityDef = z
  .object({ name, join_keys: z.array(JoinKey).min(1, "an entity needs at least one join key"), ...meta })
  .strict();

export const ColumnDef = z.object({ name, dtype: Dtype }).strict();

const sourceBase = {
  name,
  timestamp_field: name,
  created_timestamp_field: name.optional(),
  ...meta,
};

export const FileSourceDef = z
  .object({
    ...sourceBase,
    kind: z.enum(["parquet", "csv"]),
    /** File, glob or s3:// URI; relative paths are relative to the repo folder. */
    path: z.string().min(1),
  })
  .strict();

export const PostgresSourceDef = z
  .object({
    ...sourceBase,
    kind: z.literal("postgres"),
    /** Name of a server-side connection (SOURCE_CONNECTIONS); never a password in the repo. */
    connection: name,
    table: z.string().min(1).optional(),
    query: z.string().min(1).optional(),
  })
  .strict()
  .refine((s) => (s.table ? 1 : 0) + (s.query ? 1 : 0) === 1, { message: "a postgres source needs exactly one of table or query" });

export const PushSourceDef = z
  .object({
    ...sourceBase,
    kind: z.literal("push"),
    /** Columns pushed rows must have (besides the timestamps). */
    schema: z.array(ColumnDef).min(1, "a push source declares the columns of pushed rows"),
  })
  .strict();

export const SourceDef = z.union([FileSourceDef, PostgresSourceDef, PushSourceDef]);

export const FeatureDef = z.object({ name, dtype: Dtype, description: z.string().default("") }).strict();

export const AggregationDef = z
  .object({
    column: name,
    function: AggregationFunction,
    windows: z.array(Duration).min(1),
    /** Overrides the derived dtype (count → int64, others → float64). */
    dtype: Dtype.optional(),
    description: z.string().default(""),
  })
  .strict();

export const MaterializationDef = z
  .object({
    online: z.boolean().default(true),
    offline: z.boolean().default(true),
    /** Cron expression for materialize-incremental, e.g. "0 * * * *". */
    schedule: z.string().min(1).optional(),
  })
  .strict();

const OnFail = z.enum(["warn", "fail"]).default("warn").meta({ description: "warn: record and alert; fail: fail the job, leaving both stores as they were" });
const finiteNumber = z.number().refine(Number.isFinite, { message: "must be a finite number" });
const fraction = z.number().min(0, "must be between 0 and 1").max(1, "must be between 0 and 1");

/** Data-quality rules of one feature (checked per materialized partition, docs/monitoring.md). */
export const FeatureRulesDef = z
  .object({
    not_null: z.boolean().optional().meta({ description: "No null values (same as max_null_fraction: 0)." }),
    max_null_fraction: fraction.optional(),
    min: finiteNumber.optional().meta({ description: "Every non-null value ≥ min (numeric features)." }),
    max: finiteNumber.optional().meta({ description: "Every non-null value ≤ max (numeric features)." }),
    allowed_values: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1).optional().meta({ description: "Every non-null value is one of these." }),
    unique: z.boolean().optional().meta({ description: "No value occurs twice in a partition (ids)." }),
    on_fail: OnFail,
  })
  .strict()
  .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, { message: "min must not be above max" });

export const DRIFT_REFERENCE_PATTERN = /^(previous|window:\d{4}-\d{2}-\d{2}|version:[1-9]\d*)$/;

/** Monitoring of a feature view: rules per partition, rules per feature, drift (docs/monitoring.md). */
export const MonitoringDef = z
  .object({
    row_count: z
      .object({ min: z.number().int().min(0).optional(), max: z.number().int().min(0).optional(), on_fail: OnFail })
      .strict()
      .refine((r) => r.min !== undefined || r.max !== undefined, { message: "give min, max or both" })
      .optional()
      .meta({ description: "Rows per materialized date partition." }),
    late_rows: z
      .object({ after: Duration, max_fraction: fraction, on_fail: OnFail })
      .strict()
      .optional()
      .meta({ description: "Rows whose created timestamp is more than `after` past their event timestamp; needs the source's created_timestamp_field." }),
    unique_keys: z
      .object({ on_fail: OnFail })
      .strict()
      .optional()
      .meta({ description: "No two rows share join keys and event timestamp within a partition." }),
    features: z.record(name, FeatureRulesDef).default({}),
    drift: z
      .object({
        reference: z
          .string()
          .regex(DRIFT_REFERENCE_PATTERN, 'must be "previous", "window:YYYY-MM-DD" or "version:N"')
          .default("previous"),
        threshold: z.number().positive().default(0.2).meta({ description: "PSI above which a feature drifts (0.1 moderate, 0.25 large)." }),
        min_values: z.number().int().min(1).default(100).meta({ description: "Non-null values a partition and its reference need for a PSI (fewer: not measured; PSI of small samples is noise)." }),
        features: z.array(name).optional().meta({ description: "Only these features (default: every numeric, string and bool feature)." }),
      })
      .strict()
      .optional(),
  })
  .strict();

export const FeatureViewDef = z
  .object({
    name,
    entities: z.array(name).min(1, "a feature view describes at least one entity"),
    source: name,
    ttl: Duration.optional(),
    transform: z.string().min(1).optional(),
    features: z.array(FeatureDef).default([]),
    aggregations: z.array(AggregationDef).default([]),
    materialization: MaterializationDef.default({ online: true, offline: true }),
    /** Freshness objective (default: from the schedule). */
    freshness: Duration.optional().meta({ description: "Stale when the newest materialized event time or the last successful run is older than this (default: twice the schedule's interval)." }),
    monitoring: MonitoringDef.optional(),
    ...meta,
  })
  .strict()
  .refine((v) => v.features.length + v.aggregations.length > 0, { message: "a feature view needs features or aggregations" });

export const FeatureServiceDef = z.object({ name, features: z.array(z.string().min(1)).min(1), ...meta }).strict();

export const ModelDef = z.object({ name, feature_services: z.array(name).min(1), ...meta }).strict();

/** One YAML file of a repo. Every part is optional so definitions can be split across files. */
export const RepoFileDef = z
  .object({
    project: name.optional(),
    description: z.string().optional(),
    entities: z.array(EntityDef).default([]),
    sources: z.array(SourceDef).default([]),
    feature_views: z.array(FeatureViewDef).default([]),
    feature_services: z.array(FeatureServiceDef).default([]),
    models: z.array(ModelDef).default([]),
  })
  .strict();

/** A whole repo as sent to POST /projects/{p}/plan and /apply (the files merged). */
export const RepoDef = z
  .object({
    project: name,
    description: z.string().default(""),
    entities: z.array(EntityDef).default([]),
    sources: z.array(SourceDef).default([]),
    feature_views: z.array(FeatureViewDef).default([]),
    feature_services: z.array(FeatureServiceDef).default([]),
    models: z.array(ModelDef).default([]),
  })
  .strict();

export type EntityDef = z.infer<typeof EntityDef>;
export type SourceDef = z.infer<typeof SourceDef>;
export type FeatureDef = z.infer<typeof FeatureDef>;
export type AggregationDef = z.infer<typeof AggregationDef>;
export type FeatureViewDef = z.infer<typeof FeatureViewDef>;
export type MonitoringDef = z.infer<typeof MonitoringDef>;
export type FeatureRulesDef = z.infer<typeof FeatureRulesDef>;
export type FeatureServiceDef = z.infer<typeof FeatureServiceDef>;
export type ModelDef = z.infer<typeof ModelDef>;
export type RepoDef = z.infer<typeof RepoDef>;
export type RepoInput = z.input<typeof RepoDef>;

/** Output name of an aggregation over one window: `amount_sum_7d`. */
export function aggregationFeatureName(a: Pick<AggregationDef, "column" | "function">, window: string): string {
  return `${a.column}_${a.function}_${window}`;
}

export function aggregationDtype(a: Pick<AggregationDef, "function" | "dtype">): Dtype {
  return a.dtype ?? (a.function === "count" ? "int64" : "float64");
}

/** Restricted views expose values only to members granted them explicitly (docs/access-control.md). */
export function isRestricted(tags: Record<string, string>): boolean {
  return ["true", "yes", "1"].includes((tags.restricted ?? "").toLowerCase());
}
