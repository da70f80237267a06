// The plan `larder plan` prints and `POST …/plan` returns: exactly what apply would do.
import "server-only";
import { z } from "zod";

export const PLAN_ACTIONS = [
  "create",
  /** Feature views only: a value-relevant change creates version n+1. */
  "new_version",
  /** Metadata edited in place (description, owner, tags, materialization, feature descriptions). */
  "update",
  "unchanged",
  /** An archived object that is back in the repo. */
  "restore",
  /** In the registry, not in the repo, and prune was requested. */
  "archive",
  /** In the registry, not in the repo; kept because prune was not requested. */
  "would_archive_with_prune",
] as const;
export type PlanAction = (typeof PLAN_ACTIONS)[number];

export const PLAN_KINDS = ["project", "entity", "source", "feature_view", "feature_service", "model"] as const;
export type PlanKind = (typeof PLAN_KINDS)[number];

export const PlanChange = z.object({
  kind: z.enum(PLAN_KINDS),
  name: z.string(),
  action: z.enum(PLAN_ACTIONS),
  /** Which fields changed: value parts for new versions (`transform`, `features`, `source` …), metadata for updates. */
  fields: z.array(z.string()),
  /** Feature views: the latest version before and after apply. */
  fromVersion: z.number().int().nullable().optional(),
  toVersion: z.number().int().nullable().optional(),
});
export type PlanChange = z.infer<typeof PlanChange>;

export const PlanConflict = z.object({
  kind: z.enum(PLAN_KINDS),
  name: z.string(),
  reason: z.string(),
  /** `feature_service churn_v1`, `model churn_model` … */
  dependents: z.array(z.string()),
});
export type PlanConflict = z.infer<typeof PlanConflict>;

export const Plan = z.object({
  project: z.string(),
  prune: z.boolean(),
  changes: z.array(PlanChange),
  /** Archives that apply refuses because something that stays depends on the object (409). */
  conflicts: z.array(PlanConflict),
  warnings: z.array(z.string()),
  summary: z.record(z.string(), z.number().int()),
  /** False when apply would change nothing. */
  hasChanges: z.boolean(),
});
export type Plan = z.infer<typeof Plan>;

export const ApplyResult = z.object({
  plan: Plan,
  applied: z.boolean(),
  /** Latest version of every feature view in the repo after apply. */
  versions: z.array(z.object({ view: z.string(), version: z.number().int() })),
});
export type ApplyResult = z.infer<typeof ApplyResult>;

/** Body of PATCH …/feature-views/{view}: metadata edited in place. */
export const ViewMetadataPatch = z
  .object({
    description: z.string().max(10_000).optional(),
    owner: z.string().max(500).optional(),
    tags: z.record(z.string(), z.string()).optional(),
  })
  .strict();
export type ViewMetadataPatch = z.infer<typeof ViewMetadataPatch>;

/** A feature view's metadata after PATCH …/feature-views/{view}. */
export const ViewMetadata = z.object({
  name: z.string(),
  description: z.string(),
  owner: z.string(),
  tags: z.record(z.string(), z.string()),
  restricted: z.boolean(),
  latestVersion: z.number().int(),
  changed: z.array(z.string()),
});
export type ViewMetadata = z.infer<typeof ViewMetadata>;
