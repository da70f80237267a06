// A view's freshness objective and monitoring block (repo-schema.ts `freshness`, `monitoring`)
// compiled into what FeatureViewVersion.monitoring stores and the checks read (docs/monitoring.md).
// Edited in place like `materialization`: changing a rule creates no new version.
import "server-only";
import { parseDuration } from "./duration";
import { aggregationFeatureName, type FeatureViewDef } from "./repo-schema";

export type OnFail = "warn" | "fail";

export interface FeatureRules {
  /** 0 for not_null. */
  maxNullFraction?: number;
  min?: number;
  max?: number;
  allowedValues?: string[];
  unique?: boolean;
  onFail: OnFail;
}

export interface MonitoringConfig {
  /** Declared freshness objective in seconds (null: derived from the schedule, see freshness.ts). */
  freshnessSeconds: number | null;
  rowCount?: { min?: number; max?: number; onFail: OnFail };
  lateRows?: { afterSeconds: number; maxFraction: number; onFail: OnFail };
  uniqueKeys?: { onFail: OnFail };
  features: Record<string, FeatureRules>;
  /** reference: "previous" | "window:YYYY-MM-DD" | "version:N". */
  drift?: { reference: string; threshold: number; minValues?: number; features?: string[] };
}

export const NO_MONITORING: MonitoringConfig = { freshnessSeconds: null, features: {} };

export function compileMonitoring(view: Pick<FeatureViewDef, "freshness" | "monitoring">): MonitoringConfig {
  const m = view.monitoring;
  const out: MonitoringConfig = { freshnessSeconds: view.freshness ? parseDuration(view.freshness) : null, features: {} };
  if (!m) return out;
  if (m.row_count) out.rowCount = { min: m.row_count.min, max: m.row_count.max, onFail: m.row_count.on_fail };
  if (m.late_rows) out.lateRows = { afterSeconds: parseDuration(m.late_rows.after) ?? 0, maxFraction: m.late_rows.max_fraction, onFail: m.late_rows.on_fail };
  if (m.unique_keys) out.uniqueKeys = { onFail: m.unique_keys.on_fail };
  for (const [name, r] of Object.entries(m.features)) {
    const maxNull = r.not_null ? 0 : r.max_null_fraction;
    out.features[name] = {
      ...(maxNull !== undefined ? { maxNullFraction: maxNull } : {}),
      ...(r.min !== undefined ? { min: r.min } : {}),
      ...(r.max !== undefined ? { max: r.max } : {}),
      ...(r.allowed_values ? { allowedValues: r.allowed_values.map(String) } : {}),
      ...(r.unique ? { unique: true } : {}),
      onFail: r.on_fail,
    };
  }
  if (m.drift) out.drift = { reference: m.drift.reference, threshold: m.drift.threshold, minValues: m.drift.min_values, ...(m.drift.features ? { features: m.drift.features } : {}) };
  return out;
}

/** A stored FeatureViewVersion.monitoring (JSON) as a config; {} and older rows mean none. */
export function monitoringOf(stored: unknown): MonitoringConfig {
  const m = (stored ?? {}) as Partial<MonitoringConfig>;
  return { ...NO_MONITORING, ...m, features: m.features ?? {} };
}

/**
 * Problems of a view's monitoring block that need the view's features: rules and drift naming
 * features the view does not have, and value rules on dtypes they cannot apply to.
 * Each problem: [path under the view, message].
 */
export function monitoringProblems(view: FeatureViewDef, joinKeys: string[]): [PropertyKey[], string][] {
  const out: [PropertyKey[], string][] = [];
  const m = view.monitoring;
  if (!m) return out;
  const dtypes = new Map<string, string>(view.features.map((f) => [f.name, f.dtype]));
  for (const a of view.aggregations) for (const w of a.windows) dtypes.set(aggregationFeatureName(a, w), a.dtype ?? (a.function === "count" ? "int64" : "float64"));
  const known = () => [...dtypes.keys()].join(", ");
  const numeric = (d: string) => ["int32", "int64", "float32", "float64"].includes(d);
  for (const [name, r] of Object.entries(m.features)) {
    const d = dtypes.get(name);
    if (!d) {
      out.push([["monitoring", "features", name], `unknown feature "${name}"${joinKeys.includes(name) ? " (a join key: use unique_keys)" : ""}; features of this view: ${known()}`]);
      continue;
    }
    if ((r.min !== undefined || r.max !== undefined) && !numeric(d)) out.push([["monitoring", "features", name], `min/max apply to numeric features; "${name}" is ${d}`]);
    if (r.allowed_values && (d.startsWith("list<") || d === "bytes" || d === "timestamp")) out.push([["monitoring", "features", name, "allowed_values"], `allowed_values apply to strings, numbers and bools; "${name}" is ${d}`]);
    if (r.unique && d.startsWith("list<")) out.push([["monitoring", "features", name, "unique"], `unique does not apply to lists; "${name}" is ${d}`]);
  }
  for (const [k, name] of (m.drift?.features ?? []).entries()) {
    if (!dtypes.has(name)) out.push([["monitoring", "drift", "features", k], `unknown feature "${name}"; features of this view: ${known()}`]);
  }
  return out;
}
