// What the engine needs from a stored FeatureViewVersion (contract `definition` JSON), typed.
import "server-only";
import { db } from "../db/client";
import type { SourceDef } from "../registry/repo-schema";
import { monitoringOf, type MonitoringConfig } from "../registry/monitoring-config";
import { MaterializationError } from "./errors";

export interface JoinKeySpec {
  name: string;
  dtype: string;
}

export interface AggregationSpec {
  /** Output feature name, e.g. amount_sum_7d. */
  name: string;
  dtype: string;
  column: string;
  function: "sum" | "count" | "avg" | "min" | "max" | "stddev" | "last";
  windowSeconds: number;
}

export interface ViewSpec {
  projectName: string;
  viewName: string;
  version: number;
  versionId: string;
  source: SourceDef;
  joinKeys: JoinKeySpec[];
  ttlSeconds: number | null;
  transform: string | null;
  rowFeatures: { name: string; dtype: string }[];
  aggregations: AggregationSpec[];
  /** Distinct aggregation input columns that are not already join keys or row-level features. */
  extraColumns: string[];
  featureViewId: string;
  /** Freshness objective and data-quality/drift rules (registry/monitoring-config.ts). */
  monitoring: MonitoringConfig;
}

interface StoredDefinition {
  source: SourceDef;
  join_keys: JoinKeySpec[];
  features: { name: string; dtype: string; kind: "field" | "aggregation"; aggregation?: { column: string; function: string; windowSeconds: number } }[];
}

export function viewSpecFromVersion(
  projectName: string,
  viewName: string,
  v: { id: string; version: number; definition: unknown; ttlSeconds: number | null; transform: string | null; featureViewId?: string; monitoring?: unknown },
): ViewSpec {
  const d = v.definition as StoredDefinition;
  if (!d?.source || !Array.isArray(d.join_keys) || !Array.isArray(d.features)) {
    throw new MaterializationError(viewName, "load_version", `version ${v.version} has no usable definition snapshot`);
  }
  const rowFeatures = d.features.filter((f) => f.kind !== "aggregation").map((f) => ({ name: f.name, dtype: f.dtype }));
  const aggregations: AggregationSpec[] = d.features
    .filter((f) => f.kind === "aggregation" && f.aggregation)
    .map((f) => ({
      name: f.name,
      dtype: f.dtype,
      column: f.aggregation!.column,
      function: f.aggregation!.function as AggregationSpec["function"],
      windowSeconds: f.aggregation!.windowSeconds,
    }));
  const taken = new Set([...d.join_keys.map((k) => k.name), ...rowFeatures.map((f) => f.name)]);
  const extraColumns = [...new Set(aggregations.map((a) => a.column))].filter((c) => !taken.has(c));
  return {
    projectName,
    viewName,
    version: v.version,
    versionId: v.id,
    source: d.source,
    joinKeys: d.join_keys,
    ttlSeconds: v.ttlSeconds,
    transform: v.transform?.trim() ? v.transform.trim() : null,
    rowFeatures,
    aggregations,
    extraColumns,
    featureViewId: v.featureViewId ?? "",
    monitoring: monitoringOf(v.monitoring),
  };
}

/** Loads the version row and checks it belongs to project/view/version as the caller claims. */
export async function loadViewSpec(input: { projectName: string; viewName: string; version: number; versionId: string }): Promise<ViewSpec> {
  let row;
  try {
    row = await db().featureViewVersion.findUnique({
      where: { id: input.versionId },
      include: { featureView: { include: { project: { select: { name: true } } } } },
    });
  } catch (e) {
    throw new MaterializationError(input.viewName, "load_version", "the registry (Postgres) is unavailable", { cause: e, code: "unavailable" });
  }
  if (!row || row.featureView.name !== input.viewName || row.featureView.project.name !== input.projectName || row.version !== input.version) {
    throw new MaterializationError(
      input.viewName,
      "load_version",
      `version ${input.version} (${input.versionId}) of ${input.projectName}/${input.viewName} not found`,
      { code: "not_found" },
    );
  }
  return viewSpecFromVersion(input.projectName, input.viewName, row);
}
