// The definition hash decides whether apply creates a new feature view version: it covers exactly
// what alters values (source, transform, features, aggregations, entities and their join keys, ttl)
// and nothing else (description, owner, tags, materialization are edited in place).
import "server-only";
import { createHash } from "node:crypto";
import { parseDuration } from "./duration";
import { aggregationDtype, type AggregationDef, type SourceDef } from "./repo-schema";

/** JSON with object keys sorted at every level and undefined dropped: equal values → equal strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object" && !(v instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeys(x);
    }
    return out;
  }
  return v;
}

export function sha256(s: string): string {
  return createHash("sha256").update(s).digest("hex");
}

export interface EntityKeys {
  name: string;
  join_keys: { name: string; dtype: string }[];
}

/** The parts of a view that alter values, as stored in FeatureViewVersion.definition.view. */
export interface ViewValueInput {
  transform?: string | null;
  ttl?: string | null;
  features: { name: string; dtype: string }[];
  aggregations: Pick<AggregationDef, "column" | "function" | "windows" | "dtype">[];
}

/** A source without its metadata (what rows it yields). */
export function sourceValue(s: SourceDef | Record<string, unknown>): Record<string, unknown> {
  const { description: _d, owner: _o, tags: _t, ...rest } = s as Record<string, unknown>;
  return rest;
}

export function sourceHash(s: SourceDef): string {
  return sha256(canonicalJson(sourceValue(s)));
}

/** Value-relevant parts of a view, one key per part so plans can say which part changed. */
export function viewValueParts(view: ViewValueInput, entities: EntityKeys[], source: SourceDef | Record<string, unknown>) {
  return {
    source: sourceValue(source),
    transform: view.transform?.trim() || null,
    entities: entities.map((e) => ({ name: e.name, join_keys: e.join_keys.map((k) => ({ name: k.name, dtype: k.dtype })) })),
    ttl: view.ttl ? parseDuration(view.ttl) : null,
    // Order is kept: it is the order of `view` references and of retrieval columns.
    features: view.features.map((f) => ({ name: f.name, dtype: f.dtype })),
    aggregations: view.aggregations.map((a) => ({
      column: a.column,
      function: a.function,
      windows: [...a.windows],
      dtype: aggregationDtype(a),
    })),
  };
}
export type ViewValueParts = ReturnType<typeof viewValueParts>;
export type ViewValuePart = keyof ViewValueParts;

export function hashViewValue(parts: ViewValueParts): string {
  return sha256(canonicalJson(parts));
}

export function definitionHash(view: ViewValueInput, entities: EntityKeys[], source: SourceDef | Record<string, unknown>): string {
  return hashViewValue(viewValueParts(view, entities, source));
}

/** Which value parts differ between two views (empty = same values). */
export function changedViewParts(a: ViewValueParts, b: ViewValueParts): ViewValuePart[] {
  return (Object.keys(a) as ViewValuePart[]).filter((k) => canonicalJson(a[k]) !== canonicalJson(b[k]));
}
