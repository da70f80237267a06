// Resolves the stored references of feature services to concrete features: an unpinned reference
// (version null) follows the latest version of its view.
import "server-only";
import { db } from "../db/client";
import type { FeatureServiceFeature } from "../db/generated/client";
import { hrefs } from "../shared/hrefs";
import type { ResolvedFeatureOut } from "./read-models";

/** A reference to every feature of a view (`view` / `view@v2`) may be stored as "*" or "". */
const ALL_FEATURES = new Set(["*", ""]);

export async function resolveServiceFeatures(
  projectName: string,
  refs: Array<Pick<FeatureServiceFeature, "serviceId" | "featureViewId" | "version" | "featureName" | "position">>,
): Promise<Map<string, ResolvedFeatureOut[]>> {
  const out = new Map<string, ResolvedFeatureOut[]>();
  if (refs.length === 0) return out;
  const views = await db().featureView.findMany({
    where: { id: { in: [...new Set(refs.map((r) => r.featureViewId))] } },
    select: { id: true, name: true, latestVersion: true },
  });
  const viewById = new Map(views.map((v) => [v.id, v]));
  const pairs = new Map<string, { featureViewId: string; version: number }>();
  for (const r of refs) {
    const v = viewById.get(r.featureViewId);
    if (!v) continue;
    const version = r.version ?? v.latestVersion;
    pairs.set(`${v.id}@${version}`, { featureViewId: v.id, version });
  }
  const versions = await db().featureViewVersion.findMany({
    where: { OR: [...pairs.values()] },
    select: { featureViewId: true, version: true, features: { orderBy: { position: "asc" } } },
  });
  const featuresOf = new Map(versions.map((v) => [`${v.featureViewId}@${v.version}`, v.features]));

  for (const r of [...refs].sort((a, b) => a.position - b.position)) {
    const view = viewById.get(r.featureViewId);
    if (!view) continue;
    const version = r.version ?? view.latestVersion;
    const features = featuresOf.get(`${view.id}@${version}`) ?? [];
    const chosen = ALL_FEATURES.has(r.featureName) ? features : features.filter((f) => f.name === r.featureName);
    const list = out.get(r.serviceId) ?? [];
    const base = { view: view.name, version, pinned: r.version !== null };
    if (chosen.length === 0 && !ALL_FEATURES.has(r.featureName)) {
      list.push({
        ...base,
        ref: `${view.name}@v${version}:${r.featureName}`,
        name: r.featureName,
        dtype: null,
        kind: null,
        description: "",
        exists: false,
        href: hrefs.featureView(projectName, view.name),
      });
    }
    for (const f of chosen) {
      list.push({
        ...base,
        ref: `${view.name}@v${version}:${f.name}`,
        name: f.name,
        dtype: f.dtype,
        kind: f.kind,
        description: f.description,
        exists: true,
        href: hrefs.feature(projectName, view.name, version, f.name),
      });
    }
    out.set(r.serviceId, list);
  }
  return out;
}
