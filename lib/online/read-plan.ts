// Planning an online read: the requested refs resolved against the cached catalog into view slots,
// Redis field groups and response columns, compiled once per distinct request shape and cached on
// the catalog snapshot.
import "server-only";
import { badRequest } from "../errors";
import { aggField, asofField, projectKeyPrefix, rowField, tsField } from "./keys";
import { resolveFromCatalog, type CatalogViewVersion, type ProjectCatalog, type ResolvedFeature } from "../registry/catalog-cache";
import type { OnlineFeaturesRequest } from "./read-types";

export interface ViewSlot {
  vv: CatalogViewVersion;
  group: number;
  /** Indexes into the group's HMGET fields; -1 when no requested feature needs that field. */
  tsIdx: number;
  rowIdx: number;
  asofIdx: number;
  aggIdx: number;
  /** Feature name → index in the packed `__row` / `__agg` array (keys.ts). */
  rowPos: Map<string, number>;
  aggPos: Map<string, number>;
  /** The view's ttl in µs (null = none). */
  ttlUs: number | null;
}

interface PlanColumn {
  name: string;
  feature: ResolvedFeature;
  slot: ViewSlot;
  /** Index in the slot's packed array of the column's kind. */
  pos: number;
  isAggregation: boolean;
}

interface PlanGroup {
  /** Join key names sorted (key layout order). */
  keyNames: string[];
  /** The entity key from the join keys' key texts (values.ts keyText), in keyNames order. */
  buildKey: (sortedTexts: readonly string[]) => string;
  fields: string[];
}

export interface OnlinePlan {
  columns: PlanColumn[];
  groups: PlanGroup[];
  slots: ViewSlot[];
  /** Every join key the request must provide → dtype. */
  joinKeys: Map<string, string>;
  restrictedViews: string[];
  /** The columns' names as JSON strings joined by commas (the response's feature_names tail). */
  columnNamesJson: string;
}

/**
 * Entity keys in keys.ts's layout (`entityKey`), with the per-key prefixes computed once per plan
 * instead of sorting and joining names on every row of every request.
 */
function entityKeyBuilder(project: string, sortedNames: readonly string[]): (sortedTexts: readonly string[]) => string {
  const head = projectKeyPrefix(project);
  const parts = sortedNames.map((n, i) => `${i > 0 ? "," : ""}${n}=`);
  if (parts.length === 1) {
    const p0 = head + parts[0];
    return (v) => p0 + encodeURIComponent(v[0]);
  }
  return (v) => {
    let key = head;
    for (let i = 0; i < parts.length; i++) key += parts[i] + encodeURIComponent(v[i]);
    return key;
  };
}

export function compilePlan(catalog: ProjectCatalog, req: OnlineFeaturesRequest): OnlinePlan {
  const cacheKey = `${req.feature_service ?? ""}\u0000${req.full_feature_names ? 1 : 0}\u0000${(req.features ?? []).join("\u0000")}`;
  const hit = catalog.plans.get(cacheKey) as OnlinePlan | undefined;
  if (hit) return hit;
  // As in Feast, a request naming both a feature service and features is answered from the service.
  const resolved = resolveFromCatalog(catalog, req, true);
  const groups: PlanGroup[] = [];
  const groupByKeys = new Map<string, number>();
  const slots = new Map<string, ViewSlot>();
  const joinKeys = new Map<string, string>();
  const restricted = new Set<string>();
  const fieldIndex: Map<string, number>[] = [];
  const fieldOf = (group: number, field: string): number => {
    let idx = fieldIndex[group].get(field);
    if (idx === undefined) {
      idx = groups[group].fields.length;
      groups[group].fields.push(field);
      fieldIndex[group].set(field, idx);
    }
    return idx;
  };
  const columns: PlanColumn[] = [];
  const names = new Map<string, string>();
  for (const f of resolved) {
    const vv = f.viewVersion;
    let slot = slots.get(vv.id);
    if (!slot) {
      for (const k of vv.joinKeys) {
        const prev = joinKeys.get(k.name);
        if (prev && prev !== k.dtype) {
          throw badRequest(`Join key "${k.name}" has dtype ${prev} in one requested view and ${k.dtype} in ${vv.view}; request them separately.`);
        }
        joinKeys.set(k.name, k.dtype);
      }
      const keyNames = vv.joinKeys.map((k) => k.name).sort();
      const gk = keyNames.join(",");
      let group = groupByKeys.get(gk);
      if (group === undefined) {
        group = groups.length;
        groups.push({ keyNames, buildKey: entityKeyBuilder(catalog.project, keyNames), fields: [] });
        fieldIndex.push(new Map());
        groupByKeys.set(gk, group);
      }
      const rowNames = vv.features.filter((x) => x.kind !== "aggregation").map((x) => x.name);
      const aggNames = vv.features.filter((x) => x.kind === "aggregation").map((x) => x.name);
      slot = {
        vv,
        group,
        tsIdx: -1,
        rowIdx: -1,
        asofIdx: -1,
        aggIdx: -1,
        rowPos: new Map(rowNames.map((n, i) => [n, i])),
        aggPos: new Map(aggNames.map((n, i) => [n, i])),
        ttlUs: vv.ttlSeconds === null ? null : vv.ttlSeconds * 1_000_000,
      };
      slots.set(vv.id, slot);
      if (vv.restricted) restricted.add(vv.view);
    }
    const name = req.full_feature_names
      ? `${f.view}${f.pinned ? `@v${f.version}` : ""}__${f.feature}`
      : f.feature;
    const prev = names.get(name);
    if (prev !== undefined) {
      if (prev === `${f.view}@${f.version}`) continue; // the same feature asked twice: answer once
      throw badRequest(
        `Feature name "${name}" is requested from two views (${prev.split("@")[0]} and ${f.view}); set "full_feature_names": true to tell them apart.`,
        undefined,
        "feature_name_collision",
      );
    }
    names.set(name, `${f.view}@${f.version}`);
    const isAggregation = f.kind === "aggregation";
    // Only the packed fields some requested feature needs are read.
    if (isAggregation && slot.aggIdx < 0) {
      slot.asofIdx = fieldOf(slot.group, asofField(vv.view, vv.version));
      slot.aggIdx = fieldOf(slot.group, aggField(vv.view, vv.version));
    } else if (!isAggregation && slot.rowIdx < 0) {
      slot.tsIdx = fieldOf(slot.group, tsField(vv.view, vv.version));
      slot.rowIdx = fieldOf(slot.group, rowField(vv.view, vv.version));
    }
    const pos = (isAggregation ? slot.aggPos : slot.rowPos).get(f.feature);
    if (pos === undefined) throw new Error(`feature ${f.feature} is not in the catalog of ${vv.view}@v${vv.version}`);
    columns.push({ name, feature: f, slot, pos, isAggregation });
  }
  const plan: OnlinePlan = {
    columns,
    groups,
    slots: [...slots.values()],
    joinKeys,
    restrictedViews: [...restricted],
    columnNamesJson: columns.map((c) => JSON.stringify(c.name)).join(","),
  };
  if (catalog.plans.size > 1000) catalog.plans.clear();
  catalog.plans.set(cacheKey, plan);
  return plan;
}
