// Planning a historical request: the resolved features grouped into one slot per view version,
// the output columns and their names, and the join keys shared across views.
import "server-only";
import { badRequest } from "../errors";
import { type ResolvedFeature } from "../registry/catalog-cache";
import { type ViewSlot } from "./historical-sql";

export interface Plan {
  slots: ViewSlot[];
  outputs: { slot: number; output: string; kind: "row" | "agg" }[];
  joinKeys: Map<string, string>;
}

export function planSlots(resolved: ResolvedFeature[], fullNames: boolean): Plan {
  const slots: ViewSlot[] = [];
  const bySlot = new Map<string, number>();
  const joinKeys = new Map<string, string>();
  const outputs: Plan["outputs"] = [];
  const names = new Map<string, string>();
  for (const f of resolved) {
    let i = bySlot.get(f.versionId);
    if (i === undefined) {
      i = slots.length;
      const src = (f.viewVersion.definition.source ?? {}) as { created_timestamp_field?: string };
      slots.push({ vv: f.viewVersion, rowFeatures: [], aggFeatures: [], files: [], hasCreated: Boolean(src.created_timestamp_field) });
      bySlot.set(f.versionId, i);
      for (const k of f.viewVersion.joinKeys) {
        const prev = joinKeys.get(k.name);
        if (prev && prev !== k.dtype) throw badRequest(`Join key "${k.name}" has dtype ${prev} in one requested view and ${k.dtype} in ${f.view}.`);
        joinKeys.set(k.name, k.dtype);
      }
    }
    const output = fullNames ? `${f.view}${f.pinned ? `@v${f.version}` : ""}__${f.feature}` : f.feature;
    const id = `${f.versionId}:${f.feature}`;
    const prev = names.get(output);
    if (prev === id) continue;
    if (prev !== undefined) {
      throw badRequest(`Feature name "${output}" is requested from two views; set full_feature_names to tell them apart.`);
    }
    names.set(output, id);
    const entry = { feature: f, output };
    if (f.kind === "aggregation") slots[i].aggFeatures.push(entry);
    else slots[i].rowFeatures.push(entry);
    outputs.push({ slot: i, output, kind: f.kind === "aggregation" ? "agg" : "row" });
  }
  return { slots, outputs, joinKeys };
}
