// Turns a feature view definition (plus its source and entities) into what a FeatureViewVersion
// stores: the contract `definition` JSON, the Feature rows and the definition hash.
import "server-only";
import { parseDuration } from "./duration";
import { definitionHash, type EntityKeys } from "./definition-hash";
import { compileMonitoring, type MonitoringConfig } from "./monitoring-config";
import { aggregationDtype, aggregationFeatureName, type FeatureViewDef, type SourceDef } from "./repo-schema";

export interface FeatureRow {
  name: string;
  dtype: string;
  description: string;
  kind: "field" | "aggregation";
  aggregation: { column: string; function: string; window: string; windowSeconds: number } | null;
  position: number;
}

export interface CompiledView {
  name: string;
  hash: string;
  /** The contract JSON stored in FeatureViewVersion.definition. */
  definition: Record<string, unknown>;
  sourceName: string;
  entityNames: string[];
  ttlSeconds: number | null;
  transform: string | null;
  materialization: { online: boolean; offline: boolean; schedule?: string };
  /** Freshness objective and monitoring rules (edited in place, not part of the hash). */
  monitoring: MonitoringConfig;
  features: FeatureRow[];
}

/** Row-level features first, then every aggregation × window, in definition order. */
export function viewFeatureRows(view: Pick<FeatureViewDef, "features" | "aggregations">): FeatureRow[] {
  const rows: FeatureRow[] = view.features.map((f, i) => ({
    name: f.name,
    dtype: f.dtype,
    description: f.description ?? "",
    kind: "field",
    aggregation: null,
    position: i,
  }));
  for (const a of view.aggregations) {
    for (const w of a.windows) {
      rows.push({
        name: aggregationFeatureName(a, w),
        dtype: aggregationDtype(a),
        description: a.description ?? "",
        kind: "aggregation",
        aggregation: { column: a.column, function: a.function, window: w, windowSeconds: parseDuration(w) ?? 0 },
        position: rows.length,
      });
    }
  }
  return rows;
}

export function compileView(view: FeatureViewDef, entities: EntityKeys[], source: SourceDef): CompiledView {
  const features = viewFeatureRows(view);
  const joinKeys: { name: string; dtype: string }[] = [];
  for (const e of entities) {
    for (const k of e.join_keys) if (!joinKeys.some((j) => j.name === k.name)) joinKeys.push({ name: k.name, dtype: k.dtype });
  }
  const transform = view.transform?.trim() || null;
  const definition = {
    view: {
      name: view.name,
      entities: view.entities,
      source: view.source,
      ttl: view.ttl ?? null,
      transform,
      features: view.features,
      aggregations: view.aggregations,
    },
    source,
    entities: entities.map((e) => ({ name: e.name, join_keys: e.join_keys.map((k) => ({ name: k.name, dtype: k.dtype })) })),
    join_keys: joinKeys,
    features: features.map((f) => ({
      name: f.name,
      dtype: f.dtype,
      kind: f.kind,
      ...(f.aggregation ? { aggregation: f.aggregation } : {}),
    })),
  };
  return {
    name: view.name,
    hash: definitionHash(view, entities, source),
    definition,
    sourceName: view.source,
    entityNames: [...view.entities],
    ttlSeconds: view.ttl ? parseDuration(view.ttl) : null,
    transform,
    materialization: {
      online: view.materialization.online,
      offline: view.materialization.offline,
      ...(view.materialization.schedule ? { schedule: view.materialization.schedule } : {}),
    },
    monitoring: compileMonitoring(view),
    features,
  };
}
