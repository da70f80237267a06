// Feature references → concrete stored features. Used by retrieval (online/historical), the
// console and anything that accepts `view:feature`, `view@v2:feature`, `view` or a feature service.
import "server-only";
import { db } from "../db/client";
import { LarderError, badRequest, notFound } from "../errors";
import { FEATURE_REF_HELP, formatFeatureRef, parseFeatureRef } from "../shared/feature-refs";
import type { DbClient } from "./registry-state";

export interface ResolvedFeature {
  /** The reference as canonical text: `view:feature` (latest) or `view@v2:feature` (pinned). */
  ref: string;
  view: string;
  viewId: string;
  /** The concrete version the reference resolved to. */
  version: number;
  versionId: string;
  /** True when the reference named the version explicitly. */
  pinned: boolean;
  feature: string;
  dtype: string;
  kind: "field" | "aggregation";
  aggregation: { column: string; function: string; window: string; windowSeconds: number } | null;
  restricted: boolean;
}

export type FeatureSelection = { refs: string[] } | { service: string };

const listNames = (xs: string[]) => (xs.length ? xs.join(", ") : "(none)");

/** Resolves references (or a feature service's references) in one project. Unknown refs → 400/404 naming what exists. */
export async function resolveFeatures(projectId: string, selection: FeatureSelection, client: DbClient = db()): Promise<ResolvedFeature[]> {
  let refs: string[];
  if ("service" in selection) {
    const svc = await client.featureService.findUnique({ where: { projectId_name: { projectId, name: selection.service } } });
    if (!svc || svc.archivedAt) {
      const all = await client.featureService.findMany({ where: { projectId, archivedAt: null }, select: { name: true }, orderBy: { name: "asc" } });
      throw notFound(`Feature service "${selection.service}" does not exist; feature services: ${listNames(all.map((s) => s.name))}.`);
    }
    refs = svc.featureRefs;
  } else refs = selection.refs;
  if (refs.length === 0) throw badRequest("No features requested; name at least one feature reference or a feature service.");

  const parsed = refs.map((r) => {
    const p = parseFeatureRef(r);
    if (!p) throw badRequest(`"${r}" is not a feature reference. ${FEATURE_REF_HELP}`, [{ name: "features", reason: `invalid reference "${r}"` }]);
    return p;
  });
  const viewNames = [...new Set(parsed.map((p) => p.view))];
  const views = await client.featureView.findMany({
    where: { projectId, name: { in: viewNames }, archivedAt: null },
    include: { versions: { include: { features: { orderBy: { position: "asc" } } } } },
  });
  const byName = new Map(views.map((v) => [v.name, v]));

  const out: ResolvedFeature[] = [];
  const seen = new Set<string>();
  for (const [i, p] of parsed.entries()) {
    const v = byName.get(p.view);
    if (!v) {
      const all = await client.featureView.findMany({ where: { projectId, archivedAt: null }, select: { name: true }, orderBy: { name: "asc" } });
      throw notFound(`Feature view "${p.view}" (in "${refs[i]}") does not exist; feature views: ${listNames(all.map((x) => x.name))}.`);
    }
    const versionNo = p.version ?? v.latestVersion;
    const version = v.versions.find((x) => x.version === versionNo);
    if (!version) {
      throw notFound(`Feature view "${p.view}" has no version ${versionNo} (in "${refs[i]}"); versions: ${listNames(v.versions.map((x) => `v${x.version}`).sort())}.`);
    }
    const features = p.feature === null ? version.features : version.features.filter((f) => f.name === p.feature);
    if (features.length === 0) {
      throw new LarderError(
        "not_found",
        `Feature view "${p.view}" v${versionNo} has no feature "${p.feature}" (in "${refs[i]}"); its features: ${listNames(version.features.map((f) => f.name))}.`,
      );
    }
    for (const f of features) {
      const ref = formatFeatureRef({ view: v.name, version: p.version, feature: f.name });
      if (seen.has(ref)) continue;
      seen.add(ref);
      out.push({
        ref,
        view: v.name,
        viewId: v.id,
        version: versionNo,
        versionId: version.id,
        pinned: p.version !== null,
        feature: f.name,
        dtype: f.dtype,
        kind: f.kind === "aggregation" ? "aggregation" : "field",
        aggregation: (f.aggregation as ResolvedFeature["aggregation"]) ?? null,
        restricted: v.restricted,
      });
    }
  }
  return out;
}
