// Shapes of the online read (Feast's get-online-features request and response) and what one read
// fetched; shared by the read's parts (lib/online/get-online-features.ts orchestrates them).
import "server-only";
import type { OnlinePlan } from "./read-plan";

/** An entity value as parsed from the request (lib/shared/exact-json.ts: an int64 beyond 2^53 is a BigInt). */
export type EntityValue = string | number | boolean | bigint;

export interface OnlineFeaturesRequest {
  features?: string[];
  feature_service?: string;
  entities: Record<string, EntityValue[]>;
  full_feature_names?: boolean;
  /** Feast's flag; accepted and ignored (Feast's JSON answer does not carry the metadata either). */
  include_feature_view_version_metadata?: boolean;
  /** Larder extension: report each view's freshness in `metadata.staleness` (docs/monitoring.md). */
  include_staleness?: boolean;
}

/** `metadata.staleness[view]` when the request asked for it. */
export interface ViewStaleness {
  materialized_until: string | null;
  newest_event_time: string | null;
  last_success_at: string | null;
  /** Null when the view has no freshness objective (no `freshness`, no schedule). */
  freshness_objective_seconds: number | null;
  stale: boolean | null;
}

export type FeatureStatus = "PRESENT" | "NOT_FOUND" | "NULL_VALUE" | "OUTSIDE_MAX_AGE";

export interface OnlineFeaturesResponse {
  metadata: { feature_names: string[]; staleness?: Record<string, ViewStaleness> };
  results: { values: unknown[]; statuses: FeatureStatus[]; event_timestamps: string[] }[];
}

export const EPOCH_ISO = "1970-01-01T00:00:00Z";
/** Entity rows one online request may ask for (Feast has no limit; Redis pipelines this fine). */
export const MAX_ONLINE_ENTITY_ROWS = 10_000;

/** What one online read fetched: the plan, the request, and each group's script replies. */
export interface OnlineRead {
  plan: OnlinePlan;
  req: OnlineFeaturesRequest;
  n: number;
  /** Join key → canonical key texts of the request's values (read-request.ts). */
  keyTexts: Record<string, string[]>;
  /** chunks[group][c] = the read script's answer for entities c·READ_CHUNK.. (readLua). */
  chunks: (string | Buffer)[][];
  /** Read time, epoch µs (ttl is enforced against it). */
  nowUs: number;
}
